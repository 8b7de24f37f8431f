//! The lake's two tables (`raw/flow`, `raw/chain`) behind one internal trait, so the flush,
//! the layout rules and compaction are written once.

use std::fs::File;
use std::path::Path;

use parquet::errors::ParquetError;

use crate::StoreError;
use crate::chain_io::{ChainFileWriter, read_chain_file};
use crate::chain_row::StoredChainRow;
use crate::parquet_io::{FlowFileWriter, read_flow_file};
use crate::row::StoredRow;

/// A table of the lake: its directory under `raw/`, its stored row and its file format.
pub(crate) trait Table {
    /// A row with its sequence number.
    type Stored: Copy;
    /// A file being written.
    type Writer;
    /// Directory name under `root/raw`.
    const DIR: &'static str;
    /// The row's sequence number.
    fn seq(row: &Self::Stored) -> u64;
    /// Every row of one file, in file order.
    fn read_file(path: &Path) -> Result<Vec<Self::Stored>, StoreError>;
    /// Starts a file.
    fn start(file: File, zstd_level: i32) -> Result<Self::Writer, ParquetError>;
    /// Adds one row group.
    fn write_group(writer: &mut Self::Writer, rows: &[Self::Stored]) -> Result<(), ParquetError>;
    /// Writes the footer and `fsync`s the file.
    fn finish(writer: Self::Writer) -> Result<(), ParquetError>;
}

/// Enriched prints, `raw/flow`.
pub(crate) struct FlowTable;

/// One-minute chain snapshots, `raw/chain`.
pub(crate) struct ChainTable;

impl Table for FlowTable {
    type Stored = StoredRow;
    type Writer = FlowFileWriter;
    const DIR: &'static str = "flow";
    fn seq(row: &StoredRow) -> u64 {
        row.seq
    }
    fn read_file(path: &Path) -> Result<Vec<StoredRow>, StoreError> {
        read_flow_file(path)
    }
    fn start(file: File, zstd_level: i32) -> Result<FlowFileWriter, ParquetError> {
        FlowFileWriter::new(file, zstd_level)
    }
    fn write_group(writer: &mut FlowFileWriter, rows: &[StoredRow]) -> Result<(), ParquetError> {
        writer.write_group(rows)
    }
    fn finish(writer: FlowFileWriter) -> Result<(), ParquetError> {
        writer.finish()
    }
}

impl Table for ChainTable {
    type Stored = StoredChainRow;
    type Writer = ChainFileWriter;
    const DIR: &'static str = "chain";
    fn seq(row: &StoredChainRow) -> u64 {
        row.seq
    }
    fn read_file(path: &Path) -> Result<Vec<StoredChainRow>, StoreError> {
        read_chain_file(path)
    }
    fn start(file: File, zstd_level: i32) -> Result<ChainFileWriter, ParquetError> {
        ChainFileWriter::new(file, zstd_level)
    }
    fn write_group(
        writer: &mut ChainFileWriter,
        rows: &[StoredChainRow],
    ) -> Result<(), ParquetError> {
        writer.write_group(rows)
    }
    fn finish(writer: ChainFileWriter) -> Result<(), ParquetError> {
        writer.finish()
    }
}

/// Writes `rows` as one row group to `tmp`, `fsync`s it and renames it to `path`. The temporary
/// file is removed on failure.
pub(crate) fn write_rows_atomically<T: Table>(
    tmp: &Path,
    path: &Path,
    rows: &[T::Stored],
    zstd_level: i32,
) -> Result<(), StoreError> {
    let result = (|| {
        let file = File::create(tmp).map_err(StoreError::io("create", tmp))?;
        let mut writer = T::start(file, zstd_level).map_err(StoreError::parquet(tmp, "start"))?;
        T::write_group(&mut writer, rows).map_err(StoreError::parquet(tmp, "write row group"))?;
        T::finish(writer).map_err(StoreError::parquet(tmp, "finish"))?;
        std::fs::rename(tmp, path).map_err(StoreError::io("rename into place", tmp))
    })();
    if result.is_err() {
        // Best effort: a leftover *.tmp is never read and is removed at the next open.
        let _ = std::fs::remove_file(tmp);
    }
    result
}
