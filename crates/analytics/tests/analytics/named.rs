//! The named queries against the known rows (see `common::known_rows`).

use gammaflow_analytics::{Analytics, AnalyticsError, NamedQuery};
use serde_json::{Value, json};

use crate::common::{full_lake, known_lake, params};

/// Parameters every query accepts: its required ones, for June 9 and SPXW.
fn sample_params(query: NamedQuery) -> &'static [(&'static str, &'static str)] {
    match query {
        NamedQuery::LakeDates => &[],
        NamedQuery::ChainMinutes | NamedQuery::ChainAt => {
            &[("date", "2025-06-09"), ("root", "SPXW")]
        }
        _ => &[("date", "2025-06-09")],
    }
}

async fn rows(analytics: &Analytics, name: &str, pairs: &[(&str, &str)]) -> Vec<Value> {
    let result = analytics.named(name, &params(pairs)).await.unwrap();
    let Value::Array(rows) = result.to_json().unwrap() else {
        panic!("not an array")
    };
    rows
}

#[tokio::test]
async fn premium_by_side_sums_exactly_and_skips_excluded_prints() {
    let lake = known_lake("side");
    let analytics = Analytics::open(lake.path()).await.unwrap();
    let all = rows(&analytics, "premium-by-side", &[("date", "2025-06-09")]).await;
    assert_eq!(
        all,
        vec![
            json!({"side": "buy", "trades": 3, "volume": 27, "premium": 6260.0, "call_premium": 6260.0, "put_premium": 0.0}),
            json!({"side": "sell", "trades": 3, "volume": 112, "premium": 5620.0, "call_premium": 5000.0, "put_premium": 620.0}),
            json!({"side": "unknown", "trades": 1, "volume": 1, "premium": 200.0, "call_premium": 200.0, "put_premium": 0.0}),
        ]
    );
    let spxw = rows(
        &analytics,
        "premium-by-side",
        &[("date", "2025-06-09"), ("root", "SPXW"), ("to", "10:00")],
    )
    .await;
    assert_eq!(
        spxw,
        vec![
            json!({"side": "buy", "trades": 1, "volume": 3, "premium": 1260.0, "call_premium": 1260.0, "put_premium": 0.0}),
            json!({"side": "sell", "trades": 2, "volume": 12, "premium": 5120.0, "call_premium": 4500.0, "put_premium": 620.0}),
        ]
    );
    // ES options have a multiplier of 50.
    let es = rows(
        &analytics,
        "premium-by-side",
        &[("date", "2025-06-09"), ("root", "E1A")],
    )
    .await;
    assert_eq!(es[0]["premium"], 2500.0);
}

#[tokio::test]
async fn net_delta_by_strike_groups_per_underlying_and_strike() {
    let lake = known_lake("delta");
    let analytics = Analytics::open(lake.path()).await.unwrap();
    let spxw = rows(
        &analytics,
        "net-delta-by-strike",
        &[("date", "2025-06-09"), ("root", "SPXW")],
    )
    .await;
    let expected = [
        (5995.0, 0, 2, 0.0, 80.0, 620.0, 1),
        (6000.0, 13, 0, -350.0, 0.0, 5760.0, 2),
        (6005.0, 1, 0, 0.0, 0.0, 200.0, 1),
        (6010.0, 100, 0, -100.0, 0.0, 500.0, 1),
    ];
    assert_eq!(spxw.len(), expected.len(), "{spxw:?}");
    for (row, (strike, calls, puts, call_nd, put_nd, premium, trades)) in spxw.iter().zip(expected)
    {
        assert_eq!(row["underlying"], "I:SPX");
        assert_eq!(row["strike"], strike);
        assert_eq!(row["call_volume"], calls, "{row}");
        assert_eq!(row["put_volume"], puts, "{row}");
        assert_eq!(row["call_net_delta"], call_nd, "{row}");
        assert_eq!(row["put_net_delta"], put_nd, "{row}");
        assert_eq!(row["net_delta"], call_nd + put_nd, "{row}");
        assert_eq!(row["premium"], premium, "{row}");
        assert_eq!(row["trades"], trades, "{row}");
    }
    // A time range and an underlying filter.
    let morning = rows(
        &analytics,
        "net-delta-by-strike",
        &[
            ("date", "2025-06-09"),
            ("underlying", "SPY"),
            ("from", "09:00"),
            ("to", "10:00"),
        ],
    )
    .await;
    assert_eq!(morning.len(), 1);
    assert_eq!(
        (
            morning[0]["strike"].clone(),
            morning[0]["net_delta"].clone()
        ),
        (json!(600.0), json!(1000.0))
    );
    // Order: underlying, then strike.
    let all = rows(&analytics, "net-delta-by-strike", &[("date", "2025-06-09")]).await;
    let keys: Vec<(String, f64)> = all
        .iter()
        .map(|r| {
            (
                r["underlying"].as_str().unwrap().to_owned(),
                r["strike"].as_f64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(keys, sorted);
    assert_eq!(keys.len(), 6, "{keys:?}");
}

#[tokio::test]
async fn flow_series_buckets_from_new_york_midnight() {
    let lake = known_lake("series");
    let analytics = Analytics::open(lake.path()).await.unwrap();
    let series = rows(
        &analytics,
        "flow-series",
        &[
            ("date", "2025-06-09"),
            ("bucket", "60"),
            ("from", "09:30"),
            ("to", "10:00"),
            ("root", "SPXW"),
        ],
    )
    .await;
    assert_eq!(
        series,
        vec![
            json!({"bucket_start": "2025-06-09T09:31:00-04:00", "trades": 2, "volume": 5, "call_volume": 3,
                "put_volume": 2, "buy_volume": 3, "sell_volume": 2, "premium": 1880.0, "call_premium": 1260.0,
                "put_premium": 620.0, "net_delta": 230.0}),
            json!({"bucket_start": "2025-06-09T09:32:00-04:00", "trades": 1, "volume": 10, "call_volume": 10,
                "put_volume": 0, "buy_volume": 0, "sell_volume": 10, "premium": 4500.0, "call_premium": 4500.0,
                "put_premium": 0.0, "net_delta": -500.0}),
        ]
    );
    // Hour buckets over the whole day: 09:00, 10:00, 11:00, 23:00.
    let hours = rows(
        &analytics,
        "flow-series",
        &[("date", "2025-06-09"), ("bucket", "3600")],
    )
    .await;
    let starts: Vec<&str> = hours
        .iter()
        .map(|r| r["bucket_start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2025-06-09T09:00:00-04:00",
            "2025-06-09T10:00:00-04:00",
            "2025-06-09T11:00:00-04:00",
            "2025-06-09T23:00:00-04:00"
        ]
    );
    let trades: u64 = hours.iter().map(|r| r["trades"].as_u64().unwrap()).sum();
    assert_eq!(trades, 7);
}

#[tokio::test]
async fn top_trades_order_by_premium_then_sequence() {
    let lake = known_lake("top");
    let analytics = Analytics::open(lake.path()).await.unwrap();
    let top = rows(
        &analytics,
        "top-trades",
        &[("date", "2025-06-09"), ("limit", "3")],
    )
    .await;
    let picked: Vec<(u64, f64)> = top
        .iter()
        .map(|r| (r["seq"].as_u64().unwrap(), r["premium"].as_f64().unwrap()))
        .collect();
    assert_eq!(picked, [(3, 4500.0), (4, 2500.0), (7, 2500.0)]);
    assert_eq!(top[0]["ts_event"], "2025-06-09T09:32:05-04:00");
    assert_eq!(top[0]["option_symbol"], "O:SPXW250609C06000000");
    assert_eq!(top[0]["root"], "SPXW");
    assert_eq!(top[0]["expiry"], "2025-06-09");
    assert_eq!(top[0]["strike"], 6000.0);
    assert_eq!(top[0]["price"], 4.5);
    assert_eq!(top[0]["size"], 10);
    assert_eq!(top[0]["aggressor"], "S");
    assert_eq!(top[0]["sweep"], false);
    assert_eq!(top[2]["root"], "E1A");
    // Every counted print of the day (the excluded one is not), nulls for unknown Greeks.
    let all = rows(
        &analytics,
        "top-trades",
        &[("date", "2025-06-09"), ("limit", "1000")],
    )
    .await;
    assert_eq!(all.len(), 7);
    let unknown = all.iter().find(|r| r["seq"] == 5).unwrap();
    assert_eq!(
        (unknown["iv"].clone(), unknown["delta"].clone()),
        (Value::Null, Value::Null)
    );
    // The default limit is 50.
    let result = analytics
        .named("top-trades", &params(&[("date", "2025-06-10")]))
        .await
        .unwrap();
    assert_eq!(result.num_rows(), 2);
}

#[tokio::test]
async fn bad_parameters_name_the_parameter() {
    let lake = known_lake("bad");
    let analytics = Analytics::open(lake.path()).await.unwrap();
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 7] = [
        ("top-trades", &[], "date"),
        ("top-trades", &[("date", "2025-06-31")], "date"),
        (
            "top-trades",
            &[("date", "2025-06-09"), ("limit", "0")],
            "limit",
        ),
        (
            "flow-series",
            &[("date", "2025-06-09"), ("bucket", "1e3")],
            "bucket",
        ),
        (
            "premium-by-side",
            &[("date", "2025-06-09"), ("root", "spxw")],
            "root",
        ),
        (
            "net-delta-by-strike",
            &[("date", "2025-06-09"), ("from", "9:30")],
            "from",
        ),
        (
            "net-delta-by-strike",
            &[("date", "2025-06-09"), ("side", "buy")],
            "side",
        ),
    ];
    for (query, pairs, parameter) in cases {
        let error = analytics.named(query, &params(pairs)).await.unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains(&format!("\"{parameter}\"")),
            "{query} {pairs:?}: {text}"
        );
        assert!(text.contains(query), "{text}");
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
    let error = analytics
        .named("everything", &params(&[]))
        .await
        .unwrap_err();
    assert!(
        matches!(error, AnalyticsError::UnknownQuery { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn every_named_query_runs_on_an_empty_lake() {
    let dir = crate::common::TempDir::new("empty");
    for root in [dir.path().to_owned(), dir.path().join("missing")] {
        let analytics = Analytics::open(&root).await.unwrap();
        for query in NamedQuery::ALL {
            let result = analytics
                .named(query.name(), &params(sample_params(query)))
                .await
                .unwrap();
            assert_eq!(result.num_rows(), 0, "{}", query.name());
            let expected: Vec<&str> = query.spec().columns.iter().map(|c| c.name).collect();
            assert_eq!(result.columns(), expected, "{}", query.name());
        }
    }
}

#[tokio::test]
async fn result_columns_match_the_catalog() {
    let lake = full_lake("catalog");
    let analytics = Analytics::open(lake.path()).await.unwrap();
    for query in NamedQuery::ALL {
        let result = analytics
            .named(query.name(), &params(sample_params(query)))
            .await
            .unwrap();
        let expected: Vec<&str> = query.spec().columns.iter().map(|c| c.name).collect();
        assert_eq!(result.columns(), expected, "{}", query.name());
        assert!(result.num_rows() > 0, "{}", query.name());
    }
}
