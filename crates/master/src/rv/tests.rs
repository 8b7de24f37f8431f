//! Unit tests of the pieces; the stream tests are in `tests/master/rv.rs`.

use super::*;

#[test]
fn history_ranks_against_earlier_values_only() {
    let mut h = History::new(&[PercentileWindow::Last(2), PercentileWindow::Full]);
    assert_eq!(h.push(Some(1.0)), [None, None]);
    assert_eq!(h.push(Some(3.0)), [Some(100.0), Some(100.0)]);
    // 2 against {1, 3}: one below → 50.
    assert_eq!(h.push(Some(2.0)), [Some(50.0), Some(50.0)]);
    // A day without a value is skipped and not recorded.
    assert_eq!(h.push(None), [None, None]);
    // 3 against the last two {3, 2}: 1 below + ½ tie → 75; against {1, 3, 2}: (2 + ½)/3.
    let r = h.push(Some(3.0));
    assert_eq!(r[0], Some(75.0));
    assert!((r[1].unwrap() - 250.0 / 3.0).abs() < 1e-12);
}

#[test]
fn bar_checks_name_the_problem() {
    let ts = UnixNanos(1_773_149_400 * 1_000_000_000); // 2026-03-10T13:30:00Z
    let bar = Bar1m {
        ts,
        open: 100.0,
        high: 101.0,
        low: 99.0,
        close: 100.5,
        volume: 1,
    };
    assert!(check_bar(&bar, None).is_ok());
    let msg = |b: Bar1m, last| check_bar(&b, last).unwrap_err().to_string();
    assert_eq!(
        msg(bar, Some(ts)),
        "ES 1-minute bar at 2026-03-10T13:30:00Z (09:30:00 ET): duplicate: a bar for this minute was already given"
    );
    assert_eq!(
        msg(
            Bar1m {
                ts: UnixNanos(ts.0 + 1),
                ..bar
            },
            None
        ),
        "ES 1-minute bar at 2026-03-10T13:30:00.000000001Z (09:30:00.000000001 ET): ts is not the start of a minute"
    );
    assert!(msg(Bar1m { low: 100.8, ..bar }, None).contains("inconsistent prices"));
    assert!(
        msg(
            Bar1m {
                close: f64::NAN,
                ..bar
            },
            None
        )
        .contains("close NaN is not a positive price")
    );
}
