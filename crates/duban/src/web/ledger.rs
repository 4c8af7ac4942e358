//! The ledger (督办台账) as a list: searched by words or 编号, filtered (partial unit names, colour,
//! status, section, campaign), sorted and paged in the store, with the total always shown; a print
//! view of all rows; and the office's batch actions on the ticked rows (remind, escalate, sign off),
//! each all or nothing.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use duban_core::access::Action;
use duban_core::matter::{Change, MatterId, Status};
use duban_core::warning::Level;
use serde::Deserialize;

use super::form::{Chrome, check_csrf, done, render, require};
use super::{AppError, AppState, authenticate, level_key, percent};
use crate::store::{LedgerQuery, LedgerSort, MAX_PER_PAGE};

struct Row {
    id: i64,
    number: String,
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

/// A column header that sorts the list: its label, its key, and whether it is the current sort
/// (and which way).
struct SortLink {
    label: &'static str,
    href: String,
    arrow: &'static str,
}

#[derive(Template)]
#[template(path = "matters.html")]
struct LedgerPage {
    chrome: Chrome,
    rows: Vec<Row>,
    p: LedgerParams,
    total: u64,
    page: u32,
    pages: u32,
    per_page: u32,
    first: u64,
    last: u64,
    prev: Option<String>,
    next: Option<String>,
    sorts: Vec<SortLink>,
    /// This list's address, for the print view, the batch form's way back and the exports.
    query: String,
    print: bool,
    today: String,
}

/// The list's query string: what the page was asked for, kept in every link.
#[derive(Deserialize, Default, Clone, utoipa::IntoParams)]
pub struct LedgerParams {
    /// Words of the title, source clause or timeline, or a ledger number (2019-012).
    #[serde(default)]
    pub q: String,
    /// Part of the lead unit's name.
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    #[param(pattern = "^(|red|yellow|green)$")]
    pub level: String,
    #[serde(default)]
    #[param(pattern = "^(|draft|dispatched|open|replied|submitted|done|cancelled)$")]
    pub status: String,
    /// A report section.
    #[serde(default)]
    pub section: String,
    /// A special campaign's id.
    #[serde(default)]
    pub campaign: String,
    #[serde(default)]
    #[param(pattern = "^(|number|deadline|level|progress|unit)$")]
    pub sort: String,
    #[serde(default)]
    #[param(pattern = "^(|asc|desc)$")]
    pub dir: String,
    /// 1-based; past the end gives the last page.
    #[serde(default)]
    pub page: String,
    /// Rows a page, 1 to 5000 (default 50).
    #[serde(default)]
    pub per: String,
    /// Pages only: the printable list.
    #[serde(default)]
    #[param(ignore)]
    pub print: String,
}

impl LedgerParams {
    /// The store's query, or which parameter is wrong.
    pub(super) fn query(&self) -> Result<LedgerQuery, AppError> {
        let bad = |name: &str, v: &str| AppError::BadRequest(format!("“{name}”无效：{v} / bad {name}: {v}"));
        let level = match self.level.as_str() {
            "" => None,
            "red" => Some(Level::Red),
            "yellow" => Some(Level::Yellow),
            "green" => Some(Level::Green),
            v => return Err(bad("灯色", v)),
        };
        let status = match self.status.as_str() {
            "" => None,
            v => Some(
                serde_json::from_value::<Status>(serde_json::Value::String(v.into())).map_err(|_| bad("状态", v))?,
            ),
        };
        let number = |name: &str, v: &str| -> Result<u32, AppError> {
            if v.trim().is_empty() { Ok(0) } else { v.trim().parse().map_err(|_| bad(name, v)) }
        };
        Ok(LedgerQuery {
            q: self.q.chars().take(100).collect(),
            unit: self.unit.chars().take(50).collect(),
            level,
            status,
            section: self.section.clone(),
            campaign: match self.campaign.trim() {
                "" => None,
                v => Some(v.parse().map_err(|_| bad("专项督查", v))?),
            },
            sort: LedgerSort::parse(&self.sort).ok_or_else(|| bad("排序", &self.sort))?,
            descending: self.dir == "desc",
            page: number("页码", &self.page)?,
            per_page: if self.print.is_empty() { number("每页条数", &self.per)? } else { MAX_PER_PAGE },
        })
    }

    /// The query string with some parameters changed (and the page reset unless given).
    fn with(&self, changes: &[(&str, &str)]) -> String {
        let mut p = self.clone();
        p.page.clear();
        p.print.clear();
        for (k, v) in changes {
            let slot = match *k {
                "sort" => &mut p.sort,
                "dir" => &mut p.dir,
                "page" => &mut p.page,
                "print" => &mut p.print,
                _ => continue,
            };
            *slot = v.to_string();
        }
        super::query_string(
            "/matters",
            &[
                ("q", &p.q),
                ("unit", &p.unit),
                ("level", &p.level),
                ("status", &p.status),
                ("section", &p.section),
                ("campaign", &p.campaign),
                ("sort", &p.sort),
                ("dir", &p.dir),
                ("per", &p.per),
                ("page", &p.page),
                ("print", &p.print),
            ],
        )
    }
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(p): Query<LedgerParams>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let query = p.query()?;
    state.store.refresh_assessments(state.today()).await?;
    let page = state.store.ledger(&actor, &query).await?;
    let rows = page
        .rows
        .iter()
        .map(|l| {
            let m = &l.matter;
            let live = !m.status.is_closed() && m.status != Status::Draft;
            Row {
                id: m.id.0,
                number: m.cite(),
                level: if live { l.level.label() } else { "—" },
                level_key: if live { level_key(l.level) } else { "none" },
                title: m.title.clone(),
                unit: l.unit.clone().unwrap_or_else(|| "（待分派）".into()),
                deadline: m.deadline.map_or("—".into(), |d| d.to_string()),
                progress: percent(l.progress),
                status: m.status.label(),
                sub: m.parent.is_some(),
            }
        })
        .collect();
    let sorts =
        [("编号", "number"), ("灯色", "level"), ("牵头单位", "unit"), ("完成时限", "deadline"), ("进度", "progress")]
            .into_iter()
            .map(|(label, key)| {
                let current = p.sort == key || (p.sort.is_empty() && key == "number");
                let descending = current && p.dir == "desc";
                SortLink {
                    label,
                    href: p.with(&[("sort", key), ("dir", if current && !descending { "desc" } else { "" })]),
                    arrow: match (current, descending) {
                        (true, true) => "↓",
                        (true, false) => "↑",
                        _ => "",
                    },
                }
            })
            .collect();
    let first = u64::from(page.page - 1) * u64::from(page.per_page) + 1;
    let pages = page.pages();
    Ok(render(&LedgerPage {
        chrome: Chrome::of(&actor, csrf).with_flash(&headers),
        rows,
        total: page.total,
        page: page.page,
        pages,
        per_page: page.per_page,
        first: first.min(page.total),
        last: (first + page.rows.len() as u64).saturating_sub(1),
        prev: (page.page > 1).then(|| p.with(&[("page", &(page.page - 1).to_string())])),
        next: (page.page < pages).then(|| p.with(&[("page", &(page.page + 1).to_string())])),
        sorts,
        query: p.with(&[("page", &page.page.to_string())]),
        print: !p.print.is_empty(),
        today: state.today().to_string(),
        p,
    }))
}

/// The batch form: the ticked matters, the action and the office's note; `back` is the list it
/// was sent from (kept so the office returns to the same filters and page).
pub async fn batch(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map_or("", |(_, v)| v.as_str());
    check_csrf(&csrf, get("csrf"))?;
    require(&actor, Action::SuperviseLedger)?;
    let ids: Vec<MatterId> =
        fields.iter().filter(|(k, _)| k == "matter").filter_map(|(_, v)| v.parse().ok()).map(MatterId).collect();
    let note = get("note").trim().to_string();
    let (change, key) = match get("action") {
        "remind" => (Change::Reminded { note: note.clone() }, "reminded"),
        "escalate" => (Change::Escalated { note: note.clone() }, "escalated"),
        "sign_off" => (Change::SignedOff { note: note.clone(), exceptions: vec![] }, "signed_off"),
        other => return Err(AppError::BadRequest(format!("未知操作 / unknown action {other:?}"))),
    };
    if ids.is_empty() {
        return Err(AppError::BadRequest("请先勾选事项 / tick the matters first".into()));
    }
    if note.is_empty() && key != "signed_off" {
        return Err(AppError::BadRequest("请填写催办、督办意见 / write the note to the units".into()));
    }
    let done_list = state.store.record_many(&actor, &ids, state.today(), &change).await?;
    // Back to the list it came from: a path of this site in plain characters, else the ledger.
    let back = get("back");
    let plain = back.chars().all(|c| c.is_ascii_graphic());
    let back = if plain && back.starts_with("/matters") { back } else { "/matters" };
    Ok(done(back, key, Some(done_list.len())))
}

#[cfg(test)]
mod tests {
    use super::LedgerParams;

    #[test]
    fn links_keep_the_filters_and_reset_the_page() {
        let p =
            LedgerParams { q: "幼儿园 6所".into(), unit: "教育".into(), page: "3".into(), ..Default::default() };
        assert_eq!(
            p.with(&[("sort", "deadline")]),
            "/matters?q=%E5%B9%BC%E5%84%BF%E5%9B%AD%206%E6%89%80&unit=%E6%95%99%E8%82%B2&sort=deadline"
        );
        assert!(p.with(&[("page", "4")]).ends_with("&page=4"));
        assert!(LedgerParams { level: "purple".into(), ..Default::default() }.query().is_err());
        assert!(LedgerParams { page: "x".into(), ..Default::default() }.query().is_err());
    }
}
