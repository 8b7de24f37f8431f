//! gammaflow's domain types: no I/O, no async, no floating point in values that are money.
//!
//! * [`price`]: [`Price`] (fixed-point `i64`, scale 1e-9), [`Size`], [`Money`] (exact premium sums).
//! * [`time`]: [`UnixNanos`] timestamps.
//! * [`symbol`]: option contracts and their OCC/OSI, compact and Polygon/Massive spellings; index and
//!   equity underlyings.
//! * [`futures`]: futures month codes, quarterly expiries, front-month roll (ES).
//! * [`calendar`]: NYSE/Cboe holidays and early closes 2015–2030.
//! * [`session`]: trading sessions, New York / Zurich conversions, the ES/SPX trade-date rule.
//! * [`expiry`]: 0DTE expiries, settlement style, time to expiry in years.
//! * [`event`]: market events (trade, quote, bar, open interest, Greeks snapshot).

pub mod calendar;
mod error;
pub mod event;
pub mod expiry;
pub mod futures;
pub mod price;
pub mod session;
pub mod symbol;
pub mod time;

pub use error::ModelError;
pub use price::{Money, Price, Size};
pub use symbol::{OptionContract, OptionRight, OptionRoot, Ticker, Underlying};
pub use time::UnixNanos;
