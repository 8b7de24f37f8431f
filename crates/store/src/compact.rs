//! Compaction: merging a day's small part files into few large ones.
//!
//! [`compact_day`] groups runs of consecutive (by sequence) files smaller than the target into
//! chunks of at most `target_bytes` on disk (a chunk always takes whole files), and rewrites each
//! chunk of two or more files as one file (streamed: one input file and one row group in
//! memory at a time) named `part-<first>-<last>.parquet` after the range it
//! covers, rows in sequence order, row groups of `row_group_rows`. Each new file is written to a
//! `*.tmp`, `fsync`ed and renamed; only when all are in place are the inputs removed. A crash at any
//! point leaves every row visible exactly once: an input whose range lies inside a new file's range
//! is hidden by the visibility rule (see [`crate::layout`]) and removed by the next compaction.
//!
//! [`compact_chain_day`] does the same for the chain snapshot table.

use std::fs::File;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::StoreError;
use crate::fsutil::{remove_file, sync_dir};
use crate::layout::{PartFile, all_files_in, part_name, split_visible, table_day_dir};
use crate::table::{ChainTable, FlowTable, Table};

/// Compaction settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompactConfig {
    /// Largest on-disk size of a merged chunk, bytes (default 100 MiB); files at least this big are
    /// left alone.
    pub target_bytes: u64,
    /// Rows per row group in merged files (default 131,072).
    pub row_group_rows: usize,
    /// zstd level (default 3).
    pub zstd_level: i32,
}

impl Default for CompactConfig {
    fn default() -> Self {
        Self {
            target_bytes: 100 * 1024 * 1024,
            row_group_rows: 131_072,
            zstd_level: 3,
        }
    }
}

/// What a compaction did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompactReport {
    /// Part files merged (and removed).
    pub inputs: usize,
    /// Files written.
    pub outputs: Vec<PathBuf>,
    /// Rows rewritten.
    pub rows: u64,
    /// Hidden leftovers of an earlier interrupted compaction that were removed.
    pub leftovers_removed: usize,
}

/// Compacts the part files of New York day `date` under `root`; see the module docs. Safe to run
/// while a [`crate::Lake`] is writing (it only adds files with larger sequence numbers), but not
/// concurrently with another compaction of the same day.
pub fn compact_day(
    root: &Path,
    date: Date,
    config: &CompactConfig,
) -> Result<CompactReport, StoreError> {
    compact_table_day::<FlowTable>(root, date, config)
}

/// [`compact_day`] for the chain snapshot files of New York day `date` (`raw/chain`).
pub fn compact_chain_day(
    root: &Path,
    date: Date,
    config: &CompactConfig,
) -> Result<CompactReport, StoreError> {
    compact_table_day::<ChainTable>(root, date, config)
}

/// Compacts one table's day.
fn compact_table_day<T: Table>(
    root: &Path,
    date: Date,
    config: &CompactConfig,
) -> Result<CompactReport, StoreError> {
    let dir = table_day_dir::<T>(root, date);
    let mut report = CompactReport::default();
    let (visible, covered) = split_visible(all_files_in(&dir)?);
    for f in &covered {
        remove_file(&f.path)?;
        report.leftovers_removed += 1;
    }
    let chunks = plan(&visible, config.target_bytes);
    if chunks.is_empty() {
        if !covered.is_empty() {
            sync_dir(&dir)?;
        }
        return Ok(report);
    }
    let mut written: Vec<PathBuf> = Vec::new();
    for chunk in &chunks {
        let (Some(first), Some(last)) = (chunk.first(), chunk.last()) else {
            continue;
        };
        let name = part_name(first.first_seq, last.last_seq);
        let path = dir.join(&name);
        let tmp = dir.join(format!("{name}.tmp"));
        let rows = merge_chunk::<T>(chunk, &tmp, &path, config).inspect_err(|_| {
            // Best effort: a leftover *.tmp is never read and is removed at the next open.
            let _ = std::fs::remove_file(&tmp);
        })?;
        sync_dir(&dir)?;
        report.rows += rows;
        written.push(path);
    }
    for f in chunks.iter().flatten() {
        // An output may have replaced an input of the same name (same range, same rows).
        if !written.contains(&f.path) {
            remove_file(&f.path)?;
        }
        report.inputs += 1;
    }
    sync_dir(&dir)?;
    report.outputs = written;
    Ok(report)
}

/// Groups runs of consecutive small files into chunks of at most `target` bytes; only chunks of
/// two or more files are returned.
fn plan(files: &[PartFile], target: u64) -> Vec<Vec<PartFile>> {
    let mut chunks = Vec::new();
    let mut current: Vec<PartFile> = Vec::new();
    let mut size = 0u64;
    let close = |current: &mut Vec<PartFile>, chunks: &mut Vec<Vec<PartFile>>| {
        if current.len() >= 2 {
            chunks.push(std::mem::take(current));
        } else {
            current.clear();
        }
    };
    for f in files {
        if f.bytes >= target {
            close(&mut current, &mut chunks);
            size = 0;
            continue;
        }
        if !current.is_empty() && size + f.bytes > target {
            close(&mut current, &mut chunks);
            size = 0;
        }
        size += f.bytes;
        current.push(f.clone());
    }
    close(&mut current, &mut chunks);
    chunks
}

/// Streams the rows of a chunk's files, checked to be in strictly increasing sequence order and
/// inside each file's range, into `tmp` in row groups of `row_group_rows`; `fsync`s and renames it
/// to `path`. Holds one input file and one row group in memory. Returns the rows written.
fn merge_chunk<T: Table>(
    chunk: &[PartFile],
    tmp: &Path,
    path: &Path,
    config: &CompactConfig,
) -> Result<u64, StoreError> {
    let group_rows = config.row_group_rows.max(1);
    let file = File::create(tmp).map_err(StoreError::io("create", tmp))?;
    let mut writer =
        T::start(file, config.zstd_level).map_err(StoreError::parquet(tmp, "start"))?;
    let mut pending: Vec<T::Stored> = Vec::with_capacity(group_rows);
    let mut prev: Option<u64> = None;
    let mut total = 0u64;
    for f in chunk {
        for r in T::read_file(&f.path)? {
            let seq = T::seq(&r);
            if prev.is_some_and(|p| seq <= p) || seq < f.first_seq || seq > f.last_seq {
                return Err(StoreError::Parquet {
                    path: f.path.clone(),
                    reason: format!("row seq {seq} out of order or outside the file name's range"),
                });
            }
            prev = Some(seq);
            pending.push(r);
            if pending.len() == group_rows {
                T::write_group(&mut writer, &pending)
                    .map_err(StoreError::parquet(tmp, "write row group"))?;
                total += pending.len() as u64;
                pending.clear();
            }
        }
    }
    if !pending.is_empty() {
        T::write_group(&mut writer, &pending)
            .map_err(StoreError::parquet(tmp, "write row group"))?;
        total += pending.len() as u64;
    }
    T::finish(writer).map_err(StoreError::parquet(tmp, "finish"))?;
    std::fs::rename(tmp, path).map_err(StoreError::io("rename into place", tmp))?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(first: u64, last: u64, bytes: u64) -> PartFile {
        PartFile {
            path: PathBuf::from(part_name(first, last)),
            first_seq: first,
            last_seq: last,
            bytes,
        }
    }

    #[test]
    fn plan_takes_whole_files_and_skips_big_ones() {
        let files = [
            file(1, 5, 40),
            file(6, 9, 40),
            file(10, 12, 40),
            file(13, 20, 500),
            file(21, 22, 10),
            file(23, 30, 10),
        ];
        let ranges: Vec<Vec<(u64, u64)>> = plan(&files, 100)
            .iter()
            .map(|c| c.iter().map(|f| (f.first_seq, f.last_seq)).collect())
            .collect();
        // 40+40 fits, the third would exceed 100; (10,12) alone is not worth a rewrite.
        assert_eq!(ranges, vec![vec![(1, 5), (6, 9)], vec![(21, 22), (23, 30)]]);
    }
}
