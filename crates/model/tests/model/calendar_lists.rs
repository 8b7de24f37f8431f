//! The rule-based calendar against NYSE's published holiday and early-close lists.

#![allow(clippy::unwrap_used)]

use gammaflow_model::calendar::{early_closes_in_year, holidays_in_year, trading_days};
use jiff::civil::{Date, date};

fn md(year: i16, list: &[(i8, i8)]) -> Vec<Date> {
    list.iter().map(|&(m, d)| date(year, m, d)).collect()
}

/// One year's expected lists: year, holidays (month, day), early closes (month, day).
type YearLists = (i16, &'static [(i8, i8)], &'static [(i8, i8)]);

fn holidays(year: i16) -> Vec<Date> {
    holidays_in_year(year)
        .unwrap()
        .into_iter()
        .map(|(d, _)| d)
        .collect()
}

#[test]
fn published_lists() {
    #[rustfmt::skip]
    let cases: [YearLists; 8] = [
        (2015, &[(1, 1), (1, 19), (2, 16), (4, 3), (5, 25), (7, 3), (9, 7), (11, 26), (12, 25)],
            &[(11, 27), (12, 24)]),
        (2016, &[(1, 1), (1, 18), (2, 15), (3, 25), (5, 30), (7, 4), (9, 5), (11, 24), (12, 26)],
            &[(11, 25)]),
        (2018, &[(1, 1), (1, 15), (2, 19), (3, 30), (5, 28), (7, 4), (9, 3), (11, 22), (12, 5),
            (12, 25)], &[(7, 3), (11, 23), (12, 24)]),
        (2022, &[(1, 17), (2, 21), (4, 15), (5, 30), (6, 20), (7, 4), (9, 5), (11, 24), (12, 26)],
            &[(11, 25)]),
        (2023, &[(1, 2), (1, 16), (2, 20), (4, 7), (5, 29), (6, 19), (7, 4), (9, 4), (11, 23),
            (12, 25)], &[(7, 3), (11, 24)]),
        (2026, &[(1, 1), (1, 19), (2, 16), (4, 3), (5, 25), (6, 19), (7, 3), (9, 7), (11, 26),
            (12, 25)], &[(11, 27), (12, 24)]),
        (2027, &[(1, 1), (1, 18), (2, 15), (3, 26), (5, 31), (6, 18), (7, 5), (9, 6), (11, 25),
            (12, 24)], &[(11, 26)]),
        (2028, &[(1, 17), (2, 21), (4, 14), (5, 29), (6, 19), (7, 4), (9, 4), (11, 23), (12, 25)],
            &[(7, 3), (11, 24)]),
    ];
    for (year, hols, early) in cases {
        assert_eq!(holidays(year), md(year, hols), "holidays {year}");
        assert_eq!(
            early_closes_in_year(year).unwrap(),
            md(year, early),
            "early closes {year}"
        );
    }
}

#[test]
fn trading_day_counts() {
    let counts = [
        (2015, 252),
        (2016, 252),
        (2017, 251),
        (2018, 251),
        (2019, 252),
        (2020, 253),
        (2021, 252),
        (2022, 251),
        (2023, 250),
        (2024, 252),
        (2025, 250),
    ];
    for (year, count) in counts {
        let days = trading_days(date(year, 1, 1), date(year, 12, 31)).unwrap();
        assert_eq!(days.len(), count, "{year}");
    }
}
