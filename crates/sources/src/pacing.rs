//! Pacing of finite sources (simulator, replay): real time, N× speed, or as fast as possible.
//!
//! Pacing maps an event's `ts_recv` to an instant of the **tokio clock**: the first event is
//! released at once, each later one at `start + (ts_recv − first_ts_recv) / speed`. Library code
//! never reads the wall clock; tokio's clock can be paused and advanced in tests, so a paced replay
//! is as deterministic as an unpaced one.

use std::time::Duration;

use gammaflow_model::UnixNanos;
use tokio::time::Instant;

/// How fast a finite source releases its events.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Pacing {
    /// As fast as the consumer takes them (tests, backfills, benchmarks).
    #[default]
    AsFastAsPossible,
    /// Event time runs at `speed` × real time (1.0 = real time). Must be positive and finite.
    Speed(f64),
}

impl Pacing {
    /// Real time: `Speed(1.0)`.
    pub const REAL_TIME: Pacing = Pacing::Speed(1.0);
}

/// Computes when each event may be released; see the module docs.
#[derive(Debug, Clone)]
pub struct Pacer {
    pacing: Pacing,
    origin: Option<(UnixNanos, Instant)>,
    /// Events stamped before this are released at once (fast-forward); pacing starts at the
    /// first event at or after it.
    start: UnixNanos,
}

impl Pacer {
    /// A pacer that starts at the first event it sees.
    pub fn new(pacing: Pacing) -> Self {
        Self {
            pacing,
            origin: None,
            start: UnixNanos(0),
        }
    }

    /// Releases every event stamped before `start` at once and paces from the first one at or
    /// after it: a replay or a simulated day fast-forwards to, say, the cash open and then runs at
    /// the chosen speed.
    pub fn starting_at(mut self, start: UnixNanos) -> Self {
        self.start = start;
        self
    }

    /// The tokio instant at which an event stamped `ts_recv` is due (`None`: release now). `now`
    /// is the caller's reading of the tokio clock, used only for the first event. Events stamped
    /// before the first one are due at once.
    pub fn due(&mut self, ts_recv: UnixNanos, now: Instant) -> Option<Instant> {
        let Pacing::Speed(speed) = self.pacing else {
            return None;
        };
        if !(speed > 0.0 && speed.is_finite()) || ts_recv < self.start {
            return None;
        }
        let (first_ts, start) = *self.origin.get_or_insert((ts_recv, now));
        let elapsed_ns = ts_recv.0.saturating_sub(first_ts.0) as f64 / speed;
        Some(start + Duration::from_nanos(elapsed_ns.min(u64::MAX as f64) as u64))
    }

    /// Waits on the tokio clock until the event stamped `ts_recv` is due.
    pub async fn wait(&mut self, ts_recv: UnixNanos) {
        if let Some(at) = self.due(ts_recv, Instant::now()) {
            tokio::time::sleep_until(at).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_scales_event_time() {
        let now = Instant::now();
        let mut p = Pacer::new(Pacing::Speed(10.0));
        assert_eq!(p.due(UnixNanos(5_000_000_000), now), Some(now));
        assert_eq!(
            p.due(UnixNanos(15_000_000_000), now + Duration::from_secs(100)),
            Some(now + Duration::from_secs(1))
        );
        assert_eq!(p.due(UnixNanos(1), now), Some(now));
        let mut fast = Pacer::new(Pacing::AsFastAsPossible);
        assert_eq!(fast.due(UnixNanos(1), now), None);
    }

    #[test]
    fn events_before_the_start_are_released_at_once() {
        let now = Instant::now();
        let mut p = Pacer::new(Pacing::REAL_TIME).starting_at(UnixNanos(10_000_000_000));
        assert_eq!(p.due(UnixNanos(1_000_000_000), now), None);
        assert_eq!(p.due(UnixNanos(9_999_999_999), now), None);
        let later = now + Duration::from_secs(7);
        assert_eq!(p.due(UnixNanos(10_000_000_000), later), Some(later));
        assert_eq!(
            p.due(UnixNanos(12_000_000_000), later),
            Some(later + Duration::from_secs(2))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn wait_follows_the_paused_clock() {
        let start = Instant::now();
        let mut p = Pacer::new(Pacing::REAL_TIME);
        p.wait(UnixNanos(1_000_000_000)).await;
        p.wait(UnixNanos(3_000_000_000)).await;
        assert_eq!(Instant::now() - start, Duration::from_secs(2));
    }
}
