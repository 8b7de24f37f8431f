//! Decoding throughput of the sans-I/O Polygon/Massive WebSocket decoder: realistic option frames
//! of 50 events (25 trades, 25 NBBO quotes over 10 SPXW contracts), as the options connection
//! receives them at the open. Reported as frames/s and events/s.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gammaflow_model::UnixNanos;
use gammaflow_sources::polygon::decode_frame_into;

const EVENTS_PER_FRAME: usize = 50;

/// One frame of `EVENTS_PER_FRAME` events, alternating trades and quotes.
fn frame(seed: usize) -> String {
    let mut events = Vec::with_capacity(EVENTS_PER_FRAME);
    for i in 0..EVENTS_PER_FRAME {
        let strike = 5780 + 5 * ((seed + i) % 10);
        let right = if i % 4 < 2 { 'C' } else { 'P' };
        let sym = format!("O:SPXW251216{right}0{strike}000");
        let t = 1_765_900_800_000 + (seed * EVENTS_PER_FRAME + i) as u64;
        let q = 800_000_000 + (seed * EVENTS_PER_FRAME + i) as u64;
        let cents = 100 + (seed * 7 + i * 13) % 900;
        let price = format!("{}.{:02}", cents / 100, cents % 100);
        if i % 2 == 0 {
            events.push(format!(
                r#"{{"ev":"T","sym":"{sym}","x":302,"p":{price},"s":{},"c":[209],"t":{t},"q":{q}}}"#,
                1 + i % 20
            ));
        } else {
            let ask = format!("{}.{:02}", (cents + 10) / 100, (cents + 10) % 100);
            events.push(format!(
                r#"{{"ev":"Q","sym":"{sym}","bx":302,"ax":302,"bp":{price},"ap":{ask},"bs":{},"as":{},"t":{t},"q":{q}}}"#,
                10 + i,
                12 + i
            ));
        }
    }
    format!("[{}]", events.join(","))
}

fn bench(c: &mut Criterion) {
    let frames: Vec<String> = (0..64).map(frame).collect();
    let mut out = Vec::with_capacity(EVENTS_PER_FRAME);
    // Check once that the frames decode cleanly, so the bench measures the happy path.
    for f in &frames {
        out.clear();
        decode_frame_into(f, UnixNanos(1), &mut out);
        assert!(out.len() == EVENTS_PER_FRAME && out.iter().all(Result::is_ok));
    }
    let mut group = c.benchmark_group("polygon_decode");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(3));
    group.warm_up_time(Duration::from_secs(1));
    for (name, elements) in [("frames", 1), ("events", EVENTS_PER_FRAME as u64)] {
        group.throughput(Throughput::Elements(elements));
        let mut n = 0usize;
        group.bench_function(format!("{name}/T+Q_50_per_frame"), |b| {
            b.iter(|| {
                n = (n + 1) % frames.len();
                out.clear();
                decode_frame_into(black_box(&frames[n]), UnixNanos(1), &mut out);
                black_box(out.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
