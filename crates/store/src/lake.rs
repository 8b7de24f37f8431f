//! The lake writer: rows logged in the WAL, buffered, flushed to day-partitioned Parquet files.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Duration;

use gammaflow_model::UnixNanos;
use jiff::civil::Date;

use crate::StoreError;
use crate::fsutil::{create_dir_all, list_dir, remove_file, sync_dir};
use crate::layout::{all_day_dirs, day_dir, flow_dir, parse_part_name, part_name};
use crate::parquet_io::FlowFileWriter;
use crate::row::{DayCache, FlowRow, StoredRow};
use crate::wal::{FsyncPolicy, Wal};

/// How the lake buffers and writes.
#[derive(Debug, Clone, PartialEq)]
pub struct LakeConfig {
    /// Flush once this many rows are buffered (default 5,000).
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
    /// Rows written.
    pub rows: usize,
    /// The Parquet files written (one per New York day run of rows).
    pub files: Vec<PathBuf>,
}

/// A lake opened for writing; see the crate docs. One writer per root (a lock file enforces it).
#[derive(Debug)]
pub struct Lake {
    root: PathBuf,
    config: LakeConfig,
    wal: Wal,
    /// Accepted rows not yet in Parquet, with their New York day, in sequence order.
    buffer: Vec<(Date, StoredRow)>,
    /// Caller time at which the oldest buffered row was appended.
    buffer_since: Option<UnixNanos>,
    /// Largest sequence number known to be in a durable Parquet file.
    persisted_seq: u64,
    rows_persisted: u64,
    files_written: u64,
    recovered: usize,
    days: DayCache,
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
        create_dir_all(&flow_dir(&root))?;
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
        let lake_max = clean_and_find_max_seq(&root)?;
        let wal = Wal::open(&wal_dir, config.fsync, lake_max + 1)?;
        let mut buffer = Vec::new();
        for stored in wal.replay(lake_max)? {
            buffer.push((stored.row.new_york_day()?, stored));
        }
        let mut lake = Self {
            root,
            config,
            wal,
            recovered: buffer.len(),
            days: DayCache::default(),
            buffer,
            buffer_since: None,
            persisted_seq: lake_max,
            rows_persisted: 0,
            files_written: 0,
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
        let day = self.days.day_of(row)?;
        let seq = self.wal.append_validated(row, now)?;
        self.buffer.push((day, StoredRow { seq, row: *row }));
        if self.buffer_since.is_none() {
            self.buffer_since = Some(now);
        }
        Ok(seq)
    }

    /// Whether a flush is due at caller time `now` (`max_rows` buffered, or the oldest buffered
    /// row is `max_age` old).
    pub fn flush_due(&self, now: UnixNanos) -> bool {
        let age_limit = u64::try_from(self.config.max_age.as_nanos()).unwrap_or(u64::MAX);
        self.buffer.len() >= self.config.max_rows
            || self
                .buffer_since
                .is_some_and(|since| now.0.saturating_sub(since.0) >= age_limit)
    }

    /// The periodic duty at caller time `now`: syncs the WAL if its interval has passed and
    /// flushes if due. Returns the flush, if one ran.
    pub fn poll(&mut self, now: UnixNanos) -> Result<Option<FlushReport>, StoreError> {
        self.wal.sync_if_due(now)?;
        if self.flush_due(now) {
            self.flush().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Writes every buffered row to Parquet (one file and one row group per run of rows of the
    /// same New York day), then checkpoints the WAL. On an error the rows not yet in a finished
    /// file stay buffered (and in the WAL) for the next attempt.
    pub fn flush(&mut self) -> Result<FlushReport, StoreError> {
        let mut report = FlushReport::default();
        while let Some(&(day, _)) = self.buffer.first() {
            let run = self.buffer.iter().take_while(|(d, _)| *d == day).count();
            let rows: Vec<StoredRow> = self.buffer[..run].iter().map(|(_, r)| *r).collect();
            let (path, dir) = self.write_part(day, &rows)?;
            // The file is visible from here on: its rows must never be written again.
            self.buffer.drain(..run);
            self.persisted_seq = rows.last().map_or(self.persisted_seq, |r| r.seq);
            self.rows_persisted += run as u64;
            self.files_written += 1;
            report.rows += run;
            report.files.push(path);
            sync_dir(&dir)?;
        }
        self.buffer_since = None;
        self.wal.checkpoint(self.persisted_seq)?;
        Ok(report)
    }

    /// Writes `rows` to a temporary file in the day's directory, `fsync`s it and renames it to its
    /// final name. Returns the final path and the directory (not yet synced).
    fn write_part(&self, day: Date, rows: &[StoredRow]) -> Result<(PathBuf, PathBuf), StoreError> {
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return Err(StoreError::InvalidRow {
                row: "flush".to_owned(),
                reason: "empty run".to_owned(),
            });
        };
        let dir = day_dir(&self.root, day);
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
        let name = part_name(first.seq, last.seq);
        let path = dir.join(&name);
        let tmp = dir.join(format!("{name}.tmp"));
        write_rows_atomically(&tmp, &path, rows, self.config.zstd_level)?;
        Ok((path, dir))
    }

    /// `fsync`s the WAL now.
    pub fn sync_wal(&mut self) -> Result<(), StoreError> {
        self.wal.sync()
    }

    /// The lake root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Rows accepted but not yet in Parquet.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// Rows written to Parquet since open (recovered rows included).
    pub fn rows_persisted(&self) -> u64 {
        self.rows_persisted
    }

    /// Parquet files written since open.
    pub fn files_written(&self) -> u64 {
        self.files_written
    }

    /// Rows found in the WAL but not in Parquet at open, and written then.
    pub fn recovered_rows(&self) -> usize {
        self.recovered
    }

    /// Bytes in the WAL's segment files.
    pub fn wal_bytes(&self) -> u64 {
        self.wal.bytes()
    }

    /// The largest sequence number in a durable Parquet file (0 if none).
    pub fn persisted_seq(&self) -> u64 {
        self.persisted_seq
    }

    /// The sequence number the next accepted row gets.
    pub fn next_seq(&self) -> u64 {
        self.wal.next_seq()
    }
}

/// Writes `rows` as one row group to `tmp`, `fsync`s it and renames it to `path`. The temporary
/// file is removed on failure.
fn write_rows_atomically(
    tmp: &Path,
    path: &Path,
    rows: &[StoredRow],
    zstd_level: i32,
) -> Result<(), StoreError> {
    let result = (|| {
        let file = File::create(tmp).map_err(StoreError::io("create", tmp))?;
        let mut writer =
            FlowFileWriter::new(file, zstd_level).map_err(StoreError::parquet(tmp, "start"))?;
        writer
            .write_group(rows)
            .map_err(StoreError::parquet(tmp, "write row group"))?;
        writer
            .finish()
            .map_err(StoreError::parquet(tmp, "finish"))?;
        std::fs::rename(tmp, path).map_err(StoreError::io("rename into place", tmp))
    })();
    if result.is_err() {
        // Best effort: a leftover *.tmp is never read and is removed at the next open.
        let _ = std::fs::remove_file(tmp);
    }
    result
}

/// Removes `*.tmp` files under the flow directory and returns the largest sequence number in a
/// part file name (0 if none).
fn clean_and_find_max_seq(root: &Path) -> Result<u64, StoreError> {
    let mut max = 0;
    for dir in all_day_dirs(root)? {
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
