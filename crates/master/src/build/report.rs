//! The validation report of a build: the validators' findings of the dates in range, the days
//! skipped (`unreadable` or `missing_day`) and the build's notes, as CSV sorted by row.

use std::collections::{BTreeMap, BTreeSet};

use gammaflow_model::calendar;
use jiff::civil::Date;

use super::columns::report_columns;
use crate::export;
use crate::validate::Finding;

/// Why a day was skipped: its report check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SkipKind {
    /// A file of the day could not be read (`unreadable`).
    Unreadable,
    /// A trading day in range without ES bars in any file (`missing_day`).
    MissingDay,
}

impl SkipKind {
    /// The report's check name.
    const fn check(self) -> &'static str {
        match self {
            Self::Unreadable => "unreadable",
            Self::MissingDay => "missing_day",
        }
    }
}

/// A skipped day: its kind and the reason (naming the file and record when there is one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Skipped {
    pub kind: SkipKind,
    pub reason: String,
}

/// The reason of a [`SkipKind::MissingDay`].
pub(super) const MISSING_DAY: &str = "no input file has ES bars for this trading day";

/// The trading days from `from` (else the first of `seen`) to `to` (else the last of `seen`)
/// that are not in `seen`; none when nothing was seen.
pub(super) fn missing_trading_days(
    seen: &BTreeSet<Date>,
    from: Option<Date>,
    to: Option<Date>,
) -> Vec<Date> {
    let (Some(first), Some(last)) = (seen.first().copied(), seen.last().copied()) else {
        return Vec::new();
    };
    let (mut d, to) = (from.unwrap_or(first), to.unwrap_or(last));
    let mut out = Vec::new();
    while d <= to {
        if calendar::is_trading_day(d).unwrap_or(false) && !seen.contains(&d) {
            out.push(d);
        }
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    out
}

/// The report CSV and its row count: `findings` whose trade date passes `in_range`, one row per
/// skipped day (keyed by date text) and the `notes` rows, sorted.
pub(super) fn report_csv(
    findings: &[Finding],
    in_range: impl Fn(&Date) -> bool,
    skipped: &BTreeMap<String, Skipped>,
    notes: Vec<[String; 5]>,
) -> (String, usize) {
    let mut rows: Vec<[String; 5]> = findings
        .iter()
        .filter(|f| in_range(&f.trade_date))
        .map(|f| {
            [
                f.trade_date.to_string(),
                f.check.name().to_owned(),
                f.source_file.clone(),
                f.record.to_string(),
                f.detail.clone(),
            ]
        })
        .collect();
    for (date, s) in skipped {
        rows.push([
            date.clone(),
            s.kind.check().into(),
            String::new(),
            String::new(),
            format!("day skipped: {}", s.reason),
        ]);
    }
    rows.extend(notes);
    rows.sort();
    let mut csv = String::new();
    let header: Vec<String> = report_columns().into_iter().map(|c| c.name).collect();
    export::push_csv_line(&mut csv, header.iter().map(String::as_str));
    for r in &rows {
        export::push_csv_line(&mut csv, r.iter().map(String::as_str));
    }
    (csv, rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn missing_days_skip_weekends_and_holidays() {
        // Juneteenth 2025 (Thursday) is closed; the weekend is not a trading day.
        let seen: BTreeSet<Date> = [date(2025, 6, 16), date(2025, 6, 23)].into();
        assert_eq!(
            missing_trading_days(&seen, None, None),
            vec![date(2025, 6, 17), date(2025, 6, 18), date(2025, 6, 20)]
        );
        assert_eq!(
            missing_trading_days(&seen, Some(date(2025, 6, 20)), Some(date(2025, 6, 24))),
            vec![date(2025, 6, 20), date(2025, 6, 24)]
        );
        assert!(missing_trading_days(&BTreeSet::new(), None, None).is_empty());
    }
}
