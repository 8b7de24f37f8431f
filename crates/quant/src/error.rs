//! The error type of the `quant` crate.

use thiserror::Error;

/// What can go wrong in gammaflow's options math. Every variant carries the offending values.
#[derive(Debug, Clone, Copy, PartialEq, Error)]
pub enum QuantError {
    /// An input is not finite or outside its domain (e.g. a negative strike).
    #[error("invalid input {name} = {value}")]
    InvalidInput {
        /// Name of the input (`s`, `k`, `t`, `r`, `q`, `price`, `sigma`, ...).
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// The option price is below the no-arbitrage lower bound (intrinsic value of the forward,
    /// discounted), so no volatility reproduces it.
    #[error("price {price} is below the intrinsic lower bound {bound}")]
    BelowIntrinsic {
        /// The price given.
        price: f64,
        /// The lower bound `max(±(S·e^(−qt) − K·e^(−rt)), 0)`.
        bound: f64,
    },
    /// The option price is above the no-arbitrage upper bound (`S·e^(−qt)` for a call,
    /// `K·e^(−rt)` for a put), so no volatility reproduces it.
    #[error("price {price} is above the maximum {bound}")]
    AboveMaximum {
        /// The price given.
        price: f64,
        /// The upper bound.
        bound: f64,
    },
    /// A root search found no sign change in the interval it was given.
    #[error("no root in [{lo}, {hi}]")]
    NoRoot {
        /// Lower end of the interval.
        lo: f64,
        /// Upper end of the interval.
        hi: f64,
    },
    /// Two slices that must have the same length do not.
    #[error("length mismatch: {name} has {len}, expected {expected}")]
    LengthMismatch {
        /// Name of the slice.
        name: &'static str,
        /// Its length.
        len: usize,
        /// The length of the first input slice.
        expected: usize,
    },
}
