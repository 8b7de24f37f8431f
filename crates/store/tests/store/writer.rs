//! The writer thread: rows through the channel end up in the lake; counters add up.

use std::time::Duration;

use gammaflow_model::UnixNanos;
use gammaflow_store::{FsyncPolicy, Lake, LakeConfig, LakeWriter, StoreError, read_day};
use jiff::civil::date;

use crate::common::{OPEN_0609, SECOND, TempDir, assert_rows, row, row_at};

#[test]
fn rows_sent_are_persisted_on_close() {
    let dir = TempDir::new("writer");
    let config = LakeConfig {
        max_rows: 300,
        fsync: FsyncPolicy::Never,
        ..LakeConfig::default()
    };
    let lake = Lake::open(dir.path(), config).unwrap();
    let (writer, sender) = LakeWriter::spawn(lake, 16).unwrap();
    let rows: Vec<_> = (0..1_000).map(row).collect();
    let producer = {
        let sender = sender.clone();
        let rows = rows.clone();
        std::thread::spawn(move || {
            for r in rows {
                sender.send(r).unwrap();
            }
        })
    };
    producer.join().unwrap();
    writer.flush().unwrap();
    let stats = writer.stats();
    assert_eq!(
        (stats.rows_accepted, stats.rows_persisted, stats.lag()),
        (1_000, 1_000, 0)
    );
    assert_eq!(stats.files, 4, "three at 300 rows, the rest on flush");
    assert_eq!(stats.errors, 0);
    let stats = writer.close().unwrap();
    assert_eq!(stats.rows_persisted, 1_000);
    assert_eq!(stats.wal_bytes, 8, "checkpointed: an empty segment");
    assert_rows(&read_day(dir.path(), date(2025, 6, 9)).unwrap(), &rows, 1);
    assert!(matches!(sender.send(row(0)), Err(StoreError::WriterClosed)));
}

#[test]
fn age_flushes_follow_the_rows_clock_and_ticks() {
    let dir = TempDir::new("writerage");
    let config = LakeConfig {
        max_age: Duration::from_secs(1),
        fsync: FsyncPolicy::EveryMs(100),
        ..LakeConfig::default()
    };
    let lake = Lake::open(dir.path(), config).unwrap();
    let (writer, sender) = LakeWriter::spawn(lake, 4).unwrap();
    // Row 1 at t0; row 2 at t0+2s makes the buffer 2 s old: one file with both.
    // Row 3 at t0+4s; the tick at t0+6s ages it out: a second file. Row 4 goes out on close.
    sender.send(row_at(0, UnixNanos(OPEN_0609))).unwrap();
    sender
        .send(row_at(1, UnixNanos(OPEN_0609 + 2 * SECOND)))
        .unwrap();
    sender
        .send(row_at(2, UnixNanos(OPEN_0609 + 4 * SECOND)))
        .unwrap();
    sender.tick(UnixNanos(OPEN_0609 + 6 * SECOND)).unwrap();
    sender
        .send(row_at(3, UnixNanos(OPEN_0609 + 6 * SECOND)))
        .unwrap();
    let stats = writer.close().unwrap();
    assert_eq!((stats.files, stats.rows_persisted), (3, 4));
    assert_eq!(read_day(dir.path(), date(2025, 6, 9)).unwrap().len(), 4);
}
