//! `GET /api/health`: one JSON object saying whether the desk is well, from the desk state and
//! the metrics.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use super::Shared;
use crate::wire::{DeskView, SourceStatus};

/// The answer of `GET /api/health` (always status 200; read `status`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// `ok`, or `degraded` when something in `problems` is wrong.
    pub status: String,
    /// What is wrong, in words (empty when `ok`): the source failed, the desk loop stopped,
    /// the lake reported errors.
    pub problems: Vec<String>,
    /// The wire schema version ([`SCHEMA_VERSION`](crate::wire::SCHEMA_VERSION)).
    pub schema: u32,
    /// Sequence number of the latest published desk state.
    pub seq: u64,
    /// Event time of that state, ns since the epoch (UTC).
    pub ts_event: u64,
    /// The same as New York wall-clock time.
    pub time_new_york: String,
    /// The source's status as in the desk state.
    pub source: SourceStatus,
    /// Whether the desk loop still takes requests.
    pub desk_running: bool,
    /// Connected WebSocket clients.
    pub ws_clients: u64,
    /// Rows accepted by the lake but not yet in Parquet.
    pub writer_lag_rows: u64,
    /// Bytes in the lake's write-ahead log.
    pub wal_bytes: u64,
    /// Event time of the last flush that wrote rows, seconds since the epoch (0 before any).
    pub last_flush_seconds: f64,
    /// Error counters.
    pub errors: HealthErrors,
}

/// Error counters of [`Health`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HealthErrors {
    /// Malformed events and source errors.
    pub source: u64,
    /// Events the engine refused.
    pub engine: u64,
    /// Lake write errors.
    pub lake: u64,
}

impl Health {
    /// The health of the desk whose latest state is `desk`.
    pub fn of(desk: &DeskView, metrics: &crate::metrics::Metrics, desk_running: bool) -> Self {
        let get = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed);
        let errors = HealthErrors {
            source: get(&metrics.source_errors).max(desk.source.errors),
            engine: get(&metrics.engine_errors),
            lake: get(&metrics.lake_errors),
        };
        let mut problems = Vec::new();
        if desk.source.state == "failed" {
            let why = desk
                .source
                .last_error
                .as_deref()
                .unwrap_or("no reason given");
            problems.push(format!("source {} failed: {why}", desk.source.name));
        }
        if !desk_running {
            problems.push("the desk loop is not running".to_owned());
        }
        if errors.lake > 0 {
            problems.push(format!("{} lake write errors", errors.lake));
        }
        Self {
            status: if problems.is_empty() {
                "ok"
            } else {
                "degraded"
            }
            .to_owned(),
            problems,
            schema: crate::wire::SCHEMA_VERSION,
            seq: desk.seq,
            ts_event: desk.ts_event,
            time_new_york: desk.time_new_york.clone(),
            source: desk.source.clone(),
            desk_running,
            ws_clients: get(&metrics.ws_clients),
            writer_lag_rows: get(&metrics.lake_writer_lag),
            wal_bytes: get(&metrics.lake_wal_bytes),
            last_flush_seconds: metrics.lake_last_flush.get(),
            errors,
        }
    }
}

/// `GET /api/health`.
pub(crate) async fn health(State(shared): State<Shared>) -> Json<Health> {
    let desk: Arc<DeskView> = Arc::clone(&shared.app.desk.borrow());
    let running = !shared.app.requests.is_closed();
    Json(Health::of(&desk, &shared.app.metrics, running))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{Metrics, inc};

    #[test]
    fn failed_source_and_lake_errors_degrade() {
        let metrics = Metrics::default();
        let mut desk = DeskView::default();
        assert_eq!(Health::of(&desk, &metrics, true).status, "ok");
        desk.source.state = "failed".to_owned();
        desk.source.name = "polygon".to_owned();
        inc(&metrics.lake_errors);
        let health = Health::of(&desk, &metrics, false);
        assert_eq!(health.status, "degraded");
        assert_eq!(health.problems.len(), 3, "{:?}", health.problems);
        assert_eq!(health.errors.lake, 1);
    }
}
