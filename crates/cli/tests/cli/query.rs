//! `gammaflow query`: SQL and the named queries over a lake written by `gammaflow flow --lake`.

use super::support::{gammaflow, temp_path};

/// `N prints enriched (C contracts, premium P US$); E events` → (N, C, P).
fn flow_totals(stderr: &str) -> (u64, u64, gammaflow_model::Money) {
    let line = stderr
        .lines()
        .find(|l| l.contains("prints enriched"))
        .unwrap();
    let numbers: Vec<&str> = line
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|t| !t.is_empty())
        .collect();
    (
        numbers[0].parse().unwrap(),
        numbers[1].parse().unwrap(),
        numbers[2].parse().unwrap(),
    )
}

#[test]
fn query_reads_what_flow_wrote() {
    let dir = temp_path("query-lake");
    let lake = dir.display().to_string();
    let run = gammaflow(&[
        "flow",
        "--date",
        "2025-06-09",
        "--until",
        "09:45",
        "--every",
        "0",
        "--lake",
        &lake,
    ]);
    assert!(run.ok, "{}", run.stderr);
    let (prints, contracts, premium) = flow_totals(&run.stderr);
    assert!(prints > 0);

    // Ad-hoc SQL: every print once, the engine's volume and exact premium.
    let run = gammaflow(&[
        "query",
        "SELECT count(*) AS n, sum(size) AS size, CAST(sum(premium) AS VARCHAR) AS premium FROM flow_v",
        "--lake",
        &lake,
        "--format",
        "json",
    ]);
    assert!(run.ok, "{}", run.stderr);
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(rows[0]["n"], prints, "{}", run.stdout);
    assert_eq!(rows[0]["size"], contracts, "{}", run.stdout);
    let sum: gammaflow_model::Money = rows[0]["premium"].as_str().unwrap().parse().unwrap();
    assert_eq!(sum, premium);

    // CSV and the default table.
    let run = gammaflow(&[
        "query",
        "SELECT count(*) AS n FROM flow",
        "--lake",
        &lake,
        "--format",
        "csv",
    ]);
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(run.stdout, format!("n\n{prints}\n"));
    let run = gammaflow(&["query", "SELECT count(*) AS n FROM flow", "--lake", &lake]);
    assert!(run.ok, "{}", run.stderr);
    assert!(run.stdout.ends_with("(1 row)\n"), "{}", run.stdout);

    // A named query: the day's prints counted by side add up to the lake's non-excluded prints.
    let run = gammaflow(&[
        "query",
        "--named",
        "premium-by-side",
        "--param",
        "date=2025-06-09",
        "--param",
        "root=SPXW",
        "--lake",
        &lake,
        "--format",
        "json",
    ]);
    assert!(run.ok, "{}", run.stderr);
    let sides: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let trades: u64 = sides
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["trades"].as_u64().unwrap())
        .sum();
    let run = gammaflow(&[
        "query",
        "SELECT count(*) AS n FROM flow_v WHERE NOT excluded AND root = 'SPXW'",
        "--lake",
        &lake,
        "--format",
        "csv",
    ]);
    assert_eq!(run.stdout, format!("n\n{trades}\n"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn query_lists_the_named_queries_and_reports_bad_input() {
    let run = gammaflow(&["query", "--list"]);
    assert!(run.ok, "{}", run.stderr);
    for name in [
        "net-delta-by-strike",
        "flow-series",
        "premium-by-side",
        "top-trades",
        "lake-dates",
        "chain-minutes",
        "chain-at",
    ] {
        assert!(run.stdout.contains(name), "{}", run.stdout);
    }
    let run = gammaflow(&["query", "--list", "--format", "json"]);
    let catalog: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(catalog.as_array().unwrap().len(), 7);

    let lake = temp_path("query-empty").display().to_string();
    // An empty lake answers with no rows.
    let run = gammaflow(&[
        "query",
        "--named",
        "top-trades",
        "--param",
        "date=2025-06-09",
        "--lake",
        &lake,
        "--format",
        "json",
    ]);
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(run.stdout, "[]\n");
    // Bad parameters and bad SQL fail with exit code 1, naming the problem.
    let run = gammaflow(&[
        "query",
        "--named",
        "top-trades",
        "--param",
        "date=2025-06-09",
        "--param",
        "limit=9999",
        "--lake",
        &lake,
    ]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("\"limit\""), "{}", run.stderr);
    let run = gammaflow(&["query", "SELECT nope FROM flow", "--lake", &lake]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("nope"), "{}", run.stderr);
    // Neither SQL nor --named nor --list is a usage error.
    let run = gammaflow(&["query", "--lake", &lake]);
    assert_eq!(run.code, Some(2));
}
