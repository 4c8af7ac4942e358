//! Lists the office receives as spreadsheets: the inspection team's list of complaints (编号, 信访内容,
//! 交办日期, 责任单位, 办理时限). All or nothing; errors name the row and the column.

use anyhow::{Result, bail};
use calamine::{Data, Reader, Xlsx};
use time::Date;

use crate::store::NewComplaint;

fn text(row: &[Data], c: usize) -> String {
    match row.get(c) {
        Some(Data::String(s)) => s.trim().to_string(),
        Some(Data::Empty) | None => String::new(),
        Some(Data::Float(f)) if f.fract() == 0.0 => format!("{f:.0}"),
        Some(other) => other.to_string().trim().to_string(),
    }
}

/// A date cell: an Excel date (a serial day number) or text such as 2019-07-01 or 2019/7/1.
fn date(row: &[Data], c: usize) -> Option<Date> {
    let serial = match row.get(c) {
        Some(Data::DateTime(d)) => Some(d.as_f64()),
        Some(Data::Float(f)) => Some(*f),
        Some(Data::Int(i)) => Some(*i as f64),
        _ => None,
    };
    if let Some(s) = serial {
        let epoch = Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
        return epoch.checked_add(time::Duration::days(s.floor() as i64));
    }
    let t = text(row, c).replace(['/', '.', '年', '月'], "-").replace('日', "");
    let mut parts = t.split('-').map(|p| p.trim().parse::<i32>());
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next()) else { return None };
    Date::from_calendar_date(y, time::Month::try_from(u8::try_from(m).ok()?).ok()?, u8::try_from(d).ok()?).ok()
}

/// Reads the complaints of the first sheet of an .xlsx file.
pub fn read_complaints(name: &str, bytes: &[u8]) -> Result<Vec<NewComplaint>> {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| anyhow::anyhow!("{name}: 不是可读的 Excel 文件 / not a readable .xlsx file: {e}"))?;
    let Some(sheet) = book.sheet_names().first().cloned() else { bail!("{name}: 没有工作表 / no sheet") };
    let range = book.worksheet_range(&sheet).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().map(|r| (0..r.len()).map(|i| text(r, i)).collect()).unwrap_or_default();
    let col = |h: &str| header.iter().position(|x| x == h);
    let columns = ["编号", "信访内容", "交办日期", "责任单位", "办理时限"];
    let found: Vec<Option<usize>> = columns.iter().map(|c| col(c)).collect();
    if let Some(missing) = columns.iter().zip(&found).find(|(_, f)| f.is_none()) {
        bail!(
            "{name}: 第1行缺少“{}”列（须有 编号、信访内容、交办日期、责任单位、办理时限）/ row 1 has no column {}",
            missing.0,
            missing.0
        );
    }
    let [number, content, assigned, unit, deadline] = [0, 1, 2, 3, 4].map(|i| found[i].unwrap_or(0));
    let mut out = Vec::new();
    for (i, row) in rows.enumerate() {
        let line = i + 2;
        if (0..row.len()).all(|c| text(row, c).is_empty()) {
            continue;
        }
        let day = |c: usize, what: &str| {
            date(row, c)
                .ok_or_else(|| anyhow::anyhow!("{name}: 第{line}行“{what}”不是日期 / row {line}: {what} is not a date"))
        };
        out.push(NewComplaint {
            number: text(row, number),
            content: text(row, content),
            assigned_on: day(assigned, "交办日期")?,
            unit: text(row, unit),
            deadline: day(deadline, "办理时限")?,
        });
    }
    if out.is_empty() {
        bail!("{name}: 没有信访件 / no complaints");
    }
    Ok(out)
}
