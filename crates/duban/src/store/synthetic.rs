//! Synthetic requests in bulk, for the metrics benchmark (`duban bench metrics`): millions of
//! requests written by SQL in a few statements (SQLite only), with their roll-ups computed from the
//! same fates in SQL. The ledger must have no requests yet. Each request's fate is a fixed function of its number, so the figures
//! are the same on every run. Not for real ledgers: the matters carry a minimal state.

use super::{Backend, Store, StoreError};

impl Store {
    /// Writes `n` synthetic requests received over the 365 days from `first_day`, across the
    /// categories and dispatch rules in the ledger and the given places, with their roll-ups.
    pub async fn synthesize_requests(
        &self,
        n: u64,
        first_day: time::Date,
        places: &[String],
    ) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Invalid("synthetic requests are written on SQLite only".into()));
        }
        let (_turn, mut tx) = self.write_tx().await?;
        // Millions of rows go in faster with the tables' indexes built once afterwards, from their
        // own definitions, than kept up row by row.
        let indexes: Vec<(String, String)> = sqlx::query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('matters', 'requests')",
        )
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| Ok((sqlx::Row::try_get(r, 0)?, sqlx::Row::try_get(r, 1)?)))
        .collect::<Result<_, StoreError>>()?;
        for (name, _) in &indexes {
            sqlx::query(&format!("DROP INDEX {name}")).execute(&mut *tx).await?;
        }
        let statements = [
            "CREATE TEMP TABLE syn_categories AS SELECT ROW_NUMBER() OVER (ORDER BY c.code) - 1 AS i, c.code AS code, c.name AS name, COALESCE(u.name, '') AS unit \
             FROM categories c LEFT JOIN dispatch_rules d ON d.category = c.code AND d.place = '' LEFT JOIN units u ON u.id = d.unit_id WHERE c.parent IS NOT NULL".to_string(),
            "CREATE TEMP TABLE syn_places (i INTEGER PRIMARY KEY, place TEXT NOT NULL)".to_string(),
            format!(
                "INSERT INTO syn_places (i, place) VALUES {}",
                places.iter().enumerate().map(|(i, p)| format!("({i}, '{}')", p.replace('\'', "''"))).collect::<Vec<_>>().join(", ")
            ),
            "CREATE TEMP TABLE syn_types (i INTEGER PRIMARY KEY, key TEXT NOT NULL)".to_string(),
            "INSERT INTO syn_types (i, key) VALUES (0, 'consultation'), (1, 'help'), (2, 'complaint'), (3, 'report'), (4, 'suggestion'), (5, 'praise')".to_string(),
            format!(
                "CREATE TEMP TABLE syn AS WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {n}) \
                 SELECT n, date('{first_day}', '+' || (n % 365) || ' days') AS day, c.code AS category, c.name AS category_name, c.unit AS unit, p.place AS place, t.key AS request_type, \
                 (n % 10 != 0) AS dispatched, (n % 37 = 0) AS returned, (n % 10 != 0 AND n % 200 != 0) AS replied, (n % 300 != 0) AS closed, \
                 (n % 300 != 0 AND n % 17 != 0) AS closed_on_time, (n % 5 != 0) AS rated, (n % 5 != 0 AND n % 11 != 0) AS satisfied, \
                 (n % 5 != 0 AND n % 11 = 0 AND n % 2 = 0) AS basic, (n % 5 != 0) AS solved_known, (n % 5 != 0 AND n % 13 != 0) AS solved, (n % 50 = 0) AS reopened \
                 FROM seq JOIN syn_categories c ON c.i = n % (SELECT COUNT(*) FROM syn_categories) \
                 JOIN syn_places p ON p.i = (n / 7) % (SELECT COUNT(*) FROM syn_places) JOIN syn_types t ON t.i = n % 6"
            ),
            // The key columns lists read are written with the matters: the day opened, the
            // deadline (five days on), the lead unit, and the warning (closed: green for good; open:
            // to be assessed).
            "INSERT INTO matters (kind, title, source, status, version, state, opened_on, deadline, lead_unit_id, level, assessed_on, notes) \
             SELECT 'request', '合成诉求', 'synthetic', CASE WHEN closed THEN 'done' ELSE 'open' END, 4, \
             json_object('id', 0, 'kind', 'request', 'title', '合成诉求', 'source', 'synthetic', 'parent', NULL, 'weight', 1.0, 'created_on', day, \
             'status', CASE WHEN closed THEN 'done' ELSE 'open' END, 'lead_unit', NULLIF(unit, ''), 'co_units', json('[]'), 'deadline', date(day, '+5 days'), 'standard', NULL, \
             'milestones', json('[]'), 'latest_value', NULL, 'latest_percent', NULL, 'last_report_on', NULL, 'done_on', NULL, 'reminders', 0, 'escalations', 0, \
             'case', json_object('request_type', request_type, 'category', category, 'place', place, 'urgent', json('false'), 'confidential', json('false')), 'version', 4), \
             day, date(day, '+5 days'), (SELECT id FROM units WHERE name = unit), 'green', CASE WHEN closed THEN '9999-12-31' ELSE '' END, \
             place || '第' || (n % 97) || '小区' || category_name || '问题，请尽快处理' || char(10) || char(10) \
             FROM syn ORDER BY n".to_string(),
            "INSERT INTO requests (matter_id, number, channel, caller_name, phone, phone_last4, address, content, request_type, category, place, confidential, lat, lon, received_on, received_at) \
             SELECT m.id, replace(s.day, '-', '') || printf('%07d', m.id), 'synthetic', '', '139' || printf('%08d', s.n % 3000000), printf('%04d', s.n % 10000), '', s.place || '第' || (s.n % 97) || '小区' || s.category_name || '问题，请尽快处理', s.request_type, s.category, s.place, 0, NULL, NULL, s.day, s.day || 'T09:00:00+08:00' \
             FROM syn s JOIN matters m ON m.source = 'synthetic' AND m.id = (SELECT MIN(id) FROM matters WHERE source = 'synthetic') + s.n - 1".to_string(),
            "UPDATE matters SET state = json_set(state, '$.id', id, '$.number', replace(opened_on, '-', '') || printf('%07d', id)), \
             number = replace(opened_on, '-', '') || printf('%07d', id) WHERE source = 'synthetic'".to_string(),
            "INSERT INTO case_rollups SELECT day, unit, category, request_type, COUNT(*), SUM(dispatched), SUM(returned), SUM(replied), SUM(closed), SUM(closed_on_time), \
             SUM(rated), SUM(satisfied), SUM(basic), SUM(solved_known), SUM(solved), SUM(reopened) FROM syn GROUP BY day, unit, category, request_type".to_string(),
            "INSERT INTO place_rollups SELECT day, unit, place, COUNT(*), SUM(dispatched), SUM(returned), SUM(replied), SUM(closed), SUM(closed_on_time), \
             SUM(rated), SUM(satisfied), SUM(basic), SUM(solved_known), SUM(solved), SUM(reopened) FROM syn GROUP BY day, unit, place".to_string(),
            "INSERT INTO case_rollups_month SELECT substr(day, 1, 7), unit, category, request_type, SUM(received), SUM(dispatched), SUM(returned), SUM(replied), SUM(closed), SUM(closed_on_time), SUM(rated), SUM(satisfied), SUM(basic), SUM(solved_known), SUM(solved), SUM(reopened) FROM case_rollups GROUP BY substr(day, 1, 7), unit, category, request_type".to_string(),
            "INSERT INTO place_rollups_month SELECT substr(day, 1, 7), unit, place, SUM(received), SUM(dispatched), SUM(returned), SUM(replied), SUM(closed), SUM(closed_on_time), SUM(rated), SUM(satisfied), SUM(basic), SUM(solved_known), SUM(solved), SUM(reopened) FROM place_rollups GROUP BY substr(day, 1, 7), unit, place".to_string(),
            "DROP TABLE syn".to_string(),
            "DROP TABLE syn_categories".to_string(),
            "DROP TABLE syn_places".to_string(),
            "DROP TABLE syn_types".to_string(),
        ];
        for sql in statements {
            sqlx::query(&sql).execute(&mut *tx).await?;
        }
        for (_, sql) in &indexes {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The number of the `k`-th synthetic request (for the benchmarks' searches).
    pub async fn synthetic_number(&self, k: u64) -> Result<String, StoreError> {
        let row =
            sqlx::query("SELECT number FROM requests WHERE channel = 'synthetic' ORDER BY matter_id LIMIT 1 OFFSET $1")
                .bind(k as i64)
                .fetch_one(&self.pool)
                .await?;
        Ok(sqlx::Row::try_get(&row, 0)?)
    }
}
