//! DBN decoding throughput: the `dbn` crate's own decoder (records only) against gammaflow's
//! `DbnDecoder` (records → `model` events, instrument mapping included), on the largest real files
//! in `shared/data/databento` (decompressed in memory first, so zstd is not measured).
//!
//! After the criterion groups, a short side-by-side run prints `ours/theirs` throughput per file
//! (target ≥ 0.9), for events lent by `next_ref` (the analogue of the crate's `decode_record_ref`)
//! and for events moved out by `next_event`. Both sides hand every item whole to `black_box`.
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

/// The `dbn` crate's decoder: metadata, then every record by reference (framed, upgraded to v3
/// when the file is older), each handed to `black_box`. Returns the number of records.
fn theirs(bytes: &[u8]) -> u64 {
    let mut dec = dbn::decode::DbnDecoder::new(bytes).expect("metadata");
    let mut n = 0u64;
    while let Some(rec) = dec.decode_record_ref().expect("record") {
        black_box(rec);
        n += 1;
    }
    n
}

/// gammaflow's decoder: every record into events, fed through its own buffer as the file layer
/// does (no whole-file copy), each event lent by `next_ref` (as the `dbn` crate lends records) and
/// handed to `black_box` whole. Returns the number of events.
fn ours(bytes: &[u8]) -> u64 {
    drive(bytes, |dec, n| {
        while let Some(e) = dec.next_ref().expect("event") {
            black_box(e);
            *n += 1;
        }
    })
}

/// As [`ours`], but each event moved out by `next_event` (the file layer's way).
fn ours_owned(bytes: &[u8]) -> u64 {
    drive(bytes, |dec, n| {
        while let Some(e) = dec.next_event().expect("event") {
            black_box(&e);
            *n += 1;
        }
    })
}

/// Feeds `bytes` to a decoder in buffer-sized pieces, draining it with `drain` after each.
/// Consuming one field of each event only (as this bench did before) would let the optimiser
/// drop the construction of the other fields once the decoder is inlined, flattering our side.
#[inline(always)]
fn drive(bytes: &[u8], mut drain: impl FnMut(&mut DbnDecoder, &mut u64)) -> u64 {
    let mut dec = DbnDecoder::new("bench");
    let mut rest = bytes;
    let mut n = 0u64;
    loop {
        drain(&mut dec, &mut n);
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
    drain(&mut dec, &mut n);
    n
}

fn bench(c: &mut Criterion) {
    for (label, path) in FILES {
        let bytes = load(path);
        let records = theirs(&bytes);
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
        group.bench_function("gammaflow_events_owned", |b| {
            b.iter(|| ours_owned(black_box(&bytes)))
        });
        group.finish();
    }
    // Side by side, interleaved, to print the ratio. The machine may be shared: the best of many
    // rounds is compared, which is robust against interference.
    for (label, path) in FILES {
        let bytes = load(path);
        let rounds = 200;
        let (mut best_theirs, mut best_ours, mut best_owned) =
            (Duration::MAX, Duration::MAX, Duration::MAX);
        for _ in 0..rounds {
            let start = Instant::now();
            black_box(theirs(black_box(&bytes)));
            best_theirs = best_theirs.min(start.elapsed());
            let start = Instant::now();
            black_box(ours(black_box(&bytes)));
            best_ours = best_ours.min(start.elapsed());
            let start = Instant::now();
            black_box(ours_owned(black_box(&bytes)));
            best_owned = best_owned.min(start.elapsed());
        }
        let records = theirs(&bytes) as f64;
        let per = |t: Duration| records / t.as_secs_f64() / 1e6;
        let ratio = |t: Duration| best_theirs.as_secs_f64() / t.as_secs_f64();
        println!(
            "dbn_decode/{label}: dbn crate {:.1} M rec/s, gammaflow {:.1} M rec/s (next_ref), {:.1} M rec/s (next_event); ours/theirs = {:.2} (next_ref), {:.2} (next_event)",
            per(best_theirs),
            per(best_ours),
            per(best_owned),
            ratio(best_ours),
            ratio(best_owned)
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
