//! The JSON API under /api/v1: the same verbs as the pages, for API clients with a bearer token
//! (from POST /api/v1/login). Errors have one shape: {"error", "message"} (+ "current_version" on 409).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Multipart, Query};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use duban_core::access::Action;
use duban_core::matter::{Change, Matter, MatterId, MatterKind, Standard};
use duban_core::metrics::dashboard as dashboard_figures;
use duban_report::LeadUnits;
use serde::Deserialize;
use time::Date;

use super::form::require;
use super::reports::{MAX_REPORT_BYTES, read, units as unit_table};
use super::{AppError, AppState, api, authenticate};
use crate::decompose::{candidates, report};
use crate::store::{NewMatter, NewShare, UnitId};

#[derive(Deserialize)]
pub struct SplitBody {
    version: i64,
    /// [{"unit": "傅庄街道", "weight": 0.4, "deadline": "2019-10-31"}]
    shares: Vec<ShareBody>,
    #[serde(default)]
    follow_worst: bool,
}

#[derive(Deserialize)]
pub struct ShareBody {
    unit: String,
    weight: f64,
    deadline: Option<Date>,
}

async fn unit_named(state: &AppState, name: &str) -> Result<UnitId, AppError> {
    state.store.unit_id(name).await.map_err(|_| AppError::BadRequest(format!("没有单位“{name}” / no unit {name:?}")))
}

pub async fn split(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(body): Json<SplitBody>,
) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let mut shares = Vec::with_capacity(body.shares.len());
        for s in &body.shares {
            shares.push(NewShare { unit: unit_named(&state, &s.unit).await?, weight: s.weight, deadline: s.deadline });
        }
        let m =
            state.store.split(&actor, MatterId(id), body.version, &shares, body.follow_worst, state.today()).await?;
        Ok(serde_json::json!({"matter": m}))
    })
    .await
}

/// Multipart: `version` and `file`.
pub async fn attach(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    form: Multipart,
) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let upload = super::supervision::read_upload(form).await?;
        let version = upload
            .field("version")
            .parse()
            .map_err(|_| AppError::BadRequest("version 须为整数 / version must be an integer".into()))?;
        let (name, bytes) =
            upload.file().ok_or_else(|| AppError::BadRequest("缺少 file 字段 / no file field".into()))?;
        let m = state.store.attach(&actor, MatterId(id), version, name, bytes, state.today()).await?;
        Ok(serde_json::json!({"matter": m}))
    })
    .await
}

/// The dashboard's figures: counts by colour, by section, the ranking and every matter's colour.
pub async fn dashboard(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let today = state.today();
        let matters: Vec<Matter> = state.store.matters_for(&actor).await?.into_iter().map(|r| r.matter).collect();
        let d = dashboard_figures(&matters, today, state.rules(), &state.ranking);
        let levels: Vec<serde_json::Value> = matters
            .iter()
            .zip(&d.assessments)
            .map(|(m, a)| serde_json::json!({"id": m.id, "level": a.level, "progress": a.actual}))
            .collect();
        Ok(serde_json::json!({
            "today": today.to_string(),
            "counts": d.counts.iter().map(|(l, n)| (serde_json::to_value(l).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(), *n)).collect::<std::collections::BTreeMap<_, _>>(),
            "sections": d.sections.iter().map(|s| serde_json::json!({"section": s.section, "red": s.red, "yellow": s.yellow, "green": s.green, "done": s.done})).collect::<Vec<_>>(),
            "ranking": d.ranking,
            "matters": levels,
            "rules": state.rules(),
        }))
    })
    .await
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    year: Option<i32>,
}

/// The candidate matters of a report (the request body: .txt, .html or .docx bytes).
pub async fn preview(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<YearQuery>,
    body: axum::body::Bytes,
) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        require(&actor, Action::ImportReports)?;
        if body.len() > MAX_REPORT_BYTES {
            return Err(AppError::BadRequest(format!(
                "文件过大（上限 {} MB）/ the file is too large ({} MB at most)",
                MAX_REPORT_BYTES >> 20,
                MAX_REPORT_BYTES >> 20
            )));
        }
        let table = LeadUnits::builtin();
        let reading = read(&body, q.year, &table)?;
        let (_, by_name) = unit_table(&state).await?;
        let names: std::collections::HashMap<UnitId, &str> = by_name.iter().map(|(n, id)| (*id, n.as_str())).collect();
        let rows: Vec<serde_json::Value> = candidates(&reading, &by_name, &table)
            .into_iter()
            .map(|m| {
                serde_json::json!({"kind": m.kind, "title": m.title, "source": m.source, "section": m.section,
                    "lead_unit": m.lead_unit.and_then(|u| names.get(&u).copied()),
                    "co_units": m.co_units.iter().filter_map(|u| names.get(u).copied()).collect::<Vec<_>>(),
                    "deadline": m.deadline.map(|d| d.to_string()), "standard": m.standard})
            })
            .collect();
        Ok(serde_json::json!({"title": reading.title, "jurisdiction": reading.jurisdiction,
            "plan_year": reading.plan_year, "facts": reading.facts.len(), "text": reading.text, "matters": rows}))
    })
    .await
}

#[derive(Deserialize)]
pub struct AdoptBody {
    /// The report's text (as returned by the preview).
    text: String,
    year: Option<i32>,
    /// The matters to create; without it, every candidate as suggested.
    matters: Option<Vec<AdoptMatter>>,
    /// A report adopted before that this one is a new version of (required when it looks like
    /// one: the same text, or the same jurisdiction and year).
    #[serde(default)]
    supersedes: Option<i64>,
}

#[derive(Deserialize)]
pub struct AdoptMatter {
    kind: MatterKind,
    title: String,
    #[serde(default)]
    source: String,
    section: Option<String>,
    lead_unit: Option<String>,
    #[serde(default)]
    co_units: Vec<String>,
    deadline: Option<Date>,
    standard: Option<Standard>,
}

pub async fn adopt(State(state): State<Arc<AppState>>, headers: HeaderMap, Json(body): Json<AdoptBody>) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        require(&actor, Action::ImportReports)?;
        let table = LeadUnits::builtin();
        let reading = read(body.text.as_bytes(), body.year, &table)?;
        let supersedes = super::reports::new_version_of(
            &state,
            &reading,
            &body.supersedes.map(|id| id.to_string()).unwrap_or_default(),
        )
        .await?;
        let matters = match body.matters {
            // Every candidate; for a new version, those that are not already matters of it.
            None => {
                let all = candidates(&reading, &unit_table(&state).await?.1, &table);
                match supersedes {
                    Some(earlier) => {
                        let existing = state.store.report_matters(earlier).await?;
                        all.into_iter().filter(|m| crate::decompose::matching(&m.title, &existing).is_none()).collect()
                    }
                    None => all,
                }
            }
            Some(list) => {
                let mut out = Vec::with_capacity(list.len());
                for (i, m) in list.into_iter().enumerate() {
                    if m.title.trim().is_empty() {
                        return Err(AppError::BadRequest(format!(
                            "matters[{i}]：工作任务为空 / matters[{i}]: empty title"
                        )));
                    }
                    let lead = match &m.lead_unit {
                        Some(u) => Some(unit_named(&state, u).await?),
                        None => None,
                    };
                    let mut co = Vec::new();
                    for u in &m.co_units {
                        co.push(unit_named(&state, u).await?);
                    }
                    out.push(NewMatter {
                        kind: m.kind,
                        title: m.title,
                        source: m.source,
                        span: None,
                        lead_unit: lead,
                        co_units: co,
                        deadline: m.deadline,
                        standard: m.standard,
                        section: m.section,
                    });
                }
                out
            }
        };
        let new = crate::store::NewReport { supersedes, ..report(&reading, matters) };
        let (report_id, ids) = state.store.adopt_report(&actor, &new, state.today()).await?;
        Ok(serde_json::json!({"report": report_id, "matters": ids}))
    })
    .await
}

pub async fn campaigns(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let list: Vec<serde_json::Value> = state
            .store
            .campaigns(&actor)
            .await?
            .into_iter()
            .map(|c| serde_json::json!({"id": c.id, "name": c.name, "deadline": c.deadline.to_string(), "matters": c.matters}))
            .collect();
        Ok(serde_json::json!({"campaigns": list}))
    })
    .await
}

#[derive(Deserialize)]
pub struct CampaignBody {
    name: String,
    deadline: Date,
    matters: Vec<i64>,
}

pub async fn create_campaign(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(body): Json<CampaignBody>,
) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let ids: Vec<MatterId> = body.matters.into_iter().map(MatterId).collect();
        let id = state.store.create_campaign(&actor, &body.name, body.deadline, &ids, state.today()).await?;
        Ok(serde_json::json!({"campaign": id}))
    })
    .await
}

pub async fn units(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    api(StatusCode::OK, async {
        authenticate(&state, &headers).await?;
        let list: Vec<serde_json::Value> = state
            .store
            .units()
            .await?
            .into_iter()
            .map(|(id, name, kind)| serde_json::json!({"id": id.0, "name": name, "kind": kind}))
            .collect();
        Ok(serde_json::json!({"units": list}))
    })
    .await
}

#[derive(Deserialize)]
pub struct WebhookBody {
    url: Option<String>,
}

pub async fn set_webhook(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(body): Json<WebhookBody>,
) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        state
            .store
            .set_webhook(&actor, UnitId(id), body.url.as_deref().filter(|u| !u.is_empty()), &state.outbound)
            .await?;
        Ok(serde_json::json!({"unit": id, "webhook_url": body.url}))
    })
    .await
}

#[derive(Deserialize)]
pub struct Credentials {
    login: String,
    password: String,
}

/// Exchanges a login and password for a bearer token valid for 12 hours.
pub async fn login(
    State(state): State<Arc<AppState>>,
    extensions: axum::http::Extensions,
    Json(c): Json<Credentials>,
) -> Response {
    let actor =
        match super::session::sign_in(&state, &c.login, &c.password, &super::session::address(&extensions)).await {
            Ok(actor) => actor,
            Err(e) => return e.json(),
        };
    match state.store.open_session(actor.user, time::Duration::hours(12)).await {
        Ok(s) => {
            Json(serde_json::json!({"token": s.token, "expires_at": s.expires_at, "name": actor.name})).into_response()
        }
        Err(e) => AppError::from(e).json(),
    }
}

/// The ledger the caller may see, a page at a time: the same filters, search and sorting as the
/// ledger page (`q`, `unit`, `level`, `status`, `section`, `campaign`, `sort`, `dir`, `page`,
/// `per`), with the total.
pub async fn matters(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(p): Query<super::ledger::LedgerParams>,
) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let today = state.today();
        let query = p.query()?;
        state.store.refresh_assessments(today).await?;
        let page = state.store.ledger(&actor, &query).await?;
        let items: Vec<serde_json::Value> = page
            .rows
            .iter()
            .map(|l| {
                serde_json::json!({"number": l.matter.cite(), "matter": l.matter, "lead_unit": l.unit,
                    "level": l.level, "progress": l.progress})
            })
            .collect();
        Ok(serde_json::json!({"today": today.to_string(), "total": page.total, "page": page.page,
            "per_page": page.per_page, "matters": items}))
    })
    .await
}

pub async fn matter(State(state): State<Arc<AppState>>, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    let result = async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let v = super::matter_view(&state, &actor, id).await?;
        let children: Vec<serde_json::Value> = v
            .children
            .iter()
            .zip(&v.child_assessments)
            .map(|(c, a)| serde_json::json!({"matter": c.matter, "warning": a}))
            .collect();
        Ok::<_, AppError>(
            Json(serde_json::json!({"matter": v.matter, "warning": v.assessment, "timeline": v.timeline, "children": children}))
                .into_response(),
        )
    };
    result.await.unwrap_or_else(AppError::json)
}

#[derive(Deserialize)]
pub struct NewEvent {
    /// The version the client last saw; a stale one gets 409 with the current version.
    version: i64,
    /// The day the change is about (default: today).
    on: Option<Date>,
    change: Change,
}

pub async fn record(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(e): Json<NewEvent>,
) -> Response {
    let result = async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let today = state.today();
        let on = e.on.unwrap_or(today);
        if on > today {
            return Err(AppError::BadRequest(format!(
                "日期{on}晚于今天（{today}），不能预先记录 / {on} is after today ({today})"
            )));
        }
        if matches!(actor.role, crate::store::Role::Unit(_)) && on != today {
            return Err(AppError::BadRequest(format!(
                "单位报送的日期即报送当天（{today}），不能补记或预记 / a unit records on the day it reports ({today})"
            )));
        }
        let m = state.store.record(&actor, MatterId(id), e.version, on, e.change).await?;
        Ok::<_, AppError>(Json(serde_json::json!({"matter": m})).into_response())
    };
    result.await.unwrap_or_else(AppError::json)
}

/// The OpenAPI document of what exists so far.
pub async fn openapi() -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "duban API", "version": env!("CARGO_PKG_VERSION")},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": {"type": "object", "required": ["error", "message"], "properties": {
                "error": {"type": "string"}, "message": {"type": "string"}, "current_version": {"type": "integer"}}}}},
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3.1"}}}},
            "/api/v1/requests": {"post": {"summary": "Hotline centre or office: take a request in (201 with its number, its query code for the caller, the deadline and the suggested unit); dispatch at once with `dispatch`",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["caller_name", "phone", "content", "request_type", "category"], "properties": {
                    "caller_name": {"type": "string", "maxLength": 60}, "phone": {"type": "string", "maxLength": 40}, "address": {"type": "string", "maxLength": 200},
                    "content": {"type": "string", "maxLength": 4000}, "request_type": {"type": "string", "description": "咨询/求助/投诉/举报/建议/表扬 or consultation/help/complaint/report/suggestion/praise"},
                    "category": {"type": "string", "description": "a code of the catalogue"}, "place": {"type": ["string", "null"]},
                    "urgent": {"type": "boolean"}, "confidential": {"type": "boolean"}, "lat": {"type": ["number", "null"]}, "lon": {"type": ["number", "null"]},
                    "dispatch": {"type": ["string", "null"], "description": "\"suggested\" or a unit's name"}}}}}},
                "responses": {"201": {"description": "{matter, number, lookup_code, deadline, suggested_unit, dispatched}"},
                    "400": {"description": "a field is not valid", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "401": {"description": "not signed in"}, "403": {"description": "not the hotline centre or the office"},
                    "422": {"description": "refused (an unknown category, an incomplete phone …)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
            "/api/v1/requests/{id}": {"get": {"summary": "A request's particulars (full for the centre and the handling unit, masked for a leader), its matter, timeline and suspected duplicates",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "{request, matter, timeline, assessment, duplicates}"}, "401": {"description": "not signed in"},
                    "403": {"description": "not the caller's"}, "404": {"description": "no such request"}}}},
            "/api/v1/requests/{id}/dispatch": {"post": {"summary": "Hotline centre or office: dispatch a request to a unit",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["version", "unit"], "properties": {
                    "version": {"type": "integer"}, "unit": {"type": "string", "description": "the unit's name"}}}}}},
                "responses": {"200": {"description": "the request's matter after dispatch"}, "400": {"description": "no such unit"}, "403": {"description": "not allowed"},
                    "404": {"description": "no such request"}, "409": {"description": "stale version"}, "422": {"description": "the lifecycle refuses it"}}}},
            "/api/v1/categories": {
                "get": {"summary": "The request categories", "security": [], "responses": {"200": {"description": "{categories: [{code, name, parent, description}]}"}}},
                "post": {"summary": "Hotline centre or office: add or update categories and dispatch rules, all or none",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["categories"], "properties": {
                        "categories": {"type": "array", "items": {"type": "object", "required": ["code", "name"], "properties": {
                            "code": {"type": "string"}, "name": {"type": "string"}, "parent": {"type": ["string", "null"]}, "description": {"type": "string"}}}},
                        "dispatch": {"type": "array", "items": {"type": "object", "required": ["category", "unit"], "properties": {
                            "category": {"type": "string"}, "place": {"type": "string"}, "unit": {"type": "string"}}}}}}}}},
                    "responses": {"200": {"description": "imported"}, "400": {"description": "bad rows"}, "403": {"description": "not allowed"}, "422": {"description": "refused"}}}},
            "/api/v1/casework/metrics": {"get": {"summary": "The published rates (办结率, 满意率 …) with their formulas, by unit, category, type, place or month",
                "parameters": [{"name": "from", "in": "query", "schema": {"type": "string"}, "description": "YYYY-MM-DD"},
                    {"name": "to", "in": "query", "schema": {"type": "string"}, "description": "YYYY-MM-DD"},
                    {"name": "by", "in": "query", "schema": {"type": "string", "enum": ["", "unit", "category", "type", "place", "month"]}}],
                "responses": {"200": {"description": "{from, to, by, definitions, total, rows}"}, "400": {"description": "a bad date or grouping", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "401": {"description": "not signed in"}, "403": {"description": "not allowed"}}}},
            "/api/v1/answers": {
                "get": {"summary": "Hotline centre or office: the knowledge base, searched",
                    "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}, {"name": "category", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "{answers: [{id, title, body}]}"}, "401": {"description": "not signed in"}, "403": {"description": "not allowed"}}},
                "post": {"summary": "Hotline centre or office: add an answer to the knowledge base",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["title", "body"], "properties": {
                        "title": {"type": "string", "maxLength": 100}, "body": {"type": "string", "maxLength": 4000}, "category": {"type": ["string", "null"]}}}}}},
                    "responses": {"201": {"description": "{id}"}, "400": {"description": "bad body"}, "403": {"description": "not allowed"}, "422": {"description": "refused"}}}},
            "/api/v1/open311/keys": {"post": {"summary": "Administrator: issue an Open311 API key to a client",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}}}},
                "responses": {"201": {"description": "{api_key, name}"}, "400": {"description": "bad body"}, "401": {"description": "not signed in"}, "403": {"description": "not the administrator"}}}},
            "/api/v1/complaints": {
                "get": {"summary": "The public ledger of inspection complaints: closed ones with their outcome, a count of the others", "security": [],
                    "parameters": [{"name": "batch", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "{total, closed, open, complaints}"}}},
                "post": {"summary": "Office: import a batch of complaints (all or none)",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["batch", "rows"], "properties": {
                        "batch": {"type": "string"}, "rows": {"type": "array", "items": {"type": "object", "required": ["number", "content", "assigned_on", "unit", "deadline"], "properties": {
                            "number": {"type": "string"}, "content": {"type": "string"}, "assigned_on": {"type": "string", "format": "date"},
                            "unit": {"type": "string"}, "deadline": {"type": "string", "format": "date"}}}}}}}}},
                    "responses": {"200": {"description": "{matters}"}, "400": {"description": "bad body"}, "403": {"description": "not the office"}, "422": {"description": "refused (the row is named)"}}}},
            "/api/v1/proposals": {
                "get": {"summary": "Proposals with their handler and result (all for the office; the public's view otherwise)", "security": [],
                    "responses": {"200": {"description": "{proposals}"}}},
                "post": {"summary": "Office: file a deputy's proposal (议案/建议/提案) with its 主办 and 会办 units",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["number", "session", "proposal_kind", "proposers", "title", "lead_unit"], "properties": {
                        "number": {"type": "string"}, "session": {"type": "string"}, "proposal_kind": {"type": "string", "enum": ["议案", "建议", "提案"]},
                        "proposers": {"type": "string", "description": "names separated by 、 or commas"}, "title": {"type": "string"}, "content": {"type": "string"},
                        "lead_unit": {"type": "string"}, "co_units": {"type": "string"}, "confidential": {"type": ["string", "null"]}}}}}},
                    "responses": {"201": {"description": "{matter}"}, "400": {"description": "bad body"}, "403": {"description": "not the office"}, "422": {"description": "refused"}}}},
            "/api/v1/login": {"post": {"summary": "Sign in; returns a bearer token", "security": [],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["login", "password"],
                    "properties": {"login": {"type": "string"}, "password": {"type": "string"}}}}}},
                "responses": {"200": {"description": "token"}, "401": {"description": "wrong login or password"}}}},
            "/api/v1/matters": {"get": {"summary": "The ledger the caller may see, a page at a time, with the total: searched, filtered, sorted",
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "words of the title, source clause or timeline, or a ledger number (2019-012)"},
                    {"name": "unit", "in": "query", "schema": {"type": "string"}, "description": "part of the lead unit's name"},
                    {"name": "level", "in": "query", "schema": {"type": "string", "enum": ["", "red", "yellow", "green"]}},
                    {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["", "draft", "dispatched", "open", "replied", "submitted", "done", "cancelled"]}},
                    {"name": "section", "in": "query", "schema": {"type": "string"}},
                    {"name": "campaign", "in": "query", "schema": {"type": "string"}, "description": "a special campaign's id"},
                    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["", "number", "deadline", "level", "progress", "unit"]}},
                    {"name": "dir", "in": "query", "schema": {"type": "string", "enum": ["", "asc", "desc"]}},
                    {"name": "page", "in": "query", "schema": {"type": "string"}, "description": "1-based; past the end gives the last page"},
                    {"name": "per", "in": "query", "schema": {"type": "string"}, "description": "rows a page, 1 to 5000 (default 50)"}],
                "responses": {"200": {"description": "{today, total, page, per_page, matters: [{number, matter, lead_unit, level, progress}]}"},
                    "400": {"description": "a parameter is not valid", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "401": {"description": "not signed in"}}}},
            "/api/v1/bulletins": {
                "get": {"summary": "The register of issued bulletins (督查通报), newest first", "responses": {"200": {"description": "{bulletins: [...]}"}, "401": {"description": "not signed in"}}},
                "post": {"summary": "Office: issue the bulletin of a period (default: the last complete month), numbered 第N期 per year and kept as issued",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
                        "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}}}}}},
                    "responses": {"201": {"description": "the issued bulletin: id, year, number, issue, period, document link"},
                        "400": {"description": "bad period"}, "403": {"description": "not the office"}}}},
            "/api/v1/matters/{id}": {"get": {"summary": "One matter with its warning and timeline",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "matter"}, "404": {"description": "no such matter, or not the caller's"}}}},
            "/api/v1/matters/{id}/events": {"post": {"summary": "Record a change (progress, reminder, sign-off …)",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["version", "change"],
                    "properties": {"version": {"type": "integer"}, "on": {"type": "string", "format": "date", "description": "the office may date a change in the past (not before the matter's latest entry); a unit records on the day; nothing after today"},
                        "change": {"type": "object", "description": "{\"type\": \"progress_reported\", \"value\": 2310, \"percent\": null, \"narrative\": \"…\"} (percent 0–100; a value only where the matter has a standard), milestone_proposed {name, due}, completion_requested {note} (needs evidence attached first), signed_off {note} (a reason needed when closing without an application, below the standard or on red: the exceptions are worked out by the server), sent_back {reason}, and the other changes of duban-core"}}}}}},
                "responses": {"200": {"description": "the matter after the change"}, "400": {"description": "a date after today, or a unit's date not today"}, "403": {"description": "not the caller's to change"},
                    "404": {"description": "no such matter"}, "409": {"description": "stale version; body has current_version"},
                    "422": {"description": "the lifecycle refuses it, or what it carries is out of bounds (the message says which)"}}}},
            "/api/v1/matters/{id}/split": {"post": {"summary": "Office: split a matter into sub-matters (1 → N), one per unit with its share of the standard",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["version", "shares"], "properties": {
                    "version": {"type": "integer"}, "follow_worst": {"type": "boolean", "description": "the parent's colour follows its worst child"},
                    "shares": {"type": "array", "items": {"type": "object", "required": ["unit", "weight"], "properties": {
                        "unit": {"type": "string"}, "weight": {"type": "number", "description": "share of the standard, 0 < w ≤ 1; all together ≤ 1"},
                        "deadline": {"type": "string", "format": "date"}}}}}}}}},
                "responses": {"200": {"description": "the parent after the split"}, "403": {"description": "not the office"}, "409": {"description": "stale version"}, "422": {"description": "bad shares"}}}},
            "/api/v1/matters/{id}/attachments": {"post": {"summary": "Attach an evidence file (JPG, PNG, PDF, Word, Excel; 10 MB at most)",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "required": ["version", "file"], "properties": {
                    "version": {"type": "integer"}, "file": {"type": "string", "format": "binary"}}}}}},
                "responses": {"200": {"description": "the matter with the file listed"}, "403": {"description": "not the caller's"}, "422": {"description": "wrong type or size"}}}},
            "/api/v1/matters/{id}/attachments/{file}": {"get": {"summary": "Download an evidence file",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}, {"name": "file", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the file"}, "403": {"description": "not the caller's"}, "404": {"description": "no such file"}}}},
            "/api/v1/dashboard": {"get": {"summary": "Counts by colour and by report section, the unit ranking, every matter's colour and the warning rules",
                "responses": {"200": {"description": "figures"}}}},
            "/api/v1/reports/preview": {"post": {"summary": "Office: read a report (body: .txt, .html or .docx bytes) and return its candidate matters",
                "parameters": [{"name": "year", "in": "query", "schema": {"type": "integer"}, "description": "the plan year when the report does not say"}],
                "requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                "responses": {"200": {"description": "the reading: title, year, text and candidate matters"}, "400": {"description": "not a readable report"}, "403": {"description": "not the office"}}}},
            "/api/v1/reports": {"post": {"summary": "Office: adopt a report, creating its matters (all candidates, or the given list)",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
                    "text": {"type": "string"}, "year": {"type": "integer"},
                    "supersedes": {"type": "integer", "description": "the report adopted before that this is a new version of; without it, a report like one adopted before (same text, or same jurisdiction and year) is refused (422)"},
                    "matters": {"type": "array", "items": {"type": "object", "required": ["kind", "title"], "properties": {
                        "kind": {"type": "string", "enum": ["target", "task", "project"]}, "title": {"type": "string"}, "source": {"type": "string"}, "section": {"type": "string"},
                        "lead_unit": {"type": "string"}, "co_units": {"type": "array", "items": {"type": "string"}}, "deadline": {"type": "string", "format": "date"},
                        "standard": {"type": "object", "properties": {"value": {"type": "number"}, "unit": {"type": "string"}, "goal": {"type": "string", "enum": ["atleast", "atmost"]}}}}}}}}}}},
                "responses": {"200": {"description": "the report id and the new matters' ids"}, "400": {"description": "bad input, nothing adopted"}, "403": {"description": "not the office"}}}},
            "/api/v1/campaigns": {
                "get": {"summary": "Special campaigns (专项督查) with the caller's visible matters", "responses": {"200": {"description": "list"}}},
                "post": {"summary": "Office: start a special campaign over some matters with its own deadline",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["name", "deadline", "matters"], "properties": {
                        "name": {"type": "string"}, "deadline": {"type": "string", "format": "date"}, "matters": {"type": "array", "items": {"type": "integer"}}}}}}},
                    "responses": {"200": {"description": "the campaign's id"}, "403": {"description": "not the office"}}}},
            "/api/v1/units": {"get": {"summary": "The units", "responses": {"200": {"description": "list"}}}},
            "/api/v1/units/{id}/webhook": {"put": {"summary": "Office: set (or clear with null) a unit's DingTalk / WeCom group-robot webhook",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"url": {"type": ["string", "null"]}}}}}},
                "responses": {"200": {"description": "saved"}, "403": {"description": "not the office"}, "404": {"description": "no such unit"}}}},
            "/api/v1/exports/{name}": {"get": {"summary": "Documents: tasks.xlsx, tasks.docx (任务分解表), ledger.xlsx, ledger.csv (台账), bulletin.docx (a bulletin's preview, not numbered)",
                "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string", "enum": ["tasks.xlsx", "tasks.docx", "ledger.xlsx", "ledger.csv", "bulletin.docx"]}},
                    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "the period's first day (default: the first of the month of `to`, or of the last complete month)"},
                    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "the period's last day; the figures are as of then (default: the last complete month's end)"}],
                "responses": {"200": {"description": "the file"}, "400": {"description": "bad period"}, "404": {"description": "no such document"}}}}
        }
    }))
}
