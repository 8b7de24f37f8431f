//! Option expiry schedules (0DTE), settlement style and time to expiry in years.
//!
//! Dates are NYSE/Cboe trading days of [`crate::calendar`] (2015–2030); instants are UTC nanoseconds
//! computed from America/New_York wall-clock times.
//!
//! # Schedules ([`OptionProduct`])
//! * **SPXW** (PM, European, cash): Fridays always; Wednesdays from [`SPXW_WEDNESDAY_FROM`];
//!   Mondays from [`SPXW_MONDAY_FROM`]; Tuesdays from [`SPXW_TUESDAY_FROM`] (Cboe listed them on
//!   2022-04-18, first expiry 04-26); Thursdays from [`SPXW_THURSDAY_FROM`] (listed 2022-05-11, first
//!   expiry assumed 05-19); so every trading day is an SPXW expiry from 2022-05-19 on. Plus the last
//!   trading day of every month (end-of-month series). The 2016 Monday/Wednesday start dates are
//!   approximate (Cboe launched them in 2016; exact first expiries not verified).
//! * **SPX monthly** (AM, SOQ): the third Friday of each month; if that is a holiday, the preceding
//!   trading day (e.g. Thursday 2025-04-17 before Good Friday). Last trade is the day before.
//! * **SPY** (PM, American, physical): Fridays; Wednesdays from [`SPY_WEDNESDAY_FROM`]; Mondays from
//!   [`SPY_MONDAY_FROM`]; every trading day from [`SPY_DAILY_FROM`] (Tuesday/Thursday series added in
//!   November 2022; the exact first day is approximate); plus the last trading day of each quarter.
//! * **ES options** (CME, on ES futures, multiplier 50): Friday weeklies (EW1–EW4) PM 16:00 ET except
//!   on a quarterly third Friday; Monday–Thursday weeklies PM 16:00 ET (Wednesday from
//!   [`ES_WEDNESDAY_FROM`], Monday from [`ES_MONDAY_FROM`], Tuesday/Thursday from
//!   [`ES_TUE_THU_FROM`], the last one approximate: CME added them around the start of 2022);
//!   end-of-month options PM on the last trading day of each month; quarterly options AM at 09:30 ET
//!   on the futures' expiry day (see [`crate::futures`]). The quarterly PM options (EYC, 2021+) are not
//!   modelled. Roots (CME product codes `ES`, `EW`, `EW1`–`EW5`, `E1A`–`E5D`): [`es_option_root`],
//!   one series per expiry date: [`es_option_series`]; the quarterly future an ES option exercises
//!   into: [`es_option_underlying`].
//!
//! Holiday rules: a Friday expiry that falls on a holiday moves to the preceding trading day; a
//! Monday–Thursday expiry that falls on a holiday is not listed (a simplification: before the products
//! became daily some were moved instead; from 2022 every trading day is an expiry anyway).
//!
//! # Expiration instant
//! PM: the cash close of the expiry day, 16:00 ET (13:00 ET on early-close days). AM: 09:30 ET, the
//! open whose prints make the special opening quotation.
//!
//! # Time to expiry
//! [`year_fraction`] is calendar time, ACT/365: whole seconds between the two instants divided by
//! 365 × 86 400 (no trading-time or business-day weighting, leap days count as ordinary days). A
//! negative interval is an error ([`ModelError::NegativeTimeToExpiry`]), never a silent 0: callers
//! that want 0 for expired options map the error explicitly.

use std::fmt;

use jiff::civil::{Date, Weekday};

use crate::calendar::{self, add_days, nth_weekday};
use crate::event::FutureSymbol;
use crate::futures::{FuturesContract, FuturesRoot, nearest_quarterly};
use crate::session::{CASH_CLOSE, CASH_EARLY_CLOSE, CASH_OPEN, from_new_york};
use crate::symbol::OptionRoot;
use crate::{ModelError, UnixNanos};

/// First Wednesday SPXW expiry assumed.
pub const SPXW_WEDNESDAY_FROM: Date = Date::constant(2016, 2, 24);
/// First Monday SPXW expiry assumed.
pub const SPXW_MONDAY_FROM: Date = Date::constant(2016, 8, 22);
/// First Tuesday SPXW expiry.
pub const SPXW_TUESDAY_FROM: Date = Date::constant(2022, 4, 26);
/// First Thursday SPXW expiry assumed.
pub const SPXW_THURSDAY_FROM: Date = Date::constant(2022, 5, 19);
/// First Wednesday SPY expiry assumed.
pub const SPY_WEDNESDAY_FROM: Date = Date::constant(2016, 9, 14);
/// First Monday SPY expiry assumed.
pub const SPY_MONDAY_FROM: Date = Date::constant(2018, 2, 26);
/// First day from which every trading day is a SPY expiry (approximate).
pub const SPY_DAILY_FROM: Date = Date::constant(2022, 11, 14);
/// First Wednesday ES weekly expiry.
pub const ES_WEDNESDAY_FROM: Date = Date::constant(2016, 10, 5);
/// First Monday ES weekly expiry.
pub const ES_MONDAY_FROM: Date = Date::constant(2017, 4, 17);
/// First Tuesday/Thursday ES weekly expiry assumed (approximate).
pub const ES_TUE_THU_FROM: Date = Date::constant(2022, 1, 1);
/// Seconds in an ACT/365 year.
pub const SECONDS_PER_YEAR: u64 = 365 * 86_400;

/// How the final settlement value of an option is fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SettlementStyle {
    /// Morning: special opening quotation on the expiry day (09:30 ET).
    Am,
    /// Afternoon: the close of the expiry day (16:00 ET, 13:00 ET on early closes).
    Pm,
}

/// An option product with its own expiry schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionProduct {
    /// SPX Weeklys (root SPXW), PM-settled, daily since 2022.
    Spxw,
    /// Standard monthly SPX (root SPX), AM-settled, third Friday.
    SpxMonthly,
    /// SPY ETF options, PM (close) expiry, daily since late 2022.
    Spy,
    /// ES Friday weekly options (EW1–EW4), PM, not on quarterly third Fridays.
    EsFriday,
    /// ES Monday–Thursday weekly options, PM.
    EsMonThu,
    /// ES end-of-month options, PM, last trading day of the month.
    EsEndOfMonth,
    /// ES quarterly options, AM (09:30 ET) on the futures' expiry day.
    EsQuarterly,
}

impl OptionProduct {
    /// Every product.
    pub const ALL: [OptionProduct; 7] = [
        Self::Spxw,
        Self::SpxMonthly,
        Self::Spy,
        Self::EsFriday,
        Self::EsMonThu,
        Self::EsEndOfMonth,
        Self::EsQuarterly,
    ];

    /// The settlement style.
    pub const fn settlement(self) -> SettlementStyle {
        match self {
            Self::SpxMonthly | Self::EsQuarterly => SettlementStyle::Am,
            _ => SettlementStyle::Pm,
        }
    }

    /// A short name, e.g. `SPXW`, `ES Mon-Thu`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Spxw => "SPXW",
            Self::SpxMonthly => "SPX monthly",
            Self::Spy => "SPY",
            Self::EsFriday => "ES Friday weekly",
            Self::EsMonThu => "ES Mon-Thu weekly",
            Self::EsEndOfMonth => "ES end-of-month",
            Self::EsQuarterly => "ES quarterly",
        }
    }

    /// First expiry date of each weekday (Monday..Friday) series; `None` if never listed.
    const fn weekday_starts(self) -> [Option<Date>; 5] {
        const ALWAYS: Option<Date> = Some(Date::constant(2000, 1, 1));
        match self {
            Self::Spxw => [
                Some(SPXW_MONDAY_FROM),
                Some(SPXW_TUESDAY_FROM),
                Some(SPXW_WEDNESDAY_FROM),
                Some(SPXW_THURSDAY_FROM),
                ALWAYS,
            ],
            Self::Spy => [
                Some(SPY_MONDAY_FROM),
                Some(SPY_DAILY_FROM),
                Some(SPY_WEDNESDAY_FROM),
                Some(SPY_DAILY_FROM),
                ALWAYS,
            ],
            Self::EsFriday => [None, None, None, None, ALWAYS],
            Self::EsMonThu => [
                Some(ES_MONDAY_FROM),
                Some(ES_TUE_THU_FROM),
                Some(ES_WEDNESDAY_FROM),
                Some(ES_TUE_THU_FROM),
                None,
            ],
            Self::SpxMonthly | Self::EsEndOfMonth | Self::EsQuarterly => [None; 5],
        }
    }
}

impl fmt::Display for OptionProduct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Third Friday of the month, or the preceding trading day if it is a holiday.
fn third_friday_adjusted(year: i16, month: i8) -> Result<Date, ModelError> {
    let friday = nth_weekday(year, month, 3, Weekday::Friday)?;
    if calendar::is_trading_day(friday)? {
        Ok(friday)
    } else {
        calendar::previous_trading_day(friday)
    }
}

/// Whether `date` (a trading day, Monday–Thursday) stands in for a holiday Friday of its week.
fn replaces_holiday_friday(date: Date) -> Result<bool, ModelError> {
    let offset = 5 - i64::from(date.weekday().to_monday_one_offset());
    if offset <= 0 {
        return Ok(false);
    }
    let friday = add_days(date, offset)?;
    Ok(!calendar::is_trading_day(friday)? && calendar::previous_trading_day(friday)? == date)
}

fn weekday_listed(product: OptionProduct, date: Date) -> bool {
    let index = usize::from(date.weekday().to_monday_zero_offset() as u8);
    matches!(
        product.weekday_starts().get(index),
        Some(Some(start)) if date >= *start
    )
}

/// Whether `product` has an expiry on `date` (false on non-trading days).
pub fn is_expiry(product: OptionProduct, date: Date) -> Result<bool, ModelError> {
    if !calendar::is_trading_day(date)? {
        return Ok(false);
    }
    let month = date.month();
    let is_eom = || calendar::last_trading_day_of_month(date).map(|d| d == date);
    let quarterly = || -> Result<bool, ModelError> {
        if ![3, 6, 9, 12].contains(&month) {
            return Ok(false);
        }
        let contract = FuturesContract::new(FuturesRoot::ES, month as u8, date.year())?;
        Ok(contract.expiry_date()? == date)
    };
    Ok(match product {
        OptionProduct::SpxMonthly => third_friday_adjusted(date.year(), month)? == date,
        OptionProduct::EsQuarterly => quarterly()?,
        OptionProduct::EsEndOfMonth => is_eom()?,
        OptionProduct::EsMonThu => weekday_listed(product, date),
        OptionProduct::EsFriday => {
            (weekday_listed(product, date) || replaces_holiday_friday(date)?) && !quarterly()?
        }
        OptionProduct::Spxw => {
            weekday_listed(product, date) || replaces_holiday_friday(date)? || is_eom()?
        }
        OptionProduct::Spy => {
            weekday_listed(product, date)
                || replaces_holiday_friday(date)?
                || ([3, 6, 9, 12].contains(&month) && is_eom()?)
        }
    })
}

/// The expiry dates of `product` in `from..=to` (both included), in order.
pub fn expiries_between(
    product: OptionProduct,
    from: Date,
    to: Date,
) -> Result<Vec<Date>, ModelError> {
    let mut out = Vec::new();
    for day in calendar::trading_days(from, to)? {
        if is_expiry(product, day)? {
            out.push(day);
        }
    }
    Ok(out)
}

/// The first expiry of `product` on or after `on_or_after` (so a 0DTE day returns itself); errors if
/// none exists before the end of the calendar.
pub fn next_expiry(product: OptionProduct, on_or_after: Date) -> Result<Date, ModelError> {
    let mut day = on_or_after;
    loop {
        if is_expiry(product, day)? {
            return Ok(day);
        }
        day = add_days(day, 1)?;
    }
}

/// The products with an expiry on `date` (its 0DTE products), in [`OptionProduct::ALL`] order.
pub fn zero_dte_products(date: Date) -> Result<Vec<OptionProduct>, ModelError> {
    let mut out = Vec::new();
    for product in OptionProduct::ALL {
        if is_expiry(product, date)? {
            out.push(product);
        }
    }
    Ok(out)
}

/// The instant `product` expires on `date`: 09:30 ET for AM, the cash close (16:00 ET, 13:00 ET on
/// early closes) for PM. Errors with [`ModelError::NotAnExpiry`] if `date` is not an expiry.
pub fn expiration_instant(product: OptionProduct, date: Date) -> Result<UnixNanos, ModelError> {
    if !is_expiry(product, date)? {
        return Err(ModelError::NotAnExpiry {
            product: product.name().to_owned(),
            date: date.to_string(),
        });
    }
    let time = match product.settlement() {
        SettlementStyle::Am => CASH_OPEN,
        SettlementStyle::Pm if calendar::early_close(date)?.is_some() => CASH_EARLY_CLOSE,
        SettlementStyle::Pm => CASH_CLOSE,
    };
    from_new_york(date, time)
}

/// ACT/365 year fraction from `from` to `to`: whole seconds (sub-second remainder dropped) divided by
/// [`SECONDS_PER_YEAR`]. Errors if `to` is before `from`.
pub fn year_fraction(from: UnixNanos, to: UnixNanos) -> Result<f64, ModelError> {
    let nanos =
        to.as_u64()
            .checked_sub(from.as_u64())
            .ok_or_else(|| ModelError::NegativeTimeToExpiry {
                from: from.to_string(),
                to: to.to_string(),
            })?;
    let secs = nanos / UnixNanos::NANOS_PER_SECOND;
    Ok(secs as f64 / SECONDS_PER_YEAR as f64)
}

/// Years (ACT/365) from `now` to the expiration of `product` on `expiry`; errors if not an expiry or
/// already expired.
pub fn time_to_expiry(
    product: OptionProduct,
    expiry: Date,
    now: UnixNanos,
) -> Result<f64, ModelError> {
    year_fraction(now, expiration_instant(product, expiry)?)
}

/// The root (CME product code) of the ES option of `product` expiring on `date`; see
/// [`OptionRoot::is_futures_option`] for the scheme. `EsQuarterly` → `ES`, `EsEndOfMonth` → `EW`,
/// `EsFriday` → `EW`*n* with *n* the week of the month of the Friday (1–5: days 1–7 are week 1;
/// for a Thursday standing in for a holiday Friday, the Friday's week), `EsMonThu` → `E`*n* +
/// `A`/`B`/`C`/`D` (Monday–Thursday) with *n* the week of the month of `date`. Errors if `date`
/// is not an expiry of `product` or `product` is not an ES product.
pub fn es_option_root(product: OptionProduct, date: Date) -> Result<OptionRoot, ModelError> {
    if !is_expiry(product, date)? {
        return Err(ModelError::NotAnExpiry {
            product: product.name().to_owned(),
            date: date.to_string(),
        });
    }
    let week = |d: Date| (d.day() - 1) / 7 + 1;
    let text = match product {
        OptionProduct::EsQuarterly => "ES".to_owned(),
        OptionProduct::EsEndOfMonth => "EW".to_owned(),
        OptionProduct::EsFriday => {
            let offset = 5 - i64::from(date.weekday().to_monday_one_offset());
            format!("EW{}", week(add_days(date, offset.max(0))?))
        }
        OptionProduct::EsMonThu => {
            let letter = match date.weekday() {
                Weekday::Monday => 'A',
                Weekday::Tuesday => 'B',
                Weekday::Wednesday => 'C',
                _ => 'D',
            };
            format!("E{}{letter}", week(date))
        }
        OptionProduct::Spxw | OptionProduct::SpxMonthly | OptionProduct::Spy => {
            return Err(ModelError::InvalidOptionRoot {
                input: product.name().to_owned(),
                reason: "not an ES option product".to_owned(),
            });
        }
    };
    OptionRoot::new(&text)
}

/// The one ES option series this crate lists for expiry date `date`, as (product, root), or
/// `None` if no ES option expires then. When several products expire on the same day the first of
/// quarterly, end-of-month, Friday weekly, Monday–Thursday weekly is taken (CME may list more
/// than one series on such a day; they differ only in their root).
pub fn es_option_series(date: Date) -> Result<Option<(OptionProduct, OptionRoot)>, ModelError> {
    for product in [
        OptionProduct::EsQuarterly,
        OptionProduct::EsEndOfMonth,
        OptionProduct::EsFriday,
        OptionProduct::EsMonThu,
    ] {
        if is_expiry(product, date)? {
            return Ok(Some((product, es_option_root(product, date)?)));
        }
    }
    Ok(None)
}

/// The product of an ES option root (`ES` quarterly, `EW` end-of-month, `EW1`–`EW5` Friday,
/// `E1A`–`E5D` Monday–Thursday), `None` for any other root.
pub fn es_option_product(root: OptionRoot) -> Option<OptionProduct> {
    if !root.is_futures_option() {
        return None;
    }
    Some(match root.as_str() {
        "ES" => OptionProduct::EsQuarterly,
        "EW" => OptionProduct::EsEndOfMonth,
        r if r.starts_with("EW") => OptionProduct::EsFriday,
        _ => OptionProduct::EsMonThu,
    })
}

/// The futures contract an ES option (`root`, `expiry` date) exercises into: the first quarterly
/// ES contract (March, June, September, December) whose expiry date is on or after the option's.
/// An option expiring on the quarterly expiry day itself (the `ES` quarterly, AM) belongs to that
/// quarter's contract; one expiring any later day (e.g. end-of-month options of March, the
/// weeklies after the third Friday) to the next quarter's. Errors for a root that is not an ES
/// option root and for dates outside the calendar.
pub fn es_option_underlying(root: OptionRoot, expiry: Date) -> Result<FutureSymbol, ModelError> {
    if es_option_product(root).is_none() {
        return Err(ModelError::InvalidOptionRoot {
            input: root.as_str().to_owned(),
            reason: "not an ES futures option root".to_owned(),
        });
    }
    let contract = nearest_quarterly(FuturesRoot::ES, expiry)?;
    let year = u16::try_from(contract.year).map_err(|_| ModelError::InvalidFuturesContract {
        input: contract.to_string(),
        reason: "year must be 2000-2099".to_owned(),
    })?;
    FutureSymbol::new(contract.root.as_str(), year, contract.month)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn spxw_daily_since_2022() {
        let days =
            expiries_between(OptionProduct::Spxw, date(2025, 6, 16), date(2025, 6, 20)).unwrap();
        // Juneteenth Thursday is closed.
        assert_eq!(
            days,
            vec![
                date(2025, 6, 16),
                date(2025, 6, 17),
                date(2025, 6, 18),
                date(2025, 6, 20)
            ]
        );
        // 2021: Mon/Wed/Fri plus end of month.
        let days =
            expiries_between(OptionProduct::Spxw, date(2021, 6, 21), date(2021, 6, 30)).unwrap();
        assert_eq!(
            days,
            vec![
                date(2021, 6, 21),
                date(2021, 6, 23),
                date(2021, 6, 25),
                date(2021, 6, 28),
                date(2021, 6, 30)
            ]
        );
        // Good Friday 2021: the Friday series moves to Thursday.
        assert!(is_expiry(OptionProduct::Spxw, date(2021, 4, 1)).unwrap());
    }

    #[test]
    fn spx_monthly_third_friday() {
        assert!(is_expiry(OptionProduct::SpxMonthly, date(2025, 6, 20)).unwrap());
        assert!(!is_expiry(OptionProduct::SpxMonthly, date(2025, 6, 13)).unwrap());
        assert!(is_expiry(OptionProduct::SpxMonthly, date(2025, 4, 17)).unwrap());
        let t = expiration_instant(OptionProduct::SpxMonthly, date(2025, 6, 20)).unwrap();
        assert_eq!(t.to_string(), "2025-06-20T13:30:00Z");
        assert_eq!(OptionProduct::SpxMonthly.settlement(), SettlementStyle::Am);
    }

    #[test]
    fn pm_expiry_times() {
        let t = expiration_instant(OptionProduct::Spxw, date(2025, 6, 9)).unwrap();
        assert_eq!(t.to_string(), "2025-06-09T20:00:00Z");
        let t = expiration_instant(OptionProduct::Spxw, date(2024, 11, 29)).unwrap();
        assert_eq!(t.to_string(), "2024-11-29T18:00:00Z");
        // EW2F6: 2026-01-09 21:00 UTC (FORMATS §8).
        let t = expiration_instant(OptionProduct::EsFriday, date(2026, 1, 9)).unwrap();
        assert_eq!(t.to_string(), "2026-01-09T21:00:00Z");
        let err = expiration_instant(OptionProduct::SpxMonthly, date(2025, 6, 9)).unwrap_err();
        assert!(err.to_string().contains("2025-06-09"), "{err}");
    }

    #[test]
    fn es_products() {
        // Quarterly third Friday: AM quarterly, no Friday weekly.
        let d = date(2025, 12, 19);
        assert!(is_expiry(OptionProduct::EsQuarterly, d).unwrap());
        assert!(!is_expiry(OptionProduct::EsFriday, d).unwrap());
        let t = expiration_instant(OptionProduct::EsQuarterly, d).unwrap();
        assert_eq!(t.to_string(), "2025-12-19T14:30:00Z");
        assert!(is_expiry(OptionProduct::EsFriday, date(2025, 12, 12)).unwrap());
        assert!(is_expiry(OptionProduct::EsMonThu, date(2025, 12, 16)).unwrap());
        assert!(!is_expiry(OptionProduct::EsMonThu, date(2019, 12, 17)).unwrap());
        assert!(is_expiry(OptionProduct::EsEndOfMonth, date(2025, 11, 28)).unwrap());
        assert_eq!(
            zero_dte_products(date(2025, 10, 31)).unwrap(),
            vec![
                OptionProduct::Spxw,
                OptionProduct::Spy,
                OptionProduct::EsFriday,
                OptionProduct::EsEndOfMonth
            ]
        );
    }

    #[test]
    fn next_expiry_is_inclusive() {
        let d = date(2021, 6, 22); // Tuesday, before daily SPXW
        assert_eq!(
            next_expiry(OptionProduct::Spxw, d).unwrap(),
            date(2021, 6, 23)
        );
        assert_eq!(
            next_expiry(OptionProduct::Spxw, date(2025, 6, 9)).unwrap(),
            date(2025, 6, 9)
        );
        assert_eq!(
            next_expiry(OptionProduct::Spxw, date(2025, 6, 7)).unwrap(),
            date(2025, 6, 9)
        );
        assert!(next_expiry(OptionProduct::SpxMonthly, date(2030, 12, 23)).is_err());
    }

    #[test]
    fn act_365_year_fraction() {
        let from = UnixNanos(1_700_000_000_000_000_000);
        let one_year = from
            .checked_add_nanos(SECONDS_PER_YEAR * 1_000_000_000)
            .unwrap();
        assert_eq!(year_fraction(from, one_year).unwrap(), 1.0);
        let almost = from
            .checked_add_nanos(3_600 * 1_000_000_000 + 999_999_999)
            .unwrap();
        assert_eq!(year_fraction(from, almost).unwrap(), 3_600.0 / 31_536_000.0);
        assert_eq!(year_fraction(from, from).unwrap(), 0.0);
        assert!(matches!(
            year_fraction(one_year, from),
            Err(ModelError::NegativeTimeToExpiry { .. })
        ));
        // 0DTE at 10:00 ET: six hours to the 16:00 close.
        let now = from_new_york(date(2025, 6, 9), jiff::civil::time(10, 0, 0, 0)).unwrap();
        let t = time_to_expiry(OptionProduct::Spxw, date(2025, 6, 9), now).unwrap();
        assert_eq!(t, 6.0 * 3600.0 / 31_536_000.0);
    }

    #[test]
    fn es_option_roots_follow_cme_codes() {
        let root = |p, d| es_option_root(p, d).unwrap().to_string();
        // EW2F6 C7000 (FORMATS §8): second Friday of January 2026.
        assert_eq!(root(OptionProduct::EsFriday, date(2026, 1, 9)), "EW2");
        assert_eq!(root(OptionProduct::EsQuarterly, date(2025, 12, 19)), "ES");
        assert_eq!(root(OptionProduct::EsEndOfMonth, date(2025, 6, 30)), "EW");
        // E2AF1: second Monday of January 2021.
        assert_eq!(root(OptionProduct::EsMonThu, date(2021, 1, 11)), "E2A");
        assert_eq!(root(OptionProduct::EsMonThu, date(2025, 6, 9)), "E2A");
        assert_eq!(root(OptionProduct::EsMonThu, date(2025, 6, 26)), "E4D");
        // Good Friday 2025-04-18: the Friday weekly moves to Thursday and keeps its week.
        assert_eq!(root(OptionProduct::EsFriday, date(2025, 4, 17)), "EW3");
        assert!(es_option_root(OptionProduct::EsFriday, date(2025, 6, 9)).is_err());
        assert!(es_option_root(OptionProduct::Spxw, date(2025, 6, 9)).is_err());
        for d in [
            date(2025, 6, 9),
            date(2025, 4, 17),
            date(2025, 6, 30),
            date(2025, 12, 19),
        ] {
            let (product, root) = es_option_series(d).unwrap().unwrap();
            assert_eq!(es_option_product(root), Some(product), "{d}");
        }
        assert_eq!(es_option_series(date(2025, 6, 7)).unwrap(), None);
        // A weekday of 2025 always has an ES expiry (0DTE every day).
        for d in calendar::trading_days(date(2025, 1, 2), date(2025, 12, 31)).unwrap() {
            assert!(es_option_series(d).unwrap().is_some(), "{d}");
        }
        assert_eq!(es_option_product(OptionRoot::SPXW), None);
    }

    #[test]
    fn es_option_underlying_rolls_after_the_quarterly_expiry() {
        let under = |r: &str, d| es_option_underlying(OptionRoot::new(r).unwrap(), d).unwrap();
        let es = |y, m| FutureSymbol::new("ES", y, m).unwrap();
        // The quarterly option on the quarterly expiry day: that quarter's future.
        assert_eq!(under("ES", date(2025, 12, 19)), es(2025, 12));
        // The day before (Mon-Thu weekly) still delivers ESZ5, the week after ESH6.
        assert_eq!(under("E3D", date(2025, 12, 18)), es(2025, 12));
        assert_eq!(under("E4A", date(2025, 12, 22)), es(2026, 3));
        assert_eq!(under("EW4", date(2025, 12, 26)), es(2026, 3));
        // End of a quarterly month: after the quarterly expiry, so the next quarter.
        assert_eq!(under("EW", date(2025, 6, 30)), es(2025, 9));
        // Serial months deliver the next quarterly month.
        assert_eq!(under("EW2", date(2026, 1, 9)), es(2026, 3));
        // Juneteenth 2026: ESM6 expires Thursday 2026-06-18.
        assert_eq!(under("ES", date(2026, 6, 18)), es(2026, 6));
        assert_eq!(under("E4A", date(2026, 6, 22)), es(2026, 9));
        assert!(es_option_underlying(OptionRoot::SPY, date(2025, 6, 9)).is_err());
    }
}
