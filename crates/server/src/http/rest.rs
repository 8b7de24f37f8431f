//! The REST handlers, `/metrics`, `/healthz` and the index page.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use tokio::sync::oneshot;

use super::{ApiError, Shared};
use crate::state::{DeskRequest, HistoryError};
use crate::wire::{DeskView, ProductView};

/// How long `GET /api/chain/{product}` waits for the desk loop.
const DESK_TIMEOUT: Duration = Duration::from_secs(10);

/// The content type of the Prometheus text exposition format.
pub(crate) const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// `GET /api/window`: the current desk state.
pub(crate) async fn window(State(shared): State<Shared>) -> Response {
    let desk: Arc<DeskView> = Arc::clone(&shared.app.desk.borrow());
    json_response(&*desk)
}

/// A JSON answer of a borrowed value (500 with a JSON error if it cannot be serialised).
fn json_response<T: serde::Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => ([(CONTENT_TYPE, "application/json")], body).into_response(),
        Err(error) => {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response()
        }
    }
}

/// `GET /api/window/{product}`: one product of the current state.
pub(crate) async fn product(
    State(shared): State<Shared>,
    product: Result<Path<String>, PathRejection>,
) -> Result<Json<ProductView>, ApiError> {
    let Path(product) = product.map_err(bad_path)?;
    let desk = Arc::clone(&shared.app.desk.borrow());
    desk.products
        .iter()
        .find(|p| p.product.eq_ignore_ascii_case(&product))
        .cloned()
        .map(Json)
        .ok_or_else(|| unknown_product(&product))
}

/// `GET /api/chain/{product}`: the product's chain, asked of the desk loop.
pub(crate) async fn chain(
    State(shared): State<Shared>,
    product: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(product) = product.map_err(bad_path)?;
    let (reply, answer) = oneshot::channel();
    let request = DeskRequest::Chain {
        product: product.to_ascii_lowercase(),
        reply,
    };
    let unavailable = |what: &str| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, what);
    let asked = tokio::time::timeout(DESK_TIMEOUT, async {
        shared.app.requests.send(request).await.ok()?;
        answer.await.ok()
    })
    .await;
    match asked {
        Err(_) => Err(unavailable("the desk did not answer in time")),
        Ok(None) => Err(unavailable("the desk is not running")),
        Ok(Some(None)) => Err(unknown_product(&product)),
        Ok(Some(Some(chain))) => Ok(Json(chain).into_response()),
    }
}

/// `GET /api/history`: the catalog of named queries.
pub(crate) async fn history_catalog(
    State(shared): State<Shared>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let history = shared.app.history.as_ref().ok_or_else(no_lake)?;
    Ok(Json(history.catalog()))
}

/// `GET /api/history/{name}?k=v…`: runs a named query (the `token` parameter is not passed on).
pub(crate) async fn history_run(
    State(shared): State<Shared>,
    name: Result<Path<String>, PathRejection>,
    params: Result<Query<BTreeMap<String, String>>, QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Path(name) = name.map_err(bad_path)?;
    let Query(mut params) = params.map_err(|rejection| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("bad query string: {rejection}"),
        )
    })?;
    params.remove("token");
    let history = shared.app.history.as_ref().ok_or_else(no_lake)?;
    history
        .run(&name, &params)
        .await
        .map(Json)
        .map_err(|error| {
            let status = match &error {
                HistoryError::BadParameter(_) => StatusCode::BAD_REQUEST,
                HistoryError::UnknownQuery(_) => StatusCode::NOT_FOUND,
                HistoryError::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
            };
            if status == StatusCode::INTERNAL_SERVER_ERROR {
                tracing::warn!(query = %name, %error, "history query failed");
            }
            ApiError::new(status, error.to_string())
        })
}

/// `GET /metrics`: the Prometheus exposition.
pub(crate) async fn metrics(State(shared): State<Shared>) -> Response {
    let text = shared.app.metrics.render(shared.app.source_name);
    ([(CONTENT_TYPE, PROMETHEUS_TEXT)], text).into_response()
}

/// `GET /healthz`: liveness, plain `ok`.
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

/// `GET /` without a dashboard: where to look.
pub(crate) async fn index() -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "name": "gammaflow",
        "version": env!("CARGO_PKG_VERSION"),
        "dashboard": "not installed (set the web directory to serve it here)",
        "endpoints": {
            "window": "/api/window",
            "market_bars": "/api/market/bars",
            "stream": "/ws/stream",
            "health": "/api/health",
            "events": "/api/events",
            "history": "/api/history",
            "metrics": "/metrics",
            "openapi": "/openapi.json",
        },
    }))
}

pub(super) fn bad_path(rejection: PathRejection) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, format!("bad path: {rejection}"))
}

pub(super) fn unknown_product(product: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, format!("no product {product:?}"))
}

fn no_lake() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no lake configured: history is not available",
    )
}
