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
    /// Text that is not an exact decimal price (see `price` for the accepted syntax).
    #[error("invalid price {input:?}: {reason}")]
    InvalidPrice {
        /// The text as given.
        input: String,
        /// What was expected.
        reason: String,
    },
    /// Text that is not an exact decimal amount of money.
    #[error("invalid money amount {input:?}: {reason}")]
    InvalidMoney {
        /// The text as given.
        input: String,
        /// What was expected.
        reason: String,
    },
    /// An option symbol (OCC/OSI, compact or Polygon/Massive form) that cannot be parsed.
    #[error("invalid option symbol {input:?}: {reason}")]
    InvalidOptionSymbol {
        /// The symbol as given.
        input: String,
        /// What was expected, and what was found.
        reason: String,
    },
    /// An option root that is not 1-6 ASCII uppercase letters or digits.
    #[error("invalid option root {input:?}: {reason}")]
    InvalidOptionRoot {
        /// The root as given.
        input: String,
        /// What was expected.
        reason: String,
    },
    /// An option right that is neither `C` nor `P`.
    #[error("invalid option right {input:?} (expected 'C' or 'P')")]
    InvalidOptionRight {
        /// The character or text as given.
        input: String,
    },
    /// An option contract that cannot be written in a symbol form (strike or expiry out of range).
    #[error("cannot write option contract {contract} as a symbol: {reason}")]
    UnrepresentableContract {
        /// The contract (root, expiry, right, strike).
        contract: String,
        /// Which field does not fit and why.
        reason: String,
    },
    /// An underlying or instrument ticker (e.g. `SPY`, `I:SPX`) that cannot be parsed.
    #[error("invalid ticker {input:?}: {reason}")]
    InvalidTicker {
        /// The ticker as given.
        input: String,
        /// What was expected.
        reason: String,
    },
    /// More trade condition codes than the inline capacity of `event::Conditions`.
    #[error("too many trade conditions {codes} (at most {max})")]
    TooManyConditions {
        /// The codes as given, e.g. `[209, 219, 227, 228, 232]`.
        codes: String,
        /// The capacity.
        max: usize,
    },
    // --- calendar, sessions, expiries, futures (calendar.rs, session.rs, expiry.rs, futures.rs) ---
    /// A date outside the years the trading calendar covers (`calendar::FIRST_YEAR`..=`LAST_YEAR`).
    #[error("date {date} is outside the supported calendar years {first}-{last}")]
    DateOutOfCalendarRange {
        /// The offending date (ISO 8601).
        date: String,
        /// First supported year.
        first: i16,
        /// Last supported year.
        last: i16,
    },
    /// A trading day was required (e.g. for a session or a trade-date window) but the date is not one.
    #[error("{date} is not an NYSE/Cboe trading day ({reason})")]
    NotATradingDay {
        /// The date (ISO 8601).
        date: String,
        /// Why: weekend or the holiday's name.
        reason: String,
    },
    /// Date arithmetic or a time-zone conversion failed.
    #[error("time conversion failed for {input}: {reason}")]
    TimeConversion {
        /// What was being converted.
        input: String,
        /// The underlying error.
        reason: String,
    },
    /// The product has no expiry on the given date.
    #[error("{product} has no expiry on {date}")]
    NotAnExpiry {
        /// The option product.
        product: String,
        /// The date (ISO 8601).
        date: String,
    },
    /// A time to expiry was asked for with the end before the start.
    #[error("negative time to expiry: from {from} to {to}")]
    NegativeTimeToExpiry {
        /// Start instant (RFC 3339, UTC).
        from: String,
        /// End instant (RFC 3339, UTC).
        to: String,
    },
    /// A futures month code that is not one of `F G H J K M N Q U V X Z`, or a month outside 1-12.
    #[error("invalid futures month {0:?} (expected a code in FGHJKMNQUVXZ or a month 1-12)")]
    InvalidFuturesMonth(String),
    /// A futures symbol or contract that cannot be parsed or built.
    #[error("invalid futures contract {input:?}: {reason}")]
    InvalidFuturesContract {
        /// The input text or contract.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
}
