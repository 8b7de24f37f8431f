//! gammaflow's live desk service.
//!
//! * [`desk`]: one task that runs a market-data source ([`gammaflow_sources::Source`]) through
//!   the engine ([`gammaflow_engine::pipeline::Engine`]), hands every enriched print to the
//!   Parquet lake's writer thread ([`gammaflow_store::LakeWriter`]), and publishes the window
//!   state ([`wire::DeskView`]) on a `tokio::sync::watch` channel. Bad input is counted, never
//!   fatal; a restarted replay resumes without writing a print twice.
//! * [`http`]: axum routes over that state: `GET /ws/stream` (a snapshot, then throttled
//!   latest-state updates, schema [`wire::SCHEMA_VERSION`]), REST under `/api/` (window, chain,
//!   history queries, health), Prometheus text at `/metrics` ([`metrics`]), `/openapi.json`, and
//!   the dashboard's built files; a bearer token when listening beyond loopback; graceful shutdown.
//! * [`config`]: `gammaflow serve`'s YAML file, `GAMMAFLOW_*` environment overrides and flags,
//!   validated at once with every problem listed.
//! * [`events`]: the macro events calendar (FOMC, CPI, NFP, …) of `GET /api/events`: a YAML
//!   file format, its validation, and the built-in US calendar.
//!
//! # Quick start
//!
//! ```no_run
//! use std::sync::Arc;
//! use gammaflow_engine::pipeline::EngineConfig;
//! use gammaflow_server::desk::{Desk, DeskConfig};
//! use gammaflow_server::metrics::Metrics;
//! use gammaflow_server::{AppState, HttpConfig};
//! use gammaflow_sources::pacing::Pacing;
//! use gammaflow_sources::sim::{SimConfig, SimSource};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let source = SimSource::new(SimConfig::default(), Pacing::Speed(60.0))?;
//! let metrics = Arc::new(Metrics::default());
//! let (desk, channels) =
//!     Desk::new(DeskConfig::new(EngineConfig::default()), Box::new(source), metrics.clone())?;
//! let (stop, stopped) = tokio::sync::watch::channel(false);
//! let desk = tokio::spawn(desk.run(stopped.clone()));
//! let http = HttpConfig::default(); // 127.0.0.1:8000, 250 ms throttle
//! let listener = tokio::net::TcpListener::bind(http.bind).await?;
//! let state = AppState {
//!     desk: channels.view,
//!     metrics,
//!     requests: channels.requests,
//!     history: None,
//!     events: Arc::new(gammaflow_server::events::Calendar::built_in()?),
//!     http: Arc::new(http),
//!     source_name: "sim",
//!     shutdown: stopped,
//! };
//! // ws://127.0.0.1:8000/ws/stream until Ctrl-C, then close the lake.
//! gammaflow_server::http::serve(listener, state, async {
//!     let _ = tokio::signal::ctrl_c().await;
//! })
//! .await?;
//! stop.send(true)?;
//! desk.await??;
//! # Ok(())
//! # }
//! ```

pub mod config;
pub mod desk;
pub mod error;
pub mod events;
pub mod http;
pub mod metrics;
pub mod state;
pub mod wire;

pub use error::ServerError;
pub use state::{AppState, DeskRequest, HistoryError, HistoryQueries, HttpConfig};
