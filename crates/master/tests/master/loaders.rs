//! Loader tests: golden values from the real Databento samples, files written by
//! `databento::write`, and the IB daily file round trip.

use std::path::PathBuf;

use gammaflow_master::loaders::ib::{self, IbBar, IbReader, IbRecord, IbTrade, IbWriter, RtVolume};
use gammaflow_master::loaders::{ContractRule, DayRule, EsBar, EsBars};
use gammaflow_model::event::{Bar, Conditions, Event, ExchangeId, FutureSymbol, Side, Trade};
use gammaflow_model::{Price, Size, UnixNanos};
use gammaflow_sources::databento::write::{DayFile, FileFormat, WriteOptions, write_day};
use gammaflow_testkit::shared_data;
use jiff::civil::date;

const HIST: &str = "databento/nautilus/historical_bars_catalog/databento";
const MIN: u64 = 60_000_000_000;

fn px(s: &str) -> Price {
    s.parse().unwrap()
}

fn load(paths: &[PathBuf], rule: DayRule) -> (Vec<EsBar>, EsBars) {
    let mut it = EsBars::new(paths, rule, ContractRule::default());
    let bars = it.by_ref().collect::<Result<Vec<_>, _>>().unwrap();
    (bars, it)
}

fn ohlcv(b: &EsBar) -> (u64, String, String, String, String, u64) {
    let s = |p: Price| p.to_string();
    (b.ts.0, s(b.open), s(b.high), s(b.low), s(b.close), b.volume)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gammaflow-master-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// ESU24 + NQU24 1-minute bars, 2024-07-01 19:40–20:09 ET (after the close, before the 20:15 window).
#[test]
fn golden_ohlcv_1m_front_month_and_day_rules() {
    let file = shared_data(&format!(
        "{HIST}/futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst"
    ));
    // Dashboard window: 19:40–20:09 ET is outside every window.
    let (bars, it) = load(std::slice::from_ref(&file), DayRule::Dashboard);
    assert!(bars.is_empty());
    assert_eq!(
        (
            it.files()[0].outside_window,
            it.files()[0].other_instruments
        ),
        (30, 30)
    );
    // Attributed: they belong to Monday 2024-07-01; Globex: to Tuesday's session (18:00 on).
    let (bars, it) = load(std::slice::from_ref(&file), DayRule::Attributed);
    let stats = &it.files()[0];
    assert_eq!(
        (stats.records, stats.bars, stats.other_instruments),
        (60, 30, 30)
    );
    assert_eq!(stats.name_date, Some(date(2024, 7, 1)));
    assert_eq!(bars.len(), 30);
    assert!(bars.iter().all(|b| b.trade_date == date(2024, 7, 1)));
    // ESU24 is the front month on 2024-07-01 (expiry 2024-09-20, roll 2024-09-12).
    let esu24 = FutureSymbol::new("ES", 2024, 9).unwrap();
    assert!(
        bars.iter()
            .all(|b| b.contract == esu24 && b.vendor_vwap.is_none())
    );
    // First and last bars, as in the file (checked with `gammaflow tape`).
    let first = ohlcv(&bars[0]);
    assert_eq!(
        first,
        (
            1_719_877_200_000_000_000,
            "5527.25".into(),
            "5527.5".into(),
            "5527".into(),
            "5527.5".into(),
            180
        )
    );
    assert_eq!(bars[0].record, 0);
    let last = ohlcv(&bars[29]);
    assert_eq!(
        last,
        (
            1_719_878_940_000_000_000,
            "5528.5".into(),
            "5528.75".into(),
            "5528.5".into(),
            "5528.5".into(),
            60
        )
    );
    assert_eq!(bars[29].record, 59);
    for w in bars.windows(2) {
        assert_eq!(w[1].ts.0 - w[0].ts.0, MIN);
    }
    let (globex, _) = load(&[file], DayRule::Globex);
    assert!(globex.iter().all(|b| b.trade_date == date(2024, 7, 2)));
}

/// Bars built from the real trades (and from mbp-1's `T` records) equal the vendor's bars.
#[test]
fn golden_trades_and_mbp1_rebuild_the_vendor_bars() {
    let bars_file = shared_data(&format!(
        "{HIST}/futures_ohlcv-1m_2024-07-01T23-40_2024-07-02T00-10.dbn.zst"
    ));
    let trades = shared_data(&format!(
        "{HIST}/futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst"
    ));
    let mbp1 = shared_data(&format!(
        "{HIST}/futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst"
    ));
    let (vendor, _) = load(&[bars_file], DayRule::Attributed);
    let (built, it) = load(std::slice::from_ref(&trades), DayRule::Attributed);
    assert_eq!(it.files()[0].records, 120);
    assert_eq!(built.len(), 4);
    for b in &built {
        let v = vendor.iter().find(|v| v.ts == b.ts).unwrap();
        assert_eq!(ohlcv(b), ohlcv(v), "minute {}", b.ts);
    }
    assert_eq!(
        built.iter().map(|b| b.volume).sum::<u64>(),
        18 + 23 + 175 + 37
    );
    let (from_mbp1, it) = load(&[mbp1], DayRule::Attributed);
    assert_eq!((it.files()[0].records, it.files()[0].ignored), (2408, 2288));
    let a: Vec<_> = built.iter().map(ohlcv).collect();
    let b: Vec<_> = from_mbp1.iter().map(ohlcv).collect();
    assert_eq!(a, b);
}

#[test]
fn golden_small_samples() {
    // databento-python ESH21 bars: Sunday 2020-12-27 19:00 ET, Globex session of Monday 12-28.
    let f = shared_data("databento/databento-python/GLBX.MDP3/test_data.ohlcv-1m.dbn.zst");
    let (bars, _) = load(&[f], DayRule::Globex);
    assert_eq!(bars.len(), 4);
    assert_eq!(bars[0].contract, FutureSymbol::new("ES", 2021, 3).unwrap());
    assert_eq!(bars[0].trade_date, date(2020, 12, 28));
    assert_eq!(
        (bars[0].open, bars[0].close, bars[0].volume),
        (px("3702.75"), px("3704.75"), 306)
    );
    assert_eq!(
        (bars[3].low, bars[3].close, bars[3].volume),
        (px("3703"), px("3703"), 158)
    );
    // ESH26 around the 2026-01-09 cash close: the dashboard window keeps 15:55–15:59 ET only.
    let f = shared_data(
        "databento/nautilus/options_exercise/databento/futures_ohlcv-1m_2026-01-09T20-55_2026-01-09T21-05.dbn.zst",
    );
    let (bars, it) = load(&[f], DayRule::Dashboard);
    assert_eq!((bars.len(), it.files()[0].outside_window), (5, 5));
    assert_eq!(bars[4].close, px("7004.75"));
    assert_eq!(bars[4].volume, 58_679);
    assert_eq!(bars[0].contract, FutureSymbol::new("ES", 2026, 3).unwrap());
}

fn es_trade(t: u64, sym: FutureSymbol, price: &str, size: u32) -> Event {
    Trade {
        ts_event: UnixNanos(t),
        ts_recv: UnixNanos(t + 1_000),
        instrument: sym.into(),
        price: px(price),
        size: Size::new(size),
        exchange: ExchangeId(1),
        conditions: Conditions::EMPTY,
        sequence: 0,
        aggressor: Side::Buy,
    }
    .into()
}

/// Files written by `databento::write` with known values, in a roll week: the back month is
/// dropped; bars come out the same from the ohlcv-1m and trades files, DBN and CSV.
#[test]
fn written_files_roll_week() {
    // 2025-06-12 is the ESM25 roll date (expiry 06-20 minus 8 days): ESU25 is front.
    let d = date(2025, 6, 12);
    let t0 = 1_749_735_000 * 1_000_000_000u64; // 2025-06-12 13:30 UTC = 09:30 ET
    let esm = FutureSymbol::new("ES", 2025, 6).unwrap();
    let esu = FutureSymbol::new("ES", 2025, 9).unwrap();
    let events = vec![
        es_trade(t0 + 1_000_000, esu, "6050.25", 2),
        es_trade(t0 + 2_000_000, esm, "6000", 9),
        es_trade(t0 + 30 * 1_000_000_000, esu, "6051", 1),
        es_trade(t0 + MIN + 5, esu, "6049.5", 3),
        es_trade(t0 + 3 * MIN, esu, "6052.75", 4),
    ];
    let dir = temp_dir("roll");
    write_day(&dir, d, &events, &WriteOptions::default()).unwrap();
    let expect = vec![
        (
            t0,
            "6050.25".to_owned(),
            "6051".to_owned(),
            "6050.25".to_owned(),
            "6051".to_owned(),
            3,
        ),
        (
            t0 + MIN,
            "6049.5".into(),
            "6049.5".into(),
            "6049.5".into(),
            "6049.5".into(),
            3,
        ),
        (
            t0 + 3 * MIN,
            "6052.75".into(),
            "6052.75".into(),
            "6052.75".into(),
            "6052.75".into(),
            4,
        ),
    ];
    // (The writer puts only quotes into mbp-1, so its trades are read from `trades`.)
    for file in [DayFile::GlbxOhlcv1m, DayFile::GlbxTrades] {
        for format in [FileFormat::Dbn, FileFormat::Csv] {
            let path = file.path(&dir, d, format);
            let (bars, it) = load(std::slice::from_ref(&path), DayRule::Dashboard);
            let got: Vec<_> = bars.iter().map(ohlcv).collect();
            assert_eq!(got, expect, "{}", path.display());
            assert!(bars.iter().all(|b| b.contract == esu && b.trade_date == d));
            assert!(it.files()[0].other_contracts >= 1, "{:?}", it.files());
        }
    }
    // Two days in a row through next_day().
    let d2 = date(2025, 6, 13);
    let t1 = t0 + 86_400_000_000_000;
    write_day(
        &dir,
        d2,
        &[es_trade(t1, esu, "6060", 1)],
        &WriteOptions::default(),
    )
    .unwrap();
    let mut it = EsBars::open([
        DayFile::GlbxTrades.path(&dir, d, FileFormat::Dbn),
        DayFile::GlbxTrades.path(&dir, d2, FileFormat::Dbn),
    ]);
    let day1 = it.next_day().unwrap().unwrap();
    let day2 = it.next_day().unwrap().unwrap();
    assert!(it.next_day().is_none());
    assert_eq!((day1.trade_date, day1.bars.len()), (d, 3));
    assert_eq!((day2.trade_date, day2.bars.len()), (d2, 1));
    // A written 1-minute bar file too.
    let bar = Bar {
        ts_event: UnixNanos(t1 + MIN),
        ts_recv: UnixNanos(t1 + 2 * MIN),
        instrument: esu.into(),
        open: px("6060"),
        high: px("6061"),
        low: px("6059"),
        close: px("6060.5"),
        volume: Size::new(77),
        interval_ns: MIN,
    };
    let dir2 = temp_dir("bar");
    write_day(&dir2, d2, &[bar.into()], &WriteOptions::default()).unwrap();
    let (bars, _) = load(
        &[DayFile::GlbxOhlcv1m.path(&dir2, d2, FileFormat::Dbn)],
        DayRule::Dashboard,
    );
    assert_eq!(bars.len(), 1);
    assert_eq!((bars[0].high, bars[0].volume), (px("6061"), 77));
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(dir2);
}

fn ib_records(t0: u64, esu: FutureSymbol) -> Vec<IbRecord> {
    vec![
        IbRecord::RtVolume(RtVolume {
            ts_event: UnixNanos(t0 + 1_000_000),
            ts_recv: UnixNanos(t0 + 2_000_000),
            contract: esu,
            price: Some(px("6050.25")),
            size: Some(2),
            total_volume: 1_000,
            vwap: Some(px("6049.123")),
            single_trade: Some(true),
        }),
        IbRecord::Trade(IbTrade {
            ts_event: UnixNanos(t0 + 1_000_000),
            ts_recv: UnixNanos(t0 + 2_000_000),
            contract: esu,
            price: px("6050.25"),
            size: 2,
        }),
        IbRecord::Trade(IbTrade {
            ts_event: UnixNanos(t0 + 70 * 1_000_000_000),
            ts_recv: UnixNanos(t0 + 70 * 1_000_000_000),
            contract: esu,
            price: px("6051.5"),
            size: 1,
        }),
        IbRecord::RtVolume(RtVolume {
            ts_event: UnixNanos(t0 + 70 * 1_000_000_000),
            ts_recv: UnixNanos(t0 + 70 * 1_000_000_000),
            contract: esu,
            price: None,
            size: None,
            total_volume: 1_003,
            vwap: Some(px("6049.2")),
            single_trade: None,
        }),
    ]
}

/// The IB daily file: write (plain and zstd, and appending), read back record for record, and
/// bars with the RTVolume VWAP.
#[test]
fn ib_daily_round_trip_and_bars() {
    let d = date(2025, 6, 10);
    let t0 = 1_749_562_200 * 1_000_000_000u64; // 2025-06-10 13:30 UTC = 09:30 ET
    // 2025-06-10 is before the ESM25 roll (06-12): ESM25 is front.
    let esu = FutureSymbol::new("ES", 2025, 6).unwrap();
    let records = ib_records(t0, esu);
    let dir = temp_dir("ib");
    for compressed in [false, true] {
        let path = dir.join(ib::file_name("ES", d, compressed));
        let mut w = IbWriter::create(&path).unwrap();
        for r in &records {
            w.write(r).unwrap();
        }
        w.finish().unwrap();
        let back: Vec<IbRecord> = IbReader::open(&path)
            .unwrap()
            .map(|r| r.unwrap().1)
            .collect();
        assert_eq!(back, records);
        // Trades present (no bar_1m): bars from the trade rows, with the RTVolume VWAP.
        let (bars, it) = load(std::slice::from_ref(&path), DayRule::Dashboard);
        assert_eq!(
            it.files()[0].kind,
            gammaflow_master::loaders::InputKind::IbDaily
        );
        assert_eq!(bars.len(), 2);
        assert_eq!(
            (bars[0].open, bars[0].volume, bars[0].record),
            (px("6050.25"), 2, 3)
        );
        assert_eq!(bars[0].vendor_vwap, Some(px("6049.123")));
        assert_eq!(bars[1].vendor_vwap, Some(px("6049.2")));
    }
    // Appending: header once, records after a restart; a torn last line is skipped.
    let path = dir.join(ib::file_name("ES", d, false));
    std::fs::remove_file(&path).unwrap();
    let mut w = IbWriter::append(&path).unwrap();
    w.write(&records[1]).unwrap();
    w.finish().unwrap();
    let mut w = IbWriter::append(&path).unwrap();
    w.write(&IbRecord::Bar(IbBar {
        ts_event: UnixNanos(t0),
        ts_recv: UnixNanos(t0 + MIN),
        contract: esu,
        open: px("1"),
        high: px("2"),
        low: px("1"),
        close: px("2"),
        volume: 5,
        vwap: None,
    }))
    .unwrap();
    w.finish().unwrap();
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(b"1749562200000000000,17495").unwrap();
    drop(f);
    let mut reader = IbReader::open(&path).unwrap();
    let lines: Vec<u64> = reader.by_ref().map(|r| r.unwrap().0).collect();
    assert_eq!((lines, reader.torn_tail()), (vec![2, 3], 1));
    // bar_1m rows win over trades.
    let (bars, _) = load(std::slice::from_ref(&path), DayRule::Dashboard);
    assert_eq!((bars.len(), bars[0].close, bars[0].volume), (1, px("2"), 5));
    // A bad line is an error naming file and line.
    let bad = dir.join("ES_2025-06-11.csv");
    std::fs::write(
        &bad,
        format!("{}\n1,2,trade,ESU25,x,1,,,,,,,,\n", ib::HEADER),
    )
    .unwrap();
    let err = IbReader::open(&bad)
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("ES_2025-06-11.csv: record line 2: price \"x\""),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
