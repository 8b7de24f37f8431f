//! The branch points `s_l`, `s_c`, `s_u` of the initial guess and the price and vega at `s_l`, without
//! evaluating `b` or erfcx there.
//!
//! With `x = −s_c²/2` every quantity at the lower branch point is a function of `s_c` alone:
//! `s_l = s_c − (M(0) − M(−s_c))`, `h_l + t_l = (s_l² − s_c²)/(2·s_l)`, and
//!
//! ```text
//! b_l / b_max = b(x, s_l)·e^(−x/2)      (the normalised price there)
//! v_l / b_max = φ(h_l + t_l)            (the vega ∂b/∂s there: E = b_max·φ(h + t))
//! M(z_l),  z_l = −|x|/(√3·s_l)          (the Mills factor of the low-branch map at s_l)
//! ```
//!
//! Evaluating `b(x, s_l)` costs an erfcx, a series and an exponential, as much as a Householder
//! step. Both ratios are smooth and bounded in `u = s_c/(1 + s_c)`: `b_l/b_max ≈ 0.0756·s_c²` near 0
//! and tends to about 0.105 like `1/s_c` as `s_c → ∞`, while `v_l/b_max` goes from `φ(−1/M(0))` to
//! `φ(−M(0))`, and `z_l` runs from `−1/(√3·M(0))` to about −3 (`M(z_l)` from 0.90 to 0.31). So
//! `(b_l/b_max)/u²`, `v_l/b_max` and `M(z_l)` are fitted by polynomials of degree 11 in `u` on
//! `[0, 0.9]` (Chebyshev fits of 30-digit values): relative error below 1.2e-7 for the first two and
//! 2e-5 for `M(z_l)`. Only the interpolation node of the guess comes from the fits, so this accuracy
//! is ample: the guess itself is only good to about 1e-2 (a relative error ε in the node moves it by
//! less than ε), and the Householder steps work on the exact price. Likewise `(M(0) − M(−s_c))/u`,
//! which gives `b_c`, `s_l` and `s_u`, is fitted by a polynomial of degree 13 (relative error 4e-9).
//!
//! Outside `0.01 ≤ s_c ≤ 9` (|x| below 5e-5 or above 40.5, where `s_l` also loses digits to the
//! cancellation in its formula) everything is evaluated directly. The fits replace about three
//! erfcx, a series and an exponential per option, and sit early on the dependency chain of the
//! guess, so they are evaluated as four interleaved Horner chains (see `polynomial`).

use crate::arith::Arith;

use super::normalised::{M_AT_ZERO, mills, price_parts};

/// √3.
pub(super) const SQRT_THREE: f64 = 1.732_050_807_568_877_2;

/// `(b_l/b_max)/u²` as a polynomial in `u`, highest degree first.
const PRICE_OVER_U2: [f64; 12] = [
    -0.326_972_543_869_616_8,
    1.406_097_683_016_309_4,
    -2.554_511_894_714_391,
    2.632_247_414_860_974,
    -1.691_268_455_546_170_3,
    0.686_208_014_552_493_9,
    -0.199_068_941_045_597_14,
    0.014_635_174_851_348_957,
    -0.009_947_915_304_690_481,
    0.017_533_462_782_493_316,
    0.054_489_990_997_728_39,
    0.075_609_975_011_456_25,
];

/// `v_l/b_max` as a polynomial in `u`, highest degree first.
const VEGA: [f64; 12] = [
    0.205_877_588_647_585_12,
    -0.918_530_184_391_747_7,
    1.719_255_303_196_058_7,
    -1.812_762_476_441_430_5,
    1.186_558_827_419_423_6,
    -0.486_948_365_255_134_4,
    0.145_981_492_843_249_66,
    -0.008_770_579_356_937_242,
    0.000_707_806_053_856_038_6,
    -0.041_407_725_495_762_08,
    -0.098_262_956_451_520_76,
    0.290_181_572_104_770_6,
];

/// `M(z_l)` as a polynomial in `u`, highest degree first.
const MILLS_AT_Z: [f64; 12] = [
    34.624_168_869_936_54,
    -152.434_428_318_059_28,
    288.453_364_097_279_2,
    -307.971_698_550_761_63,
    203.488_109_977_178_45,
    -86.246_819_742_648_16,
    23.240_548_521_579_715,
    -4.026_586_720_781_502,
    0.260_852_984_039_755_9,
    -0.152_506_017_091_013_5,
    -0.143_202_356_204_769_6,
    0.898_935_188_419_541_6,
];

/// `(M(0) − M(−s_c))/u` as a polynomial in `u`, highest degree first.
const CENTRE_GAP_OVER_U: [f64; 14] = [
    -1.457_902_767_683_291,
    6.737_787_537_301_99,
    -13.789_600_817_543_777,
    16.655_829_607_971_256,
    -13.090_990_079_078_106,
    7.009_558_899_752_36,
    -2.625_254_042_963_86,
    0.626_309_609_154_015_6,
    -0.174_612_046_418_917_84,
    -0.053_742_888_692_558_985,
    -0.037_497_109_513_901_3,
    0.080_049_323_092_748_44,
    0.373_342_515_540_038_94,
    1.000_000_000_954_028_4,
];

/// The lower branch point: price, vega and the Mills factor `M(z_l)` of the low-branch map there.
#[derive(Clone, Copy)]
pub(super) struct LowerNode {
    /// `b_l = b(x, s_l)`.
    pub(super) price: f64,
    /// `v_l = ∂b/∂s` at `s_l`.
    pub(super) vega: f64,
    /// `M(z_l)` with `z_l = −|x|/(√3·s_l)`.
    pub(super) mills_z: f64,
}

/// Smallest and largest `s_c` of the fits.
const S_C_RANGE: (f64, f64) = (0.01, 9.0);

/// A polynomial (coefficients highest degree first) at `u`, as `Σ_r u^r·P_r(u⁴)` for `r = 0..3`, each
/// `P_r` by Horner's scheme in `u⁴`: four independent chains of a quarter of the length, so the value
/// is ready in about a third of the latency of a single Horner chain.
#[inline(always)]
fn polynomial<A: Arith, const N: usize>(coefficients: &[f64; N], u: f64) -> f64 {
    let u2 = u * u;
    let u4 = u2 * u2;
    // Coefficient i (from the front) multiplies u^(N−1−i).
    let mut parts = [0.0; 4];
    for (i, &c) in coefficients.iter().enumerate() {
        let part = &mut parts[(N - 1 - i) % 4];
        *part = A::fma(*part, u4, c);
    }
    A::fma(
        A::fma(parts[3], u, parts[2]),
        u2,
        A::fma(parts[1], u, parts[0]),
    )
}

/// `M(0) − M(−s_c)`, which gives `b_c = E_c·(M(0) − M(−s_c))` and the branch points
/// `s_l = s_c − (M(0) − M(−s_c))`, `s_u = s_c + M(0) + M(−s_c)`: from the fit (relative error 4e-9)
/// inside its range, else from erfcx.
#[inline(always)]
pub(super) fn centre_gap<A: Arith>(s_c: f64) -> f64 {
    if s_c >= S_C_RANGE.0 && s_c <= S_C_RANGE.1 {
        let u = s_c / (1.0 + s_c);
        u * polynomial::<A, 14>(&CENTRE_GAP_OVER_U, u)
    } else {
        M_AT_ZERO - mills::<A>(-s_c)
    }
}

/// The lower branch point from the fits, or `None` outside their range.
#[inline(always)]
pub(super) fn fitted_lower_node<A: Arith>(s_c: f64, b_max: f64) -> Option<LowerNode> {
    if !(s_c >= S_C_RANGE.0 && s_c <= S_C_RANGE.1) {
        return None;
    }
    let u = s_c / (1.0 + s_c);
    Some(LowerNode {
        price: b_max * (u * u) * polynomial::<A, 12>(&PRICE_OVER_U2, u),
        vega: b_max * polynomial::<A, 12>(&VEGA, u),
        mills_z: polynomial::<A, 12>(&MILLS_AT_Z, u),
    })
}

/// The lower branch point evaluated directly (any `s_c`; `s_l ≤ 0` gives `b_l = 0`).
#[inline(always)]
pub(super) fn exact_lower_node<A: Arith>(x: f64, s_l: f64) -> LowerNode {
    if !(s_l > 0.0) {
        return LowerNode {
            price: 0.0,
            vega: 0.0,
            mills_z: 0.0,
        };
    }
    let (ln_e, d) = price_parts::<A>(x, s_l);
    let vega = ln_e.exp();
    LowerNode {
        price: vega * d,
        vega,
        mills_z: mills::<A>(x / (SQRT_THREE * s_l)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::Plain;

    #[test]
    fn fits_match_the_exact_branch_point() {
        let mut worst: [f64; 3] = [0.0; 3];
        for i in 0..=2_000 {
            let s_c = 0.01 + (9.0 - 0.01) * f64::from(i) / 2_000.0;
            let x = -0.5 * s_c * s_c;
            let b_max = (0.5 * x).exp();
            let s_l = s_c - (M_AT_ZERO - mills::<Plain>(-s_c));
            let exact = exact_lower_node::<Plain>(x, s_l);
            let Some(fit) = fitted_lower_node::<Plain>(s_c, b_max) else {
                worst = [f64::INFINITY; 3];
                break;
            };
            worst[0] = worst[0].max((fit.price / exact.price - 1.0).abs());
            worst[1] = worst[1].max((fit.vega / exact.vega - 1.0).abs());
            worst[2] = worst[2].max((fit.mills_z / exact.mills_z - 1.0).abs());
        }
        // The fits are good to 1.2e-7, 1.2e-7 and 2e-5; s_l carries a little rounding at the small end.
        assert!(
            worst[0] < 2e-7 && worst[1] < 2e-7 && worst[2] < 3e-5,
            "{worst:?}"
        );
        assert!(fitted_lower_node::<Plain>(9.5, 1.0).is_none());
        assert!(fitted_lower_node::<Plain>(0.005, 1.0).is_none());
        assert!(fitted_lower_node::<Plain>(f64::NAN, 1.0).is_none());
        assert_eq!(exact_lower_node::<Plain>(-1e-20, 0.0).price, 0.0);
    }

    #[test]
    fn centre_gap_fit_matches_erfcx() {
        for i in 0..=2_000 {
            let s_c = 0.01 + (9.0 - 0.01) * f64::from(i) / 2_000.0;
            let exact = M_AT_ZERO - mills::<Plain>(-s_c);
            let rel = (centre_gap::<Plain>(s_c) / exact - 1.0).abs();
            assert!(rel < 1e-8, "s_c {s_c}: {rel:e}");
        }
        assert_eq!(centre_gap::<Plain>(20.0), M_AT_ZERO - mills::<Plain>(-20.0));
    }
}
