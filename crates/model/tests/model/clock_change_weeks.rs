//! Every US/EU clock-change mismatch week of 2020–2030, read from the table in
//! `../shared/data/README.md`: the New York schedule must show one hour earlier in Zurich inside each
//! range (both ends included) and the usual times just outside it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gammaflow_model::UnixNanos;
use gammaflow_model::calendar::{
    is_trading_day, next_trading_day, previous_trading_day, trading_days,
};
use gammaflow_model::session::{
    from_new_york, new_york_to_zurich, trade_date_of, trade_date_window, zurich, zurich_times,
};
use jiff::civil::{Date, Time, date, time};

/// `(start, end)` of every mismatch range in the shared README's table.
fn mismatch_ranges() -> Vec<(Date, Date)> {
    let path = gammaflow_testkit::shared_data("README.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let section = text
        .split("## US/EU clock-change weeks")
        .nth(1)
        .expect("clock-change section");
    let mut out = Vec::new();
    for line in section.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let Some(year) = cells.get(1).and_then(|c| c.parse::<i16>().ok()) else {
            continue;
        };
        for cell in &cells[2..4] {
            let (a, b) = cell.split_once('→').expect("range arrow");
            let parse =
                |md: &str| -> Date { format!("{year}-{}", md.trim()).parse().expect("month-day") };
            out.push((parse(a), parse(b)));
        }
    }
    out
}

fn zurich_instant(d: Date, t: Time) -> UnixNanos {
    let ts = zurich()
        .unwrap()
        .to_zoned(d.to_datetime(t))
        .unwrap()
        .timestamp();
    UnixNanos::from_timestamp(ts).unwrap()
}

fn ch(d: Date, t: Time) -> Time {
    new_york_to_zurich(d, t).unwrap().time()
}

#[test]
fn table_covers_2020_to_2030() {
    let ranges = mismatch_ranges();
    assert_eq!(ranges.len(), 22);
    for (i, year) in (2020..=2030).enumerate() {
        assert_eq!(ranges[2 * i].0.year(), year);
    }
}

#[test]
fn wall_clock_at_both_ends_of_every_range() {
    let open = time(9, 30, 0, 0);
    let close = time(16, 0, 0, 0);
    for (start, end) in mismatch_ranges() {
        for d in [start, end] {
            assert_eq!(ch(d, open), time(14, 30, 0, 0), "{d}");
            assert_eq!(ch(d, close), time(21, 0, 0, 0), "{d}");
        }
        for d in [start.yesterday().unwrap(), end.tomorrow().unwrap()] {
            assert_eq!(ch(d, open), time(15, 30, 0, 0), "{d}");
            assert_eq!(ch(d, close), time(22, 0, 0, 0), "{d}");
        }
    }
}

#[test]
fn trade_date_schedule_inside_and_around_every_range() {
    for (start, end) in mismatch_ranges() {
        let inside = trading_days(start, end).unwrap();
        assert!(inside.len() >= 4, "{start}..{end}");
        for d in &inside {
            let z = zurich_times(*d).unwrap();
            assert_eq!(z.cash_open.time(), time(14, 30, 0, 0), "{d}");
            assert_eq!(z.window_open, d.at(1, 15, 0, 0), "{d}");
            assert_eq!(z.close.time(), time(21, 0, 0, 0), "{d}");
            // The spec's fixed 22:00 Zurich would be an hour after the close: not in the window.
            assert_eq!(
                trade_date_of(zurich_instant(*d, time(21, 30, 0, 0))).unwrap(),
                None
            );
            assert_eq!(
                trade_date_of(zurich_instant(*d, time(1, 15, 0, 0))).unwrap(),
                Some(*d)
            );
        }
        for d in [
            previous_trading_day(start).unwrap(),
            next_trading_day(end).unwrap(),
        ] {
            let z = zurich_times(d).unwrap();
            assert_eq!(z.cash_open.time(), time(15, 30, 0, 0), "{d}");
            assert_eq!(z.window_open, d.at(2, 15, 0, 0), "{d}");
            assert_eq!(z.close.time(), time(22, 0, 0, 0), "{d}");
            assert_eq!(
                trade_date_of(zurich_instant(d, time(21, 30, 0, 0))).unwrap(),
                Some(d)
            );
            assert_eq!(
                trade_date_of(zurich_instant(d, time(1, 15, 0, 0))).unwrap(),
                None
            );
        }
        // The range ends are weekend days: no trade-date window.
        for d in [start, end] {
            assert!(!is_trading_day(d).unwrap());
            assert!(trade_date_window(d).is_err(), "{d}");
        }
    }
}

#[test]
fn window_is_20_15_to_16_00_new_york_in_both_regimes() {
    for d in [
        date(2025, 3, 12),
        date(2025, 4, 2),
        date(2025, 10, 29),
        date(2025, 11, 5),
    ] {
        let w = trade_date_window(d).unwrap();
        assert_eq!(
            w.open,
            from_new_york(d.yesterday().unwrap(), time(20, 15, 0, 0)).unwrap()
        );
        assert_eq!(w.close, from_new_york(d, time(16, 0, 0, 0)).unwrap());
        assert_eq!(w.duration_secs(), 19 * 3600 + 45 * 60);
    }
}
