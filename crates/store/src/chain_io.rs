//! The chain schema and reading and writing chain rows with the `parquet` crate's column API.

use std::fs::File;
use std::path::Path;

use gammaflow_model::{Money, OptionContract, Price, Size, UnixNanos};
use parquet::data_type::{ByteArray, FixedLenByteArray};
use parquet::errors::ParquetError;

use crate::StoreError;
use crate::chain_row::{ChainRow, StoredChainRow};
use crate::columns::{
    Column, TableFileWriter, expand, optional, read_table_file, row_count_hint, utf8,
};
use crate::row::{date_to_days, days_to_date};

/// The Parquet message type of a chain file (the column table in the crate docs explains it).
pub const CHAIN_SCHEMA: &str = "message chain {
  required int64 ts (TIMESTAMP(NANOS,true));
  optional int64 underlying_price_raw;
  required binary option_symbol (STRING);
  required binary underlying (STRING);
  required binary root (STRING);
  required int32 expiry (DATE);
  required int64 strike_raw;
  required binary option_right (STRING);
  optional int64 bid_raw;
  optional int64 ask_raw;
  optional int64 bid_size;
  optional int64 ask_size;
  optional int64 last_raw;
  required int64 volume;
  required int64 buy_volume;
  required int64 sell_volume;
  required fixed_len_byte_array(16) premium (DECIMAL(38,9));
  required fixed_len_byte_array(16) buy_premium (DECIMAL(38,9));
  required fixed_len_byte_array(16) sell_premium (DECIMAL(38,9));
  optional double net_delta_notional;
  optional double net_gamma_notional;
  required int64 open_interest;
  optional double iv;
  optional double delta;
  optional double gamma;
  optional double vega;
  optional double theta;
  optional double gex_oi;
  optional double gex_flow;
  required int64 seq;
}";

/// Column names in file order.
pub(crate) const CHAIN_COLUMNS: [&str; 30] = [
    "ts",
    "underlying_price_raw",
    "option_symbol",
    "underlying",
    "root",
    "expiry",
    "strike_raw",
    "option_right",
    "bid_raw",
    "ask_raw",
    "bid_size",
    "ask_size",
    "last_raw",
    "volume",
    "buy_volume",
    "sell_volume",
    "premium",
    "buy_premium",
    "sell_premium",
    "net_delta_notional",
    "net_gamma_notional",
    "open_interest",
    "iv",
    "delta",
    "gamma",
    "vega",
    "theta",
    "gex_oi",
    "gex_flow",
    "seq",
];

/// A chain file being written: row groups are added one at a time, then it is finished.
pub(crate) struct ChainFileWriter {
    inner: TableFileWriter,
}

impl ChainFileWriter {
    /// Starts a chain file on `file` with zstd `level`.
    pub(crate) fn new(file: File, level: i32) -> Result<Self, ParquetError> {
        Ok(Self {
            inner: TableFileWriter::new(file, CHAIN_SCHEMA, &CHAIN_COLUMNS, level)?,
        })
    }

    /// Writes `rows` as one row group.
    pub(crate) fn write_group(&mut self, rows: &[StoredChainRow]) -> Result<(), ParquetError> {
        self.inner.write_columns(&to_columns(rows)?)
    }

    /// Writes the footer and `fsync`s the file.
    pub(crate) fn finish(self) -> Result<(), ParquetError> {
        self.inner.finish()
    }
}

/// `Money` as the 16-byte big-endian two's complement of `DECIMAL(38, 9)`.
fn decimal(m: Money) -> FixedLenByteArray {
    FixedLenByteArray::from(m.raw().to_be_bytes().to_vec())
}

/// Splits rows into column vectors.
fn to_columns(rows: &[StoredChainRow]) -> Result<Vec<Column>, ParquetError> {
    let int = |f: fn(&ChainRow) -> i64| Column::I64(rows.iter().map(|r| f(&r.row)).collect());
    let opt_int = |f: fn(&ChainRow) -> Option<i64>| {
        let (v, d) = optional(rows.iter().map(|r| f(&r.row)));
        Column::OptI64(v, d)
    };
    let opt_f64 = |f: fn(&ChainRow) -> f64| {
        let (v, d) = optional(rows.iter().map(|r| Some(f(&r.row)).filter(|x| !x.is_nan())));
        Column::OptF64(v, d)
    };
    let text = |f: &dyn Fn(&ChainRow) -> String| {
        Column::Str(
            rows.iter()
                .map(|r| ByteArray::from(f(&r.row).into_bytes()))
                .collect(),
        )
    };
    let money = |f: fn(&ChainRow) -> Money| {
        Column::Fixed(rows.iter().map(|r| decimal(f(&r.row))).collect())
    };
    let mut symbols = Vec::with_capacity(rows.len());
    for r in rows {
        let symbol = r.row.contract.to_polygon().map_err(|e| {
            ParquetError::General(format!("chain row seq {}: no Polygon symbol: {e}", r.seq))
        })?;
        symbols.push(ByteArray::from(symbol.into_bytes()));
    }
    let count = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    Ok(vec![
        int(|r| r.ts.0 as i64),
        opt_int(|r| r.underlying_price.map(Price::raw)),
        Column::Str(symbols),
        text(&|r| r.contract.underlying().to_string()),
        text(&|r| r.contract.root.as_str().to_owned()),
        Column::I32(
            rows.iter()
                .map(|r| date_to_days(r.row.contract.expiry))
                .collect(),
        ),
        int(|r| r.contract.strike.raw()),
        text(&|r| r.contract.right.as_char().to_string()),
        opt_int(|r| r.bid.map(Price::raw)),
        opt_int(|r| r.ask.map(Price::raw)),
        opt_int(|r| r.bid_size.map(|s| i64::from(s.get()))),
        opt_int(|r| r.ask_size.map(|s| i64::from(s.get()))),
        opt_int(|r| r.last.map(Price::raw)),
        Column::I64(rows.iter().map(|r| count(r.row.volume)).collect()),
        Column::I64(rows.iter().map(|r| count(r.row.buy_volume)).collect()),
        Column::I64(rows.iter().map(|r| count(r.row.sell_volume)).collect()),
        money(|r| r.premium),
        money(|r| r.buy_premium),
        money(|r| r.sell_premium),
        opt_f64(|r| r.net_delta_notional),
        opt_f64(|r| r.net_gamma_notional),
        Column::I64(rows.iter().map(|r| count(r.row.open_interest)).collect()),
        opt_f64(|r| r.iv),
        opt_f64(|r| r.delta),
        opt_f64(|r| r.gamma),
        opt_f64(|r| r.vega),
        opt_f64(|r| r.theta),
        opt_f64(|r| r.gex_oi),
        opt_f64(|r| r.gex_flow),
        Column::I64(rows.iter().map(|r| r.seq as i64).collect()),
    ])
}

/// Reads every row of a chain file, in file order. Errors name the file, and the row group or
/// row where a value is bad.
pub fn read_chain_file(path: &Path) -> Result<Vec<StoredChainRow>, StoreError> {
    let mut out = Vec::with_capacity(row_count_hint(path));
    read_table_file(path, &CHAIN_COLUMNS, "chain", |columns, n| {
        assemble(columns, n, &mut out)
    })?;
    Ok(out)
}

/// Column `i` checked to be of the expected kind and length.
struct View<'a> {
    columns: &'a [Column],
    n: usize,
}

impl<'a> View<'a> {
    fn wrong(&self, i: usize) -> String {
        format!(
            "column {} has the wrong type or length",
            CHAIN_COLUMNS.get(i).copied().unwrap_or("?")
        )
    }

    fn i64s(&self, i: usize) -> Result<&'a [i64], String> {
        match self.columns.get(i) {
            Some(Column::I64(v)) if v.len() == self.n => Ok(v),
            _ => Err(self.wrong(i)),
        }
    }

    fn i32s(&self, i: usize) -> Result<&'a [i32], String> {
        match self.columns.get(i) {
            Some(Column::I32(v)) if v.len() == self.n => Ok(v),
            _ => Err(self.wrong(i)),
        }
    }

    fn strs(&self, i: usize) -> Result<&'a [ByteArray], String> {
        match self.columns.get(i) {
            Some(Column::Str(v)) if v.len() == self.n => Ok(v),
            _ => Err(self.wrong(i)),
        }
    }

    fn money(&self, i: usize) -> Result<Vec<Money>, String> {
        match self.columns.get(i) {
            Some(Column::Fixed(v)) if v.len() == self.n => v
                .iter()
                .map(|b| {
                    <[u8; 16]>::try_from(b.data())
                        .map(|a| Money::from_raw(i128::from_be_bytes(a)))
                        .map_err(|_| self.wrong(i))
                })
                .collect(),
            _ => Err(self.wrong(i)),
        }
    }

    fn opt_i64(&self, i: usize) -> Result<Vec<Option<i64>>, String> {
        match self.columns.get(i) {
            Some(Column::OptI64(v, d)) if d.len() == self.n => {
                expand(v, d).ok_or_else(|| self.wrong(i))
            }
            _ => Err(self.wrong(i)),
        }
    }

    fn opt_f64(&self, i: usize) -> Result<Vec<f64>, String> {
        match self.columns.get(i) {
            Some(Column::OptF64(v, d)) if d.len() == self.n => expand(v, d)
                .map(|x| x.into_iter().map(|o| o.unwrap_or(f64::NAN)).collect())
                .ok_or_else(|| self.wrong(i)),
            _ => Err(self.wrong(i)),
        }
    }
}

/// Turns column vectors back into rows.
fn assemble(columns: &[Column], n: usize, out: &mut Vec<StoredChainRow>) -> Result<(), String> {
    let v = View { columns, n };
    let ts = v.i64s(0)?;
    let underlying_price = v.opt_i64(1)?;
    let symbol = v.strs(2)?;
    let underlying = v.strs(3)?;
    let root = v.strs(4)?;
    let expiry = v.i32s(5)?;
    let strike = v.i64s(6)?;
    let right = v.strs(7)?;
    let [bid, ask, bid_size, ask_size, last] = [8, 9, 10, 11, 12].map(|i| v.opt_i64(i));
    let (bid, ask, bid_size, ask_size, last) = (bid?, ask?, bid_size?, ask_size?, last?);
    let [volume, buy_volume, sell_volume] = [v.i64s(13)?, v.i64s(14)?, v.i64s(15)?];
    let [premium, buy_premium, sell_premium] = [16, 17, 18].map(|i| v.money(i));
    let (premium, buy_premium, sell_premium) = (premium?, buy_premium?, sell_premium?);
    let open_interest = v.i64s(21)?;
    let mut doubles = Vec::with_capacity(9);
    for i in [19, 20, 22, 23, 24, 25, 26, 27, 28] {
        doubles.push(v.opt_f64(i)?);
    }
    let seq = v.i64s(29)?;
    for i in 0..n {
        let bad = |what: &str| format!("row {i} (seq {}): {what}", seq[i]);
        let s = |col: &[ByteArray]| {
            utf8(col, i)
                .map(str::to_owned)
                .ok_or_else(|| bad("text is not UTF-8"))
        };
        let sym = s(symbol)?;
        let contract = OptionContract::parse_polygon(&sym).map_err(|e| bad(&e.to_string()))?;
        let date = days_to_date(expiry[i]).ok_or_else(|| bad("expiry out of range"))?;
        let right_text = s(right)?;
        if contract.expiry != date
            || contract.strike != Price::from_raw(strike[i])
            || right_text.len() != 1
            || !right_text.starts_with(contract.right.as_char())
            || s(underlying)? != contract.underlying().to_string()
            || s(root)? != contract.root.as_str()
        {
            return Err(bad(&format!(
                "expiry, strike_raw, option_right, underlying or root disagree with {sym}"
            )));
        }
        let unsigned =
            |x: i64, what: &str| u64::try_from(x).map_err(|_| bad(&format!("negative {what}")));
        let size = |x: Option<i64>, what: &str| {
            x.map(|x| {
                u32::try_from(x)
                    .map(Size::new)
                    .map_err(|_| bad(&format!("{what} outside u32")))
            })
            .transpose()
        };
        let d = |k: usize| doubles[k][i];
        out.push(StoredChainRow {
            seq: unsigned(seq[i], "seq")?,
            row: ChainRow {
                ts: UnixNanos(unsigned(ts[i], "ts")?),
                underlying_price: underlying_price[i].map(Price::from_raw),
                contract,
                bid: bid[i].map(Price::from_raw),
                ask: ask[i].map(Price::from_raw),
                bid_size: size(bid_size[i], "bid_size")?,
                ask_size: size(ask_size[i], "ask_size")?,
                last: last[i].map(Price::from_raw),
                volume: unsigned(volume[i], "volume")?,
                buy_volume: unsigned(buy_volume[i], "buy_volume")?,
                sell_volume: unsigned(sell_volume[i], "sell_volume")?,
                premium: premium[i],
                buy_premium: buy_premium[i],
                sell_premium: sell_premium[i],
                net_delta_notional: d(0),
                net_gamma_notional: d(1),
                open_interest: unsigned(open_interest[i], "open_interest")?,
                iv: d(2),
                delta: d(3),
                gamma: d(4),
                vega: d(5),
                theta: d(6),
                gex_oi: d(7),
                gex_flow: d(8),
            },
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain_row::tests::{same, sample};

    #[test]
    fn chain_files_round_trip_with_nulls() {
        let dir = std::env::temp_dir().join(format!("gammaflow-chain-io-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("part.parquet");
        let rows: Vec<StoredChainRow> = (0..50)
            .map(|i| StoredChainRow {
                seq: i + 1,
                row: sample(i),
            })
            .collect();
        let mut w = ChainFileWriter::new(File::create(&path).unwrap(), 3).unwrap();
        w.write_group(&rows[..20]).unwrap();
        w.write_group(&rows[20..]).unwrap();
        w.finish().unwrap();
        let back = read_chain_file(&path).unwrap();
        assert_eq!(back.len(), rows.len());
        for (a, b) in back.iter().zip(&rows) {
            assert_eq!(a.seq, b.seq);
            assert!(same(&a.row, &b.row), "{:?}\n{:?}", a.row, b.row);
        }
        // NaN and None are nulls, read back as NaN and None.
        assert!(back[2].row.iv.is_nan() && back[2].row.bid.is_none());
        // A flow file is not a chain file.
        assert!(crate::read_flow_file(&path).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
