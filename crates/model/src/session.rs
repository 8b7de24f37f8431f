//! Trading sessions in America/New_York, Zurich display conversions and the ES/SPX trade-date rule.
//!
//! Every schedule is defined on the New York wall clock and converted to instants with the bundled
//! tz database; Europe/Zurich appears only for display ([`to_zurich`], [`zurich_times`]). This keeps
//! the weeks between the US and EU clock changes right: there 09:30 ET is 14:30 in Zurich, not 15:30.
//!
//! # Sessions ([`SessionKind`]), all for a trading day `D` of [`crate::calendar`]
//! * [`SessionKind::Cash`]: SPX index / SPY shares regular hours, 09:30–16:00 ET (13:00 on early
//!   closes).
//! * [`SessionKind::IndexOptions`]: non-expiring SPX/SPXW (and SPY) options, 09:30–16:15 ET (13:15 on
//!   early closes). SPY's 16:15 close for non-expiring series is the common broad-ETF rule and is not
//!   verified against gammaflow data.
//! * [`SessionKind::ExpiringOptions`]: PM-settled series on their expiry day (SPXW, SPY) stop at
//!   the cash close, 16:00 ET (13:00 on early closes).
//! * [`SessionKind::SpxGlobalTradingHours`]: Cboe GTH for trade date `D`: 20:15 ET on the calendar day
//!   before `D` (Sunday evening for a Monday) to 09:15 ET on `D`, for trade dates from
//!   [`GTH_OVERNIGHT_FROM`] (2021-11-22); before that GTH ran 03:00–09:15 ET on `D`. The Cboe curb
//!   session (16:15–17:00 ET) is not modelled.
//! * [`SessionKind::EsGlobex`]: CME Globex ES for trade date `D`: 18:00 ET on the calendar day before
//!   `D` (Sunday for Monday) to 17:00 ET on `D` (13:15 ET on NYSE early-close days); the daily
//!   17:00–18:00 break is the gap between consecutive sessions. Simplifications: sessions exist only on
//!   NYSE trading days (CME's abbreviated sessions on some NYSE holidays, which roll into the next
//!   trade date, are not modelled), and the pre-2021 16:15–16:30 ET halt is not modelled.
//!
//! # The ES/SPX dashboard trade date
//! The spec sets trade date `D` to 02:15–22:00 Zurich. In a normal week that is 20:15 ET on the
//! calendar day before `D` (the SPX GTH open) to 16:00 ET on `D` (the cash close), so the window is
//! defined in New York time: **[20:15 ET on `D`−1 day, cash close of `D`)**, the close being 16:00 ET
//! or 13:00 ET on early-close days (the SPXW PM settlement and the last cash print; the 13:15 index
//! option close is not used). `D` is always an NYSE trading day; the window opens on the calendar day
//! before even when that day is a weekend or a holiday (Sunday 20:15 ET for a Monday), which matches
//! the spec's 02:15 Zurich on `D` itself. In the mismatch weeks the window shows as 01:15–21:00 Zurich.
//!
//! [`trade_date_of`] returns `None` outside every window (after the close, weekends, holidays).
//! [`attributed_trade_date`] applies the spec's `previous_session` rule (00:00–02:14 Zurich belongs to
//! the previous trade date), extended to the whole gap: any instant between the close of `D` and the
//! next window's open belongs to `D`.

use jiff::Zoned;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

use crate::calendar::{self, DayKind, add_days, jiff_err};
use crate::{ModelError, UnixNanos};

/// IANA name of the exchange time zone.
pub const NEW_YORK_TZ: &str = "America/New_York";
/// IANA name of the display time zone.
pub const ZURICH_TZ: &str = "Europe/Zurich";

/// Cash / regular-hours open, ET.
pub const CASH_OPEN: Time = Time::constant(9, 30, 0, 0);
/// Cash close on a full day, ET (also the SPXW/SPY PM settlement time).
pub const CASH_CLOSE: Time = Time::constant(16, 0, 0, 0);
/// Cash close on an early-close day, ET.
pub const CASH_EARLY_CLOSE: Time = calendar::EARLY_CLOSE;
/// Close of non-expiring index options on a full day, ET.
pub const INDEX_OPTIONS_CLOSE: Time = Time::constant(16, 15, 0, 0);
/// Close of non-expiring index options on an early-close day, ET.
pub const INDEX_OPTIONS_EARLY_CLOSE: Time = Time::constant(13, 15, 0, 0);
/// SPX GTH open on the evening before the trade date, ET (also the trade-date window open).
pub const GTH_OPEN: Time = Time::constant(20, 15, 0, 0);
/// SPX GTH open on the trade date itself before [`GTH_OVERNIGHT_FROM`], ET.
pub const GTH_LEGACY_OPEN: Time = Time::constant(3, 0, 0, 0);
/// SPX GTH close on the trade date, ET.
pub const GTH_CLOSE: Time = Time::constant(9, 15, 0, 0);
/// First trade date whose GTH session opened the evening before (Sunday 2021-11-21 20:15 ET).
pub const GTH_OVERNIGHT_FROM: Date = Date::constant(2021, 11, 22);
/// CME Globex ES open on the evening before the trade date, ET.
pub const GLOBEX_OPEN: Time = Time::constant(18, 0, 0, 0);
/// CME Globex ES close on the trade date, ET.
pub const GLOBEX_CLOSE: Time = Time::constant(17, 0, 0, 0);
/// CME Globex ES close on NYSE early-close days, ET.
pub const GLOBEX_EARLY_CLOSE: Time = Time::constant(13, 15, 0, 0);

/// Which trading session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionKind {
    /// SPX index / SPY shares regular hours: 09:30–16:00 ET (13:00 early close).
    Cash,
    /// Non-expiring SPX/SPXW/SPY options: 09:30–16:15 ET (13:15 early close).
    IndexOptions,
    /// PM-settled options on their expiry day: 09:30–16:00 ET (13:00 early close).
    ExpiringOptions,
    /// Cboe SPX global trading hours: 20:15 ET the evening before – 09:15 ET.
    SpxGlobalTradingHours,
    /// CME Globex ES: 18:00 ET the evening before – 17:00 ET (13:15 early close).
    EsGlobex,
    /// The ES/SPX dashboard trade-date window: 20:15 ET the evening before – cash close.
    DashboardTradeDate,
}

/// One session: the half-open interval `[open, close)` of a trade date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Session {
    /// Which session.
    pub kind: SessionKind,
    /// The trade date (America/New_York) the session belongs to.
    pub trade_date: Date,
    /// First instant of the session (UTC nanoseconds).
    pub open: UnixNanos,
    /// First instant after the session (UTC nanoseconds).
    pub close: UnixNanos,
}

impl Session {
    /// Whether `t` lies in `[open, close)`.
    pub fn contains(&self, t: UnixNanos) -> bool {
        self.open <= t && t < self.close
    }

    /// Length of the session in whole seconds.
    pub fn duration_secs(&self) -> u64 {
        self.close.as_secs().saturating_sub(self.open.as_secs())
    }
}

/// The America/New_York zone from the bundled tz database.
pub fn new_york() -> Result<TimeZone, ModelError> {
    TimeZone::get(NEW_YORK_TZ).map_err(|e| jiff_err(NEW_YORK_TZ, e))
}

/// The Europe/Zurich zone from the bundled tz database.
pub fn zurich() -> Result<TimeZone, ModelError> {
    TimeZone::get(ZURICH_TZ).map_err(|e| jiff_err(ZURICH_TZ, e))
}

/// `t` on the America/New_York wall clock.
pub fn to_new_york(t: UnixNanos) -> Result<Zoned, ModelError> {
    Ok(t.to_timestamp()?.to_zoned(new_york()?))
}

/// `t` on the Europe/Zurich wall clock (for display only).
pub fn to_zurich(t: UnixNanos) -> Result<Zoned, ModelError> {
    Ok(t.to_timestamp()?.to_zoned(zurich()?))
}

/// The instant of New York wall-clock `time` on `date`. Errors if that wall-clock time does not exist
/// or is ambiguous (02:00–03:00 on DST change days; no market time falls there).
pub fn from_new_york(date: Date, time: Time) -> Result<UnixNanos, ModelError> {
    let dt = date.to_datetime(time);
    let ts = new_york()?
        .to_ambiguous_zoned(dt)
        .unambiguous()
        .map_err(|e| jiff_err(format!("{dt} {NEW_YORK_TZ}"), e))?
        .timestamp();
    UnixNanos::from_timestamp(ts)
}

/// The Zurich wall-clock date-time of New York `time` on `date` (display helper).
pub fn new_york_to_zurich(date: Date, time: Time) -> Result<DateTime, ModelError> {
    Ok(to_zurich(from_new_york(date, time)?)?.datetime())
}

/// The session of `kind` for trade date `date`; `None` if `date` is not a trading day.
pub fn session(kind: SessionKind, date: Date) -> Result<Option<Session>, ModelError> {
    let day = calendar::day_kind(date)?;
    if !day.is_trading_day() {
        return Ok(None);
    }
    let early = day == DayKind::EarlyClose;
    let cash_close = if early { CASH_EARLY_CLOSE } else { CASH_CLOSE };
    let (open_date, open_time, close_time) = match kind {
        SessionKind::Cash | SessionKind::ExpiringOptions => (date, CASH_OPEN, cash_close),
        SessionKind::IndexOptions => {
            let close = if early {
                INDEX_OPTIONS_EARLY_CLOSE
            } else {
                INDEX_OPTIONS_CLOSE
            };
            (date, CASH_OPEN, close)
        }
        SessionKind::SpxGlobalTradingHours => {
            if date >= GTH_OVERNIGHT_FROM {
                (add_days(date, -1)?, GTH_OPEN, GTH_CLOSE)
            } else {
                (date, GTH_LEGACY_OPEN, GTH_CLOSE)
            }
        }
        SessionKind::EsGlobex => {
            let close = if early {
                GLOBEX_EARLY_CLOSE
            } else {
                GLOBEX_CLOSE
            };
            (add_days(date, -1)?, GLOBEX_OPEN, close)
        }
        SessionKind::DashboardTradeDate => (add_days(date, -1)?, GTH_OPEN, cash_close),
    };
    Ok(Some(Session {
        kind,
        trade_date: date,
        open: from_new_york(open_date, open_time)?,
        close: from_new_york(date, close_time)?,
    }))
}

/// The ES/SPX dashboard window of trade date `date`: `[20:15 ET on date − 1 day, cash close of date)`.
/// Errors with [`ModelError::NotATradingDay`] if `date` is not a trading day.
pub fn trade_date_window(date: Date) -> Result<Session, ModelError> {
    calendar::require_trading_day(date)?;
    session(SessionKind::DashboardTradeDate, date)?.ok_or_else(|| ModelError::NotATradingDay {
        date: date.to_string(),
        reason: "no dashboard window".to_owned(),
    })
}

/// The dashboard trade date whose window contains `t`, or `None` between a close and the next
/// window (evenings before 20:15 ET, weekends, holidays).
pub fn trade_date_of(t: UnixNanos) -> Result<Option<Date>, ModelError> {
    let ny = to_new_york(t)?;
    let day = ny.date();
    // The window containing `t` can only belong to the New York date of `t` or the day after.
    for candidate in [day, add_days(day, 1)?] {
        if let Some(window) = session(SessionKind::DashboardTradeDate, candidate)?
            && window.contains(t)
        {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// The dashboard trade date `t` is attributed to: the window containing `t`, else (the spec's
/// `previous_session` rule) the last trade date whose window closed at or before `t`.
pub fn attributed_trade_date(t: UnixNanos) -> Result<Date, ModelError> {
    if let Some(d) = trade_date_of(t)? {
        return Ok(d);
    }
    let day = to_new_york(t)?.date();
    match session(SessionKind::DashboardTradeDate, day)? {
        Some(window) if window.close <= t => Ok(day),
        _ => calendar::previous_trading_day(day),
    }
}

/// The CME trade date of `t`, for grouping a session's records by day: the trading day whose
/// Globex session (opening 18:00 ET the evening before) contains `t`. Instants outside every
/// session go to the nearest day by the same rule: in New York time, from 17:00 on the next
/// trading day; before 17:00 the calendar date itself when it is a trading day (so also the
/// 13:15–17:00 pause of an early close), else the next trading day.
pub fn globex_trade_date(t: UnixNanos) -> Result<Date, ModelError> {
    let ny = to_new_york(t)?;
    let day = ny.date();
    if ny.time() < GLOBEX_CLOSE && calendar::is_trading_day(day)? {
        return Ok(day);
    }
    calendar::next_trading_day(day)
}

/// Zurich wall-clock times of a trade date's schedule, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZurichTimes {
    /// The trade date (America/New_York).
    pub trade_date: Date,
    /// Window open (20:15 ET the evening before): 02:15 Zurich normally, 01:15 in mismatch weeks.
    pub window_open: DateTime,
    /// SPX cash open (09:30 ET): 15:30 Zurich normally, 14:30 in mismatch weeks.
    pub cash_open: DateTime,
    /// Cash close / window close (16:00 or 13:00 ET): 22:00 or 19:00 Zurich normally, one hour
    /// earlier in mismatch weeks.
    pub close: DateTime,
}

/// The Zurich wall-clock times of trade date `date`'s window and cash open (for display only).
pub fn zurich_times(date: Date) -> Result<ZurichTimes, ModelError> {
    let window = trade_date_window(date)?;
    Ok(ZurichTimes {
        trade_date: date,
        window_open: to_zurich(window.open)?.datetime(),
        cash_open: new_york_to_zurich(date, CASH_OPEN)?,
        close: to_zurich(window.close)?.datetime(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn ny(d: Date, h: i8, m: i8) -> UnixNanos {
        from_new_york(d, time(h, m, 0, 0)).unwrap()
    }

    #[test]
    fn globex_trade_date_groups_the_session() {
        let g = |d: Date, h: i8, m: i8| globex_trade_date(ny(d, h, m)).unwrap();
        // Sunday evening and Monday belong to Monday 2025-06-09.
        assert_eq!(g(date(2025, 6, 8), 18, 0), date(2025, 6, 9));
        assert_eq!(g(date(2025, 6, 9), 16, 59), date(2025, 6, 9));
        assert_eq!(g(date(2025, 6, 9), 17, 0), date(2025, 6, 10));
        // Friday evening goes to Monday; Juneteenth 2025 (Thursday) is closed: its evening and
        // Wednesday evening both go to Friday.
        assert_eq!(g(date(2025, 6, 13), 18, 0), date(2025, 6, 16));
        assert_eq!(g(date(2025, 6, 18), 18, 0), date(2025, 6, 20));
        assert_eq!(g(date(2025, 6, 19), 12, 0), date(2025, 6, 20));
        // Every Globex minute of a session maps to its trade date.
        let s = session(SessionKind::EsGlobex, date(2025, 6, 10))
            .unwrap()
            .unwrap();
        let mut t = s.open;
        while t < s.close {
            assert_eq!(globex_trade_date(t).unwrap(), date(2025, 6, 10));
            t = UnixNanos(t.0 + 60 * 1_000_000_000);
        }
    }

    #[test]
    fn cash_session_utc() {
        let s = session(SessionKind::Cash, date(2025, 6, 9))
            .unwrap()
            .unwrap();
        assert_eq!(s.open.to_string(), "2025-06-09T13:30:00Z");
        assert_eq!(s.close.to_string(), "2025-06-09T20:00:00Z");
        assert_eq!(s.duration_secs(), 6 * 3600 + 1800);
        let s = session(SessionKind::Cash, date(2025, 1, 6))
            .unwrap()
            .unwrap();
        assert_eq!(s.open.to_string(), "2025-01-06T14:30:00Z");
        assert!(
            session(SessionKind::Cash, date(2025, 6, 7))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn early_close_sessions() {
        let d = date(2024, 11, 29);
        let cash = session(SessionKind::Cash, d).unwrap().unwrap();
        assert_eq!(cash.close, ny(d, 13, 0));
        let opt = session(SessionKind::IndexOptions, d).unwrap().unwrap();
        assert_eq!(opt.close, ny(d, 13, 15));
        let es = session(SessionKind::EsGlobex, d).unwrap().unwrap();
        assert_eq!(es.close, ny(d, 13, 15));
        let full = session(SessionKind::IndexOptions, date(2024, 11, 27))
            .unwrap()
            .unwrap();
        assert_eq!(full.close, ny(date(2024, 11, 27), 16, 15));
    }

    #[test]
    fn gth_and_globex_open_the_evening_before() {
        let monday = date(2025, 3, 10);
        let gth = session(SessionKind::SpxGlobalTradingHours, monday)
            .unwrap()
            .unwrap();
        assert_eq!(gth.open, ny(date(2025, 3, 9), 20, 15));
        assert_eq!(gth.close, ny(monday, 9, 15));
        let es = session(SessionKind::EsGlobex, monday).unwrap().unwrap();
        assert_eq!(es.open, ny(date(2025, 3, 9), 18, 0));
        assert_eq!(es.close, ny(monday, 17, 0));
        // Before the 2021 extension GTH started at 03:00 ET on the trade date.
        let old = session(SessionKind::SpxGlobalTradingHours, date(2021, 11, 19))
            .unwrap()
            .unwrap();
        assert_eq!(old.open, ny(date(2021, 11, 19), 3, 0));
    }

    #[test]
    fn trade_date_rule() {
        let tue = date(2025, 6, 10);
        let w = trade_date_window(tue).unwrap();
        assert_eq!(w.open, ny(date(2025, 6, 9), 20, 15));
        assert_eq!(w.close, ny(tue, 16, 0));
        assert_eq!(trade_date_of(w.open).unwrap(), Some(tue));
        assert_eq!(trade_date_of(UnixNanos(w.close.0 - 1)).unwrap(), Some(tue));
        assert_eq!(trade_date_of(w.close).unwrap(), None);
        assert_eq!(attributed_trade_date(w.close).unwrap(), tue);
        // 20:14 ET Monday is after Monday's close and before Tuesday's window.
        let gap = ny(date(2025, 6, 9), 20, 14);
        assert_eq!(trade_date_of(gap).unwrap(), None);
        assert_eq!(attributed_trade_date(gap).unwrap(), date(2025, 6, 9));
        // Weekend: nothing; attributed to Friday. Sunday 20:15 ET opens Monday.
        let sat = ny(date(2025, 6, 7), 12, 0);
        assert_eq!(trade_date_of(sat).unwrap(), None);
        assert_eq!(attributed_trade_date(sat).unwrap(), date(2025, 6, 6));
        let sun = ny(date(2025, 6, 8), 20, 15);
        assert_eq!(trade_date_of(sun).unwrap(), Some(date(2025, 6, 9)));
        // Holiday (Juneteenth Thursday 2025-06-19): its evening opens Friday's window.
        let hol = ny(date(2025, 6, 19), 12, 0);
        assert_eq!(trade_date_of(hol).unwrap(), None);
        assert_eq!(attributed_trade_date(hol).unwrap(), date(2025, 6, 18));
        let eve = ny(date(2025, 6, 19), 21, 0);
        assert_eq!(trade_date_of(eve).unwrap(), Some(date(2025, 6, 20)));
        assert!(trade_date_window(date(2025, 6, 19)).is_err());
    }

    #[test]
    fn zurich_display_normal_and_mismatch() {
        let normal = zurich_times(date(2025, 6, 10)).unwrap();
        assert_eq!(normal.window_open, date(2025, 6, 10).at(2, 15, 0, 0));
        assert_eq!(normal.cash_open.time(), time(15, 30, 0, 0));
        assert_eq!(normal.close.time(), time(22, 0, 0, 0));
        let mismatch = zurich_times(date(2025, 3, 11)).unwrap();
        assert_eq!(mismatch.window_open, date(2025, 3, 11).at(1, 15, 0, 0));
        assert_eq!(mismatch.cash_open.time(), time(14, 30, 0, 0));
        assert_eq!(mismatch.close.time(), time(21, 0, 0, 0));
        let early = zurich_times(date(2025, 12, 24)).unwrap();
        assert_eq!(early.close.time(), time(19, 0, 0, 0));
    }

    #[test]
    fn nonexistent_new_york_time_is_an_error() {
        assert!(from_new_york(date(2025, 3, 9), time(2, 30, 0, 0)).is_err());
    }
}
