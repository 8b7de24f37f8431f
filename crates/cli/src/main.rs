//! The gammaflow binary. Today: `gammaflow chain analyze FILE`, an options-chain analysis of a Cboe
//! delayed-quote download (IV and Greeks from every bid/ask mid, GEX by strike, zero gamma, walls,
//! expected move).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use gammaflow_model::expiry::year_fraction;
use gammaflow_model::session::from_new_york;
use gammaflow_model::symbol::OptionRight;
use gammaflow_quant::chain::{ChainAnalyzer, ChainConfig, ChainQuotes};
use gammaflow_quant::exposure::{DealerSign, MULTIPLIER_SPX};
use gammaflow_quant::{Model, OptionKind};
use jiff::civil::{Date, DateTime, Time};

#[derive(Parser)]
#[command(
    name = "gammaflow",
    version,
    about = "A self-hosted market-data desk for 0DTE index-option traders"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Option-chain files.
    Chain {
        #[command(subcommand)]
        action: ChainAction,
    },
}

#[derive(Subcommand)]
enum ChainAction {
    /// Analyse a Cboe delayed-quote chain download (.csv 2025 layout or .dat 2020 layout).
    Analyze {
        /// The chain file.
        file: PathBuf,
        /// Which expiry: `0dte` (the valuation date), `next` (the first not yet expired), or a date YYYY-MM-DD.
        #[arg(long, default_value = "next")]
        expiry: String,
        /// Risk-free rate, continuously compounded per year.
        #[arg(long, default_value_t = 0.043)]
        rate: f64,
        /// Dividend yield, continuously compounded per year (SPY ≈ 1.2 %).
        #[arg(long, default_value_t = 0.012)]
        dividend_yield: f64,
        /// Valuation time in New York, YYYY-MM-DDTHH:MM (default: the file's quote time).
        #[arg(long)]
        valuation_time: Option<String>,
    },
}

fn main() {
    if let Err(error) = run(Cli::parse()) {
        eprintln!("gammaflow: {error:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Chain {
            action:
                ChainAction::Analyze {
                    file,
                    expiry,
                    rate,
                    dividend_yield,
                    valuation_time,
                },
        } => analyze(
            &file,
            &expiry,
            rate,
            dividend_yield,
            valuation_time.as_deref(),
        ),
    }
}

fn analyze(file: &PathBuf, expiry: &str, r: f64, q: f64, valuation: Option<&str>) -> Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let chain = gammaflow_sources::cboe::parse(&text)
        .with_context(|| format!("parsing {}", file.display()))?;
    let now = match valuation {
        Some(v) => {
            let dt: DateTime = v
                .parse()
                .with_context(|| format!("--valuation-time {v:?}: expected YYYY-MM-DDTHH:MM"))?;
            from_new_york(dt.date(), dt.time())?
        }
        None => chain.quote_time.instant,
    };
    let today = gammaflow_model::session::to_new_york(now)?.date();
    let expiries = chain.expiries();
    let chosen: Date = match expiry {
        "0dte" => today,
        "next" => *expiries
            .iter()
            .find(|d| **d >= today)
            .context("no expiry on or after the valuation date")?,
        other => other
            .parse()
            .with_context(|| format!("--expiry {other:?}: expected 0dte, next or YYYY-MM-DD"))?,
    };
    let rows: Vec<_> = chain.rows.iter().filter(|r| r.expiry == chosen).collect();
    if rows.is_empty() {
        bail!(
            "{}: no contracts expire on {chosen} (expiries: {:?})",
            file.display(),
            expiries
        );
    }
    let expiry_instant = from_new_york(chosen, Time::constant(16, 0, 0, 0))?;
    let t = year_fraction(now, expiry_instant)
        .with_context(|| format!("expiry {chosen} is before the valuation time"))?;
    let spot = chain.underlying.last.to_f64();
    let (mut kind, mut strike, mut bid, mut ask, mut oi) = (vec![], vec![], vec![], vec![], vec![]);
    for row in &rows {
        for side in [&row.call, &row.put] {
            kind.push(if side.contract.right == OptionRight::Call {
                OptionKind::Call
            } else {
                OptionKind::Put
            });
            strike.push(side.contract.strike.to_f64());
            bid.push(side.bid.to_f64());
            ask.push(side.ask.to_f64());
            oi.push(side.open_interest as f64);
        }
    }
    let quotes = ChainQuotes {
        model: Model::Bsm,
        s: spot,
        t,
        r,
        q,
        multiplier: MULTIPLIER_SPX,
        kind: &kind,
        strike: &strike,
        bid: &bid,
        ask: &ask,
        open_interest: &oi,
        dealer: DealerSign::Classic,
    };
    let mut analyzer = ChainAnalyzer::new(ChainConfig::default());
    let out = analyzer.analyze(&quotes)?;
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    writeln!(
        w,
        "{}: spot {spot}, expiry {chosen}, T = {t:.6} y, {} contracts, {} priced",
        file.display(),
        kind.len(),
        out.priced
    )?;
    writeln!(
        w,
        "{:>6} {:>9} {:>8} {:>8} {:>9} {:>9} {:>8} {:>8} {:>14}",
        "right", "strike", "bid", "ask", "mid", "iv", "delta", "oi", "gex_usd_1pct"
    )?;
    for i in 0..kind.len() {
        let label = if kind[i] == OptionKind::Call {
            "C"
        } else {
            "P"
        };
        if out.status[i].has_greeks() {
            writeln!(
                w,
                "{label:>6} {:>9.2} {:>8.2} {:>8.2} {:>9.4} {:>9.4} {:>8.4} {:>8} {:>14.0}",
                strike[i], bid[i], ask[i], out.mid[i], out.iv[i], out.delta[i], oi[i], out.gex[i]
            )?;
        } else {
            writeln!(
                w,
                "{label:>6} {:>9.2} {:>8.2} {:>8.2}  {}",
                strike[i],
                bid[i],
                ask[i],
                out.status[i].as_str()
            )?;
        }
    }
    writeln!(
        w,
        "total GEX {:.0} US$ per 1 % move; zero gamma {:?}; call wall {:?}; put wall {:?}",
        out.total_gex, out.zero_gamma, out.call_wall, out.put_wall
    )?;
    writeln!(
        w,
        "ATM {:?}, ATM IV {:.4}, IV-implied 1σ move to expiry {:.2}; straddle {:?}",
        out.atm_strike, out.atm_iv, out.iv_move, out.straddle
    )?;
    Ok(())
}
