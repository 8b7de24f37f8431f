//! One data row: expiration, call side, strike, put side.

use std::borrow::Cow;
use std::str::FromStr;

use gammaflow_model::{OptionContract, OptionRight, Price};
use jiff::civil::{Date, Weekday};

use super::fields::{self, excerpt};
use super::header::month_number;
use super::{COLUMNS, ChainRow, QuoteSide};
use crate::SourcesError;

/// Column of the strike (0-based).
const STRIKE: usize = 11;
/// First column of the call side's symbol (0-based); the put side starts at [`PUT`].
const CALL: usize = 1;
/// First column of the put side (0-based).
const PUT: usize = 12;

/// Field names of one side, in column order (symbol, last, net, bid, ask, volume, IV, delta,
/// gamma, open interest).
const CALL_NAMES: [&str; 10] = [
    "call symbol",
    "call last sale",
    "call net",
    "call bid",
    "call ask",
    "call volume",
    "call IV",
    "call delta",
    "call gamma",
    "call open interest",
];
const PUT_NAMES: [&str; 10] = [
    "put symbol",
    "put last sale",
    "put net",
    "put bid",
    "put ask",
    "put volume",
    "put IV",
    "put delta",
    "put gamma",
    "put open interest",
];

/// The fields of one row with the line number, for error construction.
struct Row<'a> {
    line: usize,
    fields: Vec<Cow<'a, str>>,
}

impl Row<'_> {
    fn text(&self, column: usize) -> &str {
        self.fields.get(column).map_or("", |f| f.as_ref())
    }

    fn error(&self, column: usize, field: &'static str, reason: impl Into<String>) -> SourcesError {
        SourcesError::Field {
            line: self.line,
            column: column + 1,
            field,
            text: excerpt(self.text(column)),
            reason: reason.into(),
        }
    }

    fn price(&self, column: usize, field: &'static str) -> Result<Price, SourcesError> {
        Price::from_str(self.text(column)).map_err(|e| self.error(column, field, e.to_string()))
    }

    fn whole(&self, column: usize, field: &'static str) -> Result<u64, SourcesError> {
        fields::whole_number(self.text(column)).map_err(|r| self.error(column, field, r))
    }

    fn float(&self, column: usize, field: &'static str) -> Result<f64, SourcesError> {
        fields::finite(self.text(column)).map_err(|r| self.error(column, field, r))
    }

    /// One side starting at `first` (its symbol column).
    fn side(
        &self,
        first: usize,
        names: &[&'static str; 10],
        right: OptionRight,
    ) -> Result<QuoteSide, SourcesError> {
        let contract = OptionContract::parse_compact(self.text(first))
            .map_err(|e| self.error(first, names[0], e.to_string()))?;
        if contract.right != right {
            let expected = match right {
                OptionRight::Call => "expected a call (C) symbol",
                OptionRight::Put => "expected a put (P) symbol",
            };
            return Err(self.error(first, names[0], expected));
        }
        let iv = self.float(first + 6, names[6])?;
        if iv < 0.0 {
            return Err(self.error(first + 6, names[6], "expected an IV ≥ 0"));
        }
        Ok(QuoteSide {
            contract,
            last: self.price(first + 1, names[1])?,
            net: self.price(first + 2, names[2])?,
            bid: self.price(first + 3, names[3])?,
            ask: self.price(first + 4, names[4])?,
            volume: self.whole(first + 5, names[5])?,
            iv: (iv > 0.0).then_some(iv),
            delta: self.float(first + 7, names[7])?,
            gamma: self.float(first + 8, names[8])?,
            open_interest: self.whole(first + 9, names[9])?,
        })
    }
}

/// Parses one data row (see the module docs of `cboe` for the columns and checks).
pub(super) fn parse_row(line: usize, text: &str) -> Result<ChainRow, SourcesError> {
    let mut fields = fields::split(line, text)?;
    fields::drop_trailing_empty(&mut fields, COLUMNS);
    if fields.len() != COLUMNS {
        return Err(SourcesError::FieldCount {
            line,
            expected: COLUMNS,
            found: fields.len(),
        });
    }
    let row = Row { line, fields };
    let expiry = expiration_date(row.text(0)).map_err(|r| row.error(0, "expiration date", r))?;
    let strike = row.price(STRIKE, "strike")?;
    let call = row.side(CALL, &CALL_NAMES, OptionRight::Call)?;
    let put = row.side(PUT, &PUT_NAMES, OptionRight::Put)?;
    for (side, first, names) in [(&call, CALL, &CALL_NAMES), (&put, PUT, &PUT_NAMES)] {
        let c = &side.contract;
        if c.expiry != expiry {
            return Err(row.error(
                first,
                names[0],
                format!(
                    "symbol expiry {} differs from the expiration date {expiry}",
                    c.expiry
                ),
            ));
        }
        if c.strike != strike {
            return Err(row.error(
                first,
                names[0],
                format!(
                    "symbol strike {} differs from the strike column {strike}",
                    c.strike
                ),
            ));
        }
    }
    if put.contract.root != call.contract.root {
        return Err(row.error(
            PUT,
            PUT_NAMES[0],
            format!(
                "root {} differs from the call's root {}",
                put.contract.root, call.contract.root
            ),
        ));
    }
    Ok(ChainRow {
        line,
        expiry,
        strike,
        call,
        put,
    })
}

/// `Mon Jun 09 2025` (2025 layout; the weekday must match) or `03/23/2020` (2020 layout).
pub(super) fn expiration_date(text: &str) -> Result<Date, String> {
    let bad = || "expected `Mon Jun 09 2025` or `MM/DD/YYYY`".to_owned();
    let number = |s: &str, max_len: usize| -> Option<i64> {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d, weekday) = if text.contains('/') {
        let parts: Vec<&str> = text.split('/').collect();
        let [m, d, y] = parts.as_slice() else {
            return Err(bad());
        };
        (number(y, 4), number(m, 2), number(d, 2), None)
    } else {
        let parts: Vec<&str> = text.split_whitespace().collect();
        let [w, m, d, y] = parts.as_slice() else {
            return Err(bad());
        };
        let m = month_number(m).map(i64::from);
        (number(y, 4), m, number(d, 2), Some(*w))
    };
    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
        return Err(bad());
    };
    let date = match (i16::try_from(y), i8::try_from(m), i8::try_from(d)) {
        (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d).map_err(|e| format!("invalid date: {e}"))?,
        _ => return Err(bad()),
    };
    if let Some(w) = weekday {
        let actual = weekday_name(date.weekday());
        if !actual.eq_ignore_ascii_case(w) {
            return Err(format!("weekday {w:?} does not match {date} (a {actual})"));
        }
    }
    Ok(date)
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Mon",
        Weekday::Tuesday => "Tue",
        Weekday::Wednesday => "Wed",
        Weekday::Thursday => "Thu",
        Weekday::Friday => "Fri",
        Weekday::Saturday => "Sat",
        Weekday::Sunday => "Sun",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const GOOD: &str = "Mon Jun 09 2025,SPY250609C00400000,199.16,-0.175,198.68,200.68,4,0,1,0,1,400.00,SPY250609P00400000,0.01,0.005,0,0.01,1,0,0,0,217";

    #[test]
    fn parses_a_2025_row() {
        let r = parse_row(5, GOOD).unwrap();
        assert_eq!(r.expiry, date(2025, 6, 9));
        assert_eq!(r.strike.to_string(), "400");
        assert_eq!(r.call.last.to_string(), "199.16");
        assert_eq!(r.call.net.to_string(), "-0.175");
        assert_eq!(r.call.bid.raw(), 198_680_000_000);
        assert_eq!(r.call.iv, None);
        assert_eq!(r.call.delta, 1.0);
        assert_eq!(r.put.ask.to_string(), "0.01");
        assert_eq!(r.put.open_interest, 217);
        assert_eq!(r.put.contract.right, OptionRight::Put);
    }

    #[test]
    fn parses_a_2020_row() {
        let r = parse_row(4, "03/23/2020,SPXW200323C01500000,885.6,-64.8,793,806.7,1,0,0.9311,0.0002,1,1500.000,SPXW200323P01500000,0.05,-0.1,0,0.05,3,1.7288,-0.0003,0,623").unwrap();
        assert_eq!(r.expiry, date(2020, 3, 23));
        assert_eq!(r.put.iv, Some(1.7288));
        assert_eq!(r.call.contract.root.as_str(), "SPXW");
    }

    fn field_of(line: &str) -> (usize, &'static str) {
        match parse_row(9, line).unwrap_err() {
            SourcesError::Field {
                line,
                column,
                field,
                ..
            } => {
                assert_eq!(line, 9);
                (column, field)
            }
            e => panic!("unexpected {e:?}"),
        }
    }

    #[test]
    fn errors_name_column_and_field() {
        let replace = |col: usize, v: &str| {
            let mut f: Vec<&str> = GOOD.split(',').collect();
            f[col] = v;
            f.join(",")
        };
        assert_eq!(field_of(&replace(4, "1.2.3")), (5, "call bid"));
        assert_eq!(field_of(&replace(18, "x")), (19, "put IV"));
        assert_eq!(field_of(&replace(18, "-0.1")), (19, "put IV"));
        assert_eq!(field_of(&replace(21, "-5")), (22, "put open interest"));
        assert_eq!(
            field_of(&replace(0, "Tue Jun 09 2025")),
            (1, "expiration date")
        );
        assert_eq!(field_of(&replace(11, "405.00")), (2, "call symbol"));
        assert_eq!(
            field_of(&replace(1, "SPY250609P00400000")),
            (2, "call symbol")
        );
        assert_eq!(
            field_of(&replace(12, "QQQ250609P00400000")),
            (13, "put symbol")
        );
        assert_eq!(
            field_of(&replace(12, "SPY250610P00400000")),
            (13, "put symbol")
        );
        assert!(matches!(
            parse_row(3, "a,b"),
            Err(SourcesError::FieldCount {
                line: 3,
                expected: 22,
                found: 2
            })
        ));
    }

    #[test]
    fn expiration_dates() {
        assert_eq!(expiration_date("Fri Oct 31 2025"), Ok(date(2025, 10, 31)));
        assert_eq!(expiration_date("03/23/2020"), Ok(date(2020, 3, 23)));
        assert!(expiration_date("02/30/2020").is_err());
        assert!(expiration_date("Fri Oct 31").is_err());
        assert!(expiration_date("1/2/3/4").is_err());
    }
}
