//! The error type of the `sources` crate.

use thiserror::Error;

/// What can go wrong when decoding a vendor file or message, or running a source.
///
/// The Cboe chain decoder is sans-I/O (it sees text, not files), so its variants carry the
/// **line** (1-based), the **field** and the offending **text**; the caller that read the file adds
/// its name (the `gammaflow` binary does so with `anyhow` context). Each provider module has its
/// own error type, wrapped here, so a caller can match one enum and still see the provider's
/// detail.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SourcesError {
    /// The input ended before a required header line.
    #[error("line {line}: input ended before the {expected}")]
    MissingHeader {
        /// The line number where the header line was expected.
        line: usize,
        /// Which header line was expected (e.g. "underlying line").
        expected: &'static str,
    },
    /// A header line (underlying, quote time) is not in either known layout.
    #[error("line {line}: unexpected {what}: {reason}; found {text:?}")]
    Header {
        /// The line number.
        line: usize,
        /// Which header line (e.g. "underlying line", "quote-time line").
        what: &'static str,
        /// What was expected.
        reason: String,
        /// The offending text (the field or the whole line).
        text: String,
    },
    /// The column-header line differs from the layout's expected columns.
    #[error(
        "line {line}: unexpected column header: column {column} is {found:?}, expected {expected:?}"
    )]
    ColumnHeader {
        /// The line number.
        line: usize,
        /// The first differing column (1-based).
        column: usize,
        /// The expected column name (empty when the line has too many columns).
        expected: String,
        /// The column name found (empty when the line has too few columns).
        found: String,
    },
    /// A line is not well-formed comma-separated text (e.g. an unterminated quote).
    #[error("line {line}: malformed CSV: {reason}; found {text:?}")]
    Malformed {
        /// The line number.
        line: usize,
        /// What is wrong.
        reason: String,
        /// The line (truncated to 200 characters).
        text: String,
    },
    /// A data row has the wrong number of fields.
    #[error("line {line}: expected {expected} fields, found {found}")]
    FieldCount {
        /// The line number.
        line: usize,
        /// The layout's number of columns.
        expected: usize,
        /// The number of fields on the line.
        found: usize,
    },
    /// A field of a data row cannot be parsed, or contradicts another field of the row.
    #[error("line {line}, column {column} ({field}): {reason}; found {text:?}")]
    Field {
        /// The line number.
        line: usize,
        /// The column (1-based).
        column: usize,
        /// The field's name, e.g. `call bid` or `put IV`.
        field: &'static str,
        /// The field's text.
        text: String,
        /// What was expected.
        reason: String,
    },
    /// A subscription would exceed the source's per-connection contract limit.
    #[error("cannot subscribe {requested} option contracts: this source allows at most {limit}")]
    SubscriptionLimit {
        /// The source's limit.
        limit: usize,
        /// The size of the set the subscription would have made.
        requested: usize,
    },
    /// A Databento file or record.
    #[error(transparent)]
    Databento(#[from] crate::databento::DatabentoError),
    /// The Polygon/Massive protocol or connection.
    #[error(transparent)]
    Polygon(#[from] crate::polygon::PolygonError),
    /// The market simulator.
    #[error(transparent)]
    Sim(#[from] crate::sim::SimError),
}

impl SourcesError {
    /// The 1-based line number a Cboe chain error is about; `None` for other errors.
    pub fn line(&self) -> Option<usize> {
        match self {
            SourcesError::MissingHeader { line, .. }
            | SourcesError::Header { line, .. }
            | SourcesError::ColumnHeader { line, .. }
            | SourcesError::Malformed { line, .. }
            | SourcesError::FieldCount { line, .. }
            | SourcesError::Field { line, .. } => Some(*line),
            _ => None,
        }
    }
}
