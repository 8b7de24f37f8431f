//! Initial guess and Householder refinement for the normalised out-of-the-money problem
//! `b(x, s) = β`, `x < 0`, `0 < β < b_max = e^(x/2)`.
//!
//! The scheme follows the structure Peter Jäckel describes in "Let's Be Rational" (Wilmott, 2015),
//! written here from the mathematics:
//!
//! * `b` is convex in `s` below the inflection point `s_c = √(2|x|)` and concave above it. The tangent
//!   at `s_c` meets 0 at `s_l` and `b_max` at `s_u`; `b_l = b(s_l)`, `b_c = b(s_c)`, `b_u = b(s_u)` split
//!   the price axis in four branches.
//! * In the two central branches `s(β)` is interpolated by a shape-preserving rational cubic
//!   (Delbourgo & Gregory) through the branch points, with slopes `1/b'` and zero curvature at `s_c`.
//! * In the low branch the price is mapped to `f = (2π|x|/(3√3))·Φ(−|x|/(√3·s))³`, which has the same
//!   leading asymptotics as `b` for `s → 0`, and `f(β)` is interpolated; inverting the map gives `s`.
//!   In the high branch `f = Φ(−s/2)` plays that role near `b_max`.
//! * In the low branch the guess is then multiplied by a fitted correction ([`super::seed`]) that
//!   brings it from 1e-3 … 1e-1 to about 1e-5 relative.
//! * Then Householder steps of third order (quartic convergence) on an objective that is nearly
//!   linear in each branch: `1/ln b − 1/ln β` (low), `b − β` (central), `ln((b_max − β)/(b_max − b))`
//!   (high). They stop once a step is small enough that the next could not change the result, which
//!   from the corrected low-branch seed is after the first.
//!
//! All closed forms at the branch points (`b_c`, `s_l`, `s_u`) come from the `E·D` split of
//! [`super::normalised`]: at `s_c`, `h + t = 0`, so `b_c = E_c·(M(0) − M(−s_c))`, `s_l = s_c − b_c/E_c`
//! and `s_u = s_c + (b_max − b_c)/E_c = s_c + M(0) + M(−s_c)`. With `x = −s_c²/2` these, and the
//! price, vega and map value at `s_l`, are functions of `s_c` alone: for `0.01 ≤ s_c ≤ 9` they come
//! from polynomial fits ([`super::nodes`]), which spares the guess an erfcx and a full evaluation of
//! `b` at `s_l` (as costly as a Householder step); elsewhere they are evaluated directly.

use crate::arith::Arith;
use crate::normal::{ONE_OVER_SQRT_TWO_PI, inverse_cdf_from_ln_fraction, inverse_cdf_with, pdf};

use super::nodes::{LowerNode, SQRT_THREE, centre_gap, exact_lower_node, fitted_lower_node};
use super::normalised::{M_AT_ZERO, complement_parts, mills, price_parts, vega_log_derivatives};
use super::seed::corrected_low_guess;

const TWO_PI_OVER_THREE_SQRT_THREE: f64 = 1.209_199_576_156_145_2;
/// Relative step below which a further Householder step cannot change the result: with quartic
/// convergence the error left after a step of relative size δ is of order δ⁴.
const CONVERGED: f64 = 1e-5;
/// The same for the low objective, whose steps leave about `0.12·δ⁴` (measured on the benchmark's
/// rows): below 1.2e-17 after a step of 1e-4, which the corrected seed of [`super::seed`] reaches.
const CONVERGED_LOW: f64 = 1e-4;
/// Householder steps at most (two always reach the attainable accuracy; see the oracle tests).
const MAX_STEPS: usize = 2;

/// Which objective the Householder steps use.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Objective {
    /// `1/ln b − 1/ln β`
    Low,
    /// `b − β`
    Central,
    /// `ln((b_max − β)/(b_max − b))`
    High,
}

/// Rational cubic through `(0, y_l)` and `(1, y_r)` with end slopes `d_l`, `d_r` (per unit of the
/// original abscissa of width `width`), evaluated at `u` with `v = 1 − u` passed separately so that
/// points next to the right end keep their precision.
#[inline(always)]
fn rational_cubic<A: Arith>(
    u: f64,
    v: f64,
    width: f64,
    y: (f64, f64),
    d: (f64, f64),
    r: f64,
) -> f64 {
    let (y_l, y_r) = y;
    let (d_l, d_r) = d;
    if r >= 1e15 {
        // The limit r → ∞ is linear interpolation.
        return A::fma(y_r, u, y_l * v);
    }
    let uu = u * u;
    let vv = v * v;
    let num = A::fma(
        y_r * uu,
        u,
        A::fma(
            A::fma(r, y_r, -width * d_r) * uu,
            v,
            A::fma(A::fma(r, y_l, width * d_l) * u, vv, y_l * vv * v),
        ),
    );
    num / A::fma(r - 3.0, u * v, 1.0)
}

/// The control parameter that makes the rational cubic have second derivative `curvature` at the
/// left (`at_left`) or right end, raised where needed so that the interpolant stays monotone and
/// convex or concave like the data.
#[inline(always)]
fn control_for_curvature(
    width: f64,
    y: (f64, f64),
    d: (f64, f64),
    curvature: f64,
    at_left: bool,
) -> f64 {
    let (d_l, d_r) = d;
    // With slope = (y_r − y_l)/width, every ratio below is taken with numerator and denominator
    // multiplied by the width, so that no division waits for another.
    let rise = y.1 - y.0;
    let numerator = (0.5 * width * curvature + (d_r - d_l)) * width;
    // (slope − d_l)·width and (d_r − slope)·width.
    let left_gap = rise - d_l * width;
    let right_gap = d_r * width - rise;
    let denominator = if at_left { left_gap } else { right_gap };
    let r = if denominator != 0.0 {
        numerator / denominator
    } else {
        1e16
    };
    // Shape preservation: for data convex (d_l < slope < d_r) or concave, the curvature at both ends
    // keeps its sign iff r ≥ (d_r − d_l)/(slope − d_l) and r ≥ (d_r − d_l)/(d_r − slope).
    if left_gap * right_gap > 0.0 {
        let spread = (d_r - d_l) * width;
        let minimum = (spread / left_gap).max(spread / right_gap);
        if r.is_nan() || r < minimum {
            return minimum;
        }
    }
    if r.is_nan() || r <= -1.0 {
        1e16
    } else {
        r.min(1e16)
    }
}

/// Total volatility `s` with `b(x, s) = β`, for `x < 0` and `0 < β < b_max = e^(x/2)`.
#[inline(always)]
pub(super) fn solve_otm<A: Arith>(x: f64, beta: f64, b_max: f64) -> f64 {
    let ax = -x;
    let s_c = (2.0 * ax).sqrt();
    // M(0) − M(−s_c), with M(−s_c) = M(0) − gap.
    let gap = centre_gap::<A>(s_c);
    // E at s_c is e^(−|x|/2)/√(2π) = b_max/√(2π).
    let e_c = b_max * ONE_OVER_SQRT_TWO_PI;
    let b_c = e_c * gap;

    let (s, objective) = if beta < b_c {
        let s_l = s_c - gap;
        let node =
            fitted_lower_node::<A>(s_c, b_max).unwrap_or_else(|| exact_lower_node::<A>(x, s_l));
        let (b_l, v_l) = (node.price, node.vega);
        if beta < b_l {
            let guess = low_branch_guess::<A>(x, beta, s_l, node);
            (
                corrected_low_guess::<A>(s_c, 1.0 / s_l, guess),
                Objective::Low,
            )
        } else {
            // s(β) on [b_l, b_c], zero curvature at the inflection point b_c.
            let width = b_c - b_l;
            let y = (s_l, s_c);
            let d = (1.0 / v_l, 1.0 / e_c);
            let r = control_for_curvature(width, y, d, 0.0, false);
            let u = (beta - b_l) / width;
            let v = (b_c - beta) / width;
            (
                rational_cubic::<A>(u, v, width, y, d, r),
                Objective::Central,
            )
        }
    } else {
        let s_u = s_c + (2.0 * M_AT_ZERO - gap);
        let (ln_e_u, c_u) = complement_parts::<A>(x, s_u);
        let v_u = ln_e_u.exp();
        let b_u = b_max - v_u * c_u;
        if beta <= b_u {
            let width = b_u - b_c;
            let y = (s_c, s_u);
            let d = (1.0 / e_c, 1.0 / v_u);
            let r = control_for_curvature(width, y, d, 0.0, true);
            let u = (beta - b_c) / width;
            let v = (b_u - beta) / width;
            let objective = if beta > 0.5 * b_max {
                Objective::High
            } else {
                Objective::Central
            };
            (rational_cubic::<A>(u, v, width, y, d, r), objective)
        } else {
            (
                high_branch_guess::<A>(x, beta, b_max, s_u, v_u, b_u),
                Objective::High,
            )
        }
    };

    refine::<A>(x, beta, b_max, s, objective)
}

/// Total volatility for the at-the-money case `x = 0`, where `b = erf(s/(2√2))` and `b_max = 1`.
#[inline(always)]
pub(super) fn solve_atm<A: Arith>(beta: f64) -> f64 {
    let guess = if beta < 1e-3 {
        // b ≈ s/√(2π) for small s
        2.506_628_274_631_000_7 * beta
    } else {
        -2.0 * inverse_cdf_with::<A>(0.5 * (1.0 - beta))
    };
    let objective = if beta > 0.5 {
        Objective::High
    } else {
        Objective::Central
    };
    refine::<A>(0.0, beta, 1.0, guess, objective)
}

/// Householder steps of third order from `s` on the branch's objective.
#[inline(always)]
fn refine<A: Arith>(x: f64, beta: f64, b_max: f64, mut s: f64, objective: Objective) -> f64 {
    // 1/ln β for the low objective (ln β < 0 there, as β < b_max ≤ 1).
    let inv_ln_beta = if objective == Objective::Low {
        1.0 / beta.ln()
    } else {
        0.0
    };
    let ln_beta_gap = if objective == Objective::High {
        (b_max - beta).ln()
    } else {
        0.0
    };
    let converged = if objective == Objective::Low {
        CONVERGED_LOW
    } else {
        CONVERGED
    };
    for _ in 0..MAX_STEPS {
        let (a, a3) = vega_log_derivatives::<A>(x, s);
        // ν = −g/g', and (h2, h3) = (g''/g', g'''/g') as (H2/P, H3/P²) over a common factor P, so
        // that the step below needs a single division once the price is known.
        let (nu, h2_p, h3_p2, p) = match objective {
            Objective::Central => {
                let (ln_e, d) = price_parts::<A>(x, s);
                // β/E − D, with 1/E = e^(−ln E): no division on the path.
                (A::fma(beta, (-ln_e).exp(), -d), a, a3, 1.0)
            }
            Objective::Low => {
                // g = 1/ln b − 1/ln β, g' = −1/(D·(ln b)²); with l = ln b and P = D·l:
                // g''/g' = a − (l + 2)/P and g'''/g' = a3 − 3a·(l + 2)/P + (2l² + 6l + 6)/P².
                let (ln_e, d) = price_parts::<A>(x, s);
                let l = ln_e + d.ln();
                let p = d * l;
                let nu = p * A::fma(-l, inv_ln_beta, 1.0);
                let h2_p = A::fma(a, p, -(l + 2.0));
                let h3_p2 = A::fma(
                    a3 * p,
                    p,
                    A::fma(-3.0 * (l + 2.0) * a, p, A::fma(A::fma(2.0, l, 6.0), l, 6.0)),
                );
                (nu, h2_p, h3_p2, p)
            }
            Objective::High => {
                // g = ln((b_max − β)/(b_max − b)), g' = 1/C: g''/g' = a + 1/C and
                // g'''/g' = a3 + 3a/C + 2/C², over P = C.
                let (ln_e, c) = complement_parts::<A>(x, s);
                let nu = -(ln_beta_gap - ln_e - c.ln()) * c;
                let h3_p2 = A::fma(a3 * c, c, A::fma(3.0 * a, c, 2.0));
                (nu, A::fma(a, c, 1.0), h3_p2, c)
            }
        };
        // Householder: ν·(1 + h2·ν/2)/(1 + ν·(h2 + h3·ν/6)), numerator and denominator times P².
        let p2 = p * p;
        let step = nu * A::fma(0.5 * h2_p * p, nu, p2)
            / A::fma(nu, A::fma(h3_p2 * (1.0 / 6.0), nu, h2_p * p), p2);
        let next = s + step;
        if !(next > 0.0 && next.is_finite()) {
            // A wild step (far outside the basin): fall back to a safe contraction.
            s = if step > 0.0 { 2.0 * s } else { 0.5 * s };
            continue;
        }
        s = next;
        if step.abs() <= converged * s {
            break;
        }
    }
    s
}

/// Guess in the low branch `0 < β < b_l` through the map `f(s) = c·Φ(z)³`, `z = −|x|/(√3·s)`.
#[inline(always)]
fn low_branch_guess<A: Arith>(x: f64, beta: f64, s_l: f64, node: LowerNode) -> f64 {
    let LowerNode {
        price: b_l,
        vega: v_l,
        mills_z,
    } = node;
    let ax = -x;
    let c = TWO_PI_OVER_THREE_SQRT_THREE * ax;
    // Taken early, off the path from β to the guess.
    let inv_c = 1.0 / c;
    let z = -ax / (SQRT_THREE * s_l);
    // Φ(z) = φ(z)·M(z).
    let small_phi = pdf(z);
    let big_phi = small_phi * mills_z;
    let f_l = c * big_phi * big_phi * big_phi;
    // Derivatives of the map in s: z' = −z/s, z'' = 2z/s².
    let z1 = -z / s_l;
    let z2 = 2.0 * z / (s_l * s_l);
    let f1 = 3.0 * c * big_phi * big_phi * small_phi * z1;
    let f2 = 3.0
        * c
        * (small_phi * z1 * z1 * big_phi * (2.0 * small_phi - z * big_phi)
            + big_phi * big_phi * small_phi * z2);
    let (a, _) = vega_log_derivatives::<A>(x, s_l);
    // As functions of β: f_β = f'/b', f_ββ = (f'' − f'·b''/b')/b'².
    let d_r = f1 / v_l;
    let curvature = (f2 - f1 * a) / (v_l * v_l);
    let y = (0.0, f_l);
    let d = (1.0, d_r);
    let r = control_for_curvature(b_l, y, d, curvature, false);
    let u = beta / b_l;
    let v = (b_l - beta) / b_l;
    let mut f = rational_cubic::<A>(u, v, b_l, y, d, r);
    if !(f > 0.0) {
        f = beta; // f ≈ b for small s
    }
    // Φ(z)³ = f/c  ⇒  z = Φ⁻¹(p) with ln p = ln(f/c)/3.
    // z = n/d with d > 0, so s = −|x|/(√3·z) = −|x|·d/(√3·n): one division.
    let (n, d) = inverse_cdf_from_ln_fraction::<A>(
        ((f * inv_c).ln() * (1.0 / 3.0)).min(-std::f64::consts::LN_2),
    );
    if n < 0.0 {
        (-ax / SQRT_THREE) * d / n
    } else {
        s_l
    }
}

/// Guess in the high branch `b_u < β < b_max` through the map `f(s) = Φ(−s/2)`.
#[inline(always)]
fn high_branch_guess<A: Arith>(x: f64, beta: f64, b_max: f64, s_u: f64, v_u: f64, b_u: f64) -> f64 {
    let t_u = 0.5 * s_u;
    let density = pdf(t_u);
    let f_u = density * mills::<A>(-t_u);
    let f1 = -0.5 * density;
    let f2 = 0.25 * t_u * density;
    let (a, _) = vega_log_derivatives::<A>(x, s_u);
    let d_l = f1 / v_u;
    let curvature = (f2 - f1 * a) / (v_u * v_u);
    // Near b_max: b_max − b ≈ (e^(x/2) + e^(−x/2))·Φ(−s/2).
    let d_r = -1.0 / (b_max + 1.0 / b_max);
    let width = b_max - b_u;
    let y = (f_u, 0.0);
    let d = (d_l, d_r);
    let r = control_for_curvature(width, y, d, curvature, true);
    let gap = b_max - beta;
    let mut f = rational_cubic::<A>((beta - b_u) / width, gap / width, width, y, d, r);
    if !(f > 0.0) {
        f = -gap * d_r;
    }
    -2.0 * inverse_cdf_with::<A>(f.min(0.5))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::Plain;

    #[test]
    fn rational_cubic_fits_ends_and_curvature() {
        let width = 2.0;
        let y = (1.0, 3.0);
        let d = (0.5, 2.0);
        for at_left in [true, false] {
            let curvature = 3.0; // admissible: r stays above the shape-preserving minimum
            let r = control_for_curvature(width, y, d, curvature, at_left);
            let f = |u: f64| rational_cubic::<Plain>(u, 1.0 - u, width, y, d, r);
            assert!((f(0.0) - 1.0).abs() < 1e-15 && (f(1.0) - 3.0).abs() < 1e-15);
            let e = 1e-5;
            let slope_l = (f(e) - f(0.0)) / (e * width);
            let slope_r = (f(1.0) - f(1.0 - e)) / (e * width);
            assert!((slope_l - 0.5).abs() < 1e-4 && (slope_r - 2.0).abs() < 1e-4);
            // One-sided Taylor estimate of the second derivative at the chosen end.
            let g = 1e-4;
            let second = if at_left {
                2.0 * (f(g) - f(0.0) - d.0 * g * width) / (g * width).powi(2)
            } else {
                2.0 * (f(1.0 - g) - f(1.0) + d.1 * g * width) / (g * width).powi(2)
            };
            assert!((second - curvature).abs() < 1e-2, "{at_left}: {second}");
        }
    }

    #[test]
    fn corrected_low_seed_is_mostly_within_one_step() {
        // Inside the fit's domain the corrected seed should be within 1e-4 (one step suffices) for
        // nearly all points and never far off.
        let (mut worst, mut total, mut close) = (0.0f64, 0u32, 0u32);
        for i in 0..=60 {
            let s_c = 0.002 + 2.45 * f64::from(i) / 60.0;
            let x = -0.5 * s_c * s_c;
            let b_max = (0.5 * x).exp();
            let s_l = s_c - centre_gap::<Plain>(s_c);
            let node = fitted_lower_node::<Plain>(s_c, b_max)
                .unwrap_or_else(|| exact_lower_node::<Plain>(x, s_l));
            for j in 0..40 {
                let s = s_l * (0.1 + 0.85 * f64::from(j) / 39.0);
                let (ln_e, d) = price_parts::<Plain>(x, s);
                let beta = ln_e.exp() * d;
                let guess = low_branch_guess::<Plain>(x, beta, s_l, node);
                let seed = corrected_low_guess::<Plain>(s_c, 1.0 / s_l, guess);
                let err = (seed / s - 1.0).abs();
                worst = worst.max(err);
                total += 1;
                close += u32::from(err < 1e-4);
            }
        }
        eprintln!("corrected seed: {close}/{total} within 1e-4, worst {worst:.2e}");
        assert!(
            worst < 3e-3 && close * 100 >= total * 97,
            "{close}/{total}, {worst:e}"
        );
    }

    #[test]
    fn solves_each_branch() {
        // s_c = √(2|x|) from 0.0014 to 11: both sides of the fitted range 0.01 ≤ s_c ≤ 9 of `nodes`.
        for &x in &[-1e-6f64, -0.01, -0.5, -3.0, -20.0, -60.0] {
            let b_max = (0.5 * x).exp();
            for &s in &[1e-3, 0.05, 0.3, 1.0, 2.5, 6.0] {
                let (ln_e, d) = price_parts::<Plain>(x, s);
                let beta = ln_e.exp() * d;
                if !(beta > 1e-300 && beta < b_max) {
                    continue;
                }
                let got = solve_otm::<Plain>(x, beta, b_max);
                assert!(((got - s) / s).abs() < 1e-11, "x {x} s {s}: got {got}");
            }
        }
    }
}
