//! ES/SPX market state of the dashboard's trade date: last ES trade and SPX value, basis, ES VWAP,
//! the SPX open, the two range windows and the realized volatility of ES one-minute bars. Pure and
//! event-time only: [`MarketTracker`] is fed every [`Event`] (and the 0DTE ATM IV by its owner) and
//! never reads the wall clock; every update is O(1) (the realized volatility, O(bars), is computed
//! when the state is read, at most once per completed minute).
//!
//! # Trade date
//! The state belongs to one dashboard trade date `D` ([`trade_date_of`]): `[20:15 ET on D − 1,
//! cash close of D)`, the close being 16:00 ET or 13:00 ET on early-close days. The first event of
//! a later trade date's window resets everything. Events outside every window (after the close,
//! before 20:15 ET) only move event time on (the ranges close); events older than the current
//! window are ignored. The trade date is looked up only when an event leaves the current window,
//! and outside windows at most once per minute of event time (windows open on whole minutes).
//!
//! # Instruments
//! * **ES**: trades of [`Instrument::Future`] with root `ES` in the **front month of the trade date
//!   by the roll rule** ([`front_month`] with the default [`RollRule`]: the next quarterly from
//!   the Thursday eight days before expiry, as the simulator and CME's customary roll do). Trades
//!   of other months are ignored, so a roll week's back-month prints never mix into the VWAP or
//!   the bars. If the rule cannot name a month (a date outside the calendar), the first ES symbol
//!   seen that trade date is used. Trades with an undefined price or size 0 are skipped.
//! * **SPX**: [`Event::Index`] values of `I:SPX`.
//! * `basis = ES − SPX` (last of each, exact in fixed point); `vwap = Σ pᵢ·qᵢ / Σ qᵢ` over the trade date's ES trades
//!   ([`VwapAccumulator`], compensated sums; source `computed`).
//! * **SPX open**: the first SPX value at or after 09:30 ET (and before the close), frozen;
//!   `basis_at_open` is ES − SPX at that moment, or, if no ES trade has arrived yet, at the first
//!   ES trade after it.
//!
//! # Ranges ([`range`])
//! * **morning** `[window open, 09:30 ET)`: centre = the ES VWAP (moves with it);
//! * **afternoon** `[09:30 ET, cash close)`: centre = `spx_open + basis_at_open` (frozen).
//!
//! Half width `h₁ = centre × σ × √τ` with `τ` = ACT/365 years from the moment the width is set to
//! the window's end, `σ` the 0DTE ATM IV given by [`MarketTracker::set_atm_iv`]; see [`range`].
//!
//! # Realized volatility ([`bars`])
//! Close-to-close over the completed ES one-minute bars whose minute starts in the window,
//! annualised with 252 × 1380 one-minute periods per year. The spec defines the windows in Zurich
//! time (overnight 22:00–09:30, morning 09:30–15:30, afternoon 15:30–22:00); they are taken as their
//! New York equivalents in a normal week, and **the New York clock is authoritative**, so the weeks
//! between the US and EU clock changes keep the same market hours:
//!
//! | window | New York |
//! |---|---|
//! | overnight | 16:00 on D − 1 → 03:30 on D (bars exist from the window open, 20:15) |
//! | morning | 03:30 → 09:30 |
//! | afternoon | 09:30 → cash close (16:00, 13:00 on early closes) |
//! | full | window open (20:15 on D − 1) → cash close |

pub mod bars;
pub mod range;

use gammaflow_model::event::{Event, FutureSymbol, Instrument};
use gammaflow_model::futures::{FuturesRoot, RollRule, front_month};
use gammaflow_model::session::{CASH_OPEN, from_new_york, trade_date_of, trade_date_window};
use gammaflow_model::{ModelError, Price, Ticker, UnixNanos};
use gammaflow_quant::stats::VwapAccumulator;
use jiff::civil::{Date, Time};

use crate::EngineError;
use bars::{MINUTE_NS, MinuteBars, RealizedVol};
use range::{RangeParams, RangeTracker};

/// Start of the overnight realized-volatility window on the day before the trade date, ET.
pub const RV_OVERNIGHT_FROM: Time = Time::constant(16, 0, 0, 0);
/// End of the overnight and start of the morning realized-volatility windows, ET.
pub const RV_MORNING_FROM: Time = Time::constant(3, 30, 0, 0);

/// The tracker's settings.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MarketConfig {
    /// Touch and breakout rules of both range windows.
    pub range: RangeParams,
    /// How the ES front month rolls.
    pub roll: RollRule,
}

/// One realized-volatility window of a trade date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RealizedWindow {
    /// `overnight`, `morning`, `afternoon` or `full`.
    pub name: &'static str,
    /// First instant of the window.
    pub from: UnixNanos,
    /// First instant after the window.
    pub to: UnixNanos,
    /// Bars and volatility so far.
    pub vol: RealizedVol,
}

/// The market state of the trade date at the latest event time (a copy; prices in points).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MarketState {
    /// The trade date.
    pub trade_date: Date,
    /// ES contract followed.
    pub es_symbol: Option<FutureSymbol>,
    /// Last ES trade price.
    pub es: Option<f64>,
    /// Last SPX value.
    pub spx: Option<f64>,
    /// ES − SPX.
    pub basis: Option<f64>,
    /// ES VWAP of the trade date.
    pub vwap: Option<f64>,
    /// First SPX value at or after 09:30 ET.
    pub spx_open: Option<f64>,
    /// ES − SPX at the SPX open.
    pub basis_at_open: Option<f64>,
    /// The latest 0DTE ATM implied volatility given (annualised, per 1.00).
    pub atm_iv: Option<f64>,
    /// The morning window (centre: ES VWAP).
    pub morning: RangeTracker,
    /// The afternoon window (centre: SPX open projected to ES).
    pub afternoon: RangeTracker,
    /// Overnight, morning, afternoon, full.
    pub realized: [RealizedWindow; 4],
}

/// One trade date's state.
#[derive(Debug, Clone)]
struct Day {
    date: Date,
    open: UnixNanos,
    close: UnixNanos,
    cash_open: UnixNanos,
    /// `(name, from, to)` of the realized-volatility windows.
    rv_windows: [(&'static str, UnixNanos, UnixNanos); 4],
    es_symbol: Option<FutureSymbol>,
    es: Option<Price>,
    spx: Option<Price>,
    vwap: VwapAccumulator,
    spx_open: Option<Price>,
    basis_at_open: Option<Price>,
    atm_iv: Option<f64>,
    morning: RangeTracker,
    afternoon: RangeTracker,
    bars: MinuteBars,
    /// Realized volatility for a number of completed bars.
    rv_cache: Option<(usize, [RealizedVol; 4])>,
}

impl Day {
    fn new(date: Date, config: &MarketConfig) -> Result<Self, ModelError> {
        let window = trade_date_window(date)?;
        let cash_open = from_new_york(date, CASH_OPEN)?;
        let before = date.yesterday().map_err(|e| ModelError::TimeConversion {
            input: format!("the day before {date}"),
            reason: e.to_string(),
        })?;
        let overnight_from = from_new_york(before, RV_OVERNIGHT_FROM)?;
        let morning_from = from_new_york(date, RV_MORNING_FROM)?;
        let es_symbol = front_month(FuturesRoot::ES, date, config.roll)
            .ok()
            .and_then(|c| FutureSymbol::new("ES", c.year as u16, c.month).ok());
        Ok(Self {
            date,
            open: window.open,
            close: window.close,
            cash_open,
            rv_windows: [
                ("overnight", overnight_from, morning_from),
                ("morning", morning_from, cash_open),
                ("afternoon", cash_open, window.close),
                ("full", window.open, window.close),
            ],
            es_symbol,
            es: None,
            spx: None,
            vwap: VwapAccumulator::new(),
            spx_open: None,
            basis_at_open: None,
            atm_iv: None,
            morning: RangeTracker::new(window.open, cash_open, config.range),
            afternoon: RangeTracker::new(cash_open, window.close, config.range),
            bars: MinuteBars::default(),
            rv_cache: None,
        })
    }

    fn advance(&mut self, ts: UnixNanos) {
        self.morning.advance(ts);
        self.afternoon.advance(ts);
    }

    /// Whether trades of `symbol` are the day's ES (the first one seen when no front month is
    /// known).
    fn follows(&mut self, symbol: FutureSymbol) -> bool {
        *self.es_symbol.get_or_insert(symbol) == symbol
    }

    fn on_es(&mut self, ts: UnixNanos, price: Price, size: u64) {
        let p = price.to_f64();
        if !(p.is_finite() && p > 0.0) || size == 0 {
            return;
        }
        self.es = Some(price);
        self.vwap.push(p, size as f64);
        let vwap = self.vwap.value();
        self.bars.on_trade(ts, p, size, vwap);
        if let Some(v) = vwap {
            self.morning.set_reference(ts, v);
        }
        if let (Some(open), None, Some(spx)) = (self.spx_open, self.basis_at_open, self.spx) {
            self.set_basis_at_open(ts, open, price.checked_sub(spx));
        }
        self.morning.on_price(ts, p);
        self.afternoon.on_price(ts, p);
    }

    fn on_spx(&mut self, ts: UnixNanos, value: Price) {
        self.spx = Some(value);
        self.bars.on_spx(ts, value.to_f64());
        if self.spx_open.is_none() && ts >= self.cash_open && ts < self.close {
            self.spx_open = Some(value);
            if let Some(es) = self.es {
                self.set_basis_at_open(ts, value, es.checked_sub(value));
            }
        }
    }

    /// Fixes the basis at the open and the afternoon centre `spx_open + basis` (exact in
    /// [`Price`]; an overflow leaves both unset).
    fn set_basis_at_open(&mut self, ts: UnixNanos, spx_open: Price, basis: Option<Price>) {
        let Some((basis, centre)) = basis.and_then(|b| Some((b, spx_open.checked_add(b)?))) else {
            return;
        };
        self.basis_at_open = Some(basis);
        self.afternoon.set_reference(ts, centre.to_f64());
    }

    fn realized(&mut self, now: UnixNanos) -> [RealizedWindow; 4] {
        let completed = self.bars.completed(now);
        let vols = match self.rv_cache {
            Some((n, vols)) if n == completed => vols,
            _ => {
                let vols = self
                    .rv_windows
                    .map(|(_, from, to)| self.bars.realized(completed, from, to));
                self.rv_cache = Some((completed, vols));
                vols
            }
        };
        let mut out = self.rv_windows.map(|(name, from, to)| RealizedWindow {
            name,
            from,
            to,
            vol: RealizedVol { bars: 0, rv: None },
        });
        for (window, vol) in out.iter_mut().zip(vols) {
            window.vol = vol;
        }
        out
    }
}

/// The ES/SPX state of the current trade date; see the module docs.
#[derive(Debug, Clone)]
pub struct MarketTracker {
    config: MarketConfig,
    es_root: Option<Ticker>,
    day: Option<Day>,
    /// Outside every window: the next event time at which the trade date is looked up again.
    recheck_at: u64,
    now: UnixNanos,
}

impl Default for MarketTracker {
    fn default() -> Self {
        Self::new(MarketConfig::default())
    }
}

impl MarketTracker {
    /// An empty tracker.
    pub fn new(config: MarketConfig) -> Self {
        Self {
            config,
            es_root: Ticker::new("ES").ok(),
            day: None,
            recheck_at: 0,
            now: UnixNanos(0),
        }
    }

    /// The settings.
    pub fn config(&self) -> &MarketConfig {
        &self.config
    }

    /// The trade date followed, `None` before the first event inside a trade-date window.
    pub fn trade_date(&self) -> Option<Date> {
        self.day.as_ref().map(|d| d.date)
    }

    /// The latest event time seen.
    pub fn now(&self) -> UnixNanos {
        self.now
    }

    /// The ES contract followed.
    pub fn es_symbol(&self) -> Option<FutureSymbol> {
        self.day.as_ref().and_then(|d| d.es_symbol)
    }

    /// The trade date's ES one-minute bars, oldest first.
    pub fn bars(&self) -> &[bars::MinuteBar] {
        self.day.as_ref().map_or(&[], |d| d.bars.bars())
    }

    /// One event. Errors only when the trade date of its time cannot be determined (outside the
    /// calendar); the event is then ignored, and the lookup is retried a minute of event time
    /// later.
    pub fn on_event(&mut self, event: &Event) -> Result<(), EngineError> {
        let ts = event.ts_event();
        if !self.locate(ts)? {
            return Ok(());
        }
        let es_root = self.es_root;
        let Some(day) = self.day.as_mut() else {
            return Ok(());
        };
        match event {
            Event::Trade(t) => {
                if let Instrument::Future(symbol) = t.instrument
                    && Some(symbol.root()) == es_root
                    && t.price.is_defined()
                    && day.follows(symbol)
                {
                    day.on_es(ts, t.price, t.size.as_u64());
                }
            }
            Event::Index(v)
                if v.instrument == Instrument::Index(Ticker::SPX) && v.value.is_defined() =>
            {
                day.on_spx(ts, v.value);
            }
            _ => {}
        }
        Ok(())
    }

    /// The 0DTE ATM implied volatility (annualised, per 1.00) known at event time `ts`; ignored
    /// unless finite and > 0, and outside the trade date's window. Sets a range's width at the
    /// first moment inside it when its centre and an IV are known.
    pub fn set_atm_iv(&mut self, ts: UnixNanos, iv: f64) -> Result<(), EngineError> {
        if !(iv.is_finite() && iv > 0.0 && self.locate(ts)?) {
            return Ok(());
        }
        if let Some(day) = self.day.as_mut() {
            day.atm_iv = Some(iv);
            day.morning.set_sigma(ts, iv);
            day.afternoon.set_sigma(ts, iv);
        }
        Ok(())
    }

    /// The state of the trade date, `None` before its first ES trade or SPX value. Computes the
    /// realized volatility when a bar completed since the last call.
    pub fn state(&mut self) -> Option<MarketState> {
        let now = self.now;
        let day = self
            .day
            .as_mut()
            .filter(|d| d.es.is_some() || d.spx.is_some())?;
        let f = |p: Option<Price>| p.map(Price::to_f64);
        Some(MarketState {
            trade_date: day.date,
            es_symbol: day.es_symbol,
            es: f(day.es),
            spx: f(day.spx),
            basis: day
                .es
                .zip(day.spx)
                .and_then(|(e, s)| e.checked_sub(s))
                .map(Price::to_f64),
            vwap: day.vwap.value(),
            spx_open: f(day.spx_open),
            basis_at_open: f(day.basis_at_open),
            atm_iv: day.atm_iv,
            morning: day.morning,
            afternoon: day.afternoon,
            realized: day.realized(now),
        })
    }

    /// Moves event time to `ts`, starting a new trade date when `ts` opens one; whether `ts` lies
    /// in the current trade date's window.
    fn locate(&mut self, ts: UnixNanos) -> Result<bool, EngineError> {
        if ts > self.now {
            self.now = ts;
        }
        if let Some(day) = self.day.as_mut() {
            if ts < day.open {
                return Ok(false);
            }
            day.advance(ts);
            if ts < day.close {
                return Ok(true);
            }
        }
        if ts.0 < self.recheck_at {
            return Ok(false);
        }
        let next_minute = (ts.0 / MINUTE_NS + 1) * MINUTE_NS;
        let date = match trade_date_of(ts) {
            Ok(date) => date,
            Err(e) => {
                self.recheck_at = next_minute;
                return Err(calendar_error(ts, &e));
            }
        };
        match date {
            Some(date) if self.day.as_ref().is_none_or(|d| date > d.date) => {
                let mut day = match Day::new(date, &self.config) {
                    Ok(day) => day,
                    Err(e) => {
                        self.recheck_at = next_minute;
                        return Err(calendar_error(ts, &e));
                    }
                };
                day.advance(ts);
                self.day = Some(day);
                Ok(true)
            }
            _ => {
                self.recheck_at = next_minute;
                Ok(false)
            }
        }
    }
}

fn calendar_error(ts: UnixNanos, e: &ModelError) -> EngineError {
    EngineError::Calendar {
        at: ts.0,
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests;
