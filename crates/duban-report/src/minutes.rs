//! Meeting minutes (会议纪要, 会议议定事项): each decision that hands work to someone becomes a proposed
//! matter, with the lead unit from 由X牵头 / X负责 / 请X / X要, the co-units from …配合 / 会同…, and
//! the deadline from the text (…前完成, 年底前) in the meeting's year. What a meeting only heard or
//! approved (会议听取了…汇报, 会议原则同意…) and exhortations to everyone (各级各部门要…) are no
//! decisions. The office confirms every proposal, as with a report's tasks.

use serde::Serialize;

use crate::normalize::normalize;
use crate::structure::{numeric_dates, years};
use crate::tasks::{Deadline, deadline, month_day_ending_at};

/// What the reader found in a meeting's minutes.
#[derive(Debug, Clone, Serialize)]
pub struct Minutes {
    /// The line that names the meeting (…会议纪要, 第N次常务会议).
    pub title: Option<String>,
    /// Its number as written: 〔2019〕12号, 第32次.
    pub number: Option<String>,
    /// The day of the meeting (YYYY-MM-DD), where the text tells it.
    pub date: Option<String>,
    pub decisions: Vec<Decision>,
}

/// One decision: the work, who leads it, who helps, by when.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub text: String,
    pub lead_unit: Option<String>,
    pub co_units: Vec<String>,
    pub deadline: Option<Deadline>,
}

/// How the names of bodies end: 县财政局, 区收储办, 融媒体中心, 漾月街道, 各村, 起草组.
const UNIT_ENDS: &[&str] = &[
    "局",
    "委",
    "办",
    "中心",
    "公司",
    "街道",
    "镇",
    "乡",
    "村",
    "部门",
    "管委会",
    "单位",
    "小组",
    "政府",
    "院",
    "所",
    "站",
    "队",
    "馆",
    "社",
    "办公室",
    "指挥部",
    "集团",
    "起草组",
    "分局",
    "处",
    "科",
    "会",
];

/// Everyone, nobody in particular: an exhortation, not an assignment.
const EVERYONE: &[&str] =
    &["各级各部门", "各级各有关部门", "各有关部门", "各相关部门", "各级各单位", "其他涉及部门", "相关部门必须"];

/// What a meeting does that assigns nothing by itself.
const NOTING: &[&str] =
    &["会议听取", "会议审议", "会议传达", "会议指出", "会议认为", "会议原则同意", "会议同意", "会议研究"];

/// Reads the minutes of a meeting.
pub fn read_minutes(raw: &str) -> Minutes {
    let text = normalize(raw);
    let year = meeting_year(raw, &text);
    let date = meeting_day(&text, year);
    let title = text
        .lines()
        .map(str::trim)
        .take(12)
        .find(|l| (l.contains("纪要") || l.contains("会议")) && l.chars().count() <= 40 && !l.contains('，'))
        .map(str::to_string);
    let number = meeting_number(&text);
    let mut decisions = Vec::new();
    for sentence in sentences(&text) {
        if let Some(d) = decision(sentence, year) {
            decisions.push(d);
        }
    }
    Minutes { title, number, date, decisions }
}

/// Sentences and numbered items: split at 。 ； and at item markers (一是, （1）, 1.) inside a line.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        for s in line.split_inclusive(['。', '；']) {
            let s = s.trim().trim_end_matches(['。', '；']);
            if s.chars().count() >= 6 {
                out.push(s);
            }
        }
    }
    out
}

fn decision(sentence: &str, year: Option<i32>) -> Option<Decision> {
    // The words before an item's own: 会议要求， / 会议明确， / 某某强调， / 一、 / （1）.
    let body = strip_lead_in(sentence);
    if NOTING.iter().any(|w| body.starts_with(w)) && !assigns(body) {
        return None;
    }
    let when = deadline(body, year.unwrap_or(0));
    if EVERYONE.iter().any(|w| body.starts_with(w)) && when.is_none() {
        return None;
    }
    // Who chaired and who attended; what was said or done at the meeting (提出了, 作了说明).
    if ["主持", "参加会议", "出席会议", "参会", "列席"].iter().any(|w| body.contains(w))
        || body.contains('了') && !assigns(body) && !body.contains('要') && !body.contains("务必")
    {
        return None;
    }
    match units_of(body).filter(|(lead, _)| when.is_some() || !generic(lead)) {
        Some((lead_unit, co_units)) => {
            Some(Decision { text: sentence.to_string(), lead_unit: Some(lead_unit), co_units, deadline: when })
        }
        // 会议要求，…成立…领导小组: a directive of the meeting that names no body is still work to be
        // done; the office assigns it.
        None if directed(sentence) && DIRECTED_WORK.iter().any(|w| body.contains(w)) => {
            Some(Decision { text: sentence.to_string(), lead_unit: None, co_units: Vec::new(), deadline: when })
        }
        None => None,
    }
}

/// A group named by its kind, not by name (县级相关部门, 各单位): everyone again.
fn generic(name: &str) -> bool {
    let name = ["县级", "区级", "市级", "县直", "区直", "市直", "全县", "全区", "全市"]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name);
    ["相关", "有关", "各部门", "各单位", "各级"].iter().any(|w| name.starts_with(w))
}

/// The verbs of work a meeting directs: 成立…小组, 召开…会, 制定…方案.
const DIRECTED_WORK: &[&str] = &["成立", "召开", "制定", "组织", "开展", "完成", "落实", "建立", "出台"];

/// Whether the meeting's own words direct what follows (会议要求, 会议决定, 议定).
fn directed(sentence: &str) -> bool {
    let head = sentence.trim_start_matches(|c: char| {
        c.is_ascii_digit() || "一二三四五六七八九十、.（）()：:，".contains(c) || c.is_whitespace()
    });
    ["会议要求", "会议决定", "会议明确", "议定"].iter().any(|w| head.starts_with(w))
}

/// Whether the words hand work to a body: 请X…, 由X牵头, 责成X.
fn assigns(body: &str) -> bool {
    ["请", "由", "责成", "交由", "牵头", "负责"].iter().any(|w| body.contains(w))
}

fn strip_lead_in(s: &str) -> &str {
    let mut s = s.trim_start_matches(|c: char| {
        c.is_ascii_digit() || "一二三四五六七八九十、.（）()是：:，".contains(c) || c.is_whitespace()
    });
    for lead in ["会议要求", "会议明确", "会议决定", "会议议定", "会议强调", "议定", "同时", "并"]
    {
        if let Some(rest) = s.strip_prefix(lead) {
            s = rest.trim_start_matches(['，', '：', ',', ':']);
        }
    }
    // 曲道凯要求，… / 常务副镇长方仁良要求各村…: a leader's words; the assignment follows.
    if let Some(i) = s.find("要求").filter(|&i| s[..i].chars().count() <= 20) {
        s = s[i + "要求".len()..].trim_start_matches(['，', '：']);
    }
    s
}

/// The lead unit and the co-units the words name.
fn units_of(body: &str) -> Option<(String, Vec<String>)> {
    let co = |s: &str| -> Vec<String> {
        // …，A、B配合 / 会同A、B
        for marker in ["配合", "协助", "参与", "积极参与"] {
            if let Some(i) = s.find(marker) {
                let before = &s[..i];
                let from = before.rfind(['，', '；']).map_or(0, |k| k + '，'.len_utf8());
                let names = unit_list(&before[from..]);
                if !names.is_empty() {
                    return names;
                }
            }
        }
        if let Some(i) = s.find("会同") {
            let after = &s[i + "会同".len()..];
            let to = after.find(['，', '；']).unwrap_or(after.len());
            return unit_list(&after[..to]);
        }
        Vec::new()
    };
    // 由A牵头 / 由A负责 (A may be a list: the first leads).
    if let Some(i) = body.find('由') {
        let after = &body[i + '由'.len_utf8()..];
        for end in ["牵头", "负责"] {
            if let Some(j) = after.find(end).filter(|&j| after[..j].chars().count() <= 24) {
                let names = unit_list(&after[..j]);
                if let Some((first, rest)) = names.split_first()
                    && is_unit(first)
                {
                    let mut co_units = rest.to_vec();
                    co_units.extend(co(&after[j..]));
                    return Some((first.clone(), co_units));
                }
                // 由马娜牵头，区收储办、区自然资源和规划分局负责: the person leads; the bodies do it.
                if let Some(k) = after[j..].find("负责") {
                    let seg = &after[j..j + k];
                    let from = seg.rfind(['，', '；']).map_or(0, |x| x + '，'.len_utf8());
                    let names = unit_list(&seg[from..]);
                    if let Some((first, rest)) = names.split_first() {
                        return Some((first.clone(), rest.to_vec()));
                    }
                }
            }
        }
    }
    // 请A按…, 责成A…
    for w in ["责成", "请", "交由"] {
        if let Some(i) = body.find(w) {
            let after = &body[i + w.len()..];
            if let Some(name) = leading_unit(after) {
                return Some((name, co(after)));
            }
        }
    }
    // A牵头…, A要…, A负责…, A务必…: the subject before the verb.
    for verb in ["牵头", "要", "负责", "务必", "抓紧"] {
        if let Some(i) = body.find(verb) {
            let subject = &body[..i];
            let from = subject.rfind(['，', '；', '：']).map_or(0, |k| k + '，'.len_utf8());
            let names = unit_list(&subject[from..]);
            if let Some((first, rest)) = names.split_first()
                && is_unit(first)
            {
                let mut co_units = rest.to_vec();
                co_units.extend(co(&body[i..]));
                return Some((first.clone(), co_units));
            }
        }
    }
    None
}

/// A body named at the start of the words: 县财政局按会议讨论意见… → 县财政局.
fn leading_unit(s: &str) -> Option<String> {
    let head: String = s.chars().take(20).collect();
    let mut best: Option<usize> = None;
    for end in UNIT_ENDS {
        for (i, _) in head.match_indices(end) {
            let e = i + end.len();
            if head[..i].chars().count() >= 1 && best.is_none_or(|b| e < b) {
                best = Some(e);
            }
        }
    }
    let name = head[..best?].trim_matches(['，', '、']).to_string();
    (name.chars().count() >= 2 && !name.contains('，')).then_some(name)
}

/// 天管会、龙潭乡、征收中心、自然资源规划等部门 → 天管会, 龙潭乡, 征收中心, 自然资源规划.
fn unit_list(s: &str) -> Vec<String> {
    let s = s.trim().trim_start_matches(['，', '、', '：']);
    let s = ["等部门", "等单位", "等"].iter().find_map(|w| s.strip_suffix(w)).unwrap_or(s);
    let mut names: Vec<String> = Vec::new();
    for part in s.split('、') {
        // 经济开发区和国土局: two bodies; 县发展和改革局: one.
        let halves: Vec<&str> = part.split(['和', '及']).collect();
        if halves.len() > 1 && halves.iter().all(|h| is_unit(h.trim())) {
            names.extend(halves.iter().map(|h| h.trim().to_string()));
        } else {
            names.push(part.trim().to_string());
        }
    }
    names
        .into_iter()
        .map(|n| n.trim_start_matches('由').to_string())
        .filter(|n| (2..=16).contains(&n.chars().count()) && !n.contains(['，', '：']))
        .collect()
}

fn is_unit(name: &str) -> bool {
    UNIT_ENDS.iter().any(|e| name.ends_with(e)) || name.starts_with('各') && name.chars().count() <= 4
}

/// The year the meeting was held: a written date (2022年6月14日), a page date (2022-06-16), or the
/// first year named.
fn meeting_year(raw: &str, text: &str) -> Option<i32> {
    let top: String = raw.chars().take(600).collect();
    if let Some((y, _)) = numeric_dates(&top).first() {
        return Some(*y);
    }
    let head: String = text.chars().take(400).collect();
    years(&head).next().map(|(_, y)| y)
}

/// The day of the meeting: the first 月…日 near the top, in the meeting's year.
fn meeting_day(text: &str, year: Option<i32>) -> Option<String> {
    let year = year?;
    let head: Vec<char> = text.chars().take(400).collect();
    let (m, d, _) = (0..head.len()).filter(|&i| head[i] == '日').find_map(|i| month_day_ending_at(&head, i))?;
    Some(format!("{year:04}-{m:02}-{d:02}"))
}

/// 〔2011〕80号 or 第32次.
fn meeting_number(text: &str) -> Option<String> {
    let head: String = text.chars().take(400).collect();
    if let (Some(i), Some(j)) = (head.find('〔'), head.find('号'))
        && i < j
        && head[i..j].chars().count() <= 12
    {
        return Some(head[i..j + '号'.len_utf8()].to_string());
    }
    let i = head.find('第')?;
    let rest = &head[i..];
    let j = rest.find('次')?;
    let digits = &rest['第'.len_utf8()..j];
    (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then(|| rest[..j + '次'.len_utf8()].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lead_unit_its_helpers_and_a_deadline() {
        let m = read_minutes(
            "6月14日，县长主持召开推进会。由县发展和改革局牵头，县委党校、县自然资源局配合，在9月底前完成供地工作。",
        );
        let d = &m.decisions[0];
        assert_eq!(d.lead_unit.as_deref(), Some("县发展和改革局"));
        assert_eq!(d.co_units, vec!["县委党校", "县自然资源局"]);
        assert_eq!(d.deadline.as_ref().and_then(|d| d.date.clone()), None); // no year in the text
    }

    #[test]
    fn what_a_meeting_only_heard_is_no_decision() {
        let m =
            read_minutes("2019年3月2日，区政府召开常务会议。会议听取了区财政局关于预算的汇报。会议原则同意该方案。");
        assert!(m.decisions.is_empty(), "{:?}", m.decisions);
        assert_eq!(m.date.as_deref(), Some("2019-03-02"));
    }

    #[test]
    fn please_names_the_unit() {
        let m = read_minutes("议定：原则同意分配方案，请县财政局按照会议讨论意见作进一步修改完善。");
        assert_eq!(m.decisions[0].lead_unit.as_deref(), Some("县财政局"));
    }
}
