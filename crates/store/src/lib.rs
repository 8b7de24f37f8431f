//! gammaflow's data lake: every enriched option print ([`gammaflow_engine::chain::EnrichedTrade`])
//! is logged in a write-ahead log, buffered, and flushed to Parquet files partitioned by New York
//! trade day, readable by DuckDB, Polars or Spark (`read_parquet('root/raw/flow/**/*.parquet',
//! hive_partitioning = true)`).
//!
//! * [`row`]: [`FlowRow`], the stored form of a print, and [`StoredRow`] (with its sequence number).
//! * [`wal`]: the CRC-checked, length-prefixed write-ahead log ([`Wal`], [`FsyncPolicy`]).
//! * [`lake`]: [`Lake`], the buffer and the flushes (zstd, one row group per flush, atomic
//!   rename), WAL checkpoints and crash recovery at open.
//! * [`layout`]: the directory layout, file names and the visibility rule readers apply.
//! * [`writer`]: [`LakeWriter`], the lake on its own thread behind a bounded channel.
//! * [`compact`]: [`compact_day`], merging a day's part files into large ones.
//!
//! # Layout
//!
//! `root/raw/flow/year=YYYY/month=MM/day=DD/part-<first_seq>-<last_seq>.parquet`, the day being the
//! New York calendar date of `ts_event`; `root/wal/wal-<first_seq>.log` segments and `root/wal/LOCK`.
//!
//! # Schema
//!
//! | column | Parquet type | unit / meaning |
//! |---|---|---|
//! | `ts_event` | INT64, TIMESTAMP(NANOS, UTC) | exchange time, ns since the Unix epoch |
//! | `ts_recv` | INT64, TIMESTAMP(NANOS, UTC) | capture time, ns since the Unix epoch |
//! | `underlying_price` | DOUBLE, nullable | underlying units (index points, dollars); null when unknown |
//! | `option_symbol` | BYTE_ARRAY, STRING | Polygon form, `O:SPXW250609C06000000` |
//! | `underlying` | BYTE_ARRAY, STRING | `I:SPX` for an index, `SPY` for an ETF |
//! | `expiry` | INT32, DATE | expiration date |
//! | `strike_raw` | INT64 | strike × 10⁹ (exact fixed point; `strike_raw / 1e9` = points) |
//! | `option_right` | BYTE_ARRAY, STRING | `C` or `P` |
//! | `price_raw` | INT64 | premium per unit × 10⁹ (exact) |
//! | `size` | INT64 | contracts |
//! | `exchange` | INT32 | vendor venue id |
//! | `conditions` | BYTE_ARRAY, STRING | vendor condition codes in order, comma-joined decimals (`209,232`), `''` for none; DuckDB: `string_split(conditions, ',')` |
//! | `aggressor` | BYTE_ARRAY, STRING | `B` buy, `S` sell, `N` unknown |
//! | `iv` | DOUBLE, nullable | implied volatility, annualised fraction |
//! | `delta` | DOUBLE, nullable | per unit of underlying |
//! | `gamma` | DOUBLE, nullable | per unit of underlying squared |
//! | `net_delta_impact` | DOUBLE, nullable | signed size × delta × multiplier, underlying units |
//! | `sweep` | BOOLEAN | intermarket sweep |
//! | `excluded` | BOOLEAN | excluded from flow (cancelled, compression, ...) |
//! | `seq` | INT64 | WAL sequence number, unique per row, increasing with acceptance |
//!
//! Doubles are null where the engine had NaN. Prices stay exact integers; decimal views belong to
//! the SQL layer.
//!
//! # Guarantees
//!
//! * A row is accepted once [`Lake::append`] returns its sequence number: it is in the WAL (see
//!   [`wal`] for what each [`FsyncPolicy`] survives).
//! * A flush writes each same-day run of buffered rows to a `*.tmp` file, `fsync`s it, renames it
//!   to its final name and `fsync`s the directory; only then is the WAL checkpointed. A reader
//!   never sees half a file.
//! * [`Lake::open`] re-writes the WAL rows with a sequence number above the largest one in the part
//!   file names: each accepted row lands in the lake exactly once. A flush writes runs in sequence
//!   order and each file covers a contiguous range, so that test is exact.
//! * An I/O error is returned and the rows stay buffered and in the WAL for the next attempt.
//!
//! # Example
//!
//! ```
//! use gammaflow_model::event::{Conditions, ExchangeId, Side};
//! use gammaflow_model::{OptionContract, OptionRight, OptionRoot, Price, Size, UnixNanos};
//! use gammaflow_store::{Lake, LakeConfig, FlowRow, read_day};
//! use jiff::civil::date;
//!
//! let root = std::env::temp_dir().join(format!("gammaflow-store-doc-{}", std::process::id()));
//! let mut lake = Lake::open(&root, LakeConfig::default())?;
//! let ts = UnixNanos(1_749_475_800_000_000_000); // 2025-06-09 09:30 New York
//! let row = FlowRow {
//!     ts_event: ts,
//!     ts_recv: ts,
//!     underlying_price: 6_000.5,
//!     contract: OptionContract::new(OptionRoot::SPXW, date(2025, 6, 9), OptionRight::Call,
//!         Price::from_integer(6_000).expect("fits")),
//!     price: "4.20".parse::<Price>()?,
//!     size: Size::new(3),
//!     exchange: ExchangeId(302),
//!     conditions: Conditions::EMPTY,
//!     aggressor: Side::Buy,
//!     iv: 0.12,
//!     delta: 0.5,
//!     gamma: 0.01,
//!     net_delta_impact: 150.0,
//!     sweep: false,
//!     excluded: false,
//! };
//! let seq = lake.append(&row, ts)?;
//! lake.flush()?;
//! let rows = read_day(&root, date(2025, 6, 9))?;
//! assert_eq!((rows.len(), rows[0].seq, rows[0].row), (1, seq, row));
//! drop(lake);
//! std::fs::remove_dir_all(&root)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod compact;
mod error;
mod fsutil;
pub mod lake;
pub mod layout;
pub mod parquet_io;
pub mod row;
pub mod wal;
pub mod writer;

pub use compact::{CompactConfig, CompactReport, compact_day};
pub use error::StoreError;
pub use lake::{FlushReport, Lake, LakeConfig};
pub use layout::{PartFile, day_dir, day_files, read_day};
pub use parquet_io::{FLOW_SCHEMA, read_flow_file};
pub use row::{FlowRow, StoredRow};
pub use wal::{FsyncPolicy, Wal};
pub use writer::{LakeSender, LakeWriter, WriterStats};
