//! The log machinery shared by the flow and chain write-ahead logs: segments, framing, CRC,
//! torn-tail repair, fsync policy and checkpoints, over opaque payloads that start with their
//! sequence number.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use gammaflow_model::UnixNanos;

use crate::StoreError;
use crate::fsutil::{create_dir_all, list_dir, remove_file, sync_dir};
use crate::wal::FsyncPolicy;

/// Bytes before a record's payload (length and CRC).
const FRAME: usize = 8;
/// Largest payload accepted (a flow row needs about 120 bytes, a chain row about 230).
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

/// Called with each record's sequence number and payload; an error marks the record corrupt.
pub(crate) type Visitor<'a> = dyn FnMut(u64, &[u8]) -> Result<(), String> + 'a;

/// What distinguishes one kind of log from another: the segment magic and how a payload is
/// checked (returning its sequence number, the payload's first 8 bytes).
#[derive(Debug)]
pub(crate) struct Format {
    /// Segment magic.
    pub(crate) magic: &'static [u8; 8],
    /// Decodes a payload far enough to know it is valid; returns its sequence number.
    pub(crate) check: fn(&[u8]) -> Result<u64, String>,
}

/// A segmented, CRC-framed log of byte payloads; see the `wal` module docs.
#[derive(Debug)]
pub(crate) struct Log {
    format: &'static Format,
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

impl Log {
    /// Opens (creating if needed) the log in `dir`, cutting off a torn tail. The next sequence
    /// number is one past the last logged one, and at least `min_next_seq` (and 1).
    pub(crate) fn open(
        dir: &Path,
        policy: FsyncPolicy,
        min_next_seq: u64,
        format: &'static Format,
    ) -> Result<Self, StoreError> {
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
            let scan = scan(&path, format, is_newest, last, &mut |_, _| Ok(()))?;
            let len = std::fs::metadata(&path)
                .map_err(StoreError::io("stat", &path))?
                .len();
            if scan.valid_len < len {
                repair_tail(&path, format.magic, scan.valid_len)?;
            }
            last = scan.last_seq.or(last);
            segments.push(Segment {
                path,
                last_seq: scan.last_seq,
                bytes: scan.valid_len.max(format.magic.len() as u64),
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
            None => new_segment(dir, format.magic, next_seq)?,
        };
        Ok(Self {
            format,
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
    pub(crate) fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Bytes currently in the log's segment files (headers included).
    pub(crate) fn bytes(&self) -> u64 {
        self.sealed.iter().map(|s| s.bytes).sum::<u64>() + self.active.bytes
    }

    /// The directory of the log.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Gives the next sequence number to the payload `encode` appends (starting with that number
    /// as u64 little-endian) and writes it to the active segment; `now` (caller's clock) drives
    /// [`FsyncPolicy::EveryMs`]. On an error nothing of the record stays in the log and its
    /// sequence number is not used.
    pub(crate) fn append_with(
        &mut self,
        now: UnixNanos,
        encode: impl FnOnce(u64, &mut Vec<u8>),
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
        encode(seq, &mut self.scratch);
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
    pub(crate) fn sync_if_due(&mut self, now: UnixNanos) -> Result<bool, StoreError> {
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
    pub(crate) fn sync(&mut self) -> Result<(), StoreError> {
        self.file
            .sync_data()
            .map_err(StoreError::io("sync", &self.active.path))?;
        self.unsynced_since = None;
        Ok(())
    }

    /// Calls `visit` with the sequence number and payload of every logged record above `after`,
    /// in order; an error of `visit` is reported as corruption at that record. Reads the segment
    /// files (which hold at most the records not yet checkpointed).
    pub(crate) fn replay_with(
        &self,
        after: u64,
        visit: &mut Visitor<'_>,
    ) -> Result<(), StoreError> {
        let mut last = None;
        for seg in self.sealed.iter().chain(std::iter::once(&self.active)) {
            let scan = scan(&seg.path, self.format, false, last, &mut |seq, payload| {
                if seq > after {
                    visit(seq, payload)
                } else {
                    Ok(())
                }
            })?;
            last = scan.last_seq.or(last);
        }
        Ok(())
    }

    /// Drops what Parquet now holds: deletes sealed segments whose rows all have sequence numbers
    /// `<= persisted`, and if that is true of the active segment too, starts a new one and deletes
    /// the old. Call only after the Parquet files are durable.
    pub(crate) fn checkpoint(&mut self, persisted: u64) -> Result<(), StoreError> {
        if self.active.last_seq.is_some_and(|l| l <= persisted) {
            let (seg, file) = new_segment(&self.dir, self.format.magic, self.next_seq)?;
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
fn new_segment(dir: &Path, magic: &[u8; 8], first_seq: u64) -> Result<(Segment, File), StoreError> {
    let path = dir.join(format!("wal-{first_seq:020}.log"));
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(&path)
        .map_err(StoreError::io("create", &path))?;
    file.write_all(magic)
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
            bytes: magic.len() as u64,
        },
        file,
    ))
}

/// Cuts a torn tail off the newest segment (rewriting the header if even that was torn).
fn repair_tail(path: &Path, magic: &[u8; 8], valid_len: u64) -> Result<(), StoreError> {
    let mut file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(StoreError::io("open", path))?;
    file.set_len(valid_len)
        .map_err(StoreError::io("truncate torn tail of", path))?;
    if valid_len < magic.len() as u64 {
        file.set_len(0)
            .and_then(|()| file.write_all(magic))
            .map_err(StoreError::io("rewrite header of", path))?;
    }
    file.sync_all().map_err(StoreError::io("sync", path))
}

/// Reads a segment, calling `visit` for each valid record. `newest` allows a torn tail (reported
/// through `valid_len`); `prev` is the last sequence number before this segment.
fn scan(
    path: &Path,
    format: &Format,
    newest: bool,
    prev: Option<u64>,
    visit: &mut Visitor<'_>,
) -> Result<Scan, StoreError> {
    let magic = format.magic;
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
    if data.len() < magic.len() {
        return if newest && magic.starts_with(&data) {
            Ok(torn(0, None))
        } else {
            Err(corrupt(
                0,
                format!("{} bytes, shorter than the segment header", data.len()),
            ))
        };
    }
    if &data[..magic.len()] != magic.as_slice() {
        return Err(corrupt(
            0,
            "not a gammaflow WAL segment (bad magic)".to_owned(),
        ));
    }
    let mut off = magic.len();
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
        let seq = (format.check)(payload).map_err(|reason| corrupt(off, reason))?;
        if let Some(p) = prev
            && seq <= p
        {
            return Err(corrupt(off, format!("sequence number {seq} after {p}")));
        }
        prev = Some(seq);
        last_seq = Some(seq);
        visit(seq, payload).map_err(|reason| corrupt(off, reason))?;
        off += end;
    }
    Ok(Scan {
        valid_len: off as u64,
        last_seq,
    })
}
