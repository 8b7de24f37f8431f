//! `gammaflow serve`'s configuration: a YAML file, environment overrides, command-line
//! overrides, then one validation that lists **every** problem at once.
//!
//! Each setting has a dotted key (`http.bind`, `lake.dir`, …). The file sets them in nested form;
//! the environment variable `GAMMAFLOW_` + the key in upper case with `.` → `_` overrides the
//! file (`GAMMAFLOW_HTTP_BIND=0.0.0.0:8000`, `GAMMAFLOW_HTTP_TOKEN=…`); the command line
//! overrides both. Unknown keys in the file are errors (a typo must not be silently ignored).
//!
//! ```yaml
//! source:
//!   kind: sim            # sim | polygon | replay
//!   speed: 1             # max, or a factor of real time
//!   pace_from: "09:30"   # New York time; earlier events are released at once (sim, replay)
//!   until: null          # New York time at which the source is stopped (the desk keeps serving)
//!   date: null           # sim: trade date (default: the last trading day in New York)
//!   days: 1              # sim: calendar days
//!   seed: 20250609       # sim: PRNG seed
//!   activity: 0.25       # sim: fraction of the real market's trade count
//!   files: []            # replay: Databento files
//!   delayed: false       # polygon: 15-minute delayed feed
//! products: [spxw, spxw+1, spxw+2, spy]  # spxw | spy | es; `spxw+1`: the first SPXW expiry after the 0DTE one
//! window: 3              # strikes on each side of the money
//! rate: 0.043            # risk-free rate for the Greeks
//! exposure_interval_ms: 1000
//! lake:
//!   dir: data            # null: do not store prints
//!   flush_rows: 5000
//!   flush_seconds: 60
//!   fsync: every_ms:1000 # always | never | every_ms:N
//!   resume: true         # skip prints already stored by an earlier run of the same replay
//! http:
//!   bind: 127.0.0.1:8000
//!   token: null          # required when bind is not a loopback address
//!   throttle_ms: 250     # 100–1000
//!   web_dir: web/dist/gammaflow/browser  # none: no dashboard
//! log:
//!   format: human        # human | json
//!   level: info          # a tracing filter, e.g. `info,gammaflow_server=debug`
//! events:
//!   file: null           # macro calendar YAML (see `crate::events`); null: the built-in one; none: no events
//! ```

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use gammaflow_engine::pipeline::{EngineConfig, ProductConfig};
use gammaflow_sources::pacing::Pacing;
use gammaflow_store::{FsyncPolicy, LakeConfig};
use jiff::civil::{Date, Time};
use serde::Deserialize;

use crate::desk::{DeskConfig, DeskLake};
use crate::events::Calendar;
use crate::state::HttpConfig;

/// Prefix of the environment overrides.
pub const ENV_PREFIX: &str = "GAMMAFLOW_";

/// The settings as written: every value optional, checked later by [`RawConfig::validate`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawConfig {
    /// `source.*`.
    pub source: RawSource,
    /// `products`.
    pub products: Option<Vec<String>>,
    /// `window`.
    pub window: Option<u32>,
    /// `rate`.
    pub rate: Option<f64>,
    /// `exposure_interval_ms`.
    pub exposure_interval_ms: Option<u64>,
    /// `lake.*`.
    pub lake: RawLake,
    /// `http.*`.
    pub http: RawHttp,
    /// `log.*`.
    pub log: RawLog,
    /// `events.*`.
    pub events: RawEvents,
}

/// `source.*` as written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSource {
    /// `sim`, `polygon` or `replay`.
    pub kind: Option<String>,
    /// `max` or a positive number.
    pub speed: Option<Scalar>,
    /// New York time.
    pub pace_from: Option<String>,
    /// New York time.
    pub until: Option<String>,
    /// ISO date.
    pub date: Option<String>,
    /// Calendar days.
    pub days: Option<u32>,
    /// PRNG seed.
    pub seed: Option<u64>,
    /// Simulated share of the real trade count.
    pub activity: Option<f64>,
    /// Replay files.
    pub files: Option<Vec<PathBuf>>,
    /// Polygon delayed feed.
    pub delayed: Option<bool>,
}

/// A YAML scalar that may be written as a number or as text (`speed: 60`, `speed: max`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    /// A number.
    Number(f64),
    /// Text.
    Text(String),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Number(x) => write!(f, "{x}"),
            Self::Text(t) => f.write_str(t),
        }
    }
}

/// `lake.*` as written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawLake {
    /// Lake root; `none` disables the lake.
    pub dir: Option<String>,
    /// Rows per flush.
    pub flush_rows: Option<usize>,
    /// Seconds per flush.
    pub flush_seconds: Option<u64>,
    /// `always`, `never`, `every_ms:N`.
    pub fsync: Option<String>,
    /// Resume a replayed day.
    pub resume: Option<bool>,
}

/// `http.*` as written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawHttp {
    /// `host:port`.
    pub bind: Option<String>,
    /// Bearer token.
    pub token: Option<String>,
    /// WebSocket throttle.
    pub throttle_ms: Option<u64>,
    /// Dashboard files.
    pub web_dir: Option<PathBuf>,
}

/// `log.*` as written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawLog {
    /// `human` or `json`.
    pub format: Option<String>,
    /// A tracing filter.
    pub level: Option<String>,
}

/// `events.*` as written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawEvents {
    /// The calendar file; `none`: no events; absent: the built-in calendar.
    pub file: Option<String>,
}

/// The data source to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// The built-in market simulator.
    Sim,
    /// Polygon/Massive WebSocket and REST (needs `POLYGON_API_KEY` or `MASSIVE_API_KEY`).
    Polygon,
    /// Databento files.
    Replay,
}

/// The validated source settings (the binary opens the source from them).
#[derive(Debug, Clone, PartialEq)]
pub struct SourceSettings {
    /// Which source.
    pub kind: SourceKind,
    /// Release speed (sim and replay).
    pub speed: Pacing,
    /// New York time of the first day from which events are paced.
    pub pace_from: Option<Time>,
    /// New York time of the first day at which the source is stopped.
    pub until: Option<Time>,
    /// Simulator trade date (`None`: the binary picks the last trading day).
    pub date: Option<Date>,
    /// Simulator days.
    pub days: u32,
    /// Simulator seed.
    pub seed: u64,
    /// Simulator activity.
    pub activity: f64,
    /// Replay files.
    pub files: Vec<PathBuf>,
    /// Polygon delayed feed.
    pub delayed: bool,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Human,
    /// One JSON object per line.
    Json,
}

/// The validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ServeConfig {
    /// The source.
    pub source: SourceSettings,
    /// The desk (engine, lake, publishing).
    pub desk: DeskConfig,
    /// The HTTP side.
    pub http: HttpConfig,
    /// Log format.
    pub log_format: LogFormat,
    /// Log filter.
    pub log_level: String,
    /// The macro events calendar (`GET /api/events`), read and validated.
    pub events: Calendar,
}

/// Why the configuration cannot be used: every problem found, each naming its key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration{}:\n  - {}", origin(.file), .problems.join("\n  - "))]
pub struct ConfigError {
    /// The file read, if any.
    pub file: Option<PathBuf>,
    /// One line per problem.
    pub problems: Vec<String>,
}

fn origin(file: &Option<PathBuf>) -> String {
    file.as_ref()
        .map(|f| format!(" (file {})", f.display()))
        .unwrap_or_default()
}

/// Every settable key, in the order of the documentation.
pub const KEYS: [&str; 24] = [
    "source.kind",
    "source.speed",
    "source.pace_from",
    "source.until",
    "source.date",
    "source.days",
    "source.seed",
    "source.activity",
    "source.files",
    "source.delayed",
    "products",
    "window",
    "rate",
    "exposure_interval_ms",
    "lake.dir",
    "lake.flush_rows",
    "lake.flush_seconds",
    "lake.fsync",
    "lake.resume",
    "http.bind",
    "http.token",
    "http.throttle_ms",
    "http.web_dir",
    "events.file",
];

/// Products followed when `products` is not set: the SPXW 0DTE window and the next two SPXW
/// expiries (for the dashboard's term structure and open-interest heatmap), and SPY 0DTE.
pub const DEFAULT_PRODUCTS: [&str; 4] = ["spxw", "spxw+1", "spxw+2", "spy"];

/// The environment variable that overrides `key` (`http.bind` → `GAMMAFLOW_HTTP_BIND`).
pub fn env_name(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.replace('.', "_").to_ascii_uppercase())
}

impl RawConfig {
    /// Parses YAML text; `file` names it in errors.
    pub fn from_yaml(text: &str, file: &Path) -> Result<Self, ConfigError> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        serde_norway::from_str(text).map_err(|e| ConfigError {
            file: Some(file.to_path_buf()),
            problems: vec![e.to_string()],
        })
    }

    /// Applies the environment overrides found by `lookup` (the binary passes `std::env::var`),
    /// collecting problems into `problems`.
    pub fn apply_env(
        &mut self,
        lookup: impl Fn(&str) -> Option<String>,
        problems: &mut Vec<String>,
    ) {
        for key in KEYS.iter().chain(["log.format", "log.level"].iter()) {
            let name = env_name(key);
            if let Some(value) = lookup(&name)
                && let Err(e) = self.set(key, &value)
            {
                problems.push(format!("{name}: {e}"));
            }
        }
    }

    /// Sets one key from text (environment and command-line overrides).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let text = || Some(value.to_owned());
        let number = |what: &str| -> Result<u64, String> {
            value
                .parse::<u64>()
                .map_err(|_| format!("expected {what}, got {value:?}"))
        };
        let float = || -> Result<f64, String> {
            value
                .parse::<f64>()
                .map_err(|_| format!("expected a number, got {value:?}"))
        };
        let boolean = || -> Result<bool, String> {
            match value.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Ok(true),
                "false" | "0" | "no" => Ok(false),
                _ => Err(format!("expected true or false, got {value:?}")),
            }
        };
        let list = || -> Vec<String> {
            value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        match key {
            "source.kind" => self.source.kind = text(),
            "source.speed" => self.source.speed = Some(Scalar::Text(value.to_owned())),
            "source.pace_from" => self.source.pace_from = text(),
            "source.until" => self.source.until = text(),
            "source.date" => self.source.date = text(),
            "source.days" => self.source.days = Some(number("a number of days")? as u32),
            "source.seed" => self.source.seed = Some(number("a seed")?),
            "source.activity" => self.source.activity = Some(float()?),
            "source.files" => {
                self.source.files = Some(list().into_iter().map(PathBuf::from).collect())
            }
            "source.delayed" => self.source.delayed = Some(boolean()?),
            "products" => self.products = Some(list()),
            "window" => self.window = Some(number("a number of strikes")? as u32),
            "rate" => self.rate = Some(float()?),
            "exposure_interval_ms" => self.exposure_interval_ms = Some(number("milliseconds")?),
            "lake.dir" => self.lake.dir = text(),
            "lake.flush_rows" => self.lake.flush_rows = Some(number("a number of rows")? as usize),
            "lake.flush_seconds" => self.lake.flush_seconds = Some(number("seconds")?),
            "lake.fsync" => self.lake.fsync = text(),
            "lake.resume" => self.lake.resume = Some(boolean()?),
            "http.bind" => self.http.bind = text(),
            "http.token" => self.http.token = text(),
            "http.throttle_ms" => self.http.throttle_ms = Some(number("milliseconds")?),
            "http.web_dir" => self.http.web_dir = Some(PathBuf::from(value)),
            "log.format" => self.log.format = text(),
            "log.level" => self.log.level = text(),
            "events.file" => self.events.file = text(),
            _ => return Err(format!("unknown setting {key:?}")),
        }
        Ok(())
    }

    /// Checks everything and builds the configuration, or lists every problem.
    pub fn validate(&self, file: Option<&Path>) -> Result<ServeConfig, ConfigError> {
        let mut problems = Vec::new();
        let source = self.validate_source(&mut problems);
        let products = self.validate_products(&mut problems);
        let window = self.window.unwrap_or(3);
        if !(1..=50).contains(&window) {
            problems.push(format!(
                "window: must be 1–50 strikes on each side, got {window}"
            ));
        }
        let rate = self.rate.unwrap_or(0.043);
        if !(rate.is_finite() && (-0.05..=0.25).contains(&rate)) {
            problems.push(format!(
                "rate: must be within −0.05–0.25 per year, got {rate}"
            ));
        }
        let exposure_ms = self.exposure_interval_ms.unwrap_or(1_000);
        if !(1..=3_600_000).contains(&exposure_ms) {
            problems.push(format!(
                "exposure_interval_ms: must be 1–3600000, got {exposure_ms}"
            ));
        }
        let lake = self.validate_lake(&mut problems);
        let http = self.validate_http(&mut problems);
        let events = self.validate_events(&mut problems);
        let log_format = match self.log.format.as_deref().unwrap_or("human") {
            "human" => LogFormat::Human,
            "json" => LogFormat::Json,
            other => {
                problems.push(format!("log.format: expected human or json, got {other:?}"));
                LogFormat::Human
            }
        };
        if !problems.is_empty() {
            return Err(ConfigError {
                file: file.map(Path::to_path_buf),
                problems,
            });
        }
        let products = products
            .into_iter()
            .map(|mut p| {
                p.window.strikes_each_side = window;
                p
            })
            .collect();
        Ok(ServeConfig {
            source,
            desk: DeskConfig {
                engine: EngineConfig {
                    products,
                    rate,
                    exposure_interval_ns: exposure_ms * 1_000_000,
                },
                lake,
                publish_interval: Duration::from_millis(5),
                exposure_refresh: Duration::from_millis(http.throttle_ms),
            },
            http,
            log_format,
            log_level: self.log.level.clone().unwrap_or_else(|| "info".to_owned()),
            events,
        })
    }

    /// Reads and validates the events calendar: `events.file`, the built-in one when absent,
    /// none for `none`. Every problem of the file is listed, each naming the file, the entry and
    /// the field.
    fn validate_events(&self, problems: &mut Vec<String>) -> Calendar {
        let parsed = match self.events.file.as_deref() {
            None => Calendar::built_in(),
            Some(f) if f.eq_ignore_ascii_case("none") || f.is_empty() => {
                return Calendar::default();
            }
            Some(f) => match std::fs::read_to_string(f) {
                Ok(text) => Calendar::parse(&text, f),
                Err(e) => {
                    problems.push(format!("events.file: cannot read {f}: {e}"));
                    return Calendar::default();
                }
            },
        };
        parsed.unwrap_or_else(|e| {
            problems.extend(
                e.problems
                    .iter()
                    .map(|p| format!("events.file: {}: {p}", e.calendar)),
            );
            Calendar::default()
        })
    }

    fn validate_source(&self, problems: &mut Vec<String>) -> SourceSettings {
        let s = &self.source;
        let kind = match s.kind.as_deref().unwrap_or("sim") {
            "sim" => SourceKind::Sim,
            "polygon" | "massive" => SourceKind::Polygon,
            "replay" => SourceKind::Replay,
            other => {
                problems.push(format!(
                    "source.kind: expected sim, polygon or replay, got {other:?}"
                ));
                SourceKind::Sim
            }
        };
        let speed = match &s.speed {
            None => Pacing::REAL_TIME,
            Some(Scalar::Text(t)) if t.eq_ignore_ascii_case("max") => Pacing::AsFastAsPossible,
            Some(value) => match value.to_string().parse::<f64>() {
                Ok(x) if x > 0.0 && x.is_finite() => Pacing::Speed(x),
                _ => {
                    problems.push(format!(
                        "source.speed: expected max or a positive factor of real time, got {value}"
                    ));
                    Pacing::REAL_TIME
                }
            },
        };
        let time = |key: &str, value: &Option<String>, problems: &mut Vec<String>| {
            value.as_deref().and_then(|t| match t.parse::<Time>() {
                Ok(t) => Some(t),
                Err(_) => {
                    problems.push(format!(
                        "{key}: expected a New York time like 09:30, got {t:?}"
                    ));
                    None
                }
            })
        };
        let pace_from = match &s.pace_from {
            None => Some(Time::constant(9, 30, 0, 0)),
            Some(t) if t.eq_ignore_ascii_case("none") => None,
            value => time("source.pace_from", value, problems),
        };
        let until = time("source.until", &s.until, problems);
        let date = s.date.as_deref().and_then(|d| match d.parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(format!(
                    "source.date: expected an ISO date like 2025-06-09, got {d:?}"
                ));
                None
            }
        });
        let days = s.days.unwrap_or(1);
        if !(1..=3660).contains(&days) {
            problems.push(format!("source.days: must be 1–3660, got {days}"));
        }
        let activity = s.activity.unwrap_or(0.25);
        if !(activity > 0.0 && activity <= 1.0) {
            problems.push(format!(
                "source.activity: must be above 0 and at most 1, got {activity}"
            ));
        }
        let files = s.files.clone().unwrap_or_default();
        if kind == SourceKind::Replay && files.is_empty() {
            problems.push("source.files: the replay source needs at least one file".to_owned());
        }
        for f in &files {
            if !f.exists() {
                problems.push(format!("source.files: {} does not exist", f.display()));
            }
        }
        SourceSettings {
            kind,
            speed,
            pace_from,
            until,
            date,
            days,
            seed: s
                .seed
                .unwrap_or(gammaflow_sources::sim::SimConfig::default().seed),
            activity,
            files,
            delayed: s.delayed.unwrap_or(false),
        }
    }

    fn validate_products(&self, problems: &mut Vec<String>) -> Vec<ProductConfig> {
        let names = self
            .products
            .clone()
            .unwrap_or_else(|| DEFAULT_PRODUCTS.iter().map(|p| (*p).to_owned()).collect());
        if names.is_empty() {
            problems.push("products: at least one of spxw, spy, es".to_owned());
        }
        let mut seen = BTreeMap::new();
        let mut out = Vec::new();
        for name in &names {
            if seen.insert(name.as_str(), ()).is_some() {
                problems.push(format!("products: {name:?} is listed twice"));
                continue;
            }
            let (base, offset) = match name.split_once('+') {
                Some((base, n)) => match n.parse::<u32>() {
                    Ok(n) if (1..=20).contains(&n) => (base, n),
                    _ => {
                        problems.push(format!(
                            "products: {name:?}: the expiry offset after + must be 1–20"
                        ));
                        continue;
                    }
                },
                None => (name.as_str(), 0),
            };
            let product = match base {
                "spxw" => Some(ProductConfig::spxw()),
                "spy" => Some(ProductConfig::spy()),
                "es" if offset > 0 => {
                    problems.push(format!(
                        "products: {name:?}: E-mini options follow the day's own series only"
                    ));
                    None
                }
                "es" => match ProductConfig::es_options() {
                    Ok(p) => Some(p),
                    Err(e) => {
                        problems.push(format!("products: es: {e}"));
                        None
                    }
                },
                other => {
                    problems.push(format!(
                        "products: expected spxw, spy or es (optionally +N for the N-th expiry after the 0DTE one), got {other:?}"
                    ));
                    None
                }
            };
            if let Some(mut product) = product {
                product.expiry_offset = offset;
                out.push(product);
            }
        }
        out
    }

    fn validate_lake(&self, problems: &mut Vec<String>) -> Option<DeskLake> {
        let l = &self.lake;
        let dir = l.dir.clone().unwrap_or_else(|| "data".to_owned());
        let flush_rows = l.flush_rows.unwrap_or(5_000);
        if !(1..=10_000_000).contains(&flush_rows) {
            problems.push(format!(
                "lake.flush_rows: must be 1–10000000, got {flush_rows}"
            ));
        }
        let flush_seconds = l.flush_seconds.unwrap_or(60);
        if !(1..=86_400).contains(&flush_seconds) {
            problems.push(format!(
                "lake.flush_seconds: must be 1–86400, got {flush_seconds}"
            ));
        }
        let fsync_text = l
            .fsync
            .clone()
            .unwrap_or_else(|| "every_ms:1000".to_owned());
        let fsync = match parse_fsync(&fsync_text) {
            Some(f) => f,
            None => {
                problems.push(format!(
                    "lake.fsync: expected always, never or every_ms:N, got {fsync_text:?}"
                ));
                FsyncPolicy::default()
            }
        };
        if dir.eq_ignore_ascii_case("none") || dir.is_empty() {
            return None;
        }
        Some(DeskLake {
            root: PathBuf::from(dir),
            config: LakeConfig {
                max_rows: flush_rows,
                max_age: Duration::from_secs(flush_seconds),
                fsync,
                ..LakeConfig::default()
            },
            resume: l.resume.unwrap_or(true),
            channel_rows: 65_536,
        })
    }

    fn validate_http(&self, problems: &mut Vec<String>) -> HttpConfig {
        let h = &self.http;
        let defaults = HttpConfig::default();
        let bind = match h.bind.as_deref() {
            None => defaults.bind,
            Some(text) => match text.parse::<SocketAddr>() {
                Ok(a) => a,
                Err(_) => {
                    problems.push(format!(
                        "http.bind: expected host:port like 127.0.0.1:8000, got {text:?}"
                    ));
                    defaults.bind
                }
            },
        };
        let token = h.token.clone().filter(|t| !t.is_empty());
        if !bind.ip().is_loopback() && token.is_none() {
            problems.push(format!(
                "http.bind: {bind} is not a loopback address; set http.token (or {}) so that only holders of the token can connect",
                env_name("http.token")
            ));
        }
        if let Some(t) = &token
            && t.len() < 16
        {
            problems.push(format!(
                "http.token: must be at least 16 characters, got {}",
                t.len()
            ));
        }
        let throttle_ms = h.throttle_ms.unwrap_or(defaults.throttle_ms);
        if !(100..=1000).contains(&throttle_ms) {
            problems.push(format!(
                "http.throttle_ms: must be 100–1000, got {throttle_ms}"
            ));
        }
        HttpConfig {
            bind,
            token,
            throttle_ms,
            // `none` serves no dashboard (the API works without it).
            web_dir: match &h.web_dir {
                Some(dir) if dir.as_os_str() == "none" => None,
                Some(dir) => Some(dir.clone()),
                None => Some(PathBuf::from("web/dist/gammaflow/browser")),
            },
        }
    }
}

/// `always`, `never` or `every_ms:N`.
fn parse_fsync(text: &str) -> Option<FsyncPolicy> {
    match text {
        "always" => Some(FsyncPolicy::Always),
        "never" => Some(FsyncPolicy::Never),
        _ => text
            .strip_prefix("every_ms:")
            .and_then(|n| n.trim().parse::<u64>().ok())
            .filter(|n| *n > 0)
            .map(FsyncPolicy::EveryMs),
    }
}

#[cfg(test)]
mod tests;
