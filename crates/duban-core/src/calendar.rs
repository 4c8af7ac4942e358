//! The working-day calendar: weekends, the statutory holidays and the adjusted working days (调休)
//! that the State Council announces each year. Deadlines "in working days" are counted on it.
//!
//! The calendar is data (data/holidays.tsv, editable); this module parses it, checks it, and answers
//! "is this a working day" and "what date is N working days after this one". Outside the years the
//! data covers, weekends are the only days off, and `covers` says so.

use std::collections::BTreeMap;
use std::fmt;

use time::{Date, Duration, PrimitiveDateTime, Weekday};

/// The calendar that ships with duban (2018–2027; 2027 provisional).
pub const BUILTIN: &str = include_str!("../data/holidays.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A day off: a holiday, or a weekend day inside a holiday block.
    Off,
    /// A weekend day that is a working day (调休).
    Work,
}

#[derive(Debug, Clone)]
pub struct Calendar {
    days: BTreeMap<Date, (DayKind, String)>,
    years: BTreeMap<i32, bool>, // year → official (false: provisional)
}

/// A line of the calendar data that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "节假日数据第{}行 / holiday data line {}: {}", self.line, self.line, self.message)
    }
}

impl std::error::Error for CalendarError {}

impl Calendar {
    /// Parses `DATE<TAB>休|班<TAB>NAME` lines; `#@ YEAR<TAB>official|provisional` declares a year.
    pub fn parse(tsv: &str) -> Result<Calendar, CalendarError> {
        let mut days = BTreeMap::new();
        let mut years = BTreeMap::new();
        let format = time::macros::format_description!("[year]-[month]-[day]");
        for (i, line) in tsv.lines().enumerate() {
            let n = i + 1;
            let err = |message: String| CalendarError { line: n, message };
            let line = line.trim_end_matches('\r');
            if let Some(decl) = line.strip_prefix("#@") {
                let mut parts = decl.split_whitespace();
                let year: i32 =
                    parts.next().and_then(|y| y.parse().ok()).ok_or_else(|| err("年份无效 / bad year".into()))?;
                let official = match parts.next() {
                    Some("official") => true,
                    Some("provisional") => false,
                    _ => return Err(err("应为 official 或 provisional / expected official or provisional".into())),
                };
                years.insert(year, official);
                continue;
            }
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(date), Some(kind)) = (cols.next(), cols.next()) else {
                return Err(err("应为“日期<Tab>休|班<Tab>名称” / expected DATE<TAB>休|班<TAB>NAME".into()));
            };
            let name = cols.next().unwrap_or("").to_string();
            let date =
                Date::parse(date.trim(), format).map_err(|e| err(format!("日期无效 / bad date {date:?}: {e}")))?;
            let kind = match kind.trim() {
                "休" => DayKind::Off,
                "班" => DayKind::Work,
                other => return Err(err(format!("应为“休”或“班” / expected 休 or 班, got {other:?}"))),
            };
            if kind == DayKind::Work && !is_weekend(date) {
                return Err(err(format!("{date} 不是周末，不能调为工作日 / {date} is not a weekend day")));
            }
            if days.insert(date, (kind, name)).is_some() {
                return Err(err(format!("{date} 重复 / listed twice")));
            }
        }
        Ok(Calendar { days, years })
    }

    /// The calendar that ships with duban.
    pub fn builtin() -> Calendar {
        // The shipped data is checked by a test; an error here would be a build of broken data.
        Calendar::parse(BUILTIN).unwrap_or(Calendar { days: BTreeMap::new(), years: BTreeMap::new() })
    }

    /// Whether the data covers `year`, and whether officially.
    pub fn covers(&self, year: i32) -> Option<bool> {
        self.years.get(&year).copied()
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        match self.days.get(&date) {
            Some((DayKind::Off, _)) => false,
            Some((DayKind::Work, _)) => true,
            None => !is_weekend(date),
        }
    }

    /// The holiday a date belongs to, if any.
    pub fn holiday(&self, date: Date) -> Option<&str> {
        self.days.get(&date).filter(|(k, _)| *k == DayKind::Off).map(|(_, n)| n.as_str())
    }

    /// The date that is `n` working days after `from` (not counting `from` itself); n = 0 is the
    /// first working day on or after `from`.
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        let mut d = from;
        if n == 0 {
            while !self.is_working_day(d) {
                d += Duration::DAY;
            }
            return d;
        }
        let mut left = n;
        while left > 0 {
            d += Duration::DAY;
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days in the half-open range (from, to]: how many working days pass from one to the other.
    /// The moment `hours` working hours after `from`, counting only the working hours
    /// `[starts, ends)` (whole hours of the clock) of working days. A moment outside them starts
    /// counting at the next working hour.
    pub fn add_working_hours(&self, from: PrimitiveDateTime, hours: u32, starts: u8, ends: u8) -> PrimitiveDateTime {
        let (starts, ends) = (starts.min(23), ends.clamp(starts.min(23) + 1, 24));
        let open = |d: Date| d.with_hms(starts, 0, 0).unwrap_or(PrimitiveDateTime::MIN);
        let close = |d: Date| {
            if ends == 24 {
                (d + Duration::DAY).midnight()
            } else {
                d.with_hms(ends, 0, 0).unwrap_or(PrimitiveDateTime::MIN)
            }
        };
        let mut t = from;
        let mut left = Duration::hours(i64::from(hours));
        loop {
            let day = t.date();
            if !self.is_working_day(day) || t >= close(day) {
                t = open(self.add_working_days(day, 1));
                continue;
            }
            if t < open(day) {
                t = open(day);
            }
            let available = close(day) - t;
            if left <= available {
                return t + left;
            }
            left -= available;
            t = open(self.add_working_days(day, 1));
        }
    }

    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        if to == from {
            return 0;
        }
        if to < from {
            return -self.working_days_between(to, from);
        }
        let mut d = from;
        let mut count = 0;
        while d < to {
            d += Duration::DAY;
            if self.is_working_day(d) {
                count += 1;
            }
        }
        count
    }
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn shipped_data_parses_and_covers_2018_to_2027() {
        let cal = Calendar::parse(BUILTIN).expect("the shipped calendar is valid");
        for y in 2018..=2026 {
            assert_eq!(cal.covers(y), Some(true), "{y}");
        }
        assert_eq!(cal.covers(2027), Some(false));
        assert_eq!(cal.covers(2030), None);
    }

    #[test]
    fn adjusted_working_days_and_holidays() {
        let cal = Calendar::builtin();
        assert!(!cal.is_working_day(date!(2019 - 10 - 01)), "National Day");
        assert!(cal.is_working_day(date!(2019 - 09 - 29)), "a Sunday made a working day");
        assert!(!cal.is_working_day(date!(2019 - 06 - 08)), "a plain Saturday");
        assert!(cal.is_working_day(date!(2019 - 06 - 10)), "a plain Monday");
        assert_eq!(cal.holiday(date!(2024 - 02 - 12)), Some("春节"));
    }

    #[test]
    fn counting_working_days_across_national_day() {
        let cal = Calendar::builtin();
        // Fri 2019-09-27 + 3 working days: Sun 9-29 (调休), Mon 9-30, then Tue 10-8 after the holiday.
        assert_eq!(cal.add_working_days(date!(2019 - 09 - 27), 3), date!(2019 - 10 - 08));
        assert_eq!(cal.working_days_between(date!(2019 - 09 - 27), date!(2019 - 10 - 08)), 3);
        assert_eq!(cal.working_days_between(date!(2019 - 10 - 08), date!(2019 - 09 - 27)), -3);
        // Five working days for a hotline request filed on Fri 2024-02-09, the eve of Spring Festival:
        // 2-10…2-17 off, Sun 2-18 (调休) is the first, then Mon 2-19 … Thu 2-22 the fifth.
        assert_eq!(cal.add_working_days(date!(2024 - 02 - 09), 5), date!(2024 - 02 - 22));
        assert_eq!(cal.add_working_days(date!(2024 - 02 - 10), 0), date!(2024 - 02 - 18));
    }

    #[test]
    fn bad_lines_are_named() {
        let e = Calendar::parse("2019-10-01\t休\t国庆节\n2019-10-02\t放\t国庆节\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = Calendar::parse("2019-10-08\t班\t国庆节\n").unwrap_err();
        assert!(e.message.contains("not a weekend"), "{e}");
        let e = Calendar::parse("2019-02-30\t休\tx\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.to_string().contains("第1行"));
    }
}

#[cfg(test)]
mod hour_tests {
    use super::Calendar;
    use time::macros::datetime;

    #[test]
    fn working_hours_skip_nights_weekends_and_holidays() {
        let cal = Calendar::builtin();
        // Within the day.
        assert_eq!(cal.add_working_hours(datetime!(2019-09-26 10:15), 2, 9, 17), datetime!(2019-09-26 12:15));
        // Past the end of the day: on into the next working morning.
        assert_eq!(cal.add_working_hours(datetime!(2019-09-26 16:00), 2, 9, 17), datetime!(2019-09-27 10:00));
        // Friday evening before National Day: the adjusted working Sunday 09-29 counts.
        assert_eq!(cal.add_working_hours(datetime!(2019-09-27 20:00), 2, 9, 17), datetime!(2019-09-29 11:00));
        // In the holiday: the first working hour after it.
        assert_eq!(cal.add_working_hours(datetime!(2019-10-03 12:00), 2, 9, 17), datetime!(2019-10-08 11:00));
        // Before opening.
        assert_eq!(cal.add_working_hours(datetime!(2019-09-26 06:30), 1, 9, 17), datetime!(2019-09-26 10:00));
        // Exactly filling the day ends at its close.
        assert_eq!(cal.add_working_hours(datetime!(2019-09-26 09:00), 8, 9, 17), datetime!(2019-09-26 17:00));
    }
}
