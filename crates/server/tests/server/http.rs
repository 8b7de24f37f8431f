//! The HTTP side against real clients: a hand-built `AppState` (a `watch` channel of desk states,
//! a fake desk task answering chain requests, fake history queries), served on `127.0.0.1:0`.

mod events;
mod rest;
mod ws;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use gammaflow_server::http::serve;
use gammaflow_server::metrics::Metrics;
use gammaflow_server::state::HistoryFuture;
use gammaflow_server::wire::{ChainView, DeskView, ProductView, SCHEMA_VERSION, StrikeView};
use gammaflow_server::{
    AppState, DeskRequest, HistoryError, HistoryQueries, HttpConfig, ServerError,
};
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

/// Generous bound for anything to happen on a loaded 2-core machine.
pub(super) const PATIENCE: Duration = Duration::from_secs(30);

/// How the harness is set up.
#[derive(Default)]
pub(super) struct Setup {
    pub token: Option<&'static str>,
    pub throttle_ms: Option<u64>,
    pub web_dir: Option<PathBuf>,
    pub no_history: bool,
    /// The desk task stops at once (chain requests get 503).
    pub desk_gone: bool,
}

/// A running server.
pub(super) struct Harness {
    pub addr: SocketAddr,
    pub desk: watch::Sender<Arc<DeskView>>,
    pub shutdown: watch::Sender<bool>,
    pub stop: Option<oneshot::Sender<()>>,
    pub server: JoinHandle<Result<(), ServerError>>,
    pub metrics: Arc<Metrics>,
    pub client: reqwest::Client,
}

impl Harness {
    pub async fn start(setup: Setup) -> Self {
        let (desk, desk_rx) = watch::channel(Arc::new(desk_view(1, 3)));
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (requests, mut request_rx) = mpsc::channel::<DeskRequest>(8);
        if setup.desk_gone {
            drop(request_rx);
        } else {
            tokio::spawn(async move {
                while let Some(DeskRequest::Chain { product, reply }) = request_rx.recv().await {
                    let _ = reply.send((product == "spxw").then(chain_view));
                }
            });
        }
        let metrics = Arc::new(Metrics::default());
        let http = HttpConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            token: setup.token.map(str::to_owned),
            throttle_ms: setup.throttle_ms.unwrap_or(100),
            web_dir: setup.web_dir,
        };
        let history: Option<Arc<dyn HistoryQueries>> =
            (!setup.no_history).then(|| Arc::new(FakeHistory) as Arc<dyn HistoryQueries>);
        let state = AppState {
            desk: desk_rx,
            metrics: Arc::clone(&metrics),
            requests,
            history,
            events: Arc::new(gammaflow_server::events::Calendar::built_in().unwrap()),
            http: Arc::new(http.clone()),
            source_name: "sim",
            shutdown: shutdown_rx,
        };
        let listener = gammaflow_server::http::bind(&http).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stop_rx) = oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, state, async move {
            let _ = stop_rx.await;
        }));
        let client = reqwest::Client::builder()
            .timeout(PATIENCE)
            .build()
            .unwrap();
        Self {
            addr,
            desk,
            shutdown,
            stop: Some(stop),
            server,
            metrics,
            client,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// GET, expecting `status` and a JSON body.
    pub async fn get_json(&self, path: &str, status: u16) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), status, "GET {path}");
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(kind.starts_with("application/json"), "GET {path}: {kind}");
        response.json().await.unwrap()
    }

    /// Publishes a state the way the desk does.
    pub fn publish(&self, view: DeskView) {
        self.desk.send_replace(Arc::new(view));
    }

    /// Stops the server through `serve`'s shutdown future and waits for `serve` to return.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = tokio::time::timeout(PATIENCE, self.server).await;
        assert!(
            matches!(result, Ok(Ok(Ok(())))),
            "serve did not return cleanly: {result:?}"
        );
    }
}

/// A desk state with one product of `strikes` strikes (about 700 bytes of JSON per strike).
pub(super) fn desk_view(seq: u64, strikes: usize) -> DeskView {
    let top = 6000.0 + 5.0 * (strikes / 2) as f64;
    DeskView {
        seq,
        ts_event: 1_764_000_000_000_000_000 + seq,
        time_new_york: "2026-11-27T10:31:02.125".to_owned(),
        products: vec![ProductView {
            product: "spxw".to_owned(),
            root: "SPXW".to_owned(),
            underlying: "I:SPX".to_owned(),
            spot: Some(6001.25),
            atm_strike: Some(6000.0),
            strike_step: 5.0,
            multiplier: 100,
            strikes: (0..strikes)
                .map(|i| {
                    let strike = top - 5.0 * i as f64;
                    StrikeView {
                        strike,
                        atm: strike == 6000.0,
                        ..StrikeView::default()
                    }
                })
                .collect(),
            ..ProductView::default()
        }],
        ..DeskView::default()
    }
}

pub(super) fn chain_view() -> ChainView {
    ChainView {
        schema: SCHEMA_VERSION,
        product: "spxw".to_owned(),
        root: "SPXW".to_owned(),
        expiry: "2026-11-27".to_owned(),
        ..ChainView::default()
    }
}

/// Two queries; `top_trades` takes an integer `limit`, `broken` always fails.
struct FakeHistory;

impl HistoryQueries for FakeHistory {
    fn catalog(&self) -> Value {
        json!([
            {"name": "top_trades", "params": [{"name": "limit", "default": "10"}]},
            {"name": "broken", "params": []},
        ])
    }

    fn run<'a>(&'a self, name: &'a str, params: &'a BTreeMap<String, String>) -> HistoryFuture<'a> {
        Box::pin(async move {
            match name {
                "top_trades" => {
                    let limit = params.get("limit").map_or("10", String::as_str);
                    let limit: u32 = limit.parse().map_err(|_| {
                        HistoryError::BadParameter(format!("limit: not an integer: {limit:?}"))
                    })?;
                    let params: Vec<&String> = params.keys().collect();
                    Ok(json!([{"limit": limit, "params": params}]))
                }
                "broken" => Err(HistoryError::Failed("the lake is on fire".to_owned())),
                other => Err(HistoryError::UnknownQuery(other.to_owned())),
            }
        })
    }
}
