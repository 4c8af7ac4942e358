//! Early warning (预警督查): red, yellow or green for a matter on a given day, with every reason
//! spelled out so the page can answer "why is this red".
//!
//! Expected progress comes from the milestones where there are any (the share due by today), else from
//! the time elapsed between the matter's start and its deadline. Lag behind it turns yellow, then red;
//! a missed milestone, an overdue deadline or a long silence turn red. Thresholds are configuration
//! (`WarningRules`), not code.

use serde::{Deserialize, Serialize};
use time::Date;

use std::collections::HashMap;

use crate::matter::{Matter, MatterId, Status, rollup};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Green,
    Yellow,
    Red,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Green => "绿灯",
            Level::Yellow => "黄灯",
            Level::Red => "红灯",
        }
    }
}

/// The thresholds of the warning rules; every field has a documented default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct WarningRules {
    /// Progress this far (as a share, 0.10 = 10 points) behind the expected turns yellow.
    pub yellow_lag: f64,
    /// … and this far behind turns red.
    pub red_lag: f64,
    /// Days without a report that turn yellow, and red.
    pub quiet_days_yellow: i64,
    pub quiet_days_red: i64,
    /// Days before the deadline when an unfinished matter turns at least yellow.
    pub due_soon_days: i64,
    /// The same for casework (requests, proposals, complaints), whose limits are short.
    pub casework_due_soon_days: i64,
}

impl Default for WarningRules {
    fn default() -> Self {
        WarningRules {
            yellow_lag: 0.10,
            red_lag: 0.25,
            quiet_days_yellow: 30,
            quiet_days_red: 60,
            due_soon_days: 7,
            casework_due_soon_days: 1,
        }
    }
}

/// One reason for a colour, in words a person reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Reason {
    Lag {
        expected: f64,
        actual: f64,
        level: Level,
    },
    MissedMilestone {
        name: String,
        due: Date,
    },
    Overdue {
        deadline: Date,
        days: i64,
    },
    DueSoon {
        deadline: Date,
        days: i64,
    },
    Quiet {
        since: Date,
        days: i64,
        level: Level,
    },
    NeverReported {
        days: i64,
        level: Level,
    },
    /// The matter follows its worst sub-matter: `count` of them are at `level`.
    WorstChild {
        count: usize,
        level: Level,
    },
    /// A special campaign it belongs to is past its own deadline.
    CampaignOverdue {
        name: String,
        deadline: Date,
        days: i64,
    },
    /// Past the moment it was due, where its limit is in working hours.
    OverdueAt {
        at: time::PrimitiveDateTime,
    },
}

impl Reason {
    pub fn level(&self) -> Level {
        match self {
            Reason::Lag { level, .. }
            | Reason::Quiet { level, .. }
            | Reason::NeverReported { level, .. }
            | Reason::WorstChild { level, .. } => *level,
            Reason::MissedMilestone { .. }
            | Reason::Overdue { .. }
            | Reason::CampaignOverdue { .. }
            | Reason::OverdueAt { .. } => Level::Red,
            Reason::DueSoon { .. } => Level::Yellow,
        }
    }

    /// The explanation shown on the page.
    pub fn explain(&self) -> String {
        match self {
            Reason::Lag { expected, actual, .. } => format!(
                "进度{:.0}%，按时间应达{:.0}%，落后{:.0}个百分点",
                actual * 100.0,
                expected * 100.0,
                (expected - actual) * 100.0
            ),
            Reason::MissedMilestone { name, due } => format!("节点“{name}”应于{due}完成，尚未完成"),
            Reason::Overdue { deadline, days } => format!("已超过完成时限（{deadline}）{days}天"),
            Reason::DueSoon { deadline, days } => format!("距完成时限（{deadline}）仅剩{days}天"),
            Reason::Quiet { since, days, .. } => format!("自{since}起已{days}天未报送进展"),
            Reason::NeverReported { days, .. } => format!("分派{days}天以来从未报送进展"),
            Reason::WorstChild { count, level } => format!("{count}项子事项亮{}", level.label()),
            Reason::OverdueAt { at } => {
                format!("已超过办理时限（{} {:02}:{:02}）", at.date(), at.hour(), at.minute())
            }
            Reason::CampaignOverdue { name, deadline, days } => {
                format!("专项督查“{name}”要求{deadline}前完成，已超期{days}天")
            }
        }
    }
}

/// A matter's colour on a day, with what was expected and what was reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    pub level: Level,
    pub expected: Option<f64>,
    pub actual: Option<f64>,
    pub reasons: Vec<Reason>,
}

/// Expected progress on `today`: the share of milestones due by then, else the share of time elapsed.
pub fn expected_progress(m: &Matter, today: Date) -> Option<f64> {
    if !m.milestones.is_empty() {
        let due = m.milestones.iter().filter(|x| x.due <= today).count();
        return Some(due as f64 / m.milestones.len() as f64);
    }
    let deadline = m.deadline?;
    let span = (deadline - m.created_on).whole_days();
    if span <= 0 {
        return Some(1.0);
    }
    Some(((today - m.created_on).whole_days() as f64 / span as f64).clamp(0.0, 1.0))
}

/// Assesses one matter on its own reports (a split matter's sub-matters are not consulted: see
/// [`assess_all`]).
pub fn assess(m: &Matter, today: Date, rules: &WarningRules) -> Assessment {
    assess_with(m, Family::alone(m), today, rules)
}

/// What a matter's sub-matters bring to its assessment.
struct Family {
    /// Its progress: its own, or the roll-up of its children's.
    actual: Option<f64>,
    /// The worst child's level and how many children are at it, where the matter follows it.
    worst_child: Option<(Level, usize)>,
    /// The latest report on it or on any of its children (a split matter is reported on through
    /// its children, so it is not quiet while they report).
    last_report_on: Option<Date>,
}

impl Family {
    fn alone(m: &Matter) -> Family {
        Family { actual: m.progress(), worst_child: None, last_report_on: m.last_report_on }
    }
}

/// Assesses matters together, in the order given. A split matter's progress is the weighted roll-up
/// of its sub-matters found in `matters` (their shares of its standard); where the office asked it to
/// follow its worst child, its colour is at least that child's. Sub-matters missing from `matters`
/// are left out of the roll-up.
pub fn assess_all(matters: &[Matter], today: Date, rules: &WarningRules) -> Vec<Assessment> {
    let index: HashMap<MatterId, usize> = matters.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    let mut memo: Vec<Option<Assessment>> = vec![None; matters.len()];
    let mut visiting = vec![false; matters.len()];
    for i in 0..matters.len() {
        visit(i, matters, &index, &mut memo, &mut visiting, today, rules);
    }
    memo.into_iter().map(|a| a.unwrap_or_else(|| Assessment::green(None, None))).collect()
}

fn visit(
    i: usize,
    matters: &[Matter],
    index: &HashMap<MatterId, usize>,
    memo: &mut [Option<Assessment>],
    visiting: &mut [bool],
    today: Date,
    rules: &WarningRules,
) {
    if memo[i].is_some() || visiting[i] {
        return; // done, or a cycle (which the store never makes): the matter is then judged alone
    }
    visiting[i] = true;
    let m = &matters[i];
    let kids: Vec<(f64, usize)> =
        m.children.iter().filter_map(|s| index.get(&s.matter).map(|&k| (s.weight, k))).collect();
    for &(_, k) in &kids {
        visit(k, matters, index, memo, visiting, today, rules);
    }
    let child = |k: usize| memo[k].as_ref();
    let actual = if kids.is_empty() || m.status == Status::Done {
        m.progress()
    } else {
        rollup(&kids.iter().map(|&(w, k)| (w, child(k).and_then(|a| a.actual))).collect::<Vec<_>>())
            .or_else(|| m.progress())
    };
    let worst = if m.follow_worst_child {
        let levels: Vec<Level> = kids
            .iter()
            .filter(|&&(_, k)| !matters[k].status.is_closed())
            .filter_map(|&(_, k)| child(k).map(|a| a.level))
            .collect();
        levels.iter().max().map(|&top| (top, levels.iter().filter(|&&l| l == top).count()))
    } else {
        None
    };
    let last_report_on = kids.iter().filter_map(|&(_, k)| matters[k].last_report_on).chain(m.last_report_on).max();
    memo[i] = Some(assess_with(m, Family { actual, worst_child: worst, last_report_on }, today, rules));
}

/// Adds to an assessment (made by the day) what the hour says: a matter due at a moment that has
/// passed `now` is red, even on its last day.
pub fn by_the_hour(a: &mut Assessment, m: &Matter, now: time::PrimitiveDateTime) {
    let handled = m.status.is_closed() || m.status == Status::Draft || m.status == Status::Replied;
    if let Some(at) = m.due_at.filter(|at| *at < now && !handled) {
        a.reasons.push(Reason::OverdueAt { at });
        a.level = Level::Red;
    }
}

/// What makes closing `m` today need a recorded reason (复核销号): the office closing a ledger matter
/// the unit has not applied for, progress below the standard, a red light. Casework closes on its
/// own terms (a reply and its rating) and needs none.
pub fn sign_off_exceptions(m: &Matter, a: &Assessment) -> Vec<crate::matter::Exception> {
    use crate::matter::Exception;
    if !m.kind.spec().progress_expected {
        return Vec::new();
    }
    let mut out = Vec::new();
    if m.status == Status::Open {
        out.push(Exception::OwnInitiative);
    }
    if a.actual.is_none_or(|p| p < 1.0 - 1e-9) {
        out.push(Exception::BelowStandard { progress: a.actual });
    }
    if a.level == Level::Red {
        out.push(Exception::OnRed);
    }
    out
}

impl Assessment {
    fn green(expected: Option<f64>, actual: Option<f64>) -> Assessment {
        Assessment { level: Level::Green, expected, actual, reasons: Vec::new() }
    }
}

fn assess_with(m: &Matter, family: Family, today: Date, rules: &WarningRules) -> Assessment {
    let Family { actual, worst_child, last_report_on } = family;
    let expected = expected_progress(m, today);
    // Closed matters need no warning; drafts are not yet anyone's to be late with (the office sees
    // them as 待分派).
    // A replied matter has met its time limit; it waits for the caller, not for the unit.
    if m.status.is_closed() || m.status == Status::Draft || m.status == Status::Replied {
        return Assessment::green(expected, actual);
    }
    let spec = m.kind.spec();
    let mut reasons = Vec::new();
    if spec.progress_expected
        && let (Some(e), Some(a)) = (expected, actual.or(Some(0.0)))
    {
        let lag = e - a;
        if lag >= rules.red_lag {
            reasons.push(Reason::Lag { expected: e, actual: a, level: Level::Red });
        } else if lag >= rules.yellow_lag {
            reasons.push(Reason::Lag { expected: e, actual: a, level: Level::Yellow });
        }
    }
    for ms in m.milestones.iter().filter(|x| x.done_on.is_none() && x.due < today) {
        reasons.push(Reason::MissedMilestone { name: ms.name.clone(), due: ms.due });
    }
    if let Some(deadline) = m.deadline {
        let left = (deadline - today).whole_days();
        if left < 0 {
            reasons.push(Reason::Overdue { deadline, days: -left });
        } else if left <= if spec.progress_expected { rules.due_soon_days } else { rules.casework_due_soon_days }
            && actual.unwrap_or(0.0) < 1.0
        {
            reasons.push(Reason::DueSoon { deadline, days: left });
        }
    }
    if m.status == Status::Open && spec.progress_expected {
        // The matter's own feedback cadence, where it has one, else the office's thresholds; a
        // matter reported on only when done (办结即报) is never quiet.
        let thresholds = match m.cadence {
            Some(c) => c.quiet_days(),
            None => Some((rules.quiet_days_yellow, rules.quiet_days_red)),
        };
        let quiet = |days: i64| {
            let (yellow, red) = thresholds?;
            if days >= red {
                Some(Level::Red)
            } else if days >= yellow {
                Some(Level::Yellow)
            } else {
                None
            }
        };
        match last_report_on {
            Some(since) => {
                let days = (today - since).whole_days();
                if let Some(level) = quiet(days) {
                    reasons.push(Reason::Quiet { since, days, level });
                }
            }
            None => {
                let days = (today - m.created_on).whole_days();
                if let Some(level) = quiet(days) {
                    reasons.push(Reason::NeverReported { days, level });
                }
            }
        }
    }
    for c in m.campaigns.iter().filter(|c| c.deadline < today) {
        reasons.push(Reason::CampaignOverdue {
            name: c.name.clone(),
            deadline: c.deadline,
            days: (today - c.deadline).whole_days(),
        });
    }
    if let Some((level, count)) = worst_child.filter(|(l, _)| *l > Level::Green) {
        reasons.push(Reason::WorstChild { count, level });
    }
    let level = reasons.iter().map(Reason::level).max().unwrap_or(Level::Green);
    Assessment { level, expected, actual, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matter::{Change, Event, Goal, MatterId, MatterKind, Standard};
    use time::macros::date;

    fn matter() -> Matter {
        let mut m = Matter::new(MatterId(7), MatterKind::Target, "新增城镇就业4900人", "", date!(2019 - 01 - 01));
        for change in [
            Change::Assigned { lead_unit: "人力资源和社会保障局".into(), co_units: vec![] },
            Change::DeadlineSet { deadline: date!(2019 - 12 - 31) },
            Change::StandardSet { standard: Standard { value: 4900.0, unit: "人".into(), goal: Goal::AtLeast } },
        ] {
            m.apply(&Event { on: date!(2019 - 01 - 01), actor: "x".into(), change }).unwrap();
        }
        m
    }

    fn report(m: &mut Matter, on: Date, value: f64) {
        m.apply(&Event {
            on,
            actor: "x".into(),
            change: Change::ProgressReported { value: Some(value), percent: None, narrative: String::new() },
        })
        .unwrap();
    }

    /// 反馈频次: a weekly matter is quiet after eight days, a monthly one only after a month; one
    /// reported on when done is never quiet, but its deadline still counts.
    #[test]
    fn the_feedback_cadence_sets_when_silence_warns() {
        let quiet = |cadence: Option<crate::matter::Cadence>, today: Date| {
            let mut m = matter();
            if let Some(cadence) = cadence {
                m.apply(&Event {
                    on: date!(2019 - 01 - 01),
                    actor: "x".into(),
                    change: Change::CadenceSet { cadence },
                })
                .unwrap();
            }
            report(&mut m, date!(2019 - 06 - 01), 2300.0);
            let a = assess(&m, today, &WarningRules::default());
            a.reasons.iter().find_map(|r| match r {
                Reason::Quiet { level, .. } => Some(*level),
                _ => None,
            })
        };
        use crate::matter::Cadence::*;
        assert_eq!(quiet(Some(Weekly), date!(2019 - 06 - 08)), None);
        assert_eq!(quiet(Some(Weekly), date!(2019 - 06 - 09)), Some(Level::Yellow));
        assert_eq!(quiet(Some(Weekly), date!(2019 - 06 - 16)), Some(Level::Red));
        assert_eq!(quiet(Some(Monthly), date!(2019 - 06 - 16)), None);
        assert_eq!(quiet(Some(Monthly), date!(2019 - 07 - 03)), Some(Level::Yellow));
        assert_eq!(quiet(None, date!(2019 - 07 - 01)), Some(Level::Yellow)); // the office's 30 days
        assert_eq!(quiet(Some(OnCompletion), date!(2019 - 11 - 30)), None);
        // 办结即报 silences only the silence rule: the deadline passed is still red.
        let mut m = matter();
        m.apply(&Event {
            on: date!(2019 - 01 - 01),
            actor: "x".into(),
            change: Change::CadenceSet { cadence: OnCompletion },
        })
        .unwrap();
        assert_eq!(assess(&m, date!(2020 - 01 - 10), &WarningRules::default()).level, Level::Red);
    }

    #[test]
    fn on_track_is_green() {
        let mut m = matter();
        report(&mut m, date!(2019 - 06 - 30), 2500.0);
        let a = assess(&m, date!(2019 - 07 - 01), &WarningRules::default());
        assert_eq!(a.level, Level::Green, "{a:?}");
    }

    #[test]
    fn lag_turns_yellow_then_red_with_reasons() {
        let mut m = matter();
        report(&mut m, date!(2019 - 06 - 30), 1900.0); // 39% at mid-year: 11 points behind
        let a = assess(&m, date!(2019 - 07 - 01), &WarningRules::default());
        assert_eq!(a.level, Level::Yellow);
        assert!(a.reasons[0].explain().contains("落后"), "{}", a.reasons[0].explain());
        report(&mut m, date!(2019 - 07 - 01), 1000.0);
        assert_eq!(assess(&m, date!(2019 - 07 - 01), &WarningRules::default()).level, Level::Red);
    }

    #[test]
    fn overdue_quiet_and_milestones() {
        let mut m = matter();
        report(&mut m, date!(2019 - 02 - 01), 400.0);
        let a = assess(&m, date!(2020 - 01 - 05), &WarningRules::default());
        assert!(a.reasons.iter().any(|r| matches!(r, Reason::Overdue { days: 5, .. })), "{a:?}");
        assert!(a.reasons.iter().any(|r| matches!(r, Reason::Quiet { level: Level::Red, .. })));
        let mut m = matter();
        m.apply(&Event {
            on: date!(2019 - 01 - 01),
            actor: "x".into(),
            change: Change::MilestoneAdded { name: "完成选址".into(), due: date!(2019 - 03 - 31) },
        })
        .unwrap();
        report(&mut m, date!(2019 - 04 - 01), 4000.0);
        let a = assess(&m, date!(2019 - 04 - 02), &WarningRules::default());
        assert_eq!(a.level, Level::Red);
        assert!(a.reasons.iter().any(|r| r.explain().contains("完成选址")));
    }

    #[test]
    fn thresholds_are_configuration() {
        let mut m = matter();
        report(&mut m, date!(2019 - 06 - 30), 1900.0);
        let lax = WarningRules { yellow_lag: 0.2, red_lag: 0.4, ..WarningRules::default() };
        assert_eq!(assess(&m, date!(2019 - 07 - 01), &lax).level, Level::Green);
    }

    #[test]
    fn signed_off_is_green_and_children_can_redden_a_parent() {
        let mut m = matter();
        m.apply(&Event {
            on: date!(2019 - 05 - 01),
            actor: "x".into(),
            change: Change::SignedOff { note: String::new(), exceptions: vec![] },
        })
        .unwrap();
        assert_eq!(assess(&m, date!(2020 - 06 - 01), &WarningRules::default()).level, Level::Green);
        let mut p = matter();
        report(&mut p, date!(2019 - 06 - 30), 2500.0);
        assert_eq!(assess(&p, date!(2019 - 07 - 01), &WarningRules::default()).level, Level::Green);
    }

    /// A parent split in two halves: its progress is the weighted roll-up of the children's, and it
    /// turns red with its worst child only when it follows it.
    #[test]
    fn split_matters_roll_up_and_follow_the_worst_child() {
        use crate::matter::Share;
        let on = date!(2019 - 01 - 01);
        let mut parent = matter();
        let mut kids = Vec::new();
        for (id, unit, value) in [(8, "傅庄街道", 2450.0), (9, "盛庄街道", 300.0)] {
            let mut k = Matter::new(MatterId(id), MatterKind::Target, "新增城镇就业", "", on);
            let std = parent.standard.as_ref().unwrap().share(0.5);
            assert_eq!(std.value, 2450.0);
            for change in [
                Change::SplitFrom { parent: parent.id, weight: 0.5 },
                Change::Assigned { lead_unit: unit.into(), co_units: vec![] },
                Change::DeadlineSet { deadline: date!(2019 - 12 - 31) },
                Change::StandardSet { standard: std },
            ] {
                k.apply(&Event { on, actor: "x".into(), change }).unwrap();
            }
            report(&mut k, date!(2019 - 06 - 30), value);
            kids.push(k);
        }
        let shares = kids
            .iter()
            .map(|k| Share { matter: k.id, unit: k.lead_unit.clone().unwrap(), weight: 0.5 })
            .collect::<Vec<_>>();
        let split = |follow_worst| Event {
            on,
            actor: "x".into(),
            change: Change::Split { shares: shares.clone(), follow_worst },
        };
        parent.apply(&split(false)).unwrap();
        report(&mut parent, date!(2019 - 06 - 30), 0.0);
        let all = [parent.clone(), kids[0].clone(), kids[1].clone()];
        let a = assess_all(&all, date!(2019 - 07 - 01), &WarningRules::default());
        let expected = 0.5 * 1.0 + 0.5 * (300.0 / 2450.0);
        assert!((a[0].actual.unwrap() - expected).abs() < 1e-9, "{:?}", a[0]);
        assert_eq!((a[0].level, a[1].level, a[2].level), (Level::Green, Level::Green, Level::Red));
        // Alone, the parent's own report (0) would make it red: the roll-up is what counts.
        assert_eq!(assess(&parent, date!(2019 - 07 - 01), &WarningRules::default()).level, Level::Red);
        let mut following = matter();
        following.apply(&split(true)).unwrap();
        let a =
            assess_all(&[kids[1].clone(), following, kids[0].clone()], date!(2019 - 07 - 01), &WarningRules::default());
        assert_eq!(a[1].level, Level::Red);
        assert!(a[1].reasons.iter().any(|r| r.explain() == "1项子事项亮红灯"), "{:?}", a[1].reasons);
        // It never reported itself, but its children did: it is not quiet.
        assert!(
            !a[1].reasons.iter().any(|r| matches!(r, Reason::Quiet { .. } | Reason::NeverReported { .. })),
            "{:?}",
            a[1].reasons
        );
    }

    /// The office closing a red matter at a fraction of its standard without an application: all
    /// three exceptions; a unit's application at 100 % on green: none.
    #[test]
    fn sign_off_exceptions_are_worked_out_from_the_assessment() {
        use crate::matter::Exception;
        let mut m = matter();
        report(&mut m, date!(2019 - 06 - 30), 441.0);
        let a = assess(&m, date!(2019 - 07 - 01), &WarningRules::default());
        assert_eq!(
            sign_off_exceptions(&m, &a),
            vec![Exception::OwnInitiative, Exception::BelowStandard { progress: Some(0.09) }, Exception::OnRed]
        );
        report(&mut m, date!(2019 - 07 - 01), 4900.0);
        m.status = Status::Submitted;
        let a = assess(&m, date!(2019 - 07 - 01), &WarningRules::default());
        assert_eq!(sign_off_exceptions(&m, &a), vec![]);
    }

    /// An urgent request due at 10:30: yellow on its day before then, red after, by the hour.
    #[test]
    fn hour_limits_turn_red_by_the_hour() {
        use time::macros::datetime;
        let mut m = Matter::new(MatterId(3), MatterKind::Request, "井盖缺失", "", date!(2019 - 09 - 29));
        for change in [
            Change::DueAt { at: datetime!(2019-09-29 10:30) },
            Change::Assigned { lead_unit: "交通运输局".into(), co_units: vec![] },
        ] {
            m.apply(&Event { on: date!(2019 - 09 - 29), actor: "x".into(), change }).unwrap();
        }
        let mut a = assess(&m, date!(2019 - 09 - 29), &WarningRules::default());
        assert_eq!(a.level, Level::Yellow, "{a:?}");
        by_the_hour(&mut a, &m, datetime!(2019-09-29 10:00));
        assert_eq!(a.level, Level::Yellow);
        by_the_hour(&mut a, &m, datetime!(2019-09-29 10:31));
        assert_eq!(a.level, Level::Red);
        assert!(a.reasons.iter().any(|r| r.explain() == "已超过办理时限（2019-09-29 10:30）"), "{:?}", a.reasons);
    }
}
