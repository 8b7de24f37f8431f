//! The lake queries (`lake-dates`, `chain-minutes`, `chain-at`) against the known prints and chain
//! snapshots (see `common::known_chain_rows`).

use gammaflow_analytics::{Analytics, AnalyticsError};
use serde_json::{Value, json};

use crate::common::{JUNE_9, TempDir, full_lake, known_chain_rows, params, write_chain};

async fn rows(analytics: &Analytics, name: &str, pairs: &[(&str, &str)]) -> Vec<Value> {
    let result = analytics.named(name, &params(pairs)).await.unwrap();
    let Value::Array(rows) = result.to_json().unwrap() else {
        panic!("not an array")
    };
    rows
}

/// One row of `chain-at` at 09:32 for strike `5990 + 5 i` (see `common::snapshot_0932`).
fn grid_row(i: u32) -> Value {
    let n = f64::from(i);
    let has_put = i < 5;
    let put = |v: Value| if has_put { v } else { Value::Null };
    let (call_gex, put_gex) = (1000.0 * n, -500.0 * n);
    json!({
        "time_new_york": "09:32",
        "ts": "2025-06-09T09:32:00-04:00",
        "expiry": "2025-06-09",
        "strike": 5990.0 + 5.0 * n,
        "underlying_price": 6002.5,
        "call_volume": 100 + i,
        "put_volume": put(json!(200 + i)),
        "call_premium": 1000.0 * (n + 1.0),
        "put_premium": put(json!(2000.0 * (n + 1.0))),
        "call_net_delta": 10.0 * n,
        "put_net_delta": put(json!(-5.0 * n)),
        "call_iv": 0.20 + 0.01 * n,
        "put_iv": if has_put && i > 0 { json!(0.25) } else { Value::Null },
        "call_oi": 500 + i,
        "put_oi": put(json!(700 + i)),
        "call_gex": call_gex,
        "put_gex": put(json!(put_gex)),
        "gex": if has_put { call_gex + put_gex } else { call_gex },
        "gex_flow": if has_put { -100.0 * n + 50.0 * n } else { -100.0 * n },
    })
}

#[tokio::test]
async fn lake_dates_lists_flow_and_chain_days_newest_first() {
    let lake = full_lake("dates");
    let analytics = Analytics::open(lake.path()).await.unwrap();
    let dates = rows(&analytics, "lake-dates", &[]).await;
    assert_eq!(
        dates,
        vec![
            json!({"date": "2025-06-10", "prints": 2, "chain_minutes": 1}),
            // 8 prints, one excluded; snapshots at 09:31, 09:32 and 10:00 (SPXW and SPY).
            json!({"date": "2025-06-09", "prints": 7, "chain_minutes": 3}),
            json!({"date": "2025-06-06", "prints": 0, "chain_minutes": 1}),
        ]
    );
    let newest = rows(&analytics, "lake-dates", &[("limit", "1")]).await;
    assert_eq!(newest.len(), 1);
    assert_eq!(newest[0]["date"], "2025-06-10");
}

#[tokio::test]
async fn chain_minutes_lists_a_roots_snapshots() {
    let lake = full_lake("minutes");
    let analytics = Analytics::open(lake.path()).await.unwrap();
    let spxw = rows(
        &analytics,
        "chain-minutes",
        &[("date", "2025-06-09"), ("root", "SPXW")],
    )
    .await;
    assert_eq!(
        spxw,
        vec![
            json!({"time_new_york": "09:31", "ts": "2025-06-09T09:31:00-04:00", "contracts": 7, "underlying_price": 6001.0}),
            json!({"time_new_york": "09:32", "ts": "2025-06-09T09:32:00-04:00", "contracts": 11, "underlying_price": 6002.5}),
            json!({"time_new_york": "10:00", "ts": "2025-06-09T10:00:00-04:00", "contracts": 6, "underlying_price": 6010.25}),
        ]
    );
    let next_day = rows(
        &analytics,
        "chain-minutes",
        &[
            ("date", "2025-06-09"),
            ("root", "SPXW"),
            ("expiry", "2025-06-10"),
        ],
    )
    .await;
    assert_eq!(next_day.len(), 1);
    assert_eq!(next_day[0]["contracts"], 1);
    let spy = rows(
        &analytics,
        "chain-minutes",
        &[("date", "2025-06-09"), ("root", "SPY")],
    )
    .await;
    assert_eq!(
        spy,
        vec![
            json!({"time_new_york": "09:31", "ts": "2025-06-09T09:31:00-04:00", "contracts": 2, "underlying_price": 600.1})
        ]
    );
    let none = rows(
        &analytics,
        "chain-minutes",
        &[("date", "2025-06-11"), ("root", "SPXW")],
    )
    .await;
    assert!(none.is_empty());
}

#[tokio::test]
async fn chain_at_pivots_the_last_snapshot_at_or_before_the_time() {
    let lake = full_lake("at");
    let analytics = Analytics::open(lake.path()).await.unwrap();
    // 09:45 → the 09:32 snapshot; two strikes each side of 6002.50: 6010, 6005 | 6000, 5995.
    let grid = rows(
        &analytics,
        "chain-at",
        &[
            ("date", "2025-06-09"),
            ("root", "SPXW"),
            ("at", "09:45"),
            ("strikes", "2"),
        ],
    )
    .await;
    assert_eq!(
        grid,
        vec![grid_row(4), grid_row(3), grid_row(2), grid_row(1)]
    );
    // Every strike: 6015 has no put, 5990's put IV is unknown.
    let all = rows(
        &analytics,
        "chain-at",
        &[
            ("date", "2025-06-09"),
            ("root", "SPXW"),
            ("at", "09:32"),
            ("strikes", "0"),
        ],
    )
    .await;
    assert_eq!(all, (0..6).rev().map(grid_row).collect::<Vec<_>>());
    // The default window is 7 strikes each side: all six here.
    let default = rows(
        &analytics,
        "chain-at",
        &[("date", "2025-06-09"), ("root", "SPXW"), ("at", "09:59:59")],
    )
    .await;
    assert_eq!(default, all);
}

#[tokio::test]
async fn chain_at_picks_the_snapshot_expiry_and_root() {
    let lake = full_lake("at-expiry");
    let analytics = Analytics::open(lake.path()).await.unwrap();
    let strikes = |rows: &[Value]| -> Vec<f64> {
        rows.iter().map(|r| r["strike"].as_f64().unwrap()).collect()
    };
    // The day's last snapshot by default (10:00).
    let last = rows(
        &analytics,
        "chain-at",
        &[("date", "2025-06-09"), ("root", "SPXW")],
    )
    .await;
    assert_eq!(strikes(&last), [6015.0, 6010.0, 6005.0]);
    assert_eq!(last[0]["time_new_york"], "10:00");
    assert_eq!(last[0]["underlying_price"], 6010.25);
    // 09:31 exactly: that snapshot; the earliest expiry (June 9) unless another is asked for.
    let open = rows(
        &analytics,
        "chain-at",
        &[("date", "2025-06-09"), ("root", "SPXW"), ("at", "09:31")],
    )
    .await;
    assert_eq!(strikes(&open), [6005.0, 6000.0, 5995.0]);
    assert!(open.iter().all(|r| r["expiry"] == "2025-06-09"));
    let next = rows(
        &analytics,
        "chain-at",
        &[
            ("date", "2025-06-09"),
            ("root", "SPXW"),
            ("at", "09:31"),
            ("expiry", "2025-06-10"),
        ],
    )
    .await;
    assert_eq!(next.len(), 1);
    assert_eq!(next[0]["expiry"], "2025-06-10");
    assert_eq!(next[0]["call_volume"], 1);
    assert_eq!(next[0]["put_volume"], Value::Null);
    let spy = rows(
        &analytics,
        "chain-at",
        &[("date", "2025-06-09"), ("root", "SPY"), ("at", "12:00")],
    )
    .await;
    assert_eq!(strikes(&spy), [600.0]);
    assert_eq!(spy[0]["time_new_york"], "09:31");
    // Before the first snapshot: nothing.
    let early = rows(
        &analytics,
        "chain-at",
        &[("date", "2025-06-09"), ("root", "SPXW"), ("at", "09:30")],
    )
    .await;
    assert!(early.is_empty());
}

#[tokio::test]
async fn duplicate_chain_files_count_once() {
    // A compaction interrupted between writing its output and removing its inputs leaves every
    // row twice for SQL: the chain queries take maxima and distinct counts.
    let lake = full_lake("dup");
    let day = lake.path().join("raw/chain/year=2025/month=06/day=09");
    let file = std::fs::read_dir(&day)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "parquet"))
        .unwrap();
    std::fs::copy(&file, day.join("part-900000000001-900000000002.parquet")).unwrap();
    let analytics = Analytics::open(lake.path()).await.unwrap();
    let total = analytics
        .sql("SELECT count(*) AS n FROM chain WHERE day = '09'")
        .await
        .unwrap();
    let expected_rows = known_chain_rows().len() - 2;
    assert_eq!(total.to_json().unwrap(), json!([{"n": 2 * expected_rows}]));
    let grid = rows(
        &analytics,
        "chain-at",
        &[
            ("date", "2025-06-09"),
            ("root", "SPXW"),
            ("at", "09:32"),
            ("strikes", "0"),
        ],
    )
    .await;
    assert_eq!(grid, (0..6).rev().map(grid_row).collect::<Vec<_>>());
    let minutes = rows(
        &analytics,
        "chain-minutes",
        &[("date", "2025-06-09"), ("root", "SPXW")],
    )
    .await;
    assert_eq!(minutes[1]["contracts"], 11);
    let dates = rows(&analytics, "lake-dates", &[]).await;
    assert_eq!(dates[1]["chain_minutes"], 3);
}

#[tokio::test]
async fn chain_queries_work_without_chain_files_and_name_bad_parameters() {
    let dir = TempDir::new("chain-empty");
    // Flow-less, chain-only lake.
    write_chain(
        dir.path(),
        &known_chain_rows()
            .into_iter()
            .filter(|r| r.ts.0 < crate::common::ny(JUNE_9, 0, 0, 0).0)
            .collect::<Vec<_>>(),
    );
    let analytics = Analytics::open(dir.path()).await.unwrap();
    let dates = rows(&analytics, "lake-dates", &[]).await;
    assert_eq!(
        dates,
        vec![json!({"date": "2025-06-06", "prints": 0, "chain_minutes": 1})]
    );
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 7] = [
        ("chain-at", &[("date", "2025-06-09")], "root"),
        ("chain-at", &[("root", "SPXW")], "date"),
        (
            "chain-at",
            &[("date", "2025-06-09"), ("root", "SPXW"), ("at", "9:45")],
            "at",
        ),
        (
            "chain-at",
            &[("date", "2025-06-09"), ("root", "SPXW"), ("strikes", "-1")],
            "strikes",
        ),
        (
            "chain-minutes",
            &[
                ("date", "2025-06-09"),
                ("root", "SPXW"),
                ("expiry", "06/10"),
            ],
            "expiry",
        ),
        ("lake-dates", &[("limit", "0")], "limit"),
        ("lake-dates", &[("date", "2025-06-09")], "date"),
    ];
    for (query, pairs, parameter) in cases {
        let error = analytics.named(query, &params(pairs)).await.unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains(&format!("\"{parameter}\"")) && text.contains(query),
            "{query} {pairs:?}: {text}"
        );
        assert!(
            matches!(
                error,
                AnalyticsError::MissingParameter { .. }
                    | AnalyticsError::InvalidParameter { .. }
                    | AnalyticsError::UnknownParameter { .. }
            ),
            "{error:?}"
        );
    }
}
