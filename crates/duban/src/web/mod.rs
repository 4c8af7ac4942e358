//! The web layer: server-rendered pages (askama, auto-escaped) with the vendored Bootstrap, htmx and
//! ECharts embedded in the binary, and the JSON API under /api/v1. Thin by design: every handler
//! authenticates, calls one store verb (where access is checked) and renders.
//!
//! Sessions are random 256-bit tokens in an HttpOnly, SameSite=Lax cookie (or a bearer token for API
//! clients); every form carries the session's CSRF token, and the login form a double-submit one.
//! Request bodies are bounded.

mod admin;
mod api;
mod bulletins;
mod casework;
mod dashboard;
mod exports;
mod filings;
pub mod form;
mod hotline;
mod ledger;
mod matter;
pub mod open311;
mod openapi;
mod reports;
mod session;
mod supervision;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use duban_core::warning::WarningRules;
use time::{Date, OffsetDateTime};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::store::{Actor, Store, StoreError};

/// What every handler gets: the store (which holds the warning rules), the ranking weights, the
/// bulletin's issuing office, the casework rules, and the clock (fixed in the demo).
pub struct AppState {
    pub store: Store,
    pub ranking: duban_core::metrics::RankingWeights,
    pub bulletin: crate::config::BulletinConfig,
    pub casework: duban_core::casework::CaseworkRules,
    pub today: Option<Date>,
    /// Failed sign-ins, by login and by address.
    pub guard: Guard,
    /// The address the server is published at (`public_url`): absolute links are made from it
    /// (never from the request's Host header), and over https every cookie is Secure.
    pub public_url: Option<String>,
    /// Where outbound requests (webhooks) may go ([webhook]).
    pub outbound: Arc<crate::webhook::Policy>,
    /// What Open311 publishes ([open311]).
    pub open311: open311::Open311Config,
}

/// The lockouts of guessing and flooding ([security]): sign-ins, public lookups, public filings.
#[derive(Debug)]
pub struct Guard {
    pub logins: crate::throttle::Lockout,
    pub addresses: crate::throttle::Lockout,
    /// Failed public lookups, by request number and by address.
    pub lookups: crate::throttle::Lockout,
    /// Public filings, by address.
    pub filings: crate::throttle::Lockout,
    /// The public form's questions.
    pub challenges: crate::challenge::Challenges,
    /// Reverse proxies trusted to name the client in X-Forwarded-For.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Guard {
    pub fn new(c: &crate::config::SecurityConfig) -> Guard {
        let minutes = |m: u32| std::time::Duration::from_secs(u64::from(m) * 60);
        Guard {
            logins: crate::throttle::Lockout::new(
                c.login_failures,
                minutes(c.window_minutes),
                minutes(c.lockout_minutes),
            ),
            addresses: crate::throttle::Lockout::new(
                c.address_failures,
                minutes(c.window_minutes),
                minutes(c.lockout_minutes),
            ),
            lookups: crate::throttle::Lockout::new(
                c.lookup_failures,
                minutes(c.window_minutes),
                minutes(c.lockout_minutes),
            ),
            filings: crate::throttle::Lockout::new(c.filings_per_hour, minutes(60), minutes(60)),
            challenges: crate::challenge::Challenges::new(minutes(30)),
            trusted_proxies: c.trusted_proxies.clone(),
        }
    }
}

impl AppState {
    /// A state with the documented default rules (the store's warning rules are its own).
    pub fn new(store: Store, today: Option<Date>) -> AppState {
        AppState {
            store,
            ranking: Default::default(),
            bulletin: Default::default(),
            casework: Default::default(),
            today,
            guard: Guard::new(&Default::default()),
            public_url: None,
            outbound: Default::default(),
            open311: Default::default(),
        }
    }

    /// The warning rules in force (the store's: the stored assessments are made by them).
    pub fn rules(&self) -> &WarningRules {
        self.store.rules()
    }

    pub fn today(&self) -> Date {
        self.today.unwrap_or_else(|| self.now().date())
    }

    /// Now, on China's clock (UTC+8), on `today` (fixed in the demo) at the current time of day.
    pub fn now(&self) -> time::PrimitiveDateTime {
        let china = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
        let local = OffsetDateTime::now_utc().to_offset(china);
        time::PrimitiveDateTime::new(self.today.unwrap_or(local.date()), local.time())
    }
}

/// The working-day calendar (statutory holidays and 调休) the pages count deadlines on.
pub static CALENDAR: std::sync::LazyLock<duban_core::Calendar> =
    std::sync::LazyLock::new(duban_core::Calendar::builtin);

pub const SESSION_COOKIE: &str = "duban_session";
const LOGIN_CSRF_COOKIE: &str = "duban_login_csrf";
const MAX_BODY: usize = 1 << 20;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(dashboard::show))
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/matters", get(ledger::list))
        .route("/matters/{id}", get(matter::show))
        .route("/matters/batch", post(ledger::batch))
        .route(
            "/matters/{id}/progress",
            post(matter::report_progress).layer(DefaultBodyLimit::max(crate::store::MAX_ATTACHMENT_BYTES + (64 << 10))),
        )
        .route("/matters/{id}/act", post(matter::act))
        .route("/matters/{id}/split", post(supervision::split))
        .route(
            "/matters/{id}/evidence",
            post(supervision::upload).layer(DefaultBodyLimit::max(crate::store::MAX_ATTACHMENT_BYTES + (64 << 10))),
        )
        .route("/matters/{id}/evidence/{file}", get(supervision::evidence))
        .route("/campaigns", get(supervision::campaigns).post(supervision::create_campaign))
        .route("/units", get(supervision::units))
        .route("/admin/users", get(admin::users).post(admin::add))
        .route("/admin/users/{id}/{what}", post(admin::change))
        .route("/admin/audit", get(admin::audit))
        .route("/units/{id}/webhook", post(supervision::set_webhook))
        .route("/requests", get(hotline::queue).post(hotline::intake))
        .route("/requests/new", get(hotline::intake_form))
        .route("/casework", get(hotline::metrics))
        .route("/knowledge", get(hotline::knowledge).post(hotline::add_answer))
        .route("/knowledge/search", get(hotline::knowledge_search))
        .route("/public", get(hotline::public))
        .route("/public/requests", post(hotline::public_file))
        .route("/public/lookup", get(hotline::public_lookup))
        .route("/public/rate", post(hotline::public_rate))
        .route("/public/complaints", get(filings::public_complaints))
        .route("/public/proposals", get(filings::public_proposals))
        .route("/complaints", get(filings::complaints))
        .route("/complaints/import", post(filings::import_complaints))
        .route("/proposals", get(filings::proposals).post(filings::file_proposal))
        .route("/reports/new", get(reports::new))
        .route(
            "/reports/preview",
            post(reports::preview).layer(DefaultBodyLimit::max(reports::MAX_REPORT_BYTES + (64 << 10))),
        )
        .route("/reports/adopt", post(reports::adopt).layer(DefaultBodyLimit::max(reports::MAX_ADOPT_BYTES)))
        .route("/bulletins", get(bulletins::register).post(bulletins::issue))
        .route("/bulletins/{id}", get(bulletins::download))
        .route("/exports/{name}", get(exports::download))
        .route("/assets/{file}", get(asset))
        // The JSON API, from the same registrations as its OpenAPI document.
        .merge(openapi::routes())
        .nest(
            "/open311/v2",
            Router::new()
                .route("/{name}", get(open311::top).post(open311::file))
                .route("/services/{name}", get(open311::service_definition))
                .route("/requests/{name}", get(open311::one_request))
                .route("/tokens/{name}", get(open311::token))
                // Anything else under it answers in the specification's error shape.
                .fallback(open311::unknown),
        )
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn(form::finish))
        .layer(axum::middleware::from_fn_with_state(state.clone(), api_csrf))
        .layer(axum::middleware::from_fn_with_state(state.clone(), client_address))
        .layer(axum::middleware::from_fn_with_state(state.clone(), secure_cookies))
        // The headers on every response (pages, API, files, errors).
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .with_state(state)
}

/// The policy every page is served under: scripts only from this server (no inline script: the
/// pages' own is /assets/duban.js), no framing, no plugins, forms posted only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The address the limits count a client by, found once per request: the connection's, or from a
/// trusted reverse proxy the last address in X-Forwarded-For that is not itself a trusted proxy;
/// an IPv6 client by its /64 (one home's or one server's addresses).
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

async fn client_address(
    State(state): State<Arc<AppState>>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let peer = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    let trusted = &state.guard.trusted_proxies;
    let mut client = peer;
    if peer.is_some_and(|p| trusted.contains(&p)) {
        let forwarded: Vec<std::net::IpAddr> = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse().ok())
            .collect();
        if let Some(a) = forwarded.iter().rev().find(|a| !trusted.contains(a)) {
            client = Some(*a);
        }
    }
    let key = match client {
        Some(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(std::net::IpAddr::V6(v6)) => v6.to_ipv4_mapped().map(|v4| v4.to_string()).unwrap_or_default(),
        Some(v4) => v4.to_string(),
        None => String::new(),
    };
    req.extensions_mut().insert(ClientAddress(key));
    next.run(req).await
}

/// The API's answer to cross-site requests: a call that changes something and is authenticated by
/// the session cookie (not a bearer token, which a browser never adds by itself) must carry the
/// session's CSRF token in `X-CSRF-Token`, as the pages' forms carry it in a field.
async fn api_csrf(
    State(state): State<Arc<AppState>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let changes =
        !matches!(*req.method(), axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS);
    let headers = req.headers();
    let bearer =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("Bearer "));
    if changes
        && req.uri().path().starts_with("/api/v1/")
        && !bearer
        && let Some(token) = cookie(headers, SESSION_COOKIE)
    {
        let expected = state.store.session(token).await.map(|(_, csrf)| csrf).ok();
        let given = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
        if expected.is_none() || expected.as_deref() != given {
            return AppError::Store(StoreError::Forbidden).json_with(
                "以登录状态调用接口须带 X-CSRF-Token 头（或改用 Bearer 令牌）/ a call with the session cookie needs the X-CSRF-Token header (or use a bearer token)",
            );
        }
    }
    next.run(req).await
}

/// Where the server is published over https (`public_url`), every cookie it sets is marked Secure.
async fn secure_cookies(
    State(state): State<Arc<AppState>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut resp = next.run(req).await;
    if state.public_url.as_deref().is_some_and(|u| u.starts_with("https://")) {
        let set: Vec<HeaderValue> = resp.headers().get_all(header::SET_COOKIE).iter().cloned().collect();
        resp.headers_mut().remove(header::SET_COOKIE);
        for cookie in set {
            let secured = HeaderValue::from_str(&format!("{}; Secure", cookie.to_str().unwrap_or_default()));
            resp.headers_mut().append(header::SET_COOKIE, secured.unwrap_or(cookie));
        }
    }
    resp
}

/// Serves until the process is stopped.
pub async fn serve(state: Arc<AppState>, listen: std::net::SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tokio::spawn(crate::webhook::run(state.store.clone(), state.outbound.clone()));
    tokio::spawn(reassess(state.clone()));
    axum::serve(listener, router(state).into_make_service_with_connect_info::<std::net::SocketAddr>()).await?;
    Ok(())
}

/// Keeps the stored warnings fresh in the background (a new day outdates them; changes make them
/// stale), so that the first list of the day does not wait for it. Safe with several instances:
/// each writes the same values.
async fn reassess(state: Arc<AppState>) {
    let mut analyzed: Option<Date> = None;
    loop {
        if let Err(e) = state.store.refresh_assessments(state.today()).await {
            eprintln!("duban: reassessing the warnings failed: {e}");
        }
        // The planner's statistics, once a day (the first pass at start).
        let today = OffsetDateTime::now_utc().date();
        if analyzed != Some(today) {
            match state.store.analyze().await {
                Ok(()) => analyzed = Some(today),
                Err(e) => eprintln!("duban: refreshing the planner's statistics failed: {e}"),
            }
        }
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
}

async fn asset(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (bytes, mime): (&'static [u8], &str) = match file.as_str() {
        "bootstrap.min.css" => (include_bytes!("../../assets/vendor/bootstrap.min.css"), "text/css; charset=utf-8"),
        "htmx.min.js" => (include_bytes!("../../assets/vendor/htmx.min.js"), "text/javascript; charset=utf-8"),
        "echarts.min.js" => (include_bytes!("../../assets/vendor/echarts.min.js"), "text/javascript; charset=utf-8"),
        "duban.js" => (include_bytes!("../../assets/duban.js"), "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "public, max-age=86400")], bytes).into_response()
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The signed-in actor and the session's CSRF token, from the session cookie or a bearer token.
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<(Actor, String), AppError> {
    let bearer =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let token = bearer.or_else(|| cookie(headers, SESSION_COOKIE)).ok_or(AppError::Unauthenticated)?;
    state.store.session(token).await.map_err(|_| AppError::Unauthenticated)
}

/// A matter as a reader sees it: the matter, its timeline, its sub-matters the reader may see, and
/// its assessment (rolled up from those sub-matters, and following the worst where asked).
pub(crate) struct MatterView {
    pub matter: duban_core::Matter,
    pub timeline: Vec<duban_core::Event>,
    pub children: Vec<crate::store::MatterRow>,
    pub assessment: duban_core::warning::Assessment,
    pub child_assessments: Vec<duban_core::warning::Assessment>,
    /// Whether the reader is a unit responsible for it (lead or co-unit), who reports on it.
    pub responsible: bool,
}

pub(crate) async fn matter_view(state: &AppState, actor: &Actor, id: i64) -> Result<MatterView, AppError> {
    let id = duban_core::MatterId(id);
    let crate::store::Family { matter, timeline, children, responsible } = state.store.family(actor, id).await?;
    let family: Vec<duban_core::Matter> =
        std::iter::once(matter.clone()).chain(children.iter().map(|c| c.matter.clone())).collect();
    let mut assessments = duban_core::warning::assess_all(&family, state.today(), state.rules());
    let mut assessment = assessments.remove(0);
    duban_core::warning::by_the_hour(&mut assessment, &matter, state.now());
    Ok(MatterView { matter, timeline, children, assessment, child_assessments: assessments, responsible })
}

/// Runs an API handler body: its JSON with `status`, or its error in the API's JSON shape.
pub(crate) async fn api<T, F>(status: StatusCode, f: F) -> Response
where
    T: serde::Serialize,
    F: std::future::Future<Output = Result<T, AppError>>,
{
    match f.await {
        Ok(v) => (status, axum::Json(v)).into_response(),
        Err(e) => e.json(),
    }
}

/// A colour as the pages' CSS classes name it (badge-red …).
pub(crate) fn level_key(l: duban_core::warning::Level) -> &'static str {
    match l {
        duban_core::warning::Level::Green => "green",
        duban_core::warning::Level::Yellow => "yellow",
        duban_core::warning::Level::Red => "red",
    }
}

/// A list's address with its parameters, the empty ones left out.
pub(crate) fn query_string(path: &str, pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", exports::percent_encode(v)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// A share as a whole percent, or a dash.
pub(crate) fn percent(v: Option<f64>) -> String {
    v.map_or("—".into(), |x| format!("{:.0}%", x * 100.0))
}

/// Parses a form's or query's date field, naming the field when it is not YYYY-MM-DD.
pub(crate) fn parse_date(s: &str, field: &str) -> Result<Option<Date>, AppError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    Date::parse(s.trim(), time::macros::format_description!("[year]-[month]-[day]")).map(Some).map_err(|_| {
        AppError::BadRequest(format!("“{field}”应为日期 YYYY-MM-DD / {field} must be a date YYYY-MM-DD: {s}"))
    })
}

/// One error type for pages and API: a stable message for people, never database text.
#[derive(Debug)]
pub enum AppError {
    Unauthenticated,
    Store(StoreError),
    BadRequest(String),
    /// The framework refused the request (a missing field, a body over the limit), in words.
    Refused(StatusCode, String),
    /// Too many tries (a locked-out login or address), in words.
    TooMany(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Store(e)
    }
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Refused(status, _) => *status,
            AppError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Store(StoreError::NotFound) => StatusCode::NOT_FOUND,
            AppError::Store(StoreError::Forbidden) => StatusCode::FORBIDDEN,
            AppError::Store(StoreError::Conflict { .. }) => StatusCode::CONFLICT,
            AppError::Store(StoreError::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Store(StoreError::Other(_)) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(&self) -> String {
        match self {
            AppError::Unauthenticated => "请先登录 / please sign in".into(),
            AppError::BadRequest(m) | AppError::Refused(_, m) | AppError::TooMany(m) => m.clone(),
            AppError::Store(StoreError::Other(detail)) => {
                eprintln!("duban: internal error: {detail}");
                "服务器内部错误 / internal error".into()
            }
            AppError::Store(e) => e.to_string(),
        }
    }

    /// The API's JSON shape with a message of the caller's choosing.
    fn json_with(self, message: &str) -> Response {
        let status = self.status();
        let body = serde_json::json!({"error": status.canonical_reason().unwrap_or("error"), "message": message});
        (status, axum::Json(body)).into_response()
    }

    /// The API's JSON shape: {"error": code, "message": text[, "current_version": n]}.
    pub fn json(self) -> Response {
        let status = self.status();
        let mut body =
            serde_json::json!({"error": status.canonical_reason().unwrap_or("error"), "message": self.message()});
        if let AppError::Store(StoreError::Conflict { current_version }) = self {
            body["current_version"] = current_version.into();
        }
        (status, axum::Json(body)).into_response()
    }
}

impl IntoResponse for AppError {
    /// For pages: sign-in goes to the login form, other errors to a short page.
    fn into_response(self) -> Response {
        if matches!(self, AppError::Unauthenticated) {
            return Redirect::to("/login").into_response();
        }
        let status = self.status();
        let page = form::ErrorPage { chrome: form::Chrome::default(), message: self.message() };
        (status, Html(askama::Template::render(&page).unwrap_or_default())).into_response()
    }
}
