//! Dev-only fixtures for gammaflow's tests.
//!
//! The real market data that tests run against lives outside the repository, in `../shared/data/`
//! (read-only, see its README). [`shared_data`] finds a file there from any crate's tests.
//! [`polygon::FakePolygon`] is a local fake of the Polygon/Massive WebSocket and REST servers.
//!
//! ```
//! let oracle = gammaflow_testkit::shared_data("options-oracle/oracle_public.csv");
//! assert!(oracle.ends_with("options-oracle/oracle_public.csv"));
//! ```

use std::path::{Path, PathBuf};

pub mod polygon;

/// Absolute path of `relative` inside the shared data folder (`<workspace>/../shared/data`).
///
/// The folder is found by walking up from this crate's manifest directory until a directory
/// containing `shared/data` appears, so it works from a checkout at any depth. If no such folder
/// exists, the path is still returned (relative to the workspace's parent) so that the test's own
/// file-open error names the missing file.
pub fn shared_data(relative: &str) -> PathBuf {
    shared_data_root().join(relative)
}

/// The shared data folder itself (see [`shared_data`]).
pub fn shared_data_root() -> PathBuf {
    let start = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in start.ancestors() {
        let candidate = dir.join("shared").join("data");
        if candidate.is_dir() {
            return candidate;
        }
    }
    start.join("../../../shared/data")
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_oracle_table() {
        assert!(super::shared_data("options-oracle/oracle_public.csv").is_file());
    }
}
