//! `gammaflow master`: the historical ES/SPX dataset (`MASTER_OUTPUT`, see `gammaflow_master`).
//!
//! * `gammaflow master build --config config.yaml [--from D --to D] [--out DIR] [--force]
//!   [--day-rule dashboard|attributed|globex]`: one line per trade date on stderr
//!   (`[3/20] 2025-06-11 built (trades, 406 bars)` or `… skipped: <reason naming the file>`),
//!   then the output directory on stderr and the final line on stdout:
//!   `SUMMARY days_built=… skipped=… flagged=… rows=… seconds=…`. A bad day is skipped and
//!   recorded, never fatal; configuration, discovery and output errors are (exit code 1).
//!   Finalized (read-only) outputs that would change need `--force`.
//! * `gammaflow master describe [--config config.yaml]`: the input/output schema as JSON
//!   (`description`, `input_schema`, `output_schema`; the default configuration when no file is
//!   given).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use gammaflow_master::build::{BuildOptions, DayStatus, Progress, build};
use gammaflow_master::config::MasterConfig;
use gammaflow_master::loaders::DayRule;
use jiff::civil::Date;

/// `gammaflow master …`.
#[derive(Debug, Subcommand)]
pub enum MasterCommand {
    /// Build MASTER_OUTPUT (CSV, Parquet, dictionary, manifest, detail tables) from the files the
    /// configuration's `paths` point at.
    Build(BuildArgs),
    /// Print the builder's input and output schema as JSON.
    Describe(DescribeArgs),
}

/// The trade-date rule of the loaders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DayRuleArg {
    /// `[20:15 ET on D − 1, cash close of D)`: the dashboard's trade date.
    Dashboard,
    /// The dashboard window extended to the next window's open.
    Attributed,
    /// The CME Globex session `[18:00 ET on D − 1, 17:00 ET on D)`.
    Globex,
}

impl From<DayRuleArg> for DayRule {
    fn from(a: DayRuleArg) -> Self {
        match a {
            DayRuleArg::Dashboard => Self::Dashboard,
            DayRuleArg::Attributed => Self::Attributed,
            DayRuleArg::Globex => Self::Globex,
        }
    }
}

/// Arguments of `gammaflow master build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The builder's config.yaml (relative paths in it are relative to its directory).
    #[arg(long)]
    pub config: PathBuf,
    /// First trade date to build (YYYY-MM-DD, inclusive).
    #[arg(long)]
    pub from: Option<Date>,
    /// Last trade date to build (YYYY-MM-DD, inclusive).
    #[arg(long)]
    pub to: Option<Date>,
    /// Output directory (default: the configuration's paths.output).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace finalized (read-only) outputs whose content changes.
    #[arg(long)]
    pub force: bool,
    /// How ES bars get their trade date.
    #[arg(long, value_enum, default_value_t = DayRuleArg::Dashboard)]
    pub day_rule: DayRuleArg,
}

/// Arguments of `gammaflow master describe`.
#[derive(Debug, Args)]
pub struct DescribeArgs {
    /// A config.yaml whose windows and versioning shape the columns (default: the spec's).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// Runs a `master` subcommand.
pub fn run(cmd: &MasterCommand) -> Result<()> {
    match cmd {
        MasterCommand::Build(args) => run_build(args),
        MasterCommand::Describe(args) => run_describe(args),
    }
}

fn load(path: &Path) -> Result<MasterConfig> {
    MasterConfig::load(path)
        .with_context(|| format!("cannot use the configuration {}", path.display()))
}

fn progress_line(p: &Progress) -> String {
    let date = p
        .trade_date
        .map_or_else(|| "(no date)".to_owned(), |d| d.to_string());
    let total = if p.total_hint >= p.done {
        p.total_hint.to_string()
    } else {
        "?".to_owned()
    };
    match &p.status {
        DayStatus::Built { input, bars } => format!(
            "[{}/{total}] {date} built ({}, {bars} bars)",
            p.done,
            input.as_str()
        ),
        DayStatus::Skipped(reason) => format!("[{}/{total}] {date} skipped: {reason}", p.done),
    }
}

fn run_build(args: &BuildArgs) -> Result<()> {
    if let (Some(f), Some(t)) = (args.from, args.to)
        && f > t
    {
        anyhow::bail!("--from {f} is after --to {t}");
    }
    let config = load(&args.config)?;
    let options = BuildOptions {
        from: args.from,
        to: args.to,
        out: args.out.clone(),
        force: args.force,
        day_rule: args.day_rule.into(),
        now: None,
    };
    let summary = build(&config, &options, &mut |p| {
        eprintln!("{}", progress_line(p))
    })
    .with_context(|| format!("master build with {}", args.config.display()))?;
    eprintln!(
        "{} files in {}{}",
        summary.files.len(),
        summary.out_dir.display(),
        if summary.finalized {
            " (finalized: read-only)"
        } else {
            ""
        }
    );
    if summary.days_built == 0 && summary.skipped == 0 {
        eprintln!("no trade date found in the ES inputs (paths.es / paths.ib) within the range");
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", summary.line())?;
    Ok(())
}

fn run_describe(args: &DescribeArgs) -> Result<()> {
    let config = match &args.config {
        Some(p) => load(p)?,
        None => MasterConfig::from_yaml("", Path::new("config.yaml"))?,
    };
    let doc = gammaflow_master::describe::describe(&config);
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &doc)?;
    writeln!(out)?;
    Ok(())
}
