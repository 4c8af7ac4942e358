//! The public's requests in the store: intake (受理) with a number the public can look up, the
//! caller's particulars kept in their own table and shown in full only to the centre and the
//! handling unit (masked for everyone else, absent from public views), dispatch by the catalogue,
//! the public lookup and rating, Open311 clients' keys, and the counts the published rates come from.
//!
//! A request is a matter like any other: its lifecycle, timeline, warnings and access are the
//! engine's. What is here is only what a request adds.

use duban_core::access::Action;
use duban_core::casework::{CaseCounts, CaseInfo, RequestType, TimeLimits, last_four, mask_phone};
use duban_core::matter::{Change, Event, Matter, MatterId, MatterKind, Satisfaction, Status};
use sqlx::Row;
use time::Date;

use super::{
    Actor, Role, Store, StoreError, UnitId, UserId, append_event, load_visible, now_rfc3339, record_tx, unjson,
};

/// Where a request came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Taken by an operator on the phone.
    Phone,
    /// The public web form.
    Web,
    /// An Open311 client.
    Open311,
    /// Our JSON API.
    Api,
}

impl Channel {
    pub fn key(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Web => "web",
            Channel::Open311 => "open311",
            Channel::Api => "api",
        }
    }

    /// The channel in words, as the pages show it.
    pub fn label(self) -> &'static str {
        match self {
            Channel::Phone => "电话",
            Channel::Web => "网站",
            Channel::Open311 => "Open311平台",
            Channel::Api => "接口",
        }
    }

    /// The label of a stored channel key (history imports keep theirs).
    pub fn label_of(key: &str) -> &str {
        match key {
            "phone" => "电话",
            "web" => "网站",
            "open311" => "Open311平台",
            "api" => "接口",
            "history" => "历史导入",
            other => other,
        }
    }
}

/// A request as taken in.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRequest {
    pub caller_name: String,
    pub phone: String,
    pub address: String,
    pub content: String,
    pub request_type: RequestType,
    pub category: String,
    pub place: Option<String>,
    pub urgent: bool,
    pub confidential: bool,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// An Open311 client's photo URL and address identifier, kept as given.
    pub media_url: Option<String>,
    pub address_id: Option<String>,
}

/// A request of the past: what was taken in, on which day, and what happened to it (day, who, change).
pub type PastRequest = (NewRequest, Date, Vec<(Date, Actor, Change)>);

/// What intake hands back: the matter, the public number, the deadline and the unit the dispatch
/// catalogue suggests.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    pub matter: MatterId,
    /// The matter's version after intake (for the dispatch that follows).
    pub version: i64,
    pub number: String,
    /// The query code the caller looks the request up with (shown once).
    pub lookup_code: String,
    pub deadline: Date,
    pub suggested_unit: Option<(UnitId, String)>,
}

/// A request with its particulars, as the reader may see them: full for the centre and the handling
/// unit, the phone masked and the name shortened for anyone else.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct RequestDetail {
    pub number: String,
    pub channel: String,
    pub caller_name: String,
    pub phone: String,
    pub address: String,
    pub content: String,
    pub confidential: bool,
    pub received_on: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The caller's query code, for the centre to read out again (no one else sees it).
    pub lookup_code: Option<String>,
}

/// A request as the public sees it (lookup, Open311): no caller, no phone; no content when
/// confidential.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PublicRequest {
    pub matter: i64,
    pub number: String,
    pub status: Status,
    pub request_type: RequestType,
    pub category: String,
    pub category_name: Option<String>,
    pub content: Option<String>,
    pub address: Option<String>,
    pub place: Option<String>,
    pub unit: Option<String>,
    pub received_on: String,
    pub received_at: String,
    pub deadline: Option<Date>,
    pub reply: Option<String>,
    pub rating: Option<Satisfaction>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub updated_on: Option<Date>,
    /// Whether it is confidential (its words, address, reply and type are not published).
    pub confidential: bool,
    /// What an Open311 client sent beside the address (a photo's URL, its address identifier).
    pub media_url: Option<String>,
    pub address_id: Option<String>,
}

/// A category of the catalogue.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Category {
    pub code: String,
    pub name: String,
    pub parent: Option<String>,
    pub description: String,
}

/// Filters of a public list of requests (Open311 GET requests).
#[derive(Debug, Clone, Default)]
pub struct PublicFilter {
    pub numbers: Vec<String>,
    /// Any of these categories (none: all).
    pub categories: Vec<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub open: Option<bool>,
    pub limit: i64,
}

/// A moment on China's clock as stored and published: `2019-07-01T09:30:00+08:00`, whole seconds.
fn china_moment(at: time::PrimitiveDateTime) -> String {
    format!("{}T{:02}:{:02}:{:02}+08:00", at.date(), at.hour(), at.minute(), at.second())
}

fn clean(field: &str, value: &str, max: usize) -> Result<String, StoreError> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(StoreError::Invalid(format!(
            "“{field}”过长（上限{max}字）/ {field} is longer than {max} characters"
        )));
    }
    Ok(v.to_string())
}

impl Store {
    /// The system account public and Open311 intake is recorded under.
    async fn public_actor(&self) -> Result<Actor, StoreError> {
        let row =
            sqlx::query("SELECT id, display_name FROM users WHERE login = 'public'").fetch_one(&self.pool).await?;
        Ok(Actor { user: UserId(row.try_get(0)?), name: row.try_get(1)?, role: Role::Leader })
    }

    /// Takes a request in (受理): the matter with its classification and deadline, and the caller's
    /// particulars, in one transaction. `by` is the operator (None for the public and Open311).
    pub async fn receive(
        &self,
        by: Option<&Actor>,
        channel: Channel,
        r: &NewRequest,
        limits: &TimeLimits,
        calendar: &duban_core::Calendar,
        received: time::PrimitiveDateTime,
    ) -> Result<Received, StoreError> {
        if let Some(a) = by {
            a.require(Action::RunCasework)?;
        }
        let actor = match by {
            Some(a) => a.clone(),
            None => self.public_actor().await?,
        };
        let due = limits.due(calendar, received, r.request_type, r.urgent);
        let deadline = due.0;
        // The reads first, outside the writers' turn.
        let suggested = {
            let mut conn = self.pool.acquire().await?;
            known_category(&mut conn, r.category.trim()).await?;
            suggest(&mut conn, r.category.trim(), r.place.as_deref().filter(|p| !p.trim().is_empty())).await?
        };
        let (_turn, mut tx) = self.write_tx().await?;
        let (m, number, lookup_code) =
            insert_request(&mut tx, self.backend, &actor, channel, r, (received.date(), china_moment(received)), due)
                .await?;
        super::rollups::moved(&mut tx, None, &m).await?;
        tx.commit().await?;
        Ok(Received { matter: m.id, version: m.version, number, lookup_code, deadline, suggested_unit: suggested })
    }

    /// Imports requests with their history (a year from an earlier hotline system, or the demo's):
    /// each is taken in on its day and then moved on by its events, under the accounts that made
    /// them. All of a call or none; an event the lifecycle refuses names its request.
    pub async fn import_requests(
        &self,
        by: &Actor,
        items: &[PastRequest],
        limits: &TimeLimits,
        calendar: &duban_core::Calendar,
    ) -> Result<Vec<(MatterId, String)>, StoreError> {
        by.require(Action::RunCasework)?;
        {
            let mut conn = self.pool.acquire().await?;
            let categories: std::collections::BTreeSet<&str> = items.iter().map(|(r, ..)| r.category.trim()).collect();
            for c in categories {
                known_category(&mut conn, c).await?;
            }
        }
        // Checked and folded first (an error names its item), then written in bulk.
        let mut ready = Vec::with_capacity(items.len());
        for (i, (r, received, events)) in items.iter().enumerate() {
            // History keeps its day; the hour is not known (counted from nine o'clock).
            let nine = received.with_hms(9, 0, 0).unwrap_or(received.midnight());
            let due = limits.due(calendar, nine, r.request_type, r.urgent);
            let at = format!("{received}T09:00:00+08:00");
            ready.push(prepare_request(by, Channel::Phone, r, (*received, at), due, events).map_err(|e| match e {
                StoreError::Invalid(m) => StoreError::Invalid(format!("第{}件 / item {}: {m}", i + 1, i + 1)),
                e => e,
            })?);
        }
        let (_turn, mut tx) = self.write_tx().await?;
        let written = insert_requests_in_bulk(&mut tx, self.backend, ready).await?;
        let mut counted = super::rollups::Pending::default();
        let mut out = Vec::with_capacity(written.len());
        for (m, number, _) in written {
            counted.add(&m);
            out.push((m.id, number));
        }
        counted.write(&mut tx).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// The unit the dispatch catalogue suggests for a category and place.
    pub async fn suggested_unit(
        &self,
        category: &str,
        place: Option<&str>,
    ) -> Result<Option<(UnitId, String)>, StoreError> {
        suggest(&mut *self.pool.acquire().await?, category, place).await
    }

    /// Dispatches a request (派单) to a unit: the catalogue's suggestion or the operator's choice.
    pub async fn dispatch(
        &self,
        actor: &Actor,
        id: MatterId,
        version: i64,
        unit: UnitId,
        on: Date,
    ) -> Result<Matter, StoreError> {
        let (_turn, mut tx) = self.write_tx().await?;
        let name = self.unit_names(&mut tx, std::iter::once(unit)).await?.remove(0);
        let m =
            record_tx(&mut tx, actor, id, Some(version), on, Change::Assigned { lead_unit: name, co_units: vec![] })
                .await?;
        tx.commit().await?;
        Ok(m)
    }

    /// A request's particulars: in full for the centre and the handling unit; the phone masked and
    /// the name cut to its first character for a leader; another unit gets Forbidden.
    pub async fn request_detail(&self, actor: &Actor, id: MatterId) -> Result<RequestDetail, StoreError> {
        let (_, lead, _) = load_visible(&mut *self.pool.acquire().await?, actor, id).await?;
        let row = sqlx::query("SELECT number, channel, caller_name, phone, address, content, confidential, received_on, lat, lon, lookup_code FROM requests WHERE matter_id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        // The caller's name and phone: for those who run casework and the handling unit, not for
        // co-units or leaders.
        let full = match actor.role {
            Role::Unit(u) => lead == Some(u.0),
            r => r.may(Action::RunCasework),
        };
        let (name, phone): (String, String) = (row.try_get(2)?, row.try_get(3)?);
        let confidential = row.try_get::<i64, _>(6)? != 0;
        let hidden = confidential && actor.role == Role::Leader;
        Ok(RequestDetail {
            number: row.try_get(0)?,
            channel: Channel::label_of(&row.try_get::<String, _>(1)?).to_string(),
            caller_name: if full { name } else { name.chars().take(1).chain("*".chars()).collect() },
            phone: if full { phone } else { mask_phone(&phone) },
            // A leader does not read a confidential request's words or where it is.
            address: if hidden { String::new() } else { row.try_get(4)? },
            content: if hidden { "（保密件，内容不予显示）".into() } else { row.try_get(5)? },
            confidential,
            received_on: row.try_get(7)?,
            lat: row.try_get(8)?,
            lon: row.try_get(9)?,
            lookup_code: row.try_get::<Option<String>, _>(10)?.filter(|_| actor.role.may(Action::RunCasework)),
        })
    }

    /// The public view of requests, for the lookup page and Open311 (newest first, at most 1,000).
    pub async fn public_requests(&self, f: &PublicFilter) -> Result<Vec<PublicRequest>, StoreError> {
        let mut sql = String::from(
            "SELECT r.matter_id, r.number, m.state, r.request_type, r.category, c.name, r.content, r.address, r.place, r.confidential, r.received_on, r.received_at, r.lat, r.lon, r.media_url, r.address_id \
             FROM requests r JOIN matters m ON m.id = r.matter_id LEFT JOIN categories c ON c.code = r.category WHERE 1 = 1",
        );
        let mut binds: Vec<String> = Vec::new();
        // Each value becomes the next placeholder.
        let mut bind = |v: String| {
            binds.push(v);
            format!("${}", binds.len())
        };
        if !f.numbers.is_empty() {
            let list: Vec<String> = f.numbers.iter().map(|n| bind(n.clone())).collect();
            sql.push_str(&format!(" AND r.number IN ({})", list.join(", ")));
        }
        if !f.categories.is_empty() {
            let list: Vec<String> = f.categories.iter().map(|c| bind(c.clone())).collect();
            sql.push_str(&format!(" AND r.category IN ({})", list.join(", ")));
        }
        if let Some(d) = f.from {
            sql.push_str(&format!(" AND r.received_on >= {}", bind(d.to_string())));
        }
        if let Some(d) = f.to {
            sql.push_str(&format!(" AND r.received_on <= {}", bind(d.to_string())));
        }
        match f.open {
            Some(true) => sql.push_str(" AND m.status NOT IN ('done', 'cancelled')"),
            Some(false) => sql.push_str(" AND m.status IN ('done', 'cancelled')"),
            None => {}
        }
        // Newest received first (the day, then the order taken in).
        sql.push_str(&format!(" ORDER BY r.received_on DESC, r.matter_id DESC LIMIT {}", f.limit.clamp(1, 1000)));
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(public_row).collect()
    }

    /// One request for the public, found by its number and its query code. The same NotFound for a
    /// wrong number and a wrong code; the caller's throttling counts both.
    pub async fn lookup(&self, number: &str, secret: &str) -> Result<PublicRequest, StoreError> {
        let secret = secret.trim().to_uppercase();
        if secret.chars().count() < 6 {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query("SELECT lookup_code FROM requests WHERE number = $1")
            .bind(number.trim().to_string())
            .fetch_optional(&self.pool)
            .await?;
        let matches = match &row {
            Some(r) => r.try_get::<Option<String>, _>(0)?.is_some_and(|code| code == secret),
            None => false,
        };
        if !matches {
            return Err(StoreError::NotFound);
        }
        let filter = PublicFilter { numbers: vec![number.trim().to_string()], limit: 1, ..PublicFilter::default() };
        self.public_requests(&filter).await?.pop().ok_or(StoreError::NotFound)
    }

    /// The caller rates the reply (回访/评价) through the public lookup.
    pub async fn rate_publicly(
        &self,
        number: &str,
        secret: &str,
        satisfaction: Satisfaction,
        solved: Option<bool>,
        today: Date,
    ) -> Result<Matter, StoreError> {
        let found = self.lookup(number, secret).await?;
        let actor = self.public_actor().await?;
        let (_turn, mut tx) = self.write_tx().await?;
        // The system account may only rate: recorded directly, past the role check of `record`.
        let row = sqlx::query("SELECT state, version FROM matters WHERE id = $1")
            .bind(found.matter)
            .fetch_one(&mut *tx)
            .await?;
        let mut m: Matter = unjson(&row.try_get::<String, _>(0)?)?;
        let version: i64 = row.try_get(1)?;
        let ev = Event { on: today, actor: actor.name.clone(), change: Change::Rated { satisfaction, solved } };
        let before = m.clone();
        m.apply(&ev).map_err(|e| StoreError::Invalid(e.to_string()))?;
        super::rollups::moved(&mut tx, Some(&before), &m).await?;
        super::save(&mut tx, &m, version, Some(&before)).await?;
        append_event(&mut tx, m.id, m.version, &ev, &actor, &now_rfc3339()).await?;
        tx.commit().await?;
        Ok(m)
    }

    /// The category catalogue, by code.
    pub async fn categories(&self) -> Result<Vec<Category>, StoreError> {
        let rows = sqlx::query("SELECT code, name, parent, description FROM categories ORDER BY code")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Category {
                    code: r.try_get(0)?,
                    name: r.try_get(1)?,
                    parent: r.try_get(2)?,
                    description: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// Replaces nothing and adds the categories and their dispatch rules (category, place → unit
    /// name), all or none. The office only.
    pub async fn import_catalogue(
        &self,
        actor: &Actor,
        categories: &[Category],
        rules: &[(String, String, String)],
    ) -> Result<(), StoreError> {
        actor.require(Action::RunCasework)?;
        let (_turn, mut tx) = self.write_tx().await?;
        for c in categories {
            sqlx::query("INSERT INTO categories (code, name, parent, description) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent = excluded.parent, description = excluded.description")
                .bind(c.code.clone())
                .bind(c.name.clone())
                .bind(c.parent.clone())
                .bind(c.description.clone())
                .execute(&mut *tx)
                .await?;
        }
        for (category, place, unit) in rules {
            let id =
                sqlx::query("SELECT id FROM units WHERE name = $1").bind(unit.clone()).fetch_optional(&mut *tx).await?;
            let id: i64 = id
                .ok_or_else(|| {
                    StoreError::Invalid(format!("派单目录：没有单位“{unit}” / dispatch catalogue: no unit {unit:?}"))
                })?
                .try_get(0)?;
            sqlx::query("INSERT INTO dispatch_rules (category, place, unit_id) VALUES ($1, $2, $3) ON CONFLICT (category, place) DO UPDATE SET unit_id = excluded.unit_id")
                .bind(category.clone())
                .bind(place.clone())
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::Invalid(format!("派单目录：类别“{category}”无效 / dispatch catalogue: category {category:?}: {e}")))?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds an answer to the knowledge base (the office only).
    pub async fn add_answer(
        &self,
        actor: &Actor,
        title: &str,
        body: &str,
        category: Option<&str>,
    ) -> Result<i64, StoreError> {
        actor.require(Action::EditKnowledge)?;
        let (title, body) = (clean("标题", title, 100)?, clean("答复内容", body, 4000)?);
        if title.is_empty() || body.is_empty() {
            return Err(StoreError::Invalid("知识库条目须有标题和内容 / an answer needs a title and a text".into()));
        }
        let row =
            sqlx::query("INSERT INTO answers (title, body, category, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(title)
                .bind(body)
                .bind(category.map(str::to_string).filter(|c| !c.is_empty()))
                .bind(now_rfc3339())
                .fetch_one(&self.pool)
                .await?;
        Ok(row.try_get(0)?)
    }

    /// Answers of the knowledge base whose title or text holds every word of `query` (words split on
    /// spaces), those of `category` first; at most `limit`. (id, title, text)
    pub async fn search_answers(
        &self,
        query: &str,
        category: Option<&str>,
        limit: i64,
    ) -> Result<Vec<(i64, String, String)>, StoreError> {
        let words: Vec<String> =
            query.split_whitespace().take(5).map(|w| w.replace(['%', '_'], "")).filter(|w| !w.is_empty()).collect();
        let mut sql = String::from("SELECT id, title, body FROM answers WHERE 1 = 1");
        for i in 0..words.len() {
            sql.push_str(&format!(" AND (title LIKE ${n} OR body LIKE ${n})", n = i + 2));
        }
        sql.push_str(&format!(
            " ORDER BY CASE WHEN category = $1 THEN 0 ELSE 1 END, id LIMIT {}",
            limit.clamp(1, 1000)
        ));
        let mut q = sqlx::query(&sql).bind(category.unwrap_or("").to_string());
        for w in words {
            q = q.bind(format!("%{w}%"));
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).collect()
    }

    /// Adds an Open311 client's key (the office, or whoever runs the command line); returns the key.
    pub async fn add_api_key(&self, name: &str) -> Result<String, StoreError> {
        let key = crate::accounts::random_token();
        sqlx::query("INSERT INTO api_keys (key, name, created_at, hashed) VALUES ($1, $2, $3, 1)")
            .bind(crate::accounts::digest(&key))
            .bind(name.to_string())
            .bind(now_rfc3339())
            .execute(&self.pool)
            .await?;
        Ok(key)
    }

    /// Keys stored before keys were kept as digests (migration 0013) are digested once, at open.
    /// On SQLite the old keys' bytes are overwritten too (secure_delete, then a checkpoint into the
    /// file), so the file keeps no trace of them.
    pub(super) async fn digest_old_api_keys(&self) -> Result<(), StoreError> {
        let rows = sqlx::query("SELECT key FROM api_keys WHERE hashed = 0").fetch_all(&self.pool).await?;
        if rows.is_empty() {
            return Ok(());
        }
        let sqlite = self.backend == super::Backend::Sqlite;
        let mut conn = self.pool.acquire().await?;
        if sqlite {
            sqlx::query("PRAGMA secure_delete = ON").execute(&mut *conn).await?;
        }
        for row in rows {
            let key: String = row.try_get(0)?;
            sqlx::query("UPDATE api_keys SET key = $1, hashed = 1 WHERE key = $2 AND hashed = 0")
                .bind(crate::accounts::digest(&key))
                .bind(key)
                .execute(&mut *conn)
                .await?;
        }
        if sqlite {
            sqlx::query("PRAGMA secure_delete = OFF").execute(&mut *conn).await?;
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// The client an Open311 key belongs to, if it is one.
    pub async fn api_key(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT name FROM api_keys WHERE key = $1")
            .bind(crate::accounts::digest(key))
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some(r.try_get(0)?),
            None => None,
        })
    }

    /// Recent requests of a caller or a place, for duplicate detection: (id, received, phone,
    /// place, content).
    pub async fn recent_requests(
        &self,
        actor: &Actor,
        since: Date,
        phone: &str,
        place: Option<&str>,
    ) -> Result<Vec<(i64, Date, String, Option<String>, String)>, StoreError> {
        actor.require(Action::RunCasework)?;
        // Two index range scans, newest first: the caller's own requests, and the place's latest.
        let rows = sqlx::query(
            "SELECT * FROM (SELECT matter_id, received_on, phone, place, content FROM requests WHERE phone = $2 AND received_on >= $1 ORDER BY received_on DESC LIMIT 20) AS by_phone \
             UNION ALL SELECT * FROM (SELECT matter_id, received_on, phone, place, content FROM requests WHERE place = $3 AND received_on >= $1 ORDER BY received_on DESC LIMIT 50) AS by_place",
        )
            .bind(since.to_string())
            .bind(phone.to_string())
            .bind(place.map(str::to_string))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let on: String = r.try_get(1)?;
                Ok((r.try_get(0)?, super::parse_day(&on)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?))
            })
            .collect()
    }

    /// The additive counts of the casework the actor may see, received between `from` and `to`,
    /// grouped by `key` (unit, category, type …).
    pub async fn case_counts(
        &self,
        actor: &Actor,
        from: Date,
        to: Date,
        key: impl Fn(&Matter) -> String,
    ) -> Result<Vec<(String, CaseCounts)>, StoreError> {
        let mut groups: std::collections::BTreeMap<String, CaseCounts> = std::collections::BTreeMap::new();
        for r in self.requests_for(actor, from, to, None, i64::MAX).await? {
            groups.entry(key(&r.matter)).or_default().add(&CaseCounts::of(&r.matter));
        }
        Ok(groups.into_iter().collect())
    }
}

/// A request checked and folded, ready to be written: its matter (id not yet known), its first
/// events and its particulars.
struct Ready<'a> {
    m: Matter,
    timeline: Vec<(Event, &'a Actor)>,
    notes: String,
    particulars: Particulars,
}

/// A request's row of `requests`, but for its matter's id and number.
struct Particulars {
    channel: &'static str,
    caller: String,
    phone: String,
    address: String,
    content: String,
    request_type: &'static str,
    place: Option<String>,
    confidential: bool,
    lat: Option<String>,
    lon: Option<String>,
    received_on: String,
    received_at: String,
    code: String,
    media_url: Option<String>,
    address_id: Option<String>,
}

/// Checks a request and folds its first events (classified, its time limit, then `events`): what
/// `insert_request` and the bulk import write.
fn prepare_request<'a>(
    actor: &'a Actor,
    channel: Channel,
    r: &NewRequest,
    (today, received_at): (Date, String),
    (deadline, due_at): (Date, Option<time::PrimitiveDateTime>),
    events: &'a [(Date, Actor, Change)],
) -> Result<Ready<'a>, StoreError> {
    let content = clean("诉求内容", &r.content, 4000)?;
    if content.is_empty() {
        return Err(StoreError::Invalid("请填写诉求内容 / the request needs a description".into()));
    }
    let phone = clean("联系电话", &r.phone, 40)?;
    // A caller on the phone or the web form gives a number (it is how they look the request up);
    // a machine client may not have one.
    let needs_phone = matches!(channel, Channel::Phone | Channel::Web) || !phone.is_empty();
    if needs_phone && phone.chars().filter(char::is_ascii_digit).count() < 7 {
        return Err(StoreError::Invalid(format!("联系电话“{phone}”不完整 / the phone number {phone:?} is incomplete")));
    }
    let caller = clean("姓名", &r.caller_name, 60)?;
    let address = clean("地址", &r.address, 200)?;
    let category = clean("类别", &r.category, 20)?;
    let title: String = content.chars().take(40).collect();
    // Folded first; the row goes in with its columns as they end.
    let mut m = Matter::new(MatterId(0), MatterKind::Request, title, format!("{}受理", channel.label()), today);
    let case = CaseInfo {
        request_type: r.request_type,
        category,
        place: r.place.clone().filter(|p| !p.trim().is_empty()),
        urgent: r.urgent,
        confidential: r.confidential,
    };
    let limit = match due_at {
        Some(at) => Change::DueAt { at },
        None => Change::DeadlineSet { deadline },
    };
    let first = [(today, Change::Classified { case }), (today, limit)];
    let mut timeline = Vec::with_capacity(2 + events.len());
    for (on, who, change) in
        first.into_iter().map(|(on, c)| (on, actor, c)).chain(events.iter().map(|(on, who, c)| (*on, who, c.clone())))
    {
        let ev = Event { on, actor: who.name.clone(), change };
        m.apply(&ev).map_err(|e| StoreError::Invalid(e.to_string()))?;
        timeline.push((ev, who));
    }
    // The request's words (what the caller said, where) head its notes, which the queue searches.
    let notes = format!("{content}\n{address}\n{}", super::notes_of(timeline.iter().map(|(e, _)| &e.change)));
    let particulars = Particulars {
        channel: channel.key(),
        caller,
        phone,
        address,
        content,
        request_type: r.request_type.key(),
        place: m.case.as_ref().and_then(|c| c.place.clone()),
        confidential: r.confidential,
        lat: super::real(r.lat),
        lon: super::real(r.lon),
        received_on: today.to_string(),
        received_at,
        code: crate::accounts::lookup_code(),
        media_url: r.media_url.clone().filter(|u| !u.is_empty()),
        address_id: r.address_id.clone().filter(|a| !a.is_empty()),
    };
    Ok(Ready { m, timeline, notes, particulars })
}

/// A request's public number: the day received and its matter's id.
fn request_number(received_on: &str, id: MatterId) -> String {
    format!("{}{:07}", received_on.replace('-', ""), id.0)
}

/// One request into the ledger inside `tx` (its category checked by the caller): the matter
/// (classified, with its deadline), its particulars, and the access columns, written as the bulk
/// import writes them. Its roll-up counts are the caller's to write. Returns the matter, its
/// number and its query code.
async fn insert_request(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: super::Backend,
    actor: &Actor,
    channel: Channel,
    r: &NewRequest,
    received: (Date, String),
    due: (Date, Option<time::PrimitiveDateTime>),
) -> Result<(Matter, String, String), StoreError> {
    let ready = prepare_request(actor, channel, r, received, due, &[])?;
    let mut written = insert_requests_in_bulk(tx, backend, vec![ready]).await?;
    written.pop().ok_or_else(|| StoreError::Other("a request written and not returned".into()))
}

/// A value of a row written in bulk.
enum Val {
    I(Option<i64>),
    T(Option<String>),
}

/// Inserts `rows` under `head` (`INSERT INTO t (cols)`), about 2,000 parameters a statement (a
/// statement of tens of thousands binds far slower per parameter); each row's values go through
/// `templates` (`{}`, or a cast around it).
async fn insert_rows(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    head: &str,
    templates: &[&str],
    rows: &[Vec<Val>],
) -> Result<(), StoreError> {
    let per = (2_000 / templates.len()).max(1);
    for chunk in rows.chunks(per) {
        let mut sql = format!("{head} VALUES ");
        let mut k = 0;
        for i in 0..chunk.len() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for (j, t) in templates.iter().enumerate() {
                k += 1;
                if j > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&t.replace("{}", &format!("${k}")));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = match v {
                    Val::I(x) => q.bind(*x),
                    Val::T(x) => q.bind(x.clone()),
                };
            }
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Requests into the ledger inside `tx`, one (an intake) or thousands (a bulk import): the matters
/// with their state and key columns, their first events and their particulars, in a few multi-row
/// statements (each statement is a hop to SQLite's thread). The ids are taken first: on SQLite
/// past the table's highest (the transaction holds the write lock), on PostgreSQL from the
/// sequence. Returns each matter with its number and query code.
async fn insert_requests_in_bulk(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: super::Backend,
    ready: Vec<Ready<'_>>,
) -> Result<Vec<(Matter, String, String)>, StoreError> {
    let n = ready.len() as i64;
    if n == 0 {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = match backend {
        super::Backend::Sqlite => {
            let base: i64 = sqlx::query(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'matters'), 0), COALESCE((SELECT MAX(id) FROM matters), 0))",
            )
            .fetch_one(&mut **tx)
            .await?
            .try_get(0)?;
            (base + 1..=base + n).collect()
        }
        super::Backend::Postgres => {
            sqlx::query("SELECT nextval(pg_get_serial_sequence('matters', 'id')) FROM generate_series(1, $1)")
                .bind(n)
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|r| r.try_get::<i64, _>(0))
                .collect::<Result<_, _>>()?
        }
    };
    // The lead units named, by name (a few, however many requests).
    let names: std::collections::BTreeSet<&str> = ready.iter().filter_map(|r| r.m.lead_unit.as_deref()).collect();
    let mut units: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    if !names.is_empty() {
        let marks = (1..=names.len()).map(|k| format!("${k}")).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT name, id FROM units WHERE name IN ({marks})");
        let mut q = sqlx::query(&sql);
        for name in &names {
            q = q.bind(name.to_string());
        }
        for r in q.fetch_all(&mut **tx).await? {
            units.insert(r.try_get(0)?, r.try_get(1)?);
        }
    }
    let now = now_rfc3339();
    let (mut matters, mut events, mut requests) = (Vec::new(), Vec::new(), Vec::new());
    let mut out = Vec::with_capacity(ready.len());
    let mut co_handled = Vec::new();
    for (i, (Ready { mut m, timeline, notes, particulars: p }, id)) in ready.into_iter().zip(ids).enumerate() {
        let id = MatterId(id);
        let number = request_number(&p.received_on, id);
        m.id = id;
        m.number = Some(number.clone());
        let lead = match &m.lead_unit {
            Some(name) => Some(*units.get(name).ok_or_else(|| {
                StoreError::Invalid(format!("第{}件 / item {}: 没有单位“{name}” / no unit {name:?}", i + 1, i + 1))
            })?),
            None => None,
        };
        let k = super::Keys::of(&m);
        let (level, progress, assessed_on) = k.assessed;
        matters.push(vec![
            Val::I(Some(id.0)),
            Val::T(Some(super::kind_name(m.kind))),
            Val::T(Some(m.title.clone())),
            Val::T(Some(m.source.clone())),
            Val::I(lead),
            Val::T(Some(k.status)),
            Val::I(Some(m.version)),
            Val::T(Some(super::json(&m)?)),
            Val::T(k.deadline),
            Val::T(k.done_on),
            Val::T(Some(k.opened_on)),
            Val::T(k.section),
            Val::T(k.due_at),
            Val::T(level.map(str::to_string)),
            Val::T(progress),
            Val::T(Some(assessed_on.to_string())),
            Val::T(Some(notes)),
            Val::T(k.standard),
            Val::T(Some(number.clone())),
        ]);
        for (seq, (ev, who)) in timeline.iter().enumerate() {
            events.push(vec![
                Val::I(Some(id.0)),
                Val::I(Some(seq as i64 + 1)),
                Val::T(Some(ev.on.to_string())),
                Val::I(Some(who.user.0)),
                Val::T(Some(super::json(&ev.change)?)),
                Val::T(Some(now.clone())),
            ]);
        }
        requests.push(vec![
            Val::I(Some(id.0)),
            Val::T(Some(number.clone())),
            Val::T(Some(p.channel.to_string())),
            Val::T(Some(p.caller)),
            Val::T(Some(last_four(&p.phone))),
            Val::T(Some(p.phone)),
            Val::T(Some(p.address)),
            Val::T(Some(p.content)),
            Val::T(Some(p.request_type.to_string())),
            Val::T(m.case.as_ref().map(|c| c.category.clone())),
            Val::T(p.place),
            Val::I(Some(i64::from(p.confidential))),
            Val::T(p.lat),
            Val::T(p.lon),
            Val::T(Some(p.received_on)),
            Val::T(Some(p.received_at)),
            Val::T(Some(p.code.clone())),
            Val::T(p.media_url),
            Val::T(p.address_id),
        ]);
        if !m.co_units.is_empty() {
            co_handled.push((m.clone(), lead));
        }
        out.push((m, number, p.code));
    }
    insert_rows(
        tx,
        "INSERT INTO matters (id, kind, title, source, lead_unit_id, status, version, state, deadline, done_on, opened_on, section, due_at, level, progress, assessed_on, notes, standard, number)",
        &["{}", "{}", "{}", "{}", "{}", "{}", "{}", "{}", "{}", "{}", "{}", "{}", "{}", "COALESCE(CAST({} AS TEXT), 'green')", "CAST({} AS DOUBLE PRECISION)", "{}", "{}", "{}", "{}"],
        &matters,
    )
    .await?;
    insert_rows(tx, "INSERT INTO events (matter_id, seq, on_date, actor_id, change, recorded_at)", &["{}"; 6], &events)
        .await?;
    // (phone_last4 before phone here: the columns are named in this order below.)
    insert_rows(
        tx,
        "INSERT INTO requests (matter_id, number, channel, caller_name, phone_last4, phone, address, content, request_type, category, place, confidential, lat, lon, received_on, received_at, lookup_code, media_url, address_id)",
        &["{}", "{}", "{}", "{}", "{}", "{}", "{}", "{}", "{}", "{}", "{}", "{}", "CAST({} AS DOUBLE PRECISION)", "CAST({} AS DOUBLE PRECISION)", "{}", "{}", "{}", "{}", "{}"],
        &requests,
    )
    .await?;
    for (m, lead) in &co_handled {
        super::insert_co_units(tx, m, *lead).await?;
    }
    Ok(out)
}

/// Whether the catalogue has the category (an error naming it if not).
async fn known_category(conn: &mut sqlx::AnyConnection, category: &str) -> Result<(), StoreError> {
    let known = sqlx::query("SELECT code FROM categories WHERE code = $1")
        .bind(category.to_string())
        .fetch_optional(conn)
        .await?;
    match known {
        Some(_) => Ok(()),
        None => Err(StoreError::Invalid(format!("没有类别“{category}” / no category {category:?}"))),
    }
}

async fn suggest(
    conn: &mut sqlx::AnyConnection,
    category: &str,
    place: Option<&str>,
) -> Result<Option<(UnitId, String)>, StoreError> {
    let row = sqlx::query(
        "SELECT u.id, u.name FROM dispatch_rules d JOIN units u ON u.id = d.unit_id WHERE d.category = $1 AND (d.place = $2 OR d.place = '') ORDER BY d.place DESC LIMIT 1",
    )
    .bind(category.to_string())
    .bind(place.unwrap_or("").to_string())
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        Some(r) => Some((UnitId(r.try_get(0)?), r.try_get(1)?)),
        None => None,
    })
}

fn public_row(r: &sqlx::any::AnyRow) -> Result<PublicRequest, StoreError> {
    let m: Matter = unjson(&r.try_get::<String, _>(2)?)?;
    let confidential = r.try_get::<i64, _>(9)? != 0;
    let request_type: String = r.try_get(3)?;
    Ok(PublicRequest {
        matter: r.try_get(0)?,
        number: r.try_get(1)?,
        status: m.status,
        request_type: RequestType::parse(&request_type).unwrap_or(RequestType::Help),
        category: r.try_get(4)?,
        category_name: r.try_get(5)?,
        content: if confidential { None } else { Some(r.try_get(6)?) },
        address: if confidential { None } else { Some(r.try_get(7)?) },
        place: r.try_get(8)?,
        unit: m.lead_unit.clone(),
        received_on: r.try_get(10)?,
        received_at: r.try_get(11)?,
        deadline: m.deadline,
        reply: if confidential { None } else { m.reply.as_ref().map(|x| x.text.clone()) },
        rating: m.rating.as_ref().map(|x| x.satisfaction),
        lat: if confidential { None } else { r.try_get(12)? },
        lon: if confidential { None } else { r.try_get(13)? },
        updated_on: m.done_on.or(m.reply.as_ref().map(|x| x.on)).or(m.dispatched_on),
        confidential,
        media_url: r.try_get(14)?,
        address_id: r.try_get(15)?,
    })
}
