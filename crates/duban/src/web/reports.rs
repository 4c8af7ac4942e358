//! Report → task list: upload or paste a report, see what the reader found beside the text (facts
//! highlighted), confirm or change each candidate matter's inclusion, lead unit and deadline, adopt.
//! The office only. The preview carries the report's text; adoption reads it again (the reader is
//! deterministic), so the rows the office saw are the rows adopted.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use axum::response::Response;
use duban_core::access::Action;
use duban_core::matter::MatterKind;
use duban_report::{LeadUnits, Options, Reading};

use super::form::{Chrome, check_csrf, done, render, require};
use super::{AppError, AppState, authenticate};
use crate::decompose::{Edit, UnitsByName, apply_edits, candidates, parse_deadline, parse_standard, report};
use crate::store::{StoreError, UnitId};

/// A report file as offices send it: a .docx with pictures runs to several megabytes.
pub(super) const MAX_REPORT_BYTES: usize = 20 << 20;
/// The adoption form carries the report's text back (URL-encoded Chinese takes nine bytes a
/// character) with every row's fields.
pub(super) const MAX_ADOPT_BYTES: usize = 16 << 20;

#[derive(Template)]
#[template(path = "report_new.html")]
struct NewPage {
    chrome: Chrome,
}

pub async fn new(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    require(&actor, Action::ImportReports)?;
    Ok(render(&NewPage { chrome: Chrome::of(&actor, csrf).with_flash(&headers) }))
}

struct Row {
    index: usize,
    number: usize,
    kind: &'static str,
    /// The matter made from an earlier version of the report that this row is: (id, number).
    matched: Option<(i64, String)>,
    title: String,
    lead: Option<i64>,
    co_units: String,
    deadline: String,
    standard: String,
}

#[derive(Template)]
#[template(path = "report_preview.html")]
struct PreviewPage {
    chrome: Chrome,
    title: String,
    jurisdiction: String,
    review_year: String,
    plan_year: String,
    facts: usize,
    rows: Vec<Row>,
    matched: usize,
    units: Vec<(i64, String)>,
    text: String,
    segments: Vec<(String, bool)>,
    /// Reports adopted before that this one looks like, newest first.
    earlier: Vec<crate::store::AdoptedReport>,
}

pub(super) fn read(bytes: &[u8], year: Option<i32>, table: &LeadUnits) -> Result<Reading, AppError> {
    let reading = duban_report::read(bytes, &Options { year, tasks: Some(table) })
        .map_err(|e| AppError::BadRequest(format!("无法识别报告：{}", e.advice())))?;
    if reading.plan_year.is_none() {
        return Err(AppError::BadRequest(
            "未能确定报告年份，请填写报告年份 / could not tell the report's year; fill in the year".into(),
        ));
    }
    Ok(reading)
}

pub(super) async fn units(state: &AppState) -> Result<(Vec<(i64, String)>, UnitsByName), AppError> {
    let units = state.store.units().await?;
    let list = units.iter().map(|(id, name, _)| (id.0, name.clone())).collect();
    let by_name = units.into_iter().map(|(id, name, _)| (name, id)).collect();
    Ok((list, by_name))
}

/// The text cut into pieces, the facts' clauses marked.
fn segments(reading: &Reading) -> Vec<(String, bool)> {
    let chars: Vec<char> = reading.text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    for f in &reading.facts {
        let (s, e) = (f.start.max(at).min(chars.len()), f.end.min(chars.len()));
        if s >= e {
            continue;
        }
        out.push((chars[at..s].iter().collect(), false));
        out.push((chars[s..e].iter().collect(), true));
        at = e;
    }
    out.push((chars[at.min(chars.len())..].iter().collect(), false));
    out
}

pub async fn preview(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    require(&actor, Action::ImportReports)?;
    let (mut bytes, mut pasted, mut year, mut token) = (Vec::new(), String::new(), None, String::new());
    let failed = |_| {
        AppError::BadRequest(
            "上传未完成：文件可能超过20 MB上限或上传中断，请检查后重试，也可粘贴报告全文 / the upload did not complete: the file may be over 20 MB or the connection broke; try again or paste the text"
                .into(),
        )
    };
    while let Some(field) = form.next_field().await.map_err(failed)? {
        let name = field.name().unwrap_or("").to_string();
        let data = field.bytes().await.map_err(failed)?;
        match name.as_str() {
            "csrf" => token = String::from_utf8_lossy(&data).into_owned(),
            "file" => bytes = data.to_vec(),
            "text" => pasted = String::from_utf8_lossy(&data).into_owned(),
            "year" => year = String::from_utf8_lossy(&data).trim().parse::<i32>().ok(),
            _ => {}
        }
    }
    check_csrf(&csrf, &token)?;
    let bytes = if bytes.is_empty() { pasted.into_bytes() } else { bytes };
    if bytes.is_empty() {
        return Err(AppError::BadRequest("请上传文件或粘贴报告全文 / upload a file or paste the report".into()));
    }
    if bytes.len() > MAX_REPORT_BYTES {
        return Err(AppError::BadRequest("文件过大（上限 20 MB）/ the file is too large (20 MB at most)".into()));
    }
    let table = LeadUnits::builtin();
    let reading = read(&bytes, year, &table)?;
    let (unit_list, by_name) = units(&state).await?;
    // Adopted before? The same text, or the same jurisdiction and year: the office stops, or adopts
    // this as a new version whose rows are matched to the matters already made.
    let earlier = state.store.adopted_like(&reading.text, reading.jurisdiction.as_deref(), reading.plan_year).await?;
    let existing = match earlier.first() {
        Some(r) => state.store.report_matters(r.id).await?,
        None => Vec::new(),
    };
    let rows = candidates(&reading, &by_name, &table)
        .into_iter()
        .enumerate()
        .map(|(index, m)| Row {
            index,
            number: index + 1,
            kind: m.kind.spec().label,
            matched: crate::decompose::matching(&m.title, &existing),
            title: m.title,
            lead: m.lead_unit.map(|u| u.0),
            co_units: m
                .co_units
                .iter()
                .filter_map(|u| unit_list.iter().find(|(id, _)| *id == u.0).map(|(_, n)| n.clone()))
                .collect::<Vec<_>>()
                .join("、"),
            deadline: m.deadline.map(|d| d.to_string()).unwrap_or_default(),
            standard: m.standard.as_ref().map_or(String::new(), crate::export::standard_text),
        })
        .collect::<Vec<_>>();
    Ok(render(&PreviewPage {
        chrome: Chrome::of(&actor, csrf),
        title: reading.title.clone().unwrap_or_else(|| "政府工作报告".into()),
        jurisdiction: reading.jurisdiction.clone().unwrap_or_default(),
        review_year: reading.review_year.map(|y| y.to_string()).unwrap_or_default(),
        plan_year: reading.plan_year.map(|y| y.to_string()).unwrap_or_default(),
        facts: reading.facts.len(),
        matched: rows.iter().filter(|r| r.matched.is_some()).count(),
        rows,
        units: unit_list,
        segments: segments(&reading),
        earlier,
        text: reading.text,
    }))
}

/// Whether this reading may be adopted: a report like one adopted before only as its new version,
/// chosen at preview (`supersedes`: the earlier report's id). The one rule for pages and API.
pub(super) async fn new_version_of(
    state: &AppState,
    reading: &Reading,
    supersedes: &str,
) -> Result<Option<i64>, AppError> {
    let earlier = state.store.adopted_like(&reading.text, reading.jurisdiction.as_deref(), reading.plan_year).await?;
    let Some(latest) = earlier.first() else { return Ok(None) };
    match supersedes.trim().parse::<i64>() {
        Ok(id) if earlier.iter().any(|r| r.id == id) => Ok(Some(id)),
        _ => Err(AppError::Store(StoreError::Invalid(format!(
            "此报告{}已于{}采纳（“{}”，{}项事项），未重复采纳；如确需采纳，请在预览中选择“作为新版本采纳” / this report{} was adopted on {} already; adopt it as a new version from the preview if you must",
            if latest.same_text { "" } else { "（同一地区、同一年度）" },
            latest.adopted_at.get(..10).unwrap_or(&latest.adopted_at),
            latest.title,
            latest.matters,
            if latest.same_text { "" } else { " (same jurisdiction and year)" },
            latest.adopted_at.get(..10).unwrap_or(&latest.adopted_at),
        )))),
    }
}

pub async fn adopt(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    require(&actor, Action::ImportReports)?;
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    check_csrf(&csrf, get("csrf").unwrap_or(""))?;
    let text = get("text").unwrap_or("");
    let year = get("year").and_then(|y| y.parse().ok());
    let table = LeadUnits::builtin();
    let reading = read(text.as_bytes(), year, &table)?;
    let supersedes = new_version_of(&state, &reading, get("supersedes").unwrap_or("")).await?;
    let (_, by_name) = units(&state).await?;
    let included: Vec<usize> =
        fields.iter().filter(|(n, _)| n == "include").filter_map(|(_, v)| v.parse().ok()).collect();
    if included.is_empty() {
        return Err(AppError::BadRequest("没有选中任何事项 / no matter selected".into()));
    }
    let by_field: HashMap<&str, &str> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let field = |name: &str, i: usize| by_field.get(format!("{name}_{i}").as_str()).copied().unwrap_or("");
    let row_error = |i: usize, e: String| AppError::BadRequest(format!("第{}行 / row {}：{e}", i + 1, i + 1));
    let today = state.today();
    let all = candidates(&reading, &by_name, &table);
    let mut edits = BTreeMap::new();
    for (i, m) in all.iter().enumerate().filter(|(i, _)| included.contains(i)) {
        let lead_unit = match field("lead", i) {
            "" => None,
            id => Some(UnitId(id.parse().map_err(|_| row_error(i, "牵头单位无效 / bad unit".into()))?)),
        };
        let mut co_units = Vec::new();
        for name in field("co", i).split(['、', ',', '，', ' ']).map(str::trim).filter(|n| !n.is_empty()) {
            let id = by_name.get(name).ok_or_else(|| row_error(i, format!("没有单位“{name}” / no unit {name:?}")))?;
            co_units.push(*id);
        }
        // The standard as shown is kept exactly; a changed one is read from the text.
        let shown = m.standard.as_ref().map_or(String::new(), crate::export::standard_text);
        let standard = match field("standard", i).trim() {
            s if s == shown => m.standard.clone(),
            s => parse_standard(s).map_err(|e| row_error(i, e))?,
        };
        let merge_into = match field("merge", i).trim() {
            "" => None,
            n => Some(
                n.parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .ok_or_else(|| row_error(i, format!("“并入”应为行号 / merge must be a row number: {n}")))?,
            ),
        };
        edits.insert(
            i,
            Edit {
                title: by_field.get(format!("title_{i}").as_str()).map_or(m.title.clone(), |t| t.to_string()),
                lead_unit,
                co_units,
                deadline: parse_deadline(field("deadline", i), today, &super::CALENDAR).map_err(|e| row_error(i, e))?,
                standard,
                merge_into,
            },
        );
    }
    let mut matters = apply_edits(all, &edits).map_err(AppError::BadRequest)?;
    for m in &mut matters {
        if m.kind == MatterKind::Target && m.lead_unit.is_none() {
            m.co_units.clear();
        }
    }
    let n = matters.len();
    let new = crate::store::NewReport { supersedes, ..report(&reading, matters) };
    state.store.adopt_report(&actor, &new, today).await?;
    Ok(done("/matters", "adopted", Some(n)))
}
