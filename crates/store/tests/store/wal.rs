//! The write-ahead log: torn tails, corruption, replay and checkpoints.

use std::io::Write;

use gammaflow_model::UnixNanos;
use gammaflow_store::{FsyncPolicy, Lake, LakeConfig, StoreError, Wal, read_day};
use jiff::civil::date;

use crate::common::{OPEN_0609, TempDir, assert_rows, row, wal_segments};

/// Byte offsets of the records in a segment (after the 8-byte header).
fn record_offsets(bytes: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut off = 8;
    while off + 8 <= bytes.len() {
        out.push(off);
        let len = u32::from_le_bytes(bytes[off..off + 4].try_into().unwrap()) as usize;
        off += 8 + len;
    }
    out
}

/// A lake with `n` rows only in its WAL, and the one segment's path.
fn lake_with_wal_rows(dir: &TempDir, n: u64) -> std::path::PathBuf {
    let mut lake = Lake::open(dir.path(), LakeConfig::default()).unwrap();
    for i in 0..n {
        lake.append(&row(i), row(i).ts_recv).unwrap();
    }
    drop(lake);
    let segments = wal_segments(dir.path());
    assert_eq!(segments.len(), 1);
    segments[0].clone()
}

#[test]
fn a_torn_final_record_is_cut_off() {
    let dir = TempDir::new("torn");
    let segment = lake_with_wal_rows(&dir, 5);
    let bytes = std::fs::read(&segment).unwrap();
    std::fs::write(&segment, &bytes[..bytes.len() - 3]).unwrap();
    let mut lake = Lake::open(dir.path(), LakeConfig::default()).unwrap();
    assert_eq!(lake.recovered_rows(), 4);
    let rows: Vec<_> = (0..4).map(row).collect();
    assert_rows(&read_day(dir.path(), date(2025, 6, 9)).unwrap(), &rows, 1);
    assert_eq!(
        lake.append(&row(4), row(4).ts_recv).unwrap(),
        5,
        "the torn number is reused"
    );
}

#[test]
fn a_torn_header_or_zero_tail_is_cut_off() {
    let dir = TempDir::new("tornhead");
    let segment = lake_with_wal_rows(&dir, 3);
    // Half a record header, then (another crash) a zero-filled block.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&segment)
        .unwrap();
    f.write_all(&[40, 0, 0]).unwrap();
    drop(f);
    let lake = Lake::open(dir.path(), LakeConfig::default()).unwrap();
    assert_eq!(lake.recovered_rows(), 3);
    drop(lake);
    let segment = wal_segments(dir.path()).pop().unwrap();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&segment)
        .unwrap();
    f.write_all(&[0u8; 4096]).unwrap();
    drop(f);
    let lake = Lake::open(dir.path(), LakeConfig::default()).unwrap();
    assert_eq!(lake.recovered_rows(), 0);
    assert_eq!(read_day(dir.path(), date(2025, 6, 9)).unwrap().len(), 3);
}

#[test]
fn a_corrupt_record_in_the_middle_names_file_and_offset() {
    let dir = TempDir::new("corrupt");
    let segment = lake_with_wal_rows(&dir, 5);
    let mut bytes = std::fs::read(&segment).unwrap();
    let offsets = record_offsets(&bytes);
    assert_eq!(offsets.len(), 5);
    bytes[offsets[2] + 20] ^= 0x40;
    std::fs::write(&segment, &bytes).unwrap();
    match Lake::open(dir.path(), LakeConfig::default()) {
        Err(StoreError::WalCorrupt {
            path,
            offset,
            reason,
        }) => {
            assert_eq!(path, segment);
            assert_eq!(offset, offsets[2] as u64);
            assert!(reason.contains("CRC mismatch"), "{reason}");
        }
        other => panic!("expected WalCorrupt, got {other:?}"),
    }
    // The log is left as it was, for inspection.
    assert_eq!(std::fs::read(&segment).unwrap(), bytes);
    let text = Lake::open(dir.path(), LakeConfig::default())
        .unwrap_err()
        .to_string();
    assert!(text.contains(&format!("at byte {}", offsets[2])), "{text}");
}

#[test]
fn a_damaged_length_in_the_middle_is_corruption_not_a_tail() {
    let dir = TempDir::new("badlen");
    let segment = lake_with_wal_rows(&dir, 4);
    let mut bytes = std::fs::read(&segment).unwrap();
    let offsets = record_offsets(&bytes);
    bytes[offsets[1] + 3] = 0x7f;
    std::fs::write(&segment, &bytes).unwrap();
    let err = Lake::open(dir.path(), LakeConfig::default()).unwrap_err();
    assert!(
        matches!(&err, StoreError::WalCorrupt { offset, .. } if *offset == offsets[1] as u64),
        "{err:?}"
    );
}

#[test]
fn replay_and_checkpoint() {
    let dir = TempDir::new("walapi");
    let wal_dir = dir.path().join("wal");
    let mut wal = Wal::open(&wal_dir, FsyncPolicy::Always, 1).unwrap();
    let empty = wal.bytes();
    assert_eq!(empty, 8);
    for i in 0..3 {
        assert_eq!(wal.append(&row(i), UnixNanos(OPEN_0609)).unwrap(), i + 1);
    }
    assert_eq!(
        wal.replay(1)
            .unwrap()
            .iter()
            .map(|r| r.seq)
            .collect::<Vec<_>>(),
        vec![2, 3]
    );
    wal.checkpoint(2).unwrap();
    assert_eq!(
        wal.replay(0).unwrap().len(),
        3,
        "a partly persisted segment stays"
    );
    wal.checkpoint(3).unwrap();
    assert!(wal.replay(0).unwrap().is_empty());
    assert_eq!(wal.bytes(), empty);
    assert_eq!(wal_segments(dir.path()).len(), 1);
    drop(wal);
    // Numbering survives the checkpoint through the caller's floor.
    let mut wal = Wal::open(&wal_dir, FsyncPolicy::Never, 4).unwrap();
    assert_eq!(wal.append(&row(3), UnixNanos(OPEN_0609)).unwrap(), 4);
    let rows = wal.replay(0).unwrap();
    assert_rows(&rows, &[row(3)], 4);
}

#[test]
fn every_ms_syncs_on_the_callers_clock() {
    let dir = TempDir::new("everyms");
    let mut wal = Wal::open(&dir.path().join("wal"), FsyncPolicy::EveryMs(1_000), 1).unwrap();
    assert!(
        !wal.sync_if_due(UnixNanos(OPEN_0609)).unwrap(),
        "nothing to sync"
    );
    wal.append(&row(0), UnixNanos(OPEN_0609)).unwrap();
    assert!(!wal.sync_if_due(UnixNanos(OPEN_0609 + 999_999_999)).unwrap());
    assert!(
        wal.sync_if_due(UnixNanos(OPEN_0609 + 1_000_000_000))
            .unwrap()
    );
    assert!(
        !wal.sync_if_due(UnixNanos(OPEN_0609 + 5_000_000_000))
            .unwrap(),
        "already synced"
    );
}
