//! Integration tests of the Databento writer: events → DBN/CSV files → decoded with the `dbn`
//! crate and with gammaflow's own reader (`databento::open`) → the same events, field by field.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use dbn::decode::{DbnDecoder, DbnMetadata, DecodeRecord};
use dbn::{
    Cmbp1Msg, InstrumentDefMsg, Mbp1Msg, Metadata, OhlcvMsg, SType, Schema, StatMsg, TradeMsg,
    VersionUpgradePolicy,
};
use gammaflow_model::event::{
    Bar, Conditions, Definition, Event, ExchangeId, FutureSymbol, IndexValue, Instrument,
    OpenInterest, Quote, Side, Trade,
};
use gammaflow_model::{OptionContract, Price, Size, Underlying, UnixNanos};
use gammaflow_sources::databento::write::{
    DayFile, DaySymbology, DbnVersion, ExchangeIds, FileFormat, WriteOptions, opra_id_base,
    opra_publisher_to_polygon, polygon_to_opra_publisher, venues, write_day,
};
use gammaflow_sources::databento::{self, DatabentoError};
use jiff::civil::Date;

mod dbn_crate;
mod sim_day;

const DATE: Date = Date::constant(2025, 12, 16);
/// 2025-12-16 14:30:00 UTC (09:30 ET), ns.
const OPEN: u64 = 1_765_895_400_000_000_000;
const SEC: u64 = 1_000_000_000;

/// A fresh, empty directory under the system temp dir, unique to this test.
fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("gammaflow-dbnwrite-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn px(text: &str) -> Price {
    text.parse().unwrap()
}

fn option(text: &str) -> Instrument {
    OptionContract::parse_any(text).unwrap().into()
}

fn esz5() -> Instrument {
    FutureSymbol::new("ES", 2025, 12).unwrap().into()
}

fn trade(t: u64, instrument: Instrument, price: &str, size: u32, x: u16, seq: u64) -> Trade {
    Trade {
        ts_event: UnixNanos(t),
        ts_recv: UnixNanos(t + 150_000),
        instrument,
        price: px(price),
        size: Size::new(size),
        exchange: ExchangeId(x),
        conditions: Conditions::try_from_slice(&[209]).unwrap(),
        sequence: seq,
        aggressor: Side::None,
    }
}

#[allow(clippy::too_many_arguments)]
fn quote(
    t: u64,
    instrument: Instrument,
    bid: &str,
    ask: &str,
    sizes: (u32, u32),
    venues: (Option<u16>, Option<u16>),
) -> Quote {
    let p = |s: &str| if s.is_empty() { Price::UNDEF } else { px(s) };
    Quote {
        ts_event: UnixNanos(t),
        ts_recv: UnixNanos(t + 90_000),
        instrument,
        bid: p(bid),
        ask: p(ask),
        bid_size: Size::new(sizes.0),
        ask_size: Size::new(sizes.1),
        bid_exchange: venues.0.map(ExchangeId),
        ask_exchange: venues.1.map(ExchangeId),
    }
}

/// A small day: two SPXW options and a SPY option (Polygon venue ids), open interest, one option
/// definition, ES futures trades and quotes, and events that are not written (index, equity).
fn day_events() -> Vec<Event> {
    let c5800 = option("SPXW  251216C05800000");
    let p5790 = option("SPXW  251216P05790000");
    let spy = option("SPY   251216C00600000");
    let mut es_buy = trade(OPEN + 2 * SEC, esz5(), "5801.25", 3, 0, 11);
    es_buy.aggressor = Side::Buy;
    es_buy.conditions = Conditions::EMPTY;
    let mut es_sell = trade(OPEN + 61 * SEC, esz5(), "5800.75", 2, 0, 12);
    es_sell.aggressor = Side::Sell;
    es_sell.conditions = Conditions::EMPTY;
    let mut es_late = trade(OPEN + 30 * SEC, esz5(), "5802", 1, 0, 13);
    es_late.conditions = Conditions::EMPTY;
    vec![
        Event::OpenInterest(OpenInterest {
            ts_event: UnixNanos(OPEN - 3 * 3600 * SEC),
            ts_recv: UnixNanos(OPEN - 3 * 3600 * SEC + 200),
            instrument: c5800,
            contracts: Size::new(57_924),
            as_of: Date::constant(2025, 12, 15),
        }),
        Event::OpenInterest(OpenInterest {
            ts_event: UnixNanos(OPEN - 3 * 3600 * SEC),
            ts_recv: UnixNanos(OPEN - 3 * 3600 * SEC + 300),
            instrument: p5790,
            contracts: Size::new(1_200),
            as_of: Date::constant(2025, 12, 15),
        }),
        Event::Definition(Definition {
            ts_event: UnixNanos(OPEN - 4 * 3600 * SEC),
            ts_recv: UnixNanos(OPEN - 4 * 3600 * SEC + 10),
            instrument: c5800,
            vendor_id: 424_242,
            multiplier: Some(100),
            tick_size: Some(px("0.05")),
            expiration: Some(UnixNanos(OPEN + 23_400 * SEC)),
        }),
        Event::Quote(quote(
            OPEN,
            c5800,
            "4.80",
            "4.90",
            (10, 12),
            (Some(302), Some(322)),
        )),
        Event::Quote(quote(
            OPEN,
            esz5(),
            "5801",
            "5801.25",
            (40, 35),
            (None, None),
        )),
        Event::Trade(trade(OPEN + SEC, c5800, "4.85", 5, 302, 900_001)),
        Event::Trade(es_buy),
        Event::Quote(quote(
            OPEN + 3 * SEC,
            c5800,
            "4.85",
            "4.90",
            (3, 12),
            (Some(301), Some(322)),
        )),
        Event::Quote(quote(
            OPEN + 3 * SEC,
            esz5(),
            "5801",
            "5801.5",
            (38, 7),
            (None, None),
        )),
        Event::Quote(quote(
            OPEN + 4 * SEC,
            p5790,
            "",
            "0.05",
            (0, 100),
            (None, Some(302)),
        )),
        Event::Trade(trade(OPEN + 5 * SEC, p5790, "0.05", 100, 322, 900_002)),
        Event::Trade(trade(OPEN + 6 * SEC, spy, "1.23", 1, 313, (1 << 33) + 7)),
        Event::Index(IndexValue {
            ts_event: UnixNanos(OPEN + 6 * SEC),
            ts_recv: UnixNanos(OPEN + 6 * SEC),
            instrument: Underlying::SPX.into(),
            value: px("5799.12"),
        }),
        Event::Trade(trade(
            OPEN + 7 * SEC,
            Underlying::SPY.into(),
            "600.01",
            100,
            4,
            1,
        )),
        Event::Trade(es_sell),
        // Out of ts_recv order on purpose: the writer sorts each schema by ts_recv.
        Event::Trade(es_late),
    ]
}

fn zstd_bytes(path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    zstd::stream::read::Decoder::new(File::open(path).unwrap())
        .unwrap()
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn read_events(path: &Path) -> Vec<Event> {
    databento::open(path)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn write(name: &str, events: &[Event], options: &WriteOptions) -> (PathBuf, Vec<PathBuf>) {
    let dir = temp_dir(name);
    let written = write_day(&dir, DATE, events, options).unwrap();
    (dir, written)
}

#[test]
fn writes_the_documented_layout() {
    let (dir, written) = write("layout", &day_events(), &WriteOptions::default());
    let expected: Vec<PathBuf> = DayFile::ALL
        .iter()
        .flat_map(|f| [FileFormat::Dbn, FileFormat::Csv].map(|fmt| f.path(&dir, DATE, fmt)))
        .collect();
    assert_eq!(written, expected);
    assert!(written[0].ends_with("OPRA.PILLAR/trades/2025-12-16.dbn.zst"));
    assert!(written[15].ends_with("GLBX.MDP3/definition/2025-12-16.csv.zst"));
    for path in &written {
        assert!(path.is_file(), "{}", path.display());
    }
    // No temporary file is left.
    let partial = walk(&dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "partial"));
    assert_eq!(partial.count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// `true` for a futures contract or an option on futures (written to GLBX.MDP3).
fn is_glbx(i: &Instrument) -> bool {
    match i {
        Instrument::Future(_) => true,
        Instrument::Option(c) => c.root.is_futures_option(),
        _ => false,
    }
}

/// What the reader gives back for a written event: venue ids become Databento publisher ids,
/// condition codes and the high bits of the sequence are lost, OPRA trades have no aggressor,
/// options on futures (GLBX) have no open interest.
fn as_read_back(sym: &DaySymbology, event: &Event) -> Option<Event> {
    let opra = |x: ExchangeId| ExchangeId(polygon_to_opra_publisher(x.0).unwrap());
    Some(match *event {
        Event::Trade(t) => {
            let exchange = match t.instrument {
                i if is_glbx(&i) => ExchangeId(1),
                Instrument::Option(_) => opra(t.exchange),
                _ => return None,
            };
            Event::Trade(Trade {
                exchange,
                conditions: Conditions::EMPTY,
                sequence: t.sequence & u64::from(u32::MAX),
                aggressor: if !is_glbx(&t.instrument) {
                    Side::None
                } else {
                    t.aggressor
                },
                ..t
            })
        }
        Event::Quote(q)
            if matches!(q.instrument, Instrument::Option(_) | Instrument::Future(_)) =>
        {
            let venue = |x: Option<ExchangeId>| match q.instrument {
                i if is_glbx(&i) => Some(ExchangeId(1)),
                _ => x.map(opra),
            };
            Event::Quote(Quote {
                bid_exchange: if q.bid.is_defined() {
                    venue(q.bid_exchange)
                } else {
                    None
                },
                ask_exchange: if q.ask.is_defined() {
                    venue(q.ask_exchange)
                } else {
                    None
                },
                ..q
            })
        }
        Event::OpenInterest(oi) if !is_glbx(&oi.instrument) => Event::OpenInterest(oi),
        Event::Definition(d) => Event::Definition(Definition {
            vendor_id: sym.instrument_id(&d.instrument).unwrap(),
            ..d
        }),
        _ => return None,
    })
}

fn sort_key(e: &Event) -> (u64, u64, String) {
    (
        e.ts_recv().as_u64(),
        e.ts_event().as_u64(),
        format!("{e:?}"),
    )
}

#[test]
fn dbn_and_csv_round_trip_through_the_reader() {
    let events = day_events();
    let (dir, written) = write("reader", &events, &WriteOptions::default());
    let sym = DaySymbology::new(DATE, &events).unwrap();
    for format in [FileFormat::Dbn, FileFormat::Csv] {
        let read = |f: DayFile| read_events(&f.path(&dir, DATE, format));
        let mut got: Vec<Event> = [
            DayFile::OpraTrades,
            DayFile::OpraCbbo,
            DayFile::OpraStatistics,
            DayFile::GlbxTrades,
            DayFile::GlbxMbp1,
        ]
        .into_iter()
        .flat_map(read)
        .collect();
        let mut want: Vec<Event> = events
            .iter()
            .filter_map(|e| as_read_back(&sym, e))
            .collect();
        // The definition event is compared below; the futures quote venue is GLBX's publisher.
        want.retain(|e| !matches!(e, Event::Definition(_)));
        assert_eq!(want.len(), 13, "2 open interest, 5 quotes, 6 trades");
        got.sort_by_key(sort_key);
        want.sort_by_key(sort_key);
        assert_eq!(got, want, "{format:?}");

        let defs = read(DayFile::OpraDefinition);
        assert_eq!(defs.len(), 3, "{format:?}");
        let call = defs
            .iter()
            .find_map(|e| match e {
                Event::Definition(d) if d.instrument == option("SPXW  251216C05800000") => Some(*d),
                _ => None,
            })
            .unwrap();
        let Some(Event::Definition(want_call)) = events.iter().find_map(|e| match e {
            Event::Definition(_) => as_read_back(&sym, e),
            _ => None,
        }) else {
            panic!("no definition in the events")
        };
        assert_eq!(call, want_call, "{format:?}");
        let put = defs
            .iter()
            .find_map(|e| match e {
                Event::Definition(d) if d.instrument == option("SPXW  251216P05790000") => Some(*d),
                _ => None,
            })
            .unwrap();
        assert_eq!(put.vendor_id, opra_id_base(DATE) + 1);
        assert_eq!(
            (put.multiplier, put.tick_size),
            (None, None),
            "OPRA carries no multiplier"
        );
        assert_eq!(put.expiration, Some(UnixNanos(1_765_843_200_000_000_000)));

        let bars = read(DayFile::GlbxOhlcv1m);
        assert_eq!(bars.len(), 2, "{format:?}");
        let Event::Bar(bar) = bars[0] else {
            panic!("{:?}", bars[0])
        };
        assert_eq!(bar.instrument, esz5());
        assert_eq!(
            (bar.open, bar.high, bar.close, bar.volume),
            (px("5801.25"), px("5802"), px("5802"), Size::new(4))
        );
        assert_eq!(bar.interval_ns, 60 * SEC);
        let fut_defs = read(DayFile::GlbxDefinition);
        let Event::Definition(es) = fut_defs[0] else {
            panic!("{:?}", fut_defs[0])
        };
        assert_eq!(
            (es.instrument, es.multiplier, es.tick_size),
            (esz5(), Some(50), Some(px("0.25")))
        );
    }
    assert_eq!(written.len(), 16);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn first_line(path: &Path) -> String {
    let text = String::from_utf8(zstd_bytes(path)).unwrap();
    text.lines().next().unwrap().to_owned()
}

fn real_header(dataset: &str, schema: &str) -> String {
    let path = gammaflow_testkit::shared_data(&format!(
        "databento/csv/databento-python/{dataset}/{schema}.raw.csv"
    ));
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn csv_headers_and_rows_match_databento_csv() {
    let events = day_events();
    let (dir, _) = write("csv", &events, &WriteOptions::default());
    let csv = |f: DayFile| f.path(&dir, DATE, FileFormat::Csv);
    for (file, dataset, schema) in [
        (DayFile::OpraTrades, "OPRA.PILLAR", "trades"),
        (DayFile::OpraStatistics, "OPRA.PILLAR", "statistics"),
        (DayFile::OpraDefinition, "OPRA.PILLAR", "definition"),
        (DayFile::GlbxTrades, "GLBX.MDP3", "trades"),
        (DayFile::GlbxMbp1, "GLBX.MDP3", "mbp-1"),
        (DayFile::GlbxOhlcv1m, "GLBX.MDP3", "ohlcv-1m"),
        (DayFile::GlbxDefinition, "GLBX.MDP3", "definition"),
    ] {
        assert_eq!(
            first_line(&csv(file)),
            real_header(dataset, schema),
            "{file:?}"
        );
    }
    // No real cmbp-1 sample: the header documented in FORMATS.md §2.
    assert_eq!(
        first_line(&csv(DayFile::OpraCbbo)),
        "ts_recv,ts_event,rtype,publisher_id,instrument_id,action,side,price,size,flags,ts_in_delta,\
         bid_px_00,ask_px_00,bid_sz_00,ask_sz_00,bid_pb_00,ask_pb_00,symbol"
    );
    let text = String::from_utf8(zstd_bytes(&csv(DayFile::OpraTrades))).unwrap();
    let base = opra_id_base(DATE);
    let row = text.lines().nth(1).unwrap();
    assert_eq!(
        row,
        format!(
            "{},{},0,22,{base},T,N,0,4850000000,5,194,0,900001,SPXW  251216C05800000",
            OPEN + SEC + 150_000,
            OPEN + SEC
        )
    );
    let stats = String::from_utf8(zstd_bytes(&csv(DayFile::OpraStatistics))).unwrap();
    let oi_rows: Vec<&str> = stats
        .lines()
        .skip(1)
        .filter(|l| l.contains(",57924,"))
        .collect();
    assert_eq!(oi_rows.len(), venues::opra_exchange_publishers().len());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn same_events_give_byte_identical_files() {
    let events = day_events();
    let (a, first) = write("determinism-a", &events, &WriteOptions::default());
    let (b, second) = write("determinism-b", &events, &WriteOptions::default());
    assert_eq!(first.len(), second.len());
    for (x, y) in first.iter().zip(&second) {
        assert_eq!(x.strip_prefix(&a).unwrap(), y.strip_prefix(&b).unwrap());
        assert_eq!(
            std::fs::read(x).unwrap(),
            std::fs::read(y).unwrap(),
            "{}",
            x.display()
        );
    }
    std::fs::remove_dir_all(&a).unwrap();
    std::fs::remove_dir_all(&b).unwrap();
}

#[test]
fn given_bars_are_written_instead_of_built_ones() {
    let bar = Bar {
        ts_event: UnixNanos(OPEN),
        ts_recv: UnixNanos(OPEN + 60 * SEC),
        instrument: esz5(),
        open: px("5800"),
        high: px("5805"),
        low: px("5799.75"),
        close: px("5804.5"),
        volume: Size::new(1234),
        interval_ns: 60 * SEC,
    };
    let mut events = day_events();
    events.push(Event::Bar(bar));
    let (dir, _) = write(
        "bars",
        &events,
        &WriteOptions {
            csv: false,
            ..WriteOptions::default()
        },
    );
    let got = read_events(&DayFile::GlbxOhlcv1m.path(&dir, DATE, FileFormat::Dbn));
    assert_eq!(got, vec![Event::Bar(bar)]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn databento_numbered_venues_pass_through() {
    let c = option("SPXW  251216C05800000");
    let events = vec![Event::Trade(trade(OPEN, c, "1", 1, 37, 1))];
    let options = WriteOptions {
        exchange_ids: ExchangeIds::Databento,
        csv: false,
        ..WriteOptions::default()
    };
    let (dir, _) = write("databento-ids", &events, &options);
    let got = read_events(&DayFile::OpraTrades.path(&dir, DATE, FileFormat::Dbn));
    let Event::Trade(t) = got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(t.exchange, ExchangeId(37));
    assert_eq!(
        opra_publisher_to_polygon(37),
        None,
        "MXOP has no Polygon id"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_gives_clear_errors_and_leaves_no_files() {
    let dir = temp_dir("bad");
    // A regular file where a directory is needed.
    let blocker = dir.join("not-a-dir");
    std::fs::write(&blocker, b"x").unwrap();
    let err = write_day(&blocker, DATE, &day_events(), &WriteOptions::default()).unwrap_err();
    let DatabentoError::Io { path, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(path.starts_with(&blocker.display().to_string()), "{err}");

    let c = option("SPXW  251216C05800000");
    let mut undefined = trade(OPEN, c, "1", 1, 302, 1);
    undefined.price = Price::UNDEF;
    let mut events = day_events();
    events.push(Event::Trade(undefined));
    let out = dir.join("out");
    let err = write_day(&out, DATE, &events, &WriteOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "event {} (SPXW 2025-12-16 C 5800): cannot write it to Databento: the trade price is undefined (Price::UNDEF)",
            events.len() - 1
        )
    );
    assert!(
        walk(&out).is_empty(),
        "partial files removed: {:?}",
        walk(&out)
    );

    let err = write_day(
        &out,
        DATE,
        &[Event::Trade(trade(OPEN, c, "1", 1, 999, 1))],
        &WriteOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, DatabentoError::Unwritable { index: 0, reason, .. } if reason.contains("999")),
        "{err}"
    );

    let odd = OptionContract::new(
        gammaflow_model::OptionRoot::SPXW,
        DATE,
        gammaflow_model::OptionRight::Call,
        Price::from_raw(1),
    );
    let err = write_day(
        &out,
        DATE,
        &[Event::Trade(trade(OPEN, odd.into(), "1", 1, 302, 1))],
        &WriteOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, DatabentoError::Unwritable { index: 0, reason, .. } if reason.contains("strike")),
        "{err}"
    );

    let long_root = FutureSymbol::new("ABCD", 2025, 12).unwrap();
    let err = write_day(
        &out,
        DATE,
        &[Event::Trade(trade(OPEN, long_root.into(), "1", 1, 0, 1))],
        &WriteOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("ABCD"), "{err}");

    let none = WriteOptions {
        dbn: false,
        csv: false,
        ..WriteOptions::default()
    };
    let err = write_day(&out, DATE, &day_events(), &none).unwrap_err();
    assert!(matches!(err, DatabentoError::WriteSetup { .. }), "{err}");
    assert!(walk(&out).is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn days_without_written_instruments_write_nothing() {
    let dir = temp_dir("empty");
    let index_only = vec![Event::Index(IndexValue {
        ts_event: UnixNanos(OPEN),
        ts_recv: UnixNanos(OPEN),
        instrument: Underlying::SPX.into(),
        value: px("5800"),
    })];
    assert!(
        write_day(&dir, DATE, &index_only, &WriteOptions::default())
            .unwrap()
            .is_empty()
    );
    assert!(walk(&dir).is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn venue_table_round_trips() {
    for polygon in 300..=330u16 {
        if let Some(publisher) = polygon_to_opra_publisher(polygon) {
            assert_eq!(opra_publisher_to_polygon(publisher), Some(polygon));
        }
    }
    assert_eq!(polygon_to_opra_publisher(302), Some(22));
    assert_eq!(polygon_to_opra_publisher(314), Some(30));
}

/// The Polygon ids of the venue table, for generated trades.
const POLYGON_VENUES: [u16; 17] = [
    300, 301, 302, 303, 304, 307, 308, 309, 312, 313, 314, 315, 316, 319, 322, 323, 325,
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Arbitrary option trades (any defined price, size, timestamps, strike on the 0.001 grid,
    /// venue of the table) come back from both encodings exactly, up to the documented losses.
    #[test]
    fn arbitrary_option_trades_round_trip(
        trades in proptest::collection::vec(
            (
                0u64..86_400 * SEC,
                0u64..1_000_000,
                i64::MIN..i64::MAX,
                proptest::prelude::any::<u32>(),
                0usize..POLYGON_VENUES.len(),
                1i64..99_999_999,
                proptest::prelude::any::<bool>(),
                proptest::prelude::any::<u64>(),
            ),
            1..12,
        )
    ) {
        let midnight = 1_765_843_200_000_000_000u64;
        let events: Vec<Event> = trades
            .iter()
            .map(|&(t, delay, price, size, venue, strike, call, seq)| {
                let right = if call {
                    gammaflow_model::OptionRight::Call
                } else {
                    gammaflow_model::OptionRight::Put
                };
                let contract = OptionContract::new(
                    gammaflow_model::OptionRoot::SPXW,
                    DATE,
                    right,
                    Price::from_raw(strike * 1_000_000),
                );
                Event::Trade(Trade {
                    ts_event: UnixNanos(midnight + t),
                    ts_recv: UnixNanos(midnight + t + delay),
                    instrument: contract.into(),
                    price: Price::from_raw(price),
                    size: Size::new(size),
                    exchange: ExchangeId(POLYGON_VENUES[venue]),
                    conditions: Conditions::EMPTY,
                    sequence: seq,
                    aggressor: Side::None,
                })
            })
            .collect();
        let dir = temp_dir("prop");
        write_day(&dir, DATE, &events, &WriteOptions::default()).unwrap();
        let sym = DaySymbology::new(DATE, &events).unwrap();
        let mut want: Vec<Event> = events.iter().filter_map(|e| as_read_back(&sym, e)).collect();
        want.sort_by_key(sort_key);
        for format in [FileFormat::Dbn, FileFormat::Csv] {
            let mut got = read_events(&DayFile::OpraTrades.path(&dir, DATE, format));
            got.sort_by_key(sort_key);
            proptest::prop_assert_eq!(&got, &want, "{:?}", format);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
