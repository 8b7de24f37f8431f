//! Event output helpers: the ordering buffer entry, tick arithmetic in integers and the feed
//! latencies.

use gammaflow_model::event::Event;
use gammaflow_model::{Price, UnixNanos};

use super::SimError;
use super::rng::Rng;

/// 0.01: SPX index values, SPY shares and SPY options.
pub(crate) const CENT: Price = Price::from_raw(10_000_000);
/// 0.05: SPXW options below $3.
pub(crate) const NICKEL: Price = Price::from_raw(50_000_000);
/// 0.25: ES futures.
pub(crate) const QUARTER: Price = Price::from_raw(250_000_000);

/// An event waiting in the ordering buffer: sorted by `(ts_recv, seq)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Keyed {
    /// The event's capture time, ns.
    pub ts_recv: u64,
    /// Generation order, the tie-breaker.
    pub seq: u64,
    /// The event.
    pub event: Event,
}

/// The buffer every generator writes into.
#[derive(Debug, Default)]
pub(crate) struct Out {
    /// Generated events not yet released, in generation order until sorted.
    pub buf: Vec<Keyed>,
    seq: u64,
}

impl Out {
    /// Adds an event.
    #[inline]
    pub(crate) fn push(&mut self, event: impl Into<Event>) {
        let event = event.into();
        self.seq += 1;
        self.buf.push(Keyed {
            ts_recv: event.ts_recv().0,
            seq: self.seq,
            event,
        });
    }
}

/// `tick × count` as a price, or an error naming the value.
#[inline]
pub(crate) fn on_grid(tick: Price, count: i64, what: &'static str) -> Result<Price, SimError> {
    tick.checked_mul_int(count).ok_or_else(|| SimError::Price {
        what,
        value: format!("{count} ticks of {tick}"),
    })
}

/// `floor(x)` as an integer tick count, or an error naming the value when `x` is not finite or
/// beyond ±2^53.
#[inline]
pub(crate) fn floor_ticks(x: f64, what: &'static str) -> Result<i64, SimError> {
    const LIMIT: f64 = 9_007_199_254_740_992.0;
    if x.is_finite() && x.abs() < LIMIT {
        Ok(x.floor() as i64)
    } else {
        Err(SimError::Price {
            what,
            value: x.to_string(),
        })
    }
}

/// `t + ns`.
#[inline]
pub(crate) fn after(t: UnixNanos, ns: u64) -> UnixNanos {
    UnixNanos(t.0.saturating_add(ns))
}

/// A feed latency in ns: a floor plus an exponential tail (mean `floor + tail_mean`).
#[inline]
pub(crate) fn latency(rng: &mut Rng, floor_ns: u64, tail_mean_ns: f64) -> u64 {
    floor_ns + rng.exponential(tail_mean_ns).min(50.0 * tail_mean_ns) as u64
}
