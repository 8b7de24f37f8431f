//! The desk loop on the simulator: bad input is counted and survived, and a restarted replay
//! writes every print to the lake exactly once.

use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::Stream;
use gammaflow_engine::pipeline::{EngineConfig, ProductConfig};
use gammaflow_model::OptionContract;
use gammaflow_model::event::Event;
use gammaflow_server::desk::{Desk, DeskConfig, DeskLake, DeskReport};
use gammaflow_server::metrics::Metrics;
use gammaflow_server::wire::DeskView;
use gammaflow_sources::pacing::Pacing;
use gammaflow_sources::sim::{SimConfig, SimSource};
use gammaflow_sources::{Source, SourcesError, Subscriptions};
use gammaflow_store::LakeConfig;
use jiff::civil::{Date, Time};
use tokio::sync::watch;

const DAY: Date = Date::constant(2025, 6, 9);

fn sim() -> SimSource {
    let config = SimConfig {
        start: DAY,
        activity: 0.1,
        ..SimConfig::default()
    };
    SimSource::new(config, Pacing::AsFastAsPossible).unwrap()
}

fn desk_config(lake: Option<PathBuf>) -> DeskConfig {
    let mut config = DeskConfig::new(EngineConfig {
        products: vec![ProductConfig::spxw()],
        ..EngineConfig::default()
    });
    config.lake = lake.map(|root| DeskLake {
        root,
        config: LakeConfig::default(),
        resume: true,
        channel_rows: 4_096,
    });
    config
}

/// Runs a desk to `until` (New York), waits for the source to end, stops it, and returns the
/// last view, the metrics and the report.
async fn run_desk(
    source: Box<dyn Source>,
    config: DeskConfig,
    until: Time,
) -> (Arc<DeskView>, Arc<Metrics>, DeskReport) {
    let metrics = Arc::new(Metrics::default());
    let (desk, channels) = Desk::new(config, source, Arc::clone(&metrics)).unwrap();
    let (stop, stop_rx) = watch::channel(false);
    let task = tokio::spawn(desk.stop_at(Some(until)).run(stop_rx));
    let mut view = channels.view;
    let ended = tokio::time::timeout(Duration::from_secs(600), async {
        view.wait_for(|v| v.source.state == "ended")
            .await
            .map(|v| v.clone())
    })
    .await;
    let last = ended.expect("the source did not end").unwrap();
    stop.send(true).unwrap();
    let report = task.await.unwrap().unwrap();
    (last, metrics, report)
}

/// The simulator with a malformed frame after every 500th event and every 300th pair of events
/// swapped.
struct Faulty {
    inner: SimSource,
    count: u64,
    errors: u64,
    swapped: u64,
    held: Option<Event>,
}

impl Stream for Faulty {
    type Item = Result<Event, SourcesError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        this.count += 1;
        if this.count.is_multiple_of(500) {
            this.errors += 1;
            return Poll::Ready(Some(Err(SourcesError::Malformed {
                line: this.count as usize,
                reason: "injected".to_owned(),
                text: "{\"ev\":\"T\",\"sym\":".to_owned(),
            })));
        }
        loop {
            let next = match Pin::new(&mut this.inner).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(this.held.take().map(Ok)),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(event))) => event,
            };
            if let Some(earlier) = this.held.take() {
                // Emit the later event first, then the earlier one.
                if earlier.ts_event() < next.ts_event() {
                    this.swapped += 1;
                }
                this.held = Some(earlier);
                return Poll::Ready(Some(Ok(next)));
            }
            if this.count.is_multiple_of(300) {
                this.held = Some(next);
                continue;
            }
            return Poll::Ready(Some(Ok(next)));
        }
    }
}

impl Source for Faulty {
    fn name(&self) -> &'static str {
        "faulty"
    }
    fn subscribe(&mut self, contracts: &[OptionContract]) -> Result<(), SourcesError> {
        self.inner.subscribe(contracts)
    }
    fn unsubscribe(&mut self, contracts: &[OptionContract]) -> Result<(), SourcesError> {
        self.inner.unsubscribe(contracts)
    }
    fn subscriptions(&self) -> &Subscriptions {
        self.inner.subscriptions()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_out_of_order_events_are_counted_and_the_desk_goes_on() {
    let until = Time::constant(9, 50, 0, 0);
    let (clean, _, clean_report) = run_desk(Box::new(sim()), desk_config(None), until).await;

    let faulty = Faulty {
        inner: sim(),
        count: 0,
        errors: 0,
        swapped: 0,
        held: None,
    };
    let (view, metrics, report) = run_desk(Box::new(faulty), desk_config(None), until).await;
    let errors = metrics.source_errors.load(Ordering::Relaxed);
    let out_of_order = metrics.source_out_of_order.load(Ordering::Relaxed);
    assert!(errors > 10, "{errors} errors counted");
    assert_eq!(view.source.errors, errors);
    assert!(
        view.source
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("injected"),
        "{:?}",
        view.source.last_error
    );
    assert!(
        out_of_order > 10,
        "{out_of_order} out-of-order events counted"
    );
    // Every good event was still processed: the same events and prints as the clean run (but
    // for at most one held back by a swap across the stop time).
    assert!(
        clean_report.events - report.events <= 1,
        "{report:?} vs {clean_report:?}"
    );
    assert!(
        clean_report.prints - report.prints <= 1,
        "{report:?} vs {clean_report:?}"
    );
    assert!(report.prints > 0);
    // And the window is intact: 2N+1 strikes, high to low, one ATM row.
    let product = &view.products[0];
    assert_eq!(product.strikes.len(), 7);
    assert_eq!(product.strikes.iter().filter(|s| s.atm).count(), 1);
    assert!(
        product
            .strikes
            .windows(2)
            .all(|w| w[0].strike > w[1].strike)
    );
    assert_eq!(clean.products[0].strikes.len(), 7);
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "gammaflow-desk-{name}-{}-{}",
        std::process::id(),
        DAY
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_replay_stores_each_print_once() {
    let dir = temp_dir("resume");
    let (_, first_metrics, first) = run_desk(
        Box::new(sim()),
        desk_config(Some(dir.clone())),
        Time::constant(9, 45, 0, 0),
    )
    .await;
    let stored = gammaflow_store::read_day(&dir, DAY).unwrap();
    assert_eq!(stored.len() as u64, first.prints);
    assert_eq!(first_metrics.lake_rows_skipped.load(Ordering::Relaxed), 0);

    // The same day again, further: the first run's prints are skipped, the rest appended.
    let (view, metrics, second) = run_desk(
        Box::new(sim()),
        desk_config(Some(dir.clone())),
        Time::constant(10, 0, 0, 0),
    )
    .await;
    assert_eq!(
        metrics.lake_rows_skipped.load(Ordering::Relaxed),
        first.prints
    );
    let rows = gammaflow_store::read_day(&dir, DAY).unwrap();
    assert_eq!(rows.len() as u64, second.prints);
    // The wire's volume is the lake's volume of the prints that count.
    let table = gammaflow_sources::conditions::ConditionTable::builtin();
    let lake_volume: u64 = rows
        .iter()
        .filter(|r| {
            let t = table.treatment(&r.row.conditions);
            t.counts_volume && !t.excluded
        })
        .map(|r| r.row.size.as_u64())
        .sum();
    let totals = view.products[0].totals;
    assert_eq!(totals.call_volume + totals.put_volume, lake_volume);
    // Exactly once: no print appears twice.
    let mut keys: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.row.ts_recv.0,
                r.row.contract,
                r.row.price,
                r.row.size,
                r.row.exchange,
            )
        })
        .collect();
    let total = keys.len();
    keys.sort_unstable_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    keys.dedup();
    assert_eq!(keys.len(), total, "duplicated prints in the lake");
    // One-minute chain snapshots: every minute of both runs, each (minute, contract) once.
    let chain = gammaflow_store::read_chain_day(&dir, DAY).unwrap();
    let mut snapshot_keys: Vec<String> = chain
        .iter()
        .map(|r| format!("{} {}", r.row.ts.0, r.row.contract))
        .collect();
    let snapshots = snapshot_keys.len();
    snapshot_keys.sort_unstable();
    snapshot_keys.dedup();
    assert_eq!(snapshot_keys.len(), snapshots, "duplicated snapshot rows");
    let minutes: std::collections::BTreeSet<u64> = chain.iter().map(|r| r.row.ts.0).collect();
    let first = minutes.first().copied().unwrap();
    let last = minutes.last().copied().unwrap();
    assert_eq!(
        minutes.len() as u64,
        (last - first) / 60_000_000_000 + 1,
        "a minute is missing"
    );
    assert!(
        last >= gammaflow_model::session::from_new_york(DAY, Time::constant(9, 59, 0, 0))
            .unwrap()
            .0
    );
    let _ = std::fs::remove_dir_all(&dir);
}
