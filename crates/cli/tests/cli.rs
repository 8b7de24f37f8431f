//! End-to-end tests of the `gammaflow` binary (one test binary; modules in `tests/cli/`): the
//! real Cboe chains, the hand-written 2020-era sample, the 50-digit oracle, and error messages.

// Test code may unwrap and panic: a failure is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli {
    mod chain;
    mod errors;
    mod flow;
    mod iv;
    mod lake_duckdb;
    mod master;
    mod query;
    mod serve;
    mod support;
    mod tape;
}
