//! Build tests: a simulated three-day history end to end (rows, manifest, byte-identical
//! rebuild, read-only outputs, a corrupt day skipped), and the golden build on the real
//! Databento ES sample.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use gammaflow_master::build::{BuildOptions, BuildSummary, DayStatus, build, build_with};
use gammaflow_master::config::MasterConfig;
use gammaflow_master::loaders::DayRule;
use gammaflow_master::ranges::{DayInputs, SpxOpen};
use gammaflow_model::event::{Event, FutureSymbol, Instrument};
use gammaflow_model::session::{CASH_OPEN, from_new_york, to_new_york};
use gammaflow_model::{Ticker, UnixNanos};
use gammaflow_sources::databento::{self, write::WriteOptions, write::write_day};
use gammaflow_sources::sim::{Products, SimConfig, Simulator};
use gammaflow_testkit::{make_writable, shared_data};
use jiff::civil::{Date, date};
use parquet::file::reader::{FileReader, SerializedFileReader};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gammaflow-master-{name}-{}", std::process::id()));
    make_writable(&dir).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Three simulated days (ES and SPX only) written as Databento files; the SPX open of each day
/// (first `I:SPX` at or after 09:30 ET) from the events, which Databento files cannot carry.
fn simulate(dir: &Path) -> BTreeMap<Date, SpxOpen> {
    let config = SimConfig {
        start: date(2025, 6, 9),
        days: 3,
        products: Products {
            spx_index: true,
            es: true,
            spy: false,
            spxw_options: false,
            spy_options: false,
            es_options: false,
        },
        activity: 0.05,
        ..SimConfig::default()
    };
    let mut opens = BTreeMap::new();
    let mut days: BTreeMap<Date, Vec<Event>> = BTreeMap::new();
    for e in Simulator::new(config).unwrap() {
        let d = to_new_york(e.ts_event()).unwrap().date();
        if let Event::Index(v) = &e
            && v.instrument == Instrument::Index(Ticker::SPX)
            && e.ts_event() >= from_new_york(d, CASH_OPEN).unwrap()
        {
            opens.entry(d).or_insert(SpxOpen {
                ts: v.ts_event,
                value: v.value.to_f64(),
                basis: None,
            });
        }
        days.entry(d).or_default().push(e);
    }
    let options = WriteOptions {
        csv: false,
        ..WriteOptions::default()
    };
    for (d, events) in &days {
        write_day(dir, *d, events, &options).unwrap();
    }
    opens
}

fn config_in(dir: &Path, es: &str) -> MasterConfig {
    let path = dir.join("config.yaml");
    let text = format!("paths:\n  es: \"{es}\"\n  output: \"./out\"\n");
    std::fs::write(&path, &text).unwrap();
    MasterConfig::load(&path).unwrap()
}

fn read_dir_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn file_named(summary: &BuildSummary, prefix: &str, ext: &str) -> PathBuf {
    let name = summary
        .files
        .iter()
        .find(|f| f.starts_with(prefix) && f.ends_with(ext))
        .unwrap();
    summary.out_dir.join(name)
}

const FAR_FUTURE: UnixNanos = UnixNanos(4_000_000_000_000_000_000);

#[test]
fn simulated_history_builds_reproducibly() {
    let dir = temp_dir("build-sim");
    let opens = simulate(&dir);
    assert_eq!(opens.len(), 3);
    let config = config_in(&dir, "./GLBX.MDP3");
    let options = BuildOptions {
        now: Some(FAR_FUTURE),
        ..BuildOptions::default()
    };
    let mut hook = |d: Date| {
        Ok(DayInputs {
            spx_open: opens.get(&d).copied(),
            atm_iv: vec![(from_new_york(d, CASH_OPEN).unwrap(), 0.15)],
        })
    };
    let mut seen = Vec::new();
    let summary = build_with(&config, &options, &mut hook, &mut |p| {
        seen.push((p.trade_date, p.status.clone()))
    })
    .unwrap();
    assert_eq!(
        (summary.days_built, summary.skipped, summary.rows),
        (3, 0, 3)
    );
    assert!(summary.finalized);
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter()
            .all(|(_, s)| matches!(s, DayStatus::Built { .. }))
    );
    assert!(
        summary
            .line()
            .starts_with("SUMMARY days_built=3 skipped=0 flagged=")
    );

    let master = file_named(&summary, "MASTER_OUTPUT_", ".csv");
    let stem = format!("RANGE_ENGINE_v1_{}", &config.config_hash()[..12]);
    assert_eq!(
        master.file_name().unwrap().to_string_lossy(),
        format!("MASTER_OUTPUT_{stem}.csv")
    );
    let rows = csv_rows(&master);
    assert_eq!(rows.len(), 3);
    let dates: Vec<&str> = rows.iter().map(|r| r["trade_date"].as_str()).collect();
    assert_eq!(dates, ["2025-06-09", "2025-06-10", "2025-06-11"]);
    for r in &rows {
        assert_eq!(r["es_contract"], "ESM25");
        assert_eq!(r["ranges_input"], "trades");
        assert_eq!(r["vwap_source"], "computed");
        assert!(!r["vwap"].is_empty() && r["vwap_rtvolume"].is_empty());
        assert!(!r["spx_open"].is_empty() && !r["basis_at_open"].is_empty());
        let h: f64 = r["afternoon_half_width_1s"].parse().unwrap();
        assert!(h > 5.0 && h < 200.0, "{h}");
        assert!(!r["afternoon_closed_inside"].is_empty());
        assert!(!r["rv_full_c2c"].is_empty());
        assert!(r["iv_atm_full"].is_empty(), "pending column");
        assert_eq!(r["model_version"], "RANGE_ENGINE_v1");
        assert_eq!(r["config_hash"], config.config_hash());
    }
    // Percentile ranks: the first day has no history, the third one has.
    assert!(rows[0]["rv_full_c2c_rank_full"].is_empty());
    assert!(!rows[2]["rv_full_c2c_rank_full"].is_empty());
    // The touches table matches the counts.
    let touches = csv_rows(&file_named(&summary, "RANGE_TOUCHES_", ".csv"));
    let counted: usize = rows
        .iter()
        .map(|r| {
            r["morning_touches"].parse::<usize>().unwrap()
                + r["afternoon_touches"].parse::<usize>().unwrap()
        })
        .sum();
    assert_eq!(touches.len(), counted);

    // Parquet: three rows, the same columns.
    let pq = file_named(&summary, "MASTER_OUTPUT_", ".parquet");
    let reader = SerializedFileReader::new(File::open(&pq).unwrap()).unwrap();
    assert_eq!(reader.metadata().file_metadata().num_rows(), 3);
    assert_eq!(
        reader.metadata().file_metadata().created_by(),
        Some("gammaflow-master")
    );
    let header = csv::Reader::from_path(&master)
        .unwrap()
        .headers()
        .unwrap()
        .clone();
    let schema = reader.metadata().file_metadata().schema_descr();
    assert_eq!(schema.num_columns(), header.len());

    // Dictionary: every column of the CSV, with a type.
    let dict = csv_rows(&file_named(&summary, "DATA_DICTIONARY_", ".csv"));
    for h in header.iter() {
        assert!(
            dict.iter()
                .any(|d| d["table"] == "MASTER_OUTPUT" && d["name"] == h && !d["type"].is_empty()),
            "{h}"
        );
    }

    // Manifest.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(file_named(&summary, "MANIFEST_", ".json")).unwrap())
            .unwrap();
    assert_eq!(manifest["model_version"], "RANGE_ENGINE_v1");
    assert_eq!(manifest["config_hash"], config.config_hash().as_str());
    assert_eq!(manifest["program_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["row_count"], 3);
    let inputs = manifest["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 6, "{inputs:?}"); // 3 ohlcv-1m + 3 trades
    for i in inputs {
        assert_eq!(i["sha256"].as_str().unwrap().len(), 64);
        assert!(i["path"].as_str().unwrap().starts_with("GLBX.MDP3/"));
    }

    // Read-only, and a rebuild is byte-identical (and succeeds over the read-only files).
    for f in &summary.files {
        let meta = std::fs::metadata(summary.out_dir.join(f)).unwrap();
        assert!(meta.permissions().readonly(), "{f}");
    }
    let before = read_dir_bytes(&summary.out_dir);
    let again = build_with(&config, &options, &mut hook, &mut |_| {}).unwrap();
    assert_eq!(read_dir_bytes(&again.out_dir), before);

    // Without the SPX/IV hook the output differs: refused over finalized files unless forced.
    let err = build(&config, &options, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("--force"), "{err}");
    let forced = build(
        &config,
        &BuildOptions {
            force: true,
            ..options.clone()
        },
        &mut |_| {},
    )
    .unwrap();
    let rows = csv_rows(&file_named(&forced, "MASTER_OUTPUT_", ".csv"));
    assert!(rows.iter().all(|r| r["afternoon_half_width_1s"].is_empty()));

    // A partial build gets its own file names and leaves the full build's files alone.
    let part = build(
        &config,
        &BuildOptions {
            from: Some(date(2025, 6, 10)),
            to: Some(date(2025, 6, 10)),
            ..options.clone()
        },
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(part.rows, 1);
    let part_csv = file_named(&part, "MASTER_OUTPUT_", ".csv");
    assert!(
        part_csv
            .to_string_lossy()
            .ends_with(&format!("{stem}_2025-06-10_2025-06-10.csv")),
        "{}",
        part_csv.display()
    );

    // A corrupt file: its day is skipped and recorded, the others are built.
    let bad = dir.join("GLBX.MDP3/ohlcv-1m/2025-06-10.dbn.zst");
    std::fs::write(&bad, b"this is not a DBN file").unwrap();
    let out = dir.join("out-corrupt");
    let summary = build(
        &config,
        &BuildOptions {
            out: Some(out.clone()),
            ..options.clone()
        },
        &mut |_| {},
    )
    .unwrap();
    assert_eq!((summary.days_built, summary.skipped), (2, 1));
    let report = csv_rows(&file_named(&summary, "VALIDATION_REPORT_", ".csv"));
    let unreadable: Vec<_> = report
        .iter()
        .filter(|r| r["check"] == "unreadable")
        .collect();
    assert_eq!(unreadable.len(), 1);
    assert_eq!(unreadable[0]["trade_date"], "2025-06-10");
    assert!(unreadable[0]["detail"].contains("2025-06-10.dbn.zst"));
    // No ES file at all for the middle day: reported as a missing day, the others built.
    let es_dir = dir.join("GLBX.MDP3");
    for schema in std::fs::read_dir(&es_dir).unwrap() {
        for f in std::fs::read_dir(schema.unwrap().path()).unwrap() {
            let path = f.unwrap().path();
            if path.to_string_lossy().contains("2025-06-10") {
                std::fs::remove_file(path).unwrap();
            }
        }
    }
    let summary = build(
        &config,
        &BuildOptions {
            out: Some(dir.join("out-missing")),
            ..options.clone()
        },
        &mut |_| {},
    )
    .unwrap();
    assert_eq!((summary.days_built, summary.skipped), (2, 1));
    let report = csv_rows(&file_named(&summary, "VALIDATION_REPORT_", ".csv"));
    let missing: Vec<_> = report
        .iter()
        .filter(|r| r["check"] == "missing_day")
        .collect();
    assert_eq!(missing.len(), 1, "{report:?}");
    assert_eq!(missing[0]["trade_date"], "2025-06-10");
    make_writable(&dir).unwrap();
}

/// The real Databento ES sample (2024-07-01 19:40–20:09 ET bars, 19:58–20:02 ET trades) under
/// the Globex day rule: one row for 2024-07-02, ranges fed by the trades.
#[test]
fn golden_build_on_the_real_es_sample() {
    let sample = shared_data("databento/nautilus/historical_bars_catalog/databento");
    let dir = temp_dir("build-golden");
    let config = config_in(&dir, &sample.display().to_string());
    let options = BuildOptions {
        day_rule: DayRule::Globex,
        now: Some(FAR_FUTURE),
        ..BuildOptions::default()
    };
    let summary = build(&config, &options, &mut |_| {}).unwrap();
    assert_eq!((summary.days_built, summary.skipped), (1, 0));
    let rows = csv_rows(&file_named(&summary, "MASTER_OUTPUT_", ".csv"));
    let r = &rows[0];
    assert_eq!(r["trade_date"], "2024-07-02");
    assert_eq!(r["es_contract"], "ESU24");
    assert_eq!(r["es_bars"], "30");
    assert_eq!(r["es_open"], "5527.25");
    assert_eq!(r["es_close"], "5528.5");
    assert_eq!(r["ranges_input"], "trades");
    assert_eq!(r["rv_overnight_bars"], "30");
    assert!(!r["rv_overnight_c2c"].is_empty());
    // The VWAP of the ESU24 trades, computed independently.
    let esu24 = Instrument::Future(FutureSymbol::new("ES", 2024, 9).unwrap());
    let (mut pq, mut q, mut n) = (0.0, 0.0, 0u64);
    for e in
        databento::open(sample.join("futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst"))
            .unwrap()
    {
        if let Event::Trade(t) = e.unwrap()
            && t.instrument == esu24
        {
            pq += t.price.to_f64() * t.size.as_u64() as f64;
            q += t.size.as_u64() as f64;
            n += 1;
        }
    }
    assert_eq!(r["ranges_ticks"], n.to_string());
    let vwap: f64 = r["vwap"].parse().unwrap();
    assert!((vwap - pq / q).abs() < 1e-9, "{vwap} vs {}", pq / q);
    assert_eq!(r["vwap_source"], "computed");
    // Outside both range windows (they start 20:15 ET): no bands, no touches.
    assert_eq!(r["morning_touches"], "0");
    assert!(r["morning_upper_1s"].is_empty() && r["afternoon_upper_1s"].is_empty());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(file_named(&summary, "MANIFEST_", ".json")).unwrap())
            .unwrap();
    let roles: Vec<&str> = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["es_ohlcv_1m", "es_trades"]);
    assert_eq!(manifest["day_rule"], "globex");
}

/// One simulated day with ES, SPX and SPXW options, and GEXBot files (`tests/data/gexbot`):
/// the GEX columns are filled, diff = GEXBot − (ours + ES − SPX basis); without GEXBot files
/// only ours and the offset are.
#[test]
fn gex_columns_are_filled_from_opra_and_gexbot() {
    let dir = temp_dir("build-gex");
    let day = date(2025, 6, 10);
    let sim = SimConfig {
        start: day,
        days: 1,
        products: Products {
            spx_index: true,
            es: true,
            spy: false,
            spxw_options: true,
            spy_options: false,
            es_options: false,
        },
        spxw_strikes: 30,
        expiries: 1,
        activity: 0.01,
        ..SimConfig::default()
    };
    let events: Vec<Event> = Simulator::new(sim).unwrap().collect();
    let options = WriteOptions {
        csv: false,
        ..WriteOptions::default()
    };
    write_day(&dir, day, &events, &options).unwrap();
    let gexbot = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/gexbot");
    for (name, gex) in [("with", Some(&gexbot)), ("without", None)] {
        let mut text = "paths:\n  es: \"./GLBX.MDP3\"\n  opra: \".\"\n".to_owned();
        text.push_str(&format!("  output: \"./out-{name}\"\n"));
        if let Some(g) = gex {
            text.push_str(&format!("  gex: \"{}\"\n", g.display()));
        }
        let path = dir.join(format!("config-{name}.yaml"));
        std::fs::write(&path, text).unwrap();
        let config = MasterConfig::load(&path).unwrap();
        let opts = BuildOptions {
            now: Some(FAR_FUTURE),
            ..BuildOptions::default()
        };
        let summary = build(&config, &opts, &mut |_| {}).unwrap();
        assert_eq!(summary.days_built, 1);
        let rows = csv_rows(&file_named(&summary, "MASTER_OUTPUT_", ".csv"));
        let r = &rows[0];
        let own: f64 = r["gex_zero_gamma_own"].parse().unwrap();
        assert!(own > 1000.0, "{own}");
        if gex.is_some() {
            let vendor: f64 = r["gex_zero_gamma_gexbot"].parse().unwrap();
            assert_eq!(vendor, 6042.5);
            // ES_SPX is in ES points: ours is moved by the ES - SPX basis at the instant (the
            // simulator's ES carries SPX at r - q to the quarterly expiry: a few points).
            let offset: f64 = r["gex_offset"].parse().unwrap();
            assert!(offset > 0.0 && offset < 60.0, "{offset}");
            let diff: f64 = r["gex_zero_gamma_diff"].parse().unwrap();
            assert!(
                (diff - (vendor - own - offset)).abs() < 1e-6,
                "{diff} {vendor} {own} {offset}"
            );
        } else {
            assert!(r["gex_zero_gamma_gexbot"].is_empty());
            assert!(r["gex_zero_gamma_diff"].is_empty());
        }
        let manifest = std::fs::read_to_string(file_named(&summary, "MANIFEST_", ".json")).unwrap();
        assert!(!manifest.contains("gex_zero_gamma"), "{manifest}");
    }
    make_writable(&dir).unwrap();
}
