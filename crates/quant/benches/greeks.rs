//! Price and Greeks: one option at a time (latency of the hot path) and a loop over 1,024 mixed
//! options (throughput; the inputs vary so that nothing is constant-folded or perfectly predicted).
//!
//! Run: `cargo bench -p gammaflow-quant --bench greeks`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gammaflow_quant::{Model, OptionInputs, OptionKind, black};

fn spx_0dte_call() -> OptionInputs {
    OptionInputs {
        model: Model::Bsm,
        kind: OptionKind::Call,
        s: 5012.5,
        k: 5025.0,
        t: 3.0 / 24.0 / 365.0,
        r: 0.05,
        q: 0.013,
    }
}

fn es_put() -> OptionInputs {
    OptionInputs {
        model: Model::Black76,
        kind: OptionKind::Put,
        s: 5040.25,
        k: 4950.0,
        t: 2.0 / 365.0,
        r: 0.05,
        q: 0.0,
    }
}

/// 1,024 options: both models, calls and puts, strikes ±6 %, 1 hour to 30 days, vols 8–60 %.
fn mixed() -> Vec<(OptionInputs, f64)> {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut uniform = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..1024)
        .map(|i| {
            let inputs = OptionInputs {
                model: if i % 3 == 0 {
                    Model::Black76
                } else {
                    Model::Bsm
                },
                kind: if i % 2 == 0 {
                    OptionKind::Call
                } else {
                    OptionKind::Put
                },
                s: 5000.0,
                k: 5000.0 * (0.94 + 0.12 * uniform()),
                t: (1.0 / 24.0 + 30.0 * uniform()) / 365.0,
                r: 0.05,
                q: 0.013,
            };
            (inputs, 0.08 + 0.52 * uniform())
        })
        .collect()
}

fn scalar(c: &mut Criterion) {
    let mut g = c.benchmark_group("scalar");
    for (name, inputs, sigma) in [
        ("spx_0dte_call", spx_0dte_call(), 0.14),
        ("es_put_b76", es_put(), 0.18),
    ] {
        g.bench_function(format!("price/{name}"), |b| {
            b.iter(|| black::price(black_box(&inputs), black_box(sigma)))
        });
        g.bench_function(format!("first_order/{name}"), |b| {
            b.iter(|| black::first_order(black_box(&inputs), black_box(sigma)))
        });
        g.bench_function(format!("greeks/{name}"), |b| {
            b.iter(|| black::greeks(black_box(&inputs), black_box(sigma)))
        });
    }
    g.finish();
}

fn throughput(c: &mut Criterion) {
    let options = mixed();
    let mut g = c.benchmark_group("mixed_1024");
    g.throughput(Throughput::Elements(options.len() as u64));
    g.bench_function("first_order", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for (inputs, sigma) in black_box(&options) {
                let f = black::first_order(inputs, *sigma);
                acc += f.price + f.delta + f.gamma + f.vega + f.theta + f.rho;
            }
            acc
        })
    });
    g.bench_function("greeks", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for (inputs, sigma) in black_box(&options) {
                let f = black::greeks(inputs, *sigma);
                acc += f.price + f.vanna + f.charm + f.vomma + f.speed + f.zomma + f.color;
            }
            acc
        })
    });
    g.finish();
}

criterion_group!(benches, scalar, throughput);
criterion_main!(benches);
