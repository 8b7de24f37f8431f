//! The writer thread: the engine hands rows to a bounded channel and never touches the disk.
//!
//! [`LakeWriter::spawn`] moves a [`Lake`] to a thread fed by `std::sync::mpsc::sync_channel`.
//! [`LakeSender::send`] returns as soon as the row is in the channel; it blocks only while the
//! channel is full (`capacity` rows waiting), i.e. when the disk cannot keep up, which is the
//! back-pressure the engine should see rather than unbounded memory.
//!
//! Time: the thread never reads a clock. A row's `ts_recv` is its "now" (for the flush age and
//! the WAL fsync interval), and [`LakeSender::tick`] advances it when no rows arrive, so a quiet
//! market still flushes. A row the WAL refuses (an I/O error) is kept in memory and retried
//! before the next row; errors are counted and the last one is kept in [`WriterStats`].
//!
//! Chain snapshots go through the same thread and channel ([`LakeSender::send_chain`], one message
//! per snapshot), the same retry queue (in order with the prints) and the same flush policy; a
//! snapshot's `ts` is its "now".
//!
//! Counters: `rows_accepted` counts rows handed to the channel; `rows_logged` those whose WAL
//! append has returned (written to the operating system: they survive `kill -9` of the process and
//! are written to Parquet at the next open); `rows_persisted` those in a visible Parquet file.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use gammaflow_model::UnixNanos;

use crate::StoreError;
use crate::chain_row::ChainRow;
use crate::lake::Lake;
use crate::row::FlowRow;

/// A message to the writer thread.
enum Msg {
    Row(FlowRow),
    Chain(Vec<ChainRow>),
    Tick(UnixNanos),
    Flush(SyncSender<Result<(), StoreError>>),
    Close,
}

/// Shared counters.
#[derive(Debug, Default)]
struct Counters {
    accepted: AtomicU64,
    logged: AtomicU64,
    persisted: AtomicU64,
    files: AtomicU64,
    wal_bytes: AtomicU64,
    chain_accepted: AtomicU64,
    chain_logged: AtomicU64,
    chain_persisted: AtomicU64,
    chain_files: AtomicU64,
    chain_wal_bytes: AtomicU64,
    errors: AtomicU64,
    last_error: Mutex<Option<String>>,
}

/// A snapshot of the writer's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Flow rows handed to the channel.
    pub rows_accepted: u64,
    /// Flow rows whose WAL append has returned `Ok` since the thread started: written to the
    /// operating system, so they survive a `kill -9` of the process (see [`crate::wal`]).
    pub rows_logged: u64,
    /// Flow rows written to Parquet (including rows recovered from the WAL at open).
    pub rows_persisted: u64,
    /// Flow Parquet files written.
    pub files: u64,
    /// Bytes in the flow WAL segments, as of the thread's last step.
    pub wal_bytes: u64,
    /// Chain snapshot rows handed to the channel.
    pub chain_rows_accepted: u64,
    /// Chain rows whose chain WAL append has returned `Ok` since the thread started.
    pub chain_rows_logged: u64,
    /// Chain rows written to Parquet (including rows recovered from the chain WAL at open).
    pub chain_rows_persisted: u64,
    /// Chain Parquet files written.
    pub chain_files: u64,
    /// Bytes in the chain WAL segments, as of the thread's last step.
    pub chain_wal_bytes: u64,
    /// Errors met by the thread (each also returned by the next `flush`/`close`).
    pub errors: u64,
    /// The most recent error's text.
    pub last_error: Option<String>,
}

impl WriterStats {
    /// Flow rows accepted but not yet in Parquet (in the channel, the retry queue or the buffer).
    pub fn lag(&self) -> u64 {
        self.rows_accepted.saturating_sub(self.rows_persisted)
    }

    /// Chain rows accepted but not yet in Parquet.
    pub fn chain_lag(&self) -> u64 {
        self.chain_rows_accepted
            .saturating_sub(self.chain_rows_persisted)
    }
}

/// The engine's end: cheap to clone, one per producer.
#[derive(Debug, Clone)]
pub struct LakeSender {
    tx: SyncSender<Msg>,
    counters: Arc<Counters>,
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Row(_) => "Row",
            Self::Chain(_) => "Chain",
            Self::Tick(_) => "Tick",
            Self::Flush(_) => "Flush",
            Self::Close => "Close",
        })
    }
}

impl LakeSender {
    /// Queues a row (blocks only while the channel is full). Errors only if the thread is gone.
    pub fn send(&self, row: FlowRow) -> Result<(), StoreError> {
        self.tx
            .send(Msg::Row(row))
            .map_err(|_| StoreError::WriterClosed)?;
        self.counters.accepted.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Queues one chain snapshot's rows as one message (blocks only while the channel is full).
    /// Errors only if the thread is gone; an empty snapshot sends nothing.
    pub fn send_chain(&self, rows: Vec<ChainRow>) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let n = rows.len() as u64;
        self.tx
            .send(Msg::Chain(rows))
            .map_err(|_| StoreError::WriterClosed)?;
        self.counters.chain_accepted.fetch_add(n, Ordering::Relaxed);
        Ok(())
    }

    /// Advances the writer's clock to `now` (caller's clock, ns) so age-based flushing happens
    /// without new rows.
    pub fn tick(&self, now: UnixNanos) -> Result<(), StoreError> {
        self.tx
            .send(Msg::Tick(now))
            .map_err(|_| StoreError::WriterClosed)
    }
}

/// The owner's end: flush, stats, close. Call [`LakeWriter::close`]: if the handle is merely
/// dropped, the thread runs until every [`LakeSender`] is dropped too, then flushes and exits, and
/// an error of that last flush is only visible in the WAL (the rows are recovered at the next open).
#[derive(Debug)]
pub struct LakeWriter {
    tx: SyncSender<Msg>,
    counters: Arc<Counters>,
    thread: JoinHandle<Result<(), StoreError>>,
}

impl LakeWriter {
    /// Moves `lake` to a new thread fed by a channel of `capacity` messages (at least 1; a print
    /// is one message, a chain snapshot another).
    pub fn spawn(lake: Lake, capacity: usize) -> Result<(LakeWriter, LakeSender), StoreError> {
        let root = lake.root().to_path_buf();
        let (tx, rx) = sync_channel(capacity.max(1));
        let counters = Arc::new(Counters::default());
        let thread_counters = Arc::clone(&counters);
        let thread = std::thread::Builder::new()
            .name("gammaflow-lake".to_owned())
            .spawn(move || run(lake, &rx, &thread_counters))
            .map_err(StoreError::io("spawn writer thread for", root))?;
        let sender = LakeSender {
            tx: tx.clone(),
            counters: Arc::clone(&counters),
        };
        Ok((
            LakeWriter {
                tx,
                counters,
                thread,
            },
            sender,
        ))
    }

    /// Writes every row sent before this call to Parquet and waits for it; returns the first
    /// error met since the last flush, if any.
    pub fn flush(&self) -> Result<(), StoreError> {
        let (reply, answer) = sync_channel(1);
        self.tx
            .send(Msg::Flush(reply))
            .map_err(|_| StoreError::WriterClosed)?;
        answer.recv().map_err(|_| StoreError::WriterClosed)?
    }

    /// The counters now.
    pub fn stats(&self) -> WriterStats {
        snapshot(&self.counters)
    }

    /// Flushes, stops the thread and waits for it; returns the final counters. Rows still sent
    /// by a [`LakeSender`] after this are refused with [`StoreError::WriterClosed`].
    pub fn close(self) -> Result<WriterStats, StoreError> {
        // If the thread is already gone, joining tells why.
        let _ = self.tx.send(Msg::Close);
        let result = self.thread.join().map_err(|_| StoreError::WriterPanicked)?;
        result.map(|()| snapshot(&self.counters))
    }
}

fn snapshot(c: &Counters) -> WriterStats {
    WriterStats {
        rows_accepted: c.accepted.load(Ordering::Relaxed),
        rows_logged: c.logged.load(Ordering::Relaxed),
        rows_persisted: c.persisted.load(Ordering::Relaxed),
        files: c.files.load(Ordering::Relaxed),
        wal_bytes: c.wal_bytes.load(Ordering::Relaxed),
        chain_rows_accepted: c.chain_accepted.load(Ordering::Relaxed),
        chain_rows_logged: c.chain_logged.load(Ordering::Relaxed),
        chain_rows_persisted: c.chain_persisted.load(Ordering::Relaxed),
        chain_files: c.chain_files.load(Ordering::Relaxed),
        chain_wal_bytes: c.chain_wal_bytes.load(Ordering::Relaxed),
        errors: c.errors.load(Ordering::Relaxed),
        last_error: c.last_error.lock().map(|e| e.clone()).unwrap_or(None),
    }
}

/// A row waiting for its WAL append.
enum Item {
    Flow(FlowRow),
    Chain(ChainRow),
}

/// The thread's state besides the lake.
struct Worker<'a> {
    counters: &'a Counters,
    /// Rows received and not yet logged (the WAL refused them, or they just arrived), appended in
    /// order before any newer row.
    retry: VecDeque<Item>,
    /// The caller's clock as last seen.
    now: UnixNanos,
    /// The first error since the last flush reply.
    pending_error: Option<StoreError>,
}

impl Worker<'_> {
    fn note(&mut self, result: Result<(), StoreError>) {
        if let Err(e) = result {
            self.counters.errors.fetch_add(1, Ordering::Relaxed);
            if let Ok(mut last) = self.counters.last_error.lock() {
                *last = Some(e.to_string());
            }
            self.pending_error.get_or_insert(e);
        }
    }

    /// Appends queued rows until one fails.
    fn drain_retry(&mut self, lake: &mut Lake) -> Result<(), StoreError> {
        while let Some(item) = self.retry.front() {
            match item {
                Item::Flow(row) => {
                    lake.append(row, self.now.max(row.ts_recv))?;
                    self.counters.logged.fetch_add(1, Ordering::Relaxed);
                }
                Item::Chain(row) => {
                    lake.append_chain(row, self.now.max(row.ts))?;
                    self.counters.chain_logged.fetch_add(1, Ordering::Relaxed);
                }
            }
            self.retry.pop_front();
        }
        Ok(())
    }

    fn publish(&self, lake: &Lake) {
        self.counters
            .persisted
            .store(lake.rows_persisted(), Ordering::Relaxed);
        self.counters
            .files
            .store(lake.files_written(), Ordering::Relaxed);
        self.counters
            .wal_bytes
            .store(lake.wal_bytes(), Ordering::Relaxed);
        self.counters
            .chain_persisted
            .store(lake.chain_rows_persisted(), Ordering::Relaxed);
        self.counters
            .chain_files
            .store(lake.chain_files_written(), Ordering::Relaxed);
        self.counters
            .chain_wal_bytes
            .store(lake.chain_wal_bytes(), Ordering::Relaxed);
    }

    /// Retry queue, then a full flush; the first error since the last call.
    fn flush_all(&mut self, lake: &mut Lake) -> Result<(), StoreError> {
        let result = self
            .drain_retry(lake)
            .and_then(|()| lake.flush().map(|_| ()));
        self.note(result);
        self.publish(lake);
        self.pending_error.take().map_or(Ok(()), Err)
    }
}

/// The thread body.
fn run(mut lake: Lake, rx: &Receiver<Msg>, counters: &Counters) -> Result<(), StoreError> {
    let mut w = Worker {
        counters,
        retry: VecDeque::new(),
        now: UnixNanos(0),
        pending_error: None,
    };
    w.publish(&lake);
    // The loop ends on `Close` or when every sender is gone; both flush.
    while let Ok(msg) = rx.recv() {
        match msg {
            Msg::Row(row) => {
                w.now = w.now.max(row.ts_recv);
                w.retry.push_back(Item::Flow(row));
            }
            Msg::Chain(rows) => {
                for row in rows {
                    w.now = w.now.max(row.ts);
                    w.retry.push_back(Item::Chain(row));
                }
            }
            Msg::Tick(now) => w.now = w.now.max(now),
            Msg::Flush(reply) => {
                let result = w.flush_all(&mut lake);
                // The caller may have stopped waiting; nothing to do then.
                let _ = reply.send(result);
                continue;
            }
            Msg::Close => break,
        }
        let result = w
            .drain_retry(&mut lake)
            .and_then(|()| lake.poll(w.now).map(|_| ()));
        w.note(result);
        w.publish(&lake);
    }
    let result = w.flush_all(&mut lake);
    let synced = lake.sync_wal();
    result.and(synced)
}
