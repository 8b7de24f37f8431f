//! Unit tests of validation; the file-level tests are in `tests/master/config.rs`.

use std::path::Path;

use super::*;

fn parse(text: &str) -> Result<MasterConfig, Vec<String>> {
    let raw = RawConfig::from_yaml(text).map_err(|e| vec![e])?;
    MasterConfig::from_raw(&raw, Path::new("/cfg"))
}

#[test]
fn empty_text_is_every_default() {
    let c = parse("").unwrap();
    assert_eq!(c, parse("# only a comment\n").unwrap());
    assert_eq!(c.timezone, ConfigZone::Zurich);
    assert_eq!(c.trade_date.start.to_string(), "02:15");
    assert_eq!(c.trade_date.previous_session.to_string(), "00:00-02:14");
    assert_eq!(c.ranges.morning.window.to_string(), "02:15-15:30");
    assert_eq!(c.ranges.afternoon.window.to_string(), "15:30-22:00");
    assert_eq!(c.touch.range_params(), RangeParams::default());
    assert_eq!(c.oi.expirations, vec![0]);
    let names: Vec<&str> = c.iv_rv.windows.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["overnight", "morning", "afternoon", "full"]);
    assert_eq!(
        c.iv_rv.percentiles,
        [
            PercentileWindow::Last(60),
            PercentileWindow::Last(120),
            PercentileWindow::Full
        ]
    );
    assert_eq!(c.paths.output, Path::new("/cfg/output"));
    assert_eq!(c.paths.opra, None);
    assert_eq!(c.versioning.model_version, "RANGE_ENGINE_v1");
}

#[test]
fn every_problem_is_listed_with_its_key() {
    let text = r#"
timezone: Asia/Tokyo
touch: { buffer: -1, cooldown_seconds: 2.5, breakout_minutes: 0 }
atm: { step: abc, reselect_trigger: always }
oi: { strike_range: 0, expirations: ["0DTE", "0dte", "XDTE"], snapshots: ["10:00", "23:00", "1000"] }
ranges: { morning: { reference: vwap, end_time: "23:30" } }
iv_rv:
  windows: [ { morning: "09:30-15:30" }, { Bad: "x" }, { a: "1", b: "2" } ]
  percentiles: [60, 60, 0, "all"]
versioning: { model_version: "", config_hash: nope }
trade_date: { previous_session: "00:00-03:00" }
"#;
    let problems = parse(text).unwrap_err();
    let expected = [
        "timezone: expected Europe/Zurich or America/New_York, got \"Asia/Tokyo\"",
        "touch.buffer: expected a positive number of points, got -1",
        "touch.cooldown_seconds: expected whole seconds from 0 to 3600, got 2.5",
        "touch.breakout_minutes: expected whole minutes from 1 to 390, got 0",
        "atm.step: expected a positive number of points, got \"abc\"",
        "atm.reselect_trigger: expected price_move, got \"always\"",
        "oi.strike_range: expected a positive number of points, got 0",
        "oi.expirations[1]: 0DTE is listed twice",
        "oi.expirations[2]: expected \"<n>DTE\" with n from 0 to 30, got \"XDTE\"",
        "oi.snapshots[1]: 23:00 is outside the trade date 02:15-22:00",
        "oi.snapshots[2]: expected a time of day like \"15:30\", got \"1000\"",
        "ranges.morning.reference: expected vwap_es or spx_open_projected, got \"vwap\"",
        "ranges.morning: 02:15-23:30 must run forward within the trade date 02:15-22:00",
        "iv_rv.windows[1]: window name \"Bad\" must match [a-z][a-z0-9_]*",
        "iv_rv.windows[2]: expected one `name: \"HH:MM-HH:MM\"` pair",
        "iv_rv.windows: a `full` window is required (it delimits a trade date's bars)",
        "iv_rv.percentiles[1]: 60 is listed twice",
        "iv_rv.percentiles[2]: expected a number of trade dates ≥ 1 or \"full\", got 0",
        "iv_rv.percentiles[3]: expected a number of trade dates ≥ 1 or \"full\", got \"all\"",
        "versioning.model_version: expected 1–100 printable ASCII characters, got \"\"",
        "versioning.config_hash: expected auto or 64 hex digits (SHA-256), got \"nope\"",
        "trade_date.previous_session: 00:00-03:00 must not wrap past midnight and must end before the trade date's start 02:15",
    ];
    for e in expected {
        assert!(
            problems.iter().any(|p| p == e),
            "missing {e:?} in {problems:#?}"
        );
    }
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
}

#[test]
fn windows_must_lie_in_full_and_unknown_keys_fail() {
    let problems =
        parse("iv_rv: { windows: [ { full: \"02:15-22:00\" }, { overnight: \"22:00-09:30\" } ] }")
            .unwrap_err();
    assert_eq!(
        problems,
        ["iv_rv.windows.overnight: 22:00-09:30 lies outside the full window 02:15-22:00"]
    );
    let problems = parse("touch: { bufer: 0.5 }").unwrap_err();
    assert!(
        problems[0].contains("unknown field `bufer`"),
        "{problems:?}"
    );
}

#[test]
fn numbers_and_times_are_type_checked() {
    let problems = parse("trade_date: { start: 215 }\ntouch: { buffer: \"0.25\" }").unwrap_err();
    assert_eq!(
        problems,
        [
            "trade_date.start: expected a time of day like \"15:30\" (quoted), got 215",
            "touch.buffer: expected a positive number of points, got \"0.25\"",
        ]
    );
}

#[test]
fn unquoted_times_and_ranges_read_as_text() {
    let c = parse("trade_date: { start: 02:15, end: 22:00 }\noi: { snapshots: [10:00] }").unwrap();
    assert_eq!(c.trade_date.start.to_string(), "02:15");
    assert_eq!(c.oi.snapshots, [ConfigTime::hm(10, 0)]);
}
