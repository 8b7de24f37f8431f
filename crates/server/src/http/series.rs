//! The day series for the dashboard's charts, asked of the desk loop (it owns the engine and the
//! market tracker): `GET /api/intraday/{product}` ([`IntradayView`]: the product's one-second
//! flow buckets as cumulative per-minute points) and `GET /api/market/bars` ([`MarketBarsView`]:
//! the trade date's ES one-minute bars with VWAP and SPX).

use std::time::Duration;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use tokio::sync::oneshot;

use super::rest::{bad_path, unknown_product};
use super::{ApiError, Shared};
use crate::state::DeskRequest;
use crate::wire::{IntradayView, MarketBarsView};

/// How long a series request waits for the desk loop.
const DESK_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends `request` to the desk loop and waits for the answer on `answer` (503 if the desk is
/// gone or does not answer in time).
async fn ask<T>(
    shared: &Shared,
    request: DeskRequest,
    answer: oneshot::Receiver<T>,
) -> Result<T, ApiError> {
    let asked = tokio::time::timeout(DESK_TIMEOUT, async {
        shared.app.requests.send(request).await.ok()?;
        answer.await.ok()
    })
    .await;
    let unavailable = |what: &str| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, what);
    match asked {
        Err(_) => Err(unavailable("the desk did not answer in time")),
        Ok(None) => Err(unavailable("the desk is not running")),
        Ok(Some(value)) => Ok(value),
    }
}

/// `GET /api/intraday/{product}`: the product's cumulative flow per minute (404 if unknown).
pub(crate) async fn intraday(
    State(shared): State<Shared>,
    product: Result<Path<String>, PathRejection>,
) -> Result<Json<IntradayView>, ApiError> {
    let Path(product) = product.map_err(bad_path)?;
    let (reply, answer) = oneshot::channel();
    let request = DeskRequest::Intraday {
        product: product.to_ascii_lowercase(),
        reply,
    };
    ask(&shared, request, answer)
        .await?
        .map(Json)
        .ok_or_else(|| unknown_product(&product))
}

/// `GET /api/market/bars`: the trade date's ES one-minute bars.
pub(crate) async fn market_bars(
    State(shared): State<Shared>,
) -> Result<Json<MarketBarsView>, ApiError> {
    let (reply, answer) = oneshot::channel();
    ask(&shared, DeskRequest::MarketBars { reply }, answer)
        .await
        .map(Json)
}
