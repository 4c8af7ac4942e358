//! The pages: sign-in, the dashboard (挂图作战), the ledger table and a matter with its timeline and
//! the forms of the closed loop. Handlers are verbs of their routes.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use duban_core::matter::{Change, Event, Matter, MatterId, MatterKind, Status};
use duban_core::metrics::{COMPLETION_RATE, ON_TIME_RATE, dashboard as dashboard_figures};
use duban_core::warning::Level;
use serde::Deserialize;

use super::{AppError, AppState, LOGIN_CSRF_COOKIE, SESSION_COOKIE, authenticate, cookie};
use crate::accounts::random_token;
use crate::accounts::verify_password;
use crate::export::{human, standard_text};
use crate::store::{Actor, Role};

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub who: Option<String>,
    pub csrf: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    who: Option<String>,
    csrf: String,
    error: Option<String>,
}

pub(super) fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => AppError::BadRequest(format!("页面渲染失败 / cannot render: {e}")).into_response(),
    }
}

pub async fn login_form() -> Response {
    let csrf = random_token();
    let page = render(&LoginPage { who: None, csrf: csrf.clone(), error: None });
    ([(header::SET_COOKIE, format!("{LOGIN_CSRF_COOKIE}={csrf}; HttpOnly; SameSite=Strict; Path=/login"))], page)
        .into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    login: String,
    password: String,
}

pub async fn login(State(state): State<Arc<AppState>>, headers: HeaderMap, Form(form): Form<LoginForm>) -> Response {
    if cookie(&headers, LOGIN_CSRF_COOKIE) != Some(form.csrf.as_str()) {
        return AppError::BadRequest("表单已过期，请刷新后重试 / the form expired; reload and try again".into())
            .into_response();
    }
    let refused = || {
        let csrf = random_token();
        let page =
            render(&LoginPage { who: None, csrf: csrf.clone(), error: Some("登录名或密码不正确".into()) });
        ([(header::SET_COOKIE, format!("{LOGIN_CSRF_COOKIE}={csrf}; HttpOnly; SameSite=Strict; Path=/login"))], page)
            .into_response()
    };
    let Ok((actor, hash)) = state.store.account(&form.login).await else { return refused() };
    if !verify_password(&form.password, &hash) {
        return refused();
    }
    let session = match state.store.open_session(actor.user, time::Duration::hours(12)).await {
        Ok(s) => s,
        Err(e) => return AppError::from(e).into_response(),
    };
    (
        [(
            header::SET_COOKIE,
            format!("{SESSION_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/; Max-Age=43200", session.token),
        )],
        Redirect::to("/"),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    let (_, csrf) = authenticate(&state, &headers).await?;
    check_csrf(&csrf, &form.csrf)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.store.close_session(token).await?;
    }
    Ok((
        [(header::SET_COOKIE, format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"))],
        Redirect::to("/login"),
    )
        .into_response())
}

pub(super) fn check_csrf(expected: &str, given: &str) -> Result<(), AppError> {
    if expected.is_empty() || expected != given {
        return Err(AppError::BadRequest(
            "表单校验失败（CSRF），请刷新后重试 / CSRF check failed; reload and try again".into(),
        ));
    }
    Ok(())
}

fn level_key(l: Level) -> &'static str {
    match l {
        Level::Green => "green",
        Level::Yellow => "yellow",
        Level::Red => "red",
    }
}

fn percent(v: Option<f64>) -> String {
    v.map_or("—".into(), |x| format!("{:.0}%", x * 100.0))
}

struct RankRow {
    unit: String,
    on_time: String,
    completion: String,
    red: u64,
    yellow: u64,
}

struct TargetRow {
    id: i64,
    title: String,
    unit: String,
    standard: String,
    actual: String,
    percent: u32,
    colour: &'static str,
}

struct InboxRow {
    id: i64,
    title: String,
    on: String,
    what: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    inbox: Vec<InboxRow>,
    targets: Vec<TargetRow>,
    who: Option<String>,
    csrf: String,
    today: String,
    red: u64,
    yellow: u64,
    green: u64,
    drafts: usize,
    done: usize,
    ranking: Vec<RankRow>,
    sections: Vec<duban_core::metrics::SectionCounts>,
    rules: Vec<(&'static str, String)>,
    on_time_formula: &'static str,
    completion_formula: &'static str,
}

pub async fn dashboard(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let today = state.today();
    let matters: Vec<Matter> = state.store.matters_for(&actor).await?.into_iter().map(|r| r.matter).collect();
    let figures = dashboard_figures(&matters, today, &state.rules);
    let counts = &figures.counts;
    let ranking = figures
        .ranking
        .iter()
        .map(|s| RankRow {
            unit: s.unit.clone(),
            on_time: percent(s.on_time.value()),
            completion: percent(s.completion.value()),
            red: s.red,
            yellow: s.yellow,
        })
        .collect();
    let inbox = state
        .store
        .inbox(&actor, 20)
        .await?
        .into_iter()
        .map(|(id, title, e)| InboxRow {
            id: id.0,
            title,
            on: e.on.to_string(),
            what: format!("{}：{}", e.actor, describe(&e.change)),
        })
        .collect();
    // Every matter with a quantified standard: the standard against the latest reported figure.
    let targets = matters
        .iter()
        .zip(&figures.assessments)
        .filter(|(m, _)| m.standard.is_some() && !m.status.is_closed() && m.status != Status::Draft)
        .filter(|(m, _)| m.parent.is_none())
        .take(50)
        .map(|(m, a)| {
            let s = m.standard.as_ref().map_or(String::new(), standard_text);
            let level = a.level;
            TargetRow {
                id: m.id.0,
                title: m.title.chars().take(40).collect(),
                unit: m.lead_unit.clone().unwrap_or_default(),
                standard: s,
                actual: m
                    .latest_value
                    .map_or("—".into(), |v| human(v, m.standard.as_ref().map_or("", |s| s.unit.as_str()))),
                percent: (a.actual.unwrap_or(0.0) * 100.0).round() as u32,
                colour: match level {
                    Level::Red => "danger",
                    Level::Yellow => "warning",
                    Level::Green => "success",
                },
            }
        })
        .collect();
    Ok(render(&Dashboard {
        inbox,
        targets,
        who: Some(actor.name),
        csrf,
        today: today.to_string(),
        red: counts.get(&Level::Red).copied().unwrap_or(0),
        yellow: counts.get(&Level::Yellow).copied().unwrap_or(0),
        green: counts.get(&Level::Green).copied().unwrap_or(0),
        sections: figures.sections.clone(),
        drafts: matters.iter().filter(|m| m.status == Status::Draft).count(),
        done: matters.iter().filter(|m| m.status == Status::Done).count(),
        ranking,
        rules: rules_in_words(&state.rules),
        on_time_formula: ON_TIME_RATE.formula,
        completion_formula: COMPLETION_RATE.formula,
    }))
}

/// The warning rules in force, in words (shown beside the colours they produce).
pub fn rules_in_words(r: &duban_core::WarningRules) -> Vec<(&'static str, String)> {
    vec![
        ("黄灯", format!("进度落后于按时间（或节点）应达进度{:.0}个百分点及以上", r.yellow_lag * 100.0)),
        ("红灯", format!("进度落后{:.0}个百分点及以上；或节点逾期、超过完成时限", r.red_lag * 100.0)),
        ("黄灯", format!("{}天未报送进展（{}天以上为红灯）", r.quiet_days_yellow, r.quiet_days_red)),
        (
            "黄灯",
            format!(
                "距完成时限不足{}天且未完成（诉求、建议提案、信访件：{}天）",
                r.due_soon_days, r.casework_due_soon_days
            ),
        ),
    ]
}

struct Row {
    id: i64,
    level: &'static str,
    level_key: &'static str,
    title: String,
    unit: String,
    deadline: String,
    progress: String,
    status: &'static str,
    /// A sub-matter (split from another).
    sub: bool,
}

#[derive(Template)]
#[template(path = "matters.html")]
struct MattersPage {
    who: Option<String>,
    csrf: String,
    rows: Vec<Row>,
    level: String,
    unit: String,
    section: String,
    office: bool,
}

#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    level: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    section: String,
    campaign: Option<i64>,
}

pub async fn matters(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(f): Query<Filter>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let today = state.today();
    let all = state.store.matters_for(&actor).await?;
    let matters: Vec<Matter> = all.iter().map(|r| r.matter.clone()).collect();
    let assessments = duban_core::warning::assess_all(&matters, today, &state.rules);
    let section = f.section.trim();
    let rows = all
        .into_iter()
        .zip(assessments)
        .filter(|(r, _)| section.is_empty() || duban_core::metrics::section_of(&r.matter) == section)
        .filter(|(r, _)| f.campaign.is_none_or(|c| r.matter.campaigns.iter().any(|x| x.id == c)))
        .filter_map(|(r, a)| {
            let m = r.matter;
            let status_key = serde_json::to_value(m.status).ok()?.as_str()?.to_string();
            let keep = (f.level.is_empty()
                || f.level == level_key(a.level) && !m.status.is_closed() && m.status != Status::Draft)
                && (f.unit.is_empty() || r.lead_unit_name.as_deref().is_some_and(|u| u.contains(f.unit.as_str())))
                && (f.status.is_empty() || f.status == status_key);
            keep.then(|| Row {
                id: m.id.0,
                level: a.level.label(),
                level_key: level_key(a.level),
                title: m.title.clone(),
                unit: r.lead_unit_name.unwrap_or_else(|| "（待分派）".into()),
                deadline: m.deadline.map_or("—".into(), |d| d.to_string()),
                progress: percent(a.actual),
                status: m.status.label(),
                sub: m.parent.is_some(),
            })
        })
        .collect();
    Ok(render(&MattersPage {
        office: actor.role == Role::Office,
        who: Some(actor.name),
        csrf,
        rows,
        level: f.level,
        unit: f.unit,
        section: f.section,
    }))
}

struct MilestoneRow {
    name: String,
    due: String,
    done: Option<String>,
    overdue: bool,
}

struct TimelineRow {
    on: String,
    actor: String,
    what: String,
}

#[derive(Template)]
#[template(path = "matter.html")]
struct MatterPage {
    who: Option<String>,
    csrf: String,
    id: i64,
    title: String,
    level: &'static str,
    level_key: &'static str,
    unit: String,
    deadline: String,
    standard: String,
    unit_of_standard: String,
    progress: String,
    status: &'static str,
    source: String,
    reasons: Vec<String>,
    version: i64,
    can_report: bool,
    can_supervise: bool,
    /// Sign-off where the lifecycle allows it (a request is closed from the casework block once
    /// replied); sending back a request for sign-off.
    can_sign_off: bool,
    can_send_back: bool,
    timeline: Vec<TimelineRow>,
    milestones: Vec<MilestoneRow>,
    workdays_left: String,
    error: Option<String>,
    children: Vec<ChildRow>,
    follow_worst: bool,
    parent: Option<i64>,
    /// (id, name, KB)
    attachments: Vec<(String, String, u64)>,
    /// (id, name, deadline)
    campaigns: Vec<(i64, String, String)>,
    can_split: bool,
    /// A request's particulars and what the reader may do with it.
    request: Option<RequestBlock>,
}

struct RequestBlock {
    /// A request's particulars (requests only).
    detail: Option<crate::store::RequestDetail>,
    case: String,
    /// Replies are classed A/B/C (proposals).
    classed: bool,
    /// What the reader may do now: dispatch or answer at once (the centre, on a new request), sign
    /// for or send back (the unit, on a dispatched one), reply or ask for time (the unit, while
    /// handling), decide on the time asked, rate and close, reopen, merge (the centre).
    dispatch: bool,
    accept: bool,
    reply: bool,
    extend: bool,
    decide: bool,
    rate: bool,
    close: bool,
    reopen: bool,
    merge: bool,
    extension_asked: Option<String>,
    answer: Option<String>,
    rating: Option<String>,
    suggested: Option<i64>,
    units: Vec<(i64, String)>,
    /// Earlier requests that look like this one (the centre's suggestions to merge): (id, why).
    duplicates: Vec<(i64, &'static str)>,
}

struct ChildRow {
    id: i64,
    unit: String,
    share: String,
    standard: String,
    progress: String,
    level: &'static str,
    level_key: &'static str,
    deadline: String,
}

/// The timeline entry in words.
pub fn describe(change: &Change) -> String {
    match change {
        Change::Assigned { lead_unit, co_units } if co_units.is_empty() => format!("分派给{lead_unit}"),
        Change::Assigned { lead_unit, co_units } => format!("分派给{lead_unit}，配合单位{}", co_units.join("、")),
        Change::DeadlineSet { deadline } => format!("完成时限定为{deadline}"),
        Change::StandardSet { standard } => format!("标准定为{}{}", standard.value, standard.unit),
        Change::ProgressReported { value, percent, narrative } => {
            let figure = value
                .map(|v| format!("完成{v}；"))
                .or_else(|| percent.map(|p| format!("进度{p}%；")))
                .unwrap_or_default();
            format!("报送进展：{figure}{narrative}")
        }
        Change::MilestoneAdded { name, due } => format!("新增节点“{name}”（{due}）"),
        Change::MilestoneDone { name } => format!("完成节点“{name}”"),
        Change::Reminded { note } => format!("催办：{note}"),
        Change::Escalated { note } => format!("督办：{note}"),
        Change::CompletionRequested { note } => format!("申请销号：{note}"),
        Change::SignedOff { note } => format!("销号：{note}"),
        Change::SentBack { reason } => format!("退回：{reason}"),
        Change::Reopened { reason } => format!("重新办理：{reason}"),
        Change::Cancelled { reason } => format!("撤销：{reason}"),
        Change::Split { shares, follow_worst } => format!(
            "拆分为{}项子事项：{}{}",
            shares.len(),
            shares.iter().map(|s| format!("{}（{:.0}%）", s.unit, s.weight * 100.0)).collect::<Vec<_>>().join("、"),
            if *follow_worst { "；灯色随最差子事项" } else { "" }
        ),
        Change::SplitFrom { parent, weight } => format!("由事项{}拆分而来，承担{:.0}%", parent.0, weight * 100.0),
        Change::EvidenceAttached { attachment } => {
            format!("上传佐证材料“{}”（{} KB）", attachment.name, attachment.size.div_ceil(1024))
        }
        Change::CampaignJoined { campaign } => {
            format!("纳入专项督查“{}”（{}前完成）", campaign.name, campaign.deadline)
        }
        Change::Accepted => "签收".into(),
        Change::Returned { reason } => format!("退单：{reason}"),
        Change::ExtensionRequested { until, reason } => format!("申请延期至{until}：{reason}"),
        Change::ExtensionDecided { granted: true, note } => format!("同意延期：{note}"),
        Change::ExtensionDecided { granted: false, note } => format!("不同意延期：{note}"),
        Change::Replied { text, class } => match class {
            Some(c) => format!("答复（{c:?}类）：{text}"),
            None => format!("答复：{text}"),
        },
        Change::Rated { satisfaction, solved } => format!(
            "评价：{}{}",
            satisfaction.label(),
            match solved {
                Some(true) => "，已解决",
                Some(false) => "，未解决",
                None => "",
            }
        ),
        Change::MergedInto { into } => format!("并入事项{}", into.0),
        Change::DueAt { at } => format!("办理时限定为{}", crate::export::moment(*at)),
        Change::Classified { case } => format!(
            "分类：{}，类别{}{}{}",
            case.request_type.label(),
            case.category,
            case.place.as_deref().map(|p| format!("，{p}")).unwrap_or_default(),
            if case.urgent { "，紧急" } else { "" }
        ),
    }
}

async fn matter_page(
    state: &AppState,
    actor: Actor,
    csrf: String,
    id: i64,
    error: Option<String>,
) -> Result<Response, AppError> {
    let view = super::matter_view(state, &actor, id).await?;
    let (m, events, a) = (&view.matter, &view.timeline, &view.assessment);
    let own = view.responsible;
    let page = MatterPage {
        who: Some(actor.name.clone()),
        csrf,
        id,
        title: m.title.clone(),
        level: a.level.label(),
        level_key: level_key(a.level),
        unit: m.lead_unit.clone().unwrap_or_else(|| "（待分派）".into()),
        deadline: match m.due_at {
            Some(at) => crate::export::moment(at),
            None => m.deadline.map_or("—".into(), |d| d.to_string()),
        },
        standard: m.standard.as_ref().map_or("—".into(), standard_text),
        unit_of_standard: m.standard.as_ref().map_or("—".into(), |s| s.unit.clone()),
        progress: percent(a.actual),
        status: m.status.label(),
        source: m.source.clone(),
        children: view
            .children
            .iter()
            .zip(&view.child_assessments)
            .map(|(c, ca)| ChildRow {
                id: c.matter.id.0,
                unit: c.lead_unit_name.clone().unwrap_or_default(),
                share: format!("{:.0}%", c.matter.weight * 100.0),
                standard: c.matter.standard.as_ref().map_or("—".into(), standard_text),
                progress: percent(ca.actual),
                level: ca.level.label(),
                level_key: level_key(ca.level),
                deadline: c.matter.deadline.map_or("—".into(), |d| d.to_string()),
            })
            .collect(),
        follow_worst: m.follow_worst_child,
        parent: m.parent.map(|p| p.0),
        attachments: m.attachments.iter().map(|x| (x.id.clone(), x.name.clone(), x.size.div_ceil(1024))).collect(),
        campaigns: m.campaigns.iter().map(|c| (c.id, c.name.clone(), c.deadline.to_string())).collect(),
        can_split: actor.role == Role::Office
            && !m.status.is_closed()
            && m.children.is_empty()
            && !matches!(m.kind, MatterKind::Request | MatterKind::Proposal | MatterKind::Complaint),
        request: casework_block(state, &actor, &view).await?,
        reasons: a.reasons.iter().map(|r| r.explain()).collect(),
        version: m.version,
        can_report: own && matches!(m.status, Status::Open | Status::Submitted),
        can_supervise: actor.role == Role::Office && !m.status.is_closed(),
        can_sign_off: actor.role == Role::Office
            && matches!(m.status, Status::Open | Status::Submitted)
            && !m.kind.spec().replied,
        can_send_back: actor.role == Role::Office && m.status == Status::Submitted,
        timeline: events
            .iter()
            .map(|e: &Event| TimelineRow { on: e.on.to_string(), actor: e.actor.clone(), what: describe(&e.change) })
            .collect(),
        workdays_left: match m.deadline {
            Some(d) if !m.status.is_closed() => {
                let n = super::CALENDAR.working_days_between(state.today(), d);
                if n >= 0 {
                    format!("（剩余{n}个工作日）")
                } else {
                    format!("（已超期{}个工作日）", -n)
                }
            }
            _ => String::new(),
        },
        milestones: m
            .milestones
            .iter()
            .map(|ms| MilestoneRow {
                name: ms.name.clone(),
                due: ms.due.to_string(),
                done: ms.done_on.map(|d| d.to_string()),
                overdue: ms.done_on.is_none() && ms.due < state.today(),
            })
            .collect(),
        error,
    };
    Ok(render(&page))
}

/// The casework part of a matter's page (requests, proposals, complaints): the particulars where
/// the matter is a request, and what the reader may do now.
async fn casework_block(
    state: &AppState,
    actor: &Actor,
    view: &super::MatterView,
) -> Result<Option<RequestBlock>, AppError> {
    let m = &view.matter;
    let spec = m.kind.spec();
    if !spec.signed_for {
        return Ok(None);
    }
    let office = actor.role == Role::Office;
    let detail = match &m.case {
        Some(_) => Some(state.store.request_detail(actor, m.id).await?),
        None => None,
    };
    let duplicates = match &detail {
        Some(d) if office && !m.status.is_closed() => super::casework::suspected_duplicates(state, actor, m, d)
            .await?
            .into_iter()
            .map(|(id, why)| {
                let why = match why {
                    duban_core::casework::Alike::SameCaller => "同一来电人",
                    duban_core::casework::Alike::SamePlace { .. } => "同一地点、内容相近",
                    duban_core::casework::Alike::SameText { .. } => "内容几乎相同",
                };
                (id, why)
            })
            .collect(),
        _ => Vec::new(),
    };
    let units = if office {
        state.store.units().await?.into_iter().map(|(id, name, _)| (id.0, name)).collect()
    } else {
        Vec::new()
    };
    let suggested = match &m.case {
        Some(case) if office && m.status == Status::Draft => {
            state.store.suggested_unit(&case.category, case.place.as_deref()).await?.map(|u| u.0.0)
        }
        _ => None,
    };
    let case = m.case.as_ref().map_or_else(
        || spec.label.to_string(),
        |case| {
            format!(
                "{} · {}{}{}{}",
                case.request_type.label(),
                case.category,
                case.place.as_deref().map(|p| format!(" · {p}")).unwrap_or_default(),
                if case.urgent { " · 紧急" } else { "" },
                if case.confidential { " · 保密" } else { "" }
            )
        },
    );
    Ok(Some(RequestBlock {
        detail,
        case,
        classed: m.kind == MatterKind::Proposal,
        dispatch: office && m.status == Status::Draft,
        accept: view.responsible && m.status == Status::Dispatched,
        reply: spec.replied && (view.responsible && m.status == Status::Open || office && m.status == Status::Draft),
        extend: view.responsible && m.status == Status::Open && m.extension_asked.is_none(),
        decide: office && m.extension_asked.is_some(),
        rate: office && m.reply.is_some() && matches!(m.status, Status::Replied | Status::Done),
        close: office && m.status == Status::Replied,
        reopen: office && matches!(m.status, Status::Replied | Status::Done),
        merge: office && !m.status.is_closed() && m.case.is_some(),
        extension_asked: m.extension_asked.map(|d| d.to_string()),
        answer: m.reply.as_ref().map(|r| match r.class {
            Some(c) => format!("{c:?}类：{}（{}）", r.text, r.on),
            None => format!("{}（{}）", r.text, r.on),
        }),
        rating: m.rating.as_ref().map(|r| {
            format!(
                "{}{}",
                r.satisfaction.label(),
                match r.solved {
                    Some(true) => "，已解决",
                    Some(false) => "，未解决",
                    None => "",
                }
            )
        }),
        suggested,
        units,
        duplicates,
    }))
}

pub async fn matter(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    matter_page(&state, actor, csrf, id, None).await
}

#[derive(Deserialize)]
pub struct ProgressForm {
    csrf: String,
    version: i64,
    #[serde(default)]
    value: String,
    narrative: String,
}

/// Records a change from a form; a refusal (conflict, lifecycle) shows on the matter's page.
async fn record_from_form(
    state: &AppState,
    actor: Actor,
    csrf: String,
    id: i64,
    version: i64,
    change: Change,
) -> Result<Response, AppError> {
    match state.store.record(&actor, MatterId(id), version, state.today(), change).await {
        Ok(_) => Ok(Redirect::to(&format!("/matters/{id}")).into_response()),
        Err(e) => record_failed(state, actor, csrf, id, e).await,
    }
}

/// A refusal the person can act on (conflict, lifecycle) shows on the matter's page with its status.
pub(super) async fn record_failed(
    state: &AppState,
    actor: Actor,
    csrf: String,
    id: i64,
    e: crate::store::StoreError,
) -> Result<Response, AppError> {
    match e {
        crate::store::StoreError::Conflict { .. } | crate::store::StoreError::Invalid(_) => {
            let mut page = matter_page(state, actor, csrf, id, Some(e.to_string())).await?;
            *page.status_mut() = AppError::Store(e).status();
            Ok(page)
        }
        e => Err(e.into()),
    }
}

pub async fn report_progress(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<ProgressForm>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    check_csrf(&csrf, &form.csrf)?;
    let value = match form.value.trim() {
        "" => None,
        v => Some(
            v.replace([',', '，'], "")
                .parse::<f64>()
                .map_err(|_| AppError::BadRequest(format!("完成数应为数字 / the value must be a number: {v}")))?,
        ),
    };
    if form.narrative.trim().is_empty() {
        return Err(AppError::BadRequest("请填写进展情况 / describe the progress".into()));
    }
    let change = Change::ProgressReported { value, percent: None, narrative: form.narrative.trim().to_string() };
    record_from_form(&state, actor, csrf, id, form.version, change).await
}

#[derive(Deserialize)]
pub struct SuperviseForm {
    csrf: String,
    version: i64,
    action: String,
    #[serde(default)]
    note: String,
    /// A milestone's name and due date, for the milestone actions.
    #[serde(default)]
    name: String,
    #[serde(default)]
    due: String,
    /// Or: due in this many working days from today.
    #[serde(default)]
    workdays: String,
    /// Casework: the unit to dispatch to, the rating and whether it was solved, the matter to merge
    /// into.
    #[serde(default)]
    unit: String,
    #[serde(default)]
    satisfaction: String,
    #[serde(default)]
    solved: String,
    #[serde(default)]
    into: String,
    /// A proposal's reply class: a, b or c.
    #[serde(default)]
    class: String,
}

pub async fn supervise(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<SuperviseForm>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    check_csrf(&csrf, &form.csrf)?;
    let note = form.note.trim().to_string();
    let name = form.name.trim().to_string();
    if form.action == "reverse_schedule" {
        // Several events in a row, each on the version the one before produced.
        let (m, _) = state.store.timeline(&actor, MatterId(id)).await?;
        let deadline =
            m.deadline.ok_or_else(|| AppError::BadRequest("请先设定完成时限 / set a deadline first".into()))?;
        let mut version = form.version;
        for (name, due) in duban_core::matter::reverse_schedule(state.today(), deadline, 4) {
            let change = Change::MilestoneAdded { name, due };
            match state.store.record(&actor, MatterId(id), version, state.today(), change).await {
                Ok(m) => version = m.version,
                Err(e) => return record_failed(&state, actor, csrf, id, e).await,
            }
        }
        return Ok(Redirect::to(&format!("/matters/{id}")).into_response());
    }
    let change = match form.action.as_str() {
        "add_milestone" => {
            let due = match form.workdays.trim().parse::<u32>() {
                Ok(n) if form.due.trim().is_empty() => super::CALENDAR.add_working_days(state.today(), n),
                _ => time::Date::parse(form.due.trim(), time::macros::format_description!("[year]-[month]-[day]"))
                    .map_err(|_| {
                        AppError::BadRequest("节点日期应为 YYYY-MM-DD / the milestone's date must be YYYY-MM-DD".into())
                    })?,
            };
            if name.is_empty() {
                return Err(AppError::BadRequest("请填写节点名称 / name the milestone".into()));
            }
            Change::MilestoneAdded { name, due }
        }
        "milestone_done" => Change::MilestoneDone { name },
        "remind" => Change::Reminded { note },
        "escalate" => Change::Escalated { note },
        "sign_off" => Change::SignedOff { note },
        "send_back" => Change::SentBack { reason: note },
        "request_completion" => Change::CompletionRequested { note },
        "dispatch" => {
            let unit: i64 =
                form.unit.parse().map_err(|_| AppError::BadRequest("请选择承办单位 / choose a unit".into()))?;
            return match state
                .store
                .dispatch(&actor, MatterId(id), form.version, crate::store::UnitId(unit), state.today())
                .await
            {
                Ok(_) => Ok(Redirect::to(&format!("/matters/{id}")).into_response()),
                Err(e) => record_failed(&state, actor, csrf, id, e).await,
            };
        }
        "accept" => Change::Accepted,
        "return" if note.is_empty() => return Err(AppError::BadRequest("请说明退单理由 / give the reason".into())),
        "return" => Change::Returned { reason: note },
        "reply" if note.is_empty() => return Err(AppError::BadRequest("请填写答复内容 / write the reply".into())),
        "reply" => Change::Replied {
            text: note,
            class: match form.class.as_str() {
                "a" => Some(duban_core::matter::ReplyClass::A),
                "b" => Some(duban_core::matter::ReplyClass::B),
                "c" => Some(duban_core::matter::ReplyClass::C),
                _ => None,
            },
        },
        "extend" => {
            let until = super::parse_date(&form.due, "延期至")?
                .ok_or_else(|| AppError::BadRequest("请填写延期至哪天 / give the new date".into()))?;
            Change::ExtensionRequested { until, reason: note }
        }
        "grant" => Change::ExtensionDecided { granted: true, note },
        "refuse" => Change::ExtensionDecided { granted: false, note },
        "rate" => {
            let satisfaction = match form.satisfaction.as_str() {
                "satisfied" => duban_core::matter::Satisfaction::Satisfied,
                "basic" => duban_core::matter::Satisfaction::Basic,
                "unsatisfied" => duban_core::matter::Satisfaction::Unsatisfied,
                _ => return Err(AppError::BadRequest("请选择评价 / choose a rating".into())),
            };
            let solved = match form.solved.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            };
            Change::Rated { satisfaction, solved }
        }
        "reopen" => Change::Reopened { reason: note },
        "merge" => {
            let into: i64 = form
                .into
                .trim()
                .parse()
                .map_err(|_| AppError::BadRequest("请填写并入的事项编号 / give the matter to merge into".into()))?;
            state.store.timeline(&actor, MatterId(into)).await?; // it exists, and the office sees it
            Change::MergedInto { into: MatterId(into) }
        }
        other => return Err(AppError::BadRequest(format!("未知操作 / unknown action {other:?}"))),
    };
    record_from_form(&state, actor, csrf, id, form.version, change).await
}

#[cfg(test)]
mod tests {
    use crate::export::human;

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(human(2_800_000_000.0, "元"), "28亿元");
        assert_eq!(human(4_900.0, "人"), "4900人");
        assert_eq!(human(49_000.0, "人"), "4.9万人");
        assert_eq!(human(20_000_000.0, "美元"), "2000万美元");
        assert_eq!(human(3.5, "%"), "3.5%");
        assert_eq!(human(6.0, "所"), "6所");
    }
}
