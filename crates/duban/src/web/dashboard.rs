//! The dashboard (挂图作战): red, yellow and green counts, the units' ranking with its formula, the
//! progress by report section, the warning rules in force, the quantified targets, and a unit's
//! inbox of reminders and send-backs.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use duban_core::matter::{Matter, Status};
use duban_core::metrics::dashboard as dashboard_figures;
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

pub async fn show(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let today = state.today();
    let matters: Vec<Matter> = state.store.matters_for(&actor).await?.into_iter().map(|r| r.matter).collect();
    let figures = dashboard_figures(&matters, today, state.rules(), &state.ranking);
    let counts = &figures.counts;
    let ranking = figures
        .ranking
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
    // Every matter with a quantified standard: the standard against the latest reported figure
    // (the first 50 here, the count of all beside them).
    let quantified =
        |m: &&Matter| m.standard.is_some() && !m.status.is_closed() && m.status != Status::Draft && m.parent.is_none();
    let targets_total = matters.iter().filter(quantified).count();
    let targets = matters
        .iter()
        .zip(&figures.assessments)
        .filter(|(m, _)| quantified(m))
        .take(50)
        .map(|(m, a)| {
            let s = m.standard.as_ref().map_or(String::new(), standard_text);
            let level = a.level;
            TargetRow {
                id: m.id.0,
                number: m.cite(),
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
        targets_total,
        chrome: Chrome::of(&actor, csrf).with_flash(&headers),
        today: today.to_string(),
        red: counts.get(&Level::Red).copied().unwrap_or(0),
        yellow: counts.get(&Level::Yellow).copied().unwrap_or(0),
        green: counts.get(&Level::Green).copied().unwrap_or(0),
        sections: figures.sections.clone(),
        drafts: matters.iter().filter(|m| m.status == Status::Draft).count(),
        done: matters.iter().filter(|m| m.status == Status::Done).count(),
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
