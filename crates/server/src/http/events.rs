//! `GET /api/events?from=<ISO date>&days=<n>`: the macro events calendar
//! ([`crate::events`]), loaded at startup.
//!
//! * no parameters: every event of the calendar;
//! * `from`: the events on or after that New York date;
//! * `days` (1–3660): the events of that many New York days from `from` (from today's New York
//!   date, by the server's clock, when `from` is absent).
//!
//! A bad value, or any other parameter (but `token`), is a 400 naming the parameter.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use jiff::civil::Date;

use super::{ApiError, Shared};
use crate::events::{EventsView, NEW_YORK};

/// Largest accepted `days`.
const MAX_DAYS: i64 = 3_660;

/// `GET /api/events`.
pub(crate) async fn events(
    State(shared): State<Shared>,
    query: Result<Query<BTreeMap<String, String>>, QueryRejection>,
) -> Result<Json<EventsView>, ApiError> {
    let Query(params) = query.map_err(|rejection| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("bad query string: {rejection}"),
        )
    })?;
    let (from, until) = range(&params, today_new_york)?;
    Ok(Json(shared.app.events.view(from, until)))
}

/// The New York date now (the server's clock).
fn today_new_york() -> Result<Date, ApiError> {
    jiff::Timestamp::now()
        .in_tz(NEW_YORK)
        .map(|z| z.date())
        .map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("no {NEW_YORK} time zone: {e}"),
            )
        })
}

/// `[from, until)` of the parameters (open ends as `None`); `today` is asked only for `days`
/// without `from`.
fn range(
    params: &BTreeMap<String, String>,
    today: impl FnOnce() -> Result<Date, ApiError>,
) -> Result<(Option<Date>, Option<Date>), ApiError> {
    let bad = |message: String| ApiError::new(StatusCode::BAD_REQUEST, message);
    if let Some(unknown) = params
        .keys()
        .find(|k| !matches!(k.as_str(), "from" | "days" | "token"))
    {
        return Err(bad(format!(
            "unknown parameter {unknown:?}; the parameters are from (an ISO date) and days"
        )));
    }
    let given = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let from = given("from")
        .map(|text| {
            parse_iso_date(text).ok_or_else(|| {
                bad(format!(
                    "from: expected an ISO date like 2026-12-01, got {text:?}"
                ))
            })
        })
        .transpose()?;
    let days = given("days")
        .map(|text| match text.parse::<i64>() {
            Ok(n) if (1..=MAX_DAYS).contains(&n) => Ok(n),
            _ => Err(bad(format!(
                "days: expected a number of days from 1 to {MAX_DAYS}, got {text:?}"
            ))),
        })
        .transpose()?;
    let Some(days) = days else {
        return Ok((from, None));
    };
    let start = match from {
        Some(d) => d,
        None => today()?,
    };
    let until = start
        .checked_add(jiff::Span::new().days(days))
        .map_err(|e| {
            bad(format!(
                "days: {days} days after {start} is out of range ({e})"
            ))
        })?;
    Ok((Some(start), Some(until)))
}

/// `YYYY-MM-DD` exactly.
fn parse_iso_date(text: &str) -> Option<Date> {
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if shape { text.parse().ok() } else { None }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn never() -> Result<Date, ApiError> {
        panic!("today asked for")
    }

    fn message(e: ApiError) -> String {
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        e.message
    }

    #[test]
    fn ranges_come_from_from_and_days() {
        let d = |m, day| jiff::civil::date(2026, m, day);
        assert_eq!(range(&params(&[]), never).unwrap(), (None, None));
        assert_eq!(
            range(&params(&[("from", "2026-12-01")]), never).unwrap(),
            (Some(d(12, 1)), None)
        );
        assert_eq!(
            range(&params(&[("from", "2026-12-01"), ("days", "31")]), never).unwrap(),
            (Some(d(12, 1)), Some(jiff::civil::date(2027, 1, 1)))
        );
        assert_eq!(
            range(&params(&[("days", "7"), ("token", "x")]), || Ok(d(11, 30))).unwrap(),
            (Some(d(11, 30)), Some(d(12, 7)))
        );
        // Empty values are absent.
        assert_eq!(
            range(&params(&[("from", ""), ("days", "")]), never).unwrap(),
            (None, None)
        );
    }

    #[test]
    fn bad_values_name_the_parameter() {
        for (pairs, needle) in [
            (&[("from", "2026-13-01")][..], "from: expected an ISO date"),
            (&[("from", "12/01/2026")][..], "from: expected an ISO date"),
            (&[("days", "0")][..], "days: expected a number of days"),
            (&[("days", "3661")][..], "days: expected a number of days"),
            (&[("days", "week")][..], "days: expected a number of days"),
            (&[("to", "2026-12-31")][..], "unknown parameter \"to\""),
        ] {
            let e =
                message(range(&params(pairs), || Ok(jiff::civil::date(2026, 11, 30))).unwrap_err());
            assert!(e.starts_with(needle), "{pairs:?}: {e}");
        }
    }
}
