//! The shape of a report: title, jurisdiction, the review year and the plan year, sections with
//! their headings (一、 / （一） / 1. / 第一部分), paragraphs, and which part of the report each
//! paragraph belongs to (the review of last year, the plan for this year, or neither).
//!
//! Years are found from evidence, strongest first: the caller's hint, the title (2019年政府工作报告),
//! the delivery line (2019年1月10日在…人民代表大会), headings (2018年工作回顾, 2019年工作安排),
//! phrases (2019年主要预期目标), and at last the years the text mentions most. Parts follow headings
//! where there are any and cue phrases (一年来, 主要预期目标, 今年政府工作) where there are none.

use serde::Serialize;

/// A byte range in the normalized text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Which part of the report a paragraph is in; it decides whether a figure is a result or a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// Before anything tells us (the greeting, or a news article's lead).
    Unknown,
    /// The review of the past year or years.
    Review,
    /// The plan: targets and tasks for the plan year.
    Plan,
    /// A plan spanning several years (今后五年); targets belong to the last year of the span.
    LongPlan,
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub level: u8,
    pub marker: String,
    pub title: String,
    pub span: Span,
    pub parent: Option<usize>,
    pub part: Part,
}

#[derive(Debug, Clone, Serialize)]
pub struct Paragraph {
    pub span: Span,
    /// The innermost section the paragraph is in.
    pub section: Option<usize>,
    pub part: Part,
    /// The paragraph states the main expected targets (主要预期目标).
    pub headline: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Structure {
    pub title: Option<String>,
    pub jurisdiction: Option<String>,
    pub plan_year: Option<i32>,
    pub review_year: Option<i32>,
    /// How the plan year was found (the kind of evidence and its words), for the diagnostics.
    pub year_evidence: String,
    pub sections: Vec<Section>,
    pub paragraphs: Vec<Paragraph>,
}

const CN_DIGITS: &str = "零〇一二两三四五六七八九十";

/// Recognizes a heading marker at the start of a line: returns its level and byte length.
pub fn heading_marker(line: &str) -> Option<(u8, usize)> {
    // Markers start with one of these; most lines are body text and stop here.
    let first = line.chars().next()?;
    if !(first == '第' || first == '（' || first.is_ascii_digit() || CN_DIGITS.contains(first)) {
        return None;
    }
    let chars: Vec<(usize, char)> = line.char_indices().take(12).collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let byte = |i: usize| chars.get(i).map_or(line.len(), |&(b, _)| b);
    let cn_run =
        |from: usize| (from..chars.len()).take_while(|&i| at(i).is_some_and(|c| CN_DIGITS.contains(c))).count();
    let digit_run =
        |from: usize| (from..chars.len()).take_while(|&i| at(i).is_some_and(|c| c.is_ascii_digit())).count();
    // 一、
    let n = cn_run(0);
    if n > 0 && n <= 3 && at(n) == Some('、') {
        return Some((1, byte(n + 1)));
    }
    // 第一部分 / 第一章 / 第一篇
    if at(0) == Some('第') {
        let n = cn_run(1);
        if n > 0 {
            let rest = &line[byte(1 + n)..];
            for w in ["部分", "章", "篇"] {
                if rest.starts_with(w) {
                    return Some((1, byte(1 + n) + w.len()));
                }
            }
        }
    }
    // （一） (the normalizer turned ASCII brackets into full-width ones)
    if at(0) == Some('（') {
        let n = cn_run(1);
        if n > 0 && n <= 3 && at(1 + n) == Some('）') {
            return Some((2, byte(n + 2)));
        }
        let d = digit_run(1);
        if d > 0 && d <= 2 && at(1 + d) == Some('）') {
            return Some((3, byte(d + 2)));
        }
    }
    // 1. / 1、 (but not 1.5)
    let d = digit_run(0);
    if d > 0 && d <= 2 && matches!(at(d), Some('、') | Some('.')) && !at(d + 1).is_some_and(|c| c.is_ascii_digit()) {
        return Some((3, byte(d + 1)));
    }
    None
}

/// Classifies a heading (or cue) text as review, plan or long plan. Sub-headings inherit their
/// part unless they say so with a year or a word of review or long-term planning.
/// The five-year plans by name and last year (the longer names first: 十一五 before 十五).
pub(crate) const FIVE_YEAR_PLANS: &[(&str, i32)] =
    &[("十一五", 2010), ("十二五", 2015), ("十三五", 2020), ("十四五", 2025), ("十五五", 2030), ("十五", 2005)];

fn part_of_title(title: &str, plan_year: Option<i32>, level: u8) -> Option<Part> {
    if ["今后五年", "未来五年", "今后一个时期", "五年目标"].iter().any(|w| title.contains(w)) {
        return Some(Part::LongPlan);
    }
    if let (Some(y), Some(p)) = (first_year(title), plan_year) {
        if y < p && !title.contains('到') {
            return Some(Part::Review);
        }
        if y >= p
            && has_any(title, &["安排", "目标", "任务", "要求", "部署", "打算", "重点", "建议", "思路", "工作", "实事"])
        {
            return Some(Part::Plan);
        }
    }
    if has_any(title, &["回顾", "总结", "过去", "一年来", "五年来", "主要成绩", "工作成效"]) {
        return Some(Part::Review);
    }
    // “十二五”时期的奋斗目标和主要任务: a five-year plan that has not ended is planned for.
    if let Some(p) = plan_year
        && has_any(title, &["时期", "规划", "期间"])
        && !has_any(title, &["开局", "今年", "年度"])
        && FIVE_YEAR_PLANS.iter().any(|(name, end)| {
            // The plan's name as a name (“十五”, 十五时期), not inside 第十五届.
            ["”", "\"", "时期", "规划", "期间"].iter().any(|after| title.contains(&format!("{name}{after}")))
                && *end >= p
                && end - 4 <= p + 1
        })
    {
        return Some(Part::LongPlan);
    }
    if level > 1 {
        return None;
    }
    if has_any(
        title,
        &[
            "安排",
            "预期目标",
            "主要目标",
            "目标任务",
            "主要任务",
            "奋斗目标",
            "总体要求",
            "工作部署",
            "工作打算",
            "重点工作",
            "工作任务",
            "今年",
            "政府自身建设",
            "自身建设",
            "政府建设",
        ],
    ) {
        return Some(Part::Plan);
    }
    None
}

fn has_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

/// The first plausible year (1949–2100) written as four digits followed by 年.
pub(crate) fn first_year(s: &str) -> Option<i32> {
    years(s).next().map(|(_, y)| y)
}

/// Every four-digit year followed by 年 (or 年度) in `s`, with its byte offset.
pub(crate) fn years(s: &str) -> impl Iterator<Item = (usize, i32)> + '_ {
    let b = s.as_bytes();
    s.match_indices('年').filter_map(move |(i, _)| {
        if i < 4 {
            return None;
        }
        let digits = &b[i - 4..i];
        if !digits.iter().all(u8::is_ascii_digit) || (i >= 5 && b[i - 5].is_ascii_digit()) {
            return None;
        }
        let y: i32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
        (1949..=2100).contains(&y).then_some((i - 4, y))
    })
}

/// Finds the structure of a normalized report.
pub fn analyze(text: &str, year_hint: Option<i32>) -> Structure {
    let top: String = text.chars().take(300).collect();
    analyze_dated(text, year_hint, &numeric_dates(&top))
}

/// The same, with the dates written near the top of the page (2018-01-24, also in a news page's
/// header that normalization drops as chrome: 2018-01-26 09:18 阅读…) as the last evidence of its year.
pub fn analyze_dated(text: &str, year_hint: Option<i32>, page_dates: &[(i32, u32)]) -> Structure {
    let title = find_title(text);
    let jurisdiction = find_jurisdiction(text, title.as_deref());
    let (plan_year, year_evidence) = match year_hint {
        Some(y) => (Some(y), "hint".into()),
        None => find_plan_year(text, page_dates),
    };
    let review_year = plan_year.map(|p| p - 1);

    let mut sections: Vec<Section> = Vec::new();
    let mut paragraphs = Vec::new();
    let mut open: Vec<usize> = Vec::new(); // stack of open section indices
    let mut cue_part = Part::Unknown; // part from cue phrases when headings say nothing
    let mut headline_run = 0usize; // following short paragraphs of a headline list
    let mut after_label = false; // the paragraph after a bare 主要目标 line
    let mut offset = 0;
    for line in text.split('\n') {
        let start = offset;
        offset += line.len() + 1;
        if line.trim().is_empty() {
            continue;
        }
        let span = Span { start, end: start + line.len() };
        if let Some((level, marker_len)) = heading_marker(line) {
            let rest = &line[marker_len..];
            let title_end = rest.find('。').filter(|&e| rest[..e].chars().count() <= 40).unwrap_or(rest.len());
            let heading = rest[..title_end].trim().to_string();
            if heading.chars().count() <= 40 {
                while let Some(&top) = open.last() {
                    if sections[top].level >= level {
                        open.pop();
                    } else {
                        break;
                    }
                }
                let parent = open.last().copied();
                let inherited = parent.map_or(cue_part, |p| sections[p].part);
                let part = part_of_title(&heading, plan_year, level)
                    .or_else(|| (inherited == Part::Unknown).then(|| imperative_heading(&heading)).flatten())
                    .unwrap_or(inherited);
                sections.push(Section {
                    level,
                    marker: line[..marker_len].to_string(),
                    title: heading,
                    span,
                    parent,
                    part,
                });
                open.push(sections.len() - 1);
                if level == 1 {
                    cue_part = part;
                }
            }
        }
        let section = open.last().copied();
        // Cue phrases move the part forward (review → plan) where headings are silent.
        let head: String = line.chars().take(60).collect();
        let opening = year_opening(&head, plan_year);
        let cue = paragraph_cue(&head, plan_year).or(opening);
        if let Some(c) = cue {
            let allowed = matches!(
                (cue_part, c),
                (Part::Unknown, _) | (Part::Review, Part::Plan | Part::LongPlan) | (Part::LongPlan, Part::Plan)
            );
            if allowed
                && section
                    .is_none_or(|s| sections[s].part == Part::Unknown || sections[s].level > 1 || c != Part::Review)
            {
                cue_part = c;
            }
        }
        if section.is_none()
            && let Some(c) = opening
        {
            cue_part = c;
        }
        let part = match section.map(|s| sections[s].part) {
            Some(Part::Unknown) | None => cue_part,
            Some(p) if cue_part == Part::Plan && p == Part::Review && cue.is_some() && !has_any(&head, &["回顾"]) => {
                Part::Plan
            }
            Some(p) => p,
        };
        let cue_line = is_headline_cue(line);
        // A bare label line (主要目标) heads the paragraph after it, however long.
        let label = is_headline_label(line);
        let headline = cue_line || after_label || headline_run > 0 && line.chars().count() < 120;
        after_label = label;
        headline_run = if cue_line && line.trim_end().ends_with('：') {
            12
        } else if headline && headline_run > 0 {
            headline_run - 1
        } else {
            0
        };
        paragraphs.push(Paragraph {
            span,
            section,
            part: if headline && part != Part::LongPlan { Part::Plan } else { part },
            headline,
        });
    }
    Structure { title, jurisdiction, plan_year, review_year, year_evidence, sections, paragraphs }
}

/// A line that is only the label of the headline targets: 主要目标, 主要预期目标：.
fn is_headline_label(line: &str) -> bool {
    let bare = line.trim().trim_end_matches(['：', ':']);
    // 今年预期目标, 2019年主要预期目标: the label with its year.
    let bare = bare.strip_prefix("今年").unwrap_or(bare);
    let bare = match years(bare).next() {
        Some((0, _)) => bare[4..].trim_start_matches('年'),
        _ => bare,
    };
    ["主要目标", "主要预期目标", "预期目标", "发展目标", "主要指标", "主要预期指标"].contains(&bare)
}

pub(crate) fn is_headline_cue(line: &str) -> bool {
    if !line.contains("目标") && !line.contains("指标") {
        return false;
    }
    let head: String = line.chars().take(80).collect();
    ["主要预期目标", "主要目标", "预期目标", "发展目标是", "发展目标为", "预期指标", "主要指标"].iter().any(|w| {
        head.find(w).is_some_and(|i| {
            let after = &head[i + w.len()..];
            after.starts_with('是')
                || after.starts_with('为')
                || after.starts_with('：')
                || after.starts_with("如下")
                || after.starts_with("确定为")
                || after.starts_with("建议为")
                || after.starts_with("安排为")
        })
    })
}

/// 四、深入落实九大惠民工程，大幅提升各族群众幸福指数: where nothing before has told the part, a heading
/// that opens with a verb of what is to be done and names no result is a section of the plan.
fn imperative_heading(title: &str) -> Option<Part> {
    const OPENINGS: &[&str] = &[
        "深入",
        "加快",
        "大力",
        "全力",
        "着力",
        "持续",
        "坚持",
        "推进",
        "推动",
        "扎实",
        "全面",
        "切实",
        "突出",
        "聚焦",
        "统筹",
        "强化",
        "加强",
        "积极",
        "努力",
        "不断",
        "进一步",
        "坚决",
        "奋力",
        "做好",
        "抓好",
        "打好",
        "实施",
    ];
    const RESULTS: &[&str] =
        &["取得", "成效", "成绩", "进展", "突破", "显著", "明显", "迈上", "跃上", "实现了", "得到", "回顾", "过去"];
    let opens = OPENINGS.iter().any(|w| title.starts_with(w));
    (opens && !RESULTS.iter().any(|w| title.contains(w))).then_some(Part::Plan)
}

/// Part cues in the first words of a paragraph without a heading of its own.
fn paragraph_cue(head: &str, plan_year: Option<i32>) -> Option<Part> {
    // Every cue below holds 年, 回顾, 目标/指标 or 以下工作.
    if !(head.contains('年') || head.contains("回顾") || head.contains("标") || head.contains("以下工作")) {
        return None;
    }
    // 报告共分为四个部分：一、政府工作回顾；二、今后五年…: the report's contents, not a part of it.
    if head.contains("一、") && head.contains("二、") {
        return None;
    }
    if has_any(head, &["今后五年", "未来五年"]) && has_any(head, &["目标", "任务", "要求"]) {
        return Some(Part::LongPlan);
    }
    if has_any(head, &["一年来", "过去的一年", "过去一年", "五年来", "过去五年", "过去的五年", "回顾"])
    {
        return Some(Part::Review);
    }
    if is_headline_cue(head)
        || has_any(
            head,
            &[
                "今年政府工作",
                "今年工作的总体要求",
                "今年的主要任务",
                "今年重点抓好",
                "重点做好以下工作",
                "今年，政府将",
                "今年，我们将",
                "做好今年",
                "今年经济社会发展",
                "今年全区",
                "今年全市",
                "今年全县",
                "今年全省",
            ],
        )
    {
        return Some(Part::Plan);
    }
    if let (Some(y), Some(p)) = (first_year(head), plan_year)
        && y == p
        && has_any(head, &["工作安排", "主要任务", "工作任务", "总体要求", "预期目标", "重点工作"])
    {
        return Some(Part::Plan);
    }
    None
}

/// 2024年，贵州将坚持…: a paragraph that opens with the plan year and what will be done; 报告指出，
/// 2023年贵州省经济持续回升向好: one that opens with the year before reviews it. In a text without
/// headings (a news article going back and forth) this moves the part either way.
fn year_opening(head: &str, plan_year: Option<i32>) -> Option<Part> {
    let (at, y) = years(head).next()?;
    let p = plan_year?;
    // 张惠在报告中说，2016年，…: the reporting words before the year are not the paragraph's own.
    let before = &head[..at];
    let reported = before.ends_with('，')
        && before.chars().count() <= 24
        && has_any(before, &["说，", "指出，", "表示，", "显示，", "介绍，", "称，"]);
    if before.chars().count() > 6 && !reported {
        return None;
    }
    if y == p && has_any(head, &["将", "要", "力争", "确保", "预计", "计划", "目标"]) {
        return Some(Part::Plan);
    }
    (y == p - 1 && !has_any(&head[at..], &["到", "至", "以来"])).then_some(Part::Review)
}

fn find_title(text: &str) -> Option<String> {
    text.split('\n')
        .take(12)
        .map(str::trim)
        .find(|l| l.contains("工作报告") && l.chars().count() <= 40)
        .map(|l| l.trim_matches(|c| c == '《' || c == '》').to_string())
}

/// The last characters of an administrative unit's name (省, 市, 县, 街道 …), longest first.
const PLACE_ENDS: &[&str] =
    &["自治区", "自治州", "自治县", "街道", "地区", "区", "县", "市", "省", "旗", "州", "盟", "镇", "乡"];
/// Characters that end a place name when read backwards: the words around it (我代表, 在, 的, 第…届,
/// 副市长), never a part of it.
const NOT_IN_PLACE: &[char] =
    &['我', '代', '表', '在', '的', '届', '次', '第', '向', '是', '对', '了', '为', '副', '年', '月'];
/// What follows a place named as the one reporting: its government, its congress, its head.
const AFTER_PLACE: &[&str] =
    &["人民政府", "政府工作报告", "人民代表大会", "省长", "市长", "区长", "县长", "镇长", "乡长", "街道办事处", "主席"];

/// The place named just before `end` (十堰市张湾区, 镇安县), read backwards to the words around it;
/// none unless it ends as a place does and has a name before that ending.
fn place_before(chars: &[char], end: usize) -> Option<String> {
    let mut start = end;
    while start > 0
        && end - start < 14
        && crate::decode::is_cjk(chars[start - 1])
        && !NOT_IN_PLACE.contains(&chars[start - 1])
    {
        start -= 1;
    }
    // 向家镇 at the start of a line: a one-character stem is the tail of a name whose first
    // character reads like a word around it.
    if end - start == 2
        && start > 0
        && NOT_IN_PLACE.contains(&chars[start - 1])
        && (start == 1 || !crate::decode::is_cjk(chars[start - 2]))
    {
        start -= 1;
    }
    let mut name: String = chars[start..end].iter().collect();
    // 张惠作政府工作报告威海市第十七届…: a headline run into the next line; the place starts after
    // the words of the line before.
    if let Some(cut) =
        ["报告", "会议", "开幕", "讲话", "宣布"].iter().filter_map(|w| name.rfind(w).map(|i| i + w.len())).max()
    {
        name = name[cut..].to_string();
    }
    let ending = PLACE_ENDS.iter().find(|e| name.ends_with(*e))?;
    (name.chars().count() > ending.chars().count()).then_some(name)
}

/// The jurisdiction a report is of: the place named before its government, congress or head in
/// the title, the delivery line (在XX市第十七届人民代表大会), 我代表XX人民政府 or a news lead
/// (XX县县长…作政府工作报告), whichever comes first; 国务院 for the State Council's.
fn find_jurisdiction(text: &str, title: Option<&str>) -> Option<String> {
    let head: String = text.chars().take(3000).collect();
    for probe in title.into_iter().chain(std::iter::once(head.as_str())) {
        let chars: Vec<char> = probe.chars().collect();
        let mut found: Option<(usize, String)> = None;
        for anchor in AFTER_PLACE {
            let words: Vec<char> = anchor.chars().collect();
            for i in (0..chars.len()).filter(|&i| chars[i..].starts_with(&words)) {
                // 第十七届人民代表大会: the place is before the term's number.
                let mut end = i;
                if anchor.contains("人民代表大会") {
                    let term: Vec<char> = chars[..end].iter().rev().take(6).copied().collect();
                    if let Some(p) = term.iter().position(|c| *c == '第') {
                        end -= p + 1;
                    } else if let Some(p) = term.iter().position(|c| *c == '届') {
                        // 十二届全国人大: the numbers before 届.
                        end -= p + 1;
                        while end > 0 && "一二三四五六七八九十".contains(chars[end - 1]) {
                            end -= 1;
                        }
                    }
                }
                // 静宁县常务副县长, 代市长: the head's title is not part of the place.
                if anchor.ends_with('长') {
                    for title in ["常务副", "副", "代"] {
                        let t: Vec<char> = title.chars().collect();
                        if chars[..end].ends_with(&t) {
                            end -= t.len();
                            break;
                        }
                    }
                }
                if let Some(name) = place_before(&chars, end)
                    && found.as_ref().is_none_or(|(at, _)| end < *at)
                {
                    found = Some((end, name));
                    break;
                }
            }
        }
        // A title line that opens with the place and a year: 昌硕街道2022年工作总结和2023年工作计划 (the
        // first line, or one of the first few below a page's metadata).
        for line in probe.trim_start().split('\n').take(8) {
            let line: Vec<char> = line.trim().chars().collect();
            if found.is_some() {
                break;
            }
            if let Some(digit) = line.iter().position(|c| c.is_ascii_digit())
                && digit <= 12
                && line[digit..].iter().collect::<String>().contains("工作")
            {
                found = place_before(&line, digit).map(|name| (0, name));
            }
        }
        if let Some((_, name)) = found {
            return Some(name);
        }
    }
    if head.contains("国务院") || head.contains("全国人大") || head.contains("全国人民代表大会") {
        return Some("国务院".to_string());
    }
    None
}

/// One piece of evidence for the plan year: the year it points to, how much it weighs, what kind
/// of evidence it is, and the words that say it.
struct Vote {
    year: i32,
    weight: u32,
    why: &'static str,
    said: String,
}

/// A month written right after a year (2022年12月…), when there is one.
fn month_after(after_year: &str) -> Option<u32> {
    let digits: String = after_year.chars().take_while(|c| c.is_ascii_digit()).collect();
    let m: u32 = digits.parse().ok()?;
    (after_year[digits.len()..].starts_with('月') && (1..=12).contains(&m)).then_some(m)
}

/// Whether a year right after `before` opens a clause (a line, a sentence or what someone said).
fn clause_start(before: &str) -> bool {
    let before = before.trim_end();
    before.is_empty()
        || has_any(&before.chars().rev().take(1).collect::<String>(), &["，", ",", "。", "：", ":", "；", "“"])
}

/// The words around a byte offset, for the evidence shown to a user.
fn words_at(s: &str, at: usize, chars: usize) -> String {
    s[at..].chars().take(chars).filter(|c| *c != '\n').collect()
}

/// Weighs the evidence for the plan year (the year a report plans for; it reviews the year before):
/// a title (2023年XX县政府工作报告), a delivery line (2022年12月23日在…人民代表大会…上: delivered in
/// November or December, a report plans for the next year), headings (2022年工作回顾, 2023年工作安排),
/// phrases (主要预期目标, 回顾2013年的工作, 2012年是…的一年), anchors (今年是“十四五”开局之年) and a news
/// dateline. The year with the most weight wins; the strongest evidence for it is returned in words.
/// Dates written 2018-01-24, 2018/1/24 or 2025.01.21: (year, month) of each, 1949–2100.
pub(crate) fn numeric_dates(s: &str) -> Vec<(i32, u32)> {
    let c: Vec<char> = s.chars().collect();
    let digits =
        |from: usize, max: usize| (from..c.len().min(from + max)).take_while(|&i| c[i].is_ascii_digit()).count();
    let mut out = Vec::new();
    for i in 0..c.len() {
        if i > 0 && c[i - 1].is_ascii_digit() || digits(i, 5) != 4 {
            continue;
        }
        let sep = c.get(i + 4).copied();
        if !matches!(sep, Some('-' | '/' | '.')) {
            continue;
        }
        let m = digits(i + 5, 3);
        if !(1..=2).contains(&m) || c.get(i + 5 + m) != sep.as_ref() || digits(i + 6 + m, 3) == 0 {
            continue;
        }
        let year: i32 = c[i..i + 4].iter().collect::<String>().parse().unwrap_or(0);
        let month: u32 = c[i + 5..i + 5 + m].iter().collect::<String>().parse().unwrap_or(0);
        if (1949..=2100).contains(&year) && (1..=12).contains(&month) {
            out.push((year, month));
        }
    }
    out
}

fn find_plan_year(text: &str, page_dates: &[(i32, u32)]) -> (Option<i32>, String) {
    let mut votes: Vec<Vote> = Vec::new();
    let head: String = text.chars().take(4000).collect();
    for (at, y) in years(&head) {
        let after = &head[at + 4..];
        let after = after.strip_prefix("年").unwrap_or(after);
        let near: String = after.chars().take(40).collect();
        let line_end = after.find('\n').unwrap_or(after.len());
        let line = &after[..line_end];
        if let Some(m) = month_after(after) {
            let (year, why) = if m >= 11 { (y + 1, "delivered at the year's end") } else { (y, "delivery date") };
            if near.contains("人民代表大会") {
                votes.push(Vote { year, weight: 10, why, said: words_at(&head, at, 30) });
            } else if head[..at].rsplit('\n').next().is_some_and(|l| l.contains("政府工作报告")) {
                // 唐山市政府工作报告（2012年2月2日 陈国鹰）
                votes.push(Vote { year, weight: 8, why, said: words_at(&head, at, 20) });
            }
            continue;
        }
        // 2023年凌海市政府工作报告: the year, a name of at most 16 characters, the title.
        if let Some(i) = line.find("政府工作报告")
            && line[..i].chars().count() <= 16
            && !line[..i].chars().any(|c| c.is_ascii_digit() || "，,。；月".contains(c))
        {
            votes.push(Vote { year: y, weight: 10, why: "title", said: words_at(&head, at, 30) });
        }
    }
    for line in text.split('\n') {
        if !line.contains('年') {
            continue;
        }
        let head: String = line.chars().take(50).collect();
        let heading = heading_marker(line).is_some() || line.chars().count() <= 30;
        for (at, y) in years(line) {
            // Headings and phrases are read in the line's first 50 characters; openings anywhere.
            let after = head.get(at + 7..).unwrap_or("");
            let tail = &line[at + 7..];
            let before = &line[..at];
            let vote = |year, weight, why| Vote { year, weight, why, said: words_at(line, at, 24) };
            if heading && has_any(after, &["工作回顾", "回顾", "工作总结", "主要工作"]) && !after.contains("安排")
            {
                votes.push(vote(y + 1, 6, "review heading"));
            } else if heading
                && has_any(
                    after,
                    &[
                        "工作安排",
                        "工作任务",
                        "主要任务",
                        "总体要求",
                        "工作建议",
                        "重点工作",
                        "工作部署",
                        "预期目标",
                        "主要目标",
                    ],
                )
            {
                votes.push(vote(y, 6, "plan heading"));
            } else if words_at(after, 0, 14).contains("主要预期目标")
                || words_at(after, 0, 14).contains("主要預期目標")
                || after.starts_with("主要预期目标")
                || after.starts_with("经济社会发展主要预期目标")
                || after.starts_with("经济社会发展的主要预期目标")
                || after.starts_with("的主要预期目标")
                || after.starts_with("经济社会发展的主要目标")
                || after.starts_with("的主要目标")
                || after.starts_with("工作安排")
                || after.starts_with("工作的总体要求")
            {
                votes.push(vote(y, 5, "plan phrase"));
            } else if before.ends_with("回顾") || before.ends_with("回顾过去的") {
                // 张新起在回顾2013年的工作中指出
                votes.push(vote(y + 1, 6, "review phrase"));
            } else if before.ends_with("今年") || before.ends_with("今年（") || before.ends_with("今年(") {
                votes.push(vote(y, 4, "今年"));
            } else if clause_start(before) {
                // 2020年是…的一年。一年来… opens a review; 2021年是…开局之年 (with what is to be
                // done) opens the plan; 2012年，在…扭转了… states a result.
                let rest: String = tail.chars().take(200).collect();
                // Where the first of the words stands, in characters.
                let first =
                    |words: &[&str]| words.iter().filter_map(|w| rest.find(w)).min().map(|b| rest[..b].chars().count());
                let future = first(&[
                    "今年",
                    "要把",
                    "要坚持",
                    "将",
                    "將",
                    "安排",
                    "预期目标",
                    "預期目標",
                    "力争",
                    "力爭",
                    "做好",
                ]);
                let past =
                    first(&["一年来", "一年來", "的一年", "过去", "過去"]).filter(|_| !rest.starts_with("是新的一年"));
                let looks_back = match (past, future) {
                    (Some(p), Some(f)) => p < f,
                    (p, _) => p.is_some(),
                };
                if tail.starts_with('是') && looks_back {
                    votes.push(vote(y + 1, 3, "review opening"));
                } else if tail.starts_with('是') && future.is_some() {
                    votes.push(vote(y, 3, "plan opening"));
                } else if tail.starts_with('，') || tail.starts_with(',') {
                    votes.push(if future.is_some_and(|f| f < 30) {
                        vote(y, 2, "plan opening")
                    } else {
                        vote(y + 1, 2, "review opening")
                    });
                }
            } else if before.ends_with("预计") || before.ends_with("預計") {
                // 预计2012年全市生产总值完成3440亿元: the year under review, estimated.
                votes.push(vote(y + 1, 3, "estimate of the year"));
            }
        }
    }
    // 今(2024)年: a news article's own year.
    for open in ["今(", "今（"] {
        for (i, _) in text.match_indices(open) {
            let rest = &text[i + open.len()..];
            let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            if digits.len() == 4
                && (rest[4..].starts_with(")年") || rest[4..].starts_with("）年"))
                && let Ok(y) = digits.parse::<i32>()
            {
                votes.push(Vote { year: y, weight: 6, why: "今年", said: words_at(text, i, 12) });
            }
        }
    }
    // Anchors: 今年是“十四五”开局之年, 今年是新中国成立70周年.
    const ANCHORS: &[(&str, i32)] = &[
        ("十一五”开局", 2006),
        ("十一五”收官", 2010),
        ("十二五”开局", 2011),
        ("十二五”收官", 2015),
        ("十三五”开局", 2016),
        ("十三五”收官", 2020),
        ("十四五”开局", 2021),
        ("十四五”收官", 2025),
        ("十五五”开局", 2026),
        ("新中国成立60周年", 2009),
        ("新中国成立70周年", 2019),
        ("建党100周年", 2021),
        ("建党一百周年", 2021),
        ("全面建成小康社会决胜之年", 2020),
        ("全面建成小康社会收官之年", 2020),
    ];
    let anchors = if votes.is_empty() { ANCHORS } else { &[] };
    for (w, y) in anchors {
        for (i, _) in text.match_indices(w) {
            let from = text[..i].char_indices().rev().nth(11).map_or(0, |(k, _)| k);
            let before = &text[from..i];
            if before.contains("今年") {
                votes.push(Vote { year: *y, weight: 3, why: "anchor", said: words_at(text, i, 20) });
            } else if before.contains("去年") || before.contains("过去一年") {
                votes.push(Vote { year: *y + 1, weight: 3, why: "anchor", said: words_at(text, i, 20) });
            }
        }
    }
    // A news article's dateline: 2020年1月15日 near the top of a text about a report.
    if votes.is_empty() && (text.contains("政府工作报告") || text.contains("人民代表大会")) {
        let top: String = text.chars().take(300).collect();
        for (at, y) in years(&top) {
            let after = top[at + 4..].strip_prefix('年').unwrap_or("");
            match month_after(after) {
                Some(1..=4) => votes.push(Vote { year: y, weight: 4, why: "dateline", said: words_at(&top, at, 12) }),
                Some(11..=12) => votes.push(Vote {
                    year: y + 1,
                    weight: 4,
                    why: "dateline at the year's end",
                    said: words_at(&top, at, 12),
                }),
                _ => {}
            }
        }
        // 编辑:胡安坤2018-01-24 16:20: a page's date written with dashes or slashes, in the text or in
        // the page's header.
        for &(y, m) in page_dates {
            let (year, why) = if m >= 11 { (y + 1, "dateline at the year's end") } else { (y, "dateline") };
            if m <= 4 || m >= 11 {
                votes.push(Vote { year, weight: 4, why, said: format!("{y}-{m:02}") });
            }
        }
    }
    // The year the evidence weighs most for (the later one on a tie), told by its strongest vote.
    let mut totals: Vec<(i32, u32)> = Vec::new();
    for v in &votes {
        match totals.iter_mut().find(|t| t.0 == v.year) {
            Some(t) => t.1 += v.weight,
            None => totals.push((v.year, v.weight)),
        }
    }
    if let Some(&(y, _)) = totals.iter().max_by_key(|t| (t.1, t.0))
        && let Some(best) = votes.iter().filter(|v| v.year == y).max_by_key(|v| v.weight)
    {
        return (Some(y), format!("{}：“{}”", best.why, best.said));
    }
    // Last resort: the year mentioned most. In a report that reviews, it is the review year.
    let mut counts: Vec<(i32, u32)> = Vec::new();
    for (_, y) in years(text) {
        match counts.iter_mut().find(|c| c.0 == y) {
            Some(c) => c.1 += 1,
            None => counts.push((y, 1)),
        }
    }
    let Some(&(y, _)) = counts.iter().max_by_key(|c| (c.1, c.0)) else {
        return (None, "none".into());
    };
    let reviews = has_any(text, &["一年来", "过去一年", "过去的一年", "去年", "回顾"]) || text.contains("同比");
    let plans = has_any(text, &["今年", "年内", "力争", "预期目标"]);
    if reviews && (!plans || counts.iter().all(|c| c.0 <= y)) {
        (Some(y + 1), format!("most mentioned year, reviewed: {y}"))
    } else {
        (Some(y), format!("most mentioned year: {y}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_markers() {
        assert_eq!(heading_marker("一、2018年工作回顾"), Some((1, "一、".len())));
        assert_eq!(heading_marker("（一）着力稳增长"), Some((2, "（一）".len())));
        assert_eq!(heading_marker("（3）加快"), Some((3, "（3）".len())));
        assert_eq!(heading_marker("3.加快"), Some((3, 2)));
        assert_eq!(heading_marker("第二部分 今年工作"), Some((1, "第二部分".len())));
        assert_eq!(heading_marker("1.5万人"), None);
        assert_eq!(heading_marker("一是加快"), None);
    }

    #[test]
    fn years_from_headings() {
        let s = analyze("罗庄区人民政府工作报告\n一、2018年工作回顾\n全年完成。\n二、2019年工作安排\n年内完成。", None);
        assert_eq!(s.plan_year, Some(2019));
        assert_eq!(s.review_year, Some(2018));
        let parts: Vec<Part> = s.paragraphs.iter().map(|p| p.part).collect();
        assert_eq!(parts, vec![Part::Unknown, Part::Review, Part::Review, Part::Plan, Part::Plan]);
        assert_eq!(s.jurisdiction.as_deref(), Some("罗庄区"));
    }

    #[test]
    fn years_from_title_and_delivery_line() {
        let s = analyze("2021年政府工作报告\n——2021年1月12日在某市第十七届人民代表大会第五次会议上\n各位代表：", None);
        assert_eq!(s.plan_year, Some(2021));
        assert_eq!(s.jurisdiction.as_deref(), Some("某市"));
    }

    #[test]
    fn cue_phrases_without_headings() {
        let s = analyze(
            "过去的一年，全市生产总值增长7%。\n今年全市经济社会发展的主要预期目标是：生产总值增长6%左右。",
            Some(2020),
        );
        let parts: Vec<Part> = s.paragraphs.iter().map(|p| p.part).collect();
        assert_eq!(parts, vec![Part::Review, Part::Plan]);
        assert!(s.paragraphs[1].headline);
    }

    #[test]
    fn most_mentioned_year_of_a_review_is_the_review_year() {
        let s = analyze("2018年，全区生产总值同比增长7%。2018年财政收入增长5%。", None);
        assert_eq!(s.plan_year, Some(2019));
    }
}
