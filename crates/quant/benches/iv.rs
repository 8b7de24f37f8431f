//! Implied-volatility throughput on 1,000,000 mixed options, against the `implied-vol` crate (Jäckel's
//! "Let's Be Rational" and its author's experimental solver) on the same inputs in the same run.
//!
//! Inputs (fixed seed): Black-Scholes-Merton, expiries log-uniform from 1 minute to 2 years, volatility
//! log-uniform 1 %–300 %, standardised moneyness ln(F/K)/(σ√T) uniform in ±9, calls and puts, r in
//! 0–8 %, q in 0–3 %; every price strictly inside its no-arbitrage bounds (deep in-the-money rows are
//! the near-intrinsic ones). Each solver gets the same discounted price and computes what it needs
//! (forward, undiscounted price) inside the timed loop, as a caller would.
//!
//! Run: `cargo bench -p gammaflow-quant --bench iv`. After criterion's report the bench prints a
//! summary with the median of 7 timed passes per solver and the throughput ratios.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput};
use gammaflow_quant::iv::{self, IvBatch, IvStatus};
use gammaflow_quant::{Model, OptionInputs, OptionKind, black};
use implied_vol::{DefaultSpecialFn, ImpliedBlackVolatility, solver};

const ROWS: usize = 1_000_000;

struct Inputs {
    kind: Vec<OptionKind>,
    s: Vec<f64>,
    k: Vec<f64>,
    t: Vec<f64>,
    r: Vec<f64>,
    q: Vec<f64>,
    price: Vec<f64>,
}

/// xorshift64*: a small deterministic generator, uniform in [0, 1).
struct Rng(u64);
impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
        (lo.ln() + self.uniform() * (hi.ln() - lo.ln())).exp()
    }
}

fn mixed_inputs(n: usize) -> Inputs {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = Inputs {
        kind: Vec::with_capacity(n),
        s: Vec::with_capacity(n),
        k: Vec::with_capacity(n),
        t: Vec::with_capacity(n),
        r: Vec::with_capacity(n),
        q: Vec::with_capacity(n),
        price: Vec::with_capacity(n),
    };
    while out.price.len() < n {
        let t = rng.log_uniform(1.0 / 525_600.0, 2.0);
        let sigma = rng.log_uniform(0.01, 3.0);
        let h = -9.0 + 18.0 * rng.uniform();
        let r = 0.08 * rng.uniform();
        let q = 0.03 * rng.uniform();
        let s = 5000.0;
        let forward = s * ((r - q) * t).exp();
        let k = forward * (-h * sigma * t.sqrt()).exp();
        let kind = if rng.uniform() < 0.5 {
            OptionKind::Call
        } else {
            OptionKind::Put
        };
        let inputs = OptionInputs {
            model: Model::Bsm,
            kind,
            s,
            k,
            t,
            r,
            q,
        };
        let price = black::price(&inputs, sigma);
        // Keep rows both solvers must solve: strictly inside the bounds, representable.
        if price > 0.0
            && price.is_finite()
            && iv::implied_vol(&inputs, price).is_ok_and(|v| v > 0.0)
        {
            out.kind.push(kind);
            out.s.push(s);
            out.k.push(k);
            out.t.push(t);
            out.r.push(r);
            out.q.push(q);
            out.price.push(price);
        }
    }
    out
}

fn gammaflow_scalar(x: &Inputs) -> f64 {
    let mut sum = 0.0;
    for i in 0..x.price.len() {
        let inputs = OptionInputs {
            model: Model::Bsm,
            kind: x.kind[i],
            s: x.s[i],
            k: x.k[i],
            t: x.t[i],
            r: x.r[i],
            q: x.q[i],
        };
        sum += iv::implied_vol(&inputs, x.price[i]).unwrap_or(0.0);
    }
    sum
}

fn gammaflow_batch(x: &Inputs, vol: &mut [f64], status: &mut [IvStatus]) -> f64 {
    let batch = IvBatch {
        model: Model::Bsm,
        kind: &x.kind,
        s: &x.s,
        k: &x.k,
        t: &x.t,
        r: &x.r,
        q: &x.q,
        price: &x.price,
    };
    iv::implied_vol_batch(&batch, vol, status).unwrap();
    vol[0]
}

/// The peer's "full API": forward and undiscounted price from the same inputs, builder, solve.
fn peer<S: solver::BlackSolver>(x: &Inputs) -> f64 {
    let mut sum = 0.0;
    for i in 0..x.price.len() {
        let (t, r) = (x.t[i], x.r[i]);
        let forward = x.s[i] * ((r - x.q[i]) * t).exp();
        let undiscounted = x.price[i] * (r * t).exp();
        let option = ImpliedBlackVolatility::builder()
            .option_price(undiscounted)
            .forward(forward)
            .strike(x.k[i])
            .expiry(t)
            .is_call(x.kind[i] == OptionKind::Call)
            .build();
        if let Some(option) = option {
            sum += option.calculate_with::<S>().unwrap_or(0.0);
        }
    }
    sum
}

fn bench_iv(c: &mut Criterion, x: &Inputs) {
    let mut group = c.benchmark_group("iv_1m_mixed");
    group.throughput(Throughput::Elements(x.price.len() as u64));
    group.sample_size(10);
    group.bench_function("gammaflow_scalar", |b| {
        b.iter(|| black_box(gammaflow_scalar(black_box(x))))
    });
    let mut vol = vec![0.0; x.price.len()];
    let mut status = vec![IvStatus::Ok; x.price.len()];
    group.bench_function("gammaflow_batch", |b| {
        b.iter(|| black_box(gammaflow_batch(black_box(x), &mut vol, &mut status)))
    });
    group.bench_function("implied_vol_hybrid", |b| {
        b.iter(|| black_box(peer::<solver::Hybrid<DefaultSpecialFn>>(black_box(x))))
    });
    group.bench_function("implied_vol_experimental", |b| {
        b.iter(|| black_box(peer::<solver::Experimental>(black_box(x))))
    });
    group.finish();
}

/// Median wall time of `passes` runs of `f`, in nanoseconds per row.
fn median_ns_per_row(passes: usize, rows: usize, mut f: impl FnMut() -> f64) -> f64 {
    let mut times: Vec<f64> = (0..passes)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed().as_secs_f64() * 1e9 / rows as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[passes / 2]
}

fn summary(x: &Inputs) {
    let n = x.price.len();
    let mut vol = vec![0.0; n];
    let mut status = vec![IvStatus::Ok; n];
    let scalar = median_ns_per_row(7, n, || gammaflow_scalar(x));
    let batch = median_ns_per_row(7, n, || gammaflow_batch(x, &mut vol, &mut status));
    let hybrid = median_ns_per_row(7, n, || peer::<solver::Hybrid<DefaultSpecialFn>>(x));
    let experimental = median_ns_per_row(7, n, || peer::<solver::Experimental>(x));
    let fastest_peer = hybrid.min(experimental);
    println!("\nIV throughput on {n} mixed options (median of 7 passes, ns per IV):");
    println!("  gammaflow scalar           {scalar:8.1} ns");
    println!(
        "  gammaflow batch            {batch:8.1} ns  ({} threads max)",
        available_threads()
    );
    println!("  implied-vol Hybrid (LBR)   {hybrid:8.1} ns");
    println!("  implied-vol Experimental   {experimental:8.1} ns");
    println!(
        "  ratio scalar / fastest peer: {:.2}x",
        fastest_peer / scalar
    );
    println!(
        "  ratio batch  / fastest peer: {:.2}x",
        fastest_peer / batch
    );
    println!("  FMA kernel in use: {}", iv::kernel_uses_fma());
}

fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |p| p.get())
}

fn main() {
    let inputs = mixed_inputs(ROWS);
    let mut criterion = Criterion::default().configure_from_args();
    bench_iv(&mut criterion, &inputs);
    criterion.final_summary();
    summary(&inputs);
}
