//! Expected move, realized volatility, VWAP and percentile rank.
//!
//! # Expected move
//! * [`straddle_move`]: the at-the-money straddle (call mid + put mid, in price units) and the same
//!   scaled by [`STRADDLE_FACTOR`] = 0.85, the desk convention for a "1σ-ish" expected move. Under a
//!   driftless normal model the straddle is the expected *absolute* move, ≈ √(2/π) ≈ 0.80 of the 1σ
//!   move; the 0.85 factor is a trader's rule of thumb, not a model result, so both are returned.
//! * [`iv_move`]: the 1σ move `S·σ·√h` for a horizon `h` in years (e.g. the rest of the session).
//!
//! # Realized volatility
//! Estimators over OHLC bars given as structure-of-arrays slices ([`Ohlc`]), all returning an
//! **annualised** volatility (per 1.00): per-bar variance × `periods_per_year`, square-rooted. The
//! annualisation is the caller's choice: e.g. `252.0 * 390.0` for 1-minute bars of the US regular
//! session, `252.0 * 1380.0` for 23-hour CME futures sessions, `252.0` for daily bars. A negative
//! variance estimate (possible for Garman-Klass and Yang-Zhang on a few bars) is reported as 0.
//! Prices must be > 0 and finite ([`QuantError::InvalidInput`] otherwise).
//!
//! # VWAP and percentile rank
//! [`vwap`] over price/size slices, [`VwapAccumulator`] incrementally (compensated sums, so a whole
//! session of ticks loses no precision), [`percentile_rank`] and the rolling
//! [`RollingPercentileRank`] (tie and window rules on each).

use crate::QuantError;
use crate::exposure::check;

/// The desk convention: expected move ≈ 0.85 × the at-the-money straddle.
pub const STRADDLE_FACTOR: f64 = 0.85;

/// `2 ln 2 − 1`, the Garman-Klass weight of the open-to-close term.
const GK_OC: f64 = 2.0 * std::f64::consts::LN_2 - 1.0;

/// The straddle-implied expected move, in price units of the underlying.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StraddleMove {
    /// ATM call mid + ATM put mid (≈ expected absolute move to expiry, ≈ 0.8σ).
    pub straddle: f64,
    /// `straddle × 0.85` ([`STRADDLE_FACTOR`]).
    pub scaled: f64,
}

/// Expected move from the at-the-money call and put mids (price units).
#[inline]
pub fn straddle_move(call_mid: f64, put_mid: f64) -> StraddleMove {
    let straddle = call_mid + put_mid;
    StraddleMove {
        straddle,
        scaled: straddle * STRADDLE_FACTOR,
    }
}

/// The 1σ expected move `s·sigma·√horizon` (price units), with `sigma` annualised per 1.00 and
/// `horizon` in years (e.g. `minutes_left / 525_600.0` under ACT/365). The ±1σ band is
/// `s ± iv_move(..)` (a symmetric, driftless approximation).
#[inline]
pub fn iv_move(s: f64, sigma: f64, horizon: f64) -> f64 {
    s * sigma * horizon.max(0.0).sqrt()
}

/// OHLC bars as structure-of-arrays slices (same length, chronological order).
#[derive(Debug, Clone, Copy)]
pub struct Ohlc<'a> {
    /// Open prices.
    pub open: &'a [f64],
    /// High prices.
    pub high: &'a [f64],
    /// Low prices.
    pub low: &'a [f64],
    /// Close prices.
    pub close: &'a [f64],
}

impl Ohlc<'_> {
    /// Number of bars after checking lengths and that every price is finite and > 0.
    pub fn len(&self) -> Result<usize, QuantError> {
        let n = self.close.len();
        check("open", self.open.len(), n)?;
        check("high", self.high.len(), n)?;
        check("low", self.low.len(), n)?;
        for (name, v) in [
            ("open", self.open),
            ("high", self.high),
            ("low", self.low),
            ("close", self.close),
        ] {
            if let Some(&bad) = v.iter().find(|x| !(x.is_finite() && **x > 0.0)) {
                return Err(QuantError::InvalidInput { name, value: bad });
            }
        }
        Ok(n)
    }

    /// `true` when there are no bars.
    pub fn is_empty(&self) -> bool {
        self.close.is_empty()
    }
}

fn need(n: usize, min: usize) -> Result<(), QuantError> {
    if n < min {
        Err(QuantError::InvalidInput {
            name: "bars",
            value: n as f64,
        })
    } else {
        Ok(())
    }
}

fn periods(periods_per_year: f64) -> Result<f64, QuantError> {
    if periods_per_year.is_finite() && periods_per_year > 0.0 {
        Ok(periods_per_year)
    } else {
        Err(QuantError::InvalidInput {
            name: "periods_per_year",
            value: periods_per_year,
        })
    }
}

#[inline]
fn annualise(per_bar_variance: f64, periods_per_year: f64) -> f64 {
    (per_bar_variance.max(0.0) * periods_per_year).sqrt()
}

/// Sample variance (divisor `n − 1`) of `f(i)` for `i in range`, by Welford's update.
fn sample_variance(range: std::ops::Range<usize>, f: impl Fn(usize) -> f64) -> f64 {
    let mut mean = 0.0;
    let mut m2 = 0.0;
    let mut count = 0.0;
    for i in range {
        let x = f(i);
        count += 1.0;
        let delta = x - mean;
        mean += delta / count;
        m2 += delta * (x - mean);
    }
    if count > 1.0 { m2 / (count - 1.0) } else { 0.0 }
}

/// Close-to-close volatility: sample standard deviation (mean-adjusted, divisor `n − 1`) of the
/// `n` log returns `ln(Cᵢ/Cᵢ₋₁)` of `close`, annualised. Needs ≥ 3 closes.
pub fn close_to_close(close: &[f64], periods_per_year: f64) -> Result<f64, QuantError> {
    let ppy = periods(periods_per_year)?;
    need(close.len(), 3)?;
    if let Some(&bad) = close.iter().find(|x| !(x.is_finite() && **x > 0.0)) {
        return Err(QuantError::InvalidInput {
            name: "close",
            value: bad,
        });
    }
    let var = sample_variance(1..close.len(), |i| (close[i] / close[i - 1]).ln());
    Ok(annualise(var, ppy))
}

/// Parkinson (1980) high-low volatility: per-bar variance `Σ ln(H/L)² / (4·ln 2·n)`, annualised.
/// Ignores opens, closes and gaps between bars (so it reads low when bars gap). Needs ≥ 1 bar.
pub fn parkinson(bars: &Ohlc<'_>, periods_per_year: f64) -> Result<f64, QuantError> {
    let ppy = periods(periods_per_year)?;
    let n = bars.len()?;
    need(n, 1)?;
    let sum: f64 = (0..n)
        .map(|i| {
            let hl = (bars.high[i] / bars.low[i]).ln();
            hl * hl
        })
        .sum();
    Ok(annualise(
        sum / (4.0 * std::f64::consts::LN_2 * n as f64),
        ppy,
    ))
}

/// Garman-Klass (1980) volatility: per-bar variance
/// `mean(½·ln(H/L)² − (2 ln 2 − 1)·ln(C/O)²)`, annualised. Assumes no drift and no gaps. Needs ≥ 1
/// bar.
pub fn garman_klass(bars: &Ohlc<'_>, periods_per_year: f64) -> Result<f64, QuantError> {
    let ppy = periods(periods_per_year)?;
    let n = bars.len()?;
    need(n, 1)?;
    let sum: f64 = (0..n)
        .map(|i| {
            let hl = (bars.high[i] / bars.low[i]).ln();
            let co = (bars.close[i] / bars.open[i]).ln();
            0.5 * hl * hl - GK_OC * co * co
        })
        .sum();
    Ok(annualise(sum / n as f64, ppy))
}

#[inline]
fn rogers_satchell_term(bars: &Ohlc<'_>, i: usize) -> f64 {
    let (o, h, l, c) = (bars.open[i], bars.high[i], bars.low[i], bars.close[i]);
    (h / c).ln() * (h / o).ln() + (l / c).ln() * (l / o).ln()
}

/// Rogers-Satchell (1991) volatility: per-bar variance `mean(ln(H/C)·ln(H/O) + ln(L/C)·ln(L/O))`,
/// annualised; unbiased under drift, ignores gaps. Needs ≥ 1 bar.
pub fn rogers_satchell(bars: &Ohlc<'_>, periods_per_year: f64) -> Result<f64, QuantError> {
    let ppy = periods(periods_per_year)?;
    let n = bars.len()?;
    need(n, 1)?;
    let sum: f64 = (0..n).map(|i| rogers_satchell_term(bars, i)).sum();
    Ok(annualise(sum / n as f64, ppy))
}

/// Yang-Zhang (2000) volatility over bars `1..N` (bar 0 only supplies the first previous close):
/// `σ² = σ²_open + k·σ²_close + (1 − k)·σ²_RS` with `σ²_open` the sample variance of the gaps
/// `ln(Oᵢ/Cᵢ₋₁)`, `σ²_close` that of `ln(Cᵢ/Oᵢ)`, `σ²_RS` the Rogers-Satchell mean, and
/// `k = 0.34/(1.34 + (n + 1)/(n − 1))` for `n = N − 1` bars; annualised. Needs ≥ 3 bars.
pub fn yang_zhang(bars: &Ohlc<'_>, periods_per_year: f64) -> Result<f64, QuantError> {
    let ppy = periods(periods_per_year)?;
    let total = bars.len()?;
    need(total, 3)?;
    let n = (total - 1) as f64;
    let var_open = sample_variance(1..total, |i| (bars.open[i] / bars.close[i - 1]).ln());
    let var_close = sample_variance(1..total, |i| (bars.close[i] / bars.open[i]).ln());
    let var_rs = (1..total)
        .map(|i| rogers_satchell_term(bars, i))
        .sum::<f64>()
        / n;
    let k = 0.34 / (1.34 + (n + 1.0) / (n - 1.0));
    Ok(annualise(
        var_open + k * var_close + (1.0 - k) * var_rs,
        ppy,
    ))
}

/// Neumaier's compensated sum: `(sum, compensation)`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct CompensatedSum {
    sum: f64,
    compensation: f64,
}

impl CompensatedSum {
    #[inline]
    fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }
    #[inline]
    fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// Volume-weighted average price `Σ pᵢ·sᵢ / Σ sᵢ` (price units). Errors: length mismatch, or
/// [`QuantError::InvalidInput`] named `size` when the total size is not > 0.
pub fn vwap(price: &[f64], size: &[f64]) -> Result<f64, QuantError> {
    check("size", size.len(), price.len())?;
    let mut acc = VwapAccumulator::new();
    for (&p, &s) in price.iter().zip(size) {
        acc.push(p, s);
    }
    acc.value().ok_or(QuantError::InvalidInput {
        name: "size",
        value: acc.volume(),
    })
}

/// Incremental VWAP (e.g. since the session open). Sums are compensated (Neumaier), so millions of
/// ticks lose no precision. No allocation.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct VwapAccumulator {
    notional: CompensatedSum,
    volume: CompensatedSum,
}

impl VwapAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a trade of `size` at `price` (any unit of size; negative sizes remove volume, e.g.
    /// busted trades).
    #[inline]
    pub fn push(&mut self, price: f64, size: f64) {
        self.notional.add(price * size);
        self.volume.add(size);
    }

    /// The VWAP so far (price units), `None` while the total volume is not > 0.
    #[inline]
    pub fn value(&self) -> Option<f64> {
        let v = self.volume.value();
        (v > 0.0).then(|| self.notional.value() / v)
    }

    /// Total volume so far.
    #[inline]
    pub fn volume(&self) -> f64 {
        self.volume.value()
    }

    /// Starts over (e.g. at a new session).
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

/// Percentile rank (0..=100) of `x` among `window`: `100·(#{y < x} + ½·#{y = x}) / n`, with `n`
/// the number of non-NaN values in `window` (ties count half, the "mean" convention, so a value
/// equal to every other scores 50). NaN values in the window are ignored; `None` when `x` is NaN
/// or no value remains.
pub fn percentile_rank(window: &[f64], x: f64) -> Option<f64> {
    if x.is_nan() {
        return None;
    }
    let (mut below, mut equal, mut n) = (0.0, 0.0, 0.0);
    for &y in window {
        if y.is_nan() {
            continue;
        }
        n += 1.0;
        if y < x {
            below += 1.0;
        } else if y == x {
            equal += 1.0;
        }
    }
    (n > 0.0).then(|| 100.0 * (below + 0.5 * equal) / n)
}

/// Percentile rank of each new value against the previous `window` values (not including itself):
/// "how does today's value compare with the last N". Fixed-size ring buffer allocated once in
/// [`RollingPercentileRank::new`]; `push` is `O(window)` and allocation-free.
#[derive(Debug, Clone)]
pub struct RollingPercentileRank {
    buf: Vec<f64>,
    capacity: usize,
    next: usize,
}

impl RollingPercentileRank {
    /// A rolling rank over the last `window` values (`window` ≥ 1; 0 is treated as 1).
    pub fn new(window: usize) -> Self {
        let capacity = window.max(1);
        Self {
            buf: Vec::with_capacity(capacity),
            capacity,
            next: 0,
        }
    }

    /// Ranks `x` against the values currently in the window ([`percentile_rank`] rules; `None` for
    /// the first value or a NaN), then adds `x` to the window, evicting the oldest when full. NaN
    /// values are not added.
    pub fn push(&mut self, x: f64) -> Option<f64> {
        let rank = percentile_rank(&self.buf, x);
        if !x.is_nan() {
            if self.buf.len() < self.capacity {
                self.buf.push(x);
            } else {
                self.buf[self.next] = x;
            }
            self.next = (self.next + 1) % self.capacity;
        }
        rank
    }

    /// Number of values currently in the window.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// `true` before the first value.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
}

#[cfg(test)]
mod tests;
