//! Realized volatility of ES one-minute bars: estimators by hand, window boundaries, percentile
//! ranks, thin days, rejected bars, trade-date attribution.

use std::path::Path;

use gammaflow_engine::market::bars::{MinuteBars, RV_PERIODS_PER_YEAR};
use gammaflow_master::MasterError;
use gammaflow_master::config::MasterConfig;
use gammaflow_master::rv::{Bar1m, RvDay, RvEngine};
use gammaflow_model::UnixNanos;
use gammaflow_model::session::{from_new_york, to_zurich};
use jiff::civil::{Date, date, time};
use proptest::prelude::*;

fn config(text: &str) -> MasterConfig {
    MasterConfig::from_yaml(text, Path::new("config.yaml")).unwrap()
}

fn ny(d: Date, h: i8, m: i8) -> UnixNanos {
    from_new_york(d, time(h, m, 0, 0)).unwrap()
}

/// A bar at New York `h:m` of `d` closing at `close`, with `close ± half_range` as high and low.
fn bar(d: Date, h: i8, m: i8, close: f64, half_range: f64) -> Bar1m {
    Bar1m {
        ts: ny(d, h, m),
        open: close,
        high: close + half_range,
        low: close - half_range,
        close,
        volume: 10,
    }
}

fn c2c_by_hand(closes: &[f64]) -> f64 {
    let r: Vec<f64> = closes.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
    let n = r.len() as f64;
    let mean = r.iter().sum::<f64>() / n;
    let var = r.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (var * 252.0 * 1380.0).sqrt()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn hand_computed_rv_on_a_tiny_path() {
    let d = date(2026, 6, 9);
    let closes = [6000.0, 6001.0, 6000.5, 6002.0];
    let half = [0.5, 0.25, 1.0, 0.75];
    let bars: Vec<Bar1m> = (0..4)
        .map(|i| bar(d, 9, 30 + i as i8, closes[i], half[i]))
        .collect();
    let days = RvEngine::run(&config(""), bars).unwrap();
    assert_eq!(days.len(), 1);
    let day = &days[0];
    assert_eq!((day.trade_date, day.bars), (d, 4));
    let afternoon = day.window("afternoon").unwrap();
    assert_eq!(afternoon.bars, 4);
    assert!(close(
        afternoon.close_to_close.unwrap(),
        c2c_by_hand(&closes)
    ));
    // Parkinson by hand: Σ ln(H/L)² / (4 ln 2 · n), annualised.
    let sum: f64 = (0..4)
        .map(|i| ((closes[i] + half[i]) / (closes[i] - half[i])).ln().powi(2))
        .sum();
    let park = (sum / (4.0 * 2f64.ln() * 4.0) * RV_PERIODS_PER_YEAR).sqrt();
    assert!(close(afternoon.parkinson.unwrap(), park));
    // The full window holds the same bars; the others have none.
    let full = day.window("full").unwrap();
    assert_eq!(
        (full.bars, full.close_to_close),
        (4, afternoon.close_to_close)
    );
    for name in ["overnight", "morning"] {
        let w = day.window(name).unwrap();
        assert_eq!(
            (w.bars, w.close_to_close, w.parkinson),
            (0, None, None),
            "{name}"
        );
    }
    // First day: nothing to rank against.
    assert_eq!(afternoon.close_to_close_rank, [None, None, None]);
    // Same figure as the live engine's minute bars for the same window.
    let mut live = MinuteBars::default();
    for (i, c) in closes.iter().enumerate() {
        live.on_trade(
            UnixNanos(ny(d, 9, 30).0 + i as u64 * 60_000_000_000),
            *c,
            1,
            None,
        );
    }
    let rv = live.realized(4, ny(d, 9, 30), ny(d, 16, 0));
    assert_eq!(rv.rv, afternoon.close_to_close);
}

#[test]
fn window_boundaries_on_a_mismatch_week_date() {
    // 2026-03-10: New York is on summer time, Zurich not yet: 09:30 ET = 14:30 Zurich.
    let d = date(2026, 3, 10);
    let prev = date(2026, 3, 9);
    let mut minutes = vec![
        (prev, 16, 0),
        (prev, 16, 59),
        (prev, 18, 0),
        (d, 3, 27),
        (d, 3, 28),
        (d, 3, 29),
    ];
    minutes.extend([(d, 3, 30), (d, 3, 31), (d, 9, 28), (d, 9, 29)]);
    minutes.extend([(d, 9, 30), (d, 12, 0), (d, 15, 58), (d, 15, 59), (d, 16, 0)]);
    let bars: Vec<Bar1m> = minutes
        .iter()
        .enumerate()
        .map(|(i, (day, h, m))| bar(*day, *h, *m, 6000.0 + (i % 3) as f64, 0.5))
        .collect();
    let days = RvEngine::run(&config(""), bars).unwrap();
    let dates: Vec<Date> = days.iter().map(|x| x.trade_date).collect();
    assert_eq!(dates, [d, date(2026, 3, 11)]);
    let day = &days[0];
    let count = |name: &str| day.window(name).unwrap().bars;
    assert_eq!(
        (
            count("overnight"),
            count("morning"),
            count("afternoon"),
            count("full")
        ),
        (6, 4, 4, 14)
    );
    let afternoon = day.window("afternoon").unwrap();
    assert_eq!(afternoon.from, ny(d, 9, 30));
    let z = to_zurich(afternoon.from).unwrap();
    assert_eq!((z.hour(), z.minute()), (14, 30));
    assert_eq!(day.window("overnight").unwrap().from, ny(prev, 16, 0));
    // The 16:00 ET bar opens the next trade date.
    assert_eq!(days[1].bars, 1);
}

/// A day of `n` afternoon bars alternating `100` and `100·(1 + a)`: close-to-close grows with `a`.
fn zigzag_day(d: Date, a: f64, n: i8) -> Vec<Bar1m> {
    (0..n)
        .map(|i| {
            let c = if i % 2 == 0 { 100.0 } else { 100.0 * (1.0 + a) };
            bar(d, 10, i, c, 0.05 * (1.0 + a * 100.0))
        })
        .collect()
}

#[test]
fn percentile_ranks_on_a_known_sequence() {
    let cfg = config("iv_rv: { percentiles: [\"full\", 2] }");
    let amplitudes = [1e-3, 3e-3, 2e-3, 3e-3, 0.5e-3];
    let dates = [
        date(2026, 6, 8),
        date(2026, 6, 9),
        date(2026, 6, 10),
        date(2026, 6, 11),
        date(2026, 6, 12),
    ];
    let bars = dates
        .iter()
        .zip(amplitudes)
        .flat_map(|(d, a)| zigzag_day(*d, a, 9));
    let days = RvEngine::run(&cfg, bars).unwrap();
    assert_eq!(days.len(), 5);
    let ranks: Vec<Vec<Option<f64>>> = days
        .iter()
        .map(|d| d.window("afternoon").unwrap().close_to_close_rank.clone())
        .collect();
    // Order [last 2, full]; ranked against the earlier days only, ties count half.
    let expected = [
        [None, None],
        [Some(100.0), Some(100.0)],      // 3 vs {1}
        [Some(50.0), Some(50.0)],        // 2 vs {1, 3}
        [Some(75.0), Some(250.0 / 3.0)], // 3 vs {3, 2} | {1, 3, 2}
        [Some(0.0), Some(0.0)],          // 0.5 is the lowest
    ];
    for (got, want) in ranks.iter().zip(expected) {
        assert_eq!(got.len(), 2);
        for (g, w) in got.iter().zip(want) {
            match (g, w) {
                (Some(g), Some(w)) => assert!(close(*g, w), "{ranks:?}"),
                _ => assert_eq!(*g, w, "{ranks:?}"),
            }
        }
    }
    // Parkinson grows with the amplitude too here: same ranks.
    assert_eq!(
        days[3].window("afternoon").unwrap().parkinson_rank[0],
        Some(75.0)
    );
}

#[test]
fn day_with_missing_bars() {
    let cfg = config("iv_rv: { percentiles: [\"full\"] }");
    let (d1, d2, d3) = (date(2026, 6, 8), date(2026, 6, 9), date(2026, 6, 10));
    let mut bars = zigzag_day(d1, 1e-3, 6);
    // d2: only two afternoon bars (no estimate), and three morning bars with a gap.
    bars.extend([
        bar(d2, 4, 0, 6000.0, 0.5),
        bar(d2, 4, 1, 6001.0, 0.5),
        bar(d2, 4, 7, 6003.0, 0.5),
    ]);
    bars.extend([bar(d2, 9, 30, 6000.0, 0.5), bar(d2, 15, 59, 6001.0, 0.5)]);
    bars.extend(zigzag_day(d3, 2e-3, 6));
    let days = RvEngine::run(&cfg, bars).unwrap();
    let thin = days[1].window("afternoon").unwrap();
    assert_eq!(
        (thin.bars, thin.close_to_close, thin.parkinson),
        (2, None, None)
    );
    assert_eq!(thin.close_to_close_rank, [None]);
    // The gap of six minutes is one return.
    let morning = days[1].window("morning").unwrap();
    assert_eq!(morning.bars, 3);
    assert!(close(
        morning.close_to_close.unwrap(),
        c2c_by_hand(&[6000.0, 6001.0, 6003.0])
    ));
    // d3 is ranked against d1 only (d2 had no value): higher → 100.
    assert_eq!(
        days[2].window("afternoon").unwrap().close_to_close_rank,
        [Some(100.0)]
    );
}

#[test]
fn out_of_order_bars_are_rejected_naming_the_bar() {
    let d = date(2026, 6, 9);
    let mut engine = RvEngine::new(&config(""));
    engine.push(bar(d, 9, 31, 6000.0, 0.5)).unwrap();
    let err = engine.push(bar(d, 9, 30, 6001.0, 0.5)).unwrap_err();
    assert!(matches!(err, MasterError::Bar { .. }));
    assert_eq!(
        err.to_string(),
        "ES 1-minute bar at 2026-06-09T13:30:00Z (09:30:00 ET): out of order: comes after the bar at 2026-06-09T13:31:00Z (09:31:00 ET)"
    );
    let dup = engine
        .push(bar(d, 9, 31, 6001.0, 0.5))
        .unwrap_err()
        .to_string();
    assert!(
        dup.contains("13:31:00Z") && dup.contains("duplicate"),
        "{dup}"
    );
    // The state is unchanged: the stream goes on.
    engine.push(bar(d, 9, 32, 6001.0, 0.5)).unwrap();
    engine.push(bar(d, 9, 33, 6000.5, 0.5)).unwrap();
    let day = engine.finish().unwrap();
    assert_eq!(day.bars, 3);
    assert!(close(
        day.window("afternoon").unwrap().close_to_close.unwrap(),
        c2c_by_hand(&[6000.0, 6001.0, 6000.5])
    ));
}

fn dates_of(days: &[RvDay]) -> Vec<(Date, usize)> {
    days.iter().map(|d| (d.trade_date, d.bars)).collect()
}

#[test]
fn weekend_holiday_and_early_close_bars_go_to_the_next_trade_date() {
    // Friday after the close and Sunday evening → Monday.
    let bars = [
        bar(date(2026, 6, 5), 15, 59, 6000.0, 0.5),
        bar(date(2026, 6, 5), 16, 30, 6000.0, 0.5),
        bar(date(2026, 6, 7), 18, 0, 6000.0, 0.5),
        bar(date(2026, 6, 8), 9, 30, 6000.0, 0.5),
    ];
    let days = RvEngine::run(&config(""), bars).unwrap();
    assert_eq!(
        dates_of(&days),
        [(date(2026, 6, 5), 1), (date(2026, 6, 8), 3)]
    );
    // Monday 2026-01-19 is a holiday (Martin Luther King Jr. Day): its Globex bars → Tuesday.
    let bars = [
        bar(date(2026, 1, 18), 18, 0, 6000.0, 0.5),
        bar(date(2026, 1, 19), 12, 0, 6000.0, 0.5),
    ];
    let days = RvEngine::run(&config(""), bars).unwrap();
    assert_eq!(dates_of(&days), [(date(2026, 1, 20), 2)]);
    // 2026-11-27 closes at 13:00 ET: a 13:30 bar belongs to Monday 2026-11-30.
    let bars = [
        bar(date(2026, 11, 27), 12, 59, 6000.0, 0.5),
        bar(date(2026, 11, 27), 13, 30, 6000.0, 0.5),
    ];
    let days = RvEngine::run(&config(""), bars).unwrap();
    assert_eq!(
        dates_of(&days),
        [(date(2026, 11, 27), 1), (date(2026, 11, 30), 1)]
    );
}

#[test]
fn bars_outside_a_non_wrapping_full_window_are_counted() {
    let cfg =
        config("iv_rv: { windows: [ { full: \"02:15-22:00\" }, { morning: \"09:30-15:30\" } ] }");
    let d = date(2026, 6, 9);
    let mut engine = RvEngine::new(&cfg);
    assert!(engine.push(bar(d, 15, 59, 6000.0, 0.5)).unwrap().is_none());
    // 16:30 ET is after the close and before the next window's 20:15 ET open.
    let done = engine.push(bar(d, 16, 30, 6000.0, 0.5)).unwrap().unwrap();
    assert_eq!(done.trade_date, d);
    assert_eq!(engine.outside_bars(), 1);
    assert!(engine.push(bar(d, 20, 15, 6000.0, 0.5)).unwrap().is_none());
    assert_eq!(engine.finish().unwrap().trade_date, date(2026, 6, 10));
}

proptest! {
    /// Volatility is scale-free: multiplying every price by `k` changes nothing; ranks stay in 0–100.
    #[test]
    fn rv_is_scale_invariant(
        steps in proptest::collection::vec(-0.002f64..0.002, 3..40),
        k in 0.01f64..100.0,
    ) {
        let d = date(2026, 6, 9);
        let mut price = 6000.0;
        let mut bars = Vec::new();
        for (i, s) in steps.iter().enumerate() {
            price *= 1.0 + s;
            bars.push(bar(d, 10 + (i / 60) as i8, (i % 60) as i8, price, price * 1e-4));
        }
        let scaled: Vec<Bar1m> = bars.iter().map(|b| Bar1m {
            open: b.open * k, high: b.high * k, low: b.low * k, close: b.close * k, ..*b
        }).collect();
        let a = RvEngine::run(&config(""), bars).unwrap();
        let b = RvEngine::run(&config(""), scaled).unwrap();
        let (wa, wb) = (a[0].window("afternoon").unwrap(), b[0].window("afternoon").unwrap());
        prop_assert!((wa.close_to_close.unwrap() - wb.close_to_close.unwrap()).abs() < 1e-9);
        prop_assert!((wa.parkinson.unwrap() - wb.parkinson.unwrap()).abs() < 1e-9);
        prop_assert!(wa.close_to_close.unwrap() >= 0.0);
    }
}
