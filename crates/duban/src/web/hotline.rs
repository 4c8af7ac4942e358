//! The pages of the 12345 line: the centre's queue and overdue board (a unit sees its own requests
//! there: its inbox), the operator's phone-intake form, the metrics page with its formulas and
//! hotspots, and the public's pages — file a request (a limited number per address and hour), look
//! one up with its number and query code (wrong tries locked out per number and per address), rate
//! the reply. Public forms carry a double-submit token, as the sign-in form does.

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use duban_core::access::Action;
use duban_core::casework::{CaseCounts, REQUEST_TYPES};
use duban_core::matter::{Satisfaction, Status};
use serde::Deserialize;
use time::Duration;

use super::casework::{MetricsQuery, display_key, period};
use super::form::{Chrome, check_csrf, done, render, require};
use super::{AppError, AppState, authenticate, cookie};
use crate::accounts::random_token;
use crate::store::{Channel, NewRequest, QueueQuery, QueueSort, QueueView, Role, StoreError};

const PUBLIC_CSRF_COOKIE: &str = "duban_public_csrf";

struct QueueRow {
    id: i64,
    number: String,
    received: String,
    kind: &'static str,
    category: String,
    place: String,
    unit: String,
    status: &'static str,
    deadline: String,
    level: &'static str,
    level_key: &'static str,
    title: String,
}

#[derive(Template)]
#[template(path = "requests.html")]
struct QueuePage {
    chrome: Chrome,
    rows: Vec<QueueRow>,
    q: QueueParams,
    /// The tabs: (view key, label, count, selected).
    tabs: Vec<(&'static str, &'static str, u64, bool)>,
    closed_period: (String, String),
    total: u64,
    page: u32,
    pages: u32,
    first: u64,
    last: u64,
    prev: Option<String>,
    next: Option<String>,
    categories: Vec<(String, String)>,
    places: Vec<String>,
    sorts: Vec<(&'static str, String, &'static str)>,
}

/// The queue's query string.
#[derive(Deserialize, Default, Clone)]
pub struct QueueParams {
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    dir: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    per: String,
}

impl QueueParams {
    fn link(&self, changes: &[(&str, &str)]) -> String {
        let mut p = self.clone();
        p.page.clear();
        for (k, v) in changes {
            match *k {
                "status" => p.status = v.to_string(),
                "sort" => p.sort = v.to_string(),
                "dir" => p.dir = v.to_string(),
                "page" => p.page = v.to_string(),
                _ => {}
            }
        }
        super::query_string(
            "/requests",
            &[
                ("status", &p.status),
                ("q", &p.q),
                ("unit", &p.unit),
                ("category", &p.category),
                ("place", &p.place),
                ("from", &p.from),
                ("to", &p.to),
                ("sort", &p.sort),
                ("dir", &p.dir),
                ("per", &p.per),
                ("page", &p.page),
            ],
        )
    }

    fn query(&self, today: time::Date) -> Result<QueueQuery, AppError> {
        let bad = |name: &str, v: &str| AppError::BadRequest(format!("“{name}”无效：{v} / bad {name}: {v}"));
        let view = match self.status.as_str() {
            "" | "live" => QueueView::Live,
            "overdue" => QueueView::Overdue,
            "all" => QueueView::All,
            key => QueueView::Status(status_from(key).ok_or_else(|| bad("状态", key))?),
        };
        let mut from = super::parse_date(&self.from, "受理起始日期")?;
        let mut to = super::parse_date(&self.to, "受理截止日期")?;
        // Closed requests pile up: without a period, the closed and "all" views show the last 7 days
        // (a number or a phone is looked up whenever it came in).
        let lookup =
            !self.q.trim().is_empty() && self.q.trim().chars().all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
        if matches!(view, QueueView::Status(Status::Done) | QueueView::Status(Status::Cancelled) | QueueView::All)
            && from.is_none()
            && to.is_none()
            && !lookup
        {
            from = Some(today - Duration::days(CLOSED_DAYS - 1));
            to = Some(today);
        }
        let number = |name: &str, v: &str| -> Result<u32, AppError> {
            if v.trim().is_empty() { Ok(0) } else { v.trim().parse().map_err(|_| bad(name, v)) }
        };
        Ok(QueueQuery {
            view,
            q: self.q.chars().take(100).collect(),
            unit: self.unit.chars().take(50).collect(),
            category: self.category.clone(),
            place: self.place.clone(),
            from,
            to,
            sort: QueueSort::parse(&self.sort).ok_or_else(|| bad("排序", &self.sort))?,
            descending: self.sort.is_empty() || self.dir == "desc",
            page: number("页码", &self.page)?,
            per_page: number("每页条数", &self.per)?,
        })
    }
}

/// The days of closed requests the queue shows when no period is asked for.
const CLOSED_DAYS: i64 = 7;

fn status_from(key: &str) -> Option<Status> {
    serde_json::from_value(serde_json::Value::String(key.to_string())).ok()
}

/// The queue: the live requests by status (whenever received), the overdue ones by the hour, and
/// the closed ones of a period; searched by number, phone (where the role may see it) or words;
/// paged with the total shown. A unit sees its own requests here: its inbox.
pub async fn queue(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(p): Query<QueueParams>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let today = state.today();
    let now = state.now();
    let query = p.query(today)?;
    state.store.refresh_assessments(today).await?;
    let page = state.store.queue(&actor, &query, now).await?;
    let closed_period = (today - Duration::days(CLOSED_DAYS - 1), today);
    let counts = state.store.queue_counts(&actor, now, closed_period).await?;
    let label = |k: &str| match k {
        "draft" => "待派单",
        "dispatched" => "待签收",
        "open" => "办理中",
        "replied" => "待回访",
        "overdue" => "已超期",
        _ => "已办结（近7天）",
    };
    let selected = if p.status.is_empty() { "live" } else { p.status.as_str() };
    let live_total: u64 = counts.iter().filter(|(k, _)| !matches!(*k, "overdue" | "done")).map(|(_, n)| n).sum();
    let mut tabs = vec![("live", "在办", live_total, selected == "live")];
    tabs.extend(counts.iter().map(|(k, n)| (*k, label(k), *n, selected == *k)));
    let rows = page
        .rows
        .iter()
        .map(|r| {
            let m = &r.listed.matter;
            let mut a = duban_core::warning::Assessment {
                level: r.listed.level,
                expected: None,
                actual: r.listed.progress,
                reasons: Vec::new(),
            };
            duban_core::warning::by_the_hour(&mut a, m, now);
            let case = m.case.as_ref();
            QueueRow {
                id: m.id.0,
                number: r.number.clone(),
                received: m.created_on.to_string(),
                kind: case.map_or("", |c| c.request_type.label()),
                category: r.category_name.clone(),
                place: r.place.clone().unwrap_or_default(),
                unit: r.listed.unit.clone().unwrap_or_else(|| "—".into()),
                status: m.status.label(),
                deadline: match m.due_at {
                    Some(at) => crate::export::moment(at),
                    None => m.deadline.map(|d| d.to_string()).unwrap_or_default(),
                },
                level: if m.status.is_closed() { "—" } else { a.level.label() },
                level_key: if m.status.is_closed() { "none" } else { super::level_key(a.level) },
                title: if case.is_some_and(|c| c.confidential) && actor.role == Role::Leader {
                    "（保密）".into()
                } else {
                    m.title.clone()
                },
            }
        })
        .collect();
    let (categories, places, _) = intake_options(&state).await?;
    let sorts = [("受理日期", "received"), ("时限", "deadline"), ("灯色", "level")]
        .into_iter()
        .map(|(label, key)| {
            let current = p.sort == key || (p.sort.is_empty() && key == "received");
            let descending = if p.sort.is_empty() { current } else { current && p.dir == "desc" };
            let href = p.link(&[("sort", key), ("dir", if current && !descending { "desc" } else { "asc" })]);
            (label, href, if current { if descending { "↓" } else { "↑" } } else { "" })
        })
        .collect();
    let first = u64::from(page.page - 1) * u64::from(page.per_page) + 1;
    let pages = page.pages();
    Ok(render(&QueuePage {
        chrome: Chrome::of(&actor, csrf).with_flash(&headers),
        rows,
        tabs,
        closed_period: (closed_period.0.to_string(), closed_period.1.to_string()),
        total: page.total,
        page: page.page,
        pages,
        first: first.min(page.total),
        last: (first + page.rows.len() as u64).saturating_sub(1),
        prev: (page.page > 1).then(|| p.link(&[("page", &(page.page - 1).to_string())])),
        next: (page.page < pages).then(|| p.link(&[("page", &(page.page + 1).to_string())])),
        categories,
        places,
        sorts,
        q: p,
    }))
}

#[derive(Template)]
#[template(path = "request_new.html")]
struct IntakePage {
    chrome: Chrome,
    draft: IntakeForm,
    error: Option<String>,
    types: Vec<(&'static str, &'static str)>,
    categories: Vec<(String, String)>,
    places: Vec<String>,
    units: Vec<(i64, String)>,
    public: bool,
}

async fn intake_options(
    state: &AppState,
) -> Result<(Vec<(String, String)>, Vec<String>, Vec<(i64, String)>), AppError> {
    let categories = state.store.categories().await?;
    let leaves = categories
        .iter()
        .filter(|c| c.parent.is_some())
        .map(|c| {
            let group = categories.iter().find(|p| Some(&p.code) == c.parent.as_ref()).map_or("", |p| p.name.as_str());
            (c.code.clone(), format!("{group} / {}", c.name))
        })
        .collect();
    let units = state.store.units().await?;
    let places = units.iter().filter(|u| u.2 == "街道" || u.2 == "镇").map(|u| u.1.clone()).collect();
    Ok((leaves, places, units.into_iter().map(|(id, name, _)| (id.0, name)).collect()))
}

fn types() -> Vec<(&'static str, &'static str)> {
    REQUEST_TYPES.iter().map(|t| (t.key(), t.label())).collect()
}

pub async fn intake_form(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    require(&actor, Action::RunCasework)?;
    let (categories, places, units) = intake_options(&state).await?;
    Ok(render(&IntakePage {
        chrome: Chrome::of(&actor, csrf).with_flash(&headers),
        draft: IntakeForm::default(),
        error: None,
        types: types(),
        categories,
        places,
        units,
        public: false,
    }))
}

#[derive(Deserialize, Default, Clone)]
pub struct IntakeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    caller_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    request_type: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    urgent: Option<String>,
    #[serde(default)]
    confidential: Option<String>,
    /// "suggested", "" (do not dispatch yet) or a unit id.
    #[serde(default)]
    dispatch: String,
    /// The public form's question (its token) and the answer given.
    #[serde(default)]
    challenge: String,
    #[serde(default)]
    answer: String,
}

impl IntakeForm {
    fn request(&self) -> Result<NewRequest, AppError> {
        Ok(NewRequest {
            caller_name: self.caller_name.clone(),
            phone: self.phone.clone(),
            address: self.address.clone(),
            content: self.content.clone(),
            request_type: super::casework::request_type(&self.request_type)?,
            category: self.category.clone(),
            place: Some(self.place.clone()).filter(|p| !p.is_empty()),
            urgent: self.urgent.is_some(),
            confidential: self.confidential.is_some(),
            lat: None,
            lon: None,
            media_url: None,
            address_id: None,
        })
    }
}

pub async fn intake(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Form(form): Form<IntakeForm>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    check_csrf(&csrf, &form.csrf)?;
    let today = state.today();
    let taken = async {
        let r = form.request()?;
        Ok::<_, AppError>(
            state
                .store
                .receive(Some(&actor), Channel::Phone, &r, &state.casework.time_limits, &super::CALENDAR, state.now())
                .await?,
        )
    }
    .await;
    let received = match taken {
        Ok(r) => r,
        // What the operator typed comes back with the reason.
        Err(e @ (AppError::BadRequest(_) | AppError::Store(StoreError::Invalid(_)))) => {
            let (categories, places, units) = intake_options(&state).await?;
            let status = e.status();
            let mut page = render(&IntakePage {
                chrome: Chrome::of(&actor, csrf),
                draft: form,
                error: Some(e.message()),
                types: types(),
                categories,
                places,
                units,
                public: false,
            });
            *page.status_mut() = status;
            return Ok(page);
        }
        Err(e) => return Err(e),
    };
    let unit = match form.dispatch.as_str() {
        "" => None,
        "suggested" => received.suggested_unit.as_ref().map(|u| u.0),
        id => id.parse().ok().map(crate::store::UnitId),
    };
    let key = match unit {
        Some(unit) => {
            state.store.dispatch(&actor, received.matter, received.version, unit, today).await?;
            "dispatched"
        }
        None => "received",
    };
    Ok(done(&format!("/matters/{}", received.matter.0), key, None))
}

struct RateRow {
    key: String,
    received: u64,
    rates: Vec<String>,
}

#[derive(Template)]
#[template(path = "casework.html")]
struct MetricsPage {
    chrome: Chrome,
    from: String,
    to: String,
    by: String,
    total: RateRow,
    names: Vec<(&'static str, &'static str)>,
    rows: Vec<RateRow>,
    hot_categories: Vec<(String, u64)>,
    hot_places: Vec<(String, u64)>,
    rising: Vec<(String, u64, u64)>,
    months: Vec<(String, u64)>,
    basic_is_satisfied: bool,
}

fn rate_row(key: String, c: &CaseCounts, state: &AppState) -> RateRow {
    RateRow {
        key,
        received: c.received,
        rates: c
            .rates(state.casework.counting())
            .iter()
            .map(|r| r.value().map_or("—".into(), |v| format!("{:.1}%", v * 100.0)))
            .collect(),
    }
}

/// The metrics page: 受理量 and the published rates, in total and by unit (or category, type,
/// place, month), each with its formula; hotspots and what is rising week on week.
pub async fn metrics(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<MetricsQuery>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let (from, to) = period(&state, &q.from, &q.to)?;
    let by = if q.by.is_empty() { "unit".to_string() } else { q.by.clone() };
    // Sums of roll-up rows only: the requests themselves are not read.
    let names = {
        let c = CaseCounts::default();
        c.rates(state.casework.counting()).iter().map(|r| (r.definition.name, r.definition.formula)).collect()
    };
    let roll = |by: &'static str, from: time::Date, to: time::Date| state.store.rollup_counts(&actor, from, to, by);
    let groups: Vec<(String, CaseCounts)> = state
        .store
        .rollup_counts(&actor, from, to, &by)
        .await?
        .into_iter()
        .map(|(k, c)| (display_key(&by, k), c))
        .collect();
    let mut total = CaseCounts::default();
    groups.iter().for_each(|(_, c)| total.add(c));
    let category_names: BTreeMap<String, String> =
        state.store.categories().await?.into_iter().map(|c| (c.code, c.name)).collect();
    let named = |rows: Vec<(String, CaseCounts)>| -> BTreeMap<String, u64> {
        rows.into_iter().map(|(k, c)| (category_names.get(&k).cloned().unwrap_or(k), c.received)).collect()
    };
    let categories = named(roll("category", from, to).await?);
    let places: BTreeMap<String, u64> =
        roll("place", from, to).await?.into_iter().map(|(k, c)| (display_key("place", k), c.received)).collect();
    let months: BTreeMap<String, u64> =
        roll("month", from, to).await?.into_iter().map(|(k, c)| (k, c.received)).collect();
    let this_week = named(roll("category", to - Duration::days(6), to).await?);
    let last_week = named(roll("category", to - Duration::days(13), to - Duration::days(7)).await?);
    let top = |m: BTreeMap<String, u64>| {
        let mut v: Vec<(String, u64)> = m.into_iter().filter(|(_, n)| *n > 0).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(10);
        v
    };
    let mut rising: Vec<(String, u64, u64)> = this_week
        .iter()
        .map(|(k, &n)| (k.clone(), n, last_week.get(k).copied().unwrap_or(0)))
        .filter(|(_, now, before)| now > before)
        .collect();
    rising.sort_by(|a, b| (b.1 - b.2).cmp(&(a.1 - a.2)).then(a.0.cmp(&b.0)));
    rising.truncate(10);
    let mut rows: Vec<RateRow> = groups.iter().map(|(k, c)| rate_row(k.clone(), c, &state)).collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.received));
    Ok(render(&MetricsPage {
        chrome: Chrome::of(&actor, csrf).with_flash(&headers),
        from: from.to_string(),
        to: to.to_string(),
        by,
        total: rate_row("合计".into(), &total, &state),
        names,
        rows,
        hot_categories: top(categories),
        hot_places: top(places),
        rising,
        months: months.into_iter().collect(),
        basic_is_satisfied: state.casework.basic_is_satisfied,
    }))
}

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage {
    chrome: Chrome,
    draft: IntakeForm,
    types: Vec<(&'static str, &'static str)>,
    categories: Vec<(String, String)>,
    places: Vec<String>,
    filed: Option<(String, String)>,
    found: Option<crate::store::PublicRequest>,
    number: String,
    code: String,
    error: Option<String>,
    challenge: crate::challenge::Challenge,
}

async fn public_page(
    state: &AppState,
    draft: IntakeForm,
    filed: Option<(String, String)>,
    found: Option<crate::store::PublicRequest>,
    (number, code): (String, String),
    error: Option<String>,
) -> Result<Response, AppError> {
    let (categories, places, _) = intake_options(state).await?;
    let csrf = random_token();
    let page = render(&PublicPage {
        chrome: Chrome::anonymous(csrf.clone()),
        draft,
        types: types(),
        categories,
        places,
        filed,
        found,
        number,
        code,
        error,
        challenge: state.guard.challenges.issue(std::time::Instant::now()),
    });

    Ok(([(header::SET_COOKIE, format!("{PUBLIC_CSRF_COOKIE}={csrf}; HttpOnly; SameSite=Strict; Path=/public"))], page)
        .into_response())
}

fn public_csrf(headers: &HeaderMap, given: &str) -> Result<(), AppError> {
    check_csrf(cookie(headers, PUBLIC_CSRF_COOKIE).unwrap_or(""), given)
}

/// The public's page: file a request, look one up.
pub async fn public(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    public_page(&state, IntakeForm::default(), None, None, (String::new(), String::new()), None).await
}

pub async fn public_file(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Form(form): Form<IntakeForm>,
) -> Result<Response, AppError> {
    public_csrf(&headers, &form.csrf)?;
    let none = || (String::new(), String::new());
    let address = format!("@{}", super::session::address(&extensions));
    let now = std::time::Instant::now();
    // Counted as the filing begins (taken back when nothing is filed), so that filings sent at once
    // are held to the limit too.
    if state.guard.filings.begin(&address, now).is_err() {
        let why = "本地址一小时内提交过多，请稍后再试或拨打12345 / too many requests filed from this address; try again later or call 12345";
        return too_many(public_page(&state, form, None, None, none(), Some(why.into())).await);
    }
    let not_filed = || state.guard.filings.undo(&address);
    if !state.guard.challenges.check(&form.challenge, &form.answer, now) {
        not_filed();
        let why = "验证题答案不正确或已过期，请按新题目作答 / the answer to the question is wrong or expired; answer the new one";
        return public_page(&state, form, None, None, none(), Some(why.into())).await;
    }
    let r = match form.request() {
        Ok(r) => r,
        Err(e) => {
            not_filed();
            return public_page(&state, form, None, None, none(), Some(e.message())).await;
        }
    };
    match state.store.receive(None, Channel::Web, &r, &state.casework.time_limits, &super::CALENDAR, state.now()).await
    {
        Ok(received) => {
            public_page(
                &state,
                IntakeForm::default(),
                Some((received.number, received.lookup_code)),
                None,
                none(),
                None,
            )
            .await
        }
        // What the citizen typed comes back with the reason.
        Err(StoreError::Invalid(m)) => {
            not_filed();
            public_page(&state, form, None, None, none(), Some(m)).await
        }
        Err(e) => {
            not_filed();
            Err(e.into())
        }
    }
}

/// A page answered with 429 (a limit reached), its words unchanged.
fn too_many(page: Result<Response, AppError>) -> Result<Response, AppError> {
    page.map(|mut p| {
        *p.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        p
    })
}

#[derive(Deserialize, Default)]
pub struct LookupQuery {
    #[serde(default)]
    number: String,
    #[serde(default)]
    code: String,
}

/// Why a public lookup found nothing.
enum Refused {
    /// A wrong number or code (counted).
    NotFound,
    /// The number or the address is locked out, for so many minutes.
    Locked(u64),
    Failed(AppError),
}

impl Refused {
    /// The page's answer: the lookup form again with the reason, 429 when locked out.
    async fn page(self, state: &AppState, key: (String, String)) -> Result<Response, AppError> {
        match self {
            Refused::NotFound => {
                let why = "未找到：请核对编号和查询码 / not found: check the number and the query code";
                public_page(state, IntakeForm::default(), None, None, key, Some(why.into())).await
            }
            Refused::Locked(minutes) => {
                let why = format!(
                    "查询失败次数过多，请{minutes}分钟后再试或拨打12345 / too many failed lookups; try again in {minutes} minutes or call 12345"
                );
                too_many(public_page(state, IntakeForm::default(), None, None, key, Some(why)).await)
            }
            Refused::Failed(e) => Err(e),
        }
    }
}

/// Looks a request up for the public, counting a wrong number or code against the number and the
/// address; either locked, nothing is looked up (the right code included) until the lockout ends.
async fn guarded_lookup(
    state: &AppState,
    address: &str,
    (number, code): (&str, &str),
) -> Result<crate::store::PublicRequest, Refused> {
    let now = std::time::Instant::now();
    let (by_number, by_address) = (format!("#{number}"), format!("@{address}"));
    // Counted as the lookup begins (taken back when it finds the request), so that lookups made at
    // once are held to the limit too.
    let begun = state.guard.lookups.begin(&by_number, now).and_then(|()| {
        state.guard.lookups.begin(&by_address, now).inspect_err(|_| state.guard.lookups.undo(&by_number))
    });
    if let Err(left) = begun {
        return Err(Refused::Locked(left.as_secs().div_ceil(60)));
    }
    match state.store.lookup(number, code).await {
        Ok(found) => {
            state.guard.lookups.undo(&by_number);
            state.guard.lookups.undo(&by_address);
            Ok(found)
        }
        Err(StoreError::NotFound) => Err(Refused::NotFound),
        Err(e) => Err(Refused::Failed(e.into())),
    }
}

pub async fn public_lookup(
    State(state): State<Arc<AppState>>,
    extensions: axum::http::Extensions,
    Query(q): Query<LookupQuery>,
) -> Result<Response, AppError> {
    let key = (q.number.trim().to_string(), q.code.trim().to_string());
    match guarded_lookup(&state, &super::session::address(&extensions), (&key.0, &key.1)).await {
        Ok(found) => public_page(&state, IntakeForm::default(), None, Some(found), key, None).await,
        Err(refused) => refused.page(&state, key).await,
    }
}

#[derive(Deserialize)]
pub struct RateForm {
    csrf: String,
    number: String,
    code: String,
    satisfaction: String,
    #[serde(default)]
    solved: String,
}

pub async fn public_rate(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Form(form): Form<RateForm>,
) -> Result<Response, AppError> {
    public_csrf(&headers, &form.csrf)?;
    let satisfaction = match form.satisfaction.as_str() {
        "satisfied" => Satisfaction::Satisfied,
        "basic" => Satisfaction::Basic,
        "unsatisfied" => Satisfaction::Unsatisfied,
        _ => return Err(AppError::BadRequest("请选择评价 / choose a rating".into())),
    };
    let solved = match form.solved.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let key = (form.number.trim().to_string(), form.code.trim().to_string());
    // The same guard as the lookup: a rating is only for whoever holds the number and the code.
    if let Err(refused) = guarded_lookup(&state, &super::session::address(&extensions), (&key.0, &key.1)).await {
        return refused.page(&state, key).await;
    }
    match state.store.rate_publicly(&key.0, &key.1, satisfaction, solved, state.today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/public/lookup?number={}&code={}", key.0, key.1)).into_response()),
        Err(StoreError::Invalid(m)) => {
            let found = state.store.lookup(&key.0, &key.1).await.ok();
            public_page(&state, IntakeForm::default(), None, found, key, Some(m)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "knowledge.html")]
struct KnowledgePage {
    chrome: Chrome,
    answers: Vec<(i64, String, String)>,
    q: String,
}

#[derive(Deserialize, Default)]
pub struct KnowledgeQuery {
    #[serde(default)]
    q: String,
    /// The request the operator is answering (for the fragment's "answer with this" forms).
    matter: Option<i64>,
}

/// The knowledge base: search and add answers (the office).
pub async fn knowledge(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<KnowledgeQuery>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    require(&actor, Action::RunCasework)?;
    // The whole knowledge base (offices keep hundreds of answers, not millions), searched.
    let answers = state.store.search_answers(&q.q, None, 1000).await?;
    Ok(render(&KnowledgePage { chrome: Chrome::of(&actor, csrf).with_flash(&headers), answers, q: q.q }))
}

#[derive(Deserialize)]
pub struct AnswerForm {
    csrf: String,
    title: String,
    body: String,
    #[serde(default)]
    category: String,
}

pub async fn add_answer(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Form(form): Form<AnswerForm>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    check_csrf(&csrf, &form.csrf)?;
    state.store.add_answer(&actor, &form.title, &form.body, Some(form.category.as_str())).await?;
    Ok(done("/knowledge", "answer", None))
}

#[derive(Template)]
#[template(path = "knowledge_results.html")]
struct KnowledgeResults {
    csrf: String,
    matter: i64,
    version: i64,
    answers: Vec<(i64, String, String)>,
}

/// The search results beside a request (an htmx fragment): each answer with a button that answers
/// the request with it.
pub async fn knowledge_search(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<KnowledgeQuery>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    require(&actor, Action::RunCasework)?;
    let id = q.matter.ok_or_else(|| AppError::BadRequest("缺少要答复的诉求 / no request given".into()))?;
    let (m, _) = state.store.timeline(&actor, duban_core::MatterId(id)).await?;
    let category = m.case.as_ref().map(|c| c.category.as_str());
    // Beside a request: the ten best.
    let answers = state.store.search_answers(&q.q, category, 10).await?;
    Ok(render(&KnowledgeResults { csrf, matter: id, version: m.version, answers }))
}
