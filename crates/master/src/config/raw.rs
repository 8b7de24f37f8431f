//! `config.yaml` as written: every value optional and loosely typed, so that validation
//! ([`super::MasterConfig::from_raw`]) can report every problem at once, each naming its key.
//! Unknown keys are errors of the parse itself (a typo must not be silently ignored).

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

/// A YAML scalar written as a boolean, a number or text (`buffer: 0.25`, `config_hash: auto`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// Text (quoted or not).
    Text(String),
}

impl fmt::Display for Scalar {
    /// The value as it would be written back (text quoted).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bool(b) => write!(f, "{b}"),
            Self::Number(x) => write!(f, "{x}"),
            Self::Text(t) => write!(f, "{t:?}"),
        }
    }
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawConfig {
    /// `timezone`: the zone of every time in the file.
    pub timezone: Option<Scalar>,
    /// `trade_date.*`.
    pub trade_date: RawTradeDate,
    /// `paths.*`.
    pub paths: RawPaths,
    /// `ranges.*`.
    pub ranges: RawRanges,
    /// `touch.*`.
    pub touch: RawTouch,
    /// `atm.*`.
    pub atm: RawAtm,
    /// `oi.*`.
    pub oi: RawOi,
    /// `iv_rv.*`.
    pub iv_rv: RawIvRv,
    /// `versioning.*`.
    pub versioning: RawVersioning,
    /// `gex.*` (GEXBot input).
    pub gex: RawGex,
}

/// `trade_date.*`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawTradeDate {
    /// `start`: `HH:MM`.
    pub start: Option<Scalar>,
    /// `end`: `HH:MM`.
    pub end: Option<Scalar>,
    /// `previous_session`: `HH:MM-HH:MM`.
    pub previous_session: Option<Scalar>,
}

/// `paths.*` (relative paths are relative to the configuration file's directory).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawPaths {
    /// OPRA files.
    pub opra: Option<Scalar>,
    /// GEXBot files.
    pub gex: Option<Scalar>,
    /// ES (Databento) files.
    pub es: Option<Scalar>,
    /// IB daily files.
    pub ib: Option<Scalar>,
    /// Output directory.
    pub output: Option<Scalar>,
}

/// `ranges.*`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawRanges {
    /// `morning.*`.
    pub morning: RawRange,
    /// `afternoon.*`.
    pub afternoon: RawRange,
}

/// `ranges.morning.*` / `ranges.afternoon.*`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawRange {
    /// `vwap_es` or `spx_open_projected`.
    pub reference: Option<Scalar>,
    /// `HH:MM`.
    pub start_time: Option<Scalar>,
    /// `HH:MM`.
    pub end_time: Option<Scalar>,
}

/// `touch.*`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawTouch {
    /// Points.
    pub buffer: Option<Scalar>,
    /// Seconds.
    pub cooldown_seconds: Option<Scalar>,
    /// Minutes.
    pub breakout_minutes: Option<Scalar>,
}

/// `atm.*`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawAtm {
    /// Strike step, points.
    pub step: Option<Scalar>,
    /// `price_move`.
    pub reselect_trigger: Option<Scalar>,
}

/// `oi.*`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawOi {
    /// Points each side of spot.
    pub strike_range: Option<Scalar>,
    /// `["0DTE", ...]`.
    pub expirations: Option<Vec<Scalar>>,
    /// `["02:15", ...]`.
    pub snapshots: Option<Vec<Scalar>>,
}

/// `iv_rv.*`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawIvRv {
    /// `opra`.
    pub iv_source: Option<Scalar>,
    /// `1m_external`.
    pub rv_bars: Option<Scalar>,
    /// `- name: "HH:MM-HH:MM"` entries (each a one-key map).
    pub windows: Option<Vec<BTreeMap<String, Scalar>>>,
    /// `[60, 120, "full"]`.
    pub percentiles: Option<Vec<Scalar>>,
}

/// `versioning.*`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawVersioning {
    /// Free text naming the model.
    pub model_version: Option<Scalar>,
    /// `auto` or a pinned SHA-256 (64 hex digits).
    pub config_hash: Option<Scalar>,
}

/// `gex.*`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawGex {
    /// `json` or `csv`.
    pub format: Option<Scalar>,
    /// GEXBot ticker (`ES_SPX`).
    pub ticker: Option<Scalar>,
    /// Our field name → the CSV file's column name.
    pub csv_columns: Option<BTreeMap<String, Scalar>>,
    /// `epoch_s`, `epoch_ms` or `iso`.
    pub csv_timestamp: Option<Scalar>,
}

impl RawConfig {
    /// Parses YAML text (empty text or comments only = every default). Errors are serde_norway's message (with its
    /// line and column), e.g. for an unknown key or a list where a scalar belongs.
    pub fn from_yaml(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        // A document of comments only is YAML null: every default.
        serde_norway::from_str::<Option<Self>>(text)
            .map(Option::unwrap_or_default)
            .map_err(|e| e.to_string())
    }
}
