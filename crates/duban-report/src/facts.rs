//! Facts: every quantified result and target, shaped as ../shared/gold/FACTS.md says.
//!
//! A fact is a quantity (see `quantity`) read in its clause: the words before it name the indicator
//! (or, for 2个省重点项目, the words after it), the verb right before it makes it a change, a share
//! makes it a rate, and the part of the report and the time words around it make it a result of the
//! review year or a target of the plan year. 分别 lists, shared heads (城镇、农村居民人均可支配收入),
//! a level and a change in one clause, and ranks are distributed one fact per figure.
//!
//! This module does not decide what the report's years are or where its parts begin; `structure`
//! does, and this module reads one sentence at a time inside that frame.

use serde::Serialize;

use crate::lexicon::*;
use crate::quantity::{self, Comparator, Quantity, Sort, contains_any, ends_with, starts_with};
use crate::structure::{Part, Structure};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Actual,
    Target,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    Level,
    Change,
    Rate,
    Rank,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
}

/// One quantified claim of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    pub kind: Kind,
    pub headline: bool,
    pub indicator: String,
    pub subject: Option<String>,
    pub measure: Measure,
    pub direction: Option<Direction>,
    pub value: Option<f64>,
    pub upper: Option<f64>,
    pub unit: String,
    pub comparator: Option<Comparator>,
    /// The year the figure belongs to; null when the text does not let a reader know.
    pub year: Option<i32>,
    /// The clause the fact comes from, up to and including its figure.
    pub text: String,
    /// Character offsets of `text` in the normalized report.
    pub start: usize,
    pub end: usize,
    /// Index of the paragraph it stands in.
    #[serde(skip)]
    pub paragraph: usize,
}

/// The time frame of the whole report.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// The plan year, or 0 when the text does not tell it (years are then counted from 0).
    pub plan_year: i32,
}

impl Frame {
    /// A year counted in this frame, or none when it was counted from an unknown plan year (a year
    /// written in the text is known either way).
    fn known(self, year: i32) -> Option<i32> {
        (self.plan_year > 0 || year >= 1949).then_some(year)
    }
}

/// Reads the facts of every paragraph.
pub fn extract(text: &str, structure: &Structure) -> Vec<Fact> {
    let frame = Frame { plan_year: structure.plan_year.unwrap_or(0) };
    let mut facts = Vec::new();
    let mut chars_before = 0usize; // char offset of `last_byte`
    let mut last_byte = 0usize;
    let mut span_start: Option<(Option<usize>, i32)> = None;
    for (pi, p) in structure.paragraphs.iter().enumerate() {
        chars_before += text[last_byte..p.span.start].chars().count();
        last_byte = p.span.start;
        let para = &text[p.span.start..p.span.end];
        // A review of five years: its section says so, or its paragraph opens with the span (“十一五”
        // 时期，…; 五年来，…).
        let opening: String = para.chars().take(20).collect();
        let five_year = p.part == Part::Review
            && (section_says_five_years(structure, p.section) || FIVE_YEAR_SPANS.iter().any(|w| opening.contains(w)));
        // 地区生产总值从2011年的1520亿元增加到…; 城市化率从59.5%提高到…: a span's start once written is
        // the start of the baselines after it in the same section.
        if span_start.is_some_and(|(section, _)| section != p.section) {
            span_start = None;
        }
        if matches!(p.part, Part::Review | Part::Unknown)
            && let Some(y) = written_span_start(para).filter(|&y| frame.plan_year == 0 || y < frame.plan_year - 1)
        {
            span_start = Some((p.section, y));
        }
        let mut sentence_start_char = chars_before;
        for sentence in split_sentences(para) {
            let chars: Vec<char> = sentence.chars().collect();
            let ctx = SentenceContext {
                part: p.part,
                five_year,
                span_start: span_start.map(|(_, y)| y),
                headline: p.headline,
                frame,
                base: sentence_start_char,
                paragraph: pi,
            };
            read_sentence(&chars, &ctx, &mut facts);
            sentence_start_char += chars.len();
        }
    }
    // Text order (a 分别 list can emit out of order within its clause); tasks rely on it.
    facts.sort_by_key(|f| f.start);
    // A text cut off inside a clause (…居民消费价格涨幅控制在3%): its last clause's figures may be
    // cut too, and are no facts.
    // (A short last line without a stop is a heading or a line of its own, not a cut sentence.)
    let trimmed = text.trim_end();
    let last_line = trimmed.rsplit('\n').next().unwrap_or("");
    if last_line.chars().count() >= 40
        && !trimmed.ends_with(['。', '；', '！', '？', '”', '）', '」', '.', '!', '?', ')'])
    {
        let total = trimmed.chars().count();
        let last_clause = trimmed.rfind(['，', '；', '。', '：', '\n']).map_or(0, |b| trimmed[..b].chars().count() + 1);
        // (A text with no clause breaks near its end is no sentence cut short.)
        if total - last_clause <= 80 {
            facts.retain(|f| f.end <= last_clause || f.start >= total);
        }
    }
    drop_restated(facts, structure)
}

/// A news article's lead restates the figures its next paragraphs report (GDP为4233.2亿元、增长3.8%
/// … 地区生产总值4233.2亿元、增长3.8%): a fact of the lead (before any heading tells the part) said
/// again within two paragraphs is one fact. A report's own restatements stay.
fn drop_restated(facts: Vec<Fact>, structure: &Structure) -> Vec<Fact> {
    // A text without headings is an article: its title, lead and subheadings restate its body. (The
    // look back is bounded, so that a long text without headings is still read in linear time.)
    const LOOK_BACK: usize = 200;
    let article = structure.sections.is_empty();
    let mut kept: Vec<Fact> = Vec::with_capacity(facts.len());
    for f in facts {
        let near = kept.iter().rev().take(LOOK_BACK);
        let restated = near.take_while(|k| article || k.paragraph + 2 >= f.paragraph).any(|k| {
            // (In an article, a restatement may stand in the same paragraph, a sentence or more away.)
            (k.paragraph != f.paragraph || article && f.start > k.end + 30)
                && k.subject == f.subject
                && (article || structure.paragraphs[k.paragraph].part == Part::Unknown)
                && k.value.is_some()
                && (k.kind, k.measure, k.direction, k.value, k.upper, &k.unit, k.comparator, k.year)
                    == (f.kind, f.measure, f.direction, f.value, f.upper, &f.unit, f.comparator, f.year)
                && similar_names(&k.indicator, &f.indicator)
        });
        if !restated {
            kept.push(f);
        } else if f.indicator.contains("地区生产总值")
            && let Some(k) = kept.iter_mut().rev().find(|k| k.indicator.contains("GDP") && k.value == f.value)
        {
            // The lead says GDP, the body 地区生产总值: the report's own name is kept.
            k.indicator = f.indicator;
        }
    }
    kept
}

/// One name inside the other (GDP read as 地区生产总值), or three in four of their character pairs shared.
fn similar_names(a: &str, b: &str) -> bool {
    let (a, b) = (&a.replace("GDP", "地区生产总值"), &b.replace("GDP", "地区生产总值"));
    if a.contains(b.as_str()) || b.contains(a.as_str()) {
        return true;
    }
    let pairs = |s: &str| -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().collect();
        c.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (x, mut y) = (pairs(a), pairs(b));
    let total = x.len() + y.len();
    let mut shared = 0;
    for p in &x {
        if let Some(i) = y.iter().position(|q| q == p) {
            y.swap_remove(i);
            shared += 1;
        }
    }
    // 城镇… and 农村居民人均可支配收入 share most pairs yet are two names: three in four must match,
    // and the names must open alike.
    total > 0 && 8 * shared >= 3 * total && a.chars().take(2).eq(b.chars().take(2))
}

/// Words that say a review spans five years.
const FIVE_YEAR_SPANS: &[&str] = &["五年来", "过去五年", "过去的五年", "五”时期", "五”期间", "五年间"];

fn section_says_five_years(structure: &Structure, mut at: Option<usize>) -> bool {
    while let Some(i) = at {
        let t = &structure.sections[i].title;
        if ["五年", "十三五", "十二五", "十一五", "十四五", "十五五"].iter().any(|w| t.contains(w)) {
            return true;
        }
        at = structure.sections[i].parent;
    }
    false
}

pub(crate) fn split_sentences(p: &str) -> impl Iterator<Item = &str> {
    let mut rest = p;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = rest.len();
        let mut depth = 0i32;
        for (i, c) in rest.char_indices() {
            match c {
                '“' | '《' | '（' => depth += 1,
                '”' | '》' | '）' => depth = (depth - 1).max(0),
                '。' | '！' | '？' if (depth == 0 || c == '。') => {
                    end = i + c.len_utf8();
                    // Keep a closing quote with its sentence.
                    if rest[end..].starts_with('”') {
                        end += '”'.len_utf8();
                    }
                    break;
                }
                _ => {}
            }
        }
        let (s, r) = rest.split_at(end);
        rest = r;
        Some(s)
    })
}

struct SentenceContext {
    part: Part,
    /// The section reviews five years (过去五年, “十三五”时期).
    five_year: bool,
    /// The first year of the span reviewed, where the section has written it (从2011年的).
    span_start: Option<i32>,
    headline: bool,
    frame: Frame,
    base: usize,
    paragraph: usize,
}

/// Clause boundaries: ， ； ： and 。 outside quotes and brackets.
pub(crate) fn clauses(s: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0i32;
    for (i, &c) in s.iter().enumerate() {
        match c {
            '“' | '《' | '（' | '「' => depth += 1,
            '”' | '》' | '）' | '」' => depth = (depth - 1).max(0),
            '，' | '；' | '：' | '。' | '！' | '？' if depth == 0 => {
                out.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
        // Unbalanced quotes must not swallow the rest of a long sentence.
        if depth > 0 && i > start + 60 {
            depth = 0;
        }
    }
    if start < s.len() {
        out.push((start, s.len()));
    }
    out
}

/// Which characters are inside quotes or book-title marks (names, not figures).
fn quoted(s: &[char]) -> Vec<bool> {
    let mut q = vec![false; s.len()];
    let mut open: Option<usize> = None;
    for (i, &c) in s.iter().enumerate() {
        match c {
            '“' | '《' | '「' => open = Some(i),
            '”' | '》' | '」' => {
                if let Some(o) = open.take()
                    && i - o <= 30
                {
                    q[o..=i].iter_mut().for_each(|x| *x = true);
                }
            }
            _ => {}
        }
    }
    q
}

fn text_of(c: &[char]) -> String {
    c.iter().collect()
}

/// What the words of a sentence so far say about time; updated clause by clause.
#[derive(Default)]
struct TimeCues {
    target_year: Option<i32>,
    span_years: Option<i32>,
    past: bool,
    future: bool,
    five_year: bool,
    strong_future: bool,
    leading_year: Option<i32>,
    /// The sentence opens with an estimate of the year's results (预计地区生产总值…).
    estimate: bool,
}

impl TimeCues {
    fn see(&mut self, chars: &[char], plan_year: i32, first: bool) {
        if first && (starts_with(chars, "预计") || starts_with(chars, "初步预计")) {
            self.estimate = true;
        }
        // Year words all contain 年; most clauses have none and need no string.
        if chars.contains(&'年') {
            let clause = text_of(chars);
            if first && self.leading_year.is_none() {
                self.leading_year = leading_year(&clause);
            }
            if self.target_year.is_none() {
                self.target_year = target_year(&clause, plan_year);
            }
            if self.span_years.is_none() {
                self.span_years = span_years(&clause);
            }
        }
        if self.target_year.is_none() && chars.contains(&'五') {
            self.target_year = plan_end_target(&text_of(chars), plan_year);
        }
        self.past = self.past || past_cue(chars);
        self.five_year = self.five_year || contains_any(chars, FIVE_YEAR_SPANS);
        self.future = self.future || FUTURE.occurs_in(chars);
        self.strong_future = self.strong_future
            || (contains_any(chars, &["今年", "年内", "明年", "预期增长", "预期目标"])
                && !contains_any(chars, &["今年以来", "年内已"]));
    }
}

/// 去年 / 过去一年 … as time words; 比去年 and 高于去年 are comparisons, not the time of the figure.
fn past_cue(c: &[char]) -> bool {
    PAST_CUES.iter().any(|w| {
        let first = w.chars().next();
        (0..c.len()).any(|i| {
            Some(c[i]) == first
                && starts_with(&c[i..], w)
                && !(i > 0 && matches!(c[i - 1], '比' | '较' | '于' | '同' | '超'))
        })
    })
}

fn time_of(cues: &TimeCues, clause: &str, ctx: &SentenceContext) -> (Kind, i32) {
    let p = ctx.frame.plan_year;
    if ctx.headline {
        // The targets of a five-year plan (十二五…主要目标是) belong to its last year.
        // 2017年全市经济社会发展主要预期目标为: a list led by the plan year is that year's.
        let led = cues.leading_year.filter(|&y| y >= p && p > 0);
        let year = cues.target_year.or(led).unwrap_or(if ctx.part == Part::LongPlan { p + 4 } else { p });
        return (Kind::Target, year);
    }
    // 到2020年 / 2020年底前 / 至2025年: a target of that year.
    if let Some(y) = cues.target_year {
        return (Kind::Target, y);
    }
    if ctx.part != Part::Review
        && let Some(n) = cues.span_years
    {
        return (Kind::Target, p + n - 1);
    }
    // 2024年，贵州将坚持…，预计…增长5.5%左右: a sentence led by the plan year plans it, even inside a
    // passage on the next five years.
    if p > 0 && cues.leading_year == Some(p) && !cues.past {
        return (Kind::Target, p);
    }
    if ctx.part == Part::LongPlan {
        return (Kind::Target, p + 4);
    }
    if cues.past {
        return (Kind::Actual, p - 1);
    }
    if let Some(y) = cues.leading_year
        && y < p
    {
        return (Kind::Actual, y);
    }
    match ctx.part {
        // A review never says 今年 or 年内 of the year it reviews; a news article's 回顾 paragraph can
        // run on into the plan.
        Part::Review if cues.strong_future => (Kind::Target, p),
        Part::Review => (Kind::Actual, p - 1),
        Part::Plan | Part::LongPlan => (Kind::Target, p),
        Part::Unknown if cues.estimate && !cues.strong_future => (Kind::Actual, p - 1),
        Part::Unknown if cues.future || clause.contains("左右") => (Kind::Target, p),
        Part::Unknown => (Kind::Actual, p - 1),
    }
}

fn target_year(s: &str, plan_year: i32) -> Option<i32> {
    crate::structure::years(s).find_map(|(at, y)| {
        let before = &s[..at];
        let after = &s[at + 4..];
        let after = after.strip_prefix('年').unwrap_or(after);
        let targeted = before.ends_with('到')
            || before.ends_with('至')
            || before.ends_with("力争")
            || before.ends_with("确保")
            || after.starts_with("底前")
            || after.starts_with("前")
            || after.starts_with("年底前")
            || after.starts_with("末前");
        (targeted && y >= plan_year && plan_year > 0 || targeted && plan_year == 0).then_some(y)
    })
}

/// 到“十二五”末 / 至十三五期末: a target of the plan's last year.
fn plan_end_target(s: &str, plan_year: i32) -> Option<i32> {
    crate::structure::FIVE_YEAR_PLANS.iter().find_map(|(name, end)| {
        let at = s.find(name)?;
        let before = s[..at].trim_end_matches(['“', '"', '‘']);
        let after = s[at + name.len()..].trim_start_matches(['”', '"', '’']);
        let targeted = (before.ends_with('到') || before.ends_with('至'))
            && (after.starts_with('末') || after.starts_with("期末") || after.starts_with("时期末"));
        (targeted && (plan_year == 0 || *end >= plan_year)).then_some(*end)
    })
}

/// 分两年 / 三年内 / 今明两年 → 2, 3, 2.
fn span_years(s: &str) -> Option<i32> {
    if s.contains("今明两年") {
        return Some(2);
    }
    let c: Vec<char> = s.chars().collect();
    for i in 0..c.len() {
        let (from, to_unit) = if c[i] == '分' { (i + 1, true) } else { (i, false) };
        if from >= c.len() {
            continue;
        }
        let n = match c[from] {
            '两' | '二' | '2' => 2,
            '三' | '3' => 3,
            '四' | '4' => 4,
            '五' | '5' => 5,
            _ => continue,
        };
        if c.get(from + 1) == Some(&'年') && (to_unit || c.get(from + 2) == Some(&'内')) {
            return Some(n);
        }
    }
    None
}

fn leading_year(s: &str) -> Option<i32> {
    let (at, y) = crate::structure::years(s).next()?;
    // 2018年以来 / 2018年起 run to now; they are not figures of 2018.
    let after = &s[at + 4..];
    let since = ["年以来", "年来", "年起", "年至今"].iter().any(|w| after.starts_with(w));
    (at <= 3 && !s[..at].contains('到') && !since).then_some(y)
}

/// Words of a clause, cleaned into an indicator.
fn clean_indicator(c: &[char]) -> String {
    let mut s: &[char] = c;
    loop {
        let before = s.len();
        while let Some(&f) = s.first() {
            if matches!(
                f,
                '、' | '，' | '；' | '：' | '的' | '了' | ' ' | '”' | '）' | '—' | '-' | '·' | '●' | '★' | '■'
            ) || f == '“' && !s[1..].contains(&'”')
            {
                s = &s[1..];
            } else {
                break;
            }
        }
        if let Some((_, n)) = LEADING.prefix(s) {
            s = &s[n..];
        }
        // （人民币，下同）: a note in brackets, not a name.
        if s.first() == Some(&'（')
            && let Some(k) = s.iter().position(|&c| c == '）')
        {
            s = &s[k + 1..];
        }
        // Time expressions: 2019年, 到2020年底, 6月底前.
        let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
        if (digits == 4 && s.get(4) == Some(&'年')) || (digits > 0 && digits <= 2 && s.get(digits) == Some(&'月')) {
            let mut k = digits + 1;
            for w in ["年底前", "底前", "底", "末", "前", "份", "度"] {
                if starts_with(&s[k..], w) {
                    k += w.chars().count();
                    break;
                }
            }
            s = &s[k..];
        }
        if s.first() == Some(&'到') && s.get(1).is_some_and(|c| c.is_ascii_digit()) {
            s = &s[1..];
        }
        // 由2015年的 / 增加到2007年的: the figure's own year, not part of the name.
        if let Some(k) = baseline_at(s) {
            s = &s[..k];
        }
        // 比2010年 / 较2015年末: the comparison's base, not part of the name.
        if let Some(k) = comparison_year_at(s) {
            s = &s[..k];
        }
        // 是“十五”末的 / 比“十五”时期: a five-year plan as the comparison's base.
        if let Some(k) = comparison_period_at(s) {
            s = &s[..k];
        }
        if let Some(n) = TRAILING.suffix(s) {
            s = &s[..s.len() - n];
        }
        while let Some(&l) = s.last() {
            if matches!(l, '、' | '，' | '“' | '（' | ' ' | '：') || l == '”' && !s[..s.len() - 1].contains(&'“')
            {
                s = &s[..s.len() - 1];
            } else {
                break;
            }
        }
        if s.len() == before {
            break;
        }
    }
    // 完成/实现 inside the indicator (“五新产业”完成产值) are generic verbs too.
    let mut out = compress_examples(s);
    for w in ["完成", "实现"] {
        if let Some(i) = out.find(w)
            && i > 0
            && i + w.len() < out.len()
        {
            out.replace_range(i..i + w.len(), "");
        }
    }
    out
}

/// 集聚“两院院士”“长江学者”等各类科技人才 → 集聚各类科技人才: the examples before 等 go, the verb stays.
fn compress_examples(s: &[char]) -> String {
    let Some(k) = s.iter().rposition(|&c| c == '等') else { return text_of(s) };
    let after = &s[k + 1..];
    if after.len() < 2 || k < 6 {
        return text_of(s);
    }
    // 成功举办…等体育赛事: an adverb before the verb is not part of the name.
    let mut s = s;
    for adverb in ["成功", "全力", "累计", "先后", "陆续", "相继"] {
        if starts_with(s, adverb) && s.len() > k {
            s = &s[adverb.chars().count()..];
        }
    }
    let Some(k) = s.iter().rposition(|&c| c == '等') else { return text_of(s) };
    let after = &s[k + 1..];
    let mut head_end = s[..k].iter().position(|&c| matches!(c, '“' | '、' | '《' | '（')).unwrap_or(k);
    // 改造建华路、根河路等背街巷道, 改造迎亲大桥等桥梁: the verb, then the examples of what it is done to.
    let mut least_examples = 6;
    if let Some(verb) = DEED_VERBS.iter().find(|v| starts_with(s, v))
        && (head_end > 4 || k >= verb.chars().count() + 2)
    {
        head_end = verb.chars().count();
        least_examples = 2;
    }
    if head_end > 4 || k - head_end < least_examples {
        return text_of(s);
    }
    format!("{}{}", text_of(&s[..head_end]), text_of(after))
}

/// The name in the words before a figure: cleaned, without the verb of a change, the comparison,
/// or a generic leading verb.
fn name_part(pre: &[char]) -> String {
    let mut name = clean_indicator(pre);
    // 高于全省平均水平0.6个百分点: a comparison, not a name; the name is the figure's before.
    if ["高于", "低于", "快于", "慢于", "比", "较", "相当于"].iter().any(|w| name.starts_with(w)) {
        return String::new();
    }
    if trailing_direction(pre).is_some() {
        name = strip_measure_words(&name, Measure::Change);
        let c: Vec<char> = name.chars().collect();
        name = clean_indicator(&c);
    }
    // What is left of 增加到2007年的 is a verb, not a name.
    if DIRECTION_VERBS.iter().any(|(w, _)| name == *w)
        || ["调整", "调整为", "变为"].contains(&name.as_str())
        || NET_CHANGE.iter().any(|w| name == w.trim_end_matches(['增', '减']))
    {
        return String::new();
    }
    strip_pre_verbs(&name)
}

/// A year named right before a figure: 由2015年的12.3亿元 (a baseline), 增加到2007年的24.66万亿元,
/// 到2020年底的. Returns where the phrase starts and the year.
fn year_before(s: &[char]) -> Option<(usize, i32)> {
    if let Some(found) = plan_period_end_before(s) {
        return Some(found);
    }
    let mut end = s.len();
    if end > 0 && s[end - 1] == '的' {
        end -= 1;
    }
    for w in ["底", "末"] {
        if ends_with(&s[..end], w) {
            end -= 1;
        }
    }
    if end < 6 || s[end - 1] != '年' {
        return None;
    }
    let y = end - 5;
    if !s[y..y + 4].iter().all(|c| c.is_ascii_digit()) || !matches!(s[y - 1], '由' | '从' | '到' | '至') {
        return None;
    }
    if end == s.len() {
        return None; // 到2020年 without 的 is a deadline, read by the time cues
    }
    Some((y - 1, text_of(&s[y..y + 4]).parse().ok()?))
}

/// A five-year plan named at the end of `s` with the words around it: one of `verbs` and its quotes
/// before it (由“十五”, 是“十二五”), one of `ends` and 的 after it (末的, 时期的). Returns where those
/// words begin and the plan's last year. `verb_optional`: the verb may already be gone (read as a
/// leading word), leaving the period alone.
fn plan_named_before(s: &[char], ends: &[&str], verbs: &[char], verb_optional: bool) -> Option<(usize, i32)> {
    // Every plan's name holds 五; most words before a figure do not, and need no string.
    if !s[s.len().saturating_sub(12)..].contains(&'五') {
        return None;
    }
    let text: String = s.iter().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect();
    let t = text.strip_suffix('的').unwrap_or(&text);
    let t = ends.iter().find_map(|e| t.strip_suffix(e))?.trim_end_matches(['”', '"', '’']);
    let (name, year) = crate::structure::FIVE_YEAR_PLANS.iter().find(|(name, _)| t.ends_with(name))?;
    let t = t[..t.len() - name.len()].trim_end_matches(['“', '"', '‘']);
    let kept = match t.chars().last() {
        Some(verb) if verbs.contains(&verb) => t.len() - verb.len_utf8(),
        None if verb_optional && s.len() <= 12 => 0,
        _ => return None,
    };
    Some((s.len() - text[kept..].chars().count(), *year))
}

/// The end of a five-year plan as a baseline: 由“十五”末的12.8亿元 (2005), 从十二五末的 (2015).
fn plan_period_end_before(s: &[char]) -> Option<(usize, i32)> {
    plan_named_before(s, &["期末", "末"], &['由', '从'], false)
}

/// A five-year plan as a comparison's base: 是“十五”末的2.3倍, 比“十五”时期.
fn comparison_period_at(s: &[char]) -> Option<usize> {
    plan_named_before(s, &["期末", "末", "时期", ""], &['是', '比', '较', '为'], true).map(|(k, _)| k)
}

fn comparison_year_at(s: &[char]) -> Option<usize> {
    let mut end = s.len();
    for w in ["的", "末", "底"] {
        if ends_with(&s[..end], w) {
            end -= 1;
        }
    }
    if end < 6 || s[end - 1] != '年' || !s[end - 5..end - 1].iter().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let k = end - 6;
    matches!(s[k], '比' | '较' | '是' | '为').then_some(k)
}

fn baseline_at(s: &[char]) -> Option<usize> {
    year_before(s).map(|(k, _)| k)
}

/// The year of a figure whose own year is named right before it; `Some(SPAN_START)` for a baseline
/// without a year (国家财政收入由1.89万亿元增加到…), which belongs to the start of the span reviewed.
fn baseline_year(pre: &[char]) -> Option<i32> {
    if let Some((_, y)) = year_before(pre) {
        return Some(y);
    }
    // 由每人每年140元: a per-head qualifier between the baseline's 由 and its figure.
    let pre = PER_HEAD.iter().find(|w| ends_with(pre, w)).map_or(pre, |w| &pre[..pre.len() - w.chars().count()]);
    // 由上年的439亿元, 由上年下降2.3%转为…: the year before the year reviewed.
    let pre = DIRECTION_VERBS
        .iter()
        .find(|(w, _)| ends_with(pre, w))
        .map_or(pre, |(w, _)| &pre[..pre.len() - w.chars().count()]);
    let text: String = pre.iter().rev().take(5).collect::<Vec<_>>().into_iter().rev().collect();
    if ["由上年的", "从上年的", "由上年", "从上年"].iter().any(|w| text.ends_with(w)) {
        return Some(YEAR_BEFORE_REVIEW);
    }
    matches!(pre.last(), Some('由' | '从')).then_some(SPAN_START)
}

const SPAN_START: i32 = 0;

/// The year of a baseline written with its year (从2011年的, 由2015年底的), the first in a paragraph.
fn written_span_start(para: &str) -> Option<i32> {
    crate::structure::years(para).find_map(|(at, y)| {
        let before = para[..at].chars().next_back();
        let after = &para[at + 4..];
        (matches!(before, Some('从' | '由')) && ["年的", "年底的", "年末的"].iter().any(|w| after.starts_with(w)))
            .then_some(y)
    })
}
/// A baseline of 上年: the year before the one reviewed.
const YEAR_BEFORE_REVIEW: i32 = -1;

/// The direction verb (or change noun) that ends `pre`, if the figure right after it is a change.
fn trailing_direction(pre: &[char]) -> Option<(bool, bool)> {
    let mut s = pre;
    // Drop bridge words and prefix comparators between the verb and the figure.
    loop {
        let before = s.len();
        for w in BRIDGE_WORDS.iter().chain(COMPARISONS.iter()).chain(
            [
                "较上年度",
                "比上年同期",
                "比",
                "较",
                "控制在",
                "保持在",
                "稳定在",
                "超过",
                "突破",
                "不低于",
                "不超过",
                "不少于",
                "低于",
                "高于",
            ]
            .iter(),
        ) {
            if ends_with(s, w) {
                s = &s[..s.len() - w.chars().count()];
            }
        }
        if s.len() == before {
            break;
        }
    }
    // 增幅达到8% is a change; 提高到8% is a level.
    let noun_side = ["达到", "达", "为", "是", "保持在"]
        .iter()
        .find(|w| ends_with(s, w))
        .map_or(s, |w| &s[..s.len() - w.chars().count()]);
    // 人口自然增长率4.1‰ names a rate.
    if ends_with(noun_side, "自然增长率") {
        return None;
    }
    for (w, up) in CHANGE_NOUNS {
        if ends_with(noun_side, w) {
            return Some((*up, true));
        }
    }
    if ends_with(s, "到") || ends_with(s, "至") || ends_with(s, "为") {
        return None;
    }
    for (w, up) in DIRECTION_VERBS {
        if ends_with(s, w) {
            // 新增 counts new things; it is a level with the verb in the indicator.
            if ends_with(s, "新增") {
                return None;
            }
            return Some((*up, false));
        }
    }
    None
}

fn is_money_or_measure(unit: &str) -> bool {
    matches!(
        unit,
        "元" | "美元"
            | "欧元"
            | "港元"
            | "平方米"
            | "平方公里"
            | "亩"
            | "公顷"
            | "吨"
            | "公里"
            | "千瓦时"
            | "千瓦"
            | "立方米"
            | "吨标准煤"
            | "标箱"
    )
}

/// 完成50万平方米老旧小区节能改造, 新建…、12公里热力主管网: a length or area of work done (a clause
/// opened by a verb of works, or a figure right after one), not the size of one facility.
fn amount_of_work(clause: &[char], q: &Quantity) -> bool {
    const WORKS: &[&str] = &[
        "新建", "改建", "完成", "改造", "铺设", "建成", "新增", "实施", "启动", "整治", "修复", "治理", "硬化", "绿化",
    ];
    if !matches!(q.unit.as_str(), "公里" | "平方米" | "亩" | "公顷" | "平方公里" | "千米") {
        return false;
    }
    let before = clause_opening(&clause[..q.start]);
    WORKS.iter().any(|v| before.starts_with(v)) || WORKS.iter().any(|v| ends_with(&clause[..q.start], v))
}

/// The words of a clause before a figure, without leading punctuation and fillers.
fn clause_opening(c: &[char]) -> String {
    text_of(c).trim_start_matches(['，', '、', '；', '：', ' ']).to_string()
}

/// Where the names end in a clause that pairs a list of names with a list of as many figures, the
/// figures joined by nothing but 、 or 和 (A、B增长7.1%、8.3%): the position 分别 would stand at.
fn paired_lists(clause: &[char], qs: &[Quantity]) -> Option<usize> {
    if qs.len() < 2 || qs[0].start == 0 {
        return None;
    }
    for pair in qs.windows(2) {
        let between = text_of(&clause[pair[0].end..pair[1].start]);
        if !matches!(between.as_str(), "、" | "和") {
            return None;
        }
    }
    let pre = &clause[..qs[0].start];
    let items = split_items(&name_part(pre));
    if items.len() != qs.len() {
        return None;
    }
    let last = items.last()?;
    let pre_text = text_of(pre);
    let at = pre_text.rfind(last.as_str())?;
    Some(pre_text[..at + last.len()].chars().count())
}

fn split_items(s: &str) -> Vec<String> {
    // Split on 、 outside quotes; then on 和/及/与 where that gives more items.
    let mut items = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '“' | '《' | '（' => depth += 1,
            '”' | '》' | '）' => depth -= 1,
            _ => {}
        }
        if c == '、' && depth <= 0 {
            items.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    items.push(cur);
    items.retain(|i| !i.is_empty());
    items
}

fn split_more(items: Vec<String>, want: usize) -> Vec<String> {
    if items.len() >= want {
        return items;
    }
    let mut out = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let last = k + 1 == items.len();
        let mut done = false;
        if last {
            for sep in ["以及", "和", "及", "与"] {
                if let Some(i) = item.find(sep)
                    && i > 0
                    && i + sep.len() < item.len()
                {
                    out.push(item[..i].to_string());
                    out.push(item[i + sep.len()..].to_string());
                    done = true;
                    break;
                }
            }
        }
        if !done {
            out.push(item.clone());
        }
    }
    if out.len() == want {
        return out;
    }
    if items.len() == 1 && want == 2 {
        for (whole, a, b) in SPLIT_COMPOUNDS {
            if let Some(i) = items[0].find(whole) {
                let (pre, post) = (&items[0][..i], &items[0][i + whole.len()..]);
                return vec![format!("{pre}{a}{post}"), format!("{pre}{b}{post}")];
            }
        }
    }
    items
}

/// A named item: (subject, indicator). Shared heads distribute: 城镇、农村居民人均可支配收入.
fn distribute_heads(items: &[String], last_indicator: Option<&str>) -> Vec<(Option<String>, String)> {
    let lens: Vec<usize> = items.iter().map(|i| i.chars().count()).collect();
    let mut out: Vec<(Option<String>, String)> = items.iter().map(|i| (None, i.clone())).collect();
    if items.len() >= 2 {
        let first = lens[0];
        let last = lens[items.len() - 1];
        // The heads must be qualifiers of one name (城镇、农村居民人均可支配收入; 罗庄、傅庄街道): a
        // short word or a place, not a name of its own (进出口、实际利用外资).
        let qualifiers = items[..items.len() - 1].iter().all(|i| i.chars().count() <= 2 || is_place(i));
        if qualifiers && first <= 5 && last > first + 1 && lens[..items.len() - 1].iter().all(|&l| l <= first + 1) {
            let last_item: Vec<char> = items[items.len() - 1].chars().collect();
            let tail: String = last_item[first..].iter().collect();
            let head_of_last: String = last_item[..first].iter().collect();
            for (k, item) in items.iter().enumerate() {
                let head = if k + 1 == items.len() { head_of_last.clone() } else { item.clone() };
                if is_place(&head) {
                    out[k] = (Some(head), tail.clone());
                } else {
                    out[k] = (None, format!("{head}{tail}"));
                }
            }
        }
    }
    // 一般公共预算收入总量、增速: the generic items after the first share its head.
    if let Some(first) = items.first().filter(|_| items.len() >= 2)
        && let Some(generic) = GENERIC_ITEMS.iter().find(|g| first.ends_with(**g) && first.len() > g.len())
        && items[1..].iter().all(|i| GENERIC_ITEMS.contains(&i.as_str()))
    {
        let head = &first[..first.len() - generic.len()];
        for o in out.iter_mut().skip(1) {
            o.1 = format!("{head}{}", o.1);
        }
        return out;
    }
    if let Some(prev) = last_indicator {
        for o in out.iter_mut() {
            if GENERIC_ITEMS.contains(&o.1.as_str()) {
                o.1 = format!("{prev}{}", o.1);
            }
        }
    }
    out
}

/// 罗庄街道, 沂堂镇: a place whose figure it is. 城镇, 乡镇 and 城市 are categories, not places.
fn is_place(head: &str) -> bool {
    const NOT_PLACES: &[&str] = &[
        "城镇", "乡镇", "村镇", "市县", "区县", "县区", "城市", "农村", "城乡", "全市", "全区", "全县", "全省", "本市",
        "本区", "新区",
    ];
    head.chars().count() >= 3
        && PLACE_SUFFIXES.iter().any(|s| head.ends_with(s))
        && !NOT_PLACES.iter().any(|w| head.ends_with(w) && head.chars().count() <= 3)
}

struct Draft {
    /// The year of a baseline figure (由2015年的…), when it is not the clause's year.
    baseline: Option<i32>,
    q: Quantity,
    measure: Measure,
    direction: Option<Direction>,
    value: f64,
    unit: String,
}

/// Reads the measure of one quantity from the words right before it.
fn measure_of(q: &Quantity, pre: &[char], clause_has_comparison: bool, counts_things: bool) -> Option<Draft> {
    let dir = |up: bool| Some(if up { Direction::Up } else { Direction::Down });
    let d = |measure, direction, value, unit: &str| {
        Some(Draft { baseline: baseline_year(pre), q: q.clone(), measure, direction, value, unit: unit.to_string() })
    };
    let trailing = trailing_direction(pre);
    match q.sort {
        Sort::Rank => d(Measure::Rank, None, q.value, "位"),
        Sort::Doubling => d(Measure::Change, dir(true), q.value, "%"),
        Sort::Times => {
            let p = text_of(pre);
            if p.ends_with('的') && (p.contains('是') || p.contains('为')) {
                d(Measure::Change, dir(true), (q.value - 1.0) * 100.0, "%")
            } else if let Some((up, _)) = trailing {
                d(Measure::Change, dir(up), q.value * 100.0, "%")
            } else {
                None
            }
        }
        Sort::Percent | Sort::Points => {
            let unit = q.unit.as_str();
            if let Some((up, _)) = trailing {
                return d(Measure::Change, dir(up), q.value, unit);
            }
            if q.sort == Sort::Points {
                let up = !text_of(pre).contains("低于");
                return d(Measure::Change, dir(up), q.value, unit);
            }
            // 同比分别-6.2%: a change written with its sign.
            if q.sort == Sort::Percent && matches!(pre.last(), Some('-' | '−')) {
                return d(Measure::Change, dir(false), q.value, unit);
            }
            // 降低工商业电价5%: the verb before its object; 提高…比例到30% is the level reached.
            let opening = clean_indicator(pre);
            if !matches!(pre.last(), Some('到' | '至' | '为' | '在' | '达' | '的' | '于'))
                && let Some((_, up)) =
                    DIRECTION_VERBS.iter().find(|(w, _)| w.chars().count() == 2 && opening.starts_with(w))
            {
                return d(Measure::Change, dir(*up), q.value, unit);
            }
            d(Measure::Rate, None, q.value, unit)
        }
        Sort::Amount => {
            if let Some((up, noun)) = trailing {
                // 比上年增加289元 and 年均增加349亿元 are changes; 贫困人口减少1386万 is an amount of action,
                // a level.
                let per_day = contains_any(pre, &["日均", "每天", "每日"]);
                let yearly = contains_any(pre, &["年均", "平均每年"])
                    || NET_CHANGE.iter().any(|w| ends_with(pre, w)) && !per_day;
                if noun || (!counts_things && (clause_has_comparison || yearly)) {
                    return d(Measure::Change, dir(up), q.value, &q.unit);
                }
            }
            d(Measure::Level, None, q.value, &q.unit)
        }
    }
}

/// 净增50亿元: a net change, whatever else the clause says.
const NET_CHANGE: &[&str] = &["净增", "净增加", "净减", "净减少"];

const RANK_MOVES: &[&str] =
    &["前移", "上升", "提升", "进位", "后移", "后退", "下降", "跃升", "攀升", "提高", "前进", "位次"];

/// Fills in a unit left unwritten (1386万 → 人 for 贫困人口) and drops what is no fact after all:
/// a figure whose unit cannot be told, days that are not a count of days (存在20天).
/// A standard of pay or support raised by an amount (养老金月人均提高221元, 补助标准增加30元) is a
/// change of that standard, not an amount spent.
/// 居民消费价格指数控制在3%以内: a price index held to a few percent is its rise (FACTS.md), while
/// 价格总指数105.0% is the index itself.
fn price_rise(mut draft: Draft, name: &str) -> Draft {
    if draft.measure == Measure::Rate && draft.unit == "%" && draft.value < 50.0 && name.contains("价格") {
        draft.measure = Measure::Change;
        draft.direction = Some(Direction::Up);
    }
    draft
}

fn raised_standard(mut draft: Draft, pre: &[char], name: &str) -> Draft {
    const STANDARDS: &[&str] = &["标准", "工资", "补贴", "养老金", "津贴", "补助", "最低工资"];
    if draft.measure == Measure::Level
        && draft.unit == "元"
        && let bare = strip_measure_words(name, Measure::Change)
        && STANDARDS.iter().any(|w| bare.ends_with(w))
        && let Some((up, false)) = trailing_direction(pre)
    {
        draft.measure = Measure::Change;
        draft.direction = Some(if up { Direction::Up } else { Direction::Down });
    }
    draft
}

fn settle_unit(mut draft: Draft, name: &str) -> Option<Draft> {
    if draft.unit.is_empty() {
        let (_, unit) = IMPLICIT_UNITS.iter().find(|(w, _)| name.contains(w))?;
        draft.unit = unit.to_string();
    }
    // Days and years of age are facts only as counts of days (优良天数) and life expectancy.
    if draft.unit == "天" && !(name.contains("天数") || name.contains("日数")) {
        return None;
    }
    if draft.unit == "岁" && !(name.contains("寿命") || name.contains("年龄")) {
        return None;
    }
    // 今年已过去近5个月 is a duration; 去库存周期缩短至10.78个月 is a figure.
    if matches!(draft.unit.as_str(), "个月" | "个工作日")
        && !["周期", "时间", "时限", "期限", "时长", "工期", "天数", "日数"].iter().any(|w| name.contains(w))
    {
        return None;
    }

    Some(draft)
}

fn strip_measure_words(ind: &str, measure: Measure) -> String {
    let mut s = ind.to_string();
    if measure == Measure::Change {
        for (w, _) in CHANGE_NOUNS.iter().chain(DIRECTION_VERBS.iter()) {
            if s.ends_with(w) && !s.ends_with("新增") {
                s.truncate(s.len() - w.len());
                break;
            }
        }
        for w in COMPARISONS.iter().chain(["较上年度", "比上年同期"].iter()) {
            if let Some(i) = s.find(w) {
                s.replace_range(i..i + w.len(), "");
            }
        }
        s = s.trim_end_matches(['，', '、']).to_string();
    }
    if measure == Measure::Rank {
        // 空气质量改善幅度位列全国169个重点城市: the name is what is ranked, before the verb of the
        // ranking; the size of the field ranked in is no part of it.
        for verb in ["位列", "位居", "排名", "排在", "稳居", "跃居", "均居", "居于"] {
            if let Some(i) = s.find(verb)
                && i > 0
            {
                s.truncate(i);
            }
        }
        let c: Vec<char> = s.chars().collect();
        if let Some(i) = c.iter().position(|c| c.is_ascii_digit()) {
            let j = (i..c.len()).find(|&j| !c[j].is_ascii_digit()).unwrap_or(c.len());
            if c.get(j) == Some(&'个') {
                s = c[..i].iter().chain(&c[j + 1..]).collect();
            }
        }
        for w in ["均居", "位居", "居", "均列", "位列", "排名", "全市", "全省", "全国", "全区", "全县", "镇街", "均"]
        {
            while s.ends_with(w) && s.len() > w.len() {
                s.truncate(s.len() - w.len());
            }
        }
    }
    s
}

fn read_sentence(s: &[char], ctx: &SentenceContext, facts: &mut Vec<Fact>) {
    let mut quoted_marks: Option<Vec<bool>> = None;
    let mut last_indicators: Vec<(Option<String>, String)> = Vec::new();
    let mut cues = TimeCues::default();
    let mut last_measure: Option<(Measure, Option<Direction>, String)> = None;
    let mut sentence_names: Vec<(Option<String>, String)> = Vec::new();
    let spans = clauses(s);
    let mut cues_seen = 0; // clauses whose time words are in `cues`
    // A year opening any clause before the first figure leads the sentence (2012年，…; 温家宝说，
    // 2012年，…; 初步预计，2022年…).
    let mut before_figures = true;
    for (ci, &(cs, ce)) in spans.iter().enumerate() {
        let clause = &s[cs..ce];
        let mut qs: Vec<Quantity> = quantity::scan(clause);
        if qs.is_empty() && !ctx.headline && !clause.contains(&':') {
            continue;
        }
        let quoted = quoted_marks.get_or_insert_with(|| quoted(s));
        qs.retain(|q| !quoted[cs + q.num_start]);
        let clause_str = text_of(clause);
        // Time words of this clause and every clause before it (read only when a figure needs them).
        for (k, &(a, b)) in spans.iter().enumerate().take(ci + 1).skip(cues_seen) {
            cues.see(&s[a..b], ctx.frame.plan_year, k == 0 || before_figures);
        }
        cues_seen = ci + 1;
        before_figures = false;
        let (kind, year) = time_of(&cues, &clause_str, ctx);
        let emit = |facts: &mut Vec<Fact>,
                    subject: Option<String>,
                    indicator: String,
                    draft: &Draft,
                    comparator: Comparator,
                    end: usize| {
            // The clause up to the figure; an endless clause is cut to its last 120 characters.
            let from = cs.max(end.saturating_sub(120));
            let text = text_of(&s[from..end.max(from)]);
            let kind = match draft.baseline {
                Some(SPAN_START | YEAR_BEFORE_REVIEW) => Kind::Actual,
                Some(y) if y < ctx.frame.plan_year => Kind::Actual,
                Some(_) => Kind::Target,
                None => kind,
            };
            // 人口自然增长率控制在4.3‰ as a result is the figure reached; only …以内 keeps its bound.
            let comparator = if kind == Kind::Actual && comparator == Comparator::Lte {
                let written = text_of(&clause[draft.q.start..draft.q.end]);
                if written.contains("控制在") && !written.contains("以内") && !written.contains("以下") {
                    Comparator::Eq
                } else {
                    comparator
                }
            } else {
                comparator
            };
            facts.push(Fact {
                kind,
                headline: ctx.headline,
                indicator,
                subject,
                measure: draft.measure,
                direction: draft.direction,
                value: Some(draft.value),
                upper: draft.q.upper,
                unit: draft.unit.clone(),
                comparator: Some(comparator),
                year: ctx.frame.known(match draft.baseline {
                    // The span reviewed ends with the review year: five years back, or one.
                    Some(SPAN_START) => ctx
                        .span_start
                        .unwrap_or_else(|| ctx.frame.plan_year - if ctx.five_year || cues.five_year { 6 } else { 2 }),
                    Some(YEAR_BEFORE_REVIEW) => ctx.frame.plan_year - 2,
                    Some(y) => y,
                    None => year,
                }),
                start: ctx.base + from,
                end: ctx.base + end,
                text,
                paragraph: ctx.paragraph,
            });
        };
        // Ratios 2.6:41.9:55.5: one rate per part; 由12.1:45.3:42.6调整为10.8:43.2:46.0 gives both, the
        // first of the baseline's year.
        if let Some((first_start, _, _)) = ratio(clause) {
            let ind = clean_indicator(&clause[..first_start]);
            let mut from = 0;
            while let Some((pre_end, parts, end)) = ratio(&clause[from..]) {
                let (pre_end, end) = (from + pre_end, from + end);
                let baseline = baseline_year(&clause[from..pre_end]);
                for v in parts {
                    let q = Quantity {
                        start: pre_end,
                        end,
                        num_start: pre_end,
                        value: v,
                        upper: None,
                        unit: "%".into(),
                        sort: Sort::Percent,
                        comparator: Comparator::Eq,
                        chinese: false,
                    };
                    let draft =
                        Draft { baseline, q, measure: Measure::Rate, direction: None, value: v, unit: "%".into() };
                    emit(facts, None, ind.clone(), &draft, Comparator::Eq, cs + end);
                }
                from = end;
            }
            continue;
        }
        // 被列为23个空港型国家物流枢纽承载城市之一: one of a list of 23, a rank within it.
        for q in qs.iter_mut() {
            if q.sort == Sort::Amount && q.comparator == Comparator::Eq && !q.unit.is_empty() {
                let stop =
                    (q.end..clause.len()).find(|&i| matches!(clause[i], '，' | '、' | '；')).unwrap_or(clause.len());
                if ends_with(&clause[..stop], "之一") && stop - q.end > 2 {
                    q.sort = Sort::Rank;
                    q.unit = "位".into();
                    q.comparator = Comparator::Lte;
                }
            }
        }
        // Drop figures that name or define categories rather than count results.
        let mut share_seen = false;
        let mut kept_end = 0usize;
        // 会议应到代表738人，实到代表730人: the meeting's attendance, not a result.
        let attendance = contains_any(
            clause,
            &[
                "应到代表",
                "实到代表",
                "请假",
                "出席会议",
                "列席会议",
                "代表名额",
                "实有代表",
                "缺席",
                "法定人数",
                "应出席",
                "出席代表",
                "齐聚一堂",
            ],
        );
        qs.retain(|q| {
            if attendance && q.unit == "人" {
                return false;
            }
            // 从4个方面回顾: the parts of a speech, not a result.
            if q.unit == "个" && starts_with(&clause[q.end..], "方面") {
                return false;
            }
            let after = &clause[q.end..];
            if share_seen && q.sort == Sort::Amount {
                return false; // 85%以上的村集体经济收入超过5万元: the threshold defines the villages.
            }
            if q.sort == Sort::Percent && starts_with(after, "的") {
                share_seen = true;
            }
            // 位列全国169个重点城市第4: the size of the field ranked in, not a result.
            if q.sort == Sort::Amount {
                let stop = after.iter().position(|&c| matches!(c, '，' | '、' | '；')).unwrap_or(after.len());
                if after[..stop]
                    .windows(2)
                    .any(|w| w[0] == '第' && (w[1].is_ascii_digit() || quantity::is_cn_numeral(w[1])))
                {
                    return false;
                }
            }
            if is_money_or_measure(&q.unit) && q.sort == Sort::Amount {
                if CATEGORY_HEADS.iter().any(|h| starts_with(after, h)) {
                    return false;
                }
                if after.first().is_some_and(|&c| crate::decode::is_cjk(c))
                    && !AFTER_AMOUNT.iter().any(|h| starts_with(after, h))
                    && !amount_of_work(clause, q)
                {
                    return false; // 盛阳60万吨不锈钢管: the figure names the project.
                }
            }
            if q.unit == "条" && POLICY_NAMES.iter().any(|h| starts_with(after, h)) {
                return false;
            }
            // 位 counts people (50位专家) only as a classifier; 前移3位 is a move in a ranking.
            if q.unit == "人" && clause.get(q.end.wrapping_sub(1)) == Some(&'位') {
                let before = &clause[kept_end.min(q.start)..q.start];
                if RANK_MOVES.iter().any(|w| ends_with(before, w)) {
                    return false;
                }
            }
            // A count that restates the size of the list before it: 新材料、医药、陶瓷、装备4个园区.
            if q.sort == Sort::Amount && !q.chinese && q.value >= 2.0 {
                let prev_end = kept_end;
                let pre = text_of(&clause[prev_end.min(q.start)..q.start]);
                let items = split_items(&pre);
                if items.len() as f64 == q.value && !pre.ends_with('等') && !pre.ends_with("等各类") {
                    return false;
                }
            }
            kept_end = q.end;
            true
        });
        if qs.is_empty() {
            if ctx.headline {
                let found = qualitative(clause, kind, year, ctx, cs);
                if !found.is_empty() {
                    last_indicators = found.iter().map(|f| (None, f.indicator.clone())).collect();
                    facts.extend(found);
                }
            }
            continue;
        }
        let clause_has_comparison =
            contains_any(clause, COMPARISONS) || contains_any(clause, &["比20", "较20", "比19", "较19"]);
        // 分别: one list of names, one list of figures (or the same without the word: 规上工业增加值、
        // 服务业增加值增长7.1%、8.3%; 总量、增速居全省第3、第1位).
        let written = clause.windows(2).position(|w| w == ['分', '别']);
        // 新增就业6435人，失业人员再就业1755人，分别完成目标任务的117%: one figure for each of the
        // names before it.
        if let Some(fb) = written
            && qs.len() == 1
            && qs[0].start > fb
            && (2..=4).contains(&sentence_names.len())
            && name_part(&clause[..fb]).is_empty()
            && let Some(draft) = measure_of(&qs[0], &clause[fb + 2..qs[0].start], clause_has_comparison, false)
            && draft.measure == Measure::Rate
        {
            let of = clean_indicator(&clause[fb + 2..qs[0].start]);
            for (subject, name) in sentence_names.clone() {
                emit(facts, subject, format!("{name}{of}"), &draft, qs[0].comparator, cs + qs[0].end);
            }
            continue;
        }
        let fenbie = written.or_else(|| paired_lists(clause, &qs));
        if let Some(fb) = fenbie {
            let values: Vec<&Quantity> = qs.iter().filter(|q| q.start >= fb).collect();
            if values.len() >= 2 {
                // Without the word, the names are read as paired_lists read them (增速 before 居 is a name).
                let mut names =
                    if written.is_some() { name_part(&clause[..fb]) } else { name_part(&clause[..values[0].start]) };
                // 月人均分别提高221元、90元: a per-head qualifier is no list of names.
                let qualifier = text_of(&clause[..fb]);
                let qualifier = qualifier.trim_matches(|c: char| c.is_whitespace() || matches!(c, '，' | '、' | '：'));
                if ["月人均", "人均", "年人均", "月均", "每人每月"].contains(&qualifier) {
                    names.clear();
                }
                // …养老金、城镇低保标准、…和环卫工人工资再次提高，月人均分别提高221元、90元…: the
                // names are the list of the clause before.
                if names.is_empty()
                    && ci > 0
                    && let Some(&(ps, pe)) = spans.get(ci - 1)
                    && quantity::scan(&s[ps..pe]).is_empty()
                {
                    let before = name_part(&s[ps..pe]);
                    if split_more(split_items(&before), values.len()).len() == values.len() {
                        names = before;
                    }
                }
                let mut items = split_more(split_items(&names), values.len());
                // 城镇居民…18560元，农民人均纯收入…9860元，分别增长13.5%和14.2%: the names of the
                // sentence's last figures, one per value.
                if names.is_empty() && last_indicators.len() != values.len() {
                    let mut recent: Vec<(Option<String>, String)> = Vec::new();
                    for n in sentence_names.iter().rev() {
                        if !recent.contains(n) {
                            recent.push(n.clone());
                        }
                        if recent.len() == values.len() {
                            break;
                        }
                    }
                    if recent.len() == values.len() {
                        recent.reverse();
                        last_indicators = recent;
                    }
                }
                if items.len() != values.len() {
                    if last_indicators.len() == values.len() {
                        items = last_indicators
                            .iter()
                            .map(|(s, i)| format!("{}{}", s.clone().unwrap_or_default(), i))
                            .collect();
                    } else if items.len() <= 1 {
                        let one =
                            items.pop().or_else(|| last_indicators.last().map(|l| l.1.clone())).unwrap_or_default();
                        items = vec![one; values.len()];
                    }
                }
                let named = if items.len() == values.len() && last_indicators.len() == values.len() && names.is_empty()
                {
                    last_indicators.clone()
                } else {
                    distribute_heads(&items, last_indicators.last().map(|l| l.1.as_str()))
                };
                let first = values[0];
                let pre = &clause[fb..first.start];
                let last_cmp = values[values.len() - 1].comparator;
                let first_cmp = values[0].comparator;
                let spread = if values[..values.len() - 1].iter().all(|q| q.comparator == Comparator::Eq)
                    && last_cmp != Comparator::Eq
                {
                    Some(last_cmp)
                } else if values[1..].iter().all(|q| q.comparator == Comparator::Eq)
                    && first_cmp != Comparator::Eq
                    && values[0].start < values[0].num_start
                {
                    Some(first_cmp) // 分别突破10亿元、6亿元
                } else {
                    None
                };
                let mut new_last = Vec::new();
                let mut pre_k = pre;
                for (k, q) in values.iter().enumerate() {
                    let (subject, indicator) = named.get(k).cloned().unwrap_or((None, String::new()));
                    // 分别从2007年的A、B提高到2012年的C、D: the words between two figures, when there are
                    // any, are the second one's (its verb, its year).
                    if k > 0 {
                        let between = &clause[values[k - 1].end..q.start];
                        pre_k = if between.iter().all(|c| matches!(c, '、' | '和' | '及' | '与' | ' ')) {
                            if k == 1 { &clause[fb..first.start] } else { pre_k }
                        } else {
                            between
                        };
                    }
                    let Some(draft) = measure_of(q, pre_k, clause_has_comparison, false) else { continue };
                    let Some(draft) = settle_unit(draft, &indicator) else { continue };
                    let draft = price_rise(raised_standard(draft, pre_k, &indicator), &indicator);
                    let indicator = strip_measure_words(&indicator, draft.measure);
                    let cmp = spread.unwrap_or(q.comparator);
                    emit(facts, subject.clone(), indicator.clone(), &draft, cmp, cs + q.end);
                    new_last.push((subject, indicator));
                }
                // Figures before 分别 in the same clause (rare) are read on their own below.
                qs.retain(|q| q.start < fb);
                if !new_last.is_empty() {
                    sentence_names.extend(new_last.iter().cloned());
                    last_indicators = new_last;
                }
                if qs.is_empty() {
                    continue;
                }
            }
        }
        let mut consumed = 0usize; // chars of the clause already used as a name
        let mut clause_last: Vec<(Option<String>, String)> = Vec::new();
        let mut clause_names: Vec<(Option<String>, String)> = Vec::new();
        let mut clause_rank: Option<(Option<String>, String)> = None;
        for (k, q) in qs.iter().enumerate() {
            let prev_end = if k == 0 { 0 } else { qs[k - 1].end };
            let seg_start = consumed.min(q.start).max(prev_end.min(consumed));
            let pre = &clause[seg_start..q.start];
            let pre_measure = &clause[prev_end..q.start];
            let next_start = qs.get(k + 1).map_or(clause.len(), |n| n.start);
            // The noun after a classifier figure: 2个省重点项目、7个市重点项目 (a 、 right before the
            // next figure ends it; 60个省、市、区重点项目 runs on).
            // A 、 right after the classifier ends it too when another figure follows (新建学校6所、卫生院
            // 4所: the next noun is the next figure's).
            let post_end = (q.end..next_start)
                .find(|&i| {
                    matches!(clause[i], '，' | '；')
                        || clause[i] == '、' && (i + 1 == next_start || i == q.end && next_start < clause.len())
                })
                .unwrap_or(next_start);
            let post_raw = &clause[q.end..post_end];
            let post = clean_indicator(post_raw);
            // 跨越三百亿元台阶, 突破千亿元大关: the milestone's words are no noun of what is counted.
            // 19.8亿元增至…: a verb of change after the figure is no noun either.
            let changes_after = DIRECTION_VERBS.iter().any(|(w, _)| {
                starts_with(post_raw, w) && (w.chars().count() > 1 || matches!(post_raw.get(1), Some('至' | '到')))
            });
            let post = if ["台阶", "大关", "关口"].iter().any(|w| post.starts_with(w)) || changes_after {
                String::new()
            } else if post.ends_with('等')
                && let Some(i) = post.rfind('和')
            {
                // 100项节能技改项目和烧结机脱硫等267项…: the examples after 和 are the next figure's.
                post[..i].to_string()
            } else {
                post
            };
            let pre_ind = name_part(pre);
            let pre_text = text_of(pre);
            let short_verb = pre_ind.chars().count() <= 4
                && !pre_ind.is_empty()
                && !post.is_empty()
                && !matches!(q.sort, Sort::Percent | Sort::Points | Sort::Rank);
            let list_intro = pre_text.ends_with('等') || pre_text.ends_with("等各类");
            let counts_things =
                !post.is_empty() && q.sort == Sort::Amount && (pre_ind.is_empty() || short_verb || list_intro);
            let mut inherited_across = false;
            let mut candidates: Vec<(Option<String>, String)> = if list_intro && !post.is_empty() {
                consumed = post_end;
                vec![(None, post.clone())]
            } else if short_verb && counts_things {
                consumed = post_end;
                vec![(None, format!("{pre_ind}{post}"))]
            } else if let Some(verb) = deed_before(&pre_ind).filter(|_| counts_things_after(q, &post)) {
                consumed = post_end;
                vec![(None, format!("{verb}{post}"))]
            } else if !pre_ind.is_empty() {
                consumed = q.end;
                vec![(None, pre_ind.clone())]
            } else if !post.is_empty() && !matches!(q.sort, Sort::Rank) {
                consumed = post_end;
                vec![(None, post.clone())]
            } else if !clause_last.is_empty() {
                consumed = q.end;
                clause_last.clone()
            } else if q.sort == Sort::Amount && !tail_name(clause, qs.last().map_or(q.end, |l| l.end)).is_empty() {
                consumed = q.end;
                vec![(None, tail_name(clause, qs.last().map_or(q.end, |l| l.end)))]
            } else if let Some(name) = (pre_ind.is_empty()
                && clause_opening(&clause[..q.start]).starts_with(['从', '由']))
            .then(|| ci.checked_sub(1).map(|p| subject_of(&s[spans[p].0..spans[p].1])))
            .flatten()
            .flatten()
            {
                // 辖区税收收入总额连续跨越三个“十亿元”台阶，从2006年的19.8亿元增至…: the subject of the
                // clause before.
                consumed = q.end;
                vec![(None, name)]
            } else if !last_indicators.is_empty() {
                consumed = q.end;
                inherited_across = true;
                // One figure takes one name: the last one before it.
                last_indicators.last().cloned().into_iter().collect()
            } else {
                consumed = q.end;
                let tail = clean_indicator(&clause[q.end..]);
                vec![(None, tail)]
            };
            // 占…的54.2%: a share of the previous figure.
            // (占比达到45%: 占比 is the name's own noun, not a share of something before.)
            if let Some(zhan) = pre_text.find('占').filter(|&i| !pre_text[i..].starts_with("占比")) {
                let of: String = pre_text[zhan..].trim_end_matches('的').to_string();
                let base = if pre_text[..zhan].is_empty()
                    || clean_indicator(&pre[..pre_text[..zhan].chars().count()]).is_empty()
                {
                    clause_last.last().or(last_indicators.last()).map(|l| l.1.clone()).unwrap_or_default()
                } else {
                    clean_indicator(&pre[..pre_text[..zhan].chars().count()])
                };
                let ind = format!("{base}{of}");
                let ind = if ind.ends_with("比重") || ind.ends_with("比例") { ind } else { format!("{ind}比重") };
                candidates = vec![(None, ind)];
            }
            if q.sort == Sort::Rank && q.unit == "位" && !post.is_empty() && post.ends_with("之一") {
                candidates = vec![(None, post.trim_end_matches("之一").to_string())];
            }
            // 排名由上年的第9位上升到第8位: a rank after a rank's move is of the same name.
            if q.sort == Sort::Rank
                && pre_ind.is_empty()
                && let Some(name) = &clause_rank
            {
                candidates = vec![name.clone()];
            }
            // 综合实力跻身全国百强区: membership of a list is named by the list (全国百强区).
            let list = text_of(&clause[q.start..q.end]);
            if q.sort == Sort::Rank && list.contains('强') {
                let scope = ["全国", "全省", "全市", "全区", "中国", "全球", "世界"]
                    .iter()
                    .find(|w| ends_with(&clause[..q.start], w))
                    .map_or("", |w| *w);
                let name = format!("{scope}{list}{post}");
                candidates = vec![(None, format!("{pre_ind}{name}"))];
            }
            let Some(mut draft) = measure_of(q, pre_measure, clause_has_comparison, counts_things) else {
                continue;
            };
            // 实现年均8.3%的中高速增长, 保持7%左右的增长: the growth named after the figure.
            if draft.measure == Measure::Rate && clause.get(q.end) == Some(&'的') {
                let after: String = clause[q.end..].iter().take(10).take_while(|c| !matches!(c, '，' | '、')).collect();
                if after.contains("增长") || after.contains("增速") {
                    draft.measure = Measure::Change;
                    draft.direction = Some(Direction::Up);
                }
            }
            // 增长6.5%以上，力争7%: a bare figure that takes the name before also takes its measure.
            if inherited_across
                && draft.measure == Measure::Rate
                && let Some((Measure::Change, direction, unit)) = &last_measure
                && *unit == draft.unit
            {
                draft.measure = Measure::Change;
                draft.direction = *direction;
            }
            // An amount of action keeps its verb: 农村贫困人口减少1386万.
            if draft.measure == Measure::Level
                && candidates.len() == 1
                && candidates[0].1 == pre_ind
                && trailing_direction(pre).is_some_and(|(_, noun)| !noun)
            {
                candidates = vec![(None, strip_pre_verbs(&clean_indicator(pre)))];
            }
            // 总量突破90万亿元 after 国内生产总值增长6.6%: the generic name takes the last one's.
            if candidates.len() == 1
                && GENERIC_ITEMS.contains(&candidates[0].1.as_str())
                && let Some(prev) = clause_last.last().or(last_indicators.last())
            {
                candidates[0].1 = format!("{}{}", prev.1, candidates[0].1);
            }
            let Some(draft) = settle_unit(draft, &candidates[0].1) else { continue };
            let draft = price_rise(raised_standard(draft, pre_measure, &candidates[0].1), &candidates[0].1);
            // A single figure shared by several indicators: one fact each when it is a change or rank,
            // or a rate shared by rates (城镇调查失业率和登记失业率稳定在4.3%左右).
            let shared_rate = draft.measure == Measure::Rate && candidates.len() == 1 && {
                let items = split_items(&candidates[0].1);
                items.len() > 1 && items.iter().all(|i| i.ends_with('率') || i.ends_with("比重"))
            };
            if candidates.len() == 1 && (matches!(draft.measure, Measure::Change | Measure::Rank) || shared_rate) {
                let c0 = strip_measure_words(&candidates[0].1, draft.measure);
                let items = split_items(&c0);
                let items = if items.len() > 1 {
                    let n = items.len() + 1;
                    split_more(items, n)
                } else if written.is_some_and(|w| w < q.start)
                    || c0.contains('和') && contains_any(&clause[..q.start], &["均"])
                {
                    // 城乡居民人均收入分别增长10%: each of the compound's parts; 专利申请和授权量均位居全省
                    // 第三: each of the two.
                    split_more(items, 2)
                } else {
                    items
                };
                if items.len() > 1 {
                    candidates =
                        distribute_heads(&items, clause_last.last().or(last_indicators.last()).map(|l| l.1.as_str()));
                } else if draft.measure == Measure::Rank && (c0.ends_with('中') || c0.ends_with('内')) {
                    // 在全省地级市中排名第一: the scope of the ranking; what is ranked is the last name.
                    candidates = clause_last.last().or(last_indicators.last()).cloned().into_iter().collect();
                } else if draft.measure == Measure::Rank {
                    candidates =
                        distribute_heads(&items, clause_last.last().or(last_indicators.last()).map(|l| l.1.as_str()));
                    if candidates.is_empty() {
                        // 全市排名第2 names no indicator: keep the words of the ranking itself.
                        candidates = vec![(None, pre_text.trim_matches(['，', '、']).to_string())];
                    }
                }
            } else if candidates.len() == 1
                && draft.measure == Measure::Level
                && ["均突破", "均超过", "均达到", "均达", "均超"].iter().any(|w| ends_with(&clause[..q.num_start], w))
            {
                // 地区生产总值、全社会固定资产投资、金融机构存贷款余额均突破2万亿元: each of them.
                let items = split_items(&candidates[0].1);
                if items.len() > 1 {
                    candidates = items.into_iter().map(|i| (None, i)).collect();
                }
            } else if candidates.len() > 1 && draft.measure == Measure::Level && q.sort == Sort::Amount {
                // An amount inherits one name (拆除违法建设6000余起、280万平方米), not the list.
                candidates = vec![candidates[candidates.len() - 1].clone()];
            }
            let mut these = Vec::new();
            for (subject, ind) in candidates {
                let ind = strip_measure_words(&ind, draft.measure);
                emit(facts, subject.clone(), ind.clone(), &draft, q.comparator, cs + q.end);
                these.push((subject, ind));
            }
            last_measure = Some((draft.measure, draft.direction, draft.unit.clone()));
            if draft.measure == Measure::Rank {
                clause_rank = these.last().cloned();
            }
            if draft.measure != Measure::Rank {
                clause_names.extend(these.iter().cloned());
                clause_last = these;
            }
        }
        if !clause_names.is_empty() {
            sentence_names.extend(clause_names.iter().cloned());
            last_indicators = clause_names;
        }
    }
}

/// The subject a clause opens with, before its first adverb or verb of result (辖区税收收入总额 of
/// 辖区税收收入总额连续跨越…; 财政一般预算收入 of 财政一般预算收入实现翻倍增长).
fn subject_of(clause: &[char]) -> Option<String> {
    const AFTER_SUBJECT: &[&str] =
        &["连续", "实现", "跨越", "继续", "保持", "稳步", "持续", "先后", "突破", "增长", "达到", "完成", "首次", "均"];
    let text = clause_opening(clause);
    let cut = AFTER_SUBJECT.iter().filter_map(|w| text.find(w)).min()?;
    let name = clean_indicator(&text[..cut].chars().collect::<Vec<_>>());
    (2..=12).contains(&name.chars().count()).then_some(name)
}

/// The verb of a deed that ends the words before a figure (连续四年实施 → 实施, 重点实施好 → 实施).
fn deed_before(pre_ind: &str) -> Option<&'static str> {
    // 实施好, 建设好: the verb with its complement of manner.
    let bare = pre_ind.strip_suffix('好').unwrap_or(pre_ind);
    DEED_VERBS.iter().find(|v| pre_ind.ends_with(*v) || bare.ends_with(*v)).copied()
}

/// A count whose noun follows it (20项民心工程): the noun is what is counted.
fn counts_things_after(q: &Quantity, post: &str) -> bool {
    q.sort == Sort::Amount && !post.is_empty() && !is_money_or_measure(&q.unit)
}

/// The words after the last figure of a clause: 为1850户、3364人购买城乡居民基本医疗保险.
fn tail_name(clause: &[char], from: usize) -> String {
    clean_indicator(&clause[from.min(clause.len())..])
}

/// Verbs at the start of a name that the gold keeps only when they define what is counted;
/// generic ones (完成, 实现) go, defining ones (新增, 关闭, 压减) stay.
fn strip_pre_verbs(s: &str) -> String {
    let mut s = s;
    for w in ["全面", "累计", "完成", "实现", "达到", "力争", "确保"] {
        if let Some(r) = s.strip_prefix(w)
            && !r.is_empty()
        {
            s = r;
        }
    }
    s.to_string()
}

/// 三次产业结构调整为2.6:41.9:55.5 → (end of the name, parts, end of the ratio).
fn ratio(c: &[char]) -> Option<(usize, Vec<f64>, usize)> {
    let colon = c.iter().position(|&ch| ch == ':')?;
    let mut start = colon;
    while start > 0 && (c[start - 1].is_ascii_digit() || c[start - 1] == '.') {
        start -= 1;
    }
    let mut parts = Vec::new();
    let mut i = start;
    loop {
        let j = (i..c.len()).find(|&k| !(c[k].is_ascii_digit() || c[k] == '.')).unwrap_or(c.len());
        let v: f64 = text_of(&c[i..j]).parse().ok()?;
        parts.push(v);
        if j < c.len() && c[j] == ':' && c.get(j + 1).is_some_and(|d| d.is_ascii_digit()) {
            i = j + 1;
        } else {
            i = j;
            break;
        }
    }
    let sum: f64 = parts.iter().sum();
    (parts.len() >= 2 && (sum - 100.0).abs() < 1.5).then_some((start, parts, i))
}

/// A qualitative headline target: 进出口总额保持稳定增长, 完成…约束性指标.
fn qualitative(c: &[char], kind: Kind, year: i32, ctx: &SentenceContext, cs: usize) -> Vec<Fact> {
    let s = text_of(c);
    if CATCH_ALL.iter().any(|w| s.contains(w)) {
        return Vec::new();
    }
    let fact = |indicator: String, measure: Measure, direction: Option<Direction>| Fact {
        kind,
        headline: true,
        indicator,
        subject: None,
        measure,
        direction,
        value: None,
        upper: None,
        unit: String::new(),
        comparator: None,
        year: ctx.frame.known(year),
        text: s.clone(),
        start: ctx.base + cs,
        end: ctx.base + cs + c.len(),
        paragraph: ctx.paragraph,
    };
    // 单位GDP能耗和主要污染物排放量继续下降: each of the names joined by 和 or 、.
    let each = |names: &str, measure: Measure, direction: Option<Direction>| -> Vec<Fact> {
        let names: Vec<String> = names
            .split(['和', '、'])
            .map(|n| clean_indicator(&n.chars().collect::<Vec<_>>()))
            .filter(|n| !n.is_empty())
            .collect();
        let fits = |n: &String| (2..=20).contains(&n.chars().count());
        if names.is_empty() || !names.iter().all(fits) {
            return Vec::new();
        }
        names.into_iter().map(|n| fact(n, measure, direction)).collect()
    };
    if let Some(i) = s.find("约束性指标") {
        let head = &s[..i];
        let from = head
            .rfind("下达的")
            .map(|k| k + "下达的".len())
            .or_else(|| head.find("完成").map(|k| k + "完成".len()))
            .unwrap_or(0);
        let ind = format!("{}约束性指标", head[from..].replace("各项", ""));
        return vec![fact(ind, Measure::Level, None)];
    }
    // 完成省下达的节能减排任务: a level target with no figure of its own.
    if let (Some(k), true) =
        (s.find("下达的"), s.starts_with("完成") || s.contains("全面完成") || s.contains("确保完成"))
    {
        let what = s[k + "下达的".len()..].trim_end_matches(['任', '务']).trim_end_matches("目标");
        if what.chars().count() >= 2 && !what.contains("各项") {
            return vec![fact(what.to_string(), Measure::Level, None)];
        }
    }
    // 空气质量优良天数比率和地表水水质优良率均完成省下达: the names before the verb, each a level.
    if let Some(i) = s.find("均完成").or_else(|| s.find("完成").filter(|_| s.contains("下达"))) {
        return each(&s[..i], Measure::Level, None);
    }
    // 国际收支基本平衡; 进出口总额稳量提质, 固定资产投资提质提效: targets whose verb gives no direction.
    for (verb, measure) in [
        ("基本平衡", Measure::Level),
        ("保持平衡", Measure::Level),
        ("提质提效", Measure::Change),
        ("稳量提质", Measure::Change),
        ("促稳提质", Measure::Change),
        ("止跌回稳", Measure::Change),
        ("企稳回升", Measure::Change),
    ] {
        if let Some(i) = s.find(verb) {
            return each(&s[..i], measure, None);
        }
    }
    for (verb, up) in [
        ("增长", true),
        ("提高", true),
        ("增加", true),
        ("上升", true),
        ("下降", false),
        ("降低", false),
        ("减少", false),
    ] {
        if let Some(i) = s.find(verb) {
            let head: Vec<char> = s[..i].chars().collect();
            let mut ind = clean_indicator(&head);
            const MANNER: &[&str] =
                &["保持", "继续", "持续", "稳定", "稳步", "平稳", "较快", "快速", "同步", "基本", "实现", "进一步"];
            while let Some(r) = MANNER.iter().find_map(|w| ind.strip_suffix(w)) {
                ind = r.to_string();
            }
            return each(&ind, Measure::Change, Some(if up { Direction::Up } else { Direction::Down }));
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use crate::{Options, read_text};

    /// Reads `text` as a report of `year` (the plan year) and renders each fact as
    /// "kind year measure direction value unit comparator indicator".
    fn facts(text: &str, year: i32) -> Vec<String> {
        let r = read_text(text, &Options { year: Some(year), tasks: None });
        r.facts
            .iter()
            .map(|f| {
                let s = |v: &dyn erased::Ser| v.lower();
                format!(
                    "{} {} {} {} {} {} {} {}{}",
                    s(&f.kind),
                    f.year.map_or("-".to_string(), |y| y.to_string()),
                    s(&f.measure),
                    f.direction.map_or("-".to_string(), |d| s(&d)),
                    f.value.map_or("-".to_string(), |v| format!("{}", (v * 1e6).round() / 1e6)),
                    if f.unit.is_empty() { "-" } else { &f.unit },
                    f.comparator.map_or("-".to_string(), |c| s(&c)),
                    f.subject.as_ref().map_or(String::new(), |s| format!("[{s}]")),
                    f.indicator
                )
            })
            .collect()
    }

    mod erased {
        pub trait Ser {
            fn lower(&self) -> String;
        }
        impl<T: serde::Serialize> Ser for T {
            fn lower(&self) -> String {
                serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
            }
        }
    }

    fn check(text: &str, year: i32, expect: &[&str]) {
        assert_eq!(facts(text, year), expect, "{text}");
    }

    const REVIEW: &str = "一、2018年工作回顾\n";
    const PLAN: &str = "二、2019年工作安排\n";

    #[test]
    fn lists_paired_without_fenbie() {
        check(
            &format!("{REVIEW}全年规上工业增加值、服务业增加值增长7.1%、8.3%。"),
            2019,
            &["actual 2018 change up 7.1 % eq 规上工业增加值", "actual 2018 change up 8.3 % eq 服务业增加值"],
        );
        check(
            &format!("{REVIEW}一般公共预算收入总量、增速居全省第3、第1位。"),
            2019,
            &["actual 2018 rank - 3 位 eq 一般公共预算收入总量", "actual 2018 rank - 1 位 eq 一般公共预算收入增速"],
        );
    }

    #[test]
    fn qualifiers_and_bases_are_not_names() {
        check(
            &format!("{REVIEW}地区生产总值按可比价格计算增长6.2%。"),
            2019,
            &["actual 2018 change up 6.2 % eq 地区生产总值"],
        );
        check(
            &format!("{REVIEW}一般公共预算收入24亿元，同口径增长8.1%。"),
            2019,
            &[
                "actual 2018 level - 2400000000 元 eq 一般公共预算收入",
                "actual 2018 change up 8.1 % eq 一般公共预算收入",
            ],
        );
        check(&format!("{REVIEW}固定资产投资是上年的2.3倍。"), 2019, &["actual 2018 change up 130 % eq 固定资产投资"]);
        check(&format!("{REVIEW}人口自然增长率4.1‰。"), 2019, &["actual 2018 rate - 4.1 ‰ eq 人口自然增长率"]);
    }

    #[test]
    fn ratios_amounts_and_growth_in_words() {
        check(
            &format!("{REVIEW}三次产业结构由12.1:45.3:42.6调整为10.8:43.2:46.0。"),
            2019,
            &[
                "actual 2017 rate - 12.1 % eq 三次产业结构",
                "actual 2017 rate - 45.3 % eq 三次产业结构",
                "actual 2017 rate - 42.6 % eq 三次产业结构",
                "actual 2018 rate - 10.8 % eq 三次产业结构",
                "actual 2018 rate - 43.2 % eq 三次产业结构",
                "actual 2018 rate - 46 % eq 三次产业结构",
            ],
        );
        check(&format!("{REVIEW}实现税收80多亿元。"), 2019, &["actual 2018 level - 8000000000 元 gt 税收"]);
        check(&format!("{REVIEW}带动就业近万人。"), 2019, &["actual 2018 level - 10000 人 approx 带动就业"]);
        check(
            &format!("{REVIEW}综合实力跻身全国百强区。"),
            2019,
            &["actual 2018 rank - 100 位 lte 综合实力全国百强区"],
        );
        check(
            &format!("{REVIEW}万元GDP能耗下降3%，千方百计稳增长。"),
            2019,
            &["actual 2018 change down 3 % eq 万元GDP能耗"],
        );
        check(
            &format!("{REVIEW}进出口、实际利用外资均实现两位数增长。"),
            2019,
            &["actual 2018 change up 10 % gte 进出口", "actual 2018 change up 10 % gte 实际利用外资"],
        );
        check(&format!("{REVIEW}全市生产总值连续5年保持两位数增长。"), 2019, &[]);
        check(
            &format!("{REVIEW}新建学校6所、卫生院4所。"),
            2019,
            &["actual 2018 level - 6 所 eq 新建学校", "actual 2018 level - 4 所 eq 卫生院"],
        );
    }

    #[test]
    fn level_and_change_in_one_clause() {
        check(
            &format!("{REVIEW}一般公共预算收入24亿元，同比增长18.1%。"),
            2019,
            &[
                "actual 2018 level - 2400000000 元 eq 一般公共预算收入",
                "actual 2018 change up 18.1 % eq 一般公共预算收入",
            ],
        );
    }

    #[test]
    fn fenbie_distributes_three_values() {
        check(
            &format!("{REVIEW}规模以上工业总产值、主营业务收入、利税同比分别增长17.6%、19.7%、32.6%。"),
            2019,
            &[
                "actual 2018 change up 17.6 % eq 规模以上工业总产值",
                "actual 2018 change up 19.7 % eq 主营业务收入",
                "actual 2018 change up 32.6 % eq 利税",
            ],
        );
    }

    #[test]
    fn shared_head_distributes() {
        check(
            &format!("{REVIEW}城镇、农村居民人均可支配收入分别达到3.7万元、1.4万元。"),
            2019,
            &[
                "actual 2018 level - 37000 元 eq 城镇居民人均可支配收入",
                "actual 2018 level - 14000 元 eq 农村居民人均可支配收入",
            ],
        );
    }

    #[test]
    fn places_in_a_fenbie_list_are_subjects() {
        check(
            &format!("{REVIEW}罗庄街道、盛庄街道地方财政收入分别突破10亿元、6亿元。"),
            2019,
            &[
                "actual 2018 level - 1000000000 元 gt [罗庄街道]地方财政收入",
                "actual 2018 level - 600000000 元 gt [盛庄街道]地方财政收入",
            ],
        );
    }

    #[test]
    fn trailing_modifier_applies_to_every_item() {
        check(
            &format!("{PLAN}年内实现产值、主营业务收入、利税分别增长13%、13%、15%以上。"),
            2019,
            &[
                "target 2019 change up 13 % gte 产值",
                "target 2019 change up 13 % gte 主营业务收入",
                "target 2019 change up 15 % gte 利税",
            ],
        );
    }

    #[test]
    fn one_growth_shared_by_two_indicators() {
        check(
            &format!("{PLAN}固定资产投资、社会消费品零售总额增长8%左右。"),
            2019,
            &["target 2019 change up 8 % approx 固定资产投资", "target 2019 change up 8 % approx 社会消费品零售总额"],
        );
    }

    #[test]
    fn ranks_split_over_their_names() {
        check(
            &format!("{REVIEW}一般公共预算收入24亿元，总量、增幅均居全市第2位。"),
            2019,
            &[
                "actual 2018 level - 2400000000 元 eq 一般公共预算收入",
                "actual 2018 rank - 2 位 eq 一般公共预算收入总量",
                "actual 2018 rank - 2 位 eq 一般公共预算收入增幅",
            ],
        );
    }

    #[test]
    fn names_in_quotes_and_policy_packages_are_not_facts() {
        check(&format!("{PLAN}深入实施“5656”行动计划，落实“民营经济35条”，推进42证合1。"), 2019, &[]);
        check(&format!("{PLAN}落实支持实体经济8条意见。"), 2019, &[]);
    }

    #[test]
    fn categories_are_not_facts() {
        check(&format!("{PLAN}加快盛阳60万吨不锈钢管项目建设，一批过5亿元项目开工建设。"), 2019, &[]);
        check(&format!("{PLAN}实施过亿元技改项目5个。"), 2019, &["target 2019 level - 5 个 eq 实施过亿元技改项目"]);
    }

    #[test]
    fn a_count_restating_its_list_is_not_a_fact() {
        check(&format!("{PLAN}统筹新材料智造、现代医药、新型陶瓷、高端装备制造4个园区。"), 2019, &[]);
        check(
            &format!("{REVIEW}新增省级企业技术中心、省级众创空间、高新技术企业8家。"),
            2019,
            &["actual 2018 level - 8 家 eq 新增省级企业技术中心、省级众创空间、高新技术企业"],
        );
    }

    #[test]
    fn share_of_a_figure_before() {
        check(
            &format!("{REVIEW}“五新产业”完成产值244亿元，占规模以上工业总产值的54.2%。"),
            2019,
            &[
                "actual 2018 level - 24400000000 元 eq “五新产业”产值",
                "actual 2018 rate - 54.2 % eq “五新产业”产值占规模以上工业总产值比重",
            ],
        );
    }

    #[test]
    fn amount_of_action_keeps_its_verb_unless_compared() {
        check(
            &format!("{REVIEW}农村贫困人口减少1386万。"),
            2019,
            &["actual 2018 level - 13860000 人 eq 农村贫困人口减少"],
        );
        check(
            &format!("{REVIEW}存款余额比上年增加29.6亿元。"),
            2019,
            &["actual 2018 change up 2960000000 元 eq 存款余额"],
        );
    }

    #[test]
    fn baselines_take_their_own_year() {
        check(
            "一、过去五年工作回顾\n国内生产总值由2013年的12万亿元增加到18万亿元。",
            2019,
            &[
                "actual 2013 level - 12000000000000 元 eq 国内生产总值",
                "actual 2018 level - 18000000000000 元 eq 国内生产总值",
            ],
        );
    }

    #[test]
    fn deadlines_set_the_target_year() {
        check(&format!("{PLAN}到2020年，城镇化率达到60%以上。"), 2019, &["target 2020 rate - 60 % gte 城镇化率"]);
        check(
            &format!("{PLAN}分两年解决9.2万人饮水安全问题。"),
            2019,
            &["target 2020 level - 92000 人 eq 解决饮水安全问题"],
        );
    }

    #[test]
    fn comparisons_with_last_year_are_not_time_words() {
        check(
            &format!("{PLAN}财政赤字1.62万亿元，比去年增加2700亿元。"),
            2019,
            &["target 2019 level - 1620000000000 元 eq 财政赤字", "target 2019 change up 270000000000 元 eq 财政赤字"],
        );
    }

    #[test]
    fn news_without_headings_tells_years_by_cue_words() {
        check(
            "去年全市地区生产总值增长6.8%。今年全市地区生产总值预期增长6.5%左右。",
            2020,
            &["actual 2019 change up 6.8 % eq 地区生产总值", "target 2020 change up 6.5 % approx 地区生产总值"],
        );
    }

    #[test]
    fn qualitative_headline_targets() {
        check(
            "今年主要预期目标是：进出口总额保持稳定增长，全面完成上级下达的节能减排等各项约束性指标，社会大局和谐稳定。",
            2019,
            &["target 2019 change up - - - 进出口总额", "target 2019 level - - - - 节能减排等约束性指标"],
        );
    }

    #[test]
    fn points_doublings_multiples_and_fractions() {
        check(&format!("{REVIEW}城镇化率提高1.2个百分点。"), 2019, &["actual 2018 change up 1.2 个百分点 eq 城镇化率"]);
        check(&format!("{REVIEW}经济总量比2010年翻一番。"), 2019, &["actual 2018 change up 100 % eq 经济总量"]);
        check(&format!("{REVIEW}地区生产总值是2010年的1.5倍。"), 2019, &["actual 2018 change up 50 % eq 地区生产总值"]);
        check(&format!("{PLAN}会议数量压减1/3以上。"), 2019, &["target 2019 change down 33.333333 % gte 会议数量"]);
    }

    #[test]
    fn ratios_give_one_rate_per_part() {
        check(
            &format!("{REVIEW}三次产业结构调整为2.6:41.9:55.5。"),
            2019,
            &[
                "actual 2018 rate - 2.6 % eq 三次产业结构",
                "actual 2018 rate - 41.9 % eq 三次产业结构",
                "actual 2018 rate - 55.5 % eq 三次产业结构",
            ],
        );
    }

    #[test]
    fn durations_streaks_and_rank_moves_are_not_facts() {
        check(&format!("{REVIEW}存在20余年的隐患得到解决，粮食生产实现十二连增，全市排名较上年前移3位。"), 2019, &[]);
    }

    #[test]
    fn life_expectancy_and_good_air_days() {
        check(
            &format!("{REVIEW}人均预期寿命达到78.5岁，空气质量优良天数达到290天。"),
            2019,
            &["actual 2018 level - 78.5 岁 eq 人均预期寿命", "actual 2018 level - 290 天 eq 空气质量优良天数"],
        );
    }
}
