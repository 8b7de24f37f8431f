//! Market events: trades, quotes (NBBO), bars, open interest, vendor Greeks snapshots, index
//! values, market-by-order book updates and instrument definitions.
//!
//! Every event carries two [`UnixNanos`] timestamps, `ts_event` (stamped by the exchange, the SIP or
//! the vendor's matching of the event) and `ts_recv` (when the capture server received it), and an
//! [`Instrument`]: a `Copy` key built from the contract itself, not from a vendor's numeric id,
//! because OPRA instrument ids change every day for the same contract. Prices are [`Price`] in the
//! instrument's quote units (index points for SPX and ES, dollars per share for SPY and per unit of
//! premium for options), sizes are [`Size`] in contracts (options, futures) or shares (equities).

use std::fmt;

use jiff::civil::Date;

use crate::ModelError;
use crate::UnixNanos;
use crate::price::{Money, Price, Size};
use crate::symbol::{OptionContract, Ticker, Underlying};

mod more;
pub use more::{BookAction, BookUpdate, Definition, IndexValue};

/// CME month codes, January to December.
const MONTH_CODES: &[u8; 12] = b"FGHJKMNQUVXZ";

/// A futures contract as a small `Copy` key: root, delivery year and month (e.g. ES, 2025, 12).
///
/// This is a plain key for events; month codes, expiries and rolls live in [`crate::futures`].
/// `Display` writes the root, the CME month code and a two-digit year: `ESZ25`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FutureSymbol {
    root: Ticker,
    year: u16,
    month: u8,
}

impl FutureSymbol {
    /// A futures key from its root (`ES`, `MES`), delivery year (2000–2099) and month (1–12).
    pub fn new(root: &str, year: u16, month: u8) -> Result<Self, ModelError> {
        let invalid = |reason: String| ModelError::InvalidTicker {
            input: format!("{root} {year}-{month:02}"),
            reason,
        };
        let root_ticker = Ticker::new(root).map_err(|e| invalid(e.to_string()))?;
        if !(2000..=2099).contains(&year) {
            return Err(invalid(format!("futures year {year} is outside 2000-2099")));
        }
        if !(1..=12).contains(&month) {
            return Err(invalid(format!("futures month {month} is outside 1-12")));
        }
        Ok(Self {
            root: root_ticker,
            year,
            month,
        })
    }

    /// The root, e.g. `ES`.
    pub const fn root(&self) -> Ticker {
        self.root
    }

    /// The delivery year, e.g. 2025.
    pub const fn year(&self) -> u16 {
        self.year
    }

    /// The delivery month, 1–12.
    pub const fn month(&self) -> u8 {
        self.month
    }
}

impl fmt::Display for FutureSymbol {
    /// `ESZ25`: root, CME month code, two-digit year.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = MONTH_CODES
            .get(usize::from(self.month.saturating_sub(1)))
            .map_or('?', |c| char::from(*c));
        write!(f, "{}{}{:02}", self.root, code, self.year % 100)
    }
}

/// What an event is about. `Copy` (32 bytes), hashable, no heap; use it as a map key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Instrument {
    /// A listed option (equity, index or, with a futures root, futures option).
    Option(OptionContract),
    /// A cash index value such as `I:SPX` (quotes and bars only; indices do not trade).
    Index(Ticker),
    /// An equity or ETF such as `SPY`.
    Equity(Ticker),
    /// A futures contract such as ES December 2025.
    Future(FutureSymbol),
}

impl From<OptionContract> for Instrument {
    fn from(c: OptionContract) -> Self {
        Self::Option(c)
    }
}

impl From<Underlying> for Instrument {
    fn from(u: Underlying) -> Self {
        match u {
            Underlying::Index(t) => Self::Index(t),
            Underlying::Equity(t) => Self::Equity(t),
        }
    }
}

impl From<FutureSymbol> for Instrument {
    fn from(f: FutureSymbol) -> Self {
        Self::Future(f)
    }
}

impl fmt::Display for Instrument {
    /// The option's readable form (`SPXW 2025-12-16 C 5800`), `I:SPX`, `SPY` or `ESZ25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Option(c) => write!(f, "{c}"),
            Self::Index(t) => write!(f, "{}", Underlying::Index(*t)),
            Self::Equity(t) => write!(f, "{t}"),
            Self::Future(s) => write!(f, "{s}"),
        }
    }
}

/// A venue code as the vendor numbers it (Polygon/Massive exchange id such as 302, or Databento
/// publisher id). Ids are vendor-specific: compare them only within one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExchangeId(pub u16);

impl fmt::Display for ExchangeId {
    /// The number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Up to [`Conditions::CAPACITY`] vendor trade-condition codes, inline (no heap).
///
/// Codes are the vendor's numbers (Polygon/Massive condition ids such as 209 or 232, or an OPRA
/// condition letter as its ASCII value). Order is kept as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Conditions {
    codes: [u16; Conditions::CAPACITY],
    len: u8,
}

impl Conditions {
    /// Maximum number of codes held.
    pub const CAPACITY: usize = 4;
    /// No conditions (a regular trade).
    pub const EMPTY: Conditions = Conditions {
        codes: [0; Conditions::CAPACITY],
        len: 0,
    };

    /// Copies `codes`; an error (naming them) if there are more than [`Conditions::CAPACITY`].
    pub fn try_from_slice(codes: &[u16]) -> Result<Self, ModelError> {
        let mut out = Self::EMPTY;
        for &code in codes {
            if out.try_push(code).is_err() {
                return Err(ModelError::TooManyConditions {
                    codes: format!("{codes:?}"),
                    max: Self::CAPACITY,
                });
            }
        }
        Ok(out)
    }

    /// Appends `code`; an error if already full (the codes held are unchanged).
    pub fn try_push(&mut self, code: u16) -> Result<(), ModelError> {
        let len = usize::from(self.len);
        match self.codes.get_mut(len) {
            Some(slot) => {
                *slot = code;
                self.len += 1;
                Ok(())
            }
            None => Err(ModelError::TooManyConditions {
                codes: format!("{:?} + {code}", self.as_slice()),
                max: Self::CAPACITY,
            }),
        }
    }

    /// The codes held, in order.
    pub fn as_slice(&self) -> &[u16] {
        &self.codes[..usize::from(self.len)]
    }

    /// Number of codes held.
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// `true` when no code is held.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `true` if `code` is one of the codes held.
    pub fn contains(&self, code: u16) -> bool {
        self.as_slice().contains(&code)
    }
}

/// The aggressor of a trade: who crossed the spread.
///
/// Databento's `side` maps `B` → [`Side::Buy`], `A` → [`Side::Sell`], `N` → [`Side::None`]. OPRA
/// trades always arrive as `None`; infer the side against the prevailing quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Side {
    /// A buyer lifted the offer.
    Buy,
    /// A seller hit the bid.
    Sell,
    /// Unknown or not reported.
    #[default]
    None,
}

/// One trade print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Trade {
    /// Exchange (or SIP) timestamp, ns since the Unix epoch.
    pub ts_event: UnixNanos,
    /// Capture timestamp, ns since the Unix epoch.
    pub ts_recv: UnixNanos,
    /// What traded.
    pub instrument: Instrument,
    /// Trade price in the instrument's quote units (option premium per unit, index points, $/share).
    pub price: Price,
    /// Quantity in contracts (options, futures) or shares (equities).
    pub size: Size,
    /// Venue of the print, in the vendor's numbering.
    pub exchange: ExchangeId,
    /// Vendor trade-condition codes.
    pub conditions: Conditions,
    /// Vendor or feed sequence number (orders prints within one source; not comparable across sources).
    pub sequence: u64,
    /// Aggressor side if the vendor reports it, else [`Side::None`].
    pub aggressor: Side,
}

impl Trade {
    /// Premium paid, exactly: `price × size × multiplier` (multiplier 100 for SPX/SPY options,
    /// 50 for ES options), in currency units.
    pub const fn premium(&self, multiplier: u32) -> Money {
        Money::premium(self.price, self.size, multiplier)
    }
}

/// A top-of-book quote, normally the NBBO: best bid and offer with their sizes.
///
/// A missing side has price [`Price::UNDEF`] (Databento's empty-book records) and size 0. A bid of
/// 0 is a real price (no buyer above zero, common for far out-of-the-money options).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quote {
    /// Exchange (or SIP) timestamp, ns since the Unix epoch.
    pub ts_event: UnixNanos,
    /// Capture timestamp, ns since the Unix epoch.
    pub ts_recv: UnixNanos,
    /// What is quoted.
    pub instrument: Instrument,
    /// Best bid price, in quote units; [`Price::UNDEF`] if there is no bid side.
    pub bid: Price,
    /// Best ask (offer) price, in quote units; [`Price::UNDEF`] if there is no ask side.
    pub ask: Price,
    /// Quantity at the bid, in contracts or shares.
    pub bid_size: Size,
    /// Quantity at the ask, in contracts or shares.
    pub ask_size: Size,
    /// Venue of the best bid, if the source names it.
    pub bid_exchange: Option<ExchangeId>,
    /// Venue of the best ask, if the source names it.
    pub ask_exchange: Option<ExchangeId>,
}

impl Quote {
    /// `true` if both sides have a defined price.
    pub const fn is_two_sided(&self) -> bool {
        self.bid.is_defined() && self.ask.is_defined()
    }

    /// The midpoint `(bid + ask) / 2`, exact in raw integer arithmetic (no overflow: the sum is
    /// taken in `i128`). When the raw sum is odd the half unit (5e-10) is rounded toward negative
    /// infinity, so the mid always lies within `[bid, ask]` of an uncrossed quote. `None` unless
    /// both sides are defined. A crossed quote still has a mid; check [`Quote::is_crossed`].
    pub fn mid(&self) -> Option<Price> {
        if !self.is_two_sided() {
            return None;
        }
        let sum = i128::from(self.bid.raw()) + i128::from(self.ask.raw());
        // The floor of the mean of two i64 lies between them, so it fits in i64.
        i64::try_from(sum.div_euclid(2)).ok().map(Price::from_raw)
    }

    /// `ask - bid` in quote units (negative when crossed); `None` unless both sides are defined or
    /// on overflow.
    pub fn spread(&self) -> Option<Price> {
        if !self.is_two_sided() {
            return None;
        }
        self.ask.checked_sub(self.bid)
    }

    /// `true` if both sides are defined and bid > ask.
    pub const fn is_crossed(&self) -> bool {
        self.is_two_sided() && self.bid.raw() > self.ask.raw()
    }

    /// `true` if both sides are defined and bid == ask.
    pub const fn is_locked(&self) -> bool {
        self.is_two_sided() && self.bid.raw() == self.ask.raw()
    }
}

/// An OHLCV bar over `[ts_event, ts_event + interval_ns)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bar {
    /// Start (open time) of the interval, ns since the Unix epoch (Databento's OHLCV convention).
    pub ts_event: UnixNanos,
    /// Capture timestamp, ns since the Unix epoch (at or after the bar's end for live bars).
    pub ts_recv: UnixNanos,
    /// What the bar describes.
    pub instrument: Instrument,
    /// First trade price (or index value) in the interval, in quote units.
    pub open: Price,
    /// Highest price in the interval, in quote units.
    pub high: Price,
    /// Lowest price in the interval, in quote units.
    pub low: Price,
    /// Last price in the interval, in quote units.
    pub close: Price,
    /// Total traded quantity in the interval, in contracts or shares (0 for indices).
    pub volume: Size,
    /// Length of the interval in nanoseconds (60 000 000 000 for one-minute bars).
    pub interval_ns: u64,
}

impl Bar {
    /// Nanoseconds in one second, for building `interval_ns`.
    pub const NANOS_PER_SECOND: u64 = 1_000_000_000;

    /// The exclusive end of the interval, `None` on overflow.
    pub const fn end(&self) -> Option<UnixNanos> {
        self.ts_event.checked_add_nanos(self.interval_ns)
    }
}

/// Open interest of one contract as published for a trade date.
///
/// OPRA publishes it once a day (around 06:30 ET) for the previous session, once per exchange with
/// the same value: de-duplicate on (instrument, `as_of`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OpenInterest {
    /// Publication timestamp, ns since the Unix epoch.
    pub ts_event: UnixNanos,
    /// Capture timestamp, ns since the Unix epoch.
    pub ts_recv: UnixNanos,
    /// The contract.
    pub instrument: Instrument,
    /// Open contracts at the end of the `as_of` session.
    pub contracts: Size,
    /// The trade date (exchange calendar) whose close the figure describes.
    pub as_of: Date,
}

/// Vendor-supplied implied volatility and Greeks of one option: the only `f64` values in the model.
///
/// Units are those of the `quant` crate and the options oracle, **not** the per-1 %/per-day units
/// that most vendors (Polygon/Massive, IB) print; convert with [`GreeksSnapshot::vega_from_per_vol_point`]
/// and [`GreeksSnapshot::theta_from_per_day`] when loading. A value the vendor did not supply is NaN
/// (check [`GreeksSnapshot::is_complete`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GreeksSnapshot {
    /// Vendor timestamp of the computation, ns since the Unix epoch.
    pub ts_event: UnixNanos,
    /// Capture timestamp, ns since the Unix epoch.
    pub ts_recv: UnixNanos,
    /// The option.
    pub instrument: Instrument,
    /// Underlying price the vendor used, in quote units; [`Price::UNDEF`] if not supplied.
    pub underlying_price: Price,
    /// Implied volatility, annualised, per 1.00 (0.20 = 20 %).
    pub iv: f64,
    /// ∂V/∂S: option price units per 1 unit of underlying price.
    pub delta: f64,
    /// ∂²V/∂S²: delta per 1 unit of underlying price.
    pub gamma: f64,
    /// ∂V/∂σ: option price units per 1.00 of volatility (divide by 100 for per vol point).
    pub vega: f64,
    /// ∂V/∂t: option price units per year of calendar time (divide by 365 for per day).
    pub theta: f64,
}

impl GreeksSnapshot {
    /// Days per year used by the theta conversions (ACT/365).
    pub const DAYS_PER_YEAR: f64 = 365.0;

    /// Vega per 1.00 of volatility from a vendor's vega per 1 vol point (per 1 %): × 100.
    pub fn vega_from_per_vol_point(vega_per_point: f64) -> f64 {
        vega_per_point * 100.0
    }

    /// Theta per year from a vendor's theta per calendar day: × 365.
    pub fn theta_from_per_day(theta_per_day: f64) -> f64 {
        theta_per_day * Self::DAYS_PER_YEAR
    }

    /// Vega per 1 vol point (per 1 %), for display: `vega / 100`.
    pub fn vega_per_vol_point(&self) -> f64 {
        self.vega / 100.0
    }

    /// Theta per calendar day, for display: `theta / 365`.
    pub fn theta_per_day(&self) -> f64 {
        self.theta / Self::DAYS_PER_YEAR
    }

    /// `true` if all five values are finite (none missing).
    pub fn is_complete(&self) -> bool {
        [self.iv, self.delta, self.gamma, self.vega, self.theta]
            .iter()
            .all(|x| x.is_finite())
    }
}

/// Any market event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// A trade print.
    Trade(Trade),
    /// A top-of-book quote.
    Quote(Quote),
    /// An OHLCV bar.
    Bar(Bar),
    /// A daily open-interest figure.
    OpenInterest(OpenInterest),
    /// Vendor IV and Greeks.
    Greeks(GreeksSnapshot),
    /// A cash-index value.
    Index(IndexValue),
    /// A market-by-order book update.
    Book(BookUpdate),
    /// An instrument definition.
    Definition(Definition),
}

impl Event {
    /// The event's exchange/vendor timestamp.
    pub const fn ts_event(&self) -> UnixNanos {
        match self {
            Self::Trade(e) => e.ts_event,
            Self::Quote(e) => e.ts_event,
            Self::Bar(e) => e.ts_event,
            Self::OpenInterest(e) => e.ts_event,
            Self::Greeks(e) => e.ts_event,
            Self::Index(e) => e.ts_event,
            Self::Book(e) => e.ts_event,
            Self::Definition(e) => e.ts_event,
        }
    }

    /// The event's capture timestamp.
    pub const fn ts_recv(&self) -> UnixNanos {
        match self {
            Self::Trade(e) => e.ts_recv,
            Self::Quote(e) => e.ts_recv,
            Self::Bar(e) => e.ts_recv,
            Self::OpenInterest(e) => e.ts_recv,
            Self::Greeks(e) => e.ts_recv,
            Self::Index(e) => e.ts_recv,
            Self::Book(e) => e.ts_recv,
            Self::Definition(e) => e.ts_recv,
        }
    }

    /// The instrument the event is about.
    pub const fn instrument(&self) -> Instrument {
        match self {
            Self::Trade(e) => e.instrument,
            Self::Quote(e) => e.instrument,
            Self::Bar(e) => e.instrument,
            Self::OpenInterest(e) => e.instrument,
            Self::Greeks(e) => e.instrument,
            Self::Index(e) => e.instrument,
            Self::Book(e) => e.instrument,
            Self::Definition(e) => e.instrument,
        }
    }
}

impl From<Trade> for Event {
    fn from(e: Trade) -> Self {
        Self::Trade(e)
    }
}

impl From<Quote> for Event {
    fn from(e: Quote) -> Self {
        Self::Quote(e)
    }
}

impl From<Bar> for Event {
    fn from(e: Bar) -> Self {
        Self::Bar(e)
    }
}

impl From<OpenInterest> for Event {
    fn from(e: OpenInterest) -> Self {
        Self::OpenInterest(e)
    }
}

impl From<GreeksSnapshot> for Event {
    fn from(e: GreeksSnapshot) -> Self {
        Self::Greeks(e)
    }
}

impl From<IndexValue> for Event {
    fn from(e: IndexValue) -> Self {
        Self::Index(e)
    }
}

impl From<BookUpdate> for Event {
    fn from(e: BookUpdate) -> Self {
        Self::Book(e)
    }
}

impl From<Definition> for Event {
    fn from(e: Definition) -> Self {
        Self::Definition(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbol::OptionRight;

    fn p(s: &str) -> Price {
        s.parse().unwrap()
    }

    fn spxw() -> Instrument {
        OptionContract::parse_any("SPXW  251216C05800000")
            .unwrap()
            .into()
    }

    fn quote(bid: Price, ask: Price) -> Quote {
        Quote {
            ts_event: UnixNanos(1),
            ts_recv: UnixNanos(2),
            instrument: spxw(),
            bid,
            ask,
            bid_size: Size::new(10),
            ask_size: Size::new(12),
            bid_exchange: None,
            ask_exchange: Some(ExchangeId(302)),
        }
    }

    #[test]
    fn quote_helpers() {
        let q = quote(p("0"), p("0.05"));
        assert_eq!(q.mid(), Some(p("0.025")));
        assert_eq!(q.spread(), Some(p("0.05")));
        assert!(!q.is_crossed() && !q.is_locked());
        let q = quote(Price::from_raw(1), Price::from_raw(2));
        assert_eq!(q.mid(), Some(Price::from_raw(1)));
        let q = quote(Price::from_raw(-2), Price::from_raw(-1));
        assert_eq!(q.mid(), Some(Price::from_raw(-2)));
        let q = quote(Price::from_raw(i64::MAX - 1), Price::from_raw(i64::MAX - 1));
        assert_eq!(q.mid(), Some(Price::from_raw(i64::MAX - 1)));
        assert!(q.is_locked());
        let q = quote(p("5.1"), p("5"));
        assert!(q.is_crossed());
        assert_eq!(q.spread(), Some(p("-0.1")));
        let q = quote(Price::UNDEF, p("5"));
        assert_eq!((q.mid(), q.spread()), (None, None));
        assert!(!q.is_crossed() && !q.is_locked() && !q.is_two_sided());
    }

    #[test]
    fn trade_premium_and_conditions() {
        let mut conditions = Conditions::try_from_slice(&[209, 219]).unwrap();
        conditions.try_push(232).unwrap();
        conditions.try_push(233).unwrap();
        let err = conditions.try_push(1).unwrap_err().to_string();
        assert!(err.contains("[209, 219, 232, 233] + 1"), "{err}");
        assert_eq!(conditions.as_slice(), &[209, 219, 232, 233]);
        assert!(conditions.contains(219) && !conditions.contains(1));
        let err = Conditions::try_from_slice(&[1, 2, 3, 4, 5]).unwrap_err();
        assert!(err.to_string().contains("[1, 2, 3, 4, 5]"));
        assert!(Conditions::EMPTY.is_empty());
        let t = Trade {
            ts_event: UnixNanos(10),
            ts_recv: UnixNanos(11),
            instrument: spxw(),
            price: p("4.85"),
            size: Size::new(20),
            exchange: ExchangeId(302),
            conditions,
            sequence: 7,
            aggressor: Side::None,
        };
        assert_eq!(t.premium(100).to_string(), "9700");
        let e = Event::from(t);
        assert_eq!(e.ts_event(), UnixNanos(10));
        assert_eq!(e.ts_recv(), UnixNanos(11));
        assert_eq!(e.instrument(), spxw());
    }

    #[test]
    fn instruments_display_and_convert() {
        assert_eq!(spxw().to_string(), "SPXW 2025-12-16 C 5800");
        assert_eq!(Instrument::from(Underlying::SPX).to_string(), "I:SPX");
        assert_eq!(Instrument::from(Underlying::SPY).to_string(), "SPY");
        let es = FutureSymbol::new("ES", 2025, 12).unwrap();
        assert_eq!(Instrument::from(es).to_string(), "ESZ25");
        assert_eq!(
            (es.root().as_str(), es.year(), es.month()),
            ("ES", 2025, 12)
        );
        assert_eq!(
            FutureSymbol::new("ES", 2026, 3).unwrap().to_string(),
            "ESH26"
        );
        let err = FutureSymbol::new("ES", 2025, 13).unwrap_err().to_string();
        assert!(err.contains("ES 2025-13") && err.contains("1-12"), "{err}");
        assert!(FutureSymbol::new("es", 2025, 12).is_err());
        assert!(FutureSymbol::new("ES", 1999, 12).is_err());
        assert!(std::mem::size_of::<Instrument>() <= 32);
        let c = OptionContract::new(
            crate::symbol::OptionRoot::SPY,
            Date::new(2025, 6, 9).unwrap(),
            OptionRight::Put,
            p("600"),
        );
        assert!(matches!(Instrument::from(c), Instrument::Option(x) if x == c));
    }

    #[test]
    fn bars_oi_and_greeks() {
        let bar = Bar {
            ts_event: UnixNanos(60 * Bar::NANOS_PER_SECOND),
            ts_recv: UnixNanos(120 * Bar::NANOS_PER_SECOND),
            instrument: Underlying::SPY.into(),
            open: p("600"),
            high: p("601"),
            low: p("599.5"),
            close: p("600.25"),
            volume: Size::new(1_000),
            interval_ns: 60 * Bar::NANOS_PER_SECOND,
        };
        assert_eq!(bar.end(), Some(UnixNanos(120 * Bar::NANOS_PER_SECOND)));
        let oi = OpenInterest {
            ts_event: UnixNanos(1),
            ts_recv: UnixNanos(2),
            instrument: spxw(),
            contracts: Size::new(1234),
            as_of: Date::new(2025, 12, 15).unwrap(),
        };
        assert_eq!(Event::from(oi).instrument(), spxw());
        let g = GreeksSnapshot {
            ts_event: UnixNanos(1),
            ts_recv: UnixNanos(2),
            instrument: spxw(),
            underlying_price: Price::UNDEF,
            iv: 0.2,
            delta: 0.5,
            gamma: 0.01,
            vega: GreeksSnapshot::vega_from_per_vol_point(0.727_481_113_299_814_2),
            theta: GreeksSnapshot::theta_from_per_day(-0.018_532_772_783_847_958),
        };
        assert!((g.vega_per_vol_point() - 0.727_481_113_299_814_2).abs() < 1e-15);
        assert!((g.theta_per_day() + 0.018_532_772_783_847_958).abs() < 1e-15);
        assert!(g.is_complete());
        assert!(!GreeksSnapshot { iv: f64::NAN, ..g }.is_complete());
        assert_eq!(Event::from(g).ts_recv(), UnixNanos(2));
    }
}
