//! Polygon/Massive options client: WebSocket trades, quotes, aggregates and index values; REST
//! option-chain snapshots and reference lists. (Being built: see issue 3 §2.)

mod error;

pub use error::PolygonError;
