//! `config.yaml`: parsing, validation, the Zurich → New York rule, canonical form and hash.

use std::path::{Path, PathBuf};

use gammaflow_master::config::{ConfigTime, ConfigZone, MasterConfig, PercentileWindow, TimeRange};
use gammaflow_model::calendar;
use gammaflow_model::session::{from_new_york, to_zurich, trade_date_window};
use jiff::civil::{Date, Time, date, time};
use proptest::prelude::*;

/// The spec's §4.1 file verbatim (Windows paths and all).
const SPEC_CONFIG: &str = r#"timezone: Europe/Zurich
trade_date:
  start: "02:15"
  end: "22:00"
  previous_session: "00:00-02:14"

paths:
  opra: "C:\\Users\\annal\\Desktop\\OPRA"
  gex: "C:\\Users\\annal\\Desktop\\GEX\\quant-historical\\data\\ES_SPX\\ES_SPX"
  output: "C:\\Users\\annal\\Desktop\\DATA"

ranges:
  morning:
    reference: vwap_es
    end_time: "15:30"
  afternoon:
    reference: spx_open_projected
    start_time: "15:30"
    end_time: "22:00"

touch:
  buffer: 0.25
  cooldown_seconds: 30
  breakout_minutes: 5

atm:
  step: 5
  reselect_trigger: price_move

oi:
  strike_range: 100
  expirations: ["0DTE"]
  snapshots: ["02:15", "10:00", "15:30", "22:00"]

iv_rv:
  iv_source: opra
  rv_bars: 1m_external
  windows:
    - overnight: "22:00-09:30"
    - morning: "09:30-15:30"
    - afternoon: "15:30-22:00"
    - full: "22:00-22:00"
  percentiles: [60, 120, "full"]

versioning:
  model_version: "RANGE_ENGINE_v1"
  config_hash: auto  # SHA256
"#;

/// SHA-256 of the canonical form of the spec's configuration (= the defaults). Changing it means
/// every dataset built so far changes its `config_hash`: bump deliberately.
// v2 (gex.* keys added): was 2618f5769e19cbd8025a3b1afc3bc51906f1b8dfbd42f2be1b32e477ae47bd47 in v1.
const SPEC_HASH: &str = "99ffa3307cc2ac53277e91dfe474b5289a392b788a5c08eb309a30bed18351ad";

fn parse(text: &str) -> MasterConfig {
    MasterConfig::from_yaml(text, Path::new("/data/config.yaml")).unwrap()
}

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.yaml")
}

fn t(text: &str) -> ConfigTime {
    ConfigTime::parse(text).unwrap()
}

fn ny(d: Date, h: i8, m: i8) -> gammaflow_model::UnixNanos {
    from_new_york(d, time(h, m, 0, 0)).unwrap()
}

fn zurich_hm(ts: gammaflow_model::UnixNanos) -> (Date, Time) {
    let z = to_zurich(ts).unwrap();
    (z.date(), z.time())
}

#[test]
fn example_config_parses_with_paths_beside_the_file() {
    let path = example_path();
    let c = MasterConfig::load(&path).unwrap();
    let dir = path.parent().unwrap();
    assert_eq!(c.paths.base, dir);
    assert_eq!(
        c.paths.opra.as_deref(),
        Some(dir.join("./input/opra").as_path())
    );
    assert_eq!(
        c.paths.ib.as_deref(),
        Some(dir.join("./input/ib").as_path())
    );
    assert_eq!(c.paths.output, dir.join("./output"));
    assert_eq!(c.touch.buffer, 0.25);
    assert_eq!(
        c.oi.snapshots,
        [t("02:15"), t("10:00"), t("15:30"), t("22:00")]
    );
    // Same parameters as the spec's file and as the defaults: same hash, paths left out.
    assert_eq!(c.config_hash(), parse(SPEC_CONFIG).config_hash());
    assert_eq!(c.config_hash(), parse("").config_hash());
}

#[test]
fn spec_config_hash_is_pinned() {
    let c = parse(SPEC_CONFIG);
    assert_eq!(
        c.canonical(),
        "gammaflow-master config v2
atm.reselect_trigger=price_move
atm.step=5
gex.format=json
gex.ticker=ES_SPX
iv_rv.iv_source=opra
iv_rv.percentiles=60,120,full
iv_rv.rv_bars=1m_external
iv_rv.windows=overnight:22:00-09:30,morning:09:30-15:30,afternoon:15:30-22:00,full:22:00-22:00
oi.expirations=0DTE
oi.snapshots=02:15,10:00,15:30,22:00
oi.strike_range=100
ranges.afternoon.end_time=22:00
ranges.afternoon.reference=spx_open_projected
ranges.afternoon.start_time=15:30
ranges.morning.end_time=15:30
ranges.morning.reference=vwap_es
ranges.morning.start_time=02:15
timezone=Europe/Zurich
touch.breakout_minutes=5
touch.buffer=0.25
touch.cooldown_seconds=30
trade_date.end=22:00
trade_date.previous_session=00:00-02:14
trade_date.start=02:15
versioning.model_version=RANGE_ENGINE_v1
"
    );
    assert_eq!(c.config_hash(), SPEC_HASH);
    // Pinning the right hash validates; a wrong one is a problem naming both.
    let pinned = SPEC_CONFIG.replace("config_hash: auto", &format!("config_hash: {SPEC_HASH}"));
    assert_eq!(
        parse(&pinned).versioning.pinned_hash.as_deref(),
        Some(SPEC_HASH)
    );
    let wrong = SPEC_CONFIG.replace(
        "config_hash: auto",
        &format!("config_hash: {}", "0".repeat(64)),
    );
    let err = MasterConfig::from_yaml(&wrong, Path::new("c.yaml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!(
            "versioning.config_hash: the file pins {}",
            "0".repeat(64)
        )),
        "{err}"
    );
    assert!(err.contains(SPEC_HASH), "{err}");
}

#[test]
fn hash_ignores_layout_order_comments_and_spelling() {
    let reordered = r#"
# the same parameters, other order, flow style, other spellings
versioning: { config_hash: auto, model_version: RANGE_ENGINE_v1 }   # comment
iv_rv:
  percentiles: ["full", 120, 60]
  windows:
    - full: "22:00 - 22:00"
    - afternoon: "15:30-22:00:00"
    - morning: "9:30-15:30"
    - overnight: "22:00-09:30"
oi: { snapshots: ["22:00", "15:30", "10:00", "02:15"], expirations: ["0dte"], strike_range: 100.0 }
touch: { breakout_minutes: 5, cooldown_seconds: 30.0, buffer: 0.250 }
paths: { output: /somewhere/else }
timezone: "Europe/Zurich"
"#;
    assert_eq!(
        parse(reordered).config_hash(),
        parse(SPEC_CONFIG).config_hash()
    );
}

#[test]
fn hash_changes_with_every_parameter() {
    let base = parse(SPEC_CONFIG).config_hash();
    let edits = [
        ("buffer: 0.25", "buffer: 0.5"),
        ("cooldown_seconds: 30", "cooldown_seconds: 31"),
        ("breakout_minutes: 5", "breakout_minutes: 6"),
        ("step: 5", "step: 10"),
        ("strike_range: 100", "strike_range: 50"),
        ("\"10:00\", \"15:30\"", "\"10:30\", \"15:30\""),
        ("[\"0DTE\"]", "[\"0DTE\", \"1DTE\"]"),
        ("[60, 120, \"full\"]", "[60, \"full\"]"),
        ("morning: \"09:30-15:30\"", "morning: \"09:00-15:30\""),
        ("end: \"22:00\"\n  previous", "end: \"22:15\"\n  previous"),
        ("reference: vwap_es", "reference: spx_open_projected"),
        ("RANGE_ENGINE_v1", "RANGE_ENGINE_v2"),
        ("timezone: Europe/Zurich", "timezone: America/New_York"),
    ];
    let mut seen = vec![base];
    for (from, to) in edits {
        assert!(SPEC_CONFIG.contains(from), "{from}");
        let text = SPEC_CONFIG.replacen(from, to, 1);
        let c = MasterConfig::from_yaml(&text, Path::new("c.yaml"))
            .unwrap_or_else(|e| panic!("{to} should validate: {e}"));
        let h = c.config_hash();
        assert!(!seen.contains(&h), "{to} did not change the hash");
        seen.push(h);
    }
}

#[test]
fn problems_name_the_file_and_every_key() {
    let err = MasterConfig::from_yaml(
        "touch: { buffer: -1 }\natm: { step: 0 }",
        Path::new("cfg/config.yaml"),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "cfg/config.yaml: invalid configuration:\n  - touch.buffer: expected a positive number of points, got -1\n  - atm.step: expected a positive number of points, got 0"
    );
    let err = MasterConfig::load(Path::new("/nonexistent/config.yaml"))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("/nonexistent/config.yaml: "), "{err}");
}

/// Trade dates in the weeks when New York and Zurich are 5 hours apart instead of 6, and in
/// normal weeks of the same years.
const MISMATCH: [(i16, i8, i8); 6] = [
    (2024, 3, 12),  // US DST from 2024-03-10, EU from 03-31
    (2024, 10, 29), // EU back 2024-10-27, US 11-03
    (2025, 3, 11),  // US 2025-03-09, EU 03-30
    (2025, 10, 28), // EU 2025-10-26, US 11-02
    (2026, 3, 10),  // US 2026-03-08, EU 03-29
    (2026, 10, 27), // EU 2026-10-25, US 11-01
];
const NORMAL: [(i16, i8, i8); 6] = [
    (2024, 3, 5),
    (2024, 11, 5),
    (2025, 4, 1),
    (2025, 7, 15),
    (2026, 3, 3),
    (2026, 11, 3),
];

#[test]
fn mismatch_weeks_stay_on_the_new_york_session() {
    let c = parse(SPEC_CONFIG);
    let z = c.timezone;
    for (mismatch, days) in [(true, MISMATCH), (false, NORMAL)] {
        for (y, m, d) in days {
            let d = date(y, m, d);
            let shown = |h: i8, min: i8| {
                if mismatch {
                    time(h - 1, min, 0, 0)
                } else {
                    time(h, min, 0, 0)
                }
            };
            // The afternoon start 15:30 is the 09:30 ET cash open: 14:30 Zurich in a mismatch week.
            let open = z
                .session_instant(d, c.ranges.afternoon.window.start)
                .unwrap();
            assert_eq!(open, ny(d, 9, 30), "{d}");
            assert_eq!(zurich_hm(open), (d, shown(15, 30)), "{d}");
            // The trade date is the model's window: 20:15 ET the day before to the close.
            let window = trade_date_window(d).unwrap();
            let (from, to) = c.trade_date_bounds(d).unwrap();
            assert_eq!((from, to), (window.open, window.close), "{d}");
            assert_eq!(zurich_hm(from), (d, shown(2, 15)), "{d}");
            assert_eq!(zurich_hm(to), (d, shown(22, 0)), "{d}");
            // The snapshots.
            let snaps = c.snapshot_instants(d).unwrap();
            let prev = calendar::previous_trading_day(d).unwrap();
            let cal_prev = d.yesterday().unwrap();
            assert_eq!(
                snaps,
                [
                    ny(cal_prev, 20, 15),
                    ny(d, 4, 0),
                    ny(d, 9, 30),
                    ny(d, 16, 0)
                ],
                "{d}"
            );
            // The volatility windows.
            let bounds = |name: &str| c.iv_rv.window(name).unwrap().range.bounds(z, d).unwrap();
            assert_eq!(bounds("overnight"), (ny(prev, 16, 0), ny(d, 3, 30)), "{d}");
            assert_eq!(bounds("morning"), (ny(d, 3, 30), ny(d, 9, 30)), "{d}");
            assert_eq!(bounds("afternoon"), (ny(d, 9, 30), window.close), "{d}");
            assert_eq!(bounds("full"), (ny(prev, 16, 0), window.close), "{d}");
        }
    }
}

#[test]
fn trade_date_matches_the_model_window_every_day_2024_to_2026() {
    let c = parse("");
    let days = calendar::trading_days(date(2024, 1, 1), date(2026, 12, 31)).unwrap();
    assert!(days.len() > 740);
    for d in days {
        let w = trade_date_window(d).unwrap();
        assert_eq!(c.trade_date_bounds(d).unwrap(), (w.open, w.close), "{d}");
        // Consecutive full windows tile time (no gap, no overlap), over weekends and holidays.
        let full = c.iv_rv.full();
        let next = calendar::next_trading_day(d).unwrap();
        assert_eq!(
            full.bounds(c.timezone, d).unwrap().1,
            full.bounds(c.timezone, next).unwrap().0,
            "{d}"
        );
    }
}

#[test]
fn early_close_days_end_at_13_00_new_york() {
    let c = parse("");
    for d in [
        date(2024, 11, 29),
        date(2025, 7, 3),
        date(2026, 11, 27),
        date(2025, 12, 24),
    ] {
        let close = ny(d, 13, 0);
        assert_eq!(c.trade_date_bounds(d).unwrap().1, close, "{d}");
        assert_eq!(c.snapshot_instants(d).unwrap()[3], close, "{d}");
        let next = calendar::next_trading_day(d).unwrap();
        let overnight = c
            .iv_rv
            .window("overnight")
            .unwrap()
            .range
            .bounds(c.timezone, next)
            .unwrap();
        assert_eq!(overnight.0, close, "{next}");
    }
}

#[test]
fn new_york_timezone_reads_times_as_they_are() {
    let c = parse(
        "timezone: America/New_York\ntrade_date: { start: \"00:30\", end: \"16:00\", previous_session: \"00:00-00:29\" }\nranges: { morning: { end_time: \"09:30\" }, afternoon: { start_time: \"09:30\", end_time: \"16:00\" } }\noi: { snapshots: [\"09:30\"] }\niv_rv: { windows: [ { full: \"16:00-16:00\" } ] }",
    );
    assert_eq!(c.timezone, ConfigZone::NewYork);
    let d = date(2026, 3, 10);
    assert_eq!(c.snapshot_instants(d).unwrap(), [ny(d, 9, 30)]);
    assert_eq!(
        c.iv_rv.percentiles,
        [
            PercentileWindow::Last(60),
            PercentileWindow::Last(120),
            PercentileWindow::Full
        ]
    );
}

proptest! {
    #[test]
    fn times_round_trip(h in 0u32..24, m in 0u32..60, s in 0u32..60) {
        let text = format!("{h:02}:{m:02}:{s:02}");
        let parsed = ConfigTime::parse(&text).unwrap();
        prop_assert_eq!(parsed.seconds(), h * 3600 + m * 60 + s);
        prop_assert_eq!(ConfigTime::parse(&parsed.to_string()).unwrap(), parsed);
    }

    #[test]
    fn time_parser_never_panics(text in "\\PC{0,12}") {
        let _ = ConfigTime::parse(&text);
        let _ = TimeRange::parse(&text);
    }

    #[test]
    fn window_list_order_does_not_change_the_hash(perm in Just(vec![0usize, 1, 2, 3]).prop_shuffle()) {
        let windows = ["overnight: \"22:00-09:30\"", "morning: \"09:30-15:30\"", "afternoon: \"15:30-22:00\"", "full: \"22:00-22:00\""];
        let list: Vec<String> = perm.iter().map(|i| format!("    - {}", windows[*i])).collect();
        let text = format!("iv_rv:\n  windows:\n{}\n", list.join("\n"));
        prop_assert_eq!(parse(&text).config_hash(), parse("").config_hash());
    }
}
