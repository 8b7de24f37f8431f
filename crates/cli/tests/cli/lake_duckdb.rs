//! The lake as other tools see it: DuckDB (its Python package) reads what `gammaflow flow --lake`
//! wrote, both tables (the test is in `flow.rs`: its counts and sums must equal the engine's own
//! totals and what the store's Rust reader reads back).
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

/// Runs a Python snippet with DuckDB importable; its stdout split on whitespace.
fn duckdb_run(script: &str) -> Vec<String> {
    let out = Command::new("python3")
        .args(["-c", script])
        .env("PYTHONPATH", duckdb_path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// What DuckDB sees of the chain snapshots under `lake`.
pub struct ChainTotals {
    /// Rows.
    pub rows: u64,
    /// Distinct snapshot minutes.
    pub minutes: u64,
    /// Σ volume over every row.
    pub volume: u64,
    /// Σ premium over every row, exact decimal text (DECIMAL(38,9)).
    pub premium: String,
    /// Contracts whose largest snapshot volume exceeds the volume of their non-excluded prints
    /// in the flow table (must be none: a snapshot's cumulative volume counts a subset of them).
    pub volume_violations: u64,
}

/// Reads `raw/chain/**/*.parquet` (hive partitioning) with DuckDB, and checks it against
/// `raw/flow`.
pub fn duckdb_chain_totals(lake: &str) -> ChainTotals {
    let script = format!(
        "import duckdb\n\
         chain = \"read_parquet('{lake}/raw/chain/**/*.parquet', hive_partitioning = true)\"\n\
         flow = \"read_parquet('{lake}/raw/flow/**/*.parquet', hive_partitioning = true)\"\n\
         r = duckdb.sql(f\"select count(*), count(distinct ts), sum(volume), \
         sum(premium)::varchar from {{chain}}\").fetchall()[0]\n\
         v = duckdb.sql(f\"select count(*) from (select option_symbol, max(volume) v from {{chain}} \
         group by 1) c left join (select option_symbol, sum(size) s from {{flow}} where not excluded \
         group by 1) f using (option_symbol) where c.v > coalesce(f.s, 0)\").fetchall()[0][0]\n\
         print(r[0], r[1], r[2], r[3], v)\n"
    );
    let got = duckdb_run(&script);
    ChainTotals {
        rows: got[0].parse().unwrap(),
        minutes: got[1].parse().unwrap(),
        volume: got[2].parse().unwrap(),
        premium: got[3].clone(),
        volume_violations: got[4].parse().unwrap(),
    }
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
