//! One WebSocket connection task: connect, handshake, subscribe, read and decode, heartbeat, and
//! reconnect forever with backoff.
//!
//! Lifecycle of a session: connect (bounded by `connect_timeout`) → expect `status: connected` →
//! send `{"action":"auth","params":KEY}` → expect `auth_success` (an `auth_failed` ends the task
//! with [`PolygonError::AuthFailed`]: no retry on a bad key) → subscribe the **current** topic set
//! (re-subscription after a reconnect) → read loop. In the read loop the task applies subscription
//! commands as they come, pings every `ping_interval` and declares the connection dead when no
//! frame (data, status or pong) arrived for `dead_after`. Any loss is reported on the stream as a
//! non-fatal [`PolygonError::Disconnected`] (or [`PolygonError::Connect`]) and followed by a
//! backoff sleep and a new session.
//!
//! **Full-queue policy: backpressure.** Decoded items go to the consumer through a bounded queue;
//! when it is full the task waits, so nothing is dropped or reordered. A consumer that stays
//! behind stalls the socket read; the server then eventually drops the slow connection, which the
//! task handles like any other loss (reconnect, and a reconnect window in the gap counters).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use gammaflow_model::OptionContract;
use gammaflow_model::event::Event;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep, sleep_until, timeout, timeout_at};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use super::config::{ApiKey, Backoff, BackoffConfig, Clock};
use super::decode::{FRAME_EXCERPT_CHARS, Message, StatusKind, decode_frame_into};
use super::gaps::GapTracker;
use super::{PolygonError, json};
use crate::SourcesError;

/// The socket type.
type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// An item for the consumer.
pub(crate) type Item = Result<Event, SourcesError>;

/// A subscription change for the options connection: contracts with their Polygon tickers.
#[derive(Debug)]
pub(crate) enum Command {
    /// Add `T.` and `Q.` topics of these contracts.
    Subscribe(Vec<(OptionContract, String)>),
    /// Remove them.
    Unsubscribe(Vec<(OptionContract, String)>),
}

/// State shared between the source and its connection tasks.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// Gap counters of option contracts.
    pub(crate) gaps: Mutex<GapTracker>,
    /// Connections lost (all markets).
    pub(crate) disconnects: AtomicU64,
    /// Sessions that completed authentication (all markets).
    pub(crate) sessions: AtomicU64,
}

/// Settings of a connection task.
pub(crate) struct Settings {
    pub(crate) api_key: ApiKey,
    pub(crate) ping_interval: Duration,
    pub(crate) dead_after: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) backoff: BackoffConfig,
    pub(crate) topics_per_message: usize,
    pub(crate) clock: Arc<dyn Clock>,
}

/// One market's connection.
pub(crate) struct Connection {
    pub(crate) url: String,
    pub(crate) settings: Arc<Settings>,
    /// Topics always subscribed (index values, SPY).
    pub(crate) fixed_topics: Vec<String>,
    pub(crate) out: mpsc::Sender<Item>,
    pub(crate) commands: mpsc::UnboundedReceiver<Command>,
    pub(crate) shared: Arc<Shared>,
}

/// How a session ended.
enum End {
    /// Report, back off, reconnect. `established`: the session had authenticated.
    Lost(PolygonError, bool),
    /// Report and stop (bad key).
    Fatal(PolygonError),
    /// The consumer is gone: stop quietly.
    Gone,
}

/// The contracts and topics the connection should have.
#[derive(Default)]
struct Wanted {
    contracts: BTreeMap<OptionContract, String>,
}

impl Wanted {
    /// `T.` and `Q.` topics of a ticker.
    fn topics(ticker: &str) -> [String; 2] {
        [format!("T.{ticker}"), format!("Q.{ticker}")]
    }

    /// Applies a command; returns the topics to send and whether to subscribe (`true`) or not.
    fn apply(&mut self, command: Command) -> (bool, Vec<String>) {
        match command {
            Command::Subscribe(list) => {
                let mut topics = Vec::new();
                for (c, ticker) in list {
                    if let std::collections::btree_map::Entry::Vacant(slot) =
                        self.contracts.entry(c)
                    {
                        topics.extend(Self::topics(&ticker));
                        slot.insert(ticker);
                    }
                }
                (true, topics)
            }
            Command::Unsubscribe(list) => {
                let mut topics = Vec::new();
                for (c, _) in list {
                    if let Some(ticker) = self.contracts.remove(&c) {
                        topics.extend(Self::topics(&ticker));
                    }
                }
                (false, topics)
            }
        }
    }
}

impl Connection {
    /// Runs sessions until the key is rejected or the consumer is gone.
    pub(crate) async fn run(mut self) {
        let mut wanted = Wanted::default();
        let mut backoff = Backoff::new(self.settings.backoff);
        loop {
            match self.session(&mut wanted, &mut backoff).await {
                End::Gone => return,
                End::Fatal(e) => {
                    let _ = self.out.send(Err(e.into())).await;
                    return;
                }
                End::Lost(e, established) => {
                    if established {
                        self.shared.disconnects.fetch_add(1, Ordering::Relaxed);
                        self.shared
                            .gaps
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .reconnect_window(wanted.contracts.keys());
                    }
                    if self.out.send(Err(e.into())).await.is_err() {
                        return;
                    }
                }
            }
            let delay = backoff.next_delay();
            // Keep applying subscription changes while waiting, so that the next session
            // subscribes the current set.
            let until = Instant::now() + delay;
            loop {
                tokio::select! {
                    () = sleep_until(until) => break,
                    command = self.commands.recv() => match command {
                        Some(c) => { wanted.apply(c); }
                        None => return,
                    },
                }
            }
        }
    }

    /// Sends a JSON action message.
    async fn send_action(
        &self,
        ws: &mut Socket,
        action: &str,
        params: &str,
    ) -> Result<(), PolygonError> {
        let text = serde_json::json!({ "action": action, "params": params }).to_string();
        ws.send(WsMessage::Text(text.into()))
            .await
            .map_err(|e| self.lost(format!("cannot send {action}: {e}")))
    }

    /// Sends subscribe/unsubscribe messages for `topics`, split into chunks.
    async fn send_topics(
        &self,
        ws: &mut Socket,
        subscribe: bool,
        topics: &[String],
    ) -> Result<(), PolygonError> {
        let action = if subscribe {
            "subscribe"
        } else {
            "unsubscribe"
        };
        for chunk in topics.chunks(self.settings.topics_per_message.max(1)) {
            self.send_action(ws, action, &chunk.join(",")).await?;
        }
        Ok(())
    }

    /// A connection-loss error for this URL.
    fn lost(&self, reason: String) -> PolygonError {
        PolygonError::Disconnected {
            url: self.url.clone(),
            reason: self.settings.api_key.redact(&reason),
        }
    }

    /// Waits for the next status message of the handshake.
    async fn handshake_status(
        &self,
        ws: &mut Socket,
        step: &str,
    ) -> Result<(StatusKind, String), PolygonError> {
        let deadline = Instant::now() + self.settings.connect_timeout;
        loop {
            let frame = match timeout_at(deadline, ws.next()).await {
                Err(_) => {
                    return Err(PolygonError::Protocol {
                        url: self.url.clone(),
                        reason: format!(
                            "no {step} status within {:?}",
                            self.settings.connect_timeout
                        ),
                    });
                }
                Ok(None) => return Err(self.lost(format!("closed while waiting for {step}"))),
                Ok(Some(Err(e))) => return Err(self.lost(e.to_string())),
                Ok(Some(Ok(WsMessage::Text(text)))) => text,
                Ok(Some(Ok(WsMessage::Close(frame)))) => {
                    return Err(
                        self.lost(format!("closed by the server ({frame:?}) during {step}"))
                    );
                }
                Ok(Some(Ok(_))) => continue,
            };
            let mut items = Vec::new();
            decode_frame_into(frame.as_str(), self.settings.clock.now(), &mut items);
            for item in items {
                if let Ok(Message::Status(status)) = item {
                    return Ok((status.kind, status.message));
                }
            }
            return Err(PolygonError::Protocol {
                url: self.url.clone(),
                reason: format!(
                    "expected a {step} status, found {}",
                    json::excerpt(frame.as_str(), FRAME_EXCERPT_CHARS)
                ),
            });
        }
    }

    /// One session: connect, handshake, subscribe, read until the connection is lost.
    async fn session(&mut self, wanted: &mut Wanted, backoff: &mut Backoff) -> End {
        let connect = timeout(
            self.settings.connect_timeout,
            connect_async(self.url.as_str()),
        );
        let mut ws = match connect.await {
            Ok(Ok((ws, _response))) => ws,
            Ok(Err(e)) => {
                let reason = self.settings.api_key.redact(&e.to_string());
                return End::Lost(
                    PolygonError::Connect {
                        url: self.url.clone(),
                        reason,
                    },
                    false,
                );
            }
            Err(_) => {
                let reason = format!("timed out after {:?}", self.settings.connect_timeout);
                return End::Lost(
                    PolygonError::Connect {
                        url: self.url.clone(),
                        reason,
                    },
                    false,
                );
            }
        };
        match self.handshake_status(&mut ws, "connected").await {
            Ok((StatusKind::Connected, _)) => {}
            Ok((kind, message)) => {
                let reason = format!(
                    "expected status connected, found {} ({message})",
                    kind.as_str()
                );
                return End::Lost(
                    PolygonError::Protocol {
                        url: self.url.clone(),
                        reason,
                    },
                    false,
                );
            }
            Err(e) => return End::Lost(e, false),
        }
        let key = self.settings.api_key.clone();
        if let Err(e) = self.send_action(&mut ws, "auth", key.expose()).await {
            return End::Lost(e, false);
        }
        match self.handshake_status(&mut ws, "auth").await {
            Ok((StatusKind::AuthSuccess, _)) => {}
            Ok((StatusKind::AuthFailed, message)) => {
                let _ = ws.close(None).await;
                return End::Fatal(PolygonError::AuthFailed {
                    url: self.url.clone(),
                    message,
                });
            }
            Ok((kind, message)) => {
                let reason = format!(
                    "expected status auth_success, found {} ({message})",
                    kind.as_str()
                );
                return End::Lost(
                    PolygonError::Protocol {
                        url: self.url.clone(),
                        reason,
                    },
                    false,
                );
            }
            Err(e) => return End::Lost(e, false),
        }
        backoff.reset();
        self.shared.sessions.fetch_add(1, Ordering::Relaxed);
        // Apply queued changes, then subscribe the whole current set.
        while let Ok(command) = self.commands.try_recv() {
            wanted.apply(command);
        }
        let mut seen = BTreeSet::new();
        let mut topics: Vec<String> = self
            .fixed_topics
            .iter()
            .filter(|t| seen.insert(t.as_str()))
            .cloned()
            .collect();
        topics.extend(wanted.contracts.values().flat_map(|t| Wanted::topics(t)));
        if let Err(e) = self.send_topics(&mut ws, true, &topics).await {
            return End::Lost(e, true);
        }
        self.read_loop(ws, wanted).await
    }

    /// Reads, decodes and forwards frames; applies commands; pings; detects dead connections.
    async fn read_loop(&mut self, mut ws: Socket, wanted: &mut Wanted) -> End {
        let dead_after = self.settings.dead_after;
        let dead = sleep(dead_after);
        tokio::pin!(dead);
        let mut ping = tokio::time::interval(self.settings.ping_interval);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ping.tick().await;
        let mut items = Vec::new();
        loop {
            // Order matters (biased): subscription changes are rare and must not starve behind a
            // busy socket; a flood of frames keeps the connection alive by itself.
            tokio::select! {
                biased;
                command = self.commands.recv() => {
                    let Some(command) = command else { return End::Gone };
                    let (subscribe, topics) = wanted.apply(command);
                    if let Err(e) = self.send_topics(&mut ws, subscribe, &topics).await {
                        return End::Lost(e, true);
                    }
                }
                frame = ws.next() => {
                    dead.as_mut().reset(Instant::now() + dead_after);
                    let text = match frame {
                        None => return End::Lost(self.lost("closed".to_owned()), true),
                        Some(Err(e)) => return End::Lost(self.lost(e.to_string()), true),
                        Some(Ok(WsMessage::Text(text))) => text,
                        Some(Ok(WsMessage::Close(frame))) => {
                            let reason = format!("closed by the server ({frame:?})");
                            return End::Lost(self.lost(reason), true);
                        }
                        Some(Ok(_)) => continue,
                    };
                    items.clear();
                    decode_frame_into(text.as_str(), self.settings.clock.now(), &mut items);
                    for item in items.drain(..) {
                        let out = match item {
                            Ok(Message::Market { event, sequence }) => {
                                self.shared
                                    .gaps
                                    .lock()
                                    .unwrap_or_else(PoisonError::into_inner)
                                    .observe(&event, sequence);
                                Ok(event)
                            }
                            Ok(Message::Status(status)) => match status.kind {
                                StatusKind::Success | StatusKind::Connected | StatusKind::AuthSuccess => continue,
                                kind => Err(SourcesError::from(PolygonError::ServerStatus {
                                    url: self.url.clone(),
                                    status: kind.as_str().to_owned(),
                                    message: status.message,
                                })),
                            },
                            Err(e) => Err(e.into()),
                        };
                        if self.out.send(out).await.is_err() {
                            return End::Gone;
                        }
                    }
                }
                _ = ping.tick() => {
                    if let Err(e) = ws.send(WsMessage::Ping(Default::default())).await {
                        return End::Lost(self.lost(format!("cannot send ping: {e}")), true);
                    }
                }
                () = &mut dead => {
                    let reason = format!("no frame for {dead_after:?}");
                    return End::Lost(self.lost(reason), true);
                }
            }
        }
    }
}
