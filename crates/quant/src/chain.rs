//! One call per underlying tick: a chain's quotes in, mids, IVs, Greeks, exposures, per-strike
//! GEX, zero gamma, walls and expected move out.
//!
//! [`ChainAnalyzer`] owns every output buffer; after the first call with a chain of a given size,
//! further calls allocate nothing. Every contract keeps its row: a contract without a usable mid or
//! IV gets a [`ContractStatus`] saying why, NaN Greeks and exposures, and contributes nothing to
//! the sums. This is what `gammaflow chain analyze` and the live engine call.
//!
//! # Quick start
//! ```
//! use gammaflow_quant::chain::{ChainAnalyzer, ChainConfig, ChainQuotes, ContractStatus};
//! use gammaflow_quant::exposure::{DealerSign, MULTIPLIER_SPX};
//! use gammaflow_quant::{ExpiryInputs, Model, OptionKind};
//!
//! let kind = [OptionKind::Call, OptionKind::Put, OptionKind::Call, OptionKind::Put];
//! let strike = [5000.0, 5000.0, 5050.0, 5050.0];
//! let bid = [20.1, 18.9, 2.0, f64::NAN];
//! let ask = [20.5, 19.3, 2.2, 52.0];
//! let oi = [1200.0, 3400.0, 800.0, 150.0];
//! let quotes = ChainQuotes {
//!     expiry: ExpiryInputs {
//!         model: Model::Bsm, s: 5001.0, t: 0.5 / 365.0, r: 0.05, q: 0.013,
//!         multiplier: MULTIPLIER_SPX,
//!     },
//!     kind: &kind, strike: &strike, bid: &bid, ask: &ask, open_interest: &oi,
//!     dealer: DealerSign::Classic,
//! };
//! let mut analyzer = ChainAnalyzer::new(ChainConfig::default());
//! let out = analyzer.analyze(&quotes)?;
//! assert_eq!(out.status[3], ContractStatus::MissingQuote); // reported, not dropped
//! assert!((out.mid[0] - 20.3).abs() < 1e-12);
//! println!("total GEX {} US$/1 %, zero gamma {:?}, call wall {:?}",
//!     out.total_gex, out.zero_gamma, out.call_wall);
//! # Ok::<(), gammaflow_quant::QuantError>(())
//! ```

use crate::black;
use crate::exposure::{
    self, ContractExposures, DealerSign, ExposureChain, GammaProfile, StrikeTable, check,
};
use crate::iv::{self, IvBatch, IvStatus};
use crate::stats::{self, StraddleMove};
use crate::{ExpiryInputs, Model, OptionKind, QuantError};

/// The quotes of one expiry of a chain (structure of arrays, one row per contract, all the same
/// length) and its common inputs.
#[derive(Debug, Clone, Copy)]
pub struct ChainQuotes<'a> {
    /// Model, underlying price, time, rates and multiplier of the expiry.
    pub expiry: ExpiryInputs,
    /// Call or put per contract.
    pub kind: &'a [OptionKind],
    /// Strike per contract.
    pub strike: &'a [f64],
    /// Best bid per contract (price units; NaN = none).
    pub bid: &'a [f64],
    /// Best ask per contract (price units; NaN = none).
    pub ask: &'a [f64],
    /// Open interest per contract (contracts).
    pub open_interest: &'a [f64],
    /// Dealer position model for the exposures.
    pub dealer: DealerSign<'a>,
}

/// Why a contract has (or lacks) an IV and Greeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ContractStatus {
    /// Valid mid and IV; Greeks and exposures computed.
    #[default]
    Ok,
    /// The mid equals the lower no-arbitrage bound: IV 0, Greeks are the zero-vol limits.
    ZeroTimeValue,
    /// Bid or ask missing (NaN, infinite or negative).
    MissingQuote,
    /// Bid or ask is zero (no market; see [`ChainConfig::allow_zero_bid`]).
    ZeroQuote,
    /// Bid above ask.
    Crossed,
    /// The mid is below the intrinsic lower bound: no IV.
    BelowIntrinsic,
    /// The mid is above the no-arbitrage maximum: no IV.
    AboveMaximum,
    /// Strike or common inputs invalid (non-finite, ≤ 0): no IV.
    InvalidInput,
}

impl ContractStatus {
    /// `true` when the contract has an IV and Greeks (`Ok` or `ZeroTimeValue`).
    #[inline]
    pub fn has_greeks(self) -> bool {
        matches!(self, ContractStatus::Ok | ContractStatus::ZeroTimeValue)
    }

    /// A short machine-readable reason (`ok`, `zero_time_value`, `missing_quote`, `zero_quote`,
    /// `crossed`, `below_intrinsic`, `above_max`, `invalid_input`).
    pub fn as_str(self) -> &'static str {
        match self {
            ContractStatus::Ok => "ok",
            ContractStatus::ZeroTimeValue => "zero_time_value",
            ContractStatus::MissingQuote => "missing_quote",
            ContractStatus::ZeroQuote => "zero_quote",
            ContractStatus::Crossed => "crossed",
            ContractStatus::BelowIntrinsic => "below_intrinsic",
            ContractStatus::AboveMaximum => "above_max",
            ContractStatus::InvalidInput => "invalid_input",
        }
    }
}

/// Options of [`ChainAnalyzer`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChainConfig {
    /// Compute the zero-gamma level (costs one profile evaluation per grid point plus ~10 for
    /// Brent's method, each one `exp` per contract). Default `true`.
    pub zero_gamma: bool,
    /// Range of hypothetical spots for the zero-gamma search, as fractions of `s`. Default
    /// `(0.97, 1.03)`.
    pub zero_gamma_range: (f64, f64),
    /// Grid points bracketing the zero-gamma roots (≥ 2; crossings closer together than one step
    /// can cancel). Default 25 (0.25 % steps on the default range).
    pub zero_gamma_grid: usize,
    /// Accept a zero bid (mid = ask/2) instead of reporting [`ContractStatus::ZeroQuote`]; a zero
    /// ask is always rejected. Default `false`.
    pub allow_zero_bid: bool,
    /// How many largest-|GEX| strikes to report. Default 5.
    pub top_strikes: usize,
}

impl Default for ChainConfig {
    fn default() -> Self {
        Self {
            zero_gamma: true,
            zero_gamma_range: (0.97, 1.03),
            zero_gamma_grid: 25,
            allow_zero_bid: false,
            top_strikes: 5,
        }
    }
}

/// Everything [`ChainAnalyzer::analyze`] computes. Per-contract vectors have one entry per input
/// row, in input order; Greeks and exposures are NaN where `status` has no Greeks. Units as in
/// [`black`] and [`exposure`].
#[derive(Debug, Clone, Default)]
pub struct ChainAnalysis {
    /// Mid `(bid + ask)/2` (price units); NaN without a valid quote.
    pub mid: Vec<f64>,
    /// Implied volatility of the mid (per 1.00); NaN without one, 0 for zero time value.
    pub iv: Vec<f64>,
    /// Per-contract status (the reason when there is no IV).
    pub status: Vec<ContractStatus>,
    /// Delta (∂V/∂S or ∂V/∂F).
    pub delta: Vec<f64>,
    /// Gamma (per unit of underlying).
    pub gamma: Vec<f64>,
    /// Vega per 1.00 of vol.
    pub vega: Vec<f64>,
    /// Theta per year.
    pub theta: Vec<f64>,
    /// Rho per 1.00 of rate.
    pub rho: Vec<f64>,
    /// Vanna per 1.00 of vol.
    pub vanna: Vec<f64>,
    /// Charm per year.
    pub charm: Vec<f64>,
    /// Dealers' signed position (contracts) from the dealer model.
    pub position: Vec<f64>,
    /// GEX (US$ per 1 % move).
    pub gex: Vec<f64>,
    /// Delta exposure (US$).
    pub delta_exposure: Vec<f64>,
    /// Vanna exposure (US$ per vol point).
    pub vanna_exposure: Vec<f64>,
    /// Charm exposure (US$ per day).
    pub charm_exposure: Vec<f64>,
    /// Per-strike sums, strikes ascending.
    pub strikes: StrikeTable,
    /// Total GEX at spot (US$ per 1 % move).
    pub total_gex: f64,
    /// Total delta exposure (US$).
    pub total_delta_exposure: f64,
    /// Total vanna exposure (US$ per vol point).
    pub total_vanna_exposure: f64,
    /// Total charm exposure (US$ per day).
    pub total_charm_exposure: f64,
    /// Zero-gamma level nearest spot (`None` if the profile does not cross in range or
    /// [`ChainConfig::zero_gamma`] is off).
    pub zero_gamma: Option<f64>,
    /// Strike with the largest positive call GEX.
    pub call_wall: Option<f64>,
    /// Strike with the most negative put GEX.
    pub put_wall: Option<f64>,
    /// The [`ChainConfig::top_strikes`] strikes with the largest |net GEX|, largest first.
    pub largest_abs_gamma: Vec<f64>,
    /// The strike nearest the forward that has both a valid call and put mid.
    pub atm_strike: Option<f64>,
    /// Straddle-implied expected move at `atm_strike` (price units).
    pub straddle: Option<StraddleMove>,
    /// Mean of the call and put IV at `atm_strike` (either alone if one has none); NaN if none.
    pub atm_iv: f64,
    /// 1σ move to expiry from `atm_iv`: `s·atm_iv·√t` (price units; NaN if no ATM IV).
    pub iv_move: f64,
    /// Number of contracts with Greeks.
    pub priced: usize,
}

/// Reusable analyser of one chain per call (see the [module docs](self)).
#[derive(Debug, Clone, Default)]
pub struct ChainAnalyzer {
    config: ChainConfig,
    out: ChainAnalysis,
    s: Vec<f64>,
    t: Vec<f64>,
    r: Vec<f64>,
    q: Vec<f64>,
    iv_status: Vec<IvStatus>,
    profile: GammaProfile,
    top: Vec<usize>,
}

fn refill<T: Copy>(v: &mut Vec<T>, n: usize, value: T) {
    v.clear();
    v.resize(n, value);
}

#[inline]
fn quote_status(bid: f64, ask: f64, allow_zero_bid: bool) -> ContractStatus {
    if !(bid.is_finite() && ask.is_finite() && bid >= 0.0 && ask >= 0.0) {
        ContractStatus::MissingQuote
    } else if ask == 0.0 || (bid == 0.0 && !allow_zero_bid) {
        ContractStatus::ZeroQuote
    } else if bid > ask {
        ContractStatus::Crossed
    } else {
        ContractStatus::Ok
    }
}

fn finite_sum(v: &[f64]) -> f64 {
    v.iter().filter(|x| x.is_finite()).sum()
}

impl ChainAnalyzer {
    /// An analyser with `config`; buffers grow on the first call.
    pub fn new(config: ChainConfig) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ChainConfig {
        &self.config
    }

    /// The result of the last [`ChainAnalyzer::analyze`] (empty before the first).
    pub fn last(&self) -> &ChainAnalysis {
        &self.out
    }

    /// Analyses one chain snapshot. Errors only on slice-length mismatches
    /// ([`QuantError::LengthMismatch`]); bad rows get a [`ContractStatus`].
    pub fn analyze(&mut self, quotes: &ChainQuotes<'_>) -> Result<&ChainAnalysis, QuantError> {
        let n = quotes.kind.len();
        check("strike", quotes.strike.len(), n)?;
        check("bid", quotes.bid.len(), n)?;
        check("ask", quotes.ask.len(), n)?;
        check("open_interest", quotes.open_interest.len(), n)?;
        quotes.dealer.check_len(n)?;

        let out = &mut self.out;
        // 1. Mids and quote statuses.
        out.mid.clear();
        out.status.clear();
        for i in 0..n {
            let status = quote_status(quotes.bid[i], quotes.ask[i], self.config.allow_zero_bid);
            out.status.push(status);
            out.mid.push(if status == ContractStatus::Ok {
                0.5 * (quotes.bid[i] + quotes.ask[i])
            } else {
                f64::NAN
            });
        }

        // 2. Implied volatilities of the mids, as one batch.
        refill(&mut self.s, n, quotes.expiry.s);
        refill(&mut self.t, n, quotes.expiry.t);
        refill(&mut self.r, n, quotes.expiry.r);
        refill(&mut self.q, n, quotes.expiry.q);
        refill(&mut out.iv, n, f64::NAN);
        refill(&mut self.iv_status, n, IvStatus::InvalidInput);
        let batch = IvBatch {
            model: quotes.expiry.model,
            kind: quotes.kind,
            s: &self.s,
            k: quotes.strike,
            t: &self.t,
            r: &self.r,
            q: &self.q,
            price: &out.mid,
        };
        iv::implied_vol_batch(&batch, &mut out.iv, &mut self.iv_status)?;
        for (status, iv_status) in out.status.iter_mut().zip(&self.iv_status) {
            if *status == ContractStatus::Ok {
                *status = match iv_status {
                    IvStatus::Ok => ContractStatus::Ok,
                    IvStatus::ZeroTimeValue => ContractStatus::ZeroTimeValue,
                    IvStatus::BelowIntrinsic => ContractStatus::BelowIntrinsic,
                    IvStatus::AboveMaximum => ContractStatus::AboveMaximum,
                    IvStatus::InvalidInput => ContractStatus::InvalidInput,
                };
            }
        }

        // 3. Greeks and exposures per contract.
        for v in [
            &mut out.delta,
            &mut out.gamma,
            &mut out.vega,
            &mut out.theta,
            &mut out.rho,
            &mut out.vanna,
            &mut out.charm,
            &mut out.position,
            &mut out.gex,
            &mut out.delta_exposure,
            &mut out.vanna_exposure,
            &mut out.charm_exposure,
        ] {
            refill(v, n, f64::NAN);
        }
        let (s, m) = (quotes.expiry.s, quotes.expiry.multiplier);
        let mut priced = 0;
        for i in 0..n {
            let kind = quotes.kind[i];
            let position = quotes.dealer.position(i, kind, quotes.open_interest[i]);
            out.position[i] = position;
            let sigma = out.iv[i];
            if !out.status[i].has_greeks() || !sigma.is_finite() {
                if out.status[i].has_greeks() {
                    out.status[i] = ContractStatus::InvalidInput;
                }
                continue;
            }
            let inputs = quotes.expiry.option(kind, quotes.strike[i], s);
            let g = black::greeks(&inputs, sigma);
            out.delta[i] = g.delta;
            out.gamma[i] = g.gamma;
            out.vega[i] = g.vega;
            out.theta[i] = g.theta;
            out.rho[i] = g.rho;
            out.vanna[i] = g.vanna;
            out.charm[i] = g.charm;
            out.gex[i] = exposure::gex_per_pct(g.gamma, position, m, s);
            out.delta_exposure[i] = exposure::delta_exposure(g.delta, position, m, s);
            out.vanna_exposure[i] = exposure::vanna_exposure_per_pct(g.vanna, position, m, s);
            out.charm_exposure[i] = exposure::charm_exposure_per_day(g.charm, position, m, s);
            priced += 1;
        }
        out.priced = priced;
        out.total_gex = finite_sum(&out.gex);
        out.total_delta_exposure = finite_sum(&out.delta_exposure);
        out.total_vanna_exposure = finite_sum(&out.vanna_exposure);
        out.total_charm_exposure = finite_sum(&out.charm_exposure);

        // 4. Per strike, walls, largest strikes.
        out.strikes.aggregate(&ContractExposures {
            kind: quotes.kind,
            strike: quotes.strike,
            open_interest: quotes.open_interest,
            gex: &out.gex,
            delta: &out.delta_exposure,
            vanna: &out.vanna_exposure,
            charm: &out.charm_exposure,
        })?;
        out.call_wall = out.strikes.call_wall();
        out.put_wall = out.strikes.put_wall();
        out.strikes
            .largest_abs_gamma_into(self.config.top_strikes, &mut self.top);
        out.largest_abs_gamma.clear();
        out.largest_abs_gamma
            .extend(self.top.iter().map(|&j| out.strikes.strike[j]));

        // 5. Zero gamma: exact root of the spot-shift profile, IVs held fixed.
        out.zero_gamma = None;
        if self.config.zero_gamma {
            self.profile.prepare(&ExposureChain {
                expiry: quotes.expiry,
                kind: quotes.kind,
                strike: quotes.strike,
                iv: &out.iv,
                open_interest: quotes.open_interest,
                dealer: quotes.dealer,
            })?;
            let (lo, hi) = self.config.zero_gamma_range;
            out.zero_gamma =
                self.profile
                    .zero_gamma_nearest(lo * s, hi * s, self.config.zero_gamma_grid);
        }

        // 6. At the money: straddle and IV expected move.
        atm(out, quotes);
        Ok(&self.out)
    }
}

/// Finds the strike nearest the forward with a valid call and put mid (walking the strike-sorted
/// contract order of the strike table) and fills the ATM fields.
fn atm(out: &mut ChainAnalysis, quotes: &ChainQuotes<'_>) {
    let e = &quotes.expiry;
    let forward = match e.model {
        Model::Bsm => e.s * ((e.r - e.q) * e.t).exp(),
        Model::Black76 => e.s,
    };
    out.atm_strike = None;
    out.straddle = None;
    out.atm_iv = f64::NAN;
    out.iv_move = f64::NAN;
    let mut best: Option<(f64, usize, usize)> = None;
    let order = out.strikes.contract_order();
    let mut start = 0;
    while start < order.len() {
        let k = quotes.strike[order[start]];
        let mut end = start;
        let (mut call, mut put) = (None, None);
        while end < order.len() && quotes.strike[order[end]] == k {
            let i = order[end];
            if out.mid[i].is_finite() {
                match quotes.kind[i] {
                    OptionKind::Call => call = call.or(Some(i)),
                    OptionKind::Put => put = put.or(Some(i)),
                }
            }
            end += 1;
        }
        if let (Some(c), Some(p)) = (call, put) {
            let dist = (k - forward).abs();
            if best.is_none_or(|(d, _, _)| dist < d) {
                best = Some((dist, c, p));
            }
        }
        start = end;
    }
    if let Some((_, c, p)) = best {
        out.atm_strike = Some(quotes.strike[c]);
        out.straddle = Some(stats::straddle_move(out.mid[c], out.mid[p]));
        let (ic, ip) = (out.iv[c], out.iv[p]);
        out.atm_iv = match (ic.is_finite(), ip.is_finite()) {
            (true, true) => 0.5 * (ic + ip),
            (true, false) => ic,
            (false, true) => ip,
            (false, false) => f64::NAN,
        };
        out.iv_move = stats::iv_move(e.s, out.atm_iv, e.t);
    }
}

#[cfg(test)]
mod tests;
