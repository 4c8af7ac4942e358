//! The office's verbs beyond a single change: splitting a matter into sub-matters (1 → N),
//! special campaigns (专项督查), evidence files, and the unit webhooks' outbox. Each is one
//! transaction and leaves its trace in the timelines it touches.

use duban_core::access::Action;
use duban_core::matter::{Attachment, CampaignRef, Change, Matter, MatterId, Share};
use sqlx::Row;
use time::Date;

/// What `Store::family` reads.
#[derive(Debug, Clone)]
pub struct Family {
    pub matter: Matter,
    pub timeline: Vec<duban_core::Event>,
    pub children: Vec<MatterRow>,
    pub responsible: bool,
}

use super::{
    Actor, Campaign, Delivery, MAX_ATTACHMENT_BYTES, MatterRow, NewMatter, NewShare, Role, Store, StoreError, UnitId,
    load_visible, now_rfc3339, record_tx,
};

/// What an evidence file is, from its first bytes; only these kinds are accepted.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    const KINDS: &[(&[u8], &str)] = &[
        (b"\xFF\xD8\xFF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"%PDF-", "application/pdf"),
        (b"PK\x03\x04", "application/zip"),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "application/x-ole-storage"),
    ];
    KINDS.iter().find(|(magic, _)| bytes.starts_with(magic)).map(|(_, mime)| *mime)
}

/// The type an evidence file is served as: its sniffed kind, refined by its name for the Office
/// formats (which are zip or OLE containers).
fn evidence_mime(name: &str, bytes: &[u8]) -> Result<&'static str, StoreError> {
    let lower = name.to_lowercase();
    let ext = lower.rsplit('.').next().unwrap_or("");
    let refused = || {
        StoreError::Invalid(format!(
            "“{name}”不是可接受的佐证材料（限 JPG、PNG、PDF、Word、Excel）/ {name:?} is not an accepted evidence file (JPG, PNG, PDF, Word, Excel)"
        ))
    };
    match (sniff(bytes).ok_or_else(refused)?, ext) {
        ("application/zip", "docx") => Ok("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("application/zip", "xlsx") => Ok("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("application/x-ole-storage", "doc") => Ok("application/msword"),
        ("application/x-ole-storage", "xls") => Ok("application/vnd.ms-excel"),
        ("application/zip" | "application/x-ole-storage", _) => Err(refused()),
        (mime, _) => Ok(mime),
    }
}

/// An evidence file checked for its name, size and type (by its bytes), as it will be recorded.
fn evidence(name: &str, bytes: &[u8]) -> Result<Attachment, StoreError> {
    let name: String = name.rsplit(['/', '\\']).next().unwrap_or("").trim().chars().take(120).collect();
    if name.is_empty() {
        return Err(StoreError::Invalid("佐证材料须有文件名 / the evidence file needs a name".into()));
    }
    if bytes.is_empty() || bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(StoreError::Invalid(format!(
            "“{name}”大小为{}字节，须在1字节至10MB之间 / {name:?} is {} bytes; evidence must be 1 byte to 10 MB",
            bytes.len(),
            bytes.len()
        )));
    }
    let mime = evidence_mime(&name, bytes)?;
    Ok(Attachment {
        id: crate::accounts::random_token()[..24].to_string(),
        name,
        mime: mime.to_string(),
        size: bytes.len() as u64,
    })
}

impl Store {
    /// Splits a matter into sub-matters (1 → N), one per share: each its own unit, share of the
    /// standard and deadline. The parent records the split; each child starts with `SplitFrom`.
    /// Shares must be positive and add up to at most 1.
    pub async fn split(
        &self,
        actor: &Actor,
        id: MatterId,
        expected_version: i64,
        shares: &[NewShare],
        follow_worst: bool,
        today: Date,
    ) -> Result<Matter, StoreError> {
        actor.require(Action::SuperviseLedger)?;
        if shares.is_empty() {
            return Err(StoreError::Invalid("请至少拆分出一项子事项 / give at least one share".into()));
        }
        let total: f64 = shares.iter().map(|s| s.weight).sum();
        if shares.iter().any(|s| !s.weight.is_finite() || s.weight <= 0.0) || total > 1.0 + 1e-9 {
            return Err(StoreError::Invalid(format!(
                "各子事项份额须为正数，合计不超过100%（现为{:.1}%）/ shares must be positive and add up to at most 100% (now {:.1}%)",
                total * 100.0,
                total * 100.0
            )));
        }
        let (_turn, mut tx) = self.write_tx().await?;
        let (parent, _, _) = load_visible(&mut tx, actor, id).await?;
        // The parent's row is locked (on PostgreSQL) before its children are numbered, so two
        // splits of it queue and the second meets a changed version.
        let locked = sqlx::query("UPDATE matters SET version = version WHERE id = $1 AND version = $2")
            .bind(id.0)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?;
        if locked.rows_affected() != 1 || parent.version != expected_version {
            let now: i64 = sqlx::query("SELECT version FROM matters WHERE id = $1")
                .bind(id.0)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            return Err(StoreError::Conflict { current_version: now });
        }
        let row = sqlx::query("SELECT report_id, source_start, source_end FROM matters WHERE id = $1")
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?;
        let report_id: Option<i64> = row.try_get(0)?;
        let span = match (row.try_get::<Option<i64>, _>(1)?, row.try_get::<Option<i64>, _>(2)?) {
            (Some(s), Some(e)) => Some((s, e)),
            _ => None,
        };
        let made_before: i64 = sqlx::query("SELECT COUNT(*) FROM matters WHERE parent_id = $1")
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let mut made = Vec::with_capacity(shares.len());
        for (k, share) in shares.iter().enumerate() {
            let number = parent.number.as_ref().map(|n| format!("{n}-{}", made_before + k as i64 + 1));
            let unit = self.unit_names(&mut tx, std::iter::once(share.unit)).await?.remove(0);
            let nm = NewMatter {
                kind: parent.kind,
                title: format!("{}（{unit}）", parent.title),
                source: parent.source.clone(),
                span,
                lead_unit: Some(share.unit),
                co_units: Vec::new(),
                deadline: share.deadline.or(parent.deadline),
                standard: parent.standard.as_ref().map(|s| s.share(share.weight)),
                section: parent.section.clone(),
            };
            let origin = super::Origin { report: report_id, parent: Some((id, share.weight)), number };
            let child = self.insert_matter(&mut tx, actor, &nm, origin, today).await?;
            made.push(Share { matter: child.id, unit, weight: share.weight });
        }
        let m =
            record_tx(&mut tx, actor, id, Some(expected_version), today, Change::Split { shares: made, follow_worst })
                .await?;
        tx.commit().await?;
        Ok(m)
    }

    /// Whether the actor is a unit responsible for the matter (its lead or a co-unit): one who
    /// reports on it, rather than one who only sees it.
    /// A matter as its page shows it, read once on one connection: the matter, its timeline, the
    /// sub-matters the actor may see (in the order they were made), and whether the actor is a unit
    /// responsible for it (lead or co-unit: one who reports on it, rather than one who only sees it).
    pub async fn family(&self, actor: &Actor, id: MatterId) -> Result<Family, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let (mut matter, lead, co) = load_visible(&mut conn, actor, id).await?;
        let responsible = matches!(actor.role, Role::Unit(u) if lead == Some(u.0) || co.contains(&u.0));
        let mut timeline = super::events_of(&mut conn, id).await?;
        super::mask_confidential(actor, &mut matter, &mut timeline);
        let mut children = Vec::with_capacity(matter.children.len());
        for share in &matter.children {
            match load_visible(&mut conn, actor, share.matter).await {
                Ok((m, _, _)) => children.push(MatterRow { lead_unit_name: m.lead_unit.clone(), matter: m }),
                Err(StoreError::Forbidden | StoreError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Family { matter, timeline, children, responsible })
    }

    /// Attaches an evidence file to a matter (size- and type-checked), recording it in the
    /// timeline. The file is kept in the ledger itself, so a backup of the database is complete.
    pub async fn attach(
        &self,
        actor: &Actor,
        id: MatterId,
        expected_version: i64,
        name: &str,
        bytes: &[u8],
        today: Date,
    ) -> Result<Matter, StoreError> {
        self.record_with_evidence(actor, id, expected_version, today, None, &[(name.to_string(), bytes.to_vec())]).await
    }

    /// Evidence files and a change (progress with a photo, an application for sign-off with its
    /// documents) in one transaction: all of it is recorded, or none. Either may be absent.
    pub async fn record_with_evidence(
        &self,
        actor: &Actor,
        id: MatterId,
        expected_version: i64,
        on: Date,
        change: Option<Change>,
        files: &[(String, Vec<u8>)],
    ) -> Result<Matter, StoreError> {
        let mut checked = Vec::with_capacity(files.len());
        for (name, bytes) in files {
            checked.push(evidence(name, bytes)?);
        }
        let (_turn, mut tx) = self.write_tx().await?;
        let mut version = expected_version;
        let mut m = None;
        for (attachment, (_, bytes)) in checked.into_iter().zip(files) {
            let after = record_tx(
                &mut tx,
                actor,
                id,
                Some(version),
                on,
                Change::EvidenceAttached { attachment: attachment.clone() },
            )
            .await?;
            version = after.version;
            m = Some(after);
            sqlx::query("INSERT INTO attachments (id, matter_id, name, mime, size, content, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(attachment.id.clone())
                .bind(id.0)
                .bind(attachment.name.clone())
                .bind(attachment.mime.clone())
                .bind(bytes.len() as i64)
                .bind(bytes.clone())
                .bind(actor.user.0)
                .bind(now_rfc3339())
                .execute(&mut *tx)
                .await?;
        }
        if let Some(change) = change {
            let change = self.reviewed(&mut tx, actor, id, on, change).await?;
            m = Some(record_tx(&mut tx, actor, id, Some(version), on, change).await?);
        }
        let m = m.ok_or_else(|| StoreError::Invalid("没有要记录的内容 / nothing to record".into()))?;
        tx.commit().await?;
        Ok(m)
    }

    /// An evidence file of a matter the actor may see: its name, type and bytes.
    pub async fn attachment(
        &self,
        actor: &Actor,
        matter: MatterId,
        id: &str,
    ) -> Result<(String, String, Vec<u8>), StoreError> {
        load_visible(&mut *self.pool.acquire().await?, actor, matter).await?;
        let row = sqlx::query("SELECT name, mime, content FROM attachments WHERE id = $1 AND matter_id = $2")
            .bind(id.to_string())
            .bind(matter.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?))
    }

    /// Starts a special campaign (专项督查) over some matters, with its own deadline; each matter's
    /// timeline records that it joined.
    pub async fn create_campaign(
        &self,
        actor: &Actor,
        name: &str,
        deadline: Date,
        matters: &[MatterId],
        today: Date,
    ) -> Result<i64, StoreError> {
        actor.require(Action::SuperviseLedger)?;
        let name = name.trim();
        if name.is_empty() || matters.is_empty() {
            return Err(StoreError::Invalid(
                "专项督查须有名称并至少包含一项事项 / a campaign needs a name and at least one matter".into(),
            ));
        }
        let (_turn, mut tx) = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO campaigns (name, deadline, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(name.to_string())
        .bind(deadline.to_string())
        .bind(actor.user.0)
        .bind(now_rfc3339())
        .fetch_one(&mut *tx)
        .await?;
        let campaign: i64 = row.try_get(0)?;
        let reference = CampaignRef { id: campaign, name: name.to_string(), deadline };
        for &m in matters {
            record_tx(&mut tx, actor, m, None, today, Change::CampaignJoined { campaign: reference.clone() }).await?;
            sqlx::query("INSERT INTO campaign_matters (campaign_id, matter_id) VALUES ($1, $2)")
                .bind(campaign)
                .bind(m.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(campaign)
    }

    /// The campaigns, newest first, each with the matters in it the actor may see (a unit sees the
    /// campaigns that hold its matters).
    pub async fn campaigns(&self, actor: &Actor) -> Result<Vec<Campaign>, StoreError> {
        let (access, unit) = super::sees(actor, Action::ReadLedger)?;
        let rows = sqlx::query(&format!(
            "SELECT c.id, c.name, c.deadline, cm.matter_id FROM campaigns c JOIN campaign_matters cm ON cm.campaign_id = c.id \
             JOIN matters m ON m.id = cm.matter_id WHERE {access} ORDER BY c.id DESC, cm.matter_id"
        ))
        .bind(unit)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<Campaign> = Vec::new();
        for r in &rows {
            let id: i64 = r.try_get(0)?;
            let matter = MatterId(r.try_get(3)?);
            if out.last().is_none_or(|c| c.id != id) {
                let deadline = super::parse_day(&r.try_get::<String, _>(2)?)?;
                out.push(Campaign { id, name: r.try_get(1)?, deadline, matters: Vec::new() });
            }
            if let Some(c) = out.last_mut() {
                c.matters.push(matter);
            }
        }
        Ok(out)
    }

    /// Sets (or, with None, clears) the group-robot webhook a unit's reminders are sent to, if
    /// `policy` allows its URL.
    pub async fn set_webhook(
        &self,
        actor: &Actor,
        unit: UnitId,
        url: Option<&str>,
        policy: &crate::webhook::Policy,
    ) -> Result<(), StoreError> {
        actor.require(Action::Administer)?;
        if let Some(u) = url {
            policy.check_url(u).map_err(StoreError::Invalid)?;
        }
        let done = sqlx::query("UPDATE units SET webhook_url = $1 WHERE id = $2")
            .bind(url.map(str::to_string))
            .bind(unit.0)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The units' webhooks (office only): unit id → URL, for those that have one.
    pub async fn webhooks(&self, actor: &Actor) -> Result<Vec<(UnitId, String)>, StoreError> {
        actor.require(Action::Administer)?;
        let rows = sqlx::query("SELECT id, webhook_url FROM units WHERE webhook_url IS NOT NULL ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((UnitId(r.try_get(0)?), r.try_get(1)?))).collect()
    }

    /// Reminders waiting for delivery (fewer than `max_attempts` tries so far), oldest first.
    pub async fn pending_deliveries(&self, max_attempts: i64, limit: i64) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query("SELECT id, url, payload, attempts FROM deliveries WHERE delivered_at IS NULL AND attempts < $1 ORDER BY id LIMIT $2")
            .bind(max_attempts)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Delivery { id: r.try_get(0)?, url: r.try_get(1)?, payload: r.try_get(2)?, attempts: r.try_get(3)? })
            })
            .collect()
    }

    /// Notes the outcome of one delivery attempt: delivered, or the error it met.
    pub async fn delivery_attempted(&self, id: i64, outcome: Result<(), String>) -> Result<(), StoreError> {
        let (delivered, error) = match outcome {
            Ok(()) => (Some(now_rfc3339()), None),
            Err(e) => (None, Some(e)),
        };
        sqlx::query("UPDATE deliveries SET attempts = attempts + 1, delivered_at = $1, last_error = $2 WHERE id = $3")
            .bind(delivered)
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{evidence_mime, sniff};

    #[test]
    fn evidence_is_recognised_by_its_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(evidence_mime("现场.jpg", b"\xFF\xD8\xFF\xE0rest").ok(), Some("image/jpeg"));
        assert!(evidence_mime("报告.docx", b"PK\x03\x04rest").is_ok_and(|m| m.contains("wordprocessingml")));
        // A zip that is not an Office file, an executable named .pdf, a script: refused, with the name.
        assert!(evidence_mime("a.zip", b"PK\x03\x04").is_err());
        let e = evidence_mime("发票.pdf", b"MZ\x90\x00").unwrap_err().to_string();
        assert!(e.contains("发票.pdf"), "{e}");
        assert!(evidence_mime("x.html", b"<script>").is_err());
    }
}
