//! Open interest on a simulated day written as Databento files: one figure per contract out of
//! the 16 exchange records, equal to the simulator's, rows around spot with the simulator's
//! volume, the per-day summary.

use std::collections::HashMap;
use std::path::Path;

use gammaflow_master::config::MasterConfig;
use gammaflow_master::iv::IvParams;
use gammaflow_master::oi::rows_csv;
use gammaflow_master::opra::{OpraFiles, build_day};
use gammaflow_model::event::{Event, Instrument};
use gammaflow_model::{OptionContract, OptionRight};

use super::opra::sim_day;

#[test]
fn open_interest_is_deduplicated_and_matches_the_simulator() {
    let sim = sim_day();
    let cfg = MasterConfig::from_yaml("{}", Path::new("config.yaml")).unwrap();
    let files = OpraFiles::find(&sim.dir, sim.date);
    let out = build_day(&cfg, &files, sim.date, None, &IvParams::default()).unwrap();
    let sim_oi: HashMap<OptionContract, u32> = sim
        .events
        .iter()
        .filter_map(|e| match e {
            Event::OpenInterest(o) => match o.instrument {
                Instrument::Option(c) => Some((c, o.contracts.get())),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let n = sim_oi.len() as u64;
    assert!(n > 100);
    // 16 exchange records per contract: one kept, 15 exact duplicates, no conflict.
    assert_eq!(out.stats.oi_contracts, n);
    assert_eq!(out.stats.oi_duplicates, 15 * n);
    let (_, audit) = &out.oi_audits[0];
    assert_eq!(
        (audit.records, audit.groups, audit.exact_duplicates),
        (16 * n, n, 15 * n)
    );
    assert!(audit.conflicts.is_empty());
    assert!(
        out.findings
            .iter()
            .all(|f| f.check != gammaflow_master::validate::Check::OiConflict)
    );
    // Rows: four snapshots, 0DTE, strikes within 100 points of the spot.
    let snaps: Vec<_> = out.snapshot_spots.iter().map(|s| s.0).collect();
    assert_eq!(snaps, cfg.snapshot_instants(sim.date).unwrap());
    assert!(!out.oi_rows.is_empty());
    for (at, spot) in &out.snapshot_spots {
        let (_, spot) = spot.unwrap();
        let rows: Vec<_> = out.oi_rows.iter().filter(|r| r.snapshot == *at).collect();
        // Every listed 0DTE strike within ±100 points, once.
        let mut listed: Vec<i64> = sim_oi
            .keys()
            .filter(|c| c.expiry == sim.date && (c.strike.to_f64() - spot).abs() <= 100.0)
            .map(|c| c.strike.raw())
            .collect();
        listed.sort_unstable();
        listed.dedup();
        assert!(listed.len() >= 20);
        assert_eq!(rows.len(), listed.len(), "rows at {at}");
        for r in rows {
            assert!((r.strike - spot).abs() <= 100.0);
            assert_eq!(r.dte, 0);
            let key = |right| {
                let strike = gammaflow_model::Price::from_raw((r.strike * 1e9).round() as i64);
                OptionContract::new(
                    gammaflow_model::OptionRoot::new("SPXW").unwrap(),
                    sim.date,
                    right,
                    strike,
                )
            };
            assert_eq!(r.call_oi, sim_oi.get(&key(OptionRight::Call)).copied());
            assert_eq!(r.put_oi, sim_oi.get(&key(OptionRight::Put)).copied());
            // Volume: the simulator's prints of the contract up to the snapshot.
            let volume = |right| -> u64 {
                sim.events
                    .iter()
                    .filter_map(|e| match e {
                        Event::Trade(t)
                            if t.instrument == Instrument::Option(key(right))
                                && t.ts_recv <= *at =>
                        {
                            Some(u64::from(t.size.get()))
                        }
                        _ => None,
                    })
                    .sum()
            };
            assert_eq!(r.call_volume, volume(OptionRight::Call));
            assert_eq!(r.put_volume, volume(OptionRight::Put));
        }
    }
    // Summary: every 0DTE contract's open interest.
    let s = &out.oi_summaries[0];
    assert_eq!(s.dte, 0);
    let total = |right| -> u64 {
        sim_oi
            .iter()
            .filter(|(c, _)| c.expiry == sim.date && c.right == right)
            .map(|(_, v)| u64::from(*v))
            .sum()
    };
    assert_eq!(s.call_oi, total(OptionRight::Call));
    assert_eq!(s.put_oi, total(OptionRight::Put));
    assert!(s.call_volume + s.put_volume > 0);
    let ratio = s.put_call_oi_ratio.unwrap();
    assert!((ratio - s.put_oi as f64 / s.call_oi as f64).abs() < 1e-12);
    let csv = rows_csv(&out.oi_rows);
    assert!(csv.starts_with(
        "trade_date,snapshot,dte,strike,call_oi,put_oi,call_volume,put_volume\n2025-06-10,"
    ));
}
