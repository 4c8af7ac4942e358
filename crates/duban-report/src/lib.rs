//! duban-report reads a Chinese government work report (政府工作报告) and returns what it says in
//! numbers: every quantified result and target as a [`Fact`], and in the plan part every commitment
//! as a [`Task`] with a deadline hint and a suggested lead unit.
//!
//! The crate is pure: bytes or text in, data out. It knows nothing of files, databases, HTTP or the
//! clock. The pipeline runs one way:
//!
//! ```text
//! bytes ─decode→ text ─normalize→ canonical text ─structure→ sections, parts, years
//!                                              └─quantity→ figures ─facts→ facts ─tasks→ tasks
//! ```
//!
//! Reading never fails on report-shaped input: it returns what it found plus [`Diagnostic`]s. The only
//! error is [`NotAReport`] (an image, an empty file, a text without Chinese).

pub mod decode;
pub mod facts;
mod html;
mod lexicon;
pub mod minutes;
pub mod normalize;
pub mod quantity;
pub mod structure;
pub mod tasks;
mod words;

pub use decode::{Format, NotAReport};
pub use facts::{Direction, Fact, Kind, Measure};
pub use minutes::{Decision, Minutes, read_minutes};
pub use quantity::Comparator;
pub use structure::{Part, Structure};
pub use tasks::{Deadline, LeadUnits, Task};

use serde::Serialize;

/// What the caller knows and wants.
#[derive(Debug, Clone, Default)]
pub struct Options<'a> {
    /// The plan year (the year the report is delivered in), when the caller knows it.
    pub year: Option<i32>,
    /// List tasks too, suggesting lead units from this table.
    pub tasks: Option<&'a LeadUnits>,
}

/// Something the reader wants a person to know about its reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub message: String,
}

/// A report, read.
#[derive(Debug, Clone, Serialize)]
pub struct Reading {
    pub format: Format,
    pub encoding: &'static str,
    /// The normalized text that every offset refers to.
    #[serde(skip)]
    pub text: String,
    pub title: Option<String>,
    pub jurisdiction: Option<String>,
    pub review_year: Option<i32>,
    pub plan_year: Option<i32>,
    #[serde(skip)]
    pub structure: Structure,
    pub facts: Vec<Fact>,
    pub tasks: Vec<Task>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A character range of `Reading::text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CharSpan {
    pub start: usize,
    pub end: usize,
}

/// A paragraph with its sentences, and each sentence with its clauses, in character offsets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutlineParagraph {
    pub span: CharSpan,
    pub part: Part,
    pub section: Option<usize>,
    pub sentences: Vec<OutlineSentence>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutlineSentence {
    pub span: CharSpan,
    pub clauses: Vec<CharSpan>,
}

impl Reading {
    /// Paragraphs, sentences and clauses with their character offsets into `text` (computed on
    /// demand: extraction does not need them all).
    pub fn outline(&self) -> Vec<OutlineParagraph> {
        let mut out = Vec::with_capacity(self.structure.paragraphs.len());
        let (mut chars_before, mut last_byte) = (0usize, 0usize);
        for p in &self.structure.paragraphs {
            chars_before += self.text[last_byte..p.span.start].chars().count();
            last_byte = p.span.start;
            let para = &self.text[p.span.start..p.span.end];
            let mut at = chars_before;
            let mut sentences = Vec::new();
            for s in facts::split_sentences(para) {
                let chars: Vec<char> = s.chars().collect();
                let clauses =
                    facts::clauses(&chars).into_iter().map(|(a, b)| CharSpan { start: at + a, end: at + b }).collect();
                sentences.push(OutlineSentence { span: CharSpan { start: at, end: at + chars.len() }, clauses });
                at += chars.len();
            }
            out.push(OutlineParagraph {
                span: CharSpan { start: chars_before, end: at },
                part: p.part,
                section: p.section,
                sentences,
            });
        }
        out
    }
}

/// Reads a report from the bytes of a file (.txt in UTF-8/GB18030, .html, .docx).
pub fn read(bytes: &[u8], options: &Options) -> Result<Reading, NotAReport> {
    let decoded = decode::decode(bytes)?;
    let mut reading = read_text(&decoded.text, options);
    reading.format = decoded.format;
    reading.encoding = decoded.encoding;
    Ok(reading)
}

/// Reads a report that is already text.
pub fn read_text(raw: &str, options: &Options) -> Reading {
    let (text, script) = normalize::normalize_in_script(raw);
    // The page's own dates (its header is chrome that normalization drops) near the top.
    let top: String = raw.chars().take(600).collect();
    let page_dates = structure::numeric_dates(&top);
    let structure = structure::analyze_dated(&text, options.year, &page_dates);
    let mut facts = facts::extract(&text, &structure);
    // Classifiers as the text writes them (個 and 戶 in a text in traditional characters); the base
    // units of FACTS.md (元, 人, 吨, 个百分点 …) stay as they are.
    const BASE_UNITS: &[&str] =
        &["元", "美元", "人", "人次", "%", "‰", "个百分点", "平方米", "亩", "公里", "吨", "千瓦时", "位", ""];
    if !script.is_empty() {
        for f in facts.iter_mut().filter(|f| !BASE_UNITS.contains(&f.unit.as_str())) {
            f.unit = f.unit.chars().map(|c| script.get(&c).copied().unwrap_or(c)).collect();
        }
    }
    let tasks = options.tasks.map_or_else(Vec::new, |units| tasks::extract(&text, &structure, &facts, units));
    let mut diagnostics = Vec::new();
    match structure.plan_year {
        None => diagnostics.push(Diagnostic {
            code: "no-year",
            message: "未能确定报告年份，请用 --year 指定 / could not tell the report's year; pass --year".into(),
        }),
        Some(y) => diagnostics.push(Diagnostic {
            code: "year-frame",
            message: format!("计划年份{y}（回顾{}年），依据 / plan year {y}, from {}", y - 1, structure.year_evidence),
        }),
    }
    if structure.sections.is_empty() {
        diagnostics.push(Diagnostic {
            code: "no-headings",
            message:
                "未找到章节标题，按提示词划分回顾与安排 / no section headings; review and plan told apart by cue words"
                    .into(),
        });
    }
    if facts.is_empty() {
        diagnostics
            .push(Diagnostic { code: "no-facts", message: "未找到量化指标 / no quantified facts found".into() });
    }
    Reading {
        format: Format::Text,
        encoding: "UTF-8",
        title: structure.title.clone(),
        jurisdiction: structure.jurisdiction.clone(),
        review_year: structure.review_year,
        plan_year: structure.plan_year,
        text,
        structure,
        facts,
        tasks,
        diagnostics,
    }
}
