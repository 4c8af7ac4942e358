//! One matter: its page (the ledger's matters with progress, milestones, evidence and the review
//! of sign-off; casework with its particulars by role, time limit by the hour, reply and return
//! visit), and the forms of the closed loop on it. A refused form shows the page again with the
//! reason and what was typed; a done one redirects with its confirmation.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use duban_core::access::{self};
use duban_core::matter::{Change, Event, MatterId, MatterKind, Status};
use duban_core::warning::sign_off_exceptions;
use serde::Deserialize;

use super::form::{Chrome, check_csrf, done, render};
use super::{AppError, AppState, authenticate, level_key, percent};
use crate::export::standard_text;
use crate::store::{Actor, StoreError};

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

/// What a refused form had in it, shown again beside the reason.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub value: String,
    pub percent: String,
    pub narrative: String,
    pub note: String,
    pub name: String,
    pub due: String,
}

#[derive(Template)]
#[template(path = "matter.html")]
struct MatterPage {
    chrome: Chrome,
    id: i64,
    number: String,
    title: String,
    kind: &'static str,
    level: &'static str,
    level_key: &'static str,
    unit: String,
    co_units: String,
    deadline: String,
    workdays_left: String,
    standard: String,
    unit_of_standard: String,
    has_standard: bool,
    progress: String,
    status: &'static str,
    source: String,
    reasons: Vec<String>,
    version: i64,
    /// A request, proposal or complaint: no standard, progress or split on its page.
    casework: bool,
    /// The unit reports on it (progress, milestones done, milestones proposed, evidence).
    can_report: bool,
    /// The unit may apply for sign-off (an open ledger matter of its own).
    can_apply: bool,
    can_supervise: bool,
    /// Evidence may be added (the units responsible and the office, while it is open).
    can_attach: bool,
    /// The office reviews a unit's application (approve or send back) …
    review: bool,
    /// … or closes an open ledger matter on its own initiative, with a reason.
    close_directly: bool,
    /// What closing it now would need a reason for.
    exceptions: Vec<String>,
    /// The unit's application (its statement and day), while waiting for review.
    application: Option<(String, String)>,
    /// How it was closed: the office's note and what needed a reason.
    closing: Option<(String, String, Vec<String>)>,
    timeline: Vec<TimelineRow>,
    milestones: Vec<MilestoneRow>,
    proposed: Vec<MilestoneRow>,
    error: Option<String>,
    draft: Draft,
    children: Vec<ChildRow>,
    follow_worst: bool,
    parent: Option<(i64, String)>,
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
    number: String,
    unit: String,
    share: String,
    standard: String,
    progress: String,
    level: &'static str,
    level_key: &'static str,
    deadline: String,
}

/// The timeline entry in words.
pub fn describe(change: &Change, category: &(dyn Fn(&str) -> String + Sync)) -> String {
    match change {
        Change::Assigned { lead_unit, co_units } if co_units.is_empty() => format!("分派给{lead_unit}"),
        Change::Assigned { lead_unit, co_units } => format!("分派给{lead_unit}，配合单位{}", co_units.join("、")),
        Change::DeadlineSet { deadline } => format!("完成时限定为{deadline}"),
        Change::CadenceSet { cadence } => format!("反馈频次定为{}", cadence.label()),
        Change::SourceRecorded { origin, document } if document.number.is_empty() => {
            format!("来源：{}，{}（{}）", origin.label(), document.title, document.issuer)
        }
        Change::SourceRecorded { origin, document } => {
            format!("来源：{}，{}{}（{}）", origin.label(), document.title, document.number, document.issuer)
        }
        Change::FollowUpInstruction { text } => format!("再批示：{text}"),
        Change::StandardSet { standard } => format!("标准定为{}{}", standard.value, standard.unit),
        Change::ProgressReported { value, percent, narrative } => {
            let figure = match (value, percent) {
                (Some(v), Some(p)) => format!("完成{v}（{p}%）；"),
                (Some(v), None) => format!("完成{v}；"),
                (None, Some(p)) => format!("完成{p}%；"),
                (None, None) => String::new(),
            };
            format!("报送进展：{figure}{narrative}")
        }
        Change::MilestoneAdded { name, due } => format!("新增节点“{name}”（{due}）"),
        Change::MilestoneDone { name } => format!("完成节点“{name}”"),
        Change::MilestoneProposed { name, due } => format!("提出节点“{name}”（{due}），待督查室确认"),
        Change::MilestoneDeclined { name, reason } => format!("不同意节点“{name}”：{reason}"),
        Change::Reminded { note } => format!("催办：{note}"),
        Change::Escalated { note } => format!("督办：{note}"),
        Change::CompletionRequested { note } => format!("申请销号：{note}"),
        Change::SignedOff { note, exceptions } if exceptions.is_empty() => format!("销号：{note}"),
        Change::SignedOff { note, exceptions } => format!(
            "销号（{}）：{note}",
            exceptions.iter().map(duban_core::matter::Exception::explain).collect::<Vec<_>>().join("、")
        ),
        Change::SentBack { reason } => format!("退回：{reason}"),
        Change::Reopened { reason } => format!("重新办理：{reason}"),
        Change::Cancelled { reason } => format!("撤销：{reason}"),
        Change::Split { shares, follow_worst } => format!(
            "拆分为{}项子事项：{}{}",
            shares.len(),
            shares.iter().map(|s| format!("{}（{:.0}%）", s.unit, s.weight * 100.0)).collect::<Vec<_>>().join("、"),
            if *follow_worst { "；灯色随最差子事项" } else { "" }
        ),
        Change::SplitFrom { weight, .. } => format!("由上级事项拆分而来，承担{:.0}%", weight * 100.0),
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
            "分类：{}，类别：{}{}{}",
            case.request_type.label(),
            category(&case.category),
            case.place.as_deref().map(|p| format!("，{p}")).unwrap_or_default(),
            if case.urgent { "，紧急" } else { "" }
        ),
    }
}

/// The category names of the catalogue, for showing a request's category as people say it.
async fn category_names(state: &AppState) -> Result<std::collections::HashMap<String, String>, AppError> {
    let all = state.store.categories().await?;
    let name_of = |code: &str| all.iter().find(|c| c.code == code).map(|c| c.name.clone());
    Ok(all
        .iter()
        .map(|c| {
            let full = match c.parent.as_deref().and_then(name_of) {
                Some(group) => format!("{group} / {}", c.name),
                None => c.name.clone(),
            };
            (c.code.clone(), full)
        })
        .collect())
}

pub(super) async fn matter_page(
    state: &AppState,
    chrome: Chrome,
    actor: &Actor,
    id: i64,
    error: Option<String>,
    draft: Draft,
) -> Result<Response, AppError> {
    let view = super::matter_view(state, actor, id).await?;
    let (m, events, a) = (&view.matter, &view.timeline, &view.assessment);
    let spec = m.kind.spec();
    let casework = !spec.progress_expected;
    let office = actor.role.may(access::to_run(m.kind));
    let own = view.responsible;
    let categories = if m.case.is_some() { category_names(state).await? } else { Default::default() };
    let category = |code: &str| categories.get(code).cloned().unwrap_or_else(|| code.to_string());
    let parent = match m.parent {
        Some(p) => {
            let number =
                state.store.timeline(actor, p).await.map(|(pm, _)| pm.cite()).unwrap_or_else(|_| format!("#{}", p.0));
            Some((p.0, number))
        }
        None => None,
    };
    let application = (m.status == Status::Submitted)
        .then(|| {
            events.iter().rev().find_map(|e| match &e.change {
                Change::CompletionRequested { note } => Some((note.clone(), e.on.to_string())),
                _ => None,
            })
        })
        .flatten();
    let milestone_rows = |list: &[duban_core::matter::Milestone]| {
        list.iter()
            .map(|ms| MilestoneRow {
                name: ms.name.clone(),
                due: ms.due.to_string(),
                done: ms.done_on.map(|d| d.to_string()),
                overdue: ms.done_on.is_none() && ms.due < state.today(),
            })
            .collect::<Vec<_>>()
    };
    let page = MatterPage {
        chrome,
        id,
        number: m.cite(),
        title: m.title.clone(),
        kind: spec.label,
        level: a.level.label(),
        level_key: level_key(a.level),
        unit: m.lead_unit.clone().unwrap_or_else(|| "（待分派）".into()),
        co_units: m.co_units.join("、"),
        deadline: match m.due_at {
            Some(at) => crate::export::moment(at),
            None => m.deadline.map_or("—".into(), |d| d.to_string()),
        },
        workdays_left: match m.deadline {
            Some(d) if !m.status.is_closed() && m.status != Status::Replied && m.due_at.is_none() => {
                let n = super::CALENDAR.working_days_between(state.today(), d);
                if n >= 0 {
                    format!("（剩余{n}个工作日）")
                } else {
                    format!("（已超期{}个工作日）", -n)
                }
            }
            _ if m.due_at.is_some_and(|at| at < state.now())
                && !m.status.is_closed()
                && m.status != Status::Replied =>
            {
                "（已超时）".into()
            }
            _ => String::new(),
        },
        standard: m.standard.as_ref().map_or("—".into(), standard_text),
        unit_of_standard: m.standard.as_ref().map_or(String::new(), |s| s.unit.clone()),
        has_standard: m.standard.is_some(),
        progress: percent(a.actual),
        status: m.status.label(),
        source: m.source.clone(),
        reasons: a.reasons.iter().map(|r| r.explain()).collect(),
        version: m.version,
        casework,
        can_report: own && matches!(m.status, Status::Open | Status::Submitted) && !casework,
        can_apply: own && m.status == Status::Open && !casework,
        // Casework is urged while a unit holds it; a ledger matter until it is closed.
        can_supervise: office
            && if casework { matches!(m.status, Status::Dispatched | Status::Open) } else { !m.status.is_closed() },
        can_attach: (own || office) && !m.status.is_closed(),
        review: office && m.status == Status::Submitted && !casework,
        close_directly: office && m.status == Status::Open && !casework,
        exceptions: if office && !casework && matches!(m.status, Status::Open | Status::Submitted) {
            sign_off_exceptions(m, a).iter().map(|e| e.explain()).collect()
        } else {
            Vec::new()
        },
        application,
        closing: m
            .closing
            .as_ref()
            .map(|c| (c.note.clone(), c.on.to_string(), c.exceptions.iter().map(|e| e.explain()).collect())),
        timeline: events
            .iter()
            .map(|e: &Event| TimelineRow {
                on: e.on.to_string(),
                actor: e.actor.clone(),
                what: describe(&e.change, &category),
            })
            .collect(),
        milestones: milestone_rows(&m.milestones),
        proposed: milestone_rows(&m.proposed_milestones),
        error,
        draft,
        children: view
            .children
            .iter()
            .zip(&view.child_assessments)
            .map(|(c, ca)| ChildRow {
                id: c.matter.id.0,
                number: c.matter.cite(),
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
        parent,
        attachments: m.attachments.iter().map(|x| (x.id.clone(), x.name.clone(), x.size.div_ceil(1024))).collect(),
        campaigns: m.campaigns.iter().map(|c| (c.id, c.name.clone(), c.deadline.to_string())).collect(),
        can_split: office && !m.status.is_closed() && m.children.is_empty() && !casework,
        request: casework_block(state, actor, &view, &category).await?,
    };
    Ok(render(&page))
}

/// The casework part of a matter's page (requests, proposals, complaints): the particulars where
/// the matter is a request, and what the reader may do now.
async fn casework_block(
    state: &AppState,
    actor: &Actor,
    view: &super::MatterView,
    category: &(dyn Fn(&str) -> String + Sync),
) -> Result<Option<RequestBlock>, AppError> {
    let m = &view.matter;
    let spec = m.kind.spec();
    if !spec.signed_for {
        return Ok(None);
    }
    let office = actor.role.may(access::to_run(m.kind));
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
                category(&case.category),
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
        close: office
            && (m.status == Status::Replied || !spec.replied && matches!(m.status, Status::Open | Status::Submitted)),
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

/// A matter's page (its print layout is the same page on paper: the print stylesheet drops the
/// menu and the forms).
pub async fn show(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let chrome = Chrome::of(&actor, csrf).with_flash(&headers);
    matter_page(&state, chrome, &actor, id, None, Draft::default()).await
}

/// A refusal the person can act on (conflict, lifecycle, bad input) shows on the matter's page,
/// with its status and what was typed; anything else is an error page.
pub(super) async fn refused(
    state: &AppState,
    actor: &Actor,
    csrf: String,
    id: i64,
    e: AppError,
    draft: Draft,
) -> Result<Response, AppError> {
    match e {
        AppError::Store(StoreError::Conflict { .. } | StoreError::Invalid(_)) | AppError::BadRequest(_) => {
            let status = e.status();
            let chrome = Chrome::of(actor, csrf);
            let mut page = matter_page(state, chrome, actor, id, Some(e.message()), draft).await?;
            *page.status_mut() = status;
            Ok(page)
        }
        e => Err(e),
    }
}

/// A figure as people type it: "1,200", "１２００", "40%".
fn number(field: &str, text: &str) -> Result<Option<f64>, AppError> {
    let t: String = text
        .trim()
        .chars()
        .map(|c| if ('０'..='９').contains(&c) { char::from_u32(c as u32 - 0xFF10 + 0x30).unwrap_or(c) } else { c })
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '%' | '％'))
        .map(|c| if c == '．' { '.' } else { c })
        .collect();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| AppError::BadRequest(format!("“{field}”应为数字：{text} / {field} must be a number: {text}")))
}

/// The progress form (multipart, so a photo can come with it): a figure where the matter has a
/// standard, a percent, the narrative, and evidence files; or the application for sign-off
/// (`apply`): its statement and evidence. Either is recorded with its files in one transaction.
pub async fn report_progress(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let upload = super::supervision::read_upload(form).await?;
    check_csrf(&csrf, upload.field("csrf"))?;
    let draft = Draft {
        value: upload.field("value").to_string(),
        percent: upload.field("percent").to_string(),
        narrative: upload.field("narrative").to_string(),
        note: upload.field("note").to_string(),
        ..Draft::default()
    };
    let result = async {
        let version: i64 = upload.field("version").parse().map_err(|_| {
            AppError::BadRequest("表单缺少版本号，请刷新页面 / the form lacks its version; reload".into())
        })?;
        let files: Vec<(String, Vec<u8>)> = upload.files.iter().filter(|(_, b)| !b.is_empty()).cloned().collect();
        let (change, key) = if upload.field("apply") == "1" {
            (Change::CompletionRequested { note: draft.note.trim().to_string() }, "applied")
        } else {
            let value = number("完成数", &draft.value)?;
            let percent = number("完成百分比", &draft.percent)?;
            let change = Change::ProgressReported { value, percent, narrative: draft.narrative.trim().to_string() };
            (change, "reported")
        };
        state.store.record_with_evidence(&actor, MatterId(id), version, state.today(), Some(change), &files).await?;
        Ok::<_, AppError>(key)
    }
    .await;
    match result {
        Ok(key) => Ok(done(&format!("/matters/{id}"), key, None)),
        Err(e) => refused(&state, &actor, csrf, id, e, draft).await,
    }
}

#[derive(Deserialize)]
pub struct ActForm {
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

/// The change a form's action asks for, and the confirmation it ends with.
async fn change_of(
    state: &AppState,
    actor: &Actor,
    id: MatterId,
    form: &ActForm,
) -> Result<(Change, &'static str), AppError> {
    let note = form.note.trim().to_string();
    let name = form.name.trim().to_string();
    let milestone_due = || -> Result<time::Date, AppError> {
        match form.workdays.trim().parse::<u32>() {
            Ok(n) if form.due.trim().is_empty() => Ok(super::CALENDAR.add_working_days(state.today(), n)),
            _ => super::parse_date(&form.due, "节点日期")?
                .ok_or_else(|| AppError::BadRequest("请填写节点日期 / give the milestone's date".into())),
        }
    };
    Ok(match form.action.as_str() {
        "add_milestone" => (Change::MilestoneAdded { name, due: milestone_due()? }, "milestone"),
        "propose_milestone" => (Change::MilestoneProposed { name, due: milestone_due()? }, "proposed"),
        "confirm_milestone" => {
            let (m, _) = state.store.timeline(actor, id).await?;
            let due = m.proposed_milestones.iter().find(|p| p.name == name).map(|p| p.due).ok_or_else(|| {
                AppError::BadRequest(format!("没有待确认的节点“{name}” / no proposed milestone {name:?}"))
            })?;
            (Change::MilestoneAdded { name, due }, "milestone")
        }
        "decline_milestone" => (Change::MilestoneDeclined { name, reason: note }, "declined"),
        "milestone_done" => (Change::MilestoneDone { name }, "milestone_done"),
        "remind" if note.is_empty() => return Err(AppError::BadRequest("请填写催办意见 / write the note".into())),
        "remind" => (Change::Reminded { note }, "reminded"),
        "escalate" if note.is_empty() => return Err(AppError::BadRequest("请填写督办意见 / write the note".into())),
        "escalate" => (Change::Escalated { note }, "escalated"),
        "sign_off" => (Change::SignedOff { note, exceptions: vec![] }, "signed_off"),
        "close" => (Change::SignedOff { note, exceptions: vec![] }, "closed"),
        "send_back" => (Change::SentBack { reason: note }, "sent_back"),
        "accept" => (Change::Accepted, "accepted"),
        "return" if note.is_empty() => return Err(AppError::BadRequest("请说明退单理由 / give the reason".into())),
        "return" => (Change::Returned { reason: note }, "returned"),
        "reply" if note.is_empty() => return Err(AppError::BadRequest("请填写答复内容 / write the reply".into())),
        "reply" => (
            Change::Replied {
                text: note,
                class: match form.class.as_str() {
                    "a" => Some(duban_core::matter::ReplyClass::A),
                    "b" => Some(duban_core::matter::ReplyClass::B),
                    "c" => Some(duban_core::matter::ReplyClass::C),
                    _ => None,
                },
            },
            "replied",
        ),
        "extend" => {
            let until = super::parse_date(&form.due, "延期至")?
                .ok_or_else(|| AppError::BadRequest("请填写延期至哪天 / give the new date".into()))?;
            (Change::ExtensionRequested { until, reason: note }, "extension")
        }
        "grant" => (Change::ExtensionDecided { granted: true, note }, "decided"),
        "refuse" => (Change::ExtensionDecided { granted: false, note }, "decided"),
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
            (Change::Rated { satisfaction, solved }, "rated")
        }
        "reopen" => (Change::Reopened { reason: note }, "reopened"),
        "merge" => {
            let into = state.store.matter_by_number(actor, form.into.trim()).await.map_err(|e| match e {
                StoreError::NotFound => AppError::BadRequest(format!(
                    "没有编号为“{}”的事项 / no matter numbered {:?}",
                    form.into.trim(),
                    form.into.trim()
                )),
                e => e.into(),
            })?;
            (Change::MergedInto { into }, "merged")
        }
        other => return Err(AppError::BadRequest(format!("未知操作 / unknown action {other:?}"))),
    })
}

/// The loop's actions on one matter: milestones (set, proposed, confirmed, declined, done),
/// reminders, escalation, sign-off and sending back, and casework's steps.
pub async fn act(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<ActForm>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    check_csrf(&csrf, &form.csrf)?;
    let draft = Draft { note: form.note.clone(), name: form.name.clone(), due: form.due.clone(), ..Draft::default() };
    let back = format!("/matters/{id}");
    if form.action == "reverse_schedule" {
        let result = async {
            let (m, _) = state.store.timeline(&actor, MatterId(id)).await?;
            let deadline =
                m.deadline.ok_or_else(|| AppError::BadRequest("请先设定完成时限 / set a deadline first".into()))?;
            let mut version = form.version;
            for (name, due) in duban_core::matter::reverse_schedule(state.today(), deadline, 4) {
                let change = Change::MilestoneAdded { name, due };
                version = state.store.record(&actor, MatterId(id), version, state.today(), change).await?.version;
            }
            Ok::<_, AppError>(())
        }
        .await;
        return match result {
            Ok(()) => Ok(done(&back, "milestone", None)),
            Err(e) => refused(&state, &actor, csrf, id, e, draft).await,
        };
    }
    if form.action == "dispatch" {
        let result = async {
            let unit: i64 =
                form.unit.parse().map_err(|_| AppError::BadRequest("请选择承办单位 / choose a unit".into()))?;
            state.store.dispatch(&actor, MatterId(id), form.version, crate::store::UnitId(unit), state.today()).await?;
            Ok::<_, AppError>(())
        }
        .await;
        return match result {
            Ok(()) => Ok(done(&back, "dispatched", None)),
            Err(e) => refused(&state, &actor, csrf, id, e, draft).await,
        };
    }
    let result = async {
        let (change, key) = change_of(&state, &actor, MatterId(id), &form).await?;
        state.store.record(&actor, MatterId(id), form.version, state.today(), change).await?;
        Ok::<_, AppError>(key)
    }
    .await;
    match result {
        Ok(key) => Ok(done(&back, key, None)),
        Err(e) => refused(&state, &actor, csrf, id, e, draft).await,
    }
}
