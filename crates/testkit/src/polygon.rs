//! A fake Polygon/Massive server for the client's tests: a WebSocket endpoint and a REST endpoint
//! on `127.0.0.1`, each on its own ephemeral port, speaking the vendor's protocol (FORMATS §3.1,
//! §3.4).
//!
//! WebSocket (any path, e.g. `/options`): sends the `connected` status, checks the `auth` action
//! against the configured key (`auth_success`, or `auth_failed` and close), acknowledges every
//! topic of a `subscribe` (`subscribed to: T.O:…`) or `unsubscribe` action, and after
//! acknowledging a subscription sends the frames scripted for that topic. Frames can also be
//! pushed to every open connection at any time ([`FakePolygon::push`]). Scripted faults: drop the
//! TCP connection (no close frame) or stall (stop reading and writing) after N data frames, on
//! the first K connections. Everything the clients send is recorded with its connection number.
//!
//! REST: `GET` with `apiKey` checked (401 otherwise); each configured path serves a list of pages,
//! page `i + 1` linked from page `i` by a `next_url` with a `cursor` (as the vendor does, without
//! the key); the first requests can be answered with scripted statuses (429, 5xx) and an optional
//! `Retry-After`. On `/v3/snapshot/options/…` the vendor's filters `expiration_date`,
//! `strike_price` (exact, `.gt`, `.gte`, `.lt`, `.lte`) and `contract_type` are applied to each
//! page's results (judged by `details.ticker`) and carried on in `next_url`. Requests are recorded
//! (path and query, key included: the fake is the vendor); [`Log::requests_to`] counts them.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use gammaflow_testkit::polygon::{FakeConfig, FakePolygon};
//! let fake = FakePolygon::start(FakeConfig::new("test-key")).await?;
//! let ws = fake.ws_base(); // "ws://127.0.0.1:PORT"
//! # let _ = ws; Ok(()) }
//! ```

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{Notify, broadcast};
use tokio::task::JoinHandle;

mod http;
mod ws;

/// A scripted HTTP failure: status and optional `Retry-After` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpFailure {
    /// The status to answer, e.g. 429 or 503.
    pub status: u16,
    /// `Retry-After` in seconds, if sent.
    pub retry_after: Option<u64>,
}

/// What the fake does.
#[derive(Debug, Clone, Default)]
pub struct FakeConfig {
    /// The accepted API key.
    pub api_key: String,
    /// Frames (raw text, may be malformed) sent after the subscription of each topic is acked.
    pub topic_frames: HashMap<String, Vec<String>>,
    /// Send a topic's frames again when it is subscribed again (on a later connection).
    pub replay_on_resubscribe: bool,
    /// Drop the TCP connection (no close frame) after this many data frames...
    pub drop_after_frames: Option<usize>,
    /// ...on this many first connections (0 means 1).
    pub faulty_connections: usize,
    /// Instead of dropping, stall (neither read nor write) after `drop_after_frames` frames.
    pub stall_instead_of_drop: bool,
    /// REST pages per path (e.g. `/v3/snapshot/options/I:SPX`).
    pub rest_pages: HashMap<String, Vec<String>>,
    /// Answers of the first REST requests, in order, before normal service.
    pub rest_failures: Vec<HttpFailure>,
}

impl FakeConfig {
    /// A fake that accepts `api_key` and has nothing scripted.
    pub fn new(api_key: &str) -> Self {
        Self {
            api_key: api_key.to_owned(),
            ..Self::default()
        }
    }

    /// Scripts `frames` for `topic`.
    pub fn with_frames(mut self, topic: &str, frames: Vec<String>) -> Self {
        self.topic_frames.insert(topic.to_owned(), frames);
        self
    }

    /// Serves `pages` at `path`.
    pub fn with_pages(mut self, path: &str, pages: Vec<String>) -> Self {
        self.rest_pages.insert(path.to_owned(), pages);
        self
    }
}

/// One message a client sent on a WebSocket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// Connection number, from 0 in accept order (all paths share the numbering).
    pub connection: usize,
    /// The request path, e.g. `/options`.
    pub path: String,
    /// The text of the message.
    pub text: String,
}

/// What the fake has seen.
#[derive(Debug, Clone, Default)]
pub struct Log {
    /// Text messages from WebSocket clients, in arrival order.
    pub received: Vec<Received>,
    /// WebSocket connections accepted (path per connection number).
    pub connections: Vec<String>,
    /// REST request targets (path and query), in arrival order.
    pub http_requests: Vec<String>,
}

impl Log {
    /// The `params` of every `action` message (e.g. `subscribe`) on connections to `path`, with
    /// the connection number.
    pub fn actions(&self, action: &str, path: &str) -> Vec<(usize, String)> {
        self.received
            .iter()
            .filter(|r| r.path == path)
            .filter_map(|r| {
                let v: serde_json::Value = serde_json::from_str(&r.text).ok()?;
                if v.get("action")?.as_str()? != action {
                    return None;
                }
                Some((r.connection, v.get("params")?.as_str()?.to_owned()))
            })
            .collect()
    }

    /// The REST request targets (path and query) whose path is `path`, in arrival order.
    pub fn requests_to(&self, path: &str) -> Vec<&str> {
        self.http_requests
            .iter()
            .filter(|t| t.split_once('?').map_or(t.as_str(), |(p, _)| p) == path)
            .map(String::as_str)
            .collect()
    }

    /// The topics subscribed on `connection` (after applying its unsubscribes), sorted.
    pub fn topics_on(&self, connection: usize, path: &str) -> Vec<String> {
        let mut topics: Vec<String> = Vec::new();
        for r in self
            .received
            .iter()
            .filter(|r| r.connection == connection && r.path == path)
        {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&r.text) else {
                continue;
            };
            let params = v.get("params").and_then(|p| p.as_str()).unwrap_or("");
            match v.get("action").and_then(|a| a.as_str()) {
                Some("subscribe") => topics.extend(params.split(',').map(str::to_owned)),
                Some("unsubscribe") => topics.retain(|t| !params.split(',').any(|p| p == t)),
                _ => {}
            }
        }
        topics.sort();
        topics.dedup();
        topics
    }
}

/// State shared by the server tasks.
#[derive(Debug)]
struct State {
    config: FakeConfig,
    log: Mutex<Log>,
    changed: Notify,
    push: broadcast::Sender<String>,
    rest_base: String,
}

impl State {
    /// Runs `f` on the log and wakes waiters.
    fn record(&self, f: impl FnOnce(&mut Log)) {
        f(&mut self.log.lock().unwrap_or_else(PoisonError::into_inner));
        self.changed.notify_waiters();
    }
}

/// The running fake; dropping it stops the server tasks.
#[derive(Debug)]
pub struct FakePolygon {
    ws_addr: SocketAddr,
    http_addr: SocketAddr,
    state: Arc<State>,
    tasks: Vec<JoinHandle<()>>,
}

impl FakePolygon {
    /// Binds both endpoints on `127.0.0.1:0` and starts serving.
    pub async fn start(config: FakeConfig) -> std::io::Result<Self> {
        let ws_listener = TcpListener::bind("127.0.0.1:0").await?;
        let http_listener = TcpListener::bind("127.0.0.1:0").await?;
        let ws_addr = ws_listener.local_addr()?;
        let http_addr = http_listener.local_addr()?;
        let (push, _) = broadcast::channel(1024);
        let state = Arc::new(State {
            config,
            log: Mutex::new(Log::default()),
            changed: Notify::new(),
            push,
            rest_base: format!("http://{http_addr}"),
        });
        let tasks = vec![
            tokio::spawn(ws::serve(ws_listener, Arc::clone(&state))),
            tokio::spawn(http::serve(http_listener, Arc::clone(&state))),
        ];
        Ok(Self {
            ws_addr,
            http_addr,
            state,
            tasks,
        })
    }

    /// The WebSocket base URL, `ws://127.0.0.1:PORT` (append `/options` etc.).
    pub fn ws_base(&self) -> String {
        format!("ws://{}", self.ws_addr)
    }

    /// The REST base URL, `http://127.0.0.1:PORT`.
    pub fn rest_base(&self) -> String {
        format!("http://{}", self.http_addr)
    }

    /// A copy of everything seen so far.
    pub fn log(&self) -> Log {
        self.state
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Sends `frame` (raw text) to every open WebSocket connection.
    pub fn push(&self, frame: &str) {
        // No receiver (no open connection) is not an error for a test fake.
        let _ = self.state.push.send(frame.to_owned());
    }

    /// Waits until `done(log)` holds, up to `limit`; returns whether it did. (A fail-safe for
    /// tests, not a measurement: the condition is checked on every change of the log.)
    pub async fn wait_until(&self, done: impl Fn(&Log) -> bool, limit: Duration) -> bool {
        let wait = async {
            loop {
                let notified = self.state.changed.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if done(&self.log()) {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(limit, wait).await.is_ok()
    }
}

impl Drop for FakePolygon {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// The text of a file in the shared `polygon/` fixtures folder.
pub fn fixture(name: &str) -> std::io::Result<String> {
    std::fs::read_to_string(crate::shared_data(&format!("polygon/{name}")))
}

/// A status frame as the vendor writes it.
pub fn status_frame(status: &str, message: &str) -> String {
    serde_json::json!([{ "ev": "status", "status": status, "message": message }]).to_string()
}
