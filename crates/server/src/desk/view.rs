//! Builds the wire views ([`ProductView`], [`ChainView`]) from the engine's state.

use gammaflow_engine::chain::ChainState;
use gammaflow_engine::flow::ContractFlow;
use gammaflow_engine::pipeline::{Engine, ProductConfig};
use gammaflow_model::event::Quote;
use gammaflow_model::expiry::OptionProduct;
use gammaflow_model::{OptionContract, OptionRight, UnixNanos};
use gammaflow_quant::chain::ChainAnalysis;

use crate::wire::{
    ChainContractView, ChainView, FlowTotals, ProductView, SCHEMA_VERSION, SideView, StrikeView,
    VendorGreeksCheck,
};

/// The key of a product in URLs and messages: `spxw`, `spy`, `es`, and `+N` after it for the
/// N-th expiry after the 0DTE one (`spxw+1`).
pub fn product_key(config: &ProductConfig) -> String {
    let base = if config.es_daily {
        "es"
    } else {
        match config.product {
            OptionProduct::Spxw => "spxw",
            OptionProduct::SpxMonthly => "spx",
            OptionProduct::Spy => "spy",
            _ => "es",
        }
    };
    match config.expiry_offset {
        0 => base.to_owned(),
        n => format!("{base}+{n}"),
    }
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn at(values: &[f64], row: Option<usize>) -> Option<f64> {
    row.and_then(|r| values.get(r).copied()).and_then(finite)
}

/// Quote, flow, IV and Greeks of one row.
fn side_view(chain: &ChainState, row: Option<usize>) -> SideView {
    let analysis = chain.analysis();
    let flow: ContractFlow = row.and_then(|r| chain.flow(r)).copied().unwrap_or_default();
    let quote: Option<&Quote> = row.and_then(|r| chain.quote(r));
    SideView {
        volume: flow.volume,
        buy_volume: flow.buy_volume,
        sell_volume: flow.sell_volume,
        premium: flow.premium.to_f64(),
        net_delta: flow.net_delta_notional,
        sweeps: flow.sweeps,
        iv: at(&analysis.iv, row),
        delta: at(&analysis.delta, row),
        gamma: at(&analysis.gamma, row),
        oi: row
            .and_then(|r| chain.open_interest(r))
            .filter(|oi| *oi > 0.0),
        bid: quote.map(|q| q.bid.to_f64()),
        ask: quote.map(|q| q.ask.to_f64()),
        last: flow.last.map(|p| p.to_f64()),
    }
}

/// Sum of a value over the call and put rows of a strike, `None` when neither is finite.
fn strike_sum(values: &[f64], call: Option<usize>, put: Option<usize>) -> Option<f64> {
    match (at(values, call), at(values, put)) {
        (None, None) => None,
        (c, p) => Some(c.unwrap_or(0.0) + p.unwrap_or(0.0)),
    }
}

/// The product view of product `index` at event time `now`. With `refresh`, the exposure views
/// are refreshed first (at most once per the engine's exposure interval of event time);
/// otherwise the last ones are shown.
pub fn product_view(
    engine: &mut Engine,
    index: usize,
    config: &ProductConfig,
    now: UnixNanos,
    refresh: bool,
) -> ProductView {
    let exposures = if refresh {
        engine.refresh_exposures(index, now).ok().flatten()
    } else {
        engine.chain(index).and_then(ChainState::exposures)
    }
    .map(|(_, oi, flow)| (oi.clone(), flow.clone()));
    let mut view = ProductView {
        product: product_key(config),
        root: config.window.root.to_string(),
        underlying: config.underlying.to_string(),
        strike_step: config.window.step.to_f64(),
        multiplier: config.multiplier,
        ..ProductView::default()
    };
    let (Some(window), Some(chain)) = (engine.window(index), engine.chain(index)) else {
        return view;
    };
    let spec = chain.spec();
    view.root = spec.root.to_string();
    view.expiry = Some(spec.expiry.to_string());
    view.spot = finite(chain.underlying());
    let center = window.center();
    view.atm_strike = center.map(|c| c.to_f64());
    view.greeks_age_ms = chain
        .greeks_at()
        .map(|at| now.0.saturating_sub(at.0) as f64 / 1e6);
    if let Some((oi, flow)) = &exposures {
        view.zero_gamma = oi.zero_gamma;
        view.call_wall = oi.call_wall;
        view.put_wall = oi.put_wall;
        view.flow_zero_gamma = flow.zero_gamma;
        view.expected_move = oi.straddle.map(|s| s.straddle);
        view.total_gex = finite(oi.total_gex);
    }
    view.totals = totals(chain);
    view.vendor_greeks = engine
        .greeks_check(index)
        .filter(|c| c.samples > 0)
        .map(|c| VendorGreeksCheck {
            samples: c.samples,
            mean_abs_iv_diff: c.mean_abs_iv_diff,
            mean_abs_delta_diff: c.mean_abs_delta_diff,
            max_abs_delta_diff: c.max_abs_delta_diff,
        });
    let mut calls: Vec<OptionContract> = window
        .contracts()
        .iter()
        .filter(|c| c.right == OptionRight::Call)
        .copied()
        .collect();
    calls.sort_by_key(|c| std::cmp::Reverse(c.strike));
    view.strikes = calls
        .iter()
        .map(|call| {
            let put = OptionContract::new(call.root, call.expiry, OptionRight::Put, call.strike);
            let (call_row, put_row) = (chain.row(call), chain.row(&put));
            let gex =
                |a: Option<&ChainAnalysis>| a.and_then(|a| strike_sum(&a.gex, call_row, put_row));
            StrikeView {
                strike: call.strike.to_f64(),
                atm: center == Some(call.strike),
                call: side_view(chain, call_row),
                put: side_view(chain, put_row),
                gex_oi: gex(exposures.as_ref().map(|e| &e.0)),
                gex_flow: gex(exposures.as_ref().map(|e| &e.1)),
            }
        })
        .collect();
    view
}

/// Day totals over the whole grid.
fn totals(chain: &ChainState) -> FlowTotals {
    let mut t = FlowTotals::default();
    let mut call_premium = gammaflow_model::Money::ZERO;
    let mut put_premium = gammaflow_model::Money::ZERO;
    for strike in 0..chain.strikes() {
        let Some((call, put)) = chain.strike_flow(strike) else {
            continue;
        };
        t.call_volume += call.volume;
        t.put_volume += put.volume;
        call_premium = call_premium
            .checked_add(call.premium)
            .unwrap_or(call_premium);
        put_premium = put_premium.checked_add(put.premium).unwrap_or(put_premium);
        t.call_net_delta += call.net_delta_notional;
        t.put_net_delta += put.net_delta_notional;
        t.prints += call.prints + put.prints;
        t.excluded += call.excluded + put.excluded;
    }
    t.call_premium = call_premium.to_f64();
    t.put_premium = put_premium.to_f64();
    t
}

/// The chain view of product `index`: every contract with a quote, a print or open interest.
pub fn chain_view(
    engine: &mut Engine,
    index: usize,
    config: &ProductConfig,
    now: UnixNanos,
) -> Option<ChainView> {
    let gex = engine
        .refresh_exposures(index, now)
        .ok()
        .flatten()
        .map(|(_, oi, _)| oi.gex.clone());
    let chain = engine.chain(index)?;
    let spec = chain.spec();
    let mut contracts = Vec::new();
    for row in 0..2 * chain.strikes() {
        let Some(contract) = chain.contract(row) else {
            continue;
        };
        let side = side_view(chain, Some(row));
        let traded = chain.flow(row).is_some_and(|f| f.prints + f.excluded > 0);
        if side.bid.is_none() && side.oi.is_none() && !traded {
            continue;
        }
        contracts.push(ChainContractView {
            strike: contract.strike.to_f64(),
            right: match contract.right {
                OptionRight::Call => "C",
                OptionRight::Put => "P",
            }
            .to_owned(),
            symbol: contract.to_string(),
            side,
            gex_oi: gex.as_deref().and_then(|g| at(g, Some(row))),
        });
    }
    Some(ChainView {
        schema: SCHEMA_VERSION,
        product: product_key(config),
        root: spec.root.to_string(),
        expiry: spec.expiry.to_string(),
        ts_event: now.0,
        spot: finite(chain.underlying()),
        contracts,
    })
}
