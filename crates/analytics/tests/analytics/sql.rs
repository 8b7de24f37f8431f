//! Ad-hoc SQL: the tables and views, errors, read-only.

use gammaflow_analytics::{Analytics, AnalyticsError};
use serde_json::json;

use crate::common::known_lake;

#[tokio::test]
async fn the_flow_table_and_view_hold_every_row() {
    let lake = known_lake("sql-rows");
    let analytics = Analytics::open(lake.path()).await.unwrap();
    assert_eq!(analytics.tables(), ["chain", "flow"]);
    let result = analytics
        .sql("SELECT count(*) AS n, sum(size) AS size, max(seq) AS seq FROM flow")
        .await
        .unwrap();
    assert_eq!(
        result.to_json().unwrap(),
        json!([{"n": 10, "size": 200, "seq": 10}])
    );
    // The view: decimal prices, root, multiplier and the exact premium (excluded row included).
    let result = analytics
        .sql(
            "SELECT root, multiplier, price, strike, premium, year, month, day FROM flow_v \
             WHERE seq IN (1, 7, 8) ORDER BY seq",
        )
        .await
        .unwrap();
    assert_eq!(
        result.to_json().unwrap(),
        json!([
            {"root": "SPXW", "multiplier": 100, "price": 4.2, "strike": 6000.0, "premium": 1260.0,
             "year": "2025", "month": "06", "day": "09"},
            {"root": "E1A", "multiplier": 50, "price": 12.5, "strike": 6000.0, "premium": 2500.0,
             "year": "2025", "month": "06", "day": "09"},
            {"root": "SPXW", "multiplier": 100, "price": 0.05, "strike": 6010.0, "premium": 500.0,
             "year": "2025", "month": "06", "day": "09"}
        ])
    );
    // The premium is an exact decimal; its sum over the day too.
    let result = analytics
        .sql("SELECT sum(premium) AS p FROM flow_v WHERE day = '09'")
        .await
        .unwrap();
    assert_eq!(result.to_csv().unwrap(), "p\n62030.000000000\n");
}

#[tokio::test]
async fn sql_errors_name_the_problem() {
    let lake = known_lake("sql-errors");
    let analytics = Analytics::open(lake.path()).await.unwrap();
    let cases = [
        ("SELECT no_such_column FROM flow", "no_such_column"),
        ("SELECT * FROM trades", "trades"),
        ("SELEC 1", "SELEC"),
        ("CREATE TABLE t AS SELECT 1", "DDL"),
        ("INSERT INTO flow SELECT * FROM flow", "DML"),
        ("SET datafusion.execution.batch_size = 1", "SET"),
    ];
    for (query, needle) in cases {
        let error = analytics.sql(query).await.unwrap_err();
        assert!(matches!(error, AnalyticsError::Sql { .. }), "{error:?}");
        let text = error.to_string();
        assert!(text.contains(needle), "{query}: {text}");
        assert!(text.contains(query), "{text}");
    }
    // The view is still there, read-only.
    assert!(analytics.sql("SELECT * FROM flow_v LIMIT 1").await.is_ok());
}

#[tokio::test]
async fn results_render_as_table_csv_and_json() {
    let lake = known_lake("sql-render");
    let analytics = Analytics::open(lake.path()).await.unwrap();
    let result = analytics
        .sql("SELECT seq, ts_event, expiry, option_symbol, iv FROM flow WHERE seq IN (4, 5) ORDER BY seq")
        .await
        .unwrap();
    assert_eq!(
        result.columns(),
        ["seq", "ts_event", "expiry", "option_symbol", "iv"]
    );
    assert_eq!(
        result.to_json().unwrap(),
        json!([
            {"seq": 4, "ts_event": "2025-06-09T13:45:00Z", "expiry": "2025-06-09",
             "option_symbol": "O:SPY250609C00600000", "iv": 0.15},
            {"seq": 5, "ts_event": "2025-06-09T14:05:00Z", "expiry": "2025-06-09",
             "option_symbol": "O:SPXW250609C06005000", "iv": null}
        ])
    );
    let csv = result.to_csv().unwrap();
    assert_eq!(
        csv,
        "seq,ts_event,expiry,option_symbol,iv\n\
         4,2025-06-09T13:45:00Z,2025-06-09,O:SPY250609C00600000,0.15\n\
         5,2025-06-09T14:05:00Z,2025-06-09,O:SPXW250609C06005000,\n"
    );
    let table = result.to_table().unwrap();
    assert!(table.contains("O:SPXW250609C06005000"), "{table}");
    assert!(table.ends_with("(2 rows)\n"), "{table}");
}
