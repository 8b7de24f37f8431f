//! Realized volatility of ES one-minute bars per trade date and window, with percentile ranks of
//! each day's value against earlier trade dates.
//!
//! # Input
//! [`Bar1m`]s (minute start `ts`, OHLC in index points, volume) in strictly increasing time order,
//! as Databento `ohlcv-1m` gives them. A bar out of order, a repeated minute, a `ts` that is not a
//! whole minute or bad prices (not finite and > 0, `low` above `open`/`close` or `high` below them)
//! is rejected with [`MasterError::Bar`] naming its minute (UTC and New York), and the engine's
//! state is left as it was, so the caller may log it and go on.
//!
//! # Trade dates and windows
//! The windows are the configuration's `iv_rv.windows` (default overnight `22:00-09:30`, morning
//! `09:30-15:30`, afternoon `15:30-22:00`, full `22:00-22:00`, Zurich times read against the New
//! York session by the rule of [`crate::config`]): by default overnight = 16:00 ET on the previous
//! NYSE trading day → 03:30 ET, morning 03:30 → 09:30, afternoon 09:30 → cash close (16:00, 13:00 on
//! early closes), full = previous close → close. A bar belongs to a window when its **minute start**
//! lies in `[from, to)`. The `full` window delimits a trade date: a bar belongs to the trade date
//! whose `full` window holds it; with the default `full` (wrapping, from the previous trading
//! day's close) every bar of a trading week belongs to exactly one trade date, Friday's post-close
//! and weekend bars to Monday's. Bars in no `full` window (possible only with a non-wrapping
//! `full`) are counted ([`RvEngine::outside_bars`]) and otherwise ignored. This differs from the
//! live [`gammaflow_engine::market`] tracker only where the live tracker has no bars (it sees the
//! trade date's window from 20:15 ET).
//!
//! # Estimators (both annualised, per 1.00)
//! * **close-to-close**: [`close_to_close`] over the window's closes, i.e. the sample standard
//!   deviation (divisor `n − 1`, mean-adjusted) of the log returns between consecutive bars in the
//!   window; a gap of missing minutes makes one return (so a thin window reads its bar count in
//!   `bars`, for the validators to flag). The return from the previous window's last bar into the
//!   window is not used.
//! * **Parkinson**: [`parkinson`] over the window's bars' highs and lows.
//!
//! Both use [`RV_PERIODS_PER_YEAR`] = 252 × 1380 one-minute periods per year (23-hour Globex
//! sessions), the live engine's constant. A window with fewer than [`MIN_BARS`] bars has `None`
//! for both.
//!
//! # Percentile ranks
//! For each configured history (`iv_rv.percentiles`: the last `n` trade dates, or `full`) and each
//! estimator, the day's value is ranked with [`percentile_rank`]'s rule: `100·(#{below} + ½·#{equal})
//! / n` (ties count half). A day is ranked against the **previous** trade dates only, not itself
//! (the rule of [`RollingPercentileRank`]): "how does today compare with the last 60 days". Only
//! days that have a value enter a history (a `None` day is skipped, so "last 60" means the last 60
//! values), and the rank is `None` when the day has no value or no earlier value exists. Trade
//! dates without any bar produce no [`RvDay`] and no history entry.
//!
//! # Memory
//! Streaming: the current trade date's bars (at most a day of minutes, structure of arrays) plus
//! the daily values of the histories.

use gammaflow_engine::market::bars::{MINUTE_NS, MinuteBar, RV_PERIODS_PER_YEAR};
use gammaflow_model::session::to_new_york;
use gammaflow_model::{ModelError, UnixNanos, calendar};
use gammaflow_quant::stats::{
    Ohlc, RollingPercentileRank, close_to_close, parkinson, percentile_rank,
};
use jiff::ToSpan;
use jiff::civil::Date;

use crate::MasterError;
use crate::config::{ConfigZone, MasterConfig, NamedWindow, PercentileWindow, TimeRange};

/// Fewest bars in a window for an estimate (close-to-close needs two returns).
pub const MIN_BARS: usize = 3;

/// One ES one-minute bar (prices in index points).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar1m {
    /// Start of the minute (UTC nanoseconds, a whole minute).
    pub ts: UnixNanos,
    /// First trade price.
    pub open: f64,
    /// Highest trade price.
    pub high: f64,
    /// Lowest trade price.
    pub low: f64,
    /// Last trade price.
    pub close: f64,
    /// Contracts traded.
    pub volume: u64,
}

impl From<&MinuteBar> for Bar1m {
    /// The live engine's bar (its VWAP and SPX fields are dropped).
    fn from(b: &MinuteBar) -> Self {
        Self {
            ts: b.start,
            open: b.open,
            high: b.high,
            low: b.low,
            close: b.close,
            volume: b.volume,
        }
    }
}

/// One window of one trade date.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowRv {
    /// The window's name (`overnight`, `morning`, `afternoon`, `full`, ...).
    pub name: String,
    /// First instant of the window (UTC nanoseconds).
    pub from: UnixNanos,
    /// First instant after the window.
    pub to: UnixNanos,
    /// Bars whose minute starts in the window.
    pub bars: usize,
    /// Annualised close-to-close volatility (per 1.00); `None` under [`MIN_BARS`] bars.
    pub close_to_close: Option<f64>,
    /// Annualised Parkinson volatility (per 1.00); `None` under [`MIN_BARS`] bars.
    pub parkinson: Option<f64>,
    /// Percentile rank (0–100) of `close_to_close`, one per configured history, in the
    /// configuration's order ([`RvEngine::percentiles`]).
    pub close_to_close_rank: Vec<Option<f64>>,
    /// Percentile rank (0–100) of `parkinson`, same order.
    pub parkinson_rank: Vec<Option<f64>>,
}

/// The realized volatility of one trade date.
#[derive(Debug, Clone, PartialEq)]
pub struct RvDay {
    /// The trade date (an NYSE trading day, America/New_York).
    pub trade_date: Date,
    /// Bars of the trade date (in its `full` window).
    pub bars: usize,
    /// One entry per configured window, in the configuration's order.
    pub windows: Vec<WindowRv>,
}

impl RvDay {
    /// The window named `name`.
    pub fn window(&self, name: &str) -> Option<&WindowRv> {
        self.windows.iter().find(|w| w.name == name)
    }
}

/// The histories of one estimator of one window.
#[derive(Debug, Clone)]
struct History {
    rolling: Vec<Option<RollingPercentileRank>>,
    all: Vec<f64>,
    keep_all: bool,
}

impl History {
    fn new(percentiles: &[PercentileWindow]) -> Self {
        Self {
            rolling: percentiles
                .iter()
                .map(|p| match p {
                    PercentileWindow::Last(n) => Some(RollingPercentileRank::new(*n)),
                    PercentileWindow::Full => None,
                })
                .collect(),
            all: Vec::new(),
            keep_all: percentiles.contains(&PercentileWindow::Full),
        }
    }

    /// Ranks `x` against the earlier values, then records it.
    fn push(&mut self, x: Option<f64>) -> Vec<Option<f64>> {
        let Some(x) = x else {
            return vec![None; self.rolling.len()];
        };
        let ranks = self
            .rolling
            .iter_mut()
            .map(|r| match r {
                Some(r) => r.push(x),
                None => percentile_rank(&self.all, x),
            })
            .collect();
        if self.keep_all {
            self.all.push(x);
        }
        ranks
    }
}

/// The current trade date: its windows' bounds and its bars.
#[derive(Debug, Clone)]
struct Day {
    date: Date,
    to: UnixNanos,
    bounds: Vec<(UnixNanos, UnixNanos)>,
    ts: Vec<UnixNanos>,
    open: Vec<f64>,
    high: Vec<f64>,
    low: Vec<f64>,
    close: Vec<f64>,
}

/// The streaming realized-volatility engine: bars in, one [`RvDay`] out per trade date.
#[derive(Debug, Clone)]
pub struct RvEngine {
    zone: ConfigZone,
    windows: Vec<NamedWindow>,
    full: TimeRange,
    percentiles: Vec<PercentileWindow>,
    day: Option<Day>,
    last: Option<UnixNanos>,
    /// Per window: close-to-close and Parkinson histories.
    histories: Vec<[History; 2]>,
    outside: u64,
}

/// `ts` as UTC and New York wall clock, for messages: `2026-03-10T13:30:00Z (09:30 ET)`.
pub fn describe(ts: UnixNanos) -> String {
    match to_new_york(ts) {
        Ok(ny) => format!("{ts} ({} ET)", ny.datetime().time()),
        Err(_) => ts.to_string(),
    }
}

fn bar_error(ts: UnixNanos, reason: impl Into<String>) -> MasterError {
    MasterError::Bar {
        at: describe(ts),
        reason: reason.into(),
    }
}

fn model_error(ts: UnixNanos, source: ModelError) -> MasterError {
    MasterError::Model {
        context: format!("ES 1-minute bar at {}", describe(ts)),
        source,
    }
}

impl RvEngine {
    /// An engine for the configuration's windows and percentile histories.
    pub fn new(config: &MasterConfig) -> Self {
        let windows = config.iv_rv.windows.clone();
        let percentiles = config.iv_rv.percentiles.clone();
        let histories = windows
            .iter()
            .map(|_| [History::new(&percentiles), History::new(&percentiles)])
            .collect();
        Self {
            zone: config.timezone,
            full: config.iv_rv.full(),
            windows,
            percentiles,
            day: None,
            last: None,
            histories,
            outside: 0,
        }
    }

    /// The windows, in output order.
    pub fn windows(&self) -> &[NamedWindow] {
        &self.windows
    }

    /// The percentile histories, in the order of [`WindowRv::close_to_close_rank`].
    pub fn percentiles(&self) -> &[PercentileWindow] {
        &self.percentiles
    }

    /// Bars that fell in no trade date's `full` window.
    pub fn outside_bars(&self) -> u64 {
        self.outside
    }

    /// Adds the next bar. Returns the previous trade date's result when `bar` is the first of a
    /// later trade date. Errors (state unchanged): see the [module documentation](self).
    pub fn push(&mut self, bar: Bar1m) -> Result<Option<RvDay>, MasterError> {
        check_bar(&bar, self.last)?;
        if let Some(day) = self.day.as_mut()
            && bar.ts < day.to
        {
            // Time order keeps the bar after the day's first bar, so inside the day.
            day.push(&bar);
            self.last = Some(bar.ts);
            return Ok(None);
        }
        let next = self
            .trade_date_of(bar.ts)
            .map_err(|e| model_error(bar.ts, e))?;
        let next = match next {
            Some((date, to)) => Some(
                self.open_day(date, to)
                    .map_err(|e| model_error(bar.ts, e))?,
            ),
            None => None,
        };
        let done = self.finish();
        self.last = Some(bar.ts);
        match next {
            Some(mut day) => {
                day.push(&bar);
                self.day = Some(day);
            }
            None => self.outside += 1,
        }
        Ok(done)
    }

    /// Closes the current trade date (end of input) and returns its result, if any.
    pub fn finish(&mut self) -> Option<RvDay> {
        let day = self.day.take()?;
        let windows = self
            .windows
            .iter()
            .zip(&day.bounds)
            .zip(self.histories.iter_mut())
            .map(|((w, &(from, to)), [c2c_hist, park_hist])| {
                let lo = day.ts.partition_point(|t| *t < from);
                let hi = day.ts.partition_point(|t| *t < to).max(lo);
                let bars = hi - lo;
                let (c2c, park) = if bars >= MIN_BARS {
                    let ohlc = Ohlc {
                        open: &day.open[lo..hi],
                        high: &day.high[lo..hi],
                        low: &day.low[lo..hi],
                        close: &day.close[lo..hi],
                    };
                    (
                        close_to_close(ohlc.close, RV_PERIODS_PER_YEAR).ok(),
                        parkinson(&ohlc, RV_PERIODS_PER_YEAR).ok(),
                    )
                } else {
                    (None, None)
                };
                WindowRv {
                    name: w.name.clone(),
                    from,
                    to,
                    bars,
                    close_to_close: c2c,
                    parkinson: park,
                    close_to_close_rank: c2c_hist.push(c2c),
                    parkinson_rank: park_hist.push(park),
                }
            })
            .collect();
        Some(RvDay {
            trade_date: day.date,
            bars: day.ts.len(),
            windows,
        })
    }

    /// Runs a whole stream: every trade date's result, in order; stops at the first rejected bar.
    pub fn run(
        config: &MasterConfig,
        bars: impl IntoIterator<Item = Bar1m>,
    ) -> Result<Vec<RvDay>, MasterError> {
        let mut engine = Self::new(config);
        let mut days = Vec::new();
        for bar in bars {
            days.extend(engine.push(bar)?);
        }
        days.extend(engine.finish());
        Ok(days)
    }

    /// The trade date whose `full` window holds `ts`, with that window's end.
    fn trade_date_of(&self, ts: UnixNanos) -> Result<Option<(Date, UnixNanos)>, ModelError> {
        // `ts` on the configured clock (New York + the standard offset): its date or the next
        // trading day is the only candidate (a wrapping `full` starts the trading day before).
        let local = to_new_york(ts)?
            .datetime()
            .checked_add(i64::from(self.zone.offset_secs()).seconds())
            .map_err(|e| ModelError::TimeConversion {
                input: ts.to_string(),
                reason: e.to_string(),
            })?;
        let day = local.date();
        let mut candidates = Vec::with_capacity(2);
        if calendar::is_trading_day(day)? {
            candidates.push(day);
        }
        candidates.push(calendar::next_trading_day(day)?);
        for date in candidates {
            let (from, to) = self.full.bounds(self.zone, date)?;
            if from <= ts && ts < to {
                return Ok(Some((date, to)));
            }
        }
        Ok(None)
    }

    fn open_day(&self, date: Date, to: UnixNanos) -> Result<Day, ModelError> {
        let bounds = self
            .windows
            .iter()
            .map(|w| w.range.bounds(self.zone, date))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Day {
            date,
            to,
            bounds,
            ts: Vec::with_capacity(1_440),
            open: Vec::with_capacity(1_440),
            high: Vec::with_capacity(1_440),
            low: Vec::with_capacity(1_440),
            close: Vec::with_capacity(1_440),
        })
    }
}

impl Day {
    fn push(&mut self, bar: &Bar1m) {
        self.ts.push(bar.ts);
        self.open.push(bar.open);
        self.high.push(bar.high);
        self.low.push(bar.low);
        self.close.push(bar.close);
    }
}

/// The checks of the module documentation.
fn check_bar(bar: &Bar1m, last: Option<UnixNanos>) -> Result<(), MasterError> {
    if let Some(last) = last {
        if bar.ts == last {
            return Err(bar_error(
                bar.ts,
                "duplicate: a bar for this minute was already given",
            ));
        }
        if bar.ts < last {
            return Err(bar_error(
                bar.ts,
                format!("out of order: comes after the bar at {}", describe(last)),
            ));
        }
    }
    if !bar.ts.0.is_multiple_of(MINUTE_NS) {
        return Err(bar_error(bar.ts, "ts is not the start of a minute"));
    }
    for (name, v) in [
        ("open", bar.open),
        ("high", bar.high),
        ("low", bar.low),
        ("close", bar.close),
    ] {
        if !(v.is_finite() && v > 0.0) {
            return Err(bar_error(
                bar.ts,
                format!("{name} {v} is not a positive price"),
            ));
        }
    }
    if bar.low > bar.open.min(bar.close) || bar.high < bar.open.max(bar.close) {
        return Err(bar_error(
            bar.ts,
            format!(
                "inconsistent prices: open {} high {} low {} close {}",
                bar.open, bar.high, bar.low, bar.close
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
