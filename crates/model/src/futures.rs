//! Futures contracts: CME month codes, contract symbols, ES quarterly expiries and the front-month roll.
//!
//! # Symbols
//! A contract symbol is `ROOT` + month code + year, e.g. `ESZ5` (CME Globex / Databento raw symbol,
//! 1-digit year), `ESZ25` (2-digit year) or `ESZ2025` (4-digit year). The root is 1–8 ASCII upper-case
//! letters or digits (`ES`, `MES`, `6E`). Years are limited to 2000–2099.
//!
//! A 1-digit year is ambiguous by design at CME (the digit repeats every ten years); it is resolved
//! with a reference year (normally the year of the data being read): the year ending in that digit
//! that is nearest to the reference, searching `reference − 5 ..= reference + 4`. So with reference
//! 2025, `ESZ5` is 2025, `ESH3` is 2023, `ESH9` is 2029 and `ESH0` is 2020. [`FuturesContract`]'s
//! `FromStr` accepts only 2- and 4-digit years; use [`FuturesContract::parse_with_reference`] for
//! 1-digit ones.
//!
//! # ES quarterly expiry
//! ES (and MES) futures expire on the third Friday of March, June, September and December (H, M, U,
//! Z) at the special opening quotation, 09:30 ET; that day is also the last trading day. If the third
//! Friday is not an NYSE trading day (e.g. Juneteenth, Friday 2026-06-19) the preceding trading day is
//! used.
//!
//! # Front-month roll
//! The front contract on a date is the nearest quarterly contract whose roll date is after that date.
//! The roll date is `days_before_expiry` calendar days before the expiry date, default
//! [`DEFAULT_ROLL_DAYS`] = 8: the Thursday of the week before a Friday expiry, CME's customary roll
//! ("the second Thursday before expiration"). On the roll date itself the next contract is front.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, Time, Weekday};

use crate::calendar::{self, add_days, nth_weekday};
use crate::session::from_new_york;
use crate::{ModelError, UnixNanos};

/// Month codes for January..December.
pub const MONTH_CODES: [char; 12] = ['F', 'G', 'H', 'J', 'K', 'M', 'N', 'Q', 'U', 'V', 'X', 'Z'];
/// The quarterly months of the ES cycle (H, M, U, Z).
pub const QUARTERLY_MONTHS: [u8; 4] = [3, 6, 9, 12];
/// Default roll: calendar days before the expiry date (the Thursday of the week before).
pub const DEFAULT_ROLL_DAYS: u8 = 8;
/// Time of the ES quarterly final settlement (special opening quotation), America/New_York.
pub const QUARTERLY_EXPIRY_TIME: Time = Time::constant(9, 30, 0, 0);
/// Longest supported root.
pub const MAX_ROOT_LEN: usize = 8;

/// The month code of `month` (1 = `F` … 12 = `Z`).
pub fn month_code(month: u8) -> Result<char, ModelError> {
    month
        .checked_sub(1)
        .and_then(|i| MONTH_CODES.get(usize::from(i)))
        .copied()
        .ok_or_else(|| ModelError::InvalidFuturesMonth(month.to_string()))
}

/// The month (1–12) of month code `code` (upper case only).
pub fn month_from_code(code: char) -> Result<u8, ModelError> {
    MONTH_CODES
        .iter()
        .position(|&c| c == code)
        .map(|i| i as u8 + 1)
        .ok_or_else(|| ModelError::InvalidFuturesMonth(code.to_string()))
}

/// A futures root stored inline (1–8 ASCII upper-case letters or digits), e.g. `ES`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuturesRoot {
    bytes: [u8; MAX_ROOT_LEN],
    len: u8,
}

impl FuturesRoot {
    /// The E-mini S&P 500 root.
    pub const ES: FuturesRoot = FuturesRoot {
        bytes: *b"ES\0\0\0\0\0\0",
        len: 2,
    };

    /// Validates and stores `s`.
    pub fn new(s: &str) -> Result<Self, ModelError> {
        let bad = |reason: &str| ModelError::InvalidFuturesContract {
            input: s.to_owned(),
            reason: reason.to_owned(),
        };
        if s.is_empty() || s.len() > MAX_ROOT_LEN {
            return Err(bad("root must be 1-8 characters"));
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(bad("root must be ASCII upper-case letters or digits"));
        }
        let mut bytes = [0u8; MAX_ROOT_LEN];
        bytes[..s.len()].copy_from_slice(s.as_bytes());
        Ok(Self {
            bytes,
            len: s.len() as u8,
        })
    }

    /// The root as text.
    pub fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..usize::from(self.len)).unwrap_or(&[]);
        std::str::from_utf8(bytes).unwrap_or("")
    }
}

impl fmt::Debug for FuturesRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FuturesRoot({:?})", self.as_str())
    }
}

impl fmt::Display for FuturesRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A futures contract: root, delivery month and year (2000–2099).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuturesContract {
    /// Product root, e.g. `ES`.
    pub root: FuturesRoot,
    /// Delivery year, 2000–2099.
    pub year: i16,
    /// Delivery month, 1–12.
    pub month: u8,
}

impl FuturesContract {
    /// Builds a contract, checking the month (1–12) and the year (2000–2099).
    pub fn new(root: FuturesRoot, month: u8, year: i16) -> Result<Self, ModelError> {
        month_code(month)?;
        if !(2000..=2099).contains(&year) {
            return Err(ModelError::InvalidFuturesContract {
                input: format!("{root} {year}-{month:02}"),
                reason: "year must be 2000-2099".to_owned(),
            });
        }
        Ok(Self { root, year, month })
    }

    /// Parses `ESZ5`, `ESZ25` or `ESZ2025`; a 1-digit year resolves to the year ending in that digit
    /// nearest to `reference_year` (window `reference_year − 5 ..= reference_year + 4`).
    pub fn parse_with_reference(s: &str, reference_year: i16) -> Result<Self, ModelError> {
        parse_symbol(s, Some(reference_year))
    }

    /// The month code, e.g. `Z`.
    pub fn month_code(&self) -> char {
        MONTH_CODES
            .get(usize::from(self.month.saturating_sub(1)))
            .copied()
            .unwrap_or('?')
    }

    /// The CME Globex / Databento raw symbol with a 1-digit year, e.g. `ESZ5`.
    pub fn short_symbol(&self) -> String {
        format!(
            "{}{}{}",
            self.root,
            self.month_code(),
            self.year.rem_euclid(10)
        )
    }

    /// Whether the month is a quarterly (H, M, U, Z) month.
    pub fn is_quarterly(&self) -> bool {
        QUARTERLY_MONTHS.contains(&self.month)
    }

    /// The quarterly expiry / last trading day: the third Friday of the month, or the preceding
    /// trading day if that Friday is an NYSE holiday. Errors for non-quarterly months and dates
    /// outside the calendar's years.
    pub fn expiry_date(&self) -> Result<Date, ModelError> {
        if !self.is_quarterly() {
            return Err(ModelError::InvalidFuturesContract {
                input: self.to_string(),
                reason: "not a quarterly (H/M/U/Z) contract".to_owned(),
            });
        }
        let friday = nth_weekday(self.year, self.month as i8, 3, Weekday::Friday)?;
        if calendar::is_trading_day(friday)? {
            Ok(friday)
        } else {
            calendar::previous_trading_day(friday)
        }
    }

    /// The final settlement instant: [`QUARTERLY_EXPIRY_TIME`] (09:30 ET) on [`Self::expiry_date`].
    pub fn expiry_instant(&self) -> Result<UnixNanos, ModelError> {
        from_new_york(self.expiry_date()?, QUARTERLY_EXPIRY_TIME)
    }

    /// The roll date under `rule` (expiry date minus `rule.days_before_expiry` calendar days).
    pub fn roll_date(&self, rule: RollRule) -> Result<Date, ModelError> {
        add_days(self.expiry_date()?, -i64::from(rule.days_before_expiry))
    }

    /// The next quarterly contract of the same root (e.g. ESZ25 → ESH26).
    pub fn next_quarterly(&self) -> Result<Self, ModelError> {
        let (month, year) = match QUARTERLY_MONTHS.iter().find(|&&m| m > self.month) {
            Some(&m) => (m, self.year),
            None => (3, self.year + 1),
        };
        Self::new(self.root, month, year)
    }
}

impl fmt::Display for FuturesContract {
    /// Root, month code and 2-digit year, e.g. `ESZ25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{:02}",
            self.root,
            self.month_code(),
            self.year.rem_euclid(100)
        )
    }
}

impl FromStr for FuturesContract {
    type Err = ModelError;

    /// Parses `ESZ25` or `ESZ2025`; a 1-digit year needs [`FuturesContract::parse_with_reference`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_symbol(s, None)
    }
}

fn parse_symbol(s: &str, reference_year: Option<i16>) -> Result<FuturesContract, ModelError> {
    let bad = |reason: &str| ModelError::InvalidFuturesContract {
        input: s.to_owned(),
        reason: reason.to_owned(),
    };
    if !s.is_ascii() {
        return Err(bad("not ASCII"));
    }
    let digits = s.bytes().rev().take_while(u8::is_ascii_digit).count();
    let (head, year_text) = s.split_at(s.len() - digits);
    let mut head_chars = head.chars();
    let code = head_chars
        .next_back()
        .ok_or_else(|| bad("missing month code"))?;
    let root = FuturesRoot::new(head_chars.as_str()).map_err(|_| bad("bad or missing root"))?;
    let month = month_from_code(code).map_err(|_| bad("bad month code"))?;
    let value: i16 = year_text.parse().map_err(|_| bad("missing year"))?;
    let year = match digits {
        1 => {
            let reference = reference_year
                .ok_or_else(|| bad("1-digit year needs a reference year (parse_with_reference)"))?;
            let start = i32::from(reference) - 5;
            let year = start + (i32::from(value) - start).rem_euclid(10);
            i16::try_from(year).map_err(|_| bad("year out of range"))?
        }
        2 => 2000 + value,
        4 => value,
        _ => return Err(bad("year must have 1, 2 or 4 digits")),
    };
    FuturesContract::new(root, month, year).map_err(|_| bad("year must be 2000-2099"))
}

/// When to roll from an expiring quarterly contract to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RollRule {
    /// Calendar days before the expiry date on which the next contract becomes front.
    pub days_before_expiry: u8,
}

impl Default for RollRule {
    /// [`DEFAULT_ROLL_DAYS`] (8 days: the Thursday of the week before expiry).
    fn default() -> Self {
        Self {
            days_before_expiry: DEFAULT_ROLL_DAYS,
        }
    }
}

/// The first quarterly contract of `root` whose expiry date is on or after `date` (the contract
/// still trading on `date`, ignoring the roll).
pub fn nearest_quarterly(root: FuturesRoot, date: Date) -> Result<FuturesContract, ModelError> {
    let month = QUARTERLY_MONTHS
        .iter()
        .copied()
        .find(|&m| m >= date.month() as u8)
        .unwrap_or(12);
    let mut contract = FuturesContract::new(root, month, date.year())?;
    while contract.expiry_date()? < date {
        contract = contract.next_quarterly()?;
    }
    Ok(contract)
}

/// The front quarterly contract of `root` on `date` under `rule`: the first contract whose roll date
/// is strictly after `date`.
pub fn front_month(
    root: FuturesRoot,
    date: Date,
    rule: RollRule,
) -> Result<FuturesContract, ModelError> {
    let mut contract = nearest_quarterly(root, date)?;
    while contract.roll_date(rule)? <= date {
        contract = contract.next_quarterly()?;
    }
    Ok(contract)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn es(s: &str) -> FuturesContract {
        s.parse().unwrap()
    }

    #[test]
    fn month_codes_round_trip() {
        for m in 1..=12u8 {
            assert_eq!(month_from_code(month_code(m).unwrap()).unwrap(), m);
        }
        assert!(month_code(0).is_err());
        assert!(month_code(13).is_err());
        assert!(month_from_code('A').is_err());
        assert!(month_from_code('z').is_err());
    }

    #[test]
    fn parse_and_format() {
        let c = es("ESZ25");
        assert_eq!((c.root.as_str(), c.month, c.year), ("ES", 12, 2025));
        assert_eq!(c.to_string(), "ESZ25");
        assert_eq!(c.short_symbol(), "ESZ5");
        assert_eq!(es("ESH2026").to_string(), "ESH26");
        assert_eq!(es("6EM24").root.as_str(), "6E");
        assert_eq!(es("MESU25").root.as_str(), "MES");
        let c = FuturesContract::parse_with_reference("ESZ5", 2025).unwrap();
        assert_eq!(c, es("ESZ25"));
        let c = FuturesContract::parse_with_reference("ESH3", 2025).unwrap();
        assert_eq!(c.year, 2023);
        let c = FuturesContract::parse_with_reference("ESH0", 2025).unwrap();
        assert_eq!(c.year, 2020);
        let c = FuturesContract::parse_with_reference("ESH9", 2025).unwrap();
        assert_eq!(c.year, 2029);
        let c = FuturesContract::parse_with_reference("ESM3", 2023).unwrap();
        assert_eq!(c.year, 2023);
    }

    #[test]
    fn parse_errors_name_the_input() {
        for bad in [
            "ESZ5", "ES", "Z25", "ESA25", "esz25", "ESZ125", "ESZ", "", "ÉSZ25",
        ] {
            let err = bad.parse::<FuturesContract>().unwrap_err();
            assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
        }
    }

    #[test]
    fn quarterly_expiries_from_formats() {
        let m3 = FuturesContract::parse_with_reference("ESM3", 2023).unwrap();
        assert_eq!(
            m3.expiry_instant().unwrap().to_string(),
            "2023-06-16T13:30:00Z"
        );
        let z5 = FuturesContract::parse_with_reference("ESZ5", 2025).unwrap();
        assert_eq!(
            z5.expiry_instant().unwrap().to_string(),
            "2025-12-19T14:30:00Z"
        );
        // Juneteenth on the third Friday: Thursday.
        assert_eq!(es("ESM26").expiry_date().unwrap(), date(2026, 6, 18));
        assert!(es("ESF26").expiry_date().is_err());
    }

    #[test]
    fn roll_and_front_month() {
        let rule = RollRule::default();
        let z5 = es("ESZ25");
        assert_eq!(z5.roll_date(rule).unwrap(), date(2025, 12, 11));
        assert_eq!(z5.roll_date(rule).unwrap().weekday(), Weekday::Thursday);
        let root = FuturesRoot::ES;
        assert_eq!(front_month(root, date(2025, 12, 10), rule).unwrap(), z5);
        assert_eq!(
            front_month(root, date(2025, 12, 11), rule).unwrap(),
            es("ESH26")
        );
        assert_eq!(front_month(root, date(2025, 10, 1), rule).unwrap(), z5);
        assert_eq!(front_month(root, date(2025, 9, 12), rule).unwrap(), z5);
        assert_eq!(
            front_month(root, date(2025, 9, 10), rule).unwrap(),
            es("ESU25")
        );
        let never = RollRule {
            days_before_expiry: 0,
        };
        assert_eq!(
            front_month(root, date(2025, 12, 19), never).unwrap(),
            es("ESH26")
        );
        assert_eq!(front_month(root, date(2025, 12, 18), never).unwrap(), z5);
        assert_eq!(nearest_quarterly(root, date(2025, 12, 19)).unwrap(), z5);
        assert_eq!(
            nearest_quarterly(root, date(2025, 12, 20)).unwrap(),
            es("ESH26")
        );
    }
}
