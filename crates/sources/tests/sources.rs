//! Integration tests of `gammaflow-sources` (one binary; modules in `tests/sources/`).

// Test code may unwrap and panic: a failure is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod sources {
    mod cboe_legacy;
    mod cboe_props;
    mod cboe_real;
    mod databento;
    mod databento_write;
    mod polygon;
    mod sim;
}
