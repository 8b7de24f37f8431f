use super::range::{BandPosition, BreakoutSide, RangeStatus};
use super::*;
use gammaflow_model::Size;
use gammaflow_model::event::{Conditions, ExchangeId, IndexValue, Side, Trade};
use jiff::civil::date;
use proptest::prelude::*;

const TUE: Date = Date::constant(2025, 6, 10);

fn ny(d: Date, h: i8, m: i8, s: i8) -> UnixNanos {
    from_new_york(d, Time::constant(h, m, s, 0)).unwrap()
}

fn es_symbol(year: u16, month: u8) -> FutureSymbol {
    FutureSymbol::new("ES", year, month).unwrap()
}

fn es_in(ts: UnixNanos, price: &str, size: u32, symbol: FutureSymbol) -> Event {
    Event::Trade(Trade {
        ts_event: ts,
        ts_recv: ts,
        instrument: Instrument::Future(symbol),
        price: price.parse().unwrap(),
        size: Size::new(size),
        exchange: ExchangeId(1),
        conditions: Conditions::EMPTY,
        sequence: 0,
        aggressor: Side::None,
    })
}

/// An ESM5 trade (the front month of June 2025 before the roll on the 12th).
fn es(ts: UnixNanos, price: &str, size: u32) -> Event {
    es_in(ts, price, size, es_symbol(2025, 6))
}

fn spx(ts: UnixNanos, value: &str) -> Event {
    Event::Index(IndexValue {
        ts_event: ts,
        ts_recv: ts,
        instrument: Instrument::Index(Ticker::SPX),
        value: value.parse().unwrap(),
    })
}

fn feed(tracker: &mut MarketTracker, events: &[Event]) {
    for e in events {
        tracker.on_event(e).unwrap();
    }
}

#[test]
fn vwap_basis_and_last_prices_on_a_small_tape() {
    let mut t = MarketTracker::default();
    assert!(t.state().is_none());
    // Inside the window but neither ES nor SPX (VIX, a VIX future): still no state.
    let vix = Event::Index(IndexValue {
        ts_event: ny(TUE, 7, 0, 0),
        ts_recv: ny(TUE, 7, 0, 0),
        instrument: Instrument::Index(Ticker::VIX),
        value: "17".parse().unwrap(),
    });
    let vx = FutureSymbol::new("VX", 2025, 6).unwrap();
    feed(&mut t, &[vix, es_in(ny(TUE, 7, 0, 1), "17.5", 1, vx)]);
    assert_eq!(t.trade_date(), Some(TUE));
    assert!(t.state().is_none());
    feed(
        &mut t,
        &[
            es(ny(TUE, 8, 0, 0), "6010.25", 2),
            es(ny(TUE, 8, 0, 1), "6011", 3),
            // Another month and another root are not the day's ES.
            es_in(ny(TUE, 8, 0, 2), "6070", 100, es_symbol(2025, 9)),
            es(ny(TUE, 8, 1, 0), "6009.5", 5),
            spx(ny(TUE, 8, 1, 1), "6000.5"),
        ],
    );
    let s = t.state().unwrap();
    assert_eq!(s.trade_date, TUE);
    assert_eq!(s.es_symbol, Some(es_symbol(2025, 6)));
    assert_eq!(s.es, Some(6009.5));
    assert_eq!(s.spx, Some(6000.5));
    assert_eq!(s.basis, Some(9.0));
    // (6010.25·2 + 6011·3 + 6009.5·5) / 10 = 60101 / 10 (the sums are exact)
    assert_eq!(s.vwap, Some(6010.1));
    let bars = t.bars();
    assert_eq!(bars.len(), 2);
    assert_eq!((bars[0].volume, bars[1].volume), (5, 5));
    assert_eq!(bars[0].vwap, Some((6010.25 * 2.0 + 6011.0 * 3.0) / 5.0));
    assert_eq!(bars[1].spx, Some(6000.5));
    // The SPX open is not before 09:30.
    assert_eq!(s.spx_open, None);
}

#[test]
fn spx_open_is_frozen_with_the_basis_of_that_moment() {
    let mut t = MarketTracker::default();
    feed(
        &mut t,
        &[
            spx(ny(TUE, 9, 29, 59), "5990"),
            es(ny(TUE, 9, 29, 59), "6002", 1),
            spx(ny(TUE, 9, 30, 0), "6000"),
            es(ny(TUE, 9, 30, 1), "6020", 1),
            spx(ny(TUE, 9, 30, 1), "6011"),
        ],
    );
    let s = t.state().unwrap();
    assert_eq!(s.spx_open, Some(6000.0));
    assert_eq!(s.basis_at_open, Some(2.0));
    assert_eq!(s.afternoon.reference(), Some(6002.0));
    assert_eq!(s.basis, Some(9.0));
}

#[test]
fn basis_at_open_waits_for_the_first_es_trade() {
    let mut t = MarketTracker::default();
    feed(
        &mut t,
        &[
            spx(ny(TUE, 9, 30, 0), "6000"),
            spx(ny(TUE, 9, 30, 1), "6001"),
            es(ny(TUE, 9, 30, 2), "6004", 1),
        ],
    );
    let s = t.state().unwrap();
    assert_eq!((s.spx_open, s.basis_at_open), (Some(6000.0), Some(3.0)));
    assert_eq!(s.afternoon.reference(), Some(6003.0));
}

#[test]
fn ranges_get_levels_once_an_iv_is_known() {
    let mut t = MarketTracker::default();
    feed(&mut t, &[es(ny(TUE, 7, 0, 0), "6000", 1)]);
    let s = t.state().unwrap();
    assert_eq!(s.morning.status(), RangeStatus::Active);
    assert_eq!(s.afternoon.status(), RangeStatus::Pending);
    assert!(s.morning.levels().is_none());
    // An IV at 07:00 sets the morning width over the 2.5 hours to 09:30.
    t.set_atm_iv(ny(TUE, 7, 0, 0), 0.16).unwrap();
    let s = t.state().unwrap();
    let tau = 2.5 * 3600.0 / (365.0 * 86_400.0);
    let expected = 6000.0 * 0.16 * f64::sqrt(tau);
    let w = s.morning.width().unwrap();
    assert!((w.half_width_1s - expected).abs() < 1e-9, "{w:?}");
    assert_eq!(s.morning.levels().unwrap().len(), 5);
    assert_eq!(s.atm_iv, Some(0.16));
    // The afternoon needs the SPX open: after 09:30 with an IV its width is set over 6.5 hours.
    feed(
        &mut t,
        &[
            spx(ny(TUE, 9, 30, 0), "5990"),
            es(ny(TUE, 9, 30, 0), "6000", 1),
        ],
    );
    let s = t.state().unwrap();
    assert_eq!(s.morning.status(), RangeStatus::Closed);
    // The last morning price (07:00, 6000) is inside its band.
    assert_eq!(s.morning.closed_inside(), Some(true));
    let a = s.afternoon;
    assert_eq!(a.status(), RangeStatus::Active);
    assert_eq!(a.reference(), Some(6000.0));
    let tau: f64 = 6.5 * 3600.0 / (365.0 * 86_400.0);
    let h = a.width().unwrap().half_width_1s;
    assert!((h - 6000.0 * 0.16 * tau.sqrt()).abs() < 1e-9);
    assert_eq!(a.position(), Some(BandPosition::Inside));
}

#[test]
fn afternoon_touches_three_times_and_breaks_out_once() {
    let mut t = MarketTracker::default();
    let at = |m: i8, s: i8| ny(TUE, 10, m, s);
    feed(
        &mut t,
        &[
            spx(ny(TUE, 9, 30, 0), "6000"),
            es(ny(TUE, 9, 30, 0), "6000", 1),
        ],
    );
    // Choose σ so that h₁ = 10 points exactly over the 6.5 hours left.
    let tau: f64 = 6.5 * 3600.0 / (365.0 * 86_400.0);
    t.set_atm_iv(ny(TUE, 9, 30, 0), 10.0 / (6000.0 * tau.sqrt()))
        .unwrap();
    feed(
        &mut t,
        &[
            es(at(0, 0), "6009.75", 1), // +1σ touch 1
            es(at(0, 20), "6010", 1),   // within the 30 s cooldown
            es(at(1, 0), "6009.75", 1), // +1σ touch 2
            es(at(2, 0), "6015", 1),    // beyond: the breakout clock starts
            es(at(5, 0), "6020.25", 1), // +2σ touch 3
            es(at(7, 0), "6016", 1),    // 5 minutes beyond: breakout up at 10:07
            es(at(8, 0), "6019.5", 1),  // 0.5 from +2σ: no touch
        ],
    );
    let a = t.state().unwrap().afternoon;
    assert_eq!(a.touches(), 3);
    assert_eq!(
        a.levels().unwrap().map(|b| b.touches),
        [1, 2, 0, 0, 0],
        "{:?}",
        a.levels()
    );
    assert_eq!(a.first_touch(), Some(at(0, 0)));
    assert_eq!(a.breakout(), Some((BreakoutSide::Up, at(7, 0))));
    assert_eq!(a.position(), Some(BandPosition::Above));
    // At the close: not inside.
    feed(&mut t, &[es(ny(TUE, 16, 0, 0), "6000", 1)]);
    let a = t.state().unwrap().afternoon;
    assert_eq!(a.status(), RangeStatus::Closed);
    assert_eq!(a.closed_inside(), Some(false));
}

#[test]
fn a_new_trade_date_resets_everything() {
    let mut t = MarketTracker::default();
    feed(
        &mut t,
        &[
            es(ny(TUE, 9, 0, 0), "6000", 4),
            spx(ny(TUE, 9, 30, 0), "5990"),
            es(ny(TUE, 15, 59, 0), "6001", 1),
        ],
    );
    // After the close: state kept, nothing new counted, ranges closed.
    feed(&mut t, &[es(ny(TUE, 16, 5, 0), "6100", 1)]);
    let s = t.state().unwrap();
    assert_eq!((s.trade_date, s.es), (TUE, Some(6001.0)));
    assert_eq!(s.afternoon.status(), RangeStatus::Closed);
    // 20:15 ET opens Wednesday's window.
    let wed = date(2025, 6, 11);
    feed(&mut t, &[es(ny(TUE, 20, 15, 0), "6050", 2)]);
    let s = t.state().unwrap();
    assert_eq!(s.trade_date, wed);
    assert_eq!(
        (s.es, s.vwap, s.spx, s.spx_open),
        (Some(6050.0), Some(6050.0), None, None)
    );
    assert_eq!(t.bars().len(), 1);
    assert_eq!(s.morning.status(), RangeStatus::Active);
    assert_eq!(s.afternoon.status(), RangeStatus::Pending);
    assert_eq!(s.realized[3].from, ny(TUE, 20, 15, 0));
    // A late event of Tuesday is ignored.
    feed(&mut t, &[es(ny(TUE, 15, 0, 0), "5000", 100)]);
    assert_eq!(t.state().unwrap().vwap, Some(6050.0));
}

#[test]
fn early_close_days_end_at_13_00() {
    let friday = date(2024, 11, 29);
    let mut t = MarketTracker::default();
    let dec = es_symbol(2024, 12);
    feed(
        &mut t,
        &[
            es_in(ny(friday, 9, 0, 0), "6000", 1, dec),
            spx(ny(friday, 9, 30, 0), "5990"),
        ],
    );
    let s = t.state().unwrap();
    assert_eq!(s.es_symbol, Some(dec));
    assert_eq!(s.afternoon.end(), ny(friday, 13, 0, 0));
    assert_eq!(s.realized[2].to, ny(friday, 13, 0, 0));
    assert_eq!(s.realized[0].from, ny(date(2024, 11, 28), 16, 0, 0));
    // 13:00 is after the close: the afternoon closes, the price is not taken.
    feed(&mut t, &[es_in(ny(friday, 13, 0, 0), "6100", 1, dec)]);
    let s = t.state().unwrap();
    assert_eq!(s.afternoon.status(), RangeStatus::Closed);
    assert_eq!(s.es, Some(6000.0));
}

#[test]
fn realized_volatility_per_window_by_hand() {
    let mut t = MarketTracker::default();
    // Overnight bars 02:00..02:04, morning bars 04:00..04:02.
    let overnight = ["6000", "6001", "5999.5", "6002", "6001.25"];
    for (i, p) in overnight.iter().enumerate() {
        feed(&mut t, &[es(ny(TUE, 2, i as i8, 0), p, 1)]);
    }
    for (i, p) in ["6003", "6004"].iter().enumerate() {
        feed(&mut t, &[es(ny(TUE, 4, i as i8, 0), p, 1)]);
    }
    feed(&mut t, &[spx(ny(TUE, 5, 0, 0), "5990")]);
    let s = t.state().unwrap();
    let names = s.realized.map(|w| w.name);
    assert_eq!(names, ["overnight", "morning", "afternoon", "full"]);
    let closes: Vec<f64> = overnight.iter().map(|p| p.parse().unwrap()).collect();
    let r: Vec<f64> = closes.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
    let mean = r.iter().sum::<f64>() / r.len() as f64;
    let var = r.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (r.len() - 1) as f64;
    let expected = (var * 252.0 * 1380.0).sqrt();
    let on = s.realized[0].vol;
    assert_eq!(on.bars, 5);
    assert!((on.rv.unwrap() - expected).abs() < 1e-12);
    assert_eq!((s.realized[1].vol.bars, s.realized[1].vol.rv), (2, None));
    assert_eq!(s.realized[2].vol.bars, 0);
    assert_eq!(s.realized[3].vol.bars, 7);
    assert!(s.realized[3].vol.rv.is_some());
}

#[test]
fn outside_the_calendar_is_an_error_not_a_panic() {
    let mut t = MarketTracker::default();
    let far = es(UnixNanos(4_200_000_000 * 1_000_000_000), "6000", 1);
    assert!(t.on_event(&far).is_err());
    // Retried only a minute later.
    assert!(t.on_event(&far).is_ok());
    assert!(t.state().is_none());
}

proptest! {
    /// Any tape: the VWAP lies within the traded range and the bars hold every contract.
    #[test]
    fn vwap_within_range_and_bars_hold_the_volume(
        tape in proptest::collection::vec((0u64..36_000, 24_000u32..24_100, 1u32..50), 1..200)
    ) {
        let mut t = MarketTracker::default();
        let start = ny(TUE, 5, 0, 0).0;
        let mut tape = tape;
        tape.sort_by_key(|x| x.0);
        for &(sec, quarter_ticks, size) in &tape {
            let price = Price::from_raw(i64::from(quarter_ticks) * 250_000_000);
            let ts = UnixNanos(start + sec * 1_000_000_000);
            t.on_event(&es(ts, &price.to_string(), size)).unwrap();
        }
        let s = t.state().unwrap();
        let prices: Vec<f64> = tape.iter().map(|x| f64::from(x.1) * 0.25).collect();
        let lo = prices.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = prices.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let vwap = s.vwap.unwrap();
        prop_assert!(vwap >= lo - 1e-9 && vwap <= hi + 1e-9);
        let volume: u64 = t.bars().iter().map(|b| b.volume).sum();
        prop_assert_eq!(volume, tape.iter().map(|x| u64::from(x.2)).sum::<u64>());
        prop_assert!(t.bars().windows(2).all(|w| w[0].start < w[1].start));
    }
}
