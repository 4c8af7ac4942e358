//! Properties of the working-day calendar over the years its data covers.

use duban_core::Calendar;
use proptest::prelude::*;
use time::{Date, Duration, macros::date};

fn day(offset: i64) -> Date {
    date!(2018 - 01 - 01) + Duration::days(offset)
}

proptest! {
    #[test]
    fn adding_then_counting_gives_back_n(offset in 0i64..3600, n in 1u32..120) {
        let cal = Calendar::builtin();
        let from = day(offset);
        let to = cal.add_working_days(from, n);
        prop_assert!(cal.is_working_day(to));
        prop_assert_eq!(cal.working_days_between(from, to), i64::from(n));
    }

    #[test]
    fn counting_is_additive(a in 0i64..3600, b in 0i64..200, c in 0i64..200) {
        let cal = Calendar::builtin();
        let (x, y, z) = (day(a), day(a + b), day(a + b + c));
        prop_assert_eq!(cal.working_days_between(x, z), cal.working_days_between(x, y) + cal.working_days_between(y, z));
    }
}

#[test]
fn a_year_has_about_250_working_days() {
    let cal = Calendar::builtin();
    for year in 2018..=2026 {
        let from = Date::from_ordinal_date(year - 1, if time::util::is_leap_year(year - 1) { 366 } else { 365 })
            .expect("date");
        let to = Date::from_ordinal_date(year, if time::util::is_leap_year(year) { 366 } else { 365 }).expect("date");
        let n = cal.working_days_between(from, to);
        // China's statutory arrangement gives 246–251 working days a year.
        assert!((244..=252).contains(&n), "{year}: {n}");
    }
}
