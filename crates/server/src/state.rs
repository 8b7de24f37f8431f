//! What the HTTP layer shares with the desk: the latest published state, the metrics, a request
//! channel into the desk loop, and the optional history queries.

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, watch};

use crate::metrics::Metrics;
use crate::wire::{ChainView, DeskView, IntradayView, MarketBarsView};

/// Settings of the HTTP side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// Listening address (default `127.0.0.1:8000`; port 0 picks a free port).
    pub bind: SocketAddr,
    /// Bearer token required on every request except `/healthz` when set. Must be set when
    /// `bind` is not a loopback address (checked by the config validation).
    pub token: Option<String>,
    /// Shortest interval between two WebSocket messages to one client, ms (100–1000).
    pub throttle_ms: u64,
    /// Directory of the dashboard's built files, served at `/` when it exists.
    pub web_dir: Option<PathBuf>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8000)),
            token: None,
            throttle_ms: 250,
            web_dir: None,
        }
    }
}

/// A question only the desk loop can answer (it owns the engine).
#[derive(Debug)]
pub enum DeskRequest {
    /// The 0DTE chain of a product (`spxw`, `spy`, `es`).
    Chain {
        /// Product key.
        product: String,
        /// Where the answer goes; `None` for an unknown product or before its first session.
        reply: oneshot::Sender<Option<ChainView>>,
    },
    /// The day's flow of a product as cumulative per-minute points.
    Intraday {
        /// Product key.
        product: String,
        /// Where the answer goes; `None` for an unknown product.
        reply: oneshot::Sender<Option<IntradayView>>,
    },
    /// The trade date's ES one-minute bars.
    MarketBars {
        /// Where the answer goes.
        reply: oneshot::Sender<MarketBarsView>,
    },
}

/// Why a history query failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryError {
    /// No query of that name.
    UnknownQuery(String),
    /// A parameter is missing or malformed (the message names it).
    BadParameter(String),
    /// The query failed while running.
    Failed(String),
}

impl std::fmt::Display for HistoryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownQuery(name) => write!(f, "no history query named {name:?}"),
            Self::BadParameter(m) | Self::Failed(m) => f.write_str(m),
        }
    }
}

/// A boxed future of a history query result.
pub type HistoryFuture<'a> =
    Pin<Box<dyn Future<Output = Result<serde_json::Value, HistoryError>> + Send + 'a>>;

/// The named, parameterised queries over the lake (no arbitrary SQL over the network).
pub trait HistoryQueries: Send + Sync {
    /// The queries, their parameters and defaults, as JSON (for `/api/history` and OpenAPI).
    fn catalog(&self) -> serde_json::Value;
    /// Runs query `name` with `params`; the result is a JSON array of records.
    fn run<'a>(&'a self, name: &'a str, params: &'a BTreeMap<String, String>) -> HistoryFuture<'a>;
}

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The latest desk state (the desk publishes; handlers read or wait for changes).
    pub desk: watch::Receiver<Arc<DeskView>>,
    /// The metrics.
    pub metrics: Arc<Metrics>,
    /// Questions to the desk loop.
    pub requests: mpsc::Sender<DeskRequest>,
    /// History queries over the lake, when a lake is configured.
    pub history: Option<Arc<dyn HistoryQueries>>,
    /// The macro events calendar (`GET /api/events`), loaded at startup.
    pub events: Arc<crate::events::Calendar>,
    /// HTTP settings.
    pub http: Arc<HttpConfig>,
    /// The source's name, for metric labels.
    pub source_name: &'static str,
    /// Becomes `true` when the server should stop (WebSocket handlers close their sockets).
    pub shutdown: watch::Receiver<bool>,
}
