//! Query results and their text forms: an aligned table, CSV and JSON.

use std::io::Write;

use datafusion::arrow::array::{
    Array, ArrayRef, BooleanArray, Float16Array, Float32Array, Float64Array, Int8Array, Int16Array,
    Int32Array, Int64Array, UInt8Array, UInt16Array, UInt32Array, UInt64Array,
};
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use serde_json::{Map, Number, Value};

use crate::error::{AnalyticsError, Result};

/// The rows of a query: column names, the Arrow schema and the record batches.
///
/// Text forms: [`QueryResult::to_table`] (aligned columns, numbers right-aligned),
/// [`QueryResult::write_csv`] (a header line, then one line per row, nulls empty) and
/// [`QueryResult::to_json`] (an array of objects, one per row, keys in column order: integers and
/// floats as JSON numbers (decimals too, as the nearest double; NaN and infinities as null),
/// booleans as booleans, nulls as null, and everything else, dates and timestamps included, as
/// strings in ISO 8601 / RFC 3339 form).
#[derive(Debug, Clone)]
pub struct QueryResult {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

/// The text of nulls in tables and CSV.
const NULL_TEXT: &str = "";

impl QueryResult {
    /// Wraps `batches` of `schema`.
    pub fn new(schema: SchemaRef, batches: Vec<RecordBatch>) -> Self {
        Self { schema, batches }
    }

    /// The column names, in order.
    pub fn columns(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// The Arrow schema.
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// The record batches.
    pub fn batches(&self) -> &[RecordBatch] {
        &self.batches
    }

    /// The number of rows.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// Every cell as display text (nulls empty), row by row.
    fn text_rows(&self, format: &'static str) -> Result<Vec<Vec<String>>> {
        let options = FormatOptions::new().with_null(NULL_TEXT);
        let mut rows = Vec::with_capacity(self.num_rows());
        for batch in &self.batches {
            let formatters = batch
                .columns()
                .iter()
                .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| render_error(format, &e))?;
            for row in 0..batch.num_rows() {
                rows.push(
                    formatters
                        .iter()
                        .map(|f| f.value(row).to_string())
                        .collect(),
                );
            }
        }
        Ok(rows)
    }

    /// An aligned text table: a header, a rule, the rows, and a `(N rows)` line.
    pub fn to_table(&self) -> Result<String> {
        let columns = self.columns();
        let rows = self.text_rows("table")?;
        let right: Vec<bool> = self
            .schema
            .fields()
            .iter()
            .map(|f| f.data_type().is_numeric())
            .collect();
        let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let line = |out: &mut String, cells: &[String]| {
            let mut parts = Vec::with_capacity(cells.len());
            for (i, cell) in cells.iter().enumerate() {
                let width = widths[i];
                parts.push(if right[i] {
                    format!("{cell:>width$}")
                } else {
                    format!("{cell:<width$}")
                });
            }
            out.push_str(parts.join("  ").trim_end());
            out.push('\n');
        };
        line(&mut out, &columns);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        line(&mut out, &rule);
        for row in &rows {
            line(&mut out, row);
        }
        let n = rows.len();
        out.push_str(&format!("({n} row{})\n", if n == 1 { "" } else { "s" }));
        Ok(out)
    }

    /// Writes CSV: a header line, then one line per row (nulls as empty fields).
    pub fn write_csv<W: Write>(&self, out: W) -> Result<()> {
        let mut writer = CsvWriter::new(out);
        writer.record(&self.columns())?;
        for row in self.text_rows("csv")? {
            writer.record(&row)?;
        }
        writer.finish()
    }

    /// The CSV text (see [`QueryResult::write_csv`]).
    pub fn to_csv(&self) -> Result<String> {
        let mut buffer = Vec::new();
        self.write_csv(&mut buffer)?;
        String::from_utf8(buffer).map_err(|e| AnalyticsError::Render {
            format: "csv",
            reason: e.to_string(),
        })
    }

    /// Every column's JSON values (see the type's docs for the mapping), column by column.
    fn json_columns(&self) -> Result<Vec<Vec<Value>>> {
        let options = FormatOptions::new().with_null(NULL_TEXT);
        let mut columns: Vec<Vec<Value>> =
            vec![Vec::with_capacity(self.num_rows()); self.schema.fields().len()];
        for batch in &self.batches {
            for (out, column) in columns.iter_mut().zip(batch.columns()) {
                out.extend(json_values(column, &options)?);
            }
        }
        Ok(columns)
    }

    /// The rows as JSON objects (see the type's docs for the value mapping). The objects are
    /// `serde_json` maps, whose key order is serde_json's (sorted); [`QueryResult::write_json`]
    /// keeps the column order.
    pub fn to_json_rows(&self) -> Result<Vec<Map<String, Value>>> {
        let names = self.columns();
        let columns = self.json_columns()?;
        Ok((0..self.num_rows())
            .map(|row| {
                names
                    .iter()
                    .zip(&columns)
                    .map(|(name, values)| (name.clone(), values[row].clone()))
                    .collect()
            })
            .collect())
    }

    /// The rows as a JSON array of objects.
    pub fn to_json(&self) -> Result<Value> {
        Ok(Value::Array(
            self.to_json_rows()?
                .into_iter()
                .map(Value::Object)
                .collect(),
        ))
    }

    /// Writes the rows as a JSON array of objects, one row per line, keys in column order.
    pub fn write_json<W: Write>(&self, mut out: W) -> Result<()> {
        let io = |source: std::io::Error| AnalyticsError::Write {
            format: "json",
            source,
        };
        let keys = self
            .columns()
            .iter()
            .map(serde_json::to_string)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| render_error("json", &e))?;
        let columns = self.json_columns()?;
        let n = self.num_rows();
        out.write_all(b"[").map_err(io)?;
        for row in 0..n {
            let mut line = String::from(if row == 0 { "\n{" } else { ",\n{" });
            for (i, (key, values)) in keys.iter().zip(&columns).enumerate() {
                if i > 0 {
                    line.push(',');
                }
                line.push_str(key);
                line.push(':');
                line.push_str(&values[row].to_string());
            }
            line.push('}');
            out.write_all(line.as_bytes()).map_err(io)?;
        }
        out.write_all(if n == 0 { b"]\n" } else { b"\n]\n" })
            .map_err(io)?;
        out.flush().map_err(io)
    }

    /// The JSON text of [`QueryResult::write_json`].
    pub fn to_json_string(&self) -> Result<String> {
        let mut buffer = Vec::new();
        self.write_json(&mut buffer)?;
        String::from_utf8(buffer).map_err(|e| render_error("json", &e))
    }
}

fn render_error(format: &'static str, e: &dyn std::fmt::Display) -> AnalyticsError {
    AnalyticsError::Render {
        format,
        reason: e.to_string(),
    }
}

/// A minimal RFC 4180 writer: fields with a comma, quote, CR or LF are quoted, quotes doubled.
struct CsvWriter<W: Write> {
    out: W,
}

impl<W: Write> CsvWriter<W> {
    fn new(out: W) -> Self {
        Self { out }
    }

    fn record(&mut self, fields: &[String]) -> Result<()> {
        let mut line = String::new();
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            if field.contains([',', '"', '\n', '\r']) {
                line.push('"');
                line.push_str(&field.replace('"', "\"\""));
                line.push('"');
            } else {
                line.push_str(field);
            }
        }
        line.push('\n');
        self.out
            .write_all(line.as_bytes())
            .map_err(|source| AnalyticsError::Write {
                format: "csv",
                source,
            })
    }

    fn finish(mut self) -> Result<()> {
        self.out.flush().map_err(|source| AnalyticsError::Write {
            format: "csv",
            source,
        })
    }
}

/// Downcasts `array` to `T` (the caller matched the data type).
fn typed<T: 'static>(array: &ArrayRef) -> Result<&T> {
    array.as_any().downcast_ref::<T>().ok_or_else(|| {
        render_error(
            "json",
            &format!("unexpected array type {}", array.data_type()),
        )
    })
}

/// Integers of one array as JSON numbers.
fn ints<A, T>(array: &ArrayRef, value: impl Fn(&A, usize) -> T) -> Result<Vec<Value>>
where
    A: Array + 'static,
    Number: From<T>,
{
    let a = typed::<A>(array)?;
    Ok((0..a.len())
        .map(|i| {
            if a.is_null(i) {
                Value::Null
            } else {
                Value::Number(Number::from(value(a, i)))
            }
        })
        .collect())
}

/// Floats of one array as JSON numbers (null for null, NaN and infinities).
fn floats<A: Array + 'static>(
    array: &ArrayRef,
    value: impl Fn(&A, usize) -> f64,
) -> Result<Vec<Value>> {
    let a = typed::<A>(array)?;
    Ok((0..a.len())
        .map(|i| {
            if a.is_null(i) {
                Value::Null
            } else {
                Number::from_f64(value(a, i)).map_or(Value::Null, Value::Number)
            }
        })
        .collect())
}

/// One column's JSON values.
fn json_values(array: &ArrayRef, options: &FormatOptions<'_>) -> Result<Vec<Value>> {
    match array.data_type() {
        DataType::Null => Ok(vec![Value::Null; array.len()]),
        DataType::Boolean => {
            let a = typed::<BooleanArray>(array)?;
            Ok(a.iter()
                .map(|v| v.map_or(Value::Null, Value::Bool))
                .collect())
        }
        DataType::Int8 => ints::<Int8Array, i8>(array, |a, i| a.value(i)),
        DataType::Int16 => ints::<Int16Array, i16>(array, |a, i| a.value(i)),
        DataType::Int32 => ints::<Int32Array, i32>(array, |a, i| a.value(i)),
        DataType::Int64 => ints::<Int64Array, i64>(array, |a, i| a.value(i)),
        DataType::UInt8 => ints::<UInt8Array, u8>(array, |a, i| a.value(i)),
        DataType::UInt16 => ints::<UInt16Array, u16>(array, |a, i| a.value(i)),
        DataType::UInt32 => ints::<UInt32Array, u32>(array, |a, i| a.value(i)),
        DataType::UInt64 => ints::<UInt64Array, u64>(array, |a, i| a.value(i)),
        DataType::Float16 => floats::<Float16Array>(array, |a, i| f64::from(a.value(i))),
        DataType::Float32 => floats::<Float32Array>(array, |a, i| f64::from(a.value(i))),
        DataType::Float64 => floats::<Float64Array>(array, |a, i| a.value(i)),
        data_type => {
            let decimal = matches!(
                data_type,
                DataType::Decimal32(..)
                    | DataType::Decimal64(..)
                    | DataType::Decimal128(..)
                    | DataType::Decimal256(..)
            );
            let formatter = ArrayFormatter::try_new(array.as_ref(), options)
                .map_err(|e| render_error("json", &e))?;
            Ok((0..array.len())
                .map(|i| {
                    if array.is_null(i) {
                        return Value::Null;
                    }
                    let text = formatter.value(i).to_string();
                    if decimal {
                        text.parse::<f64>()
                            .ok()
                            .and_then(Number::from_f64)
                            .map_or(Value::String(text), Value::Number)
                    } else {
                        Value::String(text)
                    }
                })
                .collect())
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::{Decimal128Array, StringArray, TimestampNanosecondArray};
    use datafusion::arrow::datatypes::{Field, Schema};

    use super::*;

    fn sample() -> QueryResult {
        let schema = Arc::new(Schema::new(vec![
            Field::new("name", DataType::Utf8, true),
            Field::new("n", DataType::Int64, true),
            Field::new("x", DataType::Float64, true),
            Field::new("premium", DataType::Decimal128(38, 9), true),
            Field::new(
                "ts",
                DataType::Timestamp(
                    datafusion::arrow::datatypes::TimeUnit::Nanosecond,
                    Some("UTC".into()),
                ),
                true,
            ),
            Field::new("ok", DataType::Boolean, true),
        ]));
        let batch = RecordBatch::try_new(
            Arc::clone(&schema),
            vec![
                Arc::new(StringArray::from(vec![Some("a,b"), None])),
                Arc::new(Int64Array::from(vec![Some(12), None])),
                Arc::new(Float64Array::from(vec![Some(1.5), Some(f64::NAN)])),
                Arc::new(
                    Decimal128Array::from(vec![Some(1_260_000_000_000), None])
                        .with_precision_and_scale(38, 9)
                        .unwrap(),
                ),
                Arc::new(
                    TimestampNanosecondArray::from(vec![Some(1_749_475_800_000_000_000), None])
                        .with_timezone("UTC"),
                ),
                Arc::new(BooleanArray::from(vec![Some(true), None])),
            ],
        )
        .unwrap();
        QueryResult::new(schema, vec![batch])
    }

    #[test]
    fn json_rows_are_typed() {
        let json = sample().to_json().unwrap();
        let row = &json[0];
        assert_eq!(row["name"], "a,b");
        assert_eq!(row["n"], 12);
        assert_eq!(row["x"], 1.5);
        assert_eq!(row["premium"], 1260.0);
        assert_eq!(row["ts"], "2025-06-09T13:30:00Z");
        assert_eq!(row["ok"], true);
        let nulls = json[1].as_object().unwrap();
        assert!(nulls.values().all(Value::is_null), "{nulls:?}");
        let text = sample().to_json_string().unwrap();
        assert!(
            text.starts_with("[\n{\"name\":\"a,b\",\"n\":12,\"x\":1.5,\"premium\":1260.0,"),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), json);
        let empty = QueryResult::new(sample().schema().clone(), vec![]);
        assert_eq!(empty.to_json_string().unwrap(), "[]\n");
    }

    #[test]
    fn csv_quotes_and_leaves_nulls_empty() {
        let csv = sample().to_csv().unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "name,n,x,premium,ts,ok");
        assert_eq!(
            lines[1],
            "\"a,b\",12,1.5,1260.000000000,2025-06-09T13:30:00Z,true"
        );
        assert_eq!(lines[2], ",,NaN,,,");
    }

    #[test]
    fn tables_align_and_count() {
        let table = sample().to_table().unwrap();
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("name   n    x"), "{table}");
        assert!(lines[2].starts_with("a,b   12  1.5"), "{table}");
        assert_eq!(lines.last(), Some(&"(2 rows)"));
        assert_eq!(sample().num_rows(), 2);
    }
}
