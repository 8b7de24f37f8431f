//! [`SimSource`]: the simulator as a [`Source`], paced on the tokio clock.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use gammaflow_model::event::Event;
use gammaflow_model::{OptionContract, OptionRoot, UnixNanos};
use jiff::civil::Date;
use tokio::time::{Instant, Sleep};

use super::{SimConfig, SimError, Simulator};
use crate::pacing::{Pacer, Pacing};
use crate::{Source, SourcesError, Subscriptions};

/// Events skipped by the subscription filter before a poll yields to the executor.
const SKIP_BUDGET: usize = 4096;

/// The simulator as a [`Source`]: underlyings, definitions and open interest always (the whole
/// chain's, as a reference-data download would give them), option trades and quotes only for
/// subscribed contracts. Events are
/// released by a [`Pacer`] on the tokio clock (real time, N×, or as fast as possible). After a
/// model error the stream yields it once as `Err` and ends.
#[derive(Debug)]
pub struct SimSource {
    sim: Simulator,
    pacer: Pacer,
    subs: Subscriptions,
    waiting: Option<(Event, Pin<Box<Sleep>>)>,
    finished: bool,
}

impl SimSource {
    /// A paced source over a new simulator; errors name the bad setting.
    pub fn new(config: SimConfig, pacing: Pacing) -> Result<Self, SimError> {
        Ok(Self::from_simulator(Simulator::new(config)?, pacing))
    }

    /// Wraps an existing simulator.
    pub fn from_simulator(sim: Simulator, pacing: Pacing) -> Self {
        Self {
            sim,
            pacer: Pacer::new(pacing),
            subs: Subscriptions::new(),
            waiting: None,
            finished: false,
        }
    }

    /// Releases events stamped before `start` at once and paces from there
    /// ([`crate::pacing::Pacer::starting_at`]).
    pub fn pace_from(mut self, start: UnixNanos) -> Self {
        self.pacer = self.pacer.starting_at(start);
        self
    }

    /// The underlying simulator (chain listings, current date).
    pub fn simulator(&self) -> &Simulator {
        &self.sim
    }

    /// Every listed contract of `date`; see [`Simulator::contracts`].
    pub fn contracts(&self, date: Date) -> Result<Vec<OptionContract>, SimError> {
        self.sim.contracts(date)
    }

    /// The contracts near the money; see [`Simulator::atm_window`].
    pub fn atm_window(&self, root: OptionRoot, strikes_each_side: u32) -> Vec<OptionContract> {
        self.sim.atm_window(root, strikes_each_side)
    }
}

impl Stream for SimSource {
    type Item = Result<Event, SourcesError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some((_, sleep)) = this.waiting.as_mut() {
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            if let Some((event, _)) = this.waiting.take() {
                return Poll::Ready(Some(Ok(event)));
            }
        }
        if this.finished {
            return Poll::Ready(None);
        }
        for _ in 0..SKIP_BUDGET {
            let Some(event) = this.sim.next() else {
                this.finished = true;
                return Poll::Ready(this.sim.error().cloned().map(|e| Err(e.into())));
            };
            let per_contract_flow = matches!(event, Event::Trade(_) | Event::Quote(_));
            if per_contract_flow && !this.subs.admits(&event) {
                continue;
            }
            let now = Instant::now();
            return match this.pacer.due(event.ts_recv(), now) {
                Some(at) if at > now => {
                    let mut sleep = Box::pin(tokio::time::sleep_until(at));
                    if sleep.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Some(Ok(event)));
                    }
                    this.waiting = Some((event, sleep));
                    Poll::Pending
                }
                _ => Poll::Ready(Some(Ok(event))),
            };
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

impl Source for SimSource {
    fn name(&self) -> &'static str {
        "sim"
    }

    fn subscribe(&mut self, contracts: &[OptionContract]) -> Result<(), SourcesError> {
        self.subs.add(contracts).map(|_| ())
    }

    fn unsubscribe(&mut self, contracts: &[OptionContract]) -> Result<(), SourcesError> {
        self.subs.remove(contracts);
        Ok(())
    }

    fn subscriptions(&self) -> &Subscriptions {
        &self.subs
    }
}
