//! `gammaflow tape`: run a market-data source and print its events, one per line.
//!
//! The source is the built-in simulator (default, no key), the Polygon/Massive WebSocket feed
//! (`POLYGON_API_KEY` or `MASSIVE_API_KEY`) or a replay of Databento files. Underlyings always
//! stream; option trades and quotes stream for the contracts given with `--contract` and for the
//! 0DTE at-the-money window of `--underlying` (±`--window` strikes around the last price, moved
//! as the price moves), the way the live desk subscribes. A replay with neither streams every
//! option in the files.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use futures_util::StreamExt;
use gammaflow_engine::window::{StrikeWindow, WindowChange, WindowConfig};
use gammaflow_model::event::{Event, Instrument};
use gammaflow_model::{OptionContract, OptionRoot};
use gammaflow_server::config::{SourceKind as ConfiguredKind, SourceSettings};
use gammaflow_sources::Source;
use gammaflow_sources::pacing::Pacing;
use gammaflow_sources::sim::SimConfig;
use jiff::civil::Date;

use crate::tape_format::{TapeZone, TextTape, json_line};

/// Which source `tape` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceKind {
    /// The built-in market simulator (deterministic for a seed and date).
    Sim,
    /// Polygon/Massive real-time WebSocket (needs POLYGON_API_KEY or MASSIVE_API_KEY).
    Polygon,
    /// Databento files given with --file (DBN or CSV, plain or zstd).
    Replay,
}

/// Output format of the tape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TapeFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line (exact decimal prices as strings, ns timestamps).
    Jsonl,
}

/// The underlying whose 0DTE at-the-money window is subscribed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WindowUnderlying {
    /// SPXW options on 5-point strikes, centred on the `I:SPX` value.
    Spx,
    /// SPY options on $1 strikes, centred on SPY's last trade.
    Spy,
    /// No window: only the `--contract` list.
    None,
}

/// Which source to run and how: shared by `tape` and `flow`.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// The data source.
    #[arg(long, value_enum, default_value_t = SourceKind::Sim)]
    pub source: SourceKind,
    /// Simulator: the first trade date to simulate (default: today in New York, or the last
    /// trading day before it on a weekend or holiday).
    #[arg(long)]
    pub date: Option<Date>,
    /// Simulator: number of calendar days from --date (non-trading days are skipped).
    #[arg(long, default_value_t = 1)]
    pub days: u32,
    /// Simulator: random seed (same seed and date, same events).
    #[arg(long, default_value_t = SimConfig::default().seed)]
    pub seed: u64,
    /// Replay: a Databento file (repeat for several; merged by receive time).
    #[arg(long = "file")]
    pub files: Vec<PathBuf>,
    /// Polygon: use the 15-minute delayed feed.
    #[arg(long)]
    pub delayed: bool,
    /// Release speed for the simulator and replays: `max` (as fast as possible) or a factor of
    /// real time (`1` = real time, `60` = one minute per second). Polygon is always live.
    #[arg(long, default_value = "max", value_parser = parse_speed)]
    pub speed: Pacing,
}

/// Arguments of `gammaflow tape`.
#[derive(Debug, Args)]
pub struct TapeArgs {
    /// The source and its options.
    #[command(flatten)]
    pub source: SourceArgs,
    /// Whose 0DTE at-the-money window to subscribe.
    #[arg(long, value_enum, default_value_t = WindowUnderlying::Spx)]
    pub underlying: WindowUnderlying,
    /// Strikes on each side of the money in the window.
    #[arg(long, default_value_t = 3)]
    pub window: u32,
    /// An option contract to subscribe (OCC, compact or Polygon form; repeatable).
    #[arg(long = "contract")]
    pub contracts: Vec<String>,
    /// Stop after this many events.
    #[arg(long)]
    pub limit: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TapeFormat::Text)]
    pub format: TapeFormat,
    /// Time zone of the text tape.
    #[arg(long, value_enum, default_value_t = TapeZone::NewYork)]
    pub tz: TapeZone,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `max` or a positive real-time factor.
pub fn parse_speed(text: &str) -> Result<Pacing, String> {
    if text.eq_ignore_ascii_case("max") {
        return Ok(Pacing::AsFastAsPossible);
    }
    match text.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(Pacing::Speed(x)),
        _ => Err(format!(
            "expected `max` or a positive factor of real time, got {text:?}"
        )),
    }
}

/// The simulator's default date: today in New York if it is a trading day, else the last trading
/// day before it (so a weekend run still shows a session). The binary may read the wall clock; the
/// libraries never do.
pub fn default_sim_date() -> Result<Date> {
    let zone = gammaflow_model::session::new_york()?;
    let today = jiff::Timestamp::now().to_zoned(zone).date();
    if gammaflow_model::calendar::is_trading_day(today)? {
        Ok(today)
    } else {
        Ok(gammaflow_model::calendar::previous_trading_day(today)?)
    }
}

/// Builds the source the arguments ask for.
pub fn open_source(args: &SourceArgs) -> Result<Box<dyn Source>> {
    if args.source == SourceKind::Replay && args.files.is_empty() {
        bail!("--source replay needs at least one --file");
    }
    crate::serve_cmd::open_configured_source(&SourceSettings {
        kind: match args.source {
            SourceKind::Sim => ConfiguredKind::Sim,
            SourceKind::Polygon => ConfiguredKind::Polygon,
            SourceKind::Replay => ConfiguredKind::Replay,
        },
        speed: args.speed,
        pace_from: None,
        until: None,
        date: args.date,
        days: args.days,
        seed: args.seed,
        activity: SimConfig::default().activity,
        files: args.files.clone(),
        delayed: args.delayed,
    })
}

/// The 0DTE at-the-money window of the chosen underlying, fed by its price events.
struct AtmWindow {
    window: StrikeWindow,
    underlying: Instrument,
}

impl AtmWindow {
    fn new(underlying: WindowUnderlying, each_side: u32) -> Result<Option<Self>> {
        let mut config = match underlying {
            WindowUnderlying::None => return Ok(None),
            WindowUnderlying::Spx => WindowConfig::spx(OptionRoot::new("SPXW")?),
            WindowUnderlying::Spy => WindowConfig::spy(OptionRoot::new("SPY")?),
        };
        config.strikes_each_side = each_side;
        Ok(Some(Self {
            underlying: Instrument::from(config.root.underlying()),
            window: StrikeWindow::new(config)?,
        }))
    }

    /// The change when the event is a price of the underlying that moves the window.
    fn update(&mut self, event: &Event) -> Result<Option<WindowChange>> {
        let price = match event {
            Event::Index(v) if v.instrument == self.underlying => v.value,
            Event::Trade(t) if t.instrument == self.underlying => t.price,
            _ => return Ok(None),
        };
        let date = gammaflow_model::session::to_new_york(event.ts_event())?.date();
        Ok(self.window.on_spot(event.ts_event(), price, date))
    }
}

/// Runs the tape until the source ends, `--limit` events were written, or Ctrl-C.
pub fn run(args: &TapeArgs) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(run_async(args))
}

async fn run_async(args: &TapeArgs) -> Result<()> {
    let mut source = open_source(&args.source)?;
    let explicit: Vec<OptionContract> = args
        .contracts
        .iter()
        .map(|c| OptionContract::parse_any(c).with_context(|| format!("--contract {c}")))
        .collect::<Result<_>>()?;
    if !explicit.is_empty() {
        source.subscribe(&explicit)?;
    }
    let mut window = AtmWindow::new(args.underlying, args.window)?;
    let replay_everything = args.source.source == SourceKind::Replay && explicit.is_empty();
    if replay_everything {
        window = None;
    }
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut text = TextTape::new(args.tz)?;
    let mut written = 0_u64;
    let mut errors = 0_u64;
    while args.limit.is_none_or(|limit| written < limit) {
        let item = tokio::select! {
            item = source.next() => item,
            _ = tokio::signal::ctrl_c() => break,
        };
        let Some(item) = item else { break };
        let event = match item {
            Ok(event) => event,
            Err(e) => {
                errors += 1;
                eprintln!("warning: {}: {e}", source.name());
                continue;
            }
        };
        if let Some(window) = window.as_mut()
            && let Some(change) = window.update(&event)?
        {
            source.unsubscribe(&change.unsubscribe)?;
            source.subscribe(&change.subscribe)?;
        }
        let line = match args.format {
            TapeFormat::Text => text.line(&event)?,
            TapeFormat::Jsonl => json_line(&event).to_string(),
        };
        if let Err(e) = writeln!(out, "{line}") {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(());
            }
            return Err(e).context("cannot write the tape");
        }
        written += 1;
    }
    match out.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
        other => other.context("cannot write the tape")?,
    }
    if errors > 0 {
        eprintln!(
            "{} reported {errors} bad item(s); see the warnings above",
            source.name()
        );
    }
    Ok(())
}
