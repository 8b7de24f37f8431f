//! Integration tests of the analytics crate: a lake written with `gammaflow-store` from known
//! rows, read back with SQL and the named queries. Every test works in its own directory under the
//! system temp dir, removed at the end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "analytics/chain.rs"]
mod chain;
#[path = "analytics/common.rs"]
mod common;
#[path = "analytics/lake.rs"]
mod lake;
#[path = "analytics/named.rs"]
mod named;
#[path = "analytics/sql.rs"]
mod sql;
