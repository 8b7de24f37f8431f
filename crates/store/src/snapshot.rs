//! One-minute chain snapshots: the engine's chain state turned into [`ChainRow`]s.
//!
//! # Which contracts
//!
//! A snapshot holds **every contract of the current strike window** (ATM ± N strikes, calls and
//! puts: what a trader looks at) **plus the other contracts of the day's grid that have traded or
//! carry open interest**, nearest the money first, up to `max_contracts` in all
//! ([`DEFAULT_SNAPSHOT_CONTRACTS`] = 250, i.e. ±125 strikes around the money on both rights when
//! open interest is published everywhere: about ±10 % of SPX in 5-point steps, ±20 % of SPY). The
//! window is never cut: if it alone exceeds the cap, all of it is kept. The whole grid (SPX 0DTE:
//! ±10 % in 5-point steps, ~960 contracts) is not stored: far strikes without flow or interest
//! have nothing to say, and a full grid per minute is 370,000 rows a day per product.
//!
//! Rows come out in grid order: strikes ascending, the call before the put.
//!
//! # Which numbers
//!
//! Quotes, last price, flow and open interest are the chain's state as of `ts`. IV, Greeks and
//! the two GEX figures come from the engine's exposure views, refreshed at `ts` by
//! [`Engine::refresh_exposures`] (unless they are younger than the engine's exposure interval):
//! IV, delta, gamma, vega, theta and `gex_oi` from the open-interest view, `gex_flow` from the flow
//! view. Before the first exposure refresh (no underlying price yet) and after the expiration
//! instant (no time to expiry left) they are NaN.

use gammaflow_engine::EngineError;
use gammaflow_engine::chain::ChainState;
use gammaflow_engine::pipeline::Engine;
use gammaflow_model::{Price, UnixNanos};
use gammaflow_quant::chain::ChainAnalysis;

use crate::chain_row::ChainRow;

/// Default cap on the contracts of one snapshot (see the module docs).
pub const DEFAULT_SNAPSHOT_CONTRACTS: usize = 250;

/// The chain snapshot of product `product_index` (engine config order) at `ts` (normally a whole
/// minute of event time), with at most [`DEFAULT_SNAPSHOT_CONTRACTS`] contracts unless the window
/// alone has more (see the module docs). Empty before the product's first session, on a day it has
/// no expiry, and on a New York date after the chain's expiry (before the new session starts).
pub fn chain_snapshot(
    engine: &mut Engine,
    product_index: usize,
    ts: UnixNanos,
) -> Result<Vec<ChainRow>, EngineError> {
    chain_snapshot_capped(engine, product_index, ts, DEFAULT_SNAPSHOT_CONTRACTS)
}

/// [`chain_snapshot`] with a cap of `max_contracts` (the window is always included whole).
pub fn chain_snapshot_capped(
    engine: &mut Engine,
    product_index: usize,
    ts: UnixNanos,
    max_contracts: usize,
) -> Result<Vec<ChainRow>, EngineError> {
    // Refresh (throttled) first; then read everything through shared borrows. Past the
    // expiration instant there is no time to expiry: the snapshot then has no Greeks.
    let fresh = match engine.refresh_exposures(product_index, ts) {
        Ok(_) => true,
        Err(EngineError::Config {
            name: "time to expiry",
            ..
        }) => false,
        Err(e) => return Err(e),
    };
    let Some(chain) = engine.chain(product_index) else {
        return Ok(Vec::new());
    };
    // Yesterday's chain lingers until today's first underlying price: not today's snapshot.
    let today = gammaflow_model::session::to_new_york(ts).map(|z| z.date());
    if today.is_ok_and(|d| d > chain.spec().expiry) {
        return Ok(Vec::new());
    }
    let spot = engine.spot(product_index).map(|(price, _)| price);
    let window: Vec<usize> = engine
        .window(product_index)
        .map(|w| w.contracts().iter().filter_map(|c| chain.row(c)).collect())
        .unwrap_or_default();
    let rows = select_rows(chain, &window, spot, max_contracts);
    let views = chain
        .exposures()
        .filter(|_| fresh)
        .map(|(_, oi, flow)| (oi, flow));
    Ok(rows
        .into_iter()
        .filter_map(|r| chain_row(chain, r, ts, spot, views))
        .collect())
}

/// The rows of a snapshot, in grid order: the window's, then the others with volume or open
/// interest nearest `spot` (the grid's middle without one) until `cap` rows in all.
fn select_rows(
    chain: &ChainState,
    window: &[usize],
    spot: Option<Price>,
    cap: usize,
) -> Vec<usize> {
    let n = 2 * chain.strikes();
    let mut chosen = vec![false; n];
    let mut count = 0;
    for &r in window {
        if let Some(slot) = chosen.get_mut(r)
            && !*slot
        {
            *slot = true;
            count += 1;
        }
    }
    let centre = spot.map_or_else(
        || {
            let low = chain.contract(0).map_or(0, |c| c.strike.raw());
            let high = chain
                .contract(n.saturating_sub(1))
                .map_or(0, |c| c.strike.raw());
            low / 2 + high / 2
        },
        Price::raw,
    );
    let mut extras: Vec<(u64, usize)> = (0..n)
        .filter(|&r| !chosen[r])
        .filter(|&r| {
            chain.flow(r).is_some_and(|f| f.volume > 0)
                || chain.open_interest(r).is_some_and(|oi| oi > 0.0)
        })
        .filter_map(|r| {
            let strike = chain.contract(r)?.strike.raw();
            Some((strike.abs_diff(centre), r))
        })
        .collect();
    extras.sort_unstable();
    for (_, r) in extras.into_iter().take(cap.saturating_sub(count)) {
        chosen[r] = true;
    }
    (0..n).filter(|&r| chosen[r]).collect()
}

/// Row `r` of `chain` as a [`ChainRow`] at `ts`.
fn chain_row(
    chain: &ChainState,
    r: usize,
    ts: UnixNanos,
    spot: Option<Price>,
    views: Option<(&ChainAnalysis, &ChainAnalysis)>,
) -> Option<ChainRow> {
    let contract = chain.contract(r)?;
    let flow = chain.flow(r).copied().unwrap_or_default();
    let quote = chain.quote(r);
    let defined = |p: Price| p.is_defined().then_some(p);
    let pick = |v: &[f64]| v.get(r).copied().unwrap_or(f64::NAN);
    let (oi_view, flow_view) = match views {
        Some((oi, flow)) => (Some(oi), Some(flow)),
        None => (None, None),
    };
    let greek = |f: fn(&ChainAnalysis) -> &Vec<f64>| oi_view.map_or(f64::NAN, |a| pick(f(a)));
    let open_interest = chain.open_interest(r).unwrap_or(0.0);
    Some(ChainRow {
        ts,
        underlying_price: spot.and_then(defined),
        contract,
        bid: quote.and_then(|q| defined(q.bid)),
        ask: quote.and_then(|q| defined(q.ask)),
        bid_size: quote.map(|q| q.bid_size),
        ask_size: quote.map(|q| q.ask_size),
        last: flow.last,
        volume: flow.volume,
        buy_volume: flow.buy_volume,
        sell_volume: flow.sell_volume,
        premium: flow.premium,
        buy_premium: flow.buy_premium,
        sell_premium: flow.sell_premium,
        net_delta_notional: flow.net_delta_notional,
        net_gamma_notional: flow.net_gamma_notional,
        open_interest: if open_interest.is_finite() && open_interest > 0.0 {
            open_interest.round() as u64
        } else {
            0
        },
        iv: greek(|a| &a.iv),
        delta: greek(|a| &a.delta),
        gamma: greek(|a| &a.gamma),
        vega: greek(|a| &a.vega),
        theta: greek(|a| &a.theta),
        gex_oi: greek(|a| &a.gex),
        gex_flow: flow_view.map_or(f64::NAN, |a| pick(&a.gex)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gammaflow_engine::chain::EnrichedTrade;
    use gammaflow_engine::flow::PrintTreatment;
    use gammaflow_engine::pipeline::{EngineConfig, ProductConfig, Sink};
    use gammaflow_model::event::{
        Conditions, Event, ExchangeId, IndexValue, Instrument, OpenInterest, Quote, Side, Trade,
    };
    use gammaflow_model::session::from_new_york;
    use gammaflow_model::{Money, OptionContract, OptionRight, OptionRoot, Size, Ticker};
    use jiff::civil::{Date, date, time};

    struct Nothing;
    impl Sink for Nothing {
        fn subscribe(&mut self, _: &[OptionContract]) {}
        fn unsubscribe(&mut self, _: &[OptionContract]) {}
        fn trade(&mut self, _: &EnrichedTrade) {}
    }

    fn p(s: &str) -> Price {
        s.parse().unwrap()
    }

    fn at(d: Date, h: i8, m: i8) -> UnixNanos {
        from_new_york(d, time(h, m, 0, 0)).unwrap()
    }

    fn spxw(d: Date, right: OptionRight, strike: i64) -> OptionContract {
        OptionContract::new(
            OptionRoot::SPXW,
            d,
            right,
            Price::from_integer(strike).unwrap(),
        )
    }

    fn engine() -> Engine {
        let config = EngineConfig {
            products: vec![ProductConfig::spxw()],
            ..EngineConfig::default()
        };
        Engine::new(config, Box::new(|_: &Conditions| PrintTreatment::REGULAR)).unwrap()
    }

    #[test]
    fn a_snapshot_has_the_window_then_the_nearest_contracts_with_interest() {
        let day = date(2025, 6, 9);
        let mut engine = engine();
        assert!(
            chain_snapshot(&mut engine, 0, at(day, 9, 0))
                .unwrap()
                .is_empty()
        );
        let mut events = Vec::new();
        // Open interest on calls from 5800 to 6200: 81 contracts, mostly outside the window.
        for k in (5_800..=6_200).step_by(5) {
            events.push(Event::OpenInterest(OpenInterest {
                ts_event: at(day, 6, 30),
                ts_recv: at(day, 6, 30),
                instrument: spxw(day, OptionRight::Call, k).into(),
                contracts: Size::new(100),
                as_of: date(2025, 6, 6),
            }));
        }
        events.push(Event::Index(IndexValue {
            ts_event: at(day, 9, 30),
            ts_recv: at(day, 9, 30),
            instrument: Instrument::Index(Ticker::SPX),
            value: p("6001.3"),
        }));
        let call = spxw(day, OptionRight::Call, 6_000);
        let put = spxw(day, OptionRight::Put, 6_000);
        for (c, bid, ask) in [(call, "12.10", "12.50"), (put, "11.20", "11.60")] {
            events.push(Event::Quote(Quote {
                ts_event: at(day, 9, 31),
                ts_recv: at(day, 9, 31),
                instrument: c.into(),
                bid: p(bid),
                ask: p(ask),
                bid_size: Size::new(20),
                ask_size: Size::new(30),
                bid_exchange: None,
                ask_exchange: None,
            }));
        }
        events.push(Event::Trade(Trade {
            ts_event: at(day, 9, 32),
            ts_recv: at(day, 9, 32),
            instrument: call.into(),
            price: p("12.50"),
            size: Size::new(10),
            exchange: ExchangeId(302),
            conditions: Conditions::EMPTY,
            sequence: 1,
            aggressor: Side::None,
        }));
        for e in &events {
            engine.on_event(e, &mut Nothing).unwrap();
        }
        let ts = at(day, 9, 33);
        let rows = chain_snapshot_capped(&mut engine, 0, ts, 20).unwrap();
        // The window (7 strikes × 2 = 14) plus the 6 nearest calls with open interest.
        assert_eq!(rows.len(), 20);
        let window = engine.window(0).unwrap().contracts().to_vec();
        assert_eq!(window.len(), 14);
        assert!(window.iter().all(|c| rows.iter().any(|r| r.contract == *c)));
        let extras: Vec<i64> = rows
            .iter()
            .filter(|r| !window.contains(&r.contract))
            .map(|r| r.contract.strike.raw() / 1_000_000_000)
            .collect();
        assert_eq!(extras, vec![5_970, 5_975, 5_980, 6_020, 6_025, 6_030]);
        // Grid order: strikes ascending, call before put.
        assert!(rows.windows(2).all(|w| {
            (
                w[0].contract.strike,
                w[0].contract.right == OptionRight::Put,
            ) < (
                w[1].contract.strike,
                w[1].contract.right == OptionRight::Put,
            )
        }));
        let c = rows.iter().find(|r| r.contract == call).unwrap();
        assert_eq!(c.ts, ts);
        assert_eq!(c.underlying_price, Some(p("6001.3")));
        assert_eq!((c.bid, c.ask), (Some(p("12.10")), Some(p("12.50"))));
        assert_eq!(
            (c.bid_size, c.ask_size),
            (Some(Size::new(20)), Some(Size::new(30)))
        );
        assert_eq!((c.last, c.volume, c.buy_volume), (Some(p("12.50")), 10, 10));
        assert_eq!(c.premium, Money::from_price(p("12500")));
        assert_eq!(c.open_interest, 100);
        assert!(c.iv > 0.0 && c.delta > 0.0 && c.gamma > 0.0 && c.vega > 0.0);
        assert!(c.theta < 0.0);
        assert!(c.gex_oi > 0.0, "dealers long the calls with open interest");
        assert!(
            c.gex_flow < 0.0,
            "dealers short the 10 calls customers bought"
        );
        assert!(c.net_delta_notional > 0.0);
        // A window contract without quote or flow: nothing known but the strike.
        let quiet = rows
            .iter()
            .find(|r| r.contract == spxw(day, OptionRight::Put, 5_985))
            .unwrap();
        assert_eq!((quiet.bid, quiet.bid_size, quiet.last), (None, None, None));
        assert!(quiet.iv.is_nan() && quiet.gex_oi.is_nan());
        // The default cap keeps all 81 + 7 puts of the window.
        let all = chain_snapshot(&mut engine, 0, ts).unwrap();
        assert_eq!(all.len(), 81 + 7);
        // Past the 16:00 expiration: flow and quotes still, no Greeks.
        let late = chain_snapshot(&mut engine, 0, at(day, 16, 30)).unwrap();
        assert_eq!(late.len(), all.len());
        let c = late.iter().find(|r| r.contract == call).unwrap();
        assert_eq!((c.volume, c.bid), (10, Some(p("12.10"))));
        assert!(c.iv.is_nan() && c.gex_oi.is_nan() && c.gex_flow.is_nan());
        // The next morning, before the new session: yesterday's chain is not snapshotted.
        let next_day = chain_snapshot(&mut engine, 0, at(date(2025, 6, 10), 6, 30)).unwrap();
        assert!(next_day.is_empty());
        // Unknown product: nothing.
        assert!(chain_snapshot(&mut engine, 5, ts).unwrap().is_empty());
    }
}
