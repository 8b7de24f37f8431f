//! Events per second through the whole engine (window, Greeks recomputed on underlying moves,
//! aggressor, flow, throttled exposures) on one simulated trading day.
//!
//! The day is generated once, before timing, by the built-in simulator (`SimConfig::default()`:
//! SPX, ES, SPY, SPXW and SPY options at 5 % of the real trade count). Two cases:
//! * `subscribed`: option events pass only for the contracts the engine's window subscribed, as a
//!   real feed delivers them (the sink keeps the subscription set, like a source would);
//! * `full_chain`: every option event reaches the engine (a replay of a whole chain).
//!
//! Run: `cargo bench -p gammaflow-engine --bench pipeline`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::collections::BTreeSet;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gammaflow_engine::chain::EnrichedTrade;
use gammaflow_engine::flow::PrintTreatment;
use gammaflow_engine::pipeline::{Engine, EngineConfig, Sink};
use gammaflow_model::OptionContract;
use gammaflow_model::event::{Conditions, Event, Instrument};
use gammaflow_sources::conditions::ConditionTable;
use gammaflow_sources::sim::{SimConfig, Simulator};

/// Keeps the subscription set and counts what the engine hands out.
#[derive(Default)]
struct Counting {
    subscribed: BTreeSet<OptionContract>,
    trades: u64,
}

impl Sink for Counting {
    fn subscribe(&mut self, contracts: &[OptionContract]) {
        self.subscribed.extend(contracts.iter().copied());
    }
    fn unsubscribe(&mut self, contracts: &[OptionContract]) {
        for c in contracts {
            self.subscribed.remove(c);
        }
    }
    fn trade(&mut self, trade: &EnrichedTrade) {
        self.trades += 1;
        black_box(trade);
    }
}

fn engine() -> Engine {
    let table = ConditionTable::builtin();
    let treat = move |c: &Conditions| {
        let t = table.treatment(c);
        PrintTreatment {
            counts_volume: t.counts_volume,
            updates_last: t.updates_last,
            excluded: t.excluded,
            sweep: t.sweep,
            non_directional: t.multi_leg || t.stock_tied,
        }
    };
    Engine::new(EngineConfig::default(), Box::new(treat)).unwrap()
}

fn run(events: &[Event], filter: bool) -> u64 {
    let mut engine = engine();
    let mut sink = Counting::default();
    for e in events {
        if filter
            && let Instrument::Option(c) = e.instrument()
            && !sink.subscribed.contains(&c)
        {
            continue;
        }
        engine.on_event(e, &mut sink).unwrap();
    }
    sink.trades
}

fn bench(c: &mut Criterion) {
    let events: Vec<Event> = Simulator::new(SimConfig::default()).unwrap().collect();
    let trades = run(&events, true);
    println!(
        "simulated day: {} events; {} enriched prints when filtered by the window",
        events.len(),
        trades
    );
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("subscribed", |b| b.iter(|| run(black_box(&events), true)));
    group.bench_function("full_chain", |b| b.iter(|| run(black_box(&events), false)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
