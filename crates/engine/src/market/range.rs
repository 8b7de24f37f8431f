//! One range window: a centre, ±1σ/±2σ bands whose width is set once from the 0DTE ATM implied
//! volatility, touches of the bands and a breakout, all by event time.
//!
//! # Width
//! The half width of the 1σ band is the [`iv_move`] of the centre over the rest of the window:
//!
//! ```text
//! half_width_1s = centre × σ × √τ,   τ = year_fraction(t_set, end)   (ACT/365, whole seconds)
//! half_width_2s = 2 × half_width_1s
//! ```
//!
//! with `σ` the annualised ATM IV known at `t_set` and `τ` the calendar time (years of 365 days)
//! from `t_set` to the window's end: the same ACT/365 clock the engine's IVs are solved on, so
//! `σ√τ` is the market's own 1σ move to the window's end. `t_set` is the first event time inside
//! the window at which both a centre and an IV are known; the width is then frozen for the window
//! (the centre itself may keep moving: the morning window follows the ES VWAP).
//!
//! # Touches, breakout, position
//! With the bands known and `p` an ES trade price inside the window:
//! * **touch**: `|p − level| ≤ buffer` for a band level (±1σ, ±2σ; the centre is not a band)
//!   counts one touch of that level, at most once per `cooldown` per level (measured from the
//!   level's last counted touch);
//! * **breakout**: `p` stays beyond the 1σ band on one side (above `centre + h₁` or below
//!   `centre − h₁`) continuously for `breakout` (each price re-evaluates the side; a price back
//!   inside or on the other side restarts the clock). The breakout instant is the moment the
//!   condition completed, `since + breakout` (it must fall within the window); only the first
//!   breakout is kept;
//! * **position**: the last price relative to the 1σ band (`inside` when `centre − h₁ ≤ p ≤
//!   centre + h₁`); **closed inside** is that position at the window's end.
//!
//! The window is `[start, end)`; its status is `pending` before `start`, `active` inside, and
//! `closed` from `end` on, by the latest event time seen.

use gammaflow_model::UnixNanos;
use gammaflow_model::expiry::year_fraction;
use gammaflow_quant::stats::iv_move;

/// Nanoseconds per second.
const NS: u64 = 1_000_000_000;
/// Slack on the touch distance, points (absorbs the binary rounding of `f64` prices).
const EPSILON: f64 = 1e-9;

/// The labels of [`RangeTracker::levels`], high → low.
pub const LEVEL_LABELS: [&str; 5] = ["+2σ", "+1σ", "ref", "−1σ", "−2σ"];

/// The touch and breakout rules of a range window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RangeParams {
    /// Distance from a level within which a price touches it, points (default 0.25, one ES tick).
    pub buffer: f64,
    /// Shortest time between two counted touches of one level, ns (default 30 s).
    pub cooldown_ns: u64,
    /// How long the price must stay beyond the 1σ band for a breakout, ns (default 5 minutes).
    pub breakout_ns: u64,
}

impl Default for RangeParams {
    /// Buffer 0.25 points, cooldown 30 s, breakout 5 minutes.
    fn default() -> Self {
        Self {
            buffer: 0.25,
            cooldown_ns: 30 * NS,
            breakout_ns: 300 * NS,
        }
    }
}

/// Where a window stands in event time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeStatus {
    /// Before the window's start.
    Pending,
    /// Inside the window.
    Active,
    /// At or after the window's end.
    Closed,
}

impl RangeStatus {
    /// `pending`, `active` or `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Closed => "closed",
        }
    }
}

/// The side of a breakout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakoutSide {
    /// Above the upper 1σ band.
    Up,
    /// Below the lower 1σ band.
    Down,
}

impl BreakoutSide {
    /// `up` or `down`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Down => "down",
        }
    }
}

/// A price relative to the 1σ band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BandPosition {
    /// Within `centre ± h₁` (bounds included).
    Inside,
    /// Above `centre + h₁`.
    Above,
    /// Below `centre − h₁`.
    Below,
}

impl BandPosition {
    /// `inside`, `above` or `below`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inside => "inside",
            Self::Above => "above",
            Self::Below => "below",
        }
    }
}

/// The frozen width of a window's bands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandWidth {
    /// The annualised implied volatility the width was set from (per 1.00).
    pub sigma: f64,
    /// Half width of the 1σ band, points.
    pub half_width_1s: f64,
    /// When the width was set (event time).
    pub set_at: UnixNanos,
}

/// One level of a window, for display.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// One of [`LEVEL_LABELS`].
    pub label: &'static str,
    /// The level, points.
    pub price: f64,
    /// Touches counted at this level (always 0 for the centre).
    pub touches: u32,
}

/// One range window; see the module docs. Fixed size, no allocation: every update is O(1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RangeTracker {
    start: UnixNanos,
    end: UnixNanos,
    params: RangeParams,
    now: UnixNanos,
    reference: Option<f64>,
    sigma: Option<f64>,
    width: Option<BandWidth>,
    /// Touches of +2σ, +1σ, −1σ, −2σ.
    touches: [u32; 4],
    last_touch: [Option<UnixNanos>; 4],
    first_touch: Option<UnixNanos>,
    beyond: Option<(BreakoutSide, UnixNanos)>,
    breakout: Option<(BreakoutSide, UnixNanos)>,
    last_price: Option<f64>,
    closed_inside: Option<bool>,
    finished: bool,
}

impl RangeTracker {
    /// A window over `[start, end)` of event time.
    pub fn new(start: UnixNanos, end: UnixNanos, params: RangeParams) -> Self {
        Self {
            start,
            end,
            params,
            now: UnixNanos(0),
            reference: None,
            sigma: None,
            width: None,
            touches: [0; 4],
            last_touch: [None; 4],
            first_touch: None,
            beyond: None,
            breakout: None,
            last_price: None,
            closed_inside: None,
            finished: false,
        }
    }

    /// First instant of the window.
    pub fn start(&self) -> UnixNanos {
        self.start
    }

    /// First instant after the window.
    pub fn end(&self) -> UnixNanos {
        self.end
    }

    /// The rules.
    pub fn params(&self) -> RangeParams {
        self.params
    }

    /// Status at the latest event time seen.
    pub fn status(&self) -> RangeStatus {
        if self.now < self.start {
            RangeStatus::Pending
        } else if self.now < self.end {
            RangeStatus::Active
        } else {
            RangeStatus::Closed
        }
    }

    /// The band centre, points.
    pub fn reference(&self) -> Option<f64> {
        self.reference
    }

    /// The frozen width, once set.
    pub fn width(&self) -> Option<BandWidth> {
        self.width
    }

    /// The levels high → low (+2σ, +1σ, centre, −1σ, −2σ), once centre and width are known.
    pub fn levels(&self) -> Option<[Band; 5]> {
        let (c, h) = (self.reference?, self.width?.half_width_1s);
        let prices = [c + 2.0 * h, c + h, c, c - h, c - 2.0 * h];
        let touches = [
            self.touches[0],
            self.touches[1],
            0,
            self.touches[2],
            self.touches[3],
        ];
        let mut out = [Band {
            label: "",
            price: 0.0,
            touches: 0,
        }; 5];
        for (i, band) in out.iter_mut().enumerate() {
            *band = Band {
                label: LEVEL_LABELS[i],
                price: prices[i],
                touches: touches[i],
            };
        }
        Some(out)
    }

    /// Touches counted over all levels.
    pub fn touches(&self) -> u32 {
        self.touches.iter().sum()
    }

    /// Time of the first counted touch.
    pub fn first_touch(&self) -> Option<UnixNanos> {
        self.first_touch
    }

    /// The first breakout: its side and the instant it completed.
    pub fn breakout(&self) -> Option<(BreakoutSide, UnixNanos)> {
        self.breakout
    }

    /// The last price inside the window relative to the 1σ band.
    pub fn position(&self) -> Option<BandPosition> {
        self.position_of(self.last_price?)
    }

    /// At the window's end: whether the last price was inside the 1σ band (`None` while the
    /// window is open, or when no width or price was known).
    pub fn closed_inside(&self) -> Option<bool> {
        self.closed_inside
    }

    /// Sets the centre at event time `ts` (ignored at or after the end, and unless finite > 0).
    pub fn set_reference(&mut self, ts: UnixNanos, reference: f64) {
        self.advance(ts);
        if ts >= self.end || !(reference.is_finite() && reference > 0.0) {
            return;
        }
        self.reference = Some(reference);
        self.try_set_width(ts);
    }

    /// The ATM implied volatility known at `ts` (annualised, per 1.00; ignored unless finite > 0).
    /// Sets the width at the first moment inside the window when a centre is known too.
    pub fn set_sigma(&mut self, ts: UnixNanos, sigma: f64) {
        self.advance(ts);
        if !(sigma.is_finite() && sigma > 0.0) {
            return;
        }
        self.sigma = Some(sigma);
        self.try_set_width(ts);
    }

    /// An ES trade at `ts` (ignored outside the window).
    pub fn on_price(&mut self, ts: UnixNanos, price: f64) {
        self.advance(ts);
        if ts < self.start || ts >= self.end || !price.is_finite() {
            return;
        }
        self.try_set_width(ts);
        self.last_price = Some(price);
        let (Some(c), Some(w)) = (self.reference, self.width) else {
            return;
        };
        let h = w.half_width_1s;
        let levels = [c + 2.0 * h, c + h, c - h, c - 2.0 * h];
        for (i, level) in levels.into_iter().enumerate() {
            if (price - level).abs() > self.params.buffer + EPSILON {
                continue;
            }
            let cooled = self.last_touch[i]
                .is_none_or(|last| ts.0.saturating_sub(last.0) >= self.params.cooldown_ns);
            if cooled {
                self.touches[i] += 1;
                self.last_touch[i] = Some(ts);
                self.first_touch.get_or_insert(ts);
            }
        }
        let side = match self.position_of(price) {
            Some(BandPosition::Above) => Some(BreakoutSide::Up),
            Some(BandPosition::Below) => Some(BreakoutSide::Down),
            _ => None,
        };
        self.beyond = match (side, self.beyond) {
            (Some(now), Some((before, since))) if now == before => Some((before, since)),
            (Some(now), _) => Some((now, ts)),
            (None, _) => None,
        };
        self.check_breakout(ts);
    }

    /// Moves event time to `ts` (never back): updates the status, completes a breakout whose
    /// time has come, and settles `closed_inside` when the window ends.
    pub fn advance(&mut self, ts: UnixNanos) {
        if ts <= self.now {
            return;
        }
        self.now = ts;
        self.check_breakout(ts.min(self.end));
        if !self.finished && ts >= self.end {
            self.finished = true;
            self.closed_inside = self
                .position()
                .map(|position| position == BandPosition::Inside);
        }
    }

    fn check_breakout(&mut self, ts: UnixNanos) {
        if self.breakout.is_some() {
            return;
        }
        if let Some((side, since)) = self.beyond {
            let at = UnixNanos(since.0.saturating_add(self.params.breakout_ns));
            if at <= ts && at <= self.end {
                self.breakout = Some((side, at));
            }
        }
    }

    fn try_set_width(&mut self, ts: UnixNanos) {
        if self.width.is_some() || ts < self.start || ts >= self.end {
            return;
        }
        let (Some(c), Some(sigma)) = (self.reference, self.sigma) else {
            return;
        };
        let Ok(tau) = year_fraction(ts, self.end) else {
            return;
        };
        let half = iv_move(c, sigma, tau);
        if half.is_finite() && half > 0.0 {
            self.width = Some(BandWidth {
                sigma,
                half_width_1s: half,
                set_at: ts,
            });
        }
    }

    fn position_of(&self, price: f64) -> Option<BandPosition> {
        let (c, h) = (self.reference?, self.width?.half_width_1s);
        Some(if price > c + h {
            BandPosition::Above
        } else if price < c - h {
            BandPosition::Below
        } else {
            BandPosition::Inside
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gammaflow_model::expiry::SECONDS_PER_YEAR;

    const MIN: u64 = 60 * NS;

    /// A one-hour window starting at 1,000 s whose width is exactly 10 points: centre 5000 and
    /// σ = 10 / (5000 × √τ) for τ = one hour.
    fn window() -> RangeTracker {
        let start = UnixNanos(1_000 * NS);
        let end = UnixNanos(start.0 + 60 * MIN);
        let mut r = RangeTracker::new(start, end, RangeParams::default());
        r.set_reference(start, 5000.0);
        let tau = 3600.0 / SECONDS_PER_YEAR as f64;
        r.set_sigma(start, 10.0 / (5000.0 * tau.sqrt()));
        r
    }

    fn at(r: &RangeTracker, minutes: f64) -> UnixNanos {
        UnixNanos(r.start().0 + (minutes * 60.0 * NS as f64) as u64)
    }

    #[test]
    fn width_is_set_once_from_the_rest_of_the_window() {
        let r = window();
        let w = r.width().unwrap();
        assert!((w.half_width_1s - 10.0).abs() < 1e-9, "{w:?}");
        let levels = r.levels().unwrap();
        let prices: Vec<f64> = levels
            .iter()
            .map(|b| (b.price * 1e6).round() / 1e6)
            .collect();
        assert_eq!(prices, [5020.0, 5010.0, 5000.0, 4990.0, 4980.0]);
        assert_eq!(levels.map(|b| b.label), LEVEL_LABELS);
        // A later IV does not change the width; a moving centre moves the levels only.
        let mut r = r;
        r.set_sigma(at(&r, 10.0), 0.5);
        r.set_reference(at(&r, 10.0), 5001.0);
        assert_eq!(r.width().unwrap().half_width_1s, w.half_width_1s);
        assert!((r.levels().unwrap()[1].price - 5011.0).abs() < 1e-9);
    }

    #[test]
    fn no_levels_before_an_iv_and_width_waits_for_the_window() {
        let start = UnixNanos(1_000 * NS);
        let mut r = RangeTracker::new(start, UnixNanos(start.0 + MIN), RangeParams::default());
        r.set_sigma(UnixNanos(start.0 - NS), 0.2);
        r.set_reference(UnixNanos(start.0 - NS), 5000.0);
        assert_eq!(r.status(), RangeStatus::Pending);
        assert!(r.levels().is_none());
        r.on_price(start, 5000.0);
        assert_eq!(r.status(), RangeStatus::Active);
        assert_eq!(r.width().unwrap().set_at, start);
    }

    #[test]
    fn three_touches_with_cooldown_and_one_breakout() {
        let mut r = window();
        // Touch +1σ (5010) at 1 min; again 10 s later within the cooldown: not counted.
        r.on_price(at(&r, 1.0), 5009.75);
        r.on_price(at(&r, 1.0 + 10.0 / 60.0), 5010.25);
        assert_eq!(r.touches(), 1);
        // Back inside, then +1σ again after the cooldown: counted.
        r.on_price(at(&r, 2.0), 5000.0);
        r.on_price(at(&r, 3.0), 5010.0);
        // Beyond the band but not at a level: no touch; the breakout clock runs from 3.5 min.
        r.on_price(at(&r, 3.5), 5015.0);
        r.on_price(at(&r, 6.0), 5014.0);
        assert_eq!(r.breakout(), None);
        // 2σ touched at 7 min (still above 1σ), breakout completes at 8.5 min.
        r.on_price(at(&r, 7.0), 5019.9);
        assert_eq!(r.breakout(), None);
        r.on_price(at(&r, 9.0), 5016.0);
        assert_eq!(r.breakout(), Some((BreakoutSide::Up, at(&r, 8.5))));
        assert_eq!(r.touches(), 3);
        let levels = r.levels().unwrap();
        assert_eq!(levels.map(|b| b.touches), [1, 2, 0, 0, 0]);
        assert_eq!(r.first_touch(), Some(at(&r, 1.0)));
        // A later breakout down is not recorded (first only).
        r.on_price(at(&r, 10.0), 4985.0);
        r.on_price(at(&r, 20.0), 4985.0);
        assert_eq!(r.breakout().unwrap().0, BreakoutSide::Up);
        assert_eq!(r.position(), Some(BandPosition::Below));
    }

    #[test]
    fn breakout_completes_on_time_alone_and_resets_inside() {
        let mut r = window();
        r.on_price(at(&r, 1.0), 4989.0);
        r.on_price(at(&r, 5.0), 4995.0); // back inside: clock restarts
        r.on_price(at(&r, 5.5), 4989.0);
        r.advance(at(&r, 10.0));
        assert_eq!(r.breakout(), None);
        r.advance(at(&r, 10.5));
        assert_eq!(r.breakout(), Some((BreakoutSide::Down, at(&r, 10.5))));
    }

    #[test]
    fn closes_inside_or_not_at_the_end() {
        let mut r = window();
        r.on_price(at(&r, 59.0), 5003.0);
        assert_eq!(r.closed_inside(), None);
        r.advance(at(&r, 60.0));
        assert_eq!(r.status(), RangeStatus::Closed);
        assert_eq!(r.closed_inside(), Some(true));
        // Prices after the end change nothing.
        r.on_price(at(&r, 61.0), 6000.0);
        assert_eq!(r.position(), Some(BandPosition::Inside));
        let mut r = window();
        r.on_price(at(&r, 58.0), 5030.0);
        r.advance(at(&r, 61.0));
        assert_eq!(r.closed_inside(), Some(false));
        // A breakout that would complete after the end does not count.
        assert_eq!(r.breakout(), None);
    }
}
