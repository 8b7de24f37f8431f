//! The simulator's settings and their validation.

use jiff::civil::Date;

use super::SimError;

/// Which instruments the simulator emits. The latent SPX path is always simulated (every product
/// derives from it); a disabled product only stops its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Products {
    /// `I:SPX` index values, one per second of the cash session.
    pub spx_index: bool,
    /// ES front-month futures quotes and trades (08:00 ET to 16:15 ET, 13:15 on early closes; the
    /// whole Globex session with [`SimConfig::globex_overnight`]).
    pub es: bool,
    /// SPY ETF quotes and trades (09:30–16:00 ET, 13:00 on early closes).
    pub spy: bool,
    /// SPXW options: definitions, open interest, quotes and trades.
    pub spxw_options: bool,
    /// SPY options: definitions, open interest, quotes and trades.
    pub spy_options: bool,
    /// Options on ES futures (CME, roots `ES`, `EW`, `EW1`–`EW5`, `E1A`–`E5D`): definitions, open
    /// interest, quotes and trades, 08:00 ET to the day's end.
    pub es_options: bool,
}

impl Products {
    /// Every product.
    pub const ALL: Products = Products {
        spx_index: true,
        es: true,
        spy: true,
        spxw_options: true,
        spy_options: true,
        es_options: true,
    };
}

impl Default for Products {
    fn default() -> Self {
        Self::ALL
    }
}

/// Simulator settings. [`SimConfig::default`] is a full SPX/SPY/ES day at 5 % of the real trade
/// count; every field is checked by [`SimConfig::validate`] (called by `Simulator::new`).
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// PRNG seed: the same seed, start date and settings give the same events.
    pub seed: u64,
    /// First calendar date to simulate (non-trading days in the range are skipped).
    pub start: Date,
    /// Number of calendar days from `start` (1 = just `start`), 1–3660; the range must stay
    /// within the model calendar (2015–2030).
    pub days: u32,
    /// Which instruments to emit.
    pub products: Products,
    /// SPX level at the first simulated morning, index points (100–100 000).
    pub spx_start: f64,
    /// Risk-free rate, continuously compounded per year (−0.05–0.25). Sets the ES basis and the
    /// option forwards.
    pub r: f64,
    /// SPX dividend yield, continuously compounded per year (0–0.10).
    pub q: f64,
    /// Long-run annualised SPX volatility the stochastic variance reverts to (0.03–1.5).
    pub vol: f64,
    /// Volatility of the log-variance per √year (0–10); 0 gives a deterministic variance path.
    pub vol_of_vol: f64,
    /// SPXW strikes listed on each side of the money, on the 5-point grid (1–400).
    pub spxw_strikes: u32,
    /// SPY strikes listed on each side of the money, on the $1 grid (1–200).
    pub spy_strikes: u32,
    /// ES option strikes listed on each side of the money, on the 5-point grid (1–200). The
    /// default 15 (±75 points) keeps a default day's event count about a quarter above the
    /// SPX/SPY-only day (±20 would add about a third).
    pub es_strikes: u32,
    /// Expiries listed per option product: the 0DTE one plus the next `expiries − 1` (1–8).
    pub expiries: u32,
    /// Fraction of the real market's trade count to simulate (0 < activity ≤ 1). Spreads, shares
    /// and shapes do not depend on it; counts scale with it.
    pub activity: f64,
    /// Price impact of dealer delta hedging, in basis points of SPX per $1 bn of net hedge
    /// (0–100). The simulated flow is scaled up by `1 / activity` first, so the impact represents
    /// the whole market's flow.
    pub hedge_impact_bp_per_bn: f64,
    /// The chain is repriced when SPX has moved this many basis points since the last repricing
    /// (0.1–50), and at least every 15 seconds.
    pub reprice_bp: f64,
    /// SPXW options also trade in the 08:00–09:15 ET part of Cboe's global trading hours (prints
    /// carry condition 248).
    pub gth_options: bool,
    /// Each day starts at the CME Globex open (18:00 ET the evening before, after weekends and
    /// holidays too) and ends at the Globex close (17:00 ET, 13:15 on early closes): ES quotes
    /// and prints all night, the night carrying the overnight share of a day's variance. Off (the
    /// default, used by the live desk): the day runs 08:00–16:15 ET and the night is one gap.
    /// Options keep their hours either way.
    pub globex_overnight: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            seed: 0x5EED_0D7E,
            start: Date::constant(2025, 6, 9),
            days: 1,
            products: Products::ALL,
            spx_start: 6000.0,
            r: 0.043,
            q: 0.013,
            vol: 0.16,
            vol_of_vol: 3.0,
            spxw_strikes: 40,
            spy_strikes: 20,
            es_strikes: 15,
            expiries: 4,
            activity: 0.05,
            hedge_impact_bp_per_bn: 0.3,
            reprice_bp: 1.0,
            gth_options: true,
            globex_overnight: false,
        }
    }
}

/// Errors unless `value` is finite and within `lo..=hi`.
fn check_range(name: &'static str, value: f64, lo: f64, hi: f64) -> Result<(), SimError> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(())
    } else {
        Err(SimError::config(
            name,
            value,
            format!("must be a finite number from {lo} to {hi}"),
        ))
    }
}

/// Errors unless `value` lies within `lo..=hi`.
fn check_count(name: &'static str, value: u32, lo: u32, hi: u32) -> Result<(), SimError> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(SimError::config(
            name,
            value,
            format!("must be from {lo} to {hi}"),
        ))
    }
}

impl SimConfig {
    /// Checks every setting; the error names the first bad one, its value and the allowed range.
    pub fn validate(&self) -> Result<(), SimError> {
        check_count("days", self.days, 1, 3660)?;
        check_range("spx_start", self.spx_start, 100.0, 100_000.0)?;
        check_range("r", self.r, -0.05, 0.25)?;
        check_range("q", self.q, 0.0, 0.10)?;
        check_range("vol", self.vol, 0.03, 1.5)?;
        check_range("vol_of_vol", self.vol_of_vol, 0.0, 10.0)?;
        check_count("spxw_strikes", self.spxw_strikes, 1, 400)?;
        check_count("spy_strikes", self.spy_strikes, 1, 200)?;
        check_count("es_strikes", self.es_strikes, 1, 200)?;
        check_count("expiries", self.expiries, 1, 8)?;
        if !(self.activity > 0.0 && self.activity <= 1.0) {
            return Err(SimError::config(
                "activity",
                self.activity,
                "must be a fraction of the real trade count, 0 < activity <= 1",
            ));
        }
        check_range(
            "hedge_impact_bp_per_bn",
            self.hedge_impact_bp_per_bn,
            0.0,
            100.0,
        )?;
        check_range("reprice_bp", self.reprice_bp, 0.1, 50.0)?;
        let p = self.products;
        if !(p.spx_index || p.es || p.spy || p.spxw_options || p.spy_options || p.es_options) {
            return Err(SimError::config(
                "products",
                "none",
                "enable at least one product",
            ));
        }
        Ok(())
    }
}
