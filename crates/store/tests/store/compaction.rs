//! Compaction keeps every row exactly once, in sequence order, even when interrupted.

use std::time::Duration;

use gammaflow_model::UnixNanos;
use gammaflow_store::{
    CompactConfig, FsyncPolicy, Lake, LakeConfig, compact_day, day_files, read_day,
};
use jiff::civil::date;

use crate::common::{OPEN_0609, TempDir, assert_rows, row};

/// A lake with `parts` flushes of 50 rows on 2025-06-09; returns the rows.
fn lake_with_parts(dir: &TempDir, parts: u64) -> Vec<gammaflow_store::FlowRow> {
    let config = LakeConfig {
        max_rows: 50,
        max_age: Duration::from_secs(3_600),
        fsync: FsyncPolicy::Never,
        ..LakeConfig::default()
    };
    let mut lake = Lake::open(dir.path(), config).unwrap();
    let rows: Vec<_> = (0..parts * 50).map(row).collect();
    for r in &rows {
        lake.append(r, UnixNanos(OPEN_0609)).unwrap();
        lake.poll(UnixNanos(OPEN_0609)).unwrap();
    }
    assert_eq!(lake.buffered(), 0);
    rows
}

#[test]
fn compaction_merges_parts_and_keeps_every_row_once() {
    let dir = TempDir::new("compact");
    let rows = lake_with_parts(&dir, 6);
    let day = date(2025, 6, 9);
    assert_eq!(day_files(dir.path(), day).unwrap().len(), 6);
    let config = CompactConfig {
        row_group_rows: 128,
        ..CompactConfig::default()
    };
    let report = compact_day(dir.path(), day, &config).unwrap();
    assert_eq!(
        (report.inputs, report.outputs.len(), report.rows),
        (6, 1, 300)
    );
    let files = day_files(dir.path(), day).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!((files[0].first_seq, files[0].last_seq), (1, 300));
    assert_eq!(
        std::fs::read_dir(files[0].path.parent().unwrap())
            .unwrap()
            .count(),
        1,
        "inputs removed"
    );
    assert_rows(&read_day(dir.path(), day).unwrap(), &rows, 1);
    // Nothing left to do the second time.
    let again = compact_day(dir.path(), day, &config).unwrap();
    assert_eq!((again.inputs, again.outputs.len()), (0, 0));
}

#[test]
fn compaction_respects_the_target_size() {
    let dir = TempDir::new("compacttarget");
    let rows = lake_with_parts(&dir, 6);
    let day = date(2025, 6, 9);
    let part_bytes = day_files(dir.path(), day).unwrap()[0].bytes;
    // Room for two (but not three) parts per output.
    let config = CompactConfig {
        target_bytes: part_bytes * 2 + part_bytes / 2,
        ..CompactConfig::default()
    };
    let report = compact_day(dir.path(), day, &config).unwrap();
    assert_eq!(report.outputs.len(), 3);
    let ranges: Vec<_> = day_files(dir.path(), day)
        .unwrap()
        .iter()
        .map(|f| (f.first_seq, f.last_seq))
        .collect();
    assert_eq!(ranges, vec![(1, 100), (101, 200), (201, 300)]);
    assert_rows(&read_day(dir.path(), day).unwrap(), &rows, 1);
}

#[test]
fn an_interrupted_compaction_shows_no_duplicates_and_is_cleaned_up() {
    let dir = TempDir::new("compactcrash");
    let rows = lake_with_parts(&dir, 4);
    let day = date(2025, 6, 9);
    let parts = day_files(dir.path(), day).unwrap();
    let saved: Vec<_> = parts
        .iter()
        .map(|f| (f.path.clone(), std::fs::read(&f.path).unwrap()))
        .collect();
    compact_day(dir.path(), day, &CompactConfig::default()).unwrap();
    // The crash: the merged file was renamed into place but the inputs were not yet removed.
    for (path, bytes) in &saved {
        std::fs::write(path, bytes).unwrap();
    }
    assert_eq!(
        day_files(dir.path(), day).unwrap().len(),
        1,
        "covered parts are hidden"
    );
    assert_rows(&read_day(dir.path(), day).unwrap(), &rows, 1);
    let report = compact_day(dir.path(), day, &CompactConfig::default()).unwrap();
    assert_eq!(report.leftovers_removed, 4);
    assert_eq!(
        std::fs::read_dir(parts[0].path.parent().unwrap())
            .unwrap()
            .count(),
        1
    );
    assert_rows(&read_day(dir.path(), day).unwrap(), &rows, 1);
}

#[test]
fn the_lake_keeps_numbering_after_compaction() {
    let dir = TempDir::new("compactreopen");
    let rows = lake_with_parts(&dir, 3);
    let day = date(2025, 6, 9);
    compact_day(dir.path(), day, &CompactConfig::default()).unwrap();
    let mut lake = Lake::open(dir.path(), LakeConfig::default()).unwrap();
    assert_eq!(lake.recovered_rows(), 0);
    assert_eq!(lake.append(&row(150), row(150).ts_recv).unwrap(), 151);
    lake.flush().unwrap();
    let all = read_day(dir.path(), day).unwrap();
    assert_rows(&all[..150], &rows, 1);
    assert_eq!(all.len(), 151);
}
