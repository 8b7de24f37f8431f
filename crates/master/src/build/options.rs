//! The build's options, per-day progress reports and summary.

use std::path::PathBuf;

use gammaflow_model::UnixNanos;
use jiff::civil::Date;

use crate::loaders::DayRule;
use crate::ranges::RangesInput;

/// What a build does beyond the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// First trade date built (inclusive; default: the first found).
    pub from: Option<Date>,
    /// Last trade date built (inclusive; default: the last found).
    pub to: Option<Date>,
    /// Output directory (default: the configuration's `paths.output`).
    pub out: Option<PathBuf>,
    /// Replace finalized (read-only) outputs that differ.
    pub force: bool,
    /// How bars get their trade date (default: the dashboard window).
    pub day_rule: DayRule,
    /// The build's clock for finalization (default: the system clock).
    pub now: Option<UnixNanos>,
}

/// What happened to one trade date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayStatus {
    /// A row was built.
    Built {
        /// What the ranges were fed.
        input: RangesInput,
        /// Bars of the day.
        bars: usize,
    },
    /// The day was skipped; the reason names the file and record.
    Skipped(String),
}

/// A progress report, once per trade date handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The trade date (None when a failing file names none).
    pub trade_date: Option<Date>,
    /// Days handled so far (this one included).
    pub done: usize,
    /// Distinct dates in the input file names within the range (an estimate of the total).
    pub total_hint: usize,
    /// What happened.
    pub status: DayStatus,
}

/// The result of a build.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildSummary {
    /// Rows built.
    pub days_built: usize,
    /// Days skipped.
    pub skipped: usize,
    /// Rows with at least one quality flag.
    pub flagged: usize,
    /// Rows of `MASTER_OUTPUT` (= `days_built`).
    pub rows: usize,
    /// Wall-clock seconds of the build (not written to any output).
    pub seconds: f64,
    /// The output directory.
    pub out_dir: PathBuf,
    /// The files written (or verified unchanged), in order.
    pub files: Vec<String>,
    /// Whether the outputs were made read-only.
    pub finalized: bool,
}

impl BuildSummary {
    /// `SUMMARY days_built=… skipped=… flagged=… rows=… seconds=…` (seconds with 3 decimals).
    pub fn line(&self) -> String {
        format!(
            "SUMMARY days_built={} skipped={} flagged={} rows={} seconds={:.3}",
            self.days_built, self.skipped, self.flagged, self.rows, self.seconds
        )
    }
}
