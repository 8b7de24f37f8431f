//! [`Table`] → Parquet bytes with fixed writer properties (low-level `parquet` writer, no arrow).

use std::sync::Arc;

use parquet::basic::Compression;
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::{ColumnType, Table, Value};

/// The fixed `created_by` string.
pub(super) const CREATED_BY: &str = "gammaflow-master";

/// Days from 1970-01-01 to `d`.
fn epoch_days(d: jiff::civil::Date) -> Result<i32, ParquetError> {
    let epoch = jiff::civil::date(1970, 1, 1);
    let span = epoch
        .until(d)
        .map_err(|e| ParquetError::General(e.to_string()))?;
    Ok(span.get_days())
}

fn schema(table: &Table) -> String {
    let mut s = format!("message {} {{\n", table.name.to_ascii_lowercase());
    for c in &table.columns {
        let ty = match c.ty {
            ColumnType::Date => "INT32",
            ColumnType::String => "BYTE_ARRAY",
            ColumnType::Float => "DOUBLE",
            ColumnType::Int | ColumnType::Timestamp => "INT64",
            ColumnType::Bool => "BOOLEAN",
        };
        let logical = match c.ty {
            ColumnType::Date => " (DATE)",
            ColumnType::String => " (STRING)",
            ColumnType::Timestamp => " (TIMESTAMP(NANOS,true))",
            _ => "",
        };
        s.push_str(&format!("  OPTIONAL {ty} {}{logical};\n", c.name));
    }
    s.push('}');
    s
}

/// The file's bytes.
pub(super) fn write(table: &Table, metadata: &[(&str, &str)]) -> Result<Vec<u8>, ParquetError> {
    let schema = Arc::new(parse_message_type(&schema(table))?);
    let kv = metadata
        .iter()
        .map(|(k, v)| KeyValue::new((*k).to_owned(), (*v).to_owned()))
        .collect();
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::UNCOMPRESSED)
            .set_writer_version(WriterVersion::PARQUET_1_0)
            .set_created_by(CREATED_BY.to_owned())
            .set_statistics_enabled(EnabledStatistics::None)
            .set_write_page_header_statistics(false)
            .set_offset_index_disabled(true)
            .set_bloom_filter_enabled(false)
            .set_dictionary_enabled(false)
            .set_key_value_metadata(Some(kv))
            .build(),
    );
    let mut writer = SerializedFileWriter::new(Vec::new(), schema, props)?;
    let mut group = writer.next_row_group()?;
    for (i, spec) in table.columns.iter().enumerate() {
        let Some(mut col) = group.next_column()? else {
            return Err(ParquetError::General(format!(
                "schema ends before column {}",
                spec.name
            )));
        };
        let cells = table.rows.iter().map(|r| r.get(i).unwrap_or(&Value::Null));
        let mut defs: Vec<i16> = Vec::with_capacity(table.rows.len());
        let bad = |v: &Value| {
            ParquetError::General(format!(
                "column {}: value {v:?} is not a {}",
                spec.name,
                spec.ty.name()
            ))
        };
        match col.untyped() {
            ColumnWriter::Int32ColumnWriter(w) => {
                let mut vals = Vec::new();
                for v in cells {
                    match v {
                        Value::Null => defs.push(0),
                        Value::Date(d) => {
                            vals.push(epoch_days(*d)?);
                            defs.push(1);
                        }
                        other => return Err(bad(other)),
                    }
                }
                w.write_batch(&vals, Some(&defs), None)?;
            }
            ColumnWriter::Int64ColumnWriter(w) => {
                let mut vals = Vec::new();
                for v in cells {
                    match v {
                        Value::Null => defs.push(0),
                        Value::Int(x) => {
                            vals.push(*x);
                            defs.push(1);
                        }
                        Value::Ts(t) => {
                            vals.push(i64::try_from(t.0).map_err(|_| bad(v))?);
                            defs.push(1);
                        }
                        other => return Err(bad(other)),
                    }
                }
                w.write_batch(&vals, Some(&defs), None)?;
            }
            ColumnWriter::DoubleColumnWriter(w) => {
                let mut vals = Vec::new();
                for v in cells {
                    match v {
                        Value::Null => defs.push(0),
                        Value::Float(x) if !x.is_finite() => defs.push(0),
                        Value::Float(x) => {
                            vals.push(*x);
                            defs.push(1);
                        }
                        other => return Err(bad(other)),
                    }
                }
                w.write_batch(&vals, Some(&defs), None)?;
            }
            ColumnWriter::BoolColumnWriter(w) => {
                let mut vals = Vec::new();
                for v in cells {
                    match v {
                        Value::Null => defs.push(0),
                        Value::Bool(b) => {
                            vals.push(*b);
                            defs.push(1);
                        }
                        other => return Err(bad(other)),
                    }
                }
                w.write_batch(&vals, Some(&defs), None)?;
            }
            ColumnWriter::ByteArrayColumnWriter(w) => {
                let mut vals = Vec::new();
                for v in cells {
                    match v {
                        Value::Null => defs.push(0),
                        Value::Str(s) => {
                            vals.push(ByteArray::from(s.as_str()));
                            defs.push(1);
                        }
                        other => return Err(bad(other)),
                    }
                }
                w.write_batch(&vals, Some(&defs), None)?;
            }
            _ => {
                return Err(ParquetError::General(format!(
                    "column {}: unexpected physical type",
                    spec.name
                )));
            }
        }
        col.close()?;
    }
    group.close()?;
    writer.into_inner()
}
