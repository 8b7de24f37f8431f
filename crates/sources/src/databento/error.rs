//! Errors of the Databento decoders and replay.

use thiserror::Error;

/// What can go wrong reading Databento files.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DatabentoError {
    /// A file could not be read.
    #[error("{path}: {reason}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's message.
        reason: String,
    },
    /// The input does not start with the `DBN` signature (and is not zstd or legacy DBZ).
    #[error("{file}: not a DBN stream: expected the signature \"DBN\", found bytes {found}")]
    BadMagic {
        /// The file (or stream name given to the decoder).
        file: String,
        /// The first bytes found, in hex.
        found: String,
    },
    /// The DBN version byte is not one this reader decodes (1, 2 or 3).
    #[error("{file}: unsupported DBN version {version} (this reader decodes versions 1 to 3)")]
    UnsupportedVersion {
        /// The file.
        file: String,
        /// The version byte found.
        version: u8,
    },
    /// A legacy `.dbz` file: the `dbn` crate is built without its zstd feature, so DBZ is not read.
    #[error(
        "{file}: legacy DBZ format is not supported; convert it to DBN with Databento's `dbn` tool"
    )]
    LegacyDbz {
        /// The file.
        file: String,
    },
    /// The input is zstd-compressed but was given to the decoder of decompressed bytes.
    #[error("{file}: the input is zstd-compressed; decompress it first (or use databento::open)")]
    Compressed {
        /// The file.
        file: String,
    },
    /// The metadata header is malformed or the input ends inside it.
    #[error("{file}: bad DBN metadata: {reason}")]
    Metadata {
        /// The file.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// The input ends inside a record.
    #[error(
        "{file}: record {record} is truncated: the input ends after {have} of its {need} bytes"
    )]
    TruncatedRecord {
        /// The file.
        file: String,
        /// Index of the record (0-based, counting every record of the stream).
        record: u64,
        /// Bytes of the record present.
        have: usize,
        /// Bytes the record needs (its header's length, or the header size if even that is cut).
        need: usize,
    },
    /// A record is malformed (bad length, unknown code, value out of range).
    #[error("{file}: record {record}: {reason}")]
    Record {
        /// The file.
        file: String,
        /// Index of the record (0-based).
        record: u64,
        /// What is wrong.
        reason: String,
    },
    /// The zstd layer failed (corrupt or truncated frame).
    #[error("{file}: bad zstd data: {reason}")]
    Zstd {
        /// The file.
        file: String,
        /// The zstd library's message.
        reason: String,
    },
    /// A fragment (`.dbn.frag`) was opened without a way to know its DBN version.
    #[error("{file}: {reason}")]
    Fragment {
        /// The file.
        file: String,
        /// What is missing.
        reason: String,
    },
    /// The CSV header line lacks a column the rows need, or is not a Databento header.
    #[error("{file}: line {line}: bad CSV header: {reason}")]
    CsvHeader {
        /// The file.
        file: String,
        /// The line (1-based).
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// A CSV line is malformed or one of its fields cannot be parsed.
    #[error("{file}: line {line}, column {column:?}: {reason}; found {text:?}")]
    CsvField {
        /// The file.
        file: String,
        /// The line (1-based, the header is line 1).
        line: u64,
        /// The column name (empty when the whole line is at fault).
        column: String,
        /// The offending text (truncated to 200 characters).
        text: String,
        /// What was expected.
        reason: String,
    },
    /// The DBN or CSV encoder refused the metadata or a record of a file being written.
    #[error("{path}: cannot encode: {reason}")]
    Encode {
        /// The file being written.
        path: String,
        /// The encoder's message.
        reason: String,
    },
    /// An event given to the writer cannot be written as a Databento record.
    #[error("event {index} ({instrument}): cannot write it to Databento: {reason}")]
    Unwritable {
        /// Position of the event in the slice given to the writer (0-based).
        index: usize,
        /// The event's instrument, as the model displays it.
        instrument: String,
        /// What is wrong (undefined price, symbol out of range, unknown exchange id, ...).
        reason: String,
    },
    /// The writer's options, or the day as a whole, cannot be written.
    #[error("cannot write Databento files: {reason}")]
    WriteSetup {
        /// What is wrong.
        reason: String,
    },
}
