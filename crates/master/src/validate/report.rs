//! Findings, flags and the report.

use std::collections::BTreeMap;
use std::fmt;

use gammaflow_model::UnixNanos;
use jiff::civil::Date;

/// A data-quality check. The order of the variants is the flag bit order and the report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Check {
    /// Minutes of the session without a bar.
    MissingMinutes,
    /// The same minute twice.
    Duplicate,
    /// A record older than the previous one.
    OutOfOrder,
    /// Inconsistent OHLC or a non-positive price.
    InvalidBar,
    /// A jump beyond the outlier thresholds.
    Outlier,
    /// An unchanged close for many cash-session minutes.
    Stale,
    /// Data for a non-trading day.
    Holiday,
    /// An early-close day.
    EarlyClose,
    /// ES − SPX outside the configured bounds.
    BasisOutOfBounds,
    /// OPRA open interest of one contract and as-of date published with different values by
    /// different exchanges (see [`crate::opra`]).
    OiConflict,
    /// Option quotes left out of an implied-volatility snapshot: stale (feed gap, or unchanged
    /// at the money for longer than the age limit) or crossed (see [`crate::iv`]).
    StaleQuote,
}

impl Check {
    /// Every check, in bit order.
    pub const ALL: [Check; 11] = [
        Self::MissingMinutes,
        Self::Duplicate,
        Self::OutOfOrder,
        Self::InvalidBar,
        Self::Outlier,
        Self::Stale,
        Self::Holiday,
        Self::EarlyClose,
        Self::BasisOutOfBounds,
        Self::OiConflict,
        Self::StaleQuote,
    ];

    /// The stable name (`missing_minutes`, `duplicate`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Self::MissingMinutes => "missing_minutes",
            Self::Duplicate => "duplicate",
            Self::OutOfOrder => "out_of_order",
            Self::InvalidBar => "invalid_bar",
            Self::Outlier => "outlier",
            Self::Stale => "stale",
            Self::Holiday => "holiday",
            Self::EarlyClose => "early_close",
            Self::BasisOutOfBounds => "basis_out_of_bounds",
            Self::OiConflict => "oi_conflict",
            Self::StaleQuote => "stale_quote",
        }
    }

    /// The check of a name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which record a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordRef {
    /// The whole day or file.
    None,
    /// A record index or line (see `EsBar::record`), rendered `#12`.
    Index(u64),
    /// An instant (UTC), rendered as RFC 3339 (`2024-07-01T23:40:00Z`).
    Ts(UnixNanos),
}

impl fmt::Display for RecordRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => Ok(()),
            Self::Index(i) => write!(f, "#{i}"),
            Self::Ts(t) => write!(f, "{t}"),
        }
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Finding {
    /// The trade date (America/New_York) it belongs to.
    pub trade_date: Date,
    /// The check that found it.
    pub check: Check,
    /// The input file (empty when not tied to one).
    pub source_file: String,
    /// The record.
    pub record: RecordRef,
    /// What was found, with values and New York times.
    pub detail: String,
}

/// The checks that found something on a day, as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct QualityFlags(u16);

impl QualityFlags {
    /// No flag.
    pub const NONE: QualityFlags = QualityFlags(0);

    /// Adds `check`.
    pub fn insert(&mut self, check: Check) {
        self.0 |= check.bit();
    }

    /// Whether `check` is set.
    pub fn contains(self, check: Check) -> bool {
        self.0 & check.bit() != 0
    }

    /// Whether no flag is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The raw bits (bit i = `Check::ALL[i]`).
    pub fn bits(self) -> u16 {
        self.0
    }

    /// Parses the rendering of [`fmt::Display`] (empty text = no flag).
    pub fn parse(text: &str) -> Option<Self> {
        let mut flags = Self::NONE;
        if text.is_empty() {
            return Some(flags);
        }
        for name in text.split('|') {
            flags.insert(Check::from_name(name)?);
        }
        Some(flags)
    }
}

impl fmt::Display for QualityFlags {
    /// The names of the set checks in bit order joined by `|` (`missing_minutes|outlier`); empty
    /// when clean.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for c in Check::ALL {
            if self.contains(c) {
                if !first {
                    f.write_str("|")?;
                }
                f.write_str(c.name())?;
                first = false;
            }
        }
        Ok(())
    }
}

/// All findings of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationReport {
    findings: Vec<Finding>,
}

impl ValidationReport {
    /// Adds a finding.
    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Adds every finding of `other`.
    pub fn extend(&mut self, other: ValidationReport) {
        self.findings.extend(other.findings);
    }

    /// The findings, sorted (trade date, check, file, record, detail).
    pub fn findings(&mut self) -> &[Finding] {
        self.findings.sort();
        self.findings.dedup();
        &self.findings
    }

    /// Flags per trade date (only dates with findings).
    pub fn flags(&self) -> BTreeMap<Date, QualityFlags> {
        let mut map: BTreeMap<Date, QualityFlags> = BTreeMap::new();
        for f in &self.findings {
            map.entry(f.trade_date).or_default().insert(f.check);
        }
        map
    }

    /// The flags of one trade date.
    pub fn flags_of(&self, date: Date) -> QualityFlags {
        self.flags().get(&date).copied().unwrap_or_default()
    }

    /// The report as CSV: header `trade_date,check,source_file,record,detail`, then one line per
    /// finding in sorted order; fields holding `,` `"` or a line break are quoted (RFC 4180).
    pub fn to_csv(&mut self) -> String {
        let mut out = String::from("trade_date,check,source_file,record,detail\n");
        for f in self.findings() {
            let fields = [
                f.trade_date.to_string(),
                f.check.name().to_owned(),
                f.source_file.clone(),
                f.record.to_string(),
                f.detail.clone(),
            ];
            let line: Vec<String> = fields.iter().map(|s| csv_field(s)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
        out
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn flags_render_in_bit_order() {
        let mut f = QualityFlags::NONE;
        assert_eq!(f.to_string(), "");
        f.insert(Check::Outlier);
        f.insert(Check::MissingMinutes);
        assert_eq!(f.to_string(), "missing_minutes|outlier");
        assert_eq!(QualityFlags::parse("missing_minutes|outlier"), Some(f));
        assert_eq!(QualityFlags::parse("nope"), None);
    }

    #[test]
    fn csv_is_sorted_and_quoted() {
        let d = |x| jiff::civil::date(2025, 6, x);
        let mut r = ValidationReport::default();
        for (date, check, detail) in [
            (d(10), Check::Stale, "b"),
            (d(9), Check::Outlier, "x, \"y\""),
            (d(10), Check::MissingMinutes, "a"),
        ] {
            r.push(Finding {
                trade_date: date,
                check,
                source_file: "f.dbn".into(),
                record: RecordRef::Index(3),
                detail: detail.into(),
            });
        }
        assert_eq!(
            r.to_csv(),
            "trade_date,check,source_file,record,detail\n\
             2025-06-09,outlier,f.dbn,#3,\"x, \"\"y\"\"\"\n\
             2025-06-10,missing_minutes,f.dbn,#3,a\n\
             2025-06-10,stale,f.dbn,#3,b\n"
        );
        assert_eq!(r.flags_of(d(10)).to_string(), "missing_minutes|stale");
    }

    proptest! {
        #[test]
        fn flags_round_trip(bits in 0u16..(1 << 9)) {
            let f = QualityFlags(bits);
            prop_assert_eq!(QualityFlags::parse(&f.to_string()), Some(f));
        }
    }
}
