//! The normalised Black function of an out-of-the-money call and its pieces.
//!
//! With `x = ln(F/K) < 0` and total volatility `s = σ√T > 0`, the undiscounted call price divided by
//! `√(F·K)` is
//!
//! ```text
//! b(x, s) = e^(x/2)·Φ(h + t) − e^(−x/2)·Φ(h − t),      h = x/s,  t = s/2,
//! ```
//!
//! bounded by `0 < b < b_max = e^(x/2)`. Writing `Φ(z) = φ(z)·M(z)/√(2π)·√(2π)` with the scaled Mills
//! function `M(z) = √(2π)·e^(z²/2)·Φ(z) = √(π/2)·erfcx(−z/√2)`, both terms share the factor
//! `E = e^(−(h²+t²)/2)/√(2π)`, which is exactly the vega `∂b/∂s`:
//!
//! ```text
//! b         = E·[M(h+t) − M(h−t)]
//! b_max − b = E·[M(−h−t) + M(h−t)]
//! ```
//!
//! So every evaluation returns `ln E` (never underflows) and the bracket `D`, and the solver works
//! with `ln b = ln E + ln D` and `b/∂b/∂s = D` directly: deep out-of-the-money prices of 1e-300 are
//! handled without underflow.
//!
//! When `t` is small the bracket cancels; there it is summed as the odd Taylor series
//! `D = 2·Σ_k t^k·M⁽ᵏ⁾(h)/k!` (k odd), with the derivatives from the recurrence
//! `M' = 1 + z·M`, `M⁽ᵏ⁺¹⁾ = k·M⁽ᵏ⁻¹⁾ + z·M⁽ᵏ⁾`, which follows from `d/dz M = 1 + z·M`.

use std::f64::consts::FRAC_1_SQRT_2;

use crate::arith::Arith;
use crate::normal::erfcx_with;

/// ln √(2π).
pub(super) const LN_SQRT_TWO_PI: f64 = 0.918_938_533_204_672_8;
/// √(π/2).
const SQRT_PI_OVER_TWO: f64 = 1.253_314_137_315_500_3;
/// M(0) = √(2π)/2.
pub(super) const M_AT_ZERO: f64 = SQRT_PI_OVER_TWO;
/// Below this `t = s/2` the bracket is summed as a series instead of a difference.
const SMALL_T: f64 = 0.21;
/// Above this `h + t` the term `M(h+t)` would overflow; `b` is taken as `b_max − (b_max − b)`.
const LARGE_H_PLUS_T: f64 = 30.0;

/// 1/k! for odd k = 1, 3, …, 17.
const INV_ODD_FACTORIALS: [f64; 9] = [
    1.0,
    1.0 / 6.0,
    1.0 / 120.0,
    1.0 / 5_040.0,
    1.0 / 362_880.0,
    1.0 / 39_916_800.0,
    1.0 / 6_227_020_800.0,
    1.0 / 1_307_674_368_000.0,
    1.0 / 355_687_428_096_000.0,
];

/// The scaled Mills function `M(z) = √(2π)·e^(z²/2)·Φ(z)`.
#[inline(always)]
pub(super) fn mills<A: Arith>(z: f64) -> f64 {
    SQRT_PI_OVER_TWO * erfcx_with::<A>(-z * FRAC_1_SQRT_2)
}

/// `ln E = −(h²+t²)/2 − ln√(2π)`, the log of the vega `∂b/∂s`.
#[inline(always)]
pub(super) fn ln_vega<A: Arith>(h: f64, t: f64) -> f64 {
    A::fma(-0.5 * h, h, A::fma(-0.5 * t, t, -LN_SQRT_TWO_PI))
}

/// `D = b/E` for the small-`t` case, by the odd Taylor series in `t` around `h`.
///
/// The terms fall at least like `t^(k−1)/Γ(k/2 + 1)` relative to the first, so 5, 7 or 9 terms
/// (up to `t¹⁷`) reach 1e-17 for `t` below 0.01, 0.05 and 0.21.
#[inline(always)]
fn bracket_series<A: Arith>(h: f64, t: f64) -> f64 {
    let terms = if t < 0.01 {
        5
    } else if t < 0.05 {
        7
    } else {
        9
    };
    // Odd derivatives M⁽¹⁾, M⁽³⁾, … by the recurrence (two steps per odd order).
    let mut m_prev = mills::<A>(h); // M⁽⁰⁾
    let mut m_cur = A::fma(h, m_prev, 1.0); // M⁽¹⁾
    let mut odd = [0.0; 9];
    odd[0] = m_cur;
    let mut k = 1.0;
    for slot in odd.iter_mut().take(terms).skip(1) {
        let m_next = A::fma(h, m_cur, k * m_prev);
        k += 1.0;
        let m_next2 = A::fma(h, m_next, k * m_cur);
        k += 1.0;
        m_prev = m_next;
        m_cur = m_next2;
        *slot = m_cur;
    }
    let w = t * t;
    let mut sum = odd[terms - 1] * INV_ODD_FACTORIALS[terms - 1];
    for i in (0..terms - 1).rev() {
        sum = A::fma(sum, w, odd[i] * INV_ODD_FACTORIALS[i]);
    }
    2.0 * t * sum
}

/// `(ln E, D)` with `b(x, s) = e^(ln E)·D`, for `x < 0`, `s > 0`.
#[inline(always)]
pub(super) fn price_parts<A: Arith>(x: f64, s: f64) -> (f64, f64) {
    let h = x / s;
    let t = 0.5 * s;
    let ln_e = ln_vega::<A>(h, t);
    let d = if t < SMALL_T {
        bracket_series::<A>(h, t)
    } else if h + t < LARGE_H_PLUS_T {
        mills::<A>(h + t) - mills::<A>(h - t)
    } else {
        (0.5 * x - ln_e).exp() - (mills::<A>(-(h + t)) + mills::<A>(h - t))
    };
    (ln_e, d)
}

/// `(ln E, C)` with `b_max − b(x, s) = e^(ln E)·C`, for `x < 0`, `s > 0`, accurate when `b` is close
/// to `b_max`.
#[inline(always)]
pub(super) fn complement_parts<A: Arith>(x: f64, s: f64) -> (f64, f64) {
    let h = x / s;
    let t = 0.5 * s;
    if h + t > -20.0 {
        (ln_vega::<A>(h, t), mills::<A>(-(h + t)) + mills::<A>(h - t))
    } else {
        // Far below the money b is tiny: b_max − b is b_max to within rounding.
        let ln_e = ln_vega::<A>(h, t);
        (ln_e, (0.5 * x - ln_e).exp())
    }
}

/// `b''/b'` and `b'''/b'` (derivatives in `s`), which depend only on `x` and `s`.
#[inline(always)]
pub(super) fn vega_log_derivatives<A: Arith>(x: f64, s: f64) -> (f64, f64) {
    let inv_s = 1.0 / s;
    let x2_over_s3 = x * x * inv_s * inv_s * inv_s;
    let a = A::fma(-0.25, s, x2_over_s3);
    // (b''/b')' = −3x²/s⁴ − 1/4
    let a_prime = A::fma(-3.0 * x2_over_s3, inv_s, -0.25);
    (a, A::fma(a, a, a_prime))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::Plain;
    use crate::normal::cdf;

    /// b computed straight from the definition (fine where there is no cancellation).
    fn direct(x: f64, s: f64) -> f64 {
        let h = x / s;
        let t = 0.5 * s;
        (0.5 * x).exp() * cdf(h + t) - (-0.5 * x).exp() * cdf(h - t)
    }

    #[test]
    fn parts_agree_with_the_definition() {
        for &(x, s) in &[
            (-0.1, 0.5),
            (-1.0, 1.5),
            (-0.01, 0.3),
            (-2.0, 3.0),
            (-0.3, 0.41),
        ] {
            let (ln_e, d) = price_parts::<Plain>(x, s);
            let b = ln_e.exp() * d;
            let want = direct(x, s);
            assert!(
                ((b - want) / want).abs() < 1e-13,
                "x {x} s {s}: {b} vs {want}"
            );
            let (ln_e, c) = complement_parts::<Plain>(x, s);
            let bmax = (0.5 * x).exp();
            assert!(((ln_e.exp() * c - (bmax - want)) / (bmax - want)).abs() < 1e-13);
        }
    }

    #[test]
    fn series_and_difference_meet_at_the_switch() {
        for &h in &[-0.1, -1.0, -3.0, -8.0, -15.0] {
            let t = SMALL_T;
            let series = bracket_series::<Plain>(h, t);
            let diff = mills::<Plain>(h + t) - mills::<Plain>(h - t);
            // The difference loses about |h|/(2t)·M/M' digits; the series is the accurate one.
            let tol = 1e-15 * (1.0 + h * h) * 50.0;
            assert!(
                ((series - diff) / series).abs() < tol,
                "h {h}: {series} vs {diff}"
            );
        }
    }

    #[test]
    fn vega_is_the_derivative_of_the_price() {
        let (x, s) = (-0.7, 0.9);
        let e = price_parts::<Plain>(x, s).0.exp();
        let db = {
            let step = 1e-6;
            let up = price_parts::<Plain>(x, s + step);
            let down = price_parts::<Plain>(x, s - step);
            (up.0.exp() * up.1 - down.0.exp() * down.1) / (2.0 * step)
        };
        assert!(((db - e) / e).abs() < 1e-8);
    }
}
