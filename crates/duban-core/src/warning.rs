//! Early warning (预警督查): red, yellow or green for a matter on a given day, with every reason
//! spelled out so the page can answer "why is this red".
//!
//! Expected progress comes from the milestones where there are any (the share due by today), else from
//! the time elapsed between the matter's start and its deadline. Lag behind it turns yellow, then red;
//! a missed milestone, an overdue deadline or a long silence turn red. Thresholds are configuration
//! (`WarningRules`), not code.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::matter::{Matter, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
#[serde(default)]
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
}

impl Default for WarningRules {
    fn default() -> Self {
        WarningRules { yellow_lag: 0.10, red_lag: 0.25, quiet_days_yellow: 30, quiet_days_red: 60, due_soon_days: 7 }
    }
}

/// One reason for a colour, in words a person reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Reason {
    Lag { expected: f64, actual: f64, level: Level },
    MissedMilestone { name: String, due: Date },
    Overdue { deadline: Date, days: i64 },
    DueSoon { deadline: Date, days: i64 },
    Quiet { since: Date, days: i64, level: Level },
    NeverReported { days: i64, level: Level },
    ChildRed { count: usize },
}

impl Reason {
    pub fn level(&self) -> Level {
        match self {
            Reason::Lag { level, .. } | Reason::Quiet { level, .. } | Reason::NeverReported { level, .. } => *level,
            Reason::MissedMilestone { .. } | Reason::Overdue { .. } | Reason::ChildRed { .. } => Level::Red,
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
            Reason::ChildRed { count } => format!("{count}项子事项亮红灯"),
        }
    }
}

/// A matter's colour on a day, with what was expected and what was reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Assesses one matter. `worst_children` is the number of red sub-matters when the office asked the
/// parent to follow its worst child (0 otherwise).
pub fn assess(m: &Matter, today: Date, rules: &WarningRules, red_children: usize) -> Assessment {
    let actual = m.progress();
    let expected = expected_progress(m, today);
    // Closed matters need no warning; drafts are not yet anyone's to be late with (the office sees
    // them as 待分派).
    if m.status.is_closed() || m.status == Status::Draft {
        return Assessment { level: Level::Green, expected, actual, reasons: Vec::new() };
    }
    let mut reasons = Vec::new();
    if let (Some(e), Some(a)) = (expected, actual.or(Some(0.0))) {
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
        } else if left <= rules.due_soon_days && actual.unwrap_or(0.0) < 1.0 {
            reasons.push(Reason::DueSoon { deadline, days: left });
        }
    }
    if m.status == Status::Open {
        let quiet = |days: i64| {
            if days >= rules.quiet_days_red {
                Some(Level::Red)
            } else if days >= rules.quiet_days_yellow {
                Some(Level::Yellow)
            } else {
                None
            }
        };
        match m.last_report_on {
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
    if red_children > 0 {
        reasons.push(Reason::ChildRed { count: red_children });
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

    #[test]
    fn on_track_is_green() {
        let mut m = matter();
        report(&mut m, date!(2019 - 06 - 30), 2500.0);
        let a = assess(&m, date!(2019 - 07 - 01), &WarningRules::default(), 0);
        assert_eq!(a.level, Level::Green, "{a:?}");
    }

    #[test]
    fn lag_turns_yellow_then_red_with_reasons() {
        let mut m = matter();
        report(&mut m, date!(2019 - 06 - 30), 1900.0); // 39% at mid-year: 11 points behind
        let a = assess(&m, date!(2019 - 07 - 01), &WarningRules::default(), 0);
        assert_eq!(a.level, Level::Yellow);
        assert!(a.reasons[0].explain().contains("落后"), "{}", a.reasons[0].explain());
        report(&mut m, date!(2019 - 07 - 01), 1000.0);
        assert_eq!(assess(&m, date!(2019 - 07 - 01), &WarningRules::default(), 0).level, Level::Red);
    }

    #[test]
    fn overdue_quiet_and_milestones() {
        let mut m = matter();
        report(&mut m, date!(2019 - 02 - 01), 400.0);
        let a = assess(&m, date!(2020 - 01 - 05), &WarningRules::default(), 0);
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
        let a = assess(&m, date!(2019 - 04 - 02), &WarningRules::default(), 0);
        assert_eq!(a.level, Level::Red);
        assert!(a.reasons.iter().any(|r| r.explain().contains("完成选址")));
    }

    #[test]
    fn thresholds_are_configuration() {
        let mut m = matter();
        report(&mut m, date!(2019 - 06 - 30), 1900.0);
        let lax = WarningRules { yellow_lag: 0.2, red_lag: 0.4, ..WarningRules::default() };
        assert_eq!(assess(&m, date!(2019 - 07 - 01), &lax, 0).level, Level::Green);
    }

    #[test]
    fn signed_off_is_green_and_children_can_redden_a_parent() {
        let mut m = matter();
        m.apply(&Event {
            on: date!(2019 - 05 - 01),
            actor: "x".into(),
            change: Change::SignedOff { note: String::new() },
        })
        .unwrap();
        assert_eq!(assess(&m, date!(2020 - 06 - 01), &WarningRules::default(), 0).level, Level::Green);
        let mut p = matter();
        report(&mut p, date!(2019 - 06 - 30), 2500.0);
        assert_eq!(assess(&p, date!(2019 - 07 - 01), &WarningRules::default(), 2).level, Level::Red);
    }
}
