//! The whole desk at full speed: simulator → engine (window, Greeks, flow, exposures on every
//! publication) → lake (WAL + Parquet on the writer thread), with the publishing that feeds the
//! WebSocket clients.
//!
//! * `desk/first_hour_full_chain[_lake]`: criterion, events per second through the desk over the
//!   simulated morning up to 10:30 (SPXW + SPY + ES options, default simulator settings),
//!   generated before timing and delivered from memory with every option event (a whole-chain
//!   replay); without and with the lake (in a temporary directory; timed until the source ended
//!   and the lake was flushed, not the closing compaction). This is the desk's own cost: engine,
//!   lake hand-off, publishing.
//! * Then one full simulated session through the simulator source (which generates the whole
//!   market and delivers the subscribed window), once, printing wall time, events delivered,
//!   prints persisted per second and the process's peak resident memory (`VmHWM` from
//!   `/proc/self/status`).
//!
//! Run: `cargo bench -p gammaflow-server --bench desk`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::Stream;
use gammaflow_engine::pipeline::{EngineConfig, ProductConfig};
use gammaflow_model::OptionContract;
use gammaflow_model::event::Event;
use gammaflow_server::desk::{Desk, DeskConfig, DeskLake, DeskReport};
use gammaflow_server::metrics::Metrics;
use gammaflow_sources::pacing::Pacing;
use gammaflow_sources::sim::{SimConfig, SimSource, Simulator};
use gammaflow_sources::{Source, SourcesError, Subscriptions};
use gammaflow_store::LakeConfig;
use jiff::civil::{Date, Time};
use tokio::sync::watch;

const DAY: Date = Date::constant(2025, 6, 9);

fn lake_dir(tag: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("gammaflow-bench-desk-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Events from memory, every one delivered (no subscription filter), always ready.
struct VecSource {
    events: std::vec::IntoIter<Event>,
    subscriptions: Subscriptions,
}

impl Stream for VecSource {
    type Item = Result<Event, SourcesError>;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.events.next().map(Ok))
    }
}

impl Source for VecSource {
    fn name(&self) -> &'static str {
        "memory"
    }
    fn subscribe(&mut self, contracts: &[OptionContract]) -> Result<(), SourcesError> {
        self.subscriptions.add(contracts).map(|_| ())
    }
    fn unsubscribe(&mut self, contracts: &[OptionContract]) -> Result<(), SourcesError> {
        self.subscriptions.remove(contracts);
        Ok(())
    }
    fn subscriptions(&self) -> &Subscriptions {
        &self.subscriptions
    }
}

fn sim_config() -> SimConfig {
    SimConfig {
        start: DAY,
        ..SimConfig::default()
    }
}

/// Wall times of one run.
struct Timing {
    /// From start until the source ended and the lake was flushed (the state says `ended`).
    processing: Duration,
    /// Closing: the writer thread joined and the day's files compacted.
    closing: Duration,
}

/// Runs one desk over `source` until it ends (with the lake when `lake`), and returns its
/// report and wall times.
fn run(source: Box<dyn Source>, lake: bool, tag: &str) -> (DeskReport, Timing) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = lake_dir(tag);
    let result = runtime.block_on(async {
        let mut config = DeskConfig::new(EngineConfig {
            products: vec![
                ProductConfig::spxw(),
                ProductConfig::spy(),
                ProductConfig::es_options().unwrap(),
            ],
            ..EngineConfig::default()
        });
        config.lake = lake.then(|| DeskLake {
            root: dir.clone(),
            config: LakeConfig::default(),
            resume: false,
            channel_rows: 65_536,
        });
        let (desk, channels) = Desk::new(config, source, Arc::new(Metrics::default())).unwrap();
        let (stop, stop_rx) = watch::channel(false);
        let start = Instant::now();
        let task = tokio::spawn(desk.run(stop_rx));
        let mut view = channels.view;
        view.wait_for(|v| v.source.state == "ended").await.unwrap();
        let processing = start.elapsed();
        stop.send(true).unwrap();
        let report = task.await.unwrap().unwrap();
        let closing = start.elapsed() - processing;
        (
            report,
            Timing {
                processing,
                closing,
            },
        )
    });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Peak resident memory of this process, kB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn bench(c: &mut Criterion) {
    let open = gammaflow_model::session::from_new_york(DAY, Time::constant(9, 30, 0, 0)).unwrap();
    let end = gammaflow_model::session::from_new_york(DAY, Time::constant(10, 30, 0, 0)).unwrap();
    // The morning before the open is part of the input too (the engine's sessions start on the
    // first index value), but the hour after it is what is counted.
    let events: Vec<Event> = Simulator::new(sim_config())
        .unwrap()
        .take_while(|e| e.ts_event() < end)
        .collect();
    let counted = events.iter().filter(|e| e.ts_event() >= open).count() as u64;
    println!(
        "{} events generated, {counted} from 09:30 to 10:30",
        events.len()
    );
    let memory = |events: &Vec<Event>| -> Box<dyn Source> {
        Box::new(VecSource {
            events: events.clone().into_iter(),
            subscriptions: Subscriptions::new(),
        })
    };
    let mut group = c.benchmark_group("desk");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events.len() as u64));
    for (name, lake) in [
        ("first_hour_full_chain", false),
        ("first_hour_full_chain_lake", true),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    total += run(memory(&events), lake, "hour").1.processing;
                }
                total
            });
        });
    }
    group.finish();
    drop(events);

    let source = SimSource::new(sim_config(), Pacing::AsFastAsPossible).unwrap();
    let (report, timing) = run(Box::new(source), true, "session");
    let seconds = timing.processing.as_secs_f64();
    let persisted = report.lake.as_ref().map_or(0, |l| l.rows_persisted);
    println!(
        "full session through the simulator: {} events delivered, {} prints, {:.2} s (+ {:.2} s closing and compacting the lake): {:.0} events/s, {:.0} prints persisted/s; peak RSS {} MiB",
        report.events,
        report.prints,
        seconds,
        timing.closing.as_secs_f64(),
        report.events as f64 / seconds,
        persisted as f64 / seconds,
        peak_rss_kb().map_or(0, |kb| kb / 1024)
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
