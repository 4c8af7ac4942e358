//! What casework adds to the one lifecycle: the public's requests (诉求/工单 of the 12345 line),
//! deputies' proposals and inspection complaints are matters too (see `matter::KINDS`); this module
//! holds only what is their own — request types and their time limits, masking of callers' phone
//! numbers, duplicate detection, and the additive counts their published rates are computed from.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::Calendar;
use crate::matter::{Matter, MatterKind, Satisfaction, Status};
use crate::metrics::{Definition, Rate};

/// The types of request the 12345 line takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestType {
    Consultation,
    Help,
    Complaint,
    Report,
    Suggestion,
    Praise,
}

pub const REQUEST_TYPES: &[RequestType] = &[
    RequestType::Consultation,
    RequestType::Help,
    RequestType::Complaint,
    RequestType::Report,
    RequestType::Suggestion,
    RequestType::Praise,
];

impl RequestType {
    pub fn label(self) -> &'static str {
        match self {
            RequestType::Consultation => "咨询",
            RequestType::Help => "求助",
            RequestType::Complaint => "投诉",
            RequestType::Report => "举报",
            RequestType::Suggestion => "建议",
            RequestType::Praise => "表扬",
        }
    }

    /// Its key in the API and in exports.
    pub fn key(self) -> &'static str {
        match self {
            RequestType::Consultation => "consultation",
            RequestType::Help => "help",
            RequestType::Complaint => "complaint",
            RequestType::Report => "report",
            RequestType::Suggestion => "suggestion",
            RequestType::Praise => "praise",
        }
    }

    /// The type a label or key names ("投诉" or "complaint").
    pub fn parse(s: &str) -> Option<RequestType> {
        let s = s.trim();
        REQUEST_TYPES.iter().copied().find(|t| t.label() == s || t.key() == s)
    }
}

/// A request's classification, kept in the matter (it is not private): what, where, how urgent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseInfo {
    pub request_type: RequestType,
    /// The category code of the catalogue (e.g. "0301").
    pub category: String,
    /// The 街道/镇 it is about, where known.
    pub place: Option<String>,
    pub urgent: bool,
    /// Confidential: no content in any public view.
    pub confidential: bool,
}

/// Time limits in working days on the holiday calendar, per type, and for urgent requests. Zero
/// means the same working day. Configuration, with documented defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct TimeLimits {
    /// An urgent request is due this many working hours after it came in (0: use `urgent`) …
    pub urgent_hours: u32,
    /// … counted within these hours of the clock on working days.
    pub work_starts_at: u8,
    pub work_ends_at: u8,
    pub urgent: u32,
    pub consultation: u32,
    pub help: u32,
    pub complaint: u32,
    pub report: u32,
    pub suggestion: u32,
    pub praise: u32,
    /// The reply to a deputy's 议案, a deputy's 建议 and a committee member's 提案 is due in this many
    /// calendar days (three months by default) …
    pub motion_days: u32,
    pub suggestion_days: u32,
    pub proposal_days: u32,
    /// … and the co-handling units' opinions (会办意见) in this many.
    pub proposal_opinion_days: u32,
}

impl Default for TimeLimits {
    fn default() -> Self {
        TimeLimits {
            urgent_hours: 2,
            work_starts_at: 9,
            work_ends_at: 17,
            urgent: 0,
            consultation: 1,
            help: 3,
            complaint: 5,
            report: 5,
            suggestion: 5,
            praise: 3,
            motion_days: 90,
            suggestion_days: 90,
            proposal_days: 90,
            proposal_opinion_days: 30,
        }
    }
}

impl TimeLimits {
    /// The days a reply to a 议案, 建议 or 提案 may take.
    pub fn reply_days(&self, proposal_kind: &str) -> u32 {
        match proposal_kind {
            "议案" => self.motion_days,
            "建议" => self.suggestion_days,
            _ => self.proposal_days,
        }
    }

    pub fn working_days(&self, t: RequestType, urgent: bool) -> u32 {
        if urgent {
            return self.urgent;
        }
        match t {
            RequestType::Consultation => self.consultation,
            RequestType::Help => self.help,
            RequestType::Complaint => self.complaint,
            RequestType::Report => self.report,
            RequestType::Suggestion => self.suggestion,
            RequestType::Praise => self.praise,
        }
    }

    /// When a request that came in at `received` is due: its day, and for a limit in working hours
    /// the moment.
    pub fn due(
        &self,
        calendar: &Calendar,
        received: time::PrimitiveDateTime,
        t: RequestType,
        urgent: bool,
    ) -> (Date, Option<time::PrimitiveDateTime>) {
        if urgent && self.urgent_hours > 0 {
            let at = calendar.add_working_hours(received, self.urgent_hours, self.work_starts_at, self.work_ends_at);
            return (at.date(), Some(at));
        }
        (self.deadline(calendar, received.date(), t, urgent), None)
    }

    /// The deadline of a request received on `received`: N working days on, or for zero the same day
    /// if it is a working day (else the next one).
    pub fn deadline(&self, calendar: &Calendar, received: Date, t: RequestType, urgent: bool) -> Date {
        match self.working_days(t, urgent) {
            0 if calendar.is_working_day(received) => received,
            0 => calendar.add_working_days(received, 1),
            n => calendar.add_working_days(received, n),
        }
    }
}

/// The casework settings of a jurisdiction ([casework] in the configuration file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CaseworkRules {
    pub time_limits: TimeLimits,
    /// Whether 基本满意 counts as satisfied in 满意率.
    pub basic_is_satisfied: bool,
    /// How far back duplicate detection looks, in days.
    pub duplicate_window_days: i64,
}

impl Default for CaseworkRules {
    fn default() -> Self {
        CaseworkRules { time_limits: TimeLimits::default(), basic_is_satisfied: true, duplicate_window_days: 30 }
    }
}

impl CaseworkRules {
    pub fn counting(&self) -> CountingRules {
        CountingRules { basic_is_satisfied: self.basic_is_satisfied }
    }
}

/// A phone number as everyone but the centre and the handling unit sees it: 138****1234. Short or
/// odd numbers keep at most their last four digits.
pub fn mask_phone(phone: &str) -> String {
    let mut digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 13 && digits.starts_with(&['8', '6']) {
        digits.drain(..2); // the country code
    }
    match digits.len() {
        0 => String::new(),
        n if n >= 11 => {
            format!("{}****{}", digits[..3].iter().collect::<String>(), digits[n - 4..].iter().collect::<String>())
        }
        n if n > 4 => format!("****{}", digits[n - 4..].iter().collect::<String>()),
        _ => "****".into(),
    }
}

/// The last four digits of a phone number (for the public lookup).
pub fn last_four(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(4)..].iter().collect()
}

fn bigrams(s: &str) -> BTreeSet<(char, char)> {
    let chars: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// How alike two texts are: the Jaccard index of their character bigrams, 0.0 … 1.0.
pub fn similarity(a: &str, b: &str) -> f64 {
    jaccard(&bigrams(a), b)
}

/// The similarity of a text to one whose bigrams are known (computed once per new request).
fn jaccard(a: &BTreeSet<(char, char)>, b: &str) -> f64 {
    let b = bigrams(b);
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = b.iter().filter(|x| a.contains(x)).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}

/// A request as duplicate detection sees it.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub id: i64,
    pub received: Date,
    pub phone: &'a str,
    pub place: Option<&'a str>,
    pub text: &'a str,
}

/// Why two requests look like one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Alike {
    SameCaller,
    SamePlace { similarity: f64 },
    SameText { similarity: f64 },
}

/// Earlier requests within `window_days` that look like `new`: the same caller about something
/// similar, the same place with similar words, or nearly the same words. Suggestions only: the
/// operator merges (并单).
pub fn duplicates<'a>(new: &Candidate<'_>, earlier: &'a [Candidate<'a>], window_days: i64) -> Vec<(i64, Alike)> {
    let mut out = Vec::new();
    let mine = bigrams(new.text);
    for e in earlier.iter().filter(|e| e.id != new.id) {
        let days = (new.received - e.received).whole_days();
        if !(0..=window_days).contains(&days) {
            continue;
        }
        let sim = jaccard(&mine, e.text);
        let digits = |p: &str| p.chars().filter(char::is_ascii_digit).collect::<String>();
        let same_caller = !digits(new.phone).is_empty() && digits(new.phone) == digits(e.phone);
        if same_caller && sim >= 0.2 {
            out.push((e.id, Alike::SameCaller));
        } else if new.place.is_some() && new.place == e.place && sim >= 0.3 {
            out.push((e.id, Alike::SamePlace { similarity: sim }));
        } else if sim >= 0.7 {
            out.push((e.id, Alike::SameText { similarity: sim }));
        }
    }
    out
}

pub const RECEIVED: Definition =
    Definition {
        key: "received", name: "受理量", formula: "期内受理的诉求件数（并单的重复件不计）"
    };
pub const CLOSE_RATE: Definition =
    Definition { key: "close_rate", name: "办结率", formula: "已办结件数 ÷ 受理量" };
pub const ON_TIME_CLOSE_RATE: Definition =
    Definition {
        key: "on_time_close_rate", name: "按时办结率", formula: "在办理时限内答复或办结的件数 ÷ 已办结件数"
    };
pub const SATISFACTION_RATE: Definition = Definition {
    key: "satisfaction_rate",
    name: "满意率",
    formula: "评价为满意（按本地口径含基本满意）的件数 ÷ 已评价件数",
};
pub const SOLVED_RATE: Definition =
    Definition {
        key: "solved_rate", name: "解决率", formula: "评价为已解决的件数 ÷ 对是否解决作出评价的件数"
    };
pub const REPLY_RATE: Definition =
    Definition {
        key: "reply_rate", name: "答复率", formula: "已派单件中已答复的件数 ÷ 已派单件数"
    };
pub const RETURN_RATE: Definition =
    Definition {
        key: "return_rate", name: "退单率", formula: "被承办单位退回过的件数 ÷ 已派单件数"
    };
pub const REOPEN_RATE: Definition =
    Definition { key: "reopen_rate", name: "重办率", formula: "重办过的件数 ÷ 已办结件数" };

/// Where jurisdictions differ in counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CountingRules {
    /// Whether 基本满意 counts as satisfied (most 12345 centres count it).
    pub basic_is_satisfied: bool,
}

impl Default for CountingRules {
    fn default() -> Self {
        CountingRules { basic_is_satisfied: true }
    }
}

/// Additive counts of casework: summed over matters, or over stored roll-ups of them (by day, unit,
/// category, type), and turned into rates by [`CaseCounts::rates`]. Adding is the only operation,
/// so a dashboard over millions of requests sums a few thousand roll-up rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseCounts {
    pub received: u64,
    pub dispatched: u64,
    pub returned: u64,
    pub replied: u64,
    pub closed: u64,
    pub closed_on_time: u64,
    pub rated: u64,
    pub satisfied: u64,
    pub basic: u64,
    pub solved_known: u64,
    pub solved: u64,
    pub reopened: u64,
}

impl CaseCounts {
    /// The counts of one matter (a duplicate merged into another counts for nothing).
    pub fn of(m: &Matter) -> CaseCounts {
        if m.merged_into.is_some()
            || !matches!(m.kind, MatterKind::Request | MatterKind::Proposal | MatterKind::Complaint)
        {
            return CaseCounts::default();
        }
        let closed = m.status == Status::Done;
        // On time: answered (or closed) by the deadline.
        let handled_on = m.reply.as_ref().map(|r| r.on).or(m.done_on);
        let on_time = closed && matches!((handled_on, m.deadline), (Some(h), Some(d)) if h <= d);
        let rating = m.rating.as_ref();
        CaseCounts {
            received: 1,
            dispatched: u64::from(m.dispatched_on.is_some()),
            returned: u64::from(m.returns > 0),
            // Of the dispatched: an answer given by the centre on the line is not a unit's reply.
            replied: u64::from(m.reply.is_some() && m.dispatched_on.is_some()),
            closed: u64::from(closed),
            closed_on_time: u64::from(on_time),
            rated: u64::from(rating.is_some()),
            satisfied: u64::from(rating.is_some_and(|r| r.satisfaction == Satisfaction::Satisfied)),
            basic: u64::from(rating.is_some_and(|r| r.satisfaction == Satisfaction::Basic)),
            solved_known: u64::from(rating.is_some_and(|r| r.solved.is_some())),
            solved: u64::from(rating.is_some_and(|r| r.solved == Some(true))),
            reopened: u64::from(m.reopens > 0),
        }
    }

    pub fn add(&mut self, o: &CaseCounts) {
        self.received += o.received;
        self.dispatched += o.dispatched;
        self.returned += o.returned;
        self.replied += o.replied;
        self.closed += o.closed;
        self.closed_on_time += o.closed_on_time;
        self.rated += o.rated;
        self.satisfied += o.satisfied;
        self.basic += o.basic;
        self.solved_known += o.solved_known;
        self.solved += o.solved;
        self.reopened += o.reopened;
    }

    /// The published rates, by their definitions.
    pub fn rates(&self, rules: CountingRules) -> Vec<Rate> {
        let satisfied = self.satisfied + if rules.basic_is_satisfied { self.basic } else { 0 };
        let rate = |numerator, denominator, definition| Rate { numerator, denominator, definition };
        vec![
            rate(self.closed, self.received, &CLOSE_RATE),
            rate(self.closed_on_time, self.closed, &ON_TIME_CLOSE_RATE),
            rate(satisfied, self.rated, &SATISFACTION_RATE),
            rate(self.solved, self.solved_known, &SOLVED_RATE),
            rate(self.replied, self.dispatched, &REPLY_RATE),
            rate(self.returned, self.dispatched, &RETURN_RATE),
            rate(self.reopened, self.closed, &REOPEN_RATE),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matter::{Change, Event, MatterId};
    use time::macros::date;

    fn request(id: i64, changes: &[(Date, Change)]) -> Matter {
        let mut m = Matter::new(MatterId(id), MatterKind::Request, "路灯不亮", "12345", date!(2019 - 07 - 01));
        m.apply(&Event {
            on: date!(2019 - 07 - 01),
            actor: "话务员".into(),
            change: Change::DeadlineSet { deadline: date!(2019 - 07 - 08) },
        })
        .unwrap();
        for (on, change) in changes {
            m.apply(&Event { on: *on, actor: "x".into(), change: change.clone() }).unwrap();
        }
        m
    }

    fn dispatch() -> Change {
        Change::Assigned { lead_unit: "城市管理局".into(), co_units: vec![] }
    }

    fn reply() -> Change {
        Change::Replied { text: "已修复".into(), class: None }
    }

    fn rate(s: Satisfaction, solved: Option<bool>) -> Change {
        Change::Rated { satisfaction: s, solved }
    }

    fn close() -> Change {
        Change::SignedOff { note: "办结".into(), exceptions: vec![] }
    }

    /// Five requests, counted by hand:
    /// 1: dispatched, signed for, replied 07-03, satisfied & solved, closed → on time.
    /// 2: dispatched, returned once, dispatched again, replied 07-10 (late), basic, closed.
    /// 3: dispatched, replied, unsatisfied & unsolved, reopened, replied again, satisfied, closed.
    /// 4: dispatched, not yet replied.
    /// 5: a duplicate merged into 1: counts for nothing.
    #[test]
    fn hand_computed_rates() {
        let d = |day: u8| Date::from_calendar_date(2019, time::Month::July, day).unwrap();
        let ms = [
            request(
                1,
                &[
                    (d(1), dispatch()),
                    (d(1), Change::Accepted),
                    (d(3), reply()),
                    (d(4), rate(Satisfaction::Satisfied, Some(true))),
                    (d(4), close()),
                ],
            ),
            request(
                2,
                &[
                    (d(1), dispatch()),
                    (d(2), Change::Returned { reason: "不属于本单位职责".into() }),
                    (d(2), Change::Assigned { lead_unit: "住房和城乡建设局".into(), co_units: vec![] }),
                    (d(3), Change::Accepted),
                    (d(10), reply()),
                    (d(11), rate(Satisfaction::Basic, None)),
                    (d(11), close()),
                ],
            ),
            request(
                3,
                &[
                    (d(1), dispatch()),
                    (d(1), Change::Accepted),
                    (d(2), reply()),
                    (d(3), rate(Satisfaction::Unsatisfied, Some(false))),
                    (d(3), Change::Reopened { reason: "回访不满意".into() }),
                    (d(5), reply()),
                    (d(6), rate(Satisfaction::Satisfied, Some(true))),
                    (d(6), close()),
                ],
            ),
            request(4, &[(d(1), dispatch()), (d(1), Change::Accepted)]),
            request(5, &[(d(1), Change::MergedInto { into: MatterId(1) })]),
        ];
        let mut total = CaseCounts::default();
        for m in &ms {
            total.add(&CaseCounts::of(m));
        }
        assert_eq!(
            total,
            CaseCounts {
                received: 4,
                dispatched: 4,
                returned: 1,
                replied: 3,
                closed: 3,
                closed_on_time: 2,
                rated: 3,
                satisfied: 2,
                basic: 1,
                solved_known: 2,
                solved: 2,
                reopened: 1,
            }
        );
        let pairs = |rules| {
            total.rates(rules).iter().map(|r| (r.definition.key, r.numerator, r.denominator)).collect::<Vec<_>>()
        };
        assert_eq!(
            pairs(CountingRules::default()),
            [
                ("close_rate", 3, 4),
                ("on_time_close_rate", 2, 3),
                ("satisfaction_rate", 3, 3),
                ("solved_rate", 2, 2),
                ("reply_rate", 3, 4),
                ("return_rate", 1, 4),
                ("reopen_rate", 1, 3),
            ]
        );
        // Where 基本满意 is not counted as satisfied: 2 of 3.
        assert_eq!(pairs(CountingRules { basic_is_satisfied: false })[2], ("satisfaction_rate", 2, 3));
        assert_eq!(ms[1].status, Status::Done);
        assert_eq!(ms[3].status, Status::Open);
    }

    #[test]
    fn the_request_lifecycle_refuses_what_does_not_fit() {
        let d = date!(2019 - 07 - 02);
        let mut m = request(1, &[(d, dispatch())]);
        assert_eq!(m.status, Status::Dispatched);
        let ev = |change| Event { on: d, actor: "x".into(), change };
        assert!(m.apply(&ev(reply())).is_err(), "not signed for yet");
        m.apply(&ev(Change::Accepted)).unwrap();
        assert!(m.apply(&ev(rate(Satisfaction::Satisfied, None))).is_err(), "nothing to rate yet");
        assert!(
            m.apply(&ev(Change::ExtensionRequested { until: date!(2019 - 07 - 05), reason: "x".into() })).is_err(),
            "earlier than the deadline"
        );
        m.apply(&ev(Change::ExtensionRequested { until: date!(2019 - 07 - 15), reason: "需协调".into() })).unwrap();
        m.apply(&ev(Change::ExtensionDecided { granted: true, note: "同意".into() })).unwrap();
        assert_eq!(m.deadline, Some(date!(2019 - 07 - 15)));
        assert!(
            m.apply(&ev(Change::ExtensionDecided { granted: true, note: String::new() })).is_err(),
            "nothing asked"
        );
        // A ledger task is not signed for, replied to or returned.
        let mut task = Matter::new(MatterId(9), MatterKind::Task, "t", "", d);
        task.apply(&ev(dispatch())).unwrap();
        assert_eq!(task.status, Status::Open);
        assert!(task.apply(&ev(reply())).is_err());
        assert!(task.apply(&ev(Change::Returned { reason: String::new() })).is_err());
    }

    #[test]
    fn urgent_requests_are_due_in_working_hours() {
        let cal = Calendar::builtin();
        let limits = TimeLimits::default();
        let (day, at) = limits.due(&cal, time::macros::datetime!(2019-09-27 16:30), RequestType::Help, true);
        assert_eq!((day, at), (date!(2019 - 09 - 29), Some(time::macros::datetime!(2019-09-29 10:30))));
        let (day, at) = limits.due(&cal, time::macros::datetime!(2019-09-27 16:30), RequestType::Help, false);
        assert_eq!((day, at), (date!(2019 - 10 - 08), None));
        let motions = TimeLimits { motion_days: 60, ..TimeLimits::default() };
        assert_eq!((motions.reply_days("议案"), motions.reply_days("建议"), motions.reply_days("提案")), (60, 90, 90));
        let days_only = TimeLimits { urgent_hours: 0, ..TimeLimits::default() };
        assert_eq!(
            days_only.due(&cal, time::macros::datetime!(2019-09-27 16:30), RequestType::Help, true),
            (date!(2019 - 09 - 27), None)
        );
    }

    #[test]
    fn time_limits_on_the_calendar() {
        let cal = Calendar::builtin();
        let limits = TimeLimits::default();
        // Friday 2019-09-27 + 5 working days: the adjusted Sunday 09-29, then past National Day.
        assert_eq!(limits.deadline(&cal, date!(2019 - 09 - 27), RequestType::Complaint, false), date!(2019 - 10 - 10));
        // Urgent: the same working day; received on a holiday, the next working day.
        assert_eq!(limits.deadline(&cal, date!(2019 - 09 - 27), RequestType::Complaint, true), date!(2019 - 09 - 27));
        assert_eq!(limits.deadline(&cal, date!(2019 - 10 - 01), RequestType::Help, true), date!(2019 - 10 - 08));
    }

    #[test]
    fn phones_are_masked_and_duplicates_suggested() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("+86 138-1234-5678"), "138****5678");
        assert_eq!(mask_phone("0539-8221234"), "053****1234");
        assert_eq!(mask_phone("8221234"), "****1234");
        assert_eq!(mask_phone("110"), "****");
        assert_eq!(last_four("138 1234 5678"), "5678");
        let d = date!(2019 - 07 - 10);
        let earlier = [
            Candidate {
                id: 1,
                received: d - time::Duration::days(2),
                phone: "13812345678",
                place: Some("傅庄街道"),
                text: "幸福小区路灯不亮，晚上出行不便",
            },
            Candidate {
                id: 2,
                received: d - time::Duration::days(1),
                phone: "13900000000",
                place: Some("傅庄街道"),
                text: "幸福小区的路灯坏了不亮",
            },
            Candidate {
                id: 3,
                received: d - time::Duration::days(40),
                phone: "13812345678",
                place: None,
                text: "幸福小区路灯不亮",
            },
            Candidate {
                id: 4, received: d, phone: "13700000000", place: Some("盛庄街道"), text: "咨询养老保险缴费"
            },
        ];
        let new = Candidate {
            id: 9,
            received: d,
            phone: "13812345678",
            place: Some("傅庄街道"),
            text: "幸福小区路灯还是不亮",
        };
        let found = duplicates(&new, &earlier, 30);
        let ids: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [1, 2], "{found:?}");
        assert_eq!(found[0].1, Alike::SameCaller);
        assert!(similarity("abc", "") == 0.0 && (similarity("路灯不亮", "路灯不亮") - 1.0).abs() < 1e-12);
    }
}
