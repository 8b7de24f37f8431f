//! The desk: one task that runs a source through the engine, hands every enriched print to the
//! lake's writer thread, and publishes the window state for the HTTP side.
//!
//! ```text
//! source ──events──▶ Engine ──prints──▶ LakeSender ──▶ writer thread (WAL, Parquet)
//!    ▲                  │ subscribe/unsubscribe
//!    └──────────────────┘
//!                       └──every publish interval──▶ watch<Arc<DeskView>> ──▶ WebSocket clients
//!    └──events──▶ MarketTracker (ES/SPX, VWAP, ranges, bars) ◀── SPXW ATM IV at each publication
//! ```
//!
//! * **One task, no locks on the hot path.** The engine is single-threaded and deterministic; the
//!   desk owns it. Events are taken from the source in batches of up to [`BATCH`] without
//!   yielding, so a replay at full speed pays the scheduler once per batch, not per event.
//! * **Publishing**: after a batch of events, when at least the publish interval (default 5 ms of
//!   wall time) has passed since the last publication, and on a timer of that interval when the
//!   source is quiet, but only when something changed, the desk builds a [`DeskView`]
//!   (refreshing the exposure views at most every `exposure_refresh` of wall time, 250 ms by
//!   default, and once per the engine's exposure interval of event time) and stores it in a `tokio::sync::watch` channel. Readers always get the latest state;
//!   the desk never waits for them. The interval is small so that the desk adds at most a few
//!   milliseconds to a tick's way to the client; the WebSocket throttle (250 ms) is per client.
//! * **Bad input never stops the desk**: a source error item (a malformed frame, an undecodable
//!   record) and an event the engine refuses are counted in the metrics, the last error is kept
//!   in the source status, and the loop goes on; an event older than its predecessor is counted
//!   as out of order and processed.
//! * **The lake** receives every enriched print (after the [`resume`] filter); its counters are
//!   copied into the metrics on every publish. When a finite source ends, the desk flushes the
//!   lake, publishes the final state and keeps serving it until shutdown. On shutdown it closes
//!   the lake (flush, then join the writer thread) and compacts the days it wrote.
//! * **Market state**: every event also goes to a [`MarketTracker`] (O(1) per event): ES and SPX,
//!   basis, VWAP, the SPX open, the morning and afternoon ranges, ES one-minute bars and realized
//!   volatility of the dashboard trade date. At each publication the tracker receives the 0DTE ATM
//!   IV of the first `SPXW` product (else the first product; [`view::atm_iv`]: the mean of the ATM
//!   call and put IV, only when that product's expiry is the tracker's trade date), stamped with
//!   the current event time, and its state becomes [`DeskView::market`]. The bars and the
//!   per-minute flow are answered on request ([`DeskRequest::MarketBars`],
//!   [`DeskRequest::Intraday`]), not published.
//! * **Time**: the desk never reads the wall clock for market logic; event time comes from the
//!   events. Wall time only paces publishing and measures events per second.

pub mod resume;
pub mod view;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures_util::{FutureExt, StreamExt};
use gammaflow_engine::chain::EnrichedTrade;
use gammaflow_engine::flow::PrintTreatment;
use gammaflow_engine::market::MarketTracker;
use gammaflow_engine::pipeline::{Engine, EngineConfig, ProductConfig, Sink};
use gammaflow_model::event::{Conditions, Event};
use gammaflow_model::{OptionContract, UnixNanos};
use gammaflow_sources::Source;
use gammaflow_sources::conditions::ConditionTable;
use gammaflow_store::{
    CompactConfig, FlowRow, Lake, LakeConfig, LakeSender, LakeWriter, StoreError, WriterStats,
    chain_snapshot, compact_chain_day, compact_day,
};
use jiff::civil::Date;
use tokio::sync::{mpsc, watch};

use crate::error::ServerError;
use crate::metrics::{Metrics, inc};
use crate::state::DeskRequest;
use crate::wire::{DeskView, SourceStatus};
use resume::ResumeFilter;

/// Most events processed between two looks at the timers and requests.
pub const BATCH: usize = 2_048;

/// Where and how the desk writes the lake.
#[derive(Debug, Clone, PartialEq)]
pub struct DeskLake {
    /// Lake root (the directory holding `raw/`).
    pub root: PathBuf,
    /// Buffering, flushing and fsync.
    pub config: LakeConfig,
    /// Skip prints already in the lake from an earlier run ([`resume`]).
    pub resume: bool,
    /// Rows the writer's channel holds before the desk waits for the disk.
    pub channel_rows: usize,
}

/// The desk's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct DeskConfig {
    /// Products, rate, exposure interval.
    pub engine: EngineConfig,
    /// The lake, if prints are stored.
    pub lake: Option<DeskLake>,
    /// Shortest wall time between two published states.
    pub publish_interval: Duration,
    /// Shortest wall time between two exposure refreshes for the published state (GEX by OI
    /// and by flow, zero gamma, walls: a full-chain computation per product). States published
    /// in between show the last exposures. Default 250 ms, the WebSocket throttle.
    pub exposure_refresh: Duration,
}

impl DeskConfig {
    /// The engine's settings, no lake, publishing at most every 5 ms.
    pub fn new(engine: EngineConfig) -> Self {
        Self {
            engine,
            lake: None,
            publish_interval: Duration::from_millis(5),
            exposure_refresh: Duration::from_millis(250),
        }
    }
}

/// What the desk did, returned when it stops.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeskReport {
    /// Events processed.
    pub events: u64,
    /// Prints enriched.
    pub prints: u64,
    /// The lake writer's final counters.
    pub lake: Option<WriterStats>,
}

/// The engine's treatment of a print from the vendor condition table.
pub fn print_treatment(table: ConditionTable) -> Box<dyn Fn(&Conditions) -> PrintTreatment + Send> {
    Box::new(move |c: &Conditions| {
        let t = table.treatment(c);
        PrintTreatment {
            counts_volume: t.counts_volume,
            updates_last: t.updates_last,
            excluded: t.excluded,
            sweep: t.sweep,
            non_directional: t.multi_leg || t.stock_tied,
        }
    })
}

/// Receives the engine's decisions during one event.
struct DeskSink {
    subscribe: Vec<OptionContract>,
    unsubscribe: Vec<OptionContract>,
    lake: Option<LakeSender>,
    resume: Option<ResumeFilter>,
    lake_error: Option<StoreError>,
    lake_days: BTreeSet<Date>,
    /// New York days of the chain snapshots sent.
    chain_days: BTreeSet<Date>,
    /// The next whole minute of event time at which the chains are snapshotted.
    next_snapshot: Option<u64>,
    prints: u64,
    excluded: u64,
    skipped: u64,
}

impl Sink for DeskSink {
    fn subscribe(&mut self, contracts: &[OptionContract]) {
        self.subscribe.extend_from_slice(contracts);
    }
    fn unsubscribe(&mut self, contracts: &[OptionContract]) {
        self.unsubscribe.extend_from_slice(contracts);
    }
    fn trade(&mut self, trade: &EnrichedTrade) {
        self.prints += 1;
        if trade.treatment.excluded {
            self.excluded += 1;
        }
        let Some(lake) = &self.lake else { return };
        let day = match gammaflow_model::session::to_new_york(trade.ts_event) {
            Ok(zoned) => zoned.date(),
            Err(e) => {
                self.lake_error = Some(StoreError::InvalidRow {
                    row: format!("print at {} ns", trade.ts_event.0),
                    reason: format!("no New York date: {e}"),
                });
                return;
            }
        };
        if let Some(filter) = &mut self.resume {
            match filter.already_stored(day, trade.ts_recv) {
                Ok(true) => {
                    self.skipped += 1;
                    return;
                }
                Ok(false) => {}
                Err(e) => {
                    self.lake_error = Some(e);
                    return;
                }
            }
        }
        self.lake_days.insert(day);
        if let Err(e) = lake.send(FlowRow::from(trade)) {
            self.lake_error = Some(e);
        }
    }
}

/// The desk; see the module docs.
pub struct Desk {
    engine: Engine,
    /// ES/SPX state of the trade date.
    market: MarketTracker,
    products: Vec<ProductConfig>,
    source: Box<dyn Source>,
    sink: DeskSink,
    writer: Option<LakeWriter>,
    lake_root: Option<PathBuf>,
    metrics: Arc<Metrics>,
    publish: watch::Sender<Arc<DeskView>>,
    requests: mpsc::Receiver<DeskRequest>,
    publish_interval: Duration,
    exposure_refresh: Duration,
    last_exposures: Option<Instant>,
    status: SourceStatus,
    seq: u64,
    now: UnixNanos,
    /// Parquet files (both tables) the writer had written at the last metrics update.
    files_seen: u64,
    last_event_at: Instant,
    last_publish: Instant,
    dirty: bool,
    /// Stop taking events at this New York time of the first event's date.
    until: Option<jiff::civil::Time>,
    stop_at: Option<UnixNanos>,
}

/// The desk's ends for the HTTP side.
#[derive(Debug)]
pub struct DeskChannels {
    /// The latest published state.
    pub view: watch::Receiver<Arc<DeskView>>,
    /// Questions to the desk.
    pub requests: mpsc::Sender<DeskRequest>,
}

impl Desk {
    /// A desk over `source` (opens the lake, recovering its write-ahead log, and starts its
    /// writer thread).
    pub fn new(
        config: DeskConfig,
        source: Box<dyn Source>,
        metrics: Arc<Metrics>,
    ) -> Result<(Desk, DeskChannels), ServerError> {
        let products = config.engine.products.clone();
        let engine = Engine::new(config.engine, print_treatment(ConditionTable::builtin()))
            .map_err(ServerError::Engine)?;
        let (writer, sender, lake_root, resume) = match &config.lake {
            Some(lake) => {
                let opened = Lake::open(&lake.root, lake.config.clone()).map_err(|source| {
                    ServerError::Lake {
                        path: lake.root.clone(),
                        source,
                    }
                })?;
                let (writer, sender) =
                    LakeWriter::spawn(opened, lake.channel_rows).map_err(|source| {
                        ServerError::Lake {
                            path: lake.root.clone(),
                            source,
                        }
                    })?;
                let resume = lake.resume.then(|| ResumeFilter::new(lake.root.clone()));
                (Some(writer), Some(sender), Some(lake.root.clone()), resume)
            }
            None => (None, None, None, None),
        };
        let status = SourceStatus {
            name: source.name().to_owned(),
            state: "starting".to_owned(),
            ..SourceStatus::default()
        };
        let (publish, view) = watch::channel(Arc::new(DeskView {
            source: status.clone(),
            ..DeskView::default()
        }));
        let (request_tx, requests) = mpsc::channel(64);
        metrics.source_up.store(1, Ordering::Relaxed);
        let desk = Desk {
            engine,
            market: MarketTracker::default(),
            products,
            source,
            sink: DeskSink {
                subscribe: Vec::new(),
                unsubscribe: Vec::new(),
                lake: sender,
                resume,
                lake_error: None,
                lake_days: BTreeSet::new(),
                chain_days: BTreeSet::new(),
                next_snapshot: None,
                prints: 0,
                excluded: 0,
                skipped: 0,
            },
            writer,
            lake_root,
            metrics,
            publish,
            requests,
            publish_interval: config.publish_interval.max(Duration::from_millis(1)),
            exposure_refresh: config.exposure_refresh,
            last_exposures: None,
            status,
            seq: 0,
            now: UnixNanos(0),
            files_seen: 0,
            last_event_at: Instant::now(),
            last_publish: Instant::now(),
            dirty: true,
            until: None,
            stop_at: None,
        };
        Ok((
            desk,
            DeskChannels {
                view,
                requests: request_tx,
            },
        ))
    }

    /// Stops taking events from the source at New York time `until` of the first event's date
    /// (the source counts as ended; the desk keeps serving the state).
    pub fn stop_at(mut self, until: Option<jiff::civil::Time>) -> Self {
        self.until = until;
        self
    }

    /// Runs until `shutdown` becomes true (or its sender is dropped), then closes the lake.
    pub async fn run(
        mut self,
        mut shutdown: watch::Receiver<bool>,
    ) -> Result<DeskReport, ServerError> {
        let mut publish_tick = tokio::time::interval(self.publish_interval);
        publish_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut rate_tick = tokio::time::interval(Duration::from_secs(1));
        rate_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut events_at_last_rate = 0u64;
        let mut source_open = true;
        self.status.state = "streaming".to_owned();
        loop {
            if *shutdown.borrow() {
                break;
            }
            tokio::select! {
                biased;
                changed = shutdown.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
                Some(request) = self.requests.recv() => self.answer(request),
                _ = publish_tick.tick() => self.publish_if_changed(),
                _ = rate_tick.tick() => {
                    let events = self.status.events;
                    self.status.events_per_second = (events - events_at_last_rate) as f64;
                    self.metrics.source_events_per_second.set(self.status.events_per_second);
                    events_at_last_rate = events;
                    self.dirty = true;
                }
                item = self.source.next(), if source_open => {
                    match item {
                        Some(item) => {
                            let mut more = self.on_item(item);
                            // Drain what is ready without yielding, up to a batch.
                            for _ in 1..BATCH {
                                if !more {
                                    source_open = false;
                                    self.source_ended();
                                    break;
                                }
                                match self.source.next().now_or_never() {
                                    Some(Some(item)) => more = self.on_item(item),
                                    Some(None) => {
                                        source_open = false;
                                        self.source_ended();
                                        break;
                                    }
                                    None => break,
                                }
                            }
                        }
                        None => {
                            source_open = false;
                            self.source_ended();
                        }
                    }
                    if self.last_publish.elapsed() >= self.publish_interval {
                        self.publish_if_changed();
                    }
                }
            }
        }
        self.close()
    }

    /// Processes one item; `false` once the `until` time is reached (the event is not used).
    fn on_item(&mut self, item: Result<Event, gammaflow_sources::SourcesError>) -> bool {
        self.last_event_at = Instant::now();
        self.dirty = true;
        let event = match item {
            Ok(event) => event,
            Err(e) => {
                inc(&self.metrics.source_errors);
                self.status.errors += 1;
                self.status.last_error = Some(e.to_string());
                return true;
            }
        };
        let ts = event.ts_event();
        if let Some(until) = self.until {
            if self.stop_at.is_none() {
                self.stop_at = gammaflow_model::session::to_new_york(ts)
                    .ok()
                    .and_then(|z| gammaflow_model::session::from_new_york(z.date(), until).ok());
            }
            if self.stop_at.is_some_and(|stop| ts >= stop) {
                return false;
            }
        }
        self.status.events += 1;
        inc(&self.metrics.source_events);
        if self.sink.lake.is_some() {
            self.snapshot_if_due(ts);
        }
        if ts < self.now {
            inc(&self.metrics.source_out_of_order);
        } else {
            self.now = ts;
        }
        if let Err(e) = self.engine.on_event(&event, &mut self.sink) {
            inc(&self.metrics.engine_errors);
            self.status.errors += 1;
            self.status.last_error = Some(format!("engine refused an event at {} ns: {e}", ts.0));
        }
        if let Err(e) = self.market.on_event(&event) {
            inc(&self.metrics.engine_errors);
            self.status.errors += 1;
            self.status.last_error = Some(format!("market state: {e}"));
        }
        if let Some(e) = self.sink.lake_error.take() {
            inc(&self.metrics.lake_errors);
            self.status.last_error = Some(format!("lake: {e}"));
        }
        if !self.sink.unsubscribe.is_empty() {
            if let Err(e) = self.source.unsubscribe(&self.sink.unsubscribe) {
                inc(&self.metrics.source_errors);
                self.status.last_error = Some(e.to_string());
            }
            self.sink.unsubscribe.clear();
        }
        if !self.sink.subscribe.is_empty() {
            if let Err(e) = self.source.subscribe(&self.sink.subscribe) {
                inc(&self.metrics.source_errors);
                self.status.last_error = Some(e.to_string());
            }
            self.sink.subscribe.clear();
        }
        true
    }

    /// Sends every product's chain snapshot to the lake when event time `now` has reached the
    /// next whole minute: stamped with the minute `now` falls in, taken before the event at `now`
    /// is applied (so it is the state at that minute). The first event only sets the first
    /// minute to wait for. A replayed minute already in the lake is skipped.
    fn snapshot_if_due(&mut self, now: UnixNanos) {
        const MINUTE_NS: u64 = 60_000_000_000;
        let due = *self
            .sink
            .next_snapshot
            .get_or_insert((now.0 / MINUTE_NS + 1) * MINUTE_NS);
        if now.0 < due {
            return;
        }
        let minute = UnixNanos(now.0 / MINUTE_NS * MINUTE_NS);
        self.sink.next_snapshot = Some(minute.0 + MINUTE_NS);
        let Ok(day) = gammaflow_model::session::to_new_york(minute).map(|z| z.date()) else {
            return;
        };
        if let Some(filter) = &mut self.sink.resume {
            match filter.snapshot_stored(day, minute) {
                Ok(true) => return,
                Ok(false) => {}
                Err(e) => {
                    inc(&self.metrics.lake_errors);
                    self.status.last_error = Some(format!("lake: {e}"));
                    return;
                }
            }
        }
        let mut rows = Vec::new();
        for index in 0..self.products.len() {
            match chain_snapshot(&mut self.engine, index, minute) {
                Ok(mut r) => rows.append(&mut r),
                Err(e) => {
                    inc(&self.metrics.engine_errors);
                    self.status.last_error = Some(format!("chain snapshot: {e}"));
                }
            }
        }
        if rows.is_empty() {
            return;
        }
        self.sink.chain_days.insert(day);
        if let Some(lake) = &self.sink.lake
            && let Err(e) = lake.send_chain(rows)
        {
            inc(&self.metrics.lake_errors);
            self.status.last_error = Some(format!("lake: {e}"));
        }
    }

    fn source_ended(&mut self) {
        self.status.state = "ended".to_owned();
        if let Some(writer) = &self.writer
            && let Err(e) = writer.flush()
        {
            inc(&self.metrics.lake_errors);
            self.status.last_error = Some(format!("lake flush: {e}"));
        }
        self.dirty = true;
        self.last_exposures = None;
        self.publish_if_changed();
        // Last, so that a reader seeing the source down also sees the flushed lake's counters.
        self.metrics.source_up.store(0, Ordering::Relaxed);
    }

    fn answer(&mut self, request: DeskRequest) {
        match request {
            DeskRequest::Chain { product, reply } => {
                let index = self
                    .products
                    .iter()
                    .position(|p| view::product_key(p) == product);
                let chain = index.and_then(|i| {
                    let config = self.products[i];
                    view::chain_view(&mut self.engine, i, &config, self.now)
                });
                // The asker may have given up; nothing to do then.
                let _ = reply.send(chain);
            }
            DeskRequest::Intraday { product, reply } => {
                let intraday = self
                    .products
                    .iter()
                    .position(|p| view::product_key(p) == product)
                    .and_then(|i| view::intraday_view(&self.engine, i, &self.products[i]));
                let _ = reply.send(intraday);
            }
            DeskRequest::MarketBars { reply } => {
                let _ = reply.send(view::market_bars_view(&self.market));
            }
        }
    }

    fn update_metrics(&mut self) {
        let m = &self.metrics;
        let stats = self.engine.stats();
        m.engine_prints.store(self.sink.prints, Ordering::Relaxed);
        m.engine_excluded_prints
            .store(self.sink.excluded, Ordering::Relaxed);
        m.engine_ignored.store(stats.ignored, Ordering::Relaxed);
        m.engine_recomputes
            .store(stats.recomputes, Ordering::Relaxed);
        m.greeks_staleness_seconds
            .set(stats.last_greeks_age_ns as f64 / 1e9);
        m.greeks_staleness_max_seconds
            .set(stats.max_greeks_age_ns as f64 / 1e9);
        m.lake_rows_skipped
            .store(self.sink.skipped, Ordering::Relaxed);
        if let Some(writer) = &self.writer {
            let w = writer.stats();
            m.lake_rows_accepted
                .store(w.rows_accepted, Ordering::Relaxed);
            m.lake_rows_logged.store(w.rows_logged, Ordering::Relaxed);
            m.lake_rows_persisted
                .store(w.rows_persisted, Ordering::Relaxed);
            m.lake_writer_lag.store(w.lag(), Ordering::Relaxed);
            m.lake_wal_bytes.store(w.wal_bytes, Ordering::Relaxed);
            // A new Parquet file (either table) means a flush wrote rows since the last look:
            // stamp it with the desk's event time (the lake works in event time).
            m.lake_files.store(w.files, Ordering::Relaxed);
            let files = w.files + w.chain_files;
            if files > self.files_seen && self.now.0 > 0 {
                m.lake_last_flush.set(self.now.0 as f64 / 1e9);
            }
            self.files_seen = files;
            m.lake_errors.fetch_max(w.errors, Ordering::Relaxed);
        }
        if let Some(sender) = &self.sink.lake
            && self.now.0 > 0
            && sender.tick(self.now).is_err()
        {
            inc(&self.metrics.lake_errors);
        }
    }

    fn publish_if_changed(&mut self) {
        self.status.idle_ms = self.last_event_at.elapsed().as_millis() as u64;
        self.update_metrics();
        if !self.dirty {
            return;
        }
        self.dirty = false;
        self.last_publish = Instant::now();
        self.seq += 1;
        let refresh = self
            .last_exposures
            .is_none_or(|at| at.elapsed() >= self.exposure_refresh);
        if refresh {
            self.last_exposures = Some(Instant::now());
        }
        let products = (0..self.products.len())
            .map(|i| {
                let config = self.products[i];
                view::product_view(&mut self.engine, i, &config, self.now, refresh)
            })
            .collect::<Vec<_>>();
        if let Some(iv) = view::atm_iv(&products, self.market.trade_date())
            && let Err(e) = self.market.set_atm_iv(self.now, iv)
        {
            inc(&self.metrics.engine_errors);
            self.status.last_error = Some(format!("market state: {e}"));
        }
        let market = view::market_view(&mut self.market);
        let time_new_york = if self.now.0 == 0 {
            String::new()
        } else {
            gammaflow_model::session::to_new_york(self.now)
                .map(|z| z.datetime().to_string())
                .unwrap_or_default()
        };
        let view = DeskView {
            seq: self.seq,
            ts_event: self.now.0,
            time_new_york,
            source: self.status.clone(),
            products,
            market,
        };
        self.publish.send_replace(Arc::new(view));
        inc(&self.metrics.desk_published);
    }

    /// Flushes and closes the lake, compacts the days written, and reports.
    fn close(mut self) -> Result<DeskReport, ServerError> {
        self.dirty = true;
        self.last_exposures = None;
        self.publish_if_changed();
        self.sink.lake = None;
        let mut report = DeskReport {
            events: self.status.events,
            prints: self.sink.prints,
            lake: None,
        };
        if let (Some(writer), Some(root)) = (self.writer.take(), &self.lake_root) {
            let stats = writer.close().map_err(|source| ServerError::Lake {
                path: root.clone(),
                source,
            })?;
            let lake_error = |source| ServerError::Lake {
                path: root.clone(),
                source,
            };
            for day in &self.sink.lake_days {
                compact_day(root, *day, &CompactConfig::default()).map_err(lake_error)?;
            }
            for day in &self.sink.chain_days {
                compact_chain_day(root, *day, &CompactConfig::default()).map_err(lake_error)?;
            }
            self.metrics
                .lake_rows_persisted
                .store(stats.rows_persisted, Ordering::Relaxed);
            report.lake = Some(stats);
        }
        Ok(report)
    }
}
