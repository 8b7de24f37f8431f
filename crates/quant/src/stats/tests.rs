//! Unit tests of the statistics: identities on synthetic bars and the real 6E (EUR/USD futures)
//! 1-minute bars of January 2024.

use super::*;
use std::io::Read;

struct Bars {
    open: Vec<f64>,
    high: Vec<f64>,
    low: Vec<f64>,
    close: Vec<f64>,
}

impl Bars {
    fn ohlc(&self) -> Ohlc<'_> {
        Ohlc {
            open: &self.open,
            high: &self.high,
            low: &self.low,
            close: &self.close,
        }
    }
    fn scaled(&self, c: f64) -> Bars {
        let m = |v: &Vec<f64>| v.iter().map(|x| x * c).collect();
        Bars {
            open: m(&self.open),
            high: m(&self.high),
            low: m(&self.low),
            close: m(&self.close),
        }
    }
}

/// A deterministic random walk with intrabar ranges (xorshift noise; no external RNG needed).
fn synthetic(n: usize) -> Bars {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut uniform = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut price: f64 = 100.0;
    let mut bars = Bars {
        open: vec![],
        high: vec![],
        low: vec![],
        close: vec![],
    };
    for _ in 0..n {
        let open = price * (1.0 + 0.0002 * (uniform() - 0.5));
        let mut hi: f64 = open;
        let mut lo: f64 = open;
        let mut p = open;
        for _ in 0..20 {
            p *= (0.001 * (uniform() - 0.5)).exp();
            hi = hi.max(p);
            lo = lo.min(p);
        }
        bars.open.push(open);
        bars.high.push(hi);
        bars.low.push(lo);
        bars.close.push(p);
        price = p;
    }
    bars
}

type Estimator = fn(&Ohlc<'_>, f64) -> Result<f64, QuantError>;

fn c2c(b: &Ohlc<'_>, ppy: f64) -> Result<f64, QuantError> {
    close_to_close(b.close, ppy)
}

const ESTIMATORS: [(&str, Estimator); 5] = [
    ("close_to_close", c2c),
    ("parkinson", parkinson),
    ("garman_klass", garman_klass),
    ("rogers_satchell", rogers_satchell),
    ("yang_zhang", yang_zhang),
];

#[test]
fn constant_prices_have_zero_volatility() {
    let c = vec![1.2345; 50];
    let ohlc = Ohlc {
        open: &c,
        high: &c,
        low: &c,
        close: &c,
    };
    for (name, f) in ESTIMATORS {
        assert_eq!(f(&ohlc, 252.0), Ok(0.0), "{name}");
    }
}

#[test]
fn scale_invariance_and_annualisation() {
    let bars = synthetic(500);
    let scaled = bars.scaled(37.5);
    for (name, f) in ESTIMATORS {
        let a = f(&bars.ohlc(), 1000.0).unwrap_or(f64::NAN);
        let b = f(&scaled.ohlc(), 1000.0).unwrap_or(f64::NAN);
        assert!(a > 0.0 && (a - b).abs() < 1e-12 * a, "{name}: {a} vs {b}");
        let c = f(&bars.ohlc(), 4000.0).unwrap_or(f64::NAN);
        assert!((c - 2.0 * a).abs() < 1e-12 * a, "{name}: annualisation");
    }
}

#[test]
fn estimators_agree_on_a_random_walk() {
    // 20 steps per bar of ±0.05 % uniform: per-bar σ = 0.001/√12·√20 ≈ 1.29e-3.
    let bars = synthetic(5000);
    let per_bar = 0.001 / 12f64.sqrt() * 20f64.sqrt();
    for (name, f) in ESTIMATORS {
        let v = f(&bars.ohlc(), 1.0).unwrap_or(f64::NAN);
        // Range estimators read low on a discretely sampled path; all within 25 %.
        assert!((v / per_bar - 1.0).abs() < 0.25, "{name}: {v} vs {per_bar}");
    }
}

#[test]
fn errors() {
    let good = [1.0, 2.0, 3.0];
    let short = [1.0, 2.0];
    let bad = [1.0, -2.0, 3.0];
    let ohlc = Ohlc {
        open: &good,
        high: &short,
        low: &good,
        close: &good,
    };
    assert!(matches!(
        parkinson(&ohlc, 1.0),
        Err(QuantError::LengthMismatch { name: "high", .. })
    ));
    let ohlc = Ohlc {
        open: &good,
        high: &good,
        low: &bad,
        close: &good,
    };
    assert!(matches!(
        garman_klass(&ohlc, 1.0),
        Err(QuantError::InvalidInput { name: "low", .. })
    ));
    assert!(close_to_close(&short, 1.0).is_err());
    assert!(close_to_close(&good, 0.0).is_err());
    let ohlc = Ohlc {
        open: &good,
        high: &good,
        low: &good,
        close: &good,
    };
    assert!(yang_zhang(&ohlc, f64::NAN).is_err());
}

#[test]
fn realized_vol_of_real_eurusd_futures_bars() {
    let path = gammaflow_testkit::shared_data("bars/6EH4.XCME_1min_bars_20240101_20240131.csv.gz");
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut bars = Bars {
        open: vec![],
        high: vec![],
        low: vec![],
        close: vec![],
    };
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("{e}"));
        let field = |i: usize| {
            record
                .get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(f64::NAN)
        };
        bars.open.push(field(1));
        bars.high.push(field(2));
        bars.low.push(field(3));
        bars.close.push(field(4));
    }
    assert!(bars.close.len() > 29_000);
    // CME Globex FX trades ~23 h a day: 1380 one-minute bars per day, 252 days a year.
    let ppy = 252.0 * 1380.0;
    let mut values = vec![];
    for (name, f) in ESTIMATORS {
        let v = f(&bars.ohlc(), ppy).unwrap_or(f64::NAN);
        println!("{name}: {:.3} %", 100.0 * v);
        assert!((0.03..0.15).contains(&v), "{name}: {v}");
        values.push(v);
    }
    let yz = values[4];
    let mean_others = values[..4].iter().sum::<f64>() / 4.0;
    assert!(
        (yz / mean_others - 1.0).abs() < 0.35,
        "Yang-Zhang {yz} vs mean {mean_others}"
    );
}

#[test]
fn expected_moves() {
    let m = straddle_move(30.0, 20.0);
    assert_eq!(m.straddle, 50.0);
    assert!((m.scaled - 42.5).abs() < 1e-12);
    // 5000 at 15 % over one day of 365: 5000·0.15·√(1/365) ≈ 39.257.
    assert!((iv_move(5000.0, 0.15, 1.0 / 365.0) - 39.256_794_194_266).abs() < 1e-9);
    assert_eq!(iv_move(5000.0, 0.15, -1.0), 0.0);
}

#[test]
fn vwap_both_ways() {
    let p = [100.0, 101.0, 102.0];
    let s = [1.0, 2.0, 1.0];
    assert_eq!(vwap(&p, &s), Ok(101.0));
    assert!(vwap(&p, &s[..2]).is_err());
    assert!(matches!(
        vwap(&p, &[0.0; 3]),
        Err(QuantError::InvalidInput { name: "size", .. })
    ));
    let mut acc = VwapAccumulator::new();
    assert_eq!(acc.value(), None);
    for (&pi, &si) in p.iter().zip(&s) {
        acc.push(pi, si);
    }
    assert_eq!(acc.value(), Some(101.0));
    assert_eq!(acc.volume(), 4.0);
    // Compensation: a million small trades after a huge one keep their weight.
    let mut acc = VwapAccumulator::new();
    acc.push(1.0, 1e16);
    for _ in 0..1_000_000 {
        acc.push(3.0, 1.0);
    }
    assert_eq!(acc.volume(), 1e16 + 1e6);
    acc.reset();
    assert_eq!(acc.value(), None);
}

#[test]
fn percentile_ranks() {
    assert_eq!(percentile_rank(&[1.0, 2.0, 3.0, 4.0], 3.0), Some(62.5));
    assert_eq!(percentile_rank(&[1.0, 2.0, 3.0, 4.0], 5.0), Some(100.0));
    assert_eq!(percentile_rank(&[1.0, 2.0, 3.0, 4.0], 0.0), Some(0.0));
    assert_eq!(percentile_rank(&[2.0, 2.0], 2.0), Some(50.0));
    assert_eq!(percentile_rank(&[f64::NAN], 2.0), None);
    assert_eq!(percentile_rank(&[1.0], f64::NAN), None);
    let mut rolling = RollingPercentileRank::new(3);
    assert_eq!(rolling.push(5.0), None);
    assert_eq!(rolling.push(6.0), Some(100.0));
    assert_eq!(rolling.push(1.0), Some(0.0));
    // Window [5.0, 6.0, 1.0]: 5.5 is above two of three.
    let r = rolling.push(5.5).unwrap_or(f64::NAN);
    assert!((r - 200.0 / 3.0).abs() < 1e-12, "{r}");
    // Window is now [6.0, 1.0, 5.5] (5.0 evicted): 5.0 is above 1.0 only.
    assert_eq!(rolling.len(), 3);
    let r = rolling.push(5.0).unwrap_or(f64::NAN);
    assert!((r - 100.0 / 3.0).abs() < 1e-12, "{r}");
}
