//! Errors of the Polygon/Massive decoder and clients.

use thiserror::Error;

/// What can go wrong talking to Polygon/Massive.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PolygonError {
    /// No API key in the environment.
    #[error("no API key: set POLYGON_API_KEY or MASSIVE_API_KEY")]
    MissingApiKey,
}
