//! A correction of the low-branch initial guess, so that one Householder step usually suffices.
//!
//! The low-branch guess of [`super::guess`] is good to 1e-3 … 1e-1 relative: the rational cubic that
//! interpolates the map `f(β)` matches `f` only at `β = 0` and at the branch point `b_l`. A third-order
//! Householder step takes a relative error `ε` to about `0.12·ε⁴` on the low objective, so from that
//! guess two steps are needed; from a seed good to 1e-4 one step reaches 1e-17, below the rounding
//! of the result, and the convergence test of `refine` stops after it.
//!
//! With `x = −s_c²/2` the low-branch problem has two parameters, and the guess is a deterministic
//! function of them, so the ratio `s/s_guess` of the true root to the guess is a smooth function of
//! two bounded variables the guess already has:
//!
//! * `p`: the affine image on `[−1, 1]` of `w = s_c/(1 + s_c)` over `0 < s_c ≤ 2.5`;
//! * `q`: the affine image on `[−1, 1]` of `v²` over `0.085 ≤ v ≤ 1`, `v = s_guess/s_l` (the guess
//!   relative to the branch point; for small `s_c`, `v ≈ 0.8/|h|` with `h = x/s`, so `v ≥ 0.085`
//!   covers moneyness `|h|` up to about 9).
//!
//! `s/s_guess − 1` is fitted (least squares on a grid of 300 values of `s_c` by 200 roots `s` from
//! `0.03·s_l` to `s_l`, each priced exactly and passed through the guess) by
//! `Σ_j c_j(p)·q^j` with `c_j` of degree 6 and `j ≤ 10`. On the benchmark's rows in the domain the
//! corrected seed has median error 1.3e-5, 99.7 % below 1e-4 and all below 3e-3: the rare rows
//! it leaves above the stopping threshold simply take the second step, so the fit affects only the
//! speed, never the result's accuracy. The squared `v` spreads the bump of the guess error (largest
//! near `v ≈ 0.5`, where the interpolated `β/b_l` passes from 1e-20 to 1) evenly over `q`.
//!
//! Outside the domain (`s_c > 2.5`, where the guess's control parameter has a pole near
//! `s_c ≈ 3.09`; `v < 0.085`; or `v > 1`, which the guess does not produce) the guess is returned
//! unchanged, so a polynomial is never extrapolated.
//!
//! The seven-term polynomials `c_j(p)` depend only on `s_c`: they are evaluated while the guess is
//! still being computed, so only the degree-10 polynomial in `q` (split in even and odd powers) and
//! one multiply-add sit on the dependency chain.

use crate::arith::Arith;

/// Largest `s_c` of the fit, as `w = s_c/(1 + s_c)`: `2.5/3.5`.
const W_MAX: f64 = 2.5 / 3.5;
/// Smallest `v = s_guess/s_l` of the fit.
const V_MIN: f64 = 0.085;

/// Row `j`: the coefficient of `q^j` as a polynomial in `p`, highest degree first.
const SEED_CORRECTION: [[f64; 7]; 11] = [
    [
        0.004306487810654076,
        0.005542623520323045,
        0.0009441892572604627,
        0.0024767762874318804,
        0.006109938851753263,
        0.00819041434855666,
        -0.04108664380081168,
    ],
    [
        0.00962860801391195,
        0.0063125186969367995,
        -0.014115550803395147,
        -0.016987269752557287,
        -0.018052526435064012,
        -0.034949038206245085,
        0.09245388143855975,
    ],
    [
        -0.04257266614722241,
        -0.04661199995354259,
        0.020447734537656047,
        0.028494449083205933,
        0.017888836426910824,
        0.06654864864621655,
        -0.006013759210894398,
    ],
    [
        -0.035790236663223673,
        -0.0006590467349730234,
        0.08895500910723253,
        0.0577829355474786,
        -0.004180168689951705,
        -0.04399402968429174,
        -0.16288048658495186,
    ],
    [
        0.17591589217907383,
        0.145129300054746,
        -0.2052146551398215,
        -0.21502342197091873,
        -0.02997050689968174,
        -0.08331917607453593,
        0.15448985738259563,
    ],
    [
        0.032250435449935,
        -0.06132537958952078,
        -0.15893813422566372,
        0.0011267489676798637,
        0.14761956513626673,
        0.16242324183608445,
        0.07031621134020091,
    ],
    [
        -0.34160953479412504,
        -0.214309021174655,
        0.5446175706625676,
        0.453639572288572,
        -0.15886842503714096,
        -0.03633411332967565,
        -0.16169458329541792,
    ],
    [
        0.011994501864961205,
        0.10640998118491929,
        0.09338447349285639,
        -0.12503617866886285,
        -0.1981394840470159,
        -0.06760218199939835,
        -0.012003635667413817,
    ],
    [
        0.31255646328344255,
        0.15632098109221992,
        -0.5776759926390354,
        -0.4025489133761275,
        0.3136738142142833,
        0.026865959653396054,
        0.07950448814407349,
    ],
    [
        -0.018910260956637615,
        -0.051371177097459864,
        -0.0076579374914880205,
        0.08486390561502599,
        0.07173572696687192,
        -0.015904848204087108,
        0.012261499901275896,
    ],
    [
        -0.10942996271555216,
        -0.04664368572166566,
        0.2185710121703348,
        0.13457760100055882,
        -0.15000706506080497,
        0.018384321975481677,
        -0.02527271491444738,
    ],
];

/// The guess `s_guess` in the low branch, corrected by the fit when `(s_c, s_guess/s_l)` is inside
/// its domain.
#[inline(always)]
pub(super) fn corrected_low_guess<A: Arith>(s_c: f64, inv_s_l: f64, s_guess: f64) -> f64 {
    let w = s_c / (1.0 + s_c);
    if !(w <= W_MAX) {
        return s_guess;
    }
    let p = A::fma(w, 2.0 / W_MAX, -1.0);
    // c_j(p), off the path from β (they need s_c only).
    let mut c = [0.0; 11];
    for (slot, row) in c.iter_mut().zip(SEED_CORRECTION.iter()) {
        let mut acc = 0.0;
        for &k in row {
            acc = A::fma(acc, p, k);
        }
        *slot = acc;
    }
    let v = s_guess * inv_s_l;
    if !(V_MIN..=1.0).contains(&v) {
        return s_guess;
    }
    let q = A::fma(
        v * v,
        2.0 / (1.0 - V_MIN * V_MIN),
        -(1.0 + V_MIN * V_MIN) / (1.0 - V_MIN * V_MIN),
    );
    // Σ c_j q^j as even and odd parts in q².
    let q2 = q * q;
    let mut even = c[10];
    let mut odd = c[9];
    for j in (0..5).rev() {
        even = A::fma(even, q2, c[2 * j]);
        if j > 0 {
            odd = A::fma(odd, q2, c[2 * j - 1]);
        }
    }
    let correction = A::fma(odd, q, even);
    A::fma(s_guess, correction, s_guess)
}
