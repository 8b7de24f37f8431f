//! Integration tests of `gammaflow-server` (one binary; modules in `tests/server/`).

// Test code may unwrap and panic: a failure is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod server {
    mod desk;
    mod http;
    mod market;
}
