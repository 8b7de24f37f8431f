//! Rows per second persisted through the write-ahead log and Parquet (zstd), in release.
//!
//! Each iteration opens a fresh lake under the system temp dir and writes 20,000 varied rows
//! (1 ms apart on the rows' clock, so the default `EveryMs(1000)` policy fsyncs about 20 times and
//! the 5,000-row trigger writes 4 files), then flushes. Cases:
//! * `direct/every_ms_1000`: the default fsync policy, `Lake::append` + `Lake::poll` per row;
//! * `direct/never`: no WAL fsync (the Parquet files are still fsynced);
//! * `writer_thread`: the same rows through `LakeWriter` (channel of 1,024) and `close`.
//!
//! Chain snapshots (`chain` group): 20,000 chain rows = 80 one-minute snapshots of 250 contracts,
//! one minute apart on the rows' clock (so the 60 s age trigger flushes at every snapshot: 80
//! files, as in a live session):
//! * `chain/direct/every_ms_1000`: `Lake::append_chain` + `Lake::poll` per row;
//! * `chain/writer_thread`: `LakeSender::send_chain` per snapshot, then `close`.
//!
//! Run: `cargo bench -p gammaflow-store --bench lake`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gammaflow_model::event::{Conditions, ExchangeId, Side};
use gammaflow_model::{Money, OptionContract, OptionRight, OptionRoot, Price, Size, UnixNanos};
use gammaflow_store::{ChainRow, FlowRow, FsyncPolicy, Lake, LakeConfig, LakeWriter};
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

/// Contracts per snapshot.
const SNAPSHOT: u64 = 250;

/// 80 snapshots of 250 contracts, a minute apart.
fn chain_rows() -> Vec<ChainRow> {
    (0..ROWS)
        .map(|i| {
            let (minute, k) = (i / SNAPSHOT, i % SNAPSHOT);
            let quoted = !k.is_multiple_of(7);
            ChainRow {
                ts: UnixNanos(OPEN + (minute + 1) * 60_000_000_000),
                underlying_price: Some(Price::from_raw(6_000_000_000_000 + minute as i64 * 1_000)),
                contract: OptionContract::new(
                    OptionRoot::SPXW,
                    date(2025, 6, 9),
                    if k.is_multiple_of(2) {
                        OptionRight::Call
                    } else {
                        OptionRight::Put
                    },
                    Price::from_raw((5_690 + (k / 2) as i64 * 5) * 1_000_000_000),
                ),
                bid: quoted.then_some(Price::from_raw(500_000_000 + k as i64 * 10_000_000)),
                ask: quoted.then_some(Price::from_raw(600_000_000 + k as i64 * 10_000_000)),
                bid_size: quoted.then_some(Size::new(10 + (k % 40) as u32)),
                ask_size: quoted.then_some(Size::new(12)),
                last: (minute > 0).then_some(Price::from_raw(550_000_000)),
                volume: minute * 17 + k,
                buy_volume: minute * 9,
                sell_volume: minute * 7,
                premium: Money::from_raw(i128::from(minute * 17 + k) * 55_000_000_000),
                buy_premium: Money::from_raw(i128::from(minute) * 49_500_000_000),
                sell_premium: Money::from_raw(i128::from(minute) * 38_500_000_000),
                net_delta_notional: minute as f64 * 90.0 - k as f64,
                net_gamma_notional: 0.2 * minute as f64,
                open_interest: 1_000 + k * 3,
                iv: if quoted {
                    0.12 + k as f64 * 1e-4
                } else {
                    f64::NAN
                },
                delta: 0.5 - k as f64 * 0.002,
                gamma: 0.003,
                vega: 1.2,
                theta: -120.0,
                gex_oi: 2.0e5 - k as f64,
                gex_flow: -1.0e4,
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

fn chain_direct(rows: &[ChainRow]) -> u64 {
    let root = fresh_root();
    let mut lake = Lake::open(&root, config(FsyncPolicy::default())).unwrap();
    for r in rows {
        lake.append_chain(r, r.ts).unwrap();
        lake.poll(r.ts).unwrap();
    }
    lake.flush().unwrap();
    let persisted = lake.chain_rows_persisted();
    drop(lake);
    std::fs::remove_dir_all(&root).unwrap();
    persisted
}

fn chain_threaded(rows: &[ChainRow]) -> u64 {
    let root = fresh_root();
    let lake = Lake::open(&root, config(FsyncPolicy::default())).unwrap();
    let (writer, sender) = LakeWriter::spawn(lake, 1_024).unwrap();
    for snapshot in rows.chunks(SNAPSHOT as usize) {
        sender.send_chain(snapshot.to_vec()).unwrap();
    }
    let stats = writer.close().unwrap();
    std::fs::remove_dir_all(&root).unwrap();
    stats.chain_rows_persisted
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
    let chain = chain_rows();
    let mut group = c.benchmark_group("chain");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS));
    group.bench_function("direct/every_ms_1000", |b| {
        b.iter(|| black_box(chain_direct(&chain)))
    });
    group.bench_function("writer_thread", |b| {
        b.iter(|| black_box(chain_threaded(&chain)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
