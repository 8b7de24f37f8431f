//! Streaming readers of the builder's ES input: one-minute bars of the **front month**, tagged with
//! their trade date, read record by record from Databento files or from the IB daily files of the
//! live collector. Nothing here holds more than one file's reader and a few open bars.
//!
//! # Inputs ([`EsBars`], [`InputKind`])
//! * **Databento `ohlcv-1m`** (`.dbn`, `.dbn.zst`, Databento `.csv`/`.csv.zst`): the vendor's bars,
//!   `ts_event` = start of the minute, read through [`gammaflow_sources::databento::open`].
//! * **Databento `trades` and `mbp-1`**: bars built from the trade prints ([`TradeBars`]): open =
//!   first trade of the minute (file order), high/low = extremes, close = last trade, volume = sum
//!   of sizes; minutes are taken from the trade's `ts_event` (UTC minute start). An `mbp-1` record
//!   carries a trade when its action is `T`; the decoder turns exactly those into trades, so both
//!   schemas go through the same path (their quotes are ignored). A trade whose minute was already
//!   emitted (more than one minute late) is dropped and counted ([`FileStats::late_trades`]).
//! * **IB daily files** ([`ib`]): `ES_YYYY-MM-DD.csv[.zst]`, written by [`ib::IbWriter`]; bars come
//!   from their `bar_1m` rows, else from `trade` rows, else from `rtvolume` rows with a trade, and
//!   carry the RTVolume VWAP ([`EsBar::vendor_vwap`]).
//!
//! The kind of a file is taken from its name ([`InputKind::detect`]): `<ROOT>_YYYY-MM-DD.csv` (or
//! `.csv.zst`) is an IB daily file, everything else goes to the Databento reader, which finds the
//! schema in the file; a file whose first ES event is a bar is read as bars, one whose first ES
//! event is a trade as trades (events of the other kind are then ignored and counted).
//!
//! # Front month ([`ContractRule`])
//! Only bars and trades of **the front ES quarterly of their trade date** are kept, chosen by
//! [`gammaflow_model::futures::front_month`] with a [`RollRule`] (default: the next quarterly
//! becomes front 8 calendar days before the expiry date, i.e. on the Thursday of the week before
//! the third-Friday expiry; the same rule as the live `MarketTracker` and the simulator). Other ES
//! months (the back month in a roll week) and other instruments (NQ, spreads) are counted and
//! skipped. [`ContractRule::Fixed`] keeps one named contract instead.
//!
//! # Trade dates ([`DayRule`])
//! Every bar gets a trade date (America/New_York civil date of an NYSE trading day):
//! * [`DayRule::Dashboard`] (default): the dashboard window `[20:15 ET on D − 1, cash close of D)`
//!   ([`trade_date_of`](gammaflow_model::session::trade_date_of)); bars outside every window (after the close, 18:00–20:15 ET, holidays)
//!   are skipped and counted ([`FileStats::outside_window`]). Same as the live engine.
//! * [`DayRule::Attributed`]: [`attributed_trade_date`](gammaflow_model::session::attributed_trade_date): bars between a close and the next window
//!   belong to the trade date that closed last (the spec's `previous_session` rule, extended).
//! * [`DayRule::Globex`]: the CME Globex session `[18:00 ET on D − 1, 17:00 ET on D)` (13:15 ET on
//!   early closes); bars in the daily break are skipped.
//!
//! # Streaming
//! [`EsBars`] is an iterator of bars in file order (files in the order given); [`EsBars::next_day`]
//! groups consecutive bars of one trade date ([`EsDay`]: at most one day of minutes, 1,440 bars).
//! Per-file counts are kept in [`FileStats`] ([`EsBars::files`]).

mod clock;
mod es;
pub mod gexbot;
pub mod ib;
mod trades;

pub use clock::DayRule;
pub use es::{ContractRule, EsBar, EsBars, EsDay, FileStats, InputKind, name_date};
pub use gammaflow_model::futures::RollRule;
pub use trades::TradeBars;
