//! Integration tests of `gammaflow-master`, one module per engine under `tests/master/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod master {
    mod build;
    mod config;
    mod export;
    mod gex;
    mod iv;
    mod loaders;
    mod oi;
    mod opra;
    mod ranges;
    mod rv;
    mod validate;
}
