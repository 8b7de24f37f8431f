//! NYSE / Cboe trading calendar for US equities and equity/index options, 2015–2030.
//!
//! The calendar is computed from the exchanges' rules, not from a downloaded list, and covers the
//! calendar years [`FIRST_YEAR`]..=[`LAST_YEAR`]. Every function returns
//! [`ModelError::DateOutOfCalendarRange`] for a date outside those years instead of guessing.
//! All dates are civil dates in America/New_York.
//!
//! # Full-day holidays (NYSE Rule 7.2)
//! * New Year's Day (1 Jan). On a Sunday it is observed on Monday 2 Jan; on a Saturday **no** holiday
//!   is observed (the Friday 31 Dec would end an accounting period, so NYSE stays open: 2022, 2028).
//! * Martin Luther King Jr. Day (3rd Monday of January), Washington's Birthday (3rd Monday of
//!   February), Good Friday (two days before Western Easter, computed with the Gregorian computus),
//!   Memorial Day (last Monday of May), Labor Day (1st Monday of September), Thanksgiving (4th
//!   Thursday of November).
//! * Juneteenth (19 Jun) from 2022 on (NYSE did not observe it in 2021), Independence Day (4 Jul),
//!   Christmas (25 Dec): a Saturday holiday is observed on the Friday before, a Sunday one on the
//!   Monday after.
//! * One-off closures: 2018-12-05 (national day of mourning, President G. H. W. Bush) and 2025-01-09
//!   (national day of mourning, President Carter).
//!
//! # Early closes at 13:00 ET ([`EARLY_CLOSE`]; eligible options 13:15 ET)
//! * 3 July when it is a Monday–Thursday (so Independence Day is a Tuesday–Friday);
//! * the Friday after Thanksgiving;
//! * 24 December when it is a Monday–Thursday.
//!
//! These rules reproduce the NYSE-published lists for 2015–2028 (checked: 2015 no July early close;
//! 2016 only 25 Nov; 2021 and 2022 only the Friday after Thanksgiving; 2026 no early close on 2 July
//! because 3 July is the observed holiday; 2027 Christmas observed Friday 24 Dec; 2028 no New Year's
//! holiday and an early close on Monday 3 July). 2029–2030 are projections of the same rules: NYSE had
//! not published them when this was written, and any future one-off closure (e.g. a day of mourning)
//! is by nature unknown.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

use jiff::Span;
use jiff::civil::{Date, Time, Weekday};

use crate::ModelError;

/// First calendar year covered.
pub const FIRST_YEAR: i16 = 2015;
/// Last calendar year covered.
pub const LAST_YEAR: i16 = 2030;
/// Close of the cash equity market on an early-close day, America/New_York wall clock.
pub const EARLY_CLOSE: Time = Time::constant(13, 0, 0, 0);

/// A full-day NYSE/Cboe closure on a weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Holiday {
    /// New Year's Day (observed).
    NewYearsDay,
    /// Martin Luther King Jr. Day.
    MartinLutherKingJrDay,
    /// Washington's Birthday (Presidents' Day).
    WashingtonsBirthday,
    /// Good Friday.
    GoodFriday,
    /// Memorial Day.
    MemorialDay,
    /// Juneteenth National Independence Day (observed), from 2022.
    Juneteenth,
    /// Independence Day (observed).
    IndependenceDay,
    /// Labor Day.
    LaborDay,
    /// Thanksgiving Day.
    Thanksgiving,
    /// Christmas Day (observed).
    Christmas,
    /// An unscheduled national day of mourning (2018-12-05, 2025-01-09).
    NationalDayOfMourning,
}

impl Holiday {
    /// The holiday's English name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::NewYearsDay => "New Year's Day",
            Self::MartinLutherKingJrDay => "Martin Luther King Jr. Day",
            Self::WashingtonsBirthday => "Washington's Birthday",
            Self::GoodFriday => "Good Friday",
            Self::MemorialDay => "Memorial Day",
            Self::Juneteenth => "Juneteenth",
            Self::IndependenceDay => "Independence Day",
            Self::LaborDay => "Labor Day",
            Self::Thanksgiving => "Thanksgiving Day",
            Self::Christmas => "Christmas Day",
            Self::NationalDayOfMourning => "National Day of Mourning",
        }
    }
}

impl fmt::Display for Holiday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What kind of day a date is on the NYSE/Cboe calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// Saturday or Sunday.
    Weekend,
    /// A weekday closure.
    Holiday(Holiday),
    /// A full trading day (cash market 09:30–16:00 ET).
    FullDay,
    /// A trading day that closes at [`EARLY_CLOSE`] (13:00 ET).
    EarlyClose,
}

impl DayKind {
    /// Whether the market trades on this day (full or early close).
    pub const fn is_trading_day(self) -> bool {
        matches!(self, Self::FullDay | Self::EarlyClose)
    }
}

/// Holidays and early closes of every covered year, computed once.
static SPECIAL_DAYS: LazyLock<Result<BTreeMap<Date, DayKind>, ModelError>> =
    LazyLock::new(build_special_days);

fn build_special_days() -> Result<BTreeMap<Date, DayKind>, ModelError> {
    let mut map = BTreeMap::new();
    for year in FIRST_YEAR..=LAST_YEAR {
        for (date, holiday) in rule_holidays(year)? {
            map.insert(date, DayKind::Holiday(holiday));
        }
        for date in rule_early_closes(year)? {
            map.insert(date, DayKind::EarlyClose);
        }
    }
    Ok(map)
}

fn special_days() -> Result<&'static BTreeMap<Date, DayKind>, ModelError> {
    SPECIAL_DAYS.as_ref().map_err(Clone::clone)
}

/// Maps a jiff error into [`ModelError::TimeConversion`] naming the input.
pub(crate) fn jiff_err(input: impl fmt::Display, e: jiff::Error) -> ModelError {
    ModelError::TimeConversion {
        input: input.to_string(),
        reason: e.to_string(),
    }
}

/// `date + days` (negative to go back), as a checked civil-date operation.
pub(crate) fn add_days(date: Date, days: i64) -> Result<Date, ModelError> {
    let span = Span::new()
        .try_days(days)
        .map_err(|e| jiff_err(format!("{date} + {days} days"), e))?;
    date.checked_add(span)
        .map_err(|e| jiff_err(format!("{date} + {days} days"), e))
}

fn ymd(year: i16, month: i8, day: i8) -> Result<Date, ModelError> {
    Date::new(year, month, day).map_err(|e| jiff_err(format!("{year}-{month:02}-{day:02}"), e))
}

/// The `nth` `weekday` of a month (negative `nth` counts from the end: -1 = last).
pub(crate) fn nth_weekday(
    year: i16,
    month: i8,
    nth: i8,
    weekday: Weekday,
) -> Result<Date, ModelError> {
    ymd(year, month, 1)?
        .nth_weekday_of_month(nth, weekday)
        .map_err(|e| jiff_err(format!("{year}-{month:02} weekday #{nth}"), e))
}

/// Western (Gregorian) Easter Sunday of `year`, by the anonymous Gregorian computus.
pub fn easter_sunday(year: i16) -> Result<Date, ModelError> {
    let y = i32::from(year);
    let golden = y % 19;
    let century = y / 100;
    let year_in_century = y % 100;
    let leap_corr = century / 4;
    let century_rem = century % 4;
    let sync = (century + 8) / 25;
    let moon_corr = (century - sync + 1) / 3;
    let epact = (19 * golden + century - leap_corr - moon_corr + 15) % 30;
    let yic_q = year_in_century / 4;
    let yic_r = year_in_century % 4;
    let weekday_off = (32 + 2 * century_rem + 2 * yic_q - epact - yic_r) % 7;
    let adjust = (golden + 11 * epact + 22 * weekday_off) / 451;
    let n = epact + weekday_off - 7 * adjust + 114;
    let month = (n / 31) as i8;
    let day = (n % 31 + 1) as i8;
    ymd(year, month, day)
}

/// Moves a Saturday holiday to Friday and a Sunday holiday to Monday.
fn observed(date: Date) -> Result<Date, ModelError> {
    match date.weekday() {
        Weekday::Saturday => add_days(date, -1),
        Weekday::Sunday => add_days(date, 1),
        _ => Ok(date),
    }
}

fn rule_holidays(year: i16) -> Result<Vec<(Date, Holiday)>, ModelError> {
    use Holiday as H;
    let mut out = Vec::with_capacity(12);
    let new_year = ymd(year, 1, 1)?;
    match new_year.weekday() {
        Weekday::Saturday => {} // NYSE Rule 7.2: no holiday on Friday 31 Dec.
        Weekday::Sunday => out.push((add_days(new_year, 1)?, H::NewYearsDay)),
        _ => out.push((new_year, H::NewYearsDay)),
    }
    out.push((
        nth_weekday(year, 1, 3, Weekday::Monday)?,
        H::MartinLutherKingJrDay,
    ));
    out.push((
        nth_weekday(year, 2, 3, Weekday::Monday)?,
        H::WashingtonsBirthday,
    ));
    out.push((add_days(easter_sunday(year)?, -2)?, H::GoodFriday));
    out.push((nth_weekday(year, 5, -1, Weekday::Monday)?, H::MemorialDay));
    if year >= 2022 {
        out.push((observed(ymd(year, 6, 19)?)?, H::Juneteenth));
    }
    out.push((observed(ymd(year, 7, 4)?)?, H::IndependenceDay));
    out.push((nth_weekday(year, 9, 1, Weekday::Monday)?, H::LaborDay));
    out.push((
        nth_weekday(year, 11, 4, Weekday::Thursday)?,
        H::Thanksgiving,
    ));
    out.push((observed(ymd(year, 12, 25)?)?, H::Christmas));
    match year {
        2018 => out.push((ymd(2018, 12, 5)?, H::NationalDayOfMourning)),
        2025 => out.push((ymd(2025, 1, 9)?, H::NationalDayOfMourning)),
        _ => {}
    }
    out.sort_unstable();
    Ok(out)
}

fn is_mon_to_thu(date: Date) -> bool {
    matches!(
        date.weekday(),
        Weekday::Monday | Weekday::Tuesday | Weekday::Wednesday | Weekday::Thursday
    )
}

fn rule_early_closes(year: i16) -> Result<Vec<Date>, ModelError> {
    let mut out = Vec::with_capacity(3);
    let july3 = ymd(year, 7, 3)?;
    if is_mon_to_thu(july3) {
        out.push(july3);
    }
    out.push(add_days(nth_weekday(year, 11, 4, Weekday::Thursday)?, 1)?);
    let christmas_eve = ymd(year, 12, 24)?;
    if is_mon_to_thu(christmas_eve) {
        out.push(christmas_eve);
    }
    Ok(out)
}

/// Errors unless `date` lies in [`FIRST_YEAR`]..=[`LAST_YEAR`].
pub fn check_covered(date: Date) -> Result<(), ModelError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(())
    } else {
        Err(ModelError::DateOutOfCalendarRange {
            date: date.to_string(),
            first: FIRST_YEAR,
            last: LAST_YEAR,
        })
    }
}

/// The kind of day `date` is (weekend, holiday, full or early-close trading day).
pub fn day_kind(date: Date) -> Result<DayKind, ModelError> {
    check_covered(date)?;
    if matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
        return Ok(DayKind::Weekend);
    }
    Ok(special_days()?
        .get(&date)
        .copied()
        .unwrap_or(DayKind::FullDay))
}

/// The holiday closing the market on `date`, if any (weekends are not holidays).
pub fn holiday(date: Date) -> Result<Option<Holiday>, ModelError> {
    Ok(match day_kind(date)? {
        DayKind::Holiday(h) => Some(h),
        _ => None,
    })
}

/// Whether `date` is a weekday holiday (market closed).
pub fn is_holiday(date: Date) -> Result<bool, ModelError> {
    Ok(holiday(date)?.is_some())
}

/// Whether the market trades on `date` (a weekday that is not a holiday).
pub fn is_trading_day(date: Date) -> Result<bool, ModelError> {
    Ok(day_kind(date)?.is_trading_day())
}

/// The early cash close (13:00 America/New_York) if `date` is an early-close trading day.
pub fn early_close(date: Date) -> Result<Option<Time>, ModelError> {
    Ok(match day_kind(date)? {
        DayKind::EarlyClose => Some(EARLY_CLOSE),
        _ => None,
    })
}

/// Errors with [`ModelError::NotATradingDay`] (naming the reason) unless `date` is a trading day.
pub fn require_trading_day(date: Date) -> Result<DayKind, ModelError> {
    let kind = day_kind(date)?;
    let reason = match kind {
        DayKind::FullDay | DayKind::EarlyClose => return Ok(kind),
        DayKind::Weekend => "weekend".to_owned(),
        DayKind::Holiday(h) => h.name().to_owned(),
    };
    Err(ModelError::NotATradingDay {
        date: date.to_string(),
        reason,
    })
}

/// The first trading day strictly after `date`.
pub fn next_trading_day(date: Date) -> Result<Date, ModelError> {
    check_covered(date)?;
    let mut d = add_days(date, 1)?;
    while !is_trading_day(d)? {
        d = add_days(d, 1)?;
    }
    Ok(d)
}

/// The last trading day strictly before `date`.
pub fn previous_trading_day(date: Date) -> Result<Date, ModelError> {
    check_covered(date)?;
    let mut d = add_days(date, -1)?;
    while !is_trading_day(d)? {
        d = add_days(d, -1)?;
    }
    Ok(d)
}

/// The trading days in `from..=to` (both ends included), in order; empty if `from > to`.
pub fn trading_days(from: Date, to: Date) -> Result<Vec<Date>, ModelError> {
    check_covered(from)?;
    check_covered(to)?;
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        if is_trading_day(d)? {
            out.push(d);
        }
        d = add_days(d, 1)?;
    }
    Ok(out)
}

/// The last trading day of `date`'s month.
pub fn last_trading_day_of_month(date: Date) -> Result<Date, ModelError> {
    let last = date.last_of_month();
    if is_trading_day(last)? {
        Ok(last)
    } else {
        previous_trading_day(last)
    }
}

/// The weekday holidays of `year`, in date order.
pub fn holidays_in_year(year: i16) -> Result<Vec<(Date, Holiday)>, ModelError> {
    check_covered(ymd(year, 1, 1)?)?;
    Ok(special_days()?
        .iter()
        .filter(|(d, _)| d.year() == year)
        .filter_map(|(d, k)| match k {
            DayKind::Holiday(h) => Some((*d, *h)),
            _ => None,
        })
        .collect())
}

/// The early-close (13:00 ET) days of `year`, in date order.
pub fn early_closes_in_year(year: i16) -> Result<Vec<Date>, ModelError> {
    check_covered(ymd(year, 1, 1)?)?;
    Ok(special_days()?
        .iter()
        .filter(|(d, k)| d.year() == year && **k == DayKind::EarlyClose)
        .map(|(d, _)| *d)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn dates(list: &[(i16, i8, i8)]) -> Vec<Date> {
        list.iter().map(|&(y, m, d)| date(y, m, d)).collect()
    }

    #[test]
    fn easter_known_years() {
        for (y, m, d) in [
            (2015, 4, 5),
            (2016, 3, 27),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2030, 4, 21),
        ] {
            assert_eq!(easter_sunday(y).unwrap(), date(y, m, d), "{y}");
        }
    }

    #[test]
    fn nyse_2024_list() {
        let got: Vec<Date> = holidays_in_year(2024)
            .unwrap()
            .into_iter()
            .map(|(d, _)| d)
            .collect();
        let want = dates(&[
            (2024, 1, 1),
            (2024, 1, 15),
            (2024, 2, 19),
            (2024, 3, 29),
            (2024, 5, 27),
            (2024, 6, 19),
            (2024, 7, 4),
            (2024, 9, 2),
            (2024, 11, 28),
            (2024, 12, 25),
        ]);
        assert_eq!(got, want);
        let early = dates(&[(2024, 7, 3), (2024, 11, 29), (2024, 12, 24)]);
        assert_eq!(early_closes_in_year(2024).unwrap(), early);
    }

    #[test]
    fn nyse_2025_list() {
        let got: Vec<Date> = holidays_in_year(2025)
            .unwrap()
            .into_iter()
            .map(|(d, _)| d)
            .collect();
        let want = dates(&[
            (2025, 1, 1),
            (2025, 1, 9),
            (2025, 1, 20),
            (2025, 2, 17),
            (2025, 4, 18),
            (2025, 5, 26),
            (2025, 6, 19),
            (2025, 7, 4),
            (2025, 9, 1),
            (2025, 11, 27),
            (2025, 12, 25),
        ]);
        assert_eq!(got, want);
        let early = dates(&[(2025, 7, 3), (2025, 11, 28), (2025, 12, 24)]);
        assert_eq!(early_closes_in_year(2025).unwrap(), early);
        assert_eq!(
            holiday(date(2025, 1, 9)).unwrap(),
            Some(Holiday::NationalDayOfMourning)
        );
    }

    #[test]
    fn observance_edge_cases() {
        // New Year on Saturday: no holiday, Friday 31 Dec trades.
        assert!(is_trading_day(date(2021, 12, 31)).unwrap());
        assert!(is_trading_day(date(2027, 12, 31)).unwrap());
        assert_eq!(holidays_in_year(2022).unwrap()[0].0, date(2022, 1, 17));
        // New Year on Sunday: Monday.
        assert!(is_holiday(date(2017, 1, 2)).unwrap());
        assert!(is_holiday(date(2023, 1, 2)).unwrap());
        // Juneteenth: none in 2021, Monday in 2022, Friday 18 Jun in 2027.
        assert!(is_trading_day(date(2021, 6, 18)).unwrap());
        assert!(is_holiday(date(2022, 6, 20)).unwrap());
        assert!(is_holiday(date(2027, 6, 18)).unwrap());
        // Independence Day on Saturday: Friday 3 July, no early close on 2 July.
        assert!(is_holiday(date(2026, 7, 3)).unwrap());
        assert_eq!(early_close(date(2026, 7, 2)).unwrap(), None);
        assert_eq!(early_close(date(2015, 7, 2)).unwrap(), None);
        assert_eq!(early_closes_in_year(2026).unwrap().len(), 2);
        // Christmas on Saturday: Friday 24 Dec closed, no early close.
        assert!(is_holiday(date(2021, 12, 24)).unwrap());
        assert!(is_holiday(date(2027, 12, 24)).unwrap());
        assert_eq!(
            early_closes_in_year(2022).unwrap(),
            dates(&[(2022, 11, 25)])
        );
        assert_eq!(
            early_closes_in_year(2028).unwrap(),
            dates(&[(2028, 7, 3), (2028, 11, 24)])
        );
        assert!(is_holiday(date(2018, 12, 5)).unwrap());
        // Early close time.
        assert_eq!(early_close(date(2024, 11, 29)).unwrap(), Some(EARLY_CLOSE));
    }

    #[test]
    fn every_year_has_core_holidays() {
        for year in FIRST_YEAR..=LAST_YEAR {
            let hs = holidays_in_year(year).unwrap();
            assert!((9..=11).contains(&hs.len()), "{year}: {hs:?}");
            for (d, h) in hs {
                assert!(
                    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday),
                    "{d} {h}"
                );
            }
        }
    }

    #[test]
    fn navigation() {
        assert_eq!(
            next_trading_day(date(2024, 3, 28)).unwrap(),
            date(2024, 4, 1)
        );
        assert_eq!(
            previous_trading_day(date(2024, 4, 1)).unwrap(),
            date(2024, 3, 28)
        );
        assert_eq!(
            next_trading_day(date(2024, 12, 31)).unwrap(),
            date(2025, 1, 2)
        );
        let days = trading_days(date(2025, 1, 6), date(2025, 1, 12)).unwrap();
        assert_eq!(days.len(), 4); // Thursday 9 Jan closed
        assert!(
            trading_days(date(2025, 1, 7), date(2025, 1, 6))
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            last_trading_day_of_month(date(2024, 8, 10)).unwrap(),
            date(2024, 8, 30)
        );
    }

    #[test]
    fn out_of_range_names_the_date() {
        let err = is_trading_day(date(2031, 1, 2)).unwrap_err();
        assert!(err.to_string().contains("2031-01-02"), "{err}");
        assert!(is_trading_day(date(2014, 12, 31)).is_err());
        assert!(next_trading_day(date(2030, 12, 31)).is_err());
        let err = require_trading_day(date(2024, 12, 25)).unwrap_err();
        assert!(err.to_string().contains("Christmas"), "{err}");
    }
}
