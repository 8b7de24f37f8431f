//! Second-order Greeks (vanna, charm, vomma, speed, zomma, color) on top of the first-order pass.
//!
//! With `b = r − q` the cost of carry (`b = 0` for Black-76), `T` the time to expiry and
//! `v = σ√T`, the closed forms used are
//! * vanna `= ∂Δ/∂σ = −e^(−qT)·φ(d1)·d2/σ`
//! * charm `= ∂Δ/∂t = −∂Δ/∂T = w·q·e^(−qT)·N(w·d1) − e^(−qT)·φ(d1)·(2bT − d2·v)/(2T·v)`
//! * vomma `= ∂²V/∂σ² = vega·d1·d2/σ`
//! * speed `= ∂Γ/∂S = −Γ/S·(d1/v + 1)`
//! * zomma `= ∂Γ/∂σ = Γ·(d1·d2 − 1)/σ`
//! * color `= ∂Γ/∂t = −∂Γ/∂T = Γ/(2T)·(2qT + 1 + d1·(2bT − d2·v)/v)`
//!
//! where `w` is +1 for calls and −1 for puts; all but charm are the same for calls and puts.

use super::{Core, FirstOrder};
use crate::{Model, OptionInputs};

/// `|d|` beyond this changes no double result (φ underflows at 38.6, `N` saturates); clamping keeps
/// `d1·d2·φ(d1)` from becoming `∞·0`.
const D_CLAMP: f64 = 50.0;

/// Price and all Greeks up to second order of one option.
///
/// Units: first order as in [`FirstOrder`]; `vanna` ∂Δ/∂σ per 1.00 of vol; `charm` ∂Δ/∂t
/// (= −∂Δ/∂T) per year; `vomma` ∂²V/∂σ² per 1.00² of vol; `speed` ∂Γ/∂S per unit of underlying
/// price; `zomma` ∂Γ/∂σ per 1.00 of vol; `color` ∂Γ/∂t (= −∂Γ/∂T) per year. Black-76 holds `F`
/// fixed in every time derivative (and in `rho`, which is `−t·V`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Greeks {
    /// Discounted premium, price units of the underlying.
    pub price: f64,
    /// ∂V/∂S (BSM, includes `e^(−qt)`) or ∂V/∂F (Black-76, includes `e^(−rt)`).
    pub delta: f64,
    /// ∂²V/∂S² (or ∂²V/∂F²), per unit of underlying price.
    pub gamma: f64,
    /// ∂V/∂σ per 1.00 of volatility.
    pub vega: f64,
    /// ∂V/∂t (= −∂V/∂T) per year.
    pub theta: f64,
    /// ∂V/∂r per 1.00 of rate (BSM: `S`, `q` fixed; Black-76: `F` fixed).
    pub rho: f64,
    /// ∂Δ/∂σ = ∂vega/∂S, per 1.00 of volatility.
    pub vanna: f64,
    /// ∂Δ/∂t = −∂Δ/∂T, per year (delta decay).
    pub charm: f64,
    /// ∂²V/∂σ² = ∂vega/∂σ, per 1.00² of volatility.
    pub vomma: f64,
    /// ∂Γ/∂S = ∂³V/∂S³, per unit of underlying price (per price unit²... of gamma).
    pub speed: f64,
    /// ∂Γ/∂σ, per 1.00 of volatility.
    pub zomma: f64,
    /// ∂Γ/∂t = −∂Γ/∂T, per year (gamma decay).
    pub color: f64,
}

impl Greeks {
    /// The first-order part.
    #[inline]
    pub fn first_order(&self) -> FirstOrder {
        FirstOrder {
            price: self.price,
            delta: self.delta,
            gamma: self.gamma,
            vega: self.vega,
            theta: self.theta,
            rho: self.rho,
        }
    }
    /// Vega per 1 volatility point (0.01 of vol): `vega / 100` (see [`FirstOrder::vega_per_pct`]).
    #[inline]
    pub fn vega_per_pct(&self) -> f64 {
        self.first_order().vega_per_pct()
    }
    /// Theta per calendar day: `theta / 365` (see [`FirstOrder::theta_per_day`]).
    #[inline]
    pub fn theta_per_day(&self) -> f64 {
        self.first_order().theta_per_day()
    }
    /// Rho per 1 % of rate: `rho / 100` (see [`FirstOrder::rho_per_pct`]).
    #[inline]
    pub fn rho_per_pct(&self) -> f64 {
        self.first_order().rho_per_pct()
    }
    /// Vanna per 1 volatility point: change of delta when vol rises by 0.01 (`vanna / 100`).
    #[inline]
    pub fn vanna_per_pct(&self) -> f64 {
        self.vanna * 0.01
    }
    /// Charm per calendar day: change of delta over one day (`charm / 365`).
    #[inline]
    pub fn charm_per_day(&self) -> f64 {
        self.charm / 365.0
    }
    /// Color per calendar day: change of gamma over one day (`color / 365`).
    #[inline]
    pub fn color_per_day(&self) -> f64 {
        self.color / 365.0
    }
}

/// Price and every Greek up to second order (units on [`Greeks`]). Shares all intermediate terms
/// with [`first_order`](super::first_order); costs a few multiplications more.
#[inline]
pub fn greeks(inputs: &OptionInputs, sigma: f64) -> Greeks {
    let c = Core::new(inputs, sigma);
    let f = c.first_order(inputs, sigma);
    let carry_charm = c.w * c.q * c.dfq * c.nw1;
    if c.degenerate {
        return Greeks {
            price: f.price,
            delta: f.delta,
            gamma: f.gamma,
            vega: f.vega,
            theta: f.theta,
            rho: f.rho,
            vanna: 0.0,
            charm: carry_charm,
            vomma: 0.0,
            speed: 0.0,
            zomma: 0.0,
            color: 0.0,
        };
    }
    let t = inputs.t;
    let b = match inputs.model {
        Model::Bsm => inputs.r - inputs.q,
        Model::Black76 => 0.0,
    };
    let d1 = c.d1.clamp(-D_CLAMP, D_CLAMP);
    let d2 = c.d2.clamp(-D_CLAMP, D_CLAMP);
    let v = c.vol_t;
    // (2bT − d2·v)/v, shared by charm and color.
    let drift = (2.0 * b * t - d2 * v) / v;
    let dfq_pdf = c.dfq * c.pdf1;
    let gamma = f.gamma;
    Greeks {
        price: f.price,
        delta: f.delta,
        gamma,
        vega: f.vega,
        theta: f.theta,
        rho: f.rho,
        vanna: -dfq_pdf * d2 / sigma,
        charm: carry_charm - dfq_pdf * drift / (2.0 * t),
        vomma: f.vega * d1 * d2 / sigma,
        speed: -gamma / inputs.s * (d1 / v + 1.0),
        zomma: gamma * (d1 * d2 - 1.0) / sigma,
        color: gamma / (2.0 * t) * (2.0 * c.q * t + 1.0 + d1 * drift),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OptionKind;
    use crate::black::first_order;

    /// Central differences of the first-order Greeks against the closed forms.
    #[test]
    fn second_order_matches_finite_differences() {
        for model in [Model::Bsm, Model::Black76] {
            for kind in [OptionKind::Call, OptionKind::Put] {
                for k in [80.0, 100.0, 125.0] {
                    let x = OptionInputs {
                        model,
                        kind,
                        s: 100.0,
                        k,
                        t: 0.4,
                        r: 0.04,
                        q: 0.015,
                    };
                    let sigma = 0.3;
                    let g = greeks(&x, sigma);
                    let hs = 1e-3;
                    let hv = 1e-5;
                    let ht = 1e-6;
                    let at_s = |s: f64| first_order(&OptionInputs { s, ..x }, sigma);
                    let at_t = |t: f64| first_order(&OptionInputs { t, ..x }, sigma);
                    let at_v = |v: f64| first_order(&x, v);
                    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * (1.0 + b.abs());
                    let (sp, sm) = (at_s(x.s + hs), at_s(x.s - hs));
                    let (vp, vm) = (at_v(sigma + hv), at_v(sigma - hv));
                    let (tp, tm) = (at_t(x.t + ht), at_t(x.t - ht));
                    assert!(close(g.speed, (sp.gamma - sm.gamma) / (2.0 * hs)));
                    assert!(close(g.vanna, (vp.delta - vm.delta) / (2.0 * hv)));
                    assert!(close(g.vomma, (vp.vega - vm.vega) / (2.0 * hv)));
                    assert!(close(g.zomma, (vp.gamma - vm.gamma) / (2.0 * hv)));
                    assert!(close(g.charm, -(tp.delta - tm.delta) / (2.0 * ht)));
                    assert!(close(g.color, -(tp.gamma - tm.gamma) / (2.0 * ht)));
                    assert!(close(g.theta, -(tp.price - tm.price) / (2.0 * ht)));
                }
            }
        }
    }
}
