//! Option chains: the listed contracts of a day (strike grid around the morning's level, the 0DTE
//! expiry and the next ones), their model prices on a skewed smile with term structure, NBBO
//! quotes on the product's tick rules, trade weights, open interest and definitions.

use gammaflow_model::calendar;
use gammaflow_model::event::{Definition, ExchangeId, Instrument, OpenInterest, Quote};
use gammaflow_model::expiry::{self, OptionProduct};
use gammaflow_model::{OptionContract, OptionRight, OptionRoot, Price, Size, UnixNanos};
use gammaflow_quant::{Model, OptionInputs, OptionKind, black};
use jiff::civil::Date;

use super::emit::{CENT, NICKEL, Out, after, floor_ticks, latency, on_grid};
use super::market::ES_EXCHANGE;
use super::rng::Rng;
use super::schedule::{DayPlan, NS, OVERNIGHT_VAR_SHARE, TRADING_DAYS};
use super::{SimConfig, SimError};

/// Seconds in an ACT/365 year.
const YEAR_SECS: f64 = 365.0 * 86_400.0;
/// Implied over expected realised variance (the variance risk premium).
const VARIANCE_PREMIUM: f64 = 1.15;
/// Smile in standardised log-moneyness `x = ln(K/F) / (total sd)`: `1 − a·x + b·x²` times the
/// at-the-money volatility (25-delta put ≈ 1.2×, 25-delta call ≈ 0.9× ATM), clamped.
const SKEW_A: f64 = 0.224;
/// Curvature of the smile; see [`SKEW_A`].
const SKEW_B: f64 = 0.11;
/// SPY option venues (Polygon ids, FORMATS §3.3) and their shares of prints (estimate).
pub(crate) const OPTION_VENUES: [(u16, f64); 16] = [
    (300, 0.03),
    (301, 0.04),
    (302, 0.10),
    (303, 0.05),
    (304, 0.05),
    (307, 0.04),
    (308, 0.07),
    (309, 0.03),
    (312, 0.08),
    (313, 0.08),
    (315, 0.09),
    (316, 0.06),
    (319, 0.02),
    (322, 0.05),
    (323, 0.12),
    (325, 0.09),
];
/// Option quotes of a repricing are stamped within this many ns after the second starts (prints
/// come later in the second, so each print follows the quote it was priced on).
pub(crate) const QUOTE_WINDOW_NS: u64 = 40_000_000;
/// Cboe Options: the only venue of SPX/SPXW.
pub const CBOE: ExchangeId = ExchangeId(302);

/// A simulated option product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimProduct {
    /// SPXW: 5-point strikes, $0.05 tick under $3 and $0.10 above, Cboe only.
    Spxw,
    /// SPY: $1 strikes, penny ticks, all options venues.
    Spy,
    /// Options on ES futures (CME Globex, venue 1): 5-point strikes around the futures price,
    /// multiplier 50, 0.05 ticks up to a premium of 5.00 and 0.25 above, Black-76 on the future.
    Es,
}

impl SimProduct {
    /// The option root; for ES options the quarterly root `ES` (each expiry has its own root,
    /// see `gammaflow_model::expiry::es_option_root`).
    pub const fn root(self) -> OptionRoot {
        match self {
            Self::Spxw => OptionRoot::SPXW,
            Self::Spy => OptionRoot::SPY,
            Self::Es => OptionRoot::ES,
        }
    }

    /// `true` if `root` belongs to this product's chain.
    pub fn has_root(self, root: OptionRoot) -> bool {
        match self {
            Self::Es => root.is_futures_option(),
            _ => root == self.root(),
        }
    }

    /// Contract multiplier: 100 (SPXW, SPY), 50 (ES options, $50 × the futures price).
    pub const fn multiplier(self) -> u32 {
        match self {
            Self::Es => 50,
            _ => 100,
        }
    }

    /// Strike spacing in whole index points or dollars.
    const fn strike_step(self) -> i64 {
        match self {
            Self::Spxw | Self::Es => 5,
            Self::Spy => 1,
        }
    }

    /// The finest tick (0.05 or 0.01); SPXW at or above $3 uses even multiples (0.10), ES options
    /// above 5.00 multiples of five (0.25).
    pub(crate) const fn fine_tick(self) -> Price {
        match self {
            Self::Spxw | Self::Es => NICKEL,
            Self::Spy => CENT,
        }
    }

    /// Real prints per day (estimates in the module docs of `sim`).
    pub(crate) const fn trades_per_day(self) -> f64 {
        match self {
            Self::Spxw => 500_000.0,
            Self::Spy => 900_000.0,
            Self::Es => 160_000.0,
        }
    }

    /// Share of the product's volume in the 0DTE expiry.
    const fn zero_dte_share(self) -> f64 {
        match self {
            Self::Spxw => 0.62,
            Self::Spy => 0.62,
            Self::Es => 0.5,
        }
    }

    /// Fine ticks per coarse tick above the product's threshold: 2 (SPXW 0.10), 5 (ES 0.25).
    const fn coarse(self) -> i64 {
        match self {
            Self::Spxw => 2,
            Self::Spy => 1,
            Self::Es => 5,
        }
    }

    /// The tick rule: `true` if `units` of the fine tick is a valid price (SPXW: 0.05 under
    /// 3.00; ES options: 0.05 up to 5.00, CME's reduced tick for low premiums).
    fn valid(self, units: i64) -> bool {
        match self {
            Self::Spxw => units < 60 || units % 2 == 0,
            Self::Spy => true,
            Self::Es => units <= 100 || units % 5 == 0,
        }
    }

    /// Largest valid tick count at or below `units`.
    pub(crate) fn floor_valid(self, units: i64) -> i64 {
        if self.valid(units) {
            units
        } else {
            units - units.rem_euclid(self.coarse())
        }
    }

    /// Smallest valid tick count at or above `units`.
    pub(crate) fn ceil_valid(self, units: i64) -> i64 {
        if self.valid(units) {
            units
        } else {
            units + self.coarse() - units.rem_euclid(self.coarse())
        }
    }

    /// Typical displayed size at the NBBO, contracts.
    const fn size_scale(self) -> f64 {
        match self {
            Self::Spxw => 15.0,
            Self::Spy => 80.0,
            Self::Es => 25.0,
        }
    }
}

/// One listed expiry of a chain.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    /// Expiry date.
    pub expiry: Date,
    /// Expiration instant (PM: the cash close).
    pub expiration: UnixNanos,
    /// End of quoting and trading today (cash close for the 0DTE series, else the day's end).
    pub stop: UnixNanos,
    /// `true` for the series expiring today.
    pub zero_dte: bool,
    /// Trading days after today up to and including the expiry.
    days_ahead: u32,
    /// FOMC statements after today up to the expiry.
    fomc_ahead: u32,
    /// Share of the product's trades.
    pub share: f64,
    /// The series' option root (`SPXW`, `SPY`, or the ES product code of the expiry).
    pub root: OptionRoot,
    /// ES options: final settlement instant of the underlying quarterly future (the forward of
    /// the Black-76 price); `None` for SPXW and SPY.
    pub future_expiry: Option<UnixNanos>,
}

/// One contract and its running state.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// The contract.
    pub contract: OptionContract,
    /// Index into the chain's series.
    pub series: usize,
    /// Call or put.
    pub call: bool,
    /// Strike as `f64`.
    k: f64,
    /// Trade and open-interest bonus of round strikes.
    round: f64,
    /// Last quote sent, in fine ticks (`None` before the first one).
    pub quote: Option<(i64, i64)>,
    /// Model delta per unit of underlying at the last repricing.
    pub delta: f64,
}

/// A product's chain for one day.
#[derive(Debug)]
pub(crate) struct Chain {
    /// Which product.
    pub product: SimProduct,
    /// Listed expiries, nearest first.
    pub series: Vec<Series>,
    /// Contracts: series by series, puts and calls by strike.
    pub lines: Vec<Line>,
    /// Cumulative trade weights over `lines`.
    cum: Vec<f64>,
    last_ln_s: f64,
    last_reprice: Option<UnixNanos>,
    rng: Rng,
}

/// Maps a model-calendar error.
fn cal<T>(r: Result<T, gammaflow_model::ModelError>, what: &str) -> Result<T, SimError> {
    r.map_err(|e| SimError::calendar(what.to_owned(), e))
}

impl Chain {
    /// The chain of `product` on the day of `plan`, strikes centred on `spot`.
    pub(crate) fn new(
        product: SimProduct,
        plan: &DayPlan,
        cfg: &SimConfig,
        spot: f64,
        rng: Rng,
    ) -> Result<Self, SimError> {
        let series = list_series(product, plan, cfg)?;
        let step = product.strike_step();
        let n = i64::from(match product {
            SimProduct::Spxw => cfg.spxw_strikes,
            SimProduct::Spy => cfg.spy_strikes,
            SimProduct::Es => cfg.es_strikes,
        });
        let centre = floor_ticks(spot / step as f64 + 0.5, "ATM strike")?;
        let step_price = on_grid(Price::from_raw(Price::SCALE), step, "strike step")?;
        let mut lines = Vec::new();
        for (si, s) in series.iter().enumerate() {
            for right in [OptionRight::Put, OptionRight::Call] {
                for m in (centre - n).max(1)..=centre + n {
                    let strike = on_grid(step_price, m, "strike")?;
                    let whole = m * step;
                    let round = match product {
                        SimProduct::Spxw | SimProduct::Es if whole % 100 == 0 => 2.0,
                        SimProduct::Spxw | SimProduct::Es if whole % 25 == 0 => 1.4,
                        SimProduct::Spy if whole % 10 == 0 => 1.8,
                        SimProduct::Spy if whole % 5 == 0 => 1.3,
                        _ => 1.0,
                    };
                    lines.push(Line {
                        contract: OptionContract::new(s.root, s.expiry, right, strike),
                        series: si,
                        call: right == OptionRight::Call,
                        k: strike.to_f64(),
                        round,
                        quote: None,
                        delta: 0.0,
                    });
                }
            }
        }
        let cum = vec![0.0; lines.len()];
        Ok(Self {
            product,
            series,
            lines,
            cum,
            last_ln_s: f64::NAN,
            last_reprice: None,
            rng,
        })
    }

    /// The contracts of the chain, in listing order.
    pub(crate) fn contracts(&self) -> impl Iterator<Item = OptionContract> + '_ {
        self.lines.iter().map(|l| l.contract)
    }

    /// `true` if the product quotes and trades at `t` (SPXW also in 08:00–09:15 ET GTH when
    /// enabled; ES options on Globex with the future, from 08:00 ET).
    pub(crate) fn is_open(&self, plan: &DayPlan, cfg: &SimConfig, t: UnixNanos) -> bool {
        if self.product == SimProduct::Es {
            return t >= plan.t_morning && t < plan.t_options_end;
        }
        let gth = self.product == SimProduct::Spxw
            && cfg.gth_options
            && t >= plan.t_morning
            && t < plan.t_gth_end;
        gth || (t >= plan.t_open && t < plan.t_options_end)
    }

    /// Definitions (06:00 ET) and previous-day open interest (06:30 ET) of every contract.
    pub(crate) fn morning(
        &mut self,
        plan: &DayPlan,
        cfg: &SimConfig,
        spot: f64,
        id_base: u32,
        out: &mut Out,
    ) {
        let tick = self.product.fine_tick();
        let vol = cfg.vol;
        for (i, line) in self.lines.iter().enumerate() {
            let s = &self.series[line.series];
            let instrument = Instrument::Option(line.contract);
            let recv = after(plan.t_defs, latency(&mut self.rng, 1_000_000, 5_000_000.0));
            out.push(Definition {
                ts_event: plan.t_defs,
                ts_recv: recv,
                instrument,
                vendor_id: id_base + i as u32,
                multiplier: Some(self.product.multiplier()),
                tick_size: Some(tick),
                expiration: Some(s.expiration),
            });
            let sd = vol * ((f64::from(s.days_ahead) + 0.5) / TRADING_DAYS).sqrt();
            let x = (line.k / spot).ln() / sd;
            let base = match self.product {
                SimProduct::Spxw => 2_500.0,
                SimProduct::Spy => 6_000.0,
                SimProduct::Es => 1_500.0,
            };
            let otm = if line.call { x } else { -x };
            let shape = (-0.5 * ((otm - 0.4) / 1.6).powi(2)).exp();
            let tenor = (1.0 + f64::from(s.days_ahead)).sqrt();
            let noise = (0.5 * self.rng.normal()).exp();
            let oi = base * shape * line.round * line.round * tenor * noise;
            let recv = after(plan.t_oi, latency(&mut self.rng, 1_000_000, 5_000_000.0));
            out.push(OpenInterest {
                ts_event: plan.t_oi,
                ts_recv: recv,
                instrument,
                contracts: Size::new(oi.clamp(0.0, 5_000_000.0) as u32),
                as_of: plan.prev_date,
            });
        }
    }

    /// Reprices the chain if SPX moved `reprice_bp` since the last time or 15 s passed: new
    /// quotes for contracts whose rounded NBBO changed, and new trade weights.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn maybe_reprice(
        &mut self,
        plan: &DayPlan,
        cfg: &SimConfig,
        step: usize,
        t: UnixNanos,
        ln_spx: f64,
        spot: f64,
        variance: (f64, f64, f64),
        out: &mut Out,
    ) -> Result<bool, SimError> {
        let moved = (ln_spx - self.last_ln_s).abs() >= cfg.reprice_bp * 1e-4;
        let stale = self.last_reprice.is_none_or(|last| t.0 >= last.0 + 15 * NS);
        if !(moved || stale || self.last_ln_s.is_nan()) {
            return Ok(false);
        }
        self.last_ln_s = ln_spx;
        self.last_reprice = Some(t);
        let (v, theta, kappa) = variance;
        let spread_mult = spread_multiplier(plan, t, v / theta);
        let mut total_w = 0.0;
        let mut series_w = vec![0.0; self.series.len()];
        let mut weights = std::mem::take(&mut self.cum);
        for (si, s) in self.series.iter().enumerate() {
            let open = t < s.stop;
            let years =
                (s.expiration.0.saturating_sub(t.0) as f64 / NS as f64).max(60.0) / YEAR_SECS;
            let mut var = v * plan.var_until(step, s.expiration.min(plan.t_options_end));
            for d in 1..=s.days_ahead {
                let decay = (-kappa * f64::from(d) / TRADING_DAYS).exp();
                var += (1.0 + OVERNIGHT_VAR_SHARE) * (theta + (v - theta) * decay) / TRADING_DAYS;
            }
            var = VARIANCE_PREMIUM * var
                + plan.event_var(t, s.expiration)
                + f64::from(s.fomc_ahead) * 0.005f64.powi(2)
                + f64::from(s.days_ahead) * 0.001f64.powi(2);
            let var = var.max(1e-10);
            let sd = var.sqrt();
            let sigma_atm = (var / years).sqrt();
            // ES options: Black-76 on the quarterly future, carried from the ES-implied spot.
            let (model, underlying, forward) = match s.future_expiry {
                Some(end) => {
                    let t_fut = end.0.saturating_sub(t.0) as f64 / NS as f64 / YEAR_SECS;
                    let f = spot * ((cfg.r - cfg.q) * t_fut).exp();
                    (Model::Black76, f, f)
                }
                None => (Model::Bsm, spot, spot * ((cfg.r - cfg.q) * years).exp()),
            };
            for (li, line) in self.lines.iter_mut().enumerate() {
                if line.series != si {
                    continue;
                }
                let x = (line.k / forward).ln() / sd;
                let smile = (1.0 - SKEW_A * x + SKEW_B * x * x).clamp(0.7, 3.0);
                let inputs = OptionInputs {
                    model,
                    kind: if line.call {
                        OptionKind::Call
                    } else {
                        OptionKind::Put
                    },
                    s: underlying,
                    k: line.k,
                    t: years,
                    r: cfg.r,
                    q: cfg.q,
                };
                let fo = black::first_order(&inputs, sigma_atm * smile);
                line.delta = fo.delta;
                let otm = if line.call { x } else { -x };
                let mut w = (-0.5 * ((otm - 0.3) / 0.9).powi(2)).exp() * line.round;
                if !line.call {
                    w *= 1.1;
                }
                if !open {
                    w = 0.0;
                }
                if let Some(slot) = weights.get_mut(li) {
                    *slot = w;
                }
                series_w[si] += w;
                if open {
                    let quote = self.product.quote_ticks(fo.price, spread_mult)?;
                    if line.quote != Some(quote) {
                        line.quote = Some(quote);
                        let ts = after(t, 1_000_000 + self.rng.below(QUOTE_WINDOW_NS));
                        push_option_quote(
                            self.product,
                            line.contract,
                            quote,
                            ts,
                            &mut self.rng,
                            out,
                        )?;
                    }
                }
            }
        }
        // Each series carries its share of the product's trades whatever the strike window.
        for (li, line) in self.lines.iter().enumerate() {
            let (sw, share) = (series_w[line.series], self.series[line.series].share);
            if let Some(slot) = weights.get_mut(li) {
                *slot = if sw > 0.0 { *slot / sw * share } else { 0.0 };
                total_w += *slot;
                *slot = total_w;
            }
        }
        self.cum = weights;
        Ok(true)
    }

    /// A contract index drawn by trade weight, `None` if nothing can trade.
    pub(crate) fn pick(&self, rng: &mut Rng) -> Option<usize> {
        let total = *self.cum.last()?;
        if !(total > 0.0) {
            return None;
        }
        let target = rng.uniform() * total;
        let i = self.cum.partition_point(|c| *c <= target);
        (i < self.lines.len()).then_some(i)
    }
}

impl SimProduct {
    /// Bid and ask in fine ticks for model price `price`: a spread of one tick plus 0.4 % (SPXW,
    /// ES options) or 0.5 % (SPY) of the price, times `mult`, rounded to whole ticks of the price's tick size
    /// and placed around the price on valid ticks; never crossed or locked, bid ≥ 0, ask ≥ one
    /// fine tick.
    pub(crate) fn quote_ticks(self, price: f64, mult: f64) -> Result<(i64, i64), SimError> {
        let fine = self.fine_tick().to_f64();
        let price = price.max(0.0);
        let (rel, step) = match self {
            SimProduct::Spxw => (0.004, if price < 3.0 { 1 } else { 2 }),
            SimProduct::Spy => (0.005, 1),
            SimProduct::Es => (0.004, if price < 5.0 { 1 } else { 5 }),
        };
        let tick = step as f64 * fine;
        let ticks = floor_ticks((tick + rel * price) * mult / tick + 0.5, "option spread")?.max(1);
        let width = ticks * step;
        let mut bid = self.floor_valid(floor_ticks(
            (price / fine) - width as f64 / 2.0,
            "option bid",
        )?);
        if bid < 0 {
            bid = 0;
        }
        let mut ask = self.ceil_valid(bid + width);
        if (ask as f64) * fine < price {
            bid = self.floor_valid(floor_ticks(price / fine, "option bid")?);
            ask = self.ceil_valid(bid + width);
        }
        Ok((bid, ask.max(1)))
    }
}

/// Spreads widen in the first minutes, in global trading hours and with the variance regime.
fn spread_multiplier(plan: &DayPlan, t: UnixNanos, var_ratio: f64) -> f64 {
    let regime = var_ratio.sqrt().clamp(0.8, 2.0);
    let session = if t < plan.t_open {
        2.0
    } else if t.0 < plan.t_open.0 + 15 * 60 * NS {
        1.5
    } else {
        1.0
    };
    regime * session
}

/// Pushes one option NBBO quote.
fn push_option_quote(
    product: SimProduct,
    contract: OptionContract,
    (bid, ask): (i64, i64),
    ts: UnixNanos,
    rng: &mut Rng,
    out: &mut Out,
) -> Result<(), SimError> {
    let tick = product.fine_tick();
    let scale = product.size_scale();
    let mut size = || 1 + rng.pareto(scale * 0.4, 1.6).min(scale * 60.0) as u32;
    let (bid_size, ask_size) = (if bid > 0 { size() } else { 0 }, size());
    let (bx, ax) = match product {
        SimProduct::Spxw => (CBOE, CBOE),
        SimProduct::Es => (ES_EXCHANGE, ES_EXCHANGE),
        SimProduct::Spy => {
            let w = OPTION_VENUES.map(|(_, w)| w);
            let b = OPTION_VENUES.get(rng.pick(&w)).map_or(302, |v| v.0);
            let a = OPTION_VENUES.get(rng.pick(&w)).map_or(302, |v| v.0);
            (ExchangeId(b), ExchangeId(a))
        }
    };
    let recv = after(ts, latency(rng, 100_000, 300_000.0));
    out.push(Quote {
        ts_event: ts,
        ts_recv: recv,
        instrument: Instrument::Option(contract),
        bid: on_grid(tick, bid, "option bid")?,
        ask: on_grid(tick, ask, "option ask")?,
        bid_size: Size::new(bid_size),
        ask_size: Size::new(ask_size),
        bid_exchange: Some(bx),
        ask_exchange: Some(ax),
    });
    Ok(())
}

/// The next expiry of `product` on or after `from`: (date, expiration instant, root, expiration
/// of the underlying future for ES options).
fn next_series(
    product: SimProduct,
    from: Date,
) -> Result<(Date, UnixNanos, OptionRoot, Option<UnixNanos>), SimError> {
    let sched = match product {
        SimProduct::Spxw => OptionProduct::Spxw,
        SimProduct::Spy => OptionProduct::Spy,
        SimProduct::Es => {
            let what = format!("ES option expiries after {from}");
            let mut day = from;
            loop {
                if let Some((sched, root)) = cal(expiry::es_option_series(day), &what)? {
                    let expiration = cal(expiry::expiration_instant(sched, day), &what)?;
                    let future = cal(expiry::es_option_underlying(root, day), &what)?;
                    let contract = cal(
                        gammaflow_model::futures::FuturesContract::new(
                            gammaflow_model::futures::FuturesRoot::ES,
                            future.month(),
                            future.year() as i16,
                        ),
                        &what,
                    )?;
                    let end = cal(contract.expiry_instant(), &what)?;
                    return Ok((day, expiration, root, Some(end)));
                }
                day = cal(calendar::next_trading_day(day), &what)?;
            }
        }
    };
    let what = format!("{} expiries after {}", sched.name(), from);
    let expiry = cal(expiry::next_expiry(sched, from), &what)?;
    let expiration = cal(expiry::expiration_instant(sched, expiry), &what)?;
    Ok((expiry, expiration, product.root(), None))
}

/// The listed expiries of `product` on the plan's day: the first `cfg.expiries` expiry dates on or
/// after it, with their trade shares (0DTE first, the rest decaying by half per expiry).
fn list_series(
    product: SimProduct,
    plan: &DayPlan,
    cfg: &SimConfig,
) -> Result<Vec<Series>, SimError> {
    let mut out = Vec::new();
    let mut from = plan.date;
    for _ in 0..cfg.expiries {
        let (expiry, expiration, root, future_expiry) = next_series(product, from)?;
        let what = format!("{product:?} expiries after {from}");
        let zero_dte = expiry == plan.date;
        let (days_ahead, fomc_ahead) = if zero_dte {
            (0, 0)
        } else {
            let next = cal(calendar::next_trading_day(plan.date), &what)?;
            let days = cal(calendar::trading_days(next, expiry), &what)?;
            let fomc = days
                .iter()
                .filter(|d| super::schedule::is_fomc_day(**d))
                .count();
            (days.len() as u32, fomc as u32)
        };
        out.push(Series {
            expiry,
            expiration,
            // An AM series (ES quarterly) stops at 09:30 ET on its expiry day.
            stop: if zero_dte {
                plan.t_close.min(expiration)
            } else {
                plan.t_options_end
            },
            zero_dte,
            days_ahead,
            fomc_ahead,
            share: 0.0,
            root,
            future_expiry,
        });
        from = cal(calendar::next_trading_day(expiry), &what)?;
    }
    let has_0dte = out.first().is_some_and(|s| s.zero_dte);
    let rest = out.len().saturating_sub(usize::from(has_0dte));
    let rest_share = if has_0dte && rest > 0 {
        1.0 - product.zero_dte_share()
    } else {
        1.0
    };
    let geometric: f64 = (0..rest).map(|j| 0.5f64.powi(j as i32)).sum();
    let mut j = 0;
    for s in &mut out {
        if s.zero_dte {
            s.share = if rest > 0 {
                product.zero_dte_share()
            } else {
                1.0
            };
        } else {
            s.share = rest_share * 0.5f64.powi(j) / geometric;
            j += 1;
        }
    }
    Ok(out)
}
