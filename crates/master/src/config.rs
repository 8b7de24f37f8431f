//! The builder's `config.yaml` (spec §4.1): parsed into loosely typed raw structs ([`raw`]), then
//! validated into a typed [`MasterConfig`], listing **every** problem at once, each naming its key
//! (`touch.buffer: expected a positive number of points, got -1`). Unknown keys are parse errors.
//!
//! # Times: the Zurich → New York rule
//! Every time in the file (`trade_date`, `ranges`, `oi.snapshots`, `iv_rv.windows`) is a wall-clock
//! time of `timezone` (the spec's `Europe/Zurich`) **as the author sees it in a normal week**. It is
//! read against the New York session: New York time = configured time − the *standard* offset
//! between the zones, 6 h for Zurich all year ([`ConfigZone::offset_secs`]), so 02:15 → 20:15 on
//! the previous calendar day, 15:30 → 09:30, 22:00 → 16:00. The New York clock is authoritative:
//! in the weeks when the US and EU clock changes differ (US summer time starts on the second Sunday
//! of March, the EU's on the last Sunday of March; the EU's ends on the last Sunday of October, the
//! US's on the first Sunday of November) the windows stay on the New York session, so the cash open
//! 09:30 ET shows as 14:30 Zurich then, not 15:30. Instants come from
//! [`gammaflow_model::session::from_new_york`] ([`ConfigZone::instant`]). Two session rules on top
//! ([`ConfigZone::session_instant`], [`TimeRange::bounds`]):
//! * **early closes**: on an NYSE early-close day a time after the 13:00 ET close and not after
//!   16:00 ET is the close (22:00 Zurich = the close, as the spec's trade date means);
//! * **wrapping ranges** (`start >= end`, e.g. `overnight: 22:00-09:30`, `full: 22:00-22:00`) start
//!   on the **previous NYSE trading day**, so the daily `full` windows tile time without gaps over
//!   weekends and holidays (Monday's overnight starts Friday 16:00 ET).
//!
//! With the defaults, `trade_date` start–end is exactly
//! [`gammaflow_model::session::trade_date_window`]: [20:15 ET on `D − 1`, cash close of `D`).
//!
//! # Keys and defaults (a missing key takes the spec's value)
//! | key | default | rule |
//! |---|---|---|
//! | `timezone` | `Europe/Zurich` | or `America/New_York` (offset 0) |
//! | `trade_date.start`, `.end` | `02:15`, `22:00` | `start < end` |
//! | `trade_date.previous_session` | `00:00-02:14` | ends before `start`; informational: attribution follows [`gammaflow_model::session::attributed_trade_date`] |
//! | `paths.opra`, `.gex`, `.es`, `.ib` | absent (input not used) | relative to the file's directory |
//! | `paths.output` | `output` | relative to the file's directory |
//! | `ranges.morning` | `vwap_es`, `02:15`–`15:30` | reference `vwap_es` or `spx_open_projected`; within the trade date, `start < end` |
//! | `ranges.afternoon` | `spx_open_projected`, `15:30`–`22:00` | as above |
//! | `touch.buffer` | `0.25` points | > 0 |
//! | `touch.cooldown_seconds` | `30` | whole seconds, 0–3600 |
//! | `touch.breakout_minutes` | `5` | whole minutes, 1–390 |
//! | `atm.step` | `5` points | > 0 |
//! | `atm.reselect_trigger` | `price_move` | the only value |
//! | `oi.strike_range` | `100` points each side of spot | > 0 |
//! | `oi.expirations` | `["0DTE"]` | `<n>DTE`, n = 0–30, no repeats |
//! | `oi.snapshots` | `02:15, 10:00, 15:30, 22:00` | within the trade date, no repeats |
//! | `iv_rv.iv_source`, `.rv_bars` | `opra`, `1m_external` | the only values |
//! | `iv_rv.windows` | overnight `22:00-09:30`, morning `09:30-15:30`, afternoon `15:30-22:00`, full `22:00-22:00` | one-key maps, names `[a-z][a-z0-9_]*`, unique; `full` required and containing the others |
//! | `iv_rv.percentiles` | `[60, 120, "full"]` | trade-date counts ≥ 1 or `full`, no repeats |
//! | `versioning.model_version` | `RANGE_ENGINE_v1` | 1–100 printable ASCII characters |
//! | `versioning.config_hash` | `auto` | or a pinned 64-hex SHA-256 that must equal the computed one |
//! | `gex.format` | `json` | `json` (GEXBot history files) or `csv` |
//! | `gex.ticker` | `ES_SPX` | 2–10 of `A-Z`, `0-9`, `_`, starting with a letter |
//! | `gex.csv_columns` | every field read from the column of its own name | map of field (`timestamp`, `ticker`, `spot`, `zero_gamma`, `major_pos_vol`, `major_pos_oi`, `major_neg_vol`, `major_neg_oi`, `sum_gex_vol`, `sum_gex_oi`, `delta_risk_reversal`, `min_dte`) → column name; no column used twice |
//! | `gex.csv_timestamp` | `epoch_s` | `epoch_s`, `epoch_ms` or `iso` (RFC 3339 with offset) |
//!
//! # Canonical form and hash
//! The validated config is canonical: lists that are sets are sorted (snapshots by time,
//! expirations by days, percentiles ascending with `full` last, windows by start, end and name
//! with `full` last). [`MasterConfig::canonical`] writes it as `key=value` lines in sorted key order
//! with normalised numbers (shortest round-trip decimal) and times (`HH:MM`, `HH:MM:SS` only with
//! seconds), and [`MasterConfig::config_hash`] is the lowercase hex SHA-256 of that text. **Paths
//! are not part of it** (nor `versioning.config_hash` itself): the same data in another directory
//! gives the same hash; the input files are identified by their own hashes in the output. The
//! `gex.*` keys are part of it (format `gammaflow-master config v2`); the CSV mapping only when
//! `gex.format` is `csv`, since it changes nothing otherwise.

mod canonical;
mod clock;
pub mod raw;
mod validate;

use std::path::{Path, PathBuf};

use gammaflow_engine::market::range::RangeParams;
use gammaflow_model::{ModelError, UnixNanos};
use jiff::civil::Date;

pub use canonical::sha256_hex;
pub use clock::{ConfigTime, ConfigZone, TimeRange};
pub use raw::RawConfig;

use crate::MasterError;
use crate::loaders::gexbot::{GexCsvMapping, GexFormat, GexReadOptions};

/// The validated configuration (see the [module documentation](self) for keys and defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct MasterConfig {
    /// The zone of every configured time.
    pub timezone: ConfigZone,
    /// The trade-date window.
    pub trade_date: TradeDateConfig,
    /// Input and output locations (resolved against the configuration file's directory).
    pub paths: PathsConfig,
    /// The morning and afternoon range windows.
    pub ranges: RangesConfig,
    /// Touch and breakout rules.
    pub touch: TouchConfig,
    /// At-the-money strike selection.
    pub atm: AtmConfig,
    /// Open-interest aggregation.
    pub oi: OiConfig,
    /// Implied and realized volatility.
    pub iv_rv: IvRvConfig,
    /// Model version and hash pin.
    pub versioning: VersioningConfig,
    /// GEXBot input format and ticker.
    pub gex: GexConfig,
}

/// `gex.*`: how the GEXBot files under `paths.gex` are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GexConfig {
    /// `json` (GEXBot history files) or `csv` (an export read through `csv`).
    pub format: GexFormat,
    /// The GEXBot ticker kept (`ES_SPX` by default); records of other tickers are skipped.
    pub ticker: String,
    /// `gex.csv_columns` (our field → column name) and `gex.csv_timestamp`; used when `format`
    /// is `csv`.
    pub csv: GexCsvMapping,
}

impl GexConfig {
    /// The reader options for these settings and trade-date rule `day_rule`.
    pub fn read_options(&self, day_rule: crate::loaders::DayRule) -> GexReadOptions {
        GexReadOptions {
            format: self.format,
            ticker: self.ticker.clone(),
            csv: self.csv.clone(),
            day_rule,
        }
    }
}

/// `trade_date.*`, on the configured clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TradeDateConfig {
    /// First instant of the trade date (02:15 Zurich = 20:15 ET the calendar day before).
    pub start: ConfigTime,
    /// End of the trade date (22:00 Zurich = the cash close).
    pub end: ConfigTime,
    /// The minutes before `start` attributed to the previous trade date (`00:00-02:14`, both
    /// minutes included).
    pub previous_session: TimeRange,
}

impl TradeDateConfig {
    /// `start-end` as a range.
    pub fn range(&self) -> TimeRange {
        TimeRange {
            start: self.start,
            end: self.end,
        }
    }
}

/// `paths.*`, resolved: a relative path in the file is joined to the file's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathsConfig {
    /// The configuration file's directory (`.` for text without a file).
    pub base: PathBuf,
    /// OPRA files, if configured.
    pub opra: Option<PathBuf>,
    /// GEXBot files, if configured.
    pub gex: Option<PathBuf>,
    /// ES files (Databento), if configured.
    pub es: Option<PathBuf>,
    /// IB daily files, if configured.
    pub ib: Option<PathBuf>,
    /// Output directory.
    pub output: PathBuf,
}

/// The centre of a range window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RangeReference {
    /// `vwap_es`: the ES VWAP of the trade date (moves with it).
    VwapEs,
    /// `spx_open_projected`: the SPX open (first print at or after 09:30 ET) plus the ES–SPX basis
    /// at that moment (frozen).
    SpxOpenProjected,
}

impl RangeReference {
    /// The spelling in the file.
    pub const fn name(self) -> &'static str {
        match self {
            Self::VwapEs => "vwap_es",
            Self::SpxOpenProjected => "spx_open_projected",
        }
    }
}

/// One range window (`ranges.morning` / `ranges.afternoon`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeWindowConfig {
    /// The band centre.
    pub reference: RangeReference,
    /// `start_time`–`end_time` on the configured clock (never wrapping).
    pub window: TimeRange,
}

/// `ranges.*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangesConfig {
    /// Morning window (default `vwap_es`, 02:15–15:30 Zurich = 20:15 ET the day before – 09:30 ET).
    pub morning: RangeWindowConfig,
    /// Afternoon window (default `spx_open_projected`, 15:30–22:00 Zurich = 09:30 ET – close).
    pub afternoon: RangeWindowConfig,
}

/// `touch.*`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TouchConfig {
    /// A price within this distance of a band touches it, points.
    pub buffer: f64,
    /// Shortest time between two counted touches of one band, seconds.
    pub cooldown_seconds: u32,
    /// How long the price must stay beyond a band for a breakout, minutes.
    pub breakout_minutes: u32,
}

impl TouchConfig {
    /// The same rules for [`gammaflow_engine::market::range`] (nanoseconds).
    pub fn range_params(&self) -> RangeParams {
        RangeParams {
            buffer: self.buffer,
            cooldown_ns: u64::from(self.cooldown_seconds) * 1_000_000_000,
            breakout_ns: u64::from(self.breakout_minutes) * 60_000_000_000,
        }
    }
}

/// `atm.*`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AtmConfig {
    /// Strike grid step, points.
    pub step: f64,
    /// When the ATM strike is chosen again: `price_move` (whenever the price moves to another
    /// strike), the only rule.
    pub reselect_trigger: ReselectTrigger,
}

/// `atm.reselect_trigger`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReselectTrigger {
    /// `price_move`.
    PriceMove,
}

/// `oi.*`.
#[derive(Debug, Clone, PartialEq)]
pub struct OiConfig {
    /// Strikes within this distance of spot, points, each side.
    pub strike_range: f64,
    /// Expiries by trading days to expiry (`0DTE` = 0), ascending.
    pub expirations: Vec<u32>,
    /// Snapshot times on the configured clock, ascending.
    pub snapshots: Vec<ConfigTime>,
}

/// One volatility window of `iv_rv.windows`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedWindow {
    /// Its name (`overnight`, `morning`, `afternoon`, `full`, or any `[a-z][a-z0-9_]*`).
    pub name: String,
    /// Its span on the configured clock.
    pub range: TimeRange,
}

/// One entry of `iv_rv.percentiles`: the history a day's value is ranked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PercentileWindow {
    /// The last `n` trade dates that have a value.
    Last(usize),
    /// Every earlier trade date that has a value.
    Full,
}

impl std::fmt::Display for PercentileWindow {
    /// `60` or `full`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Last(n) => write!(f, "{n}"),
            Self::Full => f.write_str("full"),
        }
    }
}

/// `iv_rv.*`.
#[derive(Debug, Clone, PartialEq)]
pub struct IvRvConfig {
    /// `opra`: implied volatility from OPRA quote mids (the only source).
    pub iv_source: IvSource,
    /// `1m_external`: realized volatility from vendor one-minute ES bars (the only source).
    pub rv_bars: RvBars,
    /// The windows, canonical order (by start, end, name; `full` last); `full` is always present.
    pub windows: Vec<NamedWindow>,
    /// The percentile histories, ascending, `full` last.
    pub percentiles: Vec<PercentileWindow>,
}

impl IvRvConfig {
    /// The window named `name`.
    pub fn window(&self, name: &str) -> Option<&NamedWindow> {
        self.windows.iter().find(|w| w.name == name)
    }

    /// The `full` window: every other window lies within it (validated); it delimits a trade
    /// date's bars.
    pub fn full(&self) -> TimeRange {
        self.window(FULL_WINDOW)
            .map(|w| w.range)
            .unwrap_or(validate::DEFAULT_FULL)
    }
}

/// Name of the window that delimits a trade date's volatility data.
pub const FULL_WINDOW: &str = "full";

/// `iv_rv.iv_source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IvSource {
    /// `opra`.
    Opra,
}

/// `iv_rv.rv_bars`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RvBars {
    /// `1m_external`.
    External1m,
}

/// `versioning.*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersioningConfig {
    /// Recorded in every output (and part of the hash).
    pub model_version: String,
    /// The SHA-256 the file pins (`None` for `auto`); validation checks it.
    pub pinned_hash: Option<String>,
}

impl MasterConfig {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Self, MasterError> {
        let text = std::fs::read_to_string(path).map_err(|e| MasterError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::from_yaml(&text, path)
    }

    /// Parses and validates YAML text; `file` names it in errors and its directory is the base
    /// of relative paths.
    pub fn from_yaml(text: &str, file: &Path) -> Result<Self, MasterError> {
        let config_error = |problems: Vec<String>| MasterError::Config {
            file: file.display().to_string(),
            problems: format!("invalid configuration:\n  - {}", problems.join("\n  - ")),
        };
        let raw = RawConfig::from_yaml(text).map_err(|e| config_error(vec![e]))?;
        let base = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Self::from_raw(&raw, &base).map_err(config_error)
    }

    /// Validates raw settings; relative paths are joined to `base`. Every problem is listed, each
    /// starting with its key.
    pub fn from_raw(raw: &RawConfig, base: &Path) -> Result<Self, Vec<String>> {
        validate::validate(raw, base)
    }

    /// The canonical text (see the [module documentation](self)): `key=value` lines, sorted.
    pub fn canonical(&self) -> String {
        canonical::canonical(self)
    }

    /// Lowercase hex SHA-256 of [`Self::canonical`] (64 characters).
    pub fn config_hash(&self) -> String {
        canonical::sha256_hex(self.canonical().as_bytes())
    }

    /// `[start, end)` of trade date `date` (an NYSE trading day) as instants, by
    /// [`TimeRange::bounds`].
    pub fn trade_date_bounds(&self, date: Date) -> Result<(UnixNanos, UnixNanos), ModelError> {
        self.trade_date.range().bounds(self.timezone, date)
    }

    /// The open-interest snapshot instants of trade date `date`, ascending (early-close rule
    /// applied, so 22:00 is the close).
    pub fn snapshot_instants(&self, date: Date) -> Result<Vec<UnixNanos>, ModelError> {
        self.oi
            .snapshots
            .iter()
            .map(|t| self.timezone.session_instant(date, *t))
            .collect()
    }
}

#[cfg(test)]
mod tests;
