//! Roll-ups of casework: each change of a request moves its additive counts (duban-core's
//! `CaseCounts`) from the roll-up row it was counted in to the one it is counted in now, in the
//! change's own transaction. The metrics read sums of roll-up rows, never the requests themselves.
//! `Store::case_counts` (which folds the requests) is kept as the reference the roll-ups are
//! tested against.

use duban_core::access::Action;
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
    // By day, and by month (a year's figures sum twelve months' rows, not 365 days').
    let month = k.0.get(..7).unwrap_or(&k.0).to_string();
    let tables: [(&str, Vec<(&str, &String)>); 4] = [
        ("case_rollups", vec![("day", &k.0), ("unit", &k.1), ("category", &k.2), ("request_type", &k.3)]),
        ("place_rollups", vec![("day", &k.0), ("unit", &k.1), ("place", &k.4)]),
        ("case_rollups_month", vec![("month", &month), ("unit", &k.1), ("category", &k.2), ("request_type", &k.3)]),
        ("place_rollups_month", vec![("month", &month), ("unit", &k.1), ("place", &k.4)]),
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

/// Counts of many new requests, summed by where they are counted, written at the end of a bulk
/// import with one upsert per place instead of two per request.
#[derive(Default)]
pub(super) struct Pending(std::collections::BTreeMap<Key, [i64; 12]>);

impl Pending {
    pub(super) fn add(&mut self, m: &Matter) {
        let Some(k) = key(m) else { return };
        let c = counts(&CaseCounts::of(m));
        let slot = self.0.entry(k).or_insert([0; 12]);
        for i in 0..12 {
            slot[i] += c[i];
        }
    }

    pub(super) async fn write(self, tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<(), StoreError> {
        for (k, delta) in &self.0 {
            upsert(tx, k, *delta).await?;
        }
        Ok(())
    }
}

impl Store {
    /// The casework counts of requests received between `from` and `to`, from the roll-ups,
    /// grouped `by` unit, category, type, place or month (a unit account sees its own requests).
    /// Whole months are read from the monthly roll-ups, the days at either end from the daily ones.
    pub async fn rollup_counts(
        &self,
        actor: &Actor,
        from: Date,
        to: Date,
        by: &str,
    ) -> Result<Vec<(String, CaseCounts)>, StoreError> {
        actor.require(Action::ReadMetrics)?;
        let unit_name = match actor.role {
            Role::Unit(u) => {
                let row = sqlx::query("SELECT name FROM units WHERE id = $1").bind(u.0).fetch_one(&self.pool).await?;
                Some(row.try_get::<String, _>(0)?)
            }
            _ => None,
        };
        let mut sums: std::collections::BTreeMap<String, [i64; 12]> = std::collections::BTreeMap::new();
        for (span, monthly) in spans(from, to, by == "day") {
            let (table, group, first, last) = match (by, monthly) {
                ("place", false) => ("place_rollups", "place", span.0.to_string(), span.1.to_string()),
                ("place", true) => ("place_rollups_month", "place", month_key(span.0), month_key(span.1)),
                (_, false) => ("case_rollups", group_column(by, "day"), span.0.to_string(), span.1.to_string()),
                (_, true) => ("case_rollups_month", group_column(by, "month"), month_key(span.0), month_key(span.1)),
            };
            let column = if monthly { "month" } else { "day" };
            let summed = COLUMNS.iter().map(|c| format!("CAST(SUM({c}) AS BIGINT)")).collect::<Vec<_>>().join(", ");
            let unit_filter = if unit_name.is_some() { " AND unit = $3" } else { "" };
            let sql = format!(
                "SELECT {group} AS k, {summed} FROM {table} WHERE {column} >= $1 AND {column} <= $2{unit_filter} GROUP BY {group}"
            );
            let mut q = sqlx::query(&sql).bind(first).bind(last);
            if let Some(u) = &unit_name {
                q = q.bind(u.clone());
            }
            for r in q.fetch_all(&self.pool).await? {
                let k: String = r.try_get(0)?;
                let slot = sums.entry(k).or_insert([0; 12]);
                for (i, v) in slot.iter_mut().enumerate() {
                    *v += r.try_get::<i64, _>(i + 1)?;
                }
            }
        }
        Ok(sums.into_iter().map(|(k, v)| (k, from_sums(&v))).filter(|(_, c)| *c != CaseCounts::default()).collect())
    }
}

/// The column a grouping reads: the unit, category or type, or the month of a day (or a month).
fn group_column(by: &str, time: &'static str) -> &'static str {
    match (by, time) {
        ("category", _) => "category",
        ("type", _) => "request_type",
        ("month", "day") => "substr(day, 1, 7)",
        ("month", _) => "month",
        ("day", _) => "day",
        _ => "unit",
    }
}

fn month_key(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month() as u8)
}

/// A period cut into the spans the roll-ups are read by: (first, last, whole months?). Whole
/// calendar months inside it come from the monthly roll-ups; the days before the first and after
/// the last from the daily ones. `by_day` keeps it all daily.
fn spans(from: Date, to: Date, by_day: bool) -> Vec<((Date, Date), bool)> {
    if from > to {
        return Vec::new();
    }
    let first_of = |d: Date| d.replace_day(1).unwrap_or(d);
    let next_month = |d: Date| {
        let first = first_of(d);
        let (y, m) = if first.month() == time::Month::December {
            (first.year() + 1, time::Month::January)
        } else {
            (first.year(), first.month().next())
        };
        Date::from_calendar_date(y, m, 1).unwrap_or(first)
    };
    // The first whole month begins on `from` if it is the 1st, else the month after.
    let start = if from.day() == 1 { from } else { next_month(from) };
    // The last whole month ends on `to` if it is its month's last day, else the month before.
    let end_next = if next_month(to) - time::Duration::DAY == to { next_month(to) } else { first_of(to) };
    if by_day || start >= end_next {
        return vec![((from, to), false)];
    }
    let mut out = Vec::new();
    if from < start {
        out.push(((from, start - time::Duration::DAY), false));
    }
    out.push(((start, end_next - time::Duration::DAY), true));
    if end_next <= to {
        out.push(((end_next, to), false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::spans;
    use time::macros::date;

    #[test]
    fn periods_are_cut_into_whole_months_and_days() {
        assert_eq!(
            spans(date!(2019 - 01 - 01), date!(2019 - 12 - 31), false),
            vec![((date!(2019 - 01 - 01), date!(2019 - 12 - 31)), true)]
        );
        assert_eq!(
            spans(date!(2019 - 01 - 15), date!(2019 - 03 - 10), false),
            vec![
                ((date!(2019 - 01 - 15), date!(2019 - 01 - 31)), false),
                ((date!(2019 - 02 - 01), date!(2019 - 02 - 28)), true),
                ((date!(2019 - 03 - 01), date!(2019 - 03 - 10)), false),
            ]
        );
        assert_eq!(
            spans(date!(2019 - 06 - 24), date!(2019 - 06 - 30), false),
            vec![((date!(2019 - 06 - 24), date!(2019 - 06 - 30)), false)]
        );
        assert_eq!(
            spans(date!(2019 - 12 - 01), date!(2020 - 01 - 05), false),
            vec![
                ((date!(2019 - 12 - 01), date!(2019 - 12 - 31)), true),
                ((date!(2020 - 01 - 01), date!(2020 - 01 - 05)), false),
            ]
        );
        assert_eq!(
            spans(date!(2019 - 01 - 01), date!(2019 - 12 - 31), true),
            vec![((date!(2019 - 01 - 01), date!(2019 - 12 - 31)), false)]
        );
        assert!(spans(date!(2019 - 02 - 01), date!(2019 - 01 - 01), false).is_empty());
    }
}
