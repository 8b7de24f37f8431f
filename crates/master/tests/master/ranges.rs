//! Range engine tests: a constructed day that touches the afternoon bands exactly three times and
//! breaks out once, by trades and by bars.

use std::path::Path;
use std::sync::Arc;

use gammaflow_master::config::MasterConfig;
use gammaflow_master::loaders::EsBar;
use gammaflow_master::ranges::{DayInputs, RangeDay, RangesInput, SpxOpen, Tick};
use gammaflow_model::event::FutureSymbol;
use gammaflow_model::expiry::SECONDS_PER_YEAR;
use gammaflow_model::session::from_new_york;
use gammaflow_model::{Price, UnixNanos};
use jiff::civil::{Date, date, time};

const DAY: Date = Date::constant(2025, 6, 10);

fn et(h: i8, m: i8) -> UnixNanos {
    from_new_york(DAY, time(h, m, 0, 0)).unwrap()
}

fn config() -> MasterConfig {
    MasterConfig::from_yaml("", Path::new("config.yaml")).unwrap()
}

/// SPX open 6000 at 09:30 with basis 20 → centre 6020; σ chosen so that h₁ = 10 points at 09:30
/// (6.5 hours to the close): bands 6000 / 6010 / 6030 / 6040.
fn inputs(basis: Option<f64>) -> DayInputs {
    let tau = 6.5 * 3600.0 / SECONDS_PER_YEAR as f64;
    DayInputs {
        spx_open: Some(SpxOpen {
            ts: et(9, 30),
            value: 6000.0,
            basis,
        }),
        atm_iv: vec![(et(9, 30), 10.0 / (6020.0 * tau.sqrt()))],
    }
}

/// (time, price): three touches (+1σ, −1σ, +1σ within the buffer), then above +1σ from 10:10
/// on: a breakout up at 10:15.
fn path() -> Vec<(UnixNanos, f64)> {
    vec![
        (et(9, 31), 6020.0),
        (et(9, 40), 6030.0),
        (et(9, 41), 6025.0),
        (et(9, 50), 6010.0),
        (et(9, 51), 6015.0),
        (et(10, 0), 6029.9),
        (et(10, 1), 6025.0),
        (et(10, 10), 6035.0),
        (et(10, 12), 6036.0),
        (et(10, 15), 6036.0),
        (et(10, 20), 6037.0),
        (et(15, 59), 6034.5),
    ]
}

#[test]
fn constructed_day_touches_three_times_and_breaks_out_once() {
    let mut day = RangeDay::new(&config(), DAY, RangesInput::Trades, inputs(Some(20.0))).unwrap();
    // A morning price before 09:30 sets the VWAP.
    day.push(&Tick {
        ts: et(9, 0),
        price: 6019.0,
        size: 2,
    });
    for (ts, price) in path() {
        day.push(&Tick { ts, price, size: 1 });
    }
    let s = day.finish();
    let a = s.afternoon;
    assert_eq!(a.centre, Some(6020.0));
    let h = a.half_width_1s.unwrap();
    assert!((h - 10.0).abs() < 1e-9, "{h}");
    let [u2, u1, l1, l2] = a.levels.unwrap();
    assert!((u2 - 6040.0).abs() < 1e-9 && (u1 - 6030.0).abs() < 1e-9);
    assert!((l1 - 6010.0).abs() < 1e-9 && (l2 - 6000.0).abs() < 1e-9);
    assert_eq!(a.touches, 3);
    assert_eq!(a.first_touch, Some(et(9, 40)));
    assert_eq!(a.breakout, Some(("up", et(10, 15))));
    assert_eq!(a.position, Some("above"));
    assert_eq!(a.closed_inside, Some(false));
    assert_eq!(a.width_set_at, Some(et(9, 30)));
    // The detail rows: one per touch, in time order.
    let touches: Vec<_> = s
        .touches
        .iter()
        .map(|t| (t.window, t.level, t.ts))
        .collect();
    assert_eq!(
        touches,
        [
            ("afternoon", "+1σ", et(9, 40)),
            ("afternoon", "−1σ", et(9, 50)),
            ("afternoon", "+1σ", et(10, 0)),
        ]
    );
    assert_eq!(s.basis_at_open, Some(20.0));
    assert_eq!(s.spx_open, Some(6000.0));
    assert_eq!(s.vwap_source, "computed");
    assert_eq!(s.vwap_rtvolume, None);
    let n = 2.0 + path().len() as f64;
    let expect = (2.0 * 6019.0 + path().iter().map(|p| p.1).sum::<f64>()) / n;
    assert!((s.vwap.unwrap() - expect).abs() < 1e-9);
    // The morning window (20:15 ET the day before → 09:30) had a centre (the VWAP) but no σ
    // before its end: no bands.
    assert_eq!(s.morning.centre, Some(6019.0));
    assert_eq!(s.morning.levels, None);
    assert_eq!(s.morning.touches, 0);
}

#[test]
fn the_basis_is_measured_from_es_when_not_given() {
    let mut day = RangeDay::new(&config(), DAY, RangesInput::Trades, inputs(None)).unwrap();
    day.push(&Tick {
        ts: et(9, 29),
        price: 6021.0,
        size: 1,
    });
    let s = day.finish();
    assert_eq!(s.basis_at_open, Some(21.0));
    assert_eq!(s.afternoon.centre, Some(6021.0));
}

fn bar(ts: UnixNanos, [o, h, l, c]: [f64; 4], vwap: Option<f64>) -> EsBar {
    let p = |x: f64| Price::from_raw((x * Price::SCALE as f64).round() as i64);
    EsBar {
        trade_date: DAY,
        ts,
        open: p(o),
        high: p(h),
        low: p(l),
        close: p(c),
        volume: 10,
        contract: FutureSymbol::new("ES", 2025, 6).unwrap(),
        vendor_vwap: vwap.map(p),
        source: Arc::from("bars.csv"),
        record: 0,
    }
}

#[test]
fn bars_give_the_same_day_and_never_more_touches() {
    // One bar per minute of the path: O = H = L = C.
    let mut day = RangeDay::new(&config(), DAY, RangesInput::Bars, inputs(Some(20.0))).unwrap();
    for (ts, p) in path() {
        day.push_bar(&bar(ts, [p; 4], None));
    }
    let s = day.finish();
    assert_eq!(s.input, RangesInput::Bars);
    assert_eq!(s.ticks, 4 * path().len() as u64);
    assert_eq!(s.afternoon.touches, 3);
    assert_eq!(s.afternoon.breakout, Some(("up", et(10, 15))));
    // A wide bar that visits +1σ and −1σ within one minute: both levels touched once each (a
    // real trade at each), never twice within the bar.
    let mut day = RangeDay::new(&config(), DAY, RangesInput::Bars, inputs(Some(20.0))).unwrap();
    day.push_bar(&bar(et(9, 45), [6020.0, 6030.0, 6010.0, 6030.0], None));
    let s = day.finish();
    assert_eq!(s.afternoon.touches, 2);
}

#[test]
fn rtvolume_vwap_is_preferred_and_the_difference_measured() {
    let mut day = RangeDay::new(&config(), DAY, RangesInput::Bars, DayInputs::default()).unwrap();
    day.push_bar(&bar(
        et(9, 0),
        [6000.0, 6003.0, 5999.0, 6000.0],
        Some(6000.5),
    ));
    let s = day.finish();
    assert_eq!(s.vwap_source, "rtvolume");
    assert_eq!(s.vwap, Some(6000.5));
    let typical = (6003.0 + 5999.0 + 6000.0) / 3.0;
    assert_eq!(s.vwap_computed, Some(typical));
    assert!((s.vwap_diff.unwrap() - (6000.5 - typical)).abs() < 1e-9);
    // No σ: no bands, no touches.
    assert_eq!(s.afternoon.levels, None);
    assert_eq!(s.morning.centre, Some(6000.5));
    let _ = date(2025, 6, 10);
}
