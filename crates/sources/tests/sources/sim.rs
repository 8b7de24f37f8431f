//! Integration tests of the sim source: realism bands of a full simulated day, determinism,
//! ordering, calendar, tick grids, the `SimSource` subscription filter and pacing.

use std::collections::BTreeMap;

use futures_util::StreamExt;
use gammaflow_model::event::{Event, Instrument};
use gammaflow_model::session::{from_new_york, to_new_york};
use gammaflow_model::{OptionContract, OptionRoot, Price, UnixNanos};
use gammaflow_sources::Source;
use gammaflow_sources::pacing::Pacing;
use gammaflow_sources::sim::{
    Products, SimConfig, SimError, SimSource, Simulator, condition, day_statistics,
};
use jiff::civil::{Date, Time, date};

/// A day small enough for the debug profile: narrow chains, 1 % of the real trade count.
fn small(start: Date) -> SimConfig {
    SimConfig {
        start,
        activity: 0.01,
        spxw_strikes: 12,
        spy_strikes: 8,
        es_strikes: 8,
        expiries: 2,
        reprice_bp: 3.0,
        ..SimConfig::default()
    }
}

/// A tiny day for tests that only need structure.
fn tiny(start: Date, days: u32) -> SimConfig {
    SimConfig {
        days,
        activity: 0.002,
        spxw_strikes: 3,
        spy_strikes: 2,
        es_strikes: 2,
        expiries: 1,
        reprice_bp: 5.0,
        ..small(start)
    }
}

fn run(cfg: SimConfig) -> Vec<Event> {
    Simulator::new(cfg).unwrap().collect()
}

fn within(name: &str, x: f64, lo: f64, hi: f64) {
    assert!((lo..=hi).contains(&x), "{name} = {x}, expected {lo}..={hi}");
}

#[test]
fn full_day_stays_within_the_documented_bands() {
    let cfg = small(date(2025, 6, 10));
    let act = cfg.activity;
    let events = run(cfg);
    let st = day_statistics(&events);
    assert_eq!(st.date, Some(date(2025, 6, 10)));
    assert_eq!(st.index_values, 23_400);
    assert_eq!((st.crossed_quotes, st.out_of_order), (0, 0));
    // Trades per session scale with activity (rates: SPXW 0.5 M, SPY options 0.9 M, ES 0.45 M
    // prints per real day; a few % more for GTH and 16:00-16:15).
    within(
        "SPXW prints",
        st.spxw.trades as f64 / (500_000.0 * act),
        0.85,
        1.2,
    );
    within(
        "SPY option prints",
        st.spy_options.trades as f64 / (900_000.0 * act),
        0.85,
        1.25,
    );
    within(
        "ES prints",
        st.es.trades as f64 / (450_000.0 * act),
        0.9,
        1.15,
    );
    within(
        "SPY prints",
        st.spy.trades as f64 / (800_000.0 * act),
        0.9,
        1.1,
    );
    // 0DTE share of option volume (about 60 % for SPX per Cboe, 65 % for SPY on 2025-06-09).
    within("SPXW 0DTE share", st.spxw.zero_dte_share(), 0.45, 0.75);
    within(
        "SPY 0DTE share",
        st.spy_options.zero_dte_share(),
        0.45,
        0.75,
    );
    // Daily call/put contract ratios swing with the market (Cboe's index put/call ratio ranges
    // about 0.8-2, i.e. calls/puts 0.5-1.25); rallies lift calls.
    within("SPXW call/put", st.spxw.call_put_ratio(), 0.5, 2.0);
    within("SPY call/put", st.spy_options.call_put_ratio(), 0.5, 2.0);
    // Spreads near the money: $0.10-0.30 SPXW 0DTE, pennies for SPY, one tick for ES and SPY.
    within(
        "SPXW ATM spread",
        st.spxw.median_atm_spread.unwrap(),
        0.099,
        0.301,
    );
    within(
        "SPY ATM spread",
        st.spy_options.median_atm_spread.unwrap(),
        0.0099,
        0.0301,
    );
    assert_eq!(st.es.median_spread, Some(0.25));
    assert_eq!(st.spy.median_spread, Some(0.01));
    // Conditions: sweeps only on multi-venue SPY, a small fraction of cancels, multi-leg
    // minority, extended-hours prints only outside the cash session.
    assert_eq!(st.spxw.sweep_prints, 0);
    within(
        "SPY sweep share",
        st.spy_options.sweep_fraction(),
        0.03,
        0.2,
    );
    let cancels = (st.spxw.cancel_prints + st.spy_options.cancel_prints) as f64
        / (st.spxw.trades + st.spy_options.trades) as f64;
    within("cancel share", cancels, 0.0002, 0.005);
    within(
        "SPXW multi-leg share",
        st.spxw.multi_leg_fraction(),
        0.1,
        0.3,
    );
    assert!(st.spxw.extended_hours_prints > 0);
    assert_eq!(st.spxw.extended_hours_in_cash_session, 0);
    assert_eq!(st.spy_options.extended_hours_prints, 0);
    assert!(st.spxw.late_prints > 0);
    // U-shape: the first and last half hours are busier than midday.
    for s in [&st.spxw, &st.spy_options] {
        assert!(
            s.first_30m_trades as f64 > 1.5 * s.midday_trades_per_30m,
            "{s:?}"
        );
        assert!(
            s.last_30m_trades as f64 > 1.2 * s.midday_trades_per_30m,
            "{s:?}"
        );
    }
    // ES fair basis: SPX·(r−q)·T to ESM5's expiry (2025-06-20 09:30 ET), ±0.4-point noise.
    let years = 9.9 / 365.0;
    let fair = 6000.0 * 0.03 * years;
    within("ES basis mean", st.es_basis.mean, fair - 1.5, fair + 1.5);
    within("ES basis min", st.es_basis.min, fair - 4.0, fair + 4.0);
    within("ES basis max", st.es_basis.max, fair - 4.0, fair + 4.0);
    within("SPY/SPX min", st.spy_spx_ratio.min, 0.0995, 0.1005);
    within("SPY/SPX max", st.spy_spx_ratio.max, 0.0995, 0.1005);
    // One definition per contract plus ES; one open interest per contract.
    assert_eq!(st.definitions, st.open_interest + 1);
    assert_eq!(st.open_interest, 2 * 2 * 25 + 2 * 2 * 17 + 2 * 2 * 17);
    // ES options: ~1 M contracts/day in ≈ 160 k prints (a few % more from 08:00 ET pre-market),
    // half 0DTE (estimate), one or two 0.25 ticks wide at the money, CME prints without
    // OPRA conditions.
    let es = &st.es_options;
    within(
        "ES option prints",
        es.trades as f64 / (160_000.0 * act),
        0.85,
        1.3,
    );
    within(
        "ES option contracts per print",
        es.contracts as f64 / es.trades as f64,
        4.0,
        12.0,
    );
    within("ES options 0DTE share", es.zero_dte_share(), 0.3, 0.75);
    within("ES options call/put", es.call_put_ratio(), 0.4, 2.5);
    within(
        "ES options ATM spread",
        es.median_atm_spread.unwrap(),
        0.249,
        0.501,
    );
    assert_eq!(
        (es.sweep_prints, es.cancel_prints, es.extended_hours_prints),
        (0, 0, 0)
    );
    assert!(es.quotes > 0);
}

#[test]
fn same_seed_same_events_other_seed_other_events() {
    let cfg = tiny(date(2025, 11, 28), 1);
    let a = run(cfg.clone());
    let b = run(cfg.clone());
    assert!(a.len() > 10_000);
    assert_eq!(a, b);
    let c = run(SimConfig { seed: 99, ..cfg });
    assert_ne!(a, c);
}

/// The exact tick grid of every price, and trades at or inside the prevailing NBBO.
#[test]
fn prices_on_ticks_quotes_uncrossed_trades_inside_the_nbbo() {
    let events = run(tiny(date(2025, 6, 11), 1));
    let tick = |s: &str| s.parse::<Price>().unwrap().raw();
    let option_tick = |c: &OptionContract, p: Price| {
        if c.root == OptionRoot::SPY {
            tick("0.01")
        } else if c.root.is_futures_option() {
            // CME: 0.05 up to a premium of 5.00, 0.25 above.
            if p.raw() <= tick("5") {
                tick("0.05")
            } else {
                tick("0.25")
            }
        } else if p.raw() < tick("3") {
            tick("0.05")
        } else {
            tick("0.1")
        }
    };
    let grid = |i: &Instrument, p: Price| match i {
        Instrument::Option(c) => option_tick(c, p),
        Instrument::Future(_) => tick("0.25"),
        _ => tick("0.01"),
    };
    let mut nbbo: BTreeMap<OptionContract, (Price, Price)> = BTreeMap::new();
    let mut last_recv = UnixNanos(0);
    let mut checked = 0;
    let mut es_trades = 0;
    for e in &events {
        assert!(e.ts_recv() >= last_recv, "out of order: {e:?}");
        assert!(e.ts_recv() >= e.ts_event());
        last_recv = e.ts_recv();
        match e {
            Event::Quote(q) => {
                assert!(q.bid < q.ask, "crossed or locked: {q:?}");
                assert!(q.bid.raw() >= 0);
                for p in [q.bid, q.ask] {
                    assert_eq!(p.raw() % grid(&q.instrument, p), 0, "{q:?}");
                }
                if let Instrument::Option(c) = q.instrument {
                    nbbo.insert(c, (q.bid, q.ask));
                }
            }
            Event::Trade(t) => {
                assert!(t.price.raw() > 0 && !t.size.is_zero(), "{t:?}");
                if let Instrument::Option(c) = t.instrument
                    && c.root.is_futures_option()
                {
                    // CME Globex, no OPRA conditions.
                    assert_eq!(t.exchange.0, 1, "{t:?}");
                    assert!(t.conditions.is_empty(), "{t:?}");
                    es_trades += 1;
                }
                assert_eq!(t.price.raw() % grid(&t.instrument, t.price), 0, "{t:?}");
                let delayed = [
                    condition::CANCELED,
                    condition::LATE,
                    condition::OUT_OF_SEQUENCE,
                ];
                if let Instrument::Option(c) = t.instrument
                    && !delayed.iter().any(|d| t.conditions.contains(*d))
                {
                    let (bid, ask) = nbbo[&c];
                    assert!(
                        t.price <= ask && (t.price >= bid || bid.raw() == 0),
                        "{t:?}"
                    );
                    checked += 1;
                }
            }
            Event::Index(v) => assert_eq!(v.value.raw() % tick("0.01"), 0),
            _ => {}
        }
    }
    assert!(checked > 500, "{checked}");
    assert!(es_trades > 50, "{es_trades}");
}

#[test]
fn no_events_on_holidays_and_weekends() {
    // Thursday 2025-12-25 is Christmas; Saturday and Sunday follow. Friday 26 trades.
    let events = run(tiny(date(2025, 12, 25), 4));
    assert!(!events.is_empty());
    for e in &events {
        let ny = to_new_york(e.ts_event()).unwrap().date();
        assert_eq!(ny, date(2025, 12, 26), "{e:?}");
    }
    assert!(run(tiny(date(2025, 12, 25), 1)).is_empty());
}

#[test]
fn early_close_is_respected() {
    let day = date(2025, 11, 28);
    let events = run(tiny(day, 1));
    let close = from_new_york(day, Time::constant(13, 0, 0, 0)).unwrap();
    let end = from_new_york(day, Time::constant(13, 15, 0, 0)).unwrap();
    let st = day_statistics(&events);
    assert_eq!(st.index_values, 3 * 3600 + 30 * 60);
    for e in &events {
        assert!(e.ts_event() < end, "{e:?}");
        match e {
            Event::Index(_) => assert!(e.ts_event() < close),
            Event::Trade(_) | Event::Quote(_) if is_0dte(e, day) => {
                assert!(e.ts_event() < close, "{e:?}");
            }
            _ => {}
        }
    }
}

fn is_0dte(e: &Event, day: Date) -> bool {
    matches!(e.instrument(), Instrument::Option(c) if c.expiry == day)
}

#[test]
fn morning_open_interest_and_definitions() {
    let day = date(2025, 6, 10);
    let sim = Simulator::new(tiny(day, 1)).unwrap();
    let listed = sim.contracts(day).unwrap();
    assert_eq!(listed.len(), 2 * 7 + 2 * 5 + 2 * 5);
    assert!(matches!(
        sim.contracts(date(2025, 6, 11)),
        Err(SimError::DateNotSimulated { .. })
    ));
    let oi_time = from_new_york(day, Time::constant(6, 30, 0, 0)).unwrap();
    let mut oi = Vec::new();
    for e in sim {
        if let Event::OpenInterest(o) = e {
            assert_eq!(o.as_of, date(2025, 6, 9));
            assert_eq!(o.ts_event, oi_time);
            if let Instrument::Option(c) = o.instrument {
                oi.push((c, o.contracts.get()));
            }
        }
    }
    let mut from_events: Vec<_> = oi.iter().map(|(c, _)| *c).collect();
    from_events.sort();
    let mut want = listed;
    want.sort();
    assert_eq!(from_events, want);
    assert!(oi.iter().any(|(_, n)| *n > 100));
}

#[test]
fn es_rolls_to_the_next_quarter() {
    // ESM5 expires 2025-06-20; the default roll (8 days before) makes ESU5 front on 06-12.
    let cfg = SimConfig {
        products: Products {
            spx_index: false,
            es: true,
            spy: false,
            spxw_options: false,
            spy_options: false,
            es_options: false,
        },
        ..tiny(date(2025, 6, 11), 2)
    };
    let mut fronts = BTreeMap::new();
    for e in run(cfg) {
        if let Instrument::Future(f) = e.instrument() {
            let day = to_new_york(e.ts_event()).unwrap().date();
            fronts
                .entry(day)
                .or_insert_with(Vec::new)
                .push(f.to_string());
        }
    }
    let first = &fronts[&date(2025, 6, 11)];
    let second = &fronts[&date(2025, 6, 12)];
    assert!(first.iter().all(|s| s == "ESM25"));
    assert!(second.iter().all(|s| s == "ESU25"));
}

#[test]
fn sweeps_hit_several_venues_within_a_millisecond() {
    let events = run(tiny(date(2025, 6, 12), 1));
    let mut sweeps: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Trade(t) if t.conditions.contains(condition::ISO) => Some(*t),
            _ => None,
        })
        .collect();
    assert!(sweeps.len() > 20, "{}", sweeps.len());
    sweeps.sort_by_key(|t| (t.instrument, t.ts_event));
    let mut groups = 0;
    let mut i = 0;
    while i < sweeps.len() {
        let head = sweeps[i];
        let mut venues = vec![head.exchange];
        let mut j = i + 1;
        while j < sweeps.len()
            && sweeps[j].instrument == head.instrument
            && sweeps[j].ts_event.0 - head.ts_event.0 < 1_000_000
        {
            assert_eq!(sweeps[j].price, head.price);
            assert_eq!(sweeps[j].aggressor, head.aggressor);
            assert!(
                !venues.contains(&sweeps[j].exchange),
                "venue twice: {head:?}"
            );
            venues.push(sweeps[j].exchange);
            j += 1;
        }
        assert!(j - i >= 2, "lone ISO print {head:?}");
        groups += 1;
        i = j;
    }
    assert!(groups > 10);
}

#[test]
fn config_errors_are_clear() {
    let err = Simulator::new(SimConfig {
        activity: 2.0,
        ..SimConfig::default()
    })
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("activity") && msg.contains('2'), "{msg}");
    let err = SimSource::new(
        SimConfig {
            spxw_strikes: 0,
            ..SimConfig::default()
        },
        Pacing::AsFastAsPossible,
    )
    .unwrap_err();
    assert!(err.to_string().contains("spxw_strikes"), "{err}");
}

#[tokio::test]
async fn source_delivers_underlyings_and_subscribed_options_only() {
    let day = date(2025, 6, 10);
    let mut src = SimSource::new(tiny(day, 1), Pacing::AsFastAsPossible).unwrap();
    assert_eq!(src.name(), "sim");
    let window = src.atm_window(OptionRoot::SPXW, 1);
    assert_eq!(window.len(), 6);
    assert!(src.contracts(day).unwrap().len() > window.len());
    src.subscribe(&window).unwrap();
    assert_eq!(src.subscriptions().len(), 6);
    let (mut options, mut index, mut other_options, mut open_interest) = (0, 0, 0, 0);
    while let Some(item) = src.next().await {
        let e = item.unwrap();
        let flow = matches!(e, Event::Trade(_) | Event::Quote(_));
        match e.instrument() {
            Instrument::Option(_) if !flow => {
                open_interest += usize::from(matches!(e, Event::OpenInterest(_)))
            }
            Instrument::Option(c) if window.contains(&c) => options += 1,
            Instrument::Option(_) => other_options += 1,
            Instrument::Index(_) => index += 1,
            _ => {}
        }
        if index == 3_600 {
            src.unsubscribe(&window).unwrap();
            assert!(src.subscriptions().is_empty());
        }
    }
    assert_eq!(other_options, 0);
    // Reference data (open interest, definitions) covers the whole chain.
    assert_eq!(open_interest, src.simulator().trading_days().len() * 34);
    assert_eq!(index, 23_400);
    assert!(options > 100, "{options}");
}

#[tokio::test(start_paused = true)]
async fn source_paces_on_the_tokio_clock() {
    let cfg = SimConfig {
        products: Products {
            spx_index: true,
            es: false,
            spy: false,
            spxw_options: false,
            spy_options: false,
            es_options: false,
        },
        ..tiny(date(2025, 6, 10), 1)
    };
    let mut src = SimSource::new(cfg, Pacing::Speed(60.0)).unwrap();
    let start = tokio::time::Instant::now();
    let first = src.next().await.unwrap().unwrap().ts_recv();
    assert_eq!(tokio::time::Instant::now(), start);
    let mut last = first;
    for _ in 0..600 {
        last = src.next().await.unwrap().unwrap().ts_recv();
    }
    // Ten minutes of index values at 60x: ten seconds on the paused clock.
    let want = std::time::Duration::from_nanos((last.0 - first.0) / 60);
    let got = tokio::time::Instant::now() - start;
    assert!(
        got >= want && got - want < std::time::Duration::from_millis(2),
        "{got:?} vs {want:?}"
    );
    assert!(got >= std::time::Duration::from_secs(9));
}

#[test]
fn es_options_follow_cme_rules() {
    use gammaflow_model::expiry::es_option_underlying;
    // Friday 2025-06-20 is ESM5's quarterly expiry: the 0DTE series is the AM quarterly `ES`
    // (stops at 09:30 ET); the next ones are the Monday and Tuesday weeklies on ESU5.
    let day = date(2025, 6, 20);
    let cfg = SimConfig {
        expiries: 3,
        products: Products {
            spx_index: false,
            spy: false,
            spxw_options: false,
            spy_options: false,
            ..Products::ALL
        },
        ..tiny(day, 1)
    };
    let sim = Simulator::new(cfg).unwrap();
    let listed = sim.contracts(day).unwrap();
    assert_eq!(listed.len(), 3 * 2 * 5);
    let mut roots: Vec<(String, Date)> = listed
        .iter()
        .map(|c| (c.root.to_string(), c.expiry))
        .collect();
    roots.dedup();
    let want = [
        ("ES", date(2025, 6, 20)),
        ("E4A", date(2025, 6, 23)),
        ("E4B", date(2025, 6, 24)),
    ];
    assert_eq!(
        roots,
        want.map(|(r, d)| (r.to_owned(), d)).to_vec(),
        "{listed:?}"
    );
    let under = |c: &OptionContract| es_option_underlying(c.root, c.expiry).unwrap().to_string();
    assert_eq!(under(&listed[0]), "ESM25");
    assert_eq!(under(&listed[listed.len() - 1]), "ESU25");
    let open = from_new_york(day, Time::constant(9, 30, 0, 0)).unwrap();
    let ten = from_new_york(day, Time::constant(10, 0, 0, 0)).unwrap();
    let (mut defs, mut es_mid) = (0, None);
    let mut mids: BTreeMap<OptionContract, f64> = BTreeMap::new();
    for e in sim {
        match e {
            Event::Definition(d) if matches!(d.instrument, Instrument::Option(_)) => {
                assert_eq!(d.multiplier, Some(50));
                assert_eq!(d.tick_size, Some("0.05".parse().unwrap()));
                defs += 1;
            }
            Event::Quote(q) if q.ts_event < ten => match q.instrument {
                Instrument::Option(c) => {
                    if c.expiry == day {
                        assert!(q.ts_event < open, "{q:?}");
                    }
                    mids.insert(c, (q.bid.to_f64() + q.ask.to_f64()) / 2.0);
                }
                Instrument::Future(_) => es_mid = Some((q.bid.to_f64() + q.ask.to_f64()) / 2.0),
                _ => {}
            },
            Event::Trade(t) => {
                if let Instrument::Option(c) = t.instrument
                    && c.expiry == day
                {
                    assert!(t.ts_event < open, "{t:?}");
                }
            }
            _ => {}
        }
    }
    assert_eq!(defs, listed.len());
    // Black-76 on ESU5 (the front month since the roll): put-call parity at 10:00 ET puts the
    // forward within a few points of the ES mid.
    let es_mid = es_mid.unwrap();
    for c in listed.iter().filter(|c| c.root.as_str() == "E4A") {
        if c.right != gammaflow_model::OptionRight::Call {
            continue;
        }
        let put = OptionContract {
            right: gammaflow_model::OptionRight::Put,
            ..*c
        };
        let (call, put) = (mids[c], mids[&put]);
        let forward = c.strike.to_f64() + call - put;
        within("ES option forward - ES mid", forward - es_mid, -3.0, 3.0);
    }
}
