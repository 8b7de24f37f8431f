//! gammaflow's market-data sources: one [`Source`] abstraction (an async stream of `model` events
//! plus runtime subscription of option contracts) and one module per provider, each a **sans-I/O**
//! decoder (bytes or text in, `model` events out) plus a thin async client.
//!
//! * [`sim`]: the built-in market simulator, the default source (no key, no server).
//! * [`polygon`]: the Polygon/Massive WebSocket and REST client.
//! * [`databento`]: replay of Databento DBN and CSV files, and writing them (for `gammaflow sim`).
//! * [`conditions`]: option trade condition codes and how the flow desk treats them.
//! * [`cboe`]: Cboe delayed-quote option-chain downloads ("quotedata"), both the 2020-era `.dat`
//!   and the 2025 `.csv` layout, detected automatically.
//! * [`pacing`]: real-time / N× / as-fast-as-possible release of finite sources.
//!
//! Errors are [`SourcesError`]; every variant names the input (line, field, frame, file) it is
//! about.
//!
//! ```
//! let text = "\nSPDR S&P 500 ETF Trust,Last: 599.48,Change:  0.54\n\
//! \"Date: June 9, 2025 at 4:52 PM EDT\",Bid: 599.45,Ask: 599.48,Size: 1*6,\"Volume: 51,676,756\"\n\
//! Expiration Date,Calls,Last Sale,Net,Bid,Ask,Volume,IV,Delta,Gamma,Open Interest,Strike,Puts,Last Sale,Net,Bid,Ask,Volume,IV,Delta,Gamma,Open Interest\n\
//! Fri Jun 13 2025,SPY250613C00600000,3.1,0.2,3.05,3.09,1000,0.1532,0.52,0.0655,12000,600.00,SPY250613P00600000,3.3,-0.1,3.27,3.31,900,0.1611,-0.48,0.0649,15000\n";
//! let chain = gammaflow_sources::cboe::parse(text)?;
//! assert_eq!(chain.rows.len(), 1);
//! assert_eq!(chain.rows[0].call.bid.to_string(), "3.05");
//! assert!(chain.row_errors.is_empty());
//! # Ok::<(), gammaflow_sources::SourcesError>(())
//! ```

pub mod cboe;
pub mod conditions;
pub mod databento;
mod error;
pub mod pacing;
pub mod polygon;
pub mod sim;
mod source;

pub use error::SourcesError;
pub use source::{Source, SubscriptionDiff, Subscriptions};
