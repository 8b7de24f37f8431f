//! `gammaflow flow`: the terminal flow desk on the simulator.

use super::support::gammaflow;

#[test]
fn the_desk_shows_the_window_around_the_money() {
    let run = gammaflow(&[
        "flow",
        "--date",
        "2025-06-09",
        "--until",
        "10:15",
        "--every",
        "0",
        "--format",
        "json",
        "--window",
        "2",
    ]);
    assert!(run.ok, "{}", run.stderr);
    let grid: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let strikes = grid["strikes"].as_array().unwrap();
    assert_eq!(strikes.len(), 5, "{}", run.stdout);
    // High to low, the centre flagged, 5-point SPXW strikes.
    let k: Vec<f64> = strikes
        .iter()
        .map(|r| r["strike"].as_f64().unwrap())
        .collect();
    assert!(k.windows(2).all(|w| w[0] - w[1] == 5.0), "{k:?}");
    assert_eq!(strikes[2]["atm"], "*");
    let spot = grid["desk"]["spot"].as_f64().unwrap();
    assert!((spot - k[2]).abs() <= 5.0, "spot {spot} vs centre {}", k[2]);
    // Some flow and IVs near the money by 10:15.
    let volume: u64 = strikes
        .iter()
        .map(|r| r["call_vol"].as_u64().unwrap() + r["put_vol"].as_u64().unwrap())
        .sum();
    assert!(volume > 0);
    assert!(
        strikes
            .iter()
            .any(|r| r["call_iv"].as_f64().is_some_and(|v| v > 0.0))
    );
    assert!(run.stderr.contains("prints enriched"));
}

#[test]
fn the_desk_writes_every_print_to_the_lake_once_and_duckdb_reads_it() {
    let dir = super::support::temp_path("lake");
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
    let prints: usize = numbers[0].parse().unwrap();
    let contracts: u64 = numbers[1].parse().unwrap();
    let premium: gammaflow_model::Money = numbers[2].parse().unwrap();
    assert!(prints > 0);
    assert!(
        run.stderr
            .contains(&format!("{prints} rows accepted, {prints} persisted"))
    );
    // Compacted at the end: one file for the day, every print once, in sequence order.
    let day = jiff::civil::date(2025, 6, 9);
    assert_eq!(gammaflow_store::day_files(&dir, day).unwrap().len(), 1);
    let rows = gammaflow_store::read_day(&dir, day).unwrap();
    assert_eq!(rows.len(), prints);
    assert!(rows.windows(2).all(|w| w[0].seq < w[1].seq));
    // DuckDB reads the same lake as it is, with the engine's totals (premium exact).
    let (rows, size, premium_raw) = super::lake_duckdb::duckdb_totals(&lake);
    assert_eq!((rows, size), (prints as u64, contracts));
    assert_eq!(premium_raw, premium.raw());
    // Chain snapshots, one per minute from the first whole minute on: all accepted rows
    // persisted, compacted to one file, read back in Rust and in DuckDB alike.
    let chain = gammaflow_store::read_chain_day(&dir, day).unwrap();
    assert!(!chain.is_empty());
    assert!(run.stderr.contains(&format!(
        "{n} snapshot rows accepted, {n} persisted",
        n = chain.len()
    )));
    assert_eq!(
        gammaflow_store::chain_day_files(&dir, day).unwrap().len(),
        1
    );
    let minutes: std::collections::BTreeSet<u64> = chain.iter().map(|r| r.row.ts.0).collect();
    assert!(minutes.iter().all(|t| t % 60_000_000_000 == 0));
    let rust_volume: u64 = chain.iter().map(|r| r.row.volume).sum();
    let rust_premium =
        gammaflow_model::Money::checked_sum(chain.iter().map(|r| r.row.premium)).unwrap();
    let duck = super::lake_duckdb::duckdb_chain_totals(&lake);
    assert_eq!(
        (duck.rows, duck.minutes, duck.volume),
        (chain.len() as u64, minutes.len() as u64, rust_volume)
    );
    assert_eq!(
        duck.premium.parse::<gammaflow_model::Money>().unwrap(),
        rust_premium
    );
    assert_eq!(duck.volume_violations, 0);
    std::fs::remove_dir_all(&dir).ok();
}
