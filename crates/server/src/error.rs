//! The server's error type.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the server could not start or stopped with an error.
///
/// Every variant carries the address or path it is about.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The listening socket could not be opened.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address asked for.
        address: SocketAddr,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The listener's bound address could not be read.
    #[error("cannot read the listening socket's address: {source}")]
    LocalAddr {
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The HTTP server stopped with an I/O error.
    #[error("HTTP server on {address} failed: {source}")]
    Serve {
        /// The address the server listened on.
        address: SocketAddr,
        /// The error.
        source: std::io::Error,
    },
    /// The dashboard's directory is not usable.
    #[error("web directory {path}: {reason}")]
    WebDir {
        /// The configured directory.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The engine refused its configuration.
    #[error("engine: {0}")]
    Engine(#[source] gammaflow_engine::EngineError),
    /// The lake could not be opened, written or closed.
    #[error("lake at {path}: {source}")]
    Lake {
        /// The lake's root directory.
        path: PathBuf,
        /// The store's error.
        source: gammaflow_store::StoreError,
    },
}
