//! GEXBot loader (JSON fixture checked against GEXBot's OpenAPI schema, JSON lines, zstd, a CSV
//! export through a configured mapping, errors naming file/record/field), the `gex:` config
//! section, and the comparison of our levels with GEXBot's at a known offset.

use std::path::{Path, PathBuf};

use gammaflow_master::config::MasterConfig;
use gammaflow_master::gex::{
    GexAsOf, GexContract, GexEngine, GexLevels, GexParams, GexSnapshot, OptionKind, compare,
};
use gammaflow_master::loaders::DayRule;
use gammaflow_master::loaders::gexbot::{
    GexBotReader, GexFormat, GexReadOptions, GexRecord, RecordPos,
};
use gammaflow_model::UnixNanos;
use gammaflow_testkit::shared_data;
use jiff::civil::date;
use serde_json::Value;

const FIXTURE: &str = "ES_SPX_classic_gex_zero_2025-06-10.json";
/// 2025-06-10 09:30:00 ET in Unix seconds.
const OPEN: u64 = 1_749_562_200;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/gexbot")
        .join(name)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "gammaflow-master-gex-{name}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn read_all(paths: &[PathBuf], options: GexReadOptions) -> (Vec<GexRecord>, Vec<String>) {
    let mut reader = GexBotReader::open(paths.to_vec(), options);
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for r in reader.by_ref() {
        match r {
            Ok(r) => records.push(r),
            Err(e) => errors.push(e.to_string()),
        }
    }
    (records, errors)
}

/// Follows `$ref`s to the schema's JSON type(s) and enum values.
fn resolve<'a>(spec: &'a Value, mut schema: &'a Value) -> &'a Value {
    while let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let path = r.trim_start_matches("#/").split('/');
        schema = path.fold(spec, |v, key| &v[key]);
    }
    schema
}

fn type_matches(spec: &Value, schema: &Value, value: &Value) -> bool {
    let schema = resolve(spec, schema);
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        return options.iter().any(|o| type_matches(spec, o, value));
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        return false;
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("string") => value.is_string(),
        Some("array") => value.as_array().is_some_and(|items| {
            items
                .iter()
                .all(|item| type_matches(spec, &schema["items"], item))
        }),
        Some("object") => value.is_object(),
        None => schema.get("enum").is_some(),
        Some(other) => panic!("unexpected schema type {other}"),
    }
}

#[test]
fn fixture_matches_the_spec_schema() {
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(shared_data("gexbot/gexbot.spec3.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(spec["info"]["version"], "2.3.0");
    let schema = &spec["components"]["schemas"]["basic_response"];
    let properties = schema["properties"].as_object().unwrap();
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    // Every field the reader requires is a property of the vendor's schema.
    for field in [
        "timestamp",
        "ticker",
        "spot",
        "zero_gamma",
        "major_pos_vol",
        "major_pos_oi",
        "major_neg_vol",
        "major_neg_oi",
        "sum_gex_vol",
        "sum_gex_oi",
        "delta_risk_reversal",
        "min_dte",
    ] {
        assert!(
            properties.contains_key(field),
            "{field} is not in basic_response"
        );
    }
    let fixture: Value =
        serde_json::from_str(&std::fs::read_to_string(data(FIXTURE)).unwrap()).unwrap();
    let elements = fixture.as_array().unwrap();
    assert_eq!(elements.len(), 4);
    for (i, element) in elements.iter().enumerate() {
        let object = element.as_object().unwrap();
        for r in &required {
            assert!(object.contains_key(*r), "element {i} lacks required {r}");
        }
        // Every property of the schema is present (a complete, realistic response), with its type.
        for (key, property) in properties {
            let value = object
                .get(key)
                .unwrap_or_else(|| panic!("element {i} lacks {key}"));
            // The one deviation: the spec types `strikes` as arrays of numbers, but GEXBot's own
            // example (FORMATS.md §6) is `[strike, gex_vol, gex_oi, [prior_1 … prior_5]]`; the
            // fixture follows the example.
            let value = if key == "strikes" {
                let flat: Vec<Value> = value
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|row| {
                        let row = row.as_array().unwrap();
                        assert_eq!(row.len(), 4, "element {i}: strike row {row:?}");
                        assert_eq!(row[3].as_array().map(Vec::len), Some(5));
                        Value::Array(row[..3].to_vec())
                    })
                    .collect();
                Value::Array(flat)
            } else {
                value.clone()
            };
            assert!(
                type_matches(&spec, property, &value),
                "element {i}: {key} = {value} does not match the schema"
            );
        }
        assert_eq!(object.len(), properties.len(), "element {i} has extra keys");
    }
}

#[test]
fn fixture_json_lines_and_zstd_read_the_same() {
    let (json, errors) = read_all(&[data(FIXTURE)], GexReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(json.len(), 4);
    let first = &json[0];
    assert_eq!(first.trade_date, date(2025, 6, 10));
    assert_eq!(first.ts, UnixNanos(OPEN * 1_000_000_000));
    assert_eq!(first.ticker, "ES_SPX");
    assert_eq!(
        (
            first.spot,
            first.zero_gamma,
            first.major_pos_vol,
            first.major_neg_oi
        ),
        (6061.25, 6042.5, 6075.0, 6000.0)
    );
    assert_eq!((first.sum_gex_oi, first.min_dte), (Some(960.3), Some(0)));
    assert_eq!(first.pos, RecordPos::Element { index: 0, line: 2 });
    // The last snapshot is stamped 16:00:00 ET, the close: kept on its trade date.
    assert_eq!(
        json[3].ts,
        UnixNanos((OPEN + 6 * 3600 + 1800) * 1_000_000_000)
    );
    assert_eq!(json[3].trade_date, date(2025, 6, 10));

    let (lines, errors) = read_all(
        &[data("ES_SPX_classic_gex_zero_2025-06-10.jsonl")],
        GexReadOptions::default(),
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(lines[2].pos, RecordPos::Line(3));
    let dir = temp_dir("zst");
    let zst = dir.join("ES_SPX.json.zst");
    let bytes = std::fs::read(data(FIXTURE)).unwrap();
    std::fs::write(&zst, zstd::encode_all(&bytes[..], 3).unwrap()).unwrap();
    let (compressed, errors) = read_all(&[zst], GexReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    for ((a, b), c) in json.iter().zip(&lines).zip(&compressed) {
        assert_eq!(
            (a.ts, a.spot, a.major_pos_oi),
            (b.ts, b.spot, b.major_pos_oi)
        );
        assert_eq!(a, c);
    }
    // Another ticker keeps nothing and counts everything.
    let spx = GexReadOptions {
        ticker: "SPX".to_owned(),
        ..GexReadOptions::default()
    };
    let mut reader = GexBotReader::open([data(FIXTURE)], spx);
    assert!(reader.next().is_none());
    assert_eq!(reader.files()[0].other_ticker, 4);
    std::fs::remove_dir_all(dir).ok();
}

/// The `gex:` section of the builder's config, as a user with a custom export writes it.
const CSV_CONFIG: &str = r#"
gex:
  format: csv
  ticker: ES_SPX
  csv_columns:
    timestamp: "Date Time"
    ticker: Symbol
    spot: Price
    zero_gamma: "Zero Gamma"
    major_pos_vol: "Call Wall Vol"
    major_pos_oi: "Call Wall OI"
    major_neg_vol: "Put Wall Vol"
    major_neg_oi: "Put Wall OI"
    sum_gex_vol: "Net GEX Vol"
    sum_gex_oi: "Net GEX OI"
  csv_timestamp: iso
"#;

#[test]
fn csv_export_through_a_configured_mapping() {
    let config = MasterConfig::from_yaml(CSV_CONFIG, Path::new("/cfg/config.yaml")).unwrap();
    assert_eq!(config.gex.format, GexFormat::Csv);
    assert_eq!(config.gex.csv.spot, "Price");
    let options = config.gex.read_options(DayRule::Attributed);
    let (csv, errors) = read_all(&[data("gex_export_custom.csv")], options);
    assert!(errors.is_empty(), "{errors:?}");
    let (json, _) = read_all(&[data(FIXTURE)], GexReadOptions::default());
    assert_eq!(csv.len(), json.len());
    for (c, j) in csv.iter().zip(&json) {
        assert_eq!(
            (c.trade_date, c.ts, c.spot, c.zero_gamma),
            (j.trade_date, j.ts, j.spot, j.zero_gamma)
        );
        assert_eq!(
            (
                c.major_pos_vol,
                c.major_pos_oi,
                c.major_neg_vol,
                c.major_neg_oi
            ),
            (
                j.major_pos_vol,
                j.major_pos_oi,
                j.major_neg_vol,
                j.major_neg_oi
            )
        );
        assert_eq!((c.sum_gex_vol, c.sum_gex_oi), (j.sum_gex_vol, j.sum_gex_oi));
        // Columns absent from the export are absent from the record.
        assert_eq!((c.delta_risk_reversal, c.min_dte), (None, None));
    }
    assert_eq!(csv[1].pos, RecordPos::Line(3));
}

#[test]
fn errors_name_the_file_record_and_field() {
    let dir = temp_dir("errors");
    let json = dir.join("bad.json");
    let good = std::fs::read_to_string(data("ES_SPX_classic_gex_zero_2025-06-10.jsonl")).unwrap();
    let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
    lines[1] = lines[1].replace("\"spot\":6061.75,", "");
    lines[2] = lines[2].replace("\"zero_gamma\":6047.0", "\"zero_gamma\":[1]");
    std::fs::write(&json, format!("[\n{}\n]\n", lines.join(",\n"))).unwrap();
    let csv = dir.join("bad.csv");
    std::fs::write(
        &csv,
        "timestamp,ticker,spot,zero_gamma,major_pos_vol,major_pos_oi,major_neg_vol,major_neg_oi\n\
         1749562200,ES_SPX,6061.25,6042.5,6075,6075,6050,6000\n\
         1749562260,ES_SPX,6061.25,n/a,6075,6075,6050,6000\n",
    )
    .unwrap();
    let truncated = dir.join("truncated.json");
    let cut: String = lines[1].chars().take(100).collect();
    std::fs::write(&truncated, format!("[{},\n{cut}", lines[0])).unwrap();
    let (records, errors) = read_all(
        &[json.clone(), truncated.clone()],
        GexReadOptions::default(),
    );
    assert_eq!(records.len(), 3);
    let j = json.display();
    let t = truncated.display();
    assert_eq!(
        errors[0],
        format!("{j}: record element 1 (line 3): field `spot`: missing")
    );
    assert_eq!(
        errors[1],
        format!(
            "{j}: record element 2 (line 4): field `zero_gamma`: expected a number, got an array"
        )
    );
    assert!(
        errors[2].starts_with(&format!(
            "{t}: record element 1 (line 2): invalid JSON at line 2: "
        )),
        "{}",
        errors[2]
    );
    let options = GexReadOptions {
        format: GexFormat::Csv,
        ..GexReadOptions::default()
    };
    let (records, errors) = read_all(std::slice::from_ref(&csv), options);
    assert_eq!(records.len(), 1);
    assert_eq!(
        errors,
        [format!(
            "{}: record line 3: field `zero_gamma` (column \"zero_gamma\"): expected a number, got \"n/a\"",
            csv.display()
        )]
    );
    std::fs::remove_dir_all(dir).ok();
}

fn config_problems(text: &str) -> String {
    MasterConfig::from_yaml(text, Path::new("c.yaml"))
        .unwrap_err()
        .to_string()
}

#[test]
fn config_gex_section_is_validated_and_hashed() {
    let err = config_problems(
        r#"
gex:
  format: parquet
  ticker: es spx
  csv_columns: { spto: Price, zero_gamma: "", major_pos_oi: spot }
  csv_timestamp: unix
"#,
    );
    for expected in [
        "gex.format: expected json or csv, got \"parquet\"",
        "gex.ticker: expected a GEXBot ticker like ES_SPX or SPX (2–10 capital letters, digits, _), got \"es spx\"",
        "gex.csv_columns.spto: unknown field; expected one of timestamp, ticker, spot, zero_gamma, major_pos_vol, major_pos_oi, major_neg_vol, major_neg_oi, sum_gex_vol, sum_gex_oi, delta_risk_reversal, min_dte",
        "gex.csv_columns.zero_gamma: expected a column name, got \"\"",
        "gex.csv_columns.major_pos_oi: column \"spot\" is also the column of `spot`",
        "gex.csv_timestamp: expected epoch_s or epoch_ms or iso, got \"unix\"",
    ] {
        assert!(
            err.contains(&format!("\n  - {expected}")),
            "missing {expected:?} in {err}"
        );
    }
    assert_eq!(err.matches("\n  - ").count(), 6, "{err}");
    let err = config_problems("gex: { tickr: SPX }");
    assert!(err.contains("unknown field `tickr`"), "{err}");

    let hash = |text: &str| {
        MasterConfig::from_yaml(text, Path::new("c.yaml"))
            .unwrap()
            .config_hash()
    };
    let base = hash("");
    assert_eq!(base, hash("gex: { format: json, ticker: ES_SPX }"));
    // CSV settings count only for CSV input.
    assert_eq!(
        base,
        hash("gex: { csv_columns: { spot: Price }, csv_timestamp: iso }")
    );
    let csv = hash("gex: { format: csv }");
    let mut seen = vec![base.clone(), csv.clone()];
    for text in [
        "gex: { ticker: SPX }",
        "gex: { format: csv, csv_columns: { spot: Price } }",
        "gex: { format: csv, csv_timestamp: epoch_ms }",
        CSV_CONFIG,
    ] {
        let h = hash(text);
        assert!(!seen.contains(&h), "{text} did not change the hash");
        seen.push(h);
    }
    let canonical = MasterConfig::from_yaml(CSV_CONFIG, Path::new("c.yaml"))
        .unwrap()
        .canonical();
    assert!(
        canonical.contains("\ngex.csv_columns.spot=\"Price\"\n"),
        "{canonical}"
    );
    assert!(
        canonical.contains("\ngex.csv_timestamp=iso\n"),
        "{canonical}"
    );
}

/// Our levels on SPX at spot 5000, compared with GEXBot `ES_SPX` records whose levels are ours
/// plus the ES − SPX basis (12.5) plus a known 2.5-point disagreement.
#[test]
fn comparison_with_a_known_offset() {
    let day = 1.0 / 365.0;
    let k = |strike, right, oi, volume| GexContract {
        strike,
        right,
        open_interest: oi,
        volume,
        iv: Some(0.15),
        mid: None,
        t: day,
    };
    let chain = [
        k(4900.0, OptionKind::Put, 2500.0, 5000.0),
        k(4950.0, OptionKind::Put, 1000.0, 100.0),
        k(5000.0, OptionKind::Put, 400.0, 1000.0),
        k(5000.0, OptionKind::Call, 500.0, 3000.0),
        k(5050.0, OptionKind::Call, 2000.0, 100.0),
        k(5100.0, OptionKind::Call, 3000.0, 0.0),
    ];
    let mut engine = GexEngine::new(GexParams::default());
    let at = |secs: u64| UnixNanos((OPEN + secs) * 1_000_000_000);
    let ours = engine
        .levels(&GexSnapshot {
            ts: at(30),
            spot: 5000.0,
            contracts: &chain,
        })
        .unwrap();
    assert_eq!(
        (
            ours.major_pos_oi,
            ours.major_neg_oi,
            ours.major_pos_vol,
            ours.major_neg_vol
        ),
        (Some(5050.0), Some(4950.0), Some(5000.0), Some(4900.0))
    );
    let basis = 12.5;
    let shift = basis + 2.5;
    let zg = ours.zero_gamma_oi.unwrap();
    let record = |secs: u64| {
        format!(
            r#"{{"timestamp":{},"ticker":"ES_SPX","spot":{},"zero_gamma":{},"major_pos_vol":{},"major_pos_oi":{},"major_neg_vol":{},"major_neg_oi":{},"sum_gex_oi":1.5}}"#,
            OPEN + secs,
            5000.0 + basis,
            zg + shift,
            5000.0 + shift,
            5050.0 + shift,
            4900.0 + shift,
            4950.0 + shift
        )
    };
    let dir = temp_dir("compare");
    let file = dir.join("ES_SPX.jsonl");
    std::fs::write(&file, [record(0), record(60), record(180)].join("\n")).unwrap();
    let mut asof = GexAsOf::new(GexBotReader::open([file], GexReadOptions::default()));

    // Before the first record: nothing to compare.
    let before = at(0).0 - 1;
    assert!(asof.at(UnixNanos(before)).unwrap().is_none());
    let row = compare(&ours, None, basis);
    assert_eq!((row.vendor, row.diff.zero_gamma), (None, None));

    // 09:30:30: the 09:30:00 record, 30 s old; every level 2.5 points apart, spot 0.
    let vendor = asof.at(at(30)).unwrap().cloned();
    let row = compare(&ours, vendor.as_ref(), basis);
    let v = row.vendor.as_ref().unwrap();
    assert_eq!((v.ts, v.age_secs, v.sum_gex_oi), (at(0), 30.0, Some(1.5)));
    let d = row.diff;
    let close = |x: Option<f64>, y: f64| (x.unwrap() - y).abs() < 1e-9;
    assert!(close(d.spot, 0.0));
    for x in [
        d.zero_gamma,
        d.major_pos_oi,
        d.major_neg_oi,
        d.major_pos_vol,
        d.major_neg_vol,
    ] {
        assert!(close(x, 2.5), "{d:?}");
    }
    // 09:32:00: the 09:31:00 record (the 09:33:00 one is in the future), 60 s old.
    let later = GexLevels {
        ts: at(120),
        ..ours.clone()
    };
    let vendor = asof.at(later.ts).unwrap().cloned();
    let row = compare(&later, vendor.as_ref(), basis);
    assert_eq!(
        row.vendor.as_ref().map(|v| (v.ts, v.age_secs)),
        Some((at(60), 60.0))
    );
    // Snapshots must not go back in time.
    let err = asof.at(at(90)).unwrap_err().to_string();
    assert!(err.contains("snapshots must come in time order"), "{err}");
    // Far later: the last record.
    assert_eq!(asof.at(at(4000)).unwrap().map(|r| r.ts), Some(at(180)));
    std::fs::remove_dir_all(dir).ok();
}
