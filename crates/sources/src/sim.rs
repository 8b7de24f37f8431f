//! The built-in market simulator, gammaflow's default source. (Being built: see issue 3 §1.)

mod error;

pub use error::SimError;
