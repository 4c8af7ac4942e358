//! Bytes to text: recognises the formats reports come in (plain text in UTF-8, UTF-8 with BOM,
//! UTF-16 with BOM or GB18030; HTML pages as government sites publish them; .docx) and returns
//! their text. It refuses, with a reason, what is not text at all (images, archives, empty files).
//!
//! It does not clean the text (that is `normalize`) and never touches the file system: the caller
//! hands it the bytes.

use std::fmt;
use std::io::{Cursor, Read};

/// The format a report arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Html,
    Docx,
}

/// Why some bytes are not a report we can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAReport {
    Empty,
    Binary { what: &'static str },
    BadDocx { why: String },
    NoText,
}

impl fmt::Display for NotAReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotAReport::Empty => write!(f, "文件为空 / the file is empty"),
            NotAReport::Binary { what } => {
                write!(f, "不是文本文件（{what}）/ not a text file ({what})")
            }
            NotAReport::BadDocx { why } => {
                write!(f, "无法读取 Word 文件：{why} / cannot read the .docx file: {why}")
            }
            NotAReport::NoText => write!(f, "文件中没有可读的中文文本 / the file holds no readable Chinese text"),
        }
    }
}

impl std::error::Error for NotAReport {}

impl NotAReport {
    /// What a person uploading the file should do, in Chinese and English, without the library's
    /// own words (which `Display` keeps for the command line).
    pub fn advice(&self) -> String {
        match self {
            NotAReport::Empty => "文件为空，请选择报告文件或粘贴全文 / the file is empty: choose the report or paste its text".into(),
            NotAReport::Binary { what } => {
                let seen = match *what {
                    "PNG image" | "JPEG image" | "GIF image" => "图片",
                    w if w.starts_with("PDF") => "PDF 文件（请先转为文字或 .docx）",
                    w if w.starts_with("old Word") => "旧版 Word/Excel 文件（.doc/.xls，请另存为 .docx）",
                    "zip archive that is not a .docx" | "gzip archive" | "RAR archive" | "7z archive" => "压缩包",
                    "executable" => "可执行程序",
                    _ => "非文本文件",
                };
                format!(
                    "上传的是{seen}，不是报告文本：请上传 .txt、.html 或 .docx 文件，或复制全文粘贴 / this is not a report text ({what}): upload .txt, .html or .docx, or paste the text"
                )
            }
            NotAReport::BadDocx { .. } => "Word 文件已损坏或不完整（可能只上传了一部分），请在 Word 中打开后另存为 .docx 再上传，或复制全文粘贴 / the .docx is damaged or incomplete: open it in Word, save it again as .docx, or paste the text".into(),
            NotAReport::NoText => "文件中没有可读的中文文本（扫描件须先识别文字），请上传文字版或粘贴全文 / the file holds no readable Chinese text (a scan needs OCR first): upload a text version or paste it".into(),
        }
    }
}

/// Decoded text with what we learnt on the way.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub format: Format,
    pub encoding: &'static str,
}

/// Turns the bytes of a file into text, or says why it cannot.
pub fn decode(bytes: &[u8]) -> Result<Decoded, NotAReport> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(NotAReport::Empty);
    }
    if let Some(what) = binary_signature(bytes) {
        if what == "zip" {
            return read_docx(bytes);
        }
        return Err(NotAReport::Binary { what });
    }
    let (text, encoding) = to_string(bytes)?;
    let (text, format) =
        if looks_like_html(&text) { (crate::html::to_text(&text), Format::Html) } else { (text, Format::Text) };
    if !text.chars().any(is_cjk) {
        return Err(NotAReport::NoText);
    }
    Ok(Decoded { text, format, encoding })
}

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

fn binary_signature(b: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"%PDF", "PDF document; convert it to text or .docx first"),
        (b"PK\x03\x04", "zip"),
        (b"\xD0\xCF\x11\xE0", "old Word/Excel (.doc/.xls) file; save it as .docx"),
        (b"\x1F\x8B", "gzip archive"),
        (b"Rar!", "RAR archive"),
        (b"7z\xBC\xAF", "7z archive"),
        (b"\x7FELF", "executable"),
    ];
    for (sig, what) in SIGNATURES {
        if b.starts_with(sig) {
            return Some(what);
        }
    }
    // UTF-16 text has NULs too; it announces itself with a BOM.
    let utf16 = b.starts_with(b"\xFF\xFE") || b.starts_with(b"\xFE\xFF");
    if !utf16 && b.iter().take(8192).any(|&c| c == 0) {
        return Some("binary data");
    }
    None
}

fn to_string(bytes: &[u8]) -> Result<(String, &'static str), NotAReport> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok((text.into_owned(), enc.name()));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_owned(), "UTF-8"));
    }
    // Not UTF-8: government files that are not UTF-8 are GB2312/GBK/GB18030, which GB18030 covers.
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if had_errors {
        // A few bad bytes in a long text are survivable; mostly garbage is not a report.
        let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
        if bad * 20 > text.chars().count() {
            return Err(NotAReport::Binary { what: "unknown encoding" });
        }
    }
    Ok((text.into_owned(), "GB18030"))
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text.chars().take(2048).collect::<String>().to_ascii_lowercase();
    head.contains("<html")
        || head.contains("<!doctype html")
        || head.contains("<body")
        || head.contains("<div")
        || (head.contains("<p") && head.contains("</p>"))
}

/// Reads word/document.xml of a .docx: paragraphs become lines, tabs and breaks become spaces.
fn read_docx(bytes: &[u8]) -> Result<Decoded, NotAReport> {
    let bad = |why: String| NotAReport::BadDocx { why };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let mut xml = String::new();
    {
        let mut part = archive
            .by_name("word/document.xml")
            .map_err(|_| NotAReport::Binary { what: "zip archive that is not a .docx" })?;
        // A document.xml over 64 MiB is not a work report; do not let a zip bomb fill memory.
        part.by_ref().take(64 << 20).read_to_string(&mut xml).map_err(|e| bad(e.to_string()))?;
    }
    let text = docx_xml_to_text(&xml).map_err(bad)?;
    if !text.chars().any(is_cjk) {
        return Err(NotAReport::NoText);
    }
    Ok(Decoded { text, format: Format::Docx, encoding: "UTF-8" })
}

fn docx_xml_to_text(xml: &str) -> Result<String, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = String::with_capacity(xml.len() / 4);
    let mut in_text = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                b"t" => in_text = true,
                b"tab" => out.push(' '),
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                b"tab" => out.push(' '),
                b"br" | b"cr" => out.push('\n'),
                _ => {}
            },
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => out.push('\n'),
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => {
                let s = t.decode().map_err(|e| e.to_string())?;
                out.push_str(&s);
            }
            Ok(Event::GeneralRef(r)) if in_text => {
                let name = r.decode().map_err(|e| e.to_string())?;
                out.push_str(crate::html::entity(&name).unwrap_or(""));
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(format!("XML error at byte {}: {e}", reader.error_position()));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb18030_is_decoded() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("地区生产总值增长7.5%左右");
        let d = decode(&bytes).expect("decodes");
        assert_eq!(d.text, "地区生产总值增长7.5%左右");
        assert_eq!(d.encoding, "GB18030");
    }

    #[test]
    fn utf8_bom_is_dropped() {
        let d = decode("\u{FEFF}政府工作报告".as_bytes()).expect("decodes");
        assert_eq!(d.text, "政府工作报告");
    }

    #[test]
    fn utf16le_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "增长9%".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes).expect("decodes").text, "增长9%");
    }

    #[test]
    fn png_and_empty_are_refused() {
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0\0").unwrap_err(), NotAReport::Binary { what: "PNG image" });
        assert_eq!(decode(b"  \n").unwrap_err(), NotAReport::Empty);
        assert_eq!(decode(b"hello world").unwrap_err(), NotAReport::NoText);
    }

    #[test]
    fn docx_paragraphs_become_lines() {
        let xml = r#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>一、回顾</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">增长 </w:t></w:r><w:r><w:t>9&amp;%</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(docx_xml_to_text(xml).expect("parses"), "一、回顾\n增长 9&%\n");
    }
}
