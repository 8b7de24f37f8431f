//! The historical dataset builder for ES/SPX ("MASTER_OUTPUT", `gammaflow master build`): one row
//! per trade date plus intraday detail tables, built from raw vendor files by streaming loaders,
//! reproducible bit for bit from the same inputs and configuration.
//!
//! Modules (this crate grows with the issue; each engine is a module with its own tests):
//! * [`config`]: the builder's `config.yaml` (spec §4), validated, with its canonical form and
//!   SHA-256 `config_hash`; Zurich times in the file are read against the New York session.
//! * [`rv`]: realized volatility of ES 1-minute bars per window, with percentile ranks.
//! * [`loaders`]: streaming readers of the inputs (ES bars and trades, IB daily files).
//! * [`validate`]: data-quality checks whose findings become per-row flags and a report.

pub mod config;
pub mod error;
pub mod loaders;
pub mod rv;
pub mod validate;

pub use error::MasterError;
