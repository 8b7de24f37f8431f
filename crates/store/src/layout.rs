//! Where files live in the lake, and which of them a reader should see.
//!
//! `root/raw/flow/year=YYYY/month=MM/day=DD/part-<first_seq>-<last_seq>.parquet` (sequence numbers
//! zero-padded to 12 digits, so names sort by sequence), and the same under `root/raw/chain` for
//! the chain snapshots (whose sequence numbers are a space of their own). Every file holds the rows
//! of one New York day whose sequence numbers lie in its name's range, in sequence order.
//!
//! **Visibility rule.** A file whose range lies inside another file's range in the same day
//! directory is a leftover (its rows are in the larger file: a compaction was interrupted before it
//! removed its inputs) and is ignored by [`day_files`]; `*.tmp` files are unfinished writes and are
//! never read. Readers outside Rust should glob `**/*.parquet` after a compaction has finished,
//! or apply the same rule.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::StoreError;
use crate::chain_row::StoredChainRow;
use crate::fsutil::list_dir;
use crate::row::StoredRow;
use crate::table::{ChainTable, FlowTable, Table};

/// One Parquet file of the lake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartFile {
    /// Its path.
    pub path: PathBuf,
    /// Smallest sequence number it may hold.
    pub first_seq: u64,
    /// Largest sequence number it may hold.
    pub last_seq: u64,
    /// Size on disk, bytes.
    pub bytes: u64,
}

impl PartFile {
    /// Whether this file's range lies inside `other`'s (and they are different files).
    fn covered_by(&self, other: &PartFile) -> bool {
        self.path != other.path
            && other.first_seq <= self.first_seq
            && self.last_seq <= other.last_seq
    }
}

/// `root/raw/<table>`.
pub(crate) fn table_dir<T: Table>(root: &Path) -> PathBuf {
    root.join("raw").join(T::DIR)
}

/// `root/raw/<table>/year=YYYY/month=MM/day=DD` for a New York date.
pub(crate) fn table_day_dir<T: Table>(root: &Path, date: Date) -> PathBuf {
    table_dir::<T>(root)
        .join(format!("year={:04}", date.year()))
        .join(format!("month={:02}", date.month()))
        .join(format!("day={:02}", date.day()))
}

/// `root/raw/flow/year=YYYY/month=MM/day=DD` for a New York date.
pub fn day_dir(root: &Path, date: Date) -> PathBuf {
    table_day_dir::<FlowTable>(root, date)
}

/// `root/raw/chain/year=YYYY/month=MM/day=DD` for a New York date.
pub fn chain_day_dir(root: &Path, date: Date) -> PathBuf {
    table_day_dir::<ChainTable>(root, date)
}

/// `part-<first>-<last>.parquet`.
pub(crate) fn part_name(first_seq: u64, last_seq: u64) -> String {
    format!("part-{first_seq:012}-{last_seq:012}.parquet")
}

/// The range of a name made by [`part_name`] (any number of digits); `None` for other names.
pub(crate) fn parse_part_name(name: &str) -> Option<(u64, u64)> {
    let core = name.strip_prefix("part-")?.strip_suffix(".parquet")?;
    let (a, b) = core.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if !digits(a) || !digits(b) {
        return None;
    }
    let (first, last) = (a.parse().ok()?, b.parse().ok()?);
    (first <= last).then_some((first, last))
}

/// Every part file in `dir` (visible or not), sorted by first sequence number.
pub(crate) fn all_files_in(dir: &Path) -> Result<Vec<PartFile>, StoreError> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (name, path) in list_dir(dir)? {
        if let Some((first_seq, last_seq)) = parse_part_name(&name) {
            let bytes = std::fs::metadata(&path)
                .map_err(StoreError::io("stat", &path))?
                .len();
            out.push(PartFile {
                path,
                first_seq,
                last_seq,
                bytes,
            });
        }
    }
    out.sort_by_key(|f| (f.first_seq, std::cmp::Reverse(f.last_seq)));
    Ok(out)
}

/// Splits files (sorted as by [`all_files_in`]) into visible ones and covered leftovers.
pub(crate) fn split_visible(files: Vec<PartFile>) -> (Vec<PartFile>, Vec<PartFile>) {
    let mut visible: Vec<PartFile> = Vec::with_capacity(files.len());
    let mut covered = Vec::new();
    for f in files {
        // Sorted by first ascending, last descending: a cover, if any, has come before.
        if visible.iter().any(|v| f.covered_by(v)) {
            covered.push(f);
        } else {
            visible.push(f);
        }
    }
    (visible, covered)
}

/// The visible files of a New York day, in sequence order (see the module docs).
pub fn day_files(root: &Path, date: Date) -> Result<Vec<PartFile>, StoreError> {
    Ok(split_visible(all_files_in(&day_dir(root, date))?).0)
}

/// The visible chain files of a New York day, in sequence order (see the module docs).
pub fn chain_day_files(root: &Path, date: Date) -> Result<Vec<PartFile>, StoreError> {
    Ok(split_visible(all_files_in(&chain_day_dir(root, date))?).0)
}

/// Every row of a table's New York day from its visible files, in sequence order.
fn read_table_day<T: Table>(root: &Path, date: Date) -> Result<Vec<T::Stored>, StoreError> {
    let mut rows = Vec::new();
    for f in split_visible(all_files_in(&table_day_dir::<T>(root, date))?).0 {
        rows.extend(T::read_file(&f.path)?);
    }
    Ok(rows)
}

/// Every row of a New York day from its visible files, in sequence order.
pub fn read_day(root: &Path, date: Date) -> Result<Vec<StoredRow>, StoreError> {
    read_table_day::<FlowTable>(root, date)
}

/// Every chain snapshot row of a New York day from its visible files, in sequence order
/// (snapshot after snapshot, each in strike order).
pub fn read_chain_day(root: &Path, date: Date) -> Result<Vec<StoredChainRow>, StoreError> {
    read_table_day::<ChainTable>(root, date)
}

/// Every `year=/month=/day=` directory under `root/raw/<table>`, sorted.
pub(crate) fn all_day_dirs<T: Table>(root: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let mut out = Vec::new();
    let top = table_dir::<T>(root);
    for (y, ypath) in list_dir(&top)? {
        if !y.starts_with("year=") || !ypath.is_dir() {
            continue;
        }
        for (m, mpath) in list_dir(&ypath)? {
            if !m.starts_with("month=") || !mpath.is_dir() {
                continue;
            }
            for (d, dpath) in list_dir(&mpath)? {
                if d.starts_with("day=") && dpath.is_dir() {
                    out.push(dpath);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(first: u64, last: u64) -> PartFile {
        PartFile {
            path: PathBuf::from(part_name(first, last)),
            first_seq: first,
            last_seq: last,
            bytes: 1,
        }
    }

    #[test]
    fn names_round_trip_and_reject_strangers() {
        assert_eq!(parse_part_name(&part_name(7, 5001)), Some((7, 5001)));
        assert_eq!(parse_part_name("part-3-9.parquet"), Some((3, 9)));
        for bad in [
            "part-9-3.parquet",
            "part-1-2.parquet.tmp",
            "part--2.parquet",
            "x.parquet",
            "part-1-a.parquet",
        ] {
            assert_eq!(parse_part_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn covered_files_are_hidden() {
        let mut files = vec![file(1, 10), file(11, 20), file(1, 20), file(21, 30)];
        files.sort_by_key(|f| (f.first_seq, std::cmp::Reverse(f.last_seq)));
        let (visible, covered) = split_visible(files);
        let ranges: Vec<_> = visible.iter().map(|f| (f.first_seq, f.last_seq)).collect();
        assert_eq!(ranges, vec![(1, 20), (21, 30)]);
        assert_eq!(covered.len(), 2);
    }
}
