//! Robustness: the reader never panics, whatever it is given, and reads pathological inputs through
//! (their speed is measured in benches/read.rs, not timed here). Numeral parsing is checked against
//! its definition on generated numbers.

use duban_report::{Options, quantity, read, read_text};
use proptest::prelude::*;

#[path = "../benches/pathological.rs"]
mod pathological;
use pathological::pathological;

#[test]
fn pathological_inputs_are_read_through() {
    for (name, text) in pathological() {
        let r = read_text(&text, &Options::default());
        // Something sensible came out, and offsets stay inside the text.
        let len = r.text.chars().count();
        assert!(r.facts.iter().all(|f| f.start <= f.end && f.end <= len), "{name}");
        if name == "no punctuation" {
            assert!(!r.facts.is_empty(), "{name}: the figures are still found");
        }
    }
}

#[test]
fn offsets_point_at_the_clause() {
    let r = read_text("一、2018年工作回顾\n全年完成地区生产总值405.4亿元，同比增长9.2%。", &Options::default());
    let chars: Vec<char> = r.text.chars().collect();
    for f in &r.facts {
        let at: String = chars[f.start..f.end].iter().collect();
        assert_eq!(at, f.text);
    }
    assert_eq!(r.facts.len(), 2);
}

/// Writes a non-negative integer below 10^8 in Chinese numerals, the way reports do.
fn to_chinese(mut n: u64) -> String {
    const D: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    fn below_10000(n: u64, out: &mut String, leading: bool) {
        let digits = [n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10];
        let units = ['千', '百', '十'];
        let (mut pending_zero, mut started) = (false, false);
        for (k, &d) in digits.iter().enumerate() {
            if d == 0 {
                pending_zero = started;
                continue;
            }
            if pending_zero {
                out.push('零');
                pending_zero = false;
            }
            // 十九, not 一十九, at the very start of a number.
            if !(k == 2 && d == 1 && !started && leading) {
                out.push(D[d as usize]);
            }
            if k < 3 {
                out.push(units[k]);
            }
            started = true;
        }
    }
    if n == 0 {
        return "零".into();
    }
    let mut out = String::new();
    let wan = n / 10_000;
    n %= 10_000;
    if wan > 0 {
        below_10000(wan, &mut out, true);
        out.push('万');
        if n > 0 && n < 1000 {
            out.push('零');
        }
    }
    if n > 0 {
        below_10000(n, &mut out, wan == 0);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn chinese_numerals_parse_to_their_value(n in 1u64..100_000_000) {
        let written = to_chinese(n);
        let chars: Vec<char> = written.chars().collect();
        prop_assert_eq!(quantity::parse_chinese(&chars), Some(n as f64), "{}", written);
    }

    #[test]
    fn arabic_amounts_with_scale_fold(int in 1u32..100_000, frac in 0u32..100, scale in 0usize..3) {
        let (word, factor) = [("", 1.0), ("万", 1e4), ("亿", 1e8)][scale];
        let text = format!("收入{int}.{frac:02}{word}元");
        let chars: Vec<char> = text.chars().collect();
        let qs = quantity::scan(&chars);
        prop_assert_eq!(qs.len(), 1);
        let expect = (int as f64 + frac as f64 / 100.0) * factor;
        prop_assert!((qs[0].value - expect).abs() <= expect * 1e-12, "{} → {}", text, qs[0].value);
        prop_assert_eq!(qs[0].unit.as_str(), "元");
    }

    #[test]
    fn full_width_digits_read_like_ascii(n in 1u32..1_000_000) {
        let ascii = format!("新增就业{n}人");
        let wide: String = ascii.chars().map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).unwrap_or(c) } else { c }).collect();
        let a = read_text(&ascii, &Options::default());
        let w = read_text(&wide, &Options::default());
        prop_assert_eq!(a.facts.len(), 1);
        prop_assert_eq!(a.facts[0].value, w.facts[0].value);
    }

    #[test]
    fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read(&bytes, &Options::default());
    }

    #[test]
    fn any_report_like_text_never_panics(s in "[一二三四五六七八九十百千万亿两零〇0-9.%、，。；：（）“”《》分别增长下降达到以上左右以内突破亿元万人个家第位前强年月日\n ]{0,300}") {
        let r = read_text(&s, &Options::default());
        let len = r.text.chars().count();
        prop_assert!(r.facts.iter().all(|f| f.end <= len));
    }

    #[test]
    fn any_minutes_like_text_never_panics(s in "[一二三四五六七八九十0-9、，。；：（）()由请要牵头负责配合会同县局委办街道各村月日年底前之前会议议定要求
 ]{0,300}") {
        // Whatever it proposes is read from the text: each lead unit stands in its decision's words.
        let m = duban_report::read_minutes(&s);
        for d in &m.decisions {
            prop_assert!(d.lead_unit.as_ref().is_none_or(|u| !u.is_empty() && d.text.contains(u.as_str())), "{:?}", d);
        }
    }
}

#[test]
fn chinese_writer_is_right() {
    assert_eq!(to_chinese(19), "十九");
    assert_eq!(to_chinese(105), "一百零五");
    assert_eq!(to_chinese(1010), "一千零一十");
    assert_eq!(to_chinese(23000), "二万三千");
    assert_eq!(to_chinese(100_005), "十万零五");
}

#[test]
fn outline_offsets_are_characters_of_the_text() {
    let r = read_text(
        "一、2018年工作回顾\n全年完成地区生产总值405.4亿元，同比增长9.2%。新增就业7650人。",
        &Options::default(),
    );
    let chars: Vec<char> = r.text.chars().collect();
    let outline = r.outline();
    assert_eq!(outline.len(), 2);
    let body = &outline[1];
    assert_eq!(body.sentences.len(), 2);
    let text = |s: &duban_report::CharSpan| chars[s.start..s.end].iter().collect::<String>();
    assert_eq!(text(&body.sentences[1].span), "新增就业7650人。");
    assert_eq!(text(&body.sentences[0].clauses[1]), "同比增长9.2%");
    assert_eq!(text(&body.span), "全年完成地区生产总值405.4亿元，同比增长9.2%。新增就业7650人。");
}
