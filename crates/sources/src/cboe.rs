//! Cboe delayed-quote option-chain downloads ("quotedata"), both layouts, sans I/O.
//!
//! Cboe's delayed-quotes page lets anyone download a chain as comma-separated text. Two layouts
//! exist (see `FORMATS.md` §7 of the shared data); [`parse`] detects which from the first header
//! line:
//!
//! | | [`Layout::Legacy2020`] (`.dat`, 2019–2020) | [`Layout::Current2025`] (`.csv`) |
//! |---|---|---|
//! | underlying line | `^SPX (Standard & Poors 500 Index),2304.92,-104.4701` | `SPDR S&P 500 ETF Trust,Last: 599.48,Change:  0.54` |
//! | quote line | `Mar 22 2020 @ 18:24 ET,Bid,2243.68,Ask,2677.6,Size,1x1,Vol,` | `"Date: June 9, 2025 at 4:52 PM EDT",Bid: 599.45,Ask: 599.48,Size: 1*6,"Volume: 51,676,756"` |
//! | columns | `…,Vol,IV,Delta,Gamma,Open Int,…` | `…,Volume,IV,Delta,Gamma,Open Interest,…` |
//! | expiration | `03/23/2020` | `Mon Jun 09 2025` |
//!
//! Both have 22 positional columns per row: the call side (expiration, symbol, last sale, net, bid,
//! ask, volume, IV, delta, gamma, open interest), the strike, then the put side (symbol, last sale,
//! net, bid, ask, volume, IV, delta, gamma, open interest). Blank lines (the 2025 files start with
//! one) are skipped anywhere, `\r\n` line ends and a UTF-8 byte-order mark are accepted.
//!
//! # What is parsed, and how
//! * Symbols are the compact OSI form (`SPY250609C00400000`) and become
//!   [`OptionContract`]s; each row is checked for consistency (call symbol is a call, put symbol a
//!   put, same root, expiry equal to the expiration column, strike equal to the strike column).
//! * Last, net, bid, ask and the strike are [`Price`]s parsed exactly from the text (never through
//!   `f64`); volume and open interest are whole numbers.
//! * IV, delta and gamma are the vendor's own values as `f64`. **IV 0 means "not computed"** and
//!   becomes `None`. Open interest is the previous day's OCC figure.
//! * The quote time (`June 9, 2025 at 4:52 PM EDT`, `Mar 22 2020 @ 18:24 ET`) is New York wall-clock
//!   time; `EDT`/`EST` fix the UTC offset (and must agree with the date), `ET` takes the
//!   America/New_York offset of that date (an hour that does not exist or is ambiguous is an error).
//!
//! # Errors: fatal header, collected rows
//! A problem with the three header lines is fatal ([`parse`] returns `Err`): without them nothing
//! can be interpreted. A bad **data row** is not: [`parse`] keeps going and returns every good row
//! in [`Chain::rows`] plus one [`SourcesError`] per rejected row in [`Chain::row_errors`] (the first
//! problem found on that row, naming its line, column and field), in line order. A rejected row is
//! dropped whole (both sides), so every accepted row is internally consistent; callers decide
//! whether any row error is acceptable (the `gammaflow` binary reports them and carries on).

mod fields;
mod header;
mod row;
#[cfg(test)]
mod tests;

use gammaflow_model::{OptionContract, Price, UnixNanos};
use jiff::civil::{Date, DateTime};

use crate::SourcesError;

/// Number of columns of a data row in both layouts.
pub const COLUMNS: usize = 22;

/// Which of the two Cboe download layouts a file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// The 2019–2020 `.dat` layout (`Vol`, `Open Int`, `MM/DD/YYYY` expirations).
    Legacy2020,
    /// The 2025 `.csv` layout (`Volume`, `Open Interest`, `Mon Jun 09 2025` expirations).
    Current2025,
}

impl Layout {
    /// The expected column-header names, in order.
    pub fn columns(self) -> [&'static str; COLUMNS] {
        let (vol, oi) = match self {
            Layout::Legacy2020 => ("Vol", "Open Int"),
            Layout::Current2025 => ("Volume", "Open Interest"),
        };
        [
            "Expiration Date",
            "Calls",
            "Last Sale",
            "Net",
            "Bid",
            "Ask",
            vol,
            "IV",
            "Delta",
            "Gamma",
            oi,
            "Strike",
            "Puts",
            "Last Sale",
            "Net",
            "Bid",
            "Ask",
            vol,
            "IV",
            "Delta",
            "Gamma",
            oi,
        ]
    }

    /// A short name: `legacy-2020` or `current-2025`.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Legacy2020 => "legacy-2020",
            Layout::Current2025 => "current-2025",
        }
    }
}

/// The underlying, from the first two header lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnderlyingQuote {
    /// The description as given: `SPDR S&P 500 ETF Trust`, `^SPX (Standard & Poors 500 Index)`.
    pub description: String,
    /// The ticker when the line names one (legacy layout: `^SPX`); the 2025 layout has none (use
    /// the option roots).
    pub symbol: Option<String>,
    /// Last price.
    pub last: Price,
    /// Net change on the day (`None` if absent).
    pub change: Option<Price>,
    /// Best bid (`None` if absent or empty).
    pub bid: Option<Price>,
    /// Best ask (`None` if absent or empty).
    pub ask: Option<Price>,
    /// Bid and ask sizes (`1*6`, `1x1`), when given.
    pub size: Option<(u64, u64)>,
    /// Day volume (`None` if absent or empty).
    pub volume: Option<u64>,
}

/// When the chain was quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteTime {
    /// The instant (UTC nanoseconds).
    pub instant: UnixNanos,
    /// The New York wall-clock date and time as printed.
    pub new_york: DateTime,
    /// The text as printed (`June 9, 2025 at 4:52 PM EDT`).
    pub text: String,
}

/// One side (call or put) of a row.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteSide {
    /// The contract, from the compact symbol.
    pub contract: OptionContract,
    /// Last sale price (0 when none).
    pub last: Price,
    /// Net change of the last sale on the day.
    pub net: Price,
    /// Best bid (0 when none).
    pub bid: Price,
    /// Best ask.
    pub ask: Price,
    /// Contracts traded on the day.
    pub volume: u64,
    /// Cboe's implied volatility (per 1.00); `None` where Cboe printed 0 ("not computed").
    pub iv: Option<f64>,
    /// Cboe's delta.
    pub delta: f64,
    /// Cboe's gamma.
    pub gamma: f64,
    /// Open interest (previous day's OCC figure), contracts.
    pub open_interest: u64,
}

/// One data row: a strike of one expiry, call and put.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainRow {
    /// The 1-based line number in the input.
    pub line: usize,
    /// The expiration date (equal to both contracts' expiry).
    pub expiry: Date,
    /// The strike (equal to both contracts' strike).
    pub strike: Price,
    /// The call side.
    pub call: QuoteSide,
    /// The put side.
    pub put: QuoteSide,
}

/// A decoded chain download (see the [module docs](self) for the error policy).
#[derive(Debug, Clone, PartialEq)]
pub struct Chain {
    /// The layout detected.
    pub layout: Layout,
    /// The underlying's quote.
    pub underlying: UnderlyingQuote,
    /// When the chain was quoted.
    pub quote_time: QuoteTime,
    /// Every accepted row, in input order.
    pub rows: Vec<ChainRow>,
    /// One error per rejected data row, in input order.
    pub row_errors: Vec<SourcesError>,
}

impl Chain {
    /// The distinct expiration dates of the accepted rows, ascending.
    pub fn expiries(&self) -> Vec<Date> {
        let mut out: Vec<Date> = self.rows.iter().map(|r| r.expiry).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Number of option contracts in the accepted rows (two per row).
    pub fn contract_count(&self) -> usize {
        2 * self.rows.len()
    }
}

/// The lines of `text` with their 1-based numbers, without line ends, byte-order mark or blank
/// lines.
fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty())
}

/// Decodes a Cboe delayed-quote chain download of either layout.
///
/// Header problems are returned as `Err`; bad data rows are collected in
/// [`Chain::row_errors`] while the good ones are kept (see the [module docs](self)).
pub fn parse(text: &str) -> Result<Chain, SourcesError> {
    let mut lines = content_lines(text);
    let last_line = text.split('\n').count();

    let (line_no, line) = lines.next().ok_or(SourcesError::MissingHeader {
        line: last_line,
        expected: "underlying line",
    })?;
    let (layout, partial) = header::underlying_line(line_no, line)?;

    let (line_no, line) = lines.next().ok_or(SourcesError::MissingHeader {
        line: last_line,
        expected: "quote-time line",
    })?;
    let (underlying, quote_time) = header::quote_line(line_no, line, layout, partial)?;

    let (line_no, line) = lines.next().ok_or(SourcesError::MissingHeader {
        line: last_line,
        expected: "column header",
    })?;
    header::column_header(line_no, line, layout)?;

    let mut rows = Vec::new();
    let mut row_errors = Vec::new();
    for (line_no, line) in lines {
        match row::parse_row(line_no, line) {
            Ok(r) => rows.push(r),
            Err(e) => row_errors.push(e),
        }
    }
    Ok(Chain {
        layout,
        underlying,
        quote_time,
        rows,
        row_errors,
    })
}
