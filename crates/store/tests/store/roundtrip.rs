//! Rows written through the lake read back identical, both through this crate's reader and the
//! `parquet` crate's own row API, with the documented types.

use gammaflow_model::UnixNanos;
use gammaflow_store::{Lake, LakeConfig, day_files, read_flow_file};
use jiff::civil::date;
use parquet::basic::{Compression, LogicalType, TimeUnit};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

use crate::common::{OPEN_0609, TempDir, assert_rows, row};

#[test]
fn every_column_round_trips() {
    let dir = TempDir::new("roundtrip");
    let rows: Vec<_> = (0..60).map(row).collect();
    let mut lake = Lake::open(dir.path(), LakeConfig::default()).unwrap();
    for r in &rows {
        lake.append(r, r.ts_recv).unwrap();
    }
    let report = lake.flush().unwrap();
    assert_eq!(report.rows, 60);
    assert_eq!(report.files.len(), 1);
    let files = day_files(dir.path(), date(2025, 6, 9)).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].path, report.files[0]);
    assert_eq!((files[0].first_seq, files[0].last_seq), (1, 60));
    assert!(
        files[0]
            .path
            .ends_with("raw/flow/year=2025/month=06/day=09/part-000000000001-000000000060.parquet")
    );
    assert_rows(&read_flow_file(&files[0].path).unwrap(), &rows, 1);
}

#[test]
fn parquet_row_api_sees_the_documented_values_and_types() {
    let dir = TempDir::new("rowapi");
    let rows: Vec<_> = (0..10).map(row).collect();
    let mut lake = Lake::open(dir.path(), LakeConfig::default()).unwrap();
    for r in &rows {
        lake.append(r, UnixNanos(OPEN_0609)).unwrap();
    }
    let path = lake.flush().unwrap().files.remove(0);
    let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
    let meta = reader.metadata();
    assert_eq!(meta.num_row_groups(), 1, "one row group per flush");
    let schema = meta.file_metadata().schema_descr();
    let ts = schema.column(0);
    assert_eq!(ts.name(), "ts_event");
    assert_eq!(
        ts.logical_type_ref(),
        Some(&LogicalType::timestamp(true, TimeUnit::NANOS))
    );
    assert_eq!(
        schema.column(5).logical_type_ref(),
        Some(&LogicalType::Date)
    );
    for col in meta.row_group(0).columns() {
        assert!(
            matches!(col.compression(), Compression::ZSTD(_)),
            "{:?}",
            col.column_path()
        );
    }
    let got: Vec<_> = reader
        .get_row_iter(None)
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(got.len(), 10);
    // Row 2: SPXW put 5960.5, conditions 209,232,12, aggressor N; row 4: NaN Greeks.
    let fields = |i: usize| -> Vec<(String, Field)> {
        got[i]
            .get_column_iter()
            .map(|(n, f)| (n.clone(), f.clone()))
            .collect()
    };
    let get = |i: usize, name: &str| fields(i).into_iter().find(|(n, _)| n == name).unwrap().1;
    assert_eq!(
        get(2, "option_symbol"),
        Field::Str("O:SPXW250609P05960500".into())
    );
    assert_eq!(get(2, "underlying"), Field::Str("I:SPX".into()));
    assert_eq!(get(1, "underlying"), Field::Str("SPY".into()));
    assert_eq!(get(2, "option_right"), Field::Str("P".into()));
    assert_eq!(get(1, "option_right"), Field::Str("C".into()));
    assert_eq!(get(2, "strike_raw"), Field::Long(5_960_500_000_000));
    assert_eq!(get(2, "price_raw"), Field::Long(1_100_000_000));
    assert_eq!(get(2, "size"), Field::Long(3));
    assert_eq!(get(2, "exchange"), Field::Int(302));
    assert_eq!(get(2, "conditions"), Field::Str("209,232,12".into()));
    assert_eq!(get(0, "conditions"), Field::Str(String::new()));
    assert_eq!(get(2, "aggressor"), Field::Str("N".into()));
    assert_eq!(get(0, "aggressor"), Field::Str("B".into()));
    assert_eq!(get(2, "expiry"), Field::Date(20_248)); // 2025-06-09
    assert_eq!(get(0, "sweep"), Field::Bool(true));
    assert_eq!(get(0, "excluded"), Field::Bool(true));
    assert_eq!(get(1, "sweep"), Field::Bool(false));
    assert_eq!(get(2, "seq"), Field::Long(3));
    assert_eq!(get(4, "iv"), Field::Null);
    assert_eq!(get(4, "underlying_price"), Field::Null);
    assert_eq!(get(3, "delta"), Field::Double(-0.55));
}
