//! The engine: events in, subscriptions and enriched trades out, one product (option root on its
//! underlying) at a time, deterministically.
//!
//! Per product the engine keeps a [`StrikeWindow`] and, for the followed expiry (the trade date's
//! own, 0DTE, unless [`ProductConfig::expiry_offset`] asks for a later one),
//! a [`ChainState`] whose strike grid is laid out around the first underlying price of the day
//! (± `grid_fraction`, default 10 %).
//!
//! * **Underlying price** (index value, or a trade of the ETF/future): moves the window (the
//!   subscribe/unsubscribe diff goes to the [`Sink`]), marks the Greeks stale. The first price of
//!   a New York date starts that date's session: the previous chain is dropped (memory stays
//!   bounded by one day's grid per product), and the open interest received earlier that morning
//!   is applied.
//! * **Option quote**: stored in the chain.
//! * **Option trade**: if the underlying moved since the last recompute, IV and Greeks of the whole
//!   chain are recomputed first (one `gammaflow_quant` batch), so a print is enriched with Greeks at
//!   most one underlying tick old; then it is classified, added to the flow and handed to the
//!   sink as an [`EnrichedTrade`].
//! * **Open interest**: applied to the chain, or held until the chain exists (OI is published
//!   around 06:30 ET, before the first underlying price).
//!
//! Condition codes are turned into a [`PrintTreatment`] by a caller-supplied function (normally
//! `gammaflow_sources::conditions::ConditionTable`), so the engine stays free of vendor tables.

use gammaflow_model::event::{Conditions, Event, FutureSymbol, Instrument};
use gammaflow_model::expiry::{
    OptionProduct, es_option_series, es_option_underlying, expiration_instant, next_expiry,
    year_fraction,
};
use gammaflow_model::{OptionContract, OptionRoot, Price, Size, Ticker, UnixNanos};
use gammaflow_quant::Model;
use gammaflow_quant::chain::{ChainAnalysis, ChainConfig};
use jiff::civil::Date;

use crate::EngineError;
use crate::chain::{ChainSpec, ChainState, EnrichedTrade};
use crate::flow::PrintTreatment;
use crate::series::FlowSeries;
use crate::window::{StrikeWindow, WindowChange, WindowConfig};

/// One option product the engine follows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProductConfig {
    /// Which listing rules apply (expiry calendar, settlement time).
    pub product: OptionProduct,
    /// The underlying whose prices drive the window and the Greeks.
    pub underlying: Instrument,
    /// The strike window (its `root` is the product's option root).
    pub window: WindowConfig,
    /// Contract multiplier.
    pub multiplier: u32,
    /// `Bsm` on spot or `Black76` on a futures price.
    pub model: Model,
    /// Continuous dividend yield of the underlying.
    pub dividend_yield: f64,
    /// Half-width of the day's strike grid as a fraction of the first price (0 < x ≤ 0.5).
    pub grid_fraction: f64,
    /// E-mini S&P options: the 0DTE series' root changes with the date (`E1A`…`E5D`, `EW1`…,
    /// `EW`, `ES`; `gammaflow_model::expiry::es_option_series`), and so does the underlying
    /// quarterly future (`es_option_underlying`). `product`, `underlying` and `window.root` are
    /// then only the starting values; each session sets the day's.
    pub es_daily: bool,
    /// Which expiry is followed: 0 = the trade date's own (0DTE; no chain on a date that is not
    /// an expiry of the product), n ≥ 1 = the n-th listed expiry after the trade date (1 = the
    /// next one). Not for `es_daily` products, whose series change daily (validated).
    pub expiry_offset: u32,
}

impl ProductConfig {
    /// SPXW 0DTE on the `I:SPX` index: 5-point strikes, multiplier 100, 1.3 % dividend yield.
    pub fn spxw() -> Self {
        Self {
            product: OptionProduct::Spxw,
            underlying: Instrument::Index(Ticker::SPX),
            window: WindowConfig::spx(OptionRoot::SPXW),
            multiplier: 100,
            model: Model::Bsm,
            dividend_yield: 0.013,
            grid_fraction: 0.10,
            es_daily: false,
            expiry_offset: 0,
        }
    }

    /// SPY 0DTE on SPY's trades: $1 strikes, multiplier 100, 1.2 % dividend yield.
    pub fn spy() -> Self {
        Self {
            product: OptionProduct::Spy,
            underlying: Instrument::from(OptionRoot::SPY.underlying()),
            window: WindowConfig::spy(OptionRoot::SPY),
            multiplier: 100,
            model: Model::Bsm,
            dividend_yield: 0.012,
            grid_fraction: 0.10,
            es_daily: false,
            expiry_offset: 0,
        }
    }

    /// E-mini S&P 500 options 0DTE on the ES futures: 5-point strikes, multiplier 50, Black-76 on
    /// the futures price (the day's series and future are chosen per session, see `es_daily`).
    pub fn es_options() -> Result<Self, EngineError> {
        let placeholder = FutureSymbol::new("ES", 2025, 12).map_err(|e| EngineError::Config {
            name: "es_options",
            value: "ES".to_owned(),
            reason: e.to_string(),
        })?;
        Ok(Self {
            product: OptionProduct::EsMonThu,
            underlying: Instrument::Future(placeholder),
            window: WindowConfig::spx(OptionRoot::ES),
            multiplier: 50,
            model: Model::Black76,
            dividend_yield: 0.0,
            grid_fraction: 0.10,
            es_daily: true,
            expiry_offset: 0,
        })
    }
}

/// The engine's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineConfig {
    /// Products followed.
    pub products: Vec<ProductConfig>,
    /// Risk-free rate, continuous per year.
    pub rate: f64,
    /// Shortest event time between two exposure refreshes (GEX by OI and by flow, zero gamma,
    /// walls), ns. Exposures are a view: computed when a consumer asks
    /// ([`Engine::refresh_exposures`], e.g. the server's snapshot timer), never per event, so a
    /// replay at full speed does not pay for views nobody looks at.
    pub exposure_interval_ns: u64,
}

impl Default for EngineConfig {
    /// SPXW and SPY at a 4.3 % rate.
    fn default() -> Self {
        Self {
            products: vec![ProductConfig::spxw(), ProductConfig::spy()],
            rate: 0.043,
            exposure_interval_ns: 1_000_000_000,
        }
    }
}

/// Where the engine's decisions go (the source's subscriptions, the lake, the server).
pub trait Sink {
    /// Start following these contracts.
    fn subscribe(&mut self, contracts: &[OptionContract]);
    /// Stop following these contracts.
    fn unsubscribe(&mut self, contracts: &[OptionContract]);
    /// A print, enriched.
    fn trade(&mut self, trade: &EnrichedTrade);
}

/// Counters for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EngineStats {
    /// Events seen.
    pub events: u64,
    /// Greeks recomputations.
    pub recomputes: u64,
    /// Exposure refreshes.
    pub exposure_refreshes: u64,
    /// Option prints enriched.
    pub trades: u64,
    /// Option events for no followed chain (other expiries, other roots, before the session).
    pub ignored: u64,
    /// Sessions started (one per product and date).
    pub sessions: u64,
    /// Recomputations that failed (time to expiry could not be computed); the print keeps the
    /// previous Greeks.
    pub greeks_errors: u64,
    /// Greeks staleness of the last enriched print: its time minus the time of the underlying
    /// price its Greeks were computed at, ns (the Greeks always use the latest price, so this
    /// is how old that price is).
    pub last_greeks_age_ns: u64,
    /// The largest such staleness seen.
    pub max_greeks_age_ns: u64,
}

/// How the vendor's Greeks (e.g. Polygon's REST snapshot) compare with ours.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GreeksCheck {
    /// Vendor snapshots compared (both sides had a value).
    pub samples: u64,
    /// Mean |vendor IV − ours| (per 1.00).
    pub mean_abs_iv_diff: f64,
    /// Mean |vendor delta − ours|.
    pub mean_abs_delta_diff: f64,
    /// Largest |vendor delta − ours|.
    pub max_abs_delta_diff: f64,
}

impl GreeksCheck {
    fn add(&mut self, iv_diff: f64, delta_diff: f64) {
        self.samples += 1;
        let n = self.samples as f64;
        self.mean_abs_iv_diff += (iv_diff.abs() - self.mean_abs_iv_diff) / n;
        self.mean_abs_delta_diff += (delta_diff.abs() - self.mean_abs_delta_diff) / n;
        self.max_abs_delta_diff = self.max_abs_delta_diff.max(delta_diff.abs());
    }
}

struct ProductState {
    config: ProductConfig,
    window: StrikeWindow,
    chain: Option<ChainState>,
    session: Option<Date>,
    /// The expiry followed this session (the session date for 0DTE).
    expiry: Option<Date>,
    expires_at: Option<UnixNanos>,
    spot: Option<Price>,
    spot_at: UnixNanos,
    stale: bool,
    series: FlowSeries,
    check: GreeksCheck,
    /// For `es_daily` products: the date, its series (product, root) and underlying future.
    es_day: Option<(Date, OptionProduct, OptionRoot, Instrument)>,
    pending_oi: Vec<(OptionContract, Size)>,
}

/// The engine; see the module docs.
pub struct Engine {
    /// The New York date of the last underlying event and the UTC span `[start, end)` of that date.
    day: Option<(Date, u64, u64)>,
    rate: f64,
    exposure_interval_ns: u64,
    products: Vec<ProductState>,
    treat: Box<dyn Fn(&Conditions) -> PrintTreatment + Send>,
    stats: EngineStats,
}

impl Engine {
    /// An engine with `treat` mapping condition codes to treatments.
    pub fn new(
        config: EngineConfig,
        treat: Box<dyn Fn(&Conditions) -> PrintTreatment + Send>,
    ) -> Result<Self, EngineError> {
        let mut products = Vec::with_capacity(config.products.len());
        for p in config.products {
            if p.es_daily && p.expiry_offset > 0 {
                return Err(EngineError::Config {
                    name: "expiry_offset",
                    value: p.expiry_offset.to_string(),
                    reason: "E-mini options follow the day's own series only (offset 0)".to_owned(),
                });
            }
            if !(p.grid_fraction > 0.0 && p.grid_fraction <= 0.5) {
                return Err(EngineError::Config {
                    name: "grid_fraction",
                    value: p.grid_fraction.to_string(),
                    reason: "must be above 0 and at most 0.5".to_owned(),
                });
            }
            products.push(ProductState {
                window: StrikeWindow::new(p.window)?,
                config: p,
                chain: None,
                session: None,
                expiry: None,
                expires_at: None,
                spot: None,
                spot_at: UnixNanos(0),
                stale: true,
                series: FlowSeries::default(),
                check: GreeksCheck::default(),
                es_day: None,
                pending_oi: Vec::new(),
            });
        }
        Ok(Self {
            day: None,
            rate: config.rate,
            exposure_interval_ns: config.exposure_interval_ns,
            products,
            treat,
            stats: EngineStats::default(),
        })
    }

    /// Counters.
    pub fn stats(&self) -> EngineStats {
        self.stats
    }

    /// The chain of product `index` (config order) for the current session.
    pub fn chain(&self, index: usize) -> Option<&ChainState> {
        self.products.get(index)?.chain.as_ref()
    }

    /// Refreshes product `index`'s exposure views at event time `now` unless they are younger than
    /// the exposure interval, and returns them (open-interest view, flow view) with their time;
    /// `None` before the product's first session.
    pub fn refresh_exposures(
        &mut self,
        index: usize,
        now: UnixNanos,
    ) -> Result<Option<(UnixNanos, &ChainAnalysis, &ChainAnalysis)>, EngineError> {
        let Some(p) = self.products.get_mut(index) else {
            return Ok(None);
        };
        if refresh_exposures(p, now, self.rate, self.exposure_interval_ns)? {
            self.stats.exposure_refreshes += 1;
        }
        Ok(p.chain.as_ref().and_then(ChainState::exposures))
    }

    /// The last underlying price of product `index` and its event time; `None` before the
    /// product's first price.
    pub fn spot(&self, index: usize) -> Option<(Price, UnixNanos)> {
        let p = self.products.get(index)?;
        p.spot.map(|s| (s, p.spot_at))
    }

    /// Number of products followed (indices `0..products()`, config order).
    pub fn products(&self) -> usize {
        self.products.len()
    }

    /// The window of product `index`.
    pub fn window(&self, index: usize) -> Option<&StrikeWindow> {
        self.products.get(index).map(|p| &p.window)
    }

    /// Processes one event.
    pub fn on_event(&mut self, event: &Event, sink: &mut dyn Sink) -> Result<(), EngineError> {
        self.stats.events += 1;
        match event {
            Event::Index(v) => self.on_underlying(v.instrument, v.ts_event, v.value, sink),
            Event::Trade(t) if !matches!(t.instrument, Instrument::Option(_)) => {
                self.on_underlying(t.instrument, t.ts_event, t.price, sink)
            }
            Event::Trade(t) => {
                let Instrument::Option(c) = t.instrument else {
                    return Ok(());
                };
                let treatment = (self.treat)(&t.conditions);
                let rate = self.rate;
                let Some(p) = product_for(&mut self.products, &c) else {
                    self.stats.ignored += 1;
                    return Ok(());
                };
                if p.stale {
                    match refresh_greeks(p, t.ts_event, rate) {
                        Ok(()) => self.stats.recomputes += 1,
                        Err(_) => self.stats.greeks_errors += 1,
                    }
                }
                let enriched = p.chain.as_mut().and_then(|ch| ch.on_trade(t, treatment));
                match enriched {
                    Some(e) => {
                        self.stats.trades += 1;
                        let age = t.ts_event.0.saturating_sub(p.spot_at.0);
                        self.stats.last_greeks_age_ns = age;
                        self.stats.max_greeks_age_ns = self.stats.max_greeks_age_ns.max(age);
                        p.series.add(&e, p.config.multiplier);
                        sink.trade(&e);
                    }
                    None => self.stats.ignored += 1,
                }
                Ok(())
            }
            Event::Quote(q) => {
                let handled = match q.instrument {
                    Instrument::Option(c) => product_for(&mut self.products, &c)
                        .and_then(|p| p.chain.as_mut())
                        .is_some_and(|ch| ch.on_quote(q)),
                    _ => true,
                };
                if !handled {
                    self.stats.ignored += 1;
                }
                Ok(())
            }
            Event::OpenInterest(oi) => {
                let Instrument::Option(c) = oi.instrument else {
                    return Ok(());
                };
                // Every product of the root may follow that expiry (0DTE and later ones).
                let mut matched = false;
                for p in self.products.iter_mut().filter(|p| {
                    p.window.config().root == c.root
                        || (p.config.es_daily && c.root.is_futures_option())
                }) {
                    matched = true;
                    match p.chain.as_mut() {
                        Some(ch) if ch.spec().expiry == c.expiry => {
                            ch.on_open_interest(&c, oi.contracts);
                        }
                        _ => p.pending_oi.push((c, oi.contracts)),
                    }
                }
                if !matched {
                    self.stats.ignored += 1;
                }
                Ok(())
            }
            Event::Greeks(g) => {
                if let Instrument::Option(c) = g.instrument
                    && let Some(p) = product_for(&mut self.products, &c)
                    && let Some(chain) = p.chain.as_ref()
                    && let Some(row) = chain.row(&c)
                {
                    let ours = chain.analysis();
                    let iv = ours.iv.get(row).copied().unwrap_or(f64::NAN);
                    let delta = ours.delta.get(row).copied().unwrap_or(f64::NAN);
                    let (iv_diff, delta_diff) = (g.iv - iv, g.delta - delta);
                    if iv_diff.is_finite() && delta_diff.is_finite() {
                        p.check.add(iv_diff, delta_diff);
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The day's one-second flow buckets of product `index`.
    pub fn series(&self, index: usize) -> Option<&FlowSeries> {
        self.products.get(index).map(|p| &p.series)
    }

    /// How product `index`'s vendor Greeks compared with ours this session.
    pub fn greeks_check(&self, index: usize) -> Option<GreeksCheck> {
        self.products.get(index).map(|p| p.check)
    }

    fn on_underlying(
        &mut self,
        instrument: Instrument,
        ts: UnixNanos,
        price: Price,
        sink: &mut dyn Sink,
    ) -> Result<(), EngineError> {
        let date = match self.day {
            Some((date, start, end)) if (start..end).contains(&ts.0) => date,
            _ => {
                let (date, start, end) = new_york_day(ts)?;
                self.day = Some((date, start, end));
                date
            }
        };
        for p in self.products.iter_mut() {
            if !price.is_defined() || price.raw() <= 0 {
                continue;
            }
            let underlying = if p.config.es_daily {
                match es_day(p, date) {
                    Some((_, _, _, future)) => future,
                    None => continue,
                }
            } else {
                p.config.underlying
            };
            if underlying != instrument {
                continue;
            }
            if p.session != Some(date) {
                start_session(p, date, price, sink)?;
                self.stats.sessions += 1;
            }
            p.spot = Some(price);
            p.spot_at = ts;
            p.stale = true;
            if let Some(WindowChange {
                subscribe,
                unsubscribe,
                ..
            }) = p.window.on_spot(ts, price, p.expiry.unwrap_or(date))
            {
                if !unsubscribe.is_empty() {
                    sink.unsubscribe(&unsubscribe);
                }
                if !subscribe.is_empty() {
                    sink.subscribe(&subscribe);
                }
            }
        }
        Ok(())
    }
}

/// The ES options series of `date` and its underlying future (cached per date); `None` when no
/// series expires that day or the calendar does not cover it.
fn es_day(
    p: &mut ProductState,
    date: Date,
) -> Option<(Date, OptionProduct, OptionRoot, Instrument)> {
    if let Some(day) = p.es_day.filter(|d| d.0 == date) {
        return Some(day);
    }
    let (product, root) = es_option_series(date).ok().flatten()?;
    let future = es_option_underlying(root, date).ok()?;
    let day = (date, product, root, Instrument::Future(future));
    p.es_day = Some(day);
    Some(day)
}

/// The product state following `contract`'s chain this session.
fn product_for<'a>(
    products: &'a mut [ProductState],
    contract: &OptionContract,
) -> Option<&'a mut ProductState> {
    products
        .iter_mut()
        .find(|p| p.window.config().root == contract.root && p.expiry == Some(contract.expiry))
}

/// The New York date of `ts` and the UTC nanosecond span of that date (23, 24 or 25 hours).
fn new_york_day(ts: UnixNanos) -> Result<(Date, u64, u64), EngineError> {
    let wrap = |e: gammaflow_model::ModelError| EngineError::Config {
        name: "timestamp",
        value: ts.0.to_string(),
        reason: e.to_string(),
    };
    let date = gammaflow_model::session::to_new_york(ts)
        .map_err(wrap)?
        .date();
    let midnight = jiff::civil::Time::midnight();
    let start = gammaflow_model::session::from_new_york(date, midnight).map_err(wrap)?;
    let next = date.tomorrow().map_err(|e| EngineError::Config {
        name: "timestamp",
        value: ts.0.to_string(),
        reason: e.to_string(),
    })?;
    let end = gammaflow_model::session::from_new_york(next, midnight).map_err(wrap)?;
    Ok((date, start.0, end.0))
}

/// Starts the session of `date`: a fresh chain around `price` if `date` is an expiry of the
/// product, else none (the window still moves, so the UI can show the next expiry later).
fn start_session(
    p: &mut ProductState,
    date: Date,
    price: Price,
    sink: &mut dyn Sink,
) -> Result<(), EngineError> {
    let (product, root) = match (p.config.es_daily, es_day(p, date)) {
        (true, Some((_, product, root, _))) => (product, root),
        _ => (p.config.product, p.window.config().root),
    };
    if root != p.window.config().root {
        // A new ES series: leave yesterday's contracts and follow today's root.
        if !p.window.contracts().is_empty() {
            sink.unsubscribe(p.window.contracts());
        }
        p.window = StrikeWindow::new(WindowConfig {
            root,
            ..*p.window.config()
        })?;
    }
    p.session = Some(date);
    p.chain = None;
    p.series.clear();
    p.check = GreeksCheck::default();
    let expiry = followed_expiry(product, date, p.config.expiry_offset);
    p.expiry = expiry;
    p.expires_at = expiry.and_then(|e| expiration_instant(product, e).ok());
    p.pending_oi.retain(|(c, _)| Some(c.expiry) == expiry);
    if p.expires_at.is_none() {
        p.pending_oi.clear();
        return Ok(());
    }
    let step = p.config.window.step;
    let half = (price.to_f64() * p.config.grid_fraction / step.to_f64()).ceil() as i64;
    let center = (price.raw() + step.raw() / 2).div_euclid(step.raw());
    let low = step.checked_mul_int((center - half).max(1));
    let high = step.checked_mul_int(center + half);
    let (Some(low), Some(high)) = (low, high) else {
        return Ok(());
    };
    let spec = ChainSpec {
        root,
        expiry: expiry.unwrap_or(date),
        step,
        low,
        high,
        multiplier: p.config.multiplier,
        model: p.config.model,
    };
    let config = ChainConfig {
        zero_gamma: false,
        ..ChainConfig::default()
    };
    let mut chain = ChainState::new(spec, config)?;
    for (c, size) in p.pending_oi.drain(..) {
        chain.on_open_interest(&c, size);
    }
    p.chain = Some(chain);
    Ok(())
}

/// The expiry a product follows on trade date `date`: the date itself for offset 0 (whether or
/// not it is an expiry: `expiration_instant` then decides), else the `offset`-th listed expiry
/// after it; `None` when the calendar does not reach it.
fn followed_expiry(product: OptionProduct, date: Date, offset: u32) -> Option<Date> {
    let mut expiry = date;
    for _ in 0..offset {
        expiry = next_expiry(product, expiry.tomorrow().ok()?).ok()?;
    }
    Some(expiry)
}

/// Refreshes the exposure views when the interval has passed; `true` if it did.
fn refresh_exposures(
    p: &mut ProductState,
    now: UnixNanos,
    rate: f64,
    interval_ns: u64,
) -> Result<bool, EngineError> {
    let (Some(chain), Some(spot), Some(expires)) = (p.chain.as_mut(), p.spot, p.expires_at) else {
        return Ok(false);
    };
    if chain
        .exposures()
        .is_some_and(|(at, _, _)| now.0.saturating_sub(at.0) < interval_ns)
    {
        return Ok(false);
    }
    let t = year_fraction(now, expires).map_err(|e| EngineError::Config {
        name: "time to expiry",
        value: now.0.to_string(),
        reason: e.to_string(),
    })?;
    chain.refresh_exposures(now, spot.to_f64(), t, rate, p.config.dividend_yield)?;
    Ok(true)
}

/// Recomputes the chain's Greeks at the current spot.
fn refresh_greeks(p: &mut ProductState, now: UnixNanos, rate: f64) -> Result<(), EngineError> {
    let (Some(chain), Some(spot), Some(expires)) = (p.chain.as_mut(), p.spot, p.expires_at) else {
        return Ok(());
    };
    p.stale = false;
    let t = year_fraction(now, expires).map_err(|e| EngineError::Config {
        name: "time to expiry",
        value: now.0.to_string(),
        reason: e.to_string(),
    })?;
    chain.recompute(now, spot.to_f64(), t, rate, p.config.dividend_yield)?;
    Ok(())
}
