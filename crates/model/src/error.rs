//! The error type of the `model` crate.

use thiserror::Error;

/// What can go wrong when building or parsing domain values. Every variant names the input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ModelError {
    // --- values and symbols (price.rs, time.rs, symbol.rs, event.rs) ---
    /// A timestamp is out of the representable range.
    #[error("timestamp out of range: {0}")]
    TimestampOutOfRange(String),
    // --- calendar, sessions, expiries, futures (calendar.rs, session.rs, expiry.rs, futures.rs) ---
}
