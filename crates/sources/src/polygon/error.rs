//! Errors of the Polygon/Massive decoder and clients.
//!
//! Every variant names what it is about: the WebSocket frame (truncated to
//! [`crate::polygon::FRAME_EXCERPT_CHARS`] characters) and the event's index and field, or the URL
//! of a connection or request. URLs are always written **without** the API key (REST requests carry
//! it as the `apiKey` query parameter, which is stripped from every URL an error shows, and any
//! occurrence of the key in a transport message is replaced by `***`).

use thiserror::Error;

/// What can go wrong talking to Polygon/Massive.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PolygonError {
    /// No API key in the environment.
    #[error("no API key: set POLYGON_API_KEY or MASSIVE_API_KEY")]
    MissingApiKey,
    /// A WebSocket text frame that is not a JSON array of objects.
    #[error("frame {frame:?}: {reason}")]
    Frame {
        /// The frame's text, truncated.
        frame: String,
        /// What is wrong.
        reason: String,
    },
    /// One event of a frame cannot be decoded (the frame's other events still are).
    #[error("frame {frame:?}, event {index} ({ev}), field {field:?}: {reason}")]
    Event {
        /// The frame's text, truncated.
        frame: String,
        /// Index of the event in the frame's array (0-based).
        index: usize,
        /// The event's `ev` value (empty if absent).
        ev: String,
        /// The JSON field at fault (`ev` itself for an unknown event type).
        field: String,
        /// What was expected, and what was found.
        reason: String,
    },
    /// The server answered the authentication with `auth_failed` (a bad or unentitled key). Fatal:
    /// the client does not retry.
    #[error("{url}: authentication failed: {message}")]
    AuthFailed {
        /// The WebSocket URL.
        url: String,
        /// The server's message.
        message: String,
    },
    /// The server sent a status `error` (or another status the client did not expect).
    #[error("{url}: server status {status:?}: {message}")]
    ServerStatus {
        /// The WebSocket URL.
        url: String,
        /// The `status` field.
        status: String,
        /// The `message` field.
        message: String,
    },
    /// Connecting (TCP, TLS, WebSocket handshake) failed; the client retries with backoff.
    #[error("{url}: cannot connect: {reason}")]
    Connect {
        /// The WebSocket URL.
        url: String,
        /// The transport's message.
        reason: String,
    },
    /// An established WebSocket connection ended or misbehaved; the client reconnects.
    #[error("{url}: connection lost: {reason}")]
    Disconnected {
        /// The WebSocket URL.
        url: String,
        /// What happened (closed by the server, I/O error, no frame for N seconds, ...).
        reason: String,
    },
    /// The server broke the protocol (e.g. the first message was not `connected`).
    #[error("{url}: protocol error: {reason}")]
    Protocol {
        /// The WebSocket URL.
        url: String,
        /// What was expected and what arrived.
        reason: String,
    },
    /// Starting the source needs a Tokio runtime and none is running.
    #[error("the polygon source must be started inside a Tokio runtime")]
    NoRuntime,
    /// A setting read from the environment cannot be used (e.g. `POLYGON_SNAPSHOT_SECONDS=abc`).
    #[error("{name}={value:?}: {reason}")]
    InvalidSetting {
        /// The variable's name.
        name: String,
        /// Its value.
        value: String,
        /// What is expected.
        reason: String,
    },
    /// A configured URL cannot be used.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as configured (without the key).
        url: String,
        /// Why it is invalid.
        reason: String,
    },
    /// An option contract that has no Polygon/Massive ticker (strike or expiry outside the symbol
    /// format).
    #[error("contract {contract}: {reason}")]
    Contract {
        /// The contract, readable form.
        contract: String,
        /// Why it has no ticker.
        reason: String,
    },
    /// A REST request could not be sent or its body not read (network error).
    #[error("{url}: request failed: {reason}")]
    Request {
        /// The request URL without the key.
        url: String,
        /// The transport's message.
        reason: String,
    },
    /// A REST request kept failing with a retryable status (429, 5xx) or a non-retryable one.
    #[error("{url}: HTTP {status} after {attempts} attempt(s): {body}")]
    Http {
        /// The request URL without the key.
        url: String,
        /// The last HTTP status.
        status: u16,
        /// How many attempts were made.
        attempts: u32,
        /// The start of the last response body (200 characters).
        body: String,
    },
    /// A REST response body is not the expected JSON.
    #[error("{url}: invalid response: {reason}")]
    Response {
        /// The request URL without the key.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// One result of a REST list (snapshot entry, condition) cannot be decoded; the others are.
    #[error("{url}: result {index}, field {field:?}: {reason}")]
    ResultField {
        /// The request URL without the key.
        url: String,
        /// Index of the result in the page's `results` array (0-based).
        index: usize,
        /// The JSON path of the field, e.g. `last_quote.bid`.
        field: String,
        /// What was expected, and what was found.
        reason: String,
    },
}
