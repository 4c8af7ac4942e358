//! Roll-ups of casework: each change of a request moves its additive counts (duban-core's
//! `CaseCounts`) from the roll-up row it was counted in to the one it is counted in now, in the
//! change's own transaction. The metrics read sums of roll-up rows, never the requests themselves.
//! `Store::case_counts` (which folds the requests) is kept as the reference the roll-ups are
//! tested against.

use duban_core::casework::CaseCounts;
use duban_core::matter::Matter;
use sqlx::Row;
use time::Date;

use super::{Actor, Role, Store, StoreError};

const COLUMNS: [&str; 12] = [
    "received",
    "dispatched",
    "returned",
    "replied",
    "closed",
    "closed_on_time",
    "rated",
    "satisfied",
    "basic",
    "solved_known",
    "solved",
    "reopened",
];

fn counts(c: &CaseCounts) -> [i64; 12] {
    [
        c.received,
        c.dispatched,
        c.returned,
        c.replied,
        c.closed,
        c.closed_on_time,
        c.rated,
        c.satisfied,
        c.basic,
        c.solved_known,
        c.solved,
        c.reopened,
    ]
    .map(|n| n as i64)
}

fn from_sums(v: &[i64]) -> CaseCounts {
    let n = |i: usize| v.get(i).copied().unwrap_or(0).max(0) as u64;
    CaseCounts {
        received: n(0),
        dispatched: n(1),
        returned: n(2),
        replied: n(3),
        closed: n(4),
        closed_on_time: n(5),
        rated: n(6),
        satisfied: n(7),
        basic: n(8),
        solved_known: n(9),
        solved: n(10),
        reopened: n(11),
    }
}

/// Where a request is counted: (day received, unit, category, type, place).
type Key = (String, String, String, String, String);

fn key(m: &Matter) -> Option<Key> {
    let case = m.case.as_ref()?;
    Some((
        m.created_on.to_string(),
        m.lead_unit.clone().unwrap_or_default(),
        case.category.clone(),
        case.request_type.key().to_string(),
        case.place.clone().unwrap_or_default(),
    ))
}

async fn upsert(tx: &mut sqlx::Transaction<'static, sqlx::Any>, k: &Key, delta: [i64; 12]) -> Result<(), StoreError> {
    if delta.iter().all(|d| *d == 0) {
        return Ok(());
    }
    let tables: [(&str, Vec<(&str, &String)>); 2] = [
        ("case_rollups", vec![("day", &k.0), ("unit", &k.1), ("category", &k.2), ("request_type", &k.3)]),
        ("place_rollups", vec![("day", &k.0), ("unit", &k.1), ("place", &k.4)]),
    ];
    for (table, dims) in tables {
        let names = dims.iter().map(|d| d.0).collect::<Vec<_>>().join(", ");
        let placeholders = (1..=dims.len() + 12).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let sets = COLUMNS.iter().map(|c| format!("{c} = {table}.{c} + excluded.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "INSERT INTO {table} ({names}, {}) VALUES ({placeholders}) ON CONFLICT ({names}) DO UPDATE SET {sets}",
            COLUMNS.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (_, v) in &dims {
            q = q.bind((*v).clone());
        }
        for d in delta {
            q = q.bind(d);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Moves a request's counts from where `before` was counted to where `after` is, inside `tx`.
/// Matters that are not casework are not counted.
pub(super) async fn moved(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    before: Option<&Matter>,
    after: &Matter,
) -> Result<(), StoreError> {
    let old = before.and_then(|b| key(b).map(|k| (k, counts(&CaseCounts::of(b)))));
    let Some(new_key) = key(after) else { return Ok(()) };
    let new = counts(&CaseCounts::of(after));
    match old {
        Some((old_key, old)) if old_key == new_key => {
            let mut d = [0i64; 12];
            for i in 0..12 {
                d[i] = new[i] - old[i];
            }
            upsert(tx, &new_key, d).await
        }
        Some((old_key, old)) => {
            upsert(tx, &old_key, old.map(|n| -n)).await?;
            upsert(tx, &new_key, new).await
        }
        None => upsert(tx, &new_key, new).await,
    }
}

impl Store {
    /// The casework counts of requests received between `from` and `to`, from the roll-ups,
    /// grouped `by` unit, category, type, place or month (a unit account sees its own requests).
    pub async fn rollup_counts(
        &self,
        actor: &Actor,
        from: Date,
        to: Date,
        by: &str,
    ) -> Result<Vec<(String, CaseCounts)>, StoreError> {
        let (table, group) = match by {
            "category" => ("case_rollups", "category"),
            "type" => ("case_rollups", "request_type"),
            "place" => ("place_rollups", "place"),
            "month" => ("case_rollups", "substr(day, 1, 7)"),
            "day" => ("case_rollups", "day"),
            _ => ("case_rollups", "unit"),
        };
        let sums = COLUMNS.iter().map(|c| format!("CAST(SUM({c}) AS BIGINT)")).collect::<Vec<_>>().join(", ");
        let (unit_filter, unit_name) = match actor.role {
            Role::Unit(u) => {
                let row = sqlx::query("SELECT name FROM units WHERE id = $1").bind(u.0).fetch_one(&self.pool).await?;
                (" AND unit = $3", Some(row.try_get::<String, _>(0)?))
            }
            _ => ("", None),
        };
        let sql = format!(
            "SELECT {group} AS k, {sums} FROM {table} WHERE day >= $1 AND day <= $2{unit_filter} GROUP BY {group} ORDER BY {group}"
        );
        let mut q = sqlx::query(&sql).bind(from.to_string()).bind(to.to_string());
        if let Some(u) = unit_name {
            q = q.bind(u);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let k: String = r.try_get(0)?;
                let v: Vec<i64> = (1..=12).map(|i| r.try_get::<i64, _>(i)).collect::<Result<_, _>>()?;
                Ok((k, from_sums(&v)))
            })
            .filter(|x: &Result<(String, CaseCounts), StoreError>| {
                x.as_ref().map_or(true, |(_, c)| *c != CaseCounts::default())
            })
            .collect()
    }
}
