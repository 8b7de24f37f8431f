//! The write-ahead log: every accepted row, appended before it is buffered for Parquet.
//!
//! # Files
//!
//! The log is a directory of segments `wal-<first_seq, 20 digits>.log`. A segment starts with the
//! 8-byte magic `GFWAL\0\x01\n`, followed by records:
//!
//! | bytes | field |
//! |---|---|
//! | 4 | payload length `n`, u32 little-endian (1..=1024) |
//! | 4 | CRC-32 (IEEE) of the payload, u32 little-endian |
//! | n | payload: the sequence number (u64) and the row in a fixed little-endian layout |
//!
//! Sequence numbers start at 1 and increase by one per accepted row, across segments and across
//! restarts (the lake passes the largest sequence number already in Parquet to [`Wal::open`]).
//!
//! # Damage
//!
//! On [`Wal::open`], a *torn tail* of the newest segment (a record cut short by a crash, a final
//! record whose CRC does not match, or a zero-filled tail) is cut off: those bytes were never
//! acknowledged as durable. Anything else, a bad record followed by more data or damage in an older
//! segment, is [`StoreError::WalCorrupt`] naming the segment and the record's byte offset; the log
//! is left untouched for inspection.
//!
//! # Durability
//!
//! A record is handed to the operating system (`write`) before [`Wal::append`] returns, so a
//! killed process (`kill -9`, panic, abort) loses nothing under any [`FsyncPolicy`]. Power loss or a
//! kernel crash can lose what was not yet `fsync`ed: nothing with [`FsyncPolicy::Always`], up to the
//! interval with [`FsyncPolicy::EveryMs`], everything since the last checkpoint with
//! [`FsyncPolicy::Never`].

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use gammaflow_model::UnixNanos;

use crate::StoreError;
use crate::fsutil::{create_dir_all, list_dir, remove_file, sync_dir};
use crate::row::{FlowRow, StoredRow};

/// When the log calls `fsync` (see the module docs for what each choice risks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsyncPolicy {
    /// After every record (slowest; nothing is lost on power failure).
    Always,
    /// At most every this many milliseconds of the caller's clock: before the next append or on
    /// [`Wal::sync_if_due`] once the interval has passed since the first unsynced record.
    EveryMs(u64),
    /// Never explicitly (the kernel writes back on its own schedule).
    Never,
}

impl Default for FsyncPolicy {
    /// `EveryMs(1000)`.
    fn default() -> Self {
        Self::EveryMs(1000)
    }
}

/// Segment magic.
const MAGIC: &[u8; 8] = b"GFWAL\0\x01\n";
/// Bytes before a record's payload (length and CRC).
const FRAME: usize = 8;
/// Largest payload accepted (a row needs about 120 bytes).
const MAX_PAYLOAD: usize = 1024;
/// Nanoseconds per millisecond.
const NANOS_PER_MS: u64 = 1_000_000;

/// One segment file.
#[derive(Debug)]
struct Segment {
    path: PathBuf,
    /// Last sequence number in it, if any.
    last_seq: Option<u64>,
    /// File length in bytes.
    bytes: u64,
}

/// What scanning a segment found.
struct Scan {
    /// Bytes of whole, valid records plus the header.
    valid_len: u64,
    /// Last sequence number.
    last_seq: Option<u64>,
}

/// The write-ahead log; see the module docs.
#[derive(Debug)]
pub struct Wal {
    dir: PathBuf,
    policy: FsyncPolicy,
    sealed: Vec<Segment>,
    active: Segment,
    file: File,
    next_seq: u64,
    /// Caller time of the first record not yet synced (for `EveryMs`).
    unsynced_since: Option<UnixNanos>,
    poisoned: Option<String>,
    scratch: Vec<u8>,
}

impl Wal {
    /// Opens (creating if needed) the log in `dir`, cutting off a torn tail. The next sequence
    /// number is one past the last logged one, and at least `min_next_seq` (and 1).
    pub fn open(dir: &Path, policy: FsyncPolicy, min_next_seq: u64) -> Result<Self, StoreError> {
        create_dir_all(dir)?;
        let mut names: Vec<(u64, PathBuf)> = list_dir(dir)?
            .into_iter()
            .filter_map(|(name, path)| segment_first_seq(&name).map(|s| (s, path)))
            .collect();
        names.sort();
        let mut segments = Vec::with_capacity(names.len());
        let mut last: Option<u64> = None;
        let count = names.len();
        for (i, (_, path)) in names.into_iter().enumerate() {
            let is_newest = i + 1 == count;
            let scan = scan(&path, is_newest, last, &mut |_| {})?;
            let len = std::fs::metadata(&path)
                .map_err(StoreError::io("stat", &path))?
                .len();
            if scan.valid_len < len {
                repair_tail(&path, scan.valid_len)?;
            }
            last = scan.last_seq.or(last);
            segments.push(Segment {
                path,
                last_seq: scan.last_seq,
                bytes: scan.valid_len.max(MAGIC.len() as u64),
            });
        }
        let next_seq = last.map_or(1, |l| l + 1).max(min_next_seq).max(1);
        let (active, file) = match segments.pop() {
            Some(seg) => {
                let file = OpenOptions::new()
                    .append(true)
                    .open(&seg.path)
                    .map_err(StoreError::io("open", &seg.path))?;
                (seg, file)
            }
            None => new_segment(dir, next_seq)?,
        };
        Ok(Self {
            dir: dir.to_path_buf(),
            policy,
            sealed: segments,
            active,
            file,
            next_seq,
            unsynced_since: None,
            poisoned: None,
            scratch: Vec::with_capacity(256),
        })
    }

    /// The sequence number the next appended row will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Bytes currently in the log's segment files (headers included).
    pub fn bytes(&self) -> u64 {
        self.sealed.iter().map(|s| s.bytes).sum::<u64>() + self.active.bytes
    }

    /// The directory of the log.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Validates `row`, gives it the next sequence number and writes it to the active segment;
    /// `now` (caller's clock) drives [`FsyncPolicy::EveryMs`]. On an error nothing of the row
    /// stays in the log and its sequence number is not used.
    pub fn append(&mut self, row: &FlowRow, now: UnixNanos) -> Result<u64, StoreError> {
        row.validate()?;
        self.append_validated(row, now)
    }

    /// [`Wal::append`] for a row the caller has just validated.
    pub(crate) fn append_validated(
        &mut self,
        row: &FlowRow,
        now: UnixNanos,
    ) -> Result<u64, StoreError> {
        if let Some(reason) = &self.poisoned {
            return Err(StoreError::WalPoisoned {
                path: self.active.path.clone(),
                reason: reason.clone(),
            });
        }
        self.sync_if_due(now)?;
        let seq = self.next_seq;
        self.scratch.clear();
        self.scratch.extend_from_slice(&[0u8; FRAME]);
        row.encode(seq, &mut self.scratch);
        let payload_len = self.scratch.len() - FRAME;
        let crc = crc32fast::hash(&self.scratch[FRAME..]);
        self.scratch[..4].copy_from_slice(&(payload_len as u32).to_le_bytes());
        self.scratch[4..FRAME].copy_from_slice(&crc.to_le_bytes());
        let mut written = self.file.write_all(&self.scratch);
        if written.is_ok() && self.policy == FsyncPolicy::Always {
            written = self.file.sync_data();
        }
        if let Err(e) = written {
            return Err(self.roll_back(e));
        }
        self.active.bytes += self.scratch.len() as u64;
        self.active.last_seq = Some(seq);
        self.next_seq += 1;
        if self.policy != FsyncPolicy::Always && self.unsynced_since.is_none() {
            self.unsynced_since = Some(now);
        }
        Ok(seq)
    }

    /// Undoes a partly written record; poisons the log if even that fails.
    fn roll_back(&mut self, error: std::io::Error) -> StoreError {
        if let Err(undo) = self.file.set_len(self.active.bytes) {
            self.poisoned = Some(format!(
                "write failed ({error}), truncating back failed ({undo})"
            ));
        }
        StoreError::Io {
            op: "append to",
            path: self.active.path.clone(),
            source: error,
        }
    }

    /// Syncs if the policy is `EveryMs(n)` and the oldest unsynced record is at least `n` ms old
    /// on the caller's clock. Returns whether it synced.
    pub fn sync_if_due(&mut self, now: UnixNanos) -> Result<bool, StoreError> {
        let FsyncPolicy::EveryMs(ms) = self.policy else {
            return Ok(false);
        };
        match self.unsynced_since {
            Some(since) if now.0.saturating_sub(since.0) >= ms.saturating_mul(NANOS_PER_MS) => {
                self.sync()?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// `fsync`s the active segment now, whatever the policy.
    pub fn sync(&mut self) -> Result<(), StoreError> {
        self.file
            .sync_data()
            .map_err(StoreError::io("sync", &self.active.path))?;
        self.unsynced_since = None;
        Ok(())
    }

    /// Every logged row with a sequence number above `after`, in order. Reads the segment files
    /// (which hold at most the rows not yet checkpointed), so the result is bounded by the flush
    /// size unless flushes have been failing.
    pub fn replay(&self, after: u64) -> Result<Vec<StoredRow>, StoreError> {
        let mut rows = Vec::new();
        let mut last = None;
        for seg in self.sealed.iter().chain(std::iter::once(&self.active)) {
            let scan = scan(&seg.path, false, last, &mut |r: StoredRow| {
                if r.seq > after {
                    rows.push(r);
                }
            })?;
            last = scan.last_seq.or(last);
        }
        Ok(rows)
    }

    /// Drops what Parquet now holds: deletes sealed segments whose rows all have sequence numbers
    /// `<= persisted`, and if that is true of the active segment too, starts a new one and deletes
    /// the old. Call only after the Parquet files are durable.
    pub fn checkpoint(&mut self, persisted: u64) -> Result<(), StoreError> {
        if self.active.last_seq.is_some_and(|l| l <= persisted) {
            let (seg, file) = new_segment(&self.dir, self.next_seq)?;
            let old = std::mem::replace(&mut self.active, seg);
            self.file = file;
            self.unsynced_since = None;
            self.poisoned = None;
            self.sealed.push(old);
        }
        while let Some(seg) = self.sealed.first() {
            if seg.last_seq.is_some_and(|l| l > persisted) {
                break;
            }
            remove_file(&seg.path)?;
            self.sealed.remove(0);
        }
        sync_dir(&self.dir)
    }
}

/// The first sequence number from a segment name `wal-<digits>.log`.
fn segment_first_seq(name: &str) -> Option<u64> {
    let digits = name.strip_prefix("wal-")?.strip_suffix(".log")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Creates a segment for rows from `first_seq` on, with its header, synced.
fn new_segment(dir: &Path, first_seq: u64) -> Result<(Segment, File), StoreError> {
    let path = dir.join(format!("wal-{first_seq:020}.log"));
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(&path)
        .map_err(StoreError::io("create", &path))?;
    file.write_all(MAGIC)
        .and_then(|()| file.sync_data())
        .map_err(StoreError::io("write header of", &path))?;
    sync_dir(dir)?;
    let file = OpenOptions::new()
        .append(true)
        .open(&path)
        .map_err(StoreError::io("open", &path))?;
    Ok((
        Segment {
            path,
            last_seq: None,
            bytes: MAGIC.len() as u64,
        },
        file,
    ))
}

/// Cuts a torn tail off the newest segment (rewriting the header if even that was torn).
fn repair_tail(path: &Path, valid_len: u64) -> Result<(), StoreError> {
    let mut file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(StoreError::io("open", path))?;
    file.set_len(valid_len)
        .map_err(StoreError::io("truncate torn tail of", path))?;
    if valid_len < MAGIC.len() as u64 {
        file.set_len(0)
            .and_then(|()| file.write_all(MAGIC))
            .map_err(StoreError::io("rewrite header of", path))?;
    }
    file.sync_all().map_err(StoreError::io("sync", path))
}

/// Reads a segment, calling `visit` for each valid record. `newest` allows a torn tail (reported
/// through `valid_len`); `prev` is the last sequence number before this segment.
fn scan(
    path: &Path,
    newest: bool,
    prev: Option<u64>,
    visit: &mut dyn FnMut(StoredRow),
) -> Result<Scan, StoreError> {
    let data = std::fs::read(path).map_err(StoreError::io("read", path))?;
    let corrupt = |offset: usize, reason: String| StoreError::WalCorrupt {
        path: path.to_path_buf(),
        offset: offset as u64,
        reason,
    };
    let torn = |offset: usize, last_seq| Scan {
        valid_len: offset as u64,
        last_seq,
    };
    if data.len() < MAGIC.len() {
        return if newest && MAGIC.starts_with(&data) {
            Ok(torn(0, None))
        } else {
            Err(corrupt(
                0,
                format!("{} bytes, shorter than the segment header", data.len()),
            ))
        };
    }
    if &data[..MAGIC.len()] != MAGIC {
        return Err(corrupt(
            0,
            "not a gammaflow WAL segment (bad magic)".to_owned(),
        ));
    }
    let mut off = MAGIC.len();
    let mut last_seq = None;
    let mut prev = prev;
    while off < data.len() {
        let rest = &data[off..];
        if newest && rest.iter().all(|b| *b == 0) {
            return Ok(torn(off, last_seq));
        }
        if rest.len() < FRAME {
            return if newest {
                Ok(torn(off, last_seq))
            } else {
                Err(corrupt(off, "record header cut off".to_owned()))
            };
        }
        let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let crc = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
        if len == 0 || len > MAX_PAYLOAD {
            return Err(corrupt(
                off,
                format!("record length {len} outside 1..={MAX_PAYLOAD}"),
            ));
        }
        let end = FRAME + len;
        if rest.len() < end {
            return if newest {
                Ok(torn(off, last_seq))
            } else {
                Err(corrupt(
                    off,
                    format!("record of {len} bytes cut off at the end of a sealed segment"),
                ))
            };
        }
        let payload = &rest[FRAME..end];
        let actual = crc32fast::hash(payload);
        if actual != crc {
            return if newest && rest.len() == end {
                Ok(torn(off, last_seq))
            } else {
                Err(corrupt(
                    off,
                    format!("CRC mismatch (stored {crc:08x}, computed {actual:08x})"),
                ))
            };
        }
        let row = FlowRow::decode(payload).map_err(|reason| corrupt(off, reason))?;
        if let Some(p) = prev
            && row.seq <= p
        {
            return Err(corrupt(
                off,
                format!("sequence number {} after {p}", row.seq),
            ));
        }
        prev = Some(row.seq);
        last_seq = Some(row.seq);
        visit(row);
        off += end;
    }
    Ok(Scan {
        valid_len: off as u64,
        last_seq,
    })
}
