//! Implied volatility on a simulated day written as Databento files: the implied SPX against the
//! simulator's index values, the ATM IV against the simulator's own prices (Black-Scholes on its
//! SPX with its r and q), the skew's sign, window values and the explicit-SPX path.

use std::path::Path;

use gammaflow_master::config::MasterConfig;
use gammaflow_master::iv::{IvParams, SpotSource};
use gammaflow_master::opra::{OpraFiles, build_day};
use gammaflow_model::event::{Event, Instrument};
use gammaflow_model::{OptionRight, UnixNanos};
use gammaflow_quant::{Model, OptionInputs, OptionKind, iv};
use gammaflow_sources::sim::SimConfig;

use super::opra::sim_day;

fn config() -> MasterConfig {
    MasterConfig::from_yaml("{}", Path::new("config.yaml")).unwrap()
}

/// The simulator's SPX values (UTC ns, points), ascending.
fn spx_series(events: &[Event]) -> Vec<(UnixNanos, f64)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Index(v) => Some((v.ts_recv, v.value.to_f64())),
            _ => None,
        })
        .collect()
}

/// The IV the simulator's own model gives at the money: Black-Scholes on the simulator's SPX with
/// its r and q, solved at the two strikes around the forward from the quote mids (mean of call and
/// put), interpolated in strike to the forward.
fn reference_atm_iv(
    point: &gammaflow_master::iv::IvPoint,
    spx: f64,
    mids: &[(f64, OptionRight, f64)],
) -> Option<f64> {
    let sim = SimConfig::default();
    let t = point.t_years;
    let fwd = spx * ((sim.r - sim.q) * t).exp();
    let iv_at = |k: f64| -> Option<f64> {
        let mut v = Vec::new();
        for (strike, right, mid) in mids {
            if *strike != k {
                continue;
            }
            let kind = match right {
                OptionRight::Call => OptionKind::Call,
                OptionRight::Put => OptionKind::Put,
            };
            let inputs = OptionInputs {
                model: Model::Bsm,
                kind,
                s: spx,
                k,
                t,
                r: sim.r,
                q: sim.q,
            };
            if let Ok(x) = iv::implied_vol(&inputs, *mid) {
                v.push(x);
            }
        }
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    let lo = (fwd / 5.0).floor() * 5.0;
    let hi = lo + 5.0;
    let (a, b) = (iv_at(lo)?, iv_at(hi)?);
    Some(a + (b - a) * (fwd - lo) / 5.0)
}

#[test]
fn implied_spot_and_atm_iv_match_the_simulator() {
    let sim = sim_day();
    let cfg = config();
    let files = OpraFiles::find(&sim.dir, sim.date);
    let out = build_day(&cfg, &files, sim.date, None, &IvParams::default()).unwrap();
    let spx = spx_series(&sim.events);
    let expiry = sim.date;
    let mut checked = 0;
    for p in &out.iv_points {
        let Some(spot) = p.spot else { continue };
        assert_eq!(p.spot_source, Some(SpotSource::PutCallParity));
        let Some(atm) = p.atm_iv else { continue };
        // The simulator's SPX at that instant (it prints every second of the cash session).
        let i = spx.partition_point(|(t, _)| *t <= p.at);
        let Some((t, s)) = i.checked_sub(1).map(|i| spx[i]) else {
            continue;
        };
        if p.at.0 - t.0 > 2_000_000_000 {
            continue;
        }
        assert!(
            (spot - s).abs() < 3.0,
            "{}: implied {spot} vs simulated SPX {s}",
            p.at
        );
        // Mids of the simulator's last quotes at the instant, 0DTE.
        let mut last = std::collections::BTreeMap::new();
        for e in &sim.events {
            if e.ts_recv() > p.at {
                break;
            }
            if let Event::Quote(q) = e
                && let Instrument::Option(c) = q.instrument
                && c.expiry == expiry
                && let Some(m) = q.mid()
            {
                last.insert((c.strike, c.right), m.to_f64());
            }
        }
        let mids: Vec<(f64, OptionRight, f64)> = last
            .iter()
            .map(|((k, r), m)| (k.to_f64(), *r, *m))
            .collect();
        let reference = reference_atm_iv(p, s, &mids).unwrap();
        assert!(
            (atm - reference).abs() < 0.01,
            "{}: ATM IV {atm} vs the simulator's {reference}",
            p.at
        );
        assert!((0.03..1.0).contains(&atm));
        // The simulator's smile: 25-delta puts above 25-delta calls.
        if let Some(skew) = p.skew25 {
            assert!(skew > 0.0, "{}: skew {skew}", p.at);
        }
        checked += 1;
    }
    // 10:00-16:00 ET on the 30-minute grid, at least.
    assert!(checked >= 10, "only {checked} instants checked");
    // Windows: morning and afternoon have values; the afternoon's end is before the close.
    let w = |n: &str| out.iv_windows.iter().find(|w| w.name == n).unwrap();
    assert!(w("afternoon").iv_end.is_some() && w("afternoon").samples >= 10);
    assert!(w("full").iv_mean.is_some());
    let close = out
        .iv_points
        .iter()
        .find(|p| p.at == w("full").end)
        .unwrap();
    assert_eq!((close.t_years, close.atm_iv), (0.0, None));
    // The quote counts add up to the 0DTE contracts at every instant.
    let n = out.iv_points[0].quotes;
    let total = n.usable + n.stale + n.crossed + n.zero_bid + n.no_quote;
    assert!(out.iv_points.iter().all(|p| {
        let q = p.quotes;
        q.usable + q.stale + q.crossed + q.zero_bid + q.no_quote == total
    }));
}

#[test]
fn explicit_spx_series_is_used() {
    let sim = sim_day();
    let files = OpraFiles::find(&sim.dir, sim.date);
    let spx = spx_series(&sim.events);
    let out = build_day(
        &config(),
        &files,
        sim.date,
        Some(&spx),
        &IvParams::default(),
    )
    .unwrap();
    let explicit: Vec<_> = out
        .iv_points
        .iter()
        .filter(|p| p.spot_source == Some(SpotSource::Explicit))
        .collect();
    assert!(explicit.len() >= 10);
    for p in explicit {
        let i = spx.partition_point(|(t, _)| *t <= p.at);
        assert_eq!(p.spot, Some(spx[i - 1].1));
    }
}
