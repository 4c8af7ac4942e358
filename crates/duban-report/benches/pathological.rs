//! 1 MB inputs that break naive readers: one long number, an endless list, unmatched brackets, a
//! sentence without an end, quotes that never close. Shared by the robustness test (which reads them
//! through) and the bench (which times them).

pub fn pathological() -> Vec<(&'static str, String)> {
    let mb = 1 << 20;
    let rep = |s: &str| s.repeat(mb / s.len() + 1);
    vec![
        ("digits", rep("1234567890")),
        ("dunhao", rep("、")),
        ("brackets", rep("（“《")),
        ("endless sentence", rep("全年完成地区生产总值405.4亿元，同比增长9.2%，")),
        ("no punctuation", rep("新增城镇就业4900人")),
        ("quotes", rep("\"5656\"行动")),
        ("thousands", rep("1,234,")),
        ("lines", rep("405.\n4")),
        ("headings", rep("一、\n")),
    ]
}
