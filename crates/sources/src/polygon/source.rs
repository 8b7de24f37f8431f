//! [`PolygonSource`]: the live WebSocket source, one connection per market.

use std::collections::{BTreeMap, BTreeSet};
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::task::{Context, Poll};

use futures_core::Stream;
use gammaflow_model::OptionContract;
use gammaflow_model::event::Event;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::PolygonError;
use super::config::PolygonConfig;
use super::gaps::GapStats;
use super::poll::{ContractSet, Poller};
use super::rest::RestClient;
use super::ws::{Command, Connection, Item, Settings, Shared};
use crate::{Source, SourcesError, Subscriptions};

/// The live Polygon/Massive source: option trades and quotes of the subscribed contracts on the
/// `options` connection, plus the configured index (`indices`) and SPY (`stocks`) topics, merged
/// into one stream.
///
/// **Vendor Greeks.** Unless [`PolygonConfig::snapshot_interval`] is `None` or zero, a further
/// task polls the REST option-chain snapshot (`/v3/snapshot/options/{underlying}`) every interval
/// (default 60 s): one request (and its further pages) per underlying of the subscribed contracts,
/// filtered to their expiration and strike range, behind the REST rate limiter
/// ([`PolygonConfig::rest_rate_limit`]). The [`Event::Greeks`] of the contracts subscribed when a
/// snapshot arrives (IV, delta, gamma, vega and theta in model units, `ts_recv` from the
/// configured clock) join the stream through the same queue, interleaved with the WebSocket's
/// events; nothing else of the snapshot is forwarded. A failed snapshot is one `Err` item and is
/// tried again at the next interval; it never affects the WebSocket connections. No request is
/// made while nothing is subscribed; the first subscription triggers a snapshot at once.
///
/// Started with [`PolygonSource::start`] inside a Tokio runtime; the connection tasks run until the
/// source is dropped (which aborts them). The stream never ends on its own except when every
/// connection's key was rejected ([`PolygonError::AuthFailed`], reported first; the snapshot
/// poller then stops too). Disconnections
/// and malformed frames are reported as `Err` items and the stream goes on. Items of different
/// connections interleave in arrival order.
///
/// **Full-queue policy: backpressure.** The connection tasks decode frames as they arrive and hand
/// the items to the consumer through one bounded queue ([`PolygonConfig::queue_capacity`] items).
/// When it is full a task waits: nothing is dropped or reordered, and the socket is not read in
/// the meantime. A consumer that stays behind for long makes the server drop the slow connection,
/// which is handled like any loss (reconnect, re-subscribe, a reconnect window in [`GapStats`]).
pub struct PolygonSource {
    events: mpsc::Receiver<Item>,
    subscriptions: Subscriptions,
    options: mpsc::UnboundedSender<Command>,
    /// Command senders of the other connections, kept so that their tasks keep running.
    _others: Vec<mpsc::UnboundedSender<Command>>,
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
    options_url: String,
    /// The subscribed contracts, as the snapshot poller sees them.
    contracts: watch::Sender<ContractSet>,
    /// The REST client of the snapshot poller (none when it is disabled).
    rest: Option<Arc<RestClient>>,
}

impl std::fmt::Debug for PolygonSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolygonSource")
            .field("options_url", &self.options_url)
            .field("subscriptions", &self.subscriptions.len())
            .field("snapshot_polling", &self.rest.is_some())
            .finish_non_exhaustive()
    }
}

impl PolygonSource {
    /// Spawns the connection tasks (`{ws_base}/options` always; `/indices` and `/stocks` when
    /// they have topics) and, when enabled, the snapshot poller. Fails only without a Tokio runtime
    /// or with an unusable base URL (`ws_base`, or `rest_base` when the poller is enabled); network
    /// and authentication problems arrive on the stream.
    pub fn start(config: PolygonConfig) -> Result<Self, PolygonError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| PolygonError::NoRuntime)?;
        let base = config.ws_base.trim_end_matches('/').to_owned();
        if !(base.starts_with("ws://") || base.starts_with("wss://")) {
            return Err(PolygonError::InvalidUrl {
                url: config.ws_base.clone(),
                reason: "expected a ws:// or wss:// URL".to_owned(),
            });
        }
        let settings = Arc::new(Settings {
            api_key: config.api_key.clone(),
            ping_interval: config.ping_interval,
            dead_after: config.dead_after,
            connect_timeout: config.connect_timeout,
            backoff: config.backoff,
            topics_per_message: config.topics_per_message,
            clock: Arc::clone(&config.clock),
        });
        let rest = match config.snapshot_period() {
            Some(period) => Some((period, Arc::new(RestClient::new(config.rest_config())?))),
            None => None,
        };
        let (out, events) = mpsc::channel(config.queue_capacity.max(1));
        let shared = Arc::new(Shared::default());
        let mut tasks = Vec::new();
        let mut spawn = |market: &str, fixed_topics: Vec<String>| {
            let (tx, commands) = mpsc::unbounded_channel();
            let url = format!("{base}/{market}");
            let connection = Connection {
                url: url.clone(),
                settings: Arc::clone(&settings),
                fixed_topics,
                out: out.clone(),
                commands,
                shared: Arc::clone(&shared),
            };
            tasks.push(runtime.spawn(connection.run()));
            (tx, url)
        };
        let (options, options_url) = spawn("options", Vec::new());
        let mut others = Vec::new();
        if !config.index_topics.is_empty() {
            others.push(spawn("indices", config.index_topics.clone()).0);
        }
        if !config.stock_topics.is_empty() {
            others.push(spawn("stocks", config.stock_topics.clone()).0);
        }
        let (contracts, watched) = watch::channel(BTreeSet::new());
        if let Some((period, client)) = &rest {
            let poller = Poller {
                rest: Arc::clone(client),
                period: *period,
                contracts: watched,
                out: out.downgrade(),
            };
            tasks.push(runtime.spawn(poller.run()));
        }
        Ok(Self {
            events,
            subscriptions: Subscriptions::with_limit(config.max_contracts),
            options,
            _others: others,
            shared,
            tasks,
            options_url,
            contracts,
            rest: rest.map(|(_, client)| client),
        })
    }

    /// The REST client of the snapshot poller, `None` when the polling is disabled. Requests made
    /// through it (e.g. [`RestClient::condition_table`]) share the poller's rate limiter.
    pub fn rest_client(&self) -> Option<&Arc<RestClient>> {
        self.rest.as_ref()
    }

    /// The gap counters of one contract (see [`super::gaps`]).
    pub fn gap_stats(&self, contract: &OptionContract) -> GapStats {
        self.shared
            .gaps
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .stats(contract)
    }

    /// All non-zero gap counters, in contract order.
    pub fn all_gap_stats(&self) -> BTreeMap<OptionContract, GapStats> {
        self.shared
            .gaps
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .all()
            .clone()
    }

    /// Authenticated connections lost so far (all markets).
    pub fn disconnects(&self) -> u64 {
        self.shared.disconnects.load(Ordering::Relaxed)
    }

    /// Sessions that completed authentication so far (all markets; the first connections count).
    pub fn sessions(&self) -> u64 {
        self.shared.sessions.load(Ordering::Relaxed)
    }

    /// The contracts with their Polygon tickers; an error names a contract that has none.
    fn tickers(
        contracts: &[OptionContract],
    ) -> Result<Vec<(OptionContract, String)>, PolygonError> {
        contracts
            .iter()
            .map(|c| {
                c.to_polygon()
                    .map(|t| (*c, t))
                    .map_err(|e| PolygonError::Contract {
                        contract: c.to_string(),
                        reason: format!("no Polygon ticker: {e}"),
                    })
            })
            .collect()
    }

    /// The error when the options connection task has ended.
    fn closed(&self) -> SourcesError {
        PolygonError::Disconnected {
            url: self.options_url.clone(),
            reason: "the connection task has stopped (see the stream's last error)".to_owned(),
        }
        .into()
    }
}

impl Drop for PolygonSource {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Stream for PolygonSource {
    type Item = Result<Event, SourcesError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.poll_recv(cx)
    }
}

impl Source for PolygonSource {
    fn name(&self) -> &'static str {
        "polygon"
    }

    /// Adds the contracts' `T.` and `Q.` topics on the options connection. Fails, changing
    /// nothing, beyond [`PolygonConfig::max_contracts`] ([`SourcesError::SubscriptionLimit`]), for
    /// a contract without a Polygon ticker, or when the connection task has stopped.
    fn subscribe(&mut self, contracts: &[OptionContract]) -> Result<(), SourcesError> {
        if self.options.is_closed() {
            return Err(self.closed());
        }
        let tickers = Self::tickers(contracts)?;
        let diff = self.subscriptions.add(contracts)?;
        if diff.is_empty() {
            return Ok(());
        }
        self.contracts
            .send_modify(|set| set.extend(diff.added.iter().copied()));
        let added: Vec<(OptionContract, String)> = tickers
            .into_iter()
            .filter(|(c, _)| diff.added.contains(c))
            .collect();
        self.options
            .send(Command::Subscribe(added))
            .map_err(|_| self.closed())
    }

    fn unsubscribe(&mut self, contracts: &[OptionContract]) -> Result<(), SourcesError> {
        let diff = self.subscriptions.remove(contracts);
        if diff.is_empty() {
            return Ok(());
        }
        self.contracts.send_modify(|set| {
            for c in &diff.removed {
                set.remove(c);
            }
        });
        let removed = Self::tickers(&diff.removed)?;
        self.options
            .send(Command::Unsubscribe(removed))
            .map_err(|_| self.closed())
    }

    fn subscriptions(&self) -> &Subscriptions {
        &self.subscriptions
    }
}
