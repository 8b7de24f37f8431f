//! `gammaflow flow`: the live 0DTE flow desk in the terminal, until the browser dashboard lands.
//!
//! Runs a source (the simulator by default) through `gammaflow_engine::pipeline::Engine`, which
//! subscribes the at-the-money window of each product and enriches every print, and prints the
//! strike grid of one product: strikes high → low with the centre strike marked, per strike the
//! call and put volume, premium and net delta notional (buyer- minus seller-initiated), IV and open
//! interest, and GEX (US$ per 1 % move, classic dealer sign, from open interest); with a header of
//! spot, zero gamma, walls and the straddle-implied expected move.
//!
//! The grid is printed every `--every` seconds of wall time (for a paced source) and when the
//! source ends or `--until` (New York time of day) is reached.
//!
//! With `--lake DIR`, every enriched print is also written to the Parquet lake under `DIR`
//! (`gammaflow_store`: write-ahead log, then `raw/flow/year=…/month=…/day=…/part-….parquet`),
//! through the store's writer thread so the engine never waits on the disk; so is a chain snapshot
//! of the product at every minute boundary of event time (`gammaflow_store::chain_snapshot`, taken
//! before the first event at or after the next whole minute is applied, stamped with that minute;
//! `raw/chain/…`). The lake is flushed and closed at the end, each day's files of both tables are
//! compacted, and its counters are printed.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use futures_util::StreamExt;
use gammaflow_engine::chain::{ChainState, EnrichedTrade};
use gammaflow_engine::pipeline::{Engine, EngineConfig, ProductConfig, Sink};
use gammaflow_model::event::Event;
use gammaflow_model::{Money, OptionContract, OptionRight, UnixNanos};
use gammaflow_sources::conditions::ConditionTable;
use gammaflow_store::{
    CompactConfig, FlowRow, Lake, LakeConfig, LakeSender, LakeWriter, StoreError, chain_snapshot,
    compact_chain_day, compact_day,
};
use jiff::civil::{Date, Time};

use crate::output::{Body, Cell, Column, Section, Table, write_json, write_table};
use crate::tape_cmd::{SourceArgs, open_source};

/// The product whose grid is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlowProduct {
    /// SPXW 0DTE on the SPX index (5-point strikes).
    Spxw,
    /// SPY 0DTE ($1 strikes).
    Spy,
    /// E-mini S&P 500 options 0DTE (the day's series: E1A…E5D, EW1…, EW, ES) on the ES future,
    /// 5-point strikes, multiplier 50, Black-76.
    Es,
}

/// Output format of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlowFormat {
    /// Aligned text.
    Table,
    /// One JSON document per grid.
    Json,
}

/// Arguments of `gammaflow flow`.
#[derive(Debug, Args)]
pub struct FlowArgs {
    /// The source and its options.
    #[command(flatten)]
    pub source: SourceArgs,
    /// The product whose grid is printed.
    #[arg(long, value_enum, default_value_t = FlowProduct::Spxw)]
    pub product: FlowProduct,
    /// Strikes on each side of the money.
    #[arg(long, default_value_t = 3)]
    pub window: u32,
    /// Print the grid every this many seconds of wall time (0: only at the end).
    #[arg(long, default_value_t = 5)]
    pub every: u64,
    /// Stop at this New York time of day of the first session, e.g. `10:30`.
    #[arg(long)]
    pub until: Option<Time>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FlowFormat::Table)]
    pub format: FlowFormat,
    /// Also write every enriched print to the Parquet lake in this directory.
    #[arg(long)]
    pub lake: Option<PathBuf>,
}

/// Collects the engine's subscription changes for the source and hands prints to the lake.
#[derive(Default)]
struct Pending {
    subscribe: Vec<OptionContract>,
    unsubscribe: Vec<OptionContract>,
    prints: u64,
    lake: Option<LakeSender>,
    lake_error: Option<StoreError>,
    /// New York dates of the prints sent to the lake (compacted at the end).
    lake_days: BTreeSet<Date>,
    /// New York dates of the chain snapshots sent to the lake (compacted at the end).
    chain_days: BTreeSet<Date>,
    /// Contracts of all enriched prints.
    contracts: u64,
    /// Premium of all enriched prints (price × size × multiplier), exact.
    premium: Money,
    /// The product's contract multiplier.
    multiplier: u32,
}

impl Sink for Pending {
    fn subscribe(&mut self, contracts: &[OptionContract]) {
        self.subscribe.extend_from_slice(contracts);
    }
    fn unsubscribe(&mut self, contracts: &[OptionContract]) {
        self.unsubscribe.extend_from_slice(contracts);
    }
    fn trade(&mut self, trade: &EnrichedTrade) {
        self.prints += 1;
        self.contracts += trade.size.as_u64();
        // Premium per unit × size × multiplier, exact; every print, counted or not, as the lake
        // stores them all.
        self.premium = self
            .premium
            .checked_add(Money::premium(trade.price, trade.size, self.multiplier))
            .unwrap_or(self.premium);
        if let Some(lake) = &self.lake
            && self.lake_error.is_none()
        {
            if let Ok(zoned) = gammaflow_model::session::to_new_york(trade.ts_event) {
                self.lake_days.insert(zoned.date());
            }
            if let Err(e) = lake.send(FlowRow::from(trade)) {
                self.lake_error = Some(e);
            }
        }
    }
}

/// The engine with the vendor condition table, and the product's contract multiplier.
fn engine(product: FlowProduct, window: u32) -> Result<(Engine, u32)> {
    let mut config = match product {
        FlowProduct::Spxw => ProductConfig::spxw(),
        FlowProduct::Spy => ProductConfig::spy(),
        FlowProduct::Es => ProductConfig::es_options()?,
    };
    config.window.strikes_each_side = window;
    let multiplier = config.multiplier;
    let treat = gammaflow_server::desk::print_treatment(ConditionTable::builtin());
    let config = EngineConfig {
        products: vec![config],
        ..EngineConfig::default()
    };
    Ok((Engine::new(config, treat)?, multiplier))
}

/// Runs the desk.
pub fn run(args: &FlowArgs) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(run_async(args))
}

async fn run_async(args: &FlowArgs) -> Result<()> {
    let mut source = open_source(&args.source)?;
    let (mut engine, multiplier) = engine(args.product, args.window)?;
    let mut pending = Pending {
        multiplier,
        ..Pending::default()
    };
    let writer = match &args.lake {
        Some(dir) => {
            let lake = Lake::open(dir, LakeConfig::default())
                .with_context(|| format!("cannot open the lake in {}", dir.display()))?;
            let (writer, sender) = LakeWriter::spawn(lake, 65_536)?;
            pending.lake = Some(sender);
            Some(writer)
        }
        None => None,
    };
    let mut last_print = Instant::now();
    let mut now = UnixNanos(0);
    // The next whole minute of event time at which the lake gets a chain snapshot.
    let mut next_snapshot: Option<u64> = None;
    let mut stop_at: Option<UnixNanos> = None;
    let mut out = std::io::stdout().lock();
    loop {
        let item = tokio::select! {
            item = source.next() => item,
            _ = tokio::signal::ctrl_c() => None,
        };
        let Some(item) = item else { break };
        let event: Event = match item {
            Ok(event) => event,
            Err(e) => {
                eprintln!("warning: {}: {e}", source.name());
                continue;
            }
        };
        now = event.ts_event();
        if let Some(until) = args.until {
            let stop = *stop_at.get_or_insert(until_instant(now, until)?);
            if now >= stop {
                break;
            }
        }
        if pending.lake.is_some() {
            snapshot_if_due(&mut engine, &mut pending, now, &mut next_snapshot)?;
        }
        engine.on_event(&event, &mut pending)?;
        if let Some(e) = pending.lake_error.take() {
            return Err(e).context("the lake stopped accepting prints");
        }
        if !pending.unsubscribe.is_empty() {
            source.unsubscribe(&pending.unsubscribe)?;
            pending.unsubscribe.clear();
        }
        if !pending.subscribe.is_empty() {
            source.subscribe(&pending.subscribe)?;
            pending.subscribe.clear();
        }
        if args.every > 0 && last_print.elapsed() >= Duration::from_secs(args.every) {
            print_grid(&mut out, &mut engine, now, args.format)?;
            last_print = Instant::now();
        }
    }
    print_grid(&mut out, &mut engine, now, args.format)?;
    // Dropping the sender lets the writer thread drain; close flushes and joins it.
    pending.lake = None;
    if let Some(writer) = writer {
        let stats = writer.close().context("cannot close the lake")?;
        eprintln!(
            "lake: {} rows accepted, {} persisted in {} files",
            stats.rows_accepted, stats.rows_persisted, stats.files
        );
        eprintln!(
            "lake chain: {} snapshot rows accepted, {} persisted in {} files",
            stats.chain_rows_accepted, stats.chain_rows_persisted, stats.chain_files
        );
        // The session is over: merge each day's small part files into large ones.
        if let Some(root) = &args.lake {
            for day in &pending.lake_days {
                compact_day(root, *day, &CompactConfig::default())
                    .with_context(|| format!("cannot compact the lake's {day}"))?;
            }
            for day in &pending.chain_days {
                compact_chain_day(root, *day, &CompactConfig::default())
                    .with_context(|| format!("cannot compact the lake's chain {day}"))?;
            }
        }
    }
    eprintln!(
        "{} prints enriched ({} contracts, premium {} US$); {} events",
        pending.prints,
        pending.contracts,
        pending.premium,
        engine.stats().events
    );
    Ok(())
}

/// Nanoseconds per minute.
const MINUTE_NS: u64 = 60_000_000_000;

/// Sends the product's chain snapshot to the lake when event time `now` has reached the next
/// whole minute (the snapshot is stamped with the minute `now` falls in, and taken before the
/// event at `now` is applied). The first event only sets the first minute to wait for.
fn snapshot_if_due(
    engine: &mut Engine,
    pending: &mut Pending,
    now: UnixNanos,
    next: &mut Option<u64>,
) -> Result<()> {
    let due = *next.get_or_insert((now.0 / MINUTE_NS + 1) * MINUTE_NS);
    if now.0 < due {
        return Ok(());
    }
    let minute = UnixNanos(now.0 / MINUTE_NS * MINUTE_NS);
    *next = Some(minute.0 + MINUTE_NS);
    let rows = chain_snapshot(engine, 0, minute)?;
    if rows.is_empty() {
        return Ok(());
    }
    if let Ok(zoned) = gammaflow_model::session::to_new_york(minute) {
        pending.chain_days.insert(zoned.date());
    }
    if let Some(lake) = &pending.lake
        && let Err(e) = lake.send_chain(rows)
    {
        pending.lake_error = Some(e);
    }
    Ok(())
}

/// The instant of `time` (New York) on the New York date of `now`.
fn until_instant(now: UnixNanos, time: Time) -> Result<UnixNanos> {
    let date = gammaflow_model::session::to_new_york(now)?.date();
    Ok(gammaflow_model::session::from_new_york(date, time)?)
}

fn money(m: Money) -> Cell {
    Cell::float(m.to_f64(), 0)
}

fn print_grid(
    out: &mut dyn Write,
    engine: &mut Engine,
    now: UnixNanos,
    format: FlowFormat,
) -> Result<()> {
    let exposures = engine.refresh_exposures(0, now)?.map(|(_, oi, _)| {
        (
            oi.gex.clone(),
            oi.zero_gamma,
            oi.call_wall,
            oi.put_wall,
            oi.straddle,
        )
    });
    let (Some(window), Some(chain)) = (engine.window(0), engine.chain(0)) else {
        writeln!(out, "(no session yet)")?;
        return Ok(());
    };
    let center = window.center();
    let mut rows = Vec::new();
    let mut strikes: Vec<OptionContract> = window
        .contracts()
        .iter()
        .filter(|c| c.right == OptionRight::Call)
        .copied()
        .collect();
    strikes.sort_by_key(|c| std::cmp::Reverse(c.strike));
    for call in &strikes {
        let put = OptionContract::new(call.root, call.expiry, OptionRight::Put, call.strike);
        rows.push(grid_row(
            chain,
            call,
            &put,
            center == Some(call.strike),
            exposures.as_ref(),
        ));
    }
    let analysis = chain.analysis();
    let header = vec![
        (
            "time (New York)",
            Cell::text(gammaflow_model::session::to_new_york(now)?.datetime()),
            "",
        ),
        ("spot", Cell::opt(analysis_spot(chain), 2), "index points"),
        (
            "zero gamma",
            Cell::opt(exposures.as_ref().and_then(|e| e.1), 2),
            "",
        ),
        (
            "call wall",
            Cell::opt(exposures.as_ref().and_then(|e| e.2), 0),
            "",
        ),
        (
            "put wall",
            Cell::opt(exposures.as_ref().and_then(|e| e.3), 0),
            "",
        ),
        (
            "expected_move_straddle",
            Cell::opt(exposures.as_ref().and_then(|e| e.4).map(|s| s.straddle), 2),
            "points to expiry",
        ),
        ("priced_contracts", Cell::Int(analysis.priced as u64), ""),
    ];
    let sections = [
        Section {
            name: "desk",
            body: Body::KeyValue(header),
        },
        Section {
            name: "strikes",
            body: Body::Table(Table {
                columns: GRID_COLUMNS.to_vec(),
                rows,
            }),
        },
    ];
    match format {
        FlowFormat::Table => write_table(out, &sections)?,
        FlowFormat::Json => write_json(out, &sections)?,
    }
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// The underlying price the chain's Greeks were last computed at.
fn analysis_spot(chain: &ChainState) -> Option<f64> {
    Some(chain.underlying()).filter(|s| s.is_finite())
}

const fn col(name: &'static str) -> Column {
    Column {
        name,
        in_table: true,
    }
}

const GRID_COLUMNS: [Column; 13] = [
    col("atm"),
    col("strike"),
    col("call_vol"),
    col("call_premium"),
    col("call_net_delta"),
    col("call_iv"),
    col("call_oi"),
    col("put_vol"),
    col("put_premium"),
    col("put_net_delta"),
    col("put_iv"),
    col("put_oi"),
    col("gex"),
];

type Exposures = (
    Vec<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<gammaflow_quant::stats::StraddleMove>,
);

fn grid_row(
    chain: &ChainState,
    call: &OptionContract,
    put: &OptionContract,
    atm: bool,
    exposures: Option<&Exposures>,
) -> Vec<Cell> {
    let analysis = chain.analysis();
    let side = |c: &OptionContract| {
        let row = chain.row(c);
        let flow = row.and_then(|r| chain.flow(r)).copied().unwrap_or_default();
        let iv = row.and_then(|r| analysis.iv.get(r).copied());
        let oi = row.and_then(|r| chain.open_interest(r));
        let gex = row.and_then(|r| exposures.and_then(|e| e.0.get(r).copied()));
        (flow, iv, oi, gex)
    };
    let (cf, civ, coi, cgex) = side(call);
    let (pf, piv, poi, pgex) = side(put);
    // A contract without a usable IV contributes no gamma.
    let finite = |x: Option<f64>| x.filter(|v| v.is_finite()).unwrap_or(0.0);
    let gex = exposures.map(|_| finite(cgex) + finite(pgex));
    vec![
        Cell::text(if atm { "*" } else { "" }),
        Cell::Price(call.strike),
        Cell::Int(cf.volume),
        money(cf.premium),
        Cell::float(cf.net_delta_notional, 0),
        Cell::opt(civ, 4),
        Cell::opt(coi, 0),
        Cell::Int(pf.volume),
        money(pf.premium),
        Cell::float(pf.net_delta_notional, 0),
        Cell::opt(piv, 4),
        Cell::opt(poi, 0),
        Cell::opt(gex, 0),
    ]
}
