//! `gammaflow chain analyze`: a Cboe chain file in, IV, Greeks and gamma exposure out.
//!
//! Steps: read and decode the file (`sources::cboe`), keep the selected expiries and strikes, group
//! the contracts by expiry instant (expiry date and root: an AM-settled SPX monthly and a
//! PM-settled SPXW of the same date are different groups), and run `quant::chain::ChainAnalyzer`
//! once per group with that group's time to expiry. Groups already expired at the valuation time
//! are kept with status `expired`. Strikes, walls and the zero-gamma level are then computed over
//! all selected groups together (the zero-gamma level as the root of the summed spot-shift
//! profiles).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use gammaflow_model::expiry::{self, OptionProduct};
use gammaflow_model::session::{self, CASH_CLOSE};
use gammaflow_model::{OptionContract, OptionRight, OptionRoot, Price, UnixNanos};
use gammaflow_quant::chain::{ChainAnalysis, ChainAnalyzer, ChainConfig, ChainQuotes};
use gammaflow_quant::exposure::{
    ContractExposures, DealerSign, ExposureChain, GammaProfile, MULTIPLIER_SPX, StrikeTable, brent,
};
use gammaflow_quant::{ExpiryInputs, Model, OptionKind};
use gammaflow_sources::SourcesError;
use gammaflow_sources::cboe::{self, Chain, ChainRow, Layout, QuoteSide};
use jiff::civil::{Date, DateTime};

use crate::chain_report;
use crate::{ExpirySelect, Format, Per, SpotChoice};

/// The zero-gamma search range, as fractions of spot (±10 %).
pub const ZERO_GAMMA_RANGE: (f64, f64) = (0.90, 1.10);
/// Grid points of the zero-gamma bracketing (0.1 % of spot apart).
pub const ZERO_GAMMA_GRID: usize = 201;
/// How many largest-|GEX| strikes are reported.
pub const TOP_STRIKES: usize = 5;
/// Row errors listed one by one on stderr before summarising the rest.
const MAX_LISTED_ROW_ERRORS: usize = 10;

/// What `chain analyze` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The chain file.
    pub file: PathBuf,
    /// Expiries to keep.
    pub expiry: ExpirySelect,
    /// Lowest strike kept.
    pub min_strike: Option<Price>,
    /// Highest strike kept.
    pub max_strike: Option<Price>,
    /// Risk-free rate (continuous).
    pub rate: f64,
    /// Dividend yield (continuous).
    pub dividend_yield: f64,
    /// Where the spot comes from.
    pub spot: SpotChoice,
    /// Valuation time override (New York wall clock).
    pub valuation_time: Option<DateTime>,
    /// Output format.
    pub format: Format,
    /// Output file.
    pub out: Option<PathBuf>,
    /// Part to write.
    pub per: Option<Per>,
}

/// One contract's result.
#[derive(Debug, Clone)]
pub struct ContractResult {
    /// Input line of the row.
    pub line: usize,
    /// The contract.
    pub contract: OptionContract,
    /// Years from valuation to expiry (0 when expired).
    pub t: f64,
    /// The vendor's quote side.
    pub quote: QuoteSide,
    /// Mid (NaN without a valid quote or when expired).
    pub mid: f64,
    /// Reason code (`ok`, `expired`, `zero_quote`, ...).
    pub status: &'static str,
    /// Our IV (NaN without one).
    pub iv: f64,
    /// Delta, gamma (per US$), vega (per 1.00 vol), theta (per year), rho (per 1.00): NaN without IV.
    pub greeks: [f64; 5],
    /// GEX, US$ per 1 % move (NaN without IV).
    pub gex: f64,
    /// Delta exposure, US$ (NaN without IV).
    pub delta_exposure: f64,
}

/// One expiry group's result.
#[derive(Debug, Clone)]
pub struct ExpiryResult {
    /// Expiry date.
    pub expiry: Date,
    /// Option root.
    pub root: OptionRoot,
    /// Expiry instant, New York wall clock.
    pub expires_at: DateTime,
    /// Years from valuation to expiry (0 when expired).
    pub t: f64,
    /// Spot used for this expiry.
    pub spot: f64,
    /// Whether the group expired before the valuation time.
    pub expired: bool,
    /// Contracts in the group.
    pub contracts: usize,
    /// Contracts with an IV.
    pub priced: usize,
    /// The analyser's output (`None` when expired).
    pub analysis: Option<ChainAnalysis>,
}

/// The whole analysis.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// File name as given.
    pub file: String,
    /// The decoded chain's layout.
    pub layout: Layout,
    /// The underlying's description.
    pub underlying: String,
    /// The file's quote time, New York.
    pub quote_time: DateTime,
    /// The valuation time, New York.
    pub valuation_time: DateTime,
    /// Reference spot: the file's last price, the given one, or (parity) the front expiry's.
    pub spot: f64,
    /// Where the spot came from (`last`, `given`, `parity`).
    pub spot_source: &'static str,
    /// Risk-free rate used.
    pub rate: f64,
    /// Dividend yield used.
    pub dividend_yield: f64,
    /// Per contract, by expiry, strike, call before put.
    pub contracts: Vec<ContractResult>,
    /// Per expiry group, ascending.
    pub expiries: Vec<ExpiryResult>,
    /// Per strike, all groups together.
    pub strikes: StrikeTable,
    /// Total GEX, US$ per 1 % move.
    pub total_gex: f64,
    /// Zero-gamma level of all groups together, nearest spot.
    pub zero_gamma: Option<f64>,
    /// Call wall (strike of the largest call GEX).
    pub call_wall: Option<f64>,
    /// Put wall (strike of the most negative put GEX).
    pub put_wall: Option<f64>,
    /// The strikes with the largest |net GEX|, largest first.
    pub largest_abs_gamma: Vec<f64>,
    /// Rows of the file that were rejected.
    pub skipped_rows: Vec<SourcesError>,
}

/// Runs the command.
pub fn run(opts: &Options) -> Result<()> {
    let name = opts.file.display().to_string();
    let text =
        std::fs::read_to_string(&opts.file).with_context(|| format!("cannot read {name}"))?;
    let chain = cboe::parse(&text)
        .with_context(|| format!("{name}: not a Cboe delayed-quote chain download"))?;
    report_row_errors(&name, &chain.row_errors);
    let analysis = analyze(&name, chain, opts)?;
    report_expired(&analysis);

    let per = match (opts.per, opts.format) {
        (Some(Per::All), Format::Csv) => {
            bail!("CSV holds one table: choose --per contract, strike, expiry or summary")
        }
        (Some(p), _) => p,
        (None, Format::Csv) => Per::Contract,
        (None, _) => Per::All,
    };
    let sections = chain_report::sections(&analysis, per);
    let mut sink: Box<dyn Write> = match &opts.out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    };
    let target = opts
        .out
        .as_ref()
        .map_or_else(|| "standard output".to_owned(), |p| p.display().to_string());
    let written = match opts.format {
        Format::Table => crate::output::write_table(&mut sink, &sections),
        Format::Json => crate::output::write_json(&mut sink, &sections),
        Format::Csv => sections
            .first()
            .map_or(Ok(()), |s| crate::output::write_csv(&mut sink, s)),
    };
    written
        .and_then(|()| sink.flush().map_err(Into::into))
        .with_context(|| format!("writing {target}"))
}

fn report_row_errors(name: &str, errors: &[SourcesError]) {
    for e in errors.iter().take(MAX_LISTED_ROW_ERRORS) {
        eprintln!("warning: {name}: skipped row: {e}");
    }
    if errors.len() > MAX_LISTED_ROW_ERRORS {
        eprintln!(
            "warning: {name}: {} more rows skipped",
            errors.len() - MAX_LISTED_ROW_ERRORS
        );
    }
}

fn report_expired(a: &Analysis) {
    for e in a.expiries.iter().filter(|e| e.expired) {
        eprintln!(
            "note: {} {} expired at {} New York, before the valuation time {}: its {} contracts \
             are listed as `expired` (use --valuation-time {}T15:00 to value them before the close)",
            e.root, e.expiry, e.expires_at, a.valuation_time, e.contracts, e.expiry
        );
    }
}

/// The expiry instant of `root` options on `date`: the model's calendar for SPY, SPXW (PM) and
/// SPX monthlies (AM); otherwise 16:00 New York.
fn expiry_instant(root: OptionRoot, date: Date) -> Result<UnixNanos> {
    let product = match root.as_str() {
        "SPY" => Some(OptionProduct::Spy),
        "SPXW" => Some(OptionProduct::Spxw),
        "SPX" => Some(OptionProduct::SpxMonthly),
        _ => None,
    };
    if let Some(at) = product.and_then(|p| expiry::expiration_instant(p, date).ok()) {
        return Ok(at);
    }
    session::from_new_york(date, CASH_CLOSE)
        .with_context(|| format!("expiry instant of {root} {date}"))
}

fn new_york(t: UnixNanos) -> Result<DateTime> {
    Ok(session::to_new_york(t)?.datetime())
}

fn kind_of(right: OptionRight) -> OptionKind {
    match right {
        OptionRight::Call => OptionKind::Call,
        OptionRight::Put => OptionKind::Put,
    }
}

/// Analyses a decoded chain (everything but I/O).
pub fn analyze(file: &str, chain: Chain, opts: &Options) -> Result<Analysis> {
    let (base_spot, spot_source) = match opts.spot {
        SpotChoice::Value(p) => (p.to_f64(), "given"),
        SpotChoice::Last => (chain.underlying.last.to_f64(), "last"),
        SpotChoice::Parity => (chain.underlying.last.to_f64(), "parity"),
    };
    if !(base_spot > 0.0) {
        bail!("{file}: the last price {base_spot} is not positive (use --spot)");
    }
    let (valuation, valuation_time) = match opts.valuation_time {
        Some(dt) => (
            session::from_new_york(dt.date(), dt.time())
                .with_context(|| format!("valuation time {dt} in New York"))?,
            dt,
        ),
        None => (chain.quote_time.instant, chain.quote_time.new_york),
    };
    let next = match opts.expiry {
        ExpirySelect::Next => next_expiry(&chain, valuation)?,
        _ => None,
    };
    let wanted = |row: &ChainRow| {
        let expiry_ok = match opts.expiry {
            ExpirySelect::All => true,
            ExpirySelect::ZeroDte => row.expiry == valuation_time.date(),
            ExpirySelect::Next => Some(row.expiry) == next,
            ExpirySelect::Date(d) => row.expiry == d,
        };
        expiry_ok
            && opts.min_strike.is_none_or(|k| row.strike >= k)
            && opts.max_strike.is_none_or(|k| row.strike <= k)
    };
    let mut groups: BTreeMap<(Date, OptionRoot), Vec<&ChainRow>> = BTreeMap::new();
    for row in chain.rows.iter().filter(|r| wanted(r)) {
        groups
            .entry((row.expiry, row.call.contract.root))
            .or_default()
            .push(row);
    }
    if groups.is_empty() {
        let expiries: Vec<String> = chain.expiries().iter().map(Date::to_string).collect();
        bail!(
            "{file}: no contracts match the selection (expiry {}, valuation date {}); the file's \
             expiries: {}",
            describe(opts.expiry),
            valuation_time.date(),
            if expiries.is_empty() {
                "none".to_owned()
            } else {
                expiries.join(", ")
            }
        );
    }

    let config = ChainConfig {
        zero_gamma_range: ZERO_GAMMA_RANGE,
        zero_gamma_grid: ZERO_GAMMA_GRID,
        top_strikes: TOP_STRIKES,
        ..ChainConfig::default()
    };
    let mut analyzer = ChainAnalyzer::new(config);
    let mut contracts = Vec::new();
    let mut expiries = Vec::new();
    let mut profiles = Vec::new();
    for ((date, root), mut rows) in groups {
        rows.sort_by_key(|r| r.strike);
        let at = expiry_instant(root, date)?;
        let t = expiry::year_fraction(valuation, at).unwrap_or(0.0);
        let expired = !(t > 0.0);
        let sides: Vec<&QuoteSide> = rows.iter().flat_map(|r| [&r.call, &r.put]).collect();
        let lines: Vec<usize> = rows.iter().flat_map(|r| [r.line, r.line]).collect();
        let kind: Vec<OptionKind> = sides.iter().map(|s| kind_of(s.contract.right)).collect();
        let strike: Vec<f64> = sides.iter().map(|s| s.contract.strike.to_f64()).collect();
        let bid: Vec<f64> = sides.iter().map(|s| s.bid.to_f64()).collect();
        let ask: Vec<f64> = sides.iter().map(|s| s.ask.to_f64()).collect();
        let oi: Vec<f64> = sides.iter().map(|s| s.open_interest as f64).collect();
        let spot = match opts.spot {
            SpotChoice::Parity if !expired => parity_spot(&rows, t, opts.rate, opts.dividend_yield)
                .unwrap_or_else(|| {
                    eprintln!(
                        "note: {root} {date}: no strike with both call and put quoted; using the \
                         last price {base_spot} as spot"
                    );
                    base_spot
                }),
            _ => base_spot,
        };

        let analysis = if expired {
            None
        } else {
            let quotes = ChainQuotes {
                expiry: ExpiryInputs {
                    model: Model::Bsm,
                    s: spot,
                    t,
                    r: opts.rate,
                    q: opts.dividend_yield,
                    multiplier: MULTIPLIER_SPX,
                },
                kind: &kind,
                strike: &strike,
                bid: &bid,
                ask: &ask,
                open_interest: &oi,
                dealer: DealerSign::Classic,
            };
            let mut a = analyzer
                .analyze(&quotes)
                .with_context(|| format!("analysing {root} {date}"))?
                .clone();
            if a.gex.iter().all(|g| !g.is_finite() || *g == 0.0) {
                // No open interest with an IV: a flat-zero profile has no zero-gamma level.
                a.zero_gamma = None;
            }
            profiles.push(GammaProfile::from_chain(&ExposureChain {
                expiry: ExpiryInputs {
                    model: Model::Bsm,
                    s: spot,
                    t,
                    r: opts.rate,
                    q: opts.dividend_yield,
                    multiplier: MULTIPLIER_SPX,
                },
                kind: &kind,
                strike: &strike,
                iv: &a.iv,
                open_interest: &oi,
                dealer: DealerSign::Classic,
            })?);
            Some(a)
        };
        for (i, side) in sides.iter().enumerate() {
            let nan = f64::NAN;
            let (mid, status, iv, greeks, gex, dex) = match &analysis {
                None => (nan, "expired", nan, [nan; 5], nan, nan),
                Some(a) => (
                    a.mid[i],
                    a.status[i].as_str(),
                    a.iv[i],
                    [a.delta[i], a.gamma[i], a.vega[i], a.theta[i], a.rho[i]],
                    a.gex[i],
                    a.delta_exposure[i],
                ),
            };
            contracts.push(ContractResult {
                line: lines[i],
                contract: side.contract,
                t: if expired { 0.0 } else { t },
                quote: (*side).clone(),
                mid,
                status,
                iv,
                greeks,
                gex,
                delta_exposure: dex,
            });
        }
        expiries.push(ExpiryResult {
            expiry: date,
            root,
            expires_at: new_york(at)?,
            t: if expired { 0.0 } else { t },
            spot,
            expired,
            contracts: sides.len(),
            priced: analysis.as_ref().map_or(0, |a| a.priced),
            analysis,
        });
    }

    // All groups together: strikes, walls, largest strikes, zero gamma.
    let kind: Vec<OptionKind> = contracts
        .iter()
        .map(|c| kind_of(c.contract.right))
        .collect();
    let strike: Vec<f64> = contracts
        .iter()
        .map(|c| c.contract.strike.to_f64())
        .collect();
    let oi: Vec<f64> = contracts
        .iter()
        .map(|c| c.quote.open_interest as f64)
        .collect();
    let gex: Vec<f64> = contracts.iter().map(|c| c.gex).collect();
    let dex: Vec<f64> = contracts.iter().map(|c| c.delta_exposure).collect();
    let zeros = vec![0.0; contracts.len()];
    let mut strikes = StrikeTable::new();
    strikes.aggregate(&ContractExposures {
        kind: &kind,
        strike: &strike,
        open_interest: &oi,
        gex: &gex,
        delta: &dex,
        vanna: &zeros,
        charm: &zeros,
    })?;
    // `+ 0.0` turns the -0.0 of an empty float sum into 0.
    let total_gex = gex.iter().filter(|g| g.is_finite()).sum::<f64>() + 0.0;
    let spot = match opts.spot {
        SpotChoice::Parity => expiries
            .iter()
            .find(|e| !e.expired)
            .map_or(base_spot, |e| e.spot),
        _ => base_spot,
    };
    let zero_gamma = combined_zero_gamma(&profiles, spot);
    let largest_abs_gamma = strikes
        .largest_abs_gamma(TOP_STRIKES)
        .into_iter()
        .zip(top_net(&strikes))
        .filter_map(|(k, g)| (g != 0.0).then_some(k))
        .collect();
    Ok(Analysis {
        file: file.to_owned(),
        layout: chain.layout,
        underlying: chain.underlying.description.clone(),
        quote_time: chain.quote_time.new_york,
        valuation_time,
        spot,
        spot_source,
        rate: opts.rate,
        dividend_yield: opts.dividend_yield,
        call_wall: strikes.call_wall(),
        put_wall: strikes.put_wall(),
        largest_abs_gamma,
        strikes,
        contracts,
        expiries,
        total_gex,
        zero_gamma,
        skipped_rows: chain.row_errors,
    })
}

/// The net GEX of the [`TOP_STRIKES`] largest-|GEX| strikes, in the same order.
fn top_net(strikes: &StrikeTable) -> Vec<f64> {
    let mut idx = Vec::new();
    strikes.largest_abs_gamma_into(TOP_STRIKES, &mut idx);
    idx.iter().map(|&j| strikes.net_gex[j]).collect()
}

/// The spot implied by put-call parity, `S = (C − P + K·e^(−rt))·e^(qt)`, at the strike whose call
/// and put mids are closest (both sides with a bid > 0 and ask ≥ bid); `None` if no strike has both.
fn parity_spot(rows: &[&ChainRow], t: f64, r: f64, q: f64) -> Option<f64> {
    let mid = |s: &QuoteSide| {
        (s.bid > Price::ZERO && s.ask >= s.bid).then(|| 0.5 * (s.bid.to_f64() + s.ask.to_f64()))
    };
    rows.iter()
        .filter_map(|r| Some((r.strike.to_f64(), mid(&r.call)?, mid(&r.put)?)))
        .min_by(|a, b| (a.1 - a.2).abs().total_cmp(&(b.1 - b.2).abs()))
        .map(|(k, c, p)| (c - p + k * (-r * t).exp()) * (q * t).exp())
        .filter(|s| *s > 0.0 && s.is_finite())
}

/// The first expiry date with a contract not yet expired at `valuation`.
fn next_expiry(chain: &Chain, valuation: UnixNanos) -> Result<Option<Date>> {
    let mut seen: Vec<(Date, OptionRoot)> = chain
        .rows
        .iter()
        .map(|r| (r.expiry, r.call.contract.root))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    for (date, root) in seen {
        if expiry_instant(root, date)? > valuation {
            return Ok(Some(date));
        }
    }
    Ok(None)
}

fn describe(select: ExpirySelect) -> String {
    match select {
        ExpirySelect::All => "all".to_owned(),
        ExpirySelect::Next => "next".to_owned(),
        ExpirySelect::ZeroDte => "0dte".to_owned(),
        ExpirySelect::Date(d) => d.to_string(),
    }
}

/// The zero-gamma level of several expiries together: the root nearest `spot` of the sum of their
/// spot-shift profiles on [`ZERO_GAMMA_RANGE`] (bracketed on [`ZERO_GAMMA_GRID`] points, refined
/// by Brent's method).
fn combined_zero_gamma(profiles: &[GammaProfile], spot: f64) -> Option<f64> {
    if profiles.is_empty() {
        return None;
    }
    let f = |x: f64| profiles.iter().map(|p| p.total_gex_at(x)).sum::<f64>();
    let (lo, hi) = (ZERO_GAMMA_RANGE.0 * spot, ZERO_GAMMA_RANGE.1 * spot);
    let n = ZERO_GAMMA_GRID;
    let point = |j: usize| lo + (hi - lo) * j as f64 / (n - 1) as f64;
    let values: Vec<f64> = (0..n).map(|j| f(point(j))).collect();
    if values.iter().all(|g| *g == 0.0) {
        // No open interest with an IV: the profile is 0 everywhere, which is no crossing.
        return None;
    }
    let mut best: Option<f64> = None;
    let mut keep = |x: f64| {
        if best.is_none_or(|b| (x - spot).abs() < (b - spot).abs()) {
            best = Some(x);
        }
    };
    let (mut x0, mut g0) = (lo, values[0]);
    if g0 == 0.0 {
        keep(x0);
    }
    for (j, &g1) in values.iter().enumerate().skip(1) {
        let x1 = point(j);
        if g1 == 0.0 {
            keep(x1);
        } else if g0 != 0.0 && (g0 < 0.0) != (g1 < 0.0) {
            keep(brent(f, x0, x1, g0, g1, 1e-12));
        }
        (x0, g0) = (x1, g1);
    }
    best
}
