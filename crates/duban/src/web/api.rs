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
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

use super::form::require;
use super::openapi::{Errors, Followed, MatterBody};
use super::reports::{MAX_REPORT_BYTES, read, units as unit_table};
use super::{AppError, AppState, api, authenticate};
use crate::decompose::{candidates, report};
use crate::store::{NewMatter, NewShare, UnitId};

#[derive(Deserialize, ToSchema)]
pub struct SplitBody {
    version: i64,
    /// [{"unit": "傅庄街道", "weight": 0.4, "deadline": "2019-10-31"}]
    shares: Vec<ShareBody>,
    /// The parent's colour follows its worst child.
    #[serde(default)]
    follow_worst: bool,
}

#[derive(Deserialize, ToSchema)]
pub struct ShareBody {
    /// The unit's name.
    unit: String,
    /// Its share of the standard, 0 < w ≤ 1; all together ≤ 1.
    weight: f64,
    deadline: Option<Date>,
}

async fn unit_named(state: &AppState, name: &str) -> Result<UnitId, AppError> {
    state.store.unit_id(name).await.map_err(|_| AppError::BadRequest(format!("没有单位“{name}” / no unit {name:?}")))
}

/// Office: split a matter into sub-matters (1 → N), one per unit with its share of the standard.
#[utoipa::path(post, path = "/api/v1/matters/{id}/split", tag = "ledger", params(("id" = i64, Path, description = "the matter's id")),
    request_body = SplitBody, responses((status = 200, description = "the parent after the split", body = MatterBody), Errors))]
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
        Ok(MatterBody { matter: m })
    })
    .await
}

/// The form of an evidence upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Upload {
    /// The version the client last saw.
    version: i64,
    /// The file: JPG, PNG, PDF, Word or Excel, 10 MB at most.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Attach an evidence file to a matter (multipart: `version` and `file`).
#[utoipa::path(post, path = "/api/v1/matters/{id}/attachments", tag = "ledger", params(("id" = i64, Path, description = "the matter's id")),
    request_body(content = Upload, content_type = "multipart/form-data"),
    responses((status = 200, description = "the matter with the file listed", body = MatterBody), Errors))]
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
        Ok(MatterBody { matter: m })
    })
    .await
}

/// A matter's colour on the dashboard.
#[derive(Serialize, ToSchema)]
pub struct MatterLevel {
    id: MatterId,
    level: duban_core::warning::Level,
    /// Progress as a share of the standard or as reported, 0–100.
    progress: Option<f64>,
}

/// The dashboard's figures.
#[derive(Serialize, ToSchema)]
pub struct Figures {
    today: Date,
    /// Live matters by colour (red, yellow, green).
    counts: std::collections::BTreeMap<duban_core::warning::Level, u64>,
    sections: Vec<duban_core::metrics::SectionCounts>,
    ranking: Vec<duban_core::metrics::UnitScore>,
    matters: Vec<MatterLevel>,
    rules: duban_core::warning::WarningRules,
}

/// The dashboard's figures: counts by colour, by section, the ranking and every matter's colour.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "ledger",
    responses((status = 200, description = "the figures, for the matters the caller may see", body = Figures), Errors))]
pub async fn dashboard(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let today = state.today();
        let matters: Vec<Matter> = state.store.matters_for(&actor).await?.into_iter().map(|r| r.matter).collect();
        let d = dashboard_figures(&matters, today, state.rules(), &state.ranking);
        let levels = matters
            .iter()
            .zip(&d.assessments)
            .map(|(m, a)| MatterLevel { id: m.id, level: a.level, progress: a.actual })
            .collect();
        Ok(Figures {
            today,
            counts: d.counts,
            sections: d.sections,
            ranking: d.ranking,
            matters: levels,
            rules: state.rules().clone(),
        })
    })
    .await
}

#[derive(Deserialize, Default, IntoParams)]
pub struct YearQuery {
    /// The plan year, when the report does not say.
    year: Option<i32>,
}

/// A candidate matter of a report, as the office confirms it.
#[derive(Serialize, ToSchema)]
pub struct Candidate {
    kind: MatterKind,
    title: String,
    source: String,
    section: Option<String>,
    lead_unit: Option<String>,
    co_units: Vec<String>,
    deadline: Option<Date>,
    standard: Option<Standard>,
}

/// A report as read: what it is, its text, and its candidate matters.
#[derive(Serialize, ToSchema)]
pub struct Reading {
    title: Option<String>,
    jurisdiction: Option<String>,
    plan_year: Option<i32>,
    /// How many quantified facts the reader found.
    facts: usize,
    text: String,
    matters: Vec<Candidate>,
}

/// Office: read a report (the body: .txt, .html or .docx bytes) and return its candidate matters.
#[utoipa::path(post, path = "/api/v1/reports/preview", tag = "reports", params(YearQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "the report file"),
    responses((status = 200, description = "the reading", body = Reading), Errors))]
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
        let unit = |u: &UnitId| names.get(u).map(|n| n.to_string());
        let rows = candidates(&reading, &by_name, &table)
            .into_iter()
            .map(|m| Candidate {
                kind: m.kind,
                lead_unit: m.lead_unit.as_ref().and_then(unit),
                co_units: m.co_units.iter().filter_map(unit).collect(),
                title: m.title,
                source: m.source,
                section: m.section,
                deadline: m.deadline,
                standard: m.standard,
            })
            .collect();
        Ok(Reading {
            title: reading.title,
            jurisdiction: reading.jurisdiction,
            plan_year: reading.plan_year,
            facts: reading.facts.len(),
            text: reading.text,
            matters: rows,
        })
    })
    .await
}

#[derive(Deserialize, ToSchema)]
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

#[derive(Deserialize, ToSchema)]
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

/// What an adoption created.
#[derive(Serialize, ToSchema)]
pub struct Adopted {
    report: i64,
    matters: Vec<MatterId>,
}

/// Office: adopt a report, creating its matters (all candidates, or the given list).
#[utoipa::path(post, path = "/api/v1/reports", tag = "reports", request_body = AdoptBody,
    responses((status = 200, description = "the report's id and the new matters' ids", body = Adopted), Errors))]
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
        Ok(Adopted { report: report_id, matters: ids })
    })
    .await
}

/// A special campaign (专项督查).
#[derive(Serialize, ToSchema)]
pub struct Campaign {
    id: i64,
    name: String,
    deadline: Date,
    /// The matters of it the caller may see.
    matters: Vec<MatterId>,
}

#[derive(Serialize, ToSchema)]
pub struct Campaigns {
    campaigns: Vec<Campaign>,
}

/// Special campaigns (专项督查) with the caller's visible matters.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "ledger", responses((status = 200, body = Campaigns), Errors))]
pub async fn campaigns(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let campaigns = state
            .store
            .campaigns(&actor)
            .await?
            .into_iter()
            .map(|c| Campaign { id: c.id, name: c.name, deadline: c.deadline, matters: c.matters })
            .collect();
        Ok(Campaigns { campaigns })
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub struct CampaignBody {
    name: String,
    deadline: Date,
    matters: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CampaignCreated {
    campaign: i64,
}

/// Office: start a special campaign over some matters with its own deadline.
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "ledger", request_body = CampaignBody,
    responses((status = 200, description = "the campaign's id", body = CampaignCreated), Errors))]
pub async fn create_campaign(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(body): Json<CampaignBody>,
) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let ids: Vec<MatterId> = body.matters.into_iter().map(MatterId).collect();
        let id = state.store.create_campaign(&actor, &body.name, body.deadline, &ids, state.today()).await?;
        Ok(CampaignCreated { campaign: id })
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct Unit {
    id: i64,
    name: String,
    /// 部门, 街道 …
    kind: String,
}

#[derive(Serialize, ToSchema)]
pub struct Units {
    units: Vec<Unit>,
}

/// The units.
#[utoipa::path(get, path = "/api/v1/units", tag = "ledger", responses((status = 200, body = Units), Errors))]
pub async fn units(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    api(StatusCode::OK, async {
        authenticate(&state, &headers).await?;
        let units =
            state.store.units().await?.into_iter().map(|(id, name, kind)| Unit { id: id.0, name, kind }).collect();
        Ok(Units { units })
    })
    .await
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct WebhookBody {
    /// An https URL of a DingTalk, WeCom or Feishu group robot; null or empty clears it.
    url: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookSet {
    unit: i64,
    webhook_url: Option<String>,
}

/// Administrator: set (or clear with null) a unit's group-robot webhook.
#[utoipa::path(put, path = "/api/v1/units/{id}/webhook", tag = "ledger", params(("id" = i64, Path, description = "the unit's id")),
    request_body = WebhookBody, responses((status = 200, description = "saved", body = WebhookSet), Errors))]
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
        Ok(WebhookSet { unit: id, webhook_url: body.url })
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub struct Credentials {
    login: String,
    password: String,
}

/// A bearer token.
#[derive(Serialize, ToSchema)]
pub struct Token {
    token: String,
    /// When it stops working (RFC 3339).
    expires_at: String,
    /// The account's display name.
    name: String,
}

/// Exchanges a login and password for a bearer token valid for 12 hours.
#[utoipa::path(post, path = "/api/v1/login", tag = "api", security(()), request_body = Credentials,
    responses((status = 200, body = Token), Errors))]
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
        Ok(s) => Json(Token { token: s.token, expires_at: s.expires_at, name: actor.name }).into_response(),
        Err(e) => AppError::from(e).json(),
    }
}

/// A line of the ledger.
#[derive(Serialize, ToSchema)]
pub struct LedgerLine {
    /// Its number as cited (2019-012).
    number: String,
    matter: Matter,
    lead_unit: Option<String>,
    level: duban_core::warning::Level,
    progress: Option<f64>,
}

/// A page of the ledger.
#[derive(Serialize, ToSchema)]
pub struct LedgerPage {
    today: Date,
    total: u64,
    page: u32,
    per_page: u32,
    matters: Vec<LedgerLine>,
}

/// The ledger the caller may see, a page at a time: the same filters, search and sorting as the
/// ledger page (`q`, `unit`, `level`, `status`, `section`, `campaign`, `sort`, `dir`, `page`,
/// `per`), with the total.
#[utoipa::path(get, path = "/api/v1/matters", tag = "ledger", params(super::ledger::LedgerParams),
    responses((status = 200, body = LedgerPage), Errors))]
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
        let matters = page
            .rows
            .into_iter()
            .map(|l| LedgerLine {
                number: l.matter.cite(),
                matter: l.matter,
                lead_unit: l.unit,
                level: l.level,
                progress: l.progress,
            })
            .collect();
        Ok(LedgerPage { today, total: page.total, page: page.page, per_page: page.per_page, matters })
    })
    .await
}

/// A sub-matter with its warning.
#[derive(Serialize, ToSchema)]
pub struct Child {
    matter: Matter,
    warning: duban_core::warning::Assessment,
}

/// One matter with its warning, timeline and sub-matters.
#[derive(Serialize, ToSchema)]
pub struct MatterDetail {
    #[serde(flatten)]
    followed: Followed,
    children: Vec<Child>,
}

/// One matter with its warning and timeline.
#[utoipa::path(get, path = "/api/v1/matters/{id}", tag = "ledger", params(("id" = i64, Path, description = "the matter's id")),
    responses((status = 200, body = MatterDetail), Errors))]
pub async fn matter(State(state): State<Arc<AppState>>, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let v = super::matter_view(&state, &actor, id).await?;
        let children = v
            .children
            .into_iter()
            .zip(v.child_assessments)
            .map(|(c, warning)| Child { matter: c.matter, warning })
            .collect();
        Ok(MatterDetail {
            followed: Followed { matter: v.matter, warning: v.assessment, timeline: v.timeline },
            children,
        })
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub struct NewEvent {
    /// The version the client last saw; a stale one gets 409 with the current version.
    version: i64,
    /// The day the change is about (default: today).
    on: Option<Date>,
    change: Change,
}

/// Record a change on a matter (progress, reminder, sign-off …). The office may date a change in the
/// past (not before the matter's latest entry); a unit records on the day; nothing after today.
#[utoipa::path(post, path = "/api/v1/matters/{id}/events", tag = "ledger", params(("id" = i64, Path, description = "the matter's id")),
    request_body = NewEvent, responses((status = 200, description = "the matter after the change", body = MatterBody), Errors))]
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
        Ok(MatterBody { matter: m })
    };
    api(StatusCode::OK, result).await
}
