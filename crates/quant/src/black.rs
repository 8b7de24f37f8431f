//! Black-Scholes-Merton (spot, continuous `r` and `q`) and Black-76 (futures) prices and Greeks.
//!
//! Both models share one code path: Black-76 on a futures price `F` is BSM with `S = F` and `q = r`
//! (so the forward equals `s` for every `t`). Every Greek then coincides, with one exception: **rho**.
//! BSM rho holds `S` and `q` fixed (call: `K·t·e^(−rt)·N(d2)`), Black-76 rho holds `F` fixed, so only
//! the discount factor moves and `rho = −t·V`. Theta, charm and color of Black-76 hold `F` fixed,
//! which is what BSM with `q = r` does automatically.
//!
//! # Units (as in `../shared/data/options-oracle/README.md`)
//! * `price`: discounted premium, in price units of the underlying (multiply by the contract
//!   multiplier for dollars).
//! * `delta`: ∂V/∂S (spot delta, includes `e^(−qt)`) or ∂V/∂F (Black-76, includes `e^(−rt)`).
//! * `gamma`: ∂²V/∂S² (or ∂²V/∂F²), per unit of underlying price.
//! * `vega`: ∂V/∂σ per **1.00** of volatility ([`FirstOrder::vega_per_pct`] for per vol point).
//! * `theta`: ∂V/∂t = −∂V/∂T per **year** of calendar time ([`FirstOrder::theta_per_day`] ÷ 365).
//! * `rho`: ∂V/∂r per **1.00** of rate ([`FirstOrder::rho_per_pct`] for per 1 %).
//! * second order (see [`Greeks`]): `vanna` = ∂Δ/∂σ per 1.00 vol; `charm` = ∂Δ/∂t = −∂Δ/∂T per
//!   year; `vomma` = ∂²V/∂σ² per 1.00²; `speed` = ∂Γ/∂S; `zomma` = ∂Γ/∂σ per 1.00 vol;
//!   `color` = ∂Γ/∂t = −∂Γ/∂T per year.
//!
//! # Degenerate inputs
//! When `σ·√t` is zero (expiry `t = 0` or `σ = 0`; values below `1e-100` count as zero) the option
//! is worth the intrinsic value of the discounted forward, `max(±(S·e^(−qt) − K·e^(−rt)), 0)`, and
//! the Greeks are the limits of the closed forms as `σ√t → 0`: `N(d1)` and `N(d2)` become the
//! indicator of being in the money (½ exactly at the money), every density term is 0, so gamma,
//! vega, vanna, vomma, speed, zomma and color are 0 (the at-the-money gamma spike of the limit is not
//! representable and is reported as 0), delta, theta, rho and charm keep their carry and discount
//! terms. These results are never NaN for finite inputs.
//!
//! No input is validated here (callers use [`OptionInputs::validate`]); nothing panics. Non-finite
//! inputs give non-finite outputs.
//!
//! ```
//! use gammaflow_quant::{black, Model, OptionInputs, OptionKind};
//! let put = OptionInputs { model: Model::Bsm, kind: OptionKind::Put,
//!     s: 5000.0, k: 4950.0, t: 1.0 / 365.0, r: 0.05, q: 0.013 };
//! let g = black::first_order(&put, 0.16);
//! assert!(g.delta < 0.0 && g.gamma > 0.0 && g.theta < 0.0);
//! assert_eq!(g.price, black::price(&put, 0.16));
//! println!("vega per vol point {:.4}, theta per day {:.4}", g.vega_per_pct(), g.theta_per_day());
//! ```

mod second_order;

pub use second_order::{Greeks, greeks};

use std::f64::consts::FRAC_1_SQRT_2;

use crate::normal::{ONE_OVER_SQRT_TWO_PI, SQRT_TWO_PI, cdf, erfcx};
use crate::{Model, OptionInputs};

/// `σ√t` at or below this is treated as zero (expiry or zero volatility).
pub(crate) const MIN_TOTAL_VOL: f64 = 1e-100;

/// Price and the five first-order Greeks of one option (units in the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FirstOrder {
    /// Discounted premium, price units of the underlying.
    pub price: f64,
    /// ∂V/∂S (BSM, includes `e^(−qt)`) or ∂V/∂F (Black-76, includes `e^(−rt)`).
    pub delta: f64,
    /// ∂²V/∂S² (or ∂²V/∂F²), per unit of underlying price.
    pub gamma: f64,
    /// ∂V/∂σ per 1.00 of volatility.
    pub vega: f64,
    /// ∂V/∂t (= −∂V/∂T) per year of calendar time.
    pub theta: f64,
    /// ∂V/∂r per 1.00 of rate (BSM: `S`, `q` fixed; Black-76: `F` fixed, `−t·V`).
    pub rho: f64,
}

impl FirstOrder {
    /// Vega per 1 volatility point (0.01 of vol): `vega / 100`.
    #[inline]
    pub fn vega_per_pct(&self) -> f64 {
        self.vega * 0.01
    }
    /// Theta per calendar day: `theta / 365`.
    #[inline]
    pub fn theta_per_day(&self) -> f64 {
        self.theta / 365.0
    }
    /// Rho per 1 % of rate: `rho / 100`.
    #[inline]
    pub fn rho_per_pct(&self) -> f64 {
        self.rho * 0.01
    }
}

/// `Φ(x)` when `φ(x)` is already known: `Φ(−y) = ½·erfcx(y/√2)·√(2π)·φ(y)` for `y > 0`, so the
/// exponential inside `erfc` is not computed again. Near 0 (no exponential needed) and far in the
/// tails (where `φ` may be subnormal) it defers to [`cdf`]. The extra relative error is that of
/// `φ(x)`, about `x²/2` ulps (≤ 2e-13 where used).
#[inline(always)]
fn cdf_given_pdf(x: f64, pdf_x: f64) -> f64 {
    let a = x.abs();
    if !(0.663 < a && a < 35.0) {
        return cdf(x);
    }
    let tail = 0.5 * erfcx(a * FRAC_1_SQRT_2) * SQRT_TWO_PI * pdf_x;
    if x < 0.0 { tail } else { 1.0 - tail }
}

/// The shared intermediate terms of one evaluation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Core {
    /// +1 call, −1 put.
    pub w: f64,
    /// Effective dividend yield (`q` for BSM, `r` for Black-76).
    pub q: f64,
    /// `e^(−q t)` with the effective `q`.
    pub dfq: f64,
    /// `S·e^(−q t)` (BSM) or `F·e^(−r t)` (Black-76).
    pub sd: f64,
    /// `K·e^(−r t)`.
    pub kd: f64,
    /// `σ√t`.
    pub vol_t: f64,
    /// `d1`, `d2` (only meaningful when not degenerate).
    pub d1: f64,
    /// See `d1`.
    pub d2: f64,
    /// `N(w·d1)`, `N(w·d2)` (indicators in the degenerate case).
    pub nw1: f64,
    /// See `nw1`.
    pub nw2: f64,
    /// `φ(d1)` (0 in the degenerate case).
    pub pdf1: f64,
    /// `σ√t` was (numerically) zero.
    pub degenerate: bool,
}

impl Core {
    #[inline(always)]
    pub(crate) fn new(inputs: &OptionInputs, sigma: f64) -> Core {
        let OptionInputs {
            model,
            kind,
            s,
            k,
            t,
            r,
            q,
        } = *inputs;
        let w = kind.sign();
        let q = match model {
            Model::Bsm => q,
            Model::Black76 => r,
        };
        let dfr = (-r * t).exp();
        let dfq = match model {
            Model::Bsm => (-q * t).exp(),
            Model::Black76 => dfr,
        };
        let sd = s * dfq;
        let kd = k * dfr;
        let vol_t = sigma * t.sqrt();
        if vol_t > MIN_TOTAL_VOL {
            // ln(F/K) without forming F: ln(S/K) + (r − q)t (exactly ln(S/K) for Black-76).
            let log_moneyness = (s / k).ln() + (r - q) * t;
            let d1 = log_moneyness / vol_t + 0.5 * vol_t;
            let d2 = d1 - vol_t;
            let pdf1 = ONE_OVER_SQRT_TWO_PI * (-0.5 * d1 * d1).exp();
            // φ(d2) = φ(d1)·F/K = φ(d1)·SD/KD: no second exponential.
            let pdf2 = pdf1 * (sd / kd);
            Core {
                w,
                q,
                dfq,
                sd,
                kd,
                vol_t,
                d1,
                d2,
                nw1: cdf_given_pdf(w * d1, pdf1),
                nw2: cdf_given_pdf(w * d2, pdf2),
                pdf1,
                degenerate: false,
            }
        } else {
            // Limit σ√t → 0: N(w·d) → 1 in the money, 0 out of it, ½ at the money.
            let itm = if w * (sd - kd) > 0.0 {
                1.0
            } else if sd == kd {
                0.5
            } else {
                0.0
            };
            Core {
                w,
                q,
                dfq,
                sd,
                kd,
                vol_t: 0.0,
                d1: 0.0,
                d2: 0.0,
                nw1: itm,
                nw2: itm,
                pdf1: 0.0,
                degenerate: true,
            }
        }
    }

    /// Discounted price `w·(SD·N(w·d1) − KD·N(w·d2))`, floored at 0 against rounding.
    #[inline(always)]
    pub(crate) fn price(&self) -> f64 {
        (self.w * (self.sd * self.nw1 - self.kd * self.nw2)).max(0.0)
    }

    /// All first-order quantities.
    #[inline(always)]
    pub(crate) fn first_order(&self, inputs: &OptionInputs, sigma: f64) -> FirstOrder {
        let price = self.price();
        let delta = self.w * self.dfq * self.nw1;
        let carry = self.w * (self.q * self.sd * self.nw1 - inputs.r * self.kd * self.nw2);
        let (gamma, vega, theta) = if self.degenerate {
            (0.0, 0.0, carry)
        } else {
            // SD·φ(d1) = S·e^(−qt)·φ(d1) is the common factor of gamma, vega and theta.
            let sd_pdf = self.sd * self.pdf1;
            let sqrt_t = self.vol_t / sigma;
            let gamma = sd_pdf / (inputs.s * inputs.s * self.vol_t);
            let vega = sd_pdf * sqrt_t;
            let theta = carry - 0.5 * sd_pdf * sigma / sqrt_t;
            (gamma, vega, theta)
        };
        let rho = match inputs.model {
            Model::Bsm => self.w * inputs.t * self.kd * self.nw2,
            Model::Black76 => -inputs.t * price,
        };
        FirstOrder {
            price,
            delta,
            gamma,
            vega,
            theta,
            rho,
        }
    }
}

/// Discounted price of a European option at volatility `sigma` (per 1.00, annualised).
///
/// BSM: `e^(−rt)·[F·N(d1) − K·N(d2)]` for a call with `F = S·e^((r−q)t)`; Black-76: the same with
/// `F = s`. Deep out-of-the-money prices stay relatively accurate (`N` is erfc-based). At `t = 0` or
/// `σ = 0`: the intrinsic value of the discounted forward (see the [module docs](self)).
#[inline]
pub fn price(inputs: &OptionInputs, sigma: f64) -> f64 {
    Core::new(inputs, sigma).price()
}

/// Price, delta, gamma, vega, theta and rho in one pass (the hot path: d1, d2, the discount factors
/// and the density are computed once). Units in the [module docs](self).
#[inline]
pub fn first_order(inputs: &OptionInputs, sigma: f64) -> FirstOrder {
    Core::new(inputs, sigma).first_order(inputs, sigma)
}

/// Gamma alone (∂²V/∂S², or ∂²V/∂F² for Black-76), per unit of underlying price; 0 when `σ√t = 0`.
/// Identical for calls and puts.
#[inline]
pub fn gamma(inputs: &OptionInputs, sigma: f64) -> f64 {
    let c = Core::new(inputs, sigma);
    if c.degenerate {
        0.0
    } else {
        c.sd * c.pdf1 / (inputs.s * inputs.s * c.vol_t)
    }
}

/// The no-arbitrage bounds `(lower, upper)` of a discounted European option price.
///
/// With `SD = S·e^(−qt)` (BSM) or `F·e^(−rt)` (Black-76) and `KD = K·e^(−rt)`: lower bound
/// `max(SD − KD, 0)` for a call and `max(KD − SD, 0)` for a put; upper bound `SD` (call) or `KD`
/// (put). Every price of a positive volatility lies strictly between them.
#[inline]
pub fn price_bounds(inputs: &OptionInputs) -> (f64, f64) {
    let dfr = inputs.discount();
    let sd = match inputs.model {
        Model::Bsm => inputs.s * (-inputs.q * inputs.t).exp(),
        Model::Black76 => inputs.s * dfr,
    };
    let kd = inputs.k * dfr;
    let w = inputs.kind.sign();
    let lower = (w * (sd - kd)).max(0.0);
    let upper = match inputs.kind {
        crate::OptionKind::Call => sd,
        crate::OptionKind::Put => kd,
    };
    (lower, upper)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OptionKind;

    fn inputs(model: Model, kind: OptionKind, s: f64, k: f64, t: f64) -> OptionInputs {
        OptionInputs {
            model,
            kind,
            s,
            k,
            t,
            r: 0.05,
            q: 0.02,
        }
    }

    #[test]
    fn textbook_value() {
        // Hull's example: S = 42, K = 40, r = 10 %, σ = 20 %, T = 0.5, q = 0: call 4.76, put 0.81.
        let mut c = inputs(Model::Bsm, OptionKind::Call, 42.0, 40.0, 0.5);
        c.r = 0.1;
        c.q = 0.0;
        assert!((price(&c, 0.2) - 4.759_422_392_871_532).abs() < 1e-12);
        let p = OptionInputs {
            kind: OptionKind::Put,
            ..c
        };
        assert!((price(&p, 0.2) - 0.808_599_372_900_093_6).abs() < 1e-12);
    }

    #[test]
    fn black76_is_bsm_with_q_equal_r_except_rho() {
        let b = inputs(Model::Black76, OptionKind::Call, 100.0, 95.0, 0.3);
        let s = OptionInputs {
            model: Model::Bsm,
            q: b.r,
            ..b
        };
        let (gb, gs) = (first_order(&b, 0.25), first_order(&s, 0.25));
        assert!((gb.price - gs.price).abs() < 1e-13);
        assert!((gb.delta - gs.delta).abs() < 1e-15);
        assert!((gb.theta - gs.theta).abs() < 1e-12);
        assert!((gb.rho + b.t * gb.price).abs() < 1e-13);
    }

    #[test]
    fn degenerate_inputs_are_limits_not_nan() {
        for model in [Model::Bsm, Model::Black76] {
            for kind in [OptionKind::Call, OptionKind::Put] {
                for (s, k) in [(110.0, 100.0), (90.0, 100.0), (100.0, 100.0)] {
                    for (t, sigma) in [(0.0, 0.2), (0.5, 0.0), (0.0, 0.0)] {
                        let x = inputs(model, kind, s, k, t);
                        let g = greeks(&x, sigma);
                        let all = [
                            g.price, g.delta, g.gamma, g.vega, g.theta, g.rho, g.vanna, g.charm,
                            g.vomma, g.speed, g.zomma, g.color,
                        ];
                        assert!(all.iter().all(|v| v.is_finite()), "{x:?} {sigma}: {g:?}");
                        let (lower, _) = price_bounds(&x);
                        assert_eq!(g.price, lower);
                        if t > 0.0 && s != k {
                            // The limit is approached continuously.
                            assert!((price(&x, 1e-6) - lower).abs() < 1e-9);
                        }
                    }
                }
            }
        }
        let x = inputs(Model::Bsm, OptionKind::Call, 110.0, 100.0, 0.5);
        let g = first_order(&x, 0.0);
        assert!((g.delta - (-0.02f64 * 0.5).exp()).abs() < 1e-15);
        assert!((g.rho - 0.5 * 100.0 * (-0.05f64 * 0.5).exp()).abs() < 1e-12);
    }

    #[test]
    fn bounds_contain_prices() {
        for kind in [OptionKind::Call, OptionKind::Put] {
            let x = inputs(Model::Bsm, kind, 100.0, 105.0, 0.25);
            let (lo, hi) = price_bounds(&x);
            for sigma in [0.05, 0.2, 1.0, 5.0] {
                let p = price(&x, sigma);
                assert!(lo < p && p < hi, "{kind:?} {sigma}: {lo} < {p} < {hi}");
            }
        }
    }

    #[test]
    fn display_helpers() {
        let g = first_order(
            &inputs(Model::Bsm, OptionKind::Call, 100.0, 100.0, 1.0),
            0.2,
        );
        assert!((g.vega_per_pct() - g.vega / 100.0).abs() < 1e-15);
        assert!((g.theta_per_day() - g.theta / 365.0).abs() < 1e-15);
        assert!((g.rho_per_pct() - g.rho / 100.0).abs() < 1e-15);
    }
}
