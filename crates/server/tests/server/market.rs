//! The desk on the simulator with the HTTP side in front: `desk.market` (ES, SPX, VWAP, basis,
//! the ranges) and the day series (`/api/intraday/{product}`, `/api/market/bars`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use gammaflow_engine::pipeline::{EngineConfig, ProductConfig};
use gammaflow_server::desk::{Desk, DeskConfig};
use gammaflow_server::http::serve;
use gammaflow_server::metrics::Metrics;
use gammaflow_server::wire::{DeskView, IntradayView, MarketBarsView};
use gammaflow_server::{AppState, HttpConfig};
use gammaflow_sources::pacing::Pacing;
use gammaflow_sources::sim::{SimConfig, SimSource};
use jiff::civil::{Date, Time};
use tokio::sync::watch;

const DAY: Date = Date::constant(2025, 6, 9);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_publishes_market_state_and_serves_the_day_series() {
    let source = SimSource::new(
        SimConfig {
            start: DAY,
            activity: 0.1,
            ..SimConfig::default()
        },
        Pacing::AsFastAsPossible,
    )
    .unwrap();
    let config = DeskConfig::new(EngineConfig {
        products: vec![ProductConfig::spxw()],
        ..EngineConfig::default()
    });
    let metrics = Arc::new(Metrics::default());
    let (desk, channels) = Desk::new(config, Box::new(source), Arc::clone(&metrics)).unwrap();
    let (stop, stop_rx) = watch::channel(false);
    let desk_task = tokio::spawn(
        desk.stop_at(Some(Time::constant(10, 0, 0, 0)))
            .run(stop_rx.clone()),
    );
    let http = HttpConfig {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        ..HttpConfig::default()
    };
    let state = AppState {
        desk: channels.view.clone(),
        metrics,
        requests: channels.requests.clone(),
        history: None,
        events: Arc::default(),
        http: Arc::new(http.clone()),
        source_name: "sim",
        shutdown: stop_rx,
    };
    let listener = gammaflow_server::http::bind(&http).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(serve(listener, state, std::future::pending::<()>()));

    let mut view = channels.view;
    let last: Arc<DeskView> = tokio::time::timeout(Duration::from_secs(600), async {
        view.wait_for(|v| v.source.state == "ended")
            .await
            .map(|v| v.clone())
    })
    .await
    .expect("the source did not end")
    .unwrap();
    assert_eq!(last.source.last_error, None);

    // The market state of the trade date at 10:00 New York.
    let market = last.market.as_ref().expect("market state");
    assert_eq!(market.trade_date.as_deref(), Some("2025-06-09"));
    assert_eq!(market.es_symbol.as_deref(), Some("ESM25"));
    let (es, spx) = (market.es.unwrap(), market.spx.unwrap());
    assert!((5000.0..7000.0).contains(&es) && (5000.0..7000.0).contains(&spx));
    assert!((market.basis.unwrap() - (es - spx)).abs() < 1e-9);
    let vwap = market.vwap.unwrap();
    assert!((vwap - es).abs() < 100.0, "{vwap} vs {es}");
    assert_eq!(market.vwap_source, "computed");
    assert!(market.spx_open.is_some() && market.basis_at_open.is_some());
    let iv = market.atm_iv.unwrap();
    assert!(iv > 0.01 && iv < 2.0, "{iv}");
    let names: Vec<&str> = market.ranges.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["morning", "afternoon"]);
    assert_eq!(market.ranges[0].status, "closed");
    let afternoon = &market.ranges[1];
    assert_eq!(afternoon.status, "active");
    assert_eq!(
        (
            afternoon.start_new_york.as_str(),
            afternoon.end_new_york.as_str()
        ),
        ("09:30", "16:00")
    );
    assert_eq!(afternoon.levels.len(), 5, "{afternoon:?}");
    let reference = afternoon.reference.unwrap();
    assert!((reference - (market.spx_open.unwrap() + market.basis_at_open.unwrap())).abs() < 1e-9);
    let h = afternoon.half_width_1s.unwrap();
    assert!(h > 0.0 && afternoon.half_width_2s == Some(2.0 * h));
    assert!(afternoon.levels.windows(2).all(|w| w[0].price > w[1].price));
    assert_eq!(afternoon.levels[2].price, reference);
    assert!(afternoon.position.is_some());
    let rv: Vec<&str> = market.realized.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(rv, ["overnight", "morning", "afternoon", "full"]);
    assert!(market.realized[3].bars > 100, "{:?}", market.realized[3]);
    assert!(market.realized[3].rv.is_some());

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let get = |path: &str| client.get(format!("http://{addr}{path}")).send();

    // The per-minute flow is cumulative and ends at the product's totals.
    let response = get("/api/intraday/SPXW").await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let intraday: IntradayView = response.json().await.unwrap();
    assert_eq!(intraday.product, "spxw");
    let points = &intraday.points;
    assert!(points.len() > 10, "{} points", points.len());
    assert!(points.windows(2).all(|w| {
        w[0].ts < w[1].ts
            && w[0].call_volume <= w[1].call_volume
            && w[0].put_volume <= w[1].put_volume
    }));
    assert!(points.iter().all(|p| p.ts % 60_000_000_000 == 0));
    let last_point = points.last().unwrap();
    let totals = last.products[0].totals;
    assert_eq!(
        last_point.call_volume + last_point.put_volume,
        totals.call_volume + totals.put_volume
    );
    assert_eq!(last_point.call_volume, totals.call_volume);
    assert!((last_point.call_premium - totals.call_premium).abs() < 1e-6);
    // The stream's day totals carry the same net premium as the series' last point.
    assert!((last_point.call_net_premium - totals.call_net_premium).abs() < 1e-6);
    assert!((last_point.put_net_premium - totals.put_net_premium).abs() < 1e-6);
    assert!(totals.call_net_premium.abs() <= totals.call_premium);

    // Unknown product: 404 naming it.
    let response = get("/api/intraday/nope").await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("nope"), "{body}");

    // The ES bars of the trade date: from 08:00 (the simulator's ES start) to 09:59.
    let response = get("/api/market/bars").await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let bars: MarketBarsView = response.json().await.unwrap();
    assert_eq!(bars.es_symbol.as_deref(), Some("ESM25"));
    assert!(bars.bars.len() >= 100, "{} bars", bars.bars.len());
    assert!(bars.bars.windows(2).all(|w| w[0].ts < w[1].ts));
    let last_bar = bars.bars.last().unwrap();
    assert_eq!(last_bar.close, es);
    assert_eq!(last_bar.vwap, Some(vwap));
    assert!(
        bars.bars
            .iter()
            .all(|b| b.low <= b.open.min(b.close) && b.high >= b.open.max(b.close))
    );

    stop.send(true).unwrap();
    desk_task.await.unwrap().unwrap();
    server.await.unwrap().unwrap();
}
