//! `GET /api/events`: the built-in calendar over HTTP, its filters and its errors.

use serde_json::json;

use super::{Harness, Setup};

#[tokio::test]
async fn events_are_served_filtered_by_new_york_date() {
    let h = Harness::start(Setup::default()).await;
    let all = h.get_json("/api/events", 200).await;
    assert_eq!(all["source"], "built-in");
    assert_eq!(all["schema"], gammaflow_server::wire::SCHEMA_VERSION);
    let events = all["events"].as_array().unwrap();
    assert!(events.len() >= 40, "{}", events.len());
    let ts: Vec<u64> = events.iter().map(|e| e["ts"].as_u64().unwrap()).collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]), "not sorted");

    let december = h.get_json("/api/events?from=2026-12-01&days=31", 200).await;
    assert_eq!(
        december["events"],
        json!([
            {"ts": 1_796_391_000_000_000_000_u64, "date": "2026-12-04", "time_new_york": "08:30", "kind": "NFP",
             "title": "Employment Situation for November 2026", "importance": "high"},
            {"ts": 1_796_842_800_000_000_000_u64, "date": "2026-12-09", "time_new_york": "14:00", "kind": "FOMC",
             "title": "FOMC rate decision and projections (Dec 8-9 meeting)", "importance": "high"},
            {"ts": 1_796_909_400_000_000_000_u64, "date": "2026-12-10", "time_new_york": "08:30", "kind": "CPI",
             "title": "CPI for November 2026", "importance": "high"},
        ])
    );
    // `from` alone: every later event; a day without events: none.
    let later = h.get_json("/api/events?from=2027-01-01", 200).await;
    assert_eq!(later["events"].as_array().unwrap().len(), 8);
    let quiet = h.get_json("/api/events?from=2026-12-05&days=1", 200).await;
    assert_eq!(quiet["events"], json!([]));
    h.stop().await;
}

#[tokio::test]
async fn bad_event_parameters_are_400s_naming_the_parameter() {
    let h = Harness::start(Setup::default()).await;
    for (query, parameter) in [
        ("from=2026-02-30", "from"),
        ("from=tomorrow", "from"),
        ("days=0", "days"),
        ("from=2026-12-01&days=-1", "days"),
        ("until=2026-12-31", "until"),
    ] {
        let error = h.get_json(&format!("/api/events?{query}"), 400).await;
        let message = error["error"].as_str().unwrap();
        assert!(message.contains(parameter), "{query}: {message}");
    }
    h.stop().await;
}
