//! The HTTP side of the desk: `GET /ws/stream`, REST under `/api/`, `GET /metrics`,
//! `GET /openapi.json`, `GET /healthz` and the dashboard's built files.
//!
//! | route | answer |
//! |---|---|
//! | `GET /ws/stream` | WebSocket: a `snapshot` [`StreamMessage`](crate::wire::StreamMessage), then throttled `update`s (latest state only) |
//! | `GET /api/window` | the current [`DeskView`] |
//! | `GET /api/window/{product}` | one [`ProductView`](crate::wire::ProductView), 404 if unknown |
//! | `GET /api/chain/{product}` | the product's [`ChainView`](crate::wire::ChainView) (asked of the desk loop), 404/503 |
//! | `GET /api/intraday/{product}` | the product's day flow as cumulative per-minute [`IntradayView`](crate::wire::IntradayView) points (asked of the desk loop), 404/503 |
//! | `GET /api/market/bars` | the trade date's ES one-minute [`MarketBarsView`](crate::wire::MarketBarsView) with VWAP and SPX (asked of the desk loop), 503 |
//! | `GET /api/health` | [`Health`]: status, source, sequence, clients, lake figures |
//! | `GET /api/events?from=&days=` | the macro events calendar, [`EventsView`](crate::events::EventsView); 400 for a bad parameter |
//! | `GET /api/history` | the history queries' catalog (404 without a lake) |
//! | `GET /api/history/{name}?k=v…` | runs a named query: 400 bad parameter, 404 unknown query, 500 failure |
//! | `GET /metrics` | Prometheus text, version 0.0.4 |
//! | `GET /openapi.json` | the OpenAPI 3.1 document of all this |
//! | `GET /healthz` | `ok` (liveness; never needs the token) |
//! | anything else | the dashboard (deep links fall back to `index.html`) or a JSON 404 |
//!
//! When [`HttpConfig::token`](crate::HttpConfig::token) is set, the data routes (all of the above
//! but `/healthz`) require `Authorization: Bearer <token>` or `?token=<token>` (browsers cannot set
//! headers on WebSockets); the dashboard's static files are public, they hold no data. Errors are
//! JSON: `{"error": "…"}`.

mod auth;
mod events;
mod health;
mod openapi;
mod rest;
mod series;
mod ws;

use std::future::Future;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ws::Utf8Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::services::{ServeDir, ServeFile};

use crate::error::ServerError;
use crate::state::{AppState, HttpConfig};
use crate::wire::DeskView;

pub use health::{Health, HealthErrors};
pub use openapi::openapi_document;

/// How long [`serve`] waits, after the HTTP server stopped, for WebSocket handlers to send their
/// Close frames.
const WS_DRAIN: Duration = Duration::from_secs(5);

/// A published state and its `update` message.
type CachedUpdate = (Arc<DeskView>, Utf8Bytes);

/// The state of every handler: the application's plus what the HTTP side keeps for itself.
#[derive(Clone)]
pub(crate) struct Shared {
    /// The application state.
    pub(crate) app: AppState,
    /// The last `update` message serialised, shared by all WebSocket clients.
    update_cache: Arc<Mutex<Option<CachedUpdate>>>,
    /// Set by [`serve`] when its shutdown future completes (besides `app.shutdown`).
    closing: watch::Receiver<bool>,
    /// Number of running WebSocket handlers.
    ws_tasks: Arc<watch::Sender<usize>>,
}

impl Shared {
    fn new(app: AppState, closing: watch::Receiver<bool>) -> Self {
        Self {
            app,
            update_cache: Arc::new(Mutex::new(None)),
            closing,
            ws_tasks: Arc::new(watch::Sender::new(0)),
        }
    }

    /// Completes when the server should stop: `app.shutdown` or the serve-level signal became
    /// `true`. A dropped sender never completes it.
    pub(crate) async fn stopping(&self) {
        let mut app = self.app.shutdown.clone();
        let mut closing = self.closing.clone();
        let app = async move { app.wait_for(|stop| *stop).await.is_ok() };
        let closing = async move { closing.wait_for(|stop| *stop).await.is_ok() };
        tokio::select! {
            true = app => {}
            true = closing => {}
            else => std::future::pending::<()>().await,
        }
    }
}

/// A JSON error answer: `{"error": "…"}` with a status code.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.message });
        (self.status, axum::Json(body)).into_response()
    }
}

/// The application: every route, the token check, request counting and the static files.
///
/// WebSocket handlers close their connections when `state.shutdown` becomes `true`.
pub fn router(state: AppState) -> Router {
    // Never set: only `state.shutdown` stops WebSocket handlers of a router served elsewhere.
    let (_never, closing) = watch::channel(false);
    build(Shared::new(state, closing))
}

fn build(shared: Shared) -> Router {
    let data = Router::new()
        .route("/ws/stream", get(ws::stream))
        .route("/api/window", get(rest::window))
        .route("/api/window/{product}", get(rest::product))
        .route("/api/chain/{product}", get(rest::chain))
        .route("/api/intraday/{product}", get(series::intraday))
        .route("/api/market/bars", get(series::market_bars))
        .route("/api/health", get(health::health))
        .route("/api/events", get(events::events))
        .route("/api/history", get(rest::history_catalog))
        .route("/api/history/{name}", get(rest::history_run))
        .route("/api", any(api_not_found))
        .route("/api/", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .route("/metrics", get(rest::metrics))
        .route("/openapi.json", get(openapi::openapi))
        .route_layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            auth::require_token,
        ));
    let app = Router::new()
        .route("/healthz", get(rest::healthz))
        .merge(data);
    let app = match usable_web_dir(&shared.app.http) {
        Some(dir) => {
            let index = ServeFile::new(dir.join("index.html"));
            app.fallback_service(ServeDir::new(dir).fallback(index))
        }
        None => app.route("/", get(rest::index)).fallback(not_found),
    };
    app.layer(axum::middleware::from_fn_with_state(
        shared.clone(),
        auth::count_requests,
    ))
    .with_state(shared)
}

/// The configured web directory when it is a directory.
fn usable_web_dir(http: &HttpConfig) -> Option<&Path> {
    let dir = http.web_dir.as_deref()?;
    if dir.is_dir() {
        Some(dir)
    } else {
        tracing::warn!(path = %dir.display(), "web directory not found: the dashboard is not served");
        None
    }
}

/// Checks that `path` is a directory holding `index.html` (for the configuration's validation).
pub fn check_web_dir(path: &Path) -> Result<(), ServerError> {
    let error = |reason: &str| ServerError::WebDir {
        path: path.to_path_buf(),
        reason: reason.to_owned(),
    };
    if !path.is_dir() {
        return Err(error("not a directory"));
    }
    if !path.join("index.html").is_file() {
        return Err(error("no index.html in it"));
    }
    Ok(())
}

async fn api_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such API route; see /openapi.json",
    )
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not found")
}

/// Opens the listening socket of `config.bind`.
pub async fn bind(config: &HttpConfig) -> Result<TcpListener, ServerError> {
    TcpListener::bind(config.bind)
        .await
        .map_err(|source| ServerError::Bind {
            address: config.bind,
            source,
        })
}

/// Serves [`router`]`(state)` on `listener` until `shutdown` completes or `state.shutdown`
/// becomes `true`, then stops gracefully: no new connections, requests in flight finish,
/// WebSocket clients receive a Close frame (going away). Returns once the server and the
/// WebSocket handlers are done (handlers get five seconds to say goodbye).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let address = listener
        .local_addr()
        .map_err(|source| ServerError::LocalAddr { source })?;
    let (close_tx, closing) = watch::channel(false);
    let shared = Shared::new(state, closing);
    let ws_tasks = shared.ws_tasks.subscribe();
    let watcher = shared.clone();
    let app = build(shared);
    let signal = async move {
        tokio::select! {
            () = shutdown => {}
            () = watcher.stopping() => {}
        }
        let _ = close_tx.send(true);
        drop(watcher);
    };
    tracing::info!(%address, "serving HTTP");
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(signal)
        .await
        .map_err(|source| ServerError::Serve { address, source });
    let mut ws_tasks = ws_tasks;
    let _ = tokio::time::timeout(WS_DRAIN, ws_tasks.wait_for(|n| *n == 0)).await;
    tracing::info!(%address, "HTTP server stopped");
    result
}
