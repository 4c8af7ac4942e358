//! The JSON API of casework: intake (受理), a request's particulars (by role), dispatch (派单), the
//! category and dispatch catalogues, Open311 keys, and the published rates with their formulas. The
//! rest of a request's life (签收, 退单, 延期, 答复, 评价, 重办, 办结, 并单, 督办) are changes posted to
//! /api/v1/matters/{id}/events like any matter's.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use duban_core::access::Action;
use duban_core::casework::{Candidate, CaseCounts, RequestType, duplicates};
use duban_core::matter::{Matter, MatterId};
use serde::Deserialize;
use serde_json::{Value, json};
use time::Date;

use super::form::require;
use super::{AppError, AppState, api, authenticate, parse_date};
use crate::store::{Category, Channel, NewRequest};

#[derive(Deserialize)]
pub struct IntakeBody {
    caller_name: String,
    phone: String,
    #[serde(default)]
    address: String,
    content: String,
    /// 咨询/求助/投诉/举报/建议/表扬 or consultation/help/complaint/report/suggestion/praise
    request_type: String,
    category: String,
    place: Option<String>,
    #[serde(default)]
    urgent: bool,
    #[serde(default)]
    confidential: bool,
    lat: Option<f64>,
    lon: Option<f64>,
    /// Dispatch at once to this unit (or, with "suggested", to the catalogue's suggestion).
    dispatch: Option<String>,
}

/// A request type as a form or a client names it (咨询 or consultation …), or why it names none.
pub fn request_type(s: &str) -> Result<RequestType, AppError> {
    RequestType::parse(s).ok_or_else(|| {
        AppError::BadRequest(format!(
            "诉求类型“{s}”应为咨询、求助、投诉、举报、建议或表扬 / unknown request_type {s:?}"
        ))
    })
}

impl IntakeBody {
    pub fn into_request(self) -> Result<(NewRequest, Option<String>), AppError> {
        let request_type = request_type(&self.request_type)?;
        Ok((
            NewRequest {
                caller_name: self.caller_name,
                phone: self.phone,
                address: self.address,
                content: self.content,
                request_type,
                category: self.category,
                place: self.place,
                urgent: self.urgent,
                confidential: self.confidential,
                lat: self.lat,
                lon: self.lon,
                media_url: None,
                address_id: None,
            },
            self.dispatch,
        ))
    }
}

/// POST /api/v1/requests: an operator takes a request in; 201 with its number, deadline and the
/// unit the catalogue suggests. (Earlier requests that look like the same one are on its detail.)
pub async fn intake(State(state): State<Arc<AppState>>, headers: HeaderMap, Json(body): Json<IntakeBody>) -> Response {
    api(StatusCode::CREATED, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let (r, dispatch) = body.into_request()?;
        let today = state.today();
        let received = state
            .store
            .receive(Some(&actor), Channel::Api, &r, &state.casework.time_limits, &super::CALENDAR, state.now())
            .await?;
        let mut dispatched = None;
        if let Some(target) = dispatch {
            let unit = match target.as_str() {
                "suggested" => received.suggested_unit.as_ref().map(|u| u.0).ok_or_else(|| {
                    AppError::BadRequest("派单目录中没有该类别的承办单位 / the catalogue suggests no unit".into())
                })?,
                name => state
                    .store
                    .unit_id(name)
                    .await
                    .map_err(|_| AppError::BadRequest(format!("没有单位“{name}” / no unit {name:?}")))?,
            };
            dispatched = Some(state.store.dispatch(&actor, received.matter, received.version, unit, today).await?);
        }
        Ok(json!({"matter": received.matter, "number": received.number, "lookup_code": received.lookup_code, "deadline": received.deadline.to_string(),
            "suggested_unit": received.suggested_unit.map(|u| u.1),
            "dispatched_to": dispatched.and_then(|m| m.lead_unit)}))
    })
    .await
}

/// GET /api/v1/requests/{id}: the particulars (full or masked by role), the matter and its timeline.
pub async fn detail(State(state): State<Arc<AppState>>, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let detail = state.store.request_detail(&actor, MatterId(id)).await?;
        let v = super::matter_view(&state, &actor, id).await?;
        let alike = if actor.role.may(Action::RunCasework) {
            suspected_duplicates(&state, &actor, &v.matter, &detail).await?
        } else {
            Vec::new()
        };
        Ok(json!({"request": detail, "matter": v.matter, "warning": v.assessment, "timeline": v.timeline,
            "duplicates": alike.iter().map(|(id, why)| json!({"matter": id, "why": why})).collect::<Vec<_>>()}))
    })
    .await
}

/// Earlier requests within the window that look like this one (the centre's; suggestions to merge).
pub async fn suspected_duplicates(
    state: &AppState,
    actor: &crate::store::Actor,
    m: &Matter,
    detail: &crate::store::RequestDetail,
) -> Result<Vec<(i64, duban_core::casework::Alike)>, AppError> {
    let window = state.casework.duplicate_window_days;
    let place = m.case.as_ref().and_then(|c| c.place.as_deref());
    let recent =
        state.store.recent_requests(actor, m.created_on - time::Duration::days(window), &detail.phone, place).await?;
    let earlier: Vec<Candidate> = recent
        .iter()
        .filter(|(id, ..)| *id < m.id.0)
        .map(|(id, on, phone, place, text)| Candidate { id: *id, received: *on, phone, place: place.as_deref(), text })
        .collect();
    let new = Candidate { id: m.id.0, received: m.created_on, phone: &detail.phone, place, text: &detail.content };
    Ok(duplicates(&new, &earlier, window))
}

#[derive(Deserialize)]
pub struct DispatchBody {
    version: i64,
    unit: String,
}

pub async fn dispatch(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(body): Json<DispatchBody>,
) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let unit = state
            .store
            .unit_id(&body.unit)
            .await
            .map_err(|_| AppError::BadRequest(format!("没有单位“{}” / no unit {:?}", body.unit, body.unit)))?;
        let m = state.store.dispatch(&actor, MatterId(id), body.version, unit, state.today()).await?;
        Ok(json!({"matter": m}))
    })
    .await
}

pub async fn categories(State(state): State<Arc<AppState>>) -> Response {
    api(StatusCode::OK, async { Ok(json!({"categories": state.store.categories().await?})) }).await
}

#[derive(Deserialize)]
pub struct CatalogueBody {
    categories: Vec<CategoryBody>,
    #[serde(default)]
    dispatch: Vec<RuleBody>,
}

#[derive(Deserialize)]
pub struct CategoryBody {
    code: String,
    name: String,
    parent: Option<String>,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
pub struct RuleBody {
    category: String,
    #[serde(default)]
    place: String,
    unit: String,
}

pub async fn import_catalogue(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(body): Json<CatalogueBody>,
) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let categories: Vec<Category> = body
            .categories
            .into_iter()
            .map(|c| Category { code: c.code, name: c.name, parent: c.parent, description: c.description })
            .collect();
        let rules: Vec<(String, String, String)> =
            body.dispatch.into_iter().map(|r| (r.category, r.place, r.unit)).collect();
        state.store.import_catalogue(&actor, &categories, &rules).await?;
        Ok(json!({"categories": categories.len(), "dispatch": rules.len()}))
    })
    .await
}

#[derive(Deserialize)]
pub struct KeyBody {
    name: String,
}

pub async fn open311_key(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(body): Json<KeyBody>,
) -> Response {
    api(StatusCode::CREATED, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        require(&actor, Action::Administer)?;
        Ok(json!({"api_key": state.store.add_api_key(&body.name).await?, "name": body.name}))
    })
    .await
}

#[derive(Deserialize, Default)]
pub struct MetricsQuery {
    #[serde(default)]
    pub(super) from: String,
    #[serde(default)]
    pub(super) to: String,
    /// unit | category | type | place | month (default: unit)
    #[serde(default)]
    pub(super) by: String,
}

/// A roll-up's group as people read it: a type's label, and words for the empty unit and place.
pub fn display_key(by: &str, key: String) -> String {
    match by {
        "type" => RequestType::parse(&key).map_or(key, |t| t.label().to_string()),
        "place" if key.is_empty() => "（未填）".into(),
        "category" | "month" | "day" => key,
        _ if key.is_empty() => "（未派单）".into(),
        _ => key,
    }
}

/// The period of the metrics: `from`/`to`, defaulting to this year up to today.
pub fn period(state: &AppState, from: &str, to: &str) -> Result<(Date, Date), AppError> {
    let to = parse_date(to, "to")?.unwrap_or_else(|| state.today());
    let from = parse_date(from, "from")?
        .unwrap_or_else(|| Date::from_calendar_date(to.year(), time::Month::January, 1).unwrap_or(to));
    Ok((from, to))
}

pub fn rates_json(c: &CaseCounts, state: &AppState) -> Value {
    let rates: Vec<Value> = c
        .rates(state.casework.counting())
        .iter()
        .map(|r| json!({"key": r.definition.key, "name": r.definition.name, "numerator": r.numerator, "denominator": r.denominator, "value": r.value()}))
        .collect();
    json!({"counts": c, "rates": rates})
}

/// GET /api/v1/casework/metrics: 受理量 and the rates, in total and by unit, category, type, place
/// or month, with their definitions.
pub async fn metrics(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<MetricsQuery>,
) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let (from, to) = period(&state, &q.from, &q.to)?;
        let groups: Vec<(String, CaseCounts)> = state
            .store
            .rollup_counts(&actor, from, to, &q.by)
            .await?
            .into_iter()
            .map(|(k, c)| (display_key(&q.by, k), c))
            .collect();
        let mut total = CaseCounts::default();
        for (_, c) in &groups {
            total.add(c);
        }
        let definitions: Vec<&duban_core::metrics::Definition> =
            total.rates(state.casework.counting()).iter().map(|r| r.definition).collect();
        Ok(json!({
            "from": from.to_string(), "to": to.to_string(), "by": if q.by.is_empty() { "unit" } else { q.by.as_str() },
            "basic_is_satisfied": state.casework.basic_is_satisfied,
            "definitions": std::iter::once(&duban_core::casework::RECEIVED).chain(definitions).collect::<Vec<_>>(),
            "total": rates_json(&total, &state),
            "groups": groups.iter().map(|(k, c)| { let mut v = rates_json(c, &state); v["key"] = json!(k); v }).collect::<Vec<_>>(),
        }))
    })
    .await
}

#[derive(Deserialize, Default)]
pub struct AnswerQuery {
    #[serde(default)]
    q: String,
    category: Option<String>,
}

/// GET /api/v1/answers: the knowledge base, searched (the office).
pub async fn answers(State(state): State<Arc<AppState>>, headers: HeaderMap, Query(q): Query<AnswerQuery>) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        require(&actor, Action::RunCasework)?;
        let found = state.store.search_answers(&q.q, q.category.as_deref(), 50).await?;
        Ok(json!({"answers": found.into_iter().map(|(id, title, body)| json!({"id": id, "title": title, "body": body})).collect::<Vec<_>>()}))
    })
    .await
}

#[derive(Deserialize)]
pub struct AnswerBody {
    title: String,
    body: String,
    category: Option<String>,
}

pub async fn add_answer(State(state): State<Arc<AppState>>, headers: HeaderMap, Json(b): Json<AnswerBody>) -> Response {
    api(StatusCode::CREATED, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        Ok(json!({"id": state.store.add_answer(&actor, &b.title, &b.body, b.category.as_deref()).await?}))
    })
    .await
}
