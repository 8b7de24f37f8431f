//! The snapshot poller: a task of [`super::PolygonSource`] that fetches the REST option-chain
//! snapshot of the subscribed contracts every interval and puts the vendor's Greeks into the
//! source's stream (a cross-check for locally computed Greeks).
//!
//! Each round groups the subscribed contracts by underlying (`I:SPX` for `SPX`/`SPXW`, `SPY`, …)
//! and fetches, per underlying, every page of the snapshot filtered to the contracts' expiration
//! and strike range (and right, when they share one): [`SnapshotFilter::covering`]. Of the
//! results, the [`Event::Greeks`] of the contracts **still subscribed** when the pages arrive are
//! forwarded; the snapshot's quotes, trades and open interest are not (they would duplicate or
//! predate the WebSocket's). A failed request (after the REST client's retries) or a malformed
//! result becomes one `Err` item and the round goes on with the next underlying; the next round
//! comes at the next interval. Futures-option roots (`ES`, `EW`, …) are skipped: the vendor has
//! no such chains, and its `ES`/`EW` chains are equity options.
//!
//! The task sleeps on the Tokio clock ([`tokio::time::interval`], missed ticks delayed, so a slow
//! round never causes a burst). While nothing is subscribed it makes no request; the first
//! subscription starts a round at once, and the interval restarts from there. It stops when the
//! source drops its side of the subscription set, when the consumer is gone, or when every
//! WebSocket connection task has ended (it holds the queue only weakly, so it never keeps the
//! stream open by itself).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use gammaflow_model::event::Event;
use gammaflow_model::{OptionContract, Underlying};
use tokio::sync::{mpsc, watch};
use tokio::time::{MissedTickBehavior, interval};

use super::rest::{RestClient, SnapshotFilter};
use super::ws::Item;

/// The subscribed contracts, published by the source.
pub(crate) type ContractSet = BTreeSet<OptionContract>;

/// The poller's state.
pub(crate) struct Poller {
    /// The REST client (its rate limiter paces every request).
    pub(crate) rest: Arc<RestClient>,
    /// Time between rounds (non-zero).
    pub(crate) period: Duration,
    /// The subscribed contracts.
    pub(crate) contracts: watch::Receiver<ContractSet>,
    /// The consumer's queue, held weakly (see the module documentation).
    pub(crate) out: mpsc::WeakSender<Item>,
}

impl Poller {
    /// Polls until the source, the consumer or every connection task is gone.
    pub(crate) async fn run(mut self) {
        let mut ticker = interval(self.period);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if self.contracts.borrow_and_update().is_empty() {
                if self
                    .contracts
                    .wait_for(|set| !set.is_empty())
                    .await
                    .is_err()
                {
                    return;
                }
                ticker.reset();
            }
            if !self.round().await {
                return;
            }
        }
    }

    /// One round over the underlyings; `false` when the consumer or the connections are gone.
    async fn round(&mut self) -> bool {
        let groups = groups(&self.contracts.borrow());
        for (underlying, filter) in groups {
            let items: Vec<Item> = match self
                .rest
                .chain_snapshot_filtered(&underlying, &filter)
                .await
            {
                Err(e) => vec![Err(e.into())],
                Ok(chain) => {
                    let wanted = self.contracts.borrow();
                    let greeks = chain
                        .contracts
                        .iter()
                        .filter(|c| wanted.contains(&c.contract))
                        .filter_map(|c| c.greeks)
                        .map(|g| Ok(Event::Greeks(g)));
                    chain
                        .errors
                        .into_iter()
                        .map(|e| Err(e.into()))
                        .chain(greeks)
                        .collect()
                }
            };
            let Some(out) = self.out.upgrade() else {
                return false;
            };
            for item in items {
                if out.send(item).await.is_err() {
                    return false;
                }
            }
        }
        true
    }
}

/// The request filter of each underlying of `contracts` (futures-option roots left out).
fn groups(contracts: &ContractSet) -> BTreeMap<Underlying, SnapshotFilter> {
    let mut by_underlying: BTreeMap<Underlying, Vec<&OptionContract>> = BTreeMap::new();
    for c in contracts.iter().filter(|c| !c.root.is_futures_option()) {
        by_underlying.entry(c.underlying()).or_default().push(c);
    }
    by_underlying
        .into_iter()
        .map(|(u, list)| (u, SnapshotFilter::covering(list)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use gammaflow_model::{OptionRight, OptionRoot};

    #[test]
    fn contracts_are_grouped_by_underlying() {
        let mut set: ContractSet = [
            "O:SPXW251216C05800000",
            "O:SPX251219P05700000",
            "O:SPY251216C00600000",
        ]
        .iter()
        .map(|s| OptionContract::parse_any(s).unwrap())
        .collect();
        let spxw = *set.first().unwrap();
        set.insert(OptionContract {
            root: OptionRoot::ES,
            ..spxw
        });
        let groups = groups(&set);
        assert_eq!(
            groups.keys().copied().collect::<Vec<_>>(),
            [Underlying::SPX, Underlying::SPY]
        );
        let spx = groups[&Underlying::SPX];
        assert_eq!(
            spx.strike_from.map(|p| p.to_string()).as_deref(),
            Some("5700")
        );
        assert_eq!(
            spx.strike_to.map(|p| p.to_string()).as_deref(),
            Some("5800")
        );
        assert_eq!(spx.right, None);
        assert_eq!(groups[&Underlying::SPY].right, Some(OptionRight::Call));
    }
}
