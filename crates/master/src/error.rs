//! The crate's error type.

/// Everything that can go wrong while building the dataset; every variant names its input.
#[derive(Debug, thiserror::Error)]
pub enum MasterError {
    /// A configuration problem (all problems of a file are listed together).
    #[error("{file}: {problems}")]
    Config {
        /// The configuration file (or `<text>`).
        file: String,
        /// The problems, one per line, each naming its key.
        problems: String,
    },
    /// A file could not be opened, read or written.
    #[error("{path}: {reason}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// A record of an input file is malformed (bad field, unknown kind, wrong header).
    #[error("{file}: record {record}: {reason}")]
    Record {
        /// The file.
        file: String,
        /// Which record (line number for text files, index for binary ones).
        record: String,
        /// What is wrong, naming the field and quoting the text.
        reason: String,
    },
    /// A vendor decoder failed (the error names the file and record).
    #[error(transparent)]
    Sources(#[from] gammaflow_sources::SourcesError),
    /// A calendar or time-zone computation failed for an input.
    #[error("{context}: {source}")]
    Model {
        /// The input (file, record, instant) being processed.
        context: String,
        /// The model error.
        source: gammaflow_model::ModelError,
    },
    /// A GEX computation input rejected by [`crate::gex`] (bad spot, time or contract, snapshots
    /// out of order); nothing was computed.
    #[error("GEX snapshot {at}: {reason}")]
    Gex {
        /// The snapshot (UTC instant) or contract concerned.
        at: String,
        /// What is wrong, naming the field.
        reason: String,
    },
    /// An ES one-minute bar rejected by the realized-volatility engine (out of order, duplicate,
    /// not on a whole minute, bad prices); the engine's state is unchanged.
    #[error("ES 1-minute bar at {at}: {reason}")]
    Bar {
        /// The bar's minute: UTC and New York wall clock.
        at: String,
        /// What is wrong, naming the field or the earlier bar.
        reason: String,
    },
    /// An output file of a finalized build (read-only) would change; rebuild with `--force` to
    /// replace it (identical contents are never an error).
    #[error(
        "{path}: output is finalized (read-only) and the rebuild differs from it; use --force to replace it"
    )]
    Finalized {
        /// The output file.
        path: String,
    },
    /// An output table could not be encoded (CSV or Parquet).
    #[error("{file}: {reason}")]
    Export {
        /// The output file.
        file: String,
        /// What went wrong.
        reason: String,
    },
}
