//! The OPRA loader: golden values on the real Databento OPRA samples (AAPL, checked by hand against
//! their `.pretty.csv` twins), DBN and CSV alike, open-interest de-duplication and conflicts; and
//! the simulated day shared by the `iv` and `oi` tests.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gammaflow_master::opra::{OpraDay, OpraFiles, Roots, audit_statistics};
use gammaflow_master::validate::Check;
use gammaflow_model::event::Event;
use gammaflow_model::session::from_new_york;
use gammaflow_model::{OptionContract, UnixNanos};
use gammaflow_sources::databento::write::{WriteOptions, write_day};
use gammaflow_sources::sim::{Products, SimConfig, Simulator};
use jiff::civil::{Date, date, time};

/// The real OPRA sample directory (DBN).
fn dbn(schema: &str) -> PathBuf {
    gammaflow_testkit::shared_data(&format!(
        "databento/databento-python/OPRA.PILLAR/test_data.{schema}.dbn.zst"
    ))
}

/// The CSV twins.
fn csv(schema: &str, encoding: &str) -> PathBuf {
    gammaflow_testkit::shared_data(&format!(
        "databento/csv/databento-python/OPRA.PILLAR/{schema}.{encoding}.csv"
    ))
}

const TRADE_DATE: Date = date(2025, 2, 20);

fn window() -> (UnixNanos, UnixNanos) {
    (
        from_new_york(date(2025, 2, 19), time(20, 15, 0, 0)).unwrap(),
        from_new_york(TRADE_DATE, time(16, 0, 0, 0)).unwrap(),
    )
}

fn aapl() -> OptionContract {
    OptionContract::parse_any("AAPL  250221C00250000").unwrap()
}

/// 2025-02-20 14:30:02 UTC: after the four trades and tbbo quotes (14:30:00.8–14:30:01.7).
const AFTER: UnixNanos = UnixNanos(1_740_061_802_000_000_000);

fn check_golden(files: &OpraFiles) {
    let mut day = OpraDay::open(files, TRADE_DATE, window(), Roots::Any).unwrap();
    // Nothing applied yet, but the day's open interest is known from the start.
    let early = day.snapshot(UnixNanos(1_740_000_000_000_000_000), None);
    assert_eq!(early.contracts.len(), 1);
    assert_eq!(early.contracts[0].oi, Some(57_924));
    assert_eq!(early.contracts[0].mid, None);
    let s = day.snapshot_at(AFTER, Some(date(2025, 2, 21))).unwrap();
    let c = s.get(&aapl()).unwrap();
    // The last tbbo quote: 0.19 x 0.21, sizes 4 x 4; trades 1 + 2 + 1 + 4.
    assert_eq!(
        (c.bid, c.ask, c.bid_size, c.ask_size),
        (Some(0.19), Some(0.21), 4, 4)
    );
    assert!((c.mid.unwrap() - 0.20).abs() < 1e-12);
    assert_eq!(c.volume, 8);
    assert_eq!(c.oi, Some(57_924));
    assert_eq!(c.quote_ts, Some(UnixNanos(1_740_061_801_745_727_547)));
    assert_eq!(c.strike, 250.0);
    day.drain().unwrap();
    let st = day.stats();
    assert_eq!((st.quotes, st.trades, st.definitions), (4, 4, 1));
    // Four publishers, one figure: three repeats dropped by the decoder.
    assert_eq!((st.oi_contracts, st.oi_duplicates), (1, 3));
    assert!(day.findings().is_empty());
    let (_, audit) = &day.oi_audits()[0];
    assert_eq!(
        (audit.records, audit.groups, audit.exact_duplicates),
        (4, 1, 3)
    );
    assert!(audit.conflicts.is_empty());
    // SPX only: nothing of AAPL is kept.
    let mut spx = OpraDay::open(files, TRADE_DATE, window(), Roots::Spx).unwrap();
    spx.drain().unwrap();
    assert!(spx.book().is_empty());
    assert_eq!(spx.stats().other_roots, 8);
}

#[test]
fn golden_real_dbn_samples() {
    let files = OpraFiles {
        quotes: vec![dbn("tbbo")],
        trades: vec![dbn("trades")],
        statistics: vec![dbn("statistics")],
        definitions: vec![dbn("definition")],
    };
    check_golden(&files);
}

#[test]
fn golden_real_csv_samples_raw_and_pretty() {
    for enc in ["raw", "pretty"] {
        let files = OpraFiles {
            quotes: vec![csv("tbbo", enc)],
            trades: vec![csv("trades", enc)],
            statistics: vec![csv("statistics", enc)],
            definitions: vec![csv("definition", enc)],
        };
        check_golden(&files);
    }
}

#[test]
fn tbbo_trades_count_without_a_trades_file() {
    let files = OpraFiles {
        quotes: vec![dbn("tbbo")],
        ..OpraFiles::default()
    };
    let mut day = OpraDay::open(&files, TRADE_DATE, window(), Roots::Any).unwrap();
    // Iterating gives the events in ts_recv order, each applied.
    let events: Vec<Event> = day.by_ref().map(Result::unwrap).collect();
    assert_eq!(events.len(), 8);
    assert!(events.windows(2).all(|w| w[0].ts_recv() <= w[1].ts_recv()));
    let c = day.snapshot(AFTER, None);
    assert_eq!(c.contracts[0].volume, 8);
    assert_eq!(c.contracts[0].oi, None);
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gammaflow-master-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn conflicting_open_interest_is_a_finding() {
    let dir = temp_dir("oi-conflict");
    let text = std::fs::read_to_string(csv("statistics", "raw")).unwrap();
    // The third record (publisher 23, line 4) says 57925.
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 3 {
                l.replace(",57924,", ",57925,")
            } else {
                l.to_owned()
            }
        })
        .collect();
    let path = dir.join("statistics.csv");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let audit = audit_statistics(&path, &Roots::Any).unwrap();
    assert_eq!((audit.records, audit.exact_duplicates), (4, 2));
    assert_eq!(audit.conflicts.len(), 1);
    let conflict = &audit.conflicts[0];
    assert_eq!(conflict.record, 4);
    assert_eq!(conflict.symbol, "AAPL  250221C00250000");
    assert_eq!(
        conflict.values,
        [(37, 57_924), (31, 57_924), (23, 57_925), (24, 57_924)]
    );
    let files = OpraFiles {
        statistics: vec![path.clone()],
        ..OpraFiles::default()
    };
    let day = OpraDay::open(&files, TRADE_DATE, window(), Roots::Any).unwrap();
    assert_eq!(day.book().get(&aapl()).unwrap().oi, Some(57_924));
    let f = day.findings();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].check, Check::OiConflict);
    assert_eq!(f[0].record.to_string(), "#4");
    assert!(
        f[0].detail.contains("57925 (publisher 23)"),
        "{}",
        f[0].detail
    );
    // The same figure in two files with different values is a conflict too.
    let files = OpraFiles {
        statistics: vec![dbn("statistics"), path],
        ..OpraFiles::default()
    };
    let day = OpraDay::open(&files, TRADE_DATE, window(), Roots::Any).unwrap();
    assert_eq!(day.book().get(&aapl()).unwrap().oi, Some(57_924));
    assert_eq!(
        day.findings()
            .iter()
            .filter(|f| f.check == Check::OiConflict)
            .count(),
        1
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_statistics_csv_names_file_and_line() {
    let dir = temp_dir("oi-bad");
    let path = dir.join("statistics.csv");
    std::fs::write(
        &path,
        "ts_recv,publisher_id,instrument_id,quantity,stat_type\n1,2,3,x,9\n",
    )
    .unwrap();
    let err = audit_statistics(&path, &Roots::Any)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("statistics.csv") && err.contains("line 2") && err.contains("quantity"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A simulated day written as Databento files: SPX index values and SPXW options only.
pub(super) struct SimDay {
    /// The directory holding `OPRA.PILLAR/`.
    pub dir: PathBuf,
    /// The trade date.
    pub date: Date,
    /// The simulator's events of the day.
    pub events: Vec<Event>,
}

/// The shared simulated day (written once per test run).
pub(super) fn sim_day() -> &'static SimDay {
    static DAY: OnceLock<SimDay> = OnceLock::new();
    DAY.get_or_init(|| {
        let day = date(2025, 6, 10);
        let config = SimConfig {
            start: day,
            days: 1,
            products: Products {
                spx_index: true,
                es: false,
                spy: false,
                spxw_options: true,
                spy_options: false,
                es_options: false,
            },
            spxw_strikes: 30,
            expiries: 2,
            activity: 0.01,
            ..SimConfig::default()
        };
        let events: Vec<Event> = Simulator::new(config).unwrap().collect();
        let dir = temp_dir("sim-opra");
        write_day(&dir, day, &events, &WriteOptions::default()).unwrap();
        SimDay {
            dir,
            date: day,
            events,
        }
    })
}

#[test]
fn finds_the_files_of_a_written_day() {
    let sim = sim_day();
    let files = OpraFiles::find(&sim.dir, sim.date);
    let name = |p: &Path| p.display().to_string();
    assert!(name(&files.quotes[0]).ends_with("OPRA.PILLAR/cbbo/2025-06-10.dbn.zst"));
    assert!(name(&files.trades[0]).ends_with("OPRA.PILLAR/trades/2025-06-10.dbn.zst"));
    assert!(name(&files.statistics[0]).ends_with("statistics/2025-06-10.dbn.zst"));
    assert!(name(&files.definitions[0]).ends_with("definition/2025-06-10.dbn.zst"));
    assert!(OpraFiles::find(&sim.dir, date(2025, 6, 11)).is_empty());
}
