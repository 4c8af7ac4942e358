//! Inspection complaints (督察信访件) and deputies' proposals (议案/建议/提案) in the store. Both are
//! matters of their own kinds on the one engine: dispatched, signed for, handled, warned about,
//! closed. A batch of complaints is imported all or nothing (errors name the row); a proposal is
//! filed with its proposers, its 主办 and 会办 units, a reply deadline and, where there are co-units,
//! a milestone for their opinions (会办意见), so a late opinion turns it red like any missed milestone.

use duban_core::access::Action;
use duban_core::matter::{Change, Event, MatterId, MatterKind, ReplyClass, Status};
use sqlx::Row;
use time::{Date, Duration};

use super::{Actor, NewMatter, Role, Store, StoreError, append_event, now_rfc3339, unjson};

/// One line of the inspection team's list.
#[derive(Debug, Clone, PartialEq)]
pub struct NewComplaint {
    pub number: String,
    pub content: String,
    pub assigned_on: Date,
    pub unit: String,
    pub deadline: Date,
}

/// A complaint as the public ledger of 办结销号 shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct PublicComplaint {
    pub matter: i64,
    pub number: String,
    pub batch: String,
    pub content: String,
    pub assigned_on: String,
    pub unit: Option<String>,
    pub deadline: Option<Date>,
    pub status: Status,
    pub done_on: Option<Date>,
    /// The sign-off's note (how it was settled), once closed.
    pub outcome: Option<String>,
}

/// The complaints ledger as its reader may see it, with how many are not yet closed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ComplaintsLedger {
    pub rows: Vec<PublicComplaint>,
    pub open: u64,
}

/// A proposal as filed by the liaison office for its proposers.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProposal {
    pub number: String,
    pub session: String,
    /// 议案, 建议 or 提案.
    pub proposal_kind: String,
    pub proposers: Vec<String>,
    pub title: String,
    pub content: String,
    pub lead_unit: String,
    pub co_units: Vec<String>,
    pub confidential: bool,
}

/// A proposal as the public sees it (not confidential ones): who handles it and with what result.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct PublicProposal {
    pub matter: i64,
    pub number: String,
    pub session: String,
    pub proposal_kind: String,
    pub title: String,
    pub proposers: String,
    pub lead_unit: Option<String>,
    pub co_units: Vec<String>,
    pub status: Status,
    pub class: Option<ReplyClass>,
    pub reply: Option<String>,
}

impl Store {
    /// Imports a batch of inspection complaints, each dispatched to its unit with its deadline; all
    /// or none. The office only.
    pub async fn import_complaints(
        &self,
        actor: &Actor,
        batch: &str,
        rows: &[NewComplaint],
        today: Date,
    ) -> Result<Vec<MatterId>, StoreError> {
        actor.require(Action::HandleFilings)?;
        let batch = batch.trim();
        if batch.is_empty() || rows.is_empty() {
            return Err(StoreError::Invalid(
                "请填写批次名称并至少导入一件 / a batch needs a name and at least one row".into(),
            ));
        }
        let (_turn, mut tx) = self.write_tx().await?;
        let mut ids = Vec::with_capacity(rows.len());
        for (i, c) in rows.iter().enumerate() {
            let row = i + 2; // as the sheet numbers it, under its header
            let bad = |why: String| StoreError::Invalid(format!("第{row}行 / row {row}: {why}"));
            if c.number.trim().is_empty() || c.content.trim().is_empty() {
                return Err(bad("编号或信访内容为空 / number or content is empty".into()));
            }
            let taken = sqlx::query("SELECT matter_id FROM complaints WHERE number = $1")
                .bind(c.number.trim().to_string())
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() || rows[..i].iter().any(|p| p.number.trim() == c.number.trim()) {
                return Err(bad(format!("编号“{}”重复 / number {:?} is taken", c.number.trim(), c.number.trim())));
            }
            let unit = sqlx::query("SELECT id FROM units WHERE name = $1")
                .bind(c.unit.trim().to_string())
                .fetch_optional(&mut *tx)
                .await?;
            let unit = unit.ok_or_else(|| bad(format!("没有单位“{}” / no unit {:?}", c.unit.trim(), c.unit.trim())))?;
            if c.assigned_on > today {
                return Err(bad(format!(
                    "交办日期{}晚于今天 / assigned on {}, after today",
                    c.assigned_on, c.assigned_on
                )));
            }
            if c.deadline < c.assigned_on {
                return Err(bad("办理时限早于交办日期 / the deadline is before the day assigned".into()));
            }
            let nm = NewMatter {
                kind: MatterKind::Complaint,
                title: c.content.trim().chars().take(40).collect(),
                source: format!("{batch} 第{}号", c.number.trim()),
                span: None,
                lead_unit: Some(super::UnitId(unit.try_get(0)?)),
                co_units: Vec::new(),
                deadline: Some(c.deadline),
                standard: None,
                section: Some(batch.to_string()),
            };
            let origin = super::Origin { number: Some(c.number.trim().to_string()), ..Default::default() };
            let m = self.insert_matter(&mut tx, actor, &nm, origin, c.assigned_on).await?;
            sqlx::query(
                "INSERT INTO complaints (matter_id, number, batch, content, assigned_on) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(m.id.0)
            .bind(c.number.trim().to_string())
            .bind(batch.to_string())
            .bind(c.content.trim().to_string())
            .bind(c.assigned_on.to_string())
            .execute(&mut *tx)
            .await?;
            ids.push(m.id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// The ledger of complaints by number, of one batch where given: for the public (`reader` None)
    /// the closed ones with their outcome (办结销号) and only a count of the others, whose content is
    /// not published while they are handled; for a reader the table lets read filings, all.
    pub async fn complaints_ledger(
        &self,
        reader: Option<&Actor>,
        batch: Option<&str>,
    ) -> Result<ComplaintsLedger, StoreError> {
        if let Some(a) = reader {
            a.require(Action::ReadFilings)?;
        }
        let all = reader.is_some();
        // A unit reads its own complaints (led or co-handled), not another unit's.
        let unit = match reader.map(|a| a.role) {
            Some(Role::Unit(u)) => u.0,
            _ => 0,
        };
        let batch = batch.unwrap_or("").to_string();
        let rows = sqlx::query(
            "SELECT c.matter_id, c.number, c.batch, c.content, c.assigned_on, m.state FROM complaints c JOIN matters m ON m.id = c.matter_id \
             WHERE ($1 = '' OR c.batch = $1) AND ($2 = 1 OR m.status = 'done') \
             AND ($3 = 0 OR m.lead_unit_id = $3 OR EXISTS (SELECT 1 FROM matter_units mu WHERE mu.matter_id = m.id AND mu.unit_id = $3)) \
             ORDER BY c.batch, c.number",
        )
        .bind(batch.clone())
        .bind(i64::from(all))
        .bind(unit)
        .fetch_all(&self.pool)
        .await?;
        let open: i64 = sqlx::query(
            "SELECT COUNT(*) FROM complaints c JOIN matters m ON m.id = c.matter_id WHERE ($1 = '' OR c.batch = $1) AND m.status <> 'done'",
        )
        .bind(batch)
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        let rows = rows
            .iter()
            .map(|r| {
                let m: duban_core::Matter = unjson(&r.try_get::<String, _>(5)?)?;
                Ok(PublicComplaint {
                    matter: r.try_get(0)?,
                    number: r.try_get(1)?,
                    batch: r.try_get(2)?,
                    content: r.try_get(3)?,
                    assigned_on: r.try_get(4)?,
                    unit: m.lead_unit.clone(),
                    deadline: m.deadline,
                    status: m.status,
                    done_on: m.done_on,
                    outcome: m.closing.as_ref().map(|c| c.note.clone()),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(ComplaintsLedger { rows, open: open as u64 })
    }

    /// Files a proposal: dispatched to its 主办 unit with its 会办 units, the reply due in
    /// `reply_days` and the co-units' opinions in `opinion_days`. The office only.
    pub async fn file_proposal(
        &self,
        actor: &Actor,
        p: &NewProposal,
        today: Date,
        (reply_days, opinion_days): (u32, u32),
    ) -> Result<MatterId, StoreError> {
        actor.require(Action::HandleFilings)?;
        if !matches!(p.proposal_kind.as_str(), "议案" | "建议" | "提案") {
            return Err(StoreError::Invalid(format!(
                "类别应为议案、建议或提案 / the kind must be 议案, 建议 or 提案: {:?}",
                p.proposal_kind
            )));
        }
        if p.number.trim().is_empty() || p.title.trim().is_empty() || p.proposers.iter().all(|x| x.trim().is_empty()) {
            return Err(StoreError::Invalid(
                "编号、标题和领衔人不能为空 / number, title and proposers are required".into(),
            ));
        }
        let (_turn, mut tx) = self.write_tx().await?;
        let taken = sqlx::query("SELECT matter_id FROM proposals WHERE number = $1")
            .bind(p.number.trim().to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Invalid(format!(
                "编号“{}”已存在 / number {:?} exists",
                p.number.trim(),
                p.number.trim()
            )));
        }
        let mut unit_ids = Vec::new();
        for name in std::iter::once(&p.lead_unit).chain(&p.co_units) {
            let row = sqlx::query("SELECT id FROM units WHERE name = $1")
                .bind(name.trim().to_string())
                .fetch_optional(&mut *tx)
                .await?;
            let row = row.ok_or_else(|| StoreError::Invalid(format!("没有单位“{name}” / no unit {name:?}")))?;
            unit_ids.push(super::UnitId(row.try_get(0)?));
        }
        let nm = NewMatter {
            kind: MatterKind::Proposal,
            title: p.title.trim().to_string(),
            source: format!("{} {}第{}号", p.session.trim(), p.proposal_kind, p.number.trim()),
            span: None,
            lead_unit: Some(unit_ids[0]),
            co_units: unit_ids[1..].to_vec(),
            deadline: Some(today + Duration::days(i64::from(reply_days))),
            standard: None,
            section: Some(p.session.trim().to_string()),
        };
        let origin = super::Origin { number: Some(p.number.trim().to_string()), ..Default::default() };
        let mut m = self.insert_matter(&mut tx, actor, &nm, origin, today).await?;
        if !p.co_units.is_empty() {
            let ev = Event {
                on: today,
                actor: actor.name.clone(),
                change: Change::MilestoneAdded {
                    name: "会办意见".into(),
                    due: today + Duration::days(i64::from(opinion_days)),
                },
            };
            let (read_at, was) = (m.version, m.clone());
            m.apply(&ev).map_err(|e| StoreError::Invalid(e.to_string()))?;
            append_event(&mut tx, m.id, m.version, &ev, actor, &now_rfc3339()).await?;
            super::save(&mut tx, &m, read_at, Some(&was)).await?;
        }
        sqlx::query("INSERT INTO proposals (matter_id, number, session, proposal_kind, proposers, content, confidential, filed_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(m.id.0)
            .bind(p.number.trim().to_string())
            .bind(p.session.trim().to_string())
            .bind(p.proposal_kind.clone())
            .bind(p.proposers.iter().map(|x| x.trim()).filter(|x| !x.is_empty()).collect::<Vec<_>>().join("、"))
            .bind(p.content.trim().to_string())
            .bind(i64::from(p.confidential))
            .bind(today.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(m.id)
    }

    /// Proposals with their handler and result: for the public (`reader` None) every one that is not
    /// confidential; for the office all of them.
    pub async fn proposals(
        &self,
        reader: Option<&Actor>,
        session: Option<&str>,
    ) -> Result<Vec<PublicProposal>, StoreError> {
        if let Some(a) = reader {
            a.require(Action::ReadFilings)?;
        }
        let all = reader.is_some_and(|a| a.role.may(Action::HandleFilings));
        let rows = sqlx::query(
            "SELECT p.matter_id, p.number, p.session, p.proposal_kind, p.proposers, m.state FROM proposals p JOIN matters m ON m.id = p.matter_id \
             WHERE (p.confidential = 0 OR $2 = 1) AND ($1 = '' OR p.session = $1) ORDER BY p.session, p.number",
        )
        .bind(session.unwrap_or("").to_string())
        .bind(i64::from(all))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let m: duban_core::Matter = unjson(&r.try_get::<String, _>(5)?)?;
                Ok(PublicProposal {
                    matter: r.try_get(0)?,
                    number: r.try_get(1)?,
                    session: r.try_get(2)?,
                    proposal_kind: r.try_get(3)?,
                    proposers: r.try_get(4)?,
                    title: m.title.clone(),
                    lead_unit: m.lead_unit.clone(),
                    co_units: m.co_units.clone(),
                    status: m.status,
                    class: m.reply.as_ref().and_then(|x| x.class),
                    reply: m.reply.as_ref().map(|x| x.text.clone()),
                })
            })
            .collect()
    }
}
