//! Per-contract gap accounting of the WebSocket feed.
//!
//! Polygon/Massive's `q` is increasing and unique per ticker but **not contiguous**, so a missing
//! number is not a missed print and cannot be counted. What can be counted, per option contract:
//!
//! * **out of order**: a trade or quote whose `q` is not greater than the last `q` seen for the
//!   same contract and channel (trades and quotes are numbered separately): a repeated or
//!   backwards sequence, i.e. a duplicate or a late delivery.
//! * **reconnect windows**: each time a connection is lost while the contract is subscribed, the
//!   contract may have missed prints between the loss and the re-subscription on the new
//!   connection. One window is counted per lost connection, however many attempts the reconnect
//!   takes.
//!
//! `gaps = out_of_order + reconnect_windows` is an upper bound on the number of places where the
//! contract's tape may be incomplete or reordered; 0 means the tape is as the vendor sent it.

use std::collections::BTreeMap;

use gammaflow_model::OptionContract;
use gammaflow_model::event::{Event, Instrument};

/// The gap counters of one contract (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GapStats {
    /// Trades or quotes with a repeated or backwards sequence number.
    pub out_of_order: u64,
    /// Lost connections while the contract was subscribed.
    pub reconnect_windows: u64,
}

impl GapStats {
    /// `out_of_order + reconnect_windows`.
    pub fn gaps(&self) -> u64 {
        self.out_of_order.saturating_add(self.reconnect_windows)
    }
}

/// Last sequence numbers and counters per contract.
#[derive(Debug, Clone, Default)]
pub struct GapTracker {
    last_trade: BTreeMap<OptionContract, u64>,
    last_quote: BTreeMap<OptionContract, u64>,
    stats: BTreeMap<OptionContract, GapStats>,
}

impl GapTracker {
    /// An empty tracker.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an option trade's or quote's sequence number; `true` if it was out of order.
    /// Other events and events without a sequence are ignored.
    pub fn observe(&mut self, event: &Event, sequence: Option<u64>) -> bool {
        let (Some(q), Instrument::Option(contract)) = (sequence, event.instrument()) else {
            return false;
        };
        let last = match event {
            Event::Trade(_) => &mut self.last_trade,
            Event::Quote(_) => &mut self.last_quote,
            _ => return false,
        };
        let previous = last.insert(contract, q);
        match previous {
            Some(p) if q <= p => {
                // Keep the highest number seen, so one late print counts once.
                last.insert(contract, p);
                self.stats.entry(contract).or_default().out_of_order += 1;
                true
            }
            _ => false,
        }
    }

    /// Counts a reconnect window for each of `contracts` (the set subscribed when the connection
    /// was lost).
    pub fn reconnect_window<'a>(
        &mut self,
        contracts: impl IntoIterator<Item = &'a OptionContract>,
    ) {
        for c in contracts {
            self.stats.entry(*c).or_default().reconnect_windows += 1;
        }
    }

    /// The counters of one contract (zero if never affected).
    pub fn stats(&self, contract: &OptionContract) -> GapStats {
        self.stats.get(contract).copied().unwrap_or_default()
    }

    /// All non-zero counters, in contract order.
    pub fn all(&self) -> &BTreeMap<OptionContract, GapStats> {
        &self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gammaflow_model::event::{Conditions, ExchangeId, Quote, Side, Trade};
    use gammaflow_model::{Price, Size, UnixNanos};

    fn c(s: &str) -> OptionContract {
        OptionContract::parse_any(s).unwrap()
    }

    fn trade(contract: OptionContract) -> Event {
        Event::Trade(Trade {
            ts_event: UnixNanos(1),
            ts_recv: UnixNanos(2),
            instrument: contract.into(),
            price: Price::ZERO,
            size: Size::new(1),
            exchange: ExchangeId(302),
            conditions: Conditions::EMPTY,
            sequence: 0,
            aggressor: Side::None,
        })
    }

    fn quote(contract: OptionContract) -> Event {
        Event::Quote(Quote {
            ts_event: UnixNanos(1),
            ts_recv: UnixNanos(2),
            instrument: contract.into(),
            bid: Price::ZERO,
            ask: Price::ZERO,
            bid_size: Size::ZERO,
            ask_size: Size::ZERO,
            bid_exchange: None,
            ask_exchange: None,
        })
    }

    #[test]
    fn counts_repeats_and_backwards_per_channel() {
        let a = c("O:SPXW251216C05800000");
        let b = c("O:SPXW251216P05800000");
        let mut g = GapTracker::new();
        assert!(!g.observe(&trade(a), Some(10)));
        assert!(!g.observe(&trade(a), Some(25)), "non-contiguous is fine");
        assert!(g.observe(&trade(a), Some(25)), "repeat");
        assert!(g.observe(&trade(a), Some(20)), "backwards");
        assert!(!g.observe(&trade(a), Some(26)), "highest kept: 26 > 25");
        assert!(!g.observe(&quote(a), Some(5)), "quotes numbered separately");
        assert!(!g.observe(&trade(b), Some(1)));
        assert!(!g.observe(&trade(b), None));
        assert_eq!(g.stats(&a).out_of_order, 2);
        assert_eq!(g.stats(&b), GapStats::default());
        g.reconnect_window([a, b].iter());
        assert_eq!(g.stats(&a).gaps(), 3);
        assert_eq!(g.stats(&b).reconnect_windows, 1);
        assert_eq!(g.all().len(), 2);
    }
}
