//! Shared helpers: temp dirs, rows, comparisons.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use gammaflow_model::event::{Conditions, ExchangeId, Side};
use gammaflow_model::{OptionContract, OptionRight, OptionRoot, Price, Size, UnixNanos};
use gammaflow_store::{FlowRow, StoredRow};
use jiff::civil::date;

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("gammaflow-store-{name}-{}-{n}", std::process::id()));
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

/// 2025-06-09 09:30:00 New York (13:30 UTC), ns.
pub const OPEN_0609: u64 = 1_749_475_800_000_000_000;
/// One second, ns.
pub const SECOND: u64 = 1_000_000_000;

/// A UTC instant from RFC 3339 text.
pub fn utc(text: &str) -> UnixNanos {
    UnixNanos::from_timestamp(text.parse::<jiff::Timestamp>().unwrap()).unwrap()
}

/// A varied row number `i` at `ts`: puts and calls, sides, conditions, NaN Greeks every 5th row.
pub fn row_at(i: u64, ts: UnixNanos) -> FlowRow {
    let unknown = i % 5 == 4;
    let nan_or = |v: f64| if unknown { f64::NAN } else { v };
    let codes: &[u16] = match i % 3 {
        0 => &[],
        1 => &[209],
        _ => &[209, 232, 12],
    };
    FlowRow {
        ts_event: ts,
        ts_recv: UnixNanos(ts.0 + 150_000 + i),
        underlying_price: nan_or(6_000.25 + i as f64 * 0.25),
        contract: OptionContract::new(
            if i.is_multiple_of(2) {
                OptionRoot::SPXW
            } else {
                OptionRoot::SPY
            },
            date(2025, 6, 9),
            if i % 4 < 2 {
                OptionRight::Call
            } else {
                OptionRight::Put
            },
            Price::from_raw((5_950 + (i % 40) as i64 * 5) * 1_000_000_000 + 500_000_000),
        ),
        price: Price::from_raw(1_000_000_000 + i as i64 * 50_000_000),
        size: Size::new(1 + (i % 97) as u32),
        exchange: ExchangeId(300 + (i % 20) as u16),
        conditions: Conditions::try_from_slice(codes).unwrap(),
        aggressor: [Side::Buy, Side::Sell, Side::None][(i % 3) as usize],
        iv: nan_or(0.1 + i as f64 * 1e-4),
        delta: nan_or(if i % 4 < 2 { 0.45 } else { -0.55 }),
        gamma: nan_or(0.002),
        net_delta_impact: nan_or(i as f64 * 12.5 - 40.0),
        sweep: i.is_multiple_of(7),
        excluded: i.is_multiple_of(11),
    }
}

/// Row `i` one millisecond apart from the 2025-06-09 open.
pub fn row(i: u64) -> FlowRow {
    row_at(i, UnixNanos(OPEN_0609 + i * 1_000_000))
}

/// Field-by-field equality where NaN equals NaN (NaN is stored as null and read back as NaN).
pub fn same(a: &FlowRow, b: &FlowRow) -> bool {
    let f = |x: f64, y: f64| x == y || (x.is_nan() && y.is_nan());
    a.ts_event == b.ts_event
        && a.ts_recv == b.ts_recv
        && f(a.underlying_price, b.underlying_price)
        && a.contract == b.contract
        && a.price == b.price
        && a.size == b.size
        && a.exchange == b.exchange
        && a.conditions == b.conditions
        && a.aggressor == b.aggressor
        && f(a.iv, b.iv)
        && f(a.delta, b.delta)
        && f(a.gamma, b.gamma)
        && f(a.net_delta_impact, b.net_delta_impact)
        && a.sweep == b.sweep
        && a.excluded == b.excluded
}

/// Asserts that `stored` are exactly `expected` with sequence numbers `first..`, in order.
pub fn assert_rows(stored: &[StoredRow], expected: &[FlowRow], first: u64) {
    assert_eq!(stored.len(), expected.len(), "row count");
    for (k, (s, e)) in stored.iter().zip(expected).enumerate() {
        assert_eq!(s.seq, first + k as u64, "seq of row {k}");
        assert!(same(&s.row, e), "row {k} differs:\n{:?}\n{:?}", s.row, e);
    }
}

/// The lake's WAL segment files, sorted.
pub fn wal_segments(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root.join("wal"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    out.sort();
    out
}
