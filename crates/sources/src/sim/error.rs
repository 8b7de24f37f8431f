//! Errors of the market simulator.

use gammaflow_model::ModelError;
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
    /// The model calendar, session or expiry functions refused a date the simulator needed
    /// (typically a run that reaches beyond the calendar's last covered year).
    #[error("simulator calendar: {context}: {source}")]
    Calendar {
        /// What the simulator was computing, e.g. `SPXW expiries after 2025-06-09`.
        context: String,
        /// The model's error.
        source: ModelError,
    },
    /// The chain of a date was asked for while the simulator is on another date (the strike grid
    /// of a day is centred on that day's opening level, so it exists only once the day starts).
    #[error("no simulated chain for {date}: the simulator is on {current}")]
    DateNotSimulated {
        /// The date asked for.
        date: String,
        /// The date being simulated (or `none` after the last day).
        current: String,
    },
    /// A model value could not be written as a price on the instrument's tick grid (out of the
    /// `Price` range or not finite). The run stops after this error.
    #[error("simulated {what} is not a representable price: {value}")]
    Price {
        /// Which value, e.g. `ES bid`.
        what: &'static str,
        /// The model value.
        value: String,
    },
}

impl SimError {
    /// A [`SimError::Calendar`] with its context.
    pub(crate) fn calendar(context: impl Into<String>, source: ModelError) -> Self {
        Self::Calendar {
            context: context.into(),
            source,
        }
    }

    /// A [`SimError::Config`] for setting `name`.
    pub(crate) fn config(
        name: &'static str,
        value: impl std::fmt::Display,
        reason: impl Into<String>,
    ) -> Self {
        Self::Config {
            name,
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}
