//! Writing model events as Databento files (DBN and Databento CSV, zstd-compressed), so that a
//! simulated (or recorded) day can be replayed by every file-based path of gammaflow.
//!
//! # Layout
//! [`write_day`] writes, for trade date `D` under a directory `DIR`:
//!
//! ```text
//! DIR/OPRA.PILLAR/trades/D.dbn.zst       option trades
//! DIR/OPRA.PILLAR/cbbo/D.dbn.zst         option quotes (consolidated BBO, cmbp-1 records)
//! DIR/OPRA.PILLAR/statistics/D.dbn.zst   option open interest (stat_type 9)
//! DIR/OPRA.PILLAR/definition/D.dbn.zst   option definitions
//! DIR/GLBX.MDP3/trades/D.dbn.zst         futures and options-on-futures trades
//! DIR/GLBX.MDP3/mbp-1/D.dbn.zst          futures and options-on-futures top of book
//! DIR/GLBX.MDP3/ohlcv-1m/D.dbn.zst       futures 1-minute bars
//! DIR/GLBX.MDP3/definition/D.dbn.zst     futures and options-on-futures definitions
//! ```
//!
//! `D` is `YYYY-MM-DD`; each file also exists as `D.csv.zst` when CSV is selected
//! ([`WriteOptions::csv`]). A dataset's four files are written when the day has at least one of
//! its instruments (possibly empty of records: e.g. no open interest). Each DBN file holds one
//! schema (metadata `schema` set), DBN version 3 by default ([`DbnVersion`]); the CSV files are
//! Databento's own CSV (raw integer prices and timestamps, the header of the schema as the `dbn`
//! crate writes it, and a trailing `symbol` column with the raw symbol, as a batch download with
//! `map_symbols` has). Records are in `ts_recv` order (the events' order when they already are;
//! bars by start, then instrument id).
//!
//! # What is written, and how
//! * Option [`Trade`](gammaflow_model::event::Trade) → OPRA `trades`: publisher = the venue,
//!   side `N` (OPRA has no aggressor), action `T`, flags 194 as OPRA's.
//! * Option [`Quote`](gammaflow_model::event::Quote) → OPRA `cmbp-1` records (consolidated top of
//!   book, publisher 30 `OPRA`) in the `cbbo/` directory: one record per quote, with `bid_pb` /
//!   `ask_pb` = the venues of the best bid and ask (0 when the quote names none), action `A`,
//!   side `B`/`A` when only that side changed since the contract's previous quote (price and size
//!   = that side's), else `N` with an undefined price and size 0. (`cmbp-1` is the consolidated
//!   BBO at every change; the subsampled `cbbo-1s`/`cbbo-1m` would drop quotes and their times.)
//! * [`OpenInterest`](gammaflow_model::event::OpenInterest) → `statistics` stat_type 9, **one
//!   record per OPRA exchange** ([`WriteOptions::oi_publishers`], by default the 16 venues of
//!   [`venues`]) with the same quantity, as OPRA publishes it; `ts_ref` = midnight UTC of the
//!   `as_of` date, price undefined, consecutive `sequence` numbers.
//! * Option [`Definition`](gammaflow_model::event::Definition)s, plus a synthesized one (stamped
//!   at midnight UTC of the files' first date) for every option of the day that has none →
//!   `definition`; see the `definition` submodule for the fields.
//! * Futures trades → GLBX `trades` (publisher 1, side = the aggressor `B`/`A`/`N`); futures
//!   quotes → `mbp-1` (the top level after the update; order counts 0); futures 1-minute
//!   [`Bar`](gammaflow_model::event::Bar)s → `ohlcv-1m`, or, when the events carry no 1-minute
//!   futures bar at all, bars built from the futures trades (`ts_event` = start of the UTC
//!   minute, open/close = earliest/latest trade by `ts_event`); futures definitions as for options.
//! * **Options on futures** (roots for which
//!   [`OptionRoot::is_futures_option`](gammaflow_model::OptionRoot::is_futures_option) holds: the
//!   ES family `ES`, `EW`, `EW1`–`EW5`, `E1A`–`E5D`) are CME instruments: their trades, quotes and
//!   definitions go to the GLBX files exactly as futures' do (publisher 1, aggressor side,
//!   `mbp-1`), with CME raw symbols (`EW2F6 C7000`) and `OOF` definitions whose `underlying` is the
//!   quarterly future (see the `definition` and `symbology` submodules). Databento's reader maps
//!   them back only through those definitions, so replay them with the GLBX definition file.
//!   Their open interest is **not written** (this layout has no GLBX statistics file).
//! * **Not written** (Databento has no such feed, or it is outside this layout): index values and
//!   everything about equities (Databento has no index feed), Greeks snapshots, MBO book updates,
//!   option bars, futures bars of other intervals. They are skipped, not errors.
//!
//! `ts_event` and `ts_recv` are carried exactly, prices exactly (a [`Price`](gammaflow_model::Price)
//! is DBN's fixed-point value). Fields the format **cannot carry**: trade condition codes
//! (Polygon condition ids have no place in DBN), the high 32 bits of a trade's 64-bit `sequence`
//! (DBN's is 32 bits), [`Definition::vendor_id`](gammaflow_model::event::Definition) (ids are
//! re-derived, see below), the venue of a futures quote or trade (GLBX has one publisher), a
//! bar's `ts_recv` (OHLCV records have none; readers use the end of the interval), and the
//! aggressor of an option trade (OPRA has none). A quote with neither side is written as
//! Databento's empty-book record, which readers skip. `ts_in_delta` is written as 0 and CME
//! order counts as 0 (unknown).
//!
//! # Venues and ids
//! The events' venue ids are Polygon/Massive options exchange ids by default (what the simulator
//! stamps), translated with the table in [`venues`]; [`ExchangeIds::Databento`] takes them as
//! publisher ids already. Instrument ids are assigned per date (OPRA: a fresh block per date;
//! GLBX: stable per futures contract, a fresh block per date for options on futures), see
//! [`DaySymbology`]. The metadata maps every raw symbol of the
//! dataset to its id over the files' dates (`stype_in = raw_symbol`, `stype_out = instrument_id`,
//! symbols `ALL_SYMBOLS`); the metadata `start`/`end` are midnight UTC of the first date and of
//! the day after the last date the dataset's events fall on (at least the trade date).
//!
//! # Memory
//! Records are converted and encoded one at a time, straight into the zstd stream of the file;
//! nothing is buffered per schema except an index vector (8 bytes per record) when the events of
//! a schema are not already in `ts_recv` order, the definitions (one per instrument) and the
//! built 1-minute bars.
//!
//! # Errors
//! An unwritable directory or file is [`DatabentoError::Io`] naming the path; an event that
//! cannot be written (an undefined trade or bar price, a strike or expiry the OCC symbol cannot
//! hold, a futures root over 3 characters, a venue id without an OPRA publisher) is
//! [`DatabentoError::Unwritable`] naming its index. On any error the partial files are removed.
//!
//! # Example
//! ```
//! use gammaflow_model::event::{Conditions, ExchangeId, Side, Trade};
//! use gammaflow_model::{OptionContract, Size, UnixNanos};
//! use gammaflow_sources::databento::write::{WriteOptions, write_day};
//!
//! let contract = OptionContract::parse_any("SPXW  251216C05800000")?;
//! let trade = Trade {
//!     ts_event: UnixNanos(1_765_895_400_000_000_000),
//!     ts_recv: UnixNanos(1_765_895_400_000_200_000),
//!     instrument: contract.into(),
//!     price: "4.85".parse()?,
//!     size: Size::new(3),
//!     exchange: ExchangeId(302), // Polygon's id of Cboe Options
//!     conditions: Conditions::EMPTY,
//!     sequence: 1,
//!     aggressor: Side::None,
//! };
//! let dir = std::env::temp_dir().join(format!("gammaflow-doc-write-{}", std::process::id()));
//! let date = jiff::civil::date(2025, 12, 16);
//! let written = write_day(&dir, date, &[trade.into()], &WriteOptions::default())?;
//! // Four OPRA schemas, each as DBN and CSV; no futures, so no GLBX files.
//! assert_eq!(written.len(), 8);
//! assert!(written[0].ends_with("OPRA.PILLAR/trades/2025-12-16.dbn.zst"));
//! std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod definition;
mod output;
mod records;
mod schemas;
mod symbology;
pub mod venues;

use std::path::{Path, PathBuf};

use gammaflow_model::event::Event;
use jiff::civil::Date;
use jiff::tz::TimeZone;

pub use symbology::{
    DaySymbology, MAX_OPTIONS_PER_DAY, cme_option_symbol, glbx_instrument_id, glbx_option_id_base,
    opra_id_base,
};
pub use venues::{opra_publisher_to_polygon, polygon_to_opra_publisher};

use super::DatabentoError;

/// Nanoseconds in one minute (the `ohlcv-1m` interval).
const MINUTE_NS: u64 = 60_000_000_000;
/// Nanoseconds in one day.
const DAY_NS: i128 = 86_400_000_000_000;

/// The DBN version of the files written. Versions differ in the definition and statistics
/// layouts (FORMATS.md §1.5); the CSV header of definitions follows the version too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DbnVersion {
    /// DBN version 2 (`symbol_cstr_len` 71, 32-bit statistics quantity).
    V2,
    /// DBN version 3, the current one (the default).
    #[default]
    V3,
}

impl DbnVersion {
    /// The version byte (2 or 3).
    pub const fn number(self) -> u8 {
        match self {
            Self::V2 => 2,
            Self::V3 => 3,
        }
    }
}

/// How the events number their venues ([`ExchangeId`](gammaflow_model::event::ExchangeId)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExchangeIds {
    /// Polygon/Massive options exchange ids (302 Cboe, ...), as the simulator and the Polygon
    /// source stamp them: translated with [`polygon_to_opra_publisher`] (the default).
    #[default]
    Polygon,
    /// Databento publisher ids already (events read from Databento files): written as they are,
    /// after checking that they are `OPRA.PILLAR` publishers.
    Databento,
}

/// What [`write_day`] writes and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOptions {
    /// Write the `.dbn.zst` files (default `true`).
    pub dbn: bool,
    /// Write the `.csv.zst` files (default `true`).
    pub csv: bool,
    /// DBN version of the `.dbn.zst` files and of the CSV definition header (default 3).
    pub dbn_version: DbnVersion,
    /// Numbering of the events' venue ids (default Polygon/Massive).
    pub exchange_ids: ExchangeIds,
    /// `OPRA.PILLAR` publisher ids that each publish every open-interest figure (default: the 16
    /// exchanges of [`venues`], without the consolidated feed). Must not be empty.
    pub oi_publishers: Vec<u16>,
    /// zstd compression level, 1–22 (default 3).
    pub zstd_level: i32,
}

impl Default for WriteOptions {
    fn default() -> Self {
        Self {
            dbn: true,
            csv: true,
            dbn_version: DbnVersion::V3,
            exchange_ids: ExchangeIds::Polygon,
            oi_publishers: venues::opra_exchange_publishers(),
            zstd_level: 3,
        }
    }
}

impl WriteOptions {
    /// Checks the options; the error says which one is wrong.
    fn validate(&self) -> Result<(), DatabentoError> {
        let bad = |reason: String| Err(DatabentoError::WriteSetup { reason });
        if !self.dbn && !self.csv {
            return bad("neither DBN nor CSV output is selected".to_owned());
        }
        if !(1..=22).contains(&self.zstd_level) {
            return bad(format!("zstd level {} is outside 1-22", self.zstd_level));
        }
        if self.oi_publishers.is_empty() {
            return bad(
                "no publisher for open-interest records (oi_publishers is empty)".to_owned(),
            );
        }
        if let Some(p) = self
            .oi_publishers
            .iter()
            .find(|p| !venues::is_opra_publisher(**p))
        {
            return bad(format!(
                "oi_publishers: {p} is not an OPRA.PILLAR publisher id"
            ));
        }
        Ok(())
    }
}

/// A file format of the day files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileFormat {
    /// Zstd-compressed DBN, `.dbn.zst`.
    Dbn,
    /// Zstd-compressed Databento CSV, `.csv.zst`.
    Csv,
}

impl FileFormat {
    /// The file extension, `dbn.zst` or `csv.zst`.
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Dbn => "dbn.zst",
            Self::Csv => "csv.zst",
        }
    }
}

/// One of the eight schema files of a day (see the module docs for the layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayFile {
    /// `OPRA.PILLAR/trades`.
    OpraTrades,
    /// `OPRA.PILLAR/cbbo` (`cmbp-1` records).
    OpraCbbo,
    /// `OPRA.PILLAR/statistics`.
    OpraStatistics,
    /// `OPRA.PILLAR/definition`.
    OpraDefinition,
    /// `GLBX.MDP3/trades`.
    GlbxTrades,
    /// `GLBX.MDP3/mbp-1`.
    GlbxMbp1,
    /// `GLBX.MDP3/ohlcv-1m`.
    GlbxOhlcv1m,
    /// `GLBX.MDP3/definition`.
    GlbxDefinition,
}

impl DayFile {
    /// All eight, in the order [`write_day`] writes them.
    pub const ALL: [DayFile; 8] = [
        Self::OpraTrades,
        Self::OpraCbbo,
        Self::OpraStatistics,
        Self::OpraDefinition,
        Self::GlbxTrades,
        Self::GlbxMbp1,
        Self::GlbxOhlcv1m,
        Self::GlbxDefinition,
    ];

    /// The Databento dataset, `OPRA.PILLAR` or `GLBX.MDP3`.
    pub const fn dataset(self) -> &'static str {
        match self {
            Self::OpraTrades | Self::OpraCbbo | Self::OpraStatistics | Self::OpraDefinition => {
                "OPRA.PILLAR"
            }
            _ => "GLBX.MDP3",
        }
    }

    /// The directory under the dataset's (`trades`, `cbbo`, `statistics`, `definition`, `mbp-1`,
    /// `ohlcv-1m`).
    pub const fn directory(self) -> &'static str {
        match self {
            Self::OpraTrades | Self::GlbxTrades => "trades",
            Self::OpraCbbo => "cbbo",
            Self::OpraStatistics => "statistics",
            Self::OpraDefinition | Self::GlbxDefinition => "definition",
            Self::GlbxMbp1 => "mbp-1",
            Self::GlbxOhlcv1m => "ohlcv-1m",
        }
    }

    /// The DBN schema of the file's records (the `cbbo` directory holds `cmbp-1`).
    pub const fn schema(self) -> dbn::Schema {
        match self {
            Self::OpraTrades | Self::GlbxTrades => dbn::Schema::Trades,
            Self::OpraCbbo => dbn::Schema::Cmbp1,
            Self::OpraStatistics => dbn::Schema::Statistics,
            Self::OpraDefinition | Self::GlbxDefinition => dbn::Schema::Definition,
            Self::GlbxMbp1 => dbn::Schema::Mbp1,
            Self::GlbxOhlcv1m => dbn::Schema::Ohlcv1M,
        }
    }

    /// `dir/<dataset>/<directory>/YYYY-MM-DD.<extension>`.
    pub fn path(self, dir: &Path, date: Date, format: FileFormat) -> PathBuf {
        dir.join(self.dataset())
            .join(self.directory())
            .join(format!("{date}.{}", format.extension()))
    }
}

/// Writes one simulated (or recorded) trade date as Databento files under `dir`; returns the
/// paths written, in [`DayFile::ALL`] order, DBN before CSV. See the module docs for the layout,
/// the mapping and the errors. Writing the same events again gives byte-identical files.
pub fn write_day(
    dir: &Path,
    date: Date,
    events: &[Event],
    options: &WriteOptions,
) -> Result<Vec<PathBuf>, DatabentoError> {
    options.validate()?;
    let symbology = DaySymbology::new(date, events)?;
    let mut created = Vec::new();
    let result =
        schemas::write_all(dir, &symbology, events, options, &mut created).and_then(|finals| {
            for path in &finals {
                std::fs::rename(output::partial(path), path)
                    .map_err(|e| output::io_error(path, e))?;
            }
            Ok(finals)
        });
    if result.is_err() {
        for path in created {
            // Best effort (renamed files are gone already): the error returned is what matters.
            let _ = std::fs::remove_file(path);
        }
    }
    result
}

/// Midnight UTC of `date`, ns since the Unix epoch (an error before 1970).
fn midnight_utc_ns(date: Date) -> Result<u64, DatabentoError> {
    let ns = date
        .to_zoned(TimeZone::UTC)
        .map(|z| z.timestamp().as_nanosecond())
        .map_err(|e| e.to_string())
        .and_then(|ns| u64::try_from(ns).map_err(|_| "before 1970".to_owned()));
    ns.map_err(|reason| DatabentoError::WriteSetup {
        reason: format!("date {date} has no Unix timestamp: {reason}"),
    })
}

/// The UTC date of an instant (ns since the Unix epoch).
fn utc_date_of(ns: u64) -> Option<Date> {
    jiff::Timestamp::from_nanosecond(i128::from(ns))
        .ok()
        .map(|t| t.to_zoned(TimeZone::UTC).date())
}

/// Days from 1970-01-01 to `date` (negative before).
fn days_since_epoch(date: Date) -> i64 {
    let ns = date
        .to_zoned(TimeZone::UTC)
        .map_or(0, |z| z.timestamp().as_nanosecond());
    (ns.div_euclid(DAY_NS)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_options() {
        let p = DayFile::OpraCbbo.path(
            Path::new("/x"),
            Date::constant(2025, 12, 16),
            FileFormat::Csv,
        );
        assert_eq!(p, Path::new("/x/OPRA.PILLAR/cbbo/2025-12-16.csv.zst"));
        assert_eq!(DayFile::GlbxOhlcv1m.schema(), dbn::Schema::Ohlcv1M);
        assert!(WriteOptions::default().validate().is_ok());
        let none = WriteOptions {
            dbn: false,
            csv: false,
            ..WriteOptions::default()
        };
        assert!(matches!(
            none.validate(),
            Err(DatabentoError::WriteSetup { .. })
        ));
        let glbx_oi = WriteOptions {
            oi_publishers: vec![22, 1],
            ..WriteOptions::default()
        };
        let err = glbx_oi.validate().unwrap_err().to_string();
        assert!(err.contains("oi_publishers: 1"), "{err}");
        assert_eq!(days_since_epoch(Date::constant(1970, 1, 2)), 1);
        assert_eq!(days_since_epoch(Date::constant(1969, 12, 31)), -1);
        assert_eq!(
            utc_date_of(midnight_utc_ns(Date::constant(2025, 3, 9)).unwrap() - 1),
            Some(Date::constant(2025, 3, 8))
        );
    }
}
