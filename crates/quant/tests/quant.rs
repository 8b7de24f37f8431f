//! The `quant` crate's integration tests, against the 50-digit oracle in `../shared/data/options-oracle`.

mod quant {
    mod gex_example;
    mod oracle;
    mod oracle_iv;
}
