//! Column-level Parquet plumbing shared by the lake's tables: one [`Column`] of values per row
//! group, the writer settings, and reading a whole file back as columns.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{Compression, ZstdLevel};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::column::writer::ColumnWriter;
use parquet::data_type::{ByteArray, DataType, FixedLenByteArray};
use parquet::errors::ParquetError;
use parquet::file::properties::{WriterProperties, WriterVersion};
use parquet::file::reader::{FileReader, RowGroupReader};
use parquet::file::serialized_reader::SerializedFileReader;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use crate::StoreError;

/// One column's values for a row group.
pub(crate) enum Column {
    Bool(Vec<bool>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    /// Non-null values and one definition level per row (0 = null).
    OptI64(Vec<i64>, Vec<i16>),
    /// Non-null values and one definition level per row (0 = null).
    OptF64(Vec<f64>, Vec<i16>),
    Str(Vec<ByteArray>),
    /// Fixed-length byte arrays (the 16-byte big-endian two's complement of `DECIMAL(38, 9)`).
    Fixed(Vec<FixedLenByteArray>),
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

/// A Parquet file of one table being written: row groups are added one at a time, then it is
/// finished.
pub(crate) struct TableFileWriter {
    inner: SerializedFileWriter<File>,
    names: &'static [&'static str],
}

impl TableFileWriter {
    /// Starts a file with message type `schema` (column names `names`, in order) on `file` with
    /// zstd `level`.
    pub(crate) fn new(
        file: File,
        schema: &str,
        names: &'static [&'static str],
        level: i32,
    ) -> Result<Self, ParquetError> {
        let schema = Arc::new(parse_message_type(schema)?);
        Ok(Self {
            inner: SerializedFileWriter::new(file, schema, properties(level)?)?,
            names,
        })
    }

    /// Writes `columns` (in schema order) as one row group.
    pub(crate) fn write_columns(&mut self, columns: &[Column]) -> Result<(), ParquetError> {
        let mut group = self.inner.next_row_group()?;
        for (i, data) in columns.iter().enumerate() {
            let name = self.names.get(i).copied().unwrap_or("?");
            let Some(mut col) = group.next_column()? else {
                return Err(ParquetError::General(format!(
                    "schema ends before column {name}"
                )));
            };
            write_column(col.untyped(), data, name)?;
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
        (ColumnWriter::Int64ColumnWriter(w), Column::OptI64(v, d)) => {
            w.write_batch(v, Some(d), None)
        }
        (ColumnWriter::DoubleColumnWriter(w), Column::OptF64(v, d)) => {
            w.write_batch(v, Some(d), None)
        }
        (ColumnWriter::ByteArrayColumnWriter(w), Column::Str(v)) => w.write_batch(v, None, None),
        (ColumnWriter::FixedLenByteArrayColumnWriter(w), Column::Fixed(v)) => {
            w.write_batch(v, None, None)
        }
        _ => Err(ParquetError::General(format!(
            "column {name}: physical type does not match the data"
        ))),
    };
    written.map(|_| ())
}

/// Reads every row group of the file at `path`, checking that its columns are `names` (else the
/// error says it is not a `table` file), and hands each group's columns and row count to
/// `assemble`, whose error is reported with the file and row group.
pub(crate) fn read_table_file(
    path: &Path,
    names: &[&str],
    table: &str,
    mut assemble: impl FnMut(&[Column], usize) -> Result<(), String>,
) -> Result<(), StoreError> {
    let file = File::open(path).map_err(StoreError::io("open", path))?;
    let reader = SerializedFileReader::new(file).map_err(StoreError::parquet(path, "open"))?;
    let schema = reader.metadata().file_metadata().schema_descr();
    let found: Vec<&str> = schema.columns().iter().map(|c| c.name()).collect();
    if found != names {
        return Err(StoreError::Parquet {
            path: path.to_path_buf(),
            reason: format!("not a {table} file: columns {found:?}"),
        });
    }
    for g in 0..reader.num_row_groups() {
        let context = format!("row group {g}");
        let group = reader
            .get_row_group(g)
            .map_err(StoreError::parquet(path, &context))?;
        let n = group.metadata().num_rows().max(0) as usize;
        let mut columns = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let col = read_column(group.as_ref(), i, n).map_err(StoreError::parquet(
                path,
                &format!("{context}, column {name}"),
            ))?;
            columns.push(col);
        }
        assemble(&columns, n).map_err(|reason| StoreError::Parquet {
            path: path.to_path_buf(),
            reason: format!("{context}: {reason}"),
        })?;
    }
    Ok(())
}

/// The number of rows in the file's footer (for preallocation).
pub(crate) fn row_count_hint(path: &Path) -> usize {
    File::open(path)
        .ok()
        .and_then(|f| SerializedFileReader::new(f).ok())
        .map_or(0, |r| {
            r.metadata().file_metadata().num_rows().max(0) as usize
        })
}

/// Reads `n` records of column `i` (optional INT64 and DOUBLE columns with their levels).
fn read_column(group: &dyn RowGroupReader, i: usize, n: usize) -> Result<Column, ParquetError> {
    let optional = group.metadata().column(i).column_descr().max_def_level() > 0;
    Ok(match group.get_column_reader(i)? {
        ColumnReader::BoolColumnReader(mut r) => Column::Bool(read_all(&mut r, n, None)?),
        ColumnReader::Int32ColumnReader(mut r) => Column::I32(read_all(&mut r, n, None)?),
        ColumnReader::Int64ColumnReader(mut r) if optional => {
            let mut defs = Vec::with_capacity(n);
            let values = read_all(&mut r, n, Some(&mut defs))?;
            Column::OptI64(values, defs)
        }
        ColumnReader::Int64ColumnReader(mut r) => Column::I64(read_all(&mut r, n, None)?),
        ColumnReader::DoubleColumnReader(mut r) => {
            let mut defs = Vec::with_capacity(n);
            let values = read_all(&mut r, n, Some(&mut defs))?;
            Column::OptF64(values, defs)
        }
        ColumnReader::ByteArrayColumnReader(mut r) => Column::Str(read_all(&mut r, n, None)?),
        ColumnReader::FixedLenByteArrayColumnReader(mut r) => {
            Column::Fixed(read_all(&mut r, n, None)?)
        }
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

/// The text of `col[i]`, if it is UTF-8.
pub(crate) fn utf8(col: &[ByteArray], i: usize) -> Option<&str> {
    col.get(i).and_then(|v| v.as_utf8().ok())
}

/// A nullable column from per-row options: values of the present rows and a level per row.
pub(crate) fn optional<T: Copy>(values: impl Iterator<Item = Option<T>>) -> (Vec<T>, Vec<i16>) {
    let (lower, _) = values.size_hint();
    let mut present = Vec::with_capacity(lower);
    let mut defs = Vec::with_capacity(lower);
    for v in values {
        defs.push(i16::from(v.is_some()));
        if let Some(v) = v {
            present.push(v);
        }
    }
    (present, defs)
}

/// Expands a nullable column back to one option per row; `None` if the values run out.
pub(crate) fn expand<T: Copy>(values: &[T], defs: &[i16]) -> Option<Vec<Option<T>>> {
    let mut it = values.iter();
    let mut out = Vec::with_capacity(defs.len());
    for d in defs {
        out.push(if *d > 0 { Some(*it.next()?) } else { None });
    }
    Some(out)
}
