//! Integration tests of Databento replay: DBN and CSV decoding against the real fixtures in
//! `shared/data/databento`, instrument mapping, the traps listed in the data README, the bad-input
//! corpus (exact errors), merging and the paced `ReplaySource`.

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use gammaflow_model::event::{BookAction, Event, Instrument, Side};
use gammaflow_model::{OptionContract, Price, Size, UnixNanos};
use gammaflow_sources::databento::{
    self, CsvDecoder, DatabentoError, DbnDecoder, Replay, ReplaySource,
};
use gammaflow_sources::pacing::Pacing;
use gammaflow_sources::{Source, SourcesError};
use proptest::prelude::*;

fn data(relative: &str) -> PathBuf {
    gammaflow_testkit::shared_data(&format!("databento/{relative}"))
}

fn events_of(path: &Path) -> Vec<Event> {
    databento::open(path)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn price(text: &str) -> Price {
    text.parse().unwrap()
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// A scratch file with `bytes`, named `name`, unique to this test process.
fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gammaflow-dbn-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn open_err(path: &Path) -> SourcesError {
    match databento::open(path) {
        Err(e) => e,
        Ok(it) => it
            .filter_map(Result::err)
            .next()
            .unwrap_or_else(|| panic!("{} decoded without error", path.display())),
    }
}

fn db(e: SourcesError) -> DatabentoError {
    match e {
        SourcesError::Databento(d) => d,
        other => panic!("not a Databento error: {other}"),
    }
}

#[test]
fn dbn_and_csv_of_every_databento_python_file_give_equal_events() {
    let mut compared = 0;
    let mut nonempty = 0;
    for dataset in [
        "OPRA.PILLAR",
        "GLBX.MDP3",
        "XNAS.ITCH",
        "EQUS.MINI",
        "IFEU.IMPACT",
        "NDEX.IMPACT",
    ] {
        for dbn_path in files_in(&data(&format!("databento-python/{dataset}"))) {
            let file = dbn_path.file_name().unwrap().to_str().unwrap();
            let schema = file
                .strip_prefix("test_data.")
                .and_then(|s| s.strip_suffix(".dbn.zst"))
                .unwrap();
            let from_dbn = events_of(&dbn_path);
            for encoding in ["raw", "pretty"] {
                let csv = data(&format!(
                    "csv/databento-python/{dataset}/{schema}.{encoding}.csv"
                ));
                if !csv.is_file() {
                    continue;
                }
                let from_csv = events_of(&csv);
                assert_eq!(from_dbn, from_csv, "{dataset} {schema} {encoding}");
                compared += 1;
            }
            nonempty += usize::from(!from_dbn.is_empty());
        }
    }
    assert!(compared >= 120, "only {compared} comparisons");
    assert!(nonempty >= 35, "only {nonempty} files gave events");
}

#[test]
fn dbn_repo_csv_transcodes_match_the_v3_files() {
    let dir = data("csv/dbn");
    let mut compared = 0;
    for csv in files_in(&dir) {
        let name = csv.file_name().unwrap().to_str().unwrap().to_owned();
        let Some(schema) = name
            .strip_suffix(".raw.csv")
            .or_else(|| name.strip_suffix(".pretty.csv"))
        else {
            continue;
        };
        let dbn_path = data(&format!("dbn/test_data.{schema}.v3.dbn.zst"));
        let dbn_path = if dbn_path.is_file() {
            dbn_path
        } else {
            data(&format!("dbn/test_data.{schema}.dbn"))
        };
        assert_eq!(events_of(&dbn_path), events_of(&csv), "{name}");
        compared += 1;
    }
    assert!(compared >= 30, "only {compared}");
}

#[test]
fn every_dbn_repo_file_decodes_and_versions_agree() {
    let mut by_schema: std::collections::BTreeMap<String, Vec<(String, Vec<Event>)>> =
        Default::default();
    let mut total = 0;
    for path in files_in(&data("dbn")) {
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.ends_with(".dbz") {
            assert_eq!(
                db(open_err(&path)),
                DatabentoError::LegacyDbz {
                    file: path.display().to_string()
                },
                "{name}"
            );
            continue;
        }
        let mut it = databento::open(&path).unwrap();
        let events: Vec<Event> = it.by_ref().collect::<Result<_, _>>().unwrap();
        let stats = it.stats();
        assert_eq!(
            (stats.unmapped, stats.unsupported_instrument),
            (0, 0),
            "{name}"
        );
        assert!(
            stats.events > 0 || stats.other == stats.records,
            "{name}: {stats:?}"
        );
        total += stats.records;
        let schema = name.split('.').nth(1).unwrap().to_owned();
        let stem = name.split('.').next().unwrap();
        let frag = if name.contains(".frag") { "frag" } else { "" };
        let key = format!("{stem}-{schema}-{frag}");
        by_schema.entry(key).or_default().push((name, events));
    }
    assert!(by_schema.len() >= 17);
    assert!(total >= 150, "{total}");
    for (schema, versions) in &by_schema {
        let (first_name, first) = &versions[0];
        for (name, events) in &versions[1..] {
            assert_eq!(events, first, "{schema}: {name} vs {first_name}");
        }
    }
}

#[test]
fn glbx_symbols_resolve_to_futures_with_the_record_year() {
    let events = events_of(&data("databento-python/GLBX.MDP3/test_data.trades.dbn.zst"));
    assert_eq!(events.len(), 4);
    let Event::Trade(t) = events[0] else {
        panic!("{:?}", events[0]);
    };
    // ESH1 recorded on 2020-12-28 is March 2021.
    assert_eq!(t.instrument.to_string(), "ESH21");
    assert_eq!(t.exchange.0, 1);
    assert!(matches!(t.aggressor, Side::Buy | Side::Sell));
}

#[test]
fn opra_trades_map_the_occ_symbol_and_carry_side_none() {
    let events = events_of(&data(
        "databento-python/OPRA.PILLAR/test_data.trades.dbn.zst",
    ));
    let contract = OptionContract::parse_occ("AAPL  250221C00250000").unwrap();
    assert!(!events.is_empty());
    let Event::Trade(t) = events[0] else {
        panic!("{:?}", events[0]);
    };
    // From the transcoded CSV: 2025-02-20T14:30:00.817657088Z, publisher 23, 0.24 x 1, seq 713382.
    assert_eq!(t.instrument, Instrument::Option(contract));
    assert_eq!(t.ts_event, UnixNanos(1_740_061_800_817_657_088));
    assert_eq!(t.ts_recv, UnixNanos(1_740_061_800_817_866_523));
    assert_eq!(
        (t.price, t.size, t.exchange.0),
        (price("0.24"), Size::new(1), 23)
    );
    assert_eq!((t.sequence, t.aggressor), (713_382, Side::None));
}

#[test]
fn ohlcv_values_come_from_the_python_fixtures_and_the_dbn_repo_trap_is_decoded_as_is() {
    let good = events_of(&data(
        "databento-python/GLBX.MDP3/test_data.ohlcv-1h.dbn.zst",
    ));
    let Event::Bar(bar) = good[0] else {
        panic!("{:?}", good[0]);
    };
    // csv/databento-python/GLBX.MDP3/ohlcv-1h.pretty.csv line 2.
    assert_eq!(
        (bar.open, bar.high, bar.low, bar.close, bar.volume),
        (
            price("3702.75"),
            price("3707"),
            price("3697.25"),
            price("3705.75"),
            Size::new(11_891)
        )
    );
    assert_eq!(bar.interval_ns, 3_600_000_000_000);
    assert_eq!(bar.ts_recv.0, bar.ts_event.0 + bar.interval_ns);
    // The dbn repo fixture is 100x too large (README trap 1): decoded faithfully, not "fixed".
    let trap = events_of(&data("dbn/test_data.ohlcv-1h.v3.dbn.zst"));
    let Event::Bar(bar) = trap[0] else {
        panic!("{:?}", trap[0]);
    };
    assert_eq!(bar.open, price("372025"));
}

#[test]
fn opra_open_interest_is_deduplicated_across_exchanges() {
    let path = data("databento-python/OPRA.PILLAR/test_data.statistics.dbn.zst");
    let mut it = databento::open(&path).unwrap();
    let events: Vec<Event> = it.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    let Event::OpenInterest(oi) = events[0] else {
        panic!("{:?}", events[0]);
    };
    assert_eq!(oi.contracts, Size::new(57_924));
    // ts_ref is undefined: published 2025-02-20 06:30 ET for the previous session.
    assert_eq!(oi.as_of, jiff::civil::date(2025, 2, 19));
    assert_eq!(it.stats().duplicate_open_interest, 3);
    // The CSV gives the same single figure.
    let csv = data("csv/databento-python/OPRA.PILLAR/statistics.pretty.csv");
    assert_eq!(events_of(&csv), events);
}

#[test]
fn empty_book_records_are_skipped_and_counted() {
    let path = data("databento-python/OPRA.PILLAR/test_data.mbp-1.dbn.zst");
    let mut it = databento::open(&path).unwrap();
    assert_eq!(it.by_ref().count(), 0);
    assert_eq!((it.stats().records, it.stats().undefined), (4, 4));
    let path = data("databento-python/OPRA.PILLAR/test_data.cbbo-1s.dbn.zst");
    let mut it = databento::open(&path).unwrap();
    let events: Vec<Event> = it.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!((events.len(), it.stats().undefined), (3, 1));
    let Event::Quote(q) = events[0] else {
        panic!("{:?}", events[0]);
    };
    // cbbo-1s.pretty.csv line 3: 0.10 x 1 / 0.25 x 4, venues 23 and 23.
    assert_eq!((q.bid, q.ask), (price("0.1"), price("0.25")));
    assert_eq!((q.bid_size, q.ask_size), (Size::new(1), Size::new(4)));
    assert_eq!(
        (q.bid_exchange.unwrap().0, q.ask_exchange.unwrap().0),
        (23, 23)
    );
}

#[test]
fn tbbo_gives_the_quote_before_the_trade() {
    let events = events_of(&data("databento-python/GLBX.MDP3/test_data.tbbo.dbn.zst"));
    assert_eq!(events.len(), 8);
    for pair in events.chunks(2) {
        assert!(
            matches!((pair[0], pair[1]), (Event::Quote(_), Event::Trade(_))),
            "{pair:?}"
        );
    }
}

#[test]
fn nautilus_esm4_mbo_starts_with_a_clear_and_keeps_file_order() {
    let path = data(
        "nautilus/order_book_deltas_catalog/databento/orderbooks_mbo_2024-05-08T00-00-00_2024-05-08T00-00-02.dbn.zst",
    );
    let mut it = databento::open(&path).unwrap();
    let events: Vec<Event> = it.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(it.stats().records, 13_796);
    assert_eq!(events.len(), 13_796);
    let Event::Book(first) = events[0] else {
        panic!("{:?}", events[0]);
    };
    assert_eq!(first.action, BookAction::Clear);
    assert_eq!(first.instrument.to_string(), "ESM24");
    let snapshot = events
        .iter()
        .filter(|e| matches!(e, Event::Book(b) if b.is_snapshot()))
        .count();
    assert!(snapshot > 0);
    let sequences: Vec<u32> = events
        .iter()
        .filter_map(|e| match e {
            Event::Book(b) if !b.is_snapshot() => Some(b.sequence),
            _ => None,
        })
        .collect();
    assert!(
        sequences.windows(2).all(|w| w[0] <= w[1]),
        "sequence goes back"
    );
}

#[test]
fn nautilus_esh4_snapshot_and_esu4_mbp1_and_opra_definitions() {
    let mut it = databento::open(data("nautilus/esh4-glbx-mdp3-20231224.mbo.dbn.zst")).unwrap();
    let snap: Vec<Event> = it.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(snap.len(), 8_725);
    assert!(
        snap.iter()
            .all(|e| matches!(e, Event::Book(b) if b.is_snapshot()))
    );
    let mbp1 = data(
        "nautilus/historical_bars_catalog/databento/futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst",
    );
    let mut it = databento::open(mbp1).unwrap();
    let events: Vec<Event> = it.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(it.stats().records, 2_288);
    assert!(events.windows(2).all(|w| w[0].ts_recv() <= w[1].ts_recv()));
    let mut opra = databento::open(data("nautilus/definition-opra.dbn.zst")).unwrap();
    let defs: Vec<Event> = opra.by_ref().collect::<Result<_, _>>().unwrap();
    assert!(
        defs.iter()
            .all(|e| matches!(e, Event::Definition(d) if d.multiplier.is_none()))
    );
    assert_eq!(opra.metadata().unwrap().mappings.len(), 13_492);
}

#[test]
fn feeding_bytes_one_at_a_time_gives_the_same_events() {
    let bytes = zstd::decode_all(
        std::fs::File::open(data("databento-python/GLBX.MDP3/test_data.mbp-1.dbn.zst")).unwrap(),
    )
    .unwrap();
    let whole = DbnDecoder::decode_all("mbp-1", &bytes).unwrap();
    let mut dec = DbnDecoder::new("mbp-1");
    let mut drip = Vec::new();
    for b in &bytes {
        dec.push(std::slice::from_ref(b));
        while let Some(e) = dec.next_event().unwrap() {
            drip.push(e);
        }
    }
    dec.finish().unwrap();
    assert_eq!(drip, whole);
    assert_eq!(whole.len(), 4);
}

/// The plain GLBX trades file of the dbn repo, split at its first record.
fn trades_dbn() -> (Vec<u8>, usize) {
    let bytes = std::fs::read(data("dbn/test_data.trades.dbn")).unwrap();
    let meta_len = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    (bytes, 8 + meta_len)
}

#[test]
fn bad_dbn_inputs_give_exact_errors() {
    let (bytes, records_at) = trades_dbn();
    let rec_len = usize::from(bytes[records_at]) * 4;
    // Truncated inside the second record.
    let cut = records_at + rec_len + 20;
    let path = scratch("truncated.trades.dbn", &bytes[..cut]);
    assert_eq!(
        db(open_err(&path)),
        DatabentoError::TruncatedRecord {
            file: path.display().to_string(),
            record: 1,
            have: 20,
            need: rec_len,
        }
    );
    // Truncated inside the metadata.
    let path = scratch("short-meta.dbn", &bytes[..records_at - 5]);
    assert_eq!(
        db(open_err(&path)),
        DatabentoError::Metadata {
            file: path.display().to_string(),
            reason: "the input ends inside the metadata header".to_owned(),
        }
    );
    // Bad magic.
    let mut bad = bytes.clone();
    bad[..3].copy_from_slice(b"XYZ");
    let path = scratch("bad-magic.dbn", &bad);
    assert_eq!(
        db(open_err(&path)),
        DatabentoError::BadMagic {
            file: path.display().to_string(),
            found: bad[..8]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" "),
        }
    );
    // Unsupported version.
    let mut bad = bytes.clone();
    bad[3] = 9;
    let path = scratch("v9.dbn", &bad);
    assert_eq!(
        db(open_err(&path)),
        DatabentoError::UnsupportedVersion {
            file: path.display().to_string(),
            version: 9
        }
    );
    // A record whose length byte is zero.
    let mut bad = bytes.clone();
    bad[records_at] = 0;
    let path = scratch("zero-length.dbn", &bad);
    let err = db(open_err(&path));
    assert!(
        matches!(&err, DatabentoError::Record { file, record: 0, .. } if *file == path.display().to_string()),
        "{err:?}"
    );
    // An empty file.
    let path = scratch("empty.dbn", b"");
    assert_eq!(
        db(open_err(&path)),
        DatabentoError::Metadata {
            file: path.display().to_string(),
            reason: "the input ends after 0 bytes, inside the 8-byte prelude".to_owned(),
        }
    );
}

#[test]
fn bad_zstd_and_missing_files_give_exact_errors() {
    let (bytes, _) = trades_dbn();
    let compressed = zstd::encode_all(&bytes[..], 3).unwrap();
    // Corrupt the frame body.
    let mut bad = compressed.clone();
    let mid = bad.len() / 2;
    for b in &mut bad[mid..] {
        *b ^= 0xA5;
    }
    let path = scratch("corrupt.dbn.zst", &bad);
    let err = db(open_err(&path));
    assert!(
        matches!(&err, DatabentoError::Zstd { file, .. } if *file == path.display().to_string()),
        "{err:?}"
    );
    // Cut the frame short.
    let path = scratch("cut.dbn.zst", &compressed[..compressed.len() - 7]);
    let err = db(open_err(&path));
    assert!(
        matches!(&err, DatabentoError::Zstd { file, .. } if *file == path.display().to_string()),
        "{err:?}"
    );
    // The decompressed bytes handed to the sans-I/O decoder.
    assert_eq!(
        db(DbnDecoder::decode_all("x.dbn.zst", &compressed).unwrap_err()),
        DatabentoError::Compressed {
            file: "x.dbn.zst".to_owned()
        }
    );
    let missing = data("dbn/no-such-file.dbn");
    let err = db(open_err(&missing));
    assert!(
        matches!(&err, DatabentoError::Io { path, .. } if *path == missing.display().to_string()),
        "{err:?}"
    );
}

const TRADES_HEADER: &str = "ts_recv,ts_event,rtype,publisher_id,instrument_id,action,side,depth,price,size,flags,ts_in_delta,sequence,symbol";
const TRADES_ROW: &str = "2025-02-20T14:30:00.817866523Z,2025-02-20T14:30:00.817657088Z,0,23,16783963,T,N,0,0.240000000,1,194,0,713382,AAPL  250221C00250000";

#[test]
fn bad_csv_inputs_give_exact_errors() {
    let no_price = TRADES_HEADER.replace(",price,", ",px,");
    let err = CsvDecoder::decode_str("t.csv", &format!("{no_price}\n{TRADES_ROW}\n")).unwrap_err();
    assert_eq!(
        db(err),
        DatabentoError::CsvHeader {
            file: "t.csv".to_owned(),
            line: 1,
            reason: "no column \"price\", needed by the rtype 0 record on line 2".to_owned(),
        }
    );
    let bad_number = TRADES_ROW.replace(",0.240000000,1,", ",0.240000000,1x,");
    let err = CsvDecoder::decode_str(
        "t.csv",
        &format!("{TRADES_HEADER}\n{TRADES_ROW}\n{bad_number}\n"),
    )
    .unwrap_err();
    assert_eq!(
        db(err),
        DatabentoError::CsvField {
            file: "t.csv".to_owned(),
            line: 3,
            column: "size".to_owned(),
            text: "1x".to_owned(),
            reason: "expected an unsigned integer".to_owned(),
        }
    );
    let bad_ts = TRADES_ROW.replace("2025-02-20T14:30:00.817866523Z", "2025-02-30T14:30:00Z");
    let err =
        db(CsvDecoder::decode_str("t.csv", &format!("{TRADES_HEADER}\n{bad_ts}\n")).unwrap_err());
    let DatabentoError::CsvField {
        line, column, text, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(
        (*line, column.as_str(), text.as_str()),
        (2, "ts_recv", "2025-02-30T14:30:00Z")
    );
    let bad_price = TRADES_ROW.replace("0.240000000", "0.24.0");
    let err = db(
        CsvDecoder::decode_str("t.csv", &format!("{TRADES_HEADER}\n{bad_price}\n")).unwrap_err(),
    );
    assert!(
        matches!(&err, DatabentoError::CsvField { line: 2, column, .. } if column == "price"),
        "{err:?}"
    );
    let err = db(CsvDecoder::decode_str("t.csv", "a,b,c\n1,2,3\n").unwrap_err());
    assert!(
        matches!(&err, DatabentoError::CsvHeader { line: 1, .. }),
        "{err:?}"
    );
    assert_eq!(
        db(CsvDecoder::decode_str("t.csv", "").unwrap_err()),
        DatabentoError::CsvHeader {
            file: "t.csv".to_owned(),
            line: 1,
            reason: "the input is empty (no header line)".to_owned()
        }
    );
    // Through the file layer (compressed): the error names the file.
    let text = format!("{TRADES_HEADER}\n{bad_number}\n");
    let path = scratch(
        "trades.csv.zst",
        &zstd::encode_all(text.as_bytes(), 3).unwrap(),
    );
    let err = db(open_err(&path));
    assert!(
        matches!(&err, DatabentoError::CsvField { file, line: 2, .. } if *file == path.display().to_string()),
        "{err:?}"
    );
}

#[test]
fn csv_files_with_and_without_compression_agree() {
    let csv = data("csv/databento-python/OPRA.PILLAR/cbbo-1m.raw.csv");
    let text = std::fs::read(&csv).unwrap();
    let path = scratch(
        "opra.cbbo-1m.csv.zst",
        &zstd::encode_all(&text[..], 3).unwrap(),
    );
    assert_eq!(events_of(&path), events_of(&csv));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn csv_decoder_never_panics(lines in proptest::collection::vec(".{0,200}", 0..6),
                                fields in proptest::collection::vec("[0-9TZ:.\\-AB\" ]{0,24}", 0..20)) {
        let mut dec = CsvDecoder::new("fuzz.csv");
        let _ = dec.push_line(TRADES_HEADER);
        let _ = dec.push_line(&fields.join(","));
        for line in &lines {
            let _ = dec.push_line(line);
        }
        let mut raw = CsvDecoder::new("fuzz2.csv");
        for line in &lines {
            let _ = raw.push_line(line);
        }
        let _ = raw.finish();
    }
}

#[test]
fn replay_merges_files_by_ts_recv_and_keeps_file_order_on_ties() {
    let dir = "databento-python/GLBX.MDP3";
    let paths = [
        data(&format!("{dir}/test_data.tbbo.dbn.zst")),
        data(&format!("{dir}/test_data.trades.dbn.zst")),
        data(&format!("{dir}/test_data.mbp-1.dbn.zst")),
    ];
    let singles: Vec<Vec<Event>> = paths.iter().map(|p| events_of(p)).collect();
    let merged: Vec<Event> = Replay::open(&paths)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(merged.len(), singles.iter().map(Vec::len).sum::<usize>());
    assert!(merged.windows(2).all(|w| w[0].ts_recv() <= w[1].ts_recv()));
    // A stable sort of the concatenation is the stable merge of sorted inputs.
    let mut expected = singles.concat();
    expected.sort_by_key(Event::ts_recv);
    assert_eq!(merged, expected);
    // Ties exist across files (the tbbo trade and the trades-file print share ts_recv).
    assert_eq!(singles[0][1].ts_recv(), singles[1][0].ts_recv());
}

#[test]
fn replay_open_fails_on_the_first_missing_file() {
    let missing = data("dbn/missing.dbn");
    let err = Replay::open([data("dbn/test_data.trades.dbn"), missing.clone()]).unwrap_err();
    assert!(
        matches!(db(err), DatabentoError::Io { path, .. } if path == missing.display().to_string())
    );
}

#[tokio::test(start_paused = true)]
async fn replay_source_paces_on_the_tokio_clock() {
    let path = data("databento-python/GLBX.MDP3/test_data.ohlcv-1m.dbn.zst");
    let expected = events_of(&path);
    let mut source = ReplaySource::open([&path], Pacing::Speed(2.0)).unwrap();
    assert_eq!(source.name(), "replay");
    let start = tokio::time::Instant::now();
    let mut got = Vec::new();
    while let Some(e) = source.next().await {
        let e = e.unwrap();
        let elapsed = tokio::time::Instant::now() - start;
        let event_time = e.ts_recv().0 - expected[0].ts_recv().0;
        assert_eq!(elapsed.as_nanos(), u128::from(event_time / 2), "{e:?}");
        got.push(e);
    }
    assert_eq!(got, expected);
}

#[tokio::test(start_paused = true)]
async fn replay_source_passes_everything_until_the_first_subscribe() {
    let dir = "databento-python";
    let paths = [
        data(&format!("{dir}/OPRA.PILLAR/test_data.trades.dbn.zst")),
        data(&format!("{dir}/GLBX.MDP3/test_data.trades.dbn.zst")),
    ];
    let all: Vec<Event> = Replay::open(&paths)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let options = all
        .iter()
        .filter(|e| matches!(e.instrument(), Instrument::Option(_)))
        .count();
    assert!(options > 0 && options < all.len());
    let mut open = ReplaySource::open(&paths, Pacing::AsFastAsPossible).unwrap();
    let mut n = 0;
    while let Some(e) = open.next().await {
        e.unwrap();
        n += 1;
    }
    assert_eq!(n, all.len());
    let other = OptionContract::parse_occ("AAPL  250221P00250000").unwrap();
    let mut filtered = ReplaySource::open(&paths, Pacing::AsFastAsPossible).unwrap();
    filtered.subscribe(&[other]).unwrap();
    let mut kept = Vec::new();
    while let Some(e) = filtered.next().await {
        kept.push(e.unwrap());
    }
    assert_eq!(kept.len(), all.len() - options);
    assert!(
        kept.iter()
            .all(|e| !matches!(e.instrument(), Instrument::Option(_)))
    );
    let wanted = OptionContract::parse_occ("AAPL  250221C00250000").unwrap();
    let mut subscribed = ReplaySource::open(&paths, Pacing::AsFastAsPossible).unwrap();
    subscribed.subscribe(&[wanted]).unwrap();
    assert_eq!(subscribed.subscriptions().len(), 1);
    let mut n = 0;
    while let Some(e) = subscribed.next().await {
        e.unwrap();
        n += 1;
    }
    assert_eq!(n, all.len());
}

#[test]
fn replay_maps_options_on_futures_through_a_definition_file() {
    let dir = "nautilus/options_catalog/databento";
    let bbo = data(&format!(
        "{dir}/options_bbo-1m_2024-05-09T09-55_2024-05-09T10-05.dbn.zst"
    ));
    let definitions = data(&format!("{dir}/options_definition.dbn.zst"));
    let mut alone = databento::open(&bbo).unwrap();
    assert_eq!(alone.by_ref().count(), 0);
    let skipped = alone.stats().unsupported_instrument + alone.stats().unmapped;
    assert!(skipped > 0);
    let merged: Vec<Event> = Replay::open([&definitions, &bbo])
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let quotes: Vec<_> = merged
        .iter()
        .filter_map(|e| match e {
            Event::Quote(q) => Some(q),
            _ => None,
        })
        .collect();
    assert!(!quotes.is_empty());
    for q in &quotes {
        let Instrument::Option(c) = q.instrument else {
            panic!("{q:?}");
        };
        assert!(c.root.as_str().starts_with('E'), "{c}");
    }
}
