//! One canonical text for everything downstream: simplified characters, ASCII digits and letters,
//! Chinese punctuation, no odd spacing, wrapped lines joined, and the web page's chrome dropped.
//!
//! Every offset the reader reports is an offset into this normalized text. Normalization never
//! changes what a figure says: it only removes spelling variation (全角 ９．２％ → 9.2%, 億 → 亿,
//! `405.\n4亿元` → `405.4亿元`, `1,234` → `1234`).

use std::sync::OnceLock;

/// Traditional → simplified, one character each; the table is data (see data/SOURCE.md).
const T2S: &str = include_str!("../data/t2s.txt");
const CJK_BASE: u32 = 0x4E00;
const CJK_END: u32 = 0xA000;

fn t2s_table() -> &'static [u16] {
    static TABLE: OnceLock<Vec<u16>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![0u16; (CJK_END - CJK_BASE) as usize];
        let mut lines = T2S.split('\n');
        let (trad, simp) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
        for (t, s) in trad.chars().zip(simp.chars()) {
            let (t, s) = (t as u32, s as u32);
            if (CJK_BASE..CJK_END).contains(&t) && s <= u16::MAX as u32 {
                table[(t - CJK_BASE) as usize] = s as u16;
            }
        }
        table
    })
}

/// Folds one traditional character to its simplified form (others pass through).
pub fn simplify(c: char) -> char {
    let code = c as u32;
    if (CJK_BASE..CJK_END).contains(&code) {
        let s = t2s_table()[(code - CJK_BASE) as usize];
        if s != 0 {
            return char::from_u32(s as u32).unwrap_or(c);
        }
    }
    c
}

/// The traditional characters a text is written in, by the simplified character each folds to;
/// empty unless the text is written in traditional characters (at least 20 of them). A classifier is
/// put back into the text's own script with it (個, 戶: a classifier stays as written).
pub type Script = std::collections::HashMap<char, char>;

/// Normalizes a decoded report.
pub fn normalize(raw: &str) -> String {
    normalize_in_script(raw).0
}

/// Normalizes a decoded report and tells the script it was written in (read in the same pass).
pub fn normalize_in_script(raw: &str) -> (String, Script) {
    // Text exported with its line breaks escaped (a literal \r\n or \n between paragraphs).
    let unescaped;
    let raw = if raw.matches("\\n").count() > raw.matches('\n').count() {
        unescaped = raw.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\r", "\n");
        unescaped.as_str()
    } else {
        raw
    };
    let table = t2s_table();
    let mut script = Script::new();
    let mut folds = 0usize;
    let mut glossed = false;
    // Pass 1: characters. Full-width forms, traditional characters, spaces, punctuation.
    let mut chars: Vec<char> = Vec::with_capacity(raw.len() / 2);
    for c in raw.chars() {
        let code = c as u32;
        let c = match c {
            '\u{FF10}'..='\u{FF19}'
            | '\u{FF21}'..='\u{FF3A}'
            | '\u{FF41}'..='\u{FF5A}'
            | '\u{FF05}'
            | '\u{FF0B}'
            | '\u{FF0F}'
            | '\u{FF1C}'..='\u{FF1E}' => char::from_u32(code - 0xFEE0).unwrap_or(c),
            '\u{FF0E}' => '.',
            // ℅ (care of) and ٪ stand in for % in some documents.
            '\u{2105}' | '\u{066A}' => '%',
            '\u{FF5E}' | '\u{301C}' => '～',
            '\u{00A0}' | '\u{3000}' | '\u{2002}'..='\u{200A}' | '\u{202F}' | '\t' | '\u{000B}' | '\u{000C}' => ' ',
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\r' => continue,
            '\u{2028}' | '\u{2029}' => '\n',
            '\u{FE50}' | '\u{FE51}' => '、',
            '\u{2236}' | '\u{FF1A}' => '：',
            '\u{2014}' | '\u{2015}' | '\u{2013}' | '\u{2012}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '—',
            '\u{301D}' | '\u{301E}' | '\u{201F}' => '“',
            _ if (CJK_BASE..CJK_END).contains(&code) => {
                let s = table[(code - CJK_BASE) as usize];
                let folded = if s != 0 { char::from_u32(s as u32).unwrap_or(c) } else { c };
                if folded != c {
                    folds += 1;
                    script.entry(folded).or_insert(c);
                }
                folded
            }
            // A tone mark: the text may gloss its characters with pinyin (地區(qū)).
            '\u{E0}'..='\u{1DC}' if PINYIN_TONES.contains(c) => {
                glossed = true;
                c
            }
            _ => c,
        };
        chars.push(c);
    }
    if glossed {
        chars = without_pinyin_glosses(&chars);
    }
    // Pass 2: context-dependent punctuation and spacing.
    let n = chars.len();
    let mut out = String::with_capacity(raw.len());
    let mut quote_open = false;
    let is_digit = |i: usize| i < n && chars[i].is_ascii_digit();
    let mut i = 0;
    while i < n {
        let c = chars[i];
        let prev = out.chars().next_back();
        match c {
            ',' | '，'
                if prev.is_some_and(|p| p.is_ascii_digit())
                    && is_digit(i + 1)
                    && is_digit(i + 2)
                    && is_digit(i + 3)
                    && !is_digit(i + 4)
                    && thousands_group_before(&chars[..i]) =>
            {
                // 1,234 → 1234
            }
            ',' => out.push('，'),
            ';' => out.push('；'),
            ':' if prev.is_some_and(|p| p.is_ascii_digit()) && is_digit(i + 1) => out.push(':'),
            ':' => out.push('：'),
            '：' if prev.is_some_and(|p| p.is_ascii_digit()) && is_digit(i + 1) && ratio_context(&out) => {
                out.push(':')
            }
            '(' => out.push('（'),
            ')' => out.push('）'),
            '?' => out.push('？'),
            '!' => out.push('！'),
            '"' => {
                // Straight quotes: alternate open/close within the line.
                out.push(if quote_open { '”' } else { '“' });
                quote_open = !quote_open;
            }
            ' ' => {
                // Keep a space only between two ASCII letters or digits (English names, "5 G" stays "5 G").
                let mut j = i;
                while j < n && chars[j] == ' ' {
                    j += 1;
                }
                let next = chars.get(j).copied();
                if let (Some(p), Some(q)) = (prev, next)
                    && p.is_ascii_alphabetic()
                    && q.is_ascii_alphabetic()
                {
                    out.push(' ');
                }
                i = j;
                continue;
            }
            '\n' => {
                quote_open = false;
                // Trim trailing spaces were already skipped; collapse 3+ newlines to 2.
                if !out.ends_with("\n\n") {
                    out.push('\n');
                }
            }
            _ => out.push(c),
        }
        i += 1;
    }
    if folds < 20 {
        script.clear();
    }
    (join_lines(&out), script)
}

fn thousands_group_before(before: &[char]) -> bool {
    // The digits just before the comma: 1-3 of them (1,234 or the 234 of 1,234,567), not a decimal tail.
    let digits = before.iter().rev().take(4).take_while(|c| c.is_ascii_digit()).count();
    (1..=3).contains(&digits) && before.len() > digits && before[before.len() - digits - 1] != '.'
        || digits == before.len() && digits <= 3
}

fn ratio_context(out: &str) -> bool {
    // 2.6：41.9：55.5 is a ratio; "目标：2019年" is not (the digit before the colon then is a year).
    let tail: String = out.chars().rev().take(12).collect();
    tail.chars().any(|c| c == '.') || out.ends_with(|c: char| c.is_ascii_digit()) && !tail.contains('年')
}

/// Lines of the page's chrome: navigation, metadata tables, download and print buttons.
fn is_chrome(line: &str) -> bool {
    const MARKS: &[&str] = &[
        "无障碍",
        "您现在的位置",
        "您的位置",
        "当前位置",
        "索引号",
        "索 引 号",
        "关闭窗口",
        "关闭本页",
        "打印本页",
        "打印此页",
        "下载Word",
        "下载PDF",
        "下载word",
        "【字体",
        "字号：",
        "【打印】",
        "【关闭】",
        "分享到",
        "发布机构",
        "公开方式",
        "成文日期",
        "发文字号",
        "有效性",
        "信息名称",
        "扫一扫",
        "收藏本页",
        "设为首页",
        "加入收藏",
        "网站地图",
        "版权所有",
        "ICP备",
        "网站标识码",
        "访问量",
        "浏览次数",
        "【大",
        "［大",
        "文章来源",
        "责任编辑",
    ];
    // Chrome lines are short; body paragraphs are not worth forty searches each.
    line.len() <= 480 && line.chars().count() <= 120 && MARKS.iter().any(|m| line.contains(m))
}

fn is_terminal(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '：' | '…' | '”' | '」' | '』' | '）')
}

pub(crate) fn heading_marker_len(line: &str) -> Option<usize> {
    crate::structure::heading_marker(line).map(|(_, len)| len)
}

/// Drops chrome lines and joins lines that a word processor or a news page wrapped mid-sentence,
/// and a sentence that a page break cut in two (blank lines between its halves).
fn join_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev_line: Option<&str> = None;
    // The last line before blank lines, while it may still continue after them.
    let mut before_break: Option<&str> = None;
    let lines: Vec<std::borrow::Cow<'_, str>> = text
        .split('\n')
        .map(|l| match markdown_plain(l.trim()) {
            line if line.contains("http") || line.contains("www.") => without_addresses(&line).into(),
            line => line,
        })
        .collect();
    for line in &lines {
        let line: &str = line;
        if is_chrome(line) {
            continue;
        }
        if line.is_empty() {
            if prev_line.is_some() {
                out.push('\n');
                before_break = prev_line;
            }
            prev_line = None;
            if !out.ends_with("\n\n") && !out.is_empty() {
                out.push('\n');
            }
            continue;
        }
        if let Some(cut) = before_break.take()
            && cut_by_a_break(cut, line)
        {
            while out.ends_with('\n') {
                out.pop();
            }
            out.push_str(line);
            prev_line = Some(line);
            continue;
        }
        if let Some(prev) = prev_line {
            if should_join(prev, line) {
                out.push_str(line);
                prev_line = Some(line);
                continue;
            }
            out.push('\n');
        }
        out.push_str(line);
        prev_line = Some(line);
    }
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

/// A line of a report kept as Markdown, as it reads: `## 三、…` and `**一、…**` are headings.
fn markdown_plain(line: &str) -> std::borrow::Cow<'_, str> {
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    let line = if (1..=6).contains(&hashes) { line[hashes..].trim_start() } else { line };
    // **加粗**: emphasis marks, never words.
    if line.contains("**") { std::borrow::Cow::Owned(line.replace("**", "").trim().to_string()) } else { line.into() }
}

/// Vowels with tone marks: only pinyin writes them.
const PINYIN_TONES: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ";

/// 地區(qū)生產(chǎn)總值 → 地區生產總值: a bracketed run of pinyin letters right after a character.
fn without_pinyin_glosses(c: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(c.len());
    let mut i = 0;
    while i < c.len() {
        if matches!(c[i], '(' | '（') && i > 0 && crate::decode::is_cjk(c[i - 1]) {
            let letters =
                c[i + 1..].iter().take_while(|&&ch| ch.is_ascii_lowercase() || PINYIN_TONES.contains(ch)).count();
            let close = i + 1 + letters;
            if (1..=6).contains(&letters)
                && matches!(c.get(close), Some(')' | '）'))
                && c[i + 1..close].iter().any(|&ch| PINYIN_TONES.contains(ch))
            {
                i = close + 1;
                continue;
            }
        }
        out.push(c[i]);
        i += 1;
    }
    out
}

/// A line without its web addresses (https://…/zfgzbg_68781/201901/…): their digits are no figures.
fn without_addresses(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = ["http://", "https://", "www."].iter().filter_map(|p| rest.find(p)).min() {
        out.push_str(&rest[..at]);
        let end = rest[at..]
            .find(|c: char| c.is_whitespace() || crate::decode::is_cjk(c) || "，。；）)”".contains(c))
            .map_or(rest.len(), |e| at + e);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Whether a long line that stops on a word no sentence ends with (由“十五”末的, 完成, a comma) and the
/// line after blank lines that goes on with a figure are one sentence cut by a page break.
fn cut_by_a_break(before: &str, next: &str) -> bool {
    let (Some(last), Some(first)) = (before.chars().next_back(), next.chars().next()) else {
        return false;
    };
    before.chars().count() >= 30
        && matches!(last, '的' | '由' | '从' | '到' | '为' | '达' | '至' | '，' | '、' | '和' | '及')
        && first.is_ascii_digit()
        && heading_marker_len(next).is_none()
}

fn should_join(prev: &str, next: &str) -> bool {
    let (Some(last), Some(first)) = (prev.chars().next_back(), next.chars().next()) else {
        return false;
    };
    let numeric_break =
        (last.is_ascii_digit() || last == '.') && (first.is_ascii_digit() || first == '.' || first == '%');
    if numeric_break {
        return true;
    }
    if is_terminal(last) || heading_marker_len(next).is_some() || first == '—' {
        return false;
    }
    // A figure at the start of a line continues the words before it: 完成固定资产投资\n156.8亿元.
    if first.is_ascii_digit()
        && crate::decode::is_cjk(last)
        && !prev.contains("工作报告")
        && heading_marker_len(prev).is_none()
    {
        return true;
    }
    // A heading or a title line stands alone; wrapped body text is long and runs on.
    let prev_len = prev.chars().count();
    prev_len >= 20 && heading_marker_len(prev).is_none_or(|_| prev_len >= 40)
}

#[cfg(test)]
mod tests {
    use super::normalize;

    fn check(input: &str, expect: &str) {
        assert_eq!(normalize(input), expect, "input: {input:?}");
    }

    #[test]
    fn full_width_digits_and_percent() {
        check("增长９．２％", "增长9.2%");
    }

    #[test]
    fn traditional_characters_fold() {
        check("政府工作報告：地區生產總值405.4億元，增長9.2%", "政府工作报告：地区生产总值405.4亿元，增长9.2%");
    }

    #[test]
    fn ascii_punctuation_becomes_chinese() {
        check("现在,我代表区人民政府;(一)", "现在，我代表区人民政府；（一）");
    }

    #[test]
    fn thousands_separator_removed() {
        check("收入1,234.5万元，增长3%", "收入1234.5万元，增长3%");
        check("分别为13,7", "分别为13，7");
        check("总额1,234,567元", "总额1234567元");
        check("增长2.5,3.1", "增长2.5，3.1");
    }

    #[test]
    fn ratio_colon_kept() {
        check("三次产业结构为2.6:41.9:55.5", "三次产业结构为2.6:41.9:55.5");
        check("三次产业结构为2.6：41.9：55.5", "三次产业结构为2.6:41.9:55.5");
    }

    #[test]
    fn odd_spacing_removed() {
        check("增 长 9 . 2 %，Made in China", "增长9.2%，Made in China");
        check("地区生产总值\u{3000}405.4亿元", "地区生产总值405.4亿元");
    }

    #[test]
    fn a_sentence_cut_by_a_page_break_is_joined() {
        let cut = "全县生产总值由“十五”末的\n\n12.8亿元增加到19.2亿元，年均增长8.4%。";
        check(
            &format!("主要经济指标快速增长，三次产业协调推进，特色产业发展取得重大突破。{cut}"),
            "主要经济指标快速增长，三次产业协调推进，特色产业发展取得重大突破。全县生产总值由“十五”末的12.8亿元增加到19.2亿元，年均增长8.4%。",
        );
        // A paragraph that ends as paragraphs do stays apart from a figure that opens the next.
        check("一、2018年工作回顾\n\n2018年，全区经济平稳运行。", "一、2018年工作回顾\n\n2018年，全区经济平稳运行。");
    }

    #[test]
    fn a_heading_stays_apart_from_a_line_that_opens_with_a_year() {
        check(
            "二、2019年工作安排\n2019年地区生产总值增长6.5%左右。",
            "二、2019年工作安排\n2019年地区生产总值增长6.5%左右。",
        );
    }

    #[test]
    fn escaped_line_breaks_are_line_breaks() {
        check(
            "一、2018年工作回顾\\r\\n全年完成地区生产总值405.4亿元。\\n二、2019年工作安排",
            "一、2018年工作回顾\n全年完成地区生产总值405.4亿元。\n二、2019年工作安排",
        );
    }

    #[test]
    fn number_broken_across_lines_is_joined() {
        check("全年完成地区生产总值405.\n4亿元，同比增长9.2%。", "全年完成地区生产总值405.4亿元，同比增长9.2%。");
        check("全年完成地区生产总值4\n05.4亿元。", "全年完成地区生产总值405.4亿元。");
    }

    #[test]
    fn wrapped_sentence_is_joined_but_headings_stay() {
        check(
            "一、2018年工作回顾\n全年完成地区生产总值405.4亿元，同比\n增长9.2%。\n二、2019年工作安排",
            "一、2018年工作回顾\n全年完成地区生产总值405.4亿元，同比增长9.2%。\n二、2019年工作安排",
        );
    }

    #[test]
    fn page_chrome_dropped() {
        check("无障碍浏览\n您现在的位置: 首页 > 正文\n报告正文。\n关闭窗口\n下载Word 下载PDF", "报告正文。");
    }
}
