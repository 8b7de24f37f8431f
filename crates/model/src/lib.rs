//! gammaflow's domain types (placeholder, being written).
