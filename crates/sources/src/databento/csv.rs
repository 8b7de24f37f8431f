//! The sans-I/O Databento CSV decoder: lines in, events out, through the same record converter as
//! the DBN decoder (each row is rebuilt as the DBN record it was transcoded from).
//!
//! Header-driven: the first line names the columns (any order; unknown columns are ignored), and
//! each row's `rtype` picks the record type. Both encodings are read, even mixed within one file:
//!
//! * prices: a decimal with a `.` (`pretty_px`, e.g. `0.240000000`) is parsed exactly as text; an
//!   integer (`raw`) is a fixed-point value in units of 1e-9; empty means undefined.
//! * timestamps: an integer is ns since the epoch (`raw`); otherwise RFC 3339 / ISO 8601 with a `Z`
//!   or offset (`pretty_ts`, e.g. `2025-02-20T14:30:00.817657088Z`); empty means undefined.
//!
//! The `symbol` column (present when the file was written with `map_symbols`) names each row's
//! instrument; without it the instrument comes from definition rows seen earlier. Fields may be
//! double-quoted (`"AAPL  250221C00250000"`, `""` for a quote inside). Errors name the stream, the
//! 1-based line (the header is line 1) and the column.

use std::collections::VecDeque;

use dbn::{
    BboMsg, BidAskPair, CbboMsg, Cmbp1Msg, ConsolidatedBidAskPair, FlagSet, InstrumentDefMsg,
    MboMsg, Mbp1Msg, Mbp10Msg, OhlcvMsg, RecordHeader, RecordRef, Schema, StatMsg, TradeMsg, rtype,
};
use gammaflow_model::Price;
use gammaflow_model::event::Event;

use super::DatabentoError;
use super::convert::{Converter, DecodeStats, Mbp1Order};
use super::symbology::InstrumentMap;
use crate::SourcesError;

/// The columns the decoder reads.
const COLUMNS: [&str; 34] = [
    "ts_recv",
    "ts_event",
    "rtype",
    "publisher_id",
    "instrument_id",
    "action",
    "side",
    "price",
    "size",
    "flags",
    "sequence",
    "bid_px_00",
    "ask_px_00",
    "bid_sz_00",
    "ask_sz_00",
    "bid_pb_00",
    "ask_pb_00",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "ts_ref",
    "quantity",
    "stat_type",
    "update_action",
    "raw_symbol",
    "instrument_class",
    "expiration",
    "strike_price",
    "min_price_increment",
    "unit_of_measure_qty",
    "order_id",
    "symbol",
];

/// Index of a column in [`COLUMNS`].
#[derive(Debug, Clone, Copy)]
#[repr(usize)]
enum Col {
    TsRecv,
    TsEvent,
    Rtype,
    Publisher,
    InstrumentId,
    Action,
    Side,
    Price,
    Size,
    Flags,
    Sequence,
    BidPx,
    AskPx,
    BidSz,
    AskSz,
    BidPb,
    AskPb,
    Open,
    High,
    Low,
    Close,
    Volume,
    TsRef,
    Quantity,
    StatType,
    UpdateAction,
    RawSymbol,
    InstrumentClass,
    Expiration,
    StrikePrice,
    MinPriceIncrement,
    UnitOfMeasureQty,
    OrderId,
    Symbol,
}

/// Longest text quoted in an error.
const MAX_ERROR_TEXT: usize = 200;

/// A sans-I/O decoder of one Databento CSV stream; see the module documentation.
///
/// ```
/// use gammaflow_sources::databento::CsvDecoder;
/// let text = "ts_recv,ts_event,rtype,publisher_id,instrument_id,action,side,depth,price,size,flags,ts_in_delta,sequence,symbol\n\
/// 2025-02-20T14:30:00.817866523Z,2025-02-20T14:30:00.817657088Z,0,23,16783963,T,N,0,0.240000000,1,194,0,713382,AAPL  250221C00250000\n";
/// let events = CsvDecoder::decode_str("trades.csv", text)?;
/// assert_eq!(events.len(), 1);
/// # Ok::<(), gammaflow_sources::SourcesError>(())
/// ```
#[derive(Debug)]
pub struct CsvDecoder {
    name: String,
    line: u64,
    columns: Option<[Option<usize>; COLUMNS.len()]>,
    conv: Converter,
    out: VecDeque<Event>,
    fields: Vec<String>,
    failed: bool,
}

impl CsvDecoder {
    /// A decoder; `name` (the file path, usually) appears in every error. A name containing
    /// `tbbo` selects the tbbo event order (quote before trade) for rtype-1 rows.
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        let mut conv = Converter::default();
        if name.contains("tbbo") {
            conv.mbp1_order = Mbp1Order::QuoteFirst;
        }
        Self {
            name,
            line: 0,
            columns: None,
            conv,
            out: VecDeque::new(),
            fields: Vec::new(),
            failed: false,
        }
    }

    /// Sets the order of trade and quote for rtype-1 rows (see [`Mbp1Order`]).
    pub fn with_mbp1_order(mut self, order: Mbp1Order) -> Self {
        self.conv.mbp1_order = order;
        self
    }

    /// Seeds the instrument map (e.g. with the definitions of another file of the same day).
    pub fn with_instruments(mut self, map: InstrumentMap) -> Self {
        self.conv.map = map;
        self
    }

    /// The instrument map built so far (definition rows).
    pub fn instruments(&self) -> &InstrumentMap {
        &self.conv.map
    }

    /// Decodes a whole text into events.
    pub fn decode_str(name: impl Into<String>, text: &str) -> Result<Vec<Event>, SourcesError> {
        let mut dec = Self::new(name);
        let mut events = Vec::new();
        for line in text.lines() {
            dec.push_line(line)?;
            while let Some(e) = dec.out.pop_front() {
                events.push(e);
            }
        }
        dec.finish()?;
        Ok(events)
    }

    /// What was decoded and skipped so far.
    pub fn stats(&self) -> &DecodeStats {
        &self.conv.stats
    }

    /// The 1-based number of the last line pushed.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The next decoded event, if any.
    pub fn next_event(&mut self) -> Option<Event> {
        self.out.pop_front()
    }

    /// Declares the end of the input: an error if there was no header line.
    pub fn finish(&mut self) -> Result<(), SourcesError> {
        if self.columns.is_none() && !self.failed {
            return Err(self.header_error(1, "the input is empty (no header line)".to_owned()));
        }
        Ok(())
    }

    /// Decodes one line (without its line break; a trailing `\r` is ignored). The first line is
    /// the header; empty lines are skipped. After an error, later lines are ignored.
    pub fn push_line(&mut self, line: &str) -> Result<(), SourcesError> {
        if self.failed {
            return Ok(());
        }
        self.line += 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            return Ok(());
        }
        if let Err(reason) = split_fields(line, &mut self.fields) {
            return Err(self.field_error("", line, reason));
        }
        match self.columns {
            None => self.read_header(),
            Some(cols) => self.read_row(&cols, line),
        }
    }

    /// Reads the header line.
    fn read_header(&mut self) -> Result<(), SourcesError> {
        let mut cols = [None; COLUMNS.len()];
        for (i, name) in self.fields.iter().enumerate() {
            if let Some(k) = COLUMNS.iter().position(|c| c == name) {
                cols[k].get_or_insert(i);
            }
        }
        for required in [Col::TsEvent, Col::Rtype, Col::Publisher, Col::InstrumentId] {
            if cols[required as usize].is_none() {
                let reason = format!(
                    "no column {:?}: not a Databento CSV header (found {:?})",
                    COLUMNS[required as usize],
                    truncate(&self.fields.join(","))
                );
                return Err(self.header_error(self.line, reason));
            }
        }
        self.columns = Some(cols);
        Ok(())
    }

    /// Reads one data row.
    fn read_row(
        &mut self,
        cols: &[Option<usize>; COLUMNS.len()],
        line: &str,
    ) -> Result<(), SourcesError> {
        let result = Row {
            cols,
            fields: &self.fields,
        }
        .record(&mut self.conv, &mut self.out);
        match result {
            Ok(()) => Ok(()),
            Err(RowError::Missing(col, rtype)) => {
                let reason = format!(
                    "no column {:?}, needed by the rtype {rtype} record on line {}",
                    COLUMNS[col as usize], self.line
                );
                Err(self.header_error(1, reason))
            }
            Err(RowError::Field(col, text, reason)) => {
                Err(self.field_error(COLUMNS[col as usize], &text, reason))
            }
            Err(RowError::Record(reason)) => Err(self.field_error("", line, reason)),
        }
    }

    /// A header error (marks the decoder failed).
    fn header_error(&mut self, line: u64, reason: String) -> SourcesError {
        self.failed = true;
        DatabentoError::CsvHeader {
            file: self.name.clone(),
            line,
            reason,
        }
        .into()
    }

    /// A field error on the current line (marks the decoder failed).
    fn field_error(&mut self, column: &str, text: &str, reason: String) -> SourcesError {
        self.failed = true;
        DatabentoError::CsvField {
            file: self.name.clone(),
            line: self.line,
            column: column.to_owned(),
            text: truncate(text),
            reason,
        }
        .into()
    }
}

/// At most [`MAX_ERROR_TEXT`] characters of `text`.
fn truncate(text: &str) -> String {
    text.chars().take(MAX_ERROR_TEXT).collect()
}

/// Splits a CSV line into `fields` (reusing their buffers), undoing double quotes.
fn split_fields(line: &str, fields: &mut Vec<String>) -> Result<(), String> {
    let mut n = 0;
    let mut chars = line.chars().peekable();
    loop {
        if fields.len() <= n {
            fields.push(String::new());
        }
        let field = &mut fields[n];
        field.clear();
        n += 1;
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                    None => return Err("unterminated double quote".to_owned()),
                }
            }
            match chars.next() {
                Some(',') => continue,
                None => break,
                Some(c) => return Err(format!("unexpected {c:?} after a closing double quote")),
            }
        }
        loop {
            match chars.next() {
                Some(',') => break,
                Some(c) => field.push(c),
                None => {
                    fields.truncate(n);
                    return Ok(());
                }
            }
        }
    }
    fields.truncate(n);
    Ok(())
}

/// Why a row could not become a record.
enum RowError {
    /// A column the row's rtype needs is not in the header.
    Missing(Col, u8),
    /// A field does not parse: (column, text, reason).
    Field(Col, String, String),
    /// The record is invalid as a whole.
    Record(String),
}

/// One row with its column map.
struct Row<'a> {
    cols: &'a [Option<usize>; COLUMNS.len()],
    fields: &'a [String],
}

impl Row<'_> {
    /// The text of a column (an error if the header lacks it or the row is short).
    fn text(&self, col: Col, rtype: u8) -> Result<&str, RowError> {
        let i = self.cols[col as usize].ok_or(RowError::Missing(col, rtype))?;
        self.fields.get(i).map(String::as_str).ok_or_else(|| {
            RowError::Record(format!(
                "expected at least {} fields, found {}",
                i + 1,
                self.fields.len()
            ))
        })
    }

    /// The text of an optional column (`None` if the header lacks it).
    fn opt_text(&self, col: Col) -> Option<&str> {
        self.cols[col as usize].and_then(|i| self.fields.get(i).map(String::as_str))
    }

    /// An unsigned integer column.
    fn uint<T: std::str::FromStr>(&self, col: Col, rtype: u8) -> Result<T, RowError> {
        let text = self.text(col, rtype)?;
        text.parse::<T>().map_err(|_| {
            RowError::Field(
                col,
                text.to_owned(),
                "expected an unsigned integer".to_owned(),
            )
        })
    }

    /// A price column (decimal text, raw integer or empty).
    fn price(&self, col: Col, rtype: u8) -> Result<i64, RowError> {
        let text = self.text(col, rtype)?;
        parse_price(text).map_err(|reason| RowError::Field(col, text.to_owned(), reason))
    }

    /// A timestamp column (ns integer, ISO 8601 or empty).
    fn ts(&self, col: Col, rtype: u8) -> Result<u64, RowError> {
        let text = self.text(col, rtype)?;
        parse_ts(text).map_err(|reason| RowError::Field(col, text.to_owned(), reason))
    }

    /// A one-character code column (empty → NUL).
    fn code(&self, col: Col, rtype: u8) -> Result<std::ffi::c_char, RowError> {
        let text = self.text(col, rtype)?;
        match text.as_bytes() {
            [] => Ok(0),
            [b] if b.is_ascii() => Ok(*b as std::ffi::c_char),
            _ => Err(RowError::Field(
                col,
                text.to_owned(),
                "expected one ASCII character".to_owned(),
            )),
        }
    }

    /// A flags column (optional: 0 when absent).
    fn flags(&self, rtype: u8) -> Result<FlagSet, RowError> {
        match self.cols[Col::Flags as usize] {
            Some(_) => self.uint::<u8>(Col::Flags, rtype).map(FlagSet::new),
            None => Ok(FlagSet::empty()),
        }
    }

    /// The record header.
    fn header<R: dbn::HasRType>(&self, rtype: u8) -> Result<RecordHeader, RowError> {
        Ok(RecordHeader::new::<R>(
            rtype,
            self.uint(Col::Publisher, rtype)?,
            self.uint(Col::InstrumentId, rtype)?,
            self.ts(Col::TsEvent, rtype)?,
        ))
    }

    /// A plain bid/ask level.
    fn level(&self, rtype: u8) -> Result<BidAskPair, RowError> {
        Ok(BidAskPair {
            bid_px: self.price(Col::BidPx, rtype)?,
            ask_px: self.price(Col::AskPx, rtype)?,
            bid_sz: self.uint(Col::BidSz, rtype)?,
            ask_sz: self.uint(Col::AskSz, rtype)?,
            ..Default::default()
        })
    }

    /// A consolidated bid/ask level.
    fn consolidated(&self, rtype: u8) -> Result<ConsolidatedBidAskPair, RowError> {
        Ok(ConsolidatedBidAskPair {
            bid_px: self.price(Col::BidPx, rtype)?,
            ask_px: self.price(Col::AskPx, rtype)?,
            bid_sz: self.uint(Col::BidSz, rtype)?,
            ask_sz: self.uint(Col::AskSz, rtype)?,
            bid_pb: self.uint(Col::BidPb, rtype)?,
            ask_pb: self.uint(Col::AskPb, rtype)?,
            ..Default::default()
        })
    }

    /// Rebuilds the row's record and converts it.
    fn record(&self, conv: &mut Converter, out: &mut VecDeque<Event>) -> Result<(), RowError> {
        let rt: u8 = self.uint(Col::Rtype, 0)?;
        let symbol = self.opt_text(Col::Symbol);
        let done = |r: Result<(), String>| r.map_err(RowError::Record);
        match rt {
            rtype::MBP_0 => {
                let m = TradeMsg {
                    hd: self.header::<TradeMsg>(rt)?,
                    price: self.price(Col::Price, rt)?,
                    size: self.uint(Col::Size, rt)?,
                    action: self.code(Col::Action, rt)?,
                    side: self.code(Col::Side, rt)?,
                    flags: self.flags(rt)?,
                    ts_recv: self.ts(Col::TsRecv, rt)?,
                    sequence: self.uint(Col::Sequence, rt)?,
                    ..Default::default()
                };
                done(conv.convert_into(RecordRef::from(&m), symbol, out))
            }
            rtype::MBP_1 => {
                let m = Mbp1Msg {
                    hd: self.header::<Mbp1Msg>(rt)?,
                    price: self.price(Col::Price, rt)?,
                    size: self.uint(Col::Size, rt)?,
                    action: self.code(Col::Action, rt)?,
                    side: self.code(Col::Side, rt)?,
                    flags: self.flags(rt)?,
                    ts_recv: self.ts(Col::TsRecv, rt)?,
                    sequence: self.uint(Col::Sequence, rt)?,
                    levels: [self.level(rt)?],
                    ..Default::default()
                };
                done(conv.convert_into(RecordRef::from(&m), symbol, out))
            }
            rtype::MBP_10 => {
                let mut levels: [BidAskPair; 10] = Default::default();
                levels[0] = self.level(rt)?;
                let m = Mbp10Msg {
                    hd: self.header::<Mbp10Msg>(rt)?,
                    price: self.price(Col::Price, rt)?,
                    size: self.uint(Col::Size, rt)?,
                    action: self.code(Col::Action, rt)?,
                    side: self.code(Col::Side, rt)?,
                    flags: self.flags(rt)?,
                    ts_recv: self.ts(Col::TsRecv, rt)?,
                    sequence: self.uint(Col::Sequence, rt)?,
                    levels,
                    ..Default::default()
                };
                done(conv.convert_into(RecordRef::from(&m), symbol, out))
            }
            rtype::CMBP_1 | rtype::TCBBO => {
                let m = Cmbp1Msg {
                    hd: self.header::<Cmbp1Msg>(rt)?,
                    price: self.price(Col::Price, rt)?,
                    size: self.uint(Col::Size, rt)?,
                    side: self.code(Col::Side, rt)?,
                    flags: self.flags(rt)?,
                    ts_recv: self.ts(Col::TsRecv, rt)?,
                    levels: [self.consolidated(rt)?],
                    ..Cmbp1Msg::default_for_schema(Schema::Cmbp1)
                };
                done(conv.convert_into(RecordRef::from(&m), symbol, out))
            }
            rtype::CBBO_1S | rtype::CBBO_1M => {
                let m = CbboMsg {
                    hd: self.header::<CbboMsg>(rt)?,
                    price: self.price(Col::Price, rt)?,
                    size: self.uint(Col::Size, rt)?,
                    side: self.code(Col::Side, rt)?,
                    flags: self.flags(rt)?,
                    ts_recv: self.ts(Col::TsRecv, rt)?,
                    levels: [self.consolidated(rt)?],
                    ..CbboMsg::default_for_schema(Schema::Cbbo1S)
                };
                done(conv.convert_into(RecordRef::from(&m), symbol, out))
            }
            rtype::BBO_1S | rtype::BBO_1M => {
                let m = BboMsg {
                    hd: self.header::<BboMsg>(rt)?,
                    price: self.price(Col::Price, rt)?,
                    size: self.uint(Col::Size, rt)?,
                    side: self.code(Col::Side, rt)?,
                    flags: self.flags(rt)?,
                    ts_recv: self.ts(Col::TsRecv, rt)?,
                    sequence: self.uint(Col::Sequence, rt)?,
                    levels: [self.level(rt)?],
                    ..BboMsg::default_for_schema(Schema::Bbo1S)
                };
                done(conv.convert_into(RecordRef::from(&m), symbol, out))
            }
            rtype::OHLCV_1S
            | rtype::OHLCV_1M
            | rtype::OHLCV_1H
            | rtype::OHLCV_1D
            | rtype::OHLCV_EOD => {
                let m = OhlcvMsg {
                    hd: self.header::<OhlcvMsg>(rt)?,
                    open: self.price(Col::Open, rt)?,
                    high: self.price(Col::High, rt)?,
                    low: self.price(Col::Low, rt)?,
                    close: self.price(Col::Close, rt)?,
                    volume: self.uint(Col::Volume, rt)?,
                };
                done(conv.convert_into(RecordRef::from(&m), symbol, out))
            }
            rtype::STATISTICS => {
                let quantity = self.text(Col::Quantity, rt)?;
                let quantity = if quantity.is_empty() {
                    i64::MAX
                } else {
                    quantity.parse::<i64>().map_err(|_| {
                        RowError::Field(
                            Col::Quantity,
                            quantity.to_owned(),
                            "expected an integer".to_owned(),
                        )
                    })?
                };
                let m = StatMsg {
                    hd: self.header::<StatMsg>(rt)?,
                    ts_recv: self.ts(Col::TsRecv, rt)?,
                    ts_ref: self.ts(Col::TsRef, rt)?,
                    price: self.price(Col::Price, rt)?,
                    quantity,
                    sequence: self.uint(Col::Sequence, rt)?,
                    stat_type: self.uint(Col::StatType, rt)?,
                    update_action: self.uint(Col::UpdateAction, rt)?,
                    ..Default::default()
                };
                done(conv.convert_into(RecordRef::from(&m), symbol, out))
            }
            rtype::INSTRUMENT_DEF => {
                let raw = self.text(Col::RawSymbol, rt)?;
                let raw_symbol = dbn::record::str_to_c_chars(raw)
                    .map_err(|e| RowError::Field(Col::RawSymbol, raw.to_owned(), e.to_string()))?;
                let m = InstrumentDefMsg {
                    hd: self.header::<InstrumentDefMsg>(rt)?,
                    ts_recv: self.ts(Col::TsRecv, rt)?,
                    raw_symbol,
                    instrument_class: self.code(Col::InstrumentClass, rt)?,
                    expiration: self.ts(Col::Expiration, rt)?,
                    strike_price: self.price(Col::StrikePrice, rt)?,
                    min_price_increment: self.price(Col::MinPriceIncrement, rt)?,
                    unit_of_measure_qty: self.price(Col::UnitOfMeasureQty, rt)?,
                    ..Default::default()
                };
                done(conv.convert_into(RecordRef::from(&m), symbol, out))
            }
            rtype::MBO => {
                let m = MboMsg {
                    hd: self.header::<MboMsg>(rt)?,
                    order_id: self.uint(Col::OrderId, rt)?,
                    price: self.price(Col::Price, rt)?,
                    size: self.uint(Col::Size, rt)?,
                    flags: self.flags(rt)?,
                    action: self.code(Col::Action, rt)?,
                    side: self.code(Col::Side, rt)?,
                    ts_recv: self.ts(Col::TsRecv, rt)?,
                    sequence: self.uint(Col::Sequence, rt)?,
                    ..Default::default()
                };
                done(conv.convert_into(RecordRef::from(&m), symbol, out))
            }
            _ => {
                // Status, imbalance and other schemas: counted, no event (as in DBN).
                conv.stats.records += 1;
                conv.stats.other += 1;
                Ok(())
            }
        }
    }
}

/// Parses a CSV price field: decimal text, raw 1e-9 integer, or empty (undefined).
pub(crate) fn parse_price(text: &str) -> Result<i64, String> {
    if text.is_empty() {
        Ok(i64::MAX)
    } else if text.contains('.') {
        text.parse::<Price>()
            .map(Price::raw)
            .map_err(|e| e.to_string())
    } else {
        text.parse::<i64>()
            .map_err(|_| "expected a decimal price or an integer in units of 1e-9".to_owned())
    }
}

/// Parses a CSV timestamp field: ns integer, ISO 8601 text, or empty (undefined).
pub(crate) fn parse_ts(text: &str) -> Result<u64, String> {
    if text.is_empty() {
        return Ok(u64::MAX);
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<u64>()
            .map_err(|_| "integer timestamp out of range of u64 ns".to_owned());
    }
    let ts: jiff::Timestamp = text.parse().map_err(|e| {
        format!("expected ns since the epoch or an ISO 8601 time such as 2025-02-20T14:30:00.000000001Z ({e})")
    })?;
    u64::try_from(ts.as_nanosecond()).map_err(|_| "timestamp before 1970".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_fields() {
        let mut f = Vec::new();
        split_fields(r#"a,"b,c","d""e",,x"#, &mut f).unwrap();
        assert_eq!(f, vec!["a", "b,c", "d\"e", "", "x"]);
        split_fields("", &mut f).unwrap();
        assert_eq!(f, vec![""]);
        assert!(split_fields(r#""abc"#, &mut f).is_err());
        assert!(split_fields(r#""a"b"#, &mut f).is_err());
    }

    #[test]
    fn parses_both_encodings() {
        assert_eq!(parse_price("0.240000000"), Ok(240_000_000));
        assert_eq!(parse_price("240000000"), Ok(240_000_000));
        assert_eq!(parse_price(""), Ok(i64::MAX));
        assert!(parse_price("1.2.3").is_err());
        assert_eq!(
            parse_ts("2025-02-20T14:30:00.817657088Z"),
            Ok(1_740_061_800_817_657_088)
        );
        assert_eq!(
            parse_ts("1740061800817657088"),
            Ok(1_740_061_800_817_657_088)
        );
        assert_eq!(parse_ts(""), Ok(u64::MAX));
        assert!(parse_ts("2025-13-01").is_err());
    }
}
