//! Exact fixed-point values: [`Price`] (scale 1e-9 in an `i64`), [`Size`] (contracts or shares) and
//! [`Money`] (exact sums of premium in an `i128` of 1e-9 currency units).
//!
//! Prices are never scaled through floating point: decimal text is parsed with integer arithmetic,
//! and the only conversions to `f64` are the lossy, explicitly named `to_f64` methods meant for
//! display and for the floating-point math of the `quant` crate.
//!
//! # Decimal text (shared by [`Price`] and [`Money`])
//!
//! Accepted: an optional sign (`+` or `-`), integer digits, and an optional `.` followed by at
//! least one fraction digit. Either the integer or the fraction part may be empty, not both
//! (`.05` and `5` are fine, `5.`, `.`, `-` and the empty string are not). Fractions longer than 9
//! digits are accepted **only if every digit after the 9th is `0`** (so `1.2500000000` from a
//! generous printer parses, while `0.0000000001` is rejected instead of being rounded away).
//! Whitespace, exponents, `_` and thousands separators are rejected; trim before parsing.

use std::fmt;
use std::str::FromStr;

use crate::ModelError;

/// Raw units per whole unit: raw `1` means 1e-9 (Databento's fixed-point convention).
const SCALE: i64 = 1_000_000_000;
/// [`SCALE`] as `u128`, for the shared formatter and parser.
const SCALE_U128: u128 = 1_000_000_000;
/// Number of fraction digits that the scale can hold.
const SCALE_DIGITS: usize = 9;

/// A price (or any signed decimal quantity in price units) as a fixed-point `i64` with scale 1e-9.
///
/// `Price::from_raw(1)` is 0.000000001; `Price::from_raw(5_800_000_000_000)` is 5800. The range is
/// about ±9.22e9, far beyond any index level or option premium. [`Price::UNDEF`] (`i64::MAX`) is
/// Databento's "undefined price" sentinel (empty book sides, missing fields); arithmetic does not
/// treat it specially, so check [`Price::is_defined`] first where a vendor may send it.
///
/// Ordering, equality and hashing are those of the raw integer. `Display` prints the shortest exact
/// decimal (`5800`, `0.05`, `-1.5`, `0.000000001`); a precision (`{:.2}`) rounds half away from
/// zero to that many decimals, and width/alignment/`+` flags are honoured.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Price(i64);

impl Price {
    /// Raw units per 1.0 (1e9).
    pub const SCALE: i64 = SCALE;
    /// Zero.
    pub const ZERO: Price = Price(0);
    /// Databento's undefined-price sentinel, raw `i64::MAX` (9223372036.854775807).
    pub const UNDEF: Price = Price(i64::MAX);

    /// From a raw fixed-point value in units of 1e-9.
    #[inline]
    pub const fn from_raw(raw: i64) -> Self {
        Self(raw)
    }

    /// The raw fixed-point value in units of 1e-9.
    #[inline]
    pub const fn raw(self) -> i64 {
        self.0
    }

    /// A whole number of units (e.g. `5800` index points or dollars); `None` if `|units|` exceeds
    /// about 9.22e9.
    #[inline]
    pub const fn from_integer(units: i64) -> Option<Self> {
        match units.checked_mul(SCALE) {
            Some(raw) => Some(Self(raw)),
            None => None,
        }
    }

    /// `false` only for [`Price::UNDEF`].
    #[inline]
    pub const fn is_defined(self) -> bool {
        self.0 != i64::MAX
    }

    /// `self + rhs`, `None` on overflow.
    #[inline]
    pub const fn checked_add(self, rhs: Price) -> Option<Self> {
        match self.0.checked_add(rhs.0) {
            Some(raw) => Some(Self(raw)),
            None => None,
        }
    }

    /// `self - rhs`, `None` on overflow.
    #[inline]
    pub const fn checked_sub(self, rhs: Price) -> Option<Self> {
        match self.0.checked_sub(rhs.0) {
            Some(raw) => Some(Self(raw)),
            None => None,
        }
    }

    /// `self × n` for an integer `n` (e.g. a tick count), `None` on overflow.
    #[inline]
    pub const fn checked_mul_int(self, n: i64) -> Option<Self> {
        match self.0.checked_mul(n) {
            Some(raw) => Some(Self(raw)),
            None => None,
        }
    }

    /// `-self`, `None` for the most negative raw value.
    #[inline]
    pub const fn checked_neg(self) -> Option<Self> {
        match self.0.checked_neg() {
            Some(raw) => Some(Self(raw)),
            None => None,
        }
    }

    /// The value as `f64`: **lossy** (an `f64` has 53 bits of mantissa), for display and for the
    /// floating-point option math only. Never convert back and store the result as a price.
    #[inline]
    pub fn to_f64(self) -> f64 {
        // Split so that whole units stay exact up to 2^53 and the fraction adds at most one rounding.
        let whole = self.0 / SCALE;
        let frac = self.0 % SCALE;
        whole as f64 + frac as f64 / SCALE as f64
    }
}

impl fmt::Debug for Price {
    /// `Price(5800.25)`, or `Price(UNDEF)` for the sentinel.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_defined() {
            write!(f, "Price({self})")
        } else {
            f.write_str("Price(UNDEF)")
        }
    }
}

impl fmt::Display for Price {
    /// Exact shortest decimal; see the type's documentation. The sentinel prints as its number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_fixed(f, self.0 < 0, u128::from(self.0.unsigned_abs()))
    }
}

impl FromStr for Price {
    type Err = ModelError;

    /// Parses decimal text exactly (rules in the module documentation); errors name the text.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (negative, magnitude) = parse_fixed(s).map_err(|reason| price_error(s, reason))?;
        let raw = if negative {
            0i64.checked_sub_unsigned(u64::try_from(magnitude).unwrap_or(u64::MAX))
        } else {
            i64::try_from(magnitude).ok()
        };
        raw.map(Self).ok_or_else(|| {
            price_error(
                s,
                "out of range (a price must lie within about ±9223372036.854775807)",
            )
        })
    }
}

/// The error for unparsable price text.
fn price_error(input: &str, reason: &str) -> ModelError {
    ModelError::InvalidPrice {
        input: input.to_owned(),
        reason: reason.to_owned(),
    }
}

/// A quantity of contracts (options, futures) or shares, as a `u32`.
///
/// `u32` (up to 4,294,967,295) matches the size fields of OPRA, Databento and Polygon trades and
/// quotes, and holds any single print, book level, bar volume or open interest of the instruments
/// gammaflow trades. It also keeps [`Money::premium`] exact and overflow-free. Multi-day or
/// whole-market aggregates should use [`Size::checked_add`] or widen with [`Size::as_u64`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Size(u32);

impl Size {
    /// Zero contracts.
    pub const ZERO: Size = Size(0);

    /// A count of contracts or shares.
    #[inline]
    pub const fn new(count: u32) -> Self {
        Self(count)
    }

    /// The count.
    #[inline]
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The count widened to `u64` (for aggregates).
    #[inline]
    pub const fn as_u64(self) -> u64 {
        self.0 as u64
    }

    /// `true` for zero contracts.
    #[inline]
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `self + rhs`, `None` on overflow.
    #[inline]
    pub const fn checked_add(self, rhs: Size) -> Option<Self> {
        match self.0.checked_add(rhs.0) {
            Some(n) => Some(Self(n)),
            None => None,
        }
    }

    /// `self - rhs`, `None` if `rhs > self`.
    #[inline]
    pub const fn checked_sub(self, rhs: Size) -> Option<Self> {
        match self.0.checked_sub(rhs.0) {
            Some(n) => Some(Self(n)),
            None => None,
        }
    }

    /// `self × n`, `None` on overflow.
    #[inline]
    pub const fn checked_mul(self, n: u32) -> Option<Self> {
        match self.0.checked_mul(n) {
            Some(n) => Some(Self(n)),
            None => None,
        }
    }
}

impl From<u32> for Size {
    fn from(count: u32) -> Self {
        Self(count)
    }
}

impl fmt::Display for Size {
    /// The plain count, e.g. `25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// An exact amount of money in currency units (USD for everything gammaflow trades), as an `i128`
/// of 1e-9 units: the price scale, so that a premium is a plain integer product.
///
/// One premium is at most |`i64::MIN`| × `u32::MAX` × `u32::MAX` < 2^127 raw, so
/// [`Money::premium`] can never overflow. Sums are checked ([`Money::checked_add`],
/// [`Money::checked_sum`], or `Sum` into `Option<Money>`), never saturating. Headroom in practice:
/// a large print (10,000 contracts at 5,000.00 × 100) is 5e18 raw, and `i128` holds 1.7e38, so about
/// 3e19 such prints fit in one sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i128);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(0);

    /// From a raw value in units of 1e-9 currency units.
    #[inline]
    pub const fn from_raw(raw: i128) -> Self {
        Self(raw)
    }

    /// The raw value in units of 1e-9 currency units.
    #[inline]
    pub const fn raw(self) -> i128 {
        self.0
    }

    /// A price in currency units as money (e.g. a per-share cash amount).
    #[inline]
    pub const fn from_price(price: Price) -> Self {
        Self(price.0 as i128)
    }

    /// The premium of `size` contracts at `price` per unit with contract `multiplier`
    /// (100 for SPX/SPXW/SPY options, 50 for ES options): `price × size × multiplier`, exact.
    ///
    /// The caller checks [`Price::is_defined`]: the sentinel would be multiplied like any value.
    #[inline]
    pub const fn premium(price: Price, size: Size, multiplier: u32) -> Self {
        // |price| ≤ 2^63 and size, multiplier < 2^32: the product is below 2^127 in magnitude.
        Self(price.0 as i128 * size.0 as i128 * multiplier as i128)
    }

    /// `self + rhs`, `None` on overflow.
    #[inline]
    pub const fn checked_add(self, rhs: Money) -> Option<Self> {
        match self.0.checked_add(rhs.0) {
            Some(raw) => Some(Self(raw)),
            None => None,
        }
    }

    /// `self - rhs`, `None` on overflow.
    #[inline]
    pub const fn checked_sub(self, rhs: Money) -> Option<Self> {
        match self.0.checked_sub(rhs.0) {
            Some(raw) => Some(Self(raw)),
            None => None,
        }
    }

    /// `-self`, `None` for the most negative raw value.
    #[inline]
    pub const fn checked_neg(self) -> Option<Self> {
        match self.0.checked_neg() {
            Some(raw) => Some(Self(raw)),
            None => None,
        }
    }

    /// The exact sum of `items`, `None` if any partial sum overflows.
    pub fn checked_sum<I: IntoIterator<Item = Money>>(items: I) -> Option<Self> {
        items
            .into_iter()
            .try_fold(Money::ZERO, |acc, m| acc.checked_add(m))
    }

    /// The amount as `f64`: **lossy**, for display and floating-point reporting only.
    #[inline]
    pub fn to_f64(self) -> f64 {
        let scale = i128::from(SCALE);
        (self.0 / scale) as f64 + (self.0 % scale) as f64 / SCALE as f64
    }
}

impl std::iter::Sum<Money> for Option<Money> {
    /// Checked sum: `None` if any partial sum overflows (`let total: Option<Money> = it.sum();`).
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Self {
        Money::checked_sum(iter)
    }
}

impl fmt::Display for Money {
    /// Exact shortest decimal, like [`Price`] (`580000`, `2.5`, `-0.000000001`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_fixed(f, self.0 < 0, self.0.unsigned_abs())
    }
}

impl FromStr for Money {
    type Err = ModelError;

    /// Parses decimal text exactly, with the rules of [`Price`] and the range of `i128` raw units.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (negative, magnitude) = parse_fixed(s).map_err(|reason| money_error(s, reason))?;
        let raw = if negative {
            0i128.checked_sub_unsigned(magnitude)
        } else {
            i128::try_from(magnitude).ok()
        };
        raw.map(Self)
            .ok_or_else(|| money_error(s, "out of range of i128 units of 1e-9"))
    }
}

/// The error for unparsable money text.
fn money_error(input: &str, reason: &str) -> ModelError {
    ModelError::InvalidMoney {
        input: input.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Parses decimal text into a sign and a magnitude in units of 1e-9 (rules in the module docs).
fn parse_fixed(s: &str) -> Result<(bool, u128), &'static str> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        Some(_) => (false, s),
        None => return Err("empty text, expected a decimal number such as 5800.25"),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => {
            if f.is_empty() {
                return Err("expected at least one digit after the decimal point");
            }
            (i, Some(f))
        }
        None => (body, None),
    };
    if int_part.is_empty() && frac_part.is_none() {
        return Err("expected digits");
    }
    let overflow = "out of range (too many integer digits)";
    let mut whole: u128 = 0;
    for b in int_part.bytes() {
        let d = digit(b)?;
        whole = whole
            .checked_mul(10)
            .and_then(|w| w.checked_add(d))
            .ok_or(overflow)?;
    }
    let mut frac: u128 = 0;
    if let Some(frac_text) = frac_part {
        for (i, b) in frac_text.bytes().enumerate() {
            let d = digit(b)?;
            if i < SCALE_DIGITS {
                frac = frac * 10 + d;
            } else if d != 0 {
                return Err("more than 9 decimal places (finer than 1e-9)");
            }
        }
        for _ in frac_text.len()..SCALE_DIGITS {
            frac *= 10;
        }
    }
    let magnitude = whole
        .checked_mul(SCALE_U128)
        .and_then(|w| w.checked_add(frac))
        .ok_or(overflow)?;
    Ok((negative, magnitude))
}

/// The value of one ASCII decimal digit.
fn digit(b: u8) -> Result<u128, &'static str> {
    if b.is_ascii_digit() {
        Ok(u128::from(b - b'0'))
    } else {
        Err("expected only decimal digits, an optional sign and one decimal point")
    }
}

/// Writes `±magnitude × 1e-9` exactly: shortest form, or exactly `precision` decimals (rounded half
/// away from zero) when the formatter has one; width, fill, alignment and `+` via `pad_integral`.
fn write_fixed(f: &mut fmt::Formatter<'_>, negative: bool, magnitude: u128) -> fmt::Result {
    use fmt::Write as _;
    let mut text = String::with_capacity(48);
    let decimals = f.precision().map(|p| p.min(SCALE_DIGITS));
    let magnitude = match decimals {
        Some(p) => {
            let unit = 10u128.pow((SCALE_DIGITS - p) as u32);
            // magnitude < 2^128 - 1e9 always holds (it is at most 2^127), so this cannot overflow.
            (magnitude + unit / 2) / unit * unit
        }
        None => magnitude,
    };
    let whole = magnitude / SCALE_U128;
    let frac = magnitude % SCALE_U128;
    write!(text, "{whole}")?;
    match decimals {
        Some(0) => {}
        Some(p) => {
            let digits = format!("{frac:09}");
            text.push('.');
            text.push_str(&digits[..p]);
        }
        None if frac != 0 => {
            let digits = format!("{frac:09}");
            text.push('.');
            text.push_str(digits.trim_end_matches('0'));
        }
        None => {}
    }
    let is_zero = magnitude == 0;
    f.pad_integral(!negative || is_zero, "", &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Price {
        s.parse().unwrap()
    }

    #[test]
    fn parses_exactly() {
        assert_eq!(p("5800").raw(), 5_800_000_000_000);
        assert_eq!(p("5800.25").raw(), 5_800_250_000_000);
        assert_eq!(p("0.05").raw(), 50_000_000);
        assert_eq!(p(".05").raw(), 50_000_000);
        assert_eq!(p("-1.5").raw(), -1_500_000_000);
        assert_eq!(p("+3").raw(), 3_000_000_000);
        assert_eq!(p("0.000000001").raw(), 1);
        assert_eq!(p("0.1").raw(), 100_000_000); // 0.1 is not exact in f64; here it is.
        assert_eq!(p("1.2500000000000").raw(), 1_250_000_000);
        assert_eq!(p("-0").raw(), 0);
        assert_eq!(p("9223372036.854775807"), Price::UNDEF);
        assert_eq!(p("-9223372036.854775808").raw(), i64::MIN);
    }

    #[test]
    fn rejects_bad_text_and_names_it() {
        for bad in [
            "",
            "-",
            "+",
            ".",
            "5.",
            "1e3",
            " 1",
            "1 ",
            "1,000",
            "1_000",
            "abc",
            "--1",
            "1.2.3",
            "0.0000000001",
            "9223372036.854775808",
            "-9223372036.854775809",
            "99999999999999999999999999999999999999999999",
        ] {
            let err = bad.parse::<Price>().unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(&format!("\"{bad}\"")), "{msg}");
        }
    }

    #[test]
    fn displays_without_noise() {
        assert_eq!(p("5800").to_string(), "5800");
        assert_eq!(p("5800.250").to_string(), "5800.25");
        assert_eq!(p("0.05").to_string(), "0.05");
        assert_eq!(p("-1.5").to_string(), "-1.5");
        assert_eq!(p("-0.5").to_string(), "-0.5");
        assert_eq!(Price::from_raw(1).to_string(), "0.000000001");
        assert_eq!(Price::ZERO.to_string(), "0");
        assert_eq!(
            Price::from_raw(i64::MIN).to_string(),
            "-9223372036.854775808"
        );
        assert_eq!(format!("{:?}", Price::UNDEF), "Price(UNDEF)");
        assert_eq!(format!("{:?}", p("2.5")), "Price(2.5)");
    }

    #[test]
    fn display_honours_precision_and_width() {
        assert_eq!(format!("{:.2}", p("5800.125")), "5800.13");
        assert_eq!(format!("{:.2}", p("-5800.125")), "-5800.13");
        assert_eq!(format!("{:.2}", p("5800")), "5800.00");
        assert_eq!(format!("{:.0}", p("0.5")), "1");
        assert_eq!(format!("{:.2}", p("-0.001")), "0.00");
        assert_eq!(format!("{:>8}", p("1.5")), "     1.5");
        assert_eq!(format!("{:<6}|", p("-1")), "-1    |");
        assert_eq!(format!("{:+}", p("1.5")), "+1.5");
        assert_eq!(format!("{:08.2}", p("-1.5")), "-0001.50");
    }

    #[test]
    fn checked_arithmetic() {
        assert_eq!(Price::from_integer(5800), Some(p("5800")));
        assert_eq!(Price::from_integer(i64::MAX / 10), None);
        assert_eq!(p("1.25").checked_add(p("0.05")), Some(p("1.3")));
        assert_eq!(p("1.25").checked_sub(p("2")), Some(p("-0.75")));
        assert_eq!(p("0.05").checked_mul_int(3), Some(p("0.15")));
        assert_eq!(Price::UNDEF.checked_add(Price::from_raw(1)), None);
        assert_eq!(Price::from_raw(i64::MIN).checked_neg(), None);
        assert_eq!(p("2").checked_neg(), Some(p("-2")));
        assert!(!Price::UNDEF.is_defined());
        assert!(Price::ZERO.is_defined());
        assert!(p("0.05") < p("0.1"));
    }

    #[test]
    fn to_f64_is_close() {
        assert_eq!(p("5800.25").to_f64(), 5800.25);
        assert_eq!(p("-0.05").to_f64(), -0.05);
        assert_eq!(p("0.1").to_f64(), 0.1);
    }

    #[test]
    fn size_arithmetic() {
        assert_eq!(Size::new(3).checked_add(Size::new(4)), Some(Size::new(7)));
        assert_eq!(Size::new(3).checked_sub(Size::new(4)), None);
        assert_eq!(Size::new(u32::MAX).checked_add(Size::new(1)), None);
        assert_eq!(Size::new(5).checked_mul(10), Some(Size::new(50)));
        assert_eq!(Size::new(u32::MAX).as_u64(), 4_294_967_295);
        assert_eq!(Size::new(25).to_string(), "25");
        assert!(Size::ZERO.is_zero());
    }

    #[test]
    fn premium_is_exact() {
        let m = Money::premium(p("5.35"), Size::new(10), 100);
        assert_eq!(m.to_string(), "5350");
        let m = Money::premium(p("0.05"), Size::new(3), 50);
        assert_eq!(m.to_string(), "7.5");
        let m = Money::premium(p("-0.1"), Size::new(1), 100);
        assert_eq!(m.to_string(), "-10");
        // Extremes cannot overflow.
        let max = Money::premium(Price::from_raw(i64::MIN), Size::new(u32::MAX), u32::MAX);
        assert!(max.raw() < 0);
        // 0.1 + 0.2 summed exactly.
        let total: Option<Money> = [p("0.1"), p("0.2")]
            .into_iter()
            .map(Money::from_price)
            .sum();
        assert_eq!(total, Some("0.3".parse().unwrap()));
    }

    #[test]
    fn money_sums_are_checked() {
        let big = Money::from_raw(i128::MAX);
        assert_eq!(big.checked_add(Money::from_raw(1)), None);
        assert_eq!(Money::checked_sum([big, Money::from_raw(1)]), None);
        assert_eq!(Money::checked_sum([]), Some(Money::ZERO));
        assert_eq!(Money::from_raw(i128::MIN).checked_neg(), None);
        assert_eq!(
            Money::from_raw(5).checked_sub(Money::from_raw(7)),
            Some(Money::from_raw(-2))
        );
        assert_eq!(Money::from_raw(-1).to_string(), "-0.000000001");
        assert_eq!("2.5".parse::<Money>().unwrap().to_f64(), 2.5);
        let err = "12x".parse::<Money>().unwrap_err().to_string();
        assert!(err.contains("\"12x\""), "{err}");
        let min = Money::from_raw(i128::MIN);
        assert_eq!(min.to_string().parse::<Money>().unwrap(), min);
    }
}
