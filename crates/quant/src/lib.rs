//! gammaflow's options math: pure `f64` functions with explicit inputs and typed errors.
//!
//! * [`black`]: Black-Scholes-Merton (spot, continuous `r` and `q`) and Black-76 (futures) prices and
//!   Greeks up to second order.
//! * [`iv`]: implied volatility at machine precision, scalar and batch (structure of arrays).
//! * [`exposure`]: gamma/delta/vanna/charm exposure per contract and strike, the spot-shift profile,
//!   zero-gamma level, walls.
//! * [`stats`]: expected move, realized-volatility estimators, VWAP, percentile rank.
//! * [`chain`]: one call that turns a chain's quotes into IV, Greeks and GEX.
//! * [`normal`]: the standard normal distribution to full double precision.
//!
//! # Units
//! Everything follows `../shared/data/options-oracle/README.md`: `t` in years, `r` and `q` continuously
//! compounded per year, volatility per 1.00 (0.20 = 20 %), prices discounted, vega per 1.00 of
//! volatility, theta per year of calendar time, rho per 1.00 of rate. [`black::Greeks`] has helpers
//! for per-1 % and per-day display.
//!
//! # Quick start
//! ```
//! use gammaflow_quant::{OptionInputs, OptionKind, Model, black, iv};
//!
//! let spx_call = OptionInputs {
//!     model: Model::Bsm, kind: OptionKind::Call,
//!     s: 5000.0, k: 5025.0, t: 2.0 / 365.0, r: 0.05, q: 0.013,
//! };
//! let price = black::price(&spx_call, 0.15);
//! let vol = iv::implied_vol(&spx_call, price).unwrap();
//! assert!((vol - 0.15).abs() < 1e-13);
//! ```

mod arith;
pub mod black;
pub mod chain;
mod error;
pub mod exposure;
pub mod iv;
pub mod normal;
pub mod stats;

pub use error::QuantError;

/// Call or put (European exercise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionKind {
    /// Right to buy at the strike.
    Call,
    /// Right to sell at the strike.
    Put,
}

impl OptionKind {
    /// +1 for a call, −1 for a put.
    #[inline]
    pub fn sign(self) -> f64 {
        match self {
            OptionKind::Call => 1.0,
            OptionKind::Put => -1.0,
        }
    }
}

/// Which pricing model the inputs are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Model {
    /// Black-Scholes-Merton on a spot price `s` with continuous dividend yield `q`:
    /// forward `F = s·e^((r−q)t)`.
    Bsm,
    /// Black-76 on a futures (forward) price: `s` is `F` itself and `q` is ignored.
    Black76,
}

/// The inputs of one European option, apart from volatility or price.
///
/// `s` is the spot (`Bsm`) or the futures price (`Black76`); `k` the strike; `t` the time to expiry in
/// years; `r` the continuously compounded risk-free rate per year; `q` the continuous dividend yield per
/// year (ignored for `Black76`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptionInputs {
    /// Pricing model.
    pub model: Model,
    /// Call or put.
    pub kind: OptionKind,
    /// Spot (`Bsm`) or futures price (`Black76`), in price units of the underlying.
    pub s: f64,
    /// Strike, in the same units as `s`.
    pub k: f64,
    /// Time to expiry in years (ACT/365 in gammaflow).
    pub t: f64,
    /// Risk-free rate, continuously compounded, per year.
    pub r: f64,
    /// Dividend yield, continuously compounded, per year (`Bsm` only).
    pub q: f64,
}

/// What every contract of one expiry shares: model, underlying price, time, rates and contract
/// multiplier. The chain ([`chain::ChainQuotes`]) and exposure ([`exposure::ExposureChain`]) inputs
/// both carry one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExpiryInputs {
    /// `Bsm` for SPX/SPY (on spot), `Black76` for ES options (`s` = futures price).
    pub model: Model,
    /// Spot (`Bsm`) or futures price (`Black76`) now.
    pub s: f64,
    /// Time to expiry in years.
    pub t: f64,
    /// Risk-free rate, continuously compounded, per year.
    pub r: f64,
    /// Dividend yield, continuously compounded, per year (ignored for `Black76`).
    pub q: f64,
    /// Contract multiplier, US$ per point (100 SPX/SPY, 50 ES).
    pub multiplier: f64,
}

impl ExpiryInputs {
    /// The inputs of one contract of this expiry, at spot `s` (the expiry's own or a shifted
    /// one for spot-shift profiles).
    #[inline]
    pub fn option(&self, kind: OptionKind, k: f64, s: f64) -> OptionInputs {
        OptionInputs {
            model: self.model,
            kind,
            s,
            k,
            t: self.t,
            r: self.r,
            q: self.q,
        }
    }
}

impl OptionInputs {
    /// The forward price `F` (`s·e^((r−q)t)` for `Bsm`, `s` for `Black76`).
    #[inline]
    pub fn forward(&self) -> f64 {
        match self.model {
            Model::Bsm => self.s * ((self.r - self.q) * self.t).exp(),
            Model::Black76 => self.s,
        }
    }

    /// The discount factor `e^(−rt)`.
    #[inline]
    pub fn discount(&self) -> f64 {
        (-self.r * self.t).exp()
    }

    /// Checks that every input is finite and in range (`s > 0`, `k > 0`, `t ≥ 0`), naming the first
    /// bad one.
    pub fn validate(&self) -> Result<(), QuantError> {
        let checks = [
            ("s", self.s, self.s > 0.0),
            ("k", self.k, self.k > 0.0),
            ("t", self.t, self.t >= 0.0),
            ("r", self.r, true),
            ("q", self.q, true),
        ];
        for (name, value, in_range) in checks {
            if !value.is_finite() || !in_range {
                return Err(QuantError::InvalidInput { name, value });
            }
        }
        Ok(())
    }
}
