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
    let mut matters: Vec<NewMatter> = Vec::new();
    let clause_of = |f: &Fact| f.text.rsplit('，').next().unwrap_or("").to_string();
    let headline: Vec<&Fact> = reading.facts.iter().filter(|f| f.headline).collect();
    for f in &headline {
        let clause = clause_of(f);
        // A clause with several targets (固定资产投资、社会消费品零售总额增长8%左右) gives each its own
        // title, the others' indicators taken out.
        let others: Vec<&str> = headline
            .iter()
            .filter(|o| o.indicator != f.indicator && clause_of(o) == clause)
            .map(|o| o.indicator.as_str())
            .collect();
        let title = own_title(&clause, &f.indicator, &others);
        if matters.iter().any(|m| m.kind == MatterKind::Target && m.title == title) {
            continue; // the same target read twice: one row
        }
        let lead = table.suggest(&title).and_then(|(u, _)| unit(&u)).or_else(|| unit("发展和改革局"));
        matters.push(NewMatter {
            kind: MatterKind::Target,
            title,
            source: f.text.clone(),
            span: Some((f.start as i64, f.end as i64)),
            lead_unit: lead,
            co_units: unit("统计局").into_iter().filter(|u| Some(*u) != lead).collect(),
            deadline: end,
            standard: None,
            section: Some("主要预期目标".into()),
        });
    }
    for t in &reading.tasks {
        let facts: Vec<Fact> = t.facts.iter().filter_map(|&i| reading.facts.get(i).cloned()).collect();
        let title: String = t.text.chars().take(200).collect();
        if matters.iter().any(|m| m.kind == MatterKind::Task && m.title == title) {
            continue; // a sentence read twice: one row
        }
        matters.push(NewMatter {
            kind: MatterKind::Task,
            title,
            source: t.section.join(" / "),
            span: Some((t.start as i64, t.end as i64)),
            lead_unit: t.lead_unit.as_deref().and_then(unit),
            co_units: vec![],
            deadline: t.deadline.as_ref().and_then(|d| d.date.as_deref()).and_then(parse_date).or(end),
            standard: standard_of(&facts),
            // The plan's sub-section (（一）…) where there is one: the part heading is the same for all.
            section: t.section.get(1).or(t.section.first()).cloned(),
        });
    }
    matters
}

/// A headline target's title: its clause, without the other indicators the clause shares (joined
/// by 、 和 与 及); its indicator put before the clause where the clause does not name it.
fn own_title(clause: &str, indicator: &str, others: &[&str]) -> String {
    let mut title = clause.to_string();
    for o in others {
        for joined in ["、", "和", "与", "及"].iter().flat_map(|j| [format!("{j}{o}"), format!("{o}{j}")]) {
            title = title.replacen(&joined, "", 1);
        }
    }
    if !title.contains(indicator) || others.iter().any(|o| title.contains(o)) {
        return format!("{indicator}：{clause}");
    }
    title
}

/// The matter already made that a candidate row is, by its title (the same, or nearly: bigram
/// similarity of 0.8 and more), among `existing` (id, number, title): as (id, number).
pub fn matching(title: &str, existing: &[(duban_core::MatterId, String, String)]) -> Option<(i64, String)> {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let t = squeeze(title);
    existing
        .iter()
        .map(|(id, number, other)| (id, number, duban_core::casework::similarity(&t, &squeeze(other))))
        .filter(|(_, _, alike)| *alike >= 0.8)
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .map(|(id, number, _)| (id.0, number.clone()))
}

/// The report to adopt with the given matters.
pub fn report(reading: &Reading, matters: Vec<NewMatter>) -> NewReport {
    NewReport {
        title: reading.title.clone().unwrap_or_else(|| "政府工作报告".into()),
        jurisdiction: reading.jurisdiction.clone(),
        plan_year: reading.plan_year,
        body: reading.text.clone(),
        matters,
        supersedes: None,
    }
}

/// The office's edit of one candidate row before adoption. Rows left out are dropped.
#[derive(Debug, Clone)]
pub struct Edit {
    /// One line per matter: more lines split the row into several matters.
    pub title: String,
    pub lead_unit: Option<UnitId>,
    pub co_units: Vec<UnitId>,
    pub deadline: Option<Date>,
    pub standard: Option<Standard>,
    /// Merge this row into another (by candidate index): its text joins that row's title.
    pub merge_into: Option<usize>,
}

/// Applies the office's edits to the candidates: kept rows take their edited fields, merged rows
/// join their target (title joined with "；", co-units united, the source span widened), and a
/// title of several lines becomes several matters with the same unit and deadline (the standard
/// stays with the first). Errors name the row (1-based, as the page numbers them).
pub fn apply_edits(candidates: Vec<NewMatter>, edits: &BTreeMap<usize, Edit>) -> Result<Vec<NewMatter>, String> {
    let mut rows: BTreeMap<usize, NewMatter> = BTreeMap::new();
    for (i, mut m) in candidates.into_iter().enumerate() {
        let Some(e) = edits.get(&i) else { continue };
        m.title = e.title.trim().to_string();
        if m.title.is_empty() {
            return Err(format!("第{}行：工作任务为空 / row {}: the task is empty", i + 1, i + 1));
        }
        m.lead_unit = e.lead_unit;
        m.co_units = e.co_units.iter().copied().filter(|u| Some(*u) != e.lead_unit).collect();
        m.deadline = e.deadline;
        m.standard = e.standard.clone();
        rows.insert(i, m);
    }
    for (&i, e) in edits {
        let Some(target) = e.merge_into else { continue };
        let bad = |why: &str| {
            format!(
                "第{}行：不能并入第{}行（{why}）/ row {}: cannot merge into row {}",
                i + 1,
                target + 1,
                i + 1,
                target + 1
            )
        };
        if target == i {
            return Err(bad("同一行"));
        }
        if edits.get(&target).is_none_or(|t| t.merge_into.is_some()) {
            return Err(bad("该行未纳入或本身已并入他行"));
        }
        let Some(from) = rows.remove(&i) else { continue };
        let Some(into) = rows.get_mut(&target) else { return Err(bad("该行不存在")) };
        into.title = format!("{}；{}", into.title.trim_end_matches(['。', '；']), from.title.replace('\n', "；"));
        for u in from.co_units.into_iter().chain(from.lead_unit) {
            if Some(u) != into.lead_unit && !into.co_units.contains(&u) {
                into.co_units.push(u);
            }
        }
        into.span = match (into.span, from.span) {
            (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
            (a, b) => a.or(b),
        };
        into.standard = into.standard.take().or(from.standard);
    }
    let mut out = Vec::new();
    for m in rows.into_values() {
        let lines: Vec<String> = m.title.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
        for (k, line) in lines.into_iter().enumerate() {
            out.push(NewMatter { title: line, standard: if k == 0 { m.standard.clone() } else { None }, ..m.clone() });
        }
    }
    Ok(out)
}

/// A standard as the office types it: "4900人", "不少于4.9万人", "≤3.5%", "28亿元". Empty is none.
pub fn parse_standard(text: &str) -> Result<Option<Standard>, String> {
    let mut s = text.trim();
    if s.is_empty() || s == "—" {
        return Ok(None);
    }
    let mut goal = Goal::AtLeast;
    for (prefix, g) in [
        ("不超过", Goal::AtMost),
        ("不高于", Goal::AtMost),
        ("控制在", Goal::AtMost),
        ("≤", Goal::AtMost),
        ("<=", Goal::AtMost),
        ("不少于", Goal::AtLeast),
        ("不低于", Goal::AtLeast),
        ("达到", Goal::AtLeast),
        ("≥", Goal::AtLeast),
        (">=", Goal::AtLeast),
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            (s, goal) = (rest.trim_start(), g);
            break;
        }
    }
    if let Some(rest) = s.strip_suffix("以内") {
        (s, goal) = (rest.trim_end(), Goal::AtMost);
    }
    let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')).unwrap_or(s.len());
    let number: f64 = s[..end].replace(',', "").parse().map_err(|_| {
        format!(
            "标准“{text}”应以数字开头，如 4900人、≤3.5% / a standard must start with a number, like 4900人 or ≤3.5%"
        )
    })?;
    let rest = &s[end..];
    let (scale, unit) = if let Some(u) = rest.strip_prefix('亿') {
        (1e8, u)
    } else if let Some(u) = rest.strip_prefix('万') {
        (1e4, u)
    } else {
        (1.0, rest)
    };
    Ok(Some(Standard { value: number * scale, unit: unit.trim().to_string(), goal }))
}

/// A deadline as the office types it: a date (2019-12-31), or a count of working days from
/// `today` on the statutory calendar ("20个工作日", "20工作日"). Empty is none.
pub fn parse_deadline(text: &str, today: Date, calendar: &duban_core::Calendar) -> Result<Option<Date>, String> {
    let s = text.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if let Some(n) = s.strip_suffix("工作日").map(|n| n.trim_end_matches('个').trim()) {
        let n: u32 = n
            .parse()
            .map_err(|_| format!("“{s}”：工作日数应为整数 / {s:?}: the working days must be a whole number"))?;
        return Ok(Some(calendar.add_working_days(today, n)));
    }
    parse_date(s).map(Some).ok_or_else(|| {
        format!("“{s}”应为日期（YYYY-MM-DD）或“N个工作日” / {s:?} must be a date (YYYY-MM-DD) or N个工作日")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(title: &str, lead: i64, span: (i64, i64)) -> NewMatter {
        NewMatter {
            kind: MatterKind::Task,
            title: title.into(),
            source: String::new(),
            span: Some(span),
            lead_unit: Some(UnitId(lead)),
            co_units: vec![],
            deadline: None,
            standard: None,
            section: None,
        }
    }

    fn keep(m: &NewMatter) -> Edit {
        Edit {
            title: m.title.clone(),
            lead_unit: m.lead_unit,
            co_units: m.co_units.clone(),
            deadline: m.deadline,
            standard: m.standard.clone(),
            merge_into: None,
        }
    }

    #[test]
    fn a_shared_clause_gives_each_target_its_own_title() {
        let c = "固定资产投资、社会消费品零售总额增长8%左右";
        assert_eq!(own_title(c, "固定资产投资", &["社会消费品零售总额"]), "固定资产投资增长8%左右");
        assert_eq!(own_title(c, "社会消费品零售总额", &["固定资产投资"]), "社会消费品零售总额增长8%左右");
        assert_eq!(
            own_title("城乡居民收入分别增长8%和9%", "城镇居民收入", &[]),
            "城镇居民收入：城乡居民收入分别增长8%和9%"
        );
        assert_eq!(own_title("地区生产总值增长7.5%左右", "地区生产总值", &[]), "地区生产总值增长7.5%左右");
    }

    /// The bundled report's candidate rows: no two with the same title (the preview showed one twice).
    #[test]
    fn the_seed_has_no_row_twice() {
        let table = duban_report::LeadUnits::builtin();
        let reading = duban_report::read_text(
            crate::demo::BUNDLED_REPORT,
            &duban_report::Options { year: Some(2019), tasks: Some(&table) },
        );
        let rows = candidates(&reading, &UnitsByName::new(), &table);
        let mut titles: Vec<&str> = rows.iter().map(|m| m.title.as_str()).collect();
        let n = titles.len();
        titles.sort_unstable();
        titles.dedup();
        assert_eq!(titles.len(), n, "a title twice among {n} rows");
        assert!(
            titles.contains(&"固定资产投资增长8%左右") && titles.contains(&"社会消费品零售总额增长8%左右"),
            "{titles:?}"
        );
    }

    #[test]
    fn drop_merge_and_split_rows() {
        let c =
            vec![row("新建学校6所。", 1, (0, 10)), row("改造校舍2万平方米", 2, (10, 20)), row("不要的", 3, (20, 30))];
        let mut edits: BTreeMap<usize, Edit> = BTreeMap::new();
        edits.insert(0, keep(&c[0]));
        edits.insert(1, Edit { merge_into: Some(0), ..keep(&c[1]) });
        let out = apply_edits(c.clone(), &edits).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].title, "新建学校6所；改造校舍2万平方米");
        assert_eq!((out[0].co_units.clone(), out[0].span), (vec![UnitId(2)], Some((0, 20))));
        // Split: two lines, two matters, the standard on the first only.
        let mut edits: BTreeMap<usize, Edit> = BTreeMap::new();
        let standard = parse_standard("6所").unwrap();
        edits.insert(0, Edit { title: "新建学校6所\n\n  配齐教师 ".into(), standard, ..keep(&c[0]) });
        let out = apply_edits(c.clone(), &edits).unwrap();
        assert_eq!(out.iter().map(|m| m.title.as_str()).collect::<Vec<_>>(), ["新建学校6所", "配齐教师"]);
        assert!(out[0].standard.is_some() && out[1].standard.is_none());
        // Merging into a dropped row, or into oneself, is refused with the row numbers.
        let mut edits: BTreeMap<usize, Edit> = BTreeMap::new();
        edits.insert(1, Edit { merge_into: Some(2), ..keep(&c[1]) });
        let e = apply_edits(c.clone(), &edits).unwrap_err();
        assert!(e.contains("第2行") && e.contains("第3行"), "{e}");
        edits.insert(1, Edit { title: "  ".into(), ..keep(&c[1]) });
        assert!(apply_edits(c, &edits).unwrap_err().contains("第2行"));
    }

    #[test]
    fn standards_as_typed() {
        let s = |t: &str| parse_standard(t).unwrap().unwrap();
        assert_eq!((s("4900人").value, s("4900人").unit.as_str(), s("4900人").goal), (4900.0, "人", Goal::AtLeast));
        assert_eq!(s("不少于4.9万人").value, 49_000.0);
        assert_eq!((s("≤3.5%").value, s("≤3.5%").goal), (3.5, Goal::AtMost));
        assert_eq!(s("3.5%以内").goal, Goal::AtMost);
        assert_eq!((s("不超过28亿元").value, s("不超过28亿元").unit.as_str()), (2.8e9, "元"));
        assert_eq!(parse_standard(" ").unwrap(), None);
        assert!(parse_standard("若干").unwrap_err().contains("若干"));
    }

    #[test]
    fn deadlines_in_working_days() {
        let cal = duban_core::Calendar::builtin();
        let today = time::macros::date!(2019 - 09 - 27);
        // 2019-09-27 (Fri) + 5 working days skips the National Day holiday (10-01 … 10-07) and
        // counts the adjusted working Saturday 2019-09-29.
        assert_eq!(parse_deadline("5个工作日", today, &cal).unwrap(), Some(cal.add_working_days(today, 5)));
        assert_eq!(parse_deadline("5个工作日", today, &cal).unwrap(), Some(time::macros::date!(2019 - 10 - 10)));
        assert_eq!(parse_deadline("2019-12-31", today, &cal).unwrap(), Some(time::macros::date!(2019 - 12 - 31)));
        assert_eq!(parse_deadline("", today, &cal).unwrap(), None);
        assert!(parse_deadline("年底", today, &cal).unwrap_err().contains("年底"));
    }
}
