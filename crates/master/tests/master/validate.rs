//! Validator tests: constructed inputs for each check, and the real samples.

use std::sync::Arc;

use gammaflow_master::loaders::{ContractRule, DayRule, EsBar, EsBars};
use gammaflow_master::validate::{Check, SeriesValidator, ValidationConfig};
use gammaflow_model::event::FutureSymbol;
use gammaflow_model::session::from_new_york;
use gammaflow_model::{Price, UnixNanos};
use gammaflow_testkit::shared_data;
use jiff::civil::{Date, date, time};

const MIN: u64 = 60_000_000_000;

fn px(x: f64) -> Price {
    format!("{x}").parse().unwrap()
}

fn bar(d: Date, ts: UnixNanos, close: f64, record: u64) -> EsBar {
    EsBar {
        trade_date: d,
        ts,
        open: px(close),
        high: px(close + 0.25),
        low: px(close - 0.25),
        close: px(close),
        volume: 10,
        contract: FutureSymbol::new("ES", 2025, 9).unwrap(),
        vendor_vwap: None,
        source: Arc::from("t.dbn"),
        record,
    }
}

/// A whole dashboard day of bars for `d` with a gentle zig-zag close; `edit` changes it.
fn day(d: Date, edit: impl Fn(usize, &mut Vec<EsBar>)) -> Vec<EsBar> {
    let (from, to) = DayRule::Dashboard.day_interval(d).unwrap();
    let mut bars = Vec::new();
    let mut t = from.0;
    let mut i = 0;
    while t < to.0 {
        let close = 6000.0 + if i % 2 == 0 { 0.25 } else { 0.5 } + (i % 7) as f64 * 0.25;
        bars.push(bar(d, UnixNanos(t), close, i as u64));
        t += MIN;
        i += 1;
    }
    for k in 0..bars.len() {
        edit(k, &mut bars);
    }
    bars
}

fn run(bars: &[EsBar]) -> Vec<(Check, String)> {
    let mut v = SeriesValidator::new(ValidationConfig::default());
    for b in bars {
        v.push(b);
    }
    let mut r = v.finish();
    r.findings()
        .iter()
        .map(|f| (f.check, f.detail.clone()))
        .collect()
}

const D: Date = Date::constant(2025, 6, 10);

#[test]
fn a_clean_day_has_no_findings() {
    assert_eq!(run(&day(D, |_, _| {})), vec![]);
}

#[test]
fn each_check_on_constructed_input() {
    // Missing minutes: remove 10:00 and 10:01 ET.
    let at = |h, m| from_new_york(D, time(h, m, 0, 0)).unwrap();
    let mut bars = day(D, |_, _| {});
    bars.retain(|b| b.ts != at(10, 0) && b.ts != at(10, 1));
    assert_eq!(
        run(&bars),
        vec![(
            Check::MissingMinutes,
            "2 minutes missing: 2025-06-10 10:00 to 2025-06-10 10:01 ET".into()
        )]
    );
    // Duplicate and out of order.
    let mut bars = day(D, |_, _| {});
    let dup = bars[100].clone();
    bars.insert(101, dup);
    let old = bars[50].clone();
    bars.insert(200, old);
    let f = run(&bars);
    assert_eq!(
        f.iter().filter(|x| x.0 == Check::Duplicate).count(),
        2,
        "{f:?}"
    );
    // Invalid bar.
    let bars = day(D, |k, b| {
        if k == 300 {
            b[k].high = px(1.0);
        }
    });
    assert_eq!(
        run(&bars).iter().map(|x| x.0).collect::<Vec<_>>(),
        vec![Check::InvalidBar]
    );
    // Outlier: a 1 % spike and its return.
    let bars = day(D, |k, b| {
        if k == 400 {
            b[k].close = px(6060.0);
            b[k].high = px(6060.0);
        }
    });
    let f = run(&bars);
    assert_eq!(
        f.iter().filter(|x| x.0 == Check::Outlier).count(),
        2,
        "{f:?}"
    );
    // Stale: 12 equal closes from 11:00 ET (cash session).
    let start = at(11, 0);
    let bars = day(D, |k, b| {
        if b[k].ts >= start && b[k].ts.0 < start.0 + 12 * MIN {
            b[k] = bar(D, b[k].ts, 6000.0, k as u64);
        }
    });
    assert_eq!(
        run(&bars),
        vec![(
            Check::Stale,
            "close 6000 unchanged for 12 minutes: 2025-06-10 11:00 to 2025-06-10 11:11 ET".into()
        )]
    );
    // Early close (the day after Thanksgiving 2024) and a holiday file name.
    let ec = date(2024, 11, 29);
    assert_eq!(
        run(&day(ec, |_, _| {})),
        vec![(Check::EarlyClose, "NYSE early close (13:00 ET)".into())]
    );
    // Basis: SPX 300 points below ES for three minutes.
    let bars = day(D, |_, _| {});
    let mut v2 = SeriesValidator::new(ValidationConfig::default());
    for b in &bars {
        let t = b.ts.0;
        if b.ts >= at(12, 0) && t < at(12, 3).0 {
            v2.push_spx(UnixNanos(t + 30_000_000_000), px(5700.0));
        } else {
            v2.push_spx(UnixNanos(t + 30_000_000_000), px(5990.0));
        }
        v2.push(b);
    }
    let mut r = v2.finish();
    let f: Vec<_> = r.findings().iter().map(|f| f.check).collect();
    assert_eq!(f, vec![Check::BasisOutOfBounds]);
    assert_eq!(r.flags_of(D).to_string(), "basis_out_of_bounds");
}

/// A quiet night then a busy open: swings of up to 0.6 % a minute from 09:30 ET are the cash session's regime,
/// not outliers against the night's one-tick returns (the window starts again at the open); the
/// same swing at 09:00 ET, in the night's regime, is.
#[test]
fn the_outlier_window_starts_again_at_the_open() {
    let at = |h, m| from_new_york(D, time(h, m, 0, 0)).unwrap();
    // Returns uniform in ±0.6 % (a fixed LCG) for 30 minutes from `from`, on the 0.25 grid.
    let swing = |from: UnixNanos| {
        let mut bars = day(D, |_, _| {});
        let (mut seed, mut level) = (12_345_u64, 6000.0_f64);
        for b in bars.iter_mut() {
            if b.ts >= from && (b.ts.0 - from.0) / MIN < 30 {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let u = (seed >> 11) as f64 / (1u64 << 53) as f64;
                level *= 1.0 + (u - 0.5) * 0.012;
                *b = bar(D, b.ts, (level * 4.0).round() / 4.0, b.record);
            }
        }
        bars
    };
    let f = run(&swing(at(9, 30)));
    assert!(f.iter().all(|x| x.0 != Check::Outlier), "{f:?}");
    let f = run(&swing(at(9, 0)));
    assert!(f.iter().any(|x| x.0 == Check::Outlier), "{f:?}");
}

/// The real ESU24 sample (attributed to 2024-07-01): 30 bars 19:40–20:09 ET, the rest of the day
/// missing in three runs; nothing else.
#[test]
fn real_sample_findings() {
    let file = shared_data(
        "databento/nautilus/historical_bars_catalog/databento/futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst",
    );
    let mut bars = EsBars::new([file], DayRule::Attributed, ContractRule::default());
    let cfg = ValidationConfig {
        day_rule: DayRule::Attributed,
        ..ValidationConfig::default()
    };
    let mut v = SeriesValidator::new(cfg);
    for b in bars.by_ref() {
        v.push(&b.unwrap());
    }
    v.check_files(bars.files());
    let mut r = v.finish();
    let csv = r.to_csv();
    let name = "/futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst";
    let lines: Vec<String> = csv
        .lines()
        .map(|l| {
            let i = l.find(",/").map(|i| i + 1).unwrap_or(0);
            let j = l.find(name).unwrap_or(0);
            if i > 0 {
                format!("{}{}", &l[..i], &l[j + 1..])
            } else {
                l.to_owned()
            }
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            "trade_date,check,source_file,record,detail",
            "2024-07-01,missing_minutes,futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst,2024-07-01T00:15:00Z,1245 minutes missing: 2024-06-30 20:15 to 2024-07-01 16:59 ET",
            "2024-07-01,missing_minutes,futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst,2024-07-01T22:00:00Z,100 minutes missing: 2024-07-01 18:00 to 2024-07-01 19:39 ET",
            "2024-07-01,missing_minutes,futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst,2024-07-02T00:10:00Z,5 minutes missing: 2024-07-01 20:10 to 2024-07-01 20:14 ET",
        ]
    );
    assert_eq!(r.flags_of(date(2024, 7, 1)).to_string(), "missing_minutes");
}
