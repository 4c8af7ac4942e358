//! The store: the ledger on SQLite (the embedded default) or PostgreSQL (for scale), behind one set
//! of domain verbs (`adopt_report`, `record`, `matters_for`, `timeline`). Access control lives in
//! these verbs and their queries, not in the pages: a unit account can neither read nor change a
//! matter that is not its own.
//!
//! One SQL text serves both backends through sqlx's `Any` driver (placeholders `$1`, dates as ISO
//! text); only the DDL differs (migrations/sqlite, migrations/postgres). The backend is chosen once,
//! from the URL scheme. A matter's state is the fold of its events (duban-core); the store keeps the
//! fold beside the timeline for queries and checks `version` on every write, so two concurrent edits
//! give one success and one `Conflict`.

use std::fmt;
use std::str::FromStr;

use duban_core::access::{self, Action};
use duban_core::matter::{Change, Event, Matter, MatterId, MatterKind};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Row};
use time::Date;

mod accounts;
pub mod backup;
mod bulletins;
mod casework;
mod filings;
mod lists;
mod rollups;
mod supervision;
mod synthetic;

pub use accounts::{Account, AuditEntry};
pub use bulletins::{IssuedBulletin, NewBulletin};
pub use casework::{Category, Channel, NewRequest, PastRequest, PublicFilter, PublicRequest, Received, RequestDetail};
pub use filings::{ComplaintsLedger, NewComplaint, NewProposal, PublicComplaint, PublicProposal};
pub use lists::{
    Dashboard, LedgerQuery, LedgerSort, Listed, MAX_PER_PAGE, Page, QueueQuery, QueueRow, QueueSort, QueueView,
};
pub use supervision::Family;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names, or why it names none.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        let scheme = url.split(':').next().unwrap_or("");
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(StoreError::Invalid(format!(
                "不支持的数据库地址 {scheme:?}，应以 sqlite: 或 postgres: 开头 / unsupported database URL scheme {scheme:?}: use sqlite: or postgres:"
            ))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserId(pub i64);

/// An account's role, with the unit of a unit's account. What each may do is duban-core's one
/// table (`duban_core::access`); the store checks it in every query that reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The supervision office (督查室): runs the ledger.
    Office,
    /// The 12345 hotline centre: runs the public's requests, nothing of the ledger.
    Hotline,
    /// The administrator: accounts, units, webhooks, keys; supervises nothing.
    Admin,
    /// A responsible unit: sees and reports on its own matters.
    Unit(UnitId),
    /// A leader: reads, changes nothing.
    Leader,
}

impl Role {
    /// The role as the table knows it (without the unit).
    pub fn kind(self) -> access::Role {
        match self {
            Role::Office => access::Role::Office,
            Role::Hotline => access::Role::Hotline,
            Role::Admin => access::Role::Admin,
            Role::Unit(_) => access::Role::Unit,
            Role::Leader => access::Role::Leader,
        }
    }

    /// Whether the table lets this role do `action`.
    pub fn may(self, action: Action) -> bool {
        access::allows(self.kind(), action)
    }
}

/// Who is acting, as the web layer authenticated them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    pub name: String,
    pub role: Role,
}

impl Actor {
    /// Forbidden unless the table lets the actor's role do `action`.
    pub fn require(&self, action: Action) -> Result<(), StoreError> {
        if self.role.may(action) { Ok(()) } else { Err(StoreError::Forbidden) }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum StoreError {
    NotFound,
    Forbidden,
    /// Someone else changed the matter first; this is its version now.
    Conflict {
        current_version: i64,
    },
    /// The request cannot be carried out as asked (lifecycle, bad input); the message says why.
    Invalid(String),
    Other(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotFound => write!(f, "未找到 / not found"),
            StoreError::Forbidden => write!(f, "无权访问 / forbidden"),
            StoreError::Conflict { current_version } => {
                write!(
                    f,
                    "事项已被他人修改（当前版本 {current_version}）/ changed by someone else (now version {current_version})"
                )
            }
            StoreError::Invalid(m) => write!(f, "{m}"),
            StoreError::Other(m) => write!(f, "数据库错误 / database error: {m}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            other => StoreError::Other(other.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Other(e.to_string())
    }
}

/// A matter to create when a report is adopted.
#[derive(Debug, Clone)]
pub struct NewMatter {
    pub kind: MatterKind,
    pub title: String,
    /// The clause it comes from and its character offsets in the report.
    pub source: String,
    pub span: Option<(i64, i64)>,
    pub lead_unit: Option<UnitId>,
    pub co_units: Vec<UnitId>,
    pub deadline: Option<Date>,
    pub standard: Option<duban_core::Standard>,
    /// The report section it comes from ("二、2019年工作安排 / （一）…").
    pub section: Option<String>,
}

/// Where a new matter comes from: the report it is adopted with, the matter it is a share of
/// (and its weight), and the number it is cited by.
#[derive(Debug, Clone, Default)]
struct Origin {
    report: Option<i64>,
    parent: Option<(MatterId, f64)>,
    number: Option<String>,
}

/// One share of a split (1 → N): the sub-matter's unit, its share of the standard, its deadline
/// (the parent's when none).
#[derive(Debug, Clone)]
pub struct NewShare {
    pub unit: UnitId,
    pub weight: f64,
    pub deadline: Option<Date>,
}

/// A special campaign (专项督查) with the matters in it that the reader may see.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub deadline: Date,
    pub matters: Vec<MatterId>,
}

/// A reminder waiting to be sent to a unit's group robot.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: i64,
    pub url: String,
    pub payload: String,
    pub attempts: i64,
}

/// The largest evidence file a unit may attach.
pub const MAX_ATTACHMENT_BYTES: usize = 10 << 20;

/// A report to adopt, with the matters decomposed from it.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub title: String,
    pub jurisdiction: Option<String>,
    pub plan_year: Option<i32>,
    pub body: String,
    pub matters: Vec<NewMatter>,
    /// The report adopted earlier that this one is a new version of (its matched rows are left
    /// to the matters already made from it).
    pub supersedes: Option<i64>,
}

/// A report adopted earlier that a new one looks like (`Store::adopted_like`).
#[derive(Debug, Clone, PartialEq)]
pub struct AdoptedReport {
    pub id: i64,
    pub title: String,
    pub version: i64,
    pub adopted_at: String,
    pub matters: i64,
    pub same_text: bool,
}

/// A started session: the bearer or cookie token, the CSRF token of its forms, and its expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token: String,
    pub csrf: String,
    pub expires_at: String,
}

/// One line of a matter list.
#[derive(Debug, Clone, PartialEq)]
pub struct MatterRow {
    pub matter: Matter,
    pub lead_unit_name: Option<String>,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The warning rules the stored assessments (and the sign-off review) are made by.
    rules: std::sync::Arc<duban_core::WarningRules>,
    /// SQLite has one writer at a time; writers of this process queue here rather than in SQLite's
    /// busy handler, which sleeps in steps of milliseconds.
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// A writing transaction with, on SQLite, this process's turn to write; both end together.
type WriteTx = (Option<tokio::sync::OwnedMutexGuard<()>>, sqlx::Transaction<'static, sqlx::Any>);

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// The inverse of `role_name`: the stored role and unit back to a `Role`.
fn role_from(name: &str, unit: Option<i64>) -> Result<Role, StoreError> {
    match (name, unit) {
        ("office", _) => Ok(Role::Office),
        ("hotline", _) => Ok(Role::Hotline),
        ("admin", _) => Ok(Role::Admin),
        ("leader", _) => Ok(Role::Leader),
        ("unit", Some(u)) => Ok(Role::Unit(UnitId(u))),
        _ => Err(StoreError::Other(format!("an account has no valid role ({name})"))),
    }
}

fn role_name(role: Role) -> (&'static str, Option<i64>) {
    match role {
        Role::Unit(u) => ("unit", Some(u.0)),
        other => (other.kind().key(), None),
    }
}

fn kind_name(k: MatterKind) -> String {
    serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn status_name(s: duban_core::Status) -> String {
    serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Other(e.to_string()))
}

fn unjson<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Other(format!("stored state is unreadable: {e}")))
}

/// The ledger's own matters (targets, tasks, projects), as SQL over `m`: the rest is casework.
const LEDGER_KINDS: &str = "m.kind IN ('target', 'task', 'project')";

/// A stored ISO date.
fn parse_day(on: &str) -> Result<Date, StoreError> {
    Date::parse(on, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|e| StoreError::Other(format!("stored date {on:?}: {e}")))
}

/// Takes the next `n` ledger numbers of `year` (2019-001 …), in the transaction: the counter's row
/// is locked until it ends, so concurrent adoptions get distinct numbers on either backend.
async fn ledger_numbers(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    year: i32,
    n: usize,
) -> Result<Vec<String>, StoreError> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let row = sqlx::query(
        "INSERT INTO counters (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value RETURNING value",
    )
    .bind(format!("ledger-{year}"))
    .bind(n as i64)
    .fetch_one(&mut **tx)
    .await?;
    let last: i64 = row.try_get(0)?;
    Ok((last - n as i64 + 1..=last).map(|k| format!("{year}-{k:03}")).collect())
}

/// A matter's timeline, in order.
async fn events_of(conn: &mut sqlx::AnyConnection, id: MatterId) -> Result<Vec<Event>, StoreError> {
    let rows = sqlx::query("SELECT e.on_date, us.display_name, e.change FROM events e JOIN users us ON us.id = e.actor_id WHERE e.matter_id = $1 ORDER BY e.seq")
        .bind(id.0)
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| event_at(r, 0)).collect()
}

/// An event from three columns starting at `at`: its date, the actor's display name, the change.
fn event_at(row: &sqlx::any::AnyRow, at: usize) -> Result<Event, StoreError> {
    let on: String = row.try_get(at)?;
    Ok(Event { on: parse_day(&on)?, actor: row.try_get(at + 1)?, change: unjson(&row.try_get::<String, _>(at + 2)?)? })
}

/// Which matters `m` an actor sees in a list that takes `action` to read, as SQL over `m` with the
/// unit bound to `$1`, and the value to bind: all for a role the table lets read them; for a unit,
/// its own (lead or co-unit) and the sub-matters of those it leads. Forbidden for a role the table
/// does not let read them.
fn sees(actor: &Actor, action: Action) -> Result<(&'static str, i64), StoreError> {
    actor.require(action)?;
    Ok(match actor.role {
        Role::Unit(u) => (
            "(m.lead_unit_id = $1 OR EXISTS (SELECT 1 FROM matter_units mu WHERE mu.matter_id = m.id AND mu.unit_id = $1) \
             OR EXISTS (SELECT 1 FROM matters p WHERE p.id = m.parent_id AND p.lead_unit_id = $1))",
            u.0,
        ),
        _ => ("$1 = $1", 0),
    })
}

/// The changes that are the handling unit's word: its progress, its request for sign-off, signing for
/// a dispatched matter, sending it back, asking for more time. (A reply is the unit's, or the
/// centre's when it answers at once.)
fn unit_says(change: &Change) -> bool {
    matches!(
        change,
        Change::ProgressReported { .. }
            | Change::CompletionRequested { .. }
            | Change::Accepted
            | Change::Returned { .. }
            | Change::ExtensionRequested { .. }
            | Change::MilestoneProposed { .. }
    )
}

/// Whether `role` may make `change` on a matter of `kind` led by `lead` with `co_units`: a unit
/// reports on its own matters (the table's `ReportOwn`); whoever the table lets run matters of the
/// kind runs the loop on them, save what only the handling unit says.
fn may(role: Role, kind: MatterKind, change: &Change, lead: Option<i64>, co_units: &[i64]) -> bool {
    match role {
        Role::Unit(u) => {
            if !role.may(Action::ReportOwn) {
                return false;
            }
            let own = lead == Some(u.0);
            let co = co_units.contains(&u.0);
            match change {
                Change::ProgressReported { .. }
                | Change::MilestoneDone { .. }
                | Change::MilestoneProposed { .. }
                | Change::EvidenceAttached { .. } => own || co,
                _ if unit_says(change) => own,
                Change::Replied { .. } => own,
                _ => false,
            }
        }
        _ => role.may(access::to_run(kind)) && !unit_says(change),
    }
}

impl Store {
    /// Opens (and migrates) the database at `url`. A SQLite file is created only when `create` is
    /// set, so a typo in a path is an error rather than a new empty ledger.
    pub async fn open(url: &str, create: bool) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode={}", if url.contains('?') { '&' } else { '?' }, if create { "rwc" } else { "rw" })
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Invalid(format!("数据库地址无效 / bad database URL: {e}")))?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        use sqlx::Executor;
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768;").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Other(format!("无法打开数据库 / cannot open the database: {e}")))?;
        match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await?,
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
        }
        let store = Store { pool, backend, rules: Default::default(), writer: Default::default() };
        store.widen_roles().await?;
        store.backfill().await?;
        store.digest_old_api_keys().await?;
        Ok(store)
    }

    /// The same store run by other warning rules (from the configuration).
    pub fn with_rules(mut self, rules: duban_core::WarningRules) -> Store {
        self.rules = std::sync::Arc::new(rules);
        self
    }

    pub fn rules(&self) -> &duban_core::WarningRules {
        &self.rules
    }

    /// A transaction that will write. SQLite takes the write lock at BEGIN (IMMEDIATE), so a second
    /// writer waits for the first and then reads what it wrote, instead of failing on a stale snapshot;
    /// PostgreSQL's row locks give the same order on the UPDATE.
    async fn write_tx(&self) -> Result<WriteTx, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => {
                // A connection first, then the turn: the turn is held only while writing.
                let conn = self.pool.acquire().await?;
                let turn = self.writer.clone().lock_owned().await;
                (Some(turn), sqlx::Transaction::begin(conn, Some("BEGIN IMMEDIATE".into())).await?)
            }
            Backend::Postgres => (None, self.pool.begin().await?),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub async fn add_unit(&self, name: &str, kind: &str) -> Result<UnitId, StoreError> {
        let row = sqlx::query("INSERT INTO units (name, kind) VALUES ($1, $2) RETURNING id")
            .bind(name.to_string())
            .bind(kind.to_string())
            .fetch_one(&self.pool)
            .await?;
        Ok(UnitId(row.try_get(0)?))
    }

    /// Adds many units in one transaction: all of them, or none (a name already present is an error
    /// naming it).
    pub async fn import_units(&self, units: &[(String, String)]) -> Result<Vec<UnitId>, StoreError> {
        let (_turn, mut tx) = self.write_tx().await?;
        let mut ids = Vec::with_capacity(units.len());
        for (name, kind) in units {
            let exists =
                sqlx::query("SELECT id FROM units WHERE name = $1").bind(name.clone()).fetch_optional(&mut *tx).await?;
            if exists.is_some() {
                return Err(StoreError::Invalid(format!("单位“{name}”已存在 / unit {name:?} exists already")));
            }
            let row = sqlx::query("INSERT INTO units (name, kind) VALUES ($1, $2) RETURNING id")
                .bind(name.clone())
                .bind(kind.clone())
                .fetch_one(&mut *tx)
                .await?;
            ids.push(UnitId(row.try_get(0)?));
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// A unit's inbox: the reminders and escalations on its matters, newest first.
    pub async fn inbox(&self, actor: &Actor, limit: i64) -> Result<Vec<(MatterId, String, Event)>, StoreError> {
        let Role::Unit(unit) = actor.role else { return Ok(Vec::new()) };
        let rows = sqlx::query(
            "SELECT e.matter_id, m.title, e.on_date, us.display_name, e.change FROM events e JOIN matters m ON m.id = e.matter_id JOIN users us ON us.id = e.actor_id \
             WHERE (m.lead_unit_id = $1 OR EXISTS (SELECT 1 FROM matter_units mu WHERE mu.matter_id = m.id AND mu.unit_id = $1)) \
             AND (e.change LIKE '%\"reminded\"%' OR e.change LIKE '%\"escalated\"%' OR e.change LIKE '%\"sent_back\"%') ORDER BY e.id DESC LIMIT $2",
        )
        .bind(unit.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((MatterId(r.try_get(0)?), r.try_get(1)?, event_at(r, 2)?))).collect()
    }

    /// All units, by name.
    pub async fn units(&self) -> Result<Vec<(UnitId, String, String)>, StoreError> {
        let rows = sqlx::query("SELECT id, name, kind FROM units ORDER BY name").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((UnitId(r.try_get(0)?), r.try_get(1)?, r.try_get(2)?))).collect()
    }

    /// The account with this login and its password hash, for signing in (not a disabled one).
    pub async fn account(&self, login: &str) -> Result<(Actor, String), StoreError> {
        if login == "public" {
            return Err(StoreError::NotFound); // the system account of public intake never signs in
        }
        let row = sqlx::query(
            "SELECT id, display_name, password_hash, role, unit_id FROM users WHERE login = $1 AND disabled_at IS NULL",
        )
        .bind(login.to_string())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let role = role_from(&row.try_get::<String, _>(3)?, row.try_get(4)?)?;
        Ok((Actor { user: UserId(row.try_get(0)?), name: row.try_get(1)?, role }, row.try_get(2)?))
    }

    /// Starts a session (a page sign-in or an API token) for an account, valid for `valid_for`: a new
    /// random token and CSRF token, stored with their expiry. The one place sessions are made.
    pub async fn open_session(&self, user: UserId, valid_for: time::Duration) -> Result<Session, StoreError> {
        let expires_at = (time::OffsetDateTime::now_utc() + valid_for)
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|e| StoreError::Other(e.to_string()))?;
        let session =
            Session { token: crate::accounts::random_token(), csrf: crate::accounts::random_token(), expires_at };
        sqlx::query("INSERT INTO sessions (token, user_id, csrf, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(crate::accounts::digest(&session.token))
            .bind(user.0)
            .bind(session.csrf.clone())
            .bind(session.expires_at.clone())
            .execute(&self.pool)
            .await?;
        Ok(session)
    }

    /// The account behind a session token and the session's CSRF token, if it has not expired.
    pub async fn session(&self, token: &str) -> Result<(Actor, String), StoreError> {
        let now = now_rfc3339();
        let row = sqlx::query(
            "SELECT u.id, u.display_name, u.role, u.unit_id, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(crate::accounts::digest(token))
        .bind(now.to_string())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let role = role_from(&row.try_get::<String, _>(2)?, row.try_get(3)?)?;
        Ok((Actor { user: UserId(row.try_get(0)?), name: row.try_get(1)?, role }, row.try_get(4)?))
    }

    pub async fn close_session(&self, token: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token = $1")
            .bind(crate::accounts::digest(token))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn unit_id(&self, name: &str) -> Result<UnitId, StoreError> {
        let row =
            sqlx::query("SELECT id FROM units WHERE name = $1").bind(name.to_string()).fetch_one(&self.pool).await?;
        Ok(UnitId(row.try_get(0)?))
    }

    /// Adds an account; `password_hash` is the argon2 PHC string (hashing is the caller's).
    pub async fn add_user(
        &self,
        login: &str,
        display_name: &str,
        password_hash: &str,
        role: Role,
    ) -> Result<Actor, StoreError> {
        let (role_str, unit) = role_name(role);
        let row = sqlx::query("INSERT INTO users (login, display_name, password_hash, role, unit_id) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(login.to_string())
            .bind(display_name.to_string())
            .bind(password_hash.to_string())
            .bind(role_str)
            .bind(unit)
            .fetch_one(&self.pool)
            .await?;
        Ok(Actor { user: UserId(row.try_get(0)?), name: display_name.to_string(), role })
    }

    /// Adopts a report: the report and all its matters, with their first events, in one transaction.
    /// Only the office adopts.
    pub async fn adopt_report(
        &self,
        actor: &Actor,
        report: &NewReport,
        today: Date,
    ) -> Result<(i64, Vec<MatterId>), StoreError> {
        actor.require(Action::ImportReports)?;
        let now = now_rfc3339();
        let (_turn, mut tx) = self.write_tx().await?;
        let row = sqlx::query("INSERT INTO reports (title, jurisdiction, plan_year, body, adopted_by, adopted_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(report.title.clone())
            .bind(report.jurisdiction.clone())
            .bind(report.plan_year.map(i64::from))
            .bind(report.body.clone())
            .bind(actor.user.0)
            .bind(now.clone())
            .fetch_one(&mut *tx)
            .await?;
        let report_id: i64 = row.try_get(0)?;
        // The year's counter row is taken first: it is locked until this transaction ends, so two
        // adoptions of one year queue here, and the second sees the first when it looks below.
        let year = report.plan_year.unwrap_or(today.year());
        let numbers = ledger_numbers(&mut tx, year, report.matters.len()).await?;
        if report.supersedes.is_none() {
            let like = sqlx::query(
                "SELECT title FROM reports WHERE id <> $1 AND (body = $2 OR (jurisdiction = $3 AND plan_year = $4)) LIMIT 1",
            )
            .bind(report_id)
            .bind(report.body.clone())
            .bind(report.jurisdiction.clone())
            .bind(report.plan_year.map(i64::from))
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(r) = like {
                let title: String = r.try_get(0)?;
                return Err(StoreError::Invalid(format!(
                    "“{title}”已经采纳，此报告未重复采纳；如需采纳，请作为它的新版本 / a report like this one was adopted already; adopt it as a new version"
                )));
            }
        }
        if let Some(earlier) = report.supersedes {
            sqlx::query("UPDATE reports SET supersedes = $1, version = (SELECT version + 1 FROM reports WHERE id = $1) WHERE id = $2")
                .bind(earlier)
                .bind(report_id)
                .execute(&mut *tx)
                .await?;
        }
        let mut ids = Vec::with_capacity(report.matters.len());
        for (nm, number) in report.matters.iter().zip(numbers) {
            let origin = Origin { report: Some(report_id), parent: None, number: Some(number) };
            ids.push(self.insert_matter(&mut tx, actor, nm, origin, today).await?.id);
        }
        tx.commit().await?;
        Ok((report_id, ids))
    }

    /// Creates one matter with its first events (a sub-matter's first is `SplitFrom`), inside `tx`.
    async fn insert_matter(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        actor: &Actor,
        nm: &NewMatter,
        origin: Origin,
        today: Date,
    ) -> Result<Matter, StoreError> {
        let Origin { report: report_id, parent, number } = origin;
        // The first events are folded first; the row goes in with its columns as they end, then the
        // state that holds its id.
        let mut m = Matter::new(MatterId(0), nm.kind, nm.title.clone(), nm.source.clone(), today);
        m.section = nm.section.clone();
        m.number = number;
        let mut changes = Vec::new();
        if let Some((parent, weight)) = parent {
            changes.push(Change::SplitFrom { parent, weight });
        }
        if let Some(lead) = nm.lead_unit {
            let names = self.unit_names(tx, std::iter::once(lead).chain(nm.co_units.iter().copied())).await?;
            changes.push(Change::Assigned { lead_unit: names[0].clone(), co_units: names[1..].to_vec() });
        }
        if let Some(d) = nm.deadline {
            changes.push(Change::DeadlineSet { deadline: d });
        }
        if let Some(s) = &nm.standard {
            changes.push(Change::StandardSet { standard: s.clone() });
        }
        let mut timeline = Vec::with_capacity(changes.len());
        for change in changes {
            let ev = Event { on: today, actor: actor.name.clone(), change };
            m.apply(&ev).map_err(|e| StoreError::Invalid(e.to_string()))?;
            timeline.push((ev, actor));
        }
        let notes = notes_of(timeline.iter().map(|(e, _)| &e.change));
        let row = NewRow {
            report: report_id,
            parent: parent.map(|p| p.0),
            span: nm.span,
            lead_unit: nm.lead_unit.map(|u| u.0),
            notes: &notes,
        };
        let id = insert_row(tx, &m, row).await?;
        m.id = id;
        append_events(tx, id, &timeline, &now_rfc3339()).await?;
        write_state(tx, &m).await?;
        for u in nm.co_units.iter().filter(|u| Some(**u) != nm.lead_unit) {
            sqlx::query("INSERT INTO matter_units (matter_id, unit_id) VALUES ($1, $2)")
                .bind(id.0)
                .bind(u.0)
                .execute(&mut **tx)
                .await?;
        }
        Ok(m)
    }

    async fn unit_names(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        ids: impl Iterator<Item = UnitId>,
    ) -> Result<Vec<String>, StoreError> {
        let mut names = Vec::new();
        for id in ids {
            let row = sqlx::query("SELECT name FROM units WHERE id = $1").bind(id.0).fetch_optional(&mut **tx).await?;
            let row = row.ok_or_else(|| StoreError::Invalid(format!("单位不存在 / no unit with id {}", id.0)))?;
            names.push(row.try_get(0)?);
        }
        Ok(names)
    }

    /// The matters an actor may see: all for the office and leaders; for a unit, its own (lead or
    /// co-unit) and the sub-matters of those it leads. In ledger-number order (each matter followed
    /// by its sub-matters), the order of the ledger's index: nothing is sorted.
    pub async fn matters_for(&self, actor: &Actor) -> Result<Vec<MatterRow>, StoreError> {
        self.visible(actor, Action::ReadLedger, LEDGER_KINDS, "ORDER BY COALESCE(m.parent_id, m.id), m.id", &[]).await
    }

    /// The matters of a listing the actor may see: `filter` and `order` are SQL over `m` (matters)
    /// with placeholders from $2 on, bound to `binds`; $1 is the unit of a unit account. The one
    /// place the visibility rule is written for lists.
    async fn visible(
        &self,
        actor: &Actor,
        action: Action,
        filter: &str,
        order: &str,
        binds: &[String],
    ) -> Result<Vec<MatterRow>, StoreError> {
        let (access, unit) = sees(actor, action)?;
        let sql = format!(
            "SELECT m.state, u.name FROM matters m LEFT JOIN units u ON u.id = m.lead_unit_id WHERE {access} AND ({filter}) {order}"
        );
        let mut q = sqlx::query(&sql).bind(unit);
        for b in binds {
            q = q.bind(b.clone());
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(MatterRow { matter: unjson(&r.try_get::<String, _>(0)?)?, lead_unit_name: r.try_get(1)? }))
            .collect()
    }

    /// The public's requests (and other casework) the actor may see, received between `from` and
    /// `to`, newest first, at most `limit`; `status` narrows to one status.
    pub async fn requests_for(
        &self,
        actor: &Actor,
        from: Date,
        to: Date,
        status: Option<duban_core::Status>,
        limit: i64,
    ) -> Result<Vec<MatterRow>, StoreError> {
        let mut filter = String::from(
            "m.id IN (SELECT r.matter_id FROM requests r WHERE r.received_on >= $2 AND r.received_on <= $3)",
        );
        let mut binds = vec![from.to_string(), to.to_string()];
        if let Some(s) = status {
            binds.push(status_name(s));
            filter.push_str(" AND m.status = $4");
        }
        self.visible(
            actor,
            Action::ReadRequests,
            &filter,
            &format!("ORDER BY m.id DESC LIMIT {}", limit.max(1)),
            &binds,
        )
        .await
    }

    /// The matters an actor may see as they stood at the end of `day`: each one's timeline folded up
    /// to that day (for a bulletin of a past period, whose figures must not move afterwards).
    pub async fn matters_as_of(&self, actor: &Actor, day: Date) -> Result<Vec<MatterRow>, StoreError> {
        let now = self.matters_for(actor).await?;
        let rows = sqlx::query(
            &format!("SELECT e.matter_id, e.on_date, us.display_name, e.change FROM events e JOIN users us ON us.id = e.actor_id \
             JOIN matters m ON m.id = e.matter_id WHERE e.on_date <= $1 AND {LEDGER_KINDS} ORDER BY e.matter_id, e.seq"),
        )
        .bind(day.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut events: std::collections::HashMap<i64, Vec<Event>> = std::collections::HashMap::new();
        for r in &rows {
            events.entry(r.try_get(0)?).or_default().push(event_at(r, 1)?);
        }
        let mut out = Vec::with_capacity(now.len());
        for row in now {
            let Some(timeline) = events.get(&row.matter.id.0) else { continue };
            let c = &row.matter;
            if c.created_on > day {
                continue;
            }
            let mut m = Matter::new(c.id, c.kind, c.title.clone(), c.source.clone(), c.created_on);
            m.section = c.section.clone();
            m.number = c.number.clone();
            for ev in timeline {
                // The timeline was accepted once; a refusal now would mean a changed lifecycle, and
                // the fold keeps what it can rather than hide the matter.
                let _ = m.replay(ev);
            }
            out.push(MatterRow { lead_unit_name: m.lead_unit.clone(), matter: m });
        }
        Ok(out)
    }

    /// One matter with its timeline, if the actor may see it (another unit's matter is Forbidden).
    pub async fn timeline(&self, actor: &Actor, id: MatterId) -> Result<(Matter, Vec<Event>), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let (mut m, _, _) = load_visible(&mut conn, actor, id).await?;
        let mut timeline = events_of(&mut conn, id).await?;
        mask_confidential(actor, &mut m, &mut timeline);
        Ok((m, timeline))
    }

    /// Migration 0009 on SQLite: the users table rebuilt with the roles of `duban_core::access` in
    /// its CHECK and a `disabled_at` column, its rows kept under their ids. Foreign keys are off for
    /// this one transaction, so the timeline's millions of references to users are not re-checked
    /// (they point at the same ids, copied); the rebuilt table's own references are checked before
    /// the commit.
    /// Done once: the table's own definition says whether it has been.
    async fn widen_roles(&self) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        let mut conn = self.pool.acquire().await?;
        let sql: String = sqlx::query("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'")
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        if sql.contains("'hotline'") {
            return Ok(());
        }
        use sqlx::Executor;
        conn.execute("PRAGMA foreign_keys = OFF").await?;
        let rebuilt = conn
            .execute(
                "BEGIN IMMEDIATE; \
                 CREATE TABLE users_new ( \
                     id INTEGER PRIMARY KEY AUTOINCREMENT, \
                     login TEXT NOT NULL UNIQUE, \
                     display_name TEXT NOT NULL, \
                     password_hash TEXT NOT NULL, \
                     role TEXT NOT NULL CHECK (role IN ('office', 'hotline', 'admin', 'unit', 'leader')), \
                     unit_id INTEGER REFERENCES units(id), \
                     disabled_at TEXT); \
                 INSERT INTO users_new (id, login, display_name, password_hash, role, unit_id) \
                     SELECT id, login, display_name, password_hash, role, unit_id FROM users; \
                 DROP TABLE users; \
                 ALTER TABLE users_new RENAME TO users;",
            )
            .await;
        let checked = match rebuilt {
            Ok(_) => {
                sqlx::query("PRAGMA foreign_key_check(users)").fetch_all(&mut *conn).await.map(|rows| rows.is_empty())
            }
            Err(e) => Err(e),
        };
        let finished = match checked {
            Ok(true) => conn.execute("COMMIT").await.map(|_| ()).map_err(StoreError::from),
            Ok(false) => Err(StoreError::Other("rebuilding users would break a reference".into())),
            Err(e) => Err(StoreError::from(e)),
        };
        if finished.is_err() {
            let _ = conn.execute("ROLLBACK").await;
        }
        conn.execute("PRAGMA foreign_keys = ON").await?;
        finished
    }

    /// Fills what migration 0008 added for matters stored before it: the key columns from each
    /// state, the notes from each timeline, and ledger numbers (a sub-matter's after its parent's;
    /// a request, proposal or complaint takes its own number). Runs once, in batches; a marker in
    /// `counters` says it has (and two processes starting at once agree on it).
    async fn backfill(&self) -> Result<(), StoreError> {
        const MARK: &str = "backfill-0008";
        const MARKED: &str = "SELECT value FROM counters WHERE name = $1";
        if sqlx::query(MARKED).bind(MARK).fetch_optional(&self.pool).await?.is_some() {
            return Ok(());
        }
        loop {
            let (_turn, mut tx) = self.write_tx().await?;
            if sqlx::query(MARKED).bind(MARK).fetch_optional(&mut *tx).await?.is_some() {
                return Ok(());
            }
            let rows = sqlx::query(
                "SELECT m.id, m.version, m.state, r.plan_year FROM matters m LEFT JOIN reports r ON r.id = m.report_id \
                 WHERE m.opened_on IS NULL ORDER BY m.id LIMIT 500",
            )
            .fetch_all(&mut *tx)
            .await?;
            if rows.is_empty() {
                sqlx::query("INSERT INTO counters (name, value) VALUES ($1, 1) ON CONFLICT (name) DO NOTHING")
                    .bind(MARK)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                return Ok(());
            }
            for row in &rows {
                let version: i64 = row.try_get(1)?;
                let mut m: Matter = unjson(&row.try_get::<String, _>(2)?)?;
                if m.number.is_none() {
                    m.number = match (m.kind, m.parent) {
                        (MatterKind::Target | MatterKind::Task | MatterKind::Project, None) => {
                            let year = row.try_get::<Option<i64>, _>(3)?.map_or(m.created_on.year(), |y| y as i32);
                            ledger_numbers(&mut tx, year, 1).await?.pop()
                        }
                        (_, Some(parent)) => {
                            let r = sqlx::query("SELECT p.number, (SELECT COUNT(*) FROM matters c WHERE c.parent_id = p.id AND c.id <= $2) FROM matters p WHERE p.id = $1")
                                .bind(parent.0)
                                .bind(m.id.0)
                                .fetch_one(&mut *tx)
                                .await?;
                            r.try_get::<Option<String>, _>(0)?
                                .map(|n| format!("{n}-{}", r.try_get::<i64, _>(1).unwrap_or(0)))
                        }
                        (kind, None) => {
                            let table = match kind {
                                MatterKind::Request => "requests",
                                MatterKind::Proposal => "proposals",
                                _ => "complaints",
                            };
                            sqlx::query(&format!("SELECT number FROM {table} WHERE matter_id = $1"))
                                .bind(m.id.0)
                                .fetch_optional(&mut *tx)
                                .await?
                                .map(|r| r.try_get::<String, _>(0))
                                .transpose()?
                        }
                    };
                }
                save(&mut tx, &m, version, None).await?;
                let timeline = events_of(&mut tx, m.id).await?;
                note_words(&mut tx, m.id, timeline.iter()).await?;
            }
            tx.commit().await?;
        }
    }

    /// Reports adopted before that look like this one: the same text, or the same jurisdiction and
    /// plan year. (id, title, version, adopted at, how many matters, same text?) newest first.
    pub async fn adopted_like(
        &self,
        body: &str,
        jurisdiction: Option<&str>,
        plan_year: Option<i32>,
    ) -> Result<Vec<AdoptedReport>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.id, r.title, r.version, r.adopted_at, (SELECT COUNT(*) FROM matters m WHERE m.report_id = r.id AND m.parent_id IS NULL), r.body = $1 \
             FROM reports r WHERE r.body = $1 OR (r.jurisdiction = $2 AND r.plan_year = $3) ORDER BY r.id DESC",
        )
        .bind(body.to_string())
        .bind(jurisdiction.map(str::to_string))
        .bind(plan_year.map(i64::from))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AdoptedReport {
                    id: r.try_get(0)?,
                    title: r.try_get(1)?,
                    version: r.try_get(2)?,
                    adopted_at: r.try_get(3)?,
                    matters: r.try_get(4)?,
                    same_text: r.try_get::<bool, _>(5).or_else(|_| r.try_get::<i64, _>(5).map(|v| v != 0))?,
                })
            })
            .collect()
    }

    /// The matters made from a report (and its earlier versions), by title: what a new version's
    /// rows are matched against. (id, number, title)
    pub async fn report_matters(&self, report: i64) -> Result<Vec<(MatterId, String, String)>, StoreError> {
        let rows = sqlx::query(
            "WITH RECURSIVE chain(id) AS (SELECT CAST($1 AS BIGINT) UNION SELECT r.supersedes FROM reports r JOIN chain ON r.id = chain.id WHERE r.supersedes IS NOT NULL) \
             SELECT m.id, COALESCE(m.number, ''), m.title FROM matters m WHERE m.report_id IN (SELECT id FROM chain) AND m.parent_id IS NULL ORDER BY m.id",
        )
        .bind(report)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((MatterId(r.try_get(0)?), r.try_get(1)?, r.try_get(2)?))).collect()
    }

    /// Records one change on a matter the actor knows at `expected_version`: checks the actor's
    /// right to it, folds it through the lifecycle, appends it to the timeline and saves the new
    /// state, all in one transaction. A stale version is a `Conflict`.
    pub async fn record(
        &self,
        actor: &Actor,
        id: MatterId,
        expected_version: i64,
        on: Date,
        change: Change,
    ) -> Result<Matter, StoreError> {
        if matches!(
            change,
            Change::Split { .. }
                | Change::SplitFrom { .. }
                | Change::EvidenceAttached { .. }
                | Change::CampaignJoined { .. }
        ) {
            return Err(StoreError::Invalid(format!(
                "“{}”须通过其专用功能办理 / {} has its own action (split, attachments, campaigns)",
                change.name(),
                change.name()
            )));
        }
        let (_turn, mut tx) = self.write_tx().await?;
        let change = self.reviewed(&mut tx, actor, id, on, change).await?;
        let m = record_tx(&mut tx, actor, id, Some(expected_version), on, change).await?;
        tx.commit().await?;
        Ok(m)
    }
}

/// A bound value of a query built piece by piece.
#[derive(Debug, Clone)]
enum Arg {
    Text(String),
    OptText(Option<String>),
    Int(i64),
}

/// SQL with its arguments, numbered as they are added ($1 is the unit of a unit account).
pub(crate) struct Sql {
    args: Vec<Arg>,
}

impl Sql {
    /// A query whose `$1` is `first` (the unit of a unit account, in lists).
    pub(crate) fn new(first: i64) -> Sql {
        Sql { args: vec![Arg::Int(first)] }
    }

    pub(crate) fn text(&mut self, v: impl Into<String>) -> String {
        self.args.push(Arg::Text(v.into()));
        format!("${}", self.args.len())
    }

    pub(crate) fn opt(&mut self, v: Option<String>) -> String {
        self.args.push(Arg::OptText(v));
        format!("${}", self.args.len())
    }

    pub(crate) fn int(&mut self, v: i64) -> String {
        self.args.push(Arg::Int(v));
        format!("${}", self.args.len())
    }

    pub(crate) fn query<'q>(&self, sql: &'q str) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        let mut q = sqlx::query(sql);
        for a in &self.args {
            q = match a {
                Arg::Text(t) => q.bind(t.clone()),
                Arg::OptText(t) => q.bind(t.clone()),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }
}

/// The columns lists filter and sort on, from a matter's state: written by every save that
/// changes them (and by the insert of a new matter), so each index is touched only when its
/// column moves.
#[derive(Debug, Clone, PartialEq)]
struct Keys {
    status: String,
    deadline: Option<String>,
    done_on: Option<String>,
    opened_on: String,
    section: Option<String>,
    due_at: Option<String>,
    number: Option<String>,
    standard: Option<String>,
    /// Closed, draft and replied matters are green until something happens to it: assessed for
    /// good ('9999-12-31'); any other change leaves the assessment to be made again ('' sorts
    /// before every day). With the level and progress of a settled matter.
    assessed: (Option<&'static str>, Option<String>, &'static str),
}

impl Keys {
    fn of(m: &Matter) -> Keys {
        let settled =
            m.status.is_closed() || matches!(m.status, duban_core::Status::Draft | duban_core::Status::Replied);
        Keys {
            status: status_name(m.status),
            deadline: m.deadline.map(|d| d.to_string()),
            done_on: m.done_on.map(|d| d.to_string()),
            opened_on: m.created_on.to_string(),
            section: m.section.clone(),
            due_at: m.due_at.map(moment_key),
            number: m.number.clone(),
            standard: m.standard.as_ref().and_then(|s| serde_json::to_string(s).ok()),
            assessed: if settled { (Some("green"), real(m.progress()), "9999-12-31") } else { (None, None, "") },
        }
    }
}

/// A moment as the `due_at` column holds it (and as it is compared with now): "YYYY-MM-DD HH:MM".
pub fn moment_key(at: time::PrimitiveDateTime) -> String {
    format!("{} {:02}:{:02}", at.date(), at.hour(), at.minute())
}

/// Saves a matter's state over the version it was read at, with the key columns that differ from
/// `was` (its state as read; None: all of them); another writer having moved it on first is a
/// `Conflict` with the version now. Its stored assessment (and its parent's, which rolls it up)
/// becomes stale, to be made again before the next list.
async fn save(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    m: &Matter,
    read_at: i64,
    was: Option<&Matter>,
) -> Result<(), StoreError> {
    let k = Keys::of(m);
    let old = was.map(Keys::of);
    let mut sql = Sql::new(m.version);
    let mut sets = vec![format!("version = $1"), format!("state = {}", sql.text(json(m)?))];
    let set = |sets: &mut Vec<String>, sql: &mut Sql, column: &str, value: Option<String>| {
        let mark = sql.opt(value);
        sets.push(format!("{column} = {mark}"));
    };
    if old.as_ref().is_none_or(|o| o.status != k.status) {
        set(&mut sets, &mut sql, "status", Some(k.status.clone()));
    }
    if old.as_ref().is_none_or(|o| o.deadline != k.deadline) {
        set(&mut sets, &mut sql, "deadline", k.deadline.clone());
    }
    if old.as_ref().is_none_or(|o| o.done_on != k.done_on) {
        set(&mut sets, &mut sql, "done_on", k.done_on.clone());
    }
    if old.as_ref().is_none_or(|o| o.opened_on != k.opened_on) {
        set(&mut sets, &mut sql, "opened_on", Some(k.opened_on.clone()));
    }
    if old.as_ref().is_none_or(|o| o.section != k.section) {
        set(&mut sets, &mut sql, "section", k.section.clone());
    }
    if old.as_ref().is_none_or(|o| o.due_at != k.due_at) {
        set(&mut sets, &mut sql, "due_at", k.due_at.clone());
    }
    if old.as_ref().is_none_or(|o| o.number != k.number) {
        set(&mut sets, &mut sql, "number", k.number.clone());
    }
    if old.as_ref().is_none_or(|o| o.standard != k.standard) {
        set(&mut sets, &mut sql, "standard", k.standard.clone());
    }
    let (level, progress, assessed_on) = k.assessed.clone();
    if let Some(level) = level {
        set(&mut sets, &mut sql, "level", Some(level.to_string()));
        let mark = sql.opt(progress);
        sets.push(format!("progress = CAST({mark} AS DOUBLE PRECISION)"));
    }
    set(&mut sets, &mut sql, "assessed_on", Some(assessed_on.to_string()));
    let (id, read) = (sql.int(m.id.0), sql.int(read_at));
    let updated = sql
        .query(&format!("UPDATE matters SET {} WHERE id = {id} AND version = {read}", sets.join(", ")))
        .execute(&mut **tx)
        .await?;
    if updated.rows_affected() != 1 {
        let row = sqlx::query("SELECT version FROM matters WHERE id = $1").bind(m.id.0).fetch_one(&mut **tx).await?;
        return Err(StoreError::Conflict { current_version: row.try_get(0)? });
    }
    if let Some(parent) = m.parent {
        sqlx::query("UPDATE matters SET assessed_on = '' WHERE id = $1").bind(parent.0).execute(&mut **tx).await?;
    }
    Ok(())
}

/// What a new matter's row holds besides its state: where it comes from and its words.
struct NewRow<'a> {
    report: Option<i64>,
    parent: Option<MatterId>,
    span: Option<(i64, i64)>,
    lead_unit: Option<i64>,
    notes: &'a str,
}

/// Inserts a new matter's row with its key columns as `m` (folded without its id) has them, so
/// that its indexes are written once; the state, which holds the id, follows (`write_state`).
async fn insert_row(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    m: &Matter,
    row: NewRow<'_>,
) -> Result<MatterId, StoreError> {
    let k = Keys::of(m);
    let (level, progress, assessed_on) = k.assessed;
    let inserted = sqlx::query(
        "INSERT INTO matters (kind, report_id, parent_id, title, source, source_start, source_end, lead_unit_id, status, version, state, \
         deadline, done_on, opened_on, section, due_at, level, progress, assessed_on, notes, standard) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, '{}', $10, $11, $12, $13, $14, COALESCE(CAST($15 AS TEXT), 'green'), CAST($16 AS DOUBLE PRECISION), $17, $18, $19) RETURNING id",
    )
    .bind(kind_name(m.kind))
    .bind(row.report)
    .bind(row.parent.map(|p| p.0))
    .bind(m.title.clone())
    .bind(m.source.clone())
    .bind(row.span.map(|s| s.0))
    .bind(row.span.map(|s| s.1))
    .bind(row.lead_unit)
    .bind(k.status)
    .bind(k.deadline)
    .bind(k.done_on)
    .bind(k.opened_on)
    .bind(k.section)
    .bind(k.due_at)
    .bind(level)
    .bind(progress)
    .bind(assessed_on)
    .bind(row.notes.to_string())
    .bind(k.standard)
    .fetch_one(&mut **tx)
    .await?;
    Ok(MatterId(inserted.try_get(0)?))
}

/// Writes a new matter's state (which holds its id) and its number, over the row `insert_row`
/// made: no other column moves.
async fn write_state(tx: &mut sqlx::Transaction<'static, sqlx::Any>, m: &Matter) -> Result<(), StoreError> {
    sqlx::query("UPDATE matters SET state = $1, number = $2, version = $3 WHERE id = $4")
        .bind(json(m)?)
        .bind(m.number.clone())
        .bind(m.version)
        .bind(m.id.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// An optional real number as text for `CAST($n AS DOUBLE PRECISION)`: sqlx's `Any` driver prepares
/// a NULL real as float4 on PostgreSQL, and a statement cached that way then refuses a float8.
fn real(v: Option<f64>) -> Option<String> {
    v.filter(|x| x.is_finite()).map(|x| x.to_string())
}

/// The words an event adds to its matter's notes (what keyword search reads besides the title).
fn words(change: &Change) -> Option<&str> {
    match change {
        Change::ProgressReported { narrative: t, .. }
        | Change::Reminded { note: t }
        | Change::Escalated { note: t }
        | Change::CompletionRequested { note: t }
        | Change::SignedOff { note: t, .. }
        | Change::SentBack { reason: t }
        | Change::Reopened { reason: t }
        | Change::Cancelled { reason: t }
        | Change::Returned { reason: t }
        | Change::Replied { text: t, .. }
        | Change::MilestoneAdded { name: t, .. }
        | Change::MilestoneProposed { name: t, .. } => Some(t.as_str()).filter(|t| !t.trim().is_empty()),
        _ => None,
    }
}

/// The notes of these changes: their words, a line each.
fn notes_of<'a>(changes: impl Iterator<Item = &'a Change>) -> String {
    changes.filter_map(words).map(|w| format!("{w}\n")).collect()
}

/// Adds the words of `events` to the matter's notes.
async fn note_words(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: MatterId,
    events: impl Iterator<Item = &Event>,
) -> Result<(), StoreError> {
    let text = notes_of(events.map(|e| &e.change));
    if !text.is_empty() {
        sqlx::query("UPDATE matters SET notes = notes || $1 WHERE id = $2")
            .bind(text)
            .bind(id.0)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Appends a new matter's first events to its timeline, numbered from 1, in as few statements as
/// the parameter limit allows. (Their words are the caller's to put in the new row's notes.)
async fn append_events(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: MatterId,
    events: &[(Event, &Actor)],
    now: &str,
) -> Result<(), StoreError> {
    for (chunk_no, chunk) in events.chunks(100).enumerate() {
        let values = (0..chunk.len())
            .map(|i| {
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${})",
                    6 * i + 1,
                    6 * i + 2,
                    6 * i + 3,
                    6 * i + 4,
                    6 * i + 5,
                    6 * i + 6
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql =
            format!("INSERT INTO events (matter_id, seq, on_date, actor_id, change, recorded_at) VALUES {values}");
        let mut q = sqlx::query(&sql);
        for (i, (ev, who)) in chunk.iter().enumerate() {
            q = q
                .bind(id.0)
                .bind((chunk_no * 100 + i + 1) as i64)
                .bind(ev.on.to_string())
                .bind(who.user.0)
                .bind(json(&ev.change)?)
                .bind(now.to_string());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Appends one event to a matter's timeline as its `seq`-th.
async fn append_event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: MatterId,
    seq: i64,
    ev: &Event,
    actor: &Actor,
    now: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO events (matter_id, seq, on_date, actor_id, change, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.0)
    .bind(seq)
    .bind(ev.on.to_string())
    .bind(actor.user.0)
    .bind(json(&ev.change)?)
    .bind(now.to_string())
    .execute(&mut **tx)
    .await?;
    note_words(tx, id, std::iter::once(ev)).await
}

/// `Store::record` inside a transaction: `expected_version` None takes the matter as it is (for
/// the office's batch actions, which change one thing each and conflict with nothing).
async fn record_tx(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    actor: &Actor,
    id: MatterId,
    expected_version: Option<i64>,
    on: Date,
    change: Change,
) -> Result<Matter, StoreError> {
    let (mut m, lead, co) = load_visible(tx, actor, id).await?;
    if !may(actor.role, m.kind, &change, lead, &co) {
        return Err(StoreError::Forbidden);
    }
    let expected_version = expected_version.unwrap_or(m.version);
    if m.version != expected_version {
        return Err(StoreError::Conflict { current_version: m.version });
    }
    let before = m.clone();
    let ev = Event { on, actor: actor.name.clone(), change };
    m.apply(&ev).map_err(|e| StoreError::Invalid(e.to_string()))?;
    if before.case.is_some() {
        rollups::moved(tx, Some(&before), &m).await?;
    }
    save(tx, &m, expected_version, Some(&before)).await?;
    append_event(tx, id, m.version, &ev, actor, &now_rfc3339()).await?;
    let lead = match ev.change {
        // Who handles it changed: the access columns follow the state.
        Change::Assigned { .. } | Change::Returned { .. } => sync_units(tx, &m).await?,
        _ => lead,
    };
    if matches!(ev.change, Change::Reminded { .. } | Change::Escalated { .. }) {
        enqueue_webhooks(tx, &m, lead, &ev).await?;
    }
    Ok(m)
}

/// Writes a matter's lead unit and co-units (from its state, by name) to the columns access is
/// checked on; returns the lead unit's id.
async fn sync_units(tx: &mut sqlx::Transaction<'static, sqlx::Any>, m: &Matter) -> Result<Option<i64>, StoreError> {
    let missing = |name: &str| StoreError::Invalid(format!("没有单位“{name}” / no unit {name:?}"));
    // The lead unit by name, in the same statement that writes it.
    let lead = match &m.lead_unit {
        Some(name) => {
            let row = sqlx::query(
                "UPDATE matters SET lead_unit_id = (SELECT id FROM units WHERE name = $1) WHERE id = $2 RETURNING lead_unit_id",
            )
            .bind(name.clone())
            .bind(m.id.0)
            .fetch_one(&mut **tx)
            .await?;
            Some(row.try_get::<Option<i64>, _>(0)?.ok_or_else(|| missing(name))?)
        }
        None => {
            sqlx::query("UPDATE matters SET lead_unit_id = NULL WHERE id = $1").bind(m.id.0).execute(&mut **tx).await?;
            None
        }
    };
    sqlx::query("DELETE FROM matter_units WHERE matter_id = $1").bind(m.id.0).execute(&mut **tx).await?;
    insert_co_units(tx, m, lead).await?;
    Ok(lead)
}

/// The matter's co-units (by name) into `matter_units`, leaving out its lead.
async fn insert_co_units(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    m: &Matter,
    lead: Option<i64>,
) -> Result<(), StoreError> {
    for name in &m.co_units {
        let row =
            sqlx::query("SELECT id FROM units WHERE name = $1").bind(name.clone()).fetch_optional(&mut **tx).await?;
        let u: i64 =
            row.ok_or_else(|| StoreError::Invalid(format!("没有单位“{name}” / no unit {name:?}")))?.try_get(0)?;
        if Some(u) != lead {
            sqlx::query("INSERT INTO matter_units (matter_id, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(m.id.0)
                .bind(u)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Puts a reminder for the matter's lead unit's group robot in the outbox, in the same transaction
/// as the reminder itself, so a reminder recorded is a reminder sent (by `crate::webhook`).
async fn enqueue_webhooks(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    m: &Matter,
    lead: Option<i64>,
    ev: &Event,
) -> Result<(), StoreError> {
    let Some(lead) = lead else { return Ok(()) };
    let row = sqlx::query("SELECT webhook_url FROM units WHERE id = $1").bind(lead).fetch_one(&mut **tx).await?;
    let Some(url) = row.try_get::<Option<String>, _>(0)?.filter(|u| !u.is_empty()) else { return Ok(()) };
    let payload = crate::webhook::payload(m, ev);
    sqlx::query("INSERT INTO deliveries (unit_id, url, payload, attempts, created_at) VALUES ($1, $2, $3, 0, $4)")
        .bind(lead)
        .bind(url)
        .bind(payload)
        .bind(now_rfc3339())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What a leader reads of a confidential request: that it exists and how it stands, not what the
/// caller said (its title is the start of its words) nor the words of its reply and reports.
pub(crate) fn mask_confidential(actor: &Actor, m: &mut Matter, timeline: &mut [Event]) {
    if actor.role != Role::Leader || !m.case.as_ref().is_some_and(|c| c.confidential) {
        return;
    }
    const HIDDEN: &str = "（保密件，内容不予显示）";
    m.title = HIDDEN.into();
    if let Some(r) = m.reply.as_mut() {
        r.text = HIDDEN.into();
    }
    for ev in timeline {
        match &mut ev.change {
            Change::Replied { text, .. } => *text = HIDDEN.into(),
            Change::ProgressReported { narrative, .. } => *narrative = HIDDEN.into(),
            _ => {}
        }
    }
}

/// Loads a matter with its lead unit and co-units, if `actor` may see it. A unit asking for another
/// unit's matter gets Forbidden (403, as the ledger's access rules ask) and no data.
async fn load_visible(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    id: MatterId,
) -> Result<(Matter, Option<i64>, Vec<i64>), StoreError> {
    let row = sqlx::query(
        "SELECT m.state, m.lead_unit_id, p.lead_unit_id FROM matters m LEFT JOIN matters p ON p.id = m.parent_id WHERE m.id = $1",
    )
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?;
    let row = row.ok_or(StoreError::NotFound)?;
    let m: Matter = unjson(&row.try_get::<String, _>(0)?)?;
    actor.require(access::to_read(m.kind))?;
    let lead: Option<i64> = row.try_get(1)?;
    let parent_lead: Option<i64> = row.try_get(2)?;
    let co: Vec<i64> = sqlx::query("SELECT unit_id FROM matter_units WHERE matter_id = $1")
        .bind(id.0)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    // A unit sees its own matters and the sub-matters of the matters it leads (it coordinates them);
    // what it may change is `may`'s to say.
    if let Role::Unit(u) = actor.role
        && lead != Some(u.0)
        && !co.contains(&u.0)
        && parent_lead != Some(u.0)
    {
        return Err(StoreError::Forbidden);
    }
    Ok((m, lead, co))
}
