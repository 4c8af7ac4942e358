//! Downloads: the task decomposition table, the ledger and the bulletin, built from the matters the
//! signed-in account may see (a unit's exports hold only its own matters).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use duban_core::metrics::dashboard;
use serde::Deserialize;

use super::{AppError, AppState, authenticate, parse_date as day};
use crate::export::{self, Bulletin, Line};

pub(super) fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}

/// The period of a bulletin: from the first of `to`'s month (or `from`) to `to` (default today).
#[derive(Deserialize, Default)]
pub struct Period {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

pub async fn download(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(period): Query<Period>,
) -> Result<Response, AppError> {
    let (actor, _) = authenticate(&state, &headers).await?;
    let to = day(&period.to, "to")?;
    let today = to.unwrap_or_else(|| state.today());
    let from = day(&period.from, "from")?.unwrap_or_else(|| today.replace_day(1).unwrap_or(today));
    if from > today {
        return Err(AppError::BadRequest("起始日期晚于截止日期 / from is after to".into()));
    }
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    // The ledger of requests: this year's (or from `from`) requests, nothing of the ledger's matters.
    if name == "requests.csv" || name == "requests.xlsx" {
        let from = day(&period.from, "from")?
            .unwrap_or_else(|| time::Date::from_calendar_date(today.year(), time::Month::January, 1).unwrap_or(today));
        let requests: Vec<_> = state
            .store
            .requests_for(&actor, from, today, None, i64::MAX)
            .await?
            .into_iter()
            .map(|r| r.matter)
            .collect();
        return if name.ends_with("csv") {
            file(export::requests_csv(&requests), "text/csv; charset=utf-8", format!("诉求台账（{from}至{today}）.csv"))
        } else {
            file(export::requests_xlsx(&requests), XLSX, format!("诉求台账（{from}至{today}）.xlsx"))
        };
    }
    // A past period is seen as it stood then; otherwise as it stands.
    let rows = match to {
        Some(day) if day < state.today() => state.store.matters_as_of(&actor, day).await?,
        _ => state.store.matters_for(&actor).await?,
    };
    let matters: Vec<_> = rows.into_iter().map(|r| r.matter).collect();
    let figures = dashboard(&matters, today, &state.rules);
    let lines: Vec<Line> = matters
        .iter()
        .zip(&figures.assessments)
        .map(|(m, a)| Line { matter: m.clone(), assessment: a.clone() })
        .collect();
    let (bytes, mime, name) = match name.as_str() {
        "tasks.xlsx" => (export::tasks_xlsx(&matters), XLSX, "任务分解表.xlsx".to_string()),
        "tasks.docx" => (export::tasks_docx("政府工作报告", &matters), DOCX, "任务分解表.docx".to_string()),
        "ledger.xlsx" => (export::ledger_xlsx(&lines), XLSX, "督办台账.xlsx".to_string()),
        "ledger.csv" => (export::ledger_csv(&lines), "text/csv; charset=utf-8", "督办台账.csv".to_string()),
        "bulletin.docx" => {
            let issue = format!("{}年第{}期", today.year(), today.month() as u8);
            let bulletin = Bulletin {
                issue: &issue,
                from,
                today,
                lines: &lines,
                sections: &figures.sections,
                ranking: &figures.ranking,
            };
            (export::bulletin_docx(&bulletin), DOCX, format!("督查通报（{from}至{today}）.docx"))
        }
        _ => return Err(crate::store::StoreError::NotFound.into()),
    };
    file(bytes, mime, name)
}

/// A document as a download under its Chinese name.
fn file(bytes: Result<Vec<u8>, String>, mime: &str, name: String) -> Result<Response, AppError> {
    let bytes = bytes.map_err(|e| AppError::Store(crate::store::StoreError::Other(e)))?;
    let disposition = format!("attachment; filename*=UTF-8''{}", percent_encode(&name));
    Ok(([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}
