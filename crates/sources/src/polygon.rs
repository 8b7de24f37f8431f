//! Polygon/Massive options client: WebSocket trades, quotes, aggregates and index values; REST
//! option-chain snapshots and reference lists (FORMATS §3).
//!
//! * [`decode_frame`]: the **sans-I/O** decoder, one WebSocket text frame in, [`Message`]s out
//!   (model events with their vendor sequence, and [`Status`] messages). No clock, no socket.
//! * [`PolygonSource`]: the live [`crate::Source`], one WebSocket connection per market (`options`
//!   for subscribed contracts, `indices` for `V.I:SPX`, `stocks` for SPY), with authentication,
//!   runtime subscription under the 1,000-contract limit, heartbeat, reconnect with jittered
//!   backoff, re-subscription and per-contract [`GapStats`]. Beside the WebSockets it **polls the
//!   REST option-chain snapshot** every [`PolygonConfig::snapshot_interval`] (default 60 s,
//!   `POLYGON_SNAPSHOT_SECONDS`, `None`/0 disables): one request (all pages) per underlying of
//!   the subscribed contracts, filtered to their expiration and strike range
//!   ([`SnapshotFilter`]), under the REST rate limiter. The vendor's IV and Greeks of the
//!   contracts still subscribed join the stream as [`gammaflow_model::event::Event::Greeks`]
//!   (model units, `ts_recv` from the source's clock), a cross-check for locally computed Greeks;
//!   a failed snapshot is one `Err` item, retried at the next interval.
//! * [`RestClient`]: option-chain snapshots with pagination, and the condition and exchange
//!   reference lists (cached), behind a token-bucket rate limiter with retries on 429/5xx.
//!
//! The API key ([`ApiKey`]) is read from `POLYGON_API_KEY` or `MASSIVE_API_KEY` through a lookup
//! closure, and never appears in `Debug` output, URLs shown in errors, or error messages.
//! `ts_recv` is stamped through an injected [`Clock`] ([`SystemClock`] by default).
//!
//! Decoding a frame (sans-I/O):
//!
//! ```
//! use gammaflow_model::UnixNanos;
//! use gammaflow_model::event::Event;
//! use gammaflow_sources::polygon::{Message, decode_frame};
//!
//! let frame = r#"[{"ev":"T","sym":"O:SPXW251216C05800000","x":302,"p":4.85,"s":20,"c":[209,219],"t":1765900800123,"q":77}]"#;
//! for item in decode_frame(frame, UnixNanos(1_765_900_800_125_000_000)) {
//!     match item? {
//!         Message::Market { event: Event::Trade(t), sequence } => {
//!             assert_eq!(t.price.to_string(), "4.85");
//!             assert_eq!(t.ts_event, UnixNanos(1_765_900_800_123_000_000));
//!             assert_eq!(sequence, Some(77));
//!         }
//!         other => unreachable!("{other:?}"),
//!     }
//! }
//! # Ok::<(), gammaflow_sources::polygon::PolygonError>(())
//! ```
//!
//! Starting the live source (needs a key and the network, so not run here):
//!
//! ```no_run
//! use futures_util::StreamExt;
//! use gammaflow_model::OptionContract;
//! use gammaflow_sources::Source;
//! use gammaflow_sources::polygon::{PolygonConfig, PolygonSource};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = PolygonConfig::from_lookup(|name| std::env::var(name).ok())?;
//! let mut source = PolygonSource::start(config)?;
//! source.subscribe(&[OptionContract::parse_any("O:SPXW251216C05800000")?])?;
//! while let Some(item) = source.next().await {
//!     match item {
//!         Ok(event) => println!("{event:?}"),
//!         Err(e) => eprintln!("polygon: {e}"),
//!     }
//! }
//! # Ok(())
//! # }
//! ```

mod config;
mod decode;
mod error;
pub mod gaps;
mod json;
mod poll;
mod rest;
mod source;
mod ws;

pub use config::{
    API_KEY_VARS, ApiKey, Backoff, BackoffConfig, Clock, DEFAULT_REST_BASE,
    DEFAULT_SNAPSHOT_INTERVAL, DEFAULT_WS_BASE, DELAYED_WS_BASE, MAX_CONTRACTS_PER_CONNECTION,
    PolygonConfig, SNAPSHOT_SECONDS_VARS, SystemClock,
};
pub use decode::{
    FRAME_EXCERPT_CHARS, Message, Status, StatusKind, decode_frame, decode_frame_into,
};
pub use error::PolygonError;
pub use gaps::{GapStats, GapTracker};
pub use rest::{
    ChainSnapshot, ExchangeInfo, RateLimit, RestClient, RestConfig, SnapshotContract,
    SnapshotFilter, SnapshotPage, parse_snapshot_page,
};
pub use source::PolygonSource;
