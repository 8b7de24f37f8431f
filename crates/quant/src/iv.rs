//! Implied volatility at machine precision (placeholder body; the fast solver replaces it).

use crate::{Model, OptionInputs, OptionKind, QuantError};

/// Outcome of one row of [`implied_vol_batch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum IvStatus {
    /// A volatility was found.
    #[default]
    Ok,
    /// The price equals the lower no-arbitrage bound exactly: the volatility is 0.
    ZeroTimeValue,
    /// The price is below the lower bound (see [`QuantError::BelowIntrinsic`]); the volatility is NaN.
    BelowIntrinsic,
    /// The price is above the upper bound (see [`QuantError::AboveMaximum`]); the volatility is NaN.
    AboveMaximum,
    /// An input is not finite or out of range; the volatility is NaN.
    InvalidInput,
}

/// Implied volatility (per 1.00, annualised) of a discounted option `price`.
///
/// Returns `Ok(0.0)` when the price equals the lower bound exactly, [`QuantError::BelowIntrinsic`] /
/// [`QuantError::AboveMaximum`] outside the no-arbitrage bounds, and [`QuantError::InvalidInput`] for
/// non-finite or out-of-range inputs. Never NaN, never a panic.
pub fn implied_vol(inputs: &OptionInputs, price: f64) -> Result<f64, QuantError> {
    inputs.validate()?;
    if !price.is_finite() {
        return Err(QuantError::InvalidInput {
            name: "price",
            value: price,
        });
    }
    let _ = (Model::Bsm, OptionKind::Call);
    Err(QuantError::InvalidInput {
        name: "price",
        value: price,
    })
}

/// Structure-of-arrays inputs of [`implied_vol_batch`]: one model for the whole batch, one row per
/// option. All slices must have the same length.
#[derive(Debug, Clone, Copy)]
pub struct IvBatch<'a> {
    /// Pricing model of every row.
    pub model: Model,
    /// Call or put per row.
    pub kind: &'a [OptionKind],
    /// Spot (`Bsm`) or futures price (`Black76`) per row.
    pub s: &'a [f64],
    /// Strike per row.
    pub k: &'a [f64],
    /// Time to expiry in years per row.
    pub t: &'a [f64],
    /// Risk-free rate per row.
    pub r: &'a [f64],
    /// Dividend yield per row (ignored for `Black76`).
    pub q: &'a [f64],
    /// Discounted option price per row.
    pub price: &'a [f64],
}

/// Implied volatilities of a whole batch: `vol[i]` and `status[i]` for row `i` (NaN where the status
/// is not `Ok`/`ZeroTimeValue`). Errors only when slice lengths differ.
pub fn implied_vol_batch(
    batch: &IvBatch<'_>,
    vol: &mut [f64],
    status: &mut [IvStatus],
) -> Result<(), QuantError> {
    let _ = (batch, vol, status);
    Ok(())
}
