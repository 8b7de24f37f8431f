//! The lake writer: rows logged in the WAL, buffered, flushed to day-partitioned Parquet files.
//!
//! Two tables share one [`Lake`]: flow rows (`raw/flow`, WAL `root/wal`) and chain snapshot rows
//! (`raw/chain`, WAL `root/wal/chain`). Each has its own buffer, sequence numbers and WAL; they
//! share the flush policy (a flush writes both) and the lock.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Duration;

use gammaflow_model::UnixNanos;
use jiff::civil::Date;

use crate::StoreError;
use crate::chain_row::{ChainRow, StoredChainRow};
use crate::fsutil::{create_dir_all, list_dir, remove_file, sync_dir};
use crate::layout::{all_day_dirs, parse_part_name, part_name, table_day_dir, table_dir};
use crate::row::{DayCache, FlowRow, StoredRow};
use crate::table::{ChainTable, FlowTable, Table, write_rows_atomically};
use crate::wal::{ChainWal, FsyncPolicy, Wal};

/// How the lake buffers and writes.
#[derive(Debug, Clone, PartialEq)]
pub struct LakeConfig {
    /// Flush once this many rows are buffered in either table (default 5,000).
    pub max_rows: usize,
    /// Flush once the oldest buffered row was appended this long ago on the caller's clock
    /// (default 60 s).
    pub max_age: Duration,
    /// When the WAL `fsync`s (default every 1,000 ms).
    pub fsync: FsyncPolicy,
    /// zstd level of the Parquet pages (default 3).
    pub zstd_level: i32,
}

impl Default for LakeConfig {
    fn default() -> Self {
        Self {
            max_rows: 5_000,
            max_age: Duration::from_secs(60),
            fsync: FsyncPolicy::default(),
            zstd_level: 3,
        }
    }
}

/// What a flush wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlushReport {
    /// Flow rows written.
    pub rows: usize,
    /// The flow Parquet files written (one per New York day run of rows).
    pub files: Vec<PathBuf>,
    /// Chain snapshot rows written.
    pub chain_rows: usize,
    /// The chain Parquet files written (one per New York day run of rows).
    pub chain_files: Vec<PathBuf>,
}

/// One table's rows on their way to Parquet.
#[derive(Debug)]
struct Buffer<S> {
    /// Accepted rows not yet in Parquet, with their New York day, in sequence order.
    rows: Vec<(Date, S)>,
    /// Largest sequence number known to be in a durable Parquet file.
    persisted_seq: u64,
    rows_persisted: u64,
    files_written: u64,
    recovered: usize,
    days: DayCache,
}

impl<S> Buffer<S> {
    fn new(rows: Vec<(Date, S)>, persisted_seq: u64) -> Self {
        Self {
            recovered: rows.len(),
            rows,
            persisted_seq,
            rows_persisted: 0,
            files_written: 0,
            days: DayCache::default(),
        }
    }
}

/// Writes every buffered row of table `T` to Parquet, one file per run of rows of the same New
/// York day, into `rows` and `files`. Rows stay buffered until their file is visible.
fn flush_table<T: Table>(
    root: &Path,
    zstd_level: i32,
    buffer: &mut Buffer<T::Stored>,
    rows_out: &mut usize,
    files: &mut Vec<PathBuf>,
) -> Result<(), StoreError> {
    while let Some(&(day, _)) = buffer.rows.first() {
        let run = buffer.rows.iter().take_while(|(d, _)| *d == day).count();
        let rows: Vec<T::Stored> = buffer.rows[..run].iter().map(|(_, r)| *r).collect();
        let (path, dir) = write_part::<T>(root, zstd_level, day, &rows)?;
        // The file is visible from here on: its rows must never be written again.
        buffer.rows.drain(..run);
        buffer.persisted_seq = rows.last().map_or(buffer.persisted_seq, T::seq);
        buffer.rows_persisted += run as u64;
        buffer.files_written += 1;
        *rows_out += run;
        files.push(path);
        sync_dir(&dir)?;
    }
    Ok(())
}

/// Writes `rows` to a temporary file in the day's directory of table `T`, `fsync`s it and
/// renames it to its final name. Returns the final path and the directory (not yet synced).
fn write_part<T: Table>(
    root: &Path,
    zstd_level: i32,
    day: Date,
    rows: &[T::Stored],
) -> Result<(PathBuf, PathBuf), StoreError> {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Err(StoreError::InvalidRow {
            row: "flush".to_owned(),
            reason: "empty run".to_owned(),
        });
    };
    let dir = table_day_dir::<T>(root, day);
    if !dir.is_dir() {
        create_dir_all(&dir)?;
        let mut parent = dir.parent();
        for _ in 0..3 {
            if let Some(p) = parent {
                sync_dir(p)?;
                parent = p.parent();
            }
        }
    }
    let name = part_name(T::seq(first), T::seq(last));
    let path = dir.join(&name);
    let tmp = dir.join(format!("{name}.tmp"));
    write_rows_atomically::<T>(&tmp, &path, rows, zstd_level)?;
    Ok((path, dir))
}

/// A lake opened for writing; see the crate docs. One writer per root (a lock file enforces it).
#[derive(Debug)]
pub struct Lake {
    root: PathBuf,
    config: LakeConfig,
    wal: Wal,
    chain_wal: ChainWal,
    flow: Buffer<StoredRow>,
    chain: Buffer<StoredChainRow>,
    /// Caller time at which the oldest buffered row (of either table) was appended.
    buffer_since: Option<UnixNanos>,
    _lock: File,
}

impl Lake {
    /// Opens (creating if needed) the lake at `root`: takes the lock, removes unfinished `*.tmp`
    /// files, and writes every WAL row that is not yet in a Parquet file (those with a sequence
    /// number above the largest one in the part file names) before returning. If writing them
    /// fails, the open fails with that error and the WAL keeps them for the next open.
    pub fn open(root: impl AsRef<Path>, config: LakeConfig) -> Result<Self, StoreError> {
        let root = root.as_ref().to_path_buf();
        if root.exists() && !root.is_dir() {
            return Err(StoreError::BadRoot {
                path: root,
                reason: "exists and is not a directory".to_owned(),
            });
        }
        if config.max_rows == 0 {
            return Err(StoreError::Config {
                reason: "max_rows must be at least 1".to_owned(),
            });
        }
        if let Err(e) = parquet::basic::ZstdLevel::try_new(config.zstd_level) {
            return Err(StoreError::Config {
                reason: format!("zstd_level {}: {e}", config.zstd_level),
            });
        }
        create_dir_all(&table_dir::<FlowTable>(&root))?;
        create_dir_all(&table_dir::<ChainTable>(&root))?;
        let wal_dir = root.join("wal");
        create_dir_all(&wal_dir)?;
        let lock_path = wal_dir.join("LOCK");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(StoreError::io("create lock file", &lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(StoreError::Locked {
                    root,
                    lock: lock_path,
                });
            }
            Err(TryLockError::Error(e)) => return Err(StoreError::io("lock", &lock_path)(e)),
        }
        let lake_max = clean_and_find_max_seq::<FlowTable>(&root)?;
        let wal = Wal::open(&wal_dir, config.fsync, lake_max + 1)?;
        let mut buffer = Vec::new();
        for stored in wal.replay(lake_max)? {
            buffer.push((stored.row.new_york_day()?, stored));
        }
        let chain_max = clean_and_find_max_seq::<ChainTable>(&root)?;
        let chain_wal = ChainWal::open(&wal_dir.join("chain"), config.fsync, chain_max + 1)?;
        let mut chain_buffer = Vec::new();
        for stored in chain_wal.replay(chain_max)? {
            chain_buffer.push((stored.row.new_york_day()?, stored));
        }
        let mut lake = Self {
            root,
            config,
            wal,
            chain_wal,
            flow: Buffer::new(buffer, lake_max),
            chain: Buffer::new(chain_buffer, chain_max),
            buffer_since: None,
            _lock: lock,
        };
        lake.flush()?;
        Ok(lake)
    }

    /// Accepts a row: validates it, logs it in the WAL with the next sequence number (returned)
    /// and buffers it. `now` is the caller's clock (it starts the age of a new buffer and drives
    /// the WAL's `EveryMs` fsync). It does not flush: call [`Lake::poll`] after appending. On an
    /// error the row was not accepted.
    pub fn append(&mut self, row: &FlowRow, now: UnixNanos) -> Result<u64, StoreError> {
        row.check_fields()?;
        let day = self.flow.days.day_of(row)?;
        let seq = self.wal.append_validated(row, now)?;
        self.flow.rows.push((day, StoredRow { seq, row: *row }));
        self.buffer_since.get_or_insert(now);
        Ok(seq)
    }

    /// Accepts a chain snapshot row like [`Lake::append`] does a flow row: validated, logged in
    /// the chain WAL with the next chain sequence number (returned), buffered. On an error the
    /// row was not accepted.
    pub fn append_chain(&mut self, row: &ChainRow, now: UnixNanos) -> Result<u64, StoreError> {
        row.check_fields()?;
        let day = self.chain.days.day_of_ts(row.ts, || row.new_york_day())?;
        let seq = self.chain_wal.append_validated(row, now)?;
        self.chain
            .rows
            .push((day, StoredChainRow { seq, row: *row }));
        self.buffer_since.get_or_insert(now);
        Ok(seq)
    }

    /// Whether a flush is due at caller time `now` (`max_rows` buffered in either table, or the
    /// oldest buffered row is `max_age` old).
    pub fn flush_due(&self, now: UnixNanos) -> bool {
        let age_limit = u64::try_from(self.config.max_age.as_nanos()).unwrap_or(u64::MAX);
        self.flow.rows.len() >= self.config.max_rows
            || self.chain.rows.len() >= self.config.max_rows
            || self
                .buffer_since
                .is_some_and(|since| now.0.saturating_sub(since.0) >= age_limit)
    }

    /// The periodic duty at caller time `now`: syncs the WALs if their interval has passed and
    /// flushes if due. Returns the flush, if one ran.
    pub fn poll(&mut self, now: UnixNanos) -> Result<Option<FlushReport>, StoreError> {
        self.wal.sync_if_due(now)?;
        self.chain_wal.sync_if_due(now)?;
        if self.flush_due(now) {
            self.flush().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Writes every buffered row to Parquet (per table, one file and one row group per run of
    /// rows of the same New York day), then checkpoints that table's WAL: flow first, then chain.
    /// On an error the rows not yet in a finished file stay buffered (and in their WAL) for the
    /// next attempt.
    pub fn flush(&mut self) -> Result<FlushReport, StoreError> {
        let mut report = FlushReport::default();
        let level = self.config.zstd_level;
        flush_table::<FlowTable>(
            &self.root,
            level,
            &mut self.flow,
            &mut report.rows,
            &mut report.files,
        )?;
        self.wal.checkpoint(self.flow.persisted_seq)?;
        flush_table::<ChainTable>(
            &self.root,
            level,
            &mut self.chain,
            &mut report.chain_rows,
            &mut report.chain_files,
        )?;
        self.chain_wal.checkpoint(self.chain.persisted_seq)?;
        self.buffer_since = None;
        Ok(report)
    }

    /// `fsync`s both WALs now.
    pub fn sync_wal(&mut self) -> Result<(), StoreError> {
        self.wal.sync()?;
        self.chain_wal.sync()
    }

    /// The lake root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Flow rows accepted but not yet in Parquet.
    pub fn buffered(&self) -> usize {
        self.flow.rows.len()
    }

    /// Chain rows accepted but not yet in Parquet.
    pub fn chain_buffered(&self) -> usize {
        self.chain.rows.len()
    }

    /// Flow rows written to Parquet since open (recovered rows included).
    pub fn rows_persisted(&self) -> u64 {
        self.flow.rows_persisted
    }

    /// Chain rows written to Parquet since open (recovered rows included).
    pub fn chain_rows_persisted(&self) -> u64 {
        self.chain.rows_persisted
    }

    /// Flow Parquet files written since open.
    pub fn files_written(&self) -> u64 {
        self.flow.files_written
    }

    /// Chain Parquet files written since open.
    pub fn chain_files_written(&self) -> u64 {
        self.chain.files_written
    }

    /// Flow rows found in the WAL but not in Parquet at open, and written then.
    pub fn recovered_rows(&self) -> usize {
        self.flow.recovered
    }

    /// Chain rows found in the chain WAL but not in Parquet at open, and written then.
    pub fn recovered_chain_rows(&self) -> usize {
        self.chain.recovered
    }

    /// Bytes in the flow WAL's segment files.
    pub fn wal_bytes(&self) -> u64 {
        self.wal.bytes()
    }

    /// Bytes in the chain WAL's segment files.
    pub fn chain_wal_bytes(&self) -> u64 {
        self.chain_wal.bytes()
    }

    /// The largest flow sequence number in a durable Parquet file (0 if none).
    pub fn persisted_seq(&self) -> u64 {
        self.flow.persisted_seq
    }

    /// The largest chain sequence number in a durable Parquet file (0 if none).
    pub fn chain_persisted_seq(&self) -> u64 {
        self.chain.persisted_seq
    }

    /// The sequence number the next accepted flow row gets.
    pub fn next_seq(&self) -> u64 {
        self.wal.next_seq()
    }

    /// The sequence number the next accepted chain row gets.
    pub fn chain_next_seq(&self) -> u64 {
        self.chain_wal.next_seq()
    }
}

/// Removes `*.tmp` files under table `T`'s directory and returns the largest sequence number in
/// a part file name (0 if none).
fn clean_and_find_max_seq<T: Table>(root: &Path) -> Result<u64, StoreError> {
    let mut max = 0;
    for dir in all_day_dirs::<T>(root)? {
        let mut removed = false;
        for (name, path) in list_dir(&dir)? {
            if name.ends_with(".tmp") {
                remove_file(&path)?;
                removed = true;
            } else if let Some((_, last)) = parse_part_name(&name) {
                max = max.max(last);
            }
        }
        if removed {
            sync_dir(&dir)?;
        }
    }
    Ok(max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain_row::tests::{same, sample};
    use crate::layout::read_chain_day;
    use jiff::civil::date;

    fn temp_root(tag: &str) -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("gammaflow-lake-unit-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        root
    }

    fn config() -> LakeConfig {
        LakeConfig {
            max_rows: 1_000_000,
            max_age: Duration::from_secs(3_600),
            ..LakeConfig::default()
        }
    }

    #[test]
    fn chain_rows_only_in_their_wal_are_recovered_exactly_once() {
        let root = temp_root("chainwal");
        let rows: Vec<ChainRow> = (0..30).map(sample).collect();
        let mut lake = Lake::open(&root, config()).unwrap();
        for r in &rows[..10] {
            lake.append_chain(r, r.ts).unwrap();
        }
        let report = lake.flush().unwrap();
        assert_eq!((report.rows, report.chain_rows), (0, 10));
        for (k, r) in rows[10..].iter().enumerate() {
            assert_eq!(lake.append_chain(r, r.ts).unwrap(), 11 + k as u64);
        }
        // A kill: no flush, no shutdown.
        drop(lake);
        assert_eq!(read_chain_day(&root, date(2025, 6, 9)).unwrap().len(), 10);

        let lake = Lake::open(&root, config()).unwrap();
        assert_eq!(
            (lake.recovered_chain_rows(), lake.recovered_rows()),
            (20, 0)
        );
        assert_eq!(lake.chain_persisted_seq(), 30);
        assert_eq!(lake.chain_next_seq(), 31);
        let back = read_chain_day(&root, date(2025, 6, 9)).unwrap();
        assert_eq!(back.len(), 30);
        for (k, (b, r)) in back.iter().zip(&rows).enumerate() {
            assert_eq!(b.seq, k as u64 + 1);
            assert!(same(&b.row, r), "row {k}");
        }
        // Flow numbering is untouched by chain rows.
        assert_eq!(lake.next_seq(), 1);
        drop(lake);
        let lake = Lake::open(&root, config()).unwrap();
        assert_eq!(lake.recovered_chain_rows(), 0, "recovery is not repeated");
        assert_eq!(read_chain_day(&root, date(2025, 6, 9)).unwrap().len(), 30);
        drop(lake);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_torn_chain_record_is_cut_off_and_the_rest_recovered() {
        let root = temp_root("chaintorn");
        let mut lake = Lake::open(&root, config()).unwrap();
        for i in 0..5 {
            let r = sample(i);
            lake.append_chain(&r, r.ts).unwrap();
        }
        drop(lake);
        let seg = std::fs::read_dir(root.join("wal").join("chain"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == "log"))
            .unwrap();
        let len = std::fs::metadata(&seg).unwrap().len();
        let file = std::fs::OpenOptions::new().write(true).open(&seg).unwrap();
        file.set_len(len - 3).unwrap();
        drop(file);
        let lake = Lake::open(&root, config()).unwrap();
        assert_eq!(lake.recovered_chain_rows(), 4);
        assert_eq!(read_chain_day(&root, date(2025, 6, 9)).unwrap().len(), 4);
        drop(lake);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
