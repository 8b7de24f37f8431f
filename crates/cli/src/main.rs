//! The `gammaflow` binary: command-line parsing, file I/O and output formats.
//!
//! * `gammaflow chain analyze FILE`: IV, Greeks and gamma exposure of a Cboe delayed-quote chain
//!   download (see [`chain_cmd`]).
//! * `gammaflow iv --input IN.csv --output OUT.csv`: batch implied volatility and Greeks over a CSV
//!   (see [`iv_cmd`]).
//! * `gammaflow tape [--source sim|polygon|replay]`: a market-data source's events, one per line
//!   (see [`tape_cmd`]).
//! * `gammaflow flow [--source sim|polygon|replay]`: the 0DTE flow desk in the terminal (see
//!   [`flow_cmd`]).
//! * `gammaflow sim --date D --days N --out DIR`: simulated sessions written as Databento files
//!   (see [`sim_cmd`]).
//! * `gammaflow query "SELECT …"` / `--named NAME --param k=v`: SQL over the Parquet lake (see
//!   [`query_cmd`]).
//! * `gammaflow master build --config config.yaml` / `gammaflow master describe`: the historical
//!   ES/SPX dataset (see [`master_cmd`]).
//!
//! Errors go to stderr as `error: ...` with the file named, and the exit code is 1 (2 for
//! command-line usage errors, from clap).

mod chain_cmd;
mod chain_report;
mod flow_cmd;
mod history;
mod iv_cmd;
mod master_cmd;
mod output;
mod query_cmd;
mod serve_cmd;
mod sim_cmd;
mod tape_cmd;
mod tape_format;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use gammaflow_model::Price;

/// Default risk-free rate for `chain analyze`: 4.3 % continuously compounded (US T-bill yields of
/// mid/late 2025, about 4.0–4.4 % for 1–3 months).
pub const DEFAULT_RATE: f64 = 0.043;
/// Default dividend yield for `chain analyze`: 1.2 % continuous (SPY's trailing yield in 2025).
pub const DEFAULT_DIVIDEND_YIELD: f64 = 0.012;

/// gammaflow: a self-hosted market-data desk for 0DTE index-option traders.
#[derive(Debug, Parser)]
#[command(name = "gammaflow", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Option-chain analysis.
    #[command(subcommand)]
    Chain(ChainCommand),
    /// Batch implied volatility and Greeks over a CSV of `model,flag,S,K,T,r,q,price`.
    Iv(IvArgs),
    /// Stream a market-data source's events, one per line: the built-in simulator (default),
    /// Polygon/Massive (POLYGON_API_KEY or MASSIVE_API_KEY) or a replay of Databento files.
    Tape(tape_cmd::TapeArgs),
    /// Simulate trading days and write them as Databento files (DBN and CSV.zst).
    Sim(sim_cmd::SimArgs),
    /// The live 0DTE flow desk in the terminal: per-strike flow, IV, OI and GEX of the
    /// at-the-money window, from any source (the simulator by default).
    Flow(flow_cmd::FlowArgs),
    /// The live desk as a service: source → engine → Parquet lake, with the window state on
    /// `ws://…/ws/stream`, REST under `/api/`, Prometheus `/metrics` and the dashboard.
    Serve(Box<serve_cmd::ServeArgs>),
    /// SQL over the Parquet lake (DataFusion): a read-only statement, or a named query of the
    /// server with --named NAME --param k=v (--list shows them).
    Query(query_cmd::QueryArgs),
    /// The historical ES/SPX dataset (MASTER_OUTPUT): `build` from vendor files, `describe` its
    /// input/output schema as JSON.
    #[command(subcommand)]
    Master(master_cmd::MasterCommand),
}

#[derive(Debug, Subcommand)]
enum ChainCommand {
    /// Analyse a Cboe delayed-quote chain download (2020 `.dat` or 2025 `.csv` layout): IV and
    /// Greeks from each bid/ask mid (Black-Scholes-Merton on spot), our IV minus Cboe's, GEX per
    /// contract, per strike and in total, zero gamma, call/put walls, expected move.
    Analyze(ChainArgs),
}

/// Which expiries `chain analyze` keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpirySelect {
    /// Every expiry in the file.
    All,
    /// The expiry equal to the valuation date (New York).
    ZeroDte,
    /// The first expiry not yet expired at the valuation time.
    Next,
    /// One date.
    Date(jiff::civil::Date),
}

fn parse_expiry(text: &str) -> Result<ExpirySelect, String> {
    match text.to_ascii_lowercase().as_str() {
        "all" => Ok(ExpirySelect::All),
        "0dte" => Ok(ExpirySelect::ZeroDte),
        "next" => Ok(ExpirySelect::Next),
        _ => text
            .parse::<jiff::civil::Date>()
            .map(ExpirySelect::Date)
            .map_err(|_| format!("expected next, 0dte, all or a date YYYY-MM-DD, got {text:?}")),
    }
}

/// Where `chain analyze` takes the underlying price from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpotChoice {
    /// The file's last price.
    Last,
    /// Per expiry, from put-call parity of the mids.
    Parity,
    /// A given price.
    Value(Price),
}

fn parse_spot(text: &str) -> Result<SpotChoice, String> {
    match text.to_ascii_lowercase().as_str() {
        "last" => Ok(SpotChoice::Last),
        "parity" => Ok(SpotChoice::Parity),
        _ => match text.parse::<Price>() {
            Ok(p) if p > Price::ZERO => Ok(SpotChoice::Value(p)),
            _ => Err(format!(
                "expected last, parity or a positive price, got {text:?}"
            )),
        },
    }
}

fn parse_valuation_time(text: &str) -> Result<jiff::civil::DateTime, String> {
    text.parse::<jiff::civil::DateTime>()
        .map_err(|_| format!("expected a New York date and time YYYY-MM-DDTHH:MM, got {text:?}"))
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal.
    Table,
    /// Comma-separated values (one table: pick it with --per).
    Csv,
    /// JSON (one object with the requested parts).
    Json,
}

/// Which part of the analysis to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Per {
    /// One row per contract (IV, Greeks, IV minus Cboe's, GEX, status).
    Contract,
    /// One row per strike (OI and GEX of calls, puts, net), all selected expiries together.
    Strike,
    /// One row per expiry (time to expiry, GEX, zero gamma, walls, expected move).
    Expiry,
    /// The totals (GEX, zero gamma, walls, expected move of the front expiry, counts).
    Summary,
    /// Everything (table and json only).
    All,
}

/// Arguments of `gammaflow chain analyze`.
#[derive(Debug, Args)]
#[command(after_help = "\
Model: Black-Scholes-Merton on spot with continuous r and q; IV from the bid/ask mid; time to expiry \
in years (ACT/365, whole seconds) from the valuation time to the expiry instant (SPY/SPXW: the 16:00 \
ET close, 13:00 on early closes; SPX monthly: 09:30 ET). GEX = sign x gamma x OI x 100 x S^2 x 0.01 \
(US$ per 1 % move, classic dealer sign: long calls, short puts).

Contracts without an IV are listed with the reason: expired, missing_quote, zero_quote (no bid), \
crossed, below_intrinsic, above_max, invalid_input.

Example (the 2025-06-09 sample was taken at 16:52 ET, after its 0DTE expiry):
  gammaflow chain analyze SPY_quotedata_2025-06-09_close_with_0DTE.csv --expiry 0dte \\
      --valuation-time 2025-06-09T15:00 --per summary")]
struct ChainArgs {
    /// The chain file (Cboe delayed-quote download, `.csv` or `.dat`).
    file: PathBuf,
    /// Expiries to analyse: `next` (the first not expired at the valuation time), `0dte`
    /// (expiring on the valuation date, New York), `all`, or a date `YYYY-MM-DD`.
    #[arg(long, default_value = "next", value_parser = parse_expiry)]
    expiry: ExpirySelect,
    /// Lowest strike to keep (inclusive).
    #[arg(long, value_name = "X")]
    min_strike: Option<Price>,
    /// Highest strike to keep (inclusive).
    #[arg(long, value_name = "X")]
    max_strike: Option<Price>,
    /// Risk-free rate, continuously compounded per year (0.043 = 4.3 %, about the 1–3 month
    /// US T-bill yield in 2025).
    #[arg(long, value_name = "R", default_value_t = DEFAULT_RATE, allow_negative_numbers = true)]
    rate: f64,
    /// Dividend yield, continuous per year (0.012 = 1.2 %, SPY's trailing yield in 2025).
    #[arg(
        long,
        value_name = "Q",
        default_value_t = DEFAULT_DIVIDEND_YIELD,
        allow_negative_numbers = true
    )]
    dividend_yield: f64,
    /// Underlying price for the model: `last` (the file's last price), `parity` (per expiry, the
    /// spot implied by put-call parity at the strike where call and put mids are closest), or a
    /// number.
    #[arg(long, value_name = "last|parity|S", default_value = "last", value_parser = parse_spot)]
    spot: SpotChoice,
    /// Valuation time, New York wall clock, `YYYY-MM-DDTHH:MM[:SS]` [default: the file's quote
    /// time].
    #[arg(long, value_name = "YYYY-MM-DDTHH:MM", value_parser = parse_valuation_time)]
    valuation_time: Option<jiff::civil::DateTime>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Which part to write [default: all for table/json, contract for csv].
    #[arg(long, value_enum)]
    per: Option<Per>,
}

/// Arguments of `gammaflow iv`.
#[derive(Debug, Args)]
#[command(after_help = "\
Input columns (by name, any order, extra columns passed through unchanged): model (bs|black76), \
flag (c|p), S (spot, or futures price for black76), K, T (years), r, q (continuous; ignored for \
black76), price (discounted premium).

Output: the input columns, then iv, iv_status, delta, gamma, vega, theta, rho (vega per 1.00 vol, \
theta per year, rho per 1.00 of rate). If the input already has any of these names, all seven are \
written with the prefix `calc_`. iv_status: ok, zero_time_value (iv 0), below_intrinsic, above_max, \
or `invalid_input: <column>`; such rows never abort the run.")]
struct IvArgs {
    /// Input CSV.
    #[arg(long, value_name = "FILE.csv")]
    input: PathBuf,
    /// Output CSV.
    #[arg(long, value_name = "FILE.csv")]
    output: PathBuf,
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Chain(ChainCommand::Analyze(args)) => chain_cmd::run(&chain_cmd::Options {
            file: args.file,
            expiry: args.expiry,
            min_strike: args.min_strike,
            max_strike: args.max_strike,
            rate: args.rate,
            dividend_yield: args.dividend_yield,
            spot: args.spot,
            valuation_time: args.valuation_time,
            format: args.format,
            out: args.out,
            per: args.per,
        }),
        Command::Iv(args) => iv_cmd::run(&args.input, &args.output),
        Command::Tape(args) => tape_cmd::run(&args),
        Command::Sim(args) => sim_cmd::run(&args),
        Command::Flow(args) => flow_cmd::run(&args),
        Command::Serve(args) => serve_cmd::run(&args),
        Command::Query(args) => query_cmd::run(&args),
        Command::Master(cmd) => master_cmd::run(&cmd),
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(|j| j.io_error_kind())
                .is_some_and(|k| k == std::io::ErrorKind::BrokenPipe)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`gammaflow ... | head`) is the reader's choice, not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
