//! The three header lines: underlying, quote time, column names.

use std::str::FromStr;

use gammaflow_model::{Price, UnixNanos};
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};

use super::fields::{self, excerpt};
use super::{COLUMNS, Layout, QuoteTime, UnderlyingQuote};
use crate::SourcesError;

const UNDERLYING: &str = "underlying line";
const QUOTE: &str = "quote-time line";

/// What the underlying line gives: description, symbol, last, change.
pub(super) struct UnderlyingPart {
    description: String,
    symbol: Option<String>,
    last: Price,
    change: Option<Price>,
}

fn header_error(
    line: usize,
    what: &'static str,
    reason: impl Into<String>,
    text: &str,
) -> SourcesError {
    SourcesError::Header {
        line,
        what,
        reason: reason.into(),
        text: excerpt(text),
    }
}

fn price(line: usize, what: &'static str, label: &str, text: &str) -> Result<Price, SourcesError> {
    Price::from_str(text).map_err(|e| {
        header_error(
            line,
            what,
            format!("{label} is not a decimal price ({e})"),
            text,
        )
    })
}

/// The first header line; decides the layout.
///
/// * 2025: `SPDR S&P 500 ETF Trust,Last: 599.48,Change:  0.54` (labelled fields);
/// * 2020: `^SPX (Standard & Poors 500 Index),2304.92,-104.4701` (positional).
pub(super) fn underlying_line(
    line_no: usize,
    line: &str,
) -> Result<(Layout, UnderlyingPart), SourcesError> {
    let f = fields::split(line_no, line)?;
    let description = f.first().map(|d| d.to_string()).unwrap_or_default();
    let expected =
        "expected `NAME,Last: X,Change: Y` (2025 layout) or `NAME,LAST,CHANGE` (2020 layout)";
    if description.is_empty() || f.len() < 2 {
        return Err(header_error(line_no, UNDERLYING, expected, line));
    }
    if f[1].starts_with("Last:") {
        let mut last = None;
        let mut change = None;
        for field in &f[1..] {
            let Some((label, value)) = field.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match label.trim() {
                "Last" => last = Some(price(line_no, UNDERLYING, "Last", value)?),
                "Change" if !value.is_empty() => {
                    change = Some(price(line_no, UNDERLYING, "Change", value)?);
                }
                _ => {}
            }
        }
        let last = last.ok_or_else(|| header_error(line_no, UNDERLYING, expected, line))?;
        return Ok((
            Layout::Current2025,
            UnderlyingPart {
                description,
                symbol: None,
                last,
                change,
            },
        ));
    }
    let Ok(last) = Price::from_str(&f[1]) else {
        return Err(header_error(line_no, UNDERLYING, expected, line));
    };
    let change = match f.get(2).map(|c| c.as_ref()) {
        None | Some("") => None,
        Some(c) => Some(price(line_no, UNDERLYING, "the change", c)?),
    };
    let symbol = description
        .split_once(" (")
        .map(|(s, _)| s.trim().to_owned())
        .filter(|s| !s.is_empty() && !s.contains(' '));
    Ok((
        Layout::Legacy2020,
        UnderlyingPart {
            description,
            symbol,
            last,
            change,
        },
    ))
}

/// The second header line: quote time, then bid, ask, size and volume.
///
/// * 2025: `"Date: June 9, 2025 at 4:52 PM EDT",Bid: 599.45,Ask: 599.48,Size: 1*6,"Volume: 51,676,756"`;
/// * 2020: `Mar 22 2020 @ 18:24 ET,Bid,2243.68,Ask,2677.6,Size,1x1,Vol,`.
pub(super) fn quote_line(
    line_no: usize,
    line: &str,
    layout: Layout,
    part: UnderlyingPart,
) -> Result<(UnderlyingQuote, QuoteTime), SourcesError> {
    let f = fields::split(line_no, line)?;
    let first = f.first().map(|s| s.as_ref()).unwrap_or_default();
    let (time_text, pairs): (&str, Vec<(&str, &str)>) = match layout {
        Layout::Current2025 => {
            let Some(t) = first.strip_prefix("Date:") else {
                return Err(header_error(
                    line_no,
                    QUOTE,
                    "expected the first field to start with `Date:`",
                    line,
                ));
            };
            let pairs = f[1..]
                .iter()
                .filter_map(|x| x.split_once(':'))
                .map(|(l, v)| (l.trim(), v.trim()))
                .collect();
            (t.trim(), pairs)
        }
        Layout::Legacy2020 => {
            let pairs = f[1..]
                .chunks(2)
                .map(|c| (c[0].as_ref(), c.get(1).map_or("", |v| v.as_ref())))
                .collect();
            (first, pairs)
        }
    };
    let quote_time = parse_quote_time(line_no, time_text)?;
    let mut underlying = UnderlyingQuote {
        description: part.description,
        symbol: part.symbol,
        last: part.last,
        change: part.change,
        bid: None,
        ask: None,
        size: None,
        volume: None,
    };
    for (label, value) in pairs {
        if value.is_empty() {
            continue;
        }
        match label {
            "Bid" => underlying.bid = Some(price(line_no, QUOTE, "Bid", value)?),
            "Ask" => underlying.ask = Some(price(line_no, QUOTE, "Ask", value)?),
            "Size" => {
                let sizes = value.split_once(['*', 'x']).and_then(|(b, a)| {
                    Some((fields::whole_number(b).ok()?, fields::whole_number(a).ok()?))
                });
                underlying.size = Some(sizes.ok_or_else(|| {
                    header_error(line_no, QUOTE, "Size is not `BIDxASK` or `BID*ASK`", value)
                })?);
            }
            "Vol" | "Volume" => {
                underlying.volume =
                    Some(fields::whole_number(value).map_err(|r| {
                        header_error(line_no, QUOTE, format!("Volume: {r}"), value)
                    })?);
            }
            _ => {}
        }
    }
    Ok((underlying, quote_time))
}

/// Checks the column-header line against the layout's column names (ASCII case-insensitive, a
/// trailing comma allowed), naming the first differing column.
pub(super) fn column_header(
    line_no: usize,
    line: &str,
    layout: Layout,
) -> Result<(), SourcesError> {
    let mut f = fields::split(line_no, line)?;
    fields::drop_trailing_empty(&mut f, COLUMNS);
    let expected = layout.columns();
    for column in 0..COLUMNS.max(f.len()) {
        let want = expected.get(column).copied().unwrap_or_default();
        let found = f.get(column).map(|s| s.as_ref()).unwrap_or_default();
        if !want.eq_ignore_ascii_case(found) {
            return Err(SourcesError::ColumnHeader {
                line: line_no,
                column: column + 1,
                expected: want.to_owned(),
                found: excerpt(found),
            });
        }
    }
    Ok(())
}

/// Full English month names; a month is matched by its name or any prefix of at least 3 letters
/// (`Mar`, `Sept`, `September`).
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month number of an English month name or abbreviation.
pub(super) fn month_number(text: &str) -> Option<i8> {
    let lower = text.to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&lower))
        .and_then(|i| i8::try_from(i + 1).ok())
}

/// Parses `June 9, 2025 at 4:52 PM EDT` or `Mar 22 2020 @ 18:24 ET` into an instant.
pub(super) fn parse_quote_time(line_no: usize, text: &str) -> Result<QuoteTime, SourcesError> {
    let fail = |reason: String| header_error(line_no, QUOTE, reason, text);
    let expected = "expected `Month D, YYYY at H:MM AM|PM EDT|EST|ET` or `Mon DD YYYY @ HH:MM ET`";
    let (date_part, time_part) = text
        .split_once(" at ")
        .or_else(|| text.split_once(" @ "))
        .ok_or_else(|| fail(expected.to_owned()))?;

    // Date: month, day, year separated by spaces and/or a comma.
    let d: Vec<&str> = date_part
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .collect();
    let [month, day, year] = d.as_slice() else {
        return Err(fail(expected.to_owned()));
    };
    let month = month_number(month).ok_or_else(|| fail(format!("unknown month {month:?}")))?;
    let day: i8 = day.parse().map_err(|_| fail(format!("bad day {day:?}")))?;
    let year: i16 = year
        .parse()
        .map_err(|_| fail(format!("bad year {year:?}")))?;
    let date = Date::new(year, month, day).map_err(|e| fail(format!("invalid date: {e}")))?;

    // Time: H:MM[:SS] [AM|PM] ZONE.
    let t: Vec<&str> = time_part.split_whitespace().collect();
    let (clock, meridiem, zone) = match t.as_slice() {
        [clock, zone] => (*clock, None, *zone),
        [clock, m, zone] => (*clock, Some(*m), *zone),
        _ => return Err(fail(expected.to_owned())),
    };
    let mut parts = clock.split(':');
    let mut next = |what: &str| -> Result<i8, SourcesError> {
        parts
            .next()
            .filter(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| fail(format!("bad {what} in {clock:?}")))
    };
    let mut hour = next("hour")?;
    let minute = next("minute")?;
    let second = if clock.matches(':').count() == 2 {
        next("second")?
    } else {
        0
    };
    if clock.matches(':').count() > 2 {
        return Err(fail(format!("bad time {clock:?}")));
    }
    match meridiem.map(|m| m.to_ascii_uppercase()) {
        None => {}
        Some(m) if (1..=12).contains(&hour) && (m == "AM" || m == "PM") => {
            hour %= 12;
            if m == "PM" {
                hour += 12;
            }
        }
        Some(m) => return Err(fail(format!("bad 12-hour time {clock:?} {m:?}"))),
    }
    let time =
        Time::new(hour, minute, second, 0).map_err(|e| fail(format!("invalid time: {e}")))?;
    let new_york = date.to_datetime(time);
    let instant = new_york_instant(new_york, zone).map_err(fail)?;
    Ok(QuoteTime {
        instant,
        new_york,
        text: text.to_owned(),
    })
}

/// The instant of a New York wall-clock time labelled `ET`, `EDT` or `EST`.
fn new_york_instant(dt: DateTime, zone: &str) -> Result<UnixNanos, String> {
    let tz = TimeZone::get("America/New_York").map_err(|e| format!("time zone: {e}"))?;
    let wanted = match zone.to_ascii_uppercase().as_str() {
        "ET" => None,
        "EDT" => Some(-4),
        "EST" => Some(-5),
        other => {
            return Err(format!(
                "unknown time zone {other:?} (expected ET, EDT or EST)"
            ));
        }
    };
    let offset: Offset = match (tz.to_ambiguous_timestamp(dt).offset(), wanted) {
        (AmbiguousOffset::Unambiguous { offset }, None) => offset,
        (AmbiguousOffset::Unambiguous { offset }, Some(h)) if offset.seconds() == h * 3600 => {
            offset
        }
        (AmbiguousOffset::Fold { before, after }, Some(h)) => [before, after]
            .into_iter()
            .find(|o| o.seconds() == h * 3600)
            .ok_or_else(|| format!("{zone} does not apply to {dt} in New York"))?,
        (AmbiguousOffset::Fold { .. }, None) => {
            return Err(format!(
                "{dt} is ambiguous in New York (clocks go back); say EDT or EST"
            ));
        }
        (AmbiguousOffset::Gap { .. }, _) => {
            return Err(format!(
                "{dt} does not exist in New York (clocks go forward)"
            ));
        }
        (AmbiguousOffset::Unambiguous { .. }, Some(_)) => {
            return Err(format!("{zone} does not apply to {dt} in New York"));
        }
    };
    let ts = offset
        .to_timestamp(dt)
        .map_err(|e| format!("time out of range: {e}"))?;
    UnixNanos::from_timestamp(ts).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instant_utc(text: &str) -> String {
        let q = parse_quote_time(2, text).unwrap();
        q.instant.to_timestamp().unwrap().to_string()
    }

    #[test]
    fn quote_times_of_both_layouts() {
        assert_eq!(
            instant_utc("June 9, 2025 at 4:52 PM EDT"),
            "2025-06-09T20:52:00Z"
        );
        assert_eq!(
            instant_utc("September 25, 2025 at 9:05 PM EDT"),
            "2025-09-26T01:05:00Z"
        );
        assert_eq!(
            instant_utc("Mar 22 2020 @ 18:24 ET"),
            "2020-03-22T22:24:00Z"
        );
        assert_eq!(instant_utc("Jan 3 2020 @ 9:30 ET"), "2020-01-03T14:30:00Z");
        assert_eq!(
            instant_utc("December 1, 2025 at 12:05 AM EST"),
            "2025-12-01T05:05:00Z"
        );
        assert_eq!(
            instant_utc("December 1, 2025 at 12:05 PM EST"),
            "2025-12-01T17:05:00Z"
        );
        // The repeated hour of 2025-11-02 is told apart by the abbreviation.
        assert_eq!(
            instant_utc("November 2, 2025 at 1:30 AM EDT"),
            "2025-11-02T05:30:00Z"
        );
        assert_eq!(
            instant_utc("November 2, 2025 at 1:30 AM EST"),
            "2025-11-02T06:30:00Z"
        );
    }

    #[test]
    fn bad_quote_times_name_the_problem() {
        for (text, needle) in [
            ("November 2, 2025 at 1:30 AM ET", "ambiguous"),
            ("March 9, 2025 at 2:30 AM ET", "does not exist"),
            ("June 9, 2025 at 4:52 PM EST", "does not apply"),
            ("Juno 9, 2025 at 4:52 PM EDT", "unknown month"),
            ("June 31, 2025 at 4:52 PM EDT", "invalid date"),
            ("June 9, 2025 at 13:52 PM EDT", "12-hour"),
            ("June 9, 2025 at 4:52 PM CET", "unknown time zone"),
            ("June 9 2025 4:52 PM", "expected"),
        ] {
            let e = parse_quote_time(3, text).unwrap_err().to_string();
            assert!(e.contains(needle) && e.starts_with("line 3"), "{text}: {e}");
        }
    }

    #[test]
    fn months() {
        assert_eq!(month_number("Mar"), Some(3));
        assert_eq!(month_number("september"), Some(9));
        assert_eq!(month_number("Sept"), Some(9));
        assert_eq!(month_number("Ju"), None);
        assert_eq!(month_number("Jux"), None);
    }
}
