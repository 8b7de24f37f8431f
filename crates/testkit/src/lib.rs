//! Dev-only fixtures for gammaflow's tests.
//!
//! The real market data that tests run against lives outside the repository, in `../shared/data/`
//! (read-only, see its README). [`shared_data`] finds a file there from any crate's tests;
//! [`make_writable`] undoes the builder's read-only outputs before a test cleans up.
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

/// Clears the read-only bit of every file under `dir`, recursively (the master builder makes its
/// finalized outputs read-only; tests call this before deleting or rewriting them). A missing
/// `dir` is fine: nothing to do. Errors with the first I/O error met while walking `dir`.
pub fn make_writable(dir: &Path) -> std::io::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for e in entries {
        let p = e?.path();
        if p.is_dir() {
            make_writable(&p)?;
        } else {
            let mut perm = std::fs::metadata(&p)?.permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perm.set_readonly(false);
            std::fs::set_permissions(&p, perm)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_oracle_table() {
        assert!(super::shared_data("options-oracle/oracle_public.csv").is_file());
    }
}
