//! gammaflow's data lake: every enriched option print ([`gammaflow_engine::chain::EnrichedTrade`])
//! and a one-minute snapshot of the chain is logged in a write-ahead log, buffered, and flushed to
//! Parquet files partitioned by New York trade day, readable by DuckDB, Polars or Spark
//! (`read_parquet('root/raw/flow/**/*.parquet', hive_partitioning = true)`, likewise
//! `raw/chain/**/*.parquet`).
//!
//! * [`row`]: [`FlowRow`], the stored form of a print, and [`StoredRow`] (with its sequence number).
//! * [`chain_row`]: [`ChainRow`], one contract of a chain snapshot, and [`StoredChainRow`].
//! * [`snapshot`]: [`chain_snapshot`], the engine's chain state at a minute as [`ChainRow`]s (which
//!   contracts: the strike window plus the nearest contracts with volume or open interest, capped).
//! * [`wal`]: the CRC-checked, length-prefixed write-ahead logs ([`Wal`] for prints, [`ChainWal`]
//!   for snapshots, [`FsyncPolicy`]).
//! * [`lake`]: [`Lake`], the buffers and the flushes (zstd, one row group per flush, atomic
//!   rename), WAL checkpoints and crash recovery at open, for both tables.
//! * [`layout`]: the directory layout, file names and the visibility rule readers apply;
//!   [`read_day`] and [`read_chain_day`].
//! * [`parquet_io`], [`chain_io`]: the two Parquet schemas, their writers and readers.
//! * [`writer`]: [`LakeWriter`], the lake on its own thread behind a bounded channel (prints with
//!   [`LakeSender::send`], snapshots with [`LakeSender::send_chain`]).
//! * [`compact`]: [`compact_day`] and [`compact_chain_day`], merging a day's part files into large
//!   ones.
//!
//! # Layout
//!
//! `root/raw/flow/year=YYYY/month=MM/day=DD/part-<first_seq>-<last_seq>.parquet` for prints and
//! `root/raw/chain/year=YYYY/month=MM/day=DD/part-<first_seq>-<last_seq>.parquet` for snapshots,
//! the day being the New York calendar date of `ts_event` (prints) or `ts` (snapshots);
//! `root/wal/wal-<first_seq>.log` segments (prints), `root/wal/chain/wal-<first_seq>.log`
//! (snapshots, a sequence space of their own) and `root/wal/LOCK`.
//!
//! # Schema: `raw/flow` (one row per print)
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
//! # Schema: `raw/chain` (one row per snapshot minute and contract)
//!
//! A snapshot is taken at each whole minute of event time (`gammaflow flow --lake` does it before
//! the first event at or after the minute) and holds the strike window (ATM ± N, calls and puts)
//! plus the contracts nearest the money with volume or open interest, 250 contracts at most
//! beyond a larger window ([`snapshot`] explains the choice). Volume, premium and notional are
//! cumulative since the session start; IV, Greeks and GEX come from the engine's exposure views.
//!
//! | column | Parquet type | unit / meaning |
//! |---|---|---|
//! | `ts` | INT64, TIMESTAMP(NANOS, UTC) | snapshot minute (event time), ns since the Unix epoch |
//! | `underlying_price_raw` | INT64, nullable | last underlying price × 10⁹ (exact); null before the first |
//! | `option_symbol` | BYTE_ARRAY, STRING | Polygon form, `O:SPXW250609C06000000` (joins `raw/flow`) |
//! | `underlying` | BYTE_ARRAY, STRING | `I:SPX`, `SPY`, ... as in `raw/flow` |
//! | `root` | BYTE_ARRAY, STRING | option root, `SPXW` |
//! | `expiry` | INT32, DATE | expiration date |
//! | `strike_raw` | INT64 | strike × 10⁹ |
//! | `option_right` | BYTE_ARRAY, STRING | `C` or `P` |
//! | `bid_raw`, `ask_raw` | INT64, nullable | NBBO per unit × 10⁹; null without a quote or that side |
//! | `bid_size`, `ask_size` | INT64, nullable | contracts at the bid / ask; null without a quote |
//! | `last_raw` | INT64, nullable | last price per unit × 10⁹ from prints allowed to set it; null before the first |
//! | `volume` | INT64 | contracts traded since the session start (prints that count for volume) |
//! | `buy_volume`, `sell_volume` | INT64 | of which buyer- / seller-initiated (the rest has no side) |
//! | `premium` | FIXED_LEN_BYTE_ARRAY(16), DECIMAL(38, 9) | Σ price × size × multiplier, US$, exact (the engine's `Money`: its raw `i128` is the unscaled decimal) |
//! | `buy_premium`, `sell_premium` | FIXED_LEN_BYTE_ARRAY(16), DECIMAL(38, 9) | premium of buyer- / seller-initiated prints, US$, exact |
//! | `net_delta_notional` | DOUBLE, nullable | Σ ±size × delta × multiplier of directional prints, underlying units |
//! | `net_gamma_notional` | DOUBLE, nullable | the same with gamma |
//! | `open_interest` | INT64 | contracts (0 when none was published) |
//! | `iv` | DOUBLE, nullable | implied volatility of the mid, annualised fraction |
//! | `delta` | DOUBLE, nullable | per unit of underlying |
//! | `gamma` | DOUBLE, nullable | per unit of underlying squared |
//! | `vega` | DOUBLE, nullable | per 1.00 of volatility (÷ 100 for per vol point) |
//! | `theta` | DOUBLE, nullable | per year (÷ 365 for per calendar day) |
//! | `gex_oi` | DOUBLE, nullable | GEX from open interest (classic dealer sign), US$ per 1 % move |
//! | `gex_flow` | DOUBLE, nullable | GEX from the day's signed flow (dealers opposite the net aggressor volume), US$ per 1 % move |
//! | `seq` | INT64 | chain WAL sequence number, unique per chain row, increasing with acceptance |
//!
//! Doubles are null where the engine had NaN (no quote, no IV, no exposure refresh yet).
//!
//! # Guarantees
//!
//! * A row is accepted once [`Lake::append`] (or [`Lake::append_chain`]) returns its sequence
//!   number: it is in the WAL (see [`wal`] for what each [`FsyncPolicy`] survives). Through the
//!   writer thread, [`WriterStats::rows_logged`] and [`WriterStats::chain_rows_logged`] count the
//!   rows that far.
//! * Both tables follow the same rules below, each with its own WAL and sequence numbers; a flush
//!   writes both.
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

pub mod chain_io;
pub mod chain_row;
mod columns;
pub mod compact;
mod error;
mod fsutil;
pub mod lake;
pub mod layout;
pub mod parquet_io;
pub mod row;
pub mod snapshot;
mod table;
pub mod wal;
pub mod writer;

pub use chain_io::{CHAIN_SCHEMA, read_chain_file};
pub use chain_row::{ChainRow, StoredChainRow};
pub use compact::{CompactConfig, CompactReport, compact_chain_day, compact_day};
pub use error::StoreError;
pub use lake::{FlushReport, Lake, LakeConfig};
pub use layout::{
    PartFile, chain_day_dir, chain_day_files, day_dir, day_files, read_chain_day, read_day,
};
pub use parquet_io::{FLOW_SCHEMA, read_flow_file};
pub use row::{FlowRow, StoredRow};
pub use snapshot::{DEFAULT_SNAPSHOT_CONTRACTS, chain_snapshot, chain_snapshot_capped};
pub use wal::{ChainWal, FsyncPolicy, Wal};
pub use writer::{LakeSender, LakeWriter, WriterStats};
