//! Crash recovery: every accepted row ends up in the lake exactly once, whatever point the
//! process died at.

use std::time::Duration;

use gammaflow_store::{FsyncPolicy, Lake, LakeConfig, day_dir, read_day};
use jiff::civil::date;

use crate::common::{TempDir, assert_rows, row, wal_segments};

fn config() -> LakeConfig {
    LakeConfig {
        max_rows: 1_000_000,
        max_age: Duration::from_secs(3_600),
        fsync: FsyncPolicy::EveryMs(1_000),
        ..LakeConfig::default()
    }
}

#[test]
fn rows_only_in_the_wal_are_written_at_open() {
    let dir = TempDir::new("recover");
    let rows: Vec<_> = (0..25).map(row).collect();
    let mut lake = Lake::open(dir.path(), config()).unwrap();
    for r in &rows[..10] {
        lake.append(r, r.ts_recv).unwrap();
    }
    lake.flush().unwrap();
    for r in &rows[10..] {
        lake.append(r, r.ts_recv).unwrap();
    }
    // A kill: no flush, no shutdown (the lake has no Drop behaviour).
    drop(lake);
    assert_rows(
        &read_day(dir.path(), date(2025, 6, 9)).unwrap(),
        &rows[..10],
        1,
    );

    let mut lake = Lake::open(dir.path(), config()).unwrap();
    assert_eq!(lake.recovered_rows(), 15);
    assert_eq!(lake.persisted_seq(), 25);
    assert_rows(&read_day(dir.path(), date(2025, 6, 9)).unwrap(), &rows, 1);
    // Numbering continues after the recovered rows.
    assert_eq!(lake.append(&row(25), row(25).ts_recv).unwrap(), 26);
    drop(lake);

    let lake = Lake::open(dir.path(), config()).unwrap();
    assert_eq!(lake.recovered_rows(), 1);
    drop(lake);
    let lake = Lake::open(dir.path(), config()).unwrap();
    assert_eq!(lake.recovered_rows(), 0, "recovery is not repeated");
    assert_eq!(read_day(dir.path(), date(2025, 6, 9)).unwrap().len(), 26);
}

#[test]
fn a_crash_between_parquet_and_checkpoint_writes_nothing_twice() {
    let dir = TempDir::new("nocheckpoint");
    let rows: Vec<_> = (0..12).map(row).collect();
    let mut lake = Lake::open(dir.path(), config()).unwrap();
    for r in &rows {
        lake.append(r, r.ts_recv).unwrap();
    }
    lake.sync_wal().unwrap();
    // Keep the WAL as it was before the flush's checkpoint...
    let segments = wal_segments(dir.path());
    let saved: Vec<_> = segments
        .iter()
        .map(|p| (p.clone(), std::fs::read(p).unwrap()))
        .collect();
    lake.flush().unwrap();
    drop(lake);
    // ...and put it back, as if the process died right after the rename.
    for p in wal_segments(dir.path()) {
        std::fs::remove_file(p).unwrap();
    }
    for (p, bytes) in &saved {
        std::fs::write(p, bytes).unwrap();
    }
    let mut lake = Lake::open(dir.path(), config()).unwrap();
    assert_eq!(lake.recovered_rows(), 0);
    assert_eq!(lake.append(&row(12), row(12).ts_recv).unwrap(), 13);
    assert_rows(&read_day(dir.path(), date(2025, 6, 9)).unwrap(), &rows, 1);
}

#[test]
fn a_half_written_tmp_file_is_ignored_and_removed() {
    let dir = TempDir::new("tmpfile");
    let rows: Vec<_> = (0..5).map(row).collect();
    let mut lake = Lake::open(dir.path(), config()).unwrap();
    for r in &rows {
        lake.append(r, r.ts_recv).unwrap();
    }
    drop(lake);
    // The flush died while writing: a tmp file with half a Parquet file in it.
    let day = day_dir(dir.path(), date(2025, 6, 9));
    std::fs::create_dir_all(&day).unwrap();
    let tmp = day.join("part-000000000001-000000000005.parquet.tmp");
    std::fs::write(&tmp, b"PAR1 half a file").unwrap();
    assert!(
        read_day(dir.path(), date(2025, 6, 9)).unwrap().is_empty(),
        "readers skip *.tmp"
    );

    let lake = Lake::open(dir.path(), config()).unwrap();
    assert!(!tmp.exists());
    assert_eq!(lake.recovered_rows(), 5);
    assert_rows(&read_day(dir.path(), date(2025, 6, 9)).unwrap(), &rows, 1);
}
