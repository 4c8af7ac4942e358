//! Tasks: in the plan part, each sentence that commits to do something becomes a task, with its
//! section path, the facts inside it, a deadline hint (年内, 上半年, 6月底前, 分两年, 到2020年) and a
//! suggested lead unit from an editable keyword table (`LeadUnits`).
//!
//! A suggestion is only a suggestion: a task with no keyword match says so instead of guessing, and
//! the supervision office confirms every assignment before adoption.

use serde::Serialize;

use crate::facts::Fact;
use crate::structure::{Part, Structure};

/// Keyword → unit pairs, in the order of the table.
#[derive(Debug, Clone)]
pub struct LeadUnits {
    pairs: Vec<(String, String)>,
}

/// The keyword table that ships with duban (data/lead_units.tsv).
pub const DEFAULT_LEAD_UNITS: &str = include_str!("../data/lead_units.tsv");

/// A line of a keyword table that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableError {
    pub line: usize,
    pub why: &'static str,
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "第{}行：{} / line {}: {}",
            self.line,
            match self.why {
                "tab" => "应为“关键词<Tab>单位”",
                _ => "关键词或单位为空",
            },
            self.line,
            match self.why {
                "tab" => "expected KEYWORD<TAB>UNIT",
                _ => "empty keyword or unit",
            }
        )
    }
}

impl std::error::Error for TableError {}

impl LeadUnits {
    /// Parses `keyword<TAB>unit` lines; `#` starts a comment.
    pub fn parse(tsv: &str) -> Result<LeadUnits, TableError> {
        let mut pairs = Vec::new();
        for (i, line) in tsv.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let (k, u) = line.split_once('\t').ok_or(TableError { line: i + 1, why: "tab" })?;
            let (k, u) = (k.trim(), u.trim());
            if k.is_empty() || u.is_empty() {
                return Err(TableError { line: i + 1, why: "empty" });
            }
            pairs.push((k.to_string(), u.to_string()));
        }
        Ok(LeadUnits { pairs })
    }

    /// The table that ships with duban.
    pub fn builtin() -> LeadUnits {
        LeadUnits::parse(DEFAULT_LEAD_UNITS).unwrap_or(LeadUnits { pairs: Vec::new() })
    }

    /// The units the table names, in the order they first appear.
    pub fn units(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (_, u) in &self.pairs {
            if !out.contains(&u.as_str()) {
                out.push(u);
            }
        }
        out
    }

    /// The unit whose keywords weigh most in `text`, with the keywords that matched.
    pub fn suggest(&self, text: &str) -> Option<(String, Vec<String>)> {
        let mut scores: Vec<(usize, usize, &str, Vec<String>)> = Vec::new(); // (score, first row, unit, keywords)
        for (row, (k, u)) in self.pairs.iter().enumerate() {
            let hits = text.matches(k.as_str()).count();
            if hits == 0 {
                continue;
            }
            let w = hits * k.chars().count();
            match scores.iter_mut().find(|s| s.2 == u) {
                Some(s) => {
                    s.0 += w;
                    s.3.push(k.clone());
                }
                None => scores.push((w, row, u, vec![k.clone()])),
            }
        }
        scores.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scores.into_iter().next().map(|(_, _, u, ks)| (u.to_string(), ks))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Deadline {
    /// The words that say it: 年内, 6月底前, 分两年 …
    pub hint: String,
    /// The date they mean, where they name one (YYYY-MM-DD).
    pub date: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub text: String,
    /// Headings from the top section down.
    pub section: Vec<String>,
    /// Indices into the facts list.
    pub facts: Vec<usize>,
    pub deadline: Option<Deadline>,
    pub lead_unit: Option<String>,
    /// Why that unit (the keywords that matched), or why none.
    pub lead_unit_reason: String,
    /// Character offsets in the normalized text.
    pub start: usize,
    pub end: usize,
}

const COMMIT_VERBS: &[&str] = &[
    "推进", "实施", "加快", "完成", "建设", "开展", "推动", "落实", "提升", "新增", "打造", "建立", "健全", "完善",
    "启动", "组建", "成立", "加强", "强化", "深化", "扩大", "培育", "引进", "争创", "创建", "办好", "做好", "确保",
    "力争", "实现", "解决", "改造", "整治", "治理", "压减", "关闭", "提高", "支持", "鼓励", "发展", "优化", "设立",
    "举办", "规划", "编制", "保障", "防范", "严厉", "坚决", "全面", "促进", "拓宽", "拓展", "构建", "新建", "扩建",
    "建成", "开工", "竣工", "完工", "交付", "出台", "制定", "修订", "清理", "取消", "放宽", "化解", "处置", "惩处",
    "帮扶", "救助", "抓好", "搞好", "巩固", "改善", "推广", "普及", "倡导", "加大", "探索", "增加", "降低", "减少",
];

/// Openings of plan sentences that state principles or rhetoric rather than work.
const NOT_TASKS: &[&str] = &[
    "各位代表",
    "必须",
    "我们必须",
    "只要",
    "站在",
    "做好今年",
    "今年政府工作的总体要求",
    "今年，政府将",
    "今年政府将",
    "总的要求",
    "总体要求",
    "这是",
    "实践证明",
    "让我们",
    "我们坚信",
    "我们要始终",
    "新的一年",
    // The situation and the year's character (我们面临…, 今年是…之年), not commitments.
    "今年是",
    "明年是",
    "要看到",
    "需要说明的是",
    "当前和今后",
    "从外部环境看",
    "从国际看",
    "从国内看",
    "从国际国内看",
    "我们面临",
    "我国发展面临",
    "困难挑战越大",
    "去年以来",
    "实践告诉我们",
    "今年工作的主要任务是",
    "今年的主要任务是",
    "当前，",
    "随着",
    "今后五年，",
    "未来五年，",
    "今后五年政府工作的总体要求",
    "牢牢把握",
    "综合考虑",
    "考虑到",
    "同时，考虑到",
    "为实现今年",
    "为实现上述目标",
    "实现以上目标",
    "实现上述目标",
];

/// A paragraph that weighs the situation (展望2012年，我们既面临着…挑战，…机遇; 从国际看…) or
/// explains the targets (上述目标，是…确定的): analysis, not commitments.
fn weighs_the_situation(para: &str) -> bool {
    let opening: String = para.chars().take_while(|c| !matches!(c, '。' | '；')).collect();
    let chances = (opening.contains("挑战") || opening.contains("困难"))
        && (opening.contains("机遇") || opening.contains("有利"));
    chances
        || ["展望", "从国际看", "从国内看", "从外部环境看", "从国际国内看", "上述目标", "这些目标"]
            .iter()
            .any(|w| opening.starts_with(w))
        || opening.starts_with("从") && opening.chars().take(12).collect::<String>().contains("看，")
}

/// A short sentence that a long one explains (加强创新平台建设。完善…体系，持续发挥…作用): an
/// inline heading, where a run of short ones (发展大健康产业。改造提升步行街。) are tasks each.
fn leads_what_follows(parts: &[&str], k: usize) -> bool {
    parts.get(k + 1).is_some_and(|next| next.chars().count() >= 40)
}

/// 强化责任意识，解放思想，加压奋进: a heading made of short phrases, each a slogan.
fn slogan(body: &str) -> bool {
    let phrases: Vec<&str> = body.split('，').collect();
    phrases.len() >= 2 && phrases.iter().all(|p| (2..=6).contains(&p.chars().count()))
}

/// How a paragraph's statement of its aim opens.
const AIM_OPENINGS: &[&str] =
    &["坚持", "立足", "按照", "围绕", "紧盯", "着眼", "聚焦", "紧扣", "牢固树立", "始终", "积极适应"];

/// 实施数字经济振兴工程: a short lead that names a bounded programme is a task of its own.
fn names_a_programme(body: &str) -> bool {
    ["实施", "开展", "启动", "推进", "打好", "建设"].iter().any(|v| body.starts_with(v))
        && ["工程", "行动", "计划", "专项行动"].iter().any(|w| body.ends_with(w))
}

/// 7.“三市一地”：银川市、石嘴山市…: an entry of the glossary that follows a report, not a task.
/// “2”指《…》: so is an entry that says what a quoted term stands for.
fn defines_a_term(para: &str) -> bool {
    let rest = para.trim_start_matches(|c: char| c.is_ascii_digit());
    let numbered = rest.len() < para.len() && rest.starts_with(['.', '、']);
    let term = if numbered { &rest[1..] } else { para };
    if !term.starts_with('“') {
        return false;
    }
    let head: String = term.chars().take(30).collect();
    (numbered && head.contains('：')) || head.contains("”指") || head.contains("”是指")
}

/// 打好“三大攻坚战”，是我们…必须跨越的重大关口: what a thing is worth, not what is to be done.
fn says_what_it_is(body: &str) -> bool {
    body.rfind("，是").is_some_and(|i| {
        let tail = &body[i + "，是".len()..];
        !tail.contains('，') && tail.chars().count() <= 30
    })
}

/// 2021年是“十四五”开局之年: what the year is, not what is to be done in it.
fn year_character(body: &str) -> bool {
    let b = body.as_bytes();
    b.len() > 7 && b[..4].iter().all(u8::is_ascii_digit) && body[4..].starts_with("年是")
}

/// Lists the tasks of the plan part.
pub fn extract(text: &str, structure: &Structure, facts: &[Fact], units: &LeadUnits) -> Vec<Task> {
    let plan_year = structure.plan_year.unwrap_or(0);
    let mut tasks = Vec::new();
    let mut chars_before = 0usize;
    let mut last_byte = 0usize;
    // 今后五年…的主要目标是： then ——努力实现… lines: the goals, however long each line, are targets.
    let mut goal_list = false;
    let mut practical_list = false;
    for (pi, p) in structure.paragraphs.iter().enumerate() {
        chars_before += text[last_byte..p.span.start].chars().count();
        last_byte = p.span.start;
        let para = &text[p.span.start..p.span.end];
        let listed_goal = goal_list && para.starts_with("——");
        goal_list = listed_goal || crate::structure::is_headline_cue(para) && para.trim_end().ends_with('：');
        if !matches!(p.part, Part::Plan | Part::LongPlan) || listed_goal {
            continue;
        }
        let section = section_path(structure, p.section);
        let mut at = chars_before;
        // The headline targets become matters of their own; a heading alone is not a task.
        // The items of a list of practical matters (2019年市政府为民办10件实事 / 1.实施老旧供热管网更新改造
        // 工程) are commitments each, headings or not.
        let heading_here = p.section.filter(|&s| structure.sections[s].span.start == p.span.start);
        if heading_here.is_some_and(|s| structure.sections[s].level == 1) {
            practical_list = false;
        }
        if heading_here.is_none() && para.contains("实事") && para.chars().count() <= 30 && !para.contains('。') {
            practical_list = true;
        }
        let heading_here = heading_here.filter(|_| !practical_list);
        if p.headline
            || heading_here.is_some_and(|_| para.chars().count() <= 40)
            || weighs_the_situation(para)
            || defines_a_term(para)
        {
            continue;
        }
        let parts: Vec<&str> = para.split_inclusive(['。', '；']).collect();
        let sentences = parts.len();
        for (k, sentence) in parts.iter().enumerate() {
            let len = sentence.chars().count();
            let (start, end) = (at, at + len);
            at = end;
            let body = sentence.trim_end_matches(['。', '；']);
            let chars = body.chars().count();
            let has_facts = facts[facts.partition_point(|f| f.start < start)..].first().is_some_and(|f| f.start < end);
            // The heading that opens a paragraph, inline slogans (精准施策强化科技创新) and rhetoric
            // (必须…, 只要我们…) are not tasks.
            // A paragraph's opening that only states the aim (坚持以新发展理念发展好城市; 立足于…，推动…)
            // before the sentences that say what will be done.
            let aim_lead = k == 0
                && !has_facts
                && sentences > 2
                && AIM_OPENINGS.iter().any(|w| body.starts_with(w))
                && !names_a_programme(body);
            if (k == 0 && heading_here.is_some())
                || aim_lead
                || (chars <= 12 && !has_facts && !names_a_programme(body) && (k == 0 || leads_what_follows(&parts, k)))
                || (slogan(body) && !has_facts && (k == 0 || leads_what_follows(&parts, k)))
                || chars < 6
                || !(has_facts || COMMIT_VERBS.iter().any(|v| body.contains(v)))
                || NOT_TASKS.iter().any(|w| body.starts_with(w))
                || year_character(body)
                || says_what_it_is(body)
            {
                continue;
            }
            // Facts come in text order: find this sentence's by binary search, not a scan.
            let first = facts.partition_point(|f| f.start < start);
            let in_task: Vec<usize> = (first..facts.len())
                .take_while(|&i| facts[i].start < end)
                .filter(|&i| facts[i].paragraph == pi && facts[i].end <= end)
                .collect();
            let (lead_unit, lead_unit_reason) = match units.suggest(body) {
                Some((u, ks)) => (Some(u), format!("关键词：{}", ks.join("、"))),
                None => (None, "无匹配关键词，请指定牵头单位 / no keyword matched; assign a lead unit".to_string()),
            };
            tasks.push(Task {
                text: body.to_string(),
                section: section.clone(),
                facts: in_task,
                deadline: deadline(body, plan_year),
                lead_unit,
                lead_unit_reason,
                start,
                end,
            });
        }
    }
    tasks
}

fn section_path(structure: &Structure, mut at: Option<usize>) -> Vec<String> {
    let mut path = Vec::new();
    while let Some(i) = at {
        let s = &structure.sections[i];
        path.push(format!("{}{}", s.marker, s.title));
        at = s.parent;
    }
    path.reverse();
    path
}

/// A day written N月N日 whose 日 stands at `i`: its month, its day, and where its month's digits
/// begin. The day must exist in some year (2月29日 does; 2月30日 does not).
pub(crate) fn month_day_ending_at(chars: &[char], i: usize) -> Option<(u32, u32, usize)> {
    let digits_before = |end: usize| (0..end).rev().take_while(|&k| chars[k].is_ascii_digit()).count();
    let d_digits = digits_before(i);
    let m_at = i.checked_sub(d_digits)?;
    if !(1..=2).contains(&d_digits) || m_at == 0 || chars[m_at - 1] != '月' {
        return None;
    }
    let m_digits = digits_before(m_at - 1);
    if !(1..=2).contains(&m_digits) {
        return None;
    }
    let from = m_at - 1 - m_digits;
    let month: u32 = chars[from..m_at - 1].iter().collect::<String>().parse().ok()?;
    let day: u32 = chars[m_at..i].iter().collect::<String>().parse().ok()?;
    ((1..=12).contains(&month) && (1..=last_day(2000, month)).contains(&day)).then_some((month, day, from))
}

fn last_day(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Reads a deadline hint from a task's text.
pub fn deadline(text: &str, plan_year: i32) -> Option<Deadline> {
    // A year counted from an unknown plan year (0) gives no date.
    let date = |y: i32, m: u32| (y >= 1949).then(|| format!("{y:04}-{m:02}-{:02}", last_day(y, m)));
    let d = |hint: &str, date: Option<String>| Some(Deadline { hint: hint.to_string(), date });
    // 到2020年 / 2020年底前
    for (at, y) in crate::structure::years(text) {
        let before = &text[..at];
        let after = text[at + 4..].strip_prefix('年').unwrap_or("");
        if before.ends_with('到') || before.ends_with('至') || after.starts_with("底") || after.starts_with("前") {
            let hint: String = text[at.saturating_sub(3)..].chars().take(9).collect();
            let hint = hint.trim_start_matches(|c: char| !c.is_ascii_digit() && c != '到' && c != '至').to_string();
            return d(&hint, date(y, 12));
        }
    }
    let chars: Vec<char> = text.chars().collect();
    // 10月15日之前 / 2月9日下午下班前: that day.
    for i in (0..chars.len()).filter(|&i| chars[i] == '日') {
        let rest: String = chars[i + 1..].iter().take(10).collect();
        let before_it = rest.find('前').is_some_and(|k| rest[..k].chars().count() <= 8 && !rest[..k].contains('，'));
        if let Some((m, day, from)) = month_day_ending_at(&chars, i).filter(|_| before_it) {
            let hint: String = chars[from..=i].iter().collect();
            let date = (plan_year >= 1949).then(|| format!("{plan_year:04}-{m:02}-{day:02}"));
            return d(&hint, date);
        }
    }
    // N月底前 / N月前 / N月份
    for i in 0..chars.len() {
        if chars[i] == '月' && i > 0 && chars[i - 1].is_ascii_digit() {
            let s = if i > 1 && chars[i - 2].is_ascii_digit() { i - 2 } else { i - 1 };
            let m: u32 = chars[s..i].iter().collect::<String>().parse().unwrap_or(0);
            let rest: String = chars[i + 1..].iter().take(2).collect();
            if (1..=12).contains(&m)
                && (rest.starts_with("底")
                    || rest.starts_with("前")
                    || rest.starts_with("份")
                    || rest.starts_with("末"))
            {
                let hint: String = chars[s..(i + 3).min(chars.len())].iter().collect();
                return d(&hint, date(plan_year, m));
            }
        }
    }
    for n in ["两", "三", "四", "五"] {
        let words = [format!("分{n}年"), format!("{n}年内")];
        for w in &words {
            if text.contains(w.as_str()) {
                let k = match n {
                    "两" => 2,
                    "三" => 3,
                    "四" => 4,
                    _ => 5,
                };
                return d(w, date(plan_year + k - 1, 12));
            }
        }
    }
    for (w, m) in [
        ("一季度", 3),
        ("第一季度", 3),
        ("二季度", 6),
        ("上半年", 6),
        ("三季度", 9),
        ("年底前", 12),
        ("年底", 12),
        ("年内", 12),
        ("今年", 12),
        ("全年", 12),
    ] {
        if text.contains(w) {
            return d(w, date(plan_year, m));
        }
    }
    for w in ["三年行动", "三年攻坚", "五年行动", "三年计划"] {
        if text.contains(w) {
            return d(w, None);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_hints() {
        let date = |t: &str| deadline(t, 2019).and_then(|d| d.date);
        assert_eq!(date("年内新增城镇就业4900人"), Some("2019-12-31".into()));
        assert_eq!(date("上半年完成选址"), Some("2019-06-30".into()));
        assert_eq!(date("6月底前完成"), Some("2019-06-30".into()));
        assert_eq!(date("分两年解决9.2万人饮水安全问题"), Some("2020-12-31".into()));
        assert_eq!(date("到2020年全面建成"), Some("2020-12-31".into()));
        assert_eq!(date("2月底前"), Some("2019-02-28".into()));
        assert_eq!(date("务必在10月15日之前全部完成"), Some("2019-10-15".into()));
        assert_eq!(date("于2月9日下午下班前报县发改局"), Some("2019-02-09".into()));
        assert_eq!(date("10月15日召开现场会，抓紧推进"), None, "a day that is no deadline");
        assert_eq!(date("2月30日前"), None, "no such day");
        assert!(deadline("打好转型升级三年行动冲刺战", 2019).is_some_and(|d| d.date.is_none()));
        assert!(deadline("加强监管", 2019).is_none());
    }

    #[test]
    fn lead_unit_from_keywords() {
        let units = LeadUnits::builtin();
        let (u, _) = units.suggest("新建、改扩建幼儿园6所").expect("a unit");
        assert_eq!(u, "教育和体育局");
        let (u, _) = units.suggest("年内新增城镇就业4900人").expect("a unit");
        assert_eq!(u, "人力资源和社会保障局");
        assert!(units.suggest("坚持党的领导").is_none());
    }

    #[test]
    fn bad_table_line_is_named() {
        let e = LeadUnits::parse("# x\n教育\t教育局\n就业 人社局\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.to_string().contains("第3行"));
    }
}
