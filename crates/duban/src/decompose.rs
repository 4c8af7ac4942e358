//! Decomposition: a read report becomes the candidate matters of its task list — one per headline
//! target and one per task of the plan — with a suggested lead unit, a deadline and, where the task
//! holds a level figure, its quantified standard. The demo adopts them as they are; the import page
//! shows them for the office to confirm, change or drop before adoption. One way through the data.

use std::collections::BTreeMap;

use duban_core::matter::{Goal, MatterKind, Standard};
use duban_report::{Comparator, Fact, Measure, Reading};
use time::{Date, Month};

use crate::store::{NewMatter, NewReport, UnitId};

/// Units by name, for turning suggestions into ids.
pub type UnitsByName = BTreeMap<String, UnitId>;

/// The standard of a task: its first level figure, reached (at least) or kept under (at most).
pub fn standard_of(facts: &[Fact]) -> Option<Standard> {
    let f = facts.iter().find(|f| f.measure == Measure::Level && f.value.is_some())?;
    let goal = match f.comparator {
        Some(Comparator::Lte | Comparator::Lt) => Goal::AtMost,
        _ => Goal::AtLeast,
    };
    Some(Standard { value: f.value?, unit: f.unit.clone(), goal })
}

fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// The last day of the plan year (a task's deadline when its text names none).
pub fn year_end(reading: &Reading) -> Option<Date> {
    Date::from_calendar_date(reading.plan_year?, Month::December, 31).ok()
}

/// The candidate matters of a reading, in the order of the report.
pub fn candidates(reading: &Reading, units: &UnitsByName, table: &duban_report::LeadUnits) -> Vec<NewMatter> {
    let end = year_end(reading);
    let unit = |name: &str| units.get(name).copied();
    let mut matters = Vec::new();
    for f in reading.facts.iter().filter(|f| f.headline) {
        let lead = table.suggest(&f.text).and_then(|(u, _)| unit(&u)).or_else(|| unit("发展和改革局"));
        let clause = f.text.rsplit('，').next().unwrap_or("");
        matters.push(NewMatter {
            kind: MatterKind::Target,
            title: if clause.contains(f.indicator.as_str()) {
                clause.to_string()
            } else {
                format!("{}：{clause}", f.indicator)
            },
            source: f.text.clone(),
            span: Some((f.start as i64, f.end as i64)),
            lead_unit: lead,
            co_units: unit("统计局").into_iter().filter(|u| Some(*u) != lead).collect(),
            deadline: end,
            standard: None,
        });
    }
    for t in &reading.tasks {
        let facts: Vec<Fact> = t.facts.iter().filter_map(|&i| reading.facts.get(i).cloned()).collect();
        matters.push(NewMatter {
            kind: MatterKind::Task,
            title: t.text.chars().take(200).collect(),
            source: t.section.join(" / "),
            span: Some((t.start as i64, t.end as i64)),
            lead_unit: t.lead_unit.as_deref().and_then(unit),
            co_units: vec![],
            deadline: t.deadline.as_ref().and_then(|d| d.date.as_deref()).and_then(parse_date).or(end),
            standard: standard_of(&facts),
        });
    }
    matters
}

/// The report to adopt with the given matters.
pub fn report(reading: &Reading, matters: Vec<NewMatter>) -> NewReport {
    NewReport {
        title: reading.title.clone().unwrap_or_else(|| "政府工作报告".into()),
        jurisdiction: reading.jurisdiction.clone(),
        plan_year: reading.plan_year,
        body: reading.text.clone(),
        matters,
    }
}
