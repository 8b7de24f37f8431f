//! The crate's error type.

use std::path::PathBuf;

use datafusion::error::DataFusionError;

/// Everything that can go wrong in `gammaflow-analytics`; each variant names its input (the
/// table, path, query or parameter).
#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    /// A directory of the lake could not be listed.
    #[error("cannot read the lake directory {path}: {source}")]
    Path {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A table of the lake could not be registered (schema inference, bad path, ...).
    #[error("cannot register the lake table {table}: {source}")]
    Table {
        /// The table name (`flow`, `chain`, ...).
        table: String,
        /// DataFusion's error.
        source: Box<DataFusionError>,
    },
    /// An ad-hoc SQL query failed to parse, plan or run.
    #[error("SQL query failed: {source}\n  query: {query}")]
    Sql {
        /// The query text.
        query: String,
        /// DataFusion's error (it names the problem: unknown column, syntax, ...).
        source: Box<DataFusionError>,
    },
    /// No named query has this name.
    #[error("unknown named query {name:?} (known: {known})")]
    UnknownQuery {
        /// The name asked for.
        name: String,
        /// The known names, comma-separated.
        known: String,
    },
    /// A named query was given a parameter it does not take.
    #[error("query {query}: unknown parameter {parameter:?} (it takes: {known})")]
    UnknownParameter {
        /// The query's name.
        query: &'static str,
        /// The parameter given.
        parameter: String,
        /// The parameters the query takes, comma-separated.
        known: String,
    },
    /// A required parameter of a named query is missing.
    #[error("query {query}: missing required parameter {parameter:?}")]
    MissingParameter {
        /// The query's name.
        query: &'static str,
        /// The parameter.
        parameter: &'static str,
    },
    /// A parameter's value does not parse or is out of range.
    #[error("query {query}: parameter {parameter:?} = {value:?}: {expected}")]
    InvalidParameter {
        /// The query's name.
        query: &'static str,
        /// The parameter.
        parameter: &'static str,
        /// The value given.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// A named query failed to plan or run (a bug or an unreadable lake file, not bad input).
    #[error("query {query} failed: {source}")]
    Query {
        /// The query's name.
        query: &'static str,
        /// DataFusion's error.
        source: Box<DataFusionError>,
    },
    /// Writing a result failed (a closed pipe, a full disk).
    #[error("cannot write the result as {format}: {source}")]
    Write {
        /// The format (`csv`, `json`).
        format: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A result could not be written in the requested format.
    #[error("cannot write the result as {format}: {reason}")]
    Render {
        /// The format (`table`, `csv`, `json`).
        format: &'static str,
        /// Why.
        reason: String,
    },
}

/// The crate's result type.
pub type Result<T, E = AnalyticsError> = std::result::Result<T, E>;
