//! gammaflow's own GEX levels from an option chain snapshot (OPRA quotes + open interest), and
//! their comparison with GEXBot's ([`compare`]).
//!
//! # Inputs
//! A snapshot ([`GexSnapshot`]) is the underlying price, the instant and a slice of
//! [`GexContract`]s (strike, right, open interest, the day's cumulative volume, IV or mid, time to
//! expiry). The input type is deliberately plain so that any chain source (the OPRA loader, a Cboe
//! file, the simulator) can fill it. Expiry-wide inputs (model, rates, multiplier) are in
//! [`GexParams`]: Black-Scholes-Merton on the SPX index (multiplier 100) by default; Black-76 on
//! the ES future (multiplier 50) for ES options.
//!
//! # Definitions (units: strikes and levels in index points of the underlying; GEX in US$ of
//! dealer delta per 1 % move, [`gammaflow_quant::exposure::gex_per_pct`])
//! * **Dealer position** (the classic GEXBot/SqueezeMetrics convention,
//!   [`DealerSign::Classic`]): dealers long the calls (`+n`), short the puts (`−n`), where `n` is
//!   the open interest (**by OI**) or the day's cumulative volume up to the snapshot (**by
//!   volume**: GEXBot's "vol" figures, volume in place of OI).
//! * **GEX per contract** = position · Γ(spot, IV) · multiplier · spot² · 0.01, Γ from
//!   [`gammaflow_quant::black::gamma`]; per strike = sum over calls and puts (and expiries) of
//!   that strike ([`StrikeTable`]).
//! * **Total GEX** = Σ over strikes (by OI and by volume).
//! * **Major positive / negative** = the strike with the largest positive / most negative net
//!   GEX (by OI, by volume); ties go to the lower strike; `None` when no strike is positive
//!   (negative).
//! * **Call wall / put wall** (by OI) = the strike with the largest call GEX / most negative put
//!   GEX ([`StrikeTable::call_wall`], [`StrikeTable::put_wall`]).
//! * **Zero gamma** = the level `x` of the underlying where the total GEX re-evaluated at `x`
//!   (every option keeping its IV, strike, expiry and position: the spot-shift profile of
//!   [`GammaProfile`]) crosses zero; the root nearest to spot within
//!   `spot · (1 ± zero_gamma_range)`, bracketed on `grid_points` levels and refined by Brent's
//!   method. By OI and by volume; `None` when the profile does not cross zero there.
//!
//! IV: a contract's `iv` when it is finite and > 0, else the implied volatility of its `mid`
//! ([`gammaflow_quant::iv::implied_vol`]); contracts with neither (or a mid outside the
//! no-arbitrage bounds), with `t ≤ 0`, or with zero OI and volume contribute nothing and are
//! counted ([`GexLevels::skipped`]).

mod compare;
#[cfg(test)]
mod tests;

use gammaflow_model::UnixNanos;
use gammaflow_quant::exposure::{
    ContractExposures, DealerSign, ExposureChain, GammaProfile, MULTIPLIER_SPX, StrikeTable, brent,
    gex_per_pct,
};
use gammaflow_quant::{ExpiryInputs, Model, black, iv};

pub use compare::{GexAsOf, GexComparison, LevelDiffs, VendorLevels, compare};
pub use gammaflow_quant::OptionKind;

use crate::MasterError;

/// One option contract of a chain snapshot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GexContract {
    /// Strike, index points.
    pub strike: f64,
    /// Call or put.
    pub right: OptionKind,
    /// Open interest, contracts (OCC's previous-day figure).
    pub open_interest: f64,
    /// The day's cumulative traded volume up to the snapshot, contracts.
    pub volume: f64,
    /// Implied volatility per 1.00 (e.g. 0.18), if known.
    pub iv: Option<f64>,
    /// Mid price (index points), used for the IV when `iv` is absent.
    pub mid: Option<f64>,
    /// Time to expiry in years (ACT/365 with second resolution, as in `gammaflow_model`).
    pub t: f64,
}

/// One chain snapshot: the instant, the underlying price and the contracts.
#[derive(Debug, Clone, Copy)]
pub struct GexSnapshot<'a> {
    /// Snapshot instant (UTC ns).
    pub ts: UnixNanos,
    /// Underlying price: the SPX index for [`Model::Bsm`], the ES future for [`Model::Black76`].
    pub spot: f64,
    /// The contracts (any expiries; contracts with the same `t` are one expiry).
    pub contracts: &'a [GexContract],
}

/// Expiry-wide inputs and the zero-gamma search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GexParams {
    /// Pricing model: `Bsm` (SPX, default) or `Black76` (ES options).
    pub model: Model,
    /// Risk-free rate, continuously compounded, per year (default 0).
    pub r: f64,
    /// Dividend yield, continuously compounded, per year (`Bsm` only; default 0).
    pub q: f64,
    /// Contract multiplier, US$ per point (default 100, SPX).
    pub multiplier: f64,
    /// Zero gamma is searched within `spot · (1 ± zero_gamma_range)` (default 0.05).
    pub zero_gamma_range: f64,
    /// Levels of the bracketing grid (default 401: a step of 0.025 % of spot with the default
    /// range).
    pub grid_points: usize,
}

impl Default for GexParams {
    /// SPX: BSM, r = q = 0, multiplier 100, ±5 %, 401 levels.
    fn default() -> Self {
        Self {
            model: Model::Bsm,
            r: 0.0,
            q: 0.0,
            multiplier: MULTIPLIER_SPX,
            zero_gamma_range: 0.05,
            grid_points: 401,
        }
    }
}

/// gammaflow's GEX levels of one snapshot (levels in index points, GEX in US$ per 1 % move).
#[derive(Debug, Clone, PartialEq)]
pub struct GexLevels {
    /// Snapshot instant (UTC ns).
    pub ts: UnixNanos,
    /// Underlying price used.
    pub spot: f64,
    /// Zero gamma by open interest.
    pub zero_gamma_oi: Option<f64>,
    /// Zero gamma by volume.
    pub zero_gamma_vol: Option<f64>,
    /// Call wall (by OI).
    pub call_wall: Option<f64>,
    /// Put wall (by OI).
    pub put_wall: Option<f64>,
    /// Major positive strike by OI.
    pub major_pos_oi: Option<f64>,
    /// Major negative strike by OI.
    pub major_neg_oi: Option<f64>,
    /// Major positive strike by volume.
    pub major_pos_vol: Option<f64>,
    /// Major negative strike by volume.
    pub major_neg_vol: Option<f64>,
    /// Total net GEX by OI.
    pub total_gex_oi: f64,
    /// Total net GEX by volume.
    pub total_gex_vol: f64,
    /// Contracts that contributed.
    pub used: usize,
    /// Contracts skipped (no usable IV, expired, or no OI and no volume).
    pub skipped: usize,
}

/// Computes [`GexLevels`]; reuses its buffers, so repeated snapshots of similar size do not
/// allocate.
#[derive(Debug, Clone, Default)]
pub struct GexEngine {
    params: GexParams,
    kind: Vec<OptionKind>,
    strike: Vec<f64>,
    iv: Vec<f64>,
    oi: Vec<f64>,
    vol: Vec<f64>,
    t: Vec<f64>,
    gex_oi: Vec<f64>,
    gex_vol: Vec<f64>,
    zeros: Vec<f64>,
    by_oi: StrikeTable,
    by_vol: StrikeTable,
    profiles_oi: Vec<GammaProfile>,
    profiles_vol: Vec<GammaProfile>,
}

impl GexEngine {
    /// An engine with `params`.
    pub fn new(params: GexParams) -> Self {
        Self {
            params,
            ..Self::default()
        }
    }

    /// The parameters.
    pub fn params(&self) -> &GexParams {
        &self.params
    }

    /// The per-strike table by OI of the last snapshot (strikes ascending).
    pub fn strikes_by_oi(&self) -> &StrikeTable {
        &self.by_oi
    }

    /// The per-strike table by volume of the last snapshot (its `call_oi`/`put_oi` hold volume).
    pub fn strikes_by_volume(&self) -> &StrikeTable {
        &self.by_vol
    }

    fn expiry(&self, s: f64, t: f64) -> ExpiryInputs {
        ExpiryInputs {
            model: self.params.model,
            s,
            t,
            r: self.params.r,
            q: self.params.q,
            multiplier: self.params.multiplier,
        }
    }

    /// The levels of `snap`. Errors ([`MasterError::Gex`]) for a non-finite or non-positive
    /// spot, bad parameters, or a contract with a non-finite strike, OI or volume (naming it).
    pub fn levels(&mut self, snap: &GexSnapshot<'_>) -> Result<GexLevels, MasterError> {
        let at = snap.ts.to_string();
        let bad = |reason: String| MasterError::Gex {
            at: at.clone(),
            reason,
        };
        let p = self.params;
        if !(snap.spot.is_finite() && snap.spot > 0.0) {
            return Err(bad(format!("spot must be a price > 0, got {}", snap.spot)));
        }
        let valid = p.zero_gamma_range > 0.0
            && p.zero_gamma_range < 1.0
            && p.grid_points >= 2
            && p.multiplier.is_finite()
            && p.multiplier > 0.0
            && p.r.is_finite()
            && p.q.is_finite();
        if !valid {
            return Err(bad(format!("invalid parameters {p:?}")));
        }
        for v in [
            &mut self.strike,
            &mut self.iv,
            &mut self.oi,
            &mut self.vol,
            &mut self.t,
            &mut self.gex_oi,
            &mut self.gex_vol,
            &mut self.zeros,
        ] {
            v.clear();
        }
        self.kind.clear();
        let mut skipped = 0;
        for (i, c) in snap.contracts.iter().enumerate() {
            let contract = || format!("contract {i} ({:?} {})", c.right, c.strike);
            if !(c.strike.is_finite() && c.strike > 0.0) {
                return Err(bad(format!("{}: strike must be > 0", contract())));
            }
            if !(c.open_interest.is_finite() && c.open_interest >= 0.0) {
                return Err(bad(format!(
                    "{}: open_interest must be ≥ 0, got {}",
                    contract(),
                    c.open_interest
                )));
            }
            if !(c.volume.is_finite() && c.volume >= 0.0) {
                return Err(bad(format!(
                    "{}: volume must be ≥ 0, got {}",
                    contract(),
                    c.volume
                )));
            }
            if !c.t.is_finite() {
                return Err(bad(format!("{}: t must be finite", contract())));
            }
            let sigma = self.sigma(snap.spot, c);
            let Some(sigma) = sigma.filter(|_| c.t > 0.0 && (c.open_interest + c.volume) > 0.0)
            else {
                skipped += 1;
                continue;
            };
            let inputs = self
                .expiry(snap.spot, c.t)
                .option(c.right, c.strike, snap.spot);
            let gamma = black::gamma(&inputs, sigma);
            let sign = DealerSign::Classic;
            self.kind.push(c.right);
            self.strike.push(c.strike);
            self.iv.push(sigma);
            self.oi.push(c.open_interest);
            self.vol.push(c.volume);
            self.t.push(c.t);
            self.gex_oi.push(gex_per_pct(
                gamma,
                sign.position(i, c.right, c.open_interest),
                p.multiplier,
                snap.spot,
            ));
            self.gex_vol.push(gex_per_pct(
                gamma,
                sign.position(i, c.right, c.volume),
                p.multiplier,
                snap.spot,
            ));
            self.zeros.push(0.0);
        }
        let used = self.kind.len();
        let table_error = |e: gammaflow_quant::QuantError| MasterError::Gex {
            at: snap.ts.to_string(),
            reason: e.to_string(),
        };
        self.by_oi
            .aggregate(&ContractExposures {
                kind: &self.kind,
                strike: &self.strike,
                open_interest: &self.oi,
                gex: &self.gex_oi,
                delta: &self.zeros,
                vanna: &self.zeros,
                charm: &self.zeros,
            })
            .map_err(table_error)?;
        self.by_vol
            .aggregate(&ContractExposures {
                kind: &self.kind,
                strike: &self.strike,
                open_interest: &self.vol,
                gex: &self.gex_vol,
                delta: &self.zeros,
                vanna: &self.zeros,
                charm: &self.zeros,
            })
            .map_err(table_error)?;
        self.prepare_profiles(snap.spot).map_err(table_error)?;
        let lo = snap.spot * (1.0 - p.zero_gamma_range);
        let hi = snap.spot * (1.0 + p.zero_gamma_range);
        Ok(GexLevels {
            ts: snap.ts,
            spot: snap.spot,
            zero_gamma_oi: zero_gamma(&self.profiles_oi, snap.spot, lo, hi, p.grid_points),
            zero_gamma_vol: zero_gamma(&self.profiles_vol, snap.spot, lo, hi, p.grid_points),
            call_wall: self.by_oi.call_wall(),
            put_wall: self.by_oi.put_wall(),
            major_pos_oi: major(&self.by_oi, true),
            major_neg_oi: major(&self.by_oi, false),
            major_pos_vol: major(&self.by_vol, true),
            major_neg_vol: major(&self.by_vol, false),
            total_gex_oi: self.by_oi.total_gex(),
            total_gex_vol: self.by_vol.total_gex(),
            used,
            skipped,
        })
    }

    /// The contract's IV: its own when finite and > 0, else implied from its mid.
    fn sigma(&self, spot: f64, c: &GexContract) -> Option<f64> {
        if let Some(v) = c.iv.filter(|v| v.is_finite() && *v > 0.0) {
            return Some(v);
        }
        let mid = c.mid.filter(|m| m.is_finite() && *m > 0.0)?;
        if c.t <= 0.0 {
            return None;
        }
        let inputs = self.expiry(spot, c.t).option(c.right, c.strike, spot);
        iv::implied_vol(&inputs, mid)
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
    }

    /// One gamma profile per expiry (contracts with the same `t`), by OI and by volume.
    fn prepare_profiles(&mut self, spot: f64) -> Result<(), gammaflow_quant::QuantError> {
        let mut ts: Vec<f64> = self.t.clone();
        ts.sort_by(f64::total_cmp);
        ts.dedup();
        self.profiles_oi.resize_with(ts.len(), GammaProfile::new);
        self.profiles_vol.resize_with(ts.len(), GammaProfile::new);
        let mut kind = Vec::new();
        let mut strike = Vec::new();
        let mut iv = Vec::new();
        let mut oi = Vec::new();
        let mut vol = Vec::new();
        for (g, &t) in ts.iter().enumerate() {
            kind.clear();
            strike.clear();
            iv.clear();
            oi.clear();
            vol.clear();
            for i in (0..self.t.len()).filter(|&i| self.t[i] == t) {
                kind.push(self.kind[i]);
                strike.push(self.strike[i]);
                iv.push(self.iv[i]);
                oi.push(self.oi[i]);
                vol.push(self.vol[i]);
            }
            let expiry = self.expiry(spot, t);
            let chain = |open_interest| ExposureChain {
                expiry,
                kind: &kind,
                strike: &strike,
                iv: &iv,
                open_interest,
                dealer: DealerSign::Classic,
            };
            if let Some(p) = self.profiles_oi.get_mut(g) {
                p.prepare(&chain(&oi))?;
            }
            if let Some(p) = self.profiles_vol.get_mut(g) {
                p.prepare(&chain(&vol))?;
            }
        }
        Ok(())
    }
}

/// Total GEX of all expiries at level `x`.
fn total_at(profiles: &[GammaProfile], x: f64) -> f64 {
    profiles.iter().map(|p| p.total_gex_at(x)).sum()
}

/// The zero-gamma root of the summed profiles nearest to `spot` in `[lo, hi]`.
fn zero_gamma(profiles: &[GammaProfile], spot: f64, lo: f64, hi: f64, n: usize) -> Option<f64> {
    let point = |j: usize| {
        if j + 1 == n {
            hi
        } else {
            lo + (hi - lo) * (j as f64) / ((n - 1) as f64)
        }
    };
    let mut best: Option<f64> = None;
    let mut keep = |x: f64| {
        if best.is_none_or(|b| (x - spot).abs() < (b - spot).abs()) {
            best = Some(x);
        }
    };
    let mut x0 = point(0);
    let mut g0 = total_at(profiles, x0);
    if g0 == 0.0 && !profiles.is_empty() {
        keep(x0);
    }
    for j in 1..n {
        let x1 = point(j);
        let g1 = total_at(profiles, x1);
        if g1 == 0.0 {
            // An all-zero profile (no contract) has no meaningful root.
            if g0 != 0.0 {
                keep(x1);
            }
        } else if g0 != 0.0 && (g0 < 0.0) != (g1 < 0.0) {
            keep(brent(|x| total_at(profiles, x), x0, x1, g0, g1, 1e-12));
        }
        x0 = x1;
        g0 = g1;
    }
    best
}

/// The strike with the largest positive (`positive`) or most negative net GEX; ties → lower.
fn major(table: &StrikeTable, positive: bool) -> Option<f64> {
    let mut best: Option<usize> = None;
    for (j, &g) in table.net_gex.iter().enumerate() {
        let eligible = if positive { g > 0.0 } else { g < 0.0 };
        let better = |b: usize| {
            if positive {
                g > table.net_gex[b]
            } else {
                g < table.net_gex[b]
            }
        };
        if eligible && best.is_none_or(better) {
            best = Some(j);
        }
    }
    best.and_then(|j| table.strike.get(j).copied())
}
