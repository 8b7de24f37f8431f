//! The flow schema and reading and writing flow rows with the `parquet` crate's column API.

use std::fs::File;
use std::path::Path;

use gammaflow_model::event::{Conditions, ExchangeId};
use gammaflow_model::{OptionContract, Price, Size, UnixNanos};
use parquet::data_type::ByteArray;
use parquet::errors::ParquetError;

use crate::StoreError;
use crate::columns::{Column, TableFileWriter, read_table_file, row_count_hint, utf8};
use crate::row::{FlowRow, StoredRow, date_to_days, days_to_date, side_code, side_from_code};

/// The Parquet message type of a flow file (the column table in the crate docs explains it).
pub const FLOW_SCHEMA: &str = "message flow {
  required int64 ts_event (TIMESTAMP(NANOS,true));
  required int64 ts_recv (TIMESTAMP(NANOS,true));
  optional double underlying_price;
  required binary option_symbol (STRING);
  required binary underlying (STRING);
  required int32 expiry (DATE);
  required int64 strike_raw;
  required binary option_right (STRING);
  required int64 price_raw;
  required int64 size;
  required int32 exchange;
  required binary conditions (STRING);
  required binary aggressor (STRING);
  optional double iv;
  optional double delta;
  optional double gamma;
  optional double net_delta_impact;
  required boolean sweep;
  required boolean excluded;
  required int64 seq;
}";

/// Column names in file order.
pub(crate) const COLUMNS: [&str; 20] = [
    "ts_event",
    "ts_recv",
    "underlying_price",
    "option_symbol",
    "underlying",
    "expiry",
    "strike_raw",
    "option_right",
    "price_raw",
    "size",
    "exchange",
    "conditions",
    "aggressor",
    "iv",
    "delta",
    "gamma",
    "net_delta_impact",
    "sweep",
    "excluded",
    "seq",
];

/// A flow file being written: row groups are added one at a time, then it is finished.
pub(crate) struct FlowFileWriter {
    inner: TableFileWriter,
}

impl FlowFileWriter {
    /// Starts a flow file on `file` with zstd `level`.
    pub(crate) fn new(file: File, level: i32) -> Result<Self, ParquetError> {
        Ok(Self {
            inner: TableFileWriter::new(file, FLOW_SCHEMA, &COLUMNS, level)?,
        })
    }

    /// Writes `rows` as one row group.
    pub(crate) fn write_group(&mut self, rows: &[StoredRow]) -> Result<(), ParquetError> {
        self.inner.write_columns(&to_columns(rows)?)
    }

    /// Writes the footer and `fsync`s the file.
    pub(crate) fn finish(self) -> Result<(), ParquetError> {
        self.inner.finish()
    }
}

/// Splits rows into column vectors.
fn to_columns(rows: &[StoredRow]) -> Result<Vec<Column>, ParquetError> {
    let n = rows.len();
    let ts = |f: fn(&FlowRow) -> UnixNanos| {
        Column::I64(rows.iter().map(|r| f(&r.row).0 as i64).collect())
    };
    let opt = |f: fn(&FlowRow) -> f64| {
        let mut values = Vec::with_capacity(n);
        let mut defs = Vec::with_capacity(n);
        for r in rows {
            let v = f(&r.row);
            defs.push(i16::from(!v.is_nan()));
            if !v.is_nan() {
                values.push(v);
            }
        }
        Column::OptF64(values, defs)
    };
    let text = |f: &dyn Fn(&FlowRow) -> String| {
        Column::Str(
            rows.iter()
                .map(|r| ByteArray::from(f(&r.row).into_bytes()))
                .collect(),
        )
    };
    let mut symbols = Vec::with_capacity(n);
    for r in rows {
        let symbol = r.row.contract.to_polygon().map_err(|e| {
            ParquetError::General(format!("row seq {}: no Polygon symbol: {e}", r.seq))
        })?;
        symbols.push(ByteArray::from(symbol.into_bytes()));
    }
    Ok(vec![
        ts(|r| r.ts_event),
        ts(|r| r.ts_recv),
        opt(|r| r.underlying_price),
        Column::Str(symbols),
        text(&|r| r.contract.underlying().to_string()),
        Column::I32(
            rows.iter()
                .map(|r| date_to_days(r.row.contract.expiry))
                .collect(),
        ),
        Column::I64(rows.iter().map(|r| r.row.contract.strike.raw()).collect()),
        text(&|r| r.contract.right.as_char().to_string()),
        Column::I64(rows.iter().map(|r| r.row.price.raw()).collect()),
        Column::I64(rows.iter().map(|r| i64::from(r.row.size.get())).collect()),
        Column::I32(rows.iter().map(|r| i32::from(r.row.exchange.0)).collect()),
        text(&|r| join_codes(&r.conditions)),
        text(&|r| char::from(side_code(r.aggressor)).to_string()),
        opt(|r| r.iv),
        opt(|r| r.delta),
        opt(|r| r.gamma),
        opt(|r| r.net_delta_impact),
        Column::Bool(rows.iter().map(|r| r.row.sweep).collect()),
        Column::Bool(rows.iter().map(|r| r.row.excluded).collect()),
        Column::I64(rows.iter().map(|r| r.seq as i64).collect()),
    ])
}

/// `209,232`, or the empty string for no codes.
fn join_codes(conditions: &Conditions) -> String {
    let codes: Vec<String> = conditions.as_slice().iter().map(u16::to_string).collect();
    codes.join(",")
}

/// Reads every row of a flow file, in file order. Errors name the file, and the row group or
/// row where a value is bad.
pub fn read_flow_file(path: &Path) -> Result<Vec<StoredRow>, StoreError> {
    let mut out = Vec::with_capacity(row_count_hint(path));
    read_table_file(path, &COLUMNS, "flow", |columns, n| {
        assemble(columns, n, &mut out)
    })?;
    Ok(out)
}

/// Typed views of the columns, checked once per row group.
struct Columns<'a> {
    i64s: [&'a [i64]; 6],
    i32s: [&'a [i32]; 2],
    strs: [&'a [ByteArray]; 5],
    bools: [&'a [bool]; 2],
    opts: [(&'a [f64], &'a [i16]); 5],
}

/// Checks each column's type and length.
fn typed(columns: &[Column], n: usize) -> Result<Columns<'_>, String> {
    let wrong = |i: usize| format!("column {} has the wrong type or length", COLUMNS[i]);
    let i64s = |i: usize| match &columns[i] {
        Column::I64(v) if v.len() == n => Ok(v.as_slice()),
        _ => Err(wrong(i)),
    };
    let i32s = |i: usize| match &columns[i] {
        Column::I32(v) if v.len() == n => Ok(v.as_slice()),
        _ => Err(wrong(i)),
    };
    let strs = |i: usize| match &columns[i] {
        Column::Str(v) if v.len() == n => Ok(v.as_slice()),
        _ => Err(wrong(i)),
    };
    let bools = |i: usize| match &columns[i] {
        Column::Bool(v) if v.len() == n => Ok(v.as_slice()),
        _ => Err(wrong(i)),
    };
    let opts = |i: usize| match &columns[i] {
        Column::OptF64(v, d) if d.len() == n => Ok((v.as_slice(), d.as_slice())),
        _ => Err(wrong(i)),
    };
    Ok(Columns {
        i64s: [i64s(0)?, i64s(1)?, i64s(6)?, i64s(8)?, i64s(9)?, i64s(19)?],
        i32s: [i32s(5)?, i32s(10)?],
        strs: [strs(3)?, strs(4)?, strs(7)?, strs(11)?, strs(12)?],
        bools: [bools(17)?, bools(18)?],
        opts: [opts(2)?, opts(13)?, opts(14)?, opts(15)?, opts(16)?],
    })
}

/// Turns column vectors back into rows.
fn assemble<'a>(columns: &'a [Column], n: usize, out: &mut Vec<StoredRow>) -> Result<(), String> {
    let c = typed(columns, n)?;
    let [ts_event, ts_recv, strike, price, size, seq] = c.i64s;
    let [expiry, exchange] = c.i32s;
    let [symbol, underlying, right, conditions, aggressor] = c.strs;
    let [sweep, excluded] = c.bools;
    let mut opt_iters = c.opts.map(|(values, _)| values.iter());
    for i in 0..n {
        let bad = |what: &str| format!("row {i} (seq {}): {what}", seq[i]);
        let s = |col: &'a [ByteArray]| utf8(col, i).ok_or_else(|| bad("text is not UTF-8"));
        let sym = s(symbol)?;
        let contract = OptionContract::parse_polygon(sym).map_err(|e| bad(&e.to_string()))?;
        let date = days_to_date(expiry[i]).ok_or_else(|| bad("expiry out of range"))?;
        let right_text = s(right)?;
        if contract.expiry != date
            || contract.strike != Price::from_raw(strike[i])
            || right_text.len() != 1
            || !right_text.starts_with(contract.right.as_char())
            || s(underlying)? != contract.underlying().to_string()
        {
            return Err(bad(&format!(
                "expiry, strike_raw, option_right or underlying disagree with {sym}"
            )));
        }
        let mut conds = Conditions::EMPTY;
        for code in s(conditions)?.split(',').filter(|c| !c.is_empty()) {
            let code = code
                .parse()
                .map_err(|_| bad(&format!("condition code {code:?}")))?;
            conds.try_push(code).map_err(|e| bad(&e.to_string()))?;
        }
        let side = match s(aggressor)?.as_bytes() {
            [b] => side_from_code(*b),
            _ => None,
        }
        .ok_or_else(|| bad("aggressor is not B, S or N"))?;
        let mut opt = [f64::NAN; 5];
        for (k, slot) in opt.iter_mut().enumerate() {
            if c.opts[k].1[i] > 0 {
                *slot = *opt_iters[k]
                    .next()
                    .ok_or_else(|| bad("fewer values than non-null levels"))?;
            }
        }
        let nanos =
            |v: i64, what: &str| u64::try_from(v).map_err(|_| bad(&format!("negative {what}")));
        out.push(StoredRow {
            seq: u64::try_from(seq[i]).map_err(|_| bad("negative seq"))?,
            row: FlowRow {
                ts_event: UnixNanos(nanos(ts_event[i], "ts_event")?),
                ts_recv: UnixNanos(nanos(ts_recv[i], "ts_recv")?),
                underlying_price: opt[0],
                contract,
                price: Price::from_raw(price[i]),
                size: Size::new(u32::try_from(size[i]).map_err(|_| bad("size outside u32"))?),
                exchange: ExchangeId(
                    u16::try_from(exchange[i]).map_err(|_| bad("exchange outside u16"))?,
                ),
                conditions: conds,
                aggressor: side,
                iv: opt[1],
                delta: opt[2],
                gamma: opt[3],
                net_delta_impact: opt[4],
                sweep: sweep[i],
                excluded: excluded[i],
            },
        });
    }
    Ok(())
}
