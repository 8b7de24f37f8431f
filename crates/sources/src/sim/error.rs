//! Errors of the market simulator.

use thiserror::Error;

/// What can go wrong configuring or running the simulator.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SimError {
    /// A configuration value is out of range.
    #[error("simulator setting {name} = {value}: {reason}")]
    Config {
        /// The setting.
        name: &'static str,
        /// Its value as given.
        value: String,
        /// What is allowed.
        reason: String,
    },
}
