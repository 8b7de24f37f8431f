//! The error type of the `engine` crate.

use thiserror::Error;

/// What can go wrong configuring or running the engine.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EngineError {
    /// A configuration value is out of range.
    #[error("engine setting {name} = {value}: {reason}")]
    Config {
        /// The setting.
        name: &'static str,
        /// Its value as given.
        value: String,
        /// What is allowed.
        reason: String,
    },
    /// The trade date of an event time could not be determined (outside the calendar).
    #[error("no trade date for event time {at} ns: {reason}")]
    Calendar {
        /// The event time, ns since the epoch.
        at: u64,
        /// Why.
        reason: String,
    },
}
