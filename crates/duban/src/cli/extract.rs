//! `duban extract`: reads reports (files or whole directories) in parallel and prints their facts
//! (and tasks) as JSON, a CSV panel, an Excel workbook or a table for the terminal.
//!
//! A bad file is reported on stderr with its path and the reason, and the rest are read; the
//! command fails only when nothing could be read.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use duban_report::{Fact, LeadUnits, Options, Reading, Task};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Json,
    Csv,
    Xlsx,
    Table,
}

#[derive(clap::Args, Debug)]
pub struct ExtractArgs {
    /// 报告文件或目录（递归读取）/ report files or directories (read recursively): .txt .html .docx
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// 输出格式 / output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,
    /// 同时列出任务 / list the plan's tasks too
    #[arg(long)]
    tasks: bool,
    /// 报告年份（作报告的年份，即计划年份），已知时可指定 / the report's (plan) year, when known
    #[arg(long, value_parser = clap::value_parser!(i32).range(1949..=2100))]
    year: Option<i32>,
    /// 牵头单位关键词表（关键词<Tab>单位）/ lead-unit keyword table (KEYWORD<TAB>UNIT)
    #[arg(long, value_name = "FILE")]
    units: Option<PathBuf>,
    /// 写入文件而非标准输出 / write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// 不显示进度 / no progress bar
    #[arg(long)]
    quiet: bool,
}

/// One report's results, without its text.
#[derive(Serialize)]
struct Record {
    source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    jurisdiction: Option<String>,
    review_year: Option<i32>,
    plan_year: Option<i32>,
    facts: Vec<Fact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tasks: Option<Vec<Task>>,
    diagnostics: Vec<duban_report::Diagnostic>,
}

struct Failure {
    source: String,
    reason: String,
}

/// The validated plan of work: every flag checked before the first file is read.
struct Plan {
    files: Vec<PathBuf>,
    single: bool,
    format: OutputFormat,
    units: Option<LeadUnits>,
    year: Option<i32>,
    output: Option<PathBuf>,
    progress: bool,
}

fn plan(args: ExtractArgs) -> Result<Plan> {
    let units = if args.tasks {
        Some(match &args.units {
            Some(path) => {
                let text = fs::read_to_string(path)
                    .with_context(|| format!("读取关键词表失败 / cannot read the keyword table {}", path.display()))?;
                LeadUnits::parse(&text).with_context(|| format!("{}", path.display()))?
            }
            None => LeadUnits::builtin(),
        })
    } else {
        if args.units.is_some() {
            bail!("--units 需与 --tasks 同用 / --units goes with --tasks");
        }
        None
    };
    if args.format == OutputFormat::Xlsx && args.output.is_none() && io::stdout().is_terminal() {
        bail!("Excel 输出需用 -o 指定文件 / xlsx output needs -o FILE");
    }
    if args.format == OutputFormat::Csv && args.tasks && args.output.is_none() {
        bail!(
            "CSV 的任务表需用 -o 指定文件（任务写入 FILE.tasks.csv）/ CSV with --tasks needs -o FILE (tasks go to FILE.tasks.csv)"
        );
    }
    let mut files = Vec::new();
    for p in &args.paths {
        let meta = fs::metadata(p).with_context(|| format!("找不到 / cannot open {}", p.display()))?;
        if meta.is_dir() {
            walk(p, &mut files).with_context(|| format!("读取目录失败 / cannot list {}", p.display()))?;
        } else {
            files.push(p.clone());
        }
    }
    let single = files.len() == 1 && args.paths.len() == 1 && !args.paths[0].is_dir();
    Ok(Plan {
        progress: !args.quiet && files.len() > 1,
        files,
        single,
        format: args.format,
        units,
        year: args.year,
        output: args.output,
    })
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = e.path();
        if e.file_type()?.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

pub fn run(args: ExtractArgs) -> Result<ExitCode> {
    let plan = plan(args)?;
    let bar = if plan.progress {
        let bar = ProgressBar::new(plan.files.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} 读取 reading [{bar:40}] {pos}/{len} {per_sec} 剩余 eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let started = std::time::Instant::now();
    let options = Options { year: plan.year, tasks: plan.units.as_ref() };
    let results: Vec<Result<Record, Failure>> = plan
        .files
        .par_iter()
        .map(|path| {
            let r = read_one(path, &options);
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();

    let mut records = Vec::new();
    for r in results {
        match r {
            Ok(rec) => records.push(rec),
            Err(f) => eprintln!("duban: 跳过 / skipped {}: {}", f.source, f.reason),
        }
    }
    if records.is_empty() {
        bail!("没有可读的报告 / nothing could be read ({} file(s))", plan.files.len());
    }
    if plan.progress {
        let facts: usize = records.iter().map(|r| r.facts.len()).sum();
        eprintln!(
            "duban: 读取 {} 份报告，{} 条指标，用时 {:.1} 秒 / read {} reports, {} facts in {:.1} s",
            records.len(),
            facts,
            started.elapsed().as_secs_f64(),
            records.len(),
            facts,
            started.elapsed().as_secs_f64()
        );
    }
    let with_tasks = plan.units.is_some();
    match plan.format {
        OutputFormat::Json => write_json(&plan, &records)?,
        OutputFormat::Csv => write_csv(&plan, &records, with_tasks)?,
        OutputFormat::Xlsx => write_xlsx(&plan, &records, with_tasks)?,
        OutputFormat::Table => write_table(&plan, &records)?,
    }
    let found = records.iter().any(|r| !r.facts.is_empty());
    Ok(if found { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn read_one(path: &Path, options: &Options) -> Result<Record, Failure> {
    let source = path.display().to_string();
    let fail = |reason: String| Failure { source: source.clone(), reason };
    let bytes = fs::read(path).map_err(|e| fail(format!("无法读取文件 / cannot read the file: {e}")))?;
    let reading: Reading = duban_report::read(&bytes, options).map_err(|e| fail(e.to_string()))?;
    Ok(Record {
        source,
        title: reading.title,
        jurisdiction: reading.jurisdiction,
        review_year: reading.review_year,
        plan_year: reading.plan_year,
        facts: reading.facts,
        tasks: options.tasks.map(|_| reading.tasks),
        diagnostics: reading.diagnostics,
    })
}

fn sink(plan: &Plan) -> Result<Box<dyn Write>> {
    Ok(match &plan.output {
        Some(path) => Box::new(io::BufWriter::new(
            fs::File::create(path).with_context(|| format!("无法写入 / cannot write {}", path.display()))?,
        )),
        None => Box::new(io::BufWriter::new(io::stdout().lock())),
    })
}

fn write_json(plan: &Plan, records: &[Record]) -> Result<()> {
    let mut out = sink(plan)?;
    if plan.single {
        serde_json::to_writer_pretty(&mut out, &records[0])?;
        writeln!(out)?;
    } else {
        // Several reports: JSON Lines, one object per report, so a panel of thousands streams.
        for r in records {
            serde_json::to_writer(&mut out, r)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(())
}

const FACT_COLUMNS: &[&str] = &[
    "source",
    "jurisdiction",
    "review_year",
    "plan_year",
    "kind",
    "headline",
    "indicator",
    "subject",
    "measure",
    "direction",
    "value",
    "upper",
    "unit",
    "comparator",
    "year",
    "text",
    "start",
    "end",
];

const TASK_COLUMNS: &[&str] =
    &["source", "序号", "工作任务", "章节", "牵头单位", "依据", "完成时限", "时限日期", "指标数"];

fn lower<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Null) | Err(_) => String::new(),
        Ok(other) => other.to_string(),
    }
}

fn num(v: Option<f64>) -> String {
    v.map(|x| format!("{x}")).unwrap_or_default()
}

fn fact_row(r: &Record, f: &Fact) -> Vec<String> {
    vec![
        r.source.clone(),
        r.jurisdiction.clone().unwrap_or_default(),
        r.review_year.map(|y| y.to_string()).unwrap_or_default(),
        r.plan_year.map(|y| y.to_string()).unwrap_or_default(),
        lower(&f.kind),
        f.headline.to_string(),
        f.indicator.clone(),
        f.subject.clone().unwrap_or_default(),
        lower(&f.measure),
        lower(&f.direction),
        num(f.value),
        num(f.upper),
        f.unit.clone(),
        lower(&f.comparator),
        f.year.map_or(String::new(), |y| y.to_string()),
        f.text.clone(),
        f.start.to_string(),
        f.end.to_string(),
    ]
}

fn task_row(r: &Record, i: usize, t: &Task) -> Vec<String> {
    vec![
        r.source.clone(),
        (i + 1).to_string(),
        t.text.clone(),
        t.section.join(" / "),
        t.lead_unit.clone().unwrap_or_default(),
        t.lead_unit_reason.clone(),
        t.deadline.as_ref().map(|d| d.hint.clone()).unwrap_or_default(),
        t.deadline.as_ref().and_then(|d| d.date.clone()).unwrap_or_default(),
        t.facts.len().to_string(),
    ]
}

fn write_csv(plan: &Plan, records: &[Record], with_tasks: bool) -> Result<()> {
    let mut w = csv::Writer::from_writer(sink(plan)?);
    w.write_record(FACT_COLUMNS)?;
    for r in records {
        for f in &r.facts {
            w.write_record(fact_row(r, f))?;
        }
    }
    w.flush()?;
    if with_tasks && let Some(out) = &plan.output {
        let path = PathBuf::from(format!("{}.tasks.csv", out.display()));
        let mut w =
            csv::Writer::from_path(&path).with_context(|| format!("无法写入 / cannot write {}", path.display()))?;
        w.write_record(TASK_COLUMNS)?;
        for r in records {
            for (i, t) in r.tasks.iter().flatten().enumerate() {
                w.write_record(task_row(r, i, t))?;
            }
        }
        w.flush()?;
    }
    Ok(())
}

fn write_xlsx(plan: &Plan, records: &[Record], with_tasks: bool) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_background_color("DDEBF7");
    let write_rows = |sheet: &mut rust_xlsxwriter::Worksheet,
                      columns: &[&str],
                      rows: &mut dyn Iterator<Item = Vec<String>>,
                      numeric: &[usize]|
     -> Result<()> {
        for (c, name) in columns.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *name, &header)?;
        }
        for (i, row) in rows.enumerate() {
            let r = (i + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                match cell.parse::<f64>() {
                    Ok(x) if numeric.contains(&c) => sheet.write_number(r, c as u16, x)?,
                    _ => sheet.write_string(r, c as u16, cell)?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofilter(0, 0, 0, columns.len().saturating_sub(1) as u16)?;
        Ok(())
    };
    let facts = book.add_worksheet().set_name("指标 facts")?;
    let mut rows = records.iter().flat_map(|r| r.facts.iter().map(move |f| fact_row(r, f)));
    write_rows(facts, FACT_COLUMNS, &mut rows, &[2, 3, 10, 11, 14, 16, 17])?;
    facts.set_column_width(6, 30)?;
    facts.set_column_width(15, 50)?;
    if with_tasks {
        let tasks = book.add_worksheet().set_name("任务 tasks")?;
        let mut rows =
            records.iter().flat_map(|r| r.tasks.iter().flatten().enumerate().map(move |(i, t)| task_row(r, i, t)));
        write_rows(tasks, TASK_COLUMNS, &mut rows, &[1, 8])?;
        tasks.set_column_width(2, 60)?;
        tasks.set_column_width(4, 22)?;
    }
    let files = book.add_worksheet().set_name("文件 files")?;
    let mut rows = records.iter().map(|r| {
        vec![
            r.source.clone(),
            r.title.clone().unwrap_or_default(),
            r.jurisdiction.clone().unwrap_or_default(),
            r.review_year.map(|y| y.to_string()).unwrap_or_default(),
            r.plan_year.map(|y| y.to_string()).unwrap_or_default(),
            r.facts.len().to_string(),
            r.diagnostics.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("；"),
        ]
    });
    write_rows(
        files,
        &["source", "title", "jurisdiction", "review_year", "plan_year", "facts", "diagnostics"],
        &mut rows,
        &[3, 4, 5],
    )?;
    let bytes = book.save_to_buffer()?;
    let mut out = sink(plan)?;
    out.write_all(&bytes)?;
    out.flush()?;
    Ok(())
}

fn write_table(plan: &Plan, records: &[Record]) -> Result<()> {
    let mut out = sink(plan)?;
    for r in records {
        writeln!(
            out,
            "# {}  {}  回顾 review {}  计划 plan {}  指标 facts {}",
            r.source,
            r.jurisdiction.as_deref().unwrap_or("?"),
            r.review_year.map_or("?".into(), |y| y.to_string()),
            r.plan_year.map_or("?".into(), |y| y.to_string()),
            r.facts.len()
        )?;
        for f in &r.facts {
            let value = match (f.value, f.upper) {
                (Some(v), Some(u)) => format!("{v}–{u}"),
                (Some(v), None) => format!("{v}"),
                _ => "—".into(),
            };
            writeln!(
                out,
                "{:<6} {:<4} {:<6} {:<5} {:>16} {:<6} {:<6} {}{}",
                lower(&f.kind),
                f.year.map_or("-".to_string(), |y| y.to_string()),
                lower(&f.measure),
                lower(&f.direction),
                value,
                f.unit,
                lower(&f.comparator),
                f.subject.as_ref().map(|s| format!("[{s}] ")).unwrap_or_default(),
                f.indicator
            )?;
        }
        for (i, t) in r.tasks.iter().flatten().enumerate() {
            writeln!(
                out,
                "任务{:>3} {} | {} | {}",
                i + 1,
                t.lead_unit.as_deref().unwrap_or("（待定）"),
                t.deadline.as_ref().map_or("", |d| d.hint.as_str()),
                t.text
            )?;
        }
    }
    out.flush()?;
    Ok(())
}
