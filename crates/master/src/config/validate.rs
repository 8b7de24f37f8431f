//! Raw → typed, collecting every problem (each message starts with its key). The defaults are
//! the spec's values (table in the [module documentation](super)).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::raw::{RawConfig, RawRange, Scalar};
use super::{
    AtmConfig, ConfigTime, ConfigZone, FULL_WINDOW, GexConfig, IvRvConfig, IvSource, MasterConfig,
    NamedWindow, OiConfig, PathsConfig, PercentileWindow, RangeReference, RangeWindowConfig,
    RangesConfig, ReselectTrigger, RvBars, TimeRange, TouchConfig, TradeDateConfig,
    VersioningConfig,
};

/// `trade_date.start` default: 02:15 (20:15 ET the calendar day before).
pub(super) const DEFAULT_START: ConfigTime = ConfigTime::hm(2, 15);
/// `trade_date.end` default: 22:00 (the cash close).
pub(super) const DEFAULT_END: ConfigTime = ConfigTime::hm(22, 0);
/// The cash open on the configured clock: 15:30 (09:30 ET).
pub(super) const DEFAULT_CASH_OPEN: ConfigTime = ConfigTime::hm(15, 30);
/// `iv_rv.windows.full` default: 22:00-22:00.
pub(super) const DEFAULT_FULL: TimeRange = TimeRange {
    start: DEFAULT_END,
    end: DEFAULT_END,
};
/// `iv_rv.windows` default.
const DEFAULT_WINDOWS: [(&str, TimeRange); 4] = [
    (
        "overnight",
        TimeRange {
            start: DEFAULT_END,
            end: ConfigTime::hm(9, 30),
        },
    ),
    (
        "morning",
        TimeRange {
            start: ConfigTime::hm(9, 30),
            end: DEFAULT_CASH_OPEN,
        },
    ),
    (
        "afternoon",
        TimeRange {
            start: DEFAULT_CASH_OPEN,
            end: DEFAULT_END,
        },
    ),
    (FULL_WINDOW, DEFAULT_FULL),
];
/// `versioning.model_version` default.
const DEFAULT_MODEL_VERSION: &str = "RANGE_ENGINE_v1";

/// Collects problems while reading values.
struct Check {
    problems: Vec<String>,
}

impl Check {
    fn push(&mut self, key: &str, message: impl std::fmt::Display) {
        self.problems.push(format!("{key}: {message}"));
    }

    /// Text value, or the problem "expected {what}".
    fn text<'a>(&mut self, key: &str, v: &'a Option<Scalar>, what: &str) -> Option<&'a str> {
        match v {
            None => None,
            Some(Scalar::Text(t)) => Some(t.as_str()),
            Some(other) => {
                self.push(key, format!("expected {what}, got {other}"));
                None
            }
        }
    }

    /// One of `allowed` (returns its index), default index 0 when missing or wrong.
    fn choice(&mut self, key: &str, v: &Option<Scalar>, allowed: &[&str], default: usize) -> usize {
        let what = allowed.join(" or ");
        match self.text(key, v, &what) {
            None => default,
            Some(t) => allowed.iter().position(|a| *a == t).unwrap_or_else(|| {
                self.push(key, format!("expected {what}, got {t:?}"));
                default
            }),
        }
    }

    /// A finite number > 0.
    fn positive(&mut self, key: &str, v: &Option<Scalar>, default: f64, what: &str) -> f64 {
        match v {
            None => default,
            Some(Scalar::Number(x)) if x.is_finite() && *x > 0.0 => *x,
            Some(other) => {
                self.push(
                    key,
                    format!("expected a positive number of {what}, got {other}"),
                );
                default
            }
        }
    }

    /// A whole number within `min..=max`.
    fn whole(
        &mut self,
        key: &str,
        v: &Option<Scalar>,
        default: u32,
        min: u32,
        max: u32,
        what: &str,
    ) -> u32 {
        match v {
            None => default,
            Some(Scalar::Number(x))
                if x.fract() == 0.0 && *x >= f64::from(min) && *x <= f64::from(max) =>
            {
                *x as u32
            }
            Some(other) => {
                self.push(
                    key,
                    format!("expected whole {what} from {min} to {max}, got {other}"),
                );
                default
            }
        }
    }

    fn time(&mut self, key: &str, v: &Option<Scalar>, default: ConfigTime) -> ConfigTime {
        let what = "a time of day like \"15:30\" (quoted)";
        match self.text(key, v, what).map(ConfigTime::parse) {
            None => default,
            Some(Ok(t)) => t,
            Some(Err(e)) => {
                self.push(key, e);
                default
            }
        }
    }

    fn range(&mut self, key: &str, v: &Option<Scalar>, default: TimeRange) -> TimeRange {
        let what = "a range of times like \"09:30-15:30\" (quoted)";
        match self.text(key, v, what).map(TimeRange::parse) {
            None => default,
            Some(Ok(r)) => r,
            Some(Err(e)) => {
                self.push(key, e);
                default
            }
        }
    }

    fn path(&mut self, key: &str, v: &Option<Scalar>, base: &Path) -> Option<PathBuf> {
        let t = self.text(key, v, "a path")?;
        if t.trim().is_empty() {
            self.push(key, "expected a path, got an empty text");
            return None;
        }
        let p = Path::new(t);
        Some(if p.is_absolute() {
            p.to_path_buf()
        } else {
            base.join(p)
        })
    }
}

/// Validates `raw`; relative paths are joined to `base`.
pub(super) fn validate(raw: &RawConfig, base: &Path) -> Result<MasterConfig, Vec<String>> {
    let mut c = Check {
        problems: Vec::new(),
    };
    let timezone = match c.text("timezone", &raw.timezone, "a time-zone name") {
        None => ConfigZone::Zurich,
        Some(name) => ConfigZone::parse(name).unwrap_or_else(|| {
            c.push(
                "timezone",
                format!("expected Europe/Zurich or America/New_York, got {name:?}"),
            );
            ConfigZone::Zurich
        }),
    };
    let trade_date = validate_trade_date(raw, &mut c);
    let p = &raw.paths;
    let paths = PathsConfig {
        base: base.to_path_buf(),
        opra: c.path("paths.opra", &p.opra, base),
        gex: c.path("paths.gex", &p.gex, base),
        es: c.path("paths.es", &p.es, base),
        ib: c.path("paths.ib", &p.ib, base),
        output: c
            .path("paths.output", &p.output, base)
            .unwrap_or_else(|| base.join("output")),
    };
    let day = trade_date.range();
    let ranges = RangesConfig {
        morning: range_window(
            "ranges.morning",
            &raw.ranges.morning,
            (RangeReference::VwapEs, trade_date.start, DEFAULT_CASH_OPEN),
            day,
            &mut c,
        ),
        afternoon: range_window(
            "ranges.afternoon",
            &raw.ranges.afternoon,
            (
                RangeReference::SpxOpenProjected,
                DEFAULT_CASH_OPEN,
                trade_date.end,
            ),
            day,
            &mut c,
        ),
    };
    let t = &raw.touch;
    let touch = TouchConfig {
        buffer: c.positive("touch.buffer", &t.buffer, 0.25, "points"),
        cooldown_seconds: c.whole(
            "touch.cooldown_seconds",
            &t.cooldown_seconds,
            30,
            0,
            3600,
            "seconds",
        ),
        breakout_minutes: c.whole(
            "touch.breakout_minutes",
            &t.breakout_minutes,
            5,
            1,
            390,
            "minutes",
        ),
    };
    let atm = AtmConfig {
        step: c.positive("atm.step", &raw.atm.step, 5.0, "points"),
        reselect_trigger: {
            c.choice(
                "atm.reselect_trigger",
                &raw.atm.reselect_trigger,
                &["price_move"],
                0,
            );
            ReselectTrigger::PriceMove
        },
    };
    let oi = validate_oi(raw, day, &mut c);
    let iv_rv = validate_iv_rv(raw, &mut c);
    let versioning = validate_versioning(raw, &mut c);
    let gex = validate_gex(raw, &mut c);
    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    let config = MasterConfig {
        timezone,
        trade_date,
        paths,
        ranges,
        touch,
        atm,
        oi,
        iv_rv,
        versioning,
        gex,
    };
    if let Some(pinned) = &config.versioning.pinned_hash {
        let actual = config.config_hash();
        if *pinned != actual {
            return Err(vec![format!(
                "versioning.config_hash: the file pins {pinned}, but the configuration hashes to {actual} (write `auto` or the new hash)"
            )]);
        }
    }
    Ok(config)
}

fn validate_trade_date(raw: &RawConfig, c: &mut Check) -> TradeDateConfig {
    let t = &raw.trade_date;
    let mut start = c.time("trade_date.start", &t.start, DEFAULT_START);
    let mut end = c.time("trade_date.end", &t.end, DEFAULT_END);
    if start >= end {
        c.push(
            "trade_date",
            format!("start {start} must come before end {end} on the same day"),
        );
        (start, end) = (DEFAULT_START, DEFAULT_END);
    }
    let default_previous = TimeRange {
        start: ConfigTime::hm(0, 0),
        end: ConfigTime::hm(2, 14),
    };
    let previous_session = c.range(
        "trade_date.previous_session",
        &t.previous_session,
        default_previous,
    );
    if previous_session.wraps() || previous_session.end >= start {
        c.push(
            "trade_date.previous_session",
            format!("{previous_session} must not wrap past midnight and must end before the trade date's start {start}"),
        );
    }
    TradeDateConfig {
        start,
        end,
        previous_session,
    }
}

fn range_window(
    key: &str,
    raw: &RawRange,
    (reference, start, end): (RangeReference, ConfigTime, ConfigTime),
    day: TimeRange,
    c: &mut Check,
) -> RangeWindowConfig {
    let names = [
        RangeReference::VwapEs.name(),
        RangeReference::SpxOpenProjected.name(),
    ];
    let default = usize::from(reference == RangeReference::SpxOpenProjected);
    let reference = match c.choice(&format!("{key}.reference"), &raw.reference, &names, default) {
        0 => RangeReference::VwapEs,
        _ => RangeReference::SpxOpenProjected,
    };
    let window = TimeRange {
        start: c.time(&format!("{key}.start_time"), &raw.start_time, start),
        end: c.time(&format!("{key}.end_time"), &raw.end_time, end),
    };
    if window.wraps() || !day.contains(window) {
        c.push(
            key,
            format!("{window} must run forward within the trade date {day}"),
        );
    }
    RangeWindowConfig { reference, window }
}

fn validate_oi(raw: &RawConfig, day: TimeRange, c: &mut Check) -> OiConfig {
    let o = &raw.oi;
    let strike_range = c.positive("oi.strike_range", &o.strike_range, 100.0, "points");
    let mut expirations = BTreeSet::new();
    for (i, v) in o.expirations.as_deref().unwrap_or(&[]).iter().enumerate() {
        let key = format!("oi.expirations[{i}]");
        let parsed = match v {
            Scalar::Text(t) => t
                .to_ascii_uppercase()
                .strip_suffix("DTE")
                .and_then(|n| n.parse::<u32>().ok())
                .filter(|n| *n <= 30),
            _ => None,
        };
        match parsed {
            Some(n) if !expirations.insert(n) => c.push(&key, format!("{n}DTE is listed twice")),
            Some(_) => {}
            None => c.push(
                &key,
                format!("expected \"<n>DTE\" with n from 0 to 30, got {v}"),
            ),
        }
    }
    match &o.expirations {
        None => {
            expirations.insert(0);
        }
        Some(list) if list.is_empty() => c.push("oi.expirations", "expected at least one expiry"),
        Some(_) => {}
    }
    let mut snapshots = BTreeSet::new();
    let defaults = [
        DEFAULT_START,
        ConfigTime::hm(10, 0),
        DEFAULT_CASH_OPEN,
        DEFAULT_END,
    ];
    match &o.snapshots {
        None => snapshots.extend(
            defaults
                .iter()
                .copied()
                .filter(|t| *t >= day.start && *t <= day.end),
        ),
        Some(list) if list.is_empty() => c.push("oi.snapshots", "expected at least one time"),
        Some(list) => {
            for (i, v) in list.iter().enumerate() {
                let key = format!("oi.snapshots[{i}]");
                let t = c.time(&key, &Some(v.clone()), DEFAULT_START);
                if t < day.start || t > day.end {
                    c.push(&key, format!("{t} is outside the trade date {day}"));
                } else if !snapshots.insert(t) {
                    c.push(&key, format!("{t} is listed twice"));
                }
            }
        }
    }
    OiConfig {
        strike_range,
        expirations: expirations.into_iter().collect(),
        snapshots: snapshots.into_iter().collect(),
    }
}

fn validate_iv_rv(raw: &RawConfig, c: &mut Check) -> IvRvConfig {
    let r = &raw.iv_rv;
    c.choice("iv_rv.iv_source", &r.iv_source, &["opra"], 0);
    c.choice("iv_rv.rv_bars", &r.rv_bars, &["1m_external"], 0);
    let mut windows: Vec<NamedWindow> = Vec::new();
    match &r.windows {
        None => windows.extend(DEFAULT_WINDOWS.iter().map(|(name, range)| NamedWindow {
            name: (*name).to_owned(),
            range: *range,
        })),
        Some(list) => {
            for (i, entry) in list.iter().enumerate() {
                let key = format!("iv_rv.windows[{i}]");
                let mut items = entry.iter();
                let (Some((name, value)), None) = (items.next(), items.next()) else {
                    c.push(&key, "expected one `name: \"HH:MM-HH:MM\"` pair");
                    continue;
                };
                let valid_name = name.starts_with(|ch: char| ch.is_ascii_lowercase())
                    && name
                        .chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
                if !valid_name {
                    c.push(
                        &key,
                        format!("window name {name:?} must match [a-z][a-z0-9_]*"),
                    );
                    continue;
                }
                let key = format!("iv_rv.windows.{name}");
                let range = c.range(&key, &Some(value.clone()), DEFAULT_FULL);
                if windows.iter().any(|w| w.name == *name) {
                    c.push(&key, "listed twice");
                    continue;
                }
                windows.push(NamedWindow {
                    name: name.clone(),
                    range,
                });
            }
        }
    }
    match windows
        .iter()
        .find(|w| w.name == FULL_WINDOW)
        .map(|w| w.range)
    {
        None => c.push(
            "iv_rv.windows",
            "a `full` window is required (it delimits a trade date's bars)",
        ),
        Some(full) => {
            for w in windows.iter().filter(|w| !full.contains(w.range)) {
                c.push(
                    &format!("iv_rv.windows.{}", w.name),
                    format!("{} lies outside the full window {full}", w.range),
                );
            }
        }
    }
    windows.sort_by_key(|w| (w.name == FULL_WINDOW, w.range.offsets(), w.name.clone()));
    let mut percentiles = BTreeSet::new();
    match &r.percentiles {
        None => percentiles.extend([
            PercentileWindow::Last(60),
            PercentileWindow::Last(120),
            PercentileWindow::Full,
        ]),
        Some(list) if list.is_empty() => {
            c.push("iv_rv.percentiles", "expected at least one history")
        }
        Some(list) => {
            for (i, v) in list.iter().enumerate() {
                let key = format!("iv_rv.percentiles[{i}]");
                let p = match v {
                    Scalar::Number(x) if x.fract() == 0.0 && *x >= 1.0 && *x <= 100_000.0 => {
                        Some(PercentileWindow::Last(*x as usize))
                    }
                    Scalar::Text(t) if t == "full" => Some(PercentileWindow::Full),
                    _ => None,
                };
                match p {
                    None => c.push(
                        &key,
                        format!("expected a number of trade dates ≥ 1 or \"full\", got {v}"),
                    ),
                    Some(p) if !percentiles.insert(p) => {
                        c.push(&key, format!("{p} is listed twice"))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    IvRvConfig {
        iv_source: IvSource::Opra,
        rv_bars: RvBars::External1m,
        windows,
        percentiles: percentiles.into_iter().collect(),
    }
}

fn validate_versioning(raw: &RawConfig, c: &mut Check) -> VersioningConfig {
    let v = &raw.versioning;
    let model_version = match c.text("versioning.model_version", &v.model_version, "text") {
        None => DEFAULT_MODEL_VERSION.to_owned(),
        Some(t)
            if !t.is_empty()
                && t.len() <= 100
                && t.bytes().all(|b| b.is_ascii_graphic() || b == b' ') =>
        {
            t.to_owned()
        }
        Some(t) => {
            c.push(
                "versioning.model_version",
                format!("expected 1–100 printable ASCII characters, got {t:?}"),
            );
            DEFAULT_MODEL_VERSION.to_owned()
        }
    };
    let pinned_hash = match c.text(
        "versioning.config_hash",
        &v.config_hash,
        "auto or a SHA-256",
    ) {
        None | Some("auto") => None,
        Some(h) if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Some(h.to_ascii_lowercase())
        }
        Some(h) => {
            c.push(
                "versioning.config_hash",
                format!("expected auto or 64 hex digits (SHA-256), got {h:?}"),
            );
            None
        }
    };
    VersioningConfig {
        model_version,
        pinned_hash,
    }
}

fn validate_gex(raw: &RawConfig, c: &mut Check) -> GexConfig {
    use crate::loaders::gexbot::{
        DEFAULT_TICKER, GexCsvMapping, GexField, GexFormat, TimestampFormat,
    };
    let g = &raw.gex;
    let format = match c.choice("gex.format", &g.format, &["json", "csv"], 0) {
        0 => GexFormat::Json,
        _ => GexFormat::Csv,
    };
    let ticker = match c.text("gex.ticker", &g.ticker, "a GEXBot ticker like ES_SPX") {
        None => DEFAULT_TICKER.to_owned(),
        Some(t)
            if (2..=10).contains(&t.len())
                && t.starts_with(|ch: char| ch.is_ascii_uppercase())
                && t.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_') =>
        {
            t.to_owned()
        }
        Some(t) => {
            c.push(
                "gex.ticker",
                format!("expected a GEXBot ticker like ES_SPX or SPX (2–10 capital letters, digits, _), got {t:?}"),
            );
            DEFAULT_TICKER.to_owned()
        }
    };
    let mut csv = GexCsvMapping::default();
    let names: Vec<&str> = GexField::ALL.iter().map(|f| f.name()).collect();
    for (key, value) in g.csv_columns.iter().flatten() {
        let k = format!("gex.csv_columns.{key}");
        let Some(field) = GexField::parse(key) else {
            c.push(
                &k,
                format!("unknown field; expected one of {}", names.join(", ")),
            );
            continue;
        };
        match value {
            Scalar::Text(col) if !col.trim().is_empty() && !col.contains(['\n', '\r']) => {
                *csv.column_mut(field) = col.trim().to_owned();
            }
            other => c.push(&k, format!("expected a column name, got {other}")),
        }
    }
    let mut seen: BTreeMap<&str, GexField> = BTreeMap::new();
    for field in GexField::ALL {
        let col = csv.column(field);
        if let Some(first) = seen.insert(col, field) {
            c.push(
                &format!("gex.csv_columns.{}", field.name()),
                format!("column {col:?} is also the column of `{}`", first.name()),
            );
        }
    }
    let formats: Vec<&str> = TimestampFormat::ALL.iter().map(|f| f.name()).collect();
    let default = formats
        .iter()
        .position(|f| *f == TimestampFormat::default().name())
        .unwrap_or(0);
    let i = c.choice("gex.csv_timestamp", &g.csv_timestamp, &formats, default);
    csv.timestamp_format = TimestampFormat::ALL.get(i).copied().unwrap_or_default();
    GexConfig {
        format,
        ticker,
        csv,
    }
}
