//! The `quant` crate's integration tests, against the 50-digit oracle in `../shared/data/options-oracle`.

// Test code may unwrap and panic: a failure is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod quant {
    mod gex_example;
    mod oracle;
    mod oracle_iv;
}
