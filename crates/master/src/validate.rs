//! Data-quality checks over streamed one-minute series (ES bars today; any [`Observation`]
//! later), with findings that become per-day [`QualityFlags`] and a deterministic CSV report.
//!
//! # Checks ([`Check`]), per trade date
//! * `missing_minutes`: minutes of the trade date (under the loader's [`DayRule`](crate::loaders::DayRule)) inside a CME
//!   Globex session that have no bar: the daily 17:00–18:00 ET break, weekends and the end after
//!   an early close (Globex 13:15 ET) are not expected. One finding per run of missing minutes.
//!   Databento's `ohlcv-1m` has no bar for a minute without trades, so thin overnight minutes
//!   are reported too.
//! * `duplicate`: a minute seen twice in the day; `out_of_order`: a bar older than the previous
//!   one, or a trade date that comes back after a later one (that bar is not checked further).
//! * `invalid_bar`: high < low, open or close outside `[low, high]`, or a price ≤ 0.
//! * `outlier`: the log return `r` of the close against the previous bar's close is flagged when
//!   `|r| ≥ max_jump` (default 2 %), or when at least `min_returns` (10) earlier returns of the day
//!   are in the rolling window of the last `window` (30) accepted returns and
//!   `|r − median| > k × 1.4826 × MAD` (k = 12) **and** `|r| ≥ min_jump` (0.4 %; a floor so that a
//!   one-tick move in a dead market with MAD = 0 is not an outlier). Flagged returns do not
//!   enter the window, and the window starts again at the cash open and at the cash close (the
//!   quiet Globex night would make the open's normal moves look like outliers).
//! * `stale`: `stale_minutes` (10) or more consecutive bars with the same close, all starting
//!   in the cash session (09:30 ET to the cash close); one finding per run.
//! * `holiday`: a file named for a weekend or NYSE holiday (the date in its name), or bars
//!   dated to a non-trading day (cannot happen with the loader's rules, checked anyway).
//! * `early_close`: the trade date is an NYSE early close (13:00 ET); informational, flagged.
//! * `basis_out_of_bounds`: with SPX values given ([`SeriesValidator::push_spx`]), the ES close −
//!   the last SPX value at or before the minute's end (no older than 60 s) outside
//!   `[basis_min, basis_max]` (default −100 … +200 points); one finding per run.
//! * `oi_conflict` (OPRA, found by [`crate::opra`]): one contract's open interest for one as-of
//!   date published with different values by different exchanges (or files).
//! * `stale_quote` (OPRA, found by [`crate::iv`]): near-the-money quotes left out of an IV
//!   instant as stale (a feed gap, or an at-the-money quote unchanged for longer than the age
//!   limit) or crossed (zero bids counted in the detail).
//!
//! The builder adds two report-only rows: `unreadable` (a file that could not be read: its day is
//! skipped, or a value left empty) and `missing_day` (a trading day from `--from`, else the first
//! date read, to `--to`, else the last, with no ES bars in any input file: skipped).
//!
//! # Output
//! [`Finding`]s (trade date, source file, record, check, detail) collected in a
//! [`ValidationReport`], which renders as CSV sorted by (trade date, check, file, record, detail),
//! and [`QualityFlags`] per trade date with the stable rendering `missing_minutes|outlier`.

mod checks;
mod report;

pub use checks::{Observation, SeriesValidator, ValidationConfig};
pub use report::{Check, Finding, QualityFlags, RecordRef, ValidationReport};
