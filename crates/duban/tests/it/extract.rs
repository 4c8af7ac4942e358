//! `duban extract`: formats, directories with bad files, tasks, exit codes.

use std::fs;
use std::io::Write;

use calamine::{DataType, Reader, Xlsx, open_workbook};
use serde_json::Value;

use crate::{duban, seed_path, stderr, stdout};

fn seed() -> String {
    seed_path().display().to_string()
}

#[test]
fn json_of_the_seed_has_its_facts_and_years() {
    let o = duban(&["extract", "--format", "json", &seed()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["plan_year"], 2019);
    assert_eq!(v["review_year"], 2018);
    assert_eq!(v["jurisdiction"], "罗庄区");
    let facts = v["facts"].as_array().expect("facts");
    assert!(facts.len() > 150, "{}", facts.len());
    let gdp = facts.iter().find(|f| f["indicator"] == "地区生产总值" && f["measure"] == "level").expect("GDP");
    assert_eq!(gdp["value"].as_f64(), Some(40_540_000_000.0));
    assert_eq!(gdp["unit"], "元");
    assert_eq!(gdp["kind"], "actual");
    assert!(v.get("tasks").is_none(), "tasks only with --tasks");
}

#[test]
fn tasks_carry_units_deadlines_and_facts() {
    let o = duban(&["extract", "--tasks", &seed()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("json");
    let tasks = v["tasks"].as_array().expect("tasks");
    assert!(tasks.len() > 50, "{}", tasks.len());
    let kg =
        tasks.iter().find(|t| t["text"].as_str().is_some_and(|s| s.contains("幼儿园6所"))).expect("kindergarten task");
    assert_eq!(kg["lead_unit"], "教育和体育局");
    assert!(!kg["facts"].as_array().expect("facts").is_empty());
    let jobs = tasks.iter().find(|t| t["text"].as_str().is_some_and(|s| s.contains("4900人"))).expect("jobs task");
    assert_eq!(jobs["lead_unit"], "人力资源和社会保障局");
    assert_eq!(jobs["deadline"]["date"], "2019-12-31");
    let water = tasks.iter().find(|t| t["text"].as_str().is_some_and(|s| s.contains("分两年"))).expect("water task");
    assert_eq!(water["deadline"]["date"], "2020-12-31");
    assert!(
        tasks
            .iter()
            .any(|t| t["lead_unit"].is_null() && t["lead_unit_reason"].as_str().is_some_and(|r| r.contains("无匹配")))
    );
    // Every task sits under a heading of the plan.
    assert!(tasks.iter().all(|t| !t["section"].as_array().expect("section").is_empty()));
}

#[test]
fn directory_with_bad_files_reports_them_and_reads_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::copy(seed_path(), dir.path().join("a-seed.txt")).expect("copy");
    fs::write(dir.path().join("b-image.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("png");
    fs::write(dir.path().join("c-empty.txt"), b"").expect("empty");
    let text = fs::read_to_string(seed_path()).expect("seed");
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    fs::create_dir(dir.path().join("sub")).expect("subdir");
    fs::write(dir.path().join("sub/d-gb18030.txt"), &gb).expect("gb");
    let o = duban(&["extract", "--format", "json", "--quiet", &dir.path().display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("b-image.png") && err.contains("PNG"), "{err}");
    assert!(err.contains("c-empty.txt") && err.contains("empty"), "{err}");
    let lines: Vec<Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    assert_eq!(lines.len(), 2, "one object per readable report");
    assert!(lines[1]["source"].as_str().expect("source").ends_with("d-gb18030.txt"));
    assert_eq!(lines[0]["facts"], lines[1]["facts"], "GB18030 reads the same as UTF-8");
}

#[test]
fn nothing_readable_is_an_error_and_nothing_found_is_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let png = dir.path().join("x.png");
    fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0").expect("png");
    let o = duban(&["extract", &png.display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nothing could be read"), "{}", stderr(&o));
    let plain = dir.path().join("plain.txt");
    fs::write(&plain, "各位代表：现在我代表区人民政府向大会报告工作。").expect("txt");
    let o = duban(&["extract", &plain.display().to_string()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = duban(&["extract", &dir.path().join("missing.txt").display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.txt"));
}

#[test]
fn csv_panel_has_a_row_per_fact_with_its_source() {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..3 {
        fs::copy(seed_path(), dir.path().join(format!("r{i}.txt"))).expect("copy");
    }
    let single = duban(&["extract", &seed()]);
    let per_file =
        serde_json::from_str::<Value>(&stdout(&single)).expect("json")["facts"].as_array().expect("facts").len();
    let o = duban(&["extract", "--format", "csv", "--quiet", &dir.path().display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    let headers = r.headers().expect("headers").clone();
    assert_eq!(&headers[0], "source");
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    assert_eq!(rows.len(), 3 * per_file);
    let ind = headers.iter().position(|h| h == "indicator").expect("indicator column");
    assert!(rows.iter().any(|row| &row[ind] == "新增城镇就业"));
}

#[test]
fn xlsx_opens_and_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("panel.xlsx");
    let o = duban(&["extract", "--format", "xlsx", "--tasks", "-o", &out.display().to_string(), &seed()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut book: Xlsx<_> = open_workbook(&out).expect("a real xlsx");
    let names = book.sheet_names();
    assert_eq!(names, vec!["指标 facts", "任务 tasks", "文件 files"]);
    let facts = book.worksheet_range("指标 facts").expect("facts sheet");
    let header: Vec<String> = facts.rows().next().expect("header").iter().map(|c| c.to_string()).collect();
    assert_eq!(header[6], "indicator");
    let gdp = facts.rows().find(|r| r[6] == "地区生产总值" && r[8] == "level").expect("GDP row");
    assert_eq!(gdp[10].get_float(), Some(40_540_000_000.0), "value is a number cell");
    let tasks = book.worksheet_range("任务 tasks").expect("tasks sheet");
    assert!(tasks.rows().count() > 50);
    assert_eq!(tasks.rows().next().expect("header")[4].to_string(), "牵头单位");
}

#[test]
fn html_page_and_docx_read_like_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let html = dir.path().join("page.html");
    fs::write(
        &html,
        "<html><head><title>某区政府工作报告</title><script>var x=1;</script></head><body><div class=nav>无障碍浏览</div>\
         <div>您现在的位置：首页 &gt; 政府工作报告</div><p>一、2020年工作回顾</p><p>全年完成地区生产总值405.4亿元，同比增长9.2%。</p>\
         <p>二、2021年工作安排</p><p>年内新增城镇就业4900人。</p><div>关闭窗口</div></body></html>",
    )
    .expect("html");
    let docx = dir.path().join("report.docx");
    {
        let f = fs::File::create(&docx).expect("docx");
        let mut z = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", opts).expect("zip");
        z.write_all(
            br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
        )
        .expect("zip");
        z.start_file("word/document.xml", opts).expect("zip");
        let body = [
            "一、2020年工作回顾",
            "全年完成地区生产总值405.4亿元，同比增长9.2%。",
            "二、2021年工作安排",
            "年内新增城镇就业4900人。",
        ]
        .iter()
        .map(|p| format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"))
        .collect::<String>();
        write!(z, r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#).expect("zip");
        z.finish().expect("zip");
    }
    for path in [&html, &docx] {
        let o = duban(&["extract", &path.display().to_string()]);
        assert!(o.status.success(), "{}: {}", path.display(), stderr(&o));
        let v: Value = serde_json::from_str(&stdout(&o)).expect("json");
        let facts = v["facts"].as_array().expect("facts");
        let summary: Vec<(String, String, i64)> = facts
            .iter()
            .map(|f| {
                (
                    f["kind"].as_str().unwrap_or("").to_string(),
                    f["indicator"].as_str().unwrap_or("").to_string(),
                    f["year"].as_i64().unwrap_or(0),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("actual".into(), "地区生产总值".into(), 2020),
                ("actual".into(), "地区生产总值".into(), 2020),
                ("target".into(), "新增城镇就业".into(), 2021)
            ],
            "{}",
            path.display()
        );
    }
}

#[test]
fn table_format_and_year_hint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("news.txt");
    fs::write(&p, "全市生产总值增长7%左右，新增城镇就业1.2万人。").expect("txt");
    let o = duban(&["extract", "--format", "table", "--year", "2024", &p.display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("计划 plan 2024"), "{out}");
    assert!(out.contains("新增城镇就业"), "{out}");
    let o = duban(&["extract", "--year", "1800", &p.display().to_string()]);
    assert_eq!(o.status.code(), Some(2), "a year out of range is refused");
}

#[test]
fn a_bad_keyword_table_names_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = dir.path().join("units.tsv");
    fs::write(&t, "教育\t教育局\n没有制表符\n").expect("tsv");
    let o = duban(&["extract", "--tasks", "--units", &t.display().to_string(), &seed()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("units.tsv") && err.contains("第2行") && err.contains("line 2"), "{err}");
}
