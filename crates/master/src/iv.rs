//! 0DTE at-the-money implied volatility, the implied SPX level and the 25-delta skew, from OPRA
//! quote mids at given instants ([`iv_point`]), and per-window values ([`window_values`]).
//!
//! # Method (one instant `T`, one expiry)
//! 1. **Usable quotes** (details in `iv/quotes.rs`). Top-of-book files print a record only when a
//!    quote changes, so a contract's last quote stands until replaced. Ages count only time when
//!    the options market is open (Cboe GTH and the regular session; at the 09:30 open the book
//!    left at the 09:15 GTH close is current). When no contract of the expiry has a record within
//!    `max_quote_age_secs` (60 s) before `T`, the feed has a gap and every quote is *stale*;
//!    otherwise a quote older than the limit is *held* and used, except within
//!    `atm_hold_points` (10) of the implied level, where an unchanged 0DTE quote cannot be
//!    current (*stale*). Crossed quotes and zero or missing sides are left out at any age.
//!    Counts by kind are kept ([`QuoteCounts`]); when quotes within `band_points` of the implied
//!    level were left out as stale or crossed, the instant gets one [`Check::StaleQuote`] finding
//!    with all the counts (see [`IvPoint::finding`]; zero bids alone, normal for far
//!    out-of-the-money 0DTE options, are counted but raise no finding).
//! 2. **Time to expiry** `t`: ACT/365 years from `T` to the PM settlement of the expiry, the cash
//!    close (16:00 ET, 13:00 ET on early closes) by
//!    [`gammaflow_model::expiry::expiration_instant`] for `SPXW`. At or after the close `t = 0` and
//!    no volatility is given (the 22:00 Zurich snapshot is the close itself).
//! 3. **Implied SPX (forward).** SPX index values are not in OPRA files, so the underlying is
//!    implied by **put-call parity**: for every strike with a usable call and put,
//!    `F_K = K + e^(r·t)·(C_mid − P_mid)`; the `parity_strikes` (3) strikes with the smallest
//!    `|C_mid − P_mid|` (the ones nearest the money) are averaged. With `r = 0` this is exactly the
//!    task's `F = K + C − P`. For 0DTE the forward and the spot differ by `S·(r − q)·t`, well under
//!    a point, so `F` is reported as the implied SPX. When an explicit SPX series is given
//!    ([`SpxSeries`]), its last value at or before `T` (no older than the quote age limit) is used
//!    instead, as `F = S·e^(r·t)` (no dividend yield: `q = 0`).
//! 4. **Model.** Black-76 on `F` with rate `r` (default **`r = 0`**: over a 0DTE horizon
//!    discounting changes a premium by `r·t` ≈ 3·10⁻⁵ relative, far below the tick; the Black-76
//!    price on the parity forward equals Black-Scholes with any `(r, q)` that gives that forward,
//!    so `q` is not needed). Solver: [`gammaflow_quant::iv::implied_vol`] on the quote mid.
//! 5. **ATM IV.** For each strike the IV is the mean of the call's and the put's IV (either alone
//!    when only one solves); the ATM IV is the linear interpolation in strike of that IV at `F`
//!    between the nearest strikes below and above (the nearest one when `F` is outside them).
//! 6. **25-delta skew.** Out-of-the-money puts (`K ≤ F`) and calls (`K ≥ F`) with their IV and
//!    Black-76 delta (`e^(−rt)·N(d1)` for calls, `e^(−rt)·(N(d1) − 1)` for puts); the IV at
//!    delta −0.25 and +0.25 is interpolated linearly in delta between the two bracketing strikes
//!    (no extrapolation: `None` when the quotes do not reach 25 delta). `skew25 = IV(25Δ put) −
//!    IV(25Δ call)`, in volatility units (0.03 = 3 vol points).
//!
//! # Windows ([`window_values`])
//! IV is sampled at every configured snapshot (`oi.snapshots`), at every window start and end, and
//! on a grid every `grid_minutes` (30) over the `full` window. Per window (`iv_rv.windows`,
//! `[start, end]` inclusive): **`iv_end`** = the ATM IV of the last sample in the window that has
//! one (a window ending at the close takes the last sample before it, since `t = 0` at the close),
//! **`iv_mean`** = the mean ATM IV of the samples in the window that have one, and `skew25_end`
//! likewise. All values annualised, per 1.00 (0.15 = 15 %).

use gammaflow_model::expiry::{self, OptionProduct};
use gammaflow_model::{OptionRight, UnixNanos};
use gammaflow_quant::{Model, OptionInputs, OptionKind, black, iv};
use jiff::civil::Date;

use crate::opra::{ChainState, ContractSnapshot};
use crate::validate::{Check, Finding, RecordRef};
use quotes::Usability;

mod quotes;

/// Settings of the IV computation (see the [module documentation](self)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IvParams {
    /// Risk-free rate, continuously compounded per year (default 0).
    pub rate: f64,
    /// Quote age limit, seconds of open market (default 60; see the module method, step 1).
    pub max_quote_age_secs: f64,
    /// A quote unchanged for longer than the limit is stale within this distance of the
    /// implied level, index points (default 10: two strikes each side); held and used further out.
    pub atm_hold_points: f64,
    /// Strikes averaged for the parity forward (default 3).
    pub parity_strikes: usize,
    /// Left-out quotes are reported only within this distance of the implied level, index
    /// points (default 100; the builder passes `oi.strike_range`).
    pub band_points: f64,
    /// Grid step of the window samples, minutes (default 30).
    pub grid_minutes: u32,
    /// The skew's delta (default 0.25).
    pub skew_delta: f64,
}

impl Default for IvParams {
    fn default() -> Self {
        Self {
            rate: 0.0,
            max_quote_age_secs: 60.0,
            atm_hold_points: 10.0,
            parity_strikes: 3,
            band_points: 100.0,
            grid_minutes: 30,
            skew_delta: 0.25,
        }
    }
}

/// Where the implied level came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpotSource {
    /// Put-call parity at the strikes nearest the money.
    PutCallParity,
    /// An explicit SPX series.
    Explicit,
}

/// Quotes of one instant by usability.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuoteCounts {
    /// Usable (fresh or held).
    pub usable: u32,
    /// Of the usable: held, unchanged for longer than the age limit away from the money.
    pub held: u32,
    /// Stale: in a feed gap, or held at the money.
    pub stale: u32,
    /// Ask below bid.
    pub crossed: u32,
    /// Bid zero or missing, or ask missing.
    pub zero_bid: u32,
    /// Never quoted before the instant.
    pub no_quote: u32,
}

impl QuoteCounts {
    /// Quotes left out as stale, crossed or with a zero/missing side.
    pub fn rejected(&self) -> u32 {
        self.stale + self.crossed + self.zero_bid
    }
}

/// The implied-volatility measurements of one instant and expiry.
#[derive(Debug, Clone, PartialEq)]
pub struct IvPoint {
    /// The instant (UTC ns).
    pub at: UnixNanos,
    /// The expiry.
    pub expiry: Date,
    /// ACT/365 years to the PM settlement (0 at or after it).
    pub t_years: f64,
    /// Implied SPX (the forward, index points).
    pub spot: Option<f64>,
    /// Where `spot` came from.
    pub spot_source: Option<SpotSource>,
    /// The strike nearest `spot`.
    pub atm_strike: Option<f64>,
    /// ATM implied volatility, per 1.00 annualised.
    pub atm_iv: Option<f64>,
    /// IV at the 25-delta put.
    pub put25_iv: Option<f64>,
    /// IV at the 25-delta call.
    pub call25_iv: Option<f64>,
    /// `put25_iv − call25_iv`, volatility units.
    pub skew25: Option<f64>,
    /// All contracts of the expiry.
    pub quotes: QuoteCounts,
    /// Contracts within `band_points` of `spot` (all when `spot` is unknown).
    pub band_quotes: QuoteCounts,
}

impl IvPoint {
    /// A [`Check::StaleQuote`] finding for trade date `date` and source `file` when quotes
    /// within the band were left out as stale or crossed (the detail also gives the zero-bid
    /// count; zero bids alone are normal for out-of-the-money 0DTE options late in the day and
    /// raise no finding).
    pub fn finding(&self, date: Date, file: &str) -> Option<Finding> {
        let b = self.band_quotes;
        (b.stale + b.crossed > 0).then(|| Finding {
            trade_date: date,
            check: Check::StaleQuote,
            source_file: file.to_owned(),
            record: RecordRef::Ts(self.at),
            detail: format!(
                "expiry {}: {} quotes near the money left out ({} stale, {} crossed, {} with a zero or missing side), {} usable ({} held)",
                self.expiry, b.rejected(), b.stale, b.crossed, b.zero_bid, b.usable, b.held
            ),
        })
    }
}

/// SPX index values in time order, for [`SpotSource::Explicit`].
pub trait SpxSeries {
    /// The last value at or before `at` with its time (UTC ns, index points).
    fn at_or_before(&self, at: UnixNanos) -> Option<(UnixNanos, f64)>;
}

impl SpxSeries for [(UnixNanos, f64)] {
    fn at_or_before(&self, at: UnixNanos) -> Option<(UnixNanos, f64)> {
        let i = self.partition_point(|(t, _)| *t <= at);
        i.checked_sub(1).and_then(|i| self.get(i)).copied()
    }
}

/// A usable strike: call and put mids.
#[derive(Debug, Clone, Copy)]
struct Strike {
    k: f64,
    call: Option<f64>,
    put: Option<f64>,
}

fn inputs(kind: OptionKind, f: f64, k: f64, t: f64, r: f64) -> OptionInputs {
    OptionInputs {
        model: Model::Black76,
        kind,
        s: f,
        k,
        t,
        r,
        q: 0.0,
    }
}

fn solve(kind: OptionKind, f: f64, k: f64, t: f64, r: f64, mid: f64) -> Option<f64> {
    iv::implied_vol(&inputs(kind, f, k, t, r), mid)
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
}

/// Linear interpolation of `y` at `x` over points sorted by `x`; `None` outside their range.
fn interpolate(points: &[(f64, f64)], x: f64) -> Option<f64> {
    points.windows(2).find_map(|w| {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if x0 <= x && x <= x1 {
            if x1 == x0 {
                Some((y0 + y1) / 2.0)
            } else {
                Some(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
            }
        } else {
            None
        }
    })
}

/// The strikes with a used call or put mid, sorted by strike.
fn usable_strikes(graded: &[(&ContractSnapshot, Usability)]) -> Vec<Strike> {
    let mut strikes: Vec<Strike> = Vec::new();
    for (c, u) in graded {
        let Some(mid) = u.mid() else { continue };
        let i = match strikes.iter().position(|s| s.k == c.strike) {
            Some(i) => i,
            None => {
                strikes.push(Strike {
                    k: c.strike,
                    call: None,
                    put: None,
                });
                strikes.len() - 1
            }
        };
        if let Some(s) = strikes.get_mut(i) {
            match c.right {
                OptionRight::Call => s.call = Some(mid),
                OptionRight::Put => s.put = Some(mid),
            }
        }
    }
    strikes.sort_by(|a, b| a.k.total_cmp(&b.k));
    strikes
}

/// The forward: `spx` carried by `growth`, else put-call parity at the strikes nearest the money.
fn implied_forward(
    spx: Option<f64>,
    strikes: &[Strike],
    growth: f64,
    params: &IvParams,
) -> Option<(f64, SpotSource)> {
    if let Some(s) = spx {
        return Some((s * growth, SpotSource::Explicit));
    }
    let mut pairs: Vec<(f64, f64)> = strikes
        .iter()
        .filter_map(|s| Some((s.k, s.call? - s.put?)))
        .collect();
    pairs.sort_by(|a, b| a.1.abs().total_cmp(&b.1.abs()).then(a.0.total_cmp(&b.0)));
    let n = params.parity_strikes.max(1).min(pairs.len());
    (n > 0).then(|| {
        let sum: f64 = pairs.iter().take(n).map(|(k, d)| k + growth * d).sum();
        (sum / n as f64, SpotSource::PutCallParity)
    })
}

/// The implied-volatility measurements at `chain.at` for the contracts of `chain` expiring on
/// `expiry` (pass only PM-settled roots: the builder drops `SPX`, AM-settled), expiring at
/// `expiration` (UTC ns; see [`expiration`]); `spx` is an explicit SPX value at the instant, if
/// any. See the [module documentation](self).
pub fn iv_point(
    chain: &ChainState,
    expiry: Date,
    expiration: UnixNanos,
    spx: Option<f64>,
    params: &IvParams,
) -> IvPoint {
    let at = chain.at;
    let t = if at >= expiration {
        0.0
    } else {
        expiry::year_fraction(at, expiration).unwrap_or(0.0)
    };
    let r = params.rate;
    let mut point = IvPoint {
        at,
        expiry,
        t_years: t,
        spot: None,
        spot_source: None,
        atm_strike: None,
        atm_iv: None,
        put25_iv: None,
        call25_iv: None,
        skew25: None,
        quotes: QuoteCounts::default(),
        band_quotes: QuoteCounts::default(),
    };
    let hours = quotes::market_hours(at);
    let max_age = params.max_quote_age_secs;
    let live = quotes::feed_live(chain.expiring(expiry), at, &hours, max_age);
    let mut graded: Vec<(&ContractSnapshot, Usability)> = chain
        .expiring(expiry)
        .map(|c| (c, quotes::grade(c, at, &hours, live, max_age)))
        .collect();
    let growth = (r * t).exp();
    let mut strikes = usable_strikes(&graded);
    let mut forward = implied_forward(spx, &strikes, growth, params);
    if let Some((f, _)) = forward
        && quotes::demote_held_near(&mut graded, f, params.atm_hold_points)
    {
        strikes = usable_strikes(&graded);
        forward = implied_forward(spx, &strikes, growth, params);
    }
    for (c, u) in &graded {
        quotes::count(&mut point.quotes, *u);
        let in_band = forward.is_none_or(|(f, _)| (c.strike - f).abs() <= params.band_points);
        if in_band {
            quotes::count(&mut point.band_quotes, *u);
        }
    }
    let Some((f, source)) = forward else {
        return point;
    };
    point.spot = Some(f);
    point.spot_source = Some(source);
    point.atm_strike = strikes
        .iter()
        .map(|s| s.k)
        .min_by(|a, b| (a - f).abs().total_cmp(&(b - f).abs()));
    if t <= 0.0 {
        return point;
    }
    // Per-strike IVs and OTM deltas.
    let mut by_strike: Vec<(f64, f64)> = Vec::new();
    let mut puts: Vec<(f64, f64)> = Vec::new();
    let mut calls: Vec<(f64, f64)> = Vec::new();
    for s in &strikes {
        let civ = s
            .call
            .and_then(|m| solve(OptionKind::Call, f, s.k, t, r, m));
        let piv = s.put.and_then(|m| solve(OptionKind::Put, f, s.k, t, r, m));
        let mean = match (civ, piv) {
            (Some(a), Some(b)) => Some((a + b) / 2.0),
            (a, b) => a.or(b),
        };
        if let Some(v) = mean {
            by_strike.push((s.k, v));
        }
        if s.k <= f
            && let Some(v) = piv
        {
            puts.push((
                black::first_order(&inputs(OptionKind::Put, f, s.k, t, r), v).delta,
                v,
            ));
        }
        if s.k >= f
            && let Some(v) = civ
        {
            calls.push((
                black::first_order(&inputs(OptionKind::Call, f, s.k, t, r), v).delta,
                v,
            ));
        }
    }
    point.atm_iv = interpolate(&by_strike, f).or_else(|| {
        by_strike
            .iter()
            .min_by(|a, b| (a.0 - f).abs().total_cmp(&(b.0 - f).abs()))
            .map(|p| p.1)
    });
    puts.sort_by(|a, b| a.0.total_cmp(&b.0));
    calls.sort_by(|a, b| a.0.total_cmp(&b.0));
    point.put25_iv = interpolate(&puts, -params.skew_delta);
    point.call25_iv = interpolate(&calls, params.skew_delta);
    point.skew25 = match (point.put25_iv, point.call25_iv) {
        (Some(p), Some(c)) => Some(p - c),
        _ => None,
    };
    point
}

/// The PM settlement instant of the SPXW expiry `date` (16:00 ET, 13:00 ET on early closes), UTC
/// ns; `None` if `date` is not an SPXW expiry in the calendar.
pub fn expiration(date: Date) -> Option<UnixNanos> {
    expiry::expiration_instant(OptionProduct::Spxw, date).ok()
}

/// One window's implied volatility.
#[derive(Debug, Clone, PartialEq)]
pub struct IvWindowValue {
    /// The window's name (`overnight`, `morning`, `afternoon`, `full`, …).
    pub name: String,
    /// Start, UTC ns (inclusive).
    pub start: UnixNanos,
    /// End, UTC ns (inclusive for the samples).
    pub end: UnixNanos,
    /// ATM IV of the last sample in the window that has one.
    pub iv_end: Option<f64>,
    /// Mean ATM IV of the window's samples that have one.
    pub iv_mean: Option<f64>,
    /// 25-delta skew of the last sample in the window that has one.
    pub skew25_end: Option<f64>,
    /// Samples with an ATM IV in the window.
    pub samples: u32,
}

/// Per-window values from IV samples (any order); windows as `(name, start, end)` in UTC ns.
pub fn window_values(
    points: &[IvPoint],
    windows: &[(String, UnixNanos, UnixNanos)],
) -> Vec<IvWindowValue> {
    let mut sorted: Vec<&IvPoint> = points.iter().collect();
    sorted.sort_by_key(|p| p.at);
    windows
        .iter()
        .map(|(name, start, end)| {
            let inside: Vec<&&IvPoint> = sorted
                .iter()
                .filter(|p| *start <= p.at && p.at <= *end)
                .collect();
            let ivs: Vec<f64> = inside.iter().filter_map(|p| p.atm_iv).collect();
            IvWindowValue {
                name: name.clone(),
                start: *start,
                end: *end,
                iv_end: ivs.last().copied(),
                iv_mean: (!ivs.is_empty()).then(|| ivs.iter().sum::<f64>() / ivs.len() as f64),
                skew25_end: inside.iter().rev().find_map(|p| p.skew25),
                samples: ivs.len() as u32,
            }
        })
        .collect()
}

/// Seconds after the cash open of the opening sample ([`crate::opra::build_day`] adds it): the
/// first instant at which the at-the-money quotes must come from the regular session, since the
/// book left at the 09:15 ET GTH close is held at most the 60 s age limit into it. The SPX open
/// without an index feed is the implied level there.
pub const OPEN_SAMPLE_SECS: u64 = 60;

/// The sample instants of a trade date: `snapshots`, every window bound and a grid every
/// `grid_minutes` from `full.0` through `full.1`, sorted and de-duplicated (UTC ns).
pub fn sample_instants(
    full: (UnixNanos, UnixNanos),
    snapshots: &[UnixNanos],
    windows: &[(String, UnixNanos, UnixNanos)],
    grid_minutes: u32,
) -> Vec<UnixNanos> {
    let mut out: Vec<UnixNanos> = snapshots.to_vec();
    for (_, s, e) in windows {
        out.push(*s);
        out.push(*e);
    }
    let step = u64::from(grid_minutes.max(1)) * 60 * UnixNanos::NANOS_PER_SECOND;
    let mut t = full.0.0;
    while t <= full.1.0 {
        out.push(UnixNanos(t));
        t = t.saturating_add(step);
        if t == u64::MAX {
            break;
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests;
