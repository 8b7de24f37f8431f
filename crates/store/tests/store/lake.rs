//! Flush triggers, New York day partitioning, error paths of the lake.

use std::time::Duration;

use gammaflow_model::{OptionContract, Price, UnixNanos};
use gammaflow_store::{FsyncPolicy, Lake, LakeConfig, StoreError, day_dir, day_files, read_day};
use jiff::civil::date;

use crate::common::{OPEN_0609, SECOND, TempDir, assert_rows, row, row_at, utc};

fn config(max_rows: usize, max_age_secs: u64) -> LakeConfig {
    LakeConfig {
        max_rows,
        max_age: Duration::from_secs(max_age_secs),
        fsync: FsyncPolicy::Never,
        ..LakeConfig::default()
    }
}

#[test]
fn flushes_at_max_rows() {
    let dir = TempDir::new("maxrows");
    let mut lake = Lake::open(dir.path(), config(10, 3_600)).unwrap();
    let now = UnixNanos(OPEN_0609);
    for i in 0..9 {
        lake.append(&row(i), now).unwrap();
        assert_eq!(lake.poll(now).unwrap(), None, "row {i}");
    }
    lake.append(&row(9), now).unwrap();
    let report = lake.poll(now).unwrap().expect("10 rows flush");
    assert_eq!((report.rows, report.files.len()), (10, 1));
    assert_eq!(lake.buffered(), 0);
    assert_eq!(lake.poll(now).unwrap(), None, "nothing buffered");
}

#[test]
fn flushes_at_max_age_on_the_callers_clock() {
    let dir = TempDir::new("maxage");
    let mut lake = Lake::open(dir.path(), config(5_000, 60)).unwrap();
    let t0 = OPEN_0609;
    lake.append(&row(0), UnixNanos(t0)).unwrap();
    lake.append(&row(1), UnixNanos(t0 + 30 * SECOND)).unwrap();
    assert_eq!(lake.poll(UnixNanos(t0 + 59 * SECOND)).unwrap(), None);
    let report = lake
        .poll(UnixNanos(t0 + 60 * SECOND))
        .unwrap()
        .expect("aged out");
    assert_eq!(report.rows, 2);
    // The age restarts with the next row.
    lake.append(&row(2), UnixNanos(t0 + 61 * SECOND)).unwrap();
    assert_eq!(lake.poll(UnixNanos(t0 + 120 * SECOND)).unwrap(), None);
    assert!(lake.poll(UnixNanos(t0 + 121 * SECOND)).unwrap().is_some());
}

#[test]
fn days_follow_new_york_across_utc_midnight() {
    let dir = TempDir::new("nyday");
    let mut lake = Lake::open(dir.path(), config(5_000, 60)).unwrap();
    // 19:59 and 20:01 New York on June 9 (23:59 and 00:01 UTC): the same day.
    let before_utc_midnight = row_at(0, utc("2025-06-09T23:59:00Z"));
    let after_utc_midnight = row_at(1, utc("2025-06-10T00:01:00Z"));
    // 23:59:59.999999999 and 00:00 New York (03:59:59.999999999 and 04:00 UTC on June 10).
    let last_ns_of_day = row_at(2, utc("2025-06-10T03:59:59.999999999Z"));
    let next_day = row_at(3, utc("2025-06-10T04:00:00Z"));
    // A late print of June 9 after the first June 10 row: a third file, sequence order kept.
    let late = row_at(4, utc("2025-06-10T03:59:59Z"));
    let rows = [
        before_utc_midnight,
        after_utc_midnight,
        last_ns_of_day,
        next_day,
        late,
    ];
    for r in &rows {
        lake.append(r, r.ts_recv).unwrap();
    }
    let report = lake.flush().unwrap();
    assert_eq!(report.files.len(), 3);
    let june9 = day_files(dir.path(), date(2025, 6, 9)).unwrap();
    let ranges: Vec<_> = june9.iter().map(|f| (f.first_seq, f.last_seq)).collect();
    assert_eq!(ranges, vec![(1, 3), (5, 5)]);
    assert!(
        june9[0]
            .path
            .starts_with(day_dir(dir.path(), date(2025, 6, 9)))
    );
    let day9 = read_day(dir.path(), date(2025, 6, 9)).unwrap();
    assert_eq!(
        day9.iter().map(|r| r.seq).collect::<Vec<_>>(),
        vec![1, 2, 3, 5]
    );
    assert_rows(
        &read_day(dir.path(), date(2025, 6, 10)).unwrap(),
        &[next_day],
        4,
    );
    assert!(day_dir(dir.path(), date(2025, 6, 10)).ends_with("year=2025/month=06/day=10"));
}

#[test]
fn a_file_as_root_is_a_clear_error() {
    let dir = TempDir::new("badroot");
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    match Lake::open(&file, LakeConfig::default()) {
        Err(StoreError::BadRoot { path, reason }) => {
            assert_eq!(path, file);
            assert!(reason.contains("not a directory"), "{reason}");
        }
        other => panic!("expected BadRoot, got {other:?}"),
    }
    let below = file.join("lake");
    let err = Lake::open(&below, LakeConfig::default()).unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("not-a-dir"), "{err}");
}

#[test]
fn a_second_writer_is_refused() {
    let dir = TempDir::new("lock");
    let lake = Lake::open(dir.path(), LakeConfig::default()).unwrap();
    let err = Lake::open(dir.path(), LakeConfig::default()).unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err:?}");
    drop(lake);
    Lake::open(dir.path(), LakeConfig::default()).unwrap();
}

#[test]
fn an_unwritable_row_is_refused_without_using_a_sequence_number() {
    let dir = TempDir::new("badrow");
    let mut lake = Lake::open(dir.path(), LakeConfig::default()).unwrap();
    let mut bad = row(0);
    // A strike of 0.0000001 has no 8-digit OCC field.
    bad.contract = OptionContract::new(
        bad.contract.root,
        bad.contract.expiry,
        bad.contract.right,
        Price::from_raw(100),
    );
    let err = lake.append(&bad, bad.ts_recv).unwrap_err();
    assert!(matches!(err, StoreError::InvalidRow { .. }), "{err:?}");
    assert_eq!(lake.append(&row(1), row(1).ts_recv).unwrap(), 1);
}

#[test]
fn a_failed_flush_keeps_the_rows_for_the_next_attempt() {
    let dir = TempDir::new("ioerror");
    let mut lake = Lake::open(dir.path(), LakeConfig::default()).unwrap();
    let rows: Vec<_> = (0..20).map(row).collect();
    for r in &rows {
        lake.append(r, r.ts_recv).unwrap();
    }
    // A file where the year directory should be makes the flush fail.
    let blocker = dir.path().join("raw/flow/year=2025");
    std::fs::write(&blocker, b"in the way").unwrap();
    let err = lake.flush().unwrap_err();
    assert!(err.to_string().contains("year=2025"), "{err}");
    assert_eq!(lake.buffered(), 20);
    std::fs::remove_file(&blocker).unwrap();
    assert_eq!(lake.flush().unwrap().rows, 20);
    drop(lake);
    let lake = Lake::open(dir.path(), LakeConfig::default()).unwrap();
    assert_eq!(lake.recovered_rows(), 0);
    assert_rows(&read_day(dir.path(), date(2025, 6, 9)).unwrap(), &rows, 1);
}

#[test]
fn an_unusable_configuration_is_refused_before_anything_is_written() {
    let dir = TempDir::new("config");
    for config in [
        LakeConfig {
            max_rows: 0,
            ..LakeConfig::default()
        },
        LakeConfig {
            zstd_level: 99,
            ..LakeConfig::default()
        },
    ] {
        let err = Lake::open(dir.path(), config).unwrap_err();
        assert!(matches!(err, StoreError::Config { .. }), "{err:?}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
