//! Opening lakes: empty and missing lakes, day pruning, rows flushed after opening, other tables.

use gammaflow_analytics::Analytics;
use serde_json::json;

use crate::common::{JUNE_9, TempDir, full_lake, known_lake, known_rows, params, write};

#[tokio::test]
async fn an_empty_or_missing_lake_has_empty_flow_and_chain_tables() {
    let dir = TempDir::new("empty-lake");
    for root in [dir.path().to_owned(), dir.path().join("nowhere")] {
        let analytics = Analytics::open(&root).await.unwrap();
        assert_eq!(analytics.tables(), ["chain", "flow"]);
        let result = analytics
            .sql("SELECT count(*) AS n FROM flow_v")
            .await
            .unwrap();
        assert_eq!(result.to_json().unwrap(), json!([{"n": 0}]));
        let columns = analytics.sql("SELECT * FROM flow").await.unwrap().columns();
        assert_eq!(columns.len(), 23);
        assert_eq!(&columns[20..], ["year", "month", "day"]);
        let chain = analytics.sql("SELECT * FROM chain").await.unwrap();
        assert_eq!((chain.num_rows(), chain.columns().len()), (0, 33));
    }
    // An existing but empty flow directory behaves the same.
    std::fs::create_dir_all(dir.path().join("raw/flow")).unwrap();
    let analytics = Analytics::open(dir.path()).await.unwrap();
    let result = analytics
        .sql("SELECT count(*) AS n FROM flow")
        .await
        .unwrap();
    assert_eq!(result.to_json().unwrap(), json!([{"n": 0}]));
}

#[tokio::test]
async fn a_day_query_reads_only_that_day() {
    use gammaflow_analytics::NamedQuery;
    let lake = full_lake("pruning");
    // Damaged files on another day: reading them fails, so a query that succeeds did not.
    for table in ["flow", "chain"] {
        let other_day = lake
            .path()
            .join(format!("raw/{table}/year=2025/month=06/day=11"));
        std::fs::create_dir_all(&other_day).unwrap();
        std::fs::write(
            other_day.join("part-000000000900-000000000901.parquet"),
            b"not a parquet file",
        )
        .unwrap();
    }
    let analytics = Analytics::open(lake.path()).await.unwrap();
    for query in NamedQuery::ALL {
        let pairs: &[(&str, &str)] = match query {
            // Every day, by definition.
            NamedQuery::LakeDates => continue,
            NamedQuery::ChainMinutes | NamedQuery::ChainAt => {
                &[("date", "2025-06-10"), ("root", "SPXW")]
            }
            _ => &[("date", "2025-06-10")],
        };
        let result = analytics.named(query.name(), &params(pairs)).await.unwrap();
        assert!(result.num_rows() > 0, "{}", query.name());
    }
    let one_day = analytics
        .sql("SELECT count(*) AS n FROM flow WHERE year = '2025' AND month = '06' AND day = '09'")
        .await
        .unwrap();
    assert_eq!(one_day.to_json().unwrap(), json!([{"n": 8}]));
    // Reading the whole table does reach the damaged file, and the error names it.
    let error = analytics
        .sql("SELECT count(*) FROM flow")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("day=11") || error.to_lowercase().contains("parquet"),
        "{error}"
    );
}

#[tokio::test]
async fn rows_flushed_after_opening_are_seen() {
    let dir = TempDir::new("fresh");
    let rows = known_rows();
    write(dir.path(), &rows[..3]);
    let analytics = Analytics::open(dir.path()).await.unwrap();
    let count = || async {
        analytics
            .named(
                "top-trades",
                &params(&[("date", "2025-06-09"), ("limit", "1000")]),
            )
            .await
            .unwrap()
            .num_rows()
    };
    assert_eq!(count().await, 3);
    write(dir.path(), &rows[3..8]);
    assert_eq!(count().await, 7);
}

#[tokio::test]
async fn every_table_directory_becomes_a_table() {
    let lake = known_lake("tables");
    // Another table in the same layout (a copy of a flow file), and `chain` without files (it
    // exists anyway: its schema is the store's).
    let file = gammaflow_store::day_files(lake.path(), JUNE_9).unwrap()[0]
        .path
        .clone();
    let day = lake.path().join("raw/snapshots/year=2025/month=06/day=09");
    std::fs::create_dir_all(&day).unwrap();
    std::fs::copy(&file, day.join("part-000000000001-000000000008.parquet")).unwrap();
    std::fs::create_dir_all(lake.path().join("raw/chain/year=2025")).unwrap();
    let analytics = Analytics::open(lake.path()).await.unwrap();
    assert_eq!(analytics.tables(), ["chain", "flow", "snapshots"]);
    let result = analytics
        .sql("SELECT day, count(*) AS n FROM snapshots GROUP BY day")
        .await
        .unwrap();
    assert_eq!(result.to_json().unwrap(), json!([{"day": "09", "n": 8}]));
}
