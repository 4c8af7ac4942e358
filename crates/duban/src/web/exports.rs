//! Downloads: the task decomposition table, the ledger and the bulletin, built from the matters the
//! signed-in account may see (a unit's exports hold only its own matters).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use duban_core::metrics::dashboard;
use serde::Deserialize;

use time::Date;

use super::{AppError, AppState, authenticate, parse_date as day};
use crate::export::{self, Bulletin, Line};

pub(super) fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}

/// A period asked for: `from` and `to` (YYYY-MM-DD, each optional).
#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct Period {
    /// The period's first day (default: the first of the month of `to`, or of the last complete month).
    #[serde(default)]
    pub from: String,
    /// The period's last day; the figures are as of then (default: the last complete month's end).
    #[serde(default)]
    pub to: String,
}

/// The last complete month before `today` (a bulletin's default period: on the first of a month,
/// "this month" would be one day).
pub fn last_complete_month(today: Date) -> (Date, Date) {
    let first_of_this = today.replace_day(1).unwrap_or(today);
    let end = first_of_this - time::Duration::DAY;
    (end.replace_day(1).unwrap_or(end), end)
}

impl Period {
    /// The period asked for, or the last complete month; checked to run forward.
    pub fn resolve(&self, today: Date) -> Result<(Date, Date), AppError> {
        let (default_from, default_to) = last_complete_month(today);
        let to = day(&self.to, "截止日期")?;
        let from = day(&self.from, "起始日期")?;
        let (from, to) = match (from, to) {
            (None, None) => (default_from, default_to),
            (from, to) => {
                let to = to.unwrap_or(today);
                (from.unwrap_or_else(|| to.replace_day(1).unwrap_or(to)), to)
            }
        };
        if from > to {
            return Err(AppError::BadRequest("起始日期晚于截止日期 / from is after to".into()));
        }
        if to > today {
            return Err(AppError::BadRequest(format!(
                "截止日期{to}晚于今天，通报只能反映已发生的情况 / the period ends after today ({today})"
            )));
        }
        Ok((from, to))
    }
}

/// The ledger as it stood at the end of `to` (a past day is folded from the timelines, so a
/// bulletin of a past period shows its figures as they were), with each matter's assessment.
pub(super) async fn ledger_as_of(
    state: &AppState,
    actor: &crate::store::Actor,
    to: Date,
) -> Result<(Vec<Line>, duban_core::metrics::Dashboard), AppError> {
    let rows = if to < state.today() {
        state.store.matters_as_of(actor, to).await?
    } else {
        state.store.matters_for(actor).await?
    };
    let matters: Vec<_> = rows.into_iter().map(|r| r.matter).collect();
    let figures = dashboard(&matters, to, state.rules(), &state.ranking);
    let lines = matters
        .into_iter()
        .zip(&figures.assessments)
        .map(|(matter, a)| Line { matter, assessment: a.clone() })
        .collect();
    Ok((lines, figures))
}

/// A bulletin's document for the period from the ledger as it stood at its end (`ledger_as_of`),
/// under the given issue line.
pub(super) fn bulletin_bytes(
    state: &AppState,
    (lines, figures): &(Vec<Line>, duban_core::metrics::Dashboard),
    (from, to): (Date, Date),
    issue: &str,
    issued_on: Date,
) -> Result<Vec<u8>, String> {
    let formula = state.ranking.formula();
    export::bulletin_docx(&Bulletin {
        title: &state.bulletin.title,
        issue,
        issuer: &state.bulletin.issuer,
        issued_on,
        from,
        today: to,
        lines,
        sections: &figures.sections,
        ranking: &figures.ranking,
        formula: &formula,
    })
}

/// Documents: tasks.xlsx, tasks.docx (任务分解表), ledger.xlsx, ledger.csv (台账), requests.xlsx,
/// requests.csv (诉求台账), bulletin.docx (a bulletin's preview, not numbered).
#[utoipa::path(get, path = "/api/v1/exports/{name}", tag = "ledger",
    params(("name" = String, Path, description = "the document",
        example = "ledger.xlsx", pattern = "^(tasks\\.xlsx|tasks\\.docx|ledger\\.xlsx|ledger\\.csv|requests\\.xlsx|requests\\.csv|bulletin\\.docx)$"), Period),
    responses((status = 200, description = "the file", content_type = "application/octet-stream", body = Vec<u8>), super::openapi::Errors))]
pub async fn api_download(
    state: State<Arc<AppState>>,
    headers: HeaderMap,
    name: Path<String>,
    period: Query<Period>,
) -> Response {
    download(state, headers, name, period).await.unwrap_or_else(AppError::json)
}

/// A document as a download (the page's link; the API's answers its errors in JSON).
pub async fn download(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(period): Query<Period>,
) -> Result<Response, AppError> {
    let (actor, _) = authenticate(&state, &headers).await?;
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let today = state.today();
    // The ledger of requests: this year's (or from `from`) requests, nothing of the ledger's matters.
    if name == "requests.csv" || name == "requests.xlsx" {
        let to = day(&period.to, "截止日期")?.unwrap_or(today);
        let from = day(&period.from, "起始日期")?
            .unwrap_or_else(|| time::Date::from_calendar_date(to.year(), time::Month::January, 1).unwrap_or(to));
        let requests: Vec<_> =
            state.store.requests_for(&actor, from, to, None, i64::MAX).await?.into_iter().map(|r| r.matter).collect();
        return if name.ends_with("csv") {
            file(export::requests_csv(&requests), "text/csv; charset=utf-8", format!("诉求台账（{from}至{to}）.csv"))
        } else {
            file(export::requests_xlsx(&requests), XLSX, format!("诉求台账（{from}至{to}）.xlsx"))
        };
    }
    if name == "bulletin.docx" {
        // A preview: not numbered, not kept (the register issues and keeps them).
        let (from, to) = period.resolve(today)?;
        let ledger = ledger_as_of(&state, &actor, to).await?;
        let bytes = bulletin_bytes(&state, &ledger, (from, to), "（预览稿，未编号）", today);
        return file(bytes, DOCX, format!("督查通报预览（{from}至{to}）.docx"));
    }
    let to = day(&period.to, "截止日期")?.unwrap_or(today);
    let (lines, _) = ledger_as_of(&state, &actor, to.min(today)).await?;
    let matters: Vec<_> = lines.iter().map(|l| l.matter.clone()).collect();
    let (bytes, mime, name) = match name.as_str() {
        "tasks.xlsx" => (export::tasks_xlsx(&matters), XLSX, "任务分解表.xlsx".to_string()),
        "tasks.docx" => (export::tasks_docx("政府工作报告", &matters), DOCX, "任务分解表.docx".to_string()),
        "ledger.xlsx" => (export::ledger_xlsx(&lines), XLSX, "督办台账.xlsx".to_string()),
        "ledger.csv" => (export::ledger_csv(&lines), "text/csv; charset=utf-8", "督办台账.csv".to_string()),
        _ => return Err(crate::store::StoreError::NotFound.into()),
    };
    file(bytes, mime, name)
}

pub(super) const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A document as a download under its Chinese name.
pub(super) fn file(bytes: Result<Vec<u8>, String>, mime: &str, name: String) -> Result<Response, AppError> {
    let bytes = bytes.map_err(|e| AppError::Store(crate::store::StoreError::Other(e)))?;
    let disposition = format!("attachment; filename*=UTF-8''{}", percent_encode(&name));
    Ok(([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}
