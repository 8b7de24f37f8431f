//! Unit tests of the simulator's internals.

use jiff::civil::date;

use super::chain::SimProduct;
use super::market::Market;
use super::rng::Rng;
use super::schedule::{DayPlan, NS, TRADING_DAYS, is_fomc_day};
use super::{SimConfig, SimError};

#[test]
fn rng_is_reproducible_and_streams_differ() {
    let mut a = Rng::seeded(7);
    let mut b = Rng::seeded(7);
    let xs: Vec<u64> = (0..100).map(|_| a.next_u64()).collect();
    let ys: Vec<u64> = (0..100).map(|_| b.next_u64()).collect();
    assert_eq!(xs, ys);
    let mut c = Rng::stream(7, 1);
    let mut d = Rng::stream(7, 2);
    assert_ne!(c.next_u64(), d.next_u64());
}

#[test]
fn draws_have_the_right_moments() {
    let mut rng = Rng::seeded(42);
    let n = 200_000;
    let (mut sum, mut sq) = (0.0, 0.0);
    for _ in 0..n {
        let z = rng.normal();
        sum += z;
        sq += z * z;
    }
    let mean = sum / f64::from(n);
    let var = sq / f64::from(n) - mean * mean;
    assert!(mean.abs() < 0.01, "normal mean {mean}");
    assert!((var - 1.0).abs() < 0.02, "normal variance {var}");
    let exp_mean: f64 = (0..n).map(|_| rng.exponential(2.0)).sum::<f64>() / f64::from(n);
    assert!((exp_mean - 2.0).abs() < 0.03, "exponential mean {exp_mean}");
    for mean in [0.3, 4.0, 80.0] {
        let got: f64 = (0..n).map(|_| f64::from(rng.poisson(mean))).sum::<f64>() / f64::from(n);
        assert!(
            (got - mean).abs() < 0.02 * mean.max(1.0),
            "poisson {mean}: {got}"
        );
    }
    // Pareto: P(X > 10) = 10^-1.5 for x_min 1, alpha 1.5.
    let tail = (0..n).filter(|_| rng.pareto(1.0, 1.5) > 10.0).count() as f64 / f64::from(n);
    assert!(
        (tail - 10f64.powf(-1.5)).abs() < 0.003,
        "pareto tail {tail}"
    );
    let u: Vec<u64> = (0..n).map(|_| rng.below(5)).collect();
    assert!(u.iter().all(|x| *x < 5));
    assert!(u.contains(&0) && u.contains(&4));
}

#[test]
fn option_quotes_follow_the_tick_rules() {
    let mut price = 0.0;
    while price < 400.0 {
        for mult in [1.0, 1.5, 3.0] {
            for product in [SimProduct::Spxw, SimProduct::Spy, SimProduct::Es] {
                let (bid, ask) = product.quote_ticks(price, mult).unwrap();
                assert!(
                    bid >= 0 && ask > bid && ask >= 1,
                    "{product:?} {price}: {bid} {ask}"
                );
                if product == SimProduct::Spxw {
                    // $0.05 ticks under $3 (60 nickels), $0.10 at and above.
                    for units in [bid, ask] {
                        assert!(units < 60 || units % 2 == 0, "{price}: {units}");
                    }
                }
                if product == SimProduct::Es {
                    // 0.05 up to 5.00 (100 nickels), 0.25 above.
                    for units in [bid, ask] {
                        assert!(units <= 100 || units % 5 == 0, "{price}: {units}");
                    }
                }
                let fine = product.fine_tick().to_f64();
                if price > 0.2 {
                    assert!(bid as f64 * fine <= price && ask as f64 * fine >= price);
                }
            }
        }
        price += 0.0137;
    }
    // ES options: the valid ticks around the 5.00 boundary.
    assert_eq!(SimProduct::Es.floor_valid(103), 100);
    assert_eq!(SimProduct::Es.ceil_valid(101), 105);
    assert_eq!(SimProduct::Es.floor_valid(99), 99);
    // An ATM 0DTE ES option around 15 points quotes one or two 0.25 ticks wide.
    let (bid, ask) = SimProduct::Es.quote_ticks(15.1, 1.0).unwrap();
    let width = (ask - bid) as f64 * 0.05;
    assert!((0.249..=0.501).contains(&width), "{width}");
    // An ATM 0DTE SPXW option around $10 quotes $0.10-0.30 wide.
    let (bid, ask) = SimProduct::Spxw.quote_ticks(10.02, 1.0).unwrap();
    let width = (ask - bid) as f64 * 0.05;
    assert!((0.099..=0.301).contains(&width), "{width}");
}

#[test]
fn config_errors_name_the_setting() {
    let cases: [(SimConfig, &str); 7] = [
        (
            SimConfig {
                es_strikes: 0,
                ..SimConfig::default()
            },
            "es_strikes",
        ),
        (
            SimConfig {
                activity: 0.0,
                ..SimConfig::default()
            },
            "activity",
        ),
        (
            SimConfig {
                days: 0,
                ..SimConfig::default()
            },
            "days",
        ),
        (
            SimConfig {
                vol: f64::NAN,
                ..SimConfig::default()
            },
            "vol",
        ),
        (
            SimConfig {
                expiries: 9,
                ..SimConfig::default()
            },
            "expiries",
        ),
        (
            SimConfig {
                start: date(2031, 1, 2),
                ..SimConfig::default()
            },
            "start",
        ),
        (
            SimConfig {
                start: date(2030, 12, 1),
                days: 60,
                ..SimConfig::default()
            },
            "days",
        ),
    ];
    for (cfg, name) in cases {
        match super::Simulator::new(cfg) {
            Err(SimError::Config { name: got, .. }) => assert_eq!(got, name),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn timetable_follows_the_calendar() {
    let plan = DayPlan::new(date(2025, 6, 18), false).unwrap();
    assert!(is_fomc_day(plan.date));
    assert_eq!(plan.releases.len(), 3);
    assert_eq!(plan.seconds(), 8 * 3600 + 15 * 60);
    // One cash session holds exactly one trading day of variance.
    let open = ((plan.t_open.0 - plan.t_start.0) / NS) as usize;
    let close = ((plan.t_close.0 - plan.t_start.0) / NS) as usize;
    let cash = plan.cum_var[close] - plan.cum_var[open];
    assert!((cash * TRADING_DAYS - 1.0).abs() < 1e-9);
    // U-shape: the open and close seconds are busier than midday.
    let at = |s: u64| plan.activity(gammaflow_model::UnixNanos(plan.t_open.0 + s * NS));
    assert!(at(60) > 2.0 * at(11_700) && at(23_340) > 1.5 * at(11_700));
    // Day after Thanksgiving 2025: early close at 13:00, day ends 13:15.
    let early = DayPlan::new(date(2025, 11, 28), false).unwrap();
    assert_eq!(early.seconds(), 5 * 3600 + 15 * 60);
    assert_eq!((early.t_close.0 - early.t_open.0) / NS, 3 * 3600 + 30 * 60);
    assert!(DayPlan::new(date(2025, 12, 25), false).is_err());
}

#[test]
fn dealer_hedging_moves_the_price() {
    let cfg = SimConfig::default();
    let plan = DayPlan::new(date(2025, 6, 10), false).unwrap();
    let t = plan.t_open;
    let mut calm = Market::new(&cfg);
    let mut pushed = Market::new(&cfg);
    pushed.hedge_dollars = 5e9 * cfg.activity;
    calm.step(&plan, 5400, t);
    pushed.step(&plan, 5400, t);
    let moved_bp = (pushed.ln_s - calm.ln_s) * 1e4;
    let want = 5.0 * cfg.hedge_impact_bp_per_bn;
    assert!((moved_bp - want).abs() < 1e-6, "{moved_bp} bp, want {want}");
}

#[test]
fn overnight_day_spans_the_globex_session() {
    // Monday 2025-06-09: Globex opens Sunday 18:00 ET and closes Monday 17:00 ET.
    let plan = DayPlan::new(date(2025, 6, 9), true).unwrap();
    assert_eq!(plan.seconds(), 23 * 3600);
    assert_eq!((plan.t_morning.0 - plan.t_start.0) / NS, 14 * 3600);
    assert_eq!((plan.t_end.0 - plan.t_options_end.0) / NS, 45 * 60);
    // The night carries the overnight share of a day's variance; the cash session still one day.
    let morning = ((plan.t_morning.0 - plan.t_start.0) / NS) as usize;
    let night = plan.cum_var[morning] * TRADING_DAYS;
    assert!(
        (night - super::schedule::OVERNIGHT_VAR_SHARE).abs() < 1e-9,
        "{night}"
    );
    let open = ((plan.t_open.0 - plan.t_start.0) / NS) as usize;
    let close = ((plan.t_close.0 - plan.t_start.0) / NS) as usize;
    assert!(((plan.cum_var[close] - plan.cum_var[open]) * TRADING_DAYS - 1.0).abs() < 1e-9);
    // Early close (day after Thanksgiving): Globex closes at 13:15 ET.
    let early = DayPlan::new(date(2025, 11, 28), true).unwrap();
    assert_eq!(early.t_end, early.t_options_end);
}

#[test]
fn es_prints_in_every_minute_of_the_globex_session() {
    use gammaflow_model::event::{Event, Instrument};
    use std::collections::BTreeSet;
    let cfg = SimConfig {
        start: date(2025, 6, 10),
        activity: 0.001,
        spxw_strikes: 2,
        spy_strikes: 1,
        es_strikes: 1,
        expiries: 1,
        globex_overnight: true,
        ..SimConfig::default()
    };
    let plan = DayPlan::new(cfg.start, true).unwrap();
    let sim = super::Simulator::new(cfg).unwrap();
    let mut minutes = BTreeSet::new();
    let mut first_option = None;
    for event in sim {
        match event {
            Event::Trade(t) if matches!(t.instrument, Instrument::Future(_)) => {
                minutes.insert(t.ts_event.0 / (60 * NS));
            }
            Event::Quote(q) if matches!(q.instrument, Instrument::Option(_)) => {
                first_option.get_or_insert(q.ts_event);
            }
            _ => {}
        }
    }
    let want: BTreeSet<u64> = (plan.t_start.0 / (60 * NS)..plan.t_end.0 / (60 * NS)).collect();
    assert_eq!(
        minutes, want,
        "one ES print at least in each of the 1380 minutes"
    );
    // Options keep their hours: nothing before 08:00 ET.
    assert!(first_option.is_some_and(|t| t >= plan.t_morning));
}
