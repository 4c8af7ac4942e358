//! Lists at a district's scale: the ledger and the request queue filtered, searched, sorted and
//! paged in SQL, with the total always counted (no silent caps). A matter's warning depends on the
//! day, so it is kept beside the matter (`level`, `progress`, `assessed_on`) and made again for the
//! matters a change made stale or a new day outdated, before a list is read
//! (`refresh_assessments`); closed, draft and replied matters never go stale. Batch actions of the
//! office (remind, escalate, sign off many at once) run here too, all in one transaction.

use duban_core::access::Action;
use duban_core::matter::{Change, Matter, MatterId, Status};
use duban_core::warning::{Level, assess_all};
use sqlx::Row;
use time::Date;

use super::{Actor, LEDGER_KINDS, Role, Sql, Store, StoreError, record_tx, sees, status_name, unjson};

/// Whether a search is a ledger number (2019-012, 2019-012-3) rather than words.
fn is_ledger_number(q: &str) -> bool {
    let mut parts = q.split('-');
    let year = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    year.len() == 4
        && year.chars().all(|c| c.is_ascii_digit())
        && !rest.is_empty()
        && rest.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// `LIKE` pattern for "contains", with the wildcards of the text escaped (`ESCAPE '\'`).
fn contains(text: &str) -> String {
    let escaped = text.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Green => "green",
        Level::Yellow => "yellow",
        Level::Red => "red",
    }
}

fn level_from(s: &str) -> Level {
    match s {
        "red" => Level::Red,
        "yellow" => Level::Yellow,
        _ => Level::Green,
    }
}

/// A page of a list: its rows, and how many there are in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: u64,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u32 {
        (self.total.div_ceil(u64::from(self.per_page.max(1))) as u32).max(1)
    }
}

/// The most rows one page may hold (a print view asks for all of them, up to this).
pub const MAX_PER_PAGE: u32 = 5000;

/// One line of a list: the matter, its lead unit's name and its warning as last assessed.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub matter: Matter,
    pub unit: Option<String>,
    pub level: Level,
    pub progress: Option<f64>,
}

/// How the ledger is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LedgerSort {
    /// By ledger number: each matter followed by its sub-matters.
    #[default]
    Number,
    Deadline,
    Level,
    Progress,
    Unit,
}

impl LedgerSort {
    pub fn parse(key: &str) -> Option<LedgerSort> {
        Some(match key {
            "number" | "" => LedgerSort::Number,
            "deadline" => LedgerSort::Deadline,
            "level" => LedgerSort::Level,
            "progress" => LedgerSort::Progress,
            "unit" => LedgerSort::Unit,
            _ => return None,
        })
    }

    fn sql(self) -> &'static str {
        match self {
            LedgerSort::Number => "COALESCE(m.parent_id, m.id) {dir}, m.id {dir}",
            LedgerSort::Deadline => "COALESCE(m.deadline, '9999-12-31') {dir}, m.id",
            LedgerSort::Level => {
                "CASE WHEN m.status IN ('done', 'cancelled', 'draft') THEN 3 WHEN m.level = 'red' THEN 0 WHEN m.level = 'yellow' THEN 1 ELSE 2 END {dir}, m.id"
            }
            LedgerSort::Progress => "COALESCE(m.progress, -1) {dir}, m.id",
            LedgerSort::Unit => "COALESCE(u.name, '') {dir}, m.id",
        }
    }
}

/// What the ledger is narrowed to. Empty strings and `None` mean "any".
#[derive(Debug, Clone, Default)]
pub struct LedgerQuery {
    /// Words in the title, the source clause or the timeline's notes, or a ledger number.
    pub q: String,
    /// Part of the lead unit's name.
    pub unit: String,
    /// Live (assigned, not closed) matters of this colour.
    pub level: Option<Level>,
    pub status: Option<Status>,
    pub section: String,
    pub campaign: Option<i64>,
    pub sort: LedgerSort,
    pub descending: bool,
    pub page: u32,
    pub per_page: u32,
}

/// How the queue is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueSort {
    #[default]
    Received,
    Deadline,
    Level,
}

impl QueueSort {
    pub fn parse(key: &str) -> Option<QueueSort> {
        Some(match key {
            "received" | "" => QueueSort::Received,
            "deadline" => QueueSort::Deadline,
            "level" => QueueSort::Level,
            _ => return None,
        })
    }

    fn sql(self) -> &'static str {
        match self {
            QueueSort::Received => "m.opened_on {dir}, m.id {dir}",
            QueueSort::Deadline => "COALESCE(m.due_at, m.deadline || ' 23:59', '9999') {dir}, m.id",
            QueueSort::Level => {
                "CASE WHEN m.status IN ('done', 'cancelled', 'draft', 'replied') THEN 3 WHEN m.level = 'red' THEN 0 WHEN m.level = 'yellow' THEN 1 ELSE 2 END {dir}, m.id"
            }
        }
    }
}

/// Which requests of the queue: by status, all live ones, the overdue ones, or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueView {
    /// Not closed (the work to do), whenever received.
    #[default]
    Live,
    Status(Status),
    /// Live and past its moment (hour limits) or its day.
    Overdue,
    All,
}

/// What the queue is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct QueueQuery {
    pub view: QueueView,
    /// A request number, a caller's phone (where the role may see it), or words of the request.
    pub q: String,
    pub unit: String,
    pub category: String,
    pub place: String,
    /// Received from … to (inclusive).
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub sort: QueueSort,
    pub descending: bool,
    pub page: u32,
    pub per_page: u32,
}

/// One line of the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    pub listed: Listed,
    pub number: String,
    pub category: String,
    pub category_name: String,
    pub place: Option<String>,
}

impl Store {
    /// Makes again the stored warnings a change made stale or a new day outdated: every matter
    /// whose `assessed_on` is before `today`, assessed with its sub-matters. Concurrent callers
    /// write the same values; a matter changed meanwhile is left stale (the version is checked).
    /// Returns how many were assessed.
    pub async fn refresh_assessments(&self, today: Date) -> Result<usize, StoreError> {
        let mut done = 0;
        loop {
            let rows = sqlx::query(
                "SELECT version, state FROM matters WHERE assessed_on < $1 AND assessed_on <> '9999-12-31' ORDER BY assessed_on, id LIMIT 2000",
            )
            .bind(today.to_string())
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                return Ok(done);
            }
            let mut batch: Vec<(i64, Matter)> = Vec::with_capacity(rows.len());
            for r in &rows {
                batch.push((r.try_get(0)?, unjson(&r.try_get::<String, _>(1)?)?));
            }
            // Sub-matters of the batch's split matters roll up into them.
            let mut family: Vec<Matter> = batch.iter().map(|(_, m)| m.clone()).collect();
            let parents: Vec<i64> = batch.iter().filter(|(_, m)| !m.children.is_empty()).map(|(_, m)| m.id.0).collect();
            for chunk in parents.chunks(500) {
                let marks = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
                let sql = format!("SELECT state FROM matters WHERE parent_id IN ({marks})");
                let mut q = sqlx::query(&sql);
                for id in chunk {
                    q = q.bind(*id);
                }
                for r in q.fetch_all(&self.pool).await? {
                    let kid: Matter = unjson(&r.try_get::<String, _>(0)?)?;
                    if !family.iter().any(|m| m.id == kid.id) {
                        family.push(kid);
                    }
                }
            }
            let assessments = assess_all(&family, today, &self.rules);
            let (_turn, mut tx) = self.write_tx().await?;
            for ((version, m), a) in batch.iter().zip(&assessments) {
                // Closed, draft and replied matters keep their colour until something happens.
                let settled = m.status.is_closed() || matches!(m.status, Status::Draft | Status::Replied);
                let on = if settled { "9999-12-31".to_string() } else { today.to_string() };
                sqlx::query(
                    "UPDATE matters SET level = $1, progress = CAST($2 AS DOUBLE PRECISION), assessed_on = $3 WHERE id = $4 AND version = $5",
                )
                .bind(level_name(a.level))
                .bind(super::real(a.actual))
                .bind(on)
                .bind(m.id.0)
                .bind(*version)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            done += batch.len();
        }
    }

    /// The dashboard's figures from the stored warnings (`refresh_assessments` first), counted in
    /// SQL over the ledger the actor may see: live matters by colour, drafts, done, each report
    /// section by colour (in ledger order), each lead unit's tally for the ranking, and the first
    /// `targets` live matters with a quantified standard (with how many there are). The same
    /// figures as `duban_core::metrics::dashboard` folds from the matters (a test holds them equal).
    pub async fn dashboard(&self, actor: &Actor, today: Date, targets: i64) -> Result<Dashboard, StoreError> {
        let (access, unit) = sees(actor, Action::ReadLedger)?;
        let base = format!("FROM matters m WHERE {access} AND {LEDGER_KINDS}");
        let live = "m.status NOT IN ('done', 'cancelled', 'draft')";
        let mut d = Dashboard::default();
        // One pass over the ledger's index, grouped by what the figures tell apart; summed here.
        let section = "COALESCE(NULLIF(TRIM(m.section), ''), '（未分节）')";
        let rows = sqlx::query(&format!(
            "SELECT {section}, MIN(COALESCE(m.parent_id, m.id)), m.lead_unit_id, m.status, m.level, \
             CASE WHEN m.deadline < $2 THEN 1 ELSE 0 END, CASE WHEN m.done_on <= m.deadline THEN 1 ELSE 0 END, COUNT(*) \
             {base} AND m.status <> 'cancelled' GROUP BY {section}, m.lead_unit_id, m.status, m.level, \
             CASE WHEN m.deadline < $2 THEN 1 ELSE 0 END, CASE WHEN m.done_on <= m.deadline THEN 1 ELSE 0 END"
        ))
        .bind(unit)
        .bind(today.to_string())
        .fetch_all(&self.pool)
        .await?;
        let names: std::collections::HashMap<i64, String> =
            self.units().await?.into_iter().map(|(id, name, _)| (id.0, name)).collect();
        let mut sections: Vec<(i64, duban_core::metrics::SectionCounts)> = Vec::new();
        let mut tallies: std::collections::BTreeMap<String, duban_core::metrics::UnitTally> = Default::default();
        for r in &rows {
            let (name, first): (String, i64) = (r.try_get(0)?, r.try_get(1)?);
            let (lead, status, level): (Option<i64>, String, String) = (r.try_get(2)?, r.try_get(3)?, r.try_get(4)?);
            let (past, on_time, n): (i64, i64, i64) = (r.try_get(5)?, r.try_get(6)?, r.try_get(7)?);
            let n = n as u64;
            if status == "draft" {
                d.drafts += n;
                continue;
            }
            let at = match sections.iter().position(|(_, s)| s.section == name) {
                Some(at) => at,
                None => {
                    sections.push((first, duban_core::metrics::SectionCounts { section: name, ..Default::default() }));
                    sections.len() - 1
                }
            };
            let (first_seen, counts) = &mut sections[at];
            *first_seen = (*first_seen).min(first);
            let level = level_from(&level);
            let tally = lead.and_then(|u| names.get(&u)).map(|unit| {
                tallies
                    .entry(unit.clone())
                    .or_insert_with(|| duban_core::metrics::UnitTally { unit: unit.clone(), ..Default::default() })
            });
            if status == "done" {
                d.done += n;
                counts.done += n;
                if let Some(t) = tally {
                    t.matters += n;
                    t.done += n;
                    t.due += n;
                    t.done_on_time += if on_time == 1 { n } else { 0 };
                }
                continue;
            }
            *d.by_level.entry(level).or_insert(0) += n;
            match level {
                Level::Red => counts.red += n,
                Level::Yellow => counts.yellow += n,
                Level::Green => counts.green += n,
            }
            if let Some(t) = tally {
                t.matters += n;
                if past == 1 {
                    t.due += n;
                    t.overdue += n;
                }
                match level {
                    Level::Red => t.red += n,
                    Level::Yellow => t.yellow += n,
                    Level::Green => {}
                }
            }
        }
        sections.sort_by_key(|(first, _)| *first);
        d.sections = sections.into_iter().map(|(_, s)| s).collect();
        d.tallies = tallies.into_values().collect();
        let quantified = format!("{base} AND {live} AND m.parent_id IS NULL AND m.standard IS NOT NULL");
        d.targets_total = sqlx::query(&format!("SELECT COUNT(*) {quantified}"))
            .bind(unit)
            .fetch_one(&self.pool)
            .await?
            .try_get::<i64, _>(0)? as u64;
        let rows = sqlx::query(&format!(
            "SELECT m.state, NULL, m.level, m.progress {quantified} ORDER BY COALESCE(m.parent_id, m.id), m.id LIMIT $2"
        ))
        .bind(unit)
        .bind(targets)
        .fetch_all(&self.pool)
        .await?;
        d.targets = rows.iter().map(|r| listed_at(r, 0)).collect::<Result<_, _>>()?;
        Ok(d)
    }

    /// Makes every live matter's stored warning stale (the rules it was made by may have changed
    /// since: `serve` calls it at start); settled ones stay as they are.
    pub async fn forget_assessments(&self) -> Result<(), StoreError> {
        sqlx::query("UPDATE matters SET assessed_on = '' WHERE assessed_on <> '9999-12-31' AND assessed_on <> ''")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Refreshes the statistics the query planner chooses indexes by: after bulk loads, and once a
    /// day in the background (on SQLite a full pass: sampled statistics mislead it about how few
    /// of millions of matters a filter keeps).
    pub async fn analyze(&self) -> Result<(), StoreError> {
        use sqlx::Executor;
        let sql = match self.backend {
            super::Backend::Sqlite => "PRAGMA analysis_limit = 0; ANALYZE;",
            super::Backend::Postgres => "ANALYZE",
        };
        self.pool.execute(sql).await?;
        Ok(())
    }

    /// A page of the ledger (targets, tasks, projects) as the actor may see it, with the total.
    pub async fn ledger(&self, actor: &Actor, q: &LedgerQuery) -> Result<Page<Listed>, StoreError> {
        let (access, unit) = sees(actor, Action::ReadLedger)?;
        let mut sql = Sql::new(unit);
        let mut filter = format!("{access} AND {LEDGER_KINDS}");
        let words = q.q.trim();
        if is_ledger_number(words) {
            let number = sql.text(words);
            filter.push_str(&format!(" AND m.number = {number} AND m.kind <> 'request'"));
        } else if !words.is_empty() {
            let like = sql.text(contains(words));
            filter.push_str(&format!(
                " AND (m.title LIKE {like} ESCAPE '\\' OR m.source LIKE {like} ESCAPE '\\' OR m.notes LIKE {like} ESCAPE '\\')"
            ));
        }
        let by_unit = !q.unit.trim().is_empty();
        if by_unit {
            let like = sql.text(contains(&q.unit));
            filter.push_str(&format!(" AND u.name LIKE {like} ESCAPE '\\'"));
        }
        if let Some(level) = q.level {
            let l = sql.text(level_name(level));
            filter.push_str(&format!(" AND m.level = {l} AND m.status NOT IN ('done', 'cancelled', 'draft')"));
        }
        if let Some(status) = q.status {
            let s = sql.text(status_name(status));
            filter.push_str(&format!(" AND m.status = {s}"));
        }
        if !q.section.trim().is_empty() {
            let s = sql.text(q.section.trim());
            // The dashboard counts matters without a section under （未分节）.
            filter.push_str(&format!(" AND COALESCE(NULLIF(TRIM(m.section), ''), '（未分节）') = {s}"));
        }
        if let Some(c) = q.campaign {
            let c = sql.int(c);
            filter.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM campaign_matters cm WHERE cm.matter_id = m.id AND cm.campaign_id = {c})"
            ));
        }
        let joins = if by_unit || q.sort == LedgerSort::Unit { UNIT } else { "" };
        let order = q.sort.sql().replace("{dir}", if q.descending { "DESC" } else { "ASC" });
        let (ids, total, page, per_page) =
            self.page_of(&mut sql, joins, &filter, &order, (q.page, q.per_page), Counted::ByCount).await?;
        let rows = self.rows_of(&ids, UNIT, "m.state, u.name, m.level, m.progress").await?;
        let rows = rows.iter().map(listed).collect::<Result<_, _>>()?;
        Ok(Page { rows, total, page, per_page })
    }

    /// The total of `filter` over `matters m` with `joins`, and the ids of one page of it in `order`
    /// (the sort carries ids only; the rows are read afterwards for the page alone). How the total
    /// is had is `counted`'s to say. Returns (ids, total, page, per page).
    async fn page_of(
        &self,
        sql: &mut Sql,
        joins: &str,
        filter: &str,
        order: &str,
        (page, per_page): (u32, u32),
        counted: Counted,
    ) -> Result<(Vec<i64>, u64, u32, u32), StoreError> {
        let select = format!("SELECT m.id FROM matters m {joins} WHERE {filter} ORDER BY {order}");
        let ids_of =
            |rows: Vec<sqlx::any::AnyRow>| rows.iter().map(|r| r.try_get::<i64, _>(0)).collect::<Result<Vec<i64>, _>>();
        let total = match counted {
            // One pass over what the filter reads: all the ids, in order; the page is cut here.
            Counted::InOnePass => {
                let all = ids_of(sql.query(&select).fetch_all(&self.pool).await?)?;
                let (per_page, page) = paging(page, per_page, all.len() as i64);
                let start = ((page - 1) as usize * per_page as usize).min(all.len());
                let ids = all[start..(start + per_page as usize).min(all.len())].to_vec();
                return Ok((ids, all.len() as u64, page, per_page));
            }
            Counted::Known(n) => n as i64,
            Counted::ByCount => sql
                .query(&format!("SELECT COUNT(*) FROM matters m {joins} WHERE {filter}"))
                .fetch_one(&self.pool)
                .await?
                .try_get(0)?,
        };
        let (per_page, page) = paging(page, per_page, total);
        let limit = sql.int(i64::from(per_page));
        let offset = sql.int(i64::from(page - 1) * i64::from(per_page));
        let ids = ids_of(sql.query(&format!("{select} LIMIT {limit} OFFSET {offset}")).fetch_all(&self.pool).await?)?;
        Ok((ids, total as u64, page, per_page))
    }

    /// The rows of these matters (`columns` over `matters m` with `joins`), in the order given.
    async fn rows_of(&self, ids: &[i64], joins: &str, columns: &str) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = (1..=ids.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let text = format!("SELECT m.id, {columns} FROM matters m {joins} WHERE m.id IN ({marks})");
        let mut query = sqlx::query(&text);
        for id in ids {
            query = query.bind(*id);
        }
        let mut rows = query.fetch_all(&self.pool).await?;
        let at = |r: &sqlx::any::AnyRow| r.try_get::<i64, _>(0).ok().and_then(|id| ids.iter().position(|x| *x == id));
        rows.sort_by_key(|r| at(r).unwrap_or(usize::MAX));
        Ok(rows)
    }

    /// A page of the request queue as the actor may see it, with the total. The caller's phone is
    /// searched only for the office and the handling units (who may see it); `now` decides what is
    /// overdue by the hour.
    pub async fn queue(
        &self,
        actor: &Actor,
        q: &QueueQuery,
        now: time::PrimitiveDateTime,
    ) -> Result<Page<QueueRow>, StoreError> {
        let (access, unit) = self.handled_by(actor).await?;
        let mut sql = Sql::new(unit);
        let mut filter = format!("{access} AND m.kind = 'request'");
        match q.view {
            QueueView::Live => filter.push_str(&format!(" AND m.status IN {LIVE}")),
            QueueView::Status(s) => {
                // A live status says so in the live queue's own words too, so that the live queue's
                // index (whose WHERE is those words) can answer it.
                let name = status_name(s);
                if LIVE.contains(&format!("'{name}'")) {
                    filter.push_str(&format!(" AND m.status IN {LIVE}"));
                }
                let s = sql.text(name);
                filter.push_str(&format!(" AND m.status = {s}"));
            }
            QueueView::Overdue => {
                let moment = sql.text(super::moment_key(now));
                let day = sql.text(now.date().to_string());
                filter.push_str(&format!(
                    " AND m.status IN {LIVE} AND m.status IN ('dispatched', 'open', 'submitted') AND (m.due_at < {moment} OR (m.due_at IS NULL AND m.deadline < {day}))"
                ));
            }
            QueueView::All => {}
        }
        if let Some(from) = q.from {
            let f = sql.text(from.to_string());
            filter.push_str(&format!(" AND m.opened_on >= {f}"));
        }
        if let Some(to) = q.to {
            let t = sql.text(to.to_string());
            filter.push_str(&format!(" AND m.opened_on <= {t}"));
        }
        let mut joins = String::new();
        let words = q.q.trim();
        let category = q.category.trim();
        let digits = !words.is_empty() && words.chars().all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
        // A leader does not read a confidential request's words.
        let hidden = !words.is_empty() && !digits && actor.role == Role::Leader;
        if digits || hidden || !category.is_empty() || !q.place.trim().is_empty() {
            joins.push_str(" JOIN requests r ON r.matter_id = m.id");
        }
        if digits {
            let may_see_phone = matches!(actor.role, Role::Unit(_)) || actor.role.may(Action::RunCasework);
            let n = sql.text(words.replace([' ', '-'], ""));
            filter.push_str(&format!(" AND (r.number = {n}"));
            if may_see_phone {
                filter.push_str(&format!(" OR r.phone = {n}"));
            }
            filter.push(')');
        } else if !words.is_empty() {
            // The request's words and address head its notes (then its replies and reports); the
            // live queue's are in an index of their own.
            let like = sql.text(contains(words));
            filter.push_str(&format!(" AND m.notes LIKE {like} ESCAPE '\\'"));
            if hidden {
                filter.push_str(" AND r.confidential = 0");
            }
        }
        if !q.unit.trim().is_empty() {
            let like = sql.text(contains(&q.unit));
            joins.push_str(UNIT);
            filter.push_str(&format!(" AND u.name LIKE {like} ESCAPE '\\'"));
        }
        if !category.is_empty() {
            let c = sql.text(category);
            joins.push_str(" LEFT JOIN categories c ON c.code = r.category");
            filter.push_str(&format!(" AND (r.category = {c} OR c.parent = {c})"));
        }
        if !q.place.trim().is_empty() {
            let p = sql.text(q.place.trim());
            filter.push_str(&format!(" AND r.place = {p}"));
        }
        // By the day received, the queue of one status walks its index in order; the live and
        // overdue views (a few among millions) sort what they hold rather than walk the whole day
        // index for it.
        let mut order = q.sort.sql().replace("{dir}", if q.descending { "DESC" } else { "ASC" });
        if q.sort == QueueSort::Received && matches!(q.view, QueueView::Live | QueueView::Overdue) {
            order = order.replacen("m.opened_on", "(m.opened_on || '')", 1);
        }
        let counted = if !words.is_empty() {
            Counted::InOnePass
        } else if let Some(n) = self.closed_by_rollups(actor, q).await? {
            Counted::Known(n)
        } else {
            Counted::ByCount
        };
        let (ids, total, page, per_page) =
            self.page_of(&mut sql, &joins, &filter, &order, (q.page, q.per_page), counted).await?;
        let rows = self
            .rows_of(
                &ids,
                &format!("JOIN requests r ON r.matter_id = m.id {UNIT} LEFT JOIN categories c ON c.code = r.category"),
                "m.state, u.name, m.level, m.progress, r.number, r.category, COALESCE(c.name, r.category), r.place",
            )
            .await?;
        let rows = rows
            .iter()
            .map(|r| {
                Ok(QueueRow {
                    listed: listed_at(r, 1)?,
                    number: r.try_get(5)?,
                    category: r.try_get(6)?,
                    category_name: r.try_get(7)?,
                    place: r.try_get(8)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Page { rows, total, page, per_page })
    }

    /// The total of a period's closed (or all) requests without other filters, for the office or a
    /// leader, from the roll-ups (which count each request's closing in the transaction that closes
    /// it) and the few not closed: a month of a big city's requests is counted from a few hundred
    /// rows, not a million. None where the roll-ups do not answer the question.
    async fn closed_by_rollups(&self, actor: &Actor, q: &QueueQuery) -> Result<Option<u64>, StoreError> {
        let plain = q.q.trim().is_empty()
            && q.unit.trim().is_empty()
            && q.category.trim().is_empty()
            && q.place.trim().is_empty();
        let (Some(from), Some(to)) = (q.from, q.to) else { return Ok(None) };
        if !plain || matches!(actor.role, Role::Unit(_)) {
            return Ok(None);
        }
        let rolled =
            |rows: Vec<(String, duban_core::casework::CaseCounts)>| rows.iter().map(|(_, c)| c.closed).sum::<u64>();
        match q.view {
            QueueView::Status(Status::Done) => Ok(Some(rolled(self.rollup_counts(actor, from, to, "unit").await?))),
            QueueView::All => {
                let closed = rolled(self.rollup_counts(actor, from, to, "unit").await?);
                let others: i64 = sqlx::query(
                    "SELECT COUNT(*) FROM matters m WHERE m.kind = 'request' AND m.status IN ('draft', 'dispatched', 'open', 'replied', 'submitted', 'cancelled') \
                     AND m.opened_on >= $1 AND m.opened_on <= $2",
                )
                .bind(from.to_string())
                .bind(to.to_string())
                .fetch_one(&self.pool)
                .await?
                .try_get(0)?;
                Ok(Some(closed + others as u64))
            }
            _ => Ok(None),
        }
    }

    /// Which requests `m` a role handles, as SQL with the unit bound to `$1`: all for the office and
    /// leaders; for a unit, those it leads and those it co-handles. (Requests are not split, so the
    /// sub-matter rule of `sees` does not arise; a unit co-handling none is asked by its lead column
    /// alone, which its index answers.)
    async fn handled_by(&self, actor: &Actor) -> Result<(&'static str, i64), StoreError> {
        let Role::Unit(u) = actor.role else { return sees(actor, Action::ReadRequests) };
        actor.require(Action::ReadRequests)?;
        let co = sqlx::query(
            "SELECT 1 FROM matter_units mu JOIN matters x ON x.id = mu.matter_id WHERE mu.unit_id = $1 AND x.kind = 'request' LIMIT 1",
        )
        .bind(u.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match co {
            None => ("m.lead_unit_id = $1", u.0),
            Some(_) => (
                "(m.lead_unit_id = $1 OR EXISTS (SELECT 1 FROM matter_units mu WHERE mu.matter_id = m.id AND mu.unit_id = $1))",
                u.0,
            ),
        })
    }

    /// Counts of the queue's views for the tabs: each live status and the overdue (whenever
    /// received), and those closed between `from` and `to`.
    pub async fn queue_counts(
        &self,
        actor: &Actor,
        now: time::PrimitiveDateTime,
        (from, to): (Date, Date),
    ) -> Result<Vec<(&'static str, u64)>, StoreError> {
        let (access, unit) = self.handled_by(actor).await?;
        let mut sql = Sql::new(unit);
        let moment = sql.text(super::moment_key(now));
        let day = sql.text(now.date().to_string());
        let rows = sql
            .query(&format!(
                "SELECT m.status, COUNT(*), SUM(CASE WHEN m.status IN ('dispatched', 'open', 'submitted') AND (m.due_at < {moment} OR (m.due_at IS NULL AND m.deadline < {day})) THEN 1 ELSE 0 END) \
                 FROM matters m WHERE {access} AND m.kind = 'request' AND m.status IN ('draft', 'dispatched', 'open', 'replied', 'submitted') GROUP BY m.status"
            ))
            .fetch_all(&self.pool)
            .await?;
        let mut out: Vec<(&'static str, u64)> =
            ["draft", "dispatched", "open", "replied", "overdue", "done"].iter().map(|k| (*k, 0)).collect();
        for r in &rows {
            let status: String = r.try_get(0)?;
            let n: i64 = r.try_get(1)?;
            let late: i64 = r.try_get::<Option<i64>, _>(2)?.unwrap_or(0);
            let status = if status == "submitted" { "open".to_string() } else { status };
            if let Some(slot) = out.iter_mut().find(|(k, _)| *k == status) {
                slot.1 += n as u64;
            }
            out[4].1 += late as u64;
        }
        if !matches!(actor.role, Role::Unit(_)) {
            let rolled = self.rollup_counts(actor, from, to, "unit").await?;
            out[5].1 = rolled.iter().map(|(_, c)| c.closed).sum();
            return Ok(out);
        }
        let mut sql = Sql::new(unit);
        let (f, t) = (sql.text(from.to_string()), sql.text(to.to_string()));
        let done: i64 = sql
            .query(&format!(
                "SELECT COUNT(*) FROM matters m WHERE {access} AND m.kind = 'request' AND m.status = 'done' AND m.opened_on >= {f} AND m.opened_on <= {t}"
            ))
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        out[5].1 = done as u64;
        Ok(out)
    }

    /// The matter a person cites: by its number (a ledger or request number), or "#id". Another
    /// unit's matter is Forbidden, as everywhere.
    pub async fn matter_by_number(&self, actor: &Actor, cited: &str) -> Result<MatterId, StoreError> {
        let cited = cited.trim();
        let id = match cited.strip_prefix('#').and_then(|n| n.parse::<i64>().ok()) {
            Some(id) => Some(id),
            None => {
                // A ledger, proposal or complaint number, else a request's.
                let row = sqlx::query(
                    "SELECT id FROM matters WHERE number = $1 AND kind <> 'request' \
                     UNION ALL SELECT matter_id FROM requests WHERE number = $1 LIMIT 1",
                )
                .bind(cited.to_string())
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| r.try_get::<i64, _>(0)).transpose()?
            }
        };
        let id = MatterId(id.ok_or(StoreError::NotFound)?);
        super::load_visible(&mut *self.pool.acquire().await?, actor, id).await?;
        Ok(id)
    }

    /// One change on many matters, in one transaction: all of them, or none (the error names the
    /// matter). Each is taken as it is now (no version to compare: a reminder or a sign-off by
    /// the office conflicts with nothing a unit does). A sign-off is reviewed for each.
    pub async fn record_many(
        &self,
        actor: &Actor,
        ids: &[MatterId],
        on: Date,
        change: &Change,
    ) -> Result<Vec<Matter>, StoreError> {
        if ids.is_empty() {
            return Err(StoreError::Invalid("请先勾选事项 / tick the matters first".into()));
        }
        let mut unique: Vec<MatterId> = Vec::with_capacity(ids.len());
        for id in ids {
            if !unique.contains(id) {
                unique.push(*id);
            }
        }
        let (_turn, mut tx) = self.write_tx().await?;
        let mut out = Vec::with_capacity(unique.len());
        for id in &unique {
            let change = self.reviewed(&mut tx, actor, *id, on, change.clone()).await?;
            let m = record_tx(&mut tx, actor, *id, None, on, change).await.map_err(|e| match e {
                StoreError::Invalid(m) => StoreError::Invalid(format!("事项{} / matter {}：{m}", id.0, id.0)),
                e => e,
            })?;
            out.push(m);
        }
        tx.commit().await?;
        Ok(out)
    }

    /// A sign-off with the exceptions that make it need a reason, worked out here from the
    /// matter as it stands on `on` (with its sub-matters): never taken from the client.
    pub(super) async fn reviewed(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        actor: &Actor,
        id: MatterId,
        on: Date,
        change: Change,
    ) -> Result<Change, StoreError> {
        let Change::SignedOff { note, .. } = change else { return Ok(change) };
        let (m, _, _) = super::load_visible(tx, actor, id).await?;
        let mut family = vec![m.clone()];
        if !m.children.is_empty() {
            for r in
                sqlx::query("SELECT state FROM matters WHERE parent_id = $1").bind(id.0).fetch_all(&mut **tx).await?
            {
                family.push(unjson(&r.try_get::<String, _>(0)?)?);
            }
        }
        let a = assess_all(&family, on, &self.rules).swap_remove(0);
        Ok(Change::SignedOff { note, exceptions: duban_core::warning::sign_off_exceptions(&m, &a) })
    }
}

/// The page size (1 … MAX_PER_PAGE, 50 by default) and the page (1-based, at most the last).
fn paging(page: u32, per_page: u32, total: i64) -> (u32, u32) {
    let per_page = if per_page == 0 { 50 } else { per_page.min(MAX_PER_PAGE) };
    let last = (total.max(1) as u64).div_ceil(u64::from(per_page)) as u32;
    (per_page, page.clamp(1, last.max(1)))
}

fn listed(r: &sqlx::any::AnyRow) -> Result<Listed, StoreError> {
    listed_at(r, 1)
}

/// A listed matter from four columns starting at `at`: state, unit name, level, progress.
fn listed_at(r: &sqlx::any::AnyRow, at: usize) -> Result<Listed, StoreError> {
    Ok(Listed {
        matter: unjson(&r.try_get::<String, _>(at)?)?,
        unit: r.try_get(at + 1)?,
        level: level_from(&r.try_get::<String, _>(at + 2)?),
        progress: r.try_get(at + 3)?,
    })
}

/// The dashboard's figures, counted in the store (`Store::dashboard`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dashboard {
    /// Live matters (assigned, not closed) by colour.
    pub by_level: std::collections::BTreeMap<Level, u64>,
    pub drafts: u64,
    pub done: u64,
    pub sections: Vec<duban_core::metrics::SectionCounts>,
    /// Each lead unit's counts, by name: `duban_core::metrics::rank` scores them.
    pub tallies: Vec<duban_core::metrics::UnitTally>,
    pub targets_total: u64,
    pub targets: Vec<Listed>,
}

/// How a page's total is had.
enum Counted {
    /// A `COUNT(*)` over the filter.
    ByCount,
    /// Known already (from the roll-ups).
    Known(u64),
    /// The ids read in one pass and counted (a search of the queue's words, which reads every row
    /// it filters anyway, and finds few).
    InOnePass,
}

/// The lead unit's name, for lists that filter or sort by it.
const UNIT: &str = " LEFT JOIN units u ON u.id = m.lead_unit_id";

/// The statuses of a live request (the work to do).
const LIVE: &str = "('draft', 'dispatched', 'open', 'replied', 'submitted')";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_in_search_words_are_literal() {
        assert_eq!(contains(" 100%_达标 "), "%100\\%\\_达标%");
        assert_eq!(contains("a\\b"), "%a\\\\b%");
    }

    #[test]
    fn ledger_numbers_are_told_from_words() {
        assert!(is_ledger_number("2019-012") && is_ledger_number("2019-012-3"));
        assert!(
            !is_ledger_number("2019")
                && !is_ledger_number("2019年")
                && !is_ledger_number("2019-")
                && !is_ledger_number("幼儿园")
        );
    }

    #[test]
    fn pages_stay_in_range() {
        assert_eq!(paging(0, 0, 0), (50, 1));
        assert_eq!(paging(7, 50, 120), (50, 3));
        assert_eq!(paging(2, 100_000, 10), (MAX_PER_PAGE, 1));
    }
}
