//! Which quotes of a chain an IV instant may use (step 1 of the [module method](super)).
//!
//! Databento's top-of-book schemas (`cbbo`, `mbp-1`, `bbo-1s`, …) print a record only when the
//! best bid or offer changes: a contract without a new record still has the same quote. A
//! quote's age therefore says nothing on its own, and the grading is:
//!
//! * **Market time.** Ages count only the time the options market was open: Cboe's global
//!   trading hours (20:15 ET the evening before to 09:15 ET) and the regular session (09:30 ET to
//!   16:15 ET, 13:15 on early closes) of the instant's trade date. At the 09:30 open the book
//!   left at 09:15 is the current one, not 15 minutes old.
//! * **Feed gap.** When no contract of the expiry has a quote record within `max_quote_age_secs`
//!   (market time) before the instant, no data was flowing: every quote is *stale*.
//! * **Held quotes.** Otherwise a quote older than the limit is *held* (unchanged since) and
//!   used, except within `atm_hold_points` of the implied level: an at-the-money 0DTE quote moves
//!   with every tick of the index, so one unchanged for longer than the limit is *stale*.
//! * Crossed (ask < bid) and zero or missing sides are left out at any age.

use gammaflow_model::UnixNanos;
use gammaflow_model::session::{self, SessionKind};

use super::QuoteCounts;
use crate::opra::ContractSnapshot;

/// Why a contract's quote is (not) used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Usability {
    /// Fresh: the mid.
    Usable(f64),
    /// Unchanged for longer than the limit, used away from the money: the mid.
    Held(f64),
    Stale,
    Crossed,
    ZeroBid,
    NoQuote,
}

impl Usability {
    /// The mid of a used quote.
    pub(super) fn mid(self) -> Option<f64> {
        match self {
            Self::Usable(m) | Self::Held(m) => Some(m),
            _ => None,
        }
    }
}

/// The intervals (UTC ns, half-open) in which the options market of `at`'s trade date is open,
/// up to `at`. Falls back to "always open" when the calendar cannot place `at`.
pub(super) fn market_hours(at: UnixNanos) -> Vec<(UnixNanos, UnixNanos)> {
    let hours = || -> Result<Vec<(UnixNanos, UnixNanos)>, gammaflow_model::ModelError> {
        let date = session::attributed_trade_date(at)?;
        let mut out = Vec::new();
        for kind in [
            SessionKind::SpxGlobalTradingHours,
            SessionKind::IndexOptions,
        ] {
            if let Some(s) = session::session(kind, date)? {
                out.push((s.open, s.close));
            }
        }
        Ok(out)
    };
    match hours() {
        Ok(h) if !h.is_empty() => h,
        _ => vec![(UnixNanos(0), UnixNanos(u64::MAX))],
    }
}

/// Seconds of `[from, at)` inside `hours`.
pub(super) fn market_secs(from: UnixNanos, at: UnixNanos, hours: &[(UnixNanos, UnixNanos)]) -> f64 {
    let ns: u64 = hours
        .iter()
        .map(|(open, close)| {
            let a = from.max(*open);
            let b = at.min(*close);
            b.0.saturating_sub(a.0)
        })
        .sum();
    ns as f64 / UnixNanos::NANOS_PER_SECOND as f64
}

/// The grade of `c` at `at` before the at-the-money rule (which needs the implied level, see
/// [`demote_held_near`]); `feed_live` from the newest record of the expiry.
pub(super) fn grade(
    c: &ContractSnapshot,
    at: UnixNanos,
    hours: &[(UnixNanos, UnixNanos)],
    feed_live: bool,
    max_age: f64,
) -> Usability {
    let Some(ts) = c.quote_ts else {
        return Usability::NoQuote;
    };
    if !feed_live {
        return Usability::Stale;
    }
    let mid = match (c.bid, c.ask) {
        (Some(b), Some(a)) if b > 0.0 && a >= b => (a + b) / 2.0,
        (Some(b), Some(a)) if b > 0.0 && a < b => return Usability::Crossed,
        _ => return Usability::ZeroBid,
    };
    if market_secs(ts, at, hours) > max_age {
        Usability::Held(mid)
    } else {
        Usability::Usable(mid)
    }
}

/// Whether the expiry's newest quote record is within `max_age` market seconds of `at`.
pub(super) fn feed_live<'a>(
    contracts: impl Iterator<Item = &'a ContractSnapshot>,
    at: UnixNanos,
    hours: &[(UnixNanos, UnixNanos)],
    max_age: f64,
) -> bool {
    contracts
        .filter_map(|c| c.quote_ts)
        .max()
        .is_some_and(|ts| market_secs(ts, at, hours) <= max_age)
}

/// Turns held quotes within `points` of `level` into stale ones; `true` if any changed.
pub(super) fn demote_held_near(
    graded: &mut [(&ContractSnapshot, Usability)],
    level: f64,
    points: f64,
) -> bool {
    let mut changed = false;
    for (c, u) in graded.iter_mut() {
        if matches!(u, Usability::Held(_)) && (c.strike - level).abs() <= points {
            *u = Usability::Stale;
            changed = true;
        }
    }
    changed
}

/// Adds `u` to `counts`.
pub(super) fn count(counts: &mut QuoteCounts, u: Usability) {
    match u {
        Usability::Usable(_) => counts.usable += 1,
        Usability::Held(_) => {
            counts.usable += 1;
            counts.held += 1;
        }
        Usability::Stale => counts.stale += 1,
        Usability::Crossed => counts.crossed += 1,
        Usability::ZeroBid => counts.zero_bid += 1,
        Usability::NoQuote => counts.no_quote += 1,
    }
}
