//! Metrics with published definitions: each rate is defined once here, with its formula in words, so
//! the page can show how a number was computed and a spreadsheet can recompute it from the export.
//!
//! This module counts; it does not fetch. The store hands it matters (or roll-ups of them) and it
//! returns figures.

use std::collections::BTreeMap;

use serde::Serialize;
use time::Date;

use crate::matter::{Matter, Status};
use crate::warning::{Assessment, Level, WarningRules, assess_all};

/// A rate with its numerator, denominator and the definition it follows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub numerator: u64,
    pub denominator: u64,
    pub definition: &'static Definition,
}

impl Rate {
    /// The rate as a share (None when nothing counts toward it).
    pub fn value(&self) -> Option<f64> {
        (self.denominator > 0).then(|| self.numerator as f64 / self.denominator as f64)
    }
}

#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Definition {
    pub key: &'static str,
    pub name: &'static str,
    pub formula: &'static str,
}

pub const COMPLETION_RATE: Definition =
    Definition {
        key: "completion_rate", name: "完成率", formula: "已销号事项数 ÷ 事项总数（不含已撤销）"
    };
pub const ON_TIME_RATE: Definition = Definition {
    key: "on_time_rate",
    name: "按时完成率",
    formula: "在完成时限内销号的事项数 ÷ 完成时限已到或已销号的事项数（不含已撤销）",
};

/// A unit's line in the ranking (考核排名).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitScore {
    pub unit: String,
    pub matters: u64,
    pub done: u64,
    pub completion: Rate,
    pub on_time: Rate,
    pub red: u64,
    pub yellow: u64,
    pub reminders: u64,
}

/// Scores the lead units of `matters` on `today` and ranks them: on-time rate, then completion rate,
/// then fewer red and yellow warnings, then name (so equal scores keep a stable order).
pub fn rank_units(matters: &[Matter], today: Date, rules: &WarningRules) -> Vec<UnitScore> {
    let levels: Vec<Level> = assess_all(matters, today, rules).into_iter().map(|a| a.level).collect();
    rank_assessed(matters, &levels, today)
}

/// One report section's matters by colour (挂图作战 by section).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SectionCounts {
    pub section: String,
    pub red: u64,
    pub yellow: u64,
    pub green: u64,
    pub done: u64,
}

/// The dashboard's figures, each matter assessed once (with its sub-matters).
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// Live (assigned, not closed) matters by colour.
    pub counts: BTreeMap<Level, u64>,
    pub ranking: Vec<UnitScore>,
    /// By report section, in the order the sections first appear.
    pub sections: Vec<SectionCounts>,
    /// Each matter's assessment, in the order of `matters`.
    pub assessments: Vec<Assessment>,
}

/// The section a matter is counted under (its report section, as decomposition recorded it).
pub fn section_of(m: &Matter) -> String {
    let s = m.section.as_deref().unwrap_or("").trim();
    if s.is_empty() { "（未分节）".to_string() } else { s.to_string() }
}

pub fn dashboard(matters: &[Matter], today: Date, rules: &WarningRules) -> Dashboard {
    let assessments = assess_all(matters, today, rules);
    let levels: Vec<Level> = assessments.iter().map(|a| a.level).collect();
    let mut counts = BTreeMap::new();
    let mut sections: Vec<SectionCounts> = Vec::new();
    for (m, level) in matters.iter().zip(&levels) {
        if m.status == Status::Cancelled || m.status == Status::Draft {
            continue;
        }
        let name = section_of(m);
        let at = match sections.iter().position(|s| s.section == name) {
            Some(at) => at,
            None => {
                sections.push(SectionCounts { section: name, ..SectionCounts::default() });
                sections.len() - 1
            }
        };
        let s = &mut sections[at];
        if m.status == Status::Done {
            s.done += 1;
            continue;
        }
        *counts.entry(*level).or_insert(0) += 1;
        match level {
            Level::Red => s.red += 1,
            Level::Yellow => s.yellow += 1,
            Level::Green => s.green += 1,
        }
    }
    Dashboard { counts, ranking: rank_assessed(matters, &levels, today), sections, assessments }
}

fn rank_assessed(matters: &[Matter], levels: &[Level], today: Date) -> Vec<UnitScore> {
    let mut by_unit: BTreeMap<&str, UnitScore> = BTreeMap::new();
    for (m, level) in matters.iter().zip(levels).filter(|(m, _)| m.status != Status::Cancelled) {
        let Some(unit) = m.lead_unit.as_deref() else { continue };
        let s = by_unit.entry(unit).or_insert_with(|| UnitScore {
            unit: unit.to_string(),
            matters: 0,
            done: 0,
            completion: Rate { numerator: 0, denominator: 0, definition: &COMPLETION_RATE },
            on_time: Rate { numerator: 0, denominator: 0, definition: &ON_TIME_RATE },
            red: 0,
            yellow: 0,
            reminders: 0,
        });
        s.matters += 1;
        s.completion.denominator += 1;
        s.reminders += u64::from(m.reminders);
        if m.status == Status::Done {
            s.done += 1;
            s.completion.numerator += 1;
        }
        let due = m.deadline.is_some_and(|d| d < today);
        if due || m.status == Status::Done {
            s.on_time.denominator += 1;
            if m.on_time() == Some(true) {
                s.on_time.numerator += 1;
            }
        }
        match level {
            Level::Red => s.red += 1,
            Level::Yellow => s.yellow += 1,
            Level::Green => {}
        }
    }
    let mut scores: Vec<UnitScore> = by_unit.into_values().collect();
    scores.sort_by(|a, b| {
        let key = |s: &UnitScore| (s.on_time.value().unwrap_or(1.0), s.completion.value().unwrap_or(0.0));
        let (ka, kb) = (key(a), key(b));
        kb.0.total_cmp(&ka.0)
            .then(kb.1.total_cmp(&ka.1))
            .then((a.red, a.yellow).cmp(&(b.red, b.yellow)))
            .then(a.unit.cmp(&b.unit))
    });
    scores
}

/// Counts of matters by colour on a day (the dashboard's first figures).
pub fn count_by_level(matters: &[Matter], today: Date, rules: &WarningRules) -> BTreeMap<Level, u64> {
    dashboard(matters, today, rules).counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matter::{Change, Event, MatterId, MatterKind};
    use time::macros::date;

    fn matter(id: i64, unit: &str, deadline: Date, done_on: Option<Date>) -> Matter {
        let mut m = Matter::new(MatterId(id), MatterKind::Task, format!("任务{id}"), "", date!(2019 - 01 - 01));
        let mut apply = |on, change| m.apply(&Event { on, actor: "x".into(), change }).unwrap();
        apply(date!(2019 - 01 - 01), Change::Assigned { lead_unit: unit.into(), co_units: vec![] });
        apply(date!(2019 - 01 - 01), Change::DeadlineSet { deadline });
        if let Some(d) = done_on {
            apply(d, Change::SignedOff { note: String::new() });
        }
        m
    }

    #[test]
    fn hand_computed_ranking() {
        let today = date!(2019 - 07 - 01);
        let ms = vec![
            // 教育: 2 of 2 due, both done on time → on-time 2/2, completion 2/3.
            matter(1, "教育和体育局", date!(2019 - 03 - 31), Some(date!(2019 - 03 - 30))),
            matter(2, "教育和体育局", date!(2019 - 06 - 30), Some(date!(2019 - 06 - 01))),
            matter(3, "教育和体育局", date!(2019 - 12 - 31), None),
            // 人社: 1 due and done late, 1 due and not done → on-time 0/2, completion 1/2.
            matter(4, "人力资源和社会保障局", date!(2019 - 03 - 31), Some(date!(2019 - 04 - 15))),
            matter(5, "人力资源和社会保障局", date!(2019 - 05 - 31), None),
        ];
        let r = rank_units(&ms, today, &WarningRules::default());
        assert_eq!(r[0].unit, "教育和体育局");
        assert_eq!((r[0].on_time.numerator, r[0].on_time.denominator), (2, 2));
        assert_eq!((r[0].completion.numerator, r[0].completion.denominator), (2, 3));
        assert_eq!((r[1].on_time.numerator, r[1].on_time.denominator), (0, 2));
        assert_eq!(r[1].completion.value(), Some(0.5));
        assert_eq!(r[1].red, 1, "the overdue open matter is red");
        // Matter 3 is not due, but nobody has reported on it for 181 days: red too.
        assert_eq!(r[0].red, 1);
        assert!(r[0].on_time.definition.formula.contains("÷"));
        let counts = count_by_level(&ms, today, &WarningRules::default());
        assert_eq!(counts.get(&Level::Red), Some(&2));
        assert_eq!(counts.get(&Level::Green), None);
        let d = dashboard(&ms, today, &WarningRules::default());
        assert_eq!((d.counts, d.ranking), (counts, r));
        // No sections recorded: one bucket, 2 red and 3 done.
        assert_eq!(
            d.sections,
            vec![SectionCounts { section: "（未分节）".into(), red: 2, yellow: 0, green: 0, done: 3 }]
        );
    }
}
