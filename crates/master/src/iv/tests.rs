use super::*;
use gammaflow_model::{OptionContract, OptionRoot, Price};
use proptest::prelude::*;

const NS: u64 = 1_000_000_000;

/// A chain of one expiry priced by Black-76 at forward `f`, `t` years, with IV `vol(k)`, quoted
/// with a spread of `spread` around the model price, all quotes `age` seconds old.
fn chain(f: f64, t: f64, vol: impl Fn(f64) -> f64, spread: f64, age: u64) -> (ChainState, Date) {
    let expiry = jiff::civil::date(2025, 6, 10);
    let at = UnixNanos(1_749_585_600 * NS);
    let root = OptionRoot::new("SPXW").unwrap();
    let mut contracts = Vec::new();
    let centre = (f / 5.0).round() * 5.0;
    for i in -30..=30 {
        let k = centre + 5.0 * f64::from(i);
        for (right, kind) in [
            (OptionRight::Call, OptionKind::Call),
            (OptionRight::Put, OptionKind::Put),
        ] {
            let p = black::price(&inputs(kind, f, k, t, 0.0), vol(k));
            let (bid, ask) = (p - spread / 2.0, p + spread / 2.0);
            let strike = Price::from_raw((k * 1e9).round() as i64);
            contracts.push(ContractSnapshot {
                contract: OptionContract::new(root, expiry, right, strike),
                strike: k,
                right,
                expiry,
                bid: Some(bid),
                ask: Some(ask),
                mid: Some(p),
                bid_size: 1,
                ask_size: 1,
                quote_ts: Some(UnixNanos(at.0 - age * NS)),
                volume: 0,
                oi: None,
            });
        }
    }
    contracts.sort_by_key(|a| a.contract);
    (ChainState { at, contracts }, expiry)
}

fn expiration_after(at: UnixNanos, t: f64) -> UnixNanos {
    UnixNanos(at.0 + (t * 365.0 * 86_400.0).round() as u64 * NS)
}

#[test]
fn flat_smile_gives_forward_and_atm_iv() {
    let t = 3.0 * 3600.0 / (365.0 * 86_400.0);
    let (c, e) = chain(6012.3, t, |_| 0.15, 0.10, 5);
    let p = iv_point(&c, e, expiration_after(c.at, t), None, &IvParams::default());
    assert!((p.spot.unwrap() - 6012.3).abs() < 1e-6, "{:?}", p.spot);
    assert_eq!(p.spot_source, Some(SpotSource::PutCallParity));
    assert_eq!(p.atm_strike, Some(6010.0));
    assert!((p.atm_iv.unwrap() - 0.15).abs() < 1e-6);
    assert!(p.skew25.unwrap().abs() < 1e-6);
    // Far from the money the model price is below half the spread: a zero bid.
    assert_eq!(p.quotes.usable + p.quotes.zero_bid, 122);
    assert!(p.quotes.usable > 60);
    assert_eq!(p.band_quotes.stale + p.band_quotes.crossed, 0);
    assert!(p.finding(e, "x").is_none());
}

#[test]
fn skew_is_put_minus_call() {
    let t = 5.0 * 3600.0 / (365.0 * 86_400.0);
    let f = 6000.0;
    let (c, e) = chain(f, t, |k| 0.15 - 2.0 * (k / f).ln(), 0.0, 0);
    let p = iv_point(&c, e, expiration_after(c.at, t), None, &IvParams::default());
    let skew = p.skew25.unwrap();
    assert!(skew > 0.005 && skew < 0.2, "{skew}");
    assert!(p.put25_iv.unwrap() > p.atm_iv.unwrap());
    assert!(p.call25_iv.unwrap() < p.atm_iv.unwrap());
    assert!((p.atm_iv.unwrap() - 0.15).abs() < 2e-3);
}

#[test]
fn stale_and_crossed_quotes_are_left_out_and_reported() {
    let t = 3.0 * 3600.0 / (365.0 * 86_400.0);
    let (mut c, e) = chain(6000.0, t, |_| 0.15, 0.0, 120);
    let p = iv_point(&c, e, expiration_after(c.at, t), None, &IvParams::default());
    assert_eq!(p.quotes.stale, 122);
    assert_eq!(p.spot, None);
    // No record of the expiry in the last minute: a feed gap, every quote stale.
    assert!(p.finding(e, "f").unwrap().detail.contains("122 stale"));
    for x in &mut c.contracts {
        x.quote_ts = Some(c.at);
    }
    c.contracts[0].bid = Some(0.0);
    c.contracts[1].bid = Some(9e9);
    let p = iv_point(&c, e, expiration_after(c.at, t), None, &IvParams::default());
    assert_eq!(
        (p.quotes.zero_bid, p.quotes.crossed, p.quotes.usable),
        (1, 1, 120)
    );
}

#[test]
fn held_quotes_are_used_away_from_the_money_only() {
    let t = 3.0 * 3600.0 / (365.0 * 86_400.0);
    let (mut c, e) = chain(6000.0, t, |_| 0.15, 0.10, 300);
    // The feed is live (one fresh record); everything else is unchanged for 5 minutes.
    let fresh = c.contracts.iter().position(|x| x.strike == 5850.0).unwrap();
    c.contracts[fresh].quote_ts = Some(c.at);
    let p = iv_point(&c, e, expiration_after(c.at, t), None, &IvParams::default());
    // 5990..6010, calls and puts: 10 at-the-money quotes stale; the rest held and used.
    assert_eq!(p.quotes.stale, 10, "{:?}", p.quotes);
    assert!(p.quotes.held > 50 && p.quotes.held + 1 == p.quotes.usable);
    assert!((p.spot.unwrap() - 6000.0).abs() < 1e-6, "{:?}", p.spot);
    assert!((p.atm_iv.unwrap() - 0.15).abs() < 1e-6, "{:?}", p.atm_iv);
    let finding = p.finding(e, "f").unwrap();
    assert!(finding.detail.contains("10 stale"), "{}", finding.detail);
    // Refreshed at the money: no finding, held quotes further out still used.
    for x in &mut c.contracts {
        if (x.strike - 6000.0).abs() <= 10.0 {
            x.quote_ts = Some(UnixNanos(c.at.0 - 2 * NS));
        }
    }
    let p = iv_point(&c, e, expiration_after(c.at, t), None, &IvParams::default());
    assert_eq!(p.quotes.stale, 0);
    assert!(p.finding(e, "f").is_none());
}

#[test]
fn quotes_do_not_age_while_the_market_is_closed() {
    // The 09:30 ET open of 2025-06-10 with the book left at the 09:15 GTH close.
    let t = 6.5 * 3600.0 / (365.0 * 86_400.0);
    let (mut c, e) = chain(6000.0, t, |_| 0.15, 0.10, 0);
    let open = UnixNanos(1_749_562_200 * NS);
    c.at = open;
    for x in &mut c.contracts {
        x.quote_ts = Some(UnixNanos(open.0 - 15 * 60 * NS - 5 * NS));
    }
    let p = iv_point(&c, e, expiration_after(c.at, t), None, &IvParams::default());
    assert_eq!((p.quotes.stale, p.quotes.held), (0, 0), "{:?}", p.quotes);
    assert!((p.atm_iv.unwrap() - 0.15).abs() < 1e-6);
    // One minute into the session the same book is a feed gap.
    c.at = UnixNanos(open.0 + 60 * NS);
    let p = iv_point(&c, e, expiration_after(c.at, t), None, &IvParams::default());
    assert_eq!(p.quotes.usable, 0);
    assert!(p.quotes.stale > 100);
}

#[test]
fn explicit_spx_and_expiry() {
    let t = 3.0 * 3600.0 / (365.0 * 86_400.0);
    let (c, e) = chain(6000.0, t, |_| 0.2, 0.0, 0);
    let exp = expiration_after(c.at, t);
    let p = iv_point(&c, e, exp, Some(6000.0), &IvParams::default());
    assert_eq!(p.spot_source, Some(SpotSource::Explicit));
    assert!((p.atm_iv.unwrap() - 0.2).abs() < 1e-6);
    let series = [(UnixNanos(5), 1.0), (UnixNanos(9), 2.0)];
    assert_eq!(
        series[..].at_or_before(UnixNanos(8)),
        Some((UnixNanos(5), 1.0))
    );
    assert_eq!(series[..].at_or_before(UnixNanos(4)), None);
    // At the close: no volatility, but a level.
    let p = iv_point(&c, e, c.at, None, &IvParams::default());
    assert_eq!((p.t_years, p.atm_iv), (0.0, None));
    assert!(p.spot.is_some());
    // 2025-06-10 16:00 EDT.
    assert_eq!(expiration(e), Some(UnixNanos(1_749_585_600 * NS)));
}

#[test]
fn windows_take_last_and_mean() {
    let mk = |s: u64, v: Option<f64>| IvPoint {
        at: UnixNanos(s),
        expiry: jiff::civil::date(2025, 6, 10),
        t_years: 0.001,
        spot: None,
        spot_source: None,
        atm_strike: None,
        atm_iv: v,
        put25_iv: None,
        call25_iv: None,
        skew25: v.map(|x| x / 10.0),
        quotes: QuoteCounts::default(),
        band_quotes: QuoteCounts::default(),
    };
    let pts = [
        mk(3, Some(0.3)),
        mk(1, Some(0.1)),
        mk(2, Some(0.2)),
        mk(4, None),
    ];
    let w = window_values(
        &pts,
        &[
            ("a".into(), UnixNanos(1), UnixNanos(2)),
            ("b".into(), UnixNanos(2), UnixNanos(4)),
        ],
    );
    assert_eq!(w[0].iv_end, Some(0.2));
    assert!((w[0].iv_mean.unwrap() - 0.15).abs() < 1e-12);
    assert_eq!((w[1].iv_end, w[1].samples), (Some(0.3), 2));
    assert_eq!(w[1].skew25_end, Some(0.03));
    let s = sample_instants(
        (UnixNanos(0), UnixNanos(3600 * NS)),
        &[UnixNanos(5)],
        &[],
        30,
    );
    assert_eq!(
        s,
        [
            UnixNanos(0),
            UnixNanos(5),
            UnixNanos(1800 * NS),
            UnixNanos(3600 * NS)
        ]
    );
}

proptest! {
    /// Parity recovers the forward and the solver the volatility from exact mids.
    #[test]
    fn recovers_forward_and_vol(f in 3000.0f64..8000.0, vol in 0.05f64..0.8, hours in 0.5f64..7.0) {
        // Whole seconds, as the expiry's year fraction counts them.
        let t = (hours * 3600.0).round() / (365.0 * 86_400.0);
        let (c, e) = chain(f, t, |_| vol, 0.0, 0);
        let p = iv_point(&c, e, expiration_after(c.at, t), None, &IvParams::default());
        prop_assert!((p.spot.unwrap() - f).abs() < 1e-6 * f);
        prop_assert!((p.atm_iv.unwrap() - vol).abs() < 1e-5);
    }
}
