//! Databento file replay: DBN (`.dbn`, `.dbn.zst`, versions 1–3) and Databento CSV (`.csv`,
//! `.csv.zst`) into `model` events. (Being built: see issue 3 §3.)

mod error;

pub use error::DatabentoError;

pub mod write;
