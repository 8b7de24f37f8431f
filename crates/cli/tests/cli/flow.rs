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
