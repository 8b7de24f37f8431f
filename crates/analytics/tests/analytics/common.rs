//! Shared helpers: temp lakes and the known rows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use gammaflow_model::event::{Conditions, ExchangeId, Side};
use gammaflow_model::{Money, OptionContract, OptionRight, OptionRoot, Price, Size, UnixNanos};
use gammaflow_store::{ChainRow, FlowRow, Lake, LakeConfig};
use jiff::civil::{Date, Time, date};

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "gammaflow-analytics-{name}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The instant of New York `hh:mm:ss` on `day`.
pub fn ny(day: Date, h: i8, m: i8, s: i8) -> UnixNanos {
    gammaflow_model::session::from_new_york(day, Time::constant(h, m, s, 0)).unwrap()
}

pub const JUNE_9: Date = date(2025, 6, 9);
pub const JUNE_10: Date = date(2025, 6, 10);

/// One print. `ndi` is the stored net delta impact (NaN = unknown, stored null).
#[allow(clippy::too_many_arguments)]
pub fn print(
    ts: UnixNanos,
    root: &str,
    right: OptionRight,
    strike: i64,
    price: &str,
    size: u32,
    side: Side,
    delta: f64,
    ndi: f64,
    excluded: bool,
) -> FlowRow {
    FlowRow {
        ts_event: ts,
        ts_recv: UnixNanos(ts.0 + 1_000),
        underlying_price: 6_000.0,
        contract: OptionContract::new(
            OptionRoot::new(root).unwrap(),
            JUNE_9,
            right,
            Price::from_integer(strike).unwrap(),
        ),
        price: price.parse().unwrap(),
        size: Size::new(size),
        exchange: ExchangeId(302),
        conditions: Conditions::EMPTY,
        aggressor: side,
        iv: if delta.is_nan() { f64::NAN } else { 0.15 },
        delta,
        gamma: if delta.is_nan() { f64::NAN } else { 0.01 },
        net_delta_impact: ndi,
        sweep: false,
        excluded,
    }
}

/// The known rows, in append order (sequence numbers 1..=10). June 9 (New York):
///
/// | # | time | root | right | strike | price | size | side | ndi | premium |
/// |---|---|---|---|---|---|---|---|---|---|
/// | 1 | 09:31:10 | SPXW | C | 6000 | 4.20 | 3 | B | 150 | 1260 |
/// | 2 | 09:31:40 | SPXW | P | 5995 | 3.10 | 2 | S | 80 | 620 |
/// | 3 | 09:32:05 | SPXW | C | 6000 | 4.50 | 10 | S | -500 | 4500 |
/// | 4 | 09:45:00 | SPY | C | 600 | 1.25 | 20 | B | 1000 | 2500 |
/// | 5 | 10:05:00 | SPXW | C | 6005 | 2.00 | 1 | N | null | 200 |
/// | 6 | 10:06:00 | SPXW | P | 5995 | 9.99 | 50 | B | 10 | excluded |
/// | 7 | 11:00:00 | E1A | C | 6000 | 12.50 | 4 | B | 100 | 2500 (× 50) |
/// | 8 | 23:30:00 | SPXW | C | 6010 | 0.05 | 100 | S | -100 | 500 |
///
/// June 10: 9 and 10, SPXW calls at 09:40, 6020, 1.00 × 5 B (500 each).
pub fn known_rows() -> Vec<FlowRow> {
    use OptionRight::{Call, Put};
    use Side::{Buy, None as Unknown, Sell};
    let d = JUNE_9;
    vec![
        print(
            ny(d, 9, 31, 10),
            "SPXW",
            Call,
            6000,
            "4.20",
            3,
            Buy,
            0.5,
            150.0,
            false,
        ),
        print(
            ny(d, 9, 31, 40),
            "SPXW",
            Put,
            5995,
            "3.10",
            2,
            Sell,
            -0.4,
            80.0,
            false,
        ),
        print(
            ny(d, 9, 32, 5),
            "SPXW",
            Call,
            6000,
            "4.50",
            10,
            Sell,
            0.5,
            -500.0,
            false,
        ),
        print(
            ny(d, 9, 45, 0),
            "SPY",
            Call,
            600,
            "1.25",
            20,
            Buy,
            0.5,
            1000.0,
            false,
        ),
        print(
            ny(d, 10, 5, 0),
            "SPXW",
            Call,
            6005,
            "2.00",
            1,
            Unknown,
            f64::NAN,
            f64::NAN,
            false,
        ),
        print(
            ny(d, 10, 6, 0),
            "SPXW",
            Put,
            5995,
            "9.99",
            50,
            Buy,
            -0.2,
            10.0,
            true,
        ),
        print(
            ny(d, 11, 0, 0),
            "E1A",
            Call,
            6000,
            "12.50",
            4,
            Buy,
            0.5,
            100.0,
            false,
        ),
        print(
            ny(d, 23, 30, 0),
            "SPXW",
            Call,
            6010,
            "0.05",
            100,
            Sell,
            0.01,
            -100.0,
            false,
        ),
        print(
            ny(JUNE_10, 9, 40, 0),
            "SPXW",
            Call,
            6020,
            "1.00",
            5,
            Buy,
            0.5,
            250.0,
            false,
        ),
        print(
            ny(JUNE_10, 9, 40, 0),
            "SPXW",
            Call,
            6020,
            "1.00",
            5,
            Buy,
            0.5,
            250.0,
            false,
        ),
    ]
}

/// Appends `rows` to the lake at `root` and flushes (one file per day per call).
pub fn write(root: &Path, rows: &[FlowRow]) {
    let mut lake = Lake::open(root, LakeConfig::default()).unwrap();
    for row in rows {
        lake.append(row, row.ts_event).unwrap();
    }
    lake.flush().unwrap();
}

/// A lake with the known rows.
pub fn known_lake(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    write(dir.path(), &known_rows());
    dir
}

/// Named-query parameters from pairs.
pub fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

pub const JUNE_6: Date = date(2025, 6, 6);

/// One chain snapshot row: `premium` in whole US$, NaN floats are stored as null.
#[allow(clippy::too_many_arguments)]
pub fn chain_row(
    ts: UnixNanos,
    root: &str,
    expiry: Date,
    right: OptionRight,
    strike: i64,
    underlying: &str,
    volume: u64,
    premium: i64,
    net_delta: f64,
    open_interest: u64,
    iv: f64,
    gex_oi: f64,
    gex_flow: f64,
) -> ChainRow {
    ChainRow {
        ts,
        underlying_price: Some(underlying.parse().unwrap()),
        contract: OptionContract::new(
            OptionRoot::new(root).unwrap(),
            expiry,
            right,
            Price::from_integer(strike).unwrap(),
        ),
        bid: None,
        ask: None,
        bid_size: None,
        ask_size: None,
        last: None,
        volume,
        buy_volume: volume,
        sell_volume: 0,
        premium: Money::from_raw(i128::from(premium) * 1_000_000_000),
        buy_premium: Money::ZERO,
        sell_premium: Money::ZERO,
        net_delta_notional: net_delta,
        net_gamma_notional: f64::NAN,
        open_interest,
        iv,
        delta: f64::NAN,
        gamma: f64::NAN,
        vega: f64::NAN,
        theta: f64::NAN,
        gex_oi,
        gex_flow,
    }
}

/// The 09:32 SPXW snapshot's values for strike `5990 + 5 i` (i = 0..=5; 6015 has no put):
///
/// | | volume | premium | net delta | OI | IV | GEX (OI) | GEX (flow) |
/// |---|---|---|---|---|---|---|---|
/// | call | 100 + i | 1000 (i + 1) | 10 i | 500 + i | 0.20 + 0.01 i | 1000 i | −100 i |
/// | put | 200 + i | 2000 (i + 1) | −5 i | 700 + i | 0.25 (unknown at 5990) | −500 i | 50 i |
pub fn snapshot_0932() -> Vec<ChainRow> {
    let ts = ny(JUNE_9, 9, 32, 0);
    let mut rows = Vec::new();
    for i in 0..6_u32 {
        let strike = 5990 + 5 * i64::from(i);
        let n = f64::from(i);
        rows.push(chain_row(
            ts,
            "SPXW",
            JUNE_9,
            OptionRight::Call,
            strike,
            "6002.50",
            100 + u64::from(i),
            1000 * (i64::from(i) + 1),
            10.0 * n,
            500 + u64::from(i),
            0.20 + 0.01 * n,
            1000.0 * n,
            -100.0 * n,
        ));
        if i < 5 {
            rows.push(chain_row(
                ts,
                "SPXW",
                JUNE_9,
                OptionRight::Put,
                strike,
                "6002.50",
                200 + u64::from(i),
                2000 * (i64::from(i) + 1),
                -5.0 * n,
                700 + u64::from(i),
                if i == 0 { f64::NAN } else { 0.25 },
                -500.0 * n,
                50.0 * n,
            ));
        }
    }
    rows
}

/// The known chain snapshots:
///
/// * June 9, 09:31: SPXW (underlying 6001) expiring June 9, strikes 5995, 6000, 6005, calls and
///   puts, plus a 6000 call expiring June 10; SPY (600.10) 600 call and put.
/// * June 9, 09:32: SPXW, [`snapshot_0932`] (underlying 6002.50).
/// * June 9, 10:00: SPXW (6010.25), strikes 6005, 6010, 6015, calls and puts.
/// * June 10, 09:31: one SPXW call; June 6, 15:59: one SPXW call (a day with snapshots only).
pub fn known_chain_rows() -> Vec<ChainRow> {
    use OptionRight::{Call, Put};
    let simple = |ts, root, expiry, right, strike, underlying| {
        chain_row(
            ts, root, expiry, right, strike, underlying, 1, 10, 0.0, 1, 0.2, 0.0, 0.0,
        )
    };
    let mut rows = Vec::new();
    let t0931 = ny(JUNE_9, 9, 31, 0);
    for strike in [5995, 6000, 6005] {
        for right in [Call, Put] {
            rows.push(simple(t0931, "SPXW", JUNE_9, right, strike, "6001"));
        }
    }
    rows.push(simple(t0931, "SPXW", JUNE_10, Call, 6000, "6001"));
    rows.push(simple(t0931, "SPY", JUNE_9, Call, 600, "600.10"));
    rows.push(simple(t0931, "SPY", JUNE_9, Put, 600, "600.10"));
    rows.extend(snapshot_0932());
    let t1000 = ny(JUNE_9, 10, 0, 0);
    for strike in [6005, 6010, 6015] {
        for right in [Call, Put] {
            rows.push(simple(t1000, "SPXW", JUNE_9, right, strike, "6010.25"));
        }
    }
    rows.push(simple(
        ny(JUNE_10, 9, 31, 0),
        "SPXW",
        JUNE_10,
        Call,
        6020,
        "6015",
    ));
    rows.push(simple(
        ny(JUNE_6, 15, 59, 0),
        "SPXW",
        JUNE_6,
        Call,
        5950,
        "5940",
    ));
    rows
}

/// Appends chain `rows` to the lake at `root` and flushes.
pub fn write_chain(root: &Path, rows: &[ChainRow]) {
    let mut lake = Lake::open(root, LakeConfig::default()).unwrap();
    for row in rows {
        lake.append_chain(row, row.ts).unwrap();
    }
    lake.flush().unwrap();
}

/// A lake with the known prints and the known chain snapshots.
pub fn full_lake(name: &str) -> TempDir {
    let dir = known_lake(name);
    write_chain(dir.path(), &known_chain_rows());
    dir
}
