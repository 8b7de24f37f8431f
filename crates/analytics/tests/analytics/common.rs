//! Shared helpers: temp lakes and the known rows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use gammaflow_model::event::{Conditions, ExchangeId, Side};
use gammaflow_model::{OptionContract, OptionRight, OptionRoot, Price, Size, UnixNanos};
use gammaflow_store::{FlowRow, Lake, LakeConfig};
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
