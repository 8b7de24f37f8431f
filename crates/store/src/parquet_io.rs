//! The flow schema and reading and writing flow rows with the `parquet` crate's column API.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use gammaflow_model::event::{Conditions, ExchangeId};
use gammaflow_model::{OptionContract, Price, Size, UnixNanos};
use parquet::basic::{Compression, ZstdLevel};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::column::writer::ColumnWriter;
use parquet::data_type::{ByteArray, DataType};
use parquet::errors::ParquetError;
use parquet::file::properties::{WriterProperties, WriterVersion};
use parquet::file::reader::{FileReader, RowGroupReader};
use parquet::file::serialized_reader::SerializedFileReader;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::Type;

use crate::StoreError;
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

/// One column's values for a row group.
enum Column {
    Bool(Vec<bool>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    /// Non-null values and one definition level per row (0 = null).
    OptF64(Vec<f64>, Vec<i16>),
    Str(Vec<ByteArray>),
}

/// The parsed schema.
fn schema() -> Result<Arc<Type>, ParquetError> {
    parse_message_type(FLOW_SCHEMA).map(Arc::new)
}

/// Writer settings: zstd at `level`, Parquet 2 pages, statistics on.
fn properties(level: i32) -> Result<Arc<WriterProperties>, ParquetError> {
    Ok(Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(level)?))
            .set_writer_version(WriterVersion::PARQUET_2_0)
            .set_created_by(format!("gammaflow-store {}", env!("CARGO_PKG_VERSION")))
            .build(),
    ))
}

/// A flow file being written: row groups are added one at a time, then it is finished.
pub(crate) struct FlowFileWriter {
    inner: SerializedFileWriter<File>,
}

impl FlowFileWriter {
    /// Starts a flow file on `file` with zstd `level`.
    pub(crate) fn new(file: File, level: i32) -> Result<Self, ParquetError> {
        Ok(Self {
            inner: SerializedFileWriter::new(file, schema()?, properties(level)?)?,
        })
    }

    /// Writes `rows` as one row group.
    pub(crate) fn write_group(&mut self, rows: &[StoredRow]) -> Result<(), ParquetError> {
        let columns = to_columns(rows)?;
        let mut group = self.inner.next_row_group()?;
        for (i, data) in columns.iter().enumerate() {
            let Some(mut col) = group.next_column()? else {
                return Err(ParquetError::General(format!(
                    "schema ends before column {i}"
                )));
            };
            write_column(col.untyped(), data, COLUMNS[i])?;
            col.close()?;
        }
        group.close()?;
        Ok(())
    }

    /// Writes the footer and `fsync`s the file.
    pub(crate) fn finish(mut self) -> Result<(), ParquetError> {
        self.inner.finish()?;
        self.inner.inner().sync_all()?;
        Ok(())
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

/// Writes one column's values with the matching typed writer.
fn write_column(
    writer: &mut ColumnWriter<'_>,
    data: &Column,
    name: &str,
) -> Result<(), ParquetError> {
    let written = match (writer, data) {
        (ColumnWriter::BoolColumnWriter(w), Column::Bool(v)) => w.write_batch(v, None, None),
        (ColumnWriter::Int32ColumnWriter(w), Column::I32(v)) => w.write_batch(v, None, None),
        (ColumnWriter::Int64ColumnWriter(w), Column::I64(v)) => w.write_batch(v, None, None),
        (ColumnWriter::DoubleColumnWriter(w), Column::OptF64(v, d)) => {
            w.write_batch(v, Some(d), None)
        }
        (ColumnWriter::ByteArrayColumnWriter(w), Column::Str(v)) => w.write_batch(v, None, None),
        _ => Err(ParquetError::General(format!(
            "column {name}: physical type does not match the data"
        ))),
    };
    written.map(|_| ())
}

/// Reads every row of a flow file, in file order. Errors name the file, and the row group or
/// row where a value is bad.
pub fn read_flow_file(path: &Path) -> Result<Vec<StoredRow>, StoreError> {
    let file = File::open(path).map_err(StoreError::io("open", path))?;
    let reader = SerializedFileReader::new(file).map_err(StoreError::parquet(path, "open"))?;
    let schema = reader.metadata().file_metadata().schema_descr();
    let names: Vec<&str> = schema.columns().iter().map(|c| c.name()).collect();
    if names != COLUMNS {
        return Err(StoreError::Parquet {
            path: path.to_path_buf(),
            reason: format!("not a flow file: columns {names:?}"),
        });
    }
    let mut out = Vec::with_capacity(reader.metadata().file_metadata().num_rows().max(0) as usize);
    for g in 0..reader.num_row_groups() {
        let context = format!("row group {g}");
        let group = reader
            .get_row_group(g)
            .map_err(StoreError::parquet(path, &context))?;
        let n = group.metadata().num_rows().max(0) as usize;
        let mut columns = Vec::with_capacity(COLUMNS.len());
        for (i, name) in COLUMNS.iter().enumerate() {
            let col = read_column(group.as_ref(), i, n).map_err(StoreError::parquet(
                path,
                &format!("{context}, column {name}"),
            ))?;
            columns.push(col);
        }
        assemble(&columns, n, &mut out).map_err(|reason| StoreError::Parquet {
            path: path.to_path_buf(),
            reason: format!("{context}: {reason}"),
        })?;
    }
    Ok(out)
}

/// Reads `n` records of column `i`.
fn read_column(group: &dyn RowGroupReader, i: usize, n: usize) -> Result<Column, ParquetError> {
    Ok(match group.get_column_reader(i)? {
        ColumnReader::BoolColumnReader(mut r) => Column::Bool(read_all(&mut r, n, None)?),
        ColumnReader::Int32ColumnReader(mut r) => Column::I32(read_all(&mut r, n, None)?),
        ColumnReader::Int64ColumnReader(mut r) => Column::I64(read_all(&mut r, n, None)?),
        ColumnReader::DoubleColumnReader(mut r) => {
            let mut defs = Vec::with_capacity(n);
            let values = read_all(&mut r, n, Some(&mut defs))?;
            Column::OptF64(values, defs)
        }
        ColumnReader::ByteArrayColumnReader(mut r) => Column::Str(read_all(&mut r, n, None)?),
        _ => return Err(ParquetError::General("unexpected physical type".to_owned())),
    })
}

/// Reads exactly `n` records into a vector (and their definition levels into `defs`).
fn read_all<T: DataType>(
    reader: &mut ColumnReaderImpl<T>,
    n: usize,
    mut defs: Option<&mut Vec<i16>>,
) -> Result<Vec<T::T>, ParquetError> {
    let mut values = Vec::with_capacity(n);
    let mut total = 0;
    while total < n {
        let (records, _, _) =
            reader.read_records(n - total, defs.as_deref_mut(), None, &mut values)?;
        if records == 0 {
            break;
        }
        total += records;
    }
    if total != n {
        return Err(ParquetError::General(format!(
            "{total} of {n} records present"
        )));
    }
    Ok(values)
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

/// The text of `col[i]`, if it is UTF-8.
fn utf8(col: &[ByteArray], i: usize) -> Option<&str> {
    col.get(i).and_then(|v| v.as_utf8().ok())
}
