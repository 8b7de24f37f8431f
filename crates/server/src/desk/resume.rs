//! Exactly-once across restarts: which prints of a replayed day are already in the lake.
//!
//! When the desk restarts on a deterministic source (the simulator with the same seed and date, a
//! Databento replay), the source starts the day again from its first event. The engine must see
//! every event again (its state is rebuilt exactly), but the prints the lake already holds must
//! not be written twice. On the first print of each New York day the filter reads that day's
//! rows from the lake (after [`gammaflow_store::Lake::open`] has recovered the write-ahead log
//! into Parquet): how many rows the day holds (`K`) and their largest receive time (the
//! *watermark*). The day's first `K` prints are skipped (counted in `lake_rows_skipped`) as long
//! as they were received at or before the watermark; every later print is written. The lake is a
//! prefix of the day's prints in arrival order (the WAL appends in order, and a crash loses only
//! the rows still queued for it, which are the newest), so this writes exactly the missing tail.
//!
//! Chain snapshots are keyed by their minute: a snapshot of a minute at or before the day's last
//! stored snapshot minute is skipped.
//!
//! For a live source the watermark lies in the past, so nothing is skipped. A replay in a
//! different order, or a different seed on the same date, is not detected: the rule assumes the
//! restarted source delivers the same prints in the same order, which is what the deterministic
//! sources guarantee.

use std::path::PathBuf;

use gammaflow_model::UnixNanos;
use gammaflow_store::{StoreError, read_chain_day, read_day};
use jiff::civil::Date;

/// See the module docs.
#[derive(Debug)]
pub struct ResumeFilter {
    root: PathBuf,
    day: Option<Date>,
    /// `(largest receive time, rows)` of `day` in the lake.
    watermark: Option<(UnixNanos, u64)>,
    /// Prints of `day` seen so far.
    seen: u64,
    /// The day of `chain_mark`.
    chain_day: Option<Date>,
    /// The last snapshot minute of `chain_day` in the lake.
    chain_mark: Option<UnixNanos>,
}

impl ResumeFilter {
    /// A filter over the lake at `root`.
    pub fn new(root: PathBuf) -> Self {
        Self {
            root,
            day: None,
            watermark: None,
            seen: 0,
            chain_day: None,
            chain_mark: None,
        }
    }

    /// Whether the print of New York day `day` received at `ts_recv` is already in the lake.
    pub fn already_stored(&mut self, day: Date, ts_recv: UnixNanos) -> Result<bool, StoreError> {
        if self.day != Some(day) {
            self.day = Some(day);
            self.seen = 0;
            self.watermark = watermark(&self.root, day)?;
        }
        self.seen += 1;
        Ok(self
            .watermark
            .is_some_and(|(mark, rows)| self.seen <= rows && ts_recv <= mark))
    }
}

impl ResumeFilter {
    /// Whether the chain snapshot of New York day `day` at `minute` is already in the lake.
    pub fn snapshot_stored(&mut self, day: Date, minute: UnixNanos) -> Result<bool, StoreError> {
        if self.chain_day != Some(day) {
            self.chain_day = Some(day);
            self.chain_mark = read_chain_day(&self.root, day)?
                .iter()
                .map(|r| r.row.ts)
                .max();
        }
        Ok(self.chain_mark.is_some_and(|mark| minute <= mark))
    }
}

/// The largest receive time of `day`'s rows in the lake and how many rows it holds.
fn watermark(root: &std::path::Path, day: Date) -> Result<Option<(UnixNanos, u64)>, StoreError> {
    let rows = read_day(root, day)?;
    let Some(max) = rows.iter().map(|r| r.row.ts_recv).max() else {
        return Ok(None);
    };
    Ok(Some((max, rows.len() as u64)))
}
