//! Integration tests of `gammaflow-master`, one module per engine under `tests/master/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod master {
    mod config;
    mod loaders;
    mod rv;
    mod validate;
}
