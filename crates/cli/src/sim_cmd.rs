//! `gammaflow sim`: run the built-in market simulator over a range of days and write each trade
//! date as Databento files (DBN and/or CSV.zst), so every file-based path of gammaflow can be
//! exercised with no purchased data.
//!
//! Each day runs the whole CME Globex session for ES (from 18:00 ET the evening before to 17:00
//! ET, `SimConfig::globex_overnight`), unless `--no-overnight`; options keep their hours (from
//! 08:00 ET). A file holds one CME trade date (`session::globex_trade_date`): the evening
//! records of a Monday session are in Monday's files, so no file is named for a weekend.
//! Databento's own daily files split at midnight UTC instead; the master builder reads both
//! (a trade date reads the files named for the previous trading day through the day itself).
//!
//! The layout under `--out` is the writer's (see `gammaflow_sources::databento::write`):
//! `OPRA.PILLAR/{trades,cbbo,statistics,definition}/YYYY-MM-DD.dbn.zst` and
//! `GLBX.MDP3/{trades,mbp-1,ohlcv-1m,definition}/YYYY-MM-DD.dbn.zst` (plus `.csv.zst`). One day's
//! events are held in memory while its files are written (a default day is a few hundred
//! thousand events).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use gammaflow_model::event::Event;
use gammaflow_sources::databento::write::{WriteOptions, write_day};
use gammaflow_sources::sim::{Products, SimConfig, Simulator, day_statistics};
use jiff::civil::Date;

use crate::tape_cmd::default_sim_date;

/// Which file encodings `sim` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimFormat {
    /// DBN (version 3), zstd-compressed.
    Dbn,
    /// Databento's CSV encoding, zstd-compressed.
    Csv,
    /// Both.
    Both,
}

/// A product `sim --products` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimProductArg {
    /// `I:SPX` index values (not in Databento files: nothing is written for them).
    SpxIndex,
    /// ES front-month futures.
    Es,
    /// SPY shares (not in the Databento datasets written: nothing is written for them).
    Spy,
    /// SPXW options (OPRA).
    SpxwOptions,
    /// SPY options (OPRA).
    SpyOptions,
    /// Options on ES futures (CME).
    EsOptions,
}

/// The simulator's product switches for `list` (every product when empty).
fn products(list: &[SimProductArg]) -> Products {
    if list.is_empty() {
        return Products::ALL;
    }
    let on = |p| list.contains(&p);
    Products {
        spx_index: on(SimProductArg::SpxIndex),
        es: on(SimProductArg::Es),
        spy: on(SimProductArg::Spy),
        spxw_options: on(SimProductArg::SpxwOptions),
        spy_options: on(SimProductArg::SpyOptions),
        es_options: on(SimProductArg::EsOptions),
    }
}

/// Arguments of `gammaflow sim`.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// First calendar date to simulate (default: today in New York, or the last trading day before
    /// it on a weekend or holiday).
    #[arg(long)]
    pub date: Option<Date>,
    /// Number of calendar days from --date (non-trading days are skipped).
    #[arg(long, default_value_t = 1)]
    pub days: u32,
    /// Output directory (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Random seed (same seed and dates, byte-identical files).
    #[arg(long, default_value_t = SimConfig::default().seed)]
    pub seed: u64,
    /// Fraction of the real market's trade count to simulate (0 < activity ≤ 1).
    #[arg(long, default_value_t = SimConfig::default().activity)]
    pub activity: f64,
    /// SPXW strikes listed on each side of the money (5-point grid).
    #[arg(long, default_value_t = SimConfig::default().spxw_strikes)]
    pub spxw_strikes: u32,
    /// SPY strikes listed on each side of the money ($1 grid).
    #[arg(long, default_value_t = SimConfig::default().spy_strikes)]
    pub spy_strikes: u32,
    /// ES options strikes listed on each side of the money (5-point grid).
    #[arg(long, default_value_t = SimConfig::default().es_strikes)]
    pub es_strikes: u32,
    /// Expiries listed per option product (the 0DTE one plus the next ones).
    #[arg(long, default_value_t = SimConfig::default().expiries)]
    pub expiries: u32,
    /// File encodings to write.
    #[arg(long, value_enum, default_value_t = SimFormat::Both)]
    pub format: SimFormat,
    /// Products to simulate, comma-separated (default: all). The master builder needs `es` and
    /// `spxw-options`; the SPY and ES option quotes are most of the other files' size.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub products: Vec<SimProductArg>,
    /// Start each day at 08:00 ET (as the live desk's simulator) instead of the Globex open the
    /// evening before; the night is then one price gap and ES has no overnight records.
    #[arg(long)]
    pub no_overnight: bool,
}

/// Runs the simulator and writes the files; prints one summary line per trade date.
pub fn run(args: &SimArgs) -> Result<()> {
    let config = SimConfig {
        seed: args.seed,
        start: match args.date {
            Some(d) => d,
            None => default_sim_date()?,
        },
        days: args.days,
        activity: args.activity,
        spxw_strikes: args.spxw_strikes,
        spy_strikes: args.spy_strikes,
        es_strikes: args.es_strikes,
        expiries: args.expiries,
        globex_overnight: !args.no_overnight,
        products: products(&args.products),
        ..SimConfig::default()
    };
    let simulator = Simulator::new(config).context("cannot start the simulator")?;
    let options = WriteOptions {
        dbn: matches!(args.format, SimFormat::Dbn | SimFormat::Both),
        csv: matches!(args.format, SimFormat::Csv | SimFormat::Both),
        ..WriteOptions::default()
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut day: Vec<Event> = Vec::new();
    let mut current: Option<Date> = None;
    let mut days_written = 0_u32;
    for event in simulator {
        let date = gammaflow_model::session::globex_trade_date(event.ts_event())?;
        if current.is_some_and(|d| d != date) {
            flush(args, current, &mut day, &options)?;
            days_written += 1;
        }
        current = Some(date);
        day.push(event);
    }
    if !day.is_empty() {
        flush(args, current, &mut day, &options)?;
        days_written += 1;
    }
    if days_written == 0 {
        eprintln!("no trading day in the range: nothing written");
    }
    Ok(())
}

fn flush(
    args: &SimArgs,
    date: Option<Date>,
    day: &mut Vec<Event>,
    options: &WriteOptions,
) -> Result<()> {
    let Some(date) = date else { return Ok(()) };
    let paths = write_day(&args.out, date, day, options)
        .with_context(|| format!("cannot write the files of {date}"))?;
    let stats = day_statistics(day.iter());
    eprintln!(
        "{date}: {} events in {} files; SPXW {} trades / {} contracts, SPY options {} trades / {} \
         contracts, ES options {} trades / {} contracts, ES {} trades",
        day.len(),
        paths.len(),
        stats.spxw.trades,
        stats.spxw.contracts,
        stats.spy_options.trades,
        stats.spy_options.contracts,
        stats.es_options.trades,
        stats.es_options.contracts,
        stats.es.trades,
    );
    day.clear();
    Ok(())
}
