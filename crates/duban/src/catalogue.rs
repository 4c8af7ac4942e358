//! The category catalogue of requests and the dispatch catalogue (派单目录: category and place →
//! unit): the built-in one (data/catalogue.tsv, our own writing) or the jurisdiction's from an
//! .xlsx. Reading either is all or nothing; errors name the sheet and row.

use std::path::Path;

use anyhow::{Context, Result, bail};
use calamine::{Data, Reader, open_workbook_auto};

use crate::store::Category;

const BUILTIN: &str = include_str!("../data/catalogue.tsv");

/// Categories and dispatch rules (category, place ("" for anywhere), unit name).
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub categories: Vec<Category>,
    pub rules: Vec<(String, String, String)>,
}

/// The built-in catalogue; categories marked 属地 go to the street or town itself for each of
/// `places` (the 街道/镇 that are units).
pub fn builtin(places: &[String]) -> Catalogue {
    let mut c = Catalogue::default();
    for line in BUILTIN.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let col = |i: usize| cols.get(i).copied().unwrap_or("");
        c.categories.push(Category {
            code: col(0).to_string(),
            name: col(1).to_string(),
            parent: Some(col(2).to_string()).filter(|p| !p.is_empty()),
            description: col(3).to_string(),
        });
        if !col(4).is_empty() {
            c.rules.push((col(0).to_string(), String::new(), col(4).to_string()));
            if col(5) == "本地" {
                c.rules.extend(places.iter().map(|p| (col(0).to_string(), p.clone(), p.clone())));
            }
        }
    }
    c
}

fn cell(row: &[Data], c: usize) -> String {
    match row.get(c) {
        Some(Data::String(s)) => s.trim().to_string(),
        Some(Data::Empty) | None => String::new(),
        Some(Data::Float(f)) if f.fract() == 0.0 => format!("{f:.0}"),
        Some(other) => other.to_string().trim().to_string(),
    }
}

/// Reads a catalogue from .xlsx: sheet 类别 (编码, 名称, 上级编码, 说明) and sheet 派单目录 (类别编码,
/// 街道镇, 承办单位; 街道镇 empty for anywhere). Codes are text (write 0101 as text, or it is read as
/// 101).
pub fn read_xlsx(path: &Path) -> Result<Catalogue> {
    let mut book =
        open_workbook_auto(path).with_context(|| format!("无法打开 Excel 文件 / cannot open {}", path.display()))?;
    let sheet = |book: &mut calamine::Sheets<_>, name: &str| {
        book.worksheet_range(name).with_context(|| format!("{}: 缺少工作表“{name}” / no sheet {name}", path.display()))
    };
    let mut c = Catalogue::default();
    let range = sheet(&mut book, "类别")?;
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().map(|r| (0..r.len()).map(|i| cell(r, i)).collect()).unwrap_or_default();
    let col = |h: &[String], name: &str| h.iter().position(|x| x == name);
    let (Some(code), Some(name)) = (col(&header, "编码"), col(&header, "名称")) else {
        bail!("{}: 工作表“类别”第1行须有“编码”“名称”列 / sheet 类别 needs the columns 编码 and 名称", path.display());
    };
    let (parent, description) = (col(&header, "上级编码"), col(&header, "说明"));
    for (i, row) in rows.enumerate() {
        let line = i + 2;
        let (k, n) = (cell(row, code), cell(row, name));
        if k.is_empty() && n.is_empty() {
            continue;
        }
        if k.is_empty() || n.is_empty() {
            bail!(
                "{}: 类别 第{line}行“编码”或“名称”为空 / sheet 类别 row {line}: 编码 or 名称 is empty",
                path.display()
            );
        }
        if c.categories.iter().any(|x| x.code == k) {
            bail!("{}: 类别 第{line}行编码“{k}”重复 / sheet 类别 row {line}: code {k:?} listed twice", path.display());
        }
        c.categories.push(Category {
            code: k,
            name: n,
            parent: parent.map(|p| cell(row, p)).filter(|p| !p.is_empty()),
            description: description.map(|d| cell(row, d)).unwrap_or_default(),
        });
    }
    for (i, cat) in c.categories.iter().enumerate() {
        if let Some(p) = &cat.parent
            && !c.categories.iter().any(|x| &x.code == p)
        {
            bail!(
                "{}: 类别 第{}行上级编码“{p}”不存在 / sheet 类别 row {}: no parent {p:?}",
                path.display(),
                i + 2,
                i + 2
            );
        }
    }
    if let Ok(range) = book.worksheet_range("派单目录") {
        let mut rows = range.rows();
        let header: Vec<String> = rows.next().map(|r| (0..r.len()).map(|i| cell(r, i)).collect()).unwrap_or_default();
        let (Some(cat), Some(unit)) = (col(&header, "类别编码"), col(&header, "承办单位")) else {
            bail!(
                "{}: 工作表“派单目录”第1行须有“类别编码”“承办单位”列 / sheet 派单目录 needs 类别编码 and 承办单位",
                path.display()
            );
        };
        let place = col(&header, "街道镇");
        for (i, row) in rows.enumerate() {
            let line = i + 2;
            let (k, u) = (cell(row, cat), cell(row, unit));
            if k.is_empty() && u.is_empty() {
                continue;
            }
            if !c.categories.iter().any(|x| x.code == k) || u.is_empty() {
                bail!(
                    "{}: 派单目录 第{line}行类别“{k}”不在类别表中或承办单位为空 / sheet 派单目录 row {line}: unknown category {k:?} or no unit",
                    path.display()
                );
            }
            c.rules.push((k, place.map(|p| cell(row, p)).unwrap_or_default(), u));
        }
    }
    if c.categories.is_empty() {
        bail!("{}: 没有类别 / no categories", path.display());
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::builtin;

    #[test]
    fn the_builtin_catalogue_is_whole() {
        let c = builtin(&["傅庄街道".to_string()]);
        assert!(c.categories.len() >= 40, "{}", c.categories.len());
        for cat in &c.categories {
            if let Some(p) = &cat.parent {
                assert!(c.categories.iter().any(|x| &x.code == p), "{} has no parent {p}", cat.code);
            } else {
                assert_eq!(cat.code.len(), 2, "{}", cat.code);
            }
        }
        // Every leaf goes somewhere; local ones also to the street itself.
        for cat in c.categories.iter().filter(|c| c.parent.is_some()) {
            assert!(c.rules.iter().any(|r| r.0 == cat.code && r.1.is_empty()), "{} undispatched", cat.code);
        }
        assert!(c.rules.contains(&("0201".into(), "傅庄街道".into(), "傅庄街道".into())));
    }
}
