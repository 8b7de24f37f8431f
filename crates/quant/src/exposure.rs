//! Dealer exposures per contract and per strike: gamma (GEX), delta, vanna and charm exposure, the
//! spot-shift gamma profile, the zero-gamma level, call/put walls.
//!
//! # Conventions and units
//! * **Dealer position** of a contract, in contracts (signed, + = dealers long), from a
//!   [`DealerSign`] model: classic (`+OI` for calls, `−OI` for puts: dealers long calls and short
//!   puts), a caller-supplied per-contract weight times OI, or a caller-supplied net position.
//! * **GEX** ([`gex_per_pct`]) = position · Γ · multiplier · S² · 0.01: US$ change of the dealers'
//!   delta (in dollars of underlying) for a 1 % move of the underlying. Multiplier 100 for SPX/SPY,
//!   50 for ES options, with `S` the futures price for ES (Black-76).
//! * **Delta exposure** ([`delta_exposure`]) = position · Δ · multiplier · S: US$ of underlying
//!   the dealers are long through the options (delta notional).
//! * **Vanna exposure** ([`vanna_exposure_per_pct`]) = position · vanna · multiplier · S · 0.01:
//!   US$ change of delta notional when implied volatility rises by 1 vol point (0.01).
//! * **Charm exposure** ([`charm_exposure_per_day`]) = position · charm · multiplier · S / 365:
//!   US$ change of delta notional over one calendar day with nothing else moving.
//!
//! Chains are structure-of-arrays slices; a contract whose value is not finite (no IV, no quote)
//! contributes nothing to a sum, so callers can pass NaN for rows they could not price.
//!
//! ```
//! use gammaflow_quant::exposure::{gex_per_pct, DealerSign};
//! use gammaflow_quant::OptionKind;
//! // 1,000 SPX puts with Γ = 0.002, dealers short (classic), spot 5000.
//! let position = DealerSign::Classic.position(0, OptionKind::Put, 1000.0);
//! let gex = gex_per_pct(0.002, position, 100.0, 5000.0);
//! assert!((gex + 50_000_000.0).abs() < 1e-6);
//! ```

mod profile;

pub use profile::{GammaProfile, brent};

use crate::{ExpiryInputs, OptionKind, QuantError};

/// The size of the move GEX is quoted for: 1 % of the underlying.
pub const ONE_PERCENT: f64 = 0.01;

/// Contract multiplier of SPX/SPXW and SPY options (US$ per index/share point).
pub const MULTIPLIER_SPX: f64 = 100.0;
/// Contract multiplier of E-mini S&P 500 (ES) futures options (US$ per index point of the future).
pub const MULTIPLIER_ES: f64 = 50.0;

/// How the dealers' position in each contract is modelled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DealerSign<'a> {
    /// Dealers long every call (`+OI`) and short every put (`−OI`).
    Classic,
    /// A caller-supplied signed weight per contract (e.g. in `[−1, 1]` from aggressor-signed
    /// volume), multiplied by that contract's open interest: position = `weight[i]·OI[i]`.
    Weighted(&'a [f64]),
    /// A caller-supplied net dealer position per contract, in contracts (+ long, − short);
    /// open interest is ignored.
    NetPosition(&'a [f64]),
}

impl DealerSign<'_> {
    /// The dealers' signed position in contract `i` (contracts). Out-of-range `i` on a supplied
    /// slice gives NaN (callers check lengths with [`DealerSign::check_len`]).
    #[inline]
    pub fn position(&self, i: usize, kind: OptionKind, open_interest: f64) -> f64 {
        match self {
            DealerSign::Classic => kind.sign() * open_interest,
            DealerSign::Weighted(w) => w.get(i).map_or(f64::NAN, |w| w * open_interest),
            DealerSign::NetPosition(p) => p.get(i).copied().unwrap_or(f64::NAN),
        }
    }

    /// Checks that a supplied slice has `len` rows.
    pub fn check_len(&self, len: usize) -> Result<(), QuantError> {
        match self {
            DealerSign::Classic => Ok(()),
            DealerSign::Weighted(w) => check("dealer_weight", w.len(), len),
            DealerSign::NetPosition(p) => check("dealer_position", p.len(), len),
        }
    }
}

#[inline]
pub(crate) fn check(name: &'static str, len: usize, expected: usize) -> Result<(), QuantError> {
    if len == expected {
        Ok(())
    } else {
        Err(QuantError::LengthMismatch {
            name,
            len,
            expected,
        })
    }
}

/// GEX of one contract: `position · gamma · multiplier · s² · 0.01`, in US$ of delta per 1 % move.
#[inline]
pub fn gex_per_pct(gamma: f64, position: f64, multiplier: f64, s: f64) -> f64 {
    position * gamma * multiplier * s * s * ONE_PERCENT
}

/// Delta exposure of one contract: `position · delta · multiplier · s`, in US$ of underlying.
#[inline]
pub fn delta_exposure(delta: f64, position: f64, multiplier: f64, s: f64) -> f64 {
    position * delta * multiplier * s
}

/// Vanna exposure of one contract: `position · vanna · multiplier · s · 0.01`, in US$ of delta
/// notional per +1 vol point (`vanna` per 1.00 of vol as in [`crate::black::Greeks`]).
#[inline]
pub fn vanna_exposure_per_pct(vanna: f64, position: f64, multiplier: f64, s: f64) -> f64 {
    position * vanna * multiplier * s * ONE_PERCENT
}

/// Charm exposure of one contract: `position · charm · multiplier · s / 365`, in US$ of delta
/// notional per calendar day (`charm` per year as in [`crate::black::Greeks`]).
#[inline]
pub fn charm_exposure_per_day(charm: f64, position: f64, multiplier: f64, s: f64) -> f64 {
    position * charm * multiplier * s / 365.0
}

/// A chain for the gamma profile: common inputs of one expiry plus per-contract slices (all the
/// same length).
#[derive(Debug, Clone, Copy)]
pub struct ExposureChain<'a> {
    /// Model, spot or futures price now, time, rates and multiplier ([`MULTIPLIER_SPX`],
    /// [`MULTIPLIER_ES`]) of the expiry.
    pub expiry: ExpiryInputs,
    /// Call or put per contract.
    pub kind: &'a [OptionKind],
    /// Strike per contract.
    pub strike: &'a [f64],
    /// Implied volatility per contract (per 1.00), held fixed as the spot moves; NaN = skip.
    pub iv: &'a [f64],
    /// Open interest per contract (contracts).
    pub open_interest: &'a [f64],
    /// Dealer position model.
    pub dealer: DealerSign<'a>,
}

impl ExposureChain<'_> {
    /// Number of contracts, or [`QuantError::LengthMismatch`] naming the first slice whose length
    /// differs from `kind`'s.
    pub fn len(&self) -> Result<usize, QuantError> {
        let n = self.kind.len();
        check("strike", self.strike.len(), n)?;
        check("iv", self.iv.len(), n)?;
        check("open_interest", self.open_interest.len(), n)?;
        self.dealer.check_len(n)?;
        Ok(n)
    }

    /// `true` when the chain has no contract.
    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }
}

/// Per-contract exposures to aggregate by strike (structure of arrays, all the same length).
#[derive(Debug, Clone, Copy)]
pub struct ContractExposures<'a> {
    /// Call or put per contract.
    pub kind: &'a [OptionKind],
    /// Strike per contract.
    pub strike: &'a [f64],
    /// Open interest per contract (contracts).
    pub open_interest: &'a [f64],
    /// GEX per contract (US$ per 1 % move).
    pub gex: &'a [f64],
    /// Delta exposure per contract (US$).
    pub delta: &'a [f64],
    /// Vanna exposure per contract (US$ per vol point).
    pub vanna: &'a [f64],
    /// Charm exposure per contract (US$ per day).
    pub charm: &'a [f64],
}

/// Exposures summed per strike, strikes ascending (structure of arrays; every `Vec` has one entry
/// per distinct strike). Reusable: [`StrikeTable::aggregate`] keeps the capacity, so repeated
/// calls on chains of the same size do not allocate.
#[derive(Debug, Clone, Default)]
pub struct StrikeTable {
    /// Distinct strikes, ascending.
    pub strike: Vec<f64>,
    /// Sum of call GEX at the strike (US$ per 1 % move).
    pub call_gex: Vec<f64>,
    /// Sum of put GEX at the strike (US$ per 1 % move).
    pub put_gex: Vec<f64>,
    /// `call_gex + put_gex`.
    pub net_gex: Vec<f64>,
    /// Delta exposure (US$).
    pub delta: Vec<f64>,
    /// Vanna exposure (US$ per vol point).
    pub vanna: Vec<f64>,
    /// Charm exposure (US$ per day).
    pub charm: Vec<f64>,
    /// Call open interest (contracts).
    pub call_oi: Vec<f64>,
    /// Put open interest (contracts).
    pub put_oi: Vec<f64>,
    order: Vec<usize>,
}

#[inline]
fn finite_or_zero(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

impl StrikeTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of distinct strikes.
    pub fn len(&self) -> usize {
        self.strike.len()
    }

    /// `true` when there is no strike.
    pub fn is_empty(&self) -> bool {
        self.strike.is_empty()
    }

    /// Replaces the contents with the per-strike sums of `c`. Contracts with a non-finite strike are
    /// skipped; non-finite exposures count as 0 (the strike still appears).
    pub fn aggregate(&mut self, c: &ContractExposures<'_>) -> Result<(), QuantError> {
        let n = c.kind.len();
        check("strike", c.strike.len(), n)?;
        check("open_interest", c.open_interest.len(), n)?;
        check("gex", c.gex.len(), n)?;
        check("delta", c.delta.len(), n)?;
        check("vanna", c.vanna.len(), n)?;
        check("charm", c.charm.len(), n)?;
        self.order.clear();
        self.order
            .extend((0..n).filter(|&i| c.strike[i].is_finite()));
        let strikes = c.strike;
        self.order
            .sort_unstable_by(|&a, &b| strikes[a].total_cmp(&strikes[b]));
        for v in [
            &mut self.strike,
            &mut self.call_gex,
            &mut self.put_gex,
            &mut self.net_gex,
            &mut self.delta,
            &mut self.vanna,
            &mut self.charm,
            &mut self.call_oi,
            &mut self.put_oi,
        ] {
            v.clear();
        }
        for &i in &self.order {
            let k = c.strike[i];
            if self.strike.last() != Some(&k) {
                self.strike.push(k);
                for v in [
                    &mut self.call_gex,
                    &mut self.put_gex,
                    &mut self.net_gex,
                    &mut self.delta,
                    &mut self.vanna,
                    &mut self.charm,
                    &mut self.call_oi,
                    &mut self.put_oi,
                ] {
                    v.push(0.0);
                }
            }
            let j = self.strike.len() - 1;
            let gex = finite_or_zero(c.gex[i]);
            let oi = finite_or_zero(c.open_interest[i]);
            match c.kind[i] {
                OptionKind::Call => {
                    self.call_gex[j] += gex;
                    self.call_oi[j] += oi;
                }
                OptionKind::Put => {
                    self.put_gex[j] += gex;
                    self.put_oi[j] += oi;
                }
            }
            self.net_gex[j] += gex;
            self.delta[j] += finite_or_zero(c.delta[i]);
            self.vanna[j] += finite_or_zero(c.vanna[i]);
            self.charm[j] += finite_or_zero(c.charm[i]);
        }
        Ok(())
    }

    /// Indices of the contracts of the last [`StrikeTable::aggregate`] sorted by strike ascending
    /// (contracts with a non-finite strike left out).
    pub fn contract_order(&self) -> &[usize] {
        &self.order
    }

    /// Total net GEX over all strikes (US$ per 1 % move).
    pub fn total_gex(&self) -> f64 {
        self.net_gex.iter().sum()
    }

    /// Call wall: the strike with the largest positive call GEX (`None` if no call GEX is > 0).
    /// Ties go to the lower strike.
    pub fn call_wall(&self) -> Option<f64> {
        arg_best(&self.call_gex, |g| g > 0.0, |a, b| a > b).map(|j| self.strike[j])
    }

    /// Put wall: the strike with the most negative put GEX (`None` if no put GEX is < 0). Ties go
    /// to the lower strike.
    pub fn put_wall(&self) -> Option<f64> {
        arg_best(&self.put_gex, |g| g < 0.0, |a, b| a < b).map(|j| self.strike[j])
    }

    /// The indices (into this table) of the `n` strikes with the largest `|net_gex|`, largest
    /// first, written into `out` (cleared first; no allocation once `out` has capacity `n`).
    /// Ties keep ascending strike order.
    pub fn largest_abs_gamma_into(&self, n: usize, out: &mut Vec<usize>) {
        out.clear();
        if n == 0 {
            return;
        }
        for (j, g) in self.net_gex.iter().enumerate() {
            let a = g.abs();
            // Position of the first entry with a smaller magnitude.
            let pos = out
                .iter()
                .position(|&o| self.net_gex[o].abs() < a)
                .unwrap_or(out.len());
            if pos < n {
                if out.len() == n {
                    out.pop();
                }
                out.insert(pos, j);
            }
        }
    }

    /// The `n` strikes with the largest `|net_gex|`, largest first (allocates; see
    /// [`StrikeTable::largest_abs_gamma_into`]).
    pub fn largest_abs_gamma(&self, n: usize) -> Vec<f64> {
        let mut idx = Vec::with_capacity(n);
        self.largest_abs_gamma_into(n, &mut idx);
        idx.into_iter().map(|j| self.strike[j]).collect()
    }
}

fn arg_best(
    values: &[f64],
    eligible: impl Fn(f64) -> bool,
    better: impl Fn(f64, f64) -> bool,
) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (j, &v) in values.iter().enumerate() {
        if eligible(v) && best.is_none_or(|b| better(v, values[b])) {
            best = Some(j);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregation_walls_and_top() {
        let kind = [
            OptionKind::Call,
            OptionKind::Put,
            OptionKind::Call,
            OptionKind::Put,
            OptionKind::Call,
        ];
        let strike = [110.0, 90.0, 100.0, 100.0, 110.0];
        let oi = [1.0, 2.0, 3.0, 4.0, 5.0];
        let gex = [10.0, -30.0, 5.0, -8.0, f64::NAN];
        let zeros = [0.0; 5];
        let mut table = StrikeTable::new();
        table
            .aggregate(&ContractExposures {
                kind: &kind,
                strike: &strike,
                open_interest: &oi,
                gex: &gex,
                delta: &zeros,
                vanna: &zeros,
                charm: &zeros,
            })
            .map_err(|e| e.to_string())
            .ok();
        assert_eq!(table.strike, vec![90.0, 100.0, 110.0]);
        assert_eq!(table.net_gex, vec![-30.0, -3.0, 10.0]);
        assert_eq!(table.call_oi, vec![0.0, 3.0, 6.0]);
        assert_eq!(table.call_wall(), Some(110.0));
        assert_eq!(table.put_wall(), Some(90.0));
        assert_eq!(table.largest_abs_gamma(2), vec![90.0, 110.0]);
        assert_eq!(table.total_gex(), -23.0);
        let short = [1.0];
        let bad = table.aggregate(&ContractExposures {
            kind: &kind,
            strike: &strike,
            open_interest: &oi,
            gex: &short,
            delta: &zeros,
            vanna: &zeros,
            charm: &zeros,
        });
        assert_eq!(
            bad,
            Err(QuantError::LengthMismatch {
                name: "gex",
                len: 1,
                expected: 5
            })
        );
    }

    #[test]
    fn dealer_models() {
        assert_eq!(DealerSign::Classic.position(0, OptionKind::Call, 7.0), 7.0);
        assert_eq!(DealerSign::Classic.position(0, OptionKind::Put, 7.0), -7.0);
        let w = [0.5, -1.0];
        assert_eq!(
            DealerSign::Weighted(&w).position(1, OptionKind::Call, 4.0),
            -4.0
        );
        assert_eq!(
            DealerSign::NetPosition(&w).position(0, OptionKind::Put, 4.0),
            0.5
        );
        assert!(
            DealerSign::NetPosition(&w)
                .position(5, OptionKind::Put, 4.0)
                .is_nan()
        );
        assert!(DealerSign::Weighted(&w).check_len(3).is_err());
    }

    #[test]
    fn per_contract_units() {
        assert_eq!(delta_exposure(0.5, 10.0, 100.0, 5000.0), 2_500_000.0);
        assert_eq!(vanna_exposure_per_pct(2.0, 1.0, 100.0, 5000.0), 10_000.0);
        assert_eq!(charm_exposure_per_day(365.0, 1.0, 50.0, 10.0), 500.0);
    }
}
