//! The lake as other tools see it: DuckDB (its Python package) reads what `gammaflow flow --lake`
//! wrote (the test is in `flow.rs`: its counts and sums must equal the engine's own totals).
//!
//! DuckDB comes from PyPI: if `import duckdb` fails, the test installs it with pip into a folder
//! of the build directory (`CARGO_TARGET_TMPDIR/pydeps`), so a fresh machine needs only Python 3
//! and pip (CI's `.ci/run` has them; the README says so).

use std::path::{Path, PathBuf};
use std::process::Command;

/// A `PYTHONPATH` under which `import duckdb` works, installing the package if needed.
fn duckdb_path() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pydeps");
    let importable = |dir: &Path| {
        Command::new("python3")
            .args(["-c", "import duckdb"])
            .env("PYTHONPATH", dir)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !importable(&dir) {
        let status = Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .arg("--target")
            .arg(&dir)
            .arg("duckdb")
            .status()
            .expect("python3 must be installed to run the DuckDB lake test");
        assert!(
            status.success(),
            "pip could not install duckdb into {}",
            dir.display()
        );
    }
    assert!(
        importable(&dir),
        "duckdb not importable from {}",
        dir.display()
    );
    dir
}

/// Row count, sum of `size` and the exact premium sum `Σ price_raw × size × 100` (raw units of
/// 1e-9 US$) of every flow file under `lake`, as DuckDB computes them.
pub fn duckdb_totals(lake: &str) -> (u64, u64, i128) {
    let query = format!(
        "import duckdb\n\
         r = duckdb.sql(\"select count(*), sum(size), sum(price_raw::hugeint * size * 100) \
         from read_parquet('{lake}/raw/flow/**/*.parquet', hive_partitioning = true)\").fetchall()[0]\n\
         print(r[0], r[1], r[2])\n"
    );
    let out = Command::new("python3")
        .args(["-c", &query])
        .env("PYTHONPATH", duckdb_path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let got: Vec<&str> = stdout.split_whitespace().collect();
    (
        got[0].parse().unwrap(),
        got[1].parse().unwrap(),
        got[2].parse().unwrap(),
    )
}
