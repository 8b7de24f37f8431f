//! DBN decoding throughput: the `dbn` crate's own decoder (records only) against gammaflow's
//! `DbnDecoder` (records → `model` events, instrument mapping included), on the largest real files
//! in `shared/data/databento` (decompressed in memory first, so zstd is not measured).
//!
//! After the criterion groups, a short side-by-side run prints `ours/theirs` throughput per file
//! (target ≥ 0.9).
#![allow(
    missing_docs,
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dbn::decode::DecodeRecordRef;
use gammaflow_sources::databento::DbnDecoder;

/// (label, path under shared/data/databento)
const FILES: [(&str, &str); 2] = [
    (
        "esm4_mbo_13796",
        "nautilus/order_book_deltas_catalog/databento/orderbooks_mbo_2024-05-08T00-00-00_2024-05-08T00-00-02.dbn.zst",
    ),
    (
        "esu4_mbp1_2288",
        "nautilus/historical_bars_catalog/databento/futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst",
    ),
];

/// The decompressed DBN bytes of a shared file.
fn load(relative: &str) -> Vec<u8> {
    let path = gammaflow_testkit::shared_data(&format!("databento/{relative}"));
    let file = std::fs::File::open(&path).expect("shared data file");
    zstd::decode_all(file).expect("zstd")
}

/// The `dbn` crate's decoder: metadata, then every record by reference. Returns (records, sum).
fn theirs(bytes: &[u8]) -> (u64, u64) {
    let mut dec = dbn::decode::DbnDecoder::new(bytes).expect("metadata");
    let mut n = 0u64;
    let mut sum = 0u64;
    while let Some(rec) = dec.decode_record_ref().expect("record") {
        n += 1;
        sum = sum.wrapping_add(rec.header().ts_event);
    }
    (n, sum)
}

/// gammaflow's decoder: every record into events, fed through its own buffer as the file layer
/// does (no whole-file copy). Returns (events, sum).
fn ours(bytes: &[u8]) -> (u64, u64) {
    let mut dec = DbnDecoder::new("bench");
    let mut rest = bytes;
    let mut n = 0u64;
    let mut sum = 0u64;
    loop {
        while let Some(e) = dec.next_event().expect("event") {
            n += 1;
            sum = sum.wrapping_add(e.ts_event().0);
        }
        if rest.is_empty() {
            break;
        }
        let space = dec.space();
        let k = space.len().min(rest.len());
        space[..k].copy_from_slice(&rest[..k]);
        dec.filled(k);
        rest = &rest[k..];
    }
    dec.finish().expect("complete stream");
    (n, sum)
}

fn bench(c: &mut Criterion) {
    for (label, path) in FILES {
        let bytes = load(path);
        let records = theirs(&bytes).0;
        let mut group = c.benchmark_group(format!("dbn_decode/{label}"));
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(2))
            .warm_up_time(Duration::from_millis(500))
            .throughput(Throughput::Elements(records));
        group.bench_function("dbn_crate_records", |b| {
            b.iter(|| theirs(black_box(&bytes)))
        });
        group.bench_function("gammaflow_events", |b| b.iter(|| ours(black_box(&bytes))));
        group.finish();
    }
    // Side by side, interleaved, to print the ratio. The machine may be shared: the best of many
    // rounds is compared, which is robust against interference.
    for (label, path) in FILES {
        let bytes = load(path);
        let rounds = 200;
        let (mut best_theirs, mut best_ours) = (Duration::MAX, Duration::MAX);
        for _ in 0..rounds {
            let start = Instant::now();
            black_box(theirs(black_box(&bytes)));
            best_theirs = best_theirs.min(start.elapsed());
            let start = Instant::now();
            black_box(ours(black_box(&bytes)));
            best_ours = best_ours.min(start.elapsed());
        }
        let records = theirs(&bytes).0 as f64;
        let per = |t: Duration| records / t.as_secs_f64() / 1e6;
        println!(
            "dbn_decode/{label}: dbn crate {:.1} M rec/s, gammaflow {:.1} M rec/s, ours/theirs = {:.2}",
            per(best_theirs),
            per(best_ours),
            best_theirs.as_secs_f64() / best_ours.as_secs_f64()
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
