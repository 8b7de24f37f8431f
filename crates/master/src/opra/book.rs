//! The per-contract state and chain snapshots.

use std::collections::HashMap;

use gammaflow_model::event::Quote;
use gammaflow_model::{OptionContract, OptionRight, Price, UnixNanos};
use jiff::civil::Date;

/// What is kept of one contract: the last quote, the cumulative volume and the open interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractState {
    /// Last bid, option premium points; [`Price::UNDEF`] if none or that side was missing.
    pub bid: Price,
    /// Last ask, option premium points; [`Price::UNDEF`] if none or that side was missing.
    pub ask: Price,
    /// Contracts at the bid.
    pub bid_size: u32,
    /// Contracts at the ask.
    pub ask_size: u32,
    /// `ts_recv` of the last quote (UTC ns), `None` before the first.
    pub quote_ts: Option<UnixNanos>,
    /// Contracts traded so far in the trade-date window.
    pub volume: u64,
    /// Open interest, contracts, `None` if not published.
    pub oi: Option<u32>,
    /// The session the open interest describes.
    pub oi_as_of: Option<Date>,
}

impl Default for ContractState {
    fn default() -> Self {
        Self {
            bid: Price::UNDEF,
            ask: Price::UNDEF,
            bid_size: 0,
            ask_size: 0,
            quote_ts: None,
            volume: 0,
            oi: None,
            oi_as_of: None,
        }
    }
}

/// Every contract's [`ContractState`].
#[derive(Debug, Clone, Default)]
pub struct ChainBook {
    contracts: HashMap<OptionContract, ContractState>,
}

impl ChainBook {
    /// Applies a quote (its `ts_recv` is the quote time).
    pub fn quote(&mut self, contract: OptionContract, q: &Quote) {
        let s = self.contracts.entry(contract).or_default();
        s.bid = q.bid;
        s.ask = q.ask;
        s.bid_size = q.bid_size.get();
        s.ask_size = q.ask_size.get();
        s.quote_ts = Some(q.ts_recv);
    }

    /// Adds `size` contracts to the volume.
    pub fn trade(&mut self, contract: OptionContract, size: u32) {
        let s = self.contracts.entry(contract).or_default();
        s.volume = s.volume.saturating_add(u64::from(size));
    }

    /// Sets the open interest unless a figure with a later `as_of` is held; `true` if the contract
    /// had none before.
    pub fn set_oi(&mut self, contract: OptionContract, contracts: u32, as_of: Date) -> bool {
        let s = self.contracts.entry(contract).or_default();
        let first = s.oi.is_none();
        if s.oi_as_of.is_none_or(|d| as_of >= d) {
            s.oi = Some(contracts);
            s.oi_as_of = Some(as_of);
        }
        first
    }

    /// The state of one contract.
    pub fn get(&self, contract: &OptionContract) -> Option<&ContractState> {
        self.contracts.get(contract)
    }

    /// Number of contracts held.
    pub fn len(&self) -> usize {
        self.contracts.len()
    }

    /// Whether no contract is held.
    pub fn is_empty(&self) -> bool {
        self.contracts.is_empty()
    }

    /// The state of the contracts expiring on `expiry` (all when `None`) stamped `at`, sorted by
    /// contract (root, expiry, right, strike).
    pub fn snapshot(&self, at: UnixNanos, expiry: Option<Date>) -> ChainState {
        let mut contracts: Vec<ContractSnapshot> = self
            .contracts
            .iter()
            .filter(|(c, _)| expiry.is_none_or(|e| c.expiry == e))
            .map(|(c, s)| ContractSnapshot::new(*c, s))
            .collect();
        contracts.sort_by_key(|a| a.contract);
        ChainState { at, contracts }
    }
}

/// One contract in a [`ChainState`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ContractSnapshot {
    /// The contract (root, expiry, right, strike).
    pub contract: OptionContract,
    /// Strike, index points.
    pub strike: f64,
    /// Call or put.
    pub right: OptionRight,
    /// Expiration date (exchange calendar).
    pub expiry: Date,
    /// Last bid, premium points; `None` if missing.
    pub bid: Option<f64>,
    /// Last ask, premium points; `None` if missing.
    pub ask: Option<f64>,
    /// `(bid + ask) / 2`, premium points; `None` unless both sides are defined.
    pub mid: Option<f64>,
    /// Contracts at the bid.
    pub bid_size: u32,
    /// Contracts at the ask.
    pub ask_size: u32,
    /// `ts_recv` of the last quote (UTC ns).
    pub quote_ts: Option<UnixNanos>,
    /// Cumulative volume of the trade date so far, contracts.
    pub volume: u64,
    /// Open interest of the day, contracts.
    pub oi: Option<u32>,
}

impl ContractSnapshot {
    fn new(contract: OptionContract, s: &ContractState) -> Self {
        let side = |p: Price| p.is_defined().then(|| p.to_f64());
        let (bid, ask) = (side(s.bid), side(s.ask));
        let mid = match (bid, ask) {
            (Some(b), Some(a)) => Some((b + a) / 2.0),
            _ => None,
        };
        Self {
            contract,
            strike: contract.strike.to_f64(),
            right: contract.right,
            expiry: contract.expiry,
            bid,
            ask,
            mid,
            bid_size: s.bid_size,
            ask_size: s.ask_size,
            quote_ts: s.quote_ts,
            volume: s.volume,
            oi: s.oi,
        }
    }

    /// Seconds since the last quote at `at` (`None` without a quote; 0 for a quote stamped after
    /// `at`).
    pub fn quote_age_secs(&self, at: UnixNanos) -> Option<f64> {
        self.quote_ts
            .map(|t| at.0.saturating_sub(t.0) as f64 / UnixNanos::NANOS_PER_SECOND as f64)
    }
}

/// The chain at one instant: every contract's last quote, cumulative volume and open interest,
/// sorted by contract (root, expiry, right — calls first — and strike).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChainState {
    /// The instant (UTC ns).
    pub at: UnixNanos,
    /// The contracts.
    pub contracts: Vec<ContractSnapshot>,
}

impl ChainState {
    /// The contracts expiring on `expiry`.
    pub fn expiring(&self, expiry: Date) -> impl Iterator<Item = &ContractSnapshot> {
        self.contracts.iter().filter(move |c| c.expiry == expiry)
    }

    /// The snapshot of one contract.
    pub fn get(&self, contract: &OptionContract) -> Option<&ContractSnapshot> {
        self.contracts
            .binary_search_by(|c| c.contract.cmp(contract))
            .ok()
            .and_then(|i| self.contracts.get(i))
    }
}
