//! Summary statistics of one simulated (or recorded) day, for realism checks and the dashboard.

use gammaflow_model::event::{Event, Instrument, Quote, Trade};
use gammaflow_model::session::{self, SessionKind};
use gammaflow_model::{OptionRoot, Ticker, UnixNanos};
use jiff::civil::Date;

use super::flow::condition as c;

/// Minimum, maximum and mean of a series of values.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Range {
    /// Number of values.
    pub count: u64,
    /// Smallest value (0 when empty).
    pub min: f64,
    /// Largest value (0 when empty).
    pub max: f64,
    /// Mean (0 when empty).
    pub mean: f64,
}

impl Range {
    fn add(&mut self, x: f64) {
        if self.count == 0 {
            self.min = x;
            self.max = x;
        } else {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        self.count += 1;
        self.mean += (x - self.mean) / self.count as f64;
    }
}

/// Statistics of one option product's prints and quotes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OptionStats {
    /// Prints (every trade event, cancels included).
    pub trades: u64,
    /// Contracts traded (cancel prints excluded).
    pub contracts: u64,
    /// Contracts traded in the series expiring on the trade date.
    pub zero_dte_contracts: u64,
    /// Contracts traded in calls.
    pub call_contracts: u64,
    /// Contracts traded in puts.
    pub put_contracts: u64,
    /// Prints carrying condition 219 (intermarket sweep).
    pub sweep_prints: u64,
    /// Prints carrying condition 201 (cancelled).
    pub cancel_prints: u64,
    /// Prints carrying a multi-leg condition (232–236).
    pub multi_leg_prints: u64,
    /// Prints carrying condition 248 (extended hours).
    pub extended_hours_prints: u64,
    /// Prints with condition 248 stamped inside the cash session (should be 0).
    pub extended_hours_in_cash_session: u64,
    /// Prints carrying 204 (late) or 202 (out of sequence).
    pub late_prints: u64,
    /// Prints in the first 30 minutes of the cash session.
    pub first_30m_trades: u64,
    /// Prints in the last 30 minutes of the cash session.
    pub last_30m_trades: u64,
    /// Prints per 30 minutes in the middle 40 % of the cash session.
    pub midday_trades_per_30m: f64,
    /// Median bid-ask spread (price units) of two-sided 0DTE quotes with the strike within 0.25 %
    /// of the underlying, during the cash session; `None` without such quotes.
    pub median_atm_spread: Option<f64>,
    /// Quotes seen.
    pub quotes: u64,
}

impl OptionStats {
    /// Share of contracts traded in the 0DTE series (0 when nothing traded).
    pub fn zero_dte_share(&self) -> f64 {
        ratio(self.zero_dte_contracts, self.contracts)
    }

    /// Call contracts over put contracts (0 when no puts traded).
    pub fn call_put_ratio(&self) -> f64 {
        ratio(self.call_contracts, self.put_contracts)
    }

    /// Share of prints that are sweep legs.
    pub fn sweep_fraction(&self) -> f64 {
        ratio(self.sweep_prints, self.trades)
    }

    /// Share of prints that are cancellations.
    pub fn cancel_fraction(&self) -> f64 {
        ratio(self.cancel_prints, self.trades)
    }

    /// Share of prints that are multi-leg.
    pub fn multi_leg_fraction(&self) -> f64 {
        ratio(self.multi_leg_prints, self.trades)
    }
}

/// Statistics of an underlying's trades and quotes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnderlyingStats {
    /// Prints.
    pub trades: u64,
    /// Contracts (ES) or shares (SPY) traded.
    pub volume: u64,
    /// Quotes.
    pub quotes: u64,
    /// Median spread of the quotes, price units.
    pub median_spread: Option<f64>,
}

/// What [`day_statistics`] measures over one trade date's events.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DayStats {
    /// The trade date (New York date of the first event).
    pub date: Option<Date>,
    /// SPXW options.
    pub spxw: OptionStats,
    /// SPY options.
    pub spy_options: OptionStats,
    /// Options on ES futures (roots for which `OptionRoot::is_futures_option` holds); their
    /// at-the-money spread is measured against the ES mid.
    pub es_options: OptionStats,
    /// ES futures.
    pub es: UnderlyingStats,
    /// SPY shares.
    pub spy: UnderlyingStats,
    /// `I:SPX` values.
    pub index_values: u64,
    /// Crossed quotes of any instrument (bid > ask); should be 0.
    pub crossed_quotes: u64,
    /// ES mid minus the latest SPX value, index points, during the cash session.
    pub es_basis: Range,
    /// SPY trade price over the latest SPX value.
    pub spy_spx_ratio: Range,
    /// Open-interest events.
    pub open_interest: u64,
    /// Definition events.
    pub definitions: u64,
    /// Events before the first or after the last one in `ts_recv` order (should be 0).
    pub out_of_order: u64,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable_by(f64::total_cmp);
    values.get(values.len() / 2).copied()
}

/// The cash session bounds of the trade date of `t`.
fn cash_session(t: UnixNanos) -> Option<(Date, u64, u64)> {
    let date = session::to_new_york(t).ok()?.date();
    let s = session::session(SessionKind::Cash, date).ok()??;
    Some((date, s.open.0, s.close.0))
}

/// Running state of the pass.
#[derive(Default)]
struct Pass {
    spx: Option<f64>,
    spy_mid: Option<f64>,
    es_mid: Option<f64>,
    atm: [Vec<f64>; 3],
    es_spreads: Vec<f64>,
    spy_spreads: Vec<f64>,
    midday: [u64; 3],
    last_recv: u64,
}

/// Statistics of one trade date's events (feed them in `ts_recv` order, e.g. one simulated day).
/// Time-of-day figures use the model calendar's cash session of the first event's New York date.
pub fn day_statistics<'a>(events: impl IntoIterator<Item = &'a Event>) -> DayStats {
    let mut st = DayStats::default();
    let mut pass = Pass::default();
    let mut window: Option<(Date, u64, u64)> = None;
    for event in events {
        let recv = event.ts_recv().0;
        if recv < pass.last_recv {
            st.out_of_order += 1;
        }
        pass.last_recv = pass.last_recv.max(recv);
        if window.is_none() {
            window = cash_session(event.ts_event());
            st.date = window.map(|w| w.0);
        }
        let Some((date, open, close)) = window else {
            continue;
        };
        let in_cash = |t: u64| t >= open && t < close;
        match event {
            Event::Index(v) => {
                st.index_values += 1;
                pass.spx = Some(v.value.to_f64());
            }
            Event::Definition(_) => st.definitions += 1,
            Event::OpenInterest(_) => st.open_interest += 1,
            Event::Quote(q) => quote(&mut st, &mut pass, q, date, in_cash(q.ts_event.0)),
            Event::Trade(t) => trade(&mut st, &mut pass, t, date, (open, close)),
            _ => {}
        }
    }
    if let Some((_, open, close)) = window {
        let middle = 0.4 * (close - open) as f64 / 1e9;
        let products = [&mut st.spxw, &mut st.spy_options, &mut st.es_options];
        for (k, s) in products.into_iter().enumerate() {
            let count = pass.midday.get(k).copied().unwrap_or(0);
            s.midday_trades_per_30m = count as f64 * 1800.0 / middle.max(1.0);
        }
    }
    st.spxw.median_atm_spread = median(&mut pass.atm[0]);
    st.spy_options.median_atm_spread = median(&mut pass.atm[1]);
    st.es_options.median_atm_spread = median(&mut pass.atm[2]);
    st.es.median_spread = median(&mut pass.es_spreads);
    st.spy.median_spread = median(&mut pass.spy_spreads);
    st
}

fn quote(st: &mut DayStats, pass: &mut Pass, q: &Quote, date: Date, in_cash: bool) {
    if q.is_crossed() {
        st.crossed_quotes += 1;
    }
    let spread = q.spread().map(|s| s.to_f64());
    let mid = q.mid().map(|m| m.to_f64());
    match q.instrument {
        Instrument::Future(_) => {
            st.es.quotes += 1;
            pass.es_spreads.extend(spread);
            pass.es_mid = mid;
            if let (true, Some(m), Some(s)) = (in_cash, mid, pass.spx) {
                st.es_basis.add(m - s);
            }
        }
        Instrument::Equity(t) if t == Ticker::SPY => {
            st.spy.quotes += 1;
            pass.spy_spreads.extend(spread);
            pass.spy_mid = mid;
        }
        Instrument::Option(contract) => {
            let (k, stats, spot) = if contract.root == OptionRoot::SPY {
                (1, &mut st.spy_options, pass.spy_mid)
            } else if contract.root.is_futures_option() {
                (2, &mut st.es_options, pass.es_mid)
            } else {
                (0, &mut st.spxw, pass.spx)
            };
            stats.quotes += 1;
            let strike = contract.strike.to_f64();
            if let (true, true, Some(s), Some(sp)) =
                (in_cash, contract.expiry == date, spot, spread)
                && (strike - s).abs() <= 0.0025 * s
                && let Some(v) = pass.atm.get_mut(k)
            {
                v.push(sp);
            }
        }
        _ => {}
    }
}

fn trade(st: &mut DayStats, pass: &mut Pass, t: &Trade, date: Date, (open, close): (u64, u64)) {
    match t.instrument {
        Instrument::Future(_) => {
            st.es.trades += 1;
            st.es.volume += t.size.as_u64();
        }
        Instrument::Equity(tk) if tk == Ticker::SPY => {
            st.spy.trades += 1;
            st.spy.volume += t.size.as_u64();
            if let Some(s) = pass.spx {
                st.spy_spx_ratio.add(t.price.to_f64() / s);
            }
        }
        Instrument::Option(contract) => {
            let (k, s) = if contract.root == OptionRoot::SPY {
                (1, &mut st.spy_options)
            } else if contract.root.is_futures_option() {
                (2, &mut st.es_options)
            } else {
                (0, &mut st.spxw)
            };
            s.trades += 1;
            let cond = t.conditions;
            let ts = t.ts_event.0;
            if cond.contains(c::CANCELED) {
                s.cancel_prints += 1;
            } else {
                let n = t.size.as_u64();
                s.contracts += n;
                if contract.expiry == date {
                    s.zero_dte_contracts += n;
                }
                if contract.right == gammaflow_model::OptionRight::Call {
                    s.call_contracts += n;
                } else {
                    s.put_contracts += n;
                }
            }
            if cond.contains(c::ISO) {
                s.sweep_prints += 1;
            }
            if (c::MULTI_LEG..=c::MULTI_LEG_VS_SINGLE).any(|x| cond.contains(x)) {
                s.multi_leg_prints += 1;
            }
            if cond.contains(c::EXTENDED_HOURS) {
                s.extended_hours_prints += 1;
                if ts >= open && ts < close {
                    s.extended_hours_in_cash_session += 1;
                }
            }
            if cond.contains(c::LATE) || cond.contains(c::OUT_OF_SEQUENCE) {
                s.late_prints += 1;
            }
            const HALF_HOUR: u64 = 1_800_000_000_000;
            if ts >= open && ts < open + HALF_HOUR {
                s.first_30m_trades += 1;
            }
            if ts >= close.saturating_sub(HALF_HOUR) && ts < close {
                s.last_30m_trades += 1;
            }
            let len = close - open;
            if ts >= open + len * 3 / 10
                && ts < open + len * 7 / 10
                && let Some(m) = pass.midday.get_mut(k)
            {
                *m += 1;
            }
        }
        _ => {}
    }
}
