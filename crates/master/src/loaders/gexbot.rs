//! GEXBot levels (zero gamma, major positive/negative strikes by volume and by open interest, net
//! GEX) read record by record from GEXBot history files (JSON) or from a CSV export, each record
//! tagged with its trade date.
//!
//! # JSON ([`GexFormat::Json`])
//! GEXBot's history endpoint (`GET /v2/hist/{ticker}/{package}/{category}/{YYYY-MM-DD}`, OpenAPI
//! 2.3.0) hands out a pre-signed URL to a JSON file of chart responses (`basic_response` of the
//! `classic`/`state` packages). A file may hold, and [`GexBotReader`] accepts all three:
//! * **one JSON array** of response objects (what the history download is: `[{…}, {…}, …]`);
//! * **one JSON object** (a single saved response);
//! * **JSON lines**: one object per line (or any whitespace-separated sequence of objects), e.g.
//!   after converting the array to `.jsonl`.
//!
//! The array is streamed element by element (a day's file is 26–145 MB): only one response object
//! is in memory at a time, and the per-strike arrays (`strikes`, `max_priors`) are skipped without
//! being stored. A `.zst` suffix means zstd-compressed; gzip is not read (decompress first).
//! Leading whitespace and a UTF-8 byte-order mark are ignored.
//!
//! Fields read ([`HistoryResponse`], the spec's `basic_response`; unknown fields are ignored). The
//! spec marks **no** field as required; this reader requires those it uses:
//!
//! | field | type | required | meaning |
//! |---|---|---|---|
//! | `timestamp` | integer | yes | Unix **seconds** (UTC); values ≥ 10¹¹ are read as milliseconds |
//! | `ticker` | text | yes | `ES_SPX`, `SPX`, `SPXW`, … (records of other tickers are skipped and counted) |
//! | `spot` | number | yes | underlying price in the ticker's terms (ES points for `ES_SPX`) |
//! | `zero_gamma` | number | yes | zero-gamma level, same terms |
//! | `major_pos_vol` (`mpos_vol`) | number | yes | strike of the largest positive GEX by volume |
//! | `major_pos_oi` (`mpos_oi`) | number | yes | strike of the largest positive GEX by open interest |
//! | `major_neg_vol` (`mneg_vol`) | number | yes | strike of the most negative GEX by volume |
//! | `major_neg_oi` (`mneg_oi`) | number | yes | strike of the most negative GEX by open interest |
//! | `sum_gex_vol` (`net_gex_vol`) | number | no | net GEX by volume (GEXBot's unit) |
//! | `sum_gex_oi` (`net_gex_oi`) | number | no | net GEX by open interest (GEXBot's unit) |
//! | `delta_risk_reversal` | number | no | GEXBot's delta risk reversal |
//! | `min_dte` | integer | no | days to the nearest expiry included |
//!
//! The names in brackets are the `/majors` response's spellings, read as the same fields. `null`
//! counts as missing. Numbers must be finite; `spot` and the levels must be > 0.
//!
//! # CSV ([`GexFormat::Csv`], [`GexCsvMapping`])
//! GEXBot publishes no CSV layout; an export is read through a configurable column mapping (our
//! field → the file's column name) and a timestamp format (`epoch_s`, `epoch_ms`, `iso` = RFC 3339
//! with an offset or `Z`). The default mapping expects the flattened `basic_response`
//! ([`DEFAULT_CSV_HEADER`]):
//!
//! ```text
//! timestamp,ticker,min_dte,sec_min_dte,spot,zero_gamma,major_pos_vol,major_pos_oi,major_neg_vol,major_neg_oi,sum_gex_vol,sum_gex_oi,delta_risk_reversal
//! ```
//!
//! The first line is the header; columns are found by name (surrounding spaces ignored), so their
//! order and extra columns do not matter. The columns of required fields must exist; those of
//! optional fields (`ticker`, `sum_gex_vol`, `sum_gex_oi`, `delta_risk_reversal`, `min_dte`) are
//! read when present (without a `ticker` column every row is of the configured ticker). An empty
//! cell is a missing value. Comma-separated, `"` quoting, `.zst` = zstd.
//!
//! # Trade dates, order and skips
//! Each record's trade date comes from its timestamp by a [`DayRule`]. The default is
//! [`DayRule::Attributed`]: the dashboard window `[20:15 ET on D − 1, cash close of D)` extended
//! to the next window's open, so that GEXBot's last snapshot of the day, stamped at the 16:00 ET
//! close itself, belongs to `D` (the plain dashboard window ends just before the close and would
//! drop it). GEXBot publishes during the cash session (09:30–16:00 ET), so both rules give the
//! same dates otherwise. Records outside every trade date, of another ticker, or not later than the previous
//! kept record of the same file (duplicates, out of order) are skipped and counted per file
//! ([`GexFileStats`]). Errors name the file and the record (`line N`, or `element N (line L)`
//! inside a JSON array) and the field. A record with a missing or bad field is returned as an
//! error and reading goes on with the next record; text that cannot be parsed any further
//! (malformed JSON, an unreadable file, a CSV header without a required column) ends that file
//! with an error and reading goes on with the next file.

mod csv;
mod json;
#[cfg(test)]
mod tests;

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use gammaflow_model::UnixNanos;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::DayRule;
use super::clock::DayClock;
use crate::MasterError;

pub use self::csv::{DEFAULT_CSV_HEADER, GexCsvMapping, GexField, TimestampFormat};
pub use self::json::{HistoryResponse, Loose};

/// The default GEXBot ticker: `ES_SPX` (SPX options GEX expressed in ES futures points).
pub const DEFAULT_TICKER: &str = "ES_SPX";

/// Which file format the GEXBot input is in (`gex.format` in the builder's configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GexFormat {
    /// GEXBot history JSON: an array of responses, one response, or JSON lines.
    #[default]
    Json,
    /// A CSV export read through a [`GexCsvMapping`].
    Csv,
}

impl GexFormat {
    /// The spelling in the configuration: `json` or `csv`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Csv => "csv",
        }
    }
}

/// Where a record sits in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordPos {
    /// A text line (1-based): a CSV row, a JSON line, a lone JSON object.
    Line(u64),
    /// An element of a top-level JSON array: its 0-based index and the line it starts on.
    Element {
        /// 0-based index in the array.
        index: u64,
        /// 1-based line of its opening `{`.
        line: u64,
    },
}

impl fmt::Display for RecordPos {
    /// `line 12` or `element 3 (line 40)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Line(l) => write!(f, "line {l}"),
            Self::Element { index, line } => write!(f, "element {index} (line {line})"),
        }
    }
}

/// One GEXBot snapshot, validated (levels in the ticker's price terms: ES points for `ES_SPX`,
/// SPX points for `SPX`).
#[derive(Debug, Clone, PartialEq)]
pub struct GexRecord {
    /// The trade date (America/New_York civil date) by the reader's [`DayRule`].
    pub trade_date: Date,
    /// The snapshot time (UTC ns; GEXBot gives whole seconds).
    pub ts: UnixNanos,
    /// GEXBot ticker (`ES_SPX`, `SPX`, …).
    pub ticker: String,
    /// Underlying price, points.
    pub spot: f64,
    /// Zero-gamma level, points.
    pub zero_gamma: f64,
    /// Strike of the largest positive GEX by volume, points.
    pub major_pos_vol: f64,
    /// Strike of the largest positive GEX by open interest, points.
    pub major_pos_oi: f64,
    /// Strike of the most negative GEX by volume, points.
    pub major_neg_vol: f64,
    /// Strike of the most negative GEX by open interest, points.
    pub major_neg_oi: f64,
    /// Net GEX by volume (GEXBot's unit, undocumented), if given.
    pub sum_gex_vol: Option<f64>,
    /// Net GEX by open interest (GEXBot's unit), if given.
    pub sum_gex_oi: Option<f64>,
    /// Delta risk reversal, if given.
    pub delta_risk_reversal: Option<f64>,
    /// Days to the nearest expiry included, if given.
    pub min_dte: Option<i64>,
    /// Index of the file in [`GexBotReader::files`].
    pub file: usize,
    /// Position in that file.
    pub pos: RecordPos,
}

/// A record's fields as read, before validation (shared by the JSON and CSV parsers).
#[derive(Debug, Clone, Default)]
pub(crate) struct Fields {
    pub(crate) ts: Option<UnixNanos>,
    pub(crate) ticker: Option<String>,
    pub(crate) spot: Option<f64>,
    pub(crate) zero_gamma: Option<f64>,
    pub(crate) major_pos_vol: Option<f64>,
    pub(crate) major_pos_oi: Option<f64>,
    pub(crate) major_neg_vol: Option<f64>,
    pub(crate) major_neg_oi: Option<f64>,
    pub(crate) sum_gex_vol: Option<f64>,
    pub(crate) sum_gex_oi: Option<f64>,
    pub(crate) delta_risk_reversal: Option<f64>,
    pub(crate) min_dte: Option<i64>,
}

/// A fatal parse failure (the rest of the file cannot be read): where, and what.
pub(crate) type ParseError = (RecordPos, String);

/// A record read: its position and the validated snapshot or what is wrong with it (naming the
/// field; not fatal, the next record can be read).
pub(crate) type Parsed = (RecordPos, Result<Snapshot, String>);

/// A validated record without its trade date.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Snapshot {
    pub(crate) ts: UnixNanos,
    pub(crate) ticker: String,
    pub(crate) spot: f64,
    pub(crate) levels: [f64; 5],
    pub(crate) sum_gex_vol: Option<f64>,
    pub(crate) sum_gex_oi: Option<f64>,
    pub(crate) delta_risk_reversal: Option<f64>,
    pub(crate) min_dte: Option<i64>,
}

impl Fields {
    /// Checks presence and ranges; the error names the field. A missing ticker is `default_ticker`.
    pub(crate) fn finish(self, default_ticker: Option<&str>) -> Result<Snapshot, String> {
        let missing = |name: &str| format!("field `{name}`: missing");
        let ts = self.ts.ok_or_else(|| missing("timestamp"))?;
        let ticker = match (self.ticker, default_ticker) {
            (Some(t), _) => t,
            (None, Some(d)) => d.to_owned(),
            (None, None) => return Err(missing("ticker")),
        };
        let positive = |name: &str, v: Option<f64>| -> Result<f64, String> {
            match v {
                None => Err(missing(name)),
                Some(x) if x.is_finite() && x > 0.0 => Ok(x),
                Some(x) => Err(format!("field `{name}`: expected a price > 0, got {x}")),
            }
        };
        let spot = positive("spot", self.spot)?;
        let levels = [
            positive("zero_gamma", self.zero_gamma)?,
            positive("major_pos_vol", self.major_pos_vol)?,
            positive("major_pos_oi", self.major_pos_oi)?,
            positive("major_neg_vol", self.major_neg_vol)?,
            positive("major_neg_oi", self.major_neg_oi)?,
        ];
        Ok(Snapshot {
            ts,
            ticker,
            spot,
            levels,
            sum_gex_vol: self.sum_gex_vol,
            sum_gex_oi: self.sum_gex_oi,
            delta_risk_reversal: self.delta_risk_reversal,
            min_dte: self.min_dte,
        })
    }
}

/// Seconds or (`millis`) milliseconds since the epoch → UTC ns, exact for whole numbers (the
/// whole and fractional parts are scaled separately); `None` if negative, not finite or after
/// the year 2200.
pub(crate) fn epoch_to_nanos(value: f64, millis: bool) -> Option<UnixNanos> {
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    let unit: u64 = if millis { 1_000_000 } else { 1_000_000_000 };
    let whole = value.trunc();
    // 7.3e18 ns ≈ year 2201.
    if whole * unit as f64 >= 7.3e18 {
        return None;
    }
    let frac = ((value - whole) * unit as f64).round() as u64;
    (whole as u64)
        .checked_mul(unit)?
        .checked_add(frac)
        .map(UnixNanos)
}

/// How [`GexBotReader`] reads its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GexReadOptions {
    /// File format of every file.
    pub format: GexFormat,
    /// Only records of this ticker are kept (others are counted in
    /// [`GexFileStats::other_ticker`]).
    pub ticker: String,
    /// Column mapping for [`GexFormat::Csv`].
    pub csv: GexCsvMapping,
    /// Trade-date rule (default [`DayRule::Attributed`], see the module documentation).
    pub day_rule: DayRule,
}

impl Default for GexReadOptions {
    /// JSON, `ES_SPX`, the default CSV mapping, the attributed day rule.
    fn default() -> Self {
        Self {
            format: GexFormat::Json,
            ticker: DEFAULT_TICKER.to_owned(),
            csv: GexCsvMapping::default(),
            day_rule: DayRule::Attributed,
        }
    }
}

/// Counts for one input file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GexFileStats {
    /// The file, as named in errors.
    pub path: String,
    /// Complete records parsed (kept, skipped or invalid).
    pub records: u64,
    /// Records returned.
    pub kept: u64,
    /// Records with a missing or bad field (each returned as an error; reading goes on).
    pub invalid: u64,
    /// Records of another ticker (skipped).
    pub other_ticker: u64,
    /// Records outside every trade date of the rule (skipped).
    pub outside_window: u64,
    /// Records not later than the previous kept record of the file (skipped).
    pub out_of_order: u64,
    /// The error that ended the file early (unreadable or malformed text), if any.
    pub error: Option<String>,
}

/// One open file's record source.
enum Source {
    Json(json::JsonRecords<Box<dyn BufRead + Send>>),
    Csv(Box<csv::CsvRecords<Box<dyn BufRead + Send>>>),
}

impl Source {
    fn next(&mut self, default_ticker: &str) -> Option<Result<Parsed, ParseError>> {
        match self {
            Self::Json(j) => j.next(),
            Self::Csv(c) => c.next(default_ticker),
        }
    }
}

/// Opens `path` for reading: zstd-decoded when its name ends in `.zst`.
fn open_input(path: &Path) -> Result<Box<dyn BufRead + Send>, MasterError> {
    let name = path.display().to_string();
    let io = |e: std::io::Error| MasterError::Io {
        path: name.clone(),
        reason: e.to_string(),
    };
    let file = File::open(path).map_err(io)?;
    Ok(if name.ends_with(".zst") {
        Box::new(BufReader::new(
            zstd::stream::read::Decoder::new(file).map_err(io)?,
        ))
    } else {
        Box::new(BufReader::new(file))
    })
}

/// Streams [`GexRecord`]s from GEXBot files (JSON or CSV, see the [module documentation](self)),
/// in file order, files in the order given. An iterator of `Result`: an error names the file and
/// record (see the module documentation for which errors end a file).
pub struct GexBotReader {
    inputs: Vec<(String, Option<Box<dyn Read + Send>>)>,
    options: GexReadOptions,
    next_input: usize,
    current: Option<Source>,
    stats: Vec<GexFileStats>,
    last_ts: Option<UnixNanos>,
    clock: DayClock,
}

impl fmt::Debug for GexBotReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GexBotReader")
            .field("options", &self.options)
            .field("files", &self.stats)
            .finish_non_exhaustive()
    }
}

impl GexBotReader {
    /// A reader of `paths` (opened one at a time, when reached).
    pub fn open(paths: impl IntoIterator<Item = PathBuf>, options: GexReadOptions) -> Self {
        let inputs = paths
            .into_iter()
            .map(|p| (p.display().to_string(), None))
            .collect();
        Self::with_inputs(inputs, options)
    }

    /// A reader of one in-memory or other stream (`name` is used in errors; not decompressed).
    pub fn from_reader(
        name: impl Into<String>,
        reader: impl Read + Send + 'static,
        options: GexReadOptions,
    ) -> Self {
        let boxed: Box<dyn Read + Send> = Box::new(reader);
        Self::with_inputs(vec![(name.into(), Some(boxed))], options)
    }

    fn with_inputs(
        inputs: Vec<(String, Option<Box<dyn Read + Send>>)>,
        options: GexReadOptions,
    ) -> Self {
        let clock = DayClock::new(options.day_rule);
        Self {
            inputs,
            options,
            next_input: 0,
            current: None,
            stats: Vec::new(),
            last_ts: None,
            clock,
        }
    }

    /// Per-file counts of the files opened so far (index = [`GexRecord::file`]).
    pub fn files(&self) -> &[GexFileStats] {
        &self.stats
    }

    /// The options in use.
    pub fn options(&self) -> &GexReadOptions {
        &self.options
    }

    /// Opens the next input; `Ok(false)` when there is none left.
    fn open_next(&mut self) -> Result<bool, MasterError> {
        let Some((name, reader)) = self.inputs.get_mut(self.next_input) else {
            return Ok(false);
        };
        self.next_input += 1;
        let name = name.clone();
        self.stats.push(GexFileStats {
            path: name.clone(),
            ..GexFileStats::default()
        });
        self.last_ts = None;
        let input: Box<dyn BufRead + Send> = match reader.take() {
            Some(r) => Box::new(BufReader::new(r)),
            None => open_input(Path::new(&name)).inspect_err(|e| self.fail(e))?,
        };
        let source = match self.options.format {
            GexFormat::Json => Source::Json(json::JsonRecords::new(input)),
            GexFormat::Csv => Source::Csv(Box::new(
                csv::CsvRecords::new(input, &self.options.csv)
                    .map_err(|(pos, reason)| record_error(&name, pos, reason))
                    .inspect_err(|e| self.fail(e))?,
            )),
        };
        self.current = Some(source);
        Ok(true)
    }

    fn fail(&mut self, e: &MasterError) {
        if let Some(s) = self.stats.last_mut() {
            s.error = Some(e.to_string());
        }
    }
}

fn record_error(file: &str, pos: RecordPos, reason: String) -> MasterError {
    MasterError::Record {
        file: file.to_owned(),
        record: pos.to_string(),
        reason,
    }
}

impl Iterator for GexBotReader {
    type Item = Result<GexRecord, MasterError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let Some(source) = self.current.as_mut() else {
                match self.open_next() {
                    Ok(true) => continue,
                    Ok(false) => return None,
                    Err(e) => return Some(Err(e)),
                }
            };
            let file = self.stats.len().saturating_sub(1);
            let path = self
                .stats
                .last()
                .map(|s| s.path.clone())
                .unwrap_or_default();
            let (pos, parsed) = match source.next(&self.options.ticker) {
                None => {
                    self.current = None;
                    continue;
                }
                Some(Err((pos, reason))) => {
                    self.current = None;
                    let e = record_error(&path, pos, reason);
                    self.fail(&e);
                    return Some(Err(e));
                }
                Some(Ok(r)) => r,
            };
            let Some(stats) = self.stats.last_mut() else {
                continue;
            };
            stats.records += 1;
            let snap = match parsed {
                Ok(s) => s,
                Err(reason) => {
                    stats.invalid += 1;
                    return Some(Err(record_error(&path, pos, reason)));
                }
            };
            if snap.ticker != self.options.ticker {
                stats.other_ticker += 1;
                continue;
            }
            if self.last_ts.is_some_and(|last| snap.ts <= last) {
                stats.out_of_order += 1;
                continue;
            }
            let trade_date = match self.clock.trade_date(snap.ts) {
                Ok(Some(d)) => d,
                Ok(None) => {
                    stats.outside_window += 1;
                    continue;
                }
                Err(source) => {
                    let e = MasterError::Model {
                        context: format!("{path}: {pos}"),
                        source,
                    };
                    self.fail(&e);
                    self.current = None;
                    return Some(Err(e));
                }
            };
            stats.kept += 1;
            self.last_ts = Some(snap.ts);
            let [
                zero_gamma,
                major_pos_vol,
                major_pos_oi,
                major_neg_vol,
                major_neg_oi,
            ] = snap.levels;
            return Some(Ok(GexRecord {
                trade_date,
                ts: snap.ts,
                ticker: snap.ticker,
                spot: snap.spot,
                zero_gamma,
                major_pos_vol,
                major_pos_oi,
                major_neg_vol,
                major_neg_oi,
                sum_gex_vol: snap.sum_gex_vol,
                sum_gex_oi: snap.sum_gex_oi,
                delta_risk_reversal: snap.delta_risk_reversal,
                min_dte: snap.min_dte,
                file,
                pos,
            }));
        }
    }
}
