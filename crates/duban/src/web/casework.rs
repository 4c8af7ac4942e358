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
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

use super::form::require;
use super::openapi::{Errors, Followed, MatterBody};
use super::{AppError, AppState, api, authenticate, parse_date};
use crate::store::{Category, Channel, NewRequest};

#[derive(Deserialize, ToSchema)]
pub struct IntakeBody {
    #[schema(max_length = 60)]
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

/// A request taken in.
#[derive(Serialize, ToSchema)]
pub struct Received {
    matter: MatterId,
    number: String,
    /// The caller's query code, to look the request up on the public page.
    lookup_code: String,
    deadline: Date,
    suggested_unit: Option<String>,
    dispatched_to: Option<String>,
}

/// Hotline centre or office: take a request in; 201 with its number, its query code for the caller,
/// the deadline and the suggested unit; dispatch at once with `dispatch` ("suggested" or a unit's
/// name). (Earlier requests that look like the same one are on its detail.)
#[utoipa::path(post, path = "/api/v1/requests", tag = "casework", request_body = IntakeBody,
    responses((status = 201, body = Received), Errors))]
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
        Ok(Received {
            matter: received.matter,
            number: received.number,
            lookup_code: received.lookup_code,
            deadline: received.deadline,
            suggested_unit: received.suggested_unit.map(|u| u.1),
            dispatched_to: dispatched.and_then(|m| m.lead_unit),
        })
    })
    .await
}

/// An earlier request that looks like this one, and why.
#[derive(Serialize, ToSchema)]
pub struct Duplicate {
    matter: i64,
    why: duban_core::casework::Alike,
}

/// A request as its reader may see it.
#[derive(Serialize, ToSchema)]
pub struct RequestView {
    request: crate::store::RequestDetail,
    #[serde(flatten)]
    followed: Followed,
    /// For the hotline centre and the office: earlier requests that look like this one.
    duplicates: Vec<Duplicate>,
}

/// A request's particulars (full for the centre and the handling unit, masked for a leader), its
/// matter, timeline and suspected duplicates.
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "casework", params(("id" = i64, Path, description = "the request's matter id")),
    responses((status = 200, body = RequestView), Errors))]
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
        Ok(RequestView {
            request: detail,
            followed: Followed { matter: v.matter, warning: v.assessment, timeline: v.timeline },
            duplicates: alike.into_iter().map(|(matter, why)| Duplicate { matter, why }).collect(),
        })
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

#[derive(Deserialize, ToSchema)]
pub struct DispatchBody {
    version: i64,
    /// The unit's name.
    unit: String,
}

/// Hotline centre or office: dispatch a request to a unit.
#[utoipa::path(post, path = "/api/v1/requests/{id}/dispatch", tag = "casework", params(("id" = i64, Path, description = "the request's matter id")),
    request_body = DispatchBody, responses((status = 200, description = "the request's matter after dispatch", body = MatterBody), Errors))]
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
        Ok(MatterBody { matter: m })
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct Categories {
    categories: Vec<Category>,
}

/// The request categories.
#[utoipa::path(get, path = "/api/v1/categories", tag = "casework", security(()), responses((status = 200, body = Categories), Errors))]
pub async fn categories(State(state): State<Arc<AppState>>) -> Response {
    api(StatusCode::OK, async { Ok(Categories { categories: state.store.categories().await? }) }).await
}

#[derive(Deserialize, ToSchema)]
pub struct CatalogueBody {
    categories: Vec<CategoryBody>,
    #[serde(default)]
    dispatch: Vec<RuleBody>,
}

#[derive(Deserialize, ToSchema)]
pub struct CategoryBody {
    code: String,
    name: String,
    parent: Option<String>,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize, ToSchema)]
pub struct RuleBody {
    category: String,
    #[serde(default)]
    place: String,
    unit: String,
}

#[derive(Serialize, ToSchema)]
pub struct Imported {
    /// How many categories and dispatch rules were added or updated.
    categories: usize,
    dispatch: usize,
}

/// Hotline centre or office: add or update categories and dispatch rules, all or none.
#[utoipa::path(post, path = "/api/v1/categories", tag = "casework", request_body = CatalogueBody,
    responses((status = 200, body = Imported), Errors))]
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
        Ok(Imported { categories: categories.len(), dispatch: rules.len() })
    })
    .await
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct KeyBody {
    name: String,
}

#[derive(Serialize, ToSchema)]
pub struct Key {
    api_key: String,
    name: String,
}

/// Administrator: issue an Open311 API key to a client.
#[utoipa::path(post, path = "/api/v1/open311/keys", tag = "casework", request_body = KeyBody,
    responses((status = 201, body = Key), Errors))]
pub async fn open311_key(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(body): Json<KeyBody>,
) -> Response {
    api(StatusCode::CREATED, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        require(&actor, Action::Administer)?;
        Ok(Key { api_key: state.store.add_api_key(&body.name).await?, name: body.name })
    })
    .await
}

#[derive(Deserialize, Default, IntoParams)]
pub struct MetricsQuery {
    /// The period's first day, YYYY-MM-DD (default: the first of January of `to`'s year).
    #[serde(default)]
    pub(super) from: String,
    /// The period's last day, YYYY-MM-DD (default: today).
    #[serde(default)]
    pub(super) to: String,
    /// unit | category | type | place | month (default: unit)
    #[serde(default)]
    #[param(pattern = "^(|unit|category|type|place|month)$")]
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

/// One rate, with the counts it is made of.
#[derive(Serialize, ToSchema)]
pub struct RateFigure {
    key: &'static str,
    name: &'static str,
    numerator: u64,
    denominator: u64,
    /// numerator / denominator × 100, null when nothing was counted.
    value: Option<f64>,
}

/// The counts of a group and its rates.
#[derive(Serialize, ToSchema)]
pub struct Rates {
    counts: CaseCounts,
    rates: Vec<RateFigure>,
}

pub fn rates(c: &CaseCounts, state: &AppState) -> Rates {
    let rates = c
        .rates(state.casework.counting())
        .iter()
        .map(|r| RateFigure {
            key: r.definition.key,
            name: r.definition.name,
            numerator: r.numerator,
            denominator: r.denominator,
            value: r.value(),
        })
        .collect();
    Rates { counts: *c, rates }
}

/// A group of the roll-up (a unit, category, type, place or month) and its figures.
#[derive(Serialize, ToSchema)]
pub struct Group {
    key: String,
    #[serde(flatten)]
    figures: Rates,
}

/// The published rates of a period.
#[derive(Serialize, ToSchema)]
pub struct Metrics {
    from: Date,
    to: Date,
    by: String,
    /// Whether 基本满意 counts as satisfied.
    basic_is_satisfied: bool,
    definitions: Vec<&'static duban_core::metrics::Definition>,
    total: Rates,
    groups: Vec<Group>,
}

/// 受理量 and the published rates (办结率, 满意率 …), in total and by unit, category, type, place or
/// month, with their definitions.
#[utoipa::path(get, path = "/api/v1/casework/metrics", tag = "casework", params(MetricsQuery),
    responses((status = 200, body = Metrics), Errors))]
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
        let definitions = std::iter::once(&duban_core::casework::RECEIVED)
            .chain(total.rates(state.casework.counting()).iter().map(|r| r.definition))
            .collect();
        Ok(Metrics {
            from,
            to,
            by: if q.by.is_empty() { "unit".into() } else { q.by.clone() },
            basic_is_satisfied: state.casework.basic_is_satisfied,
            definitions,
            total: rates(&total, &state),
            groups: groups.iter().map(|(k, c)| Group { key: k.clone(), figures: rates(c, &state) }).collect(),
        })
    })
    .await
}

#[derive(Deserialize, Default, IntoParams)]
pub struct AnswerQuery {
    /// Words to search for.
    #[serde(default)]
    q: String,
    /// A category's code.
    category: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Answer {
    id: i64,
    title: String,
    body: String,
}

#[derive(Serialize, ToSchema)]
pub struct Answers {
    answers: Vec<Answer>,
}

/// Hotline centre or office: the knowledge base, searched.
#[utoipa::path(get, path = "/api/v1/answers", tag = "casework", params(AnswerQuery), responses((status = 200, body = Answers), Errors))]
pub async fn answers(State(state): State<Arc<AppState>>, headers: HeaderMap, Query(q): Query<AnswerQuery>) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        require(&actor, Action::RunCasework)?;
        let found = state.store.search_answers(&q.q, q.category.as_deref(), 50).await?;
        Ok(Answers { answers: found.into_iter().map(|(id, title, body)| Answer { id, title, body }).collect() })
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub struct AnswerBody {
    #[schema(max_length = 100)]
    title: String,
    #[schema(max_length = 4000)]
    body: String,
    category: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AnswerAdded {
    id: i64,
}

/// Hotline centre or office: add an answer to the knowledge base.
#[utoipa::path(post, path = "/api/v1/answers", tag = "casework", request_body = AnswerBody,
    responses((status = 201, body = AnswerAdded), Errors))]
pub async fn add_answer(State(state): State<Arc<AppState>>, headers: HeaderMap, Json(b): Json<AnswerBody>) -> Response {
    api(StatusCode::CREATED, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        Ok(AnswerAdded { id: state.store.add_answer(&actor, &b.title, &b.body, b.category.as_deref()).await? })
    })
    .await
}
