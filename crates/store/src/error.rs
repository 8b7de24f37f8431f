//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong in the store. Every variant names what it was working on (a path,
/// a byte offset, a row), so a log line is enough to find the problem.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file-system operation failed.
    #[error("{op} {}: {source}", .path.display())]
    Io {
        /// What was being done (`"create directory"`, `"write"`, `"rename"`, ...).
        op: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The root (or a directory under it) cannot hold a lake.
    #[error("lake root {}: {reason}", .path.display())]
    BadRoot {
        /// The offending path.
        path: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },
    /// A configuration value is unusable.
    #[error("invalid lake configuration: {reason}")]
    Config {
        /// Which value and why.
        reason: String,
    },
    /// Another process (or another `Lake` in this one) holds the lake's lock.
    #[error("lake {} is locked by another writer (lock file {})", .root.display(), .lock.display())]
    Locked {
        /// The lake root.
        root: PathBuf,
        /// The lock file.
        lock: PathBuf,
    },
    /// A write-ahead-log segment is damaged before its last record (not a torn tail).
    #[error("corrupt write-ahead log {} at byte {offset}: {reason}", .path.display())]
    WalCorrupt {
        /// The segment file.
        path: PathBuf,
        /// Byte offset of the damaged record's start.
        offset: u64,
        /// What was found.
        reason: String,
    },
    /// The write-ahead log refuses appends after a failed write it could not undo; reopen the lake.
    #[error("write-ahead log {} is unusable after a failed write: {reason}", .path.display())]
    WalPoisoned {
        /// The active segment.
        path: PathBuf,
        /// The failure that poisoned it.
        reason: String,
    },
    /// A row cannot be stored (its fields do not fit the schema).
    #[error("row {row}: {reason}")]
    InvalidRow {
        /// The row: its sequence number if it has one, else a short description.
        row: String,
        /// What does not fit.
        reason: String,
    },
    /// A Parquet file could not be written or read, or does not have the flow schema.
    #[error("parquet file {}: {reason}", .path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// What went wrong (including the row group or row where known).
        reason: String,
    },
    /// The writer thread is gone (closed, or stopped after an error), so the row was not sent.
    #[error("the lake writer thread has stopped")]
    WriterClosed,
    /// The writer thread panicked.
    #[error("the lake writer thread panicked")]
    WriterPanicked,
}

impl StoreError {
    /// An [`StoreError::Io`] builder for `map_err`.
    pub(crate) fn io(
        op: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { op, path, source }
    }

    /// A [`StoreError::Parquet`] builder for `map_err`.
    pub(crate) fn parquet<E: std::fmt::Display>(
        path: impl Into<PathBuf>,
        context: &str,
    ) -> impl FnOnce(E) -> Self {
        let path = path.into();
        let context = context.to_owned();
        move |e| Self::Parquet {
            path,
            reason: format!("{context}: {e}"),
        }
    }
}
