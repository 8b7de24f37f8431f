//! The macro events calendar served at `GET /api/events`: FOMC decisions, CPI, the employment
//! report and the like, the scheduled releases a 0DTE trader plans the day around.
//!
//! # File format
//!
//! A YAML list of events (comments with `#`); unknown fields are errors:
//!
//! ```yaml
//! - date: 2026-01-28        # ISO date, in the event's zone
//!   time: "14:00"           # HH:MM, 24-hour, in the event's zone
//!   tz: America/New_York    # IANA zone (optional, default America/New_York)
//!   kind: FOMC              # FOMC, CPI, NFP, PCE, GDP, …: letters, digits, `-`, `_`
//!   title: FOMC rate decision
//!   importance: high        # high | medium | low
//! ```
//!
//! Parsing ([`Calendar::parse`]) is pure (text in, validated events out, no I/O): every problem
//! is collected, each naming the calendar, the entry (0-based index, and its date when it has
//! one) and the field. A wall-clock time that does not exist or is ambiguous in its zone (the
//! daylight-saving switches) is refused. The events come out sorted by time, then kind and title.
//!
//! The built-in calendar ([`Calendar::built_in`]) is `data/events/us-macro.yaml`, embedded in the
//! binary, so it works from any directory; `gammaflow serve` replaces it with the file of the
//! configuration key `events.file`.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_norway::Value;

use gammaflow_model::UnixNanos;

/// The text of the built-in calendar (`data/events/us-macro.yaml`).
pub const BUILT_IN_TEXT: &str = include_str!("../../../data/events/us-macro.yaml");

/// The [`Calendar::source`] of the built-in calendar.
pub const BUILT_IN_SOURCE: &str = "built-in";

/// The zone of an event without `tz`, and of the dates and times served.
pub const NEW_YORK: &str = "America/New_York";

/// The fields of an event, in the documented order.
pub const FIELDS: [&str; 6] = ["date", "time", "tz", "kind", "title", "importance"];

/// Longest accepted `kind`, characters.
const MAX_KIND: usize = 24;
/// Longest accepted `title`, characters.
const MAX_TITLE: usize = 200;

/// How much an event is expected to move the market.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Importance {
    /// Rate decisions, CPI, the employment report.
    High,
    /// Second-tier releases.
    Medium,
    /// Minor releases.
    Low,
}

impl Importance {
    /// `high`, `medium` or `low`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }
}

/// One validated event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The release instant.
    pub ts: UnixNanos,
    /// Its New York calendar date.
    pub date_new_york: Date,
    /// Its New York wall-clock time.
    pub time_new_york: Time,
    /// `FOMC`, `CPI`, `NFP`, … (as written).
    pub kind: String,
    /// What is released.
    pub title: String,
    /// How much it matters.
    pub importance: Importance,
}

/// A calendar: where it came from and its events, sorted by time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    /// A path, or [`BUILT_IN_SOURCE`]; empty for the empty calendar.
    pub source: String,
    /// The events, sorted by time, then kind and title.
    pub events: Vec<Event>,
}

/// Why a calendar was refused: every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("events calendar {calendar}:\n  - {}", .problems.join("\n  - "))]
pub struct EventsError {
    /// The calendar's name (a path, or `built-in`).
    pub calendar: String,
    /// One line per problem, each naming the entry and the field.
    pub problems: Vec<String>,
}

/// `GET /api/events`: the calendar's events in a date range.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EventsView {
    /// Wire schema version ([`crate::wire::SCHEMA_VERSION`]).
    pub schema: u32,
    /// Where the calendar came from (a path, or `built-in`).
    pub source: String,
    /// The events, sorted by time.
    pub events: Vec<MacroEvent>,
}

/// One event on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MacroEvent {
    /// Release time, ns since the Unix epoch (UTC).
    pub ts: u64,
    /// New York date, `YYYY-MM-DD`.
    pub date: String,
    /// New York time, `HH:MM`.
    pub time_new_york: String,
    /// `FOMC`, `CPI`, `NFP`, …
    pub kind: String,
    /// What is released.
    pub title: String,
    /// `high`, `medium` or `low`.
    pub importance: String,
}

impl From<&Event> for MacroEvent {
    fn from(e: &Event) -> Self {
        Self {
            ts: e.ts.0,
            date: e.date_new_york.to_string(),
            time_new_york: format!(
                "{:02}:{:02}",
                e.time_new_york.hour(),
                e.time_new_york.minute()
            ),
            kind: e.kind.clone(),
            title: e.title.clone(),
            importance: e.importance.as_str().to_owned(),
        }
    }
}

impl Calendar {
    /// The built-in calendar (`data/events/us-macro.yaml`, embedded).
    pub fn built_in() -> Result<Self, EventsError> {
        Self::parse(BUILT_IN_TEXT, BUILT_IN_SOURCE)
    }

    /// Parses and validates calendar `text`; `source` names it in errors and in
    /// [`Calendar::source`]. An empty text (or only comments) is an empty calendar.
    pub fn parse(text: &str, source: &str) -> Result<Self, EventsError> {
        let fail = |problems: Vec<String>| EventsError {
            calendar: source.to_owned(),
            problems,
        };
        let value: Value = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_norway::from_str(text).map_err(|e| fail(vec![format!("not YAML: {e}")]))?
        };
        let entries = match value {
            Value::Null => Vec::new(),
            Value::Sequence(entries) => entries,
            other => {
                return Err(fail(vec![format!(
                    "expected a list of events, got {}",
                    kind_of(&other)
                )]));
            }
        };
        let new_york = TimeZone::get(NEW_YORK)
            .map_err(|e| fail(vec![format!("no time zone {NEW_YORK} ({e})")]))?;
        let mut problems = Vec::new();
        let mut events = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            if let Some(event) = parse_entry(index, entry, &new_york, &mut problems) {
                events.push((index, event));
            }
        }
        events.sort_by(|(_, a), (_, b)| (a.ts, &a.kind, &a.title).cmp(&(b.ts, &b.kind, &b.title)));
        for pair in events.windows(2) {
            if let [(first, a), (second, b)] = pair
                && (a.ts, &a.kind, &a.title) == (b.ts, &b.kind, &b.title)
            {
                let (first, second) = ((*first).min(*second), (*first).max(*second));
                problems.push(format!(
                    "entry {second}: repeats entry {first} ({} {} at {})",
                    b.kind, b.date_new_york, b.time_new_york
                ));
            }
        }
        if !problems.is_empty() {
            return Err(fail(problems));
        }
        Ok(Self {
            source: source.to_owned(),
            events: events.into_iter().map(|(_, e)| e).collect(),
        })
    }

    /// The events whose New York date is on or after `from` (all when `None`) and, with `days`,
    /// before `from + days`.
    pub fn between(&self, from: Option<Date>, until: Option<Date>) -> impl Iterator<Item = &Event> {
        self.events.iter().filter(move |e| {
            from.is_none_or(|d| e.date_new_york >= d) && until.is_none_or(|d| e.date_new_york < d)
        })
    }

    /// The wire form of the events with a New York date in `[from, until)` (open ends when
    /// `None`).
    pub fn view(&self, from: Option<Date>, until: Option<Date>) -> EventsView {
        EventsView {
            schema: crate::wire::SCHEMA_VERSION,
            source: self.source.clone(),
            events: self.between(from, until).map(MacroEvent::from).collect(),
        }
    }
}

/// The YAML type of `value`, for messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// A scalar field as text (numbers and booleans as written), or a problem.
fn scalar(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(format!("expected text, got {}", kind_of(other))),
    }
}

/// `HH:MM`, two digits each, 00:00–23:59.
fn parse_hh_mm(text: &str) -> Option<Time> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !(h.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
}

/// `YYYY-MM-DD` exactly.
fn parse_date(text: &str) -> Option<Date> {
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape {
        return None;
    }
    text.parse().ok()
}

/// One entry, or `None` with its problems added.
fn parse_entry(
    index: usize,
    entry: &Value,
    new_york: &TimeZone,
    problems: &mut Vec<String>,
) -> Option<Event> {
    let Value::Mapping(fields) = entry else {
        problems.push(format!(
            "entry {index}: expected a mapping of {}, got {}",
            FIELDS.join(", "),
            kind_of(entry)
        ));
        return None;
    };
    // The entry's name in messages: its index, and its date when readable.
    let label = match fields.get("date").map(scalar) {
        Some(Ok(date)) => format!("entry {index} ({date})"),
        _ => format!("entry {index}"),
    };
    let before = problems.len();
    for key in fields.keys() {
        match key.as_str() {
            Some(name) if FIELDS.contains(&name) => {}
            _ => problems.push(format!(
                "{label}: unknown field {}; the fields are {}",
                match key.as_str() {
                    Some(name) => format!("{name:?}"),
                    None => kind_of(key).to_owned(),
                },
                FIELDS.join(", ")
            )),
        }
    }
    let mut text = |name: &str, required: bool| -> Option<String> {
        match fields.get(name) {
            None | Some(Value::Null) => {
                if required {
                    problems.push(format!("{label}: {name}: missing"));
                }
                None
            }
            Some(value) => match scalar(value) {
                Ok(t) => Some(t),
                Err(e) => {
                    problems.push(format!("{label}: {name}: {e}"));
                    None
                }
            },
        }
    };
    let date = text("date", true);
    let time = text("time", true);
    let tz = text("tz", false);
    let kind = text("kind", true);
    let title = text("title", true);
    let importance = text("importance", true);

    let date = date.and_then(|d| {
        parse_date(&d).or_else(|| {
            problems.push(format!(
                "{label}: date: expected an ISO date like 2026-01-28, got {d:?}"
            ));
            None
        })
    });
    let time = time.and_then(|t| {
        parse_hh_mm(&t).or_else(|| {
            problems.push(format!(
                "{label}: time: expected a 24-hour time HH:MM like 08:30, got {t:?}"
            ));
            None
        })
    });
    let zone = match tz {
        None => Some(new_york.clone()),
        Some(name) => match TimeZone::get(&name) {
            Ok(zone) => Some(zone),
            Err(_) => {
                problems.push(format!(
                    "{label}: tz: not an IANA time zone like America/New_York: {name:?}"
                ));
                None
            }
        },
    };
    let kind = kind.and_then(|k| {
        let ok = !k.is_empty()
            && k.chars().count() <= MAX_KIND
            && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Some(k)
        } else {
            problems.push(format!(
                "{label}: kind: expected 1–{MAX_KIND} letters, digits, - or _ (FOMC, CPI, NFP, …), got {k:?}"
            ));
            None
        }
    });
    let title = title.and_then(|t| {
        let t = t.trim().to_owned();
        if t.is_empty() || t.chars().count() > MAX_TITLE {
            problems.push(format!(
                "{label}: title: expected 1–{MAX_TITLE} characters, got {}",
                t.chars().count()
            ));
            None
        } else {
            Some(t)
        }
    });
    let importance = importance.and_then(|i| match i.to_ascii_lowercase().as_str() {
        "high" => Some(Importance::High),
        "medium" => Some(Importance::Medium),
        "low" => Some(Importance::Low),
        _ => {
            problems.push(format!(
                "{label}: importance: expected high, medium or low, got {i:?}"
            ));
            None
        }
    });
    let (Some(date), Some(time), Some(zone), Some(kind), Some(title), Some(importance)) =
        (date, time, zone, kind, title, importance)
    else {
        return None;
    };
    if problems.len() > before {
        return None;
    }
    let local = DateTime::from_parts(date, time);
    let instant = match zone.to_ambiguous_zoned(local).unambiguous() {
        Ok(zoned) => zoned.timestamp(),
        Err(_) => {
            problems.push(format!(
                "{label}: time: {date} {time} does not exist or is ambiguous in {} (a daylight-saving switch)",
                zone.iana_name().unwrap_or("its zone")
            ));
            return None;
        }
    };
    let Some(ts) = unix_nanos(instant) else {
        problems.push(format!("{label}: date: {date} is before 1970"));
        return None;
    };
    let in_new_york = instant.to_zoned(new_york.clone());
    Some(Event {
        ts,
        date_new_york: in_new_york.date(),
        time_new_york: in_new_york.time(),
        kind,
        title,
        importance,
    })
}

/// `instant` as ns since the epoch, `None` before 1970.
fn unix_nanos(instant: Timestamp) -> Option<UnixNanos> {
    u64::try_from(instant.as_nanosecond()).ok().map(UnixNanos)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        match Calendar::parse(text, "test.yaml") {
            Ok(c) => panic!("accepted {text}: {c:?}"),
            Err(e) => {
                assert_eq!(e.calendar, "test.yaml");
                assert!(e.to_string().contains("test.yaml"), "{e}");
                e.problems
            }
        }
    }

    const ONE: &str = "- date: 2026-01-28\n  time: \"14:00\"\n  kind: FOMC\n  title: FOMC rate decision\n  importance: high\n";

    #[test]
    fn an_event_becomes_a_new_york_instant() {
        let c = Calendar::parse(ONE, "one.yaml").unwrap();
        assert_eq!(c.source, "one.yaml");
        let e = &c.events[0];
        // 14:00 EST = 19:00 UTC.
        assert_eq!(e.ts, UnixNanos(1_769_626_800_000_000_000));
        let wire = MacroEvent::from(e);
        assert_eq!(wire.date, "2026-01-28");
        assert_eq!(wire.time_new_york, "14:00");
        assert_eq!(wire.importance, "high");
        let json = serde_json::to_value(&wire).unwrap();
        assert_eq!(json["ts"], 1_769_626_800_000_000_000_u64);
        assert_eq!(json["kind"], "FOMC");
    }

    #[test]
    fn other_zones_are_converted_to_new_york() {
        // 08:30 in London on a summer day = 03:30 in New York; unquoted times parse too.
        let text = "- {date: 2026-07-02, time: 08:30, tz: Europe/London, kind: BOE, title: x, importance: LOW}\n";
        let c = Calendar::parse(text, "t").unwrap();
        let e = &c.events[0];
        assert_eq!(e.time_new_york, Time::constant(3, 30, 0, 0));
        assert_eq!(e.date_new_york, jiff::civil::date(2026, 7, 2));
        assert_eq!(e.importance, Importance::Low);
        // Tokyo 07:00 on the 3rd is the 2nd in New York.
        let text = "- {date: 2026-07-03, time: \"07:00\", tz: Asia/Tokyo, kind: BOJ, title: x, importance: medium}\n";
        let e = &Calendar::parse(text, "t").unwrap().events[0];
        assert_eq!(e.date_new_york, jiff::civil::date(2026, 7, 2));
        assert_eq!(e.time_new_york, Time::constant(18, 0, 0, 0));
    }

    #[test]
    fn events_are_sorted_and_filtered_by_new_york_date() {
        let text = "- {date: 2026-03-18, time: \"14:00\", kind: FOMC, title: b, importance: high}\n\
                    - {date: 2026-03-11, time: \"08:30\", kind: CPI, title: a, importance: high}\n\
                    - {date: 2026-03-18, time: \"08:30\", kind: PPI, title: c, importance: medium}\n";
        let c = Calendar::parse(text, "t").unwrap();
        let kinds: Vec<&str> = c.events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["CPI", "PPI", "FOMC"]);
        let d = |day| jiff::civil::date(2026, 3, day);
        assert_eq!(c.between(Some(d(12)), None).count(), 2);
        assert_eq!(c.between(Some(d(11)), Some(d(12))).count(), 1);
        assert_eq!(c.between(None, Some(d(11))).count(), 0);
        let view = c.view(Some(d(18)), Some(d(19)));
        assert_eq!(view.source, "t");
        assert_eq!(view.events.len(), 2);
        assert_eq!(view.events[0].time_new_york, "08:30");
    }

    #[test]
    fn bad_dates_times_and_zones_name_entry_and_field() {
        let text = "- {date: 2026-02-30, time: \"08:30\", kind: CPI, title: x, importance: high}\n\
                    - {date: 2026-03-11, time: \"8:30\", kind: CPI, title: x, importance: high}\n\
                    - {date: 2026-03-11, time: \"08:30\", tz: Mars/Olympus, kind: CPI, title: x, importance: high}\n\
                    - {date: 2026-03-11, time: \"08:30\", kind: C P I, title: x, importance: urgent}\n\
                    - {date: 2026-03-11, time: \"08:30\", kind: CPI, importance: high, when: soon}\n\
                    - just text\n\
                    - {date: 26-3-11, time: \"24:00\", kind: CPI, title: x, importance: high}\n";
        let p = problems(text);
        let expect = [
            "entry 0 (2026-02-30): date: expected an ISO date",
            "entry 1 (2026-03-11): time: expected a 24-hour time HH:MM like 08:30, got \"8:30\"",
            "entry 2 (2026-03-11): tz: not an IANA time zone like America/New_York: \"Mars/Olympus\"",
            "entry 3 (2026-03-11): kind: expected",
            "entry 3 (2026-03-11): importance: expected high, medium or low, got \"urgent\"",
            "entry 4 (2026-03-11): unknown field \"when\"",
            "entry 4 (2026-03-11): title: missing",
            "entry 5: expected a mapping",
            "entry 6 (26-3-11): date: expected an ISO date",
            "entry 6 (26-3-11): time: expected a 24-hour time",
        ];
        assert_eq!(p.len(), expect.len(), "{p:#?}");
        for needle in expect {
            assert!(
                p.iter().any(|line| line.starts_with(needle)),
                "{needle} missing from {p:#?}"
            );
        }
    }

    #[test]
    fn daylight_saving_gaps_and_folds_are_refused() {
        // 2026-03-08 02:30 does not exist in New York; 2026-11-01 01:30 happens twice.
        for (date, time) in [("2026-03-08", "02:30"), ("2026-11-01", "01:30")] {
            let text = format!(
                "- {{date: {date}, time: \"{time}\", kind: X, title: x, importance: low}}\n"
            );
            let p = problems(&text);
            assert_eq!(p.len(), 1, "{p:?}");
            assert!(
                p[0].contains("time:") && p[0].contains("America/New_York"),
                "{p:?}"
            );
        }
    }

    #[test]
    fn the_shape_and_repeats_are_checked() {
        assert!(Calendar::parse("", "t").unwrap().events.is_empty());
        assert!(
            Calendar::parse("# nothing yet\n", "t")
                .unwrap()
                .events
                .is_empty()
        );
        let p = problems("events: []\n");
        assert!(
            p[0].contains("expected a list of events, got a mapping"),
            "{p:?}"
        );
        let p = problems("- [unclosed\n");
        assert!(p[0].starts_with("not YAML"), "{p:?}");
        let p = problems(&format!("{ONE}{ONE}"));
        assert_eq!(
            p,
            ["entry 1: repeats entry 0 (FOMC 2026-01-28 at 14:00:00)"]
        );
    }

    #[test]
    fn the_built_in_calendar_parses() {
        let c = Calendar::built_in().unwrap();
        assert_eq!(c.source, BUILT_IN_SOURCE);
        let count = |kind: &str, year: i16| {
            c.events
                .iter()
                .filter(|e| e.kind == kind && e.date_new_york.year() == year)
                .count()
        };
        assert_eq!(count("FOMC", 2026), 8);
        assert_eq!(count("FOMC", 2027), 8);
        assert_eq!(count("CPI", 2026), 12);
        assert_eq!(count("NFP", 2026), 12);
        // Every release is on a weekday, at its usual New York time.
        for e in &c.events {
            assert!(
                !matches!(
                    e.date_new_york.weekday(),
                    jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
                ),
                "{e:?}"
            );
            let expected = if e.kind == "FOMC" { (14, 0) } else { (8, 30) };
            assert_eq!(
                (e.time_new_york.hour(), e.time_new_york.minute()),
                expected,
                "{e:?}"
            );
        }
        let dec = c.view(
            Some(jiff::civil::date(2026, 12, 9)),
            Some(jiff::civil::date(2026, 12, 10)),
        );
        assert_eq!(dec.events.len(), 1);
        assert_eq!(dec.events[0].kind, "FOMC");
        assert_eq!(dec.events[0].time_new_york, "14:00");
    }
}
