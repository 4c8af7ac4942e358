//! The register of issued bulletins (督查通报): each issue numbered per year (第N期), with its
//! issuing office, date and period, and its .docx kept exactly as issued, so that 第12期 can be
//! downloaded again unchanged however the ledger moves on. The office issues; every signed-in
//! account reads them (a bulletin is sent to all units).

use duban_core::access::Action;
use sqlx::Row;
use time::Date;

use super::{Actor, Store, StoreError, now_rfc3339, parse_day};

/// A bulletin to issue: its year, title, issuing office and date, and the period it covers.
#[derive(Debug, Clone)]
pub struct NewBulletin {
    pub year: i32,
    pub title: String,
    pub issuer: String,
    pub issued_on: Date,
    pub from: Date,
    pub to: Date,
}

/// An issued bulletin as the register lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuedBulletin {
    pub id: i64,
    pub year: i32,
    pub number: i64,
    pub title: String,
    pub issuer: String,
    pub issued_on: Date,
    pub from: Date,
    pub to: Date,
    pub issued_by: String,
    pub size: i64,
}

impl IssuedBulletin {
    /// 2019年第3期
    pub fn issue(&self) -> String {
        format!("{}年第{}期", self.year, self.number)
    }
}

const COLUMNS: &str = "b.id, b.year, b.number, b.title, b.issuer, b.issued_on, b.period_from, b.period_to, us.display_name, LENGTH(b.document)";

fn issued(r: &sqlx::any::AnyRow) -> Result<IssuedBulletin, StoreError> {
    Ok(IssuedBulletin {
        id: r.try_get(0)?,
        year: r.try_get::<i64, _>(1)? as i32,
        number: r.try_get(2)?,
        title: r.try_get(3)?,
        issuer: r.try_get(4)?,
        issued_on: parse_day(&r.try_get::<String, _>(5)?)?,
        from: parse_day(&r.try_get::<String, _>(6)?)?,
        to: parse_day(&r.try_get::<String, _>(7)?)?,
        issued_by: r.try_get(8)?,
        size: r.try_get::<Option<i64>, _>(9)?.unwrap_or(0),
    })
}

impl Store {
    /// Issues a bulletin: takes the year's next number, has `document` made for it (第N期 is
    /// printed in it) and keeps both, in one transaction. The office only.
    pub async fn issue_bulletin(
        &self,
        actor: &Actor,
        b: &NewBulletin,
        document: impl FnOnce(i64) -> Result<Vec<u8>, String>,
    ) -> Result<IssuedBulletin, StoreError> {
        actor.require(Action::IssueBulletins)?;
        if b.from > b.to {
            return Err(StoreError::Invalid("起始日期晚于截止日期 / the period starts after it ends".into()));
        }
        let (_turn, mut tx) = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO counters (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
        )
        .bind(format!("bulletin-{}", b.year))
        .fetch_one(&mut *tx)
        .await?;
        let number: i64 = row.try_get(0)?;
        let bytes = document(number).map_err(StoreError::Other)?;
        let row = sqlx::query(
            "INSERT INTO bulletins (year, number, title, issuer, issued_on, period_from, period_to, document, issued_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(i64::from(b.year))
        .bind(number)
        .bind(b.title.clone())
        .bind(b.issuer.clone())
        .bind(b.issued_on.to_string())
        .bind(b.from.to_string())
        .bind(b.to.to_string())
        .bind(bytes.clone())
        .bind(actor.user.0)
        .bind(now_rfc3339())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get(0)?;
        tx.commit().await?;
        Ok(IssuedBulletin {
            id,
            year: b.year,
            number,
            title: b.title.clone(),
            issuer: b.issuer.clone(),
            issued_on: b.issued_on,
            from: b.from,
            to: b.to,
            issued_by: actor.name.clone(),
            size: bytes.len() as i64,
        })
    }

    /// The register, newest first.
    pub async fn bulletins(&self, actor: &Actor) -> Result<Vec<IssuedBulletin>, StoreError> {
        actor.require(Action::ReadLedger)?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM bulletins b JOIN users us ON us.id = b.issued_by ORDER BY b.year DESC, b.number DESC"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(issued).collect()
    }

    /// One issued bulletin and its document, as issued.
    pub async fn bulletin(&self, actor: &Actor, id: i64) -> Result<(IssuedBulletin, Vec<u8>), StoreError> {
        actor.require(Action::ReadLedger)?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS}, b.document FROM bulletins b JOIN users us ON us.id = b.issued_by WHERE b.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok((issued(&row)?, row.try_get(10)?))
    }
}
