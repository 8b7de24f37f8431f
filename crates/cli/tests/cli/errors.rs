//! Error messages and exit codes.

use super::support::*;

#[test]
fn missing_file_names_the_file() {
    let run = gammaflow(&["chain", "analyze", "no/such/chain.csv"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .starts_with("error: cannot read no/such/chain.csv"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_column_header_names_file_line_and_column() {
    let text = std::fs::read_to_string(cboe(SEPTEMBER)).unwrap().replacen(
        "Open Interest,Strike",
        "OI,Strike",
        1,
    );
    let path = temp_path("bad-header.csv");
    std::fs::write(&path, text).unwrap();
    let run = gammaflow(&["chain", "analyze", &path.display().to_string()]);
    assert_eq!(run.code, Some(1));
    let msg = run.stderr.trim();
    assert!(msg.contains("bad-header.csv"), "{msg}");
    assert!(
        msg.ends_with(
            "line 4: unexpected column header: column 11 is \"OI\", expected \"Open Interest\""
        ),
        "{msg}"
    );
}

#[test]
fn bad_rows_are_reported_and_skipped() {
    let text = std::fs::read_to_string(cboe(SEPTEMBER))
        .unwrap()
        .replacen(",157.1,", ",157.x,", 1);
    let path = temp_path("bad-row.csv");
    std::fs::write(&path, text).unwrap();
    let run = gammaflow(&[
        "chain",
        "analyze",
        &path.display().to_string(),
        "--per",
        "summary",
        "--format",
        "json",
    ]);
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stderr.contains("line 5, column 5 (call bid)"),
        "{}",
        run.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["summary"]["skipped_rows"], 1);
    assert_eq!(v["summary"]["contracts"], 330);
}

#[test]
fn empty_selection_lists_the_expiries() {
    let run = gammaflow(&["chain", "analyze", &cboe(SEPTEMBER), "--expiry", "0dte"]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("no contracts match"), "{}", run.stderr);
    assert!(
        run.stderr.contains("2025-10-01, 2025-10-02"),
        "{}",
        run.stderr
    );
}

#[test]
fn csv_needs_one_table() {
    let run = gammaflow(&[
        "chain",
        "analyze",
        &cboe(SEPTEMBER),
        "--format",
        "csv",
        "--per",
        "all",
    ]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("CSV holds one table"), "{}", run.stderr);
}

#[test]
fn bad_arguments_are_usage_errors() {
    let run = gammaflow(&["chain", "analyze", &cboe(SEPTEMBER), "--expiry", "tomorrow"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("expected next, 0dte, all or a date"),
        "{}",
        run.stderr
    );
    let run = gammaflow(&[
        "chain",
        "analyze",
        &cboe(SEPTEMBER),
        "--valuation-time",
        "3pm",
    ]);
    assert_eq!(run.code, Some(2));
}
