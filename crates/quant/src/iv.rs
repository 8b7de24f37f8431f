//! Implied volatility at machine precision, for Black-Scholes-Merton and Black-76.
//!
//! The price is reduced to the normalised out-of-the-money problem `b(x, s) = β` with `x = −|ln(F/K)|`,
//! `s = σ√t` and `β` the time value (price minus discounted intrinsic value) undiscounted and divided
//! by `√(F·K)`. That problem is solved by a rational initial guess and at most two third-order
//! Householder steps (see [`guess`](self) for the scheme), reaching the accuracy attainable in double
//! precision: on the 50-digit oracle every row is within a quarter of its `iv_tol`. In the low branch
//! (deep out-of-the-money prices, most rows of a mixed chain) a fitted correction of the guess
//! ([`seed`](self)) makes one step enough for almost every row.
//!
//! # Results
//! * `Ok(σ)` with `σ > 0` inside the no-arbitrage bounds `L < price < U`;
//! * `Ok(0.0)` when `price == L` exactly (no time value);
//! * [`QuantError::BelowIntrinsic`] when `price < L` (this includes negative prices);
//! * [`QuantError::AboveMaximum`] when `price ≥ U`, or `price > L` with `t = 0`;
//! * [`QuantError::InvalidInput`] for non-finite or out-of-range inputs.
//!
//! with `L = max(±(S·e^(−qt) − K·e^(−rt)), 0)` (+ for calls) and `U = S·e^(−qt)` (call) or `K·e^(−rt)`
//! (put); for Black-76 `S·e^(−qt)` reads `F·e^(−rt)`. Never NaN, never a panic.
//!
//! # Speed
//! The kernels are compiled twice, with and without fused multiply-add, and the FMA variant is chosen
//! at run time when the CPU has it (see `arith`). [`implied_vol_batch`] picks the variant once per
//! batch and splits batches of at least [`PARALLEL_MIN_ROWS`] rows over the available cores.

mod guess;
mod nodes;
mod normalised;
mod seed;

use std::sync::{Mutex, PoisonError};

use crate::arith::{Arith, Fused, Plain, has_fma};
use crate::{Model, OptionInputs, OptionKind, QuantError};

/// Batches with at least this many rows are split across threads (one per available core).
pub const PARALLEL_MIN_ROWS: usize = 16_384;

/// Rows per work item of a threaded batch: about a millisecond of work, large enough that taking the
/// next item from the shared queue costs nothing measurable, small enough to balance the cores.
const BATCH_CHUNK_ROWS: usize = 4_096;

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

impl IvStatus {
    /// The status of a scalar result.
    pub fn of(result: &Result<f64, QuantError>) -> Self {
        match result {
            Ok(v) if *v == 0.0 => IvStatus::ZeroTimeValue,
            Ok(_) => IvStatus::Ok,
            Err(QuantError::BelowIntrinsic { .. }) => IvStatus::BelowIntrinsic,
            Err(QuantError::AboveMaximum { .. }) => IvStatus::AboveMaximum,
            Err(_) => IvStatus::InvalidInput,
        }
    }

    /// The oracle's spelling: `ok`, `zero_time_value`, `below_intrinsic`, `above_max`,
    /// `invalid_input`.
    pub fn as_str(self) -> &'static str {
        match self {
            IvStatus::Ok => "ok",
            IvStatus::ZeroTimeValue => "zero_time_value",
            IvStatus::BelowIntrinsic => "below_intrinsic",
            IvStatus::AboveMaximum => "above_max",
            IvStatus::InvalidInput => "invalid_input",
        }
    }
}

/// Implied volatility (per 1.00, annualised) of a discounted option `price`. See the module docs for
/// the results at and beyond the no-arbitrage bounds.
///
/// ```
/// use gammaflow_quant::{OptionInputs, OptionKind, Model, QuantError, black, iv};
/// let es_put = OptionInputs { model: Model::Black76, kind: OptionKind::Put,
///                             s: 6080.0, k: 6000.0, t: 1.0 / 365.0, r: 0.05, q: 0.0 };
/// let price = black::price(&es_put, 0.18);
/// assert!((iv::implied_vol(&es_put, price).unwrap() - 0.18).abs() < 1e-12);
/// assert!(matches!(iv::implied_vol(&es_put, -1.0), Err(QuantError::BelowIntrinsic { .. })));
/// ```
#[inline]
pub fn implied_vol(inputs: &OptionInputs, price: f64) -> Result<f64, QuantError> {
    if has_fma() {
        implied_vol_fused(inputs, price)
    } else {
        implied_vol_generic::<Plain>(inputs, price)
    }
}

/// Whether [`implied_vol`] and [`implied_vol_batch`] run the fused multiply-add kernel on this CPU.
pub fn kernel_uses_fma() -> bool {
    has_fma()
}

/// [`implied_vol`] without fused multiply-add, whatever the CPU. For tests and comparisons.
#[doc(hidden)]
pub fn implied_vol_portable(inputs: &OptionInputs, price: f64) -> Result<f64, QuantError> {
    implied_vol_generic::<Plain>(inputs, price)
}

#[inline]
fn implied_vol_fused(inputs: &OptionInputs, price: f64) -> Result<f64, QuantError> {
    #[cfg(target_arch = "x86_64")]
    {
        #[allow(unsafe_code)]
        // SAFETY: only called after `has_fma()` confirmed the CPU supports FMA.
        unsafe {
            implied_vol_fma_x86(inputs, price)
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        implied_vol_generic::<Fused>(inputs, price)
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "fma")]
fn implied_vol_fma_x86(inputs: &OptionInputs, price: f64) -> Result<f64, QuantError> {
    implied_vol_generic::<Fused>(inputs, price)
}

/// The whole computation for one option, for one arithmetic policy.
#[inline(always)]
fn implied_vol_generic<A: Arith>(inputs: &OptionInputs, price: f64) -> Result<f64, QuantError> {
    inputs.validate()?;
    if !price.is_finite() {
        return Err(QuantError::InvalidInput {
            name: "price",
            value: price,
        });
    }
    let OptionInputs {
        model,
        kind,
        s,
        k,
        t,
        r,
        q,
    } = *inputs;
    let discount = (-r * t).exp();
    // Discounted forward S·e^(−qt) (or F·e^(−rt)) and discounted strike.
    let (forward_pv, strike_pv, forward) = match model {
        Model::Bsm => {
            let fpv = s * (-q * t).exp();
            (fpv, k * discount, fpv / discount)
        }
        Model::Black76 => (s * discount, k * discount, s),
    };
    let (lower, upper) = match kind {
        OptionKind::Call => ((forward_pv - strike_pv).max(0.0), forward_pv),
        OptionKind::Put => ((strike_pv - forward_pv).max(0.0), strike_pv),
    };
    if price < lower {
        return Err(QuantError::BelowIntrinsic {
            price,
            bound: lower,
        });
    }
    if price >= upper {
        return Err(QuantError::AboveMaximum {
            price,
            bound: upper,
        });
    }
    if price == lower {
        return Ok(0.0);
    }
    if t == 0.0 {
        return Err(QuantError::AboveMaximum {
            price,
            bound: lower,
        });
    }
    // Time value, undiscounted and normalised by √(F·K): the out-of-the-money problem.
    let time_value = match model {
        // (F − K)·D loses less than F·D − K·D when F and K are close.
        Model::Black76 if lower > 0.0 => price - (kind.sign() * (s - k)) * discount,
        _ => price - lower,
    };
    let root_fk = (forward * k).sqrt();
    let beta = time_value / discount / root_fk;
    let x = -(forward / k).ln().abs();
    // e^(x/2) with x = −|ln(F/K)| is √(min/max) = min(F, K)/√(F·K).
    let b_max = forward.min(k) / root_fk;
    if !(beta > 0.0) {
        return Ok(0.0);
    }
    if beta >= b_max {
        return Err(QuantError::AboveMaximum {
            price,
            bound: upper,
        });
    }
    let total_vol = if x == 0.0 {
        guess::solve_atm::<A>(beta)
    } else {
        guess::solve_otm::<A>(x, beta, b_max)
    };
    Ok(total_vol / t.sqrt())
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

impl IvBatch<'_> {
    fn len_checked(&self, vol: usize, status: usize) -> Result<usize, QuantError> {
        let n = self.kind.len();
        let lengths = [
            ("s", self.s.len()),
            ("k", self.k.len()),
            ("t", self.t.len()),
            ("r", self.r.len()),
            ("q", self.q.len()),
            ("price", self.price.len()),
            ("vol", vol),
            ("status", status),
        ];
        for (name, len) in lengths {
            if len != n {
                return Err(QuantError::LengthMismatch {
                    name,
                    len,
                    expected: n,
                });
            }
        }
        Ok(n)
    }

    fn row(&self, i: usize) -> (OptionInputs, f64) {
        let inputs = OptionInputs {
            model: self.model,
            kind: self.kind[i],
            s: self.s[i],
            k: self.k[i],
            t: self.t[i],
            r: self.r[i],
            q: self.q[i],
        };
        (inputs, self.price[i])
    }
}

/// Implied volatilities of a whole batch: `vol[i]` and `status[i]` for row `i` (NaN where the status
/// is neither `Ok` nor `ZeroTimeValue`). Errors only when slice lengths differ.
///
/// Batches of at least [`PARALLEL_MIN_ROWS`] rows are split in chunks of a few thousand rows that the
/// available cores take in turn (scoped threads, no pool); smaller ones run on the calling thread, so
/// a chain of a few hundred contracts per underlying tick never pays for a thread.
pub fn implied_vol_batch(
    batch: &IvBatch<'_>,
    vol: &mut [f64],
    status: &mut [IvStatus],
) -> Result<(), QuantError> {
    let n = batch.len_checked(vol.len(), status.len())?;
    let threads = if n >= PARALLEL_MIN_ROWS {
        std::thread::available_parallelism().map_or(1, |p| p.get())
    } else {
        1
    };
    if threads <= 1 {
        batch_range(batch, 0, vol, status);
        return Ok(());
    }
    // Threads pull fixed-size chunks from a shared queue until it is empty, so a core that is busy
    // with other work (or a slower stretch of rows) does not leave the others waiting at the end.
    let queue = Mutex::new(
        vol.chunks_mut(BATCH_CHUNK_ROWS)
            .zip(status.chunks_mut(BATCH_CHUNK_ROWS))
            .enumerate(),
    );
    let work = || {
        loop {
            // A poisoned lock only means another worker panicked; the queue itself is intact.
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some((index, (vol_chunk, status_chunk))) = next else {
                break;
            };
            batch_range(batch, index * BATCH_CHUNK_ROWS, vol_chunk, status_chunk);
        }
    };
    // The calling thread is one of the workers.
    std::thread::scope(|scope| {
        for _ in 1..threads.min(n.div_ceil(BATCH_CHUNK_ROWS)) {
            scope.spawn(work);
        }
        work();
    });
    Ok(())
}

/// Rows `start .. start + vol.len()` of the batch, on this thread.
fn batch_range(batch: &IvBatch<'_>, start: usize, vol: &mut [f64], status: &mut [IvStatus]) {
    if has_fma() {
        #[cfg(target_arch = "x86_64")]
        {
            #[allow(unsafe_code)]
            // SAFETY: `has_fma()` confirmed the CPU supports FMA.
            unsafe {
                batch_range_fma_x86(batch, start, vol, status)
            }
            return;
        }
    }
    batch_range_generic::<Plain>(batch, start, vol, status);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "fma")]
fn batch_range_fma_x86(
    batch: &IvBatch<'_>,
    start: usize,
    vol: &mut [f64],
    status: &mut [IvStatus],
) {
    batch_range_generic::<Fused>(batch, start, vol, status);
}

#[inline(always)]
fn batch_range_generic<A: Arith>(
    batch: &IvBatch<'_>,
    start: usize,
    vol: &mut [f64],
    status: &mut [IvStatus],
) {
    for (offset, (v, st)) in vol.iter_mut().zip(status.iter_mut()).enumerate() {
        let (inputs, price) = batch.row(start + offset);
        let result = implied_vol_generic::<A>(&inputs, price);
        *st = IvStatus::of(&result);
        *v = result.unwrap_or(f64::NAN);
    }
}
