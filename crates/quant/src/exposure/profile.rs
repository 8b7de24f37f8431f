//! The spot-shift gamma profile and the zero-gamma level.
//!
//! The profile is the chain's total GEX re-evaluated at hypothetical spot (or futures) levels `x`,
//! each option keeping its implied volatility, strike, expiry, rates and dealer position:
//!
//! `G(x) = Σᵢ posᵢ · Γᵢ(x) · multiplier · x² · 0.01`, with `Γᵢ(x) = e^(−qt)·φ(d1ᵢ(x))/(x·σᵢ√t)`.
//!
//! [`GammaProfile::prepare`] folds everything that does not depend on `x` into three numbers per
//! option, so one evaluation costs one `ln` plus one `exp` per option. `G` is smooth in `x`, so its
//! zero-gamma level is found as an exact root: sign changes are bracketed on a grid and each is
//! refined with Brent's method (see [`brent`]) to `1e-12` relative.

use super::ExposureChain;
use crate::black::MIN_TOTAL_VOL;
use crate::normal::ONE_OVER_SQRT_TWO_PI;
use crate::{Model, QuantError};

/// Relative tolerance of a zero-gamma root.
const ROOT_RTOL: f64 = 1e-12;

/// A chain prepared for fast evaluation of its gamma profile (reusable buffers: preparing the same
/// size of chain again does not allocate).
#[derive(Debug, Clone, Default)]
pub struct GammaProfile {
    /// `ln(S₀/K) + (b + σ²/2)·t` per option: `d1 = (ln(x/S₀) + shift)·inv_vol`. Both logarithms
    /// are of ratios near 1, so `d1` carries no cancellation error from `ln x − ln K`.
    shift: Vec<f64>,
    /// `1/(σ√t)` per option.
    inv_vol: Vec<f64>,
    /// `pos · multiplier · 0.01 · e^(−qt) / (σ√t·√(2π))` per option: `GEXᵢ(x) = x·weight·e^(−d1²/2)`.
    weight: Vec<f64>,
    /// Spot of the chain when prepared.
    spot: f64,
}

impl GammaProfile {
    /// An empty profile (total 0 everywhere).
    pub fn new() -> Self {
        Self::default()
    }

    /// A profile prepared from `chain` (see [`GammaProfile::prepare`]).
    pub fn from_chain(chain: &ExposureChain<'_>) -> Result<Self, QuantError> {
        let mut p = Self::new();
        p.prepare(chain)?;
        Ok(p)
    }

    /// Prepares the profile of `chain`. Options whose IV, strike or dealer position is not finite, or
    /// whose `σ√t` is zero (expired, zero vol: gamma 0), contribute nothing.
    pub fn prepare(&mut self, chain: &ExposureChain<'_>) -> Result<(), QuantError> {
        let n = chain.len()?;
        self.shift.clear();
        self.inv_vol.clear();
        self.weight.clear();
        let e = &chain.expiry;
        self.spot = e.s;
        let (b, q) = match e.model {
            Model::Bsm => (e.r - e.q, e.q),
            Model::Black76 => (0.0, e.r),
        };
        let dfq = (-q * e.t).exp();
        let sqrt_t = e.t.sqrt();
        let scale = e.multiplier * super::ONE_PERCENT * dfq * ONE_OVER_SQRT_TWO_PI;
        for i in 0..n {
            let sigma = chain.iv[i];
            let vol_t = sigma * sqrt_t;
            let k = chain.strike[i];
            let pos = chain
                .dealer
                .position(i, chain.kind[i], chain.open_interest[i]);
            let usable = vol_t > MIN_TOTAL_VOL
                && vol_t.is_finite()
                && k > 0.0
                && k.is_finite()
                && pos.is_finite();
            if usable {
                self.shift
                    .push((e.s / k).ln() + (b + 0.5 * sigma * sigma) * e.t);
                self.inv_vol.push(1.0 / vol_t);
                self.weight.push(pos * scale / vol_t);
            }
        }
        Ok(())
    }

    /// The spot of the chain the profile was prepared from.
    pub fn spot(&self) -> f64 {
        self.spot
    }

    /// Total GEX (US$ per 1 % move) if the underlying were at `x`, IVs held fixed.
    #[inline]
    pub fn total_gex_at(&self, x: f64) -> f64 {
        let ln_x = (x / self.spot).ln();
        let mut sum = 0.0;
        for ((&shift, &inv_vol), &weight) in self.shift.iter().zip(&self.inv_vol).zip(&self.weight)
        {
            let d1 = (ln_x + shift) * inv_vol;
            sum += weight * (-0.5 * d1 * d1).exp();
        }
        x * sum
    }

    /// Fills `levels` with `levels.len()` equally spaced points from `lo` to `hi` (inclusive) and
    /// `gex` with the total GEX at each. [`QuantError::LengthMismatch`] if the lengths differ.
    pub fn profile_into(
        &self,
        lo: f64,
        hi: f64,
        levels: &mut [f64],
        gex: &mut [f64],
    ) -> Result<(), QuantError> {
        super::check("gex", gex.len(), levels.len())?;
        let n = levels.len();
        for (j, (level, g)) in levels.iter_mut().zip(gex.iter_mut()).enumerate() {
            *level = grid_point(lo, hi, j, n);
            *g = self.total_gex_at(*level);
        }
        Ok(())
    }

    /// `(levels, gex)` at `n` equally spaced levels from `lo` to `hi` (allocates; the oracle's
    /// example uses `0.97·S..1.03·S` with 201 points).
    pub fn profile(&self, lo: f64, hi: f64, n: usize) -> (Vec<f64>, Vec<f64>) {
        let mut levels = vec![0.0; n];
        let mut gex = vec![0.0; n];
        // Same lengths by construction.
        let _ = self.profile_into(lo, hi, &mut levels, &mut gex);
        (levels, gex)
    }

    /// Calls `found` with every zero-gamma root in `[lo, hi]`, ascending. Sign changes are bracketed
    /// on `n` equally spaced levels (`n ≥ 2`; a finer grid separates roots closer than one step) and
    /// refined with Brent's method to `1e-12` relative. A grid level where the profile is exactly 0
    /// is a root.
    pub fn for_each_zero_gamma(&self, lo: f64, hi: f64, n: usize, mut found: impl FnMut(f64)) {
        let n = n.max(2);
        let mut x0 = grid_point(lo, hi, 0, n);
        let mut g0 = self.total_gex_at(x0);
        if g0 == 0.0 {
            found(x0);
        }
        for j in 1..n {
            let x1 = grid_point(lo, hi, j, n);
            let g1 = self.total_gex_at(x1);
            if g1 == 0.0 {
                found(x1);
            } else if g0 != 0.0 && (g0 < 0.0) != (g1 < 0.0) {
                found(brent(|x| self.total_gex_at(x), x0, x1, g0, g1, ROOT_RTOL));
            }
            x0 = x1;
            g0 = g1;
        }
    }

    /// Every zero-gamma root in `[lo, hi]`, ascending (see [`GammaProfile::for_each_zero_gamma`]);
    /// empty when the profile does not cross zero there.
    pub fn zero_gamma_roots(&self, lo: f64, hi: f64, n: usize) -> Vec<f64> {
        let mut roots = Vec::new();
        self.for_each_zero_gamma(lo, hi, n, |x| roots.push(x));
        roots
    }

    /// The zero-gamma root in `[lo, hi]` nearest to the prepared spot, `None` when the profile does
    /// not cross zero there (no allocation).
    pub fn zero_gamma_nearest(&self, lo: f64, hi: f64, n: usize) -> Option<f64> {
        let spot = self.spot;
        let mut best: Option<f64> = None;
        self.for_each_zero_gamma(lo, hi, n, |x| {
            if best.is_none_or(|b| (x - spot).abs() < (b - spot).abs()) {
                best = Some(x);
            }
        });
        best
    }
}

#[inline]
fn grid_point(lo: f64, hi: f64, j: usize, n: usize) -> f64 {
    if n <= 1 {
        return lo;
    }
    if j + 1 == n {
        return hi;
    }
    lo + (hi - lo) * (j as f64) / ((n - 1) as f64)
}

/// Brent's root finder (inverse quadratic interpolation, secant and bisection; R. P. Brent,
/// *Algorithms for Minimization without Derivatives*, 1973, ch. 4) on a bracket `[a, b]` with
/// `fa = f(a)` and `fb = f(b)` of opposite signs (not checked: without a sign change it returns an
/// end point). Stops when the bracket is below `4ε|x| + rtol·|x|` wide, or after 200 steps.
pub fn brent(mut f: impl FnMut(f64) -> f64, a: f64, b: f64, fa: f64, fb: f64, rtol: f64) -> f64 {
    let (mut a, mut b, mut fa, mut fb) = (a, b, fa, fb);
    let (mut c, mut fc) = (b, fb);
    let mut d = b - a;
    let mut e = d;
    for _ in 0..200 {
        if (fb > 0.0) == (fc > 0.0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 0.5 * rtol * b.abs();
        let m = 0.5 * (c - b);
        if m.abs() <= tol || fb == 0.0 {
            return b;
        }
        if e.abs() < tol || fa.abs() <= fb.abs() {
            d = m;
            e = m;
        } else {
            let s = fb / fa;
            let (mut p, mut q) = if a == c {
                (2.0 * m * s, 1.0 - s)
            } else {
                let q = fa / fc;
                let r = fb / fc;
                (
                    s * (2.0 * m * q * (q - r) - (b - a) * (r - 1.0)),
                    (q - 1.0) * (r - 1.0) * (s - 1.0),
                )
            };
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < 3.0 * m * q - (tol * q).abs() && p < (0.5 * e * q).abs() {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol.copysign(m) };
        fb = f(b);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposure::DealerSign;
    use crate::{ExpiryInputs, OptionInputs, OptionKind, black};

    #[test]
    fn brent_finds_roots() {
        let f = |x: f64| x * x * x - 2.0 * x - 5.0;
        let root = brent(f, 2.0, 3.0, f(2.0), f(3.0), 1e-15);
        assert!((root - 2.094_551_481_542_326_5).abs() < 1e-14);
        let g = |x: f64| x.cos() - x;
        let root = brent(g, 0.0, 1.0, g(0.0), g(1.0), 1e-15);
        assert!(g(root).abs() < 1e-15);
    }

    #[test]
    fn profile_matches_black_gamma() {
        let kind = [OptionKind::Call, OptionKind::Put, OptionKind::Put];
        let strike = [105.0, 95.0, 100.0];
        let iv = [0.2, 0.25, f64::NAN];
        let oi = [10.0, 30.0, 1e6];
        let chain = ExposureChain {
            expiry: ExpiryInputs {
                model: Model::Bsm,
                s: 100.0,
                t: 0.05,
                r: 0.04,
                q: 0.01,
                multiplier: 100.0,
            },
            kind: &kind,
            strike: &strike,
            iv: &iv,
            open_interest: &oi,
            dealer: DealerSign::Classic,
        };
        let p = GammaProfile::from_chain(&chain).unwrap_or_default();
        for x in [90.0, 100.0, 112.0] {
            let mut want = 0.0;
            for i in 0..2 {
                let inputs = OptionInputs {
                    model: Model::Bsm,
                    kind: kind[i],
                    s: x,
                    k: strike[i],
                    t: 0.05,
                    r: 0.04,
                    q: 0.01,
                };
                let g = black::gamma(&inputs, iv[i]);
                want += crate::exposure::gex_per_pct(g, kind[i].sign() * oi[i], 100.0, x);
            }
            let got = p.total_gex_at(x);
            assert!(
                (got - want).abs() <= 1e-12 * want.abs(),
                "{x}: {got} {want}"
            );
        }
        let roots = p.zero_gamma_roots(80.0, 120.0, 41);
        assert_eq!(roots.len(), 1);
        assert!(p.total_gex_at(roots[0]).abs() < 1e-6);
        assert_eq!(p.zero_gamma_nearest(80.0, 120.0, 41), Some(roots[0]));
        assert_eq!(p.zero_gamma_nearest(110.0, 120.0, 11), None);
    }
}
