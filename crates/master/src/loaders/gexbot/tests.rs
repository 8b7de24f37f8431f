//! Unit tests of the GEXBot readers (in-memory inputs; files and the spec check are in
//! `tests/master/gex.rs`).

use proptest::prelude::*;

use super::*;

/// 2025-06-10 09:30:00 ET.
const OPEN: i64 = 1_749_562_200;

fn obj(ts: i64, ticker: &str, spot: f64) -> String {
    format!(
        r#"{{"timestamp":{ts},"ticker":"{ticker}","spot":{spot},"zero_gamma":6042.5,"major_pos_vol":6075,"major_pos_oi":6080,"major_neg_vol":6050,"major_neg_oi":6000,"strikes":[[6050,-1.5,2.5,[1,2,3,4,5]]],"sum_gex_vol":12.5,"max_priors":[[6075,1.0]]}}"#
    )
}

fn read(text: &str, options: GexReadOptions) -> (Vec<Result<GexRecord, String>>, GexFileStats) {
    let mut r =
        GexBotReader::from_reader("mem.json", std::io::Cursor::new(text.to_owned()), options);
    let out: Vec<_> = r.by_ref().map(|x| x.map_err(|e| e.to_string())).collect();
    (out, r.files()[0].clone())
}

fn ok(text: &str) -> Vec<GexRecord> {
    let (out, _) = read(text, GexReadOptions::default());
    out.into_iter().map(|r| r.unwrap()).collect()
}

#[test]
fn array_object_and_lines_read_the_same() {
    let a = obj(OPEN, "ES_SPX", 6061.25);
    let b = obj(OPEN + 60, "ES_SPX", 6062.0);
    let array = ok(&format!("\u{feff} [\n{a},\n  {b}\n]\n"));
    let lines = ok(&format!("{a}\n{b}\n"));
    let single = ok(&a);
    assert_eq!(array.len(), 2);
    assert_eq!(array[0].pos, RecordPos::Element { index: 0, line: 2 });
    assert_eq!(array[1].pos, RecordPos::Element { index: 1, line: 3 });
    assert_eq!(lines[1].pos, RecordPos::Line(2));
    assert_eq!(single[0].pos, RecordPos::Line(1));
    for (x, y) in array.iter().zip(&lines) {
        assert_eq!((x.ts, x.spot, x.zero_gamma), (y.ts, y.spot, y.zero_gamma));
    }
    let r = &array[0];
    assert_eq!(r.ts, UnixNanos(OPEN as u64 * 1_000_000_000));
    assert_eq!(r.trade_date, jiff::civil::date(2025, 6, 10));
    assert_eq!(r.ticker, "ES_SPX");
    assert_eq!(
        (
            r.major_pos_vol,
            r.major_pos_oi,
            r.major_neg_vol,
            r.major_neg_oi
        ),
        (6075.0, 6080.0, 6050.0, 6000.0)
    );
    assert_eq!(
        (r.sum_gex_vol, r.sum_gex_oi, r.min_dte),
        (Some(12.5), None, None)
    );
    assert!(ok("").is_empty());
    assert!(ok(" [ ] ").is_empty());
}

#[test]
fn majors_spelling_and_milliseconds() {
    let text = format!(
        r#"{{"timestamp":{},"ticker":"ES_SPX","spot":6061.0,"zero_gamma":6040,"mpos_vol":6075,"mpos_oi":6080,"mneg_vol":6050,"mneg_oi":6000,"net_gex_vol":1.5,"net_gex_oi":-2.5}}"#,
        OPEN * 1000 + 250
    );
    let r = &ok(&text)[0];
    assert_eq!(r.ts, UnixNanos(OPEN as u64 * 1_000_000_000 + 250_000_000));
    assert_eq!((r.major_pos_oi, r.sum_gex_oi), (6080.0, Some(-2.5)));
}

#[test]
fn skips_are_counted() {
    let text = [
        obj(OPEN, "ES_SPX", 6061.0),
        obj(OPEN + 5, "SPX", 6020.0),
        obj(OPEN + 5, "ES_SPX", 6061.5),
        obj(OPEN + 5, "ES_SPX", 6061.5),                 // duplicate
        obj(OPEN - 60, "ES_SPX", 6060.0),                // backwards
        obj(OPEN + 3 * 3600 + 3 * 60, "ES_SPX", 6065.0), // 12:33 ET
        obj(OPEN - 4 * 3600, "ES_SPX", 6065.0),          // 05:30 ET: before, still later?
    ]
    .join("\n");
    let (out, stats) = read(&text, GexReadOptions::default());
    assert_eq!(out.len(), 3, "{out:?}");
    assert_eq!(
        (
            stats.records,
            stats.kept,
            stats.other_ticker,
            stats.out_of_order,
            stats.invalid
        ),
        (7, 3, 1, 3, 0)
    );
    // 16:00:00 ET: attributed to the day by default, outside the plain dashboard window.
    let close = obj(OPEN + 6 * 3600 + 1800, "ES_SPX", 6066.0);
    assert_eq!(ok(&close)[0].trade_date, jiff::civil::date(2025, 6, 10));
    let dashboard = GexReadOptions {
        day_rule: DayRule::Dashboard,
        ..GexReadOptions::default()
    };
    let (out, stats) = read(&close, dashboard);
    assert!(out.is_empty());
    assert_eq!(stats.outside_window, 1);
}

#[test]
fn field_errors_name_the_record_and_field_and_reading_goes_on() {
    let good = obj(OPEN, "ES_SPX", 6061.0);
    let missing = good.replace(r#""zero_gamma":6042.5,"#, "");
    let wrong = obj(OPEN + 1, "ES_SPX", 6061.0).replace("6061", "\"6061\"");
    let negative = obj(OPEN + 2, "ES_SPX", -1.0);
    let null_ts = obj(OPEN, "ES_SPX", 6061.0).replace(&OPEN.to_string(), "null");
    let text = format!(
        "[{missing},\n{wrong},\n{negative},\n{null_ts},\n{}]",
        obj(OPEN + 3, "ES_SPX", 6062.0)
    );
    let (out, stats) = read(&text, GexReadOptions::default());
    let errors: Vec<String> = out.iter().filter_map(|r| r.clone().err()).collect();
    assert_eq!(
        errors,
        [
            "mem.json: record element 0 (line 1): field `zero_gamma`: missing",
            "mem.json: record element 1 (line 2): field `spot`: expected a number, got text \"6061\"",
            "mem.json: record element 2 (line 3): field `spot`: expected a price > 0, got -1",
            "mem.json: record element 3 (line 4): field `timestamp`: missing",
        ]
    );
    assert_eq!(out.iter().filter(|r| r.is_ok()).count(), 1);
    assert_eq!((stats.invalid, stats.kept, stats.error), (4, 1, None));
}

#[test]
fn syntax_errors_end_the_file_with_the_line() {
    let good = obj(OPEN, "ES_SPX", 6061.0);
    let cases = [
        (
            format!("[{good},\n{{\"timestamp\": 1,\n \"spot\": ]"),
            "mem.json: record element 1 (line 2): invalid JSON at line 3: expected value",
        ),
        (
            format!("[{good} {good}]"),
            "mem.json: record line 1: expected `,` or `]` after element 0, got `{`",
        ),
        (
            format!("[{good},]"),
            "mem.json: record element 1 (line 1): expected an object, got `]`",
        ),
        (
            format!("[{good},\n42]"),
            "mem.json: record element 1 (line 2): expected an object, got `4`",
        ),
        (
            format!("[{good}]\n,"),
            "mem.json: record line 2: unexpected `,` after the closing `]`",
        ),
        (
            format!("{good}\n[1]"),
            "mem.json: record line 2: expected a JSON object, got `[`",
        ),
        (
            format!("[{good}"),
            "mem.json: record line 1: the file ends inside the array (after element 0)",
        ),
        (
            "nope".to_owned(),
            "mem.json: record line 1: expected a JSON array or object, got `n`",
        ),
    ];
    for (text, expected) in cases {
        let (out, stats) = read(&text, GexReadOptions::default());
        let err = out.last().unwrap().clone().unwrap_err();
        assert_eq!(err, expected, "{text}");
        assert_eq!(stats.error.as_deref(), Some(expected));
    }
}

#[test]
fn files_continue_after_an_error_and_missing_files_are_named() {
    let mut r = GexBotReader::open(
        [PathBuf::from("/nonexistent/gex.json")],
        GexReadOptions::default(),
    );
    let err = r.next().unwrap().unwrap_err().to_string();
    assert!(err.starts_with("/nonexistent/gex.json: "), "{err}");
    assert!(r.next().is_none());
    assert!(r.files()[0].error.is_some());
}

#[test]
fn csv_default_header() {
    let text = format!(
        "{DEFAULT_CSV_HEADER}\n{OPEN},ES_SPX,0,1,6061.25,6042.5,6075,6080,6050,6000,12.5,,-0.07\n"
    );
    let options = GexReadOptions {
        format: GexFormat::Csv,
        ..GexReadOptions::default()
    };
    let (out, _) = read(&text, options);
    let r = out[0].clone().unwrap();
    assert_eq!(r.pos, RecordPos::Line(2));
    assert_eq!(r.spot, 6061.25);
    assert_eq!((r.sum_gex_vol, r.sum_gex_oi), (Some(12.5), None));
    assert_eq!((r.delta_risk_reversal, r.min_dte), (Some(-0.07), Some(0)));
}

#[test]
fn csv_mapping_and_errors() {
    let mapping = GexCsvMapping {
        timestamp_format: TimestampFormat::EpochMillis,
        ..GexCsvMapping::default()
    }
    .with(GexField::Timestamp, "time_ms")
    .with(GexField::Spot, "Spot Price");
    let options = GexReadOptions {
        format: GexFormat::Csv,
        csv: mapping.clone(),
        ticker: "SPX".to_owned(),
        ..GexReadOptions::default()
    };
    // No ticker column: every row is SPX.
    let header =
        "time_ms, Spot Price ,zero_gamma,major_pos_vol,major_pos_oi,major_neg_vol,major_neg_oi";
    let ms = OPEN * 1000;
    let text = format!(
        "{header}\n{ms},6000,5990,6010,6020,5980,5950\n{},abc,5990,6010,6020,5980,5950\n{},6001,,6010,6020,5980,5950\n{},6002,5990,6010,6020,5980,5950\n",
        ms + 1000,
        ms + 2000,
        ms + 3000
    );
    let (out, stats) = read(&text, options.clone());
    assert_eq!(out[0].as_ref().unwrap().ticker, "SPX");
    assert_eq!(
        out[1].clone().unwrap_err(),
        "mem.json: record line 3: field `spot` (column \"Spot Price\"): expected a number, got \"abc\""
    );
    assert_eq!(
        out[2].clone().unwrap_err(),
        "mem.json: record line 4: field `zero_gamma`: missing"
    );
    assert_eq!(out[3].as_ref().unwrap().spot, 6002.0);
    assert_eq!((stats.kept, stats.invalid), (2, 2));
    // A missing required column names the field and the column.
    let (out, stats) = read("time_ms,zero_gamma\n1,2\n", options.clone());
    let err = out[0].clone().unwrap_err();
    assert!(
        err.starts_with(
            "mem.json: record line 1: header: no column \"Spot Price\" for field `spot`"
        ),
        "{err}"
    );
    assert_eq!(stats.error, Some(err));
    // A row with too many fields ends the file.
    let (out, _) = read(&format!("{header}\n{ms},1,2,3,4,5,6,7\n"), options);
    assert!(
        out[0]
            .clone()
            .unwrap_err()
            .starts_with("mem.json: record line 2: ")
    );
}

#[test]
fn csv_timestamp_formats() {
    let ns = UnixNanos(OPEN as u64 * 1_000_000_000);
    for (format, cell, expected) in [
        (TimestampFormat::EpochSeconds, OPEN.to_string(), Ok(ns)),
        (
            TimestampFormat::EpochSeconds,
            format!("{OPEN}.5"),
            Ok(UnixNanos(ns.0 + 500_000_000)),
        ),
        (
            TimestampFormat::EpochMillis,
            (OPEN * 1000).to_string(),
            Ok(ns),
        ),
        (
            TimestampFormat::Iso,
            "2025-06-10T09:30:00-04:00".to_owned(),
            Ok(ns),
        ),
        (
            TimestampFormat::Iso,
            "2025-06-10T13:30:00Z".to_owned(),
            Ok(ns),
        ),
        (
            TimestampFormat::Iso,
            "2025-06-10T09:30:00-04:00[America/New_York]".to_owned(),
            Ok(ns),
        ),
        (
            TimestampFormat::Iso,
            "2025-06-10T09:30:00".to_owned(),
            Err(()),
        ),
        (TimestampFormat::EpochSeconds, "-5".to_owned(), Err(())),
        (TimestampFormat::EpochMillis, "x".to_owned(), Err(())),
    ] {
        assert_eq!(
            format.read(&cell).map_err(|_| ()),
            expected,
            "{format:?} {cell}"
        );
    }
}

#[test]
fn mapping_serde_defaults() {
    let m: GexCsvMapping =
        serde_json::from_str(r#"{"spot":"Price","timestamp_format":"iso"}"#).unwrap();
    assert_eq!(m.spot, "Price");
    assert_eq!(m.zero_gamma, "zero_gamma");
    assert_eq!(m.timestamp_format, TimestampFormat::Iso);
    assert!(serde_json::from_str::<GexCsvMapping>(r#"{"spto":"x"}"#).is_err());
    let header: Vec<&str> = DEFAULT_CSV_HEADER.split(',').collect();
    let default = GexCsvMapping::default();
    for f in GexField::ALL {
        assert!(header.contains(&default.column(f)), "{f:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Arbitrary bytes never panic the JSON reader; it always ends.
    #[test]
    fn json_reader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut r = GexBotReader::from_reader("p.json", std::io::Cursor::new(bytes), GexReadOptions::default());
        let mut n = 0;
        while r.next().is_some() {
            n += 1;
            prop_assert!(n < 1000);
        }
    }

    /// JSON-like token soup (brackets, records, garbage) never panics either.
    #[test]
    fn json_token_soup_never_panics(tokens in proptest::collection::vec(
        prop_oneof![
            Just("[".to_owned()), Just("]".to_owned()), Just("{".to_owned()), Just("}".to_owned()),
            Just(",".to_owned()), Just("\n".to_owned()), Just("null".to_owned()),
            Just("\"spot\":".to_owned()), Just("1e400".to_owned()), Just("-0".to_owned()),
            Just(obj(OPEN, "ES_SPX", 6061.0)),
            (0u64..u64::MAX).prop_map(|t| obj(t as i64, "ES_SPX", 6061.0)),
            ".{0,8}",
        ],
        0..30,
    )) {
        let text = tokens.concat();
        let mut r = GexBotReader::from_reader("p.json", std::io::Cursor::new(text), GexReadOptions::default());
        let mut n = 0;
        while r.next().is_some() {
            n += 1;
            prop_assert!(n < 1000);
        }
    }

    /// Valid records round-trip whatever the layout (array or lines) and whitespace.
    #[test]
    fn layouts_agree(count in 1usize..20, pretty in any::<bool>()) {
        let records: Vec<String> = (0..count).map(|i| obj(OPEN + i as i64, "ES_SPX", 6000.0 + i as f64)).collect();
        let sep = if pretty { ",\n\n  " } else { "," };
        let array = ok(&format!("[{}]", records.join(sep)));
        let lines = ok(&records.join("\n"));
        prop_assert_eq!(array.len(), count);
        prop_assert_eq!(lines.len(), count);
        for (a, l) in array.iter().zip(&lines) {
            prop_assert_eq!(a.ts, l.ts);
            prop_assert_eq!(a.spot, l.spot);
        }
    }
}
