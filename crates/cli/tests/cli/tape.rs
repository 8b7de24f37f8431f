//! `gammaflow tape` and `gammaflow sim`: the simulator as a tape, the Polygon key check, and a
//! simulated day written as Databento files and read back by the replay source.

use super::support::{Run, gammaflow, gammaflow_without, temp_path};

/// Runs with the Polygon/Massive key variables removed from the environment.
fn without_keys(args: &[&str]) -> Run {
    gammaflow_without(args, &["POLYGON_API_KEY", "MASSIVE_API_KEY"])
}

fn jsonl(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn the_simulator_tape_is_deterministic_and_ordered() {
    // Definitions and open interest of every listed contract come first (06:00 and 06:30 ET),
    // then ES from 08:00.
    let args = [
        "tape",
        "--date",
        "2025-06-09",
        "--limit",
        "3000",
        "--format",
        "jsonl",
    ];
    let first = gammaflow(&args);
    assert!(first.ok, "{}", first.stderr);
    let events = jsonl(&first.stdout);
    assert_eq!(events.len(), 3000);
    let recv: Vec<u64> = events
        .iter()
        .map(|e| e["ts_recv"].as_u64().unwrap())
        .collect();
    assert!(recv.windows(2).all(|w| w[0] <= w[1]), "ordered by ts_recv");
    // Prices are exact decimal strings.
    let quote = events.iter().find(|e| e["type"] == "quote").unwrap();
    assert!(quote["bid"].as_str().unwrap().parse::<f64>().is_ok());
    let again = gammaflow(&args);
    assert_eq!(first.stdout, again.stdout);
    let other_seed = gammaflow(&[&args[..], &["--seed", "7"]].concat());
    assert_ne!(first.stdout, other_seed.stdout);
}

#[test]
fn the_window_subscribes_0dte_options_around_spx() {
    let run = gammaflow(&[
        "tape",
        "--date",
        "2025-06-09",
        "--limit",
        "30000",
        "--format",
        "jsonl",
        "--window",
        "1",
    ]);
    assert!(run.ok, "{}", run.stderr);
    let events = jsonl(&run.stdout);
    let spx: Vec<f64> = events
        .iter()
        .filter(|e| e["type"] == "index")
        .map(|e| e["value"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(!spx.is_empty(), "the cash session started within the limit");
    // Trades and quotes of options (definitions and open interest of every contract always pass).
    let options: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["type"] == "trade" || e["type"] == "quote")
        .filter(|e| e["instrument"].as_str().unwrap().starts_with("O:"))
        .collect();
    assert!(!options.is_empty());
    for o in options {
        let symbol = o["instrument"].as_str().unwrap();
        // O:SPXW250609C06000000: the 0DTE expiry, strikes within a few points of SPX.
        assert!(symbol.starts_with("O:SPXW250609"), "{symbol}");
        let strike: f64 = symbol[symbol.len() - 8..].parse::<f64>().unwrap() / 1000.0;
        let (lo, hi) = spx
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
        assert!(
            strike >= lo - 10.0 && strike <= hi + 10.0,
            "{symbol} vs SPX {lo}..{hi}"
        );
    }
}

#[test]
fn bad_source_arguments_are_named() {
    let run = without_keys(&["tape", "--source", "polygon"]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("POLYGON_API_KEY"), "{}", run.stderr);
    let run = gammaflow(&["tape", "--source", "replay"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains("--source replay needs at least one --file")
    );
    let run = gammaflow(&["tape", "--speed", "0"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("expected `max` or a positive factor"),
        "{}",
        run.stderr
    );
    let run = gammaflow(&[
        "tape",
        "--source",
        "replay",
        "--file",
        "/nonexistent/x.dbn.zst",
    ]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("/nonexistent/x.dbn.zst"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_simulated_day_is_written_as_databento_files_and_replays() {
    let dir = temp_path("sim");
    let out = dir.display().to_string();
    // A Saturday: nothing to write.
    let run = gammaflow(&["sim", "--date", "2025-06-07", "--out", &out]);
    assert!(run.ok, "{}", run.stderr);
    assert!(run.stderr.contains("no trading day"), "{}", run.stderr);
    let run = gammaflow(&[
        "sim",
        "--date",
        "2025-06-09",
        "--out",
        &out,
        "--activity",
        "0.002",
        "--spxw-strikes",
        "4",
        "--spy-strikes",
        "2",
        "--es-strikes",
        "2",
        "--expiries",
        "1",
        "--format",
        "dbn",
    ]);
    assert!(run.ok, "{}", run.stderr);
    assert!(run.stderr.contains("2025-06-09:"), "{}", run.stderr);
    let trades = dir.join("OPRA.PILLAR/trades/2025-06-09.dbn.zst");
    assert!(trades.exists(), "{}", run.stderr);
    let replay = gammaflow(&[
        "tape",
        "--source",
        "replay",
        "--file",
        &trades.display().to_string(),
        "--format",
        "jsonl",
        "--limit",
        "50",
    ]);
    assert!(replay.ok, "{}", replay.stderr);
    let events = jsonl(&replay.stdout);
    assert_eq!(events.len(), 50);
    assert!(events.iter().all(|e| e["type"] == "trade"));
    assert!(events.iter().any(|e| {
        e["instrument"]
            .as_str()
            .unwrap()
            .starts_with("O:SPXW250609")
    }));
    std::fs::remove_dir_all(&dir).ok();
}
