//! The historical dataset builder for ES/SPX ("MASTER_OUTPUT", `gammaflow master build`): one row
//! per trade date plus intraday detail tables, built from raw vendor files by streaming loaders,
//! reproducible bit for bit from the same inputs and configuration.
//!
//! Modules (this crate grows with the issue; each engine is a module with its own tests):
//! * [`config`]: the builder's `config.yaml` (spec §4), validated, with its canonical form and
//!   SHA-256 `config_hash`; Zurich times in the file are read against the New York session.
//! * [`rv`]: realized volatility of ES 1-minute bars per window, with percentile ranks.
//! * [`loaders`]: streaming readers of the inputs (ES bars and trades, IB daily files).
//! * [`gex`]: gammaflow's own GEX levels from an option chain snapshot (zero gamma, walls, majors
//!   by OI and by volume) and their comparison with GEXBot's ([`loaders::gexbot`]).
//! * [`opra`]: streaming SPX/SPXW OPRA loader (quotes, trades, open interest, definitions) and
//!   chain snapshots; [`iv`]: 0DTE ATM implied volatility, implied spot and 25-delta skew;
//!   [`oi`]: 0DTE open interest and volume by strike at the snapshots.
//! * [`validate`]: data-quality checks whose findings become per-row flags and a report.
//! * [`ranges`]: the morning/afternoon range windows of a trade date (the live engine's tracker).
//! * [`export`]: `MASTER_OUTPUT` as CSV and Parquet, data dictionary, manifest, read-only outputs.
//! * [`build`]: the orchestrator behind `gammaflow master build`; [`describe`]: its schema as JSON.

pub mod build;
pub mod config;
pub mod describe;
pub mod error;
pub mod export;
pub mod gex;
pub mod iv;
pub mod loaders;
pub mod oi;
pub mod opra;
pub mod ranges;
pub mod rv;
pub mod validate;

pub use error::MasterError;
