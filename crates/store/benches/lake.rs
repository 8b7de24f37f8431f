//! Rows per second persisted through the write-ahead log and Parquet (zstd), in release.
//!
//! Each iteration opens a fresh lake under the system temp dir and writes 20,000 varied rows
//! (1 ms apart on the rows' clock, so the default `EveryMs(1000)` policy fsyncs about 20 times and
//! the 5,000-row trigger writes 4 files), then flushes. Cases:
//! * `direct/every_ms_1000`: the default fsync policy, `Lake::append` + `Lake::poll` per row;
//! * `direct/never`: no WAL fsync (the Parquet files are still fsynced);
//! * `writer_thread`: the same rows through `LakeWriter` (channel of 1,024) and `close`.
//!
//! Run: `cargo bench -p gammaflow-store --bench lake`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gammaflow_model::event::{Conditions, ExchangeId, Side};
use gammaflow_model::{OptionContract, OptionRight, OptionRoot, Price, Size, UnixNanos};
use gammaflow_store::{FlowRow, FsyncPolicy, Lake, LakeConfig, LakeWriter};
use jiff::civil::date;

/// Rows per iteration.
const ROWS: u64 = 20_000;
/// 2025-06-09 09:30 New York, ns.
const OPEN: u64 = 1_749_475_800_000_000_000;

fn rows() -> Vec<FlowRow> {
    (0..ROWS)
        .map(|i| {
            let ts = UnixNanos(OPEN + i * 1_000_000);
            FlowRow {
                ts_event: ts,
                ts_recv: UnixNanos(ts.0 + 200_000),
                underlying_price: 6_000.0 + (i % 400) as f64 * 0.05,
                contract: OptionContract::new(
                    OptionRoot::SPXW,
                    date(2025, 6, 9),
                    if i.is_multiple_of(2) {
                        OptionRight::Call
                    } else {
                        OptionRight::Put
                    },
                    Price::from_raw((5_900 + (i % 41) as i64 * 5) * 1_000_000_000),
                ),
                price: Price::from_raw(500_000_000 + (i % 300) as i64 * 50_000_000),
                size: Size::new(1 + (i % 25) as u32),
                exchange: ExchangeId(300 + (i % 17) as u16),
                conditions: if i.is_multiple_of(9) {
                    Conditions::try_from_slice(&[209]).unwrap()
                } else {
                    Conditions::EMPTY
                },
                aggressor: [Side::Buy, Side::Sell, Side::None][(i % 3) as usize],
                iv: 0.12 + (i % 50) as f64 * 1e-3,
                delta: 0.5 - (i % 41) as f64 * 0.02,
                gamma: 0.003,
                net_delta_impact: (i % 25) as f64 * 40.0,
                sweep: i.is_multiple_of(13),
                excluded: false,
            }
        })
        .collect()
}

/// A fresh directory per iteration.
fn fresh_root() -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let root = std::env::temp_dir().join(format!(
        "gammaflow-store-bench-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&root);
    root
}

fn config(fsync: FsyncPolicy) -> LakeConfig {
    LakeConfig {
        fsync,
        ..LakeConfig::default()
    }
}

fn direct(rows: &[FlowRow], fsync: FsyncPolicy) -> u64 {
    let root = fresh_root();
    let mut lake = Lake::open(&root, config(fsync)).unwrap();
    for r in rows {
        lake.append(r, r.ts_recv).unwrap();
        lake.poll(r.ts_recv).unwrap();
    }
    lake.flush().unwrap();
    let persisted = lake.rows_persisted();
    drop(lake);
    std::fs::remove_dir_all(&root).unwrap();
    persisted
}

fn threaded(rows: &[FlowRow]) -> u64 {
    let root = fresh_root();
    let lake = Lake::open(&root, config(FsyncPolicy::default())).unwrap();
    let (writer, sender) = LakeWriter::spawn(lake, 1_024).unwrap();
    for r in rows {
        sender.send(*r).unwrap();
    }
    let stats = writer.close().unwrap();
    std::fs::remove_dir_all(&root).unwrap();
    stats.rows_persisted
}

fn bench(c: &mut Criterion) {
    let rows = rows();
    let mut group = c.benchmark_group("lake");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS));
    group.bench_function("direct/every_ms_1000", |b| {
        b.iter(|| black_box(direct(&rows, FsyncPolicy::EveryMs(1_000))))
    });
    group.bench_function("direct/never", |b| {
        b.iter(|| black_box(direct(&rows, FsyncPolicy::Never)))
    });
    group.bench_function("writer_thread", |b| b.iter(|| black_box(threaded(&rows))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
