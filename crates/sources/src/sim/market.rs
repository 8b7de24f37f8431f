//! The underlyings: a latent SPX path with stochastic (log-OU) variance, the intraday variance
//! shape, scheduled release jumps and the price impact of dealer hedging; and from it the SPX index
//! values, ES front-month quotes and trades, and SPY quotes and trades.

use gammaflow_model::event::IndexValue;
use gammaflow_model::event::{Conditions, ExchangeId, Instrument, Quote, Side, Trade};
use gammaflow_model::{Size, Ticker, UnixNanos};

use super::emit::{CENT, Out, QUARTER, after, floor_ticks, latency, on_grid};
use super::rng::Rng;
use super::schedule::{DayPlan, NS, OVERNIGHT_VAR_SHARE, TRADING_DAYS};
use super::{SimConfig, SimError};

/// Real ES trades per day (about 1.6 M contracts at about 3.5 contracts per trade).
pub(crate) const ES_TRADES_PER_DAY: f64 = 450_000.0;
/// Real SPY share trades per day (estimate: 60–80 M shares at under 100 shares per trade).
pub(crate) const SPY_TRADES_PER_DAY: f64 = 800_000.0;
/// ES venue: CME Globex, as Databento's publisher id of `GLBX.MDP3` (there is no Polygon id).
pub const ES_EXCHANGE: ExchangeId = ExchangeId(1);
/// Polygon stock condition: odd lot (under 100 shares).
pub const STOCK_ODD_LOT: u16 = 37;
/// Polygon stock condition: intermarket sweep.
pub const STOCK_ISO: u16 = 14;
/// Polygon stock exchange ids for SPY prints and their shares (4 = FINRA TRF, off-exchange).
const SPY_VENUES: [(u16, f64); 12] = [
    (4, 0.40),
    (12, 0.12),
    (11, 0.08),
    (10, 0.05),
    (19, 0.07),
    (8, 0.06),
    (21, 0.06),
    (15, 0.04),
    (7, 0.03),
    (18, 0.03),
    (2, 0.03),
    (17, 0.03),
];
/// Half-life of log-variance mean reversion: three trading days.
const VAR_HALF_LIFE_DAYS: f64 = 3.0;
/// Correlation of variance and price shocks (the leverage effect).
const RHO: f64 = -0.7;
/// Seconds in an ACT/365 year.
const YEAR_SECS: f64 = 365.0 * 86_400.0;

/// Last quote sent for an instrument, as integer ticks (bid, ask).
type Ticks = Option<(i64, i64)>;

/// State of the latent market and the underlying feeds.
#[derive(Debug)]
pub(crate) struct Market {
    /// ln SPX (index points).
    pub ln_s: f64,
    /// ln of the annualised instantaneous variance.
    pub ln_v: f64,
    ln_theta: f64,
    kappa: f64,
    xi: f64,
    /// ES deviation from fair value, index points (mean-reverting, about two minutes).
    basis_noise: f64,
    /// SPY log deviation from SPX / 10 (tracking noise).
    spy_track: f64,
    /// Net dealer hedge bought this step, in dollars (+ = dealers buy the underlying).
    pub hedge_dollars: f64,
    impact_per_dollar: f64,
    es_last: Ticks,
    spy_last: Ticks,
    last_es_fair: f64,
    /// The minute (UTC ns / 60 s) of the last ES step and the ES trades printed in it.
    es_minute: (u64, u32),
    path: Rng,
    feed: Rng,
}

impl Market {
    /// The market at the first morning: SPX at `spx_start`, variance at its long-run level.
    pub(crate) fn new(cfg: &SimConfig) -> Self {
        let ln_theta = (cfg.vol * cfg.vol).ln();
        Self {
            ln_s: cfg.spx_start.ln(),
            ln_v: ln_theta,
            ln_theta,
            kappa: std::f64::consts::LN_2 * TRADING_DAYS / VAR_HALF_LIFE_DAYS,
            xi: cfg.vol_of_vol,
            basis_noise: 0.0,
            spy_track: 0.0,
            hedge_dollars: 0.0,
            impact_per_dollar: cfg.hedge_impact_bp_per_bn * 1e-4 / 1e9 / cfg.activity,
            es_last: None,
            spy_last: None,
            last_es_fair: 0.0,
            es_minute: (0, 0),
            path: Rng::stream(cfg.seed, 1),
            feed: Rng::stream(cfg.seed, 2),
        }
    }

    /// SPX level, index points.
    pub(crate) fn spx(&self) -> f64 {
        self.ln_s.exp()
    }

    /// Instantaneous annualised variance.
    pub(crate) fn variance(&self) -> f64 {
        self.ln_v.exp()
    }

    /// The long-run variance.
    pub(crate) fn long_run_variance(&self) -> f64 {
        self.ln_theta.exp()
    }

    /// Mean-reversion speed of log-variance per year of variance time.
    pub(crate) fn kappa(&self) -> f64 {
        self.kappa
    }

    /// Moves the log-variance by `dt` years of variance time with shocks `z`.
    fn evolve_variance(&mut self, dt: f64, z: f64) {
        self.ln_v += self.kappa * (self.ln_theta - self.ln_v) * dt + self.xi * dt.sqrt() * z;
        self.ln_v = self.ln_v.clamp((0.03f64 * 0.03).ln(), (1.5f64 * 1.5).ln());
    }

    /// The overnight gap before a new day: a share of a day's variance at once, and the
    /// variance's overnight mean reversion.
    ///
    /// With `simulated_night` (the day starts at the Globex open) the price does not jump: the
    /// night's seconds carry that variance instead ([`DayPlan`]).
    pub(crate) fn overnight(&mut self, simulated_night: bool) {
        let night = 1.0 / TRADING_DAYS;
        let z = self.path.normal();
        self.evolve_variance(night, z);
        let var = OVERNIGHT_VAR_SHARE * self.variance() * night;
        let shock = self.path.normal();
        if !simulated_night {
            self.ln_s += -0.5 * var + var.sqrt() * shock;
        }
        self.es_last = None;
        self.spy_last = None;
    }

    /// Advances the latent path over step `i` (the second starting at `t`): diffusion with the
    /// intraday variance shape, any release jump in the second, and last step's hedging impact.
    pub(crate) fn step(&mut self, plan: &DayPlan, i: usize, t: UnixNanos) {
        let dt = plan.step_var(i);
        let z1 = self.path.normal();
        let z2 = self.path.normal();
        self.evolve_variance(dt, z1);
        let v = self.variance();
        let zs = RHO * z1 + (1.0 - RHO * RHO).sqrt() * z2;
        self.ln_s += -0.5 * v * dt + (v * dt).sqrt() * zs;
        for release in &plan.releases {
            if release.at >= t && release.at.0 < t.0 + NS && release.jump_sd > 0.0 {
                self.ln_s += release.jump_sd * self.path.normal();
                // Volatility expands after a release.
                self.ln_v += (1.0 + release.jump_sd / 0.003).ln();
            }
        }
        self.ln_s += self.impact_per_dollar * self.hedge_dollars;
        self.hedge_dollars = 0.0;
    }

    /// SPX index value at the second `t` (0.01 grid), if the index product is on.
    pub(crate) fn emit_index(&mut self, t: UnixNanos, out: &mut Out) -> Result<(), SimError> {
        let ticks = floor_ticks(self.spx() * 100.0 + 0.5, "SPX index value")?;
        let value = on_grid(CENT, ticks, "SPX index value")?;
        let recv = after(t, latency(&mut self.feed, 500_000, 1_000_000.0));
        out.push(IndexValue {
            ts_event: t,
            ts_recv: recv,
            instrument: Instrument::Index(Ticker::SPX),
            value,
        });
        Ok(())
    }

    /// ES fair value at `t`: SPX carried at `r − q` to the front month's expiry, plus noise.
    pub(crate) fn es_price(&self, plan: &DayPlan, cfg: &SimConfig, t: UnixNanos) -> f64 {
        let years = plan.es_expiry.0.saturating_sub(t.0) as f64 / NS as f64 / YEAR_SECS;
        self.spx() * ((cfg.r - cfg.q) * years).exp() + self.basis_noise
    }

    /// The spot level implied by the ES front month at `t` (its fair value discounted back at
    /// `r − q`, noise included): ES options carry it to their own quarterly future, so that the
    /// front month's options price off the emitted ES quotes.
    pub(crate) fn es_implied_spot(&self, plan: &DayPlan, cfg: &SimConfig, t: UnixNanos) -> f64 {
        let years = plan.es_expiry.0.saturating_sub(t.0) as f64 / NS as f64 / YEAR_SECS;
        self.es_price(plan, cfg, t) * (-(cfg.r - cfg.q) * years).exp()
    }

    /// ES quotes and trades in the second starting at `t`; `activity` is the scaled trade rate
    /// multiplier of this second.
    pub(crate) fn emit_es(
        &mut self,
        plan: &DayPlan,
        cfg: &SimConfig,
        t: UnixNanos,
        activity: f64,
        out: &mut Out,
    ) -> Result<(), SimError> {
        let phi = (-1.0f64 / 120.0).exp();
        self.basis_noise =
            phi * self.basis_noise + (1.0 - phi * phi).sqrt() * 0.4 * self.feed.normal();
        let fair = self.es_price(plan, cfg, t);
        let up = fair - self.last_es_fair;
        self.last_es_fair = fair;
        let bid = floor_ticks(fair * 4.0, "ES bid")?;
        let wide = if t < plan.t_open { 0.08 } else { 0.02 };
        let ask = bid + if self.feed.chance(wide) { 2 } else { 1 };
        let instrument = Instrument::Future(plan.es);
        let changed = self.es_last != Some((bid, ask));
        if changed || self.feed.chance(0.3) {
            self.es_last = Some((bid, ask));
            let ts = after(t, self.feed.below(NS / 5));
            self.push_quote(instrument, (bid, ask), QUARTER, ts, 40.0, out, None)?;
        }
        let per_sec = ES_TRADES_PER_DAY / CASH_SECS;
        let n = self.feed.poisson(per_sec * cfg.activity * activity);
        let p_buy = 0.5 + 0.25 * up.signum();
        let minute = t.0 / (60 * NS);
        if self.es_minute.0 != minute {
            self.es_minute = (minute, 0);
        }
        self.es_minute.1 += n;
        for _ in 0..n {
            let ts = after(t, NS / 4 + self.feed.below(3 * NS / 4));
            let buy = self.feed.chance(p_buy);
            let size = if self.feed.chance(0.001) {
                200 + self.feed.below(800) as u32
            } else {
                self.feed.pareto(1.0, 1.35).min(3000.0) as u32
            };
            let price = on_grid(QUARTER, if buy { ask } else { bid }, "ES trade")?;
            let recv = after(ts, latency(&mut self.feed, 30_000, 20_000.0));
            out.push(Trade {
                ts_event: ts,
                ts_recv: recv,
                instrument,
                price,
                size: Size::new(size.max(1)),
                exchange: ES_EXCHANGE,
                conditions: Conditions::EMPTY,
                sequence: 0,
                aggressor: if buy { Side::Buy } else { Side::Sell },
            });
        }
        // The real ES prints in every Globex minute; at a small `activity` a quiet minute could
        // have none (a gap a validator rightly flags in real data). In the last second of a
        // minute without a trade, one lot trades at the touch on the side of the move. No draw
        // from the feed's generator: the other events stay exactly as without this rule.
        if (t.0 / NS) % 60 == 59 && self.es_minute.1 == 0 {
            let buy = up >= 0.0;
            let ts = after(t, NS / 2);
            out.push(Trade {
                ts_event: ts,
                ts_recv: after(ts, 30_000),
                instrument,
                price: on_grid(QUARTER, if buy { ask } else { bid }, "ES trade")?,
                size: Size::new(1),
                exchange: ES_EXCHANGE,
                conditions: Conditions::EMPTY,
                sequence: 0,
                aggressor: if buy { Side::Buy } else { Side::Sell },
            });
            self.es_minute.1 = 1;
        }
        Ok(())
    }

    /// SPY quotes and trades in the second starting at `t`.
    pub(crate) fn emit_spy(
        &mut self,
        cfg: &SimConfig,
        t: UnixNanos,
        activity: f64,
        out: &mut Out,
    ) -> Result<(), SimError> {
        let phi = (-1.0f64 / 60.0).exp();
        self.spy_track =
            phi * self.spy_track + (1.0 - phi * phi).sqrt() * 0.00015 * self.feed.normal();
        let spy = self.spy_price();
        let bid = floor_ticks(spy * 100.0, "SPY bid")?;
        let ask = bid + if self.feed.chance(0.1) { 2 } else { 1 };
        let instrument = Instrument::Equity(Ticker::SPY);
        if self.spy_last != Some((bid, ask)) || self.feed.chance(0.5) {
            self.spy_last = Some((bid, ask));
            let ts = after(t, self.feed.below(NS / 5));
            let venues = self.lit_venue_pair();
            self.push_quote(instrument, (bid, ask), CENT, ts, 8.0, out, Some(venues))?;
        }
        let per_sec = SPY_TRADES_PER_DAY / CASH_SECS;
        let n = self.feed.poisson(per_sec * cfg.activity * activity);
        let weights: [f64; 12] = SPY_VENUES.map(|(_, w)| w);
        for _ in 0..n {
            let ts = after(t, NS / 4 + self.feed.below(3 * NS / 4));
            let buy = self.feed.chance(0.5);
            let (size, odd) = if self.feed.chance(0.45) {
                (1 + self.feed.below(99) as u32, true)
            } else {
                (100 * self.feed.pareto(1.0, 1.6).min(500.0) as u32, false)
            };
            let mut conditions = Conditions::EMPTY;
            if odd {
                conditions = Conditions::try_from_slice(&[STOCK_ODD_LOT]).unwrap_or_default();
            } else if self.feed.chance(0.08) {
                conditions = Conditions::try_from_slice(&[STOCK_ISO]).unwrap_or_default();
            }
            let venue = SPY_VENUES
                .get(self.feed.pick(&weights))
                .map_or(4, |(id, _)| *id);
            let price = on_grid(CENT, if buy { ask } else { bid }, "SPY trade")?;
            let recv = after(ts, latency(&mut self.feed, 200_000, 300_000.0));
            out.push(Trade {
                ts_event: ts,
                ts_recv: recv,
                instrument,
                price,
                size: Size::new(size.max(1)),
                exchange: ExchangeId(venue),
                conditions,
                sequence: 0,
                aggressor: if buy { Side::Buy } else { Side::Sell },
            });
        }
        Ok(())
    }

    /// SPY's model price: SPX / 10 with tracking noise.
    pub(crate) fn spy_price(&self) -> f64 {
        self.spx() / 10.0 * self.spy_track.exp()
    }

    /// Two lit venues (bid, ask) for a SPY quote.
    fn lit_venue_pair(&mut self) -> (ExchangeId, ExchangeId) {
        let lit = &SPY_VENUES[1..];
        let a = lit.get(self.feed.below(lit.len() as u64) as usize);
        let b = lit.get(self.feed.below(lit.len() as u64) as usize);
        (
            ExchangeId(a.map_or(12, |v| v.0)),
            ExchangeId(b.map_or(12, |v| v.0)),
        )
    }

    /// Pushes a two-sided quote with sizes around `size_scale` (contracts or round lots).
    #[allow(clippy::too_many_arguments)]
    fn push_quote(
        &mut self,
        instrument: Instrument,
        (bid, ask): (i64, i64),
        tick: gammaflow_model::Price,
        ts: UnixNanos,
        size_scale: f64,
        out: &mut Out,
        venues: Option<(ExchangeId, ExchangeId)>,
    ) -> Result<(), SimError> {
        let lot = if tick == CENT { 100.0 } else { 1.0 };
        let mut size = || {
            (self
                .feed
                .pareto(size_scale * 0.5, 1.8)
                .min(size_scale * 40.0)
                * lot) as u32
        };
        let (bid_size, ask_size) = (size().max(1), size().max(1));
        let recv = after(ts, latency(&mut self.feed, 100_000, 200_000.0));
        out.push(Quote {
            ts_event: ts,
            ts_recv: recv,
            instrument,
            bid: on_grid(tick, bid, "bid")?,
            ask: on_grid(tick, ask, "ask")?,
            bid_size: Size::new(bid_size),
            ask_size: Size::new(ask_size),
            bid_exchange: venues.map(|v| v.0).or(Some(ES_EXCHANGE)),
            ask_exchange: venues.map(|v| v.1).or(Some(ES_EXCHANGE)),
        });
        Ok(())
    }
}

/// Seconds of a full cash session, the unit of the per-day trade rates (an early-close day so
/// trades about half a day's count).
pub(crate) const CASH_SECS: f64 = 23_400.0;
