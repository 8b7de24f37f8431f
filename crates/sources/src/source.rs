//! The [`Source`] abstraction: one async stream of `model` events plus runtime subscription of
//! option contracts, implemented by the simulator, the Polygon/Massive client and Databento replay.
//!
//! A source always delivers its **underlyings** (index values, futures and ETF trades and quotes,
//! whatever the provider carries); option trades and quotes arrive only for the contracts
//! currently subscribed, as on a real feed with a per-connection contract limit. Subscribing is
//! cheap and non-blocking: a network source queues the change for its connection task, which
//! applies it (and re-applies the whole set after a reconnect).

use std::collections::BTreeSet;

use futures_core::Stream;
use gammaflow_model::OptionContract;
use gammaflow_model::event::Event;

use crate::SourcesError;

/// A market-data source: a stream of events and a subscription set of option contracts.
///
/// The stream ends (`None`) when a finite source (a replay, a simulated range of days) is
/// exhausted; a live source never ends on its own. An `Err` item is reported and the stream goes
/// on unless the error is fatal, in which case the stream ends after it.
pub trait Source: Stream<Item = Result<Event, SourcesError>> + Send + Unpin {
    /// A short name for logs and the dashboard: `sim`, `polygon`, `replay`.
    fn name(&self) -> &'static str;

    /// Start delivering trades and quotes of these option contracts. Already-subscribed contracts
    /// are ignored. Fails without changing anything if the set would exceed the source's limit.
    fn subscribe(&mut self, contracts: &[OptionContract]) -> Result<(), SourcesError>;

    /// Stop delivering trades and quotes of these option contracts. Contracts not subscribed are
    /// ignored.
    fn unsubscribe(&mut self, contracts: &[OptionContract]) -> Result<(), SourcesError>;

    /// The contracts currently subscribed, in contract order.
    fn subscriptions(&self) -> &Subscriptions;
}

/// The set of subscribed option contracts, with an optional size limit (Polygon/Massive allows
/// 1,000 quoted contracts per connection).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subscriptions {
    contracts: BTreeSet<OptionContract>,
    limit: Option<usize>,
}

/// What a subscription change actually changed: the contracts newly added or removed (the
/// messages a network source must send).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscriptionDiff {
    /// Contracts that were not subscribed before.
    pub added: Vec<OptionContract>,
    /// Contracts that were subscribed before.
    pub removed: Vec<OptionContract>,
}

impl SubscriptionDiff {
    /// `true` if nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

impl Subscriptions {
    /// An empty set with no limit.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty set that holds at most `limit` contracts.
    pub fn with_limit(limit: usize) -> Self {
        Self {
            contracts: BTreeSet::new(),
            limit: Some(limit),
        }
    }

    /// The limit, if any.
    pub fn limit(&self) -> Option<usize> {
        self.limit
    }

    /// Adds contracts; returns the ones that were new. Fails, changing nothing, when the new set
    /// would exceed the limit.
    pub fn add(&mut self, contracts: &[OptionContract]) -> Result<SubscriptionDiff, SourcesError> {
        let added: BTreeSet<OptionContract> = contracts
            .iter()
            .filter(|c| !self.contracts.contains(c))
            .copied()
            .collect();
        if let Some(limit) = self.limit {
            let requested = self.contracts.len() + added.len();
            if requested > limit {
                return Err(SourcesError::SubscriptionLimit { limit, requested });
            }
        }
        self.contracts.extend(added.iter().copied());
        Ok(SubscriptionDiff {
            added: added.into_iter().collect(),
            removed: Vec::new(),
        })
    }

    /// Removes contracts; returns the ones that were subscribed.
    pub fn remove(&mut self, contracts: &[OptionContract]) -> SubscriptionDiff {
        let mut removed: Vec<OptionContract> = contracts
            .iter()
            .filter(|c| self.contracts.remove(c))
            .copied()
            .collect();
        removed.sort_unstable();
        SubscriptionDiff {
            added: Vec::new(),
            removed,
        }
    }

    /// `true` if the contract is subscribed.
    pub fn contains(&self, contract: &OptionContract) -> bool {
        self.contracts.contains(contract)
    }

    /// Number of subscribed contracts.
    pub fn len(&self) -> usize {
        self.contracts.len()
    }

    /// `true` if nothing is subscribed.
    pub fn is_empty(&self) -> bool {
        self.contracts.is_empty()
    }

    /// The subscribed contracts in order.
    pub fn iter(&self) -> impl Iterator<Item = &OptionContract> {
        self.contracts.iter()
    }

    /// `true` if the event should reach a subscriber: every non-option event, and option events
    /// of subscribed contracts.
    pub fn admits(&self, event: &Event) -> bool {
        match event.instrument() {
            gammaflow_model::event::Instrument::Option(c) => self.contracts.contains(&c),
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> OptionContract {
        OptionContract::parse_any(s).unwrap()
    }

    #[test]
    fn add_remove_and_limit() {
        let mut subs = Subscriptions::with_limit(2);
        let a = c("O:SPXW251216C05800000");
        let b = c("O:SPXW251216P05800000");
        let d = c("O:SPXW251216C05805000");
        assert_eq!(subs.add(&[a, a]).unwrap().added, vec![a]);
        assert!(subs.add(&[a]).unwrap().is_empty());
        assert_eq!(subs.add(&[b]).unwrap().added, vec![b]);
        assert_eq!(
            subs.add(&[d]).unwrap_err(),
            SourcesError::SubscriptionLimit {
                limit: 2,
                requested: 3
            }
        );
        assert_eq!(subs.len(), 2);
        assert_eq!(subs.remove(&[d, b]).removed, vec![b]);
        assert!(subs.contains(&a) && !subs.contains(&b));
    }
}
