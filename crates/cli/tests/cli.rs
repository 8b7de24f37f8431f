//! End-to-end tests of the `gammaflow` binary on the bundled real chains.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

fn gammaflow(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gammaflow"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn sample(name: &str) -> String {
    format!("{}/../../data/samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn analyzes_the_readme_chain() {
    let (ok, stdout, stderr) =
        gammaflow(&["chain", "analyze", &sample("SPY_quotedata_2025-09-25.csv")]);
    assert!(ok, "{stderr}");
    // The first expiry after the 2025-09-25 quote time is 2025-10-01: 166 strikes, calls and puts.
    assert!(stdout.contains("expiry 2025-10-01"), "{stdout}");
    assert!(stdout.contains("332 contracts"), "{stdout}");
    let summary = stdout.lines().find(|l| l.starts_with("total GEX")).unwrap();
    // Zero gamma lies inside the ±3 % profile window around spot 658.05.
    let zero: f64 = summary
        .split("zero gamma Some(")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((638.0..678.0).contains(&zero), "{summary}");
    // Contracts without a usable quote are listed with their reason, not dropped.
    assert!(stdout.contains("zero_quote"));
}

#[test]
fn analyzes_the_0dte_expiry_before_the_close() {
    let file = sample("SPY_quotedata_2025-06-09_close_with_0DTE.csv");
    let args = [
        "chain",
        "analyze",
        &file,
        "--expiry",
        "0dte",
        "--valuation-time",
        "2025-06-09T15:00",
    ];
    let (ok, stdout, stderr) = gammaflow(&args);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("expiry 2025-06-09"), "{stdout}");
    assert!(stdout.contains("ATM Some(599.0)"), "{stdout}");
}

#[test]
fn expired_0dte_at_the_quote_time_is_a_clear_error() {
    let file = sample("SPY_quotedata_2025-06-09_close_with_0DTE.csv");
    let (ok, _, stderr) = gammaflow(&["chain", "analyze", &file, "--expiry", "0dte"]);
    assert!(!ok);
    assert!(stderr.contains("2025-06-09"), "{stderr}");
}

#[test]
fn missing_file_names_the_file() {
    let (ok, _, stderr) = gammaflow(&["chain", "analyze", "no/such/chain.csv"]);
    assert!(!ok);
    assert!(stderr.contains("no/such/chain.csv"), "{stderr}");
}
