//! The chain state of one (option root, expiry): a preallocated strike × contract matrix of
//! quotes, open interest, flow, IV and Greeks.
//!
//! The strike grid is fixed when the chain is created (e.g. ±10 % around the opening price on the
//! product's strike step), so an event finds its row by integer arithmetic and the hot path never
//! allocates. Rows are `2 × strike index + right` (call 0, put 1), strikes ascending. Prints and
//! quotes of contracts outside the grid are counted in [`ChainState::outside_grid`] and otherwise
//! ignored.
//!
//! * [`ChainState::on_quote`] stores the NBBO (exact prices and the `f64` copies the math reads).
//! * [`ChainState::on_trade`] classifies the aggressor against the stored NBBO (the quote in force
//!   at the print, since events arrive in time order), adds the print to the contract's
//!   [`ContractFlow`] with the **current** Greeks, and returns the [`EnrichedTrade`] for the lake.
//! * [`ChainState::recompute`] turns every contract's mid into IV, Greeks and exposures with one
//!   `gammaflow_quant` chain call (its batch IV inside), called by the pipeline once per
//!   underlying tick batch, so Greeks are at most one batch stale; [`ChainState::greeks_at`]
//!   says when they were last computed.

use gammaflow_model::event::{Conditions, ExchangeId, Instrument, Quote, Side, Trade};
use gammaflow_model::{OptionContract, OptionRight, OptionRoot, Price, Size, UnixNanos};
use gammaflow_quant::chain::{ChainAnalysis, ChainAnalyzer, ChainConfig, ChainQuotes};
use gammaflow_quant::exposure::DealerSign;
use gammaflow_quant::{ExpiryInputs, Model, OptionKind};
use jiff::civil::Date;

use crate::EngineError;
use crate::aggressor::{TickState, classify};
use crate::flow::{ContractFlow, Print, PrintTreatment};

/// Most strikes a chain grid may hold.
pub const MAX_STRIKES: usize = 4_000;

/// What identifies a chain and its grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainSpec {
    /// Option root (`SPXW`, `SPY`).
    pub root: OptionRoot,
    /// Expiry date.
    pub expiry: Date,
    /// Strike step of the grid.
    pub step: Price,
    /// Lowest strike of the grid (a multiple of `step`).
    pub low: Price,
    /// Highest strike of the grid (a multiple of `step`, ≥ `low`).
    pub high: Price,
    /// Contract multiplier (100 SPX/SPY options, 50 ES options).
    pub multiplier: u32,
    /// Pricing model: `Bsm` on spot, `Black76` on the futures price.
    pub model: Model,
}

/// A print with everything the lake stores about it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnrichedTrade {
    /// Exchange timestamp, ns.
    pub ts_event: UnixNanos,
    /// Capture timestamp, ns.
    pub ts_recv: UnixNanos,
    /// The contract.
    pub contract: OptionContract,
    /// Premium per unit.
    pub price: Price,
    /// Contracts.
    pub size: Size,
    /// Venue.
    pub exchange: ExchangeId,
    /// Condition codes.
    pub conditions: Conditions,
    /// Inferred aggressor.
    pub side: Side,
    /// Underlying price the Greeks were computed at (NaN before the first recompute).
    pub underlying: f64,
    /// IV at the print (NaN when unknown).
    pub iv: f64,
    /// Delta at the print (NaN when unknown).
    pub delta: f64,
    /// Gamma at the print (NaN when unknown).
    pub gamma: f64,
    /// Signed `size × delta × multiplier` (0 for unknown side or non-directional prints).
    pub net_delta_impact: f64,
    /// The print's condition treatment.
    pub treatment: PrintTreatment,
}

/// The per-contract inputs of the option math, structure of arrays, one entry per row.
#[derive(Debug)]
struct Rows {
    kind: Vec<OptionKind>,
    strike: Vec<f64>,
    bid: Vec<f64>,
    ask: Vec<f64>,
    open_interest: Vec<f64>,
}

impl Rows {
    /// The chain's quotes for the `quant` chain call at `spot`, `t` years, rate `r`, yield `q`.
    fn quotes<'a>(
        &'a self,
        spec: &ChainSpec,
        (spot, t, r, q): (f64, f64, f64, f64),
        dealer: DealerSign<'a>,
    ) -> ChainQuotes<'a> {
        ChainQuotes {
            expiry: ExpiryInputs {
                model: spec.model,
                s: spot,
                t,
                r,
                q,
                multiplier: f64::from(spec.multiplier),
            },
            kind: &self.kind,
            strike: &self.strike,
            bid: &self.bid,
            ask: &self.ask,
            open_interest: &self.open_interest,
            dealer,
        }
    }
}

/// One chain's state; see the module docs.
#[derive(Debug)]
pub struct ChainState {
    spec: ChainSpec,
    first_index: i64,
    strikes: usize,
    rows: Rows,
    quotes: Vec<Option<Quote>>,
    ticks: Vec<TickState>,
    flow: Vec<ContractFlow>,
    analyzer: ChainAnalyzer,
    oi_view: ChainAnalyzer,
    flow_view: ChainAnalyzer,
    dealer_position: Vec<f64>,
    exposures_at: Option<UnixNanos>,
    greeks_at: Option<UnixNanos>,
    underlying: f64,
    outside_grid: u64,
}

impl ChainState {
    /// An empty chain over the spec's grid. `config` drives the per-tick Greeks (normally with
    /// `zero_gamma: false`, as the zero-gamma search is the expensive part); the throttled
    /// exposure views always search for zero gamma.
    pub fn new(spec: ChainSpec, config: ChainConfig) -> Result<Self, EngineError> {
        let exposure_config = ChainConfig {
            zero_gamma: true,
            ..config
        };
        let bad = |name: &'static str, value: String, reason: &str| EngineError::Config {
            name,
            value,
            reason: reason.to_owned(),
        };
        let step = spec.step.raw();
        if step <= 0 || !spec.step.is_defined() {
            return Err(bad("step", spec.step.to_string(), "must be positive"));
        }
        if spec.low.raw() % step != 0 || spec.high.raw() % step != 0 || spec.low > spec.high {
            return Err(bad(
                "strike range",
                format!("{}..{}", spec.low, spec.high),
                "must be multiples of the step, low ≤ high",
            ));
        }
        let strikes = ((spec.high.raw() - spec.low.raw()) / step + 1) as usize;
        if strikes > MAX_STRIKES {
            return Err(bad(
                "strike range",
                format!("{}..{}", spec.low, spec.high),
                "holds more than 4000 strikes",
            ));
        }
        let n = 2 * strikes;
        let first_index = spec.low.raw() / step;
        let mut kind = Vec::with_capacity(n);
        let mut strike = Vec::with_capacity(n);
        for i in 0..strikes as i64 {
            let k = Price::from_raw((first_index + i) * step).to_f64();
            kind.extend([OptionKind::Call, OptionKind::Put]);
            strike.extend([k, k]);
        }
        Ok(Self {
            spec,
            first_index,
            strikes,
            rows: Rows {
                kind,
                strike,
                bid: vec![f64::NAN; n],
                ask: vec![f64::NAN; n],
                open_interest: vec![0.0; n],
            },
            quotes: vec![None; n],
            ticks: vec![TickState::default(); n],
            flow: vec![ContractFlow::default(); n],
            analyzer: ChainAnalyzer::new(config),
            oi_view: ChainAnalyzer::new(exposure_config),
            flow_view: ChainAnalyzer::new(exposure_config),
            dealer_position: vec![0.0; n],
            exposures_at: None,
            greeks_at: None,
            underlying: f64::NAN,
            outside_grid: 0,
        })
    }

    /// The spec.
    pub fn spec(&self) -> &ChainSpec {
        &self.spec
    }

    /// Number of strikes in the grid (rows are twice that).
    pub fn strikes(&self) -> usize {
        self.strikes
    }

    /// The row of a contract, `None` if it is not in this chain's grid.
    pub fn row(&self, contract: &OptionContract) -> Option<usize> {
        if contract.root != self.spec.root || contract.expiry != self.spec.expiry {
            return None;
        }
        let step = self.spec.step.raw();
        let raw = contract.strike.raw();
        if raw % step != 0 {
            return None;
        }
        let i = raw / step - self.first_index;
        if i < 0 || i as usize >= self.strikes {
            return None;
        }
        Some(2 * i as usize + usize::from(contract.right == OptionRight::Put))
    }

    /// The contract of a row.
    pub fn contract(&self, row: usize) -> Option<OptionContract> {
        if row >= 2 * self.strikes {
            return None;
        }
        let strike = self
            .spec
            .step
            .checked_mul_int(self.first_index + (row / 2) as i64)?;
        let right = if row.is_multiple_of(2) {
            OptionRight::Call
        } else {
            OptionRight::Put
        };
        Some(OptionContract::new(
            self.spec.root,
            self.spec.expiry,
            right,
            strike,
        ))
    }

    fn row_of(&mut self, instrument: &Instrument) -> Option<usize> {
        let Instrument::Option(c) = instrument else {
            return None;
        };
        let row = self.row(c);
        if row.is_none() && c.root == self.spec.root && c.expiry == self.spec.expiry {
            self.outside_grid += 1;
        }
        row
    }

    /// Stores an NBBO; returns `false` if the quote is not for this chain. An undefined side
    /// becomes NaN for the math (the contract then has no mid).
    pub fn on_quote(&mut self, quote: &Quote) -> bool {
        let Some(row) = self.row_of(&quote.instrument) else {
            return false;
        };
        let as_f64 = |p: Price| if p.is_defined() { p.to_f64() } else { f64::NAN };
        self.rows.bid[row] = as_f64(quote.bid);
        self.rows.ask[row] = as_f64(quote.ask);
        self.quotes[row] = Some(*quote);
        true
    }

    /// Sets a contract's open interest (contracts); `false` if not in this chain.
    pub fn on_open_interest(&mut self, contract: &OptionContract, contracts: Size) -> bool {
        let Some(row) = self.row(contract) else {
            return false;
        };
        self.rows.open_interest[row] = f64::from(contracts.get());
        true
    }

    /// Adds a print (see the module docs); `None` if the trade is not for this chain.
    pub fn on_trade(&mut self, trade: &Trade, treatment: PrintTreatment) -> Option<EnrichedTrade> {
        let row = self.row_of(&trade.instrument)?;
        let contract = self.contract(row)?;
        let side = match trade.aggressor {
            Side::None => classify(trade.price, self.quotes[row].as_ref(), &self.ticks[row]),
            reported => reported,
        };
        if treatment.updates_last && !treatment.excluded {
            self.ticks[row].record(trade.price);
        }
        let last = self.analyzer.last();
        let pick = |v: &Vec<f64>| v.get(row).copied().unwrap_or(f64::NAN);
        let (iv, delta, gamma) = (pick(&last.iv), pick(&last.delta), pick(&last.gamma));
        let print = Print {
            price: trade.price,
            size: trade.size,
            side,
            treatment,
            delta,
            gamma,
        };
        let before = self.flow[row].net_delta_notional;
        self.flow[row].apply(&print, self.spec.multiplier);
        Some(EnrichedTrade {
            ts_event: trade.ts_event,
            ts_recv: trade.ts_recv,
            contract,
            price: trade.price,
            size: trade.size,
            exchange: trade.exchange,
            conditions: trade.conditions,
            side,
            underlying: self.underlying,
            iv,
            delta,
            gamma,
            net_delta_impact: self.flow[row].net_delta_notional - before,
            treatment,
        })
    }

    /// Recomputes IV, Greeks and exposures of every contract from the stored mids at `spot`
    /// (spot for `Bsm`, futures price for `Black76`) with `t` years to expiry, rate `r` and
    /// dividend yield `q`. Allocates only on the first call.
    pub fn recompute(
        &mut self,
        at: UnixNanos,
        spot: f64,
        t: f64,
        r: f64,
        q: f64,
    ) -> Result<&ChainAnalysis, EngineError> {
        let quotes = self
            .rows
            .quotes(&self.spec, (spot, t, r, q), DealerSign::Classic);
        self.underlying = spot;
        self.greeks_at = Some(at);
        self.analyzer
            .analyze(&quotes)
            .map_err(|e| EngineError::Config {
                name: "chain",
                value: format!("{} {}", self.spec.root, self.spec.expiry),
                reason: e.to_string(),
            })
    }

    /// Recomputes the two exposure views at `spot` (see [`ChainState::recompute`] for the other
    /// inputs): **open-interest GEX** with the classic dealer sign (dealers long calls, short
    /// puts) and **flow GEX** from the day's signed prints, where dealers hold the opposite of the
    /// customers' net aggressor volume (a customer buy leaves a dealer short). Both include
    /// per-strike GEX, zero gamma, walls and the expected move. The caller throttles this (the
    /// engine: at most once per exposure interval).
    pub fn refresh_exposures(
        &mut self,
        at: UnixNanos,
        spot: f64,
        t: f64,
        r: f64,
        q: f64,
    ) -> Result<(&ChainAnalysis, &ChainAnalysis), EngineError> {
        for (position, flow) in self.dealer_position.iter_mut().zip(&self.flow) {
            *position = -(flow.net_aggressor() as f64);
        }
        let inputs = (spot, t, r, q);
        let base = self.rows.quotes(&self.spec, inputs, DealerSign::Classic);
        let chain_name = || format!("{} {}", self.spec.root, self.spec.expiry);
        let wrap = |e: gammaflow_quant::QuantError| EngineError::Config {
            name: "chain",
            value: chain_name(),
            reason: e.to_string(),
        };
        self.oi_view.analyze(&base).map_err(wrap)?;
        let by_flow = ChainQuotes {
            dealer: DealerSign::NetPosition(&self.dealer_position),
            ..base
        };
        self.flow_view.analyze(&by_flow).map_err(wrap)?;
        self.exposures_at = Some(at);
        Ok((self.oi_view.last(), self.flow_view.last()))
    }

    /// The last exposure views (open-interest based, flow based) and when they were computed.
    pub fn exposures(&self) -> Option<(UnixNanos, &ChainAnalysis, &ChainAnalysis)> {
        Some((
            self.exposures_at?,
            self.oi_view.last(),
            self.flow_view.last(),
        ))
    }

    /// The last analysis (empty before the first [`ChainState::recompute`]).
    pub fn analysis(&self) -> &ChainAnalysis {
        self.analyzer.last()
    }

    /// The underlying price of the last Greeks recomputation (NaN before the first).
    pub fn underlying(&self) -> f64 {
        self.underlying
    }

    /// When the Greeks were last recomputed.
    pub fn greeks_at(&self) -> Option<UnixNanos> {
        self.greeks_at
    }

    /// The flow of a row.
    pub fn flow(&self, row: usize) -> Option<&ContractFlow> {
        self.flow.get(row)
    }

    /// The open interest of a row (contracts; 0 when none was published).
    pub fn open_interest(&self, row: usize) -> Option<f64> {
        self.rows.open_interest.get(row).copied()
    }

    /// The last NBBO of a row.
    pub fn quote(&self, row: usize) -> Option<&Quote> {
        self.quotes.get(row).and_then(Option::as_ref)
    }

    /// Calls and puts of one strike summed (`last` is the call's, else the put's).
    pub fn strike_flow(&self, strike_index: usize) -> Option<(ContractFlow, ContractFlow)> {
        let call = *self.flow.get(2 * strike_index)?;
        let put = *self.flow.get(2 * strike_index + 1)?;
        Some((call, put))
    }

    /// Events for this root and expiry whose strike is off the grid.
    pub fn outside_grid(&self) -> u64 {
        self.outside_grid
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn p(s: &str) -> Price {
        s.parse().unwrap()
    }

    fn spec() -> ChainSpec {
        ChainSpec {
            root: OptionRoot::new("SPXW").unwrap(),
            expiry: date(2025, 6, 9),
            step: p("5"),
            low: p("5900"),
            high: p("6100"),
            multiplier: 100,
            model: Model::Bsm,
        }
    }

    fn contract(right: OptionRight, strike: &str) -> OptionContract {
        OptionContract::new(spec().root, spec().expiry, right, p(strike))
    }

    fn quote(c: OptionContract, bid: &str, ask: &str) -> Quote {
        Quote {
            ts_event: UnixNanos(10),
            ts_recv: UnixNanos(11),
            instrument: c.into(),
            bid: p(bid),
            ask: p(ask),
            bid_size: Size::new(10),
            ask_size: Size::new(10),
            bid_exchange: None,
            ask_exchange: None,
        }
    }

    fn trade(c: OptionContract, price: &str, size: u32) -> Trade {
        Trade {
            ts_event: UnixNanos(20),
            ts_recv: UnixNanos(21),
            instrument: c.into(),
            price: p(price),
            size: Size::new(size),
            exchange: ExchangeId(302),
            conditions: Conditions::EMPTY,
            sequence: 1,
            aggressor: Side::None,
        }
    }

    #[test]
    fn rows_map_contracts_both_ways() {
        let chain = ChainState::new(spec(), ChainConfig::default()).unwrap();
        assert_eq!(chain.strikes(), 41);
        let c = contract(OptionRight::Put, "6000");
        let row = chain.row(&c).unwrap();
        assert_eq!(row, 41);
        assert_eq!(chain.contract(row), Some(c));
        assert_eq!(chain.row(&contract(OptionRight::Call, "6002")), None);
        assert_eq!(chain.row(&contract(OptionRight::Call, "6105")), None);
        let mut bad = spec();
        bad.low = p("5901");
        assert!(ChainState::new(bad, ChainConfig::default()).is_err());
    }

    #[test]
    fn trades_are_classified_enriched_and_accumulated() {
        let mut chain = ChainState::new(spec(), ChainConfig::default()).unwrap();
        let call = contract(OptionRight::Call, "6000");
        let put = contract(OptionRight::Put, "6000");
        assert!(chain.on_quote(&quote(call, "10.0", "10.4")));
        assert!(chain.on_quote(&quote(put, "9.6", "10.0")));
        assert!(chain.on_open_interest(&call, Size::new(1000)));
        let t_years = 3.0 / (24.0 * 365.0);
        let row = chain.row(&call).unwrap();
        let analysis = chain
            .recompute(UnixNanos(15), 6000.0, t_years, 0.043, 0.013)
            .unwrap();
        assert!(analysis.iv[row] > 0.01 && analysis.iv[row] < 1.0);
        let delta = analysis.delta[row];
        let enriched = chain
            .on_trade(&trade(call, "10.4", 5), PrintTreatment::REGULAR)
            .unwrap();
        assert_eq!(enriched.side, Side::Buy);
        assert_eq!(enriched.delta, delta);
        assert!((enriched.net_delta_impact - 5.0 * 100.0 * delta).abs() < 1e-9);
        let sold = chain
            .on_trade(&trade(call, "10.0", 2), PrintTreatment::REGULAR)
            .unwrap();
        assert_eq!(sold.side, Side::Sell);
        let flow = chain.flow(row).unwrap();
        assert_eq!((flow.volume, flow.net_aggressor()), (7, 3));
        assert_eq!(chain.greeks_at(), Some(UnixNanos(15)));
        // Exposures: OI view has GEX only where OI is; the flow view has the dealers short the
        // 3 net contracts customers bought.
        let (oi, flow) = chain
            .refresh_exposures(UnixNanos(30), 6000.0, t_years, 0.043, 0.013)
            .unwrap();
        assert!(oi.gex[row] > 0.0 && oi.total_gex == oi.gex[row]);
        assert!(flow.gex[row] < 0.0);
        assert!((flow.position[row] + 3.0).abs() < 1e-12);
        assert_eq!(chain.exposures().unwrap().0, UnixNanos(30));
        // Off-grid and foreign contracts.
        assert!(
            chain
                .on_trade(
                    &trade(contract(OptionRight::Call, "7000"), "1", 1),
                    PrintTreatment::REGULAR
                )
                .is_none()
        );
        assert_eq!(chain.outside_grid(), 1);
        let spy = OptionContract::parse_any("O:SPY250609C00600000").unwrap();
        assert!(!chain.on_quote(&quote(spy, "1", "1.1")));
        assert_eq!(chain.outside_grid(), 1);
    }
}
