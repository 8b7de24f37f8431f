//! The named queries over a lake of about one million prints, in release.
//!
//! Setup (not timed): a lake under the system temp dir with 1,000,000 varied prints on
//! 2025-06-09 (09:30–16:00 New York, SPXW and SPY, 80 strikes each, 5,000-row flushes, then
//! `compact_day` into large files as `gammaflow flow` does) and 50,000 on 2025-06-10 (which the
//! queries must not read). Each case runs one named query for 2025-06-09 through
//! [`Analytics::named`] on a multi-threaded tokio runtime (planning, the scan of the day's files
//! and the aggregation), and `sql/count_all` counts every row of the lake.
//!
//! Run: `cargo bench -p gammaflow-analytics --bench queries`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use gammaflow_analytics::Analytics;
use gammaflow_model::event::{Conditions, ExchangeId, Side};
use gammaflow_model::{OptionContract, OptionRight, OptionRoot, Price, Size, UnixNanos};
use gammaflow_store::{CompactConfig, FlowRow, FsyncPolicy, Lake, LakeConfig, compact_day};
use jiff::civil::{Date, date};

/// Prints on the queried day.
const ROWS: u64 = 1_000_000;
/// 09:30 New York on 2025-06-09 and 2025-06-10, ns.
const OPEN_0609: u64 = 1_749_475_800_000_000_000;
const OPEN_0610: u64 = OPEN_0609 + 86_400 * 1_000_000_000;
/// The cash session, ns.
const SESSION: u64 = 23_400 * 1_000_000_000;

fn print(i: u64, open: u64, n: u64, day: Date) -> FlowRow {
    let ts = UnixNanos(open + i * (SESSION / n));
    let spy = i.is_multiple_of(5);
    let step = if spy { 1 } else { 5 };
    let centre = if spy { 600 } else { 6_000 };
    let strike = centre + ((i * 7_919) % 80) as i64 * step - 40 * step;
    let call = i.is_multiple_of(2);
    let side = [Side::Buy, Side::Sell, Side::None][(i % 3) as usize];
    let delta = if call { 0.5 } else { -0.5 };
    let sign = match side {
        Side::Buy => 1.0,
        Side::Sell => -1.0,
        Side::None => 0.0,
    };
    let size = 1 + (i % 50) as u32;
    FlowRow {
        ts_event: ts,
        ts_recv: UnixNanos(ts.0 + 150_000),
        underlying_price: centre as f64,
        contract: OptionContract::new(
            if spy {
                OptionRoot::SPY
            } else {
                OptionRoot::SPXW
            },
            day,
            if call {
                OptionRight::Call
            } else {
                OptionRight::Put
            },
            Price::from_integer(strike).unwrap(),
        ),
        price: Price::from_raw(50_000_000 + ((i * 104_729) % 2_000) as i64 * 10_000_000),
        size: Size::new(size),
        exchange: ExchangeId(300 + (i % 17) as u16),
        conditions: Conditions::EMPTY,
        aggressor: side,
        iv: 0.12,
        delta,
        gamma: 0.002,
        net_delta_impact: sign * f64::from(size) * delta * 100.0,
        sweep: i.is_multiple_of(13),
        excluded: i.is_multiple_of(101),
    }
}

fn build_lake(root: &Path) {
    let config = LakeConfig {
        fsync: FsyncPolicy::Never,
        ..LakeConfig::default()
    };
    let mut lake = Lake::open(root, config).unwrap();
    for (open, n, day) in [
        (OPEN_0609, ROWS, date(2025, 6, 9)),
        (OPEN_0610, ROWS / 20, date(2025, 6, 10)),
    ] {
        for i in 0..n {
            let row = print(i, open, n, day);
            lake.append(&row, row.ts_event).unwrap();
            if lake.flush_due(row.ts_event) {
                lake.flush().unwrap();
            }
        }
        lake.flush().unwrap();
        compact_day(root, day, &CompactConfig::default()).unwrap();
    }
}

fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn queries(c: &mut Criterion) {
    let root: PathBuf =
        std::env::temp_dir().join(format!("gammaflow-analytics-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    build_lake(&root);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let analytics = runtime.block_on(Analytics::open(&root)).unwrap();
    let day = ("date", "2025-06-09");
    let cases: [(&str, BTreeMap<String, String>); 5] = [
        ("net-delta-by-strike", params(&[day])),
        ("flow-series", params(&[day, ("bucket", "60")])),
        ("premium-by-side", params(&[day])),
        ("top-trades", params(&[day, ("limit", "100")])),
        (
            "premium-by-side",
            params(&[day, ("root", "SPY"), ("from", "10:00"), ("to", "11:00")]),
        ),
    ];
    let mut group = c.benchmark_group("named");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    for (i, (name, p)) in cases.iter().enumerate() {
        let rows = runtime
            .block_on(analytics.named(name, p))
            .unwrap()
            .num_rows();
        assert!(rows > 0, "{name}");
        let id = if i == 4 {
            format!("{name}/spy_10-11")
        } else {
            (*name).to_owned()
        };
        group.bench_function(id, |b| {
            b.iter(|| black_box(runtime.block_on(analytics.named(name, p)).unwrap()));
        });
    }
    group.finish();
    let mut group = c.benchmark_group("sql");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    let count = runtime
        .block_on(analytics.sql("SELECT count(*) AS n FROM flow"))
        .unwrap()
        .to_json()
        .unwrap();
    assert_eq!(count[0]["n"], ROWS + ROWS / 20);
    group.bench_function("count_all", |b| {
        b.iter(|| {
            black_box(
                runtime
                    .block_on(analytics.sql("SELECT count(*) AS n FROM flow"))
                    .unwrap(),
            )
        });
    });
    group.finish();
    drop(analytics);
    let _ = std::fs::remove_dir_all(&root);
}

criterion_group!(benches, queries);
criterion_main!(benches);
