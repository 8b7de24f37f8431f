//! The moving at-the-money strike window: which option contracts the desk follows.
//!
//! Per underlying the window is the centre strike ± N strikes (N = 3 by default), calls and puts of
//! one expiry (the 0DTE one unless the caller passes another). The centre is the spot rounded to
//! the strike step (SPX 5, SPY 1, ES options 5).
//!
//! # When the window moves
//! The window is **re-evaluated** on the first price, at most every `interval` (60 s by default)
//! otherwise, and at once when the spot has moved more than `move_threshold` since the last
//! evaluation ($0.50 for SPY; for other products the threshold scales with the strike step:
//! `0.5 × step`, so $2.50 for SPX), or when the expiry changes (a new trade date).
//!
//! A re-evaluation **moves the centre** only when the spot lies more than `hysteresis` beyond the
//! midpoint between the current centre and its neighbour (default `0.2 × step`: for SPY the centre
//! 600 holds from 599.30 to 600.70). So a price oscillating around a midpoint (600.49 ↔ 600.51)
//! does not churn subscriptions, while a real move re-centres within one evaluation.
//!
//! A move returns a [`WindowChange`]: the contracts to subscribe and to unsubscribe (only the
//! difference, in contract order), which the pipeline hands to the source.
//!
//! All arithmetic is on the integer [`Price`] representation; there is no `f64` here.

use gammaflow_model::{OptionContract, OptionRight, OptionRoot, Price, UnixNanos};
use jiff::civil::Date;

use crate::EngineError;

/// Nanoseconds per second.
const NANOS_PER_SECOND: u64 = 1_000_000_000;

/// Settings of one underlying's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowConfig {
    /// The option root whose contracts the window lists (`SPXW`, `SPY`, …).
    pub root: OptionRoot,
    /// Distance between listed strikes (5 for SPXW near the money, 1 for SPY), > 0.
    pub step: Price,
    /// Strikes on each side of the centre (the window has `2N + 1` strikes), 0–200.
    pub strikes_each_side: u32,
    /// A spot move larger than this since the last evaluation triggers one at once, > 0.
    pub move_threshold: Price,
    /// Longest time between evaluations, ns (> 0).
    pub interval_ns: u64,
    /// How far beyond the midpoint between two strikes the spot must go before the centre
    /// moves, ≥ 0 and < step / 2.
    pub hysteresis: Price,
}

impl WindowConfig {
    /// Defaults for a strike step: N = 3, 60 s, threshold `0.5 × step`, hysteresis `0.2 × step`.
    pub fn with_step(root: OptionRoot, step: Price) -> Self {
        Self {
            root,
            step,
            strikes_each_side: 3,
            move_threshold: Price::from_raw(step.raw() / 2),
            interval_ns: 60 * NANOS_PER_SECOND,
            hysteresis: Price::from_raw(step.raw() / 5),
        }
    }

    /// SPY-style: $1 strikes, $0.50 threshold.
    pub fn spy(root: OptionRoot) -> Self {
        Self::with_step(root, Price::from_raw(1_000_000_000))
    }

    /// SPXW-style (and ES options): 5-point strikes, 2.50-point threshold.
    pub fn spx(root: OptionRoot) -> Self {
        Self::with_step(root, Price::from_raw(5_000_000_000))
    }

    /// Checks every setting; the error names the first bad one.
    pub fn validate(&self) -> Result<(), EngineError> {
        let bad = |name: &'static str, value: String, reason: &str| EngineError::Config {
            name,
            value,
            reason: reason.to_owned(),
        };
        if self.step.raw() <= 0 || !self.step.is_defined() {
            return Err(bad("step", self.step.to_string(), "must be positive"));
        }
        if self.strikes_each_side > 200 {
            return Err(bad(
                "strikes_each_side",
                self.strikes_each_side.to_string(),
                "must be from 0 to 200",
            ));
        }
        if self.move_threshold.raw() <= 0 || !self.move_threshold.is_defined() {
            return Err(bad(
                "move_threshold",
                self.move_threshold.to_string(),
                "must be positive",
            ));
        }
        if self.interval_ns == 0 {
            return Err(bad("interval_ns", "0".to_owned(), "must be positive"));
        }
        if self.hysteresis.raw() < 0 || self.hysteresis.raw() * 2 >= self.step.raw() {
            return Err(bad(
                "hysteresis",
                self.hysteresis.to_string(),
                "must be at least 0 and less than half the strike step",
            ));
        }
        Ok(())
    }
}

/// What a window move changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowChange {
    /// The new centre strike.
    pub center: Price,
    /// The expiry the window follows.
    pub expiry: Date,
    /// Contracts newly in the window.
    pub subscribe: Vec<OptionContract>,
    /// Contracts no longer in the window.
    pub unsubscribe: Vec<OptionContract>,
}

/// One underlying's moving window; see the module docs.
#[derive(Debug, Clone)]
pub struct StrikeWindow {
    config: WindowConfig,
    /// Centre as a strike index (strike = index × step) and the expiry.
    center: Option<(i64, Date)>,
    last_eval: Option<(UnixNanos, Price)>,
    contracts: Vec<OptionContract>,
    evaluations: u64,
}

impl StrikeWindow {
    /// A closed window (it opens on the first price).
    pub fn new(config: WindowConfig) -> Result<Self, EngineError> {
        config.validate()?;
        Ok(Self {
            config,
            center: None,
            last_eval: None,
            contracts: Vec::new(),
            evaluations: 0,
        })
    }

    /// The settings.
    pub fn config(&self) -> &WindowConfig {
        &self.config
    }

    /// The centre strike, once a price was seen.
    pub fn center(&self) -> Option<Price> {
        let (index, _) = self.center?;
        self.config.step.checked_mul_int(index)
    }

    /// The contracts in the window, calls and puts, in contract order.
    pub fn contracts(&self) -> &[OptionContract] {
        &self.contracts
    }

    /// How many times the window was re-evaluated (moved or not).
    pub fn evaluations(&self) -> u64 {
        self.evaluations
    }

    /// Feeds an underlying price at `ts` for the window's `expiry`; returns the change when the
    /// window moves. An undefined or non-positive price is ignored.
    pub fn on_spot(&mut self, ts: UnixNanos, spot: Price, expiry: Date) -> Option<WindowChange> {
        if !spot.is_defined() || spot.raw() <= 0 {
            return None;
        }
        if !self.due(ts, spot, expiry) {
            return None;
        }
        self.evaluations += 1;
        self.last_eval = Some((ts, spot));
        let index = self.next_center(spot, expiry);
        if self.center == Some((index, expiry)) {
            return None;
        }
        self.center = Some((index, expiry));
        let next = self.listing(index, expiry);
        let subscribe: Vec<OptionContract> = next
            .iter()
            .filter(|c| self.contracts.binary_search(c).is_err())
            .copied()
            .collect();
        let unsubscribe: Vec<OptionContract> = self
            .contracts
            .iter()
            .filter(|c| next.binary_search(c).is_err())
            .copied()
            .collect();
        self.contracts = next;
        Some(WindowChange {
            center: self.config.step.checked_mul_int(index)?,
            expiry,
            subscribe,
            unsubscribe,
        })
    }

    /// `true` if the window must be re-evaluated now.
    fn due(&self, ts: UnixNanos, spot: Price, expiry: Date) -> bool {
        let Some((last_ts, last_spot)) = self.last_eval else {
            return true;
        };
        if self.center.is_some_and(|(_, e)| e != expiry) {
            return true;
        }
        let moved = i128::from(spot.raw()) - i128::from(last_spot.raw());
        moved.abs() > i128::from(self.config.move_threshold.raw())
            || ts.0.saturating_sub(last_ts.0) >= self.config.interval_ns
    }

    /// The centre index for `spot`, keeping the current one inside the hysteresis band.
    fn next_center(&self, spot: Price, expiry: Date) -> i64 {
        let step = i128::from(self.config.step.raw());
        let raw = i128::from(spot.raw());
        // Nearest strike, halves rounded up.
        let nearest = (raw + step / 2).div_euclid(step);
        let Some((current, current_expiry)) = self.center else {
            return nearest as i64;
        };
        if current_expiry != expiry {
            return nearest as i64;
        }
        let distance = (raw - i128::from(current) * step).abs();
        if distance * 2 <= step + 2 * i128::from(self.config.hysteresis.raw()) {
            current
        } else {
            nearest as i64
        }
    }

    /// Calls and puts of the `2N + 1` strikes around `index`, sorted.
    fn listing(&self, index: i64, expiry: Date) -> Vec<OptionContract> {
        let n = i64::from(self.config.strikes_each_side);
        let mut out = Vec::with_capacity(2 * (2 * n as usize + 1));
        for i in (index - n)..=(index + n) {
            let Some(strike) = self.config.step.checked_mul_int(i) else {
                continue;
            };
            if strike.raw() <= 0 {
                continue;
            }
            for right in [OptionRight::Call, OptionRight::Put] {
                out.push(OptionContract::new(self.config.root, expiry, right, strike));
            }
        }
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn p(s: &str) -> Price {
        s.parse().unwrap()
    }

    fn spy_window() -> StrikeWindow {
        StrikeWindow::new(WindowConfig::spy(OptionRoot::new("SPY").unwrap())).unwrap()
    }

    const SEC: u64 = 1_000_000_000;

    #[test]
    fn opens_on_the_first_price_and_rounds_to_the_step() {
        let mut w = spy_window();
        let change = w
            .on_spot(UnixNanos(0), p("600.5"), date(2025, 6, 9))
            .unwrap();
        assert_eq!(change.center, p("601"));
        assert_eq!(change.subscribe.len(), 14);
        assert!(change.unsubscribe.is_empty());
        let strikes: Vec<String> = change
            .subscribe
            .iter()
            .filter(|c| c.right == OptionRight::Call)
            .map(|c| c.strike.to_string())
            .collect();
        assert_eq!(strikes, ["598", "599", "600", "601", "602", "603", "604"]);
    }

    #[test]
    fn oscillation_around_a_midpoint_does_not_churn() {
        let mut w = spy_window();
        let d = date(2025, 6, 9);
        assert!(w.on_spot(UnixNanos(0), p("600.49"), d).is_some());
        for (i, s) in ["600.51", "600.49", "600.6", "600.45", "600.7"]
            .iter()
            .enumerate()
        {
            // Each 61 s apart, so every price is evaluated.
            let ts = UnixNanos((i as u64 + 1) * 61 * SEC);
            assert_eq!(w.on_spot(ts, p(s), d), None, "{s}");
        }
        assert_eq!(w.center(), Some(p("600")));
        assert_eq!(w.evaluations(), 6);
        // Beyond the band: moves by one strike, subscribing one strike, dropping one.
        let change = w.on_spot(UnixNanos(400 * SEC), p("600.71"), d).unwrap();
        assert_eq!(change.center, p("601"));
        assert_eq!(change.subscribe.len(), 2);
        assert_eq!(change.unsubscribe.len(), 2);
        assert_eq!(change.subscribe[0].strike, p("604"));
        assert_eq!(change.unsubscribe[0].strike, p("597"));
    }

    #[test]
    fn evaluates_on_a_big_move_or_after_the_interval_only() {
        let mut w = spy_window();
        let d = date(2025, 6, 9);
        w.on_spot(UnixNanos(0), p("600"), d).unwrap();
        // 0.45 move within 60 s: not evaluated even though 600.45 < band edge anyway.
        assert_eq!(w.on_spot(UnixNanos(SEC), p("600.45"), d), None);
        assert_eq!(w.evaluations(), 1);
        // A 2-dollar jump is evaluated at once.
        let change = w.on_spot(UnixNanos(2 * SEC), p("602"), d).unwrap();
        assert_eq!(change.center, p("602"));
        assert_eq!(w.evaluations(), 2);
        // A slow drift: each step within the threshold, so only the interval triggers.
        assert_eq!(w.on_spot(UnixNanos(3 * SEC), p("602.4"), d), None);
        assert_eq!(w.on_spot(UnixNanos(10 * SEC), p("602.45"), d), None);
        assert_eq!(w.evaluations(), 2);
        assert_eq!(w.on_spot(UnixNanos(62 * SEC), p("602.45"), d), None);
        assert_eq!(w.evaluations(), 3);
        assert_eq!(w.on_spot(UnixNanos(70 * SEC), p("602.9"), d), None);
        assert_eq!(w.evaluations(), 3);
        let change = w.on_spot(UnixNanos(122 * SEC), p("602.9"), d).unwrap();
        assert_eq!(change.center, p("603"));
        assert_eq!(w.evaluations(), 4);
    }

    #[test]
    fn a_new_expiry_replaces_the_whole_window() {
        let mut w = spy_window();
        w.on_spot(UnixNanos(0), p("600"), date(2025, 6, 9)).unwrap();
        let change = w
            .on_spot(UnixNanos(SEC), p("600"), date(2025, 6, 10))
            .unwrap();
        assert_eq!(change.subscribe.len(), 14);
        assert_eq!(change.unsubscribe.len(), 14);
        assert!(
            change
                .subscribe
                .iter()
                .all(|c| c.expiry == date(2025, 6, 10))
        );
    }

    #[test]
    fn spx_window_and_bad_settings() {
        let root = OptionRoot::new("SPXW").unwrap();
        let mut w = StrikeWindow::new(WindowConfig::spx(root)).unwrap();
        let change = w
            .on_spot(UnixNanos(0), p("6012.6"), date(2025, 6, 9))
            .unwrap();
        assert_eq!(change.center, p("6015"));
        assert_eq!(change.subscribe.first().unwrap().strike, p("6000"));
        assert_eq!(
            w.on_spot(UnixNanos(1), Price::UNDEF, date(2025, 6, 9)),
            None
        );
        let mut bad = WindowConfig::spx(root);
        bad.hysteresis = p("2.5");
        assert_eq!(
            StrikeWindow::new(bad).unwrap_err().to_string(),
            "engine setting hysteresis = 2.5: must be at least 0 and less than half the strike step"
        );
        bad = WindowConfig::spx(root);
        bad.step = Price::ZERO;
        assert!(StrikeWindow::new(bad).is_err());
    }
}
