//! The gammaflow binary.
fn main() {}
