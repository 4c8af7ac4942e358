//! Downloads: the task decomposition table, the ledger and the bulletin, built from the matters the
//! signed-in account may see (a unit's exports hold only its own matters).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use duban_core::metrics::rank_units;
use duban_core::warning::assess;

use super::{AppError, AppState, authenticate};
use crate::export::{self, Bulletin, Line};

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}

pub async fn download(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let (actor, _) = authenticate(&state, &headers).await?;
    let today = state.today();
    let matters: Vec<_> = state.store.matters_for(&actor).await?.into_iter().map(|r| r.matter).collect();
    let lines: Vec<Line> =
        matters.iter().map(|m| Line { matter: m.clone(), assessment: assess(m, today, &state.rules, 0) }).collect();
    const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    let (bytes, mime, file) = match name.as_str() {
        "tasks.xlsx" => (export::tasks_xlsx(&matters), XLSX, "任务分解表.xlsx".to_string()),
        "tasks.docx" => (export::tasks_docx("政府工作报告", &matters), DOCX, "任务分解表.docx".to_string()),
        "ledger.xlsx" => (export::ledger_xlsx(&lines), XLSX, "督办台账.xlsx".to_string()),
        "ledger.csv" => (export::ledger_csv(&lines), "text/csv; charset=utf-8", "督办台账.csv".to_string()),
        "bulletin.docx" => {
            let ranking = rank_units(&matters, today, &state.rules);
            let issue = format!("{}年第{}期", today.year(), today.month() as u8);
            (
                export::bulletin_docx(&Bulletin { issue: &issue, today, lines: &lines, ranking: &ranking }),
                DOCX,
                format!("督查通报（{today}）.docx"),
            )
        }
        _ => return Err(crate::store::StoreError::NotFound.into()),
    };
    let bytes = bytes.map_err(|e| AppError::Store(crate::store::StoreError::Other(e)))?;
    let disposition = format!("attachment; filename*=UTF-8''{}", percent_encode(&file));
    Ok(([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}
