//! The lake as other tools see it: DuckDB (its Python package) reads what `gammaflow flow --lake`
//! wrote, and its counts and sums equal the engine's own totals.
//!
//! DuckDB comes from PyPI: if `import duckdb` fails, the test installs it with pip into a folder
//! of the build directory (`CARGO_TARGET_TMPDIR/pydeps`), so a fresh machine needs only Python 3
//! and pip (CI's `.ci/run` has them; the README says so).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::support::{gammaflow, temp_path};

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

#[test]
fn duckdb_reads_the_lake_with_the_engines_totals() {
    let dir = temp_path("duckdb-lake");
    let lake = dir.display().to_string();
    let run = gammaflow(&[
        "flow",
        "--date",
        "2025-06-09",
        "--until",
        "10:00",
        "--every",
        "0",
        "--lake",
        &lake,
    ]);
    assert!(run.ok, "{}", run.stderr);
    // `N prints enriched (C contracts, premium P US$); E events`
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("prints enriched"))
        .unwrap();
    let numbers: Vec<&str> = line
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|t| !t.is_empty())
        .collect();
    let (prints, contracts, premium) = (numbers[0], numbers[1], numbers[2]);

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
    assert_eq!(got[0], prints, "row count");
    assert_eq!(got[1], contracts, "sum of size");
    // DuckDB's sum is in raw units (1e-9 US$): compare exactly with the engine's decimal.
    let engine_raw: gammaflow_model::Money = premium.parse().unwrap();
    assert_eq!(got[2], engine_raw.raw().to_string(), "premium");
    std::fs::remove_dir_all(&dir).ok();
}
