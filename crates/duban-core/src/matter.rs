//! Matters (事项) and their one lifecycle. A target, a task, a key project, a citizen request, a
//! proposal and an inspection complaint are all matters: created from a source, assigned to a lead
//! unit and co-units, given a deadline, moved on by events, warned about, closed. Each kind adds only
//! what is its own, registered in [`KINDS`].
//!
//! The timeline is append-only: a matter's state is the fold of its events ([`Matter::apply`]), and an
//! event that the lifecycle does not allow is refused with a reason, never half-applied.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatterId(pub i64);

/// The largest figure a report may carry (a trillion yuan is 1e12; this leaves room for any unit).
pub const MAX_FIGURE: f64 = 1e15;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum MatterKind {
    /// A quantified target of the report (主要预期目标 and other targets).
    Target,
    /// A task of the decomposed list (重点工作).
    Task,
    /// A key project (重点项目).
    Project,
    /// A citizen request (诉求/工单).
    Request,
    /// A deputy's proposal (议案/建议/提案).
    Proposal,
    /// An inspection complaint (督察信访件).
    Complaint,
}

/// What one kind of matter adds to the common life: registered here, in one visible place.
#[derive(Debug, Clone, Copy)]
pub struct KindSpec {
    pub kind: MatterKind,
    pub label: &'static str,
    /// Whether its deadline is counted in working days by default.
    pub working_days: bool,
    /// Whether a unit may report a number against a quantified standard.
    pub quantified: bool,
    /// Whether a dispatched matter waits for the unit to sign for it (签收) before it is being handled.
    pub signed_for: bool,
    /// Whether it ends with a reply to the person who raised it, who may rate it (答复, 回访/评价).
    pub replied: bool,
    /// Whether progress is expected along the way (the lag and silence rules apply); otherwise only
    /// its time limit is watched.
    pub progress_expected: bool,
}

const LEDGER: KindSpec = KindSpec {
    kind: MatterKind::Task,
    label: "任务",
    working_days: false,
    quantified: true,
    signed_for: false,
    replied: false,
    progress_expected: true,
};
const CASEWORK: KindSpec = KindSpec {
    kind: MatterKind::Request,
    label: "诉求",
    working_days: true,
    quantified: false,
    signed_for: true,
    replied: true,
    progress_expected: false,
};

pub const KINDS: &[KindSpec] = &[
    KindSpec { kind: MatterKind::Target, label: "目标", ..LEDGER },
    LEDGER,
    KindSpec { kind: MatterKind::Project, label: "重点项目", ..LEDGER },
    CASEWORK,
    KindSpec { kind: MatterKind::Proposal, label: "建议提案", working_days: false, ..CASEWORK },
    KindSpec { kind: MatterKind::Complaint, label: "信访件", working_days: false, replied: false, ..CASEWORK },
];

impl MatterKind {
    pub fn spec(self) -> &'static KindSpec {
        // Every kind is in KINDS (a test checks it); fall back to the first rather than panic.
        KINDS.iter().find(|s| s.kind == self).unwrap_or(&KINDS[0])
    }
}

/// How a standard is met: the comparator of the report's figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Goal {
    /// Reach at least the value (eq, approx, gte, gt: 新增就业4900人, 增长9%以上).
    AtLeast,
    /// Stay at or under the value (lte, lt: 失业率控制在3.5%以内).
    AtMost,
}

/// How often the unit reports on a matter (反馈频次), which sets when its silence turns yellow and red.
/// An instruction or a meeting's decision carries one (每周/每月/办结即报); a matter without one
/// follows the office's thresholds ([`crate::warning::WarningRules`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// 每周: a week and a day without a report is yellow, two weeks and a day red.
    Weekly,
    /// 每月: a month and a day is yellow, two months red.
    Monthly,
    /// 办结即报: one report when done; silence on the way is no warning (the deadline still is).
    OnCompletion,
}

impl Cadence {
    pub fn label(self) -> &'static str {
        match self {
            Cadence::Weekly => "每周",
            Cadence::Monthly => "每月",
            Cadence::OnCompletion => "办结即报",
        }
    }

    /// Days without a report that turn yellow and red; none where no report is expected on the way.
    pub fn quiet_days(self) -> Option<(i64, i64)> {
        match self {
            Cadence::Weekly => Some((8, 15)),
            Cadence::Monthly => Some((32, 62)),
            Cadence::OnCompletion => None,
        }
    }
}

/// The quantified standard of a matter (明确标准): the figure it must reach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Standard {
    pub value: f64,
    pub unit: String,
    pub goal: Goal,
}

impl Standard {
    /// A sub-matter's standard for `weight` of this one: an amount is shared out (4,900 people → 980
    /// for a fifth); a rate or a ceiling holds for every share as it is.
    pub fn share(&self, weight: f64) -> Standard {
        let shared = self.goal == Goal::AtLeast && !matches!(self.unit.as_str(), "%" | "‰" | "个百分点");
        Standard { value: if shared { self.value * weight } else { self.value }, ..self.clone() }
    }

    /// How far `actual` goes towards the standard: 0.0 … 1.0 (and beyond when exceeded).
    pub fn attainment(&self, actual: f64) -> f64 {
        match self.goal {
            Goal::AtLeast if self.value > 0.0 => actual / self.value,
            Goal::AtLeast => 1.0,
            Goal::AtMost if actual <= self.value => 1.0,
            Goal::AtMost if actual > 0.0 => self.value / actual,
            Goal::AtMost => 0.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Created, not yet assigned (a request: received, waiting for dispatch).
    Draft,
    /// Dispatched to a unit that has yet to sign for it (签收).
    Dispatched,
    /// Assigned and being worked on.
    Open,
    /// Answered; waiting for the return visit or rating (回访/评价) and closing.
    Replied,
    /// The unit asks for sign-off.
    Submitted,
    /// Signed off (销号).
    Done,
    /// Withdrawn (merged, duplicated, no longer applicable).
    Cancelled,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "待分派",
            Status::Dispatched => "待签收",
            Status::Open => "办理中",
            Status::Replied => "已答复",
            Status::Submitted => "待销号",
            Status::Done => "已销号",
            Status::Cancelled => "已撤销",
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, Status::Done | Status::Cancelled)
    }
}

/// One share of a split (1 → N): the sub-matter, its unit and its share of the parent's standard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Share {
    pub matter: MatterId,
    pub unit: String,
    pub weight: f64,
}

/// Where a matter comes from (督办事项来源): the year's report, a meeting's decisions, a leader's
/// written instruction, an assignment from above, or another. Registered here beside the kinds: a
/// source is data on a matter (filterable everywhere), not a lifecycle of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// 年度重点工作: the government work report.
    #[default]
    Report,
    /// 会议议定: a decision of a 常务会 or 专题会.
    Meeting,
    /// 领导批示: a leader's written instruction.
    Instruction,
    /// 上级交办: handed down from above.
    Assigned,
    /// 其他交办.
    Other,
}

/// Every source, with its label, in the order the office lists them.
pub const ORIGINS: &[(Origin, &str)] = &[
    (Origin::Report, "年度重点工作"),
    (Origin::Meeting, "会议议定"),
    (Origin::Instruction, "领导批示"),
    (Origin::Assigned, "上级交办"),
    (Origin::Other, "其他"),
];

impl Origin {
    pub fn label(self) -> &'static str {
        ORIGINS.iter().find(|(o, _)| *o == self).map_or("其他", |(_, l)| l)
    }
}

/// The document a matter comes from: 《…会议纪要》〔2019〕12号 of 2019-05-06, issued by 区政府办公室 or
/// a leader's instruction on a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceDocument {
    pub title: String,
    /// Its number as written (〔2019〕12号, 第32次); empty when it has none.
    #[serde(default)]
    pub number: String,
    pub date: Option<Date>,
    /// The issuing body, or the leader who wrote the instruction.
    pub issuer: String,
}

/// A file attached as evidence (佐证材料): stored by the store under `id`, checked for size and type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: String,
    pub name: String,
    pub mime: String,
    pub size: u64,
}

/// A special campaign (专项督查) a matter belongs to, with the campaign's own deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignRef {
    pub id: i64,
    pub name: String,
    pub deadline: Date,
}

/// How a reply settles the matter (proposals are classed A/B/C: solved / being solved / explained).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ReplyClass {
    A,
    B,
    C,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reply {
    pub text: String,
    pub class: Option<ReplyClass>,
    pub on: Date,
}

/// The rating of a reply by whoever raised the matter (回访/评价).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    Basic,
    Unsatisfied,
}

impl Satisfaction {
    pub fn label(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "满意",
            Satisfaction::Basic => "基本满意",
            Satisfaction::Unsatisfied => "不满意",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rating {
    pub satisfaction: Satisfaction,
    /// Whether the problem was solved, where asked (解决率).
    pub solved: Option<bool>,
    pub on: Date,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Milestone {
    pub name: String,
    pub due: Date,
    pub done_on: Option<Date>,
}

/// What made a sign-off (销号) need a recorded reason; shown in the bulletin beside the reason.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Exception {
    /// The office closed it without the unit applying (主动销号).
    OwnInitiative,
    /// Its progress was below the standard (or unknown) when closed.
    BelowStandard { progress: Option<f64> },
    /// It was red when closed.
    OnRed,
}

impl Exception {
    pub fn explain(&self) -> String {
        match self {
            Exception::OwnInitiative => "未经单位申请销号".into(),
            Exception::BelowStandard { progress: Some(p) } => format!("进度{:.0}%，未达标准", p * 100.0),
            Exception::BelowStandard { progress: None } => "未报送完成情况".into(),
            Exception::OnRed => "销号时为红灯".into(),
        }
    }
}

/// How a matter was closed: the office's note, what needed a reason, and the day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Closing {
    pub note: String,
    pub exceptions: Vec<Exception>,
    pub on: Date,
}

/// One entry of a matter's timeline. `actor` is who did it (a user or the system).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    pub on: Date,
    pub actor: String,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    Assigned {
        lead_unit: String,
        co_units: Vec<String>,
    },
    DeadlineSet {
        deadline: Date,
    },
    StandardSet {
        standard: Standard,
    },
    /// How often the unit is to report (反馈频次).
    CadenceSet {
        cadence: Cadence,
    },
    /// Where the matter comes from and the document that says so; the first event of a matter
    /// registered by hand (a meeting's decision, a leader's instruction, an assignment from above).
    SourceRecorded {
        origin: Origin,
        document: SourceDocument,
    },
    /// A leader's follow-up instruction on the matter (再批示): the words, and a reminder to the unit.
    FollowUpInstruction {
        text: String,
    },
    /// A unit's report: a number where the matter has a standard, a percentage otherwise, and words.
    ProgressReported {
        value: Option<f64>,
        percent: Option<f64>,
        narrative: String,
    },
    MilestoneAdded {
        name: String,
        due: Date,
    },
    MilestoneDone {
        name: String,
    },
    /// A unit proposes a milestone of its own work; the office confirms it (`MilestoneAdded` of the
    /// same name) or declines it.
    MilestoneProposed {
        name: String,
        due: Date,
    },
    MilestoneDeclined {
        name: String,
        reason: String,
    },
    Reminded {
        note: String,
    },
    Escalated {
        note: String,
    },
    CompletionRequested {
        note: String,
    },
    /// Signed off (销号). `exceptions` are what made it need a recorded reason (closed without the
    /// unit asking, below its standard, on red): worked out by the store, never taken from a client.
    SignedOff {
        note: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        exceptions: Vec<Exception>,
    },
    SentBack {
        reason: String,
    },
    Reopened {
        reason: String,
    },
    Cancelled {
        reason: String,
    },
    /// The office split the matter into sub-matters (1 → N); with `follow_worst`, its warning
    /// follows its worst child.
    Split {
        shares: Vec<Share>,
        follow_worst: bool,
    },
    /// The first event of a sub-matter: whose share of what it is.
    SplitFrom {
        parent: MatterId,
        weight: f64,
    },
    EvidenceAttached {
        attachment: Attachment,
    },
    /// The matter was put in a special campaign (专项督查).
    CampaignJoined {
        campaign: CampaignRef,
    },
    /// The unit signs for a dispatched matter (签收).
    Accepted,
    /// The unit sends a wrongly dispatched matter back to the centre (退单 / 派单异议).
    Returned {
        reason: String,
    },
    /// The unit asks for more time (延期申请) …
    ExtensionRequested {
        until: Date,
        reason: String,
    },
    /// … and the centre grants it (the deadline moves) or refuses it.
    ExtensionDecided {
        granted: bool,
        note: String,
    },
    /// The unit's answer to whoever raised the matter (答复).
    Replied {
        text: String,
        class: Option<ReplyClass>,
    },
    /// The rating of the reply (回访/评价); an unsatisfied one is handled again (`Reopened`).
    Rated {
        satisfaction: Satisfaction,
        solved: Option<bool>,
    },
    /// A duplicate merged into another matter (并单); it closes here.
    MergedInto {
        into: MatterId,
    },
    /// A request's type, category, place and urgency, set at intake (受理) and on reclassification.
    Classified {
        case: crate::casework::CaseInfo,
    },
    /// Due at a moment (a limit in working hours); the deadline becomes that day.
    DueAt {
        at: time::PrimitiveDateTime,
    },
}

/// Why an event cannot apply to a matter: its state does not allow it, or (`detail`) what the event
/// carries is not acceptable (a percent of 500, a date before the last entry, no evidence …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleError {
    pub status: Status,
    pub event: &'static str,
    /// What is wrong with the event itself, in Chinese and English.
    pub detail: Option<String>,
}

impl fmt::Display for LifecycleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = &self.detail {
            return write!(f, "不能{}：{d}", event_label(self.event));
        }
        write!(
            f,
            "事项{}，不能{} / a matter that is {:?} cannot take {}",
            self.status.label(),
            event_label(self.event),
            self.status,
            self.event
        )
    }
}

impl std::error::Error for LifecycleError {}

fn event_label(name: &str) -> &'static str {
    match name {
        "assigned" => "分派",
        "progress_reported" => "报送进展",
        "milestone_done" => "完成节点",
        "milestone_added" => "新增节点",
        "milestone_proposed" => "提出节点",
        "milestone_declined" => "不同意节点",
        "reminded" => "催办",
        "escalated" => "督办",
        "completion_requested" => "申请销号",
        "signed_off" => "销号",
        "sent_back" => "退回",
        "reopened" => "重新办理",
        "cancelled" => "撤销",
        "split" => "拆分",
        "evidence_attached" => "上传佐证材料",
        "campaign_joined" => "纳入专项督查",
        "accepted" => "签收",
        "returned" => "退单",
        "extension_requested" => "申请延期",
        "extension_decided" => "审批延期",
        "replied" => "答复",
        "rated" => "评价",
        "merged_into" => "并单",
        "classified" => "分类",
        "due_at" => "设定办理时限",
        "cadence_set" => "设定反馈频次",
        "source_recorded" => "登记来源",
        "follow_up_instruction" => "再批示",
        _ => "变更",
    }
}

impl Change {
    pub fn name(&self) -> &'static str {
        match self {
            Change::Assigned { .. } => "assigned",
            Change::DeadlineSet { .. } => "deadline_set",
            Change::StandardSet { .. } => "standard_set",
            Change::CadenceSet { .. } => "cadence_set",
            Change::SourceRecorded { .. } => "source_recorded",
            Change::FollowUpInstruction { .. } => "follow_up_instruction",
            Change::ProgressReported { .. } => "progress_reported",
            Change::MilestoneAdded { .. } => "milestone_added",
            Change::MilestoneDone { .. } => "milestone_done",
            Change::MilestoneProposed { .. } => "milestone_proposed",
            Change::MilestoneDeclined { .. } => "milestone_declined",
            Change::Reminded { .. } => "reminded",
            Change::Escalated { .. } => "escalated",
            Change::CompletionRequested { .. } => "completion_requested",
            Change::SignedOff { .. } => "signed_off",
            Change::SentBack { .. } => "sent_back",
            Change::Reopened { .. } => "reopened",
            Change::Cancelled { .. } => "cancelled",
            Change::Split { .. } => "split",
            Change::SplitFrom { .. } => "split_from",
            Change::EvidenceAttached { .. } => "evidence_attached",
            Change::CampaignJoined { .. } => "campaign_joined",
            Change::Accepted => "accepted",
            Change::Returned { .. } => "returned",
            Change::ExtensionRequested { .. } => "extension_requested",
            Change::ExtensionDecided { .. } => "extension_decided",
            Change::Replied { .. } => "replied",
            Change::Rated { .. } => "rated",
            Change::MergedInto { .. } => "merged_into",
            Change::Classified { .. } => "classified",
            Change::DueAt { .. } => "due_at",
        }
    }
}

/// A matter's state: the fold of its timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Matter {
    pub id: MatterId,
    pub kind: MatterKind,
    pub title: String,
    /// Where it comes from: a report clause, a call, an API request.
    pub source: String,
    /// Its number as people cite it: a ledger number (2019-001, a sub-matter 2019-001-1), a
    /// request's, proposal's or complaint's own number. Given at creation, like the id.
    #[serde(default)]
    pub number: Option<String>,
    pub parent: Option<MatterId>,
    /// Share of the parent's standard (1 → N splits); 1.0 when alone.
    pub weight: f64,
    pub created_on: Date,
    pub status: Status,
    pub lead_unit: Option<String>,
    pub co_units: Vec<String>,
    pub deadline: Option<Date>,
    pub standard: Option<Standard>,
    pub milestones: Vec<Milestone>,
    /// The latest reported number, percentage and the day of the latest report.
    pub latest_value: Option<f64>,
    pub latest_percent: Option<f64>,
    pub last_report_on: Option<Date>,
    pub done_on: Option<Date>,
    pub reminders: u32,
    pub escalations: u32,
    /// The report section it comes from (for the dashboard by section).
    #[serde(default)]
    pub section: Option<String>,
    /// Its sub-matters, when split (1 → N), and whether its warning follows the worst of them.
    #[serde(default)]
    pub children: Vec<Share>,
    #[serde(default)]
    pub follow_worst_child: bool,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    #[serde(default)]
    pub campaigns: Vec<CampaignRef>,
    /// Casework (requests, proposals, complaints): when it was first dispatched, how often it was
    /// sent back (退单) and reopened (重办), the extension asked for, the reply, its rating, and the
    /// matter a duplicate was merged into.
    #[serde(default)]
    pub dispatched_on: Option<Date>,
    #[serde(default)]
    pub returns: u32,
    #[serde(default)]
    pub reopens: u32,
    #[serde(default)]
    pub extension_asked: Option<Date>,
    #[serde(default)]
    pub reply: Option<Reply>,
    #[serde(default)]
    pub rating: Option<Rating>,
    #[serde(default)]
    pub merged_into: Option<MatterId>,
    /// A request's classification (type, category, place, urgency, confidentiality).
    #[serde(default)]
    pub case: Option<crate::casework::CaseInfo>,
    /// The moment it is due, where its limit is in working hours (the deadline is that day).
    #[serde(default)]
    pub due_at: Option<time::PrimitiveDateTime>,
    /// Milestones a unit proposed that the office has not yet confirmed or declined.
    #[serde(default)]
    pub proposed_milestones: Vec<Milestone>,
    /// How it was signed off (while it is done).
    #[serde(default)]
    pub closing: Option<Closing>,
    /// The day of its latest event: the timeline only moves forward.
    #[serde(default)]
    pub last_event_on: Option<Date>,
    /// How often its unit is to report, where that was set (反馈频次).
    #[serde(default)]
    pub cadence: Option<Cadence>,
    /// Where it comes from (年度重点工作 unless recorded otherwise) and the document that says so.
    #[serde(default)]
    pub origin: Origin,
    #[serde(default)]
    pub document: Option<SourceDocument>,
    /// Bumped by every event: concurrent edits compare it (optimistic locking).
    pub version: i64,
}

impl Matter {
    pub fn new(
        id: MatterId,
        kind: MatterKind,
        title: impl Into<String>,
        source: impl Into<String>,
        created_on: Date,
    ) -> Matter {
        Matter {
            id,
            kind,
            title: title.into(),
            source: source.into(),
            number: None,
            parent: None,
            weight: 1.0,
            created_on,
            status: Status::Draft,
            lead_unit: None,
            co_units: Vec::new(),
            deadline: None,
            standard: None,
            milestones: Vec::new(),
            latest_value: None,
            latest_percent: None,
            last_report_on: None,
            done_on: None,
            reminders: 0,
            escalations: 0,
            section: None,
            children: Vec::new(),
            follow_worst_child: false,
            attachments: Vec::new(),
            campaigns: Vec::new(),
            dispatched_on: None,
            returns: 0,
            reopens: 0,
            extension_asked: None,
            reply: None,
            rating: None,
            merged_into: None,
            case: None,
            due_at: None,
            proposed_milestones: Vec::new(),
            closing: None,
            last_event_on: None,
            cadence: None,
            origin: Origin::Report,
            document: None,
            version: 0,
        }
    }

    /// The number people cite it by: its own, else its id.
    pub fn cite(&self) -> String {
        self.number.clone().unwrap_or_else(|| format!("#{}", self.id.0))
    }

    /// Applies one event, or refuses it without changing anything.
    pub fn apply(&mut self, event: &Event) -> Result<(), LifecycleError> {
        let (status, name) = (self.status, event.change.name());
        let invalid = |detail: String| Err(LifecycleError { status, event: name, detail: Some(detail) });
        if event.on < self.created_on {
            return invalid(format!(
                "日期{}早于事项建立日期{} / dated {} before the matter was created ({})",
                event.on, self.created_on, event.on, self.created_on
            ));
        }
        if let Some(last) = self.last_event_on.filter(|last| event.on < *last) {
            return invalid(format!(
                "日期{}早于上一条记录（{last}），全程记录只能按时间顺序追加 / dated {} before the latest entry ({last}): the timeline only moves forward",
                event.on, event.on
            ));
        }
        if let Some(detail) = self.check(&event.change) {
            return invalid(detail);
        }
        self.replay(event)
    }

    /// Folds an event of a timeline accepted before (a past period refolded for a bulletin): the
    /// lifecycle still decides what can follow what, but what the event carries and its date are
    /// not judged again, so rules added since do not rewrite history. New events go through
    /// [`Matter::apply`].
    pub fn replay(&mut self, event: &Event) -> Result<(), LifecycleError> {
        let refuse = || Err(LifecycleError { status: self.status, event: event.change.name(), detail: None });
        let live = !self.status.is_closed();
        match &event.change {
            Change::Assigned { lead_unit, co_units } => {
                if !live {
                    return refuse();
                }
                self.lead_unit = Some(lead_unit.clone());
                self.co_units = co_units.clone();
                if self.status == Status::Draft {
                    let spec = self.kind.spec();
                    self.status = if spec.signed_for { Status::Dispatched } else { Status::Open };
                    if spec.signed_for {
                        self.dispatched_on.get_or_insert(event.on);
                    }
                }
            }
            Change::DeadlineSet { deadline } => {
                if !live {
                    return refuse();
                }
                self.deadline = Some(*deadline);
                self.due_at = None;
            }
            Change::StandardSet { standard } => {
                if !live {
                    return refuse();
                }
                self.standard = Some(standard.clone());
            }
            Change::CadenceSet { cadence } => {
                if !live {
                    return refuse();
                }
                self.cadence = Some(*cadence);
            }
            Change::SourceRecorded { origin, document } => {
                // Recorded once, before the work starts: a source is not rewritten afterwards.
                if self.status != Status::Draft || self.document.is_some() {
                    return refuse();
                }
                self.origin = *origin;
                self.document = Some(document.clone());
            }
            Change::FollowUpInstruction { .. } => {
                // A leader writes again while the work is under way; it reminds the unit.
                if !live {
                    return refuse();
                }
                self.reminders += 1;
            }
            Change::ProgressReported { value, percent, .. } => {
                if !matches!(self.status, Status::Open | Status::Submitted) {
                    return refuse();
                }
                if value.is_some() {
                    self.latest_value = *value;
                }
                if percent.is_some() {
                    self.latest_percent = *percent;
                }
                self.last_report_on = Some(event.on);
            }
            Change::MilestoneAdded { name, due } => {
                if !live {
                    return refuse();
                }
                // Confirming a unit's proposal takes it off the proposals.
                self.proposed_milestones.retain(|m| &m.name != name);
                self.milestones.push(Milestone { name: name.clone(), due: *due, done_on: None });
                self.milestones.sort_by_key(|m| m.due);
            }
            Change::MilestoneProposed { name, due } => {
                if !live {
                    return refuse();
                }
                self.proposed_milestones.push(Milestone { name: name.clone(), due: *due, done_on: None });
            }
            Change::MilestoneDeclined { name, .. } => {
                let before = self.proposed_milestones.len();
                self.proposed_milestones.retain(|m| &m.name != name);
                if self.proposed_milestones.len() == before {
                    return refuse();
                }
            }
            Change::MilestoneDone { name } => {
                let Some(m) = self.milestones.iter_mut().find(|m| &m.name == name && m.done_on.is_none()) else {
                    return refuse();
                };
                if !live {
                    return refuse();
                }
                m.done_on = Some(event.on);
                self.last_report_on = Some(event.on);
            }
            Change::Reminded { .. } => {
                if !live {
                    return refuse();
                }
                self.reminders += 1;
            }
            Change::Escalated { .. } => {
                if !live {
                    return refuse();
                }
                self.escalations += 1;
            }
            Change::CompletionRequested { .. } => {
                if self.status != Status::Open {
                    return refuse();
                }
                self.status = Status::Submitted;
            }
            Change::SignedOff { note, exceptions } => {
                if !matches!(self.status, Status::Open | Status::Submitted | Status::Replied) {
                    return refuse();
                }
                self.status = Status::Done;
                self.done_on = Some(event.on);
                self.closing = Some(Closing { note: note.clone(), exceptions: exceptions.clone(), on: event.on });
            }
            Change::SentBack { .. } => {
                if self.status != Status::Submitted {
                    return refuse();
                }
                self.status = Status::Open;
            }
            Change::Reopened { .. } => {
                if !matches!(self.status, Status::Done | Status::Replied) {
                    return refuse();
                }
                self.status = Status::Open;
                self.done_on = None;
                self.closing = None;
                self.reopens += 1;
            }
            Change::Cancelled { .. } => {
                if !live {
                    return refuse();
                }
                self.status = Status::Cancelled;
            }
            Change::Split { shares, follow_worst } => {
                if !live || shares.is_empty() {
                    return refuse();
                }
                self.children.extend(shares.iter().cloned());
                self.follow_worst_child = *follow_worst;
            }
            Change::SplitFrom { parent, weight } => {
                if self.version != 0 || !weight.is_finite() || *weight <= 0.0 {
                    return refuse();
                }
                self.parent = Some(*parent);
                self.weight = *weight;
            }
            Change::EvidenceAttached { attachment } => {
                if !live {
                    return refuse();
                }
                self.attachments.push(attachment.clone());
            }
            Change::CampaignJoined { campaign } => {
                if !live || self.campaigns.iter().any(|c| c.id == campaign.id) {
                    return refuse();
                }
                self.campaigns.push(campaign.clone());
            }
            Change::Accepted => {
                if self.status != Status::Dispatched {
                    return refuse();
                }
                self.status = Status::Open;
            }
            Change::Returned { .. } => {
                if !matches!(self.status, Status::Dispatched | Status::Open) || !self.kind.spec().signed_for {
                    return refuse();
                }
                self.status = Status::Draft;
                self.lead_unit = None;
                self.co_units.clear();
                self.returns += 1;
            }
            Change::ExtensionRequested { until, .. } => {
                if self.status != Status::Open || self.deadline.is_some_and(|d| *until <= d) {
                    return refuse();
                }
                self.extension_asked = Some(*until);
            }
            Change::ExtensionDecided { granted, .. } => {
                let Some(until) = self.extension_asked.take() else { return refuse() };
                if !live {
                    return refuse();
                }
                if *granted {
                    self.deadline = Some(until);
                    self.due_at = None;
                }
            }
            Change::Replied { text, class } => {
                // Handled by the unit, or answered by the centre at once (咨询 closed on the line).
                if !matches!(self.status, Status::Open | Status::Draft) || !self.kind.spec().replied {
                    return refuse();
                }
                self.status = Status::Replied;
                self.reply = Some(Reply { text: text.clone(), class: *class, on: event.on });
                self.rating = None;
            }
            Change::Rated { satisfaction, solved } => {
                if !matches!(self.status, Status::Replied | Status::Done) || self.reply.is_none() {
                    return refuse();
                }
                self.rating = Some(Rating { satisfaction: *satisfaction, solved: *solved, on: event.on });
            }
            Change::Classified { case } => {
                if !live {
                    return refuse();
                }
                self.case = Some(case.clone());
            }
            Change::DueAt { at } => {
                if !live {
                    return refuse();
                }
                self.due_at = Some(*at);
                self.deadline = Some(at.date());
            }
            Change::MergedInto { into } => {
                if !live || *into == self.id {
                    return refuse();
                }
                self.status = Status::Cancelled;
                self.merged_into = Some(*into);
            }
        }
        self.version += 1;
        self.last_event_on = Some(event.on);
        Ok(())
    }

    /// What is wrong with what a change carries, whatever the matter's state: figures out of
    /// bounds, empty reasons, an application for sign-off without evidence, a milestone twice.
    fn check(&self, change: &Change) -> Option<String> {
        let blank = |s: &str| s.trim().is_empty();
        match change {
            Change::ProgressReported { value, percent, narrative } => {
                if let Some(p) = percent
                    && !(p.is_finite() && (0.0..=100.0).contains(p))
                {
                    return Some(format!("完成百分比应在0到100之间：{p} / the percent must be 0 to 100: {p}"));
                }
                if let Some(v) = value {
                    if !v.is_finite() || v.abs() > MAX_FIGURE {
                        return Some(format!("完成数超出范围：{v} / the figure is out of range: {v}"));
                    }
                    if self.standard.is_none() {
                        return Some(
                            "此事项没有量化标准，请报送完成百分比 / this matter has no quantified standard: report a percent"
                                .into(),
                        );
                    }
                }
                if value.is_none() && percent.is_none() && blank(narrative) {
                    return Some("请填写进展情况 / describe the progress".into());
                }
                None
            }
            Change::CompletionRequested { note } if blank(note) => {
                Some("请填写完成情况说明 / write a closing statement".into())
            }
            Change::CompletionRequested { .. } if self.kind.spec().progress_expected && self.attachments.is_empty() => {
                Some(
                    "申请销号须附佐证材料（照片、文件等）/ attach evidence (a photo, a document) before applying"
                        .into(),
                )
            }
            Change::SignedOff { note, exceptions } if !exceptions.is_empty() && blank(note) => Some(format!(
                "{}，须填写销号理由 / a reason is needed to close it",
                exceptions.iter().map(Exception::explain).collect::<Vec<_>>().join("、")
            )),
            Change::SentBack { reason } if blank(reason) => Some("请填写退回理由 / give the reason".into()),
            Change::MilestoneDeclined { reason, .. } if blank(reason) => {
                Some("请填写不同意的理由 / give the reason".into())
            }
            Change::MilestoneAdded { name, .. } | Change::MilestoneProposed { name, .. } => {
                if blank(name) {
                    return Some("请填写节点名称 / name the milestone".into());
                }
                let taken = self.milestones.iter().any(|m| &m.name == name)
                    || matches!(change, Change::MilestoneProposed { .. })
                        && self.proposed_milestones.iter().any(|m| &m.name == name);
                taken.then(|| format!("已有节点“{name}” / there is a milestone {name:?} already"))
            }
            _ => None,
        }
    }

    /// Progress towards completion, 0.0 … 1.0: against the standard where there is one and a number
    /// was reported, else the unit's percentage, else the share of milestones done.
    pub fn progress(&self) -> Option<f64> {
        if self.status == Status::Done {
            return Some(1.0);
        }
        if let (Some(std), Some(v)) = (&self.standard, self.latest_value) {
            return Some(std.attainment(v).clamp(0.0, 1.0));
        }
        if let Some(p) = self.latest_percent {
            return Some((p / 100.0).clamp(0.0, 1.0));
        }
        if !self.milestones.is_empty() {
            let done = self.milestones.iter().filter(|m| m.done_on.is_some()).count();
            return Some(done as f64 / self.milestones.len() as f64);
        }
        None
    }

    /// Whether it was done on or before its deadline (None while open or without a deadline).
    pub fn on_time(&self) -> Option<bool> {
        Some(self.done_on? <= self.deadline?)
    }
}

/// A parent's progress from its children's: weighted by their shares of the standard.
pub fn rollup(children: &[(f64, Option<f64>)]) -> Option<f64> {
    let total: f64 = children.iter().map(|(w, _)| w.max(0.0)).sum();
    if total <= 0.0 || children.iter().all(|(_, p)| p.is_none()) {
        return None;
    }
    Some(children.iter().map(|(w, p)| w.max(0.0) * p.unwrap_or(0.0)).sum::<f64>() / total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn ev(on: Date, change: Change) -> Event {
        Event { on, actor: "督查室".into(), change }
    }

    fn jobs() -> Matter {
        let mut m = Matter::new(
            MatterId(1),
            MatterKind::Target,
            "新增城镇就业4900人",
            "二、2019年工作安排",
            date!(2019 - 03 - 01),
        );
        m.apply(&ev(
            date!(2019 - 03 - 01),
            Change::Assigned { lead_unit: "人力资源和社会保障局".into(), co_units: vec![] },
        ))
        .unwrap();
        m.apply(&ev(date!(2019 - 03 - 01), Change::DeadlineSet { deadline: date!(2019 - 12 - 31) })).unwrap();
        m.apply(&ev(
            date!(2019 - 03 - 01),
            Change::StandardSet { standard: Standard { value: 4900.0, unit: "人".into(), goal: Goal::AtLeast } },
        ))
        .unwrap();
        m
    }

    #[test]
    fn every_kind_is_registered() {
        for k in [
            MatterKind::Target,
            MatterKind::Task,
            MatterKind::Project,
            MatterKind::Request,
            MatterKind::Proposal,
            MatterKind::Complaint,
        ] {
            assert_eq!(k.spec().kind, k);
        }
    }

    #[test]
    fn the_closed_loop() {
        let mut m = jobs();
        assert_eq!(m.status, Status::Open);
        m.apply(&ev(
            date!(2019 - 06 - 30),
            Change::ProgressReported { value: Some(2310.0), percent: None, narrative: "上半年".into() },
        ))
        .unwrap();
        assert!((m.progress().unwrap() - 2310.0 / 4900.0).abs() < 1e-12);
        let asked = ev(date!(2019 - 11 - 20), Change::CompletionRequested { note: "已完成".into() });
        let e = m.apply(&asked).unwrap_err();
        assert!(e.to_string().contains("佐证材料"), "{e}");
        m.apply(&ev(
            date!(2019 - 11 - 20),
            Change::EvidenceAttached {
                attachment: Attachment {
                    id: "a1".into(),
                    name: "台账.xlsx".into(),
                    mime: "application/x".into(),
                    size: 9,
                },
            },
        ))
        .unwrap();
        m.apply(&asked).unwrap();
        m.apply(&ev(date!(2019 - 11 - 21), Change::SentBack { reason: "缺少佐证材料".into() })).unwrap();
        assert_eq!(m.status, Status::Open);
        m.apply(&ev(
            date!(2019 - 12 - 01),
            Change::ProgressReported { value: Some(5020.0), percent: None, narrative: "全年".into() },
        ))
        .unwrap();
        m.apply(&ev(date!(2019 - 12 - 02), Change::SignedOff { note: "销号".into(), exceptions: vec![] })).unwrap();
        assert_eq!((m.status, m.on_time()), (Status::Done, Some(true)));
        assert_eq!(m.version, 9);
    }

    /// A leader's instruction: its source is recorded once, before the work starts; the follow-up
    /// instruction (再批示) is an event on the timeline that reminds the unit.
    #[test]
    fn a_leaders_instruction_and_its_follow_up() {
        let on = date!(2019 - 05 - 06);
        let mut m = Matter::new(MatterId(9), MatterKind::Task, "抓紧解决学校周边交通拥堵问题", "", on);
        let document = SourceDocument {
            title: "关于学校周边交通拥堵问题的报告".into(),
            number: "〔2019〕12号".into(),
            date: Some(on),
            issuer: "区长".into(),
        };
        assert_eq!(m.origin, Origin::Report);
        m.apply(&ev(on, Change::SourceRecorded { origin: Origin::Instruction, document: document.clone() })).unwrap();
        assert_eq!((m.origin, m.document.as_ref()), (Origin::Instruction, Some(&document)));
        assert_eq!(m.origin.label(), "领导批示");
        // Recorded once: a second record is refused and changes nothing.
        let again = Change::SourceRecorded { origin: Origin::Meeting, document };
        assert!(m.apply(&ev(on, again.clone())).is_err());
        assert_eq!(m.origin, Origin::Instruction);
        m.apply(&ev(on, Change::Assigned { lead_unit: "公安分局".into(), co_units: vec!["教育局".into()] })).unwrap();
        assert!(m.apply(&ev(on, again)).is_err(), "not after the work has started");
        m.apply(&ev(date!(2019 - 06 - 01), Change::FollowUpInstruction { text: "请加快，月底前见效".into() })).unwrap();
        assert_eq!(m.reminders, 1);
        // Every source is registered with its label.
        assert!(ORIGINS.iter().all(|(o, l)| o.label() == *l));
    }

    #[test]
    fn refused_events_change_nothing() {
        let mut m = jobs();
        m.apply(&ev(date!(2019 - 12 - 02), Change::SignedOff { note: String::new(), exceptions: vec![] })).unwrap();
        let before = m.clone();
        let e = m
            .apply(&ev(
                date!(2019 - 12 - 03),
                Change::ProgressReported { value: Some(1.0), percent: None, narrative: String::new() },
            ))
            .unwrap_err();
        assert_eq!(m, before);
        assert!(e.to_string().contains("已销号") && e.to_string().contains("报送进展"), "{e}");
        assert!(m.apply(&ev(date!(2019 - 12 - 03), Change::SentBack { reason: String::new() })).is_err());
        m.apply(&ev(date!(2019 - 12 - 04), Change::Reopened { reason: "回访不满意".into() })).unwrap();
        assert_eq!(m.status, Status::Open);
    }

    fn progress(value: Option<f64>, percent: Option<f64>, narrative: &str) -> Change {
        Change::ProgressReported { value, percent, narrative: narrative.into() }
    }

    /// Figures out of bounds, a number on a matter without a standard, and empty reports are refused
    /// with the reason and change nothing.
    #[test]
    fn progress_is_bounded() {
        let mut m = jobs();
        let on = date!(2019 - 06 - 30);
        for bad in [
            progress(None, Some(500.0), "x"),
            progress(None, Some(-5.0), "x"),
            progress(None, Some(f64::NAN), "x"),
            progress(Some(1e308), None, "x"),
            progress(Some(f64::INFINITY), None, "x"),
            progress(None, None, "  "),
        ] {
            let before = m.clone();
            let e = m.apply(&ev(on, bad.clone())).unwrap_err();
            assert!(e.detail.is_some(), "{bad:?}: {e}");
            assert_eq!(m, before);
        }
        m.apply(&ev(on, progress(None, Some(100.0), "全部完成"))).unwrap();
        m.apply(&ev(on, progress(None, Some(0.0), "更正"))).unwrap();
        m.apply(&ev(on, progress(None, None, "仅文字说明"))).unwrap();
        // Without a standard, a unit reports a percent; a figure would move nothing, so it is refused.
        let mut plain = Matter::new(MatterId(2), MatterKind::Task, "优化营商环境", "", date!(2019 - 03 - 01));
        plain
            .apply(&ev(
                date!(2019 - 03 - 01),
                Change::Assigned { lead_unit: "行政审批服务局".into(), co_units: vec![] },
            ))
            .unwrap();
        let e = plain.apply(&ev(on, progress(Some(12.0), None, "x"))).unwrap_err();
        assert!(e.to_string().contains("完成百分比"), "{e}");
        plain.apply(&ev(on, progress(None, Some(40.0), "已完成四成"))).unwrap();
        assert_eq!(plain.progress(), Some(0.4));
    }

    /// The timeline only moves forward: nothing dated before the matter or before its latest entry.
    #[test]
    fn events_are_dated_in_order() {
        let mut m = jobs();
        let e = m.apply(&ev(date!(2019 - 02 - 01), progress(Some(1.0), None, "x"))).unwrap_err();
        assert!(e.to_string().contains("早于事项建立日期"), "{e}");
        m.apply(&ev(date!(2019 - 06 - 30), progress(Some(100.0), None, "x"))).unwrap();
        let e = m.apply(&ev(date!(2019 - 06 - 29), progress(Some(200.0), None, "x"))).unwrap_err();
        assert!(e.to_string().contains("2019-06-30"), "{e}");
        m.apply(&ev(date!(2019 - 06 - 30), progress(Some(200.0), None, "同日再报"))).unwrap();
        assert_eq!(m.last_event_on, Some(date!(2019 - 06 - 30)));
    }

    /// A timeline accepted under older rules refolds as it was (an application without evidence,
    /// entries out of date order), where `apply` would refuse it now.
    #[test]
    fn stored_timelines_replay_as_they_were() {
        let mut m = jobs();
        let late = ev(date!(2019 - 06 - 30), progress(Some(10.0), None, "x"));
        let asked = ev(date!(2019 - 06 - 20), Change::CompletionRequested { note: "已完成".into() });
        m.apply(&late).unwrap();
        assert!(m.clone().apply(&asked).is_err(), "no evidence, and dated before the latest entry");
        m.replay(&asked).unwrap();
        assert_eq!(m.status, Status::Submitted);
        assert!(m.replay(&asked).is_err(), "the lifecycle still decides what can follow what");
    }

    /// A unit proposes a milestone; the office confirms it (it becomes a milestone) or declines it.
    #[test]
    fn units_propose_milestones_the_office_confirms() {
        let mut m = jobs();
        let on = date!(2019 - 04 - 01);
        let due = date!(2019 - 06 - 30);
        m.apply(&ev(on, Change::MilestoneProposed { name: "完成招聘会".into(), due })).unwrap();
        m.apply(&ev(on, Change::MilestoneProposed { name: "开发公益岗位".into(), due })).unwrap();
        assert!(m.apply(&ev(on, Change::MilestoneProposed { name: "完成招聘会".into(), due })).is_err());
        assert_eq!(m.proposed_milestones.len(), 2);
        assert!(m.milestones.is_empty(), "a proposal sets no expectation yet");
        m.apply(&ev(on, Change::MilestoneAdded { name: "完成招聘会".into(), due })).unwrap();
        assert_eq!((m.milestones.len(), m.proposed_milestones.len()), (1, 1));
        assert!(
            m.apply(&ev(on, Change::MilestoneDeclined { name: "开发公益岗位".into(), reason: " ".into() })).is_err()
        );
        m.apply(&ev(on, Change::MilestoneDeclined { name: "开发公益岗位".into(), reason: "不属本年度".into() }))
            .unwrap();
        assert!(m.proposed_milestones.is_empty());
        assert!(
            m.apply(&ev(on, Change::MilestoneDeclined { name: "开发公益岗位".into(), reason: "x".into() })).is_err()
        );
        assert!(m.apply(&ev(on, Change::MilestoneAdded { name: "完成招聘会".into(), due })).is_err(), "twice");
    }

    /// A sign-off with exceptions needs a reason, and keeps them; sending back needs a reason.
    #[test]
    fn sign_off_with_exceptions_needs_a_reason() {
        let mut m = jobs();
        let on = date!(2019 - 07 - 01);
        let close = |note: &str| Change::SignedOff {
            note: note.into(),
            exceptions: vec![Exception::OwnInitiative, Exception::BelowStandard { progress: Some(0.09) }],
        };
        let e = m.apply(&ev(on, close(""))).unwrap_err();
        assert!(e.to_string().contains("未经单位申请销号、进度9%，未达标准"), "{e}");
        m.apply(&ev(on, close("项目取消，经区政府常务会议研究同意销号"))).unwrap();
        let closing = m.closing.clone().unwrap();
        assert_eq!((closing.exceptions.len(), closing.on), (2, on));
        m.apply(&ev(on, Change::Reopened { reason: "重新办理".into() })).unwrap();
        assert_eq!(m.closing, None);
        assert!(m.apply(&ev(on, Change::SentBack { reason: String::new() })).is_err());
    }

    #[test]
    fn at_most_standards() {
        let s = Standard { value: 3.5, unit: "%".into(), goal: Goal::AtMost };
        assert_eq!(s.attainment(3.2), 1.0);
        assert!((s.attainment(7.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn rollup_is_weighted() {
        assert_eq!(rollup(&[(0.5, Some(1.0)), (0.25, Some(0.0)), (0.25, None)]), Some(0.5));
        assert_eq!(rollup(&[(1.0, None)]), None);
        assert_eq!(rollup(&[]), None);
    }
}

/// A reverse schedule (倒排工期): `parts` milestones spaced evenly back from the deadline, the last on
/// the deadline itself, named by the share of the work due by each.
pub fn reverse_schedule(from: Date, deadline: Date, parts: u32) -> Vec<(String, Date)> {
    let parts = parts.max(1);
    let span = (deadline - from).whole_days().max(0);
    (1..=parts)
        .map(|k| {
            let back = span * i64::from(parts - k) / i64::from(parts);
            let name = if k == parts { "全部完成".to_string() } else { format!("完成{}%", 100 * k / parts) };
            (name, deadline - time::Duration::days(back))
        })
        .collect()
}

#[cfg(test)]
mod schedule_tests {
    use super::reverse_schedule;
    use time::macros::date;

    #[test]
    fn four_steps_back_from_the_deadline() {
        let s = reverse_schedule(date!(2019 - 01 - 01), date!(2019 - 12 - 31), 4);
        let names: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["完成25%", "完成50%", "完成75%", "全部完成"]);
        assert_eq!(s[3].1, date!(2019 - 12 - 31));
        assert_eq!(s[1].1, date!(2019 - 07 - 02));
        assert!(s.windows(2).all(|w| w[0].1 < w[1].1));
        assert_eq!(
            reverse_schedule(date!(2019 - 05 - 01), date!(2019 - 05 - 01), 0),
            vec![("全部完成".to_string(), date!(2019 - 05 - 01))]
        );
    }
}
