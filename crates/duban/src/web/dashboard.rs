//! The dashboard (挂图作战): red, yellow and green counts, the units' ranking with its formula, the
//! progress by report section, the warning rules in force, the quantified targets, and a unit's
//! inbox of reminders and send-backs.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use duban_core::access::Action;
use duban_core::metrics::rank;
use duban_core::warning::Level;

use super::form::{Chrome, render};
use super::matter::describe;
use super::{AppError, AppState, authenticate, percent};
use crate::export::{human, standard_text};

struct RankRow {
    rank: usize,
    unit: String,
    score: String,
    on_time: String,
    completion: String,
    red: u64,
    yellow: u64,
    overdue: u64,
    tie: &'static str,
}

struct TargetRow {
    id: i64,
    number: String,
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
    targets_total: usize,
    chrome: Chrome,
    today: String,
    red: u64,
    yellow: u64,
    green: u64,
    drafts: usize,
    done: usize,
    ranking: Vec<RankRow>,
    sections: Vec<duban_core::metrics::SectionCounts>,
    rules: Vec<(&'static str, String)>,
    formula: String,
}

/// The dashboard: figures counted in the store from the stored warnings (a ledger of tens of
/// thousands of matters is never read whole for it).
pub async fn show(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    // The hotline centre and the administrator start elsewhere; they do not read the ledger.
    if !actor.role.may(Action::ReadLedger) {
        return Ok(axum::response::IntoResponse::into_response(axum::response::Redirect::to(super::form::home(
            actor.role,
        ))));
    }
    let today = state.today();
    state.store.refresh_assessments(today).await?;
    let figures = state.store.dashboard(&actor, today, 50).await?;
    let ranking = rank(figures.tallies.clone(), &state.ranking)
        .iter()
        .map(|s| RankRow {
            rank: s.rank,
            unit: s.unit.clone(),
            score: format!("{:.1}", s.score),
            on_time: percent(s.on_time.value()),
            completion: percent(s.completion.value()),
            red: s.red,
            yellow: s.yellow,
            overdue: s.overdue,
            tie: s.tie.unwrap_or(""),
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
            what: format!("{}：{}", e.actor, describe(&e.change, &|c| c.to_string())),
        })
        .collect();
    // Matters with a quantified standard: the standard against the latest reported figure (the
    // first 50 here, the count of all beside them).
    let targets = figures
        .targets
        .iter()
        .map(|l| {
            let m = &l.matter;
            TargetRow {
                id: m.id.0,
                number: m.cite(),
                title: m.title.chars().take(40).collect(),
                unit: m.lead_unit.clone().unwrap_or_default(),
                standard: m.standard.as_ref().map_or(String::new(), standard_text),
                actual: m
                    .latest_value
                    .map_or("—".into(), |v| human(v, m.standard.as_ref().map_or("", |s| s.unit.as_str()))),
                percent: (l.progress.unwrap_or(0.0) * 100.0).round() as u32,
                colour: match l.level {
                    Level::Red => "danger",
                    Level::Yellow => "warning",
                    Level::Green => "success",
                },
            }
        })
        .collect();
    let count = |l: Level| figures.by_level.get(&l).copied().unwrap_or(0);
    Ok(render(&Dashboard {
        inbox,
        targets,
        targets_total: figures.targets_total as usize,
        chrome: Chrome::of(&actor, csrf).with_flash(&headers),
        today: today.to_string(),
        red: count(Level::Red),
        yellow: count(Level::Yellow),
        green: count(Level::Green),
        sections: figures.sections.clone(),
        drafts: figures.drafts as usize,
        done: figures.done as usize,
        ranking,
        rules: rules_in_words(state.rules()),
        formula: state.ranking.formula(),
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
