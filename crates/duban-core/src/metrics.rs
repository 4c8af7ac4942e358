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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// The weights of the ranking score (考核排名), configuration rather than code (`[ranking]`).
/// Each weighs one share in 0 … 1; the score is their weighted mean, times 100.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RankingWeights {
    /// 完成率: matters signed off ÷ matters.
    pub done: f64,
    /// 按时完成率: signed off by their deadline ÷ those due or signed off (left out while none is).
    pub on_time: f64,
    /// 1 − red matters ÷ matters.
    pub red: f64,
    /// 1 − yellow matters ÷ matters.
    pub yellow: f64,
    /// 1 − matters open past their deadline ÷ matters.
    pub overdue: f64,
}

impl Default for RankingWeights {
    fn default() -> Self {
        RankingWeights { done: 30.0, on_time: 30.0, red: 20.0, yellow: 10.0, overdue: 10.0 }
    }
}

impl RankingWeights {
    /// Whether every weight is a finite number ≥ 0 and one at least is > 0.
    pub fn valid(&self) -> bool {
        let w = [self.done, self.on_time, self.red, self.yellow, self.overdue];
        w.iter().all(|x| x.is_finite() && *x >= 0.0) && w.iter().any(|x| *x > 0.0)
    }

    /// The formula in words, with the weights in force (shown beside the table and in the bulletin).
    pub fn formula(&self) -> String {
        let w = |x: f64| if x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x}") };
        format!(
            "得分 = 100 × （{}×完成率 + {}×按时完成率 + {}×（1−红灯占比）+ {}×（1−黄灯占比）+ {}×（1−超期占比））÷ 权重之和；\
             占比以本单位牵头事项数为分母，尚无到期事项的单位不计按时完成率、按其余权重折算。\
             同分时依次比较：红灯少者、超期少者、销号多者在前；仍相同者并列。",
            w(self.done),
            w(self.on_time),
            w(self.red),
            w(self.yellow),
            w(self.overdue)
        )
    }
}

/// What the ranking counts of one unit's lead matters (not cancelled, not drafts): additive, so a
/// store can sum it in SQL and a fold of matters gives the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitTally {
    pub unit: String,
    pub matters: u64,
    pub done: u64,
    /// Due (deadline before today) or signed off; of these, signed off by the deadline.
    pub due: u64,
    pub done_on_time: u64,
    pub red: u64,
    pub yellow: u64,
    /// Open past its deadline.
    pub overdue: u64,
    pub reminders: u64,
}

impl UnitTally {
    /// Counts one matter with its colour on `today`.
    pub fn add(&mut self, m: &Matter, level: Level, today: Date) {
        if m.status == Status::Cancelled || m.status == Status::Draft {
            return;
        }
        self.matters += 1;
        self.reminders += u64::from(m.reminders);
        let past = m.deadline.is_some_and(|d| d < today);
        if m.status == Status::Done {
            self.done += 1;
        }
        if past || m.status == Status::Done {
            self.due += 1;
            if m.on_time() == Some(true) {
                self.done_on_time += 1;
            }
        }
        if m.status != Status::Done {
            if past {
                self.overdue += 1;
            }
            match level {
                Level::Red => self.red += 1,
                Level::Yellow => self.yellow += 1,
                Level::Green => {}
            }
        }
    }
}

/// A unit's line in the ranking (考核排名): its counts, its rates, its score and place.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitScore {
    pub unit: String,
    pub matters: u64,
    pub done: u64,
    pub completion: Rate,
    pub on_time: Rate,
    pub red: u64,
    pub yellow: u64,
    pub overdue: u64,
    pub reminders: u64,
    /// 0 … 100, by `RankingWeights`.
    pub score: f64,
    /// Its place: units tied on every rule share one.
    pub rank: usize,
    /// Where its score equals the one above it: which rule put it below (or that they are tied).
    pub tie: Option<&'static str>,
}

/// The score of one tally, 0 … 100 (None for a unit without matters).
pub fn score(t: &UnitTally, w: &RankingWeights) -> Option<f64> {
    if t.matters == 0 {
        return None;
    }
    let n = t.matters as f64;
    let mut terms = vec![
        (w.done, t.done as f64 / n),
        (w.red, 1.0 - t.red as f64 / n),
        (w.yellow, 1.0 - t.yellow as f64 / n),
        (w.overdue, 1.0 - t.overdue as f64 / n),
    ];
    if t.due > 0 {
        terms.push((w.on_time, t.done_on_time as f64 / t.due as f64));
    }
    let weight: f64 = terms.iter().map(|(w, _)| w).sum();
    (weight > 0.0).then(|| 100.0 * terms.iter().map(|(w, r)| w * r).sum::<f64>() / weight)
}

/// Ranks tallies by score (to one decimal, as shown), then fewer red, fewer overdue, more done;
/// units equal on all of these share a place and are listed by name.
pub fn rank(tallies: Vec<UnitTally>, w: &RankingWeights) -> Vec<UnitScore> {
    let mut scored: Vec<UnitScore> = tallies
        .into_iter()
        .filter_map(|t| {
            let score = (score(&t, w)? * 10.0).round() / 10.0;
            Some(UnitScore {
                completion: Rate { numerator: t.done, denominator: t.matters, definition: &COMPLETION_RATE },
                on_time: Rate { numerator: t.done_on_time, denominator: t.due, definition: &ON_TIME_RATE },
                unit: t.unit,
                matters: t.matters,
                done: t.done,
                red: t.red,
                yellow: t.yellow,
                overdue: t.overdue,
                reminders: t.reminders,
                score,
                rank: 0,
                tie: None,
            })
        })
        .collect();
    let rules = |s: &UnitScore| {
        (std::cmp::Reverse((s.score * 10.0).round() as i64), s.red, s.overdue, std::cmp::Reverse(s.done))
    };
    scored.sort_by(|a, b| rules(a).cmp(&rules(b)).then(a.unit.cmp(&b.unit)));
    for i in 0..scored.len() {
        let (rank, tie) = match i.checked_sub(1).map(|j| &scored[j]) {
            Some(above) if rules(above) == rules(&scored[i]) => (above.rank, Some("并列")),
            Some(above) if rules(above).0 == rules(&scored[i]).0 => {
                let s = &scored[i];
                let why = if s.red != above.red {
                    "同分，红灯较多"
                } else if s.overdue != above.overdue {
                    "同分，超期较多"
                } else {
                    "同分，销号较少"
                };
                (i + 1, Some(why))
            }
            _ => (i + 1, None),
        };
        scored[i].rank = rank;
        scored[i].tie = tie;
    }
    scored
}

/// Tallies the lead units of `matters` with their colours on `today`.
pub fn tally(matters: &[Matter], levels: &[Level], today: Date) -> Vec<UnitTally> {
    let mut by_unit: BTreeMap<&str, UnitTally> = BTreeMap::new();
    for (m, level) in matters.iter().zip(levels) {
        let Some(unit) = m.lead_unit.as_deref() else { continue };
        let t = by_unit.entry(unit).or_insert_with(|| UnitTally { unit: unit.to_string(), ..UnitTally::default() });
        t.add(m, *level, today);
    }
    by_unit.into_values().filter(|t| t.matters > 0).collect()
}

/// Scores and ranks the lead units of `matters` on `today`.
pub fn rank_units(matters: &[Matter], today: Date, rules: &WarningRules, weights: &RankingWeights) -> Vec<UnitScore> {
    let levels: Vec<Level> = assess_all(matters, today, rules).into_iter().map(|a| a.level).collect();
    rank(tally(matters, &levels, today), weights)
}

/// One report section's matters by colour (挂图作战 by section).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

pub fn dashboard(matters: &[Matter], today: Date, rules: &WarningRules, weights: &RankingWeights) -> Dashboard {
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
    Dashboard { counts, ranking: rank(tally(matters, &levels, today), weights), sections, assessments }
}

/// Counts of matters by colour on a day (the dashboard's first figures).
pub fn count_by_level(matters: &[Matter], today: Date, rules: &WarningRules) -> BTreeMap<Level, u64> {
    dashboard(matters, today, rules, &RankingWeights::default()).counts
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
            apply(d, Change::SignedOff { note: String::new(), exceptions: vec![] });
        }
        m
    }

    fn report(m: &mut Matter, on: Date, percent: f64) {
        m.apply(&Event {
            on,
            actor: "x".into(),
            change: Change::ProgressReported { value: None, percent: Some(percent), narrative: String::new() },
        })
        .unwrap();
    }

    /// The default weights on four units, each score worked out by hand in the comments.
    #[test]
    fn hand_computed_ranking() {
        let today = date!(2019 - 07 - 01);
        let mut ms = vec![
            // 教育: 3 matters, 2 done on time, 1 open and silent since January (red).
            // 30×2/3 + 30×2/2 + 20×(1−1/3) + 10×1 + 10×1 = 83.33 of 100.
            matter(1, "教育和体育局", date!(2019 - 03 - 31), Some(date!(2019 - 03 - 30))),
            matter(2, "教育和体育局", date!(2019 - 06 - 30), Some(date!(2019 - 06 - 01))),
            matter(3, "教育和体育局", date!(2019 - 12 - 31), None),
            // 人社: 1 done late, 1 open past its deadline (red, overdue).
            // 30×1/2 + 30×0/2 + 20×(1−1/2) + 10×1 + 10×(1−1/2) = 40.
            matter(4, "人力资源和社会保障局", date!(2019 - 03 - 31), Some(date!(2019 - 04 - 15))),
            matter(5, "人力资源和社会保障局", date!(2019 - 05 - 31), None),
        ];
        // 民政: six open matters, all silent (red), none due: on-time is left out and the other
        // weights (70) scale: (30×0 + 20×0 + 10×1 + 10×1) ÷ 70 = 28.57.
        for id in 10..16 {
            ms.push(matter(id, "民政局", date!(2019 - 12 - 31), None));
        }
        // 统计: one open matter reported on track (green), none due: (0 + 20 + 10 + 10) ÷ 70 = 57.14.
        let mut on_track = matter(20, "统计局", date!(2019 - 12 - 31), None);
        report(&mut on_track, date!(2019 - 06 - 30), 60.0);
        ms.push(on_track);
        let r = rank_units(&ms, today, &WarningRules::default(), &RankingWeights::default());
        let got: Vec<(&str, f64, usize)> = r.iter().map(|s| (s.unit.as_str(), s.score, s.rank)).collect();
        assert_eq!(
            got,
            vec![
                ("教育和体育局", 83.3, 1),
                ("统计局", 57.1, 2),
                ("人力资源和社会保障局", 40.0, 3),
                ("民政局", 28.6, 4)
            ]
        );
        assert_eq!((r[0].on_time.numerator, r[0].on_time.denominator), (2, 2));
        assert_eq!((r[0].completion.numerator, r[0].completion.denominator), (2, 3));
        assert_eq!((r[2].red, r[2].overdue), (1, 1));
        assert_eq!(r[3].red, 6, "six red matters rank below a unit with none");
        assert!(r.iter().all(|s| s.tie.is_none()));
        let counts = count_by_level(&ms, today, &WarningRules::default());
        assert_eq!(counts.get(&Level::Red), Some(&8));
        assert_eq!(counts.get(&Level::Green), Some(&1));
        let d = dashboard(&ms, today, &WarningRules::default(), &RankingWeights::default());
        assert_eq!((d.counts, d.ranking), (counts, r));
        assert_eq!(
            d.sections,
            vec![SectionCounts { section: "（未分节）".into(), red: 8, yellow: 0, green: 1, done: 3 }]
        );
        // Only the red share weighed: shares of a unit's matters, not counts, decide.
        let only_red = RankingWeights { done: 0.0, on_time: 0.0, red: 1.0, yellow: 0.0, overdue: 0.0 };
        let r = rank_units(&ms, today, &WarningRules::default(), &only_red);
        let got: Vec<(&str, f64)> = r.iter().map(|s| (s.unit.as_str(), s.score)).collect();
        assert_eq!(
            got,
            vec![("统计局", 100.0), ("教育和体育局", 66.7), ("人力资源和社会保障局", 50.0), ("民政局", 0.0)]
        );
    }

    /// Equal scores: fewer red first, then fewer overdue, then more done; equal on all, a shared place.
    #[test]
    fn ties_are_broken_by_stated_rules() {
        let t = |unit: &str, matters, done, red| UnitTally {
            unit: unit.into(),
            matters,
            done,
            red,
            ..UnitTally::default()
        };
        let completion_only = RankingWeights { done: 1.0, on_time: 0.0, red: 0.0, yellow: 0.0, overdue: 0.0 };
        let r = rank(vec![t("甲", 2, 1, 1), t("乙", 2, 1, 0), t("丙", 4, 2, 0), t("丁", 4, 2, 0)], &completion_only);
        let got: Vec<(&str, f64, usize, Option<&str>)> =
            r.iter().map(|s| (s.unit.as_str(), s.score, s.rank, s.tie)).collect();
        assert_eq!(
            got,
            vec![
                ("丁", 50.0, 1, None),
                ("丙", 50.0, 1, Some("并列")),
                ("乙", 50.0, 3, Some("同分，销号较少")),
                ("甲", 50.0, 4, Some("同分，红灯较多")),
            ]
        );
        assert!(score(&UnitTally::default(), &RankingWeights::default()).is_none(), "no matters, no score");
        assert!(RankingWeights::default().formula().contains("30×完成率"));
        assert!(!RankingWeights { done: -1.0, ..RankingWeights::default() }.valid());
        assert!(!RankingWeights { done: 0.0, on_time: 0.0, red: 0.0, yellow: 0.0, overdue: 0.0 }.valid());
    }
}
