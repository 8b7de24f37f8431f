//! The parameters of the named queries: their kinds, documentation and parsing into typed values.

use gammaflow_model::{OptionRoot, Underlying, UnixNanos};
use jiff::civil::{Date, Time};
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::{AnalyticsError, Result};

/// What a parameter's text must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ParamKind {
    /// A New York calendar date, `YYYY-MM-DD`.
    Date,
    /// A New York wall-clock time of day, `HH:MM` or `HH:MM:SS`; `24:00` is the end of the day.
    TimeOfDay,
    /// An option root: 1–6 ASCII uppercase letters or digits (`SPXW`, `SPY`, `E1A`).
    Root,
    /// An underlying as the lake spells it: `I:SPX` for an index, `SPY` for an ETF or equity.
    Underlying,
    /// A decimal integer in `min..=max`.
    Integer {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
}

impl ParamKind {
    /// A JSON Schema (OpenAPI 3.1) for the parameter's text.
    pub fn json_schema(&self) -> Value {
        match self {
            Self::Date => json!({"type": "string", "format": "date"}),
            Self::TimeOfDay => {
                json!({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$|^24:00$"})
            }
            Self::Root => json!({"type": "string", "pattern": "^[A-Z0-9]{1,6}$"}),
            Self::Underlying => {
                json!({"type": "string", "pattern": "^(I:)?[A-Z0-9][A-Z0-9.]{0,7}$"})
            }
            Self::Integer { min, max } => {
                json!({"type": "integer", "minimum": min, "maximum": max})
            }
        }
    }
}

/// One parameter of a named query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ParamSpec {
    /// Its name (`date`, `from`, ...).
    pub name: &'static str,
    /// What its text must be.
    pub kind: ParamKind,
    /// Whether it must be given.
    pub required: bool,
    /// The value used when it is not given (`None`: no default, the filter is left out).
    pub default: Option<&'static str>,
    /// What it does.
    pub description: &'static str,
}

/// `date`: the New York trade day.
pub(crate) const DATE: ParamSpec = ParamSpec {
    name: "date",
    kind: ParamKind::Date,
    required: true,
    default: None,
    description: "New York trade date (the lake's day partition), YYYY-MM-DD",
};
/// `from`: start of the time range.
pub(crate) const FROM: ParamSpec = ParamSpec {
    name: "from",
    kind: ParamKind::TimeOfDay,
    required: false,
    default: Some("00:00"),
    description: "start of the range, New York time of day (inclusive)",
};
/// `to`: end of the time range.
pub(crate) const TO: ParamSpec = ParamSpec {
    name: "to",
    kind: ParamKind::TimeOfDay,
    required: false,
    default: Some("24:00"),
    description: "end of the range, New York time of day (exclusive); 24:00 = end of the day",
};
/// `root`: one option root.
pub(crate) const ROOT: ParamSpec = ParamSpec {
    name: "root",
    kind: ParamKind::Root,
    required: false,
    default: None,
    description: "only this option root (SPXW, SPX, SPY, ES, E1A, ...); all roots when absent",
};
/// `underlying`: one underlying.
pub(crate) const UNDERLYING: ParamSpec = ParamSpec {
    name: "underlying",
    kind: ParamKind::Underlying,
    required: false,
    default: None,
    description: "only this underlying (I:SPX, SPY, ...); all when absent",
};
/// `bucket`: bucket width in seconds.
pub(crate) const BUCKET: ParamSpec = ParamSpec {
    name: "bucket",
    kind: ParamKind::Integer {
        min: 1,
        max: 86_400,
    },
    required: false,
    default: Some("60"),
    description: "bucket width in seconds; buckets start at New York midnight plus multiples of it",
};
/// `limit`: number of rows.
pub(crate) const LIMIT: ParamSpec = ParamSpec {
    name: "limit",
    kind: ParamKind::Integer { min: 1, max: 1_000 },
    required: false,
    default: Some("50"),
    description: "number of trades to return",
};

/// `root` where it must be given (the chain queries read one root's snapshots).
pub(crate) const ROOT_REQUIRED: ParamSpec = ParamSpec {
    name: "root",
    kind: ParamKind::Root,
    required: true,
    default: None,
    description: "the option root of the snapshots (SPXW, SPY, E1A, ...)",
};
/// `expiry`: one expiry of the chain snapshots.
pub(crate) const EXPIRY: ParamSpec = ParamSpec {
    name: "expiry",
    kind: ParamKind::Date,
    required: false,
    default: None,
    description: "only contracts of this expiry, YYYY-MM-DD; chain-at: the snapshot's earliest expiry when absent, chain-minutes: all",
};
/// `at`: the New York time of a chain snapshot.
pub(crate) const AT: ParamSpec = ParamSpec {
    name: "at",
    kind: ParamKind::TimeOfDay,
    required: false,
    default: Some("24:00"),
    description: "New York time of day: the last snapshot at or before it is returned (24:00 = the day's last)",
};
/// `strikes`: strikes on each side of the underlying.
pub(crate) const STRIKES: ParamSpec = ParamSpec {
    name: "strikes",
    kind: ParamKind::Integer { min: 0, max: 500 },
    required: false,
    default: Some("7"),
    description: "strikes on each side of the underlying price: the N highest at or below it and the N lowest above it; 0 = every strike of the snapshot",
};
/// `limit` of the day listing.
pub(crate) const DAYS: ParamSpec = ParamSpec {
    name: "limit",
    kind: ParamKind::Integer {
        min: 1,
        max: 100_000,
    },
    required: false,
    default: Some("1000"),
    description: "number of trade dates to return, newest first",
};

/// A parsed parameter value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamValue {
    Date(Date),
    /// `None` for `24:00`.
    TimeOfDay(Option<Time>),
    Root(OptionRoot),
    Underlying(Underlying),
    Integer(i64),
}

impl ParamSpec {
    /// Parses `text` for `query` (the query's name goes into errors).
    pub(crate) fn parse(&self, query: &'static str, text: &str) -> Result<ParamValue> {
        let invalid = |expected: String| AnalyticsError::InvalidParameter {
            query,
            parameter: self.name,
            value: text.to_owned(),
            expected,
        };
        match self.kind {
            ParamKind::Date => text
                .parse::<Date>()
                .map(ParamValue::Date)
                .map_err(|e| invalid(format!("expected a date YYYY-MM-DD ({e})"))),
            ParamKind::TimeOfDay => parse_time_of_day(text)
                .map(ParamValue::TimeOfDay)
                .ok_or_else(|| {
                    invalid("expected a time of day HH:MM or HH:MM:SS (00:00 to 24:00)".to_owned())
                }),
            ParamKind::Root => OptionRoot::new(text)
                .map(ParamValue::Root)
                .map_err(|e| invalid(format!("expected an option root ({e})"))),
            ParamKind::Underlying => Underlying::parse(text)
                .map(ParamValue::Underlying)
                .map_err(|e| invalid(format!("expected an underlying such as I:SPX or SPY ({e})"))),
            ParamKind::Integer { min, max } => match text.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(ParamValue::Integer(n)),
                _ => Err(invalid(format!("expected an integer from {min} to {max}"))),
            },
        }
    }
}

/// `HH:MM[:SS]` (two digits each) or `24:00[:00]` (`Some(None)`); `None` for anything else.
fn parse_time_of_day(text: &str) -> Option<Option<Time>> {
    let parts: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let number = |i: usize| parts.get(i).map_or(Some(0), |p| p.parse::<i8>().ok());
    let (h, m, s) = (number(0)?, number(1)?, number(2)?);
    if (h, m, s) == (24, 0, 0) {
        return Some(None);
    }
    Time::new(h, m, s, 0).ok().map(Some)
}

/// The UTC instant of New York wall-clock `time` on `date` (`None` = the next day's midnight).
pub(crate) fn new_york_instant(
    query: &'static str,
    spec: &ParamSpec,
    text: &str,
    date: Date,
    time: Option<Time>,
) -> Result<i64> {
    let invalid = |expected: String| AnalyticsError::InvalidParameter {
        query,
        parameter: spec.name,
        value: text.to_owned(),
        expected,
    };
    let (day, time) = match time {
        Some(t) => (date, t),
        None => (
            date.tomorrow()
                .map_err(|e| invalid(format!("no day after {date} ({e})")))?,
            Time::midnight(),
        ),
    };
    let instant: UnixNanos = gammaflow_model::session::from_new_york(day, time)
        .map_err(|e| invalid(format!("not a New York wall-clock time on {date} ({e})")))?;
    i64::try_from(instant.0).map_err(|_| invalid(format!("after 2262 ({})", instant.0)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_parse_strictly() {
        assert_eq!(
            parse_time_of_day("09:30"),
            Some(Some(Time::constant(9, 30, 0, 0)))
        );
        assert_eq!(
            parse_time_of_day("15:59:59"),
            Some(Some(Time::constant(15, 59, 59, 0)))
        );
        assert_eq!(parse_time_of_day("24:00"), Some(None));
        assert_eq!(parse_time_of_day("00:00"), Some(Some(Time::midnight())));
        for bad in [
            "9:30",
            "24:01",
            "12:60",
            "10",
            "10:00:00:00",
            "ab:cd",
            "",
            "+1:00",
        ] {
            assert_eq!(parse_time_of_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn values_are_typed_and_errors_name_the_parameter() {
        assert_eq!(
            DATE.parse("q", "2025-06-09").unwrap(),
            ParamValue::Date(jiff::civil::date(2025, 6, 9))
        );
        assert_eq!(LIMIT.parse("q", "1000").unwrap(), ParamValue::Integer(1000));
        let e = LIMIT.parse("q", "1001").unwrap_err().to_string();
        assert!(e.contains("\"limit\"") && e.contains("1 to 1000"), "{e}");
        let e = ROOT.parse("q", "spx'; DROP").unwrap_err().to_string();
        assert!(e.contains("\"root\""), "{e}");
        let e = DATE.parse("q", "2025-13-01").unwrap_err().to_string();
        assert!(e.contains("\"date\"") && e.contains("YYYY-MM-DD"), "{e}");
        assert!(UNDERLYING.parse("q", "I:SPX").is_ok());
    }

    #[test]
    fn new_york_times_become_utc_nanoseconds() {
        let date = jiff::civil::date(2025, 6, 9);
        let open = new_york_instant("q", &FROM, "09:30", date, Some(Time::constant(9, 30, 0, 0)));
        assert_eq!(open.unwrap(), 1_749_475_800_000_000_000);
        // 24:00 is the next midnight: 04:00 UTC in summer.
        let end = new_york_instant("q", &TO, "24:00", date, None).unwrap();
        assert_eq!(end, 1_749_528_000_000_000_000);
        // Winter: New York is UTC-5.
        let winter = jiff::civil::date(2025, 1, 6);
        let start = new_york_instant("q", &FROM, "00:00", winter, Some(Time::midnight())).unwrap();
        assert_eq!(start, 1_736_139_600_000_000_000);
    }

    #[test]
    fn kinds_have_json_schemas() {
        assert_eq!(ParamKind::Date.json_schema()["format"], "date");
        assert_eq!(LIMIT.kind.json_schema()["maximum"], 1000);
    }
}
