//! The documents a government office lives in: the task decomposition table (任务分解表) as .xlsx
//! and .docx, the ledger as .xlsx and CSV, and the supervision bulletin (督查通报) as .docx. They are
//! built from the same matters and assessments the pages show: a unit reports once and every
//! document follows.

use std::collections::BTreeMap;
use std::io::Cursor;

use docx_rs::{AlignmentType, Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow};
use duban_core::matter::{Goal, Matter, Status};
use duban_core::metrics::{COMPLETION_RATE, ON_TIME_RATE, SectionCounts, UnitScore};
use duban_core::warning::{Assessment, Level};
use rust_xlsxwriter::{Format, Workbook};
use time::Date;

/// One matter as the documents show it.
pub struct Line {
    pub matter: Matter,
    pub assessment: Assessment,
}

/// A figure as people read it: 28亿元, 4.9万人, not 2800000000元.
pub fn human(value: f64, unit: &str) -> String {
    let trim = |v: f64| {
        let s = format!("{:.2}", v);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if value.abs() >= 1e8 {
        format!("{}亿{unit}", trim(value / 1e8))
    } else if value.abs() >= 1e4 && unit != "%" {
        format!("{}万{unit}", trim(value / 1e4))
    } else {
        format!("{}{unit}", trim(value))
    }
}

/// A moment as the documents and pages write it: 2019-09-29 10:30.
pub fn moment(at: time::PrimitiveDateTime) -> String {
    format!("{} {:02}:{:02}", at.date(), at.hour(), at.minute())
}

/// A standard as the documents and pages write it: 6所, 28亿元, 不超过3.5%.
pub fn standard_text(s: &duban_core::Standard) -> String {
    format!("{}{}", if s.goal == Goal::AtMost { "不超过" } else { "" }, human(s.value, &s.unit))
}

fn standard(m: &Matter) -> String {
    m.standard.as_ref().map_or(String::new(), standard_text)
}

fn co_units(m: &Matter) -> String {
    m.co_units.join("、")
}

fn day(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn progress(m: &Matter) -> String {
    m.progress().map(|p| format!("{:.0}%", p * 100.0)).unwrap_or_default()
}

const TASK_HEADER: [&str; 6] = ["编号", "工作任务", "牵头单位", "责任单位", "完成时限", "标准"];

fn task_row(_: usize, m: &Matter) -> [String; 6] {
    [m.cite(), m.title.clone(), m.lead_unit.clone().unwrap_or_default(), co_units(m), day(m.deadline), standard(m)]
}

const LEDGER_HEADER: [&str; 11] =
    ["编号", "工作任务", "牵头单位", "责任单位", "完成时限", "标准", "最新完成数", "进度", "灯色", "状态", "最近报送"];

/// The task table's columns, then where the matter stands.
fn ledger_row(i: usize, l: &Line) -> Vec<String> {
    let m = &l.matter;
    let mut row = task_row(i, m).to_vec();
    row.extend([
        m.latest_value.map(|v| v.to_string()).unwrap_or_default(),
        progress(m),
        l.assessment.level.label().to_string(),
        m.status.label().to_string(),
        day(m.last_report_on),
    ]);
    row
}

fn xlsx(
    sheet_name: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    widths: &[(u16, f64)],
) -> Result<Vec<u8>, String> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold().set_background_color("DDEBF7").set_border(rust_xlsxwriter::FormatBorder::Thin);
    let cell = Format::new().set_text_wrap().set_border(rust_xlsxwriter::FormatBorder::Thin);
    let sheet = book.add_worksheet().set_name(sheet_name).map_err(|e| e.to_string())?;
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(|e| e.to_string())?;
    }
    for (r, row) in rows.enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string_with_format(r as u32 + 1, c as u16, v, &cell).map_err(|e| e.to_string())?;
        }
    }
    for (c, w) in widths {
        sheet.set_column_width(*c, *w).map_err(|e| e.to_string())?;
    }
    sheet.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
    book.save_to_buffer().map_err(|e| e.to_string())
}

/// 任务分解表 as .xlsx.
pub fn tasks_xlsx(matters: &[Matter]) -> Result<Vec<u8>, String> {
    xlsx(
        "任务分解表",
        &TASK_HEADER,
        matters.iter().enumerate().map(|(i, m)| task_row(i, m).to_vec()),
        &[(1, 60.0), (2, 22.0), (3, 22.0), (4, 12.0), (5, 14.0)],
    )
}

/// The ledger (督办台账) as .xlsx.
pub fn ledger_xlsx(lines: &[Line]) -> Result<Vec<u8>, String> {
    xlsx(
        "督办台账",
        &LEDGER_HEADER,
        lines.iter().enumerate().map(|(i, l)| ledger_row(i, l)),
        &[(1, 60.0), (2, 22.0), (3, 22.0), (4, 12.0)],
    )
}

/// The ledger as CSV (UTF-8 with BOM, so that Excel opens the Chinese right).
pub fn ledger_csv(lines: &[Line]) -> Result<Vec<u8>, String> {
    csv_of(&LEDGER_HEADER, lines.iter().enumerate().map(|(i, l)| ledger_row(i, l)))
}

/// A cell as a spreadsheet will not run it: text that begins like a formula (= + - @, or a tab or
/// carriage return before one) gets a leading apostrophe, which Excel and WPS show as text. A plain
/// number ("-5", "+3.5") is left as it is: it cannot be a formula.
pub fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.trim().parse::<f64>().is_err() { format!("'{cell}").into() } else { cell.into() }
}

fn csv_of(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>, String> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(header).map_err(|e| e.to_string())?;
        for row in rows {
            w.write_record(row.iter().map(|c| inert(c).into_owned())).map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// The ledger of requests: one row per request with what every published rate counts, so that a
/// spreadsheet recomputes them (e.g. 办结率 = COUNTIFS(办结,"是",并单至,"") ÷ COUNTIF(并单至,"")).
/// No caller's name or phone: the file travels.
pub const REQUEST_HEADER: [&str; 17] = [
    "事项",
    "受理日期",
    "类型",
    "类别",
    "街道镇",
    "承办单位",
    "状态",
    "办理时限",
    "已派单",
    "退单",
    "已答复",
    "答复日期",
    "办结",
    "按时办结",
    "评价",
    "已解决",
    "重办",
];

fn request_row(m: &Matter) -> Vec<String> {
    let case = m.case.as_ref();
    let yes = |b: bool| if b { "是" } else { "否" }.to_string();
    let c = duban_core::casework::CaseCounts::of(m);
    vec![
        m.id.0.to_string(),
        m.created_on.to_string(),
        case.map_or("", |c| c.request_type.label()).to_string(),
        case.map(|c| c.category.clone()).unwrap_or_default(),
        case.and_then(|c| c.place.clone()).unwrap_or_default(),
        m.lead_unit.clone().unwrap_or_default(),
        match m.merged_into {
            Some(into) => format!("并单至{}", into.0),
            None => m.status.label().to_string(),
        },
        day(m.deadline),
        yes(c.dispatched > 0),
        yes(c.returned > 0),
        yes(c.replied > 0),
        m.reply.as_ref().map(|r| r.on.to_string()).unwrap_or_default(),
        yes(c.closed > 0),
        yes(c.closed_on_time > 0),
        m.rating.as_ref().map(|r| r.satisfaction.label().to_string()).unwrap_or_default(),
        m.rating.as_ref().and_then(|r| r.solved).map(yes).unwrap_or_default(),
        yes(c.reopened > 0),
    ]
}

pub fn requests_csv(matters: &[Matter]) -> Result<Vec<u8>, String> {
    csv_of(&REQUEST_HEADER, matters.iter().map(request_row))
}

pub fn requests_xlsx(matters: &[Matter]) -> Result<Vec<u8>, String> {
    xlsx("诉求台账", &REQUEST_HEADER, matters.iter().map(request_row), &[(3, 10.0), (5, 22.0)])
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new().east_asia(east_asia).ascii("Times New Roman").hi_ansi("Times New Roman")
}

fn title(text: &str) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Center)
        .add_run(Run::new().add_text(text).size(44).fonts(fonts("方正小标宋简体")))
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text).size(32).fonts(fonts("黑体")))
}

fn body(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text).size(32).fonts(fonts("仿宋_GB2312")))
}

fn table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Table {
    let cell = |t: &str, bold: bool| {
        let run = Run::new().add_text(t).size(21).fonts(fonts("仿宋_GB2312"));
        TableCell::new().add_paragraph(Paragraph::new().add_run(if bold { run.bold() } else { run }))
    };
    let mut out = vec![TableRow::new(header.iter().map(|h| cell(h, true)).collect())];
    out.extend(rows.map(|r| TableRow::new(r.iter().map(|v| cell(v, false)).collect())));
    Table::new(out)
}

fn pack(doc: Docx) -> Result<Vec<u8>, String> {
    let mut buf = Cursor::new(Vec::new());
    doc.build().pack(&mut buf).map_err(|e| e.to_string())?;
    Ok(buf.into_inner())
}

/// 任务分解表 as .docx.
pub fn tasks_docx(report_title: &str, matters: &[Matter]) -> Result<Vec<u8>, String> {
    let doc = Docx::new()
        .add_paragraph(title(&format!("{report_title}任务分解表")))
        .add_table(table(&TASK_HEADER[..5], matters.iter().enumerate().map(|(i, m)| task_row(i, m)[..5].to_vec())));
    pack(doc)
}

/// The figures of a bulletin and how it is issued.
pub struct Bulletin<'a> {
    /// 政务督查通报
    pub title: &'a str,
    /// 2019年第3期 (or a preview's mark).
    pub issue: &'a str,
    /// The issuing office and the day of issue.
    pub issuer: &'a str,
    pub issued_on: Date,
    /// The period: its first and last day (the figures are as of the last).
    pub from: Date,
    pub today: Date,
    pub lines: &'a [Line],
    pub sections: &'a [SectionCounts],
    pub ranking: &'a [UnitScore],
    /// The ranking's formula in words, with the weights in force.
    pub formula: &'a str,
}

/// A day as a Chinese document dates itself: 2019年7月1日.
pub fn chinese_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month() as u8, d.day())
}

/// 督查通报 as .docx: the issue line, totals, the sections, the red list with reasons, the
/// sign-offs of the period that needed a reason, and the ranking with its formula.
pub fn bulletin_docx(b: &Bulletin) -> Result<Vec<u8>, String> {
    let open: Vec<&Line> =
        b.lines.iter().filter(|l| !l.matter.status.is_closed() && l.matter.status != Status::Draft).collect();
    let mut by_level: BTreeMap<Level, usize> = BTreeMap::new();
    for l in &open {
        *by_level.entry(l.assessment.level).or_insert(0) += 1;
    }
    let done = b.lines.iter().filter(|l| l.matter.status == Status::Done).count();
    let in_period = |d: Option<Date>| d.is_some_and(|d| d >= b.from && d <= b.today);
    let done_in_period = b.lines.iter().filter(|l| in_period(l.matter.done_on)).count();
    let reported_in_period = b.lines.iter().filter(|l| in_period(l.matter.last_report_on)).count();
    let count = |l: Level| by_level.get(&l).copied().unwrap_or(0);
    let mut doc = Docx::new()
        .add_paragraph(title(b.title))
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(b.issue).size(32).fonts(fonts("仿宋_GB2312"))),
        )
        .add_paragraph(
            Paragraph::new().add_run(
                Run::new()
                    .add_text(format!("{}　　　　　　　　{}", b.issuer, chinese_date(b.issued_on)))
                    .size(28)
                    .fonts(fonts("仿宋_GB2312")),
            ),
        )
        .add_paragraph(heading("一、总体情况"))
        .add_paragraph(body(&format!(
            "本期（{}至{}），{}项事项报送了进展，{}项销号。截至{}，纳入督办事项{}项，已销号{}项；在办事项中，绿灯{}项、黄灯{}项、红灯{}项。",
            chinese_date(b.from),
            chinese_date(b.today),
            reported_in_period,
            done_in_period,
            chinese_date(b.today),
            b.lines.len(),
            done,
            count(Level::Green),
            count(Level::Yellow),
            count(Level::Red)
        )))
        .add_paragraph(heading("二、分领域推进情况"))
        .add_table(table(
            &["领域", "已销号", "绿灯", "黄灯", "红灯"],
            b.sections.iter().map(|s| {
                vec![s.section.clone(), s.done.to_string(), s.green.to_string(), s.yellow.to_string(), s.red.to_string()]
            }),
        ))
        .add_paragraph(heading("三、红灯事项"));
    let red: Vec<&&Line> = open.iter().filter(|l| l.assessment.level == Level::Red).collect();
    if red.is_empty() {
        doc = doc.add_paragraph(body("无。"));
    } else {
        doc = doc.add_table(table(
            &["编号", "工作任务", "牵头单位", "完成时限", "原因"],
            red.iter().map(|l| {
                vec![
                    l.matter.cite(),
                    l.matter.title.clone(),
                    l.matter.lead_unit.clone().unwrap_or_default(),
                    day(l.matter.deadline),
                    l.assessment.reasons.iter().map(|r| r.explain()).collect::<Vec<_>>().join("；"),
                ]
            }),
        ));
    }
    // Sign-offs of the period that needed a reason: below the standard, on red, or without an
    // application by the unit.
    doc = doc.add_paragraph(heading("四、需说明理由的销号"));
    let excepted: Vec<&Line> = b
        .lines
        .iter()
        .filter(|l| l.matter.status == Status::Done && in_period(l.matter.done_on))
        .filter(|l| l.matter.closing.as_ref().is_some_and(|c| !c.exceptions.is_empty()))
        .collect();
    if excepted.is_empty() {
        doc = doc.add_paragraph(body("无。"));
    } else {
        doc = doc.add_table(table(
            &["编号", "工作任务", "牵头单位", "销号日期", "情形", "销号理由"],
            excepted.iter().filter_map(|l| {
                let c = l.matter.closing.as_ref()?;
                Some(vec![
                    l.matter.cite(),
                    l.matter.title.clone(),
                    l.matter.lead_unit.clone().unwrap_or_default(),
                    c.on.to_string(),
                    c.exceptions.iter().map(|e| e.explain()).collect::<Vec<_>>().join("；"),
                    c.note.clone(),
                ])
            }),
        ));
    }
    doc = doc.add_paragraph(heading("五、单位考核排名")).add_table(table(
        &["排名", "单位", "得分", "完成率", "按时完成率", "红灯", "黄灯", "超期"],
        b.ranking.iter().map(|s| {
            let pct = |v: Option<f64>| v.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or_else(|| "—".into());
            vec![
                format!("{}{}", s.rank, if s.tie == Some("并列") { "（并列）" } else { "" }),
                s.unit.clone(),
                format!("{:.1}", s.score),
                pct(s.completion.value()),
                pct(s.on_time.value()),
                s.red.to_string(),
                s.yellow.to_string(),
                s.overdue.to_string(),
            ]
        }),
    ));
    doc = doc.add_paragraph(body(&format!(
        "注：{} 其中完成率 = {}；按时完成率 = {}。",
        b.formula, COMPLETION_RATE.formula, ON_TIME_RATE.formula
    )));
    pack(doc)
}

#[cfg(test)]
mod inert_tests {
    use super::inert;

    #[test]
    fn formulas_are_written_as_text_and_numbers_as_numbers() {
        assert_eq!(inert("=HYPERLINK(\"http://x\",\"点击\")"), "'=HYPERLINK(\"http://x\",\"点击\")");
        assert_eq!(inert("+1+cmd|' /C calc'!A0"), "'+1+cmd|' /C calc'!A0");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("-2+3"), "'-2+3");
        assert_eq!(inert("\t=1"), "'\t=1");
        assert_eq!(inert("-5"), "-5");
        assert_eq!(inert("+3.5"), "+3.5");
        assert_eq!(inert("新建幼儿园6所"), "新建幼儿园6所");
    }
}
