//! Option contracts and their three spellings, plus index and equity underlyings.
//!
//! | form | example | notes |
//! |---|---|---|
//! | OCC/OSI, 21 characters | `SPXW  251216C05800000` | root left-justified, space-padded to 6 (Databento `raw_symbol`, IB `localSymbol`) |
//! | compact | `SPXW251216C05800000` | no padding (Cboe quote data); parsed from the right: the last 15 characters are `YYMMDD`, `C`/`P` and 8 strike digits |
//! | Polygon/Massive | `O:SPXW251216C05800000` | `O:` + compact |
//!
//! The 8 strike digits are the strike × 1000 (5 integer and 3 decimal digits): `05800000` is 5800,
//! `00572500` is 572.5. They map exactly onto [`Price`] (one strike unit of 0.001 is raw 1,000,000).
//! `YY` means `20YY`. Only contracts whose strike is a multiple of 0.001 in `0..=99999.999` and whose
//! expiry year is 2000–2099 can be written; formatting anything else is an error, never a rounding.
//!
//! Underlyings use Polygon/Massive's spelling: indices carry an `I:` prefix (`I:SPX`, `I:NDX`,
//! `I:VIX`), equities and ETFs are bare tickers (`SPY`). Futures are not underlyings here; see
//! [`crate::futures`] and [`crate::event::FutureSymbol`].

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;

use crate::ModelError;
use crate::price::Price;

/// Number of characters of the date, right and strike fields (`YYMMDD` + `C|P` + 8 digits).
const TAIL_LEN: usize = 15;
/// Length of the OCC/OSI form.
const OCC_LEN: usize = 21;
/// Raw price units per strike unit of 0.001.
const RAW_PER_STRIKE_UNIT: i64 = 1_000_000;
/// Largest strike field value (8 digits).
const MAX_STRIKE_FIELD: i64 = 99_999_999;
/// Polygon/Massive option prefix.
const POLYGON_OPTION_PREFIX: &str = "O:";
/// Polygon/Massive index prefix.
const POLYGON_INDEX_PREFIX: &str = "I:";

/// A short ASCII string stored inline (no heap), zero-padded so that the derived ordering is the
/// lexicographic order of the text.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Inline<const N: usize> {
    bytes: [u8; N],
    len: u8,
}

impl<const N: usize> Inline<N> {
    /// Copies `text`, which the caller has checked to be ASCII and at most `N` bytes.
    const fn from_checked(text: &[u8]) -> Self {
        let mut bytes = [0u8; N];
        let mut i = 0;
        while i < text.len() && i < N {
            bytes[i] = text[i];
            i += 1;
        }
        Self {
            bytes,
            len: i as u8,
        }
    }

    /// The text.
    fn as_str(&self) -> &str {
        // Only ASCII is ever stored, so this never falls back.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

/// Call or put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OptionRight {
    /// The right to buy the underlying at the strike.
    Call,
    /// The right to sell the underlying at the strike.
    Put,
}

impl OptionRight {
    /// From the symbol letter `C` or `P` (uppercase only, as in every symbol form).
    pub fn from_char(c: char) -> Result<Self, ModelError> {
        match c {
            'C' => Ok(Self::Call),
            'P' => Ok(Self::Put),
            other => Err(ModelError::InvalidOptionRight {
                input: other.to_string(),
            }),
        }
    }

    /// The symbol letter, `'C'` or `'P'`.
    pub const fn as_char(self) -> char {
        match self {
            Self::Call => 'C',
            Self::Put => 'P',
        }
    }
}

impl fmt::Display for OptionRight {
    /// `C` or `P`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_char())
    }
}

/// An option root (OCC "symbol root", Cboe "option class"): 1–6 ASCII uppercase letters or digits,
/// e.g. `SPXW`, `SPX`, `SPY`, `NDXP`, or `SPY1` for an adjusted contract. Stored inline, `Copy`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OptionRoot(Inline<6>);

impl OptionRoot {
    /// Maximum length of a root.
    pub const MAX_LEN: usize = 6;
    /// `SPXW`: SPX weeklies and dailies (PM-settled, including 0DTE).
    pub const SPXW: OptionRoot = OptionRoot(Inline::from_checked(b"SPXW"));
    /// `SPX`: standard monthly SPX options (AM-settled).
    pub const SPX: OptionRoot = OptionRoot(Inline::from_checked(b"SPX"));
    /// `SPY`: options on the SPDR S&P 500 ETF.
    pub const SPY: OptionRoot = OptionRoot(Inline::from_checked(b"SPY"));

    /// Validates and stores a root; errors name the text and say what was expected.
    pub fn new(text: &str) -> Result<Self, ModelError> {
        let bytes = text.as_bytes();
        let reason = if bytes.is_empty() {
            Some("empty, expected 1-6 characters".to_owned())
        } else if bytes.len() > Self::MAX_LEN {
            Some(format!(
                "expected 1-6 characters, got {}",
                text.chars().count()
            ))
        } else if !bytes
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            Some("expected only ASCII uppercase letters and digits".to_owned())
        } else {
            None
        };
        match reason {
            Some(reason) => Err(ModelError::InvalidOptionRoot {
                input: text.to_owned(),
                reason,
            }),
            None => Ok(Self(Inline::from_checked(bytes))),
        }
    }

    /// The root text, e.g. `"SPXW"`.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The underlying of options with this root.
    ///
    /// Index roots map to their index: `SPX`/`SPXW` → `I:SPX`, `NDX`/`NDXP` → `I:NDX`,
    /// `RUT`/`RUTW` → `I:RUT`, `VIX`/`VIXW` → `I:VIX`, `XSP` → `I:XSP`. Every other root maps to the
    /// equity or ETF of the same name (`SPY` → `SPY`). Adjusted roots such as `SPY1` therefore map
    /// to a ticker `SPY1` that does not trade: their deliverable must come from the contract's
    /// definition, not from the root.
    pub fn underlying(&self) -> Underlying {
        let index = match self.as_str() {
            "SPX" | "SPXW" => Some(Ticker::SPX),
            "NDX" | "NDXP" => Some(Ticker::NDX),
            "RUT" | "RUTW" => Some(Ticker::RUT),
            "VIX" | "VIXW" => Some(Ticker::VIX),
            "XSP" => Some(Ticker::XSP),
            _ => None,
        };
        match index {
            Some(t) => Underlying::Index(t),
            // A root (≤ 6 of [A-Z0-9]) is always a valid ticker (≤ 8 of [A-Z0-9.]).
            None => Underlying::Equity(Ticker(Inline::from_checked(self.as_str().as_bytes()))),
        }
    }
}

impl FromStr for OptionRoot {
    type Err = ModelError;

    /// Same as [`OptionRoot::new`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for OptionRoot {
    /// The root text, e.g. `SPXW` (width and alignment honoured).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for OptionRoot {
    /// `OptionRoot("SPXW")`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OptionRoot({:?})", self.as_str())
    }
}

/// Roots of options on E-mini S&P 500 futures (CME product codes, as Databento's `GLBX.MDP3`
/// definitions name them; see [`crate::expiry::es_option_root`] for which expiry gets which).
///
/// | root | series |
/// |---|---|
/// | `ES` | quarterly options (AM, third Friday of March/June/September/December) |
/// | `EW` | end-of-month options (PM, last trading day of the month) |
/// | `EW1`–`EW5` | Friday weeklies, week 1–5 of the month (`EW5` is this crate's name for a fifth Friday) |
/// | `E1A`–`E5D` | Monday–Thursday weeklies: week 1–5 of the month, then `A` Monday, `B` Tuesday, `C` Wednesday, `D` Thursday |
///
/// These codes share the OCC root namespace with some equity options (`ES` Eversource Energy,
/// `EW` Edwards Lifesciences): gammaflow follows SPX, SPY and ES only and reads `ES`/`EW` as
/// futures options; a consumer of those equities' options must not rely on
/// [`OptionRoot::is_futures_option`].
impl OptionRoot {
    /// `ES`: quarterly options on ES futures.
    pub const ES: OptionRoot = OptionRoot(Inline::from_checked(b"ES"));
    /// `EW`: end-of-month options on ES futures.
    pub const EW: OptionRoot = OptionRoot(Inline::from_checked(b"EW"));

    /// `true` for a root of options on futures (the ES family of the table above), `false` for
    /// index and equity roots (`SPXW`, `SPY`, ...). The underlying future of such an option
    /// follows from its expiry: [`crate::expiry::es_option_underlying`].
    pub fn is_futures_option(&self) -> bool {
        match self.as_str().as_bytes() {
            b"ES" | b"EW" => true,
            [b'E', b'W', week] => (b'1'..=b'5').contains(week),
            [b'E', week, day] => (b'1'..=b'5').contains(week) && (b'A'..=b'D').contains(day),
            _ => false,
        }
    }
}

/// A ticker of an index, equity, ETF or futures root without any vendor prefix: 1–8 ASCII uppercase
/// letters, digits and `.` starting with a letter or digit (`SPX`, `SPY`, `BRK.B`, `ES`). Inline,
/// `Copy`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ticker(Inline<8>);

impl Ticker {
    /// Maximum length of a ticker.
    pub const MAX_LEN: usize = 8;
    /// The S&P 500 index.
    pub const SPX: Ticker = Ticker(Inline::from_checked(b"SPX"));
    /// The Nasdaq-100 index.
    pub const NDX: Ticker = Ticker(Inline::from_checked(b"NDX"));
    /// The Russell 2000 index.
    pub const RUT: Ticker = Ticker(Inline::from_checked(b"RUT"));
    /// The Cboe Volatility Index.
    pub const VIX: Ticker = Ticker(Inline::from_checked(b"VIX"));
    /// The Mini-SPX index (1/10 of SPX).
    pub const XSP: Ticker = Ticker(Inline::from_checked(b"XSP"));
    /// The SPDR S&P 500 ETF.
    pub const SPY: Ticker = Ticker(Inline::from_checked(b"SPY"));

    /// Validates and stores a ticker; errors name the text and say what was expected.
    pub fn new(text: &str) -> Result<Self, ModelError> {
        let bytes = text.as_bytes();
        let reason = match bytes.first() {
            None => Some("empty, expected 1-8 characters".to_owned()),
            Some(_) if bytes.len() > Self::MAX_LEN => Some(format!(
                "expected 1-8 characters, got {}",
                text.chars().count()
            )),
            Some(first) if !(first.is_ascii_uppercase() || first.is_ascii_digit()) => {
                Some("expected an uppercase letter or digit first".to_owned())
            }
            Some(_)
                if !bytes
                    .iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'.') =>
            {
                Some("expected only ASCII uppercase letters, digits and '.'".to_owned())
            }
            Some(_) => None,
        };
        match reason {
            Some(reason) => Err(ModelError::InvalidTicker {
                input: text.to_owned(),
                reason,
            }),
            None => Ok(Self(Inline::from_checked(bytes))),
        }
    }

    /// The ticker text, e.g. `"SPY"`.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl FromStr for Ticker {
    type Err = ModelError;

    /// Same as [`Ticker::new`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for Ticker {
    /// The ticker text (width and alignment honoured).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for Ticker {
    /// `Ticker("SPY")`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ticker({:?})", self.as_str())
    }
}

/// What an option is written on, in Polygon/Massive's spelling: `I:SPX` for an index, `SPY` for an
/// equity or ETF. Futures underlyings (ES options) are modelled in [`crate::futures`], not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Underlying {
    /// A cash index (no trades, only computed values), displayed `I:SPX`.
    Index(Ticker),
    /// An equity or ETF, displayed as the bare ticker (`SPY`).
    Equity(Ticker),
}

impl Underlying {
    /// The S&P 500 index, `I:SPX`.
    pub const SPX: Underlying = Underlying::Index(Ticker::SPX);
    /// The Nasdaq-100 index, `I:NDX`.
    pub const NDX: Underlying = Underlying::Index(Ticker::NDX);
    /// The Cboe Volatility Index, `I:VIX`.
    pub const VIX: Underlying = Underlying::Index(Ticker::VIX);
    /// The SPDR S&P 500 ETF, `SPY`.
    pub const SPY: Underlying = Underlying::Equity(Ticker::SPY);

    /// The ticker without prefix (`SPX` for `I:SPX`).
    pub const fn ticker(&self) -> Ticker {
        match self {
            Self::Index(t) | Self::Equity(t) => *t,
        }
    }

    /// Parses `I:<ticker>` as an index and a bare ticker as an equity; errors name the text.
    pub fn parse(text: &str) -> Result<Self, ModelError> {
        let wrap = |e: ModelError| match e {
            ModelError::InvalidTicker { reason, .. } => ModelError::InvalidTicker {
                input: text.to_owned(),
                reason,
            },
            other => other,
        };
        match text.strip_prefix(POLYGON_INDEX_PREFIX) {
            Some(rest) => Ticker::new(rest).map(Self::Index).map_err(wrap),
            None => Ticker::new(text).map(Self::Equity).map_err(wrap),
        }
    }
}

impl FromStr for Underlying {
    type Err = ModelError;

    /// Same as [`Underlying::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Underlying {
    /// `I:SPX` or `SPY`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Index(t) => write!(f, "{POLYGON_INDEX_PREFIX}{t}"),
            Self::Equity(t) => write!(f, "{t}"),
        }
    }
}

/// One listed option: root, expiry date, right and strike. `Copy` (about 24 bytes, no heap).
///
/// The derived ordering sorts by root, then expiry, right and strike. `Display` is a readable form
/// that never fails (`SPXW 2025-12-16 C 5800`); the vendor spellings are [`OptionContract::to_occ`],
/// [`OptionContract::to_compact`] and [`OptionContract::to_polygon`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OptionContract {
    /// The option root (`SPXW`), which also tells the underlying and the settlement style.
    pub root: OptionRoot,
    /// The expiration date (the trade date of the last trading session, exchange calendar).
    pub expiry: Date,
    /// Call or put.
    pub right: OptionRight,
    /// The strike in the underlying's price units (index points, dollars per share).
    pub strike: Price,
}

impl OptionContract {
    /// A contract from its parts (no validation: any strike and date are held; formatting checks).
    pub const fn new(root: OptionRoot, expiry: Date, right: OptionRight, strike: Price) -> Self {
        Self {
            root,
            expiry,
            right,
            strike,
        }
    }

    /// The underlying, from the root (see [`OptionRoot::underlying`]).
    pub fn underlying(&self) -> Underlying {
        self.root.underlying()
    }

    /// Parses the 21-character OCC/OSI form `SPXW  251216C05800000`.
    pub fn parse_occ(text: &str) -> Result<Self, ModelError> {
        let bytes = text.as_bytes();
        if bytes.len() != OCC_LEN {
            return Err(symbol_error(
                text,
                format!(
                    "expected 21 characters (root padded to 6, YYMMDD, C or P, 8 strike digits), got {}",
                    text.chars().count()
                ),
            ));
        }
        let root_field = &bytes[..OptionRoot::MAX_LEN];
        let root_len = root_field
            .iter()
            .rposition(|b| *b != b' ')
            .map_or(0, |i| i + 1);
        if root_field[..root_len].contains(&b' ') || root_len == 0 {
            return Err(symbol_error(
                text,
                "expected the root left-justified in the first 6 characters and padded with spaces"
                    .to_owned(),
            ));
        }
        parse_root_and_tail(text, &bytes[..root_len], &bytes[OptionRoot::MAX_LEN..])
    }

    /// Parses the compact form `SPXW251216C05800000` (from the right: the last 15 characters are
    /// the date, right and strike; the 1–6 characters before them are the root).
    pub fn parse_compact(text: &str) -> Result<Self, ModelError> {
        parse_compact_of(text, text)
    }

    /// Parses Polygon/Massive's `O:SPXW251216C05800000`.
    pub fn parse_polygon(text: &str) -> Result<Self, ModelError> {
        match text.strip_prefix(POLYGON_OPTION_PREFIX) {
            Some(rest) => parse_compact_of(text, rest),
            None => Err(symbol_error(
                text,
                "expected the prefix \"O:\" of a Polygon/Massive option ticker".to_owned(),
            )),
        }
    }

    /// Parses any of the three forms: `O:` prefix → Polygon/Massive; a space → OCC/OSI; otherwise
    /// compact. (A 6-character root makes the OCC and compact forms identical, so either reading
    /// gives the same contract.)
    pub fn parse_any(text: &str) -> Result<Self, ModelError> {
        if text.starts_with(POLYGON_OPTION_PREFIX) {
            Self::parse_polygon(text)
        } else if text.contains(' ') {
            Self::parse_occ(text)
        } else {
            Self::parse_compact(text)
        }
    }

    /// The OCC/OSI form, e.g. `SPXW  251216C05800000`.
    pub fn to_occ(&self) -> Result<String, ModelError> {
        let tail = self.tail()?;
        Ok(format!("{:<6}{tail}", self.root.as_str()))
    }

    /// The compact form, e.g. `SPXW251216C05800000`.
    pub fn to_compact(&self) -> Result<String, ModelError> {
        let tail = self.tail()?;
        Ok(format!("{}{tail}", self.root.as_str()))
    }

    /// Polygon/Massive's form, e.g. `O:SPXW251216C05800000`.
    pub fn to_polygon(&self) -> Result<String, ModelError> {
        let tail = self.tail()?;
        Ok(format!(
            "{POLYGON_OPTION_PREFIX}{}{tail}",
            self.root.as_str()
        ))
    }

    /// The 15-character `YYMMDD` + right + strike field, or why it cannot be written.
    fn tail(&self) -> Result<String, ModelError> {
        let year = self.expiry.year();
        if !(2000..=2099).contains(&year) {
            return Err(self.unrepresentable(format!(
                "expiry year {year} is outside 2000-2099 (YY means 20YY)"
            )));
        }
        let raw = self.strike.raw();
        if raw < 0 || raw % RAW_PER_STRIKE_UNIT != 0 || raw / RAW_PER_STRIKE_UNIT > MAX_STRIKE_FIELD
        {
            return Err(self.unrepresentable(format!(
                "strike {} does not fit 8 digits with 3 decimals (0 to 99999.999 in steps of 0.001)",
                self.strike
            )));
        }
        Ok(format!(
            "{:02}{:02}{:02}{}{:08}",
            year - 2000,
            self.expiry.month(),
            self.expiry.day(),
            self.right.as_char(),
            raw / RAW_PER_STRIKE_UNIT
        ))
    }

    /// The formatting error for this contract.
    fn unrepresentable(&self, reason: String) -> ModelError {
        ModelError::UnrepresentableContract {
            contract: self.to_string(),
            reason,
        }
    }
}

impl FromStr for OptionContract {
    type Err = ModelError;

    /// Same as [`OptionContract::parse_any`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_any(s)
    }
}

impl fmt::Display for OptionContract {
    /// `SPXW 2025-12-16 C 5800`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            self.root, self.expiry, self.right, self.strike
        )
    }
}

/// The error for an unparsable option symbol.
fn symbol_error(input: &str, reason: String) -> ModelError {
    ModelError::InvalidOptionSymbol {
        input: input.to_owned(),
        reason,
    }
}

/// Parses the compact form in `body`, reporting errors against the whole `input`.
fn parse_compact_of(input: &str, body: &str) -> Result<OptionContract, ModelError> {
    let bytes = body.as_bytes();
    let min = TAIL_LEN + 1;
    let max = TAIL_LEN + OptionRoot::MAX_LEN;
    if !(min..=max).contains(&bytes.len()) {
        return Err(symbol_error(
            input,
            format!(
                "expected {min}-{max} characters after any prefix (root of 1-6, YYMMDD, C or P, 8 strike digits), got {}",
                body.chars().count()
            ),
        ));
    }
    let split = bytes.len() - TAIL_LEN;
    parse_root_and_tail(input, &bytes[..split], &bytes[split..])
}

/// Parses the root bytes and the 15 tail bytes, reporting errors against `input`.
fn parse_root_and_tail(
    input: &str,
    root: &[u8],
    tail: &[u8],
) -> Result<OptionContract, ModelError> {
    let root_text = String::from_utf8_lossy(root);
    let root = OptionRoot::new(&root_text).map_err(|e| match e {
        ModelError::InvalidOptionRoot { input: r, reason } => {
            symbol_error(input, format!("root {r:?}: {reason}"))
        }
        other => other,
    })?;
    let (date, rest) = tail.split_at(6);
    let (right, strike) = rest.split_at(1);
    let field = |bytes: &[u8], name: &str| -> Result<i64, ModelError> {
        if bytes.iter().all(u8::is_ascii_digit) {
            Ok(bytes
                .iter()
                .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0')))
        } else {
            Err(symbol_error(
                input,
                format!(
                    "expected {} digits of {name}, got {:?}",
                    bytes.len(),
                    String::from_utf8_lossy(bytes)
                ),
            ))
        }
    };
    let yymmdd = field(date, "expiry date YYMMDD")?;
    let (yy, mm, dd) = (yymmdd / 10_000, yymmdd / 100 % 100, yymmdd % 100);
    let expiry = Date::new(2000 + yy as i16, mm as i8, dd as i8).map_err(|_| {
        symbol_error(
            input,
            format!("expiry 20{yy:02}-{mm:02}-{dd:02} is not a calendar date"),
        )
    })?;
    let right = match right {
        b"C" => OptionRight::Call,
        b"P" => OptionRight::Put,
        other => {
            return Err(symbol_error(
                input,
                format!(
                    "expected C or P after the date, got {:?}",
                    String::from_utf8_lossy(other)
                ),
            ));
        }
    };
    let strike = Price::from_raw(field(strike, "strike x 1000")? * RAW_PER_STRIKE_UNIT);
    Ok(OptionContract::new(root, expiry, right, strike))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract(
        root: &str,
        y: i16,
        m: i8,
        d: i8,
        right: OptionRight,
        strike: &str,
    ) -> OptionContract {
        OptionContract::new(
            OptionRoot::new(root).unwrap(),
            Date::new(y, m, d).unwrap(),
            right,
            strike.parse().unwrap(),
        )
    }

    #[test]
    fn parses_the_three_forms() {
        let want = contract("SPXW", 2025, 12, 16, OptionRight::Call, "5800");
        for text in [
            "SPXW  251216C05800000",
            "SPXW251216C05800000",
            "O:SPXW251216C05800000",
        ] {
            assert_eq!(OptionContract::parse_any(text).unwrap(), want, "{text}");
            assert_eq!(text.parse::<OptionContract>().unwrap(), want);
        }
        assert_eq!(want.to_occ().unwrap(), "SPXW  251216C05800000");
        assert_eq!(want.to_compact().unwrap(), "SPXW251216C05800000");
        assert_eq!(want.to_polygon().unwrap(), "O:SPXW251216C05800000");
        assert_eq!(want.to_string(), "SPXW 2025-12-16 C 5800");
    }

    #[test]
    fn real_examples() {
        let c = OptionContract::parse_occ("SPY   231215P00415000").unwrap();
        assert_eq!(c, contract("SPY", 2023, 12, 15, OptionRight::Put, "415"));
        let c = OptionContract::parse_polygon("O:SPY251216C00572500").unwrap();
        assert_eq!(c.strike.to_string(), "572.5");
        let c = OptionContract::parse_compact("SPXW200323C01500000").unwrap();
        assert_eq!(c.underlying(), Underlying::SPX);
        let c = OptionContract::parse_any("ABCDEF250101P00000001").unwrap();
        assert_eq!(c.strike.to_string(), "0.001");
        assert_eq!(c.root.as_str(), "ABCDEF");
    }

    #[test]
    fn errors_name_the_input_and_expectation() {
        let cases = [
            ("W251216C0580000", "expected 16-21 characters"),
            ("SPXW251216C0580000", "expiry date"),
            ("SPXW 251216C05800000", "expected 21 characters"),
            (" SPXW 251216C05800000", "left-justified"),
            ("SP XW 251216C05800000", "left-justified"),
            ("spxw  251216C05800000", "uppercase"),
            ("SPXW  251316C05800000", "2025-13-16 is not a calendar date"),
            ("SPXW  250230C05800000", "not a calendar date"),
            ("SPXW  25121XC05800000", "expiry date"),
            ("SPXW  251216X05800000", "expected C or P"),
            ("SPXW  251216C0580000A", "strike"),
            ("O:SPXW  251216C05800000", "root \"SPXW  \""),
            ("O:SPXWXYZ251216C05800000", "characters after any prefix"),
            ("X:SPXW251216C05800000", "root"),
            ("", "expected 16-21"),
            ("O:", "expected 16-21"),
        ];
        for (text, want) in cases {
            let msg = OptionContract::parse_any(text).unwrap_err().to_string();
            assert!(msg.contains(&format!("{text:?}")), "{msg}");
            assert!(msg.contains(want), "{text}: {msg}");
        }
        let msg = OptionContract::parse_polygon("SPXW251216C05800000")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("\"O:\""), "{msg}");
    }

    #[test]
    fn unrepresentable_strikes_and_years_are_errors() {
        for strike in ["0.0005", "-5", "100000", "5800.0001"] {
            let c = contract("SPXW", 2025, 12, 16, OptionRight::Put, strike);
            let msg = c.to_occ().unwrap_err().to_string();
            assert!(msg.contains("8 digits"), "{msg}");
            assert!(c.to_compact().is_err() && c.to_polygon().is_err());
        }
        assert!(
            contract("SPXW", 2025, 12, 16, OptionRight::Put, "99999.999")
                .to_occ()
                .is_ok()
        );
        let c = contract("SPX", 1999, 12, 17, OptionRight::Call, "1400");
        assert!(c.to_compact().unwrap_err().to_string().contains("1999"));
    }

    #[test]
    fn rights_and_roots() {
        assert_eq!(OptionRight::from_char('C').unwrap(), OptionRight::Call);
        assert_eq!(OptionRight::from_char('P').unwrap(), OptionRight::Put);
        assert!(
            OptionRight::from_char('c')
                .unwrap_err()
                .to_string()
                .contains("\"c\"")
        );
        assert_eq!(OptionRight::Put.to_string(), "P");
        assert!(OptionRoot::new("").is_err());
        assert!(
            OptionRoot::new("SPXWXYZ")
                .unwrap_err()
                .to_string()
                .contains("got 7")
        );
        assert!(OptionRoot::new("SP-X").is_err());
        assert_eq!(OptionRoot::SPXW, OptionRoot::new("SPXW").unwrap());
        assert!(OptionRoot::SPX < OptionRoot::SPXW);
        assert_eq!(format!("{:?}", OptionRoot::SPY), "OptionRoot(\"SPY\")");
    }

    #[test]
    fn underlyings() {
        let u = |r: &str| OptionRoot::new(r).unwrap().underlying().to_string();
        assert_eq!(u("SPXW"), "I:SPX");
        assert_eq!(u("SPX"), "I:SPX");
        assert_eq!(u("NDXP"), "I:NDX");
        assert_eq!(u("NDX"), "I:NDX");
        assert_eq!(u("VIXW"), "I:VIX");
        assert_eq!(u("SPY"), "SPY");
        assert_eq!(u("AAPL"), "AAPL");
        assert_eq!("I:SPX".parse::<Underlying>().unwrap(), Underlying::SPX);
        assert_eq!("SPY".parse::<Underlying>().unwrap(), Underlying::SPY);
        assert_eq!("BRK.B".parse::<Underlying>().unwrap().to_string(), "BRK.B");
        assert_eq!(Underlying::NDX.ticker().as_str(), "NDX");
        for bad in ["", "I:", "i:SPX", "O:SPY", ".SPY", "TOOLONGTICKER"] {
            let msg = bad.parse::<Underlying>().unwrap_err().to_string();
            assert!(msg.contains(&format!("{bad:?}")), "{msg}");
        }
    }

    #[test]
    fn futures_option_roots() {
        for root in ["ES", "EW", "EW1", "EW4", "EW5", "E1A", "E3C", "E5D"] {
            assert!(OptionRoot::new(root).unwrap().is_futures_option(), "{root}");
        }
        for root in [
            "SPXW", "SPX", "SPY", "E", "EW6", "EW0", "E1E", "E6A", "EWA", "ESX", "E1AA",
        ] {
            assert!(
                !OptionRoot::new(root).unwrap().is_futures_option(),
                "{root}"
            );
        }
        assert_eq!(OptionRoot::ES.as_str(), "ES");
        assert_eq!(OptionRoot::EW, OptionRoot::new("EW").unwrap());
    }
}
