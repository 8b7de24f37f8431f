//! Running the binary and locating files.

use std::path::PathBuf;
use std::process::Command;

/// What a run of the binary gave.
pub struct Run {
    pub ok: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

pub fn gammaflow(args: &[&str]) -> Run {
    gammaflow_without(args, &[])
}

/// Runs with the named environment variables removed.
pub fn gammaflow_without(args: &[&str], removed_env: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gammaflow"));
    command.args(args);
    for name in removed_env {
        command.env_remove(name);
    }
    let out = command.output().unwrap();
    Run {
        ok: out.status.success(),
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Runs and expects success, returning stdout parsed as JSON.
pub fn json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let run = gammaflow(&all);
    assert!(run.ok, "{args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

pub fn cboe(name: &str) -> String {
    gammaflow_testkit::shared_data(&format!("cboe/{name}"))
        .display()
        .to_string()
}

pub const JUNE: &str = "SPY_quotedata_2025-06-09_close_with_0DTE.csv";
pub const SEPTEMBER: &str = "SPY_quotedata_2025-09-25.csv";

pub fn legacy_sample() -> String {
    format!(
        "{}/../sources/tests/data/SPX_quotedata_2020-03-22_sample.dat",
        env!("CARGO_MANIFEST_DIR")
    )
}

pub fn oracle() -> String {
    gammaflow_testkit::shared_data("options-oracle/oracle_public.csv")
        .display()
        .to_string()
}

/// A fresh path in the temporary directory (unique per process and tag).
pub fn temp_path(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gammaflow-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(tag)
}
