//! Builds the wire views ([`ProductView`], [`ChainView`], [`MarketView`], [`IntradayView`],
//! [`MarketBarsView`]) from the engine's and the market tracker's state.

use gammaflow_engine::chain::ChainState;
use gammaflow_engine::flow::ContractFlow;
use gammaflow_engine::pipeline::{Engine, ProductConfig};
use gammaflow_model::event::Quote;
use gammaflow_model::expiry::OptionProduct;
use gammaflow_model::{OptionContract, OptionRight, UnixNanos};
use gammaflow_quant::chain::ChainAnalysis;

use gammaflow_engine::market::MarketTracker;
use gammaflow_engine::market::range::RangeTracker;
use gammaflow_model::Money;
use gammaflow_model::session::to_new_york;

use crate::wire::{
    BandLevel, ChainContractView, ChainView, FlowTotals, IntradayPoint, IntradayView, MarketBar,
    MarketBarsView, MarketView, ProductView, RangeView, RealizedVolView, SCHEMA_VERSION, SideView,
    StrikeView, VendorGreeksCheck,
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
    if let Some(series) = engine.series(index) {
        let (call, put) = series.net_premium();
        view.totals.call_net_premium = call.to_f64();
        view.totals.put_net_premium = put.to_f64();
    }
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

/// `t` on the New York wall clock (`2025-06-09T10:31:02.5`), empty if it cannot be converted.
pub fn new_york_datetime(t: UnixNanos) -> String {
    to_new_york(t)
        .map(|z| z.datetime().to_string())
        .unwrap_or_default()
}

/// `t` as New York `HH:MM`, empty if it cannot be converted.
fn new_york_hh_mm(t: UnixNanos) -> String {
    to_new_york(t)
        .map(|z| format!("{:02}:{:02}", z.hour(), z.minute()))
        .unwrap_or_default()
}

/// The 0DTE ATM implied volatility of the published products for trade date `trade_date`: the
/// first product whose root is `SPXW` (else the first product), its ATM strike's call and put IV
/// averaged (one of them if the other is unknown). `None` unless that product's expiry is the
/// trade date (so an expired chain's IV never sizes today's bands).
pub fn atm_iv(products: &[ProductView], trade_date: Option<jiff::civil::Date>) -> Option<f64> {
    let product = products
        .iter()
        .find(|p| p.root == "SPXW")
        .or_else(|| products.first())?;
    let date = trade_date?.to_string();
    if product.expiry.as_deref() != Some(date.as_str()) {
        return None;
    }
    let atm = product.strikes.iter().find(|s| s.atm)?;
    match (atm.call.iv, atm.put.iv) {
        (Some(c), Some(p)) => Some(0.5 * (c + p)),
        (one, other) => one.or(other),
    }
    .filter(|iv| iv.is_finite() && *iv > 0.0)
}

fn range_view(name: &str, label: &str, r: &RangeTracker) -> RangeView {
    let width = r.width();
    let when = |t: Option<UnixNanos>| t.map(new_york_datetime);
    let breakout = r.breakout();
    RangeView {
        name: name.to_owned(),
        reference_label: label.to_owned(),
        status: r.status().as_str().to_owned(),
        start_ns: r.start().0,
        end_ns: r.end().0,
        start_new_york: new_york_hh_mm(r.start()),
        end_new_york: new_york_hh_mm(r.end()),
        reference: r.reference(),
        sigma: width.map(|w| w.sigma),
        half_width_1s: width.map(|w| w.half_width_1s),
        half_width_2s: width.map(|w| 2.0 * w.half_width_1s),
        levels: r
            .levels()
            .map(|levels| {
                levels
                    .iter()
                    .map(|b| BandLevel {
                        label: b.label.to_owned(),
                        price: b.price,
                        touches: u64::from(b.touches),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        touches: u64::from(r.touches()),
        first_touch_ns: r.first_touch().map(|t| t.0),
        first_touch_new_york: when(r.first_touch()),
        breakout: breakout.map(|(side, _)| side.as_str().to_owned()),
        breakout_ns: breakout.map(|(_, t)| t.0),
        breakout_new_york: when(breakout.map(|(_, t)| t)),
        position: r.position().map(|p| p.as_str().to_owned()),
        closed_inside: r.closed_inside(),
    }
}

/// The market view of the tracker's trade date, `None` before its first ES trade or SPX value.
pub fn market_view(tracker: &mut MarketTracker) -> Option<MarketView> {
    let s = tracker.state()?;
    Some(MarketView {
        trade_date: Some(s.trade_date.to_string()),
        es_symbol: s.es_symbol.map(|e| e.to_string()),
        es: s.es,
        spx: s.spx,
        basis: s.basis,
        vwap: s.vwap,
        vwap_source: "computed".to_owned(),
        spx_open: s.spx_open,
        basis_at_open: s.basis_at_open,
        atm_iv: s.atm_iv,
        ranges: vec![
            range_view("morning", "ES VWAP", &s.morning),
            range_view("afternoon", "SPX open projected to ES", &s.afternoon),
        ],
        realized: s
            .realized
            .iter()
            .map(|w| RealizedVolView {
                name: w.name.to_owned(),
                from_new_york: new_york_hh_mm(w.from),
                to_new_york: new_york_hh_mm(w.to),
                bars: w.vol.bars as u64,
                rv: w.vol.rv,
            })
            .collect(),
    })
}

/// The tracker's ES one-minute bars.
pub fn market_bars_view(tracker: &MarketTracker) -> MarketBarsView {
    MarketBarsView {
        schema: SCHEMA_VERSION,
        es_symbol: tracker.es_symbol().map(|e| e.to_string()),
        bars: tracker
            .bars()
            .iter()
            .map(|b| MarketBar {
                ts: b.start.0,
                time_new_york: new_york_datetime(b.start),
                open: b.open,
                high: b.high,
                low: b.low,
                close: b.close,
                volume: b.volume,
                vwap: b.vwap,
                spx: b.spx,
            })
            .collect(),
    }
}

/// Product `index`'s one-second flow buckets as cumulative per-minute points (one per minute
/// with prints; premiums summed exactly, converted once per point). `None` for an unknown index.
pub fn intraday_view(
    engine: &Engine,
    index: usize,
    config: &ProductConfig,
) -> Option<IntradayView> {
    let series = engine.series(index)?;
    let mut points: Vec<IntradayPoint> = Vec::new();
    let add = |a: Money, b: Money| a.checked_add(b).unwrap_or(a);
    let mut premium = [Money::ZERO; 4];
    let mut point = IntradayPoint::default();
    let mut minute: Option<u64> = None;
    for b in series.buckets() {
        let m = b.second / 60 * 60;
        if minute.is_some_and(|current| current != m) {
            points.push(point.clone());
        }
        if minute != Some(m) {
            minute = Some(m);
            let ts = UnixNanos(m.saturating_mul(1_000_000_000));
            point.ts = ts.0;
            point.time_new_york = new_york_datetime(ts);
        }
        point.call_volume += b.call_volume;
        point.put_volume += b.put_volume;
        premium = [
            add(premium[0], b.call_premium),
            add(premium[1], b.put_premium),
            add(premium[2], b.call_net_premium),
            add(premium[3], b.put_net_premium),
        ];
        point.call_premium = premium[0].to_f64();
        point.put_premium = premium[1].to_f64();
        point.call_net_premium = premium[2].to_f64();
        point.put_net_premium = premium[3].to_f64();
        point.call_net_delta += b.call_net_delta;
        point.put_net_delta += b.put_net_delta;
        point.underlying = finite(b.underlying).or(point.underlying);
    }
    if minute.is_some() {
        points.push(point);
    }
    Some(IntradayView {
        schema: SCHEMA_VERSION,
        product: product_key(config),
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn product(root: &str, expiry: &str, call: Option<f64>, put: Option<f64>) -> ProductView {
        let side = |iv| SideView {
            iv,
            ..SideView::default()
        };
        ProductView {
            root: root.to_owned(),
            expiry: Some(expiry.to_owned()),
            strikes: vec![
                StrikeView {
                    strike: 6005.0,
                    call: side(Some(0.5)),
                    put: side(Some(0.5)),
                    ..StrikeView::default()
                },
                StrikeView {
                    strike: 6000.0,
                    atm: true,
                    call: side(call),
                    put: side(put),
                    ..StrikeView::default()
                },
            ],
            ..ProductView::default()
        }
    }

    #[test]
    fn atm_iv_of_the_spxw_product_of_the_trade_date() {
        let day = Some(date(2025, 6, 9));
        let spy = product("SPY", "2025-06-09", Some(0.3), Some(0.3));
        let spxw = product("SPXW", "2025-06-09", Some(0.18), Some(0.22));
        assert_eq!(atm_iv(&[spy.clone(), spxw], day), Some(0.2));
        // No SPXW: the first product; one side known: that side.
        let one = product("SPY", "2025-06-09", None, Some(0.25));
        assert_eq!(atm_iv(&[one, spy], day), Some(0.25));
        // An expired chain (yesterday's expiry) or no trade date: nothing.
        let old = product("SPXW", "2025-06-06", Some(0.2), Some(0.2));
        assert_eq!(atm_iv(std::slice::from_ref(&old), day), None);
        assert_eq!(atm_iv(&[old], None), None);
        assert_eq!(atm_iv(&[], day), None);
    }
}
