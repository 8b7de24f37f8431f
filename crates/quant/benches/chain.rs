//! A full 0DTE SPXW chain through [`ChainAnalyzer::analyze`]: 200 strikes × call/put = 400
//! contracts, quotes built from our own price function on a smile; IV (batch) + Greeks + GEX per
//! contract, per-strike table, walls, and (in the second benchmark) the exact zero-gamma level.
//!
//! Run: `cargo bench -p gammaflow-quant --bench chain`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gammaflow_quant::chain::{ChainAnalyzer, ChainConfig, ChainQuotes};
use gammaflow_quant::exposure::DealerSign;
use gammaflow_quant::{ExpiryInputs, Model, OptionInputs, OptionKind, black};

const S: f64 = 5012.5;
const T: f64 = 5.0 / 24.0 / 365.0; // five hours to the 16:00 ET settlement
const R: f64 = 0.05;
const Q: f64 = 0.013;

struct Chain {
    kind: Vec<OptionKind>,
    strike: Vec<f64>,
    bid: Vec<f64>,
    ask: Vec<f64>,
    oi: Vec<f64>,
}

/// Strikes 4515..5510 step 5; smile `0.13 − 0.9x + 8x²` in `x = ln(K/S)`; bid/ask ±1 % around the
/// model price; open interest heavier on puts below spot and calls above.
fn chain() -> Chain {
    let mut c = Chain {
        kind: vec![],
        strike: vec![],
        bid: vec![],
        ask: vec![],
        oi: vec![],
    };
    for j in 0..200 {
        let k = 4515.0 + 5.0 * f64::from(j);
        let x = (k / S).ln();
        let vol = 0.13 - 0.9 * x + 8.0 * x * x;
        for kind in [OptionKind::Call, OptionKind::Put] {
            let inputs = OptionInputs {
                model: Model::Bsm,
                kind,
                s: S,
                k,
                t: T,
                r: R,
                q: Q,
            };
            let p = black::price(&inputs, vol);
            c.kind.push(kind);
            c.strike.push(k);
            c.bid.push(p * 0.99);
            c.ask.push(p * 1.01);
            let near = (-(x * 40.0).powi(2)).exp();
            let tilt = if (kind == OptionKind::Put) == (k < S) {
                2.0
            } else {
                1.0
            };
            c.oi.push((200.0 + 5000.0 * near) * tilt);
        }
    }
    c
}

fn bench(c: &mut Criterion) {
    let ch = chain();
    let quotes = ChainQuotes {
        expiry: ExpiryInputs {
            model: Model::Bsm,
            s: S,
            t: T,
            r: R,
            q: Q,
            multiplier: 100.0,
        },
        kind: &ch.kind,
        strike: &ch.strike,
        bid: &ch.bid,
        ask: &ch.ask,
        open_interest: &ch.oi,
        dealer: DealerSign::Classic,
    };
    let mut g = c.benchmark_group("chain_0dte_400");
    g.throughput(Throughput::Elements(ch.kind.len() as u64));
    for (name, zero_gamma) in [("iv_greeks_gex", false), ("iv_greeks_gex_zero_gamma", true)] {
        let mut analyzer = ChainAnalyzer::new(ChainConfig {
            zero_gamma,
            ..ChainConfig::default()
        });
        let out = analyzer.analyze(&quotes).unwrap();
        assert_eq!(out.priced, ch.kind.len(), "every contract should price");
        g.bench_function(name, |b| {
            b.iter(|| {
                analyzer
                    .analyze(black_box(&quotes))
                    .map(|o| o.total_gex)
                    .unwrap()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
