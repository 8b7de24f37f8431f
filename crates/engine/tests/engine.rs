//! Integration tests of `gammaflow-engine`: a scripted session through the whole pipeline.

// Test code may unwrap and panic: a failure is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gammaflow_engine::chain::EnrichedTrade;
use gammaflow_engine::flow::PrintTreatment;
use gammaflow_engine::pipeline::{Engine, EngineConfig, ProductConfig, Sink};
use gammaflow_model::event::{
    Conditions, Event, ExchangeId, FutureSymbol, GreeksSnapshot, IndexValue, Instrument,
    OpenInterest, Quote, Side, Trade,
};
use gammaflow_model::session::from_new_york;
use gammaflow_model::{OptionContract, OptionRight, OptionRoot, Price, Size, Ticker, UnixNanos};
use jiff::civil::{Date, date, time};

#[derive(Default)]
struct Recorder {
    subscribed: Vec<OptionContract>,
    unsubscribed: Vec<OptionContract>,
    trades: Vec<EnrichedTrade>,
}

impl Sink for Recorder {
    fn subscribe(&mut self, contracts: &[OptionContract]) {
        self.subscribed.extend_from_slice(contracts);
    }
    fn unsubscribe(&mut self, contracts: &[OptionContract]) {
        self.unsubscribed.extend_from_slice(contracts);
    }
    fn trade(&mut self, trade: &EnrichedTrade) {
        self.trades.push(*trade);
    }
}

fn p(s: &str) -> Price {
    s.parse().unwrap()
}

fn at(d: Date, h: i8, m: i8) -> UnixNanos {
    from_new_york(d, time(h, m, 0, 0)).unwrap()
}

fn spx(ts: UnixNanos, value: &str) -> Event {
    Event::Index(IndexValue {
        ts_event: ts,
        ts_recv: ts,
        instrument: Instrument::Index(Ticker::SPX),
        value: p(value),
    })
}

fn spxw(d: Date, right: OptionRight, strike: &str) -> OptionContract {
    OptionContract::new(OptionRoot::SPXW, d, right, p(strike))
}

fn quote(ts: UnixNanos, c: OptionContract, bid: &str, ask: &str) -> Event {
    Event::Quote(Quote {
        ts_event: ts,
        ts_recv: ts,
        instrument: c.into(),
        bid: p(bid),
        ask: p(ask),
        bid_size: Size::new(20),
        ask_size: Size::new(20),
        bid_exchange: Some(ExchangeId(302)),
        ask_exchange: Some(ExchangeId(302)),
    })
}

fn trade(ts: UnixNanos, c: OptionContract, price: &str, size: u32, codes: &[u16]) -> Event {
    Event::Trade(Trade {
        ts_event: ts,
        ts_recv: ts,
        instrument: c.into(),
        price: p(price),
        size: Size::new(size),
        exchange: ExchangeId(302),
        conditions: Conditions::try_from_slice(codes).unwrap(),
        sequence: 1,
        aggressor: Side::None,
    })
}

/// 201 = cancelled, 219 = sweep, anything else regular (a stand-in for the vendor table).
fn treat(c: &Conditions) -> PrintTreatment {
    if c.contains(201) {
        PrintTreatment {
            excluded: true,
            ..PrintTreatment::default()
        }
    } else {
        PrintTreatment {
            sweep: c.contains(219),
            ..PrintTreatment::REGULAR
        }
    }
}

fn engine() -> Engine {
    let config = EngineConfig {
        products: vec![ProductConfig::spxw()],
        rate: 0.043,
        exposure_interval_ns: 5 * 60 * 1_000_000_000,
    };
    Engine::new(config, Box::new(treat)).unwrap()
}

#[test]
fn a_session_from_open_interest_to_enriched_flow() {
    let day = date(2025, 6, 9);
    let call = spxw(day, OptionRight::Call, "6000");
    let put = spxw(day, OptionRight::Put, "6000");
    let mut engine = engine();
    let mut sink = Recorder::default();
    let events = [
        // Open interest arrives before any price: held, then applied to the new chain.
        Event::OpenInterest(OpenInterest {
            ts_event: at(day, 6, 30),
            ts_recv: at(day, 6, 30),
            instrument: call.into(),
            contracts: Size::new(1500),
            as_of: date(2025, 6, 6),
        }),
        spx(at(day, 9, 30), "6001.3"),
        quote(at(day, 9, 31), call, "12.10", "12.50"),
        quote(at(day, 9, 31), put, "11.20", "11.60"),
        trade(at(day, 9, 32), call, "12.50", 10, &[209, 219]),
        trade(at(day, 9, 33), put, "11.20", 4, &[209]),
        trade(at(day, 9, 33), put, "11.40", 99, &[201]),
        spx(at(day, 9, 40), "6012.6"),
        quote(at(day, 9, 40), call, "18.60", "19.00"),
        trade(at(day, 9, 41), call, "12.30", 1, &[]),
    ];
    for e in &events {
        engine.on_event(e, &mut sink).unwrap();
    }
    // The window opened around 6000 (6001.3 rounds to 6000) and moved to 6015 at 6012.6.
    assert_eq!(sink.subscribed.len(), 14 + 6);
    assert_eq!(sink.unsubscribed.len(), 6);
    assert!(sink.subscribed.contains(&call));
    assert_eq!(engine.window(0).unwrap().center(), Some(p("6015")));

    assert_eq!(sink.trades.len(), 4);
    let first = sink.trades[0];
    assert_eq!(first.side, Side::Buy);
    assert!(first.treatment.sweep);
    assert!(first.delta > 0.3 && first.delta < 0.7, "{}", first.delta);
    assert!(first.iv > 0.02 && first.iv < 1.0, "{}", first.iv);
    assert_eq!(first.underlying, 6001.3);
    assert_eq!(sink.trades[1].side, Side::Sell);
    assert!(sink.trades[1].delta < 0.0);
    assert!(sink.trades[2].treatment.excluded);
    // The last print was enriched at the new spot: the Greeks were recomputed after the move.
    assert_eq!(sink.trades[3].underlying, 6012.6);
    assert!(sink.trades[3].delta > first.delta);

    let stats = engine.stats();
    assert_eq!((stats.trades, stats.recomputes, stats.sessions), (4, 2, 1));
    // A vendor snapshot 0.5 vol points and 0.02 delta away from ours is measured as such.
    let last = sink.trades[3];
    let vendor = Event::Greeks(GreeksSnapshot {
        ts_event: at(day, 9, 41),
        ts_recv: at(day, 9, 41),
        instrument: call.into(),
        underlying_price: p("6012.6"),
        iv: last.iv + 0.005,
        delta: last.delta - 0.02,
        gamma: last.gamma,
        vega: f64::NAN,
        theta: f64::NAN,
    });
    engine.on_event(&vendor, &mut sink).unwrap();
    let check = engine.greeks_check(0).unwrap();
    assert_eq!(check.samples, 1);
    assert!((check.mean_abs_iv_diff - 0.005).abs() < 1e-12);
    assert!((check.max_abs_delta_diff - 0.02).abs() < 1e-12);
    // Greeks staleness: the 09:41 print used the 09:40 SPX value.
    assert_eq!(stats.last_greeks_age_ns, 60_000_000_000);
    assert_eq!(stats.max_greeks_age_ns, 180_000_000_000);
    // Three one-second buckets with counted prints (the cancelled one is not counted).
    let buckets = engine.series(0).unwrap().buckets();
    assert_eq!(buckets.len(), 3);
    assert_eq!((buckets[0].call_volume, buckets[1].put_volume), (10, 4));
    // Exposures are computed when asked, at most once per interval (5 minutes here).
    assert_eq!(stats.exposure_refreshes, 0);
    let (computed_at, oi, flow) = engine
        .refresh_exposures(0, at(day, 9, 42))
        .unwrap()
        .unwrap();
    assert_eq!(computed_at, at(day, 9, 42));
    assert!(oi.total_gex > 0.0, "OI only on a call: dealers long gamma");
    // Customers bought 10 calls net of 2 sold... dealers short calls: negative flow gamma.
    assert!(flow.total_gex < 0.0);
    engine.refresh_exposures(0, at(day, 9, 45)).unwrap();
    assert_eq!(engine.stats().exposure_refreshes, 1);
    engine.refresh_exposures(0, at(day, 9, 48)).unwrap();
    assert_eq!(engine.stats().exposure_refreshes, 2);
    let chain = engine.chain(0).unwrap();
    let row = chain.row(&call).unwrap();
    let flow = chain.flow(row).unwrap();
    assert_eq!((flow.volume, flow.sweeps, flow.buy_volume), (11, 1, 10));
    let put_flow = chain.flow(chain.row(&put).unwrap()).unwrap();
    assert_eq!((put_flow.volume, put_flow.excluded), (4, 1));
}

#[test]
fn a_new_date_starts_a_new_session_and_other_expiries_are_ignored() {
    let monday = date(2025, 6, 9);
    let tuesday = date(2025, 6, 10);
    let mut engine = engine();
    let mut sink = Recorder::default();
    engine
        .on_event(&spx(at(monday, 10, 0), "6000"), &mut sink)
        .unwrap();
    // Tuesday's contract on Monday is not the 0DTE chain.
    let tomorrow = spxw(tuesday, OptionRight::Call, "6000");
    engine
        .on_event(&trade(at(monday, 10, 1), tomorrow, "20", 1, &[]), &mut sink)
        .unwrap();
    assert_eq!(engine.stats().ignored, 1);
    engine
        .on_event(&spx(at(tuesday, 9, 30), "6050"), &mut sink)
        .unwrap();
    assert_eq!(engine.stats().sessions, 2);
    assert_eq!(engine.chain(0).unwrap().spec().expiry, tuesday);
    engine
        .on_event(
            &trade(at(tuesday, 9, 31), tomorrow, "20", 1, &[]),
            &mut sink,
        )
        .unwrap();
    assert_eq!(sink.trades.len(), 1);
    // The window replaced Monday's contracts by Tuesday's.
    assert!(sink.unsubscribed.iter().all(|c| c.expiry == monday));
    assert_eq!(sink.unsubscribed.len(), 14);
}

#[test]
fn es_options_follow_the_day_series_on_its_future() {
    let monday = date(2025, 6, 9);
    let tuesday = date(2025, 6, 10);
    let config = EngineConfig {
        products: vec![ProductConfig::es_options().unwrap()],
        rate: 0.043,
        exposure_interval_ns: 1_000_000_000,
    };
    let mut engine = Engine::new(config, Box::new(treat)).unwrap();
    let mut sink = Recorder::default();
    let esm5 = Instrument::Future(FutureSymbol::new("ES", 2025, 6).unwrap());
    let es_trade = |ts: UnixNanos, price: &str| {
        Event::Trade(Trade {
            ts_event: ts,
            ts_recv: ts,
            instrument: esm5,
            price: p(price),
            size: Size::new(1),
            exchange: ExchangeId(1),
            conditions: Conditions::EMPTY,
            sequence: 1,
            aggressor: Side::Buy,
        })
    };
    // Monday of the second week: the E2A series, on the June future.
    let e2a = OptionRoot::new("E2A").unwrap();
    let call = OptionContract::new(e2a, monday, OptionRight::Call, p("6030"));
    engine
        .on_event(&es_trade(at(monday, 9, 0), "6031.25"), &mut sink)
        .unwrap();
    assert_eq!(engine.window(0).unwrap().config().root, e2a);
    assert!(sink.subscribed.contains(&call));
    engine
        .on_event(&quote(at(monday, 9, 1), call, "14.00", "14.50"), &mut sink)
        .unwrap();
    engine
        .on_event(&trade(at(monday, 9, 2), call, "14.50", 3, &[]), &mut sink)
        .unwrap();
    let t = sink.trades.last().unwrap();
    assert_eq!((t.side, t.contract), (Side::Buy, call));
    assert!(t.delta > 0.3 && t.delta < 0.7, "{}", t.delta);
    // Black-76, multiplier 50: the notional is 3 × delta × 50.
    assert!((t.net_delta_impact - 150.0 * t.delta).abs() < 1e-9);
    // Tuesday: E2B; Monday's contracts are dropped.
    engine
        .on_event(&es_trade(at(tuesday, 9, 0), "6031.25"), &mut sink)
        .unwrap();
    assert_eq!(engine.window(0).unwrap().config().root.as_str(), "E2B");
    assert!(sink.unsubscribed.contains(&call));
    assert_eq!(engine.stats().sessions, 2);
}

#[test]
fn a_later_expiry_is_followed_beside_the_0dte_one() {
    // Monday 2025-06-09: SPXW expires daily, so offset 1 is Tuesday's expiry; a Friday's
    // offset 1 is the Monday after.
    let day = date(2025, 6, 9);
    let next = date(2025, 6, 10);
    let mut next_day = ProductConfig::spxw();
    next_day.expiry_offset = 1;
    let config = EngineConfig {
        products: vec![ProductConfig::spxw(), next_day],
        rate: 0.043,
        exposure_interval_ns: 1_000_000_000,
    };
    let mut engine = Engine::new(config, Box::new(treat)).unwrap();
    let mut sink = Recorder::default();
    let later_call = spxw(next, OptionRight::Call, "6000");
    let events = [
        Event::OpenInterest(OpenInterest {
            ts_event: at(day, 6, 30),
            ts_recv: at(day, 6, 30),
            instrument: later_call.into(),
            contracts: Size::new(700),
            as_of: date(2025, 6, 6),
        }),
        spx(at(day, 9, 30), "6001.3"),
        quote(at(day, 9, 31), later_call, "20.10", "20.50"),
        trade(at(day, 9, 32), later_call, "20.50", 3, &[]),
    ];
    for e in &events {
        engine.on_event(e, &mut sink).unwrap();
    }
    assert_eq!(engine.chain(0).unwrap().spec().expiry, day);
    let later = engine.chain(1).unwrap();
    assert_eq!(later.spec().expiry, next);
    // Both windows subscribed, each on its own expiry.
    assert!(sink.subscribed.iter().any(|c| c.expiry == day));
    assert!(sink.subscribed.iter().any(|c| c.expiry == next));
    // The later expiry's print and open interest went to its chain only.
    assert_eq!(sink.trades.len(), 1);
    assert_eq!(sink.trades[0].contract.expiry, next);
    let row = later.row(&later_call).unwrap();
    assert_eq!(later.open_interest(row), Some(700.0));
    assert_eq!(later.flow(row).unwrap().volume, 3);

    let friday = date(2025, 6, 13);
    let mut engine = Engine::new(
        EngineConfig {
            products: vec![next_day],
            rate: 0.043,
            exposure_interval_ns: 1_000_000_000,
        },
        Box::new(treat),
    )
    .unwrap();
    engine
        .on_event(&spx(at(friday, 9, 30), "6001.3"), &mut Recorder::default())
        .unwrap();
    assert_eq!(engine.chain(0).unwrap().spec().expiry, date(2025, 6, 16));

    // E-mini options change series daily: no offset for them.
    let mut es = ProductConfig::es_options().unwrap();
    es.expiry_offset = 1;
    let refused = Engine::new(
        EngineConfig {
            products: vec![es],
            ..EngineConfig::default()
        },
        Box::new(treat),
    );
    assert!(refused.is_err());
}
