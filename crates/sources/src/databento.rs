//! Databento file replay: DBN (`.dbn`, `.dbn.zst`, versions 1–3, fragments) and Databento CSV
//! (`.csv`, `.csv.zst`, `raw` and `pretty` encodings) into `model` events, and writing them
//! ([`write`](mod@write)).
//!
//! * [`open`]: a path → an iterator of events (the file layer: zstd, streaming reads).
//! * [`DbnDecoder`] and [`CsvDecoder`]: the sans-I/O decoders (bytes or lines in, events out).
//! * [`InstrumentMap`]: instrument ids → instruments per (id, date); see its module for the rules
//!   (OPRA ids change daily; one-digit futures years resolve from the record date).
//! * [`Merge`], [`Replay`] and [`ReplaySource`]: several files as one stream ordered by
//!   `ts_recv`, synchronous or as an async [`crate::Source`] with pacing.
//!
//! Which schema gives which event, the event order inside one record, the venue numbering
//! ([`ExchangeId`](gammaflow_model::event::ExchangeId) = Databento publisher id), open-interest
//! de-duplication and what is skipped (counted in [`DecodeStats`], never turned into a garbage
//! value) are summarised below.
//!
//! # Records and events
//!
//! | schema | events |
//! |---|---|
//! | trades | `Trade` (aggressor from `side`: `B` buy, `A` sell, `N` none) |
//! | tbbo, tcbbo | `Quote` (book before the trade) then `Trade` |
//! | mbp-1, mbp-10 (top level) | `Quote`, and `Trade` first when the record's action is `T` |
//! | cbbo-1s/1m, bbo-1s/1m, cmbp-1 | `Quote` (venues from `bid_pb`/`ask_pb` for consolidated schemas, else the publisher) |
//! | ohlcv-1s/1m/1h/1d/eod | `Bar`, `ts_event` = start, `ts_recv` = end of the interval |
//! | statistics | `OpenInterest` for `stat_type` 9, de-duplicated on (instrument, `as_of`) |
//! | definition | `Definition` (multiplier from `unit_of_measure_qty`; `None` for OPRA) |
//! | mbo | `BookUpdate` (flags and sequence carried) |
//! | status, imbalance, system, error | nothing (counted in [`DecodeStats::other`]) |
//!
//! Records with an undefined timestamp, an undefined trade/bar price or an empty book are
//! skipped and counted in [`DecodeStats::undefined`]; ids without a mapping for the record's date
//! are skipped and counted in [`DecodeStats::unmapped`].
//!
//! ```no_run
//! use gammaflow_model::event::Event;
//! use gammaflow_sources::databento;
//!
//! // One file, streamed.
//! for event in databento::open("opra-pillar-20250220.trades.dbn.zst")? {
//!     if let Event::Trade(t) = event? {
//!         println!("{} {} x {}", t.instrument, t.price, t.size);
//!     }
//! }
//! // Several files merged by ts_recv (ties keep the order of the paths).
//! let replay = databento::Replay::open(["day.cbbo-1s.dbn.zst", "day.trades.dbn.zst"])?;
//! let n = replay.filter_map(Result::ok).count();
//! # let _ = n;
//! # Ok::<(), gammaflow_sources::SourcesError>(())
//! ```
//!
//! Decoding bytes already in memory:
//!
//! ```
//! use gammaflow_sources::databento::DbnDecoder;
//! let err = DbnDecoder::decode_all("bad.dbn", b"DBN\x07\0\0\0\0").unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "bad.dbn: unsupported DBN version 7 (this reader decodes versions 1 to 3)"
//! );
//! ```

mod convert;
mod csv;
mod decode;
mod error;
mod file;
mod merge;
mod replay;
mod symbology;

pub use convert::{DecodeStats, Mbp1Order};
pub use csv::CsvDecoder;
pub use decode::DbnDecoder;
pub use error::DatabentoError;
pub use file::{FileEvents, open};
pub use merge::Merge;
pub use replay::{Replay, ReplaySource};
pub use symbology::InstrumentMap;

pub mod write;
