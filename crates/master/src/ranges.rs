//! The range engine of one trade date, historical: the morning and afternoon range windows of the
//! configuration (`ranges.*`, `touch.*`), driven by the **live engine's own tracker**
//! ([`gammaflow_engine::market::range::RangeTracker`]) so that the dataset and the dashboard count
//! touches and breakouts by the same code. This module only feeds it, in event-time order.
//!
//! # What the tracker is fed
//! * **ES prices** ([`Tick`]): the front-month ES **trades** of the trade date when a Databento
//!   `trades` (or `mbp-1`) file exists ([`EsTicks`]), else the **one-minute bars**
//!   ([`RangeDay::push_bar`]). A bar contributes four prices in the order
//!   **open, the extreme nearer the open, the other extreme, close** (ties: high first), stamped
//!   `start`, `start + 1 ns`, `start + 2 ns`, `start + 3 ns`. Every one of those prices really
//!   traded in the minute, and that order is a path the market could have taken (open first,
//!   close last, each extreme once), so a bar **cannot invent** a touch or a breakout: each touch
//!   counted is a real trade within `buffer` of a level, and a price beyond a band for
//!   `breakout_minutes` means every bar's low (or high) stayed beyond it. What a bar cannot show is
//!   the path between those four prices, and its four ticks fall inside one cooldown, so a bar
//!   adds at most one touch per level: **touch counts from bars are a lower bound** of the counts
//!   from trades, and touch/breakout times are known to the minute (`ranges_input = bars` in the
//!   output says which). Bars of the IB daily files carry the RTVolume VWAP ([`EsBar::vendor_vwap`]).
//! * **SPX open** ([`SpxOpen`]): the first SPX value at or after 09:30 ET. Databento has no index
//!   feed, so it is an input: the build takes the IV module's put–call-parity level
//!   ([`crate::iv`]) at the first sample at or after 09:30 ET, or any other source through its
//!   hook; `None` leaves a `spx_open_projected` window without a centre.
//!   The **basis at the open** is the given basis, else ES − SPX open with the last ES price at
//!   or before the open's instant (or, when no ES price came yet, the first one after it), as the
//!   live [`MarketTracker`](gammaflow_engine::market::MarketTracker) does. The projected centre
//!   `spx_open + basis_at_open` is frozen.
//! * **ATM implied volatility** ([`DayInputs::atm_iv`]): `(instant, σ)` pairs (annualised, per
//!   1.00) given to both windows at their instants; a window's width is set at the first moment
//!   inside it when its centre and a σ are known: `h₁ = centre × σ × √τ`, τ = ACT/365 years to
//!   the window's end, `h₂ = 2·h₁` (the formula of [`range`](gammaflow_engine::market::range)).
//!   Without a σ the bands stay unknown and the touch columns empty.
//! * **VWAP** (centre of a `vwap_es` window, and a column of its own): `Σ p·q / Σ q` over the trade
//!   date's ES trades ([`VwapAccumulator`]); from bars, each bar's typical price `(H + L + C) / 3`
//!   weighs its volume. When the bars carry IB's RTVolume VWAP, that is the VWAP used (source
//!   `rtvolume`) and the computed one is kept beside it with the difference
//!   `vwap_diff = rtvolume − computed` at the last bar; otherwise the source is `computed`.
//!
//! # Windows
//! `ranges.morning` and `ranges.afternoon` of the configuration, as instants by
//! [`TimeRange::bounds`](crate::config::TimeRange::bounds) (defaults: morning 20:15 ET on D − 1 →
//! 09:30 ET, centre `vwap_es`; afternoon 09:30 ET → cash close, centre `spx_open_projected`).
//! The summary's band levels are the centre at the window's end (the `vwap_es` centre moves)
//! ± the frozen half widths.

mod ticks;

use std::collections::VecDeque;

use gammaflow_engine::market::range::{BandPosition, RangeTracker};
use gammaflow_model::UnixNanos;
use gammaflow_quant::stats::VwapAccumulator;
use jiff::civil::Date;

pub use ticks::EsTicks;

use crate::MasterError;
use crate::config::{MasterConfig, RangeReference, RangeWindowConfig};
use crate::loaders::EsBar;

/// One ES price fed to the range windows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tick {
    /// Event time (UTC ns).
    pub ts: UnixNanos,
    /// Trade price, index points.
    pub price: f64,
    /// Contracts (weight in the computed VWAP; 0 adds nothing).
    pub size: u64,
}

/// Where the ES prices came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RangesInput {
    /// Trades (Databento `trades` / `mbp-1`).
    Trades,
    /// One-minute bars, four ticks each (touch counts are a lower bound).
    Bars,
}

impl RangesInput {
    /// `trades` or `bars`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Trades => "trades",
            Self::Bars => "bars",
        }
    }
}

/// The SPX open of a trade date (an input; see the [module documentation](self)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpxOpen {
    /// When it was observed (UTC ns; at or after 09:30 ET).
    pub ts: UnixNanos,
    /// The SPX value, index points.
    pub value: f64,
    /// ES − SPX at that moment, points, when known from the same source; else measured from ES.
    pub basis: Option<f64>,
}

/// The inputs of a trade date that do not come from ES files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayInputs {
    /// The SPX open, if known.
    pub spx_open: Option<SpxOpen>,
    /// 0DTE ATM implied volatilities `(instant UTC ns, σ annualised per 1.00)`, any order.
    pub atm_iv: Vec<(UnixNanos, f64)>,
}

/// One counted touch (a detail-table row).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Touch {
    /// `morning` or `afternoon`.
    pub window: &'static str,
    /// `+2σ`, `+1σ`, `−1σ` or `−2σ`.
    pub level: &'static str,
    /// When (UTC ns).
    pub ts: UnixNanos,
    /// The ES price that touched, points.
    pub price: f64,
    /// The level's price at that moment, points.
    pub level_price: f64,
}

/// One window's result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowSummary {
    /// `morning` or `afternoon`.
    pub name: &'static str,
    /// The centre's rule.
    pub reference: RangeReference,
    /// First instant of the window (UTC ns).
    pub start: UnixNanos,
    /// First instant after the window.
    pub end: UnixNanos,
    /// The centre at the window's end, points.
    pub centre: Option<f64>,
    /// The σ the width was set from (annualised, per 1.00).
    pub sigma: Option<f64>,
    /// Half width of the 1σ band, points.
    pub half_width_1s: Option<f64>,
    /// When the width was set (UTC ns).
    pub width_set_at: Option<UnixNanos>,
    /// `[+2σ, +1σ, −1σ, −2σ]` at the window's end, points.
    pub levels: Option<[f64; 4]>,
    /// First counted touch.
    pub first_touch: Option<UnixNanos>,
    /// Touches counted over the four levels (0 when the bands are unknown).
    pub touches: u32,
    /// The first breakout: `up`/`down` and when it completed.
    pub breakout: Option<(&'static str, UnixNanos)>,
    /// The last price's position against the 1σ band (`inside`, `above`, `below`).
    pub position: Option<&'static str>,
    /// Whether the window closed inside its 1σ band.
    pub closed_inside: Option<bool>,
}

/// The range engine's result for one trade date.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeSummary {
    /// The trade date (America/New_York).
    pub trade_date: Date,
    /// Trades or bars.
    pub input: RangesInput,
    /// ES prices fed (bars count four).
    pub ticks: u64,
    /// The morning window.
    pub morning: WindowSummary,
    /// The afternoon window.
    pub afternoon: WindowSummary,
    /// The trade date's VWAP from the selected source, points.
    pub vwap: Option<f64>,
    /// `rtvolume` or `computed`.
    pub vwap_source: &'static str,
    /// The computed VWAP, points.
    pub vwap_computed: Option<f64>,
    /// IB's RTVolume VWAP at the last bar, points.
    pub vwap_rtvolume: Option<f64>,
    /// `vwap_rtvolume − vwap_computed`, points.
    pub vwap_diff: Option<f64>,
    /// The SPX open used, points.
    pub spx_open: Option<f64>,
    /// Its instant.
    pub spx_open_ts: Option<UnixNanos>,
    /// ES − SPX at the open, points.
    pub basis_at_open: Option<f64>,
    /// Every counted touch, in time order.
    pub touches: Vec<Touch>,
}

/// A scheduled non-ES input.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Scheduled {
    Sigma(f64),
    SpxOpen(f64, Option<f64>),
}

#[derive(Debug, Clone)]
struct Window {
    name: &'static str,
    reference: RangeReference,
    tracker: RangeTracker,
}

/// The range engine of one trade date: feed ES prices in time order, then [`RangeDay::finish`].
#[derive(Debug, Clone)]
pub struct RangeDay {
    trade_date: Date,
    input: RangesInput,
    windows: [Window; 2],
    scheduled: VecDeque<(UnixNanos, Scheduled)>,
    vwap: VwapAccumulator,
    vendor_vwap: Option<f64>,
    last_es: Option<f64>,
    spx_open: Option<(UnixNanos, f64)>,
    /// SPX open waiting for an ES price to measure the basis.
    basis_pending: bool,
    basis_at_open: Option<f64>,
    ticks: u64,
    touches: Vec<Touch>,
}

impl RangeDay {
    /// The windows of `date` under `config`, with the day's non-ES inputs.
    pub fn new(
        config: &MasterConfig,
        date: Date,
        input: RangesInput,
        inputs: DayInputs,
    ) -> Result<Self, MasterError> {
        let params = config.touch.range_params();
        let window = |name: &'static str, w: &RangeWindowConfig| -> Result<Window, MasterError> {
            let (start, end) =
                w.window
                    .bounds(config.timezone, date)
                    .map_err(|source| MasterError::Model {
                        context: format!("ranges.{name} on trade date {date}"),
                        source,
                    })?;
            Ok(Window {
                name,
                reference: w.reference,
                tracker: RangeTracker::new(start, end, params),
            })
        };
        let windows = [
            window("morning", &config.ranges.morning)?,
            window("afternoon", &config.ranges.afternoon)?,
        ];
        let mut scheduled: Vec<(UnixNanos, Scheduled)> = inputs
            .atm_iv
            .iter()
            .map(|&(ts, s)| (ts, Scheduled::Sigma(s)))
            .collect();
        if let Some(o) = inputs.spx_open
            && o.value.is_finite()
            && o.value > 0.0
        {
            scheduled.push((o.ts, Scheduled::SpxOpen(o.value, o.basis)));
        }
        scheduled.sort_by_key(|(ts, _)| *ts);
        Ok(Self {
            trade_date: date,
            input,
            windows,
            scheduled: scheduled.into(),
            vwap: VwapAccumulator::new(),
            vendor_vwap: None,
            last_es: None,
            spx_open: None,
            basis_pending: false,
            basis_at_open: None,
            ticks: 0,
            touches: Vec::new(),
        })
    }

    /// The trade date.
    pub fn trade_date(&self) -> Date {
        self.trade_date
    }

    /// One ES trade (in time order; a non-finite or non-positive price is ignored).
    pub fn push(&mut self, tick: &Tick) {
        if !(tick.price.is_finite() && tick.price > 0.0) {
            return;
        }
        if tick.size > 0 {
            self.vwap.push(tick.price, tick.size as f64);
        }
        self.price(tick.ts, tick.price);
    }

    /// One ES one-minute bar: four ticks (see the [module documentation](self)); its typical
    /// price weighs its volume in the computed VWAP and its RTVolume VWAP, if any, is the vendor
    /// VWAP from its last tick on.
    pub fn push_bar(&mut self, bar: &EsBar) {
        let [o, h, l, c] = [bar.open, bar.high, bar.low, bar.close].map(|p| p.to_f64());
        if ![o, h, l, c].iter().all(|p| p.is_finite() && *p > 0.0) {
            return;
        }
        if bar.volume > 0 {
            self.vwap.push((h + l + c) / 3.0, bar.volume as f64);
        }
        for (i, p) in bar_path(o, h, l, c).into_iter().enumerate() {
            if i == 3
                && let Some(v) = bar.vendor_vwap
            {
                self.vendor_vwap = Some(v.to_f64());
            }
            self.price(UnixNanos(bar.ts.0.saturating_add(i as u64)), p);
        }
    }

    /// Ends the day: the remaining inputs are applied and both windows closed.
    pub fn finish(mut self) -> RangeSummary {
        let end = self
            .windows
            .iter()
            .map(|w| w.tracker.end())
            .max()
            .unwrap_or(UnixNanos(0));
        self.apply_scheduled(end);
        for w in &mut self.windows {
            w.tracker.advance(end);
        }
        let vwap_computed = self.vwap.value();
        let (vwap, vwap_source) = match self.vendor_vwap {
            Some(v) => (Some(v), "rtvolume"),
            None => (vwap_computed, "computed"),
        };
        let [morning, afternoon] = self.windows.each_ref().map(summary);
        RangeSummary {
            trade_date: self.trade_date,
            input: self.input,
            ticks: self.ticks,
            morning,
            afternoon,
            vwap,
            vwap_source,
            vwap_computed,
            vwap_rtvolume: self.vendor_vwap,
            vwap_diff: self.vendor_vwap.zip(vwap_computed).map(|(a, b)| a - b),
            spx_open: self.spx_open.map(|(_, v)| v),
            spx_open_ts: self.spx_open.map(|(t, _)| t),
            basis_at_open: self.basis_at_open,
            touches: self.touches,
        }
    }

    fn current_vwap(&self) -> Option<f64> {
        self.vendor_vwap.or_else(|| self.vwap.value())
    }

    fn price(&mut self, ts: UnixNanos, price: f64) {
        self.apply_scheduled(ts);
        self.ticks += 1;
        self.last_es = Some(price);
        if self.basis_pending
            && let Some((_, open)) = self.spx_open
        {
            self.basis_pending = false;
            self.set_projected(ts, open, price - open);
        }
        let vwap = self.current_vwap();
        for w in &mut self.windows {
            if w.reference == RangeReference::VwapEs
                && let Some(v) = vwap
            {
                w.tracker.set_reference(ts, v);
            }
            let before = w.tracker.levels();
            w.tracker.on_price(ts, price);
            if let (Some(before), Some(after)) = (before, w.tracker.levels()) {
                for (b, a) in before.iter().zip(after.iter()) {
                    if a.touches > b.touches {
                        self.touches.push(Touch {
                            window: w.name,
                            level: a.label,
                            ts,
                            price,
                            level_price: a.price,
                        });
                    }
                }
            } else if let Some(after) = w.tracker.levels() {
                // The width was set by this very price: its touches count too.
                for a in after.iter().filter(|a| a.touches > 0) {
                    self.touches.push(Touch {
                        window: w.name,
                        level: a.label,
                        ts,
                        price,
                        level_price: a.price,
                    });
                }
            }
        }
    }

    fn apply_scheduled(&mut self, upto: UnixNanos) {
        while let Some(&(ts, what)) = self.scheduled.front() {
            if ts > upto {
                break;
            }
            self.scheduled.pop_front();
            match what {
                Scheduled::Sigma(s) => {
                    for w in &mut self.windows {
                        w.tracker.set_sigma(ts, s);
                    }
                }
                Scheduled::SpxOpen(value, basis) => {
                    self.spx_open = Some((ts, value));
                    match basis.or_else(|| self.last_es.map(|es| es - value)) {
                        Some(b) => self.set_projected(ts, value, b),
                        None => self.basis_pending = true,
                    }
                }
            }
        }
    }

    fn set_projected(&mut self, ts: UnixNanos, open: f64, basis: f64) {
        if !basis.is_finite() {
            return;
        }
        self.basis_at_open = Some(basis);
        for w in &mut self.windows {
            if w.reference == RangeReference::SpxOpenProjected {
                w.tracker.set_reference(ts, open + basis);
            }
        }
    }
}

/// The four prices of a bar in path order: open, the extreme nearer the open (high on a tie),
/// the other extreme, close.
pub fn bar_path(open: f64, high: f64, low: f64, close: f64) -> [f64; 4] {
    if high - open <= open - low {
        [open, high, low, close]
    } else {
        [open, low, high, close]
    }
}

fn summary(w: &Window) -> WindowSummary {
    let t = &w.tracker;
    let width = t.width();
    let levels = t
        .levels()
        .map(|l| [l[0].price, l[1].price, l[3].price, l[4].price]);
    WindowSummary {
        name: w.name,
        reference: w.reference,
        start: t.start(),
        end: t.end(),
        centre: t.reference(),
        sigma: width.map(|w| w.sigma),
        half_width_1s: width.map(|w| w.half_width_1s),
        width_set_at: width.map(|w| w.set_at),
        levels,
        first_touch: t.first_touch(),
        touches: t.touches(),
        breakout: t.breakout().map(|(side, ts)| (side.as_str(), ts)),
        position: t.position().map(BandPosition::as_str),
        closed_inside: t.closed_inside(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_path_visits_the_nearer_extreme_first() {
        assert_eq!(bar_path(10.0, 12.0, 9.0, 11.0), [10.0, 9.0, 12.0, 11.0]);
        assert_eq!(bar_path(10.0, 11.0, 7.0, 8.0), [10.0, 11.0, 7.0, 8.0]);
        // Tie: high first.
        assert_eq!(bar_path(10.0, 11.0, 9.0, 10.0), [10.0, 11.0, 9.0, 10.0]);
    }

    proptest::proptest! {
        /// The path starts at the open, ends at the close, visits both extremes in between,
        /// the nearer one first (so every price it passes really traded in the minute).
        #[test]
        fn bar_path_is_a_possible_path(a in 1.0f64..10_000.0, b in 1.0f64..10_000.0,
                                       c in 1.0f64..10_000.0, d in 1.0f64..10_000.0) {
            let high = a.max(b).max(c).max(d);
            let low = a.min(b).min(c).min(d);
            let p = bar_path(b, high, low, c);
            proptest::prop_assert_eq!(p[0], b);
            proptest::prop_assert_eq!(p[3], c);
            proptest::prop_assert!((p[1] == high && p[2] == low) || (p[1] == low && p[2] == high));
            proptest::prop_assert!((p[1] - b).abs() <= (p[2] - b).abs());
        }
    }

    #[test]
    fn inputs_names() {
        assert_eq!(RangesInput::Trades.as_str(), "trades");
        assert_eq!(RangesInput::Bars.as_str(), "bars");
    }
}
