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
//! # Two logs
//!
//! [`Wal`] logs flow rows ([`FlowRow`]) in `root/wal`; [`ChainWal`] logs chain snapshot rows
//! ([`ChainRow`]) in `root/wal/chain`, with the magic `GFWALC\x01\n` and a sequence space of its
//! own (the chain table's part files are named after it). The two share the framing, the damage
//! rules and the fsync policy below, and are checkpointed independently, each after its own
//! table's Parquet files are durable. A separate log per table (rather than one log of tagged
//! records) keeps the flow log's format, its sequence numbers (dense, one per print) and its
//! recovery rule exactly as they were.
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

mod log;

use std::path::Path;

use gammaflow_model::UnixNanos;

use crate::StoreError;
use crate::chain_row::{ChainRow, StoredChainRow};
use crate::row::{FlowRow, StoredRow};
use log::{Format, Log};

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

/// The flow log's format.
static FLOW_FORMAT: Format = Format {
    magic: b"GFWAL\0\x01\n",
    check: |payload| FlowRow::decode(payload).map(|r| r.seq),
};

/// The chain log's format.
static CHAIN_FORMAT: Format = Format {
    magic: b"GFWALC\x01\n",
    check: |payload| ChainRow::decode(payload).map(|r| r.seq),
};

/// The write-ahead log of flow rows; see the module docs.
#[derive(Debug)]
pub struct Wal {
    log: Log,
}

impl Wal {
    /// Opens (creating if needed) the log in `dir`, cutting off a torn tail. The next sequence
    /// number is one past the last logged one, and at least `min_next_seq` (and 1).
    pub fn open(dir: &Path, policy: FsyncPolicy, min_next_seq: u64) -> Result<Self, StoreError> {
        Ok(Self {
            log: Log::open(dir, policy, min_next_seq, &FLOW_FORMAT)?,
        })
    }

    /// The sequence number the next appended row will get.
    pub fn next_seq(&self) -> u64 {
        self.log.next_seq()
    }

    /// Bytes currently in the log's segment files (headers included).
    pub fn bytes(&self) -> u64 {
        self.log.bytes()
    }

    /// The directory of the log.
    pub fn dir(&self) -> &Path {
        self.log.dir()
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
        self.log.append_with(now, |seq, out| row.encode(seq, out))
    }

    /// Syncs if the policy is `EveryMs(n)` and the oldest unsynced record is at least `n` ms old
    /// on the caller's clock. Returns whether it synced.
    pub fn sync_if_due(&mut self, now: UnixNanos) -> Result<bool, StoreError> {
        self.log.sync_if_due(now)
    }

    /// `fsync`s the active segment now, whatever the policy.
    pub fn sync(&mut self) -> Result<(), StoreError> {
        self.log.sync()
    }

    /// Every logged row with a sequence number above `after`, in order. Reads the segment files
    /// (which hold at most the rows not yet checkpointed), so the result is bounded by the flush
    /// size unless flushes have been failing.
    pub fn replay(&self, after: u64) -> Result<Vec<StoredRow>, StoreError> {
        let mut rows = Vec::new();
        self.log.replay_with(after, &mut |_, payload| {
            rows.push(FlowRow::decode(payload)?);
            Ok(())
        })?;
        Ok(rows)
    }

    /// Drops what Parquet now holds: deletes sealed segments whose rows all have sequence numbers
    /// `<= persisted`, and if that is true of the active segment too, starts a new one and deletes
    /// the old. Call only after the Parquet files are durable.
    pub fn checkpoint(&mut self, persisted: u64) -> Result<(), StoreError> {
        self.log.checkpoint(persisted)
    }
}

/// The write-ahead log of chain snapshot rows (see the module docs): the same files, framing and
/// rules as [`Wal`], another magic and its own sequence numbers.
#[derive(Debug)]
pub struct ChainWal {
    log: Log,
}

impl ChainWal {
    /// Opens (creating if needed) the log in `dir`, cutting off a torn tail. The next sequence
    /// number is one past the last logged one, and at least `min_next_seq` (and 1).
    pub fn open(dir: &Path, policy: FsyncPolicy, min_next_seq: u64) -> Result<Self, StoreError> {
        Ok(Self {
            log: Log::open(dir, policy, min_next_seq, &CHAIN_FORMAT)?,
        })
    }

    /// The sequence number the next appended row will get.
    pub fn next_seq(&self) -> u64 {
        self.log.next_seq()
    }

    /// Bytes currently in the log's segment files (headers included).
    pub fn bytes(&self) -> u64 {
        self.log.bytes()
    }

    /// Validates `row`, gives it the next sequence number and writes it to the active segment
    /// (see [`Wal::append`]).
    pub fn append(&mut self, row: &ChainRow, now: UnixNanos) -> Result<u64, StoreError> {
        row.validate()?;
        self.append_validated(row, now)
    }

    /// [`ChainWal::append`] for a row the caller has just validated.
    pub(crate) fn append_validated(
        &mut self,
        row: &ChainRow,
        now: UnixNanos,
    ) -> Result<u64, StoreError> {
        self.log.append_with(now, |seq, out| row.encode(seq, out))
    }

    /// Syncs if the `EveryMs` interval has passed (see [`Wal::sync_if_due`]).
    pub fn sync_if_due(&mut self, now: UnixNanos) -> Result<bool, StoreError> {
        self.log.sync_if_due(now)
    }

    /// `fsync`s the active segment now.
    pub fn sync(&mut self) -> Result<(), StoreError> {
        self.log.sync()
    }

    /// Every logged row with a sequence number above `after`, in order.
    pub fn replay(&self, after: u64) -> Result<Vec<StoredChainRow>, StoreError> {
        let mut rows = Vec::new();
        self.log.replay_with(after, &mut |_, payload| {
            rows.push(ChainRow::decode(payload)?);
            Ok(())
        })?;
        Ok(rows)
    }

    /// Drops what Parquet now holds (see [`Wal::checkpoint`]).
    pub fn checkpoint(&mut self, persisted: u64) -> Result<(), StoreError> {
        self.log.checkpoint(persisted)
    }
}
