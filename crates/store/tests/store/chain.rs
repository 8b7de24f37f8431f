//! A day with both tables: prints and one-minute chain snapshots through the writer thread, read
//! back, compacted, and recovered after a crash.

use std::time::Duration;

use gammaflow_model::{Money, OptionContract, OptionRight, OptionRoot, Price, Size, UnixNanos};
use gammaflow_store::{
    ChainRow, CompactConfig, FsyncPolicy, Lake, LakeConfig, LakeWriter, chain_day_files,
    compact_chain_day, compact_day, day_files, read_chain_day, read_day,
};
use jiff::civil::date;

use crate::common::{OPEN_0609, SECOND, TempDir, assert_rows, row_at};

const MINUTE: u64 = 60 * SECOND;

/// The snapshot at minute `m` after the open: 12 contracts, volume growing with the minute.
fn snapshot(m: u64) -> Vec<ChainRow> {
    (0..12u64)
        .map(|k| ChainRow {
            ts: UnixNanos(OPEN_0609 + (m + 1) * MINUTE),
            underlying_price: Some(Price::from_raw(6_000_000_000_000 + m as i64 * 250_000_000)),
            contract: OptionContract::new(
                OptionRoot::SPXW,
                date(2025, 6, 9),
                if k.is_multiple_of(2) {
                    OptionRight::Call
                } else {
                    OptionRight::Put
                },
                Price::from_raw((5_985 + (k / 2) as i64 * 5) * 1_000_000_000),
            ),
            bid: (k != 3).then_some(Price::from_raw(1_000_000_000 + k as i64)),
            ask: (k != 3).then_some(Price::from_raw(1_100_000_000 + k as i64)),
            bid_size: (k != 3).then_some(Size::new(10)),
            ask_size: (k != 3).then_some(Size::new(12)),
            last: (m > 0).then_some(Price::from_raw(1_050_000_000)),
            volume: m * 10 + k,
            buy_volume: m * 6,
            sell_volume: m * 4,
            premium: Money::from_raw(i128::from(m * 10 + k) * 105_000_000_000),
            buy_premium: Money::from_raw(i128::from(m) * 63_000_000_000),
            sell_premium: Money::ZERO,
            net_delta_notional: m as f64 * 100.0,
            net_gamma_notional: if k == 5 { f64::NAN } else { 1.5 },
            open_interest: 500 + k,
            iv: if k == 3 { f64::NAN } else { 0.14 },
            delta: 0.5,
            gamma: 0.003,
            vega: 2.0,
            theta: -150.0,
            gex_oi: 1.0e6,
            gex_flow: -3.0e5,
        })
        .collect()
}

#[test]
fn a_day_with_prints_and_snapshots_round_trips_and_compacts() {
    let dir = TempDir::new("chainday");
    let config = LakeConfig {
        max_age: Duration::from_secs(60),
        fsync: FsyncPolicy::EveryMs(1_000),
        ..LakeConfig::default()
    };
    let lake = Lake::open(dir.path(), config).unwrap();
    let (writer, sender) = LakeWriter::spawn(lake, 8).unwrap();
    // Ten minutes: 30 prints a minute, a snapshot at each minute boundary.
    let mut prints = Vec::new();
    let mut snapshots = Vec::new();
    for m in 0..10u64 {
        for i in 0..30u64 {
            let n = m * 30 + i;
            let r = row_at(n, UnixNanos(OPEN_0609 + m * MINUTE + i * 2 * SECOND));
            sender.send(r).unwrap();
            prints.push(r);
        }
        let snap = snapshot(m);
        snapshots.extend_from_slice(&snap);
        sender.send_chain(snap).unwrap();
    }
    sender.send_chain(Vec::new()).unwrap();
    writer.flush().unwrap();
    let stats = writer.stats();
    assert_eq!(
        (stats.rows_accepted, stats.rows_logged, stats.rows_persisted),
        (300, 300, 300)
    );
    assert_eq!(
        (
            stats.chain_rows_accepted,
            stats.chain_rows_logged,
            stats.chain_rows_persisted,
            stats.chain_lag()
        ),
        (120, 120, 120, 0)
    );
    assert!(stats.files > 1 && stats.chain_files > 1, "{stats:?}");
    let stats = writer.close().unwrap();
    assert_eq!(stats.errors, 0);

    let day = date(2025, 6, 9);
    assert_rows(&read_day(dir.path(), day).unwrap(), &prints, 1);
    let check_chain = || {
        let back = read_chain_day(dir.path(), day).unwrap();
        assert_eq!(back.len(), snapshots.len());
        for (k, (b, s)) in back.iter().zip(&snapshots).enumerate() {
            assert_eq!(b.seq, k as u64 + 1);
            let mut a = b.row;
            let mut e = *s;
            // NaN is null in Parquet and NaN again when read.
            for r in [&mut a, &mut e] {
                assert!(r.net_gamma_notional.is_nan() == (k % 12 == 5));
                assert!(r.iv.is_nan() == (k % 12 == 3));
                r.net_gamma_notional = 0.0;
                r.iv = 0.0;
            }
            assert_eq!(a, e, "chain row {k}");
        }
    };
    check_chain();
    // Session end: both tables compact to one file each, rows unchanged.
    let flow_files = day_files(dir.path(), day).unwrap().len();
    let chain_files = chain_day_files(dir.path(), day).unwrap().len();
    assert!(flow_files > 1 && chain_files > 1);
    let report = compact_chain_day(dir.path(), day, &CompactConfig::default()).unwrap();
    assert_eq!((report.inputs, report.rows), (chain_files, 120));
    compact_day(dir.path(), day, &CompactConfig::default()).unwrap();
    assert_eq!(day_files(dir.path(), day).unwrap().len(), 1);
    assert_eq!(chain_day_files(dir.path(), day).unwrap().len(), 1);
    check_chain();
    assert_rows(&read_day(dir.path(), day).unwrap(), &prints, 1);

    // The lake reopens with both numberings continuing.
    let lake = Lake::open(dir.path(), LakeConfig::default()).unwrap();
    assert_eq!((lake.next_seq(), lake.chain_next_seq()), (301, 121));
}

#[test]
fn snapshots_logged_but_not_flushed_survive_a_crash() {
    let dir = TempDir::new("chaincrash");
    let config = LakeConfig {
        max_rows: 1_000_000,
        max_age: Duration::from_secs(3_600),
        fsync: FsyncPolicy::Never,
        ..LakeConfig::default()
    };
    let mut lake = Lake::open(dir.path(), config.clone()).unwrap();
    let mut expected = Vec::new();
    for m in 0..3 {
        for r in snapshot(m) {
            lake.append_chain(&r, r.ts).unwrap();
            expected.push(r);
        }
        let p = row_at(m, UnixNanos(OPEN_0609 + m * MINUTE));
        lake.append(&p, p.ts_recv).unwrap();
    }
    assert_eq!((lake.buffered(), lake.chain_buffered()), (3, 36));
    // Killed before any flush.
    drop(lake);
    assert!(
        read_chain_day(dir.path(), date(2025, 6, 9))
            .unwrap()
            .is_empty()
    );
    let lake = Lake::open(dir.path(), config).unwrap();
    assert_eq!(
        (lake.recovered_rows(), lake.recovered_chain_rows()),
        (3, 36)
    );
    let back = read_chain_day(dir.path(), date(2025, 6, 9)).unwrap();
    let seqs: Vec<u64> = back.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, (1..=36).collect::<Vec<_>>(), "each row exactly once");
    assert_eq!(back[13].row.volume, expected[13].volume);
    assert_eq!(read_day(dir.path(), date(2025, 6, 9)).unwrap().len(), 3);
}
