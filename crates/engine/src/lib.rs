//! gammaflow's live pipeline, built up piece by piece (issue 4). Everything here is pure and
//! single-threaded: events in, state and decisions out, no I/O and no wall clock, so a live
//! session and a replay of it run the same code and reach the same state.
//!
//! * [`window`]: the moving at-the-money strike window (ATM ± N strikes) with hysteresis, which
//!   tells the source what to subscribe and unsubscribe.
//! * [`aggressor`]: the aggressor side of a trade from the NBBO at its timestamp (quote rule,
//!   then tick test).
//! * [`chain`]: the preallocated strike × contract matrix of one expiry: quotes, OI, flow, IV,
//!   Greeks and exposures (one `gammaflow_quant` chain call per underlying tick batch).
//! * [`flow`]: per-contract volume, exact premium, aggressor split and signed delta/gamma
//!   notional, shaped by the condition codes.
//! * [`series`]: one-second flow buckets for the day's charts.
//! * [`market`]: the ES/SPX state of the dashboard's trade date: last prices, basis, VWAP, SPX
//!   open, the morning and afternoon range windows, one-minute bars and realized volatility.
//! * [`pipeline`]: the [`pipeline::Engine`] that ties them together per product and session.
//!
//! ```
//! use gammaflow_engine::window::{StrikeWindow, WindowConfig};
//! use gammaflow_model::{OptionRoot, Price, UnixNanos};
//! use jiff::civil::date;
//!
//! let mut window = StrikeWindow::new(WindowConfig::spy(OptionRoot::new("SPY")?))?;
//! let change = window
//!     .on_spot(UnixNanos(1_000), "600.40".parse::<Price>()?, date(2025, 6, 9))
//!     .expect("the first price opens the window");
//! assert_eq!(change.subscribe.len(), 14); // 7 strikes (597..=603), calls and puts
//! assert_eq!(change.center.to_string(), "600");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod aggressor;
pub mod chain;
mod error;
pub mod flow;
pub mod market;
pub mod pipeline;
pub mod series;
pub mod window;

pub use error::EngineError;
