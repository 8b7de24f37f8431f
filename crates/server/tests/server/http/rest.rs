//! REST routes, the token, metrics, OpenAPI and static files.

use std::sync::atomic::Ordering;

use gammaflow_server::wire::{ChainView, DeskView, ProductView};

use super::{Harness, Setup, desk_view};

#[tokio::test]
async fn window_product_and_chain() {
    let h = Harness::start(Setup::default()).await;
    let window: DeskView = serde_json::from_value(h.get_json("/api/window", 200).await).unwrap();
    assert_eq!(window, desk_view(1, 3));
    h.publish(desk_view(2, 5));
    let window = h.get_json("/api/window", 200).await;
    assert_eq!(window["seq"], 2);

    let product: ProductView =
        serde_json::from_value(h.get_json("/api/window/SPXW", 200).await).unwrap();
    assert_eq!(product.strikes.len(), 5);
    let missing = h.get_json("/api/window/nope", 404).await;
    assert!(missing["error"].as_str().unwrap().contains("nope"));

    let chain: ChainView =
        serde_json::from_value(h.get_json("/api/chain/spxw", 200).await).unwrap();
    assert_eq!(chain, super::chain_view());
    h.get_json("/api/chain/spy", 404).await;

    let health = h.get_json("/api/health", 200).await;
    assert_eq!(health["status"], "ok");
    assert_eq!(health["seq"], 2);
    assert_eq!(health["desk_running"], true);
    for field in [
        "ws_clients",
        "writer_lag_rows",
        "wal_bytes",
        "last_flush_seconds",
        "errors",
        "source",
    ] {
        assert!(health.get(field).is_some(), "{field} missing in {health}");
    }
    h.stop().await;
}

#[tokio::test]
async fn a_stopped_desk_gives_503_and_degraded_health() {
    let h = Harness::start(Setup {
        desk_gone: true,
        ..Setup::default()
    })
    .await;
    let error = h.get_json("/api/chain/spxw", 503).await;
    assert!(error["error"].is_string());
    let health = h.get_json("/api/health", 200).await;
    assert_eq!(health["status"], "degraded");
    h.stop().await;
}

#[tokio::test]
async fn history_queries_map_errors_to_statuses() {
    let h = Harness::start(Setup::default()).await;
    let catalog = h.get_json("/api/history", 200).await;
    assert_eq!(catalog[0]["name"], "top_trades");
    let rows = h.get_json("/api/history/top_trades?limit=3", 200).await;
    assert_eq!(rows[0]["limit"], 3);
    assert_eq!(rows[0]["params"], serde_json::json!(["limit"]));
    let bad = h.get_json("/api/history/top_trades?limit=many", 400).await;
    assert!(bad["error"].as_str().unwrap().contains("limit"));
    let unknown = h.get_json("/api/history/nothing", 404).await;
    assert!(unknown["error"].as_str().unwrap().contains("nothing"));
    h.get_json("/api/history/broken", 500).await;
    h.stop().await;

    let h = Harness::start(Setup {
        no_history: true,
        ..Setup::default()
    })
    .await;
    h.get_json("/api/history", 404).await;
    h.get_json("/api/history/top_trades", 404).await;
    h.stop().await;
}

#[tokio::test]
async fn token_is_required_when_configured() {
    let h = Harness::start(Setup {
        token: Some("s3cret"),
        ..Setup::default()
    })
    .await;
    let refused = h.get_json("/api/window", 401).await;
    assert!(refused["error"].is_string());
    let wrong = h
        .client
        .get(h.url("/api/window"))
        .bearer_auth("s3creT")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let ok = h
        .client
        .get(h.url("/api/window"))
        .bearer_auth("s3cret")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(h.get("/api/window?token=s3cret").await.status(), 200);
    assert_eq!(h.get("/metrics").await.status(), 401);
    assert_eq!(h.get("/openapi.json").await.status(), 401);
    // Unknown API routes do not tell whether they exist without the token.
    assert_eq!(h.get("/api/unknown").await.status(), 401);
    let healthz = h.get("/healthz").await;
    assert_eq!(healthz.status(), 200);
    assert_eq!(healthz.text().await.unwrap(), "ok");
    assert_eq!(h.metrics.http_unauthorized.load(Ordering::Relaxed), 5);
    assert!(h.metrics.http_requests.load(Ordering::Relaxed) >= 8);
    h.stop().await;
}

#[tokio::test]
async fn metrics_are_prometheus_text() {
    let h = Harness::start(Setup::default()).await;
    let response = h.get("/metrics").await;
    assert_eq!(response.status(), 200);
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    let text = response.text().await.unwrap();
    assert!(
        text.contains("# TYPE gammaflow_ws_clients gauge\n"),
        "{text}"
    );
    assert!(text.contains("gammaflow_ws_clients 0\n"), "{text}");
    assert!(
        text.contains("gammaflow_source_events_total{source=\"sim\"}"),
        "{text}"
    );
    h.stop().await;
}

#[tokio::test]
async fn openapi_lists_every_route_and_the_history_queries() {
    let h = Harness::start(Setup::default()).await;
    let document = h.get_json("/openapi.json", 200).await;
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    for route in [
        "/ws/stream",
        "/api/window",
        "/api/window/{product}",
        "/api/chain/{product}",
        "/api/health",
        "/api/events",
        "/api/history",
        "/api/history/{name}",
        "/metrics",
        "/openapi.json",
        "/healthz",
    ] {
        assert!(paths.contains_key(route), "{route} missing");
    }
    assert_eq!(paths.len(), 13, "{:?}", paths.keys().collect::<Vec<_>>());
    let names = &document["components"]["parameters"]["HistoryQueryName"]["schema"]["enum"];
    assert_eq!(names, &serde_json::json!(["top_trades", "broken"]));
    assert!(document["components"]["schemas"]["StreamMessage"].is_object());
    h.stop().await;
}

#[tokio::test]
async fn without_a_dashboard_the_root_points_to_the_api() {
    let h = Harness::start(Setup {
        web_dir: Some("/nonexistent/gammaflow-web".into()),
        ..Setup::default()
    })
    .await;
    let index = h.get_json("/", 200).await;
    assert_eq!(index["endpoints"]["stream"], "/ws/stream");
    assert_eq!(index["endpoints"]["openapi"], "/openapi.json");
    h.get_json("/nothing/here", 404).await;
    h.get_json("/api/unknown", 404).await;
    h.get_json("/api", 404).await;
    h.stop().await;
}

#[tokio::test]
async fn dashboard_files_with_deep_links() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("server-http-web");
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>gammaflow</title>",
    )
    .unwrap();
    std::fs::write(dir.join("assets/app.js"), "console.log('gammaflow')").unwrap();
    gammaflow_server::http::check_web_dir(&dir).unwrap();
    assert!(gammaflow_server::http::check_web_dir(&dir.join("assets")).is_err());
    let h = Harness::start(Setup {
        web_dir: Some(dir),
        token: Some("s3cret"),
        ..Setup::default()
    })
    .await;
    let index = h.get("/").await;
    assert_eq!(index.status(), 200);
    assert!(
        index
            .text()
            .await
            .unwrap()
            .contains("<title>gammaflow</title>")
    );
    let script = h.get("/assets/app.js").await;
    assert_eq!(script.status(), 200);
    assert_eq!(script.text().await.unwrap(), "console.log('gammaflow')");
    let deep = h.get("/desk/spxw/strike/6000").await;
    assert_eq!(deep.status(), 200);
    assert!(
        deep.text()
            .await
            .unwrap()
            .contains("<title>gammaflow</title>")
    );
    // API routes take precedence over the files, and unknown ones are JSON 404s.
    let window = h.get_json("/api/window?token=s3cret", 200).await;
    assert_eq!(window["seq"], 1);
    let unknown = h.get_json("/api/unknown?token=s3cret", 404).await;
    assert!(unknown["error"].is_string());
    h.stop().await;
}
