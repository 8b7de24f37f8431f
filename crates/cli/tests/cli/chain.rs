//! `gammaflow chain analyze` on the real chains.

use serde_json::Value;

use super::support::*;

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

#[test]
fn september_front_expiry_counts_signs_and_totals() {
    let out = json(&["chain", "analyze", &cboe(SEPTEMBER)]);
    let s = &out["summary"];
    // Default --expiry next: 2025-10-01, the first expiry after the 21:05 ET quote time.
    assert_eq!(s["front_expiry"], "2025-10-01");
    assert_eq!(s["expiries"], 1);
    assert_eq!(s["contracts"], 332);
    assert_eq!(s["spot"], 658.05);
    assert_eq!(s["quote_time"], "2025-09-25T21:05:00");
    let contracts = out["contracts"].as_array().unwrap();
    assert_eq!(contracts.len(), 332);
    // Classic dealer sign: calls add GEX, puts subtract it.
    let mut sum = 0.0;
    let mut priced = 0;
    for c in contracts {
        let status = c["status"].as_str().unwrap();
        assert!(!status.is_empty());
        if status == "ok" {
            priced += 1;
            let gex = f(&c["gex"]);
            sum += gex;
            match c["right"].as_str().unwrap() {
                "C" => assert!(gex >= 0.0, "{c}"),
                _ => assert!(gex <= 0.0, "{c}"),
            }
            assert!(f(&c["iv"]) > 0.0 && f(&c["gamma"]) > 0.0);
        } else {
            // No IV: no Greeks, no GEX, but the contract is listed with its reason.
            assert!(c["iv"].is_null() && c["gex"].is_null(), "{c}");
        }
    }
    assert_eq!(s["priced"], priced);
    let total = f(&s["total_gex"]);
    assert!(
        (total - sum).abs() <= 1e-6 * total.abs(),
        "{total} vs {sum}"
    );
    // Per strike: net = call + put; the call wall carries the largest call GEX.
    let strikes = out["strikes"].as_array().unwrap();
    assert_eq!(strikes.len(), 166);
    let mut best = (f64::MIN, 0.0);
    for k in strikes {
        let (c, p, n) = (f(&k["call_gex"]), f(&k["put_gex"]), f(&k["net_gex"]));
        assert!((c + p - n).abs() <= 1e-6 * n.abs().max(1.0));
        assert!(c >= 0.0 && p <= 0.0);
        if c > best.0 {
            best = (c, f(&k["strike"]));
        }
    }
    assert_eq!(f(&s["call_wall"]), best.1);
    let zero = f(&s["zero_gamma"]);
    assert!((0.9 * 658.05..1.1 * 658.05).contains(&zero), "{zero}");
    // Expected move: straddle at the ATM strike, and the 1-sd IV move to expiry.
    assert_eq!(f(&s["front_atm_strike"]), 658.0);
    let straddle = f(&s["front_straddle"]);
    assert!((straddle - (4.30 + 3.715)).abs() < 1e-9, "{straddle}");
    let iv_move = f(&s["front_iv_move"]);
    let expected = 658.05 * f(&s["front_atm_iv"]) * f(&s["front_t_years"]).sqrt();
    assert!((iv_move - expected).abs() < 1e-9);
}

#[test]
fn september_iv_close_to_cboe_near_the_money() {
    // With the spot implied by put-call parity, liquid near-the-money IVs are within about half a
    // vol point of Cboe's (a longer time to expiry in Cboe's convention would explain the rest).
    let out = json(&[
        "chain",
        "analyze",
        &cboe(SEPTEMBER),
        "--spot",
        "parity",
        "--min-strike",
        "650",
        "--max-strike",
        "665",
        "--per",
        "contract",
    ]);
    let mut checked = 0;
    for c in out["contracts"].as_array().unwrap() {
        let diff = f(&c["iv_minus_cboe"]);
        assert!(diff.abs() < 0.006, "{c}");
        checked += 1;
    }
    assert_eq!(checked, 32);
    // With the file's last price (the default), puts are still within 0.2 vol points.
    let out = json(&[
        "chain",
        "analyze",
        &cboe(SEPTEMBER),
        "--min-strike",
        "650",
        "--max-strike",
        "665",
        "--per",
        "contract",
    ]);
    for c in out["contracts"].as_array().unwrap() {
        if c["right"] == "P" {
            assert!(f(&c["iv_minus_cboe"]).abs() < 0.002, "{c}");
        }
    }
}

#[test]
fn every_row_of_both_files_is_analysed() {
    for (file, contracts, expiries) in [(JUNE, 3206, 12), (SEPTEMBER, 3716, 11)] {
        let out = json(&[
            "chain",
            "analyze",
            &cboe(file),
            "--expiry",
            "all",
            "--per",
            "summary",
        ]);
        assert_eq!(out["summary"]["contracts"], contracts, "{file}");
        assert_eq!(out["summary"]["expiries"], expiries, "{file}");
        assert_eq!(out["summary"]["skipped_rows"], 0, "{file}");
    }
}

#[test]
fn june_0dte_is_expired_at_the_quote_time() {
    let run = gammaflow(&[
        "chain",
        "analyze",
        &cboe(JUNE),
        "--expiry",
        "0dte",
        "--per",
        "contract",
        "--format",
        "csv",
    ]);
    assert!(run.ok, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1 + 282);
    assert!(lines[1..].iter().all(|l| l.contains(",expired,")));
    assert!(
        run.stderr.contains("--valuation-time 2025-06-09T15:00"),
        "{}",
        run.stderr
    );
}

#[test]
fn june_0dte_before_the_close() {
    let out = json(&[
        "chain",
        "analyze",
        &cboe(JUNE),
        "--expiry",
        "0dte",
        "--valuation-time",
        "2025-06-09T15:00",
    ]);
    let s = &out["summary"];
    assert_eq!(s["front_expiry"], "2025-06-09");
    assert_eq!(s["valuation_time"], "2025-06-09T15:00:00");
    assert_eq!(s["contracts"], 282);
    // One hour to the 16:00 close.
    assert!((f(&s["front_t_years"]) - 1.0 / (365.0 * 24.0)).abs() < 1e-12);
    assert_eq!(f(&s["front_atm_strike"]), 599.0);
    assert!(f(&s["priced"]) > 50.0);
    let zero = f(&s["zero_gamma"]);
    assert!((590.0..610.0).contains(&zero), "{zero}");
    let reasons: Vec<&str> = out["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"zero_quote") && reasons.contains(&"ok"));
}

#[test]
fn csv_columns_and_table_sections() {
    let run = gammaflow(&["chain", "analyze", &cboe(SEPTEMBER), "--format", "csv"]);
    assert!(run.ok, "{}", run.stderr);
    let header = run.stdout.lines().next().unwrap();
    assert_eq!(
        header,
        "line,symbol,expiry,right,strike,t_years,bid,ask,mid,last,volume,open_interest,status,iv,\
         cboe_iv,iv_minus_cboe,delta,cboe_delta,gamma,cboe_gamma,vega_1pct,theta_day,rho_1pct,gex"
    );
    assert_eq!(run.stdout.lines().count(), 333);
    let run = gammaflow(&[
        "chain",
        "analyze",
        &cboe(SEPTEMBER),
        "--format",
        "csv",
        "--per",
        "strike",
    ]);
    assert_eq!(
        run.stdout.lines().next().unwrap(),
        "strike,call_oi,put_oi,call_gex,put_gex,net_gex,delta_exposure"
    );
    let run = gammaflow(&["chain", "analyze", &cboe(SEPTEMBER)]);
    assert!(run.ok);
    for section in [
        "== summary ==",
        "== expiries ==",
        "== strikes ==",
        "== contracts ==",
    ] {
        assert!(run.stdout.contains(section), "{section}");
    }
    assert!(run.stdout.contains("SPY251001C00658000"));
}

#[test]
fn out_writes_the_file() {
    let path = temp_path("september-summary.json");
    let target = path.display().to_string();
    let run = gammaflow(&[
        "chain",
        "analyze",
        &cboe(SEPTEMBER),
        "--per",
        "summary",
        "--format",
        "json",
        "--out",
        &target,
    ]);
    assert!(run.ok, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(v["summary"]["contracts"], 332);
}

#[test]
fn legacy_sample_with_am_and_pm_expiries() {
    let out = json(&[
        "chain",
        "analyze",
        &legacy_sample(),
        "--expiry",
        "all",
        "--per",
        "expiry",
    ]);
    let e = out["expiries"].as_array().unwrap();
    assert_eq!(e.len(), 3);
    // SPXW: PM (16:00 ET); the SPX monthly: AM (09:30 ET special opening quotation).
    assert_eq!(e[0]["expires_at"], "2020-03-23T16:00:00");
    assert_eq!(e[2]["root"], "SPX");
    assert_eq!(e[2]["expires_at"], "2020-04-17T09:30:00");
}

#[test]
fn readme_main_command_on_the_bundled_sample() {
    // `gammaflow chain analyze data/samples/SPY_quotedata_2025-09-25.csv`, as in the README.
    let file = format!(
        "{}/../../data/samples/SPY_quotedata_2025-09-25.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let run = gammaflow(&["chain", "analyze", &file]);
    assert!(run.ok, "{}", run.stderr);
    assert!(run.stdout.starts_with("== summary =="), "{}", run.stdout);
    assert!(run.stdout.contains("front_expiry         2025-10-01"));
    assert!(run.stdout.contains("contracts            332"));
}
