//! Simulator throughput: events generated per second (target ≥ 1 M events/s on one core).
//!
//! * `sim/first_hour_default`: the default configuration (SPX, ES, SPY, SPXW ±40 strikes and SPY
//!   ±20 strikes over four expiries, activity 0.05) from 06:00 ET through 09:30–10:30 ET: the
//!   busiest hour of the day, including definitions, open interest and the pre-market.
//! * `sim/full_day_small`: a whole session of a narrow chain at activity 0.01.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gammaflow_model::session::from_new_york;
use gammaflow_sources::sim::{SimConfig, Simulator};
use jiff::civil::{Time, date};

/// Events of `config`'s first day up to `until` (ns), or all of them.
fn generate(config: &SimConfig, until: Option<u64>) -> u64 {
    let mut n = 0u64;
    let Ok(sim) = Simulator::new(config.clone()) else {
        return 0;
    };
    for event in sim {
        if until.is_some_and(|u| event.ts_recv().0 >= u) {
            break;
        }
        black_box(&event);
        n += 1;
    }
    n
}

fn bench(c: &mut Criterion) {
    let day = date(2025, 6, 10);
    let default = SimConfig {
        start: day,
        ..SimConfig::default()
    };
    let until = from_new_york(day, Time::constant(10, 30, 0, 0))
        .map(|t| t.0)
        .ok();
    let small = SimConfig {
        start: day,
        activity: 0.01,
        spxw_strikes: 12,
        spy_strikes: 8,
        expiries: 2,
        reprice_bp: 3.0,
        ..SimConfig::default()
    };
    let mut group = c.benchmark_group("sim");
    group.sample_size(10);
    for (name, config, limit) in [
        ("first_hour_default", &default, until),
        ("full_day_small", &small, None),
    ] {
        let events = generate(config, limit);
        group.throughput(Throughput::Elements(events));
        group.bench_function(name, |b| b.iter(|| generate(config, limit)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
