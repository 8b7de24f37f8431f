//! The simulator's own pseudo-random numbers: xoshiro256++ seeded through SplitMix64, and the few
//! distributions the market model draws from. No global state and no dependency: the same seed gives
//! the same numbers on every platform (only integer arithmetic and IEEE-754 `f64` operations whose
//! results are correctly rounded, plus `ln`, `exp`, `sqrt`, `cos` from the standard library).

/// One SplitMix64 step: advances `state` and returns a well-mixed 64-bit value.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256++ (Blackman and Vigna, 2019): 256 bits of state, period 2^256 − 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator whose state is four SplitMix64 outputs of `seed` (never all zero).
    pub(crate) fn seeded(seed: u64) -> Self {
        let mut sm = seed;
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        if s == [0; 4] {
            return Self { s: [1, 2, 3, 4] };
        }
        Self { s }
    }

    /// An independent stream for one component of the model, derived from `seed` and a stream
    /// label (so adding draws to one component never shifts another's numbers).
    pub(crate) fn stream(seed: u64, label: u64) -> Self {
        let mut sm = seed ^ label.wrapping_mul(0xD1B5_4A32_D192_ED03);
        Self::seeded(splitmix64(&mut sm))
    }

    /// The next 64 random bits.
    #[inline]
    pub(crate) fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform on `[0, 1)` with 53 random bits.
    #[inline]
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform on `(0, 1]` (safe to take the logarithm of).
    #[inline]
    pub(crate) fn open_uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `0..n` (`0` when `n == 0`), by Lemire's multiply-shift (bias below 2^-32
    /// for the small `n` used here).
    #[inline]
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64() >> 32) * u128::from(n)) >> 32) as u64
    }

    /// `true` with probability `p`.
    #[inline]
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Standard normal by the Box-Muller transform (one value per call: simple and reproducible).
    #[inline]
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = self.open_uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Exponential with the given mean (inverse transform).
    #[inline]
    pub(crate) fn exponential(&mut self, mean: f64) -> f64 {
        -mean * self.open_uniform().ln()
    }

    /// Poisson with the given mean: multiplication of uniforms (Knuth) below a mean of 30, the
    /// rounded normal approximation with continuity correction above (its error there is far below
    /// the model's own uncertainty). Non-positive or non-finite means give 0.
    pub(crate) fn poisson(&mut self, mean: f64) -> u32 {
        if !(mean > 0.0) || !mean.is_finite() {
            return 0;
        }
        if mean < 30.0 {
            let limit = (-mean).exp();
            let mut product = self.uniform();
            let mut count = 0u32;
            while product > limit {
                product *= self.uniform();
                count += 1;
            }
            count
        } else {
            let x = mean + mean.sqrt() * self.normal() + 0.5;
            if x <= 0.0 {
                0
            } else {
                x.min(f64::from(u32::MAX)) as u32
            }
        }
    }

    /// Pareto (type I) with scale `x_min` and tail index `alpha`: `x_min · U^(−1/α)`, heavy-tailed
    /// with `P(X > x) = (x_min / x)^α`.
    #[inline]
    pub(crate) fn pareto(&mut self, x_min: f64, alpha: f64) -> f64 {
        x_min * self.open_uniform().powf(-1.0 / alpha)
    }

    /// An index drawn with probability proportional to `weights` (linear scan: for short tables).
    pub(crate) fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut target = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            if target < *w {
                return i;
            }
            target -= w;
        }
        weights.len().saturating_sub(1)
    }
}
