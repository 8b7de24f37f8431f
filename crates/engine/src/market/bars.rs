//! ES one-minute bars of a trade date, with the VWAP and the SPX value at each minute's end, and
//! the realized volatility of windows of them.
//!
//! A bar covers `[minute, minute + 60 s)` of event time and is opened by the first ES trade of that
//! minute (minutes without trades have no bar). A trade older than the last bar (out of order)
//! joins the last bar, so bars never go back in time. `vwap` is the running trade-date VWAP after
//! the minute's last trade (the VWAP changes only on trades, so that is its value at the minute's
//! end); `spx` is the last SPX value at or before the minute's end (carried from earlier minutes).
//! At most [`MAX_BARS`] bars (one day of minutes) are kept.
//!
//! # Realized volatility
//! [`MinuteBars::realized`] gives, for a window `[from, to)` of bar start times, the annualised
//! close-to-close volatility ([`close_to_close`]) of the closes of the **completed** bars in it (a
//! bar is completed once event time reaches its end), `None` under 3 bars (2 returns). The
//! annualisation is [`RV_PERIODS_PER_YEAR`] = 252 × 1380, one-minute returns of 23-hour Globex
//! sessions. [`MarketTracker`](super::MarketTracker) caches the results until another bar
//! completes.

use gammaflow_model::UnixNanos;
use gammaflow_quant::stats::close_to_close;

/// Nanoseconds per minute.
pub const MINUTE_NS: u64 = 60_000_000_000;
/// Most bars kept (one day of minutes).
pub const MAX_BARS: usize = 1_440;
/// One-minute bars per year of 252 Globex sessions of 23 hours.
pub const RV_PERIODS_PER_YEAR: f64 = 252.0 * 1380.0;

/// One ES minute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MinuteBar {
    /// Start of the minute.
    pub start: UnixNanos,
    /// First trade price, points.
    pub open: f64,
    /// Highest trade price, points.
    pub high: f64,
    /// Lowest trade price, points.
    pub low: f64,
    /// Last trade price, points.
    pub close: f64,
    /// Contracts traded.
    pub volume: u64,
    /// Trade-date VWAP at the minute's end, points.
    pub vwap: Option<f64>,
    /// Last SPX value at or before the minute's end, points.
    pub spx: Option<f64>,
}

/// A realized-volatility window's result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RealizedVol {
    /// Completed bars in the window.
    pub bars: usize,
    /// Annualised close-to-close volatility (per 1.00), `None` under 3 bars.
    pub rv: Option<f64>,
}

/// The bars of one trade date.
#[derive(Debug, Clone, Default)]
pub struct MinuteBars {
    bars: Vec<MinuteBar>,
    /// Closes of `bars` (the slice [`close_to_close`] reads).
    closes: Vec<f64>,
    /// Last SPX value, carried into new bars.
    spx: Option<f64>,
    /// Trades not added because the day was full.
    dropped: u64,
}

impl MinuteBars {
    /// The bars, oldest first.
    pub fn bars(&self) -> &[MinuteBar] {
        &self.bars
    }

    /// Trades not added because [`MAX_BARS`] bars were full.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Adds an ES trade at `ts` of `size` contracts at `price`; `vwap` is the VWAP after it.
    pub fn on_trade(&mut self, ts: UnixNanos, price: f64, size: u64, vwap: Option<f64>) {
        let minute = UnixNanos(ts.0 / MINUTE_NS * MINUTE_NS);
        let needs_new = self.bars.last().is_none_or(|b| minute > b.start);
        if needs_new {
            if self.bars.len() >= MAX_BARS {
                self.dropped += 1;
                return;
            }
            self.bars.push(MinuteBar {
                start: minute,
                open: price,
                high: price,
                low: price,
                close: price,
                volume: 0,
                vwap,
                spx: self.spx,
            });
            self.closes.push(price);
        }
        let (Some(bar), Some(close)) = (self.bars.last_mut(), self.closes.last_mut()) else {
            return;
        };
        bar.high = bar.high.max(price);
        bar.low = bar.low.min(price);
        bar.close = price;
        bar.volume += size;
        bar.vwap = vwap;
        *close = price;
    }

    /// An SPX value at `ts`: the last bar takes it unless its minute ended before `ts`.
    pub fn on_spx(&mut self, ts: UnixNanos, value: f64) {
        self.spx = Some(value);
        if let Some(bar) = self.bars.last_mut()
            && ts.0 < bar.start.0.saturating_add(MINUTE_NS)
        {
            bar.spx = Some(value);
        }
    }

    /// Bars completed at event time `now` (their minute has ended).
    pub fn completed(&self, now: UnixNanos) -> usize {
        match self.bars.last() {
            Some(last) if now.0 < last.start.0.saturating_add(MINUTE_NS) => self.bars.len() - 1,
            _ => self.bars.len(),
        }
    }

    /// Realized volatility of the first `completed` bars whose start lies in `[from, to)`.
    pub fn realized(&self, completed: usize, from: UnixNanos, to: UnixNanos) -> RealizedVol {
        let bars = self.bars.get(..completed).unwrap_or(&self.bars);
        let lo = bars.partition_point(|b| b.start < from);
        let hi = bars.partition_point(|b| b.start < to).max(lo);
        let closes = self.closes.get(lo..hi).unwrap_or(&[]);
        RealizedVol {
            bars: closes.len(),
            rv: close_to_close(closes, RV_PERIODS_PER_YEAR).ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000_000;
    const T0: u64 = 1_749_475_800 * S; // a whole minute

    #[test]
    fn ohlcv_vwap_and_spx_per_minute() {
        let mut b = MinuteBars::default();
        b.on_spx(UnixNanos(T0 - S), 5990.0);
        b.on_trade(UnixNanos(T0 + S), 6000.0, 2, Some(6000.0));
        b.on_trade(UnixNanos(T0 + 20 * S), 6001.0, 1, Some(6000.3));
        b.on_spx(UnixNanos(T0 + 30 * S), 5991.0);
        b.on_trade(UnixNanos(T0 + 40 * S), 5999.5, 1, Some(6000.1));
        // Next minute; an SPX value of that minute does not touch the first bar.
        b.on_spx(UnixNanos(T0 + 61 * S), 5992.0);
        b.on_trade(UnixNanos(T0 + 65 * S), 6002.0, 3, Some(6001.0));
        // Out of order: joins the last bar.
        b.on_trade(UnixNanos(T0 + 59 * S), 6003.0, 1, Some(6001.2));
        let bars = b.bars();
        assert_eq!(bars.len(), 2);
        let first = bars[0];
        assert_eq!(
            (first.open, first.high, first.low, first.close, first.volume),
            (6000.0, 6001.0, 5999.5, 5999.5, 4)
        );
        assert_eq!((first.vwap, first.spx), (Some(6000.1), Some(5991.0)));
        let second = bars[1];
        assert_eq!(
            (second.close, second.high, second.volume),
            (6003.0, 6003.0, 4)
        );
        assert_eq!(second.spx, Some(5992.0));
        assert_eq!(b.completed(UnixNanos(T0 + 119 * S)), 1);
        assert_eq!(b.completed(UnixNanos(T0 + 120 * S)), 2);
    }

    #[test]
    fn realized_vol_by_hand() {
        let mut b = MinuteBars::default();
        let closes = [100.0, 101.0, 100.5, 102.0, 101.0];
        for (i, c) in closes.iter().enumerate() {
            b.on_trade(UnixNanos(T0 + i as u64 * 60 * S), *c, 1, None);
        }
        let end = UnixNanos(T0 + 10 * 60 * S);
        let all = b.realized(b.completed(end), UnixNanos(T0), end);
        // By hand: log returns, their sample variance (n − 1), times 252·1380, square root.
        let r: Vec<f64> = closes.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
        let mean = r.iter().sum::<f64>() / 4.0;
        let var = r.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 3.0;
        let expected = (var * 252.0 * 1380.0).sqrt();
        assert_eq!(all.bars, 5);
        assert!(
            (all.rv.unwrap() - expected).abs() < 1e-12,
            "{all:?} vs {expected}"
        );
        // A window holding bars 1..=2 only: two bars, no estimate.
        let part = b.realized(5, UnixNanos(T0 + 60 * S), UnixNanos(T0 + 180 * S));
        assert_eq!((part.bars, part.rv), (2, None));
        // The bar still open is left out.
        let open = b.realized(
            b.completed(UnixNanos(T0 + 4 * 60 * S + S)),
            UnixNanos(T0),
            end,
        );
        assert_eq!(open.bars, 4);
    }
}
