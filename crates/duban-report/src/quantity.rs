//! Quantities in Chinese text: Arabic and Chinese numerals and their mixes (405.4亿元, 5.6万人,
//! 1.2万亿, 十九, 两, 1/3, 三分之一, 百分之九, 三成), ranges (6%-6.5%), the modifiers written around a
//! figure (左右, 以上, 以内, 余, 多; 超过, 突破, 不低于, 控制在 …), the unit with scale words folded
//! into the value (亿元 → 元 × 1e8), and ranks (居全市第2位, 前三, 百强).
//!
//! It finds figures; it does not decide whether a figure is a fact (that is `facts`): a year, a
//! date or a number without a unit is simply not a quantity here.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Comparator {
    Eq,
    Approx,
    Gte,
    Gt,
    Lte,
    Lt,
    Range,
}

/// What sort of figure a quantity is, before the fact layer decides its measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// An amount or count with a unit: 405.4亿元, 4900人, 5个.
    Amount,
    /// A percentage or per-mille figure (also fractions and 成, folded to %).
    Percent,
    /// 个百分点.
    Points,
    /// N倍 (the fact layer turns it into a change).
    Times,
    /// 翻一番: already a change of +100% per doubling.
    Doubling,
    /// A position: 第2位, 首位, 前三, 百强.
    Rank,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Char range in the scanned text, modifiers included.
    pub start: usize,
    pub end: usize,
    /// Char index where the numeral itself starts (after prefix modifiers).
    pub num_start: usize,
    pub value: f64,
    pub upper: Option<f64>,
    pub unit: String,
    pub sort: Sort,
    pub comparator: Comparator,
    /// Written in Chinese numerals (三成, 十九) rather than digits.
    pub chinese: bool,
}

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn cn_small_unit(c: char) -> Option<u32> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        _ => return None,
    })
}

/// Nouns of people that count as 人 after a figure with a scale (20万农民, 56万职工).
const PEOPLE: &[&str] =
    &["农民", "群众", "居民", "职工", "学生", "儿童", "老人", "游客", "患者", "贫困人口", "被征地农民", "农村人口"];

pub(crate) fn is_cn_numeral(c: char) -> bool {
    matches!(
        c,
        '零' | '〇'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '万'
            | '亿'
    )
}

/// Parses a run of Chinese numerals (十九 = 19, 一百二十 = 120, 两万三千 = 23000, 二〇一九 = 2019).
pub fn parse_chinese(s: &[char]) -> Option<f64> {
    if s.is_empty() {
        return None;
    }
    // Digit-by-digit form (二〇一九): only digits, no unit characters.
    if s.len() > 1 && s.iter().all(|&c| cn_digit(c).is_some()) {
        let mut v = 0f64;
        for &c in s {
            v = v * 10.0 + cn_digit(c)? as f64;
        }
        return Some(v);
    }
    let mut total = 0f64; // completed 亿 groups
    let mut section = 0f64; // completed 万 groups within the current 亿 group
    let mut current = 0f64; // below 万
    let mut digit: Option<f64> = None;
    for &c in s {
        if let Some(d) = cn_digit(c) {
            digit = Some(d as f64);
        } else if let Some(u) = cn_small_unit(c) {
            current += digit.unwrap_or(1.0) * u as f64;
            digit = None;
        } else if c == '万' {
            section +=
                (current + digit.unwrap_or(0.0)).max(if current == 0.0 && digit.is_none() { 1.0 } else { 0.0 }) * 1e4;
            current = 0.0;
            digit = None;
        } else if c == '亿' {
            total += (section + current + digit.unwrap_or(0.0))
                .max(if section == 0.0 && current == 0.0 && digit.is_none() { 1.0 } else { 0.0 })
                * 1e8;
            section = 0.0;
            current = 0.0;
            digit = None;
        } else {
            return None;
        }
    }
    Some(total + section + current + digit.unwrap_or(0.0))
}

/// Units as written, longest first, with the base unit they fold to.
/// Scale words (万, 亿 …) are read before the unit and folded into the value.
const UNITS: &[(&str, &str)] = &[
    ("微克/立方米", "微克/立方米"),
    ("个百分点", "个百分点"),
    ("个工作日", "个工作日"),
    ("个月", "个月"),
    ("百分点", "个百分点"),
    ("万千瓦时", "千瓦时"),
    ("吨标准煤", "吨标准煤"),
    ("吨标煤", "吨标准煤"),
    ("平方公里", "平方公里"),
    ("平方千米", "平方公里"),
    ("平方米", "平方米"),
    ("立方米", "立方米"),
    ("千瓦时", "千瓦时"),
    ("千伏安", "千伏安"),
    ("标准箱", "标准箱"),
    ("人民币", "元"),
    ("美元", "美元"),
    ("欧元", "欧元"),
    ("港元", "港元"),
    ("人次", "人次"),
    ("场次", "场次"),
    ("户次", "户次"),
    ("件次", "件次"),
    ("车次", "车次"),
    ("架次", "架次"),
    ("公里", "公里"),
    ("千米", "公里"),
    ("公顷", "公顷"),
    ("千瓦", "千瓦"),
    ("兆瓦", "兆瓦"),
    ("公斤", "公斤"),
    ("千克", "公斤"),
    ("标箱", "标箱"),
    ("亩", "亩"),
    ("元", "元"),
    ("人", "人"),
    ("名", "人"),
    ("户", "户"),
    ("家", "家"),
    ("个", "个"),
    ("件", "件"),
    ("所", "所"),
    ("项", "项"),
    ("处", "处"),
    ("条", "条"),
    ("期", "期"),
    ("起", "起"),
    ("村", "村"),
    ("座", "座"),
    ("辆", "辆"),
    ("次", "次"),
    ("台", "台"),
    ("套", "套"),
    ("张", "张"),
    ("批", "批"),
    ("场", "场"),
    ("支", "支"),
    ("份", "份"),
    ("间", "间"),
    ("栋", "栋"),
    ("幢", "幢"),
    ("头只", "头只"),
    ("头", "头"),
    ("只", "只"),
    ("株", "株"),
    ("棵", "棵"),
    ("盏", "盏"),
    ("部", "部"),
    ("篇", "篇"),
    ("床", "床"),
    ("艘", "艘"),
    ("架", "架"),
    ("宗", "宗"),
    ("笔", "笔"),
    ("吨", "吨"),
    ("斤", "斤"),
    ("米", "米"),
    ("方", "立方米"),
    ("度", "千瓦时"),
    ("位", "人"),
    ("种", "种"),
    ("块", "块"),
    ("口", "口"),
    ("眼", "眼"),
    ("园", "园"),
    ("校", "所"),
    ("镇", "镇"),
    ("乡", "乡"),
    ("天", "天"),
    ("岁", "岁"),
    ("册", "册"),
    ("羽", "羽"),
];

/// Classifiers that count generic things; with Chinese numerals (三个重点, 两个维护) they name
/// structure rather than results, so only Arabic figures with them are quantities.
const GENERIC_CLASSIFIERS: &[&str] = &[
    "个", "项", "条", "件", "家", "批", "次", "场", "支", "份", "种", "部", "篇", "位", "处", "所", "名", "张", "套",
    "台", "间", "块", "口", "眼", "园", "镇", "乡", "村", "座", "期", "起", "户", "人", "只", "头", "株", "棵", "盏",
    "床", "艘", "架", "宗", "笔", "辆", "栋", "幢", "校", "度", "方", "米",
];

fn scale(c: &[char]) -> (f64, usize) {
    // Longest scale word at the start of c.
    const SCALES: &[(&str, f64)] = &[
        ("万亿", 1e12),
        ("千亿", 1e11),
        ("百亿", 1e10),
        ("十亿", 1e9),
        ("千万", 1e7),
        ("百万", 1e6),
        ("十万", 1e5),
        ("亿", 1e8),
        ("万", 1e4),
        ("千", 1e3),
        ("百", 1e2),
    ];
    for (w, f) in SCALES {
        if starts_with(c, w) {
            return (*f, w.chars().count());
        }
    }
    (1.0, 0)
}

pub(crate) fn starts_with(c: &[char], w: &str) -> bool {
    w.chars().enumerate().all(|(i, ch)| c.get(i) == Some(&ch))
}

/// Whether any of `words` occurs in `c`: a plain scan, cheaper than building a searcher per word
/// for the short clauses and word lists of this crate.
pub(crate) fn contains_any(c: &[char], words: &[&str]) -> bool {
    words.iter().any(|w| {
        let Some(first) = w.chars().next() else { return false };
        c.iter().enumerate().any(|(i, &ch)| ch == first && starts_with(&c[i..], w))
    })
}

pub(crate) fn ends_with(c: &[char], w: &str) -> bool {
    let mut k = c.len();
    for ch in w.chars().rev() {
        if k == 0 || c[k - 1] != ch {
            return false;
        }
        k -= 1;
    }
    true
}

fn unit_at(c: &[char]) -> Option<(&'static str, &'static str, usize)> {
    static WRITTEN: std::sync::LazyLock<crate::words::WordSet> =
        std::sync::LazyLock::new(|| crate::words::WordSet::new(&UNITS.iter().map(|(w, _)| *w).collect::<Vec<_>>()));
    WRITTEN.prefix(c).map(|(i, n)| (UNITS[i].0, UNITS[i].1, n))
}

/// Prefix modifiers read right-to-left from the numeral: longest first.
const PREFIX_MODIFIERS: &[(&str, Comparator)] = &[
    ("不低于", Comparator::Gte),
    ("不少于", Comparator::Gte),
    ("不小于", Comparator::Gte),
    ("至少", Comparator::Gte),
    ("不超过", Comparator::Lte),
    ("不高于", Comparator::Lte),
    ("不多于", Comparator::Lte),
    ("不大于", Comparator::Lte),
    ("控制在", Comparator::Lte),
    ("超过", Comparator::Gt),
    ("突破", Comparator::Gt),
    ("大于", Comparator::Gt),
    ("高于", Comparator::Gt),
    ("多于", Comparator::Gt),
    ("低于", Comparator::Lt),
    ("少于", Comparator::Lt),
    ("小于", Comparator::Lt),
    ("不到", Comparator::Lt),
    ("不足", Comparator::Lt),
    ("大约", Comparator::Approx),
    ("约", Comparator::Approx),
    ("近", Comparator::Approx),
    ("逾", Comparator::Gt),
    ("超", Comparator::Gt),
    ("过", Comparator::Gt),
];

fn prefix_comparator(c: &[char], at: usize) -> Option<(Comparator, usize)> {
    let before = &c[..at];
    let (w, cmp) = PREFIX_MODIFIERS.iter().find(|(w, _)| ends_with(before, w))?;
    let len = w.chars().count();
    // One-character modifiers are often the tail of another word: 节约, 接近, 通过, 赶超.
    if len == 1 {
        let prev = before.len().checked_sub(2).map(|i| before[i]);
        let word_tail = match w.chars().next() {
            Some('约') => "节制签预合公条简规契",
            Some('近') => "接临附最将亲",
            Some('过') => "通经越不超度错",
            Some('超') => "赶高",
            Some('逾') => "",
            _ => "",
        };
        if prev.is_some_and(|p| word_tail.contains(p)) {
            return None;
        }
    }
    Some((*cmp, len))
}

fn suffix_comparator(c: &[char]) -> Option<(Comparator, usize)> {
    const SUFFIX: &[(&str, Comparator)] = &[
        ("左右", Comparator::Approx),
        ("上下", Comparator::Approx),
        ("以上", Comparator::Gte),
        ("以内", Comparator::Lte),
        ("以下", Comparator::Lte),
    ];
    SUFFIX.iter().find(|(w, _)| starts_with(c, w)).map(|(w, cmp)| (*cmp, w.chars().count()))
}

fn is_range_dash(c: char) -> bool {
    matches!(c, '-' | '—' | '～' | '~' | '至' | '到')
}

/// A numeral read at `i`: its value, where it ends, and whether it was Chinese.
fn numeral(c: &[char], i: usize) -> Option<(f64, usize, bool)> {
    let n = c.len();
    if c[i].is_ascii_digit() {
        let mut j = i;
        while j < n && c[j].is_ascii_digit() {
            j += 1;
        }
        if j + 1 < n && c[j] == '.' && c[j + 1].is_ascii_digit() {
            j += 1;
            while j < n && c[j].is_ascii_digit() {
                j += 1;
            }
        }
        let s: String = c[i..j].iter().collect();
        let v: f64 = s.parse().ok()?;
        return Some((v, j, false));
    }
    if is_cn_numeral(c[i]) {
        let mut j = i;
        while j < n && (is_cn_numeral(c[j])) && j - i < 12 {
            j += 1;
        }
        return Some((0.0, j, true));
    }
    None
}

/// Multiplies a decimal written in `digits` by a power of ten without binary rounding:
/// 1035.6 × 1e8 is read as 103560000000, not 103559999999.99998.
fn shift_decimal(digits: &[char], factor: f64) -> Option<f64> {
    let exp = factor.log10().round() as usize;
    let s: String = digits.iter().collect();
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut out = String::with_capacity(int.len() + exp + 1);
    out.push_str(int);
    if frac.len() <= exp {
        out.push_str(frac);
        out.extend(std::iter::repeat_n('0', exp - frac.len()));
    } else {
        out.push_str(&frac[..exp]);
        out.push('.');
        out.push_str(&frac[exp..]);
    }
    out.parse().ok()
}

/// Scans `c` for quantities, left to right, without overlaps.
pub fn scan(c: &[char]) -> Vec<Quantity> {
    let n = c.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        if let Some(q) = rank_at(c, i) {
            i = q.end;
            out.push(q);
            continue;
        }
        if let Some(q) = doubling_at(c, i) {
            i = q.end;
            out.push(q);
            continue;
        }
        let starts_number = c[i].is_ascii_digit() || is_cn_numeral(c[i]);
        if !starts_number || (i > 0 && (c[i - 1].is_ascii_alphanumeric() || c[i - 1] == '.' && c[i].is_ascii_digit())) {
            i += 1;
            continue;
        }
        match quantity_at(c, i) {
            Some(q) => {
                i = q.end.max(i + 1);
                out.push(q);
            }
            None => {
                // Skip the whole numeral so that its tail is not read as another number.
                let mut j = i + 1;
                while j < n
                    && (c[j].is_ascii_digit()
                        || c[j] == '.'
                        || c[j] == '/'
                        || c[j] == ':'
                        || is_cn_numeral(c[j]) && !c[i].is_ascii_digit())
                {
                    j += 1;
                }
                i = j;
            }
        }
    }
    // 分别提高0.4个和1.4个百分点: the unit written once at the end of the list is every figure's.
    for k in (1..out.len()).rev() {
        if out[k].sort == Sort::Points && out[k - 1].unit == "个" {
            let between: String = c[out[k - 1].end..out[k].start].iter().collect();
            if matches!(between.as_str(), "和" | "、" | "及" | "与") {
                out[k - 1].unit = out[k].unit.clone();
                out[k - 1].sort = Sort::Points;
            }
        }
    }
    out
}

fn quantity_at(c: &[char], i: usize) -> Option<Quantity> {
    let n = c.len();
    let (raw, mut j, chinese) = numeral(c, i)?;
    let mut value = raw;
    // 近万人, 逾千家: a lone scale after a word of approximation counts one of it.
    let approximated = chinese
        && j == i + 1
        && matches!(c[i], '千' | '万')
        && i > 0
        && matches!(c[i - 1], '近' | '逾' | '超' | '过')
        && unit_at(&c[j..]).is_some();
    if chinese {
        // Chinese numeral runs: handle 百分之九 / 三分之一 / 三成 / 十九个 / 两万人.
        let run = &c[i..j];
        if starts_with(&c[i..], "百分之") {
            let (_, k, _) = numeral(c, i + 3).filter(|t| t.2)?;
            let v = parse_chinese(&c[i + 3..k])?;
            return Some(finish(c, i, i, k, v, None, "%", Sort::Percent, true));
        }
        if j < n && c[j] == '分' && j + 1 < n && c[j + 1] == '之' {
            let den = parse_chinese(run)?;
            let (_, k, is_cn) = numeral(c, j + 2)?;
            if !is_cn || den == 0.0 {
                return None;
            }
            let num = parse_chinese(&c[j + 2..k])?;
            return Some(finish(c, i, i, k, num / den * 100.0, None, "%", Sort::Percent, true));
        }
        // A lone scale character (万元GDP, 千方百计) is not a number; 千亿元 and 百亿元 are.
        if run.len() == 1 && matches!(run[0], '千' | '万' | '亿') && !approximated {
            return None;
        }
        let money_next = starts_with(&c[j..], "元") || starts_with(&c[j..], "美元");
        if run.len() > 1 && run.iter().all(|&ch| matches!(ch, '十' | '百' | '千' | '万' | '亿')) && !money_next {
            return None;
        }
        // 一 inside words (统一, 一体化, 唯一) is not a number either; require a unit right after.
        value = parse_chinese(run)?;
        if j < n && c[j] == '成' && (1.0..10.0).contains(&value) {
            return Some(finish(c, i, i, j + 1, value * 10.0, None, "%", Sort::Percent, true));
        }
    } else {
        // Arabic: years and dates are not quantities.
        if j < n && matches!(c[j], '年' | '月' | '日' | '号' | '时' | '周' | '届' | '次' | '期') && value.fract() == 0.0
        {
            let is_year = c[j] == '年' && j - i == 4;
            let is_date = matches!(c[j], '月' | '日' | '号' | '时' | '周' | '届');
            if is_year || is_date || c[j] == '年' {
                return None;
            }
        }
        // Fractions 1/3.
        if j + 1 < n && c[j] == '/' && c[j + 1].is_ascii_digit() {
            let (den, k, _) = numeral(c, j + 1)?;
            if den == 0.0 {
                return None;
            }
            return Some(finish(c, i, i, k, value / den * 100.0, None, "%", Sort::Percent, false));
        }
        // Ratios 2.6:41.9:55.5 are handled by the fact layer; skip here.
        if j < n && c[j] == ':' {
            return None;
        }
        if j < n && c[j] == '成' && value < 10.0 {
            return Some(finish(c, i, i, j + 1, value * 10.0, None, "%", Sort::Percent, false));
        }
    }
    // Scale words after a numeral: 405.4亿, 5.6万, 1.2万亿.
    let (f, k) = scale(&c[j..]);
    value = if chinese || f == 1.0 { value * f } else { shift_decimal(&c[i..j], f).unwrap_or(value * f) };
    j += k;
    // 余 / 多 between number and unit: 6000余起, 50多人, 3万余人.
    let mut approx_more = false;
    let mut k = k;
    let mut f = f;
    if j < n && (c[j] == '余' || c[j] == '多') {
        approx_more = true;
        j += 1;
        // 80多亿元, 20余万人: the scale after 多.
        if k == 0 {
            let (f2, k2) = scale(&c[j..]);
            if k2 > 0 {
                value *= f2;
                j += k2;
                (f, k) = (f2, k2);
            }
        }
    }
    // Range: 6%-6.5%, 6—6.5%, 6%至6.5%.
    let mut upper = None;
    let percent_first = j < n && c[j] == '%';
    if percent_first {
        j += 1;
    }
    if j + 1 < n
        && is_range_dash(c[j])
        && (c[j + 1].is_ascii_digit())
        && !chinese
        && let Some((hi, k, _)) = numeral(c, j + 1)
    {
        let (f2, ks) = scale(&c[k..]);
        let hi = hi * if ks > 0 { f2 } else { f };
        if hi > value && !(k < n && c[k] == '年') {
            upper = Some(hi);
            j = k + ks;
        }
    }
    let (unit, sort) = if percent_first || (j < n && c[j] == '%') {
        if !percent_first {
            j += 1;
        }
        ("%".to_string(), Sort::Percent)
    } else if j < n && c[j] == '‰' {
        j += 1;
        ("‰".to_string(), Sort::Percent)
    } else if j < n && c[j] == '倍' {
        j += 1;
        ("倍".to_string(), Sort::Times)
    } else if let Some((w, base, len)) = unit_at(&c[j..]) {
        // 两个维护, 三项制度: a small count in words is a name more often than a figure; 七万人 is a figure.
        if chinese && GENERIC_CLASSIFIERS.contains(&w) && !approximated && value < 10000.0 {
            return None;
        }
        j += len;
        let sort = if base == "个百分点" { Sort::Points } else { Sort::Amount };
        (base.to_string(), sort)
    } else if k > 0 && f >= 1e4 && !chinese && PEOPLE.iter().any(|w| starts_with(&c[j..], w)) {
        // 20万农民迁入新居, 72万农民按月领取养老金: people counted by who they are.
        ("人".to_string(), Sort::Amount)
    } else if k > 0
        && f >= 1e4
        && !chinese
        && (j >= n
            || matches!(c[j], '，' | '。' | '；' | '、' | '）' | '”')
            || suffix_comparator(&c[j..]).is_some()
            || starts_with(&c[j..], "大关"))
    {
        // 1386万 / 12.5亿 with the unit left to the reader: the fact layer infers it from the name.
        (String::new(), Sort::Amount)
    } else {
        return None;
    };
    if chinese && value == 1.0 && unit != "%" {
        // 一个, 一家 … 一 is an article more often than a count.
        return None;
    }
    // The unit written on both ends: 700辆至1000辆, 5万元—8万元 (到 is a change's end, not a range's).
    if upper.is_none()
        && !unit.is_empty()
        && sort == Sort::Amount
        && j + 1 < n
        && matches!(c[j], '-' | '—' | '～' | '~' | '至')
        && c[j + 1].is_ascii_digit()
        && !chinese
        && let Some((hi, k, false)) = numeral(c, j + 1)
        && let (f2, ks) = scale(&c[k..])
        && let Some((_, base, len)) = unit_at(&c[k + ks..])
        && base == unit
    {
        let hi = hi * if ks > 0 { f2 } else { 1.0 };
        if hi > value {
            upper = Some(hi);
            j = k + ks + len;
        }
    }
    let mut q = finish(c, i, i, j, value, upper, &unit, sort, chinese);
    if approx_more && q.comparator == Comparator::Eq {
        q.comparator = Comparator::Gt;
    }
    // 余 after the unit too: 50人余 is rare; 多 after 万: 3万多人 handled above.
    Some(q)
}

/// 翻一番 / 翻两番 / 翻番 / 翻倍: a change of +100% per doubling.
fn doubling_at(c: &[char], i: usize) -> Option<Quantity> {
    // 两位数增长 (at least 10%) and 成倍增长 (at least 100%): a growth told by its size in words.
    for (words, value) in [("两位数", 10.0), ("成倍", 100.0)] {
        if starts_with(&c[i..], words) {
            let end = i + words.chars().count();
            let rest = &c[end..];
            // 连续5年保持两位数增长 is a streak, not a figure of the year.
            let before: String = c[i.saturating_sub(10)..i].iter().collect();
            if before.contains("连续") {
                return None;
            }
            if starts_with(rest, "增长") || starts_with(rest, "的增长") || starts_with(rest, "以上增长") {
                let mut q = finish(c, i, i, end, value, None, "%", Sort::Doubling, true);
                q.comparator = Comparator::Gte;
                return Some(q);
            }
        }
    }
    if c[i] != '翻' {
        return None;
    }
    // 翻番 and 翻倍 (实现翻倍增长) double once.
    let (n, end) = if matches!(c.get(i + 1), Some('番' | '倍')) {
        (1, i + 2)
    } else {
        let n = match c.get(i + 1)? {
            '一' => 1,
            '两' | '二' => 2,
            '三' => 3,
            _ => return None,
        };
        if c.get(i + 2) != Some(&'番') {
            return None;
        }
        (n, i + 3)
    };
    let value = (2f64.powi(n) - 1.0) * 100.0;
    Some(finish(c, i, i, end, value, None, "%", Sort::Doubling, true))
}

/// Adds prefix and suffix modifiers around a numeral that runs from `num_start` to `end`.
#[allow(clippy::too_many_arguments)]
fn finish(
    c: &[char],
    start: usize,
    num_start: usize,
    end: usize,
    value: f64,
    upper: Option<f64>,
    unit: &str,
    sort: Sort,
    chinese: bool,
) -> Quantity {
    let mut comparator = if upper.is_some() { Comparator::Range } else { Comparator::Eq };
    let mut start = start;
    let mut end = end;
    if end < c.len() && (c[end] == '余' || c[end] == '多') && comparator == Comparator::Eq && sort == Sort::Amount {
        comparator = Comparator::Gt;
        end += 1;
    }
    if let Some((cmp, len)) = suffix_comparator(&c[end..]) {
        if comparator == Comparator::Eq || comparator == Comparator::Gt && cmp == Comparator::Gte {
            comparator = cmp;
        }
        end += len;
    } else if let Some((cmp, len)) = prefix_comparator(c, start)
        && comparator == Comparator::Eq
    {
        comparator = cmp;
        start -= len;
    }
    Quantity { start, end, num_start, value, upper, unit: unit.to_string(), sort, comparator, chinese }
}

/// Ranks: 居全市第2位, 全市第一, 首位, 榜首, 前三, 前三甲, 跻身…10强, 入选全国百强区, 十佳.
fn rank_at(c: &[char], i: usize) -> Option<Quantity> {
    let n = c.len();
    // The scope of a ranking (全国, 全省, 排名, 位列): within a few characters, or further back where
    // the place is written with 第…位 (排名由上年的第9位上升到第8位; 位列全国169个重点城市第4).
    let scope_before = |at: usize, reach: usize| {
        let from = at.saturating_sub(reach);
        let before: String = c[from..at].iter().collect();
        [
            "全国", "全省", "全市", "全区", "全县", "全州", "同类", "居", "列", "排名", "排", "位次", "获评", "蝉联",
            "保持",
        ]
        .iter()
        .any(|w| before.contains(w))
    };
    let mk = |start: usize, end: usize, v: f64, cmp: Comparator| Quantity {
        start,
        end,
        num_start: start,
        value: v,
        upper: None,
        unit: "位".to_string(),
        sort: Sort::Rank,
        comparator: cmp,
        chinese: false,
    };
    if c[i] == '第' && i + 1 < n {
        let (v, k, chinese) = numeral(c, i + 1)?;
        let v = if chinese { parse_chinese(&c[i + 1..k])? } else { v };
        if v == 0.0 || v > 200.0 {
            return None;
        }
        let mut end = k;
        if end < n && matches!(c[end], '位' | '名') {
            end += 1;
        } else if end < n && c[end].is_alphanumeric() && c[end] != '的' {
            // 第五届, 第四次, 第一批: the ordinal of something else.
            return None;
        }
        if !scope_before(i, 20) {
            return None;
        }
        return Some(mk(i, end, v, Comparator::Eq));
    }
    // 提升至全国12位: a position written without 第, right after its scope.
    if c[i].is_ascii_digit() && ["全国", "全省", "全市", "全区", "全县"].iter().any(|w| ends_with(&c[..i], w))
    {
        let (v, k, _) = numeral(c, i)?;
        if c.get(k) == Some(&'位') && (1.0..=500.0).contains(&v) && v.fract() == 0.0 {
            return Some(mk(i, k + 1, v, Comparator::Eq));
        }
    }
    if (starts_with(&c[i..], "首位") || starts_with(&c[i..], "榜首")) && scope_before(i, 8) {
        return Some(mk(i, i + 2, 1.0, Comparator::Eq));
    }
    if c[i] == '前' && i + 1 < n {
        let (v, k, chinese) = numeral(c, i + 1)?;
        let v = if chinese { parse_chinese(&c[i + 1..k])? } else { v };
        if !(2.0..=500.0).contains(&v) {
            return None;
        }
        let mut end = k;
        if starts_with(&c[end..], "甲") || matches!(c.get(end), Some('位' | '名' | '强')) {
            end += 1;
        } else if !matches!(c.get(end), None | Some('，' | '、' | '。' | '；')) {
            return None;
        }
        if !scope_before(i, 8) {
            return None;
        }
        return Some(mk(i, end, v, Comparator::Lte));
    }
    // N强 / 百强县 / 十佳, after 入选, 跻身, 进入, 位列, 荣登 …
    if c[i].is_ascii_digit() || matches!(c[i], '十' | '百' | '千') {
        let (v, k, chinese) = numeral(c, i)?;
        let v = if chinese { parse_chinese(&c[i..k])? } else { v };
        if k < n && matches!(c[k], '强' | '佳') && v >= 3.0 {
            let from = i.saturating_sub(10);
            let before: String = c[from..i].iter().collect();
            if ["入选", "跻身", "进入", "位列", "荣登", "入围", "列入", "晋级", "跃居", "跨入", "迈入", "评为", "成为"]
                .iter()
                .any(|w| before.contains(w))
            {
                return Some(mk(i, k + 1, v, Comparator::Lte));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Quantity {
        let c: Vec<char> = s.chars().collect();
        let qs = scan(&c);
        assert_eq!(qs.len(), 1, "{s}: {qs:?}");
        qs.into_iter().next().expect("one")
    }

    fn none(s: &str) {
        let c: Vec<char> = s.chars().collect();
        let qs = scan(&c);
        assert!(qs.is_empty(), "{s}: {qs:?}");
    }

    fn check(s: &str, value: f64, unit: &str, cmp: Comparator) {
        let q = one(s);
        assert!((q.value - value).abs() <= value.abs() * 1e-9, "{s}: {} != {value}", q.value);
        assert_eq!(q.unit, unit, "{s}");
        assert_eq!(q.comparator, cmp, "{s}");
    }

    #[test]
    fn scale_words_fold_into_value() {
        check("地区生产总值405.4亿元", 405.4e8, "元", Comparator::Eq);
        check("5.6万人", 56000.0, "人", Comparator::Eq);
        check("1.2万亿元", 1.2e12, "元", Comparator::Eq);
        check("2000万美元", 2e7, "美元", Comparator::Eq);
        check("106.7万平方米", 1_067_000.0, "平方米", Comparator::Eq);
        check("3千万元", 3e7, "元", Comparator::Eq);
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(parse_chinese(&"十九".chars().collect::<Vec<_>>()), Some(19.0));
        assert_eq!(parse_chinese(&"一百二十".chars().collect::<Vec<_>>()), Some(120.0));
        assert_eq!(parse_chinese(&"两万三千".chars().collect::<Vec<_>>()), Some(23000.0));
        assert_eq!(parse_chinese(&"二〇一九".chars().collect::<Vec<_>>()), Some(2019.0));
        assert_eq!(parse_chinese(&"十".chars().collect::<Vec<_>>()), Some(10.0));
        assert_eq!(parse_chinese(&"三亿".chars().collect::<Vec<_>>()), Some(3e8));
        check("两万吨", 20000.0, "吨", Comparator::Eq);
    }

    #[test]
    fn fractions_and_shares() {
        check("压减1/3以上", 100.0 / 3.0, "%", Comparator::Gte);
        check("压减三分之一", 100.0 / 3.0, "%", Comparator::Eq);
        check("百分之九", 9.0, "%", Comparator::Eq);
        check("提高三成", 30.0, "%", Comparator::Eq);
    }

    #[test]
    fn modifiers() {
        check("增长7.5%左右", 7.5, "%", Comparator::Approx);
        check("增长9%以上", 9.0, "%", Comparator::Gte);
        check("控制在3.5%以内", 3.5, "%", Comparator::Lte);
        check("突破10亿元", 1e9, "元", Comparator::Gt);
        check("超过150%", 150.0, "%", Comparator::Gt);
        check("6000余起", 6000.0, "起", Comparator::Gt);
        check("50多人", 50.0, "人", Comparator::Gt);
        check("不低于90%", 90.0, "%", Comparator::Gte);
        check("约3亿元", 3e8, "元", Comparator::Approx);
    }

    #[test]
    fn ranges() {
        for s in ["增长6%-6.5%", "增长6.0%—6.5%", "增长6-6.5%", "增长6%至6.5%", "增长6%～6.5%"] {
            let q = one(s);
            assert_eq!((q.value, q.upper, q.comparator), (6.0, Some(6.5), Comparator::Range), "{s}");
        }
    }

    #[test]
    fn years_dates_and_names_are_not_quantities() {
        none("2019年是关键之年");
        none("1月10日");
        none("十九届二中全会");
        none("万元GDP能耗");
        none("千方百计");
        none("PM2.5浓度");
        none("三个重点");
        none("一个目标");
        none("5G基站");
        none("存在20余年");
    }

    #[test]
    fn ranks() {
        let q = one("均居全市第2位");
        assert_eq!((q.value, q.sort, q.comparator), (2.0, Sort::Rank, Comparator::Eq));
        assert_eq!(one("综合考核全市第一").value, 1.0);
        assert_eq!(one("位居全省首位").value, 1.0);
        let q = one("跻身全国前三");
        assert_eq!((q.value, q.comparator), (3.0, Comparator::Lte));
        let q = one("入选全国百强区");
        assert_eq!((q.value, q.comparator), (100.0, Comparator::Lte));
        none("第五届中国建陶产区大型巡回论坛");
        none("连续第7年");
    }

    #[test]
    fn times() {
        let q = one("是2010年的1.5倍");
        assert_eq!((q.value, q.sort), (1.5, Sort::Times));
    }
}
