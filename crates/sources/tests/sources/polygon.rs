//! Integration tests of the polygon source against the fake server of the test kit.

mod greeks;

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use gammaflow_model::event::{Event, ExchangeId, Instrument};
use gammaflow_model::{OptionContract, Price, Size, Underlying, UnixNanos};
use gammaflow_sources::polygon::{
    ApiKey, BackoffConfig, Clock, GapStats, PolygonConfig, PolygonError, PolygonSource, RateLimit,
    RestClient, RestConfig,
};
use gammaflow_sources::{Source, SourcesError};
use gammaflow_testkit::polygon::{
    FakeConfig, FakePolygon, HttpFailure, Log, fixture, status_frame,
};

const KEY: &str = "k3y-SECRET-0123456789";
const RECV: UnixNanos = UnixNanos(7);
/// Fail-safe for waits (a hang fails the test instead of blocking CI); never reached when passing.
const LIMIT: Duration = Duration::from_secs(20);

const A: &str = "O:SPXW251216C05800000";
const B: &str = "O:SPXW251216P05800000";

fn c(s: &str) -> OptionContract {
    OptionContract::parse_any(s).unwrap()
}

fn tiny_backoff() -> BackoffConfig {
    BackoffConfig {
        initial: Duration::from_millis(1),
        max: Duration::from_millis(5),
        jitter: 0.5,
        seed: 3,
    }
}

fn config(fake: &FakePolygon, key: &str) -> PolygonConfig {
    let clock: Arc<dyn Clock> = Arc::new(|| RECV);
    PolygonConfig {
        ws_base: fake.ws_base(),
        index_topics: Vec::new(),
        stock_topics: Vec::new(),
        backoff: tiny_backoff(),
        connect_timeout: Duration::from_secs(5),
        clock,
        // The REST snapshot polling is tested in `greeks`; elsewhere it stays off.
        snapshot_interval: None,
        rest_base: fake.rest_base(),
        ..PolygonConfig::new(ApiKey::new(key))
    }
}

fn rest(fake: &FakePolygon, key: &str) -> RestClient {
    RestClient::new(RestConfig {
        base: fake.rest_base(),
        backoff: tiny_backoff(),
        retry_after_cap: Duration::from_millis(1),
        max_attempts: 3,
        rate_limit: RateLimit {
            burst: 100,
            per_second: 1000.0,
        },
        ..RestConfig::new(ApiKey::new(key))
    })
    .unwrap()
}

async fn next(source: &mut PolygonSource) -> Result<Event, SourcesError> {
    tokio::time::timeout(LIMIT, source.next())
        .await
        .expect("no item in time")
        .expect("the stream ended")
}

fn trade_frame(sym: &str, price: &str, q: u64) -> String {
    format!(
        r#"[{{"ev":"T","sym":"{sym}","x":302,"p":{price},"s":3,"c":[209,219],"t":1765900800123,"q":{q}}}]"#
    )
}

fn quote_frame(sym: &str, q: u64) -> String {
    format!(
        r#"[{{"ev":"Q","sym":"{sym}","bx":302,"ax":302,"bp":4.8,"ap":4.95,"bs":10,"as":12,"t":1765900800200,"q":{q}}}]"#
    )
}

fn polygon_err(item: Result<Event, SourcesError>) -> PolygonError {
    match item {
        Err(SourcesError::Polygon(e)) => e,
        other => panic!("expected a polygon error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_bad_key_fails_clearly_without_retrying() {
    let fake = FakePolygon::start(FakeConfig::new(KEY)).await.unwrap();
    let mut source = PolygonSource::start(config(&fake, "wrong-key-abc")).unwrap();
    let err = polygon_err(next(&mut source).await);
    assert_eq!(
        err,
        PolygonError::AuthFailed {
            url: format!("{}/options", fake.ws_base()),
            message: "authentication failed".into(),
        }
    );
    assert!(!err.to_string().contains("wrong-key-abc"));
    let end = tokio::time::timeout(LIMIT, source.next()).await.unwrap();
    assert!(end.is_none(), "the only connection stopped: {end:?}");
    assert_eq!(fake.log().connections.len(), 1, "no retry on a bad key");
    assert!(matches!(
        source.subscribe(&[c(A)]),
        Err(SourcesError::Polygon(PolygonError::Disconnected { .. }))
    ));
}

#[tokio::test]
async fn subscribe_decode_and_unsubscribe_end_to_end() {
    let fake_config = FakeConfig::new(KEY)
        .with_frames(&format!("T.{A}"), vec![trade_frame(A, "4.85", 11)])
        .with_frames(&format!("Q.{A}"), vec![quote_frame(A, 12)]);
    let fake = FakePolygon::start(fake_config).await.unwrap();
    let mut source = PolygonSource::start(config(&fake, KEY)).unwrap();
    assert_eq!(source.name(), "polygon");
    source.subscribe(&[c(A)]).unwrap();
    let Event::Trade(t) = next(&mut source).await.unwrap() else {
        panic!("expected the trade first")
    };
    assert_eq!(t.instrument, Instrument::Option(c(A)));
    assert_eq!(t.price, "4.85".parse::<Price>().unwrap());
    assert_eq!(
        (t.size, t.exchange, t.sequence),
        (Size::new(3), ExchangeId(302), 11)
    );
    assert_eq!(t.conditions.as_slice(), &[209, 219]);
    assert_eq!(
        (t.ts_event, t.ts_recv),
        (UnixNanos(1_765_900_800_123_000_000), RECV)
    );
    let Event::Quote(q) = next(&mut source).await.unwrap() else {
        panic!("expected the quote")
    };
    assert_eq!(
        (q.bid.to_string(), q.ask.to_string()),
        ("4.8".into(), "4.95".into())
    );
    let log = fake.log();
    let auth = &log.received[0];
    assert_eq!((auth.connection, auth.path.as_str()), (0, "/options"));
    assert_eq!(
        auth.text,
        format!(r#"{{"action":"auth","params":"{KEY}"}}"#)
    );
    assert_eq!(
        log.actions("subscribe", "/options"),
        [(0, format!("T.{A},Q.{A}"))]
    );
    source.subscribe(&[c(A), c(B)]).unwrap();
    source.unsubscribe(&[c(A), c(A)]).unwrap();
    let done = fake
        .wait_until(
            |log| !log.actions("unsubscribe", "/options").is_empty(),
            LIMIT,
        )
        .await;
    assert!(done);
    let log = fake.log();
    assert_eq!(
        log.actions("subscribe", "/options")[1],
        (0, format!("T.{B},Q.{B}"))
    );
    assert_eq!(
        log.actions("unsubscribe", "/options"),
        [(0, format!("T.{A},Q.{A}"))]
    );
    assert_eq!(
        source.subscriptions().iter().copied().collect::<Vec<_>>(),
        [c(B)]
    );
    assert_eq!(source.gap_stats(&c(A)), GapStats::default());
}

#[tokio::test]
async fn malformed_frames_are_errors_and_the_stream_goes_on() {
    let bad_event = format!(
        r#"[{{"ev":"T","sym":"{A}","p":"4.85","s":1,"t":1}},{{"ev":"T","sym":"{A}","p":4.9,"s":1,"t":2,"q":30}}]"#
    );
    let frames = vec![
        trade_frame(A, "4.85", 10),
        "this is not json".to_owned(),
        bad_event.clone(),
        quote_frame(A, 31),
    ];
    let fake = FakePolygon::start(FakeConfig::new(KEY).with_frames(&format!("T.{A}"), frames))
        .await
        .unwrap();
    let mut source = PolygonSource::start(config(&fake, KEY)).unwrap();
    source.subscribe(&[c(A)]).unwrap();
    assert!(matches!(next(&mut source).await, Ok(Event::Trade(_))));
    assert_eq!(
        polygon_err(next(&mut source).await),
        PolygonError::Frame {
            frame: "this is not json".into(),
            reason: "not JSON: expected ident at line 1 column 2".into(),
        }
    );
    let err = polygon_err(next(&mut source).await);
    assert_eq!(
        err,
        PolygonError::Event {
            frame: bad_event,
            index: 0,
            ev: "T".into(),
            field: "p".into(),
            reason: "expected a number, found \"4.85\"".into(),
        }
    );
    let Event::Trade(t) = next(&mut source).await.unwrap() else {
        panic!()
    };
    assert_eq!((t.price.to_string(), t.sequence), ("4.9".to_owned(), 30));
    assert!(matches!(next(&mut source).await, Ok(Event::Quote(_))));
}

#[tokio::test]
async fn a_server_error_status_is_reported_and_the_stream_goes_on() {
    let fake = FakePolygon::start(FakeConfig::new(KEY)).await.unwrap();
    let mut source = PolygonSource::start(config(&fake, KEY)).unwrap();
    source.subscribe(&[c(A)]).unwrap();
    let subscribed = |log: &Log| !log.actions("subscribe", "/options").is_empty();
    assert!(fake.wait_until(subscribed, LIMIT).await);
    fake.push(&status_frame("error", "not entitled to Q.O:SPXW"));
    fake.push(&trade_frame(A, "5", 1));
    assert_eq!(
        polygon_err(next(&mut source).await),
        PolygonError::ServerStatus {
            url: format!("{}/options", fake.ws_base()),
            status: "error".into(),
            message: "not entitled to Q.O:SPXW".into(),
        }
    );
    assert!(matches!(next(&mut source).await, Ok(Event::Trade(_))));
}

#[tokio::test]
async fn a_dropped_connection_reconnects_reauths_and_resubscribes_the_current_set() {
    let mut fake_config = FakeConfig::new(KEY).with_frames(
        &format!("T.{A}"),
        vec![trade_frame(A, "1", 1), trade_frame(A, "2", 2)],
    );
    fake_config.drop_after_frames = Some(2);
    fake_config.replay_on_resubscribe = true;
    let fake = FakePolygon::start(fake_config).await.unwrap();
    let mut source = PolygonSource::start(config(&fake, KEY)).unwrap();
    source.subscribe(&[c(A), c(B)]).unwrap();
    for want in [1, 2] {
        let Event::Trade(t) = next(&mut source).await.unwrap() else {
            panic!()
        };
        assert_eq!(t.sequence, want);
    }
    source.unsubscribe(&[c(B)]).unwrap();
    assert!(
        fake.wait_until(
            |log| !log.actions("unsubscribe", "/options").is_empty(),
            LIMIT
        )
        .await
    );
    // The third data frame makes the fake drop the TCP connection.
    fake.push(&trade_frame(A, "3", 3));
    let err = polygon_err(next(&mut source).await);
    assert!(
        matches!(&err, PolygonError::Disconnected { url, .. } if url.ends_with("/options")),
        "{err:?}"
    );
    // The new connection replays the script: the same sequence numbers again.
    for want in [1, 2] {
        let Event::Trade(t) = next(&mut source).await.unwrap() else {
            panic!()
        };
        assert_eq!(t.sequence, want);
    }
    let log = fake.log();
    assert_eq!(log.connections, ["/options", "/options"]);
    let auths: Vec<usize> = log
        .received
        .iter()
        .filter(|r| r.text.contains(r#""action":"auth""#))
        .map(|r| r.connection)
        .collect();
    assert_eq!(auths, [0, 1]);
    assert_eq!(
        log.topics_on(1, "/options"),
        [format!("Q.{A}"), format!("T.{A}")]
    );
    assert_eq!(log.topics_on(0, "/options"), log.topics_on(1, "/options"));
    assert_eq!(
        source.gap_stats(&c(A)),
        GapStats {
            out_of_order: 2,
            reconnect_windows: 1
        }
    );
    assert_eq!(source.gap_stats(&c(B)), GapStats::default());
    assert_eq!((source.disconnects(), source.sessions()), (1, 2));
}

#[tokio::test]
async fn a_silent_connection_is_declared_dead_and_replaced() {
    let mut fake_config =
        FakeConfig::new(KEY).with_frames(&format!("T.{A}"), vec![trade_frame(A, "1", 1)]);
    fake_config.drop_after_frames = Some(0);
    fake_config.stall_instead_of_drop = true;
    let fake = FakePolygon::start(fake_config).await.unwrap();
    let mut cfg = config(&fake, KEY);
    cfg.ping_interval = Duration::from_millis(20);
    cfg.dead_after = Duration::from_millis(100);
    let mut source = PolygonSource::start(cfg).unwrap();
    source.subscribe(&[c(A)]).unwrap();
    let err = polygon_err(next(&mut source).await);
    assert!(
        matches!(&err, PolygonError::Disconnected { reason, .. } if reason.starts_with("no frame for")),
        "{err:?}"
    );
    assert!(
        fake.wait_until(|log| log.connections.len() >= 2, LIMIT)
            .await
    );
    assert!(
        fake.wait_until(
            |log| log.topics_on(1, "/options") == [format!("Q.{A}"), format!("T.{A}")],
            LIMIT
        )
        .await
    );
}

#[tokio::test]
async fn at_most_1000_contracts_per_connection() {
    let fake = FakePolygon::start(FakeConfig::new(KEY)).await.unwrap();
    let mut source = PolygonSource::start(config(&fake, KEY)).unwrap();
    let contract = |i: u32| c(&format!("O:SPXW251216C0{:04}000", 4000 + i));
    let first: Vec<OptionContract> = (0..1000).map(contract).collect();
    source.subscribe(&first).unwrap();
    assert_eq!(
        source.subscribe(&[contract(1000)]),
        Err(SourcesError::SubscriptionLimit {
            limit: 1000,
            requested: 1001
        })
    );
    assert_eq!(source.subscriptions().len(), 1000);
    assert!(
        fake.wait_until(|log| log.topics_on(0, "/options").len() == 2000, LIMIT)
            .await,
        "2,000 topics (T and Q), in messages of 200"
    );
    assert_eq!(fake.log().actions("subscribe", "/options").len(), 10);
    source.unsubscribe(&[contract(0)]).unwrap();
    source.subscribe(&[contract(1000)]).unwrap();
    assert_eq!(source.subscriptions().len(), 1000);
}

#[tokio::test]
async fn the_index_connection_delivers_index_values() {
    let frame = r#"[{"ev":"V","val":5801.37,"T":"I:SPX","t":1765900800500}]"#.to_owned();
    let fake = FakePolygon::start(FakeConfig::new(KEY).with_frames("V.I:SPX", vec![frame]))
        .await
        .unwrap();
    let mut cfg = config(&fake, KEY);
    cfg.index_topics = vec!["V.I:SPX".into()];
    let mut source = PolygonSource::start(cfg).unwrap();
    let Event::Index(v) = next(&mut source).await.unwrap() else {
        panic!()
    };
    assert_eq!(v.instrument, Instrument::from(Underlying::SPX));
    assert_eq!(v.value.to_string(), "5801.37");
    let subscribed: Vec<String> = fake
        .log()
        .actions("subscribe", "/indices")
        .into_iter()
        .map(|(_, params)| params)
        .collect();
    assert_eq!(subscribed, ["V.I:SPX"]);
}

#[tokio::test]
async fn the_stocks_connection_delivers_spy_in_shares() {
    let frame = r#"[{"ev":"Q","sym":"SPY","bx":4,"bp":599.45,"bs":1,"ax":7,"ap":599.48,"as":6,"c":0,"i":[604],"t":1765900800100,"q":5,"z":3}]"#;
    let fake = FakePolygon::start(FakeConfig::new(KEY).with_frames("Q.SPY", vec![frame.into()]))
        .await
        .unwrap();
    let mut cfg = config(&fake, KEY);
    cfg.stock_topics = vec!["Q.SPY".into()];
    let mut source = PolygonSource::start(cfg).unwrap();
    let Event::Quote(q) = next(&mut source).await.unwrap() else {
        panic!()
    };
    assert_eq!(q.instrument, Instrument::from(Underlying::SPY));
    assert_eq!((q.bid_size, q.ask_size), (Size::new(100), Size::new(600)));
    assert!(
        fake.wait_until(|log| log.connections.len() == 2, LIMIT)
            .await
    );
    let mut connections = fake.log().connections;
    connections.sort();
    assert_eq!(connections, ["/options", "/stocks"]);
}

#[tokio::test]
async fn an_unreachable_server_is_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let fake = FakePolygon::start(FakeConfig::new(KEY)).await.unwrap();
    let mut cfg = config(&fake, KEY);
    cfg.ws_base = format!("ws://{addr}");
    let mut source = PolygonSource::start(cfg).unwrap();
    for _ in 0..3 {
        let err = polygon_err(next(&mut source).await);
        assert!(
            matches!(&err, PolygonError::Connect { url, .. } if *url == format!("ws://{addr}/options")),
            "{err:?}"
        );
    }
    assert_eq!((source.sessions(), source.disconnects()), (0, 0));
}

#[test]
fn starting_needs_a_runtime() {
    let config = PolygonConfig::new(ApiKey::new(KEY));
    assert_eq!(
        PolygonSource::start(config).unwrap_err(),
        PolygonError::NoRuntime
    );
}

/// `pages` pages of `per_page` SPX contracts, built from the vendor's snapshot fixture.
fn snapshot_pages(pages: usize, per_page: usize) -> Vec<String> {
    let text = fixture("v3_snapshot_options_AAPL.json").unwrap();
    let template: serde_json::Value = serde_json::from_str(&text).unwrap();
    let result = template["results"][0].clone();
    (0..pages)
        .map(|p| {
            let results: Vec<serde_json::Value> = (0..per_page)
                .map(|i| {
                    let strike = 5000 + 5 * (p * per_page + i);
                    let mut r = result.clone();
                    r["details"]["ticker"] = format!("O:SPXW251216C0{strike:04}000").into();
                    r["underlying_asset"] = serde_json::json!({"ticker": "I:SPX", "value": 5801.25,
                        "last_updated": 1_765_900_800_000_000_000_u64});
                    r
                })
                .collect();
            serde_json::json!({"status": "OK", "request_id": "r", "results": results}).to_string()
        })
        .collect()
}

#[tokio::test]
async fn rest_snapshot_follows_next_url_with_the_key() {
    let fake_config =
        FakeConfig::new(KEY).with_pages("/v3/snapshot/options/I:SPX", snapshot_pages(3, 4));
    let fake = FakePolygon::start(fake_config).await.unwrap();
    let chain = rest(&fake, KEY)
        .chain_snapshot(&Underlying::SPX)
        .await
        .unwrap();
    assert!(chain.errors.is_empty(), "{:?}", chain.errors);
    assert_eq!((chain.pages, chain.contracts.len()), (3, 12));
    assert_eq!(chain.contracts[11].contract, c("O:SPXW251216C05055000"));
    assert_eq!(chain.underlying_price(), Some("5801.25".parse().unwrap()));
    let requests = fake.log().http_requests;
    assert_eq!(
        requests,
        [
            format!("/v3/snapshot/options/I:SPX?limit=250&apiKey={KEY}"),
            format!("/v3/snapshot/options/I:SPX?cursor=1&apiKey={KEY}"),
            format!("/v3/snapshot/options/I:SPX?cursor=2&apiKey={KEY}"),
        ]
    );
}

#[tokio::test]
async fn rest_retries_429_and_5xx_then_succeeds() {
    let mut fake_config =
        FakeConfig::new(KEY).with_pages("/v3/snapshot/options/SPY", snapshot_pages(1, 2));
    fake_config.rest_failures = vec![
        HttpFailure {
            status: 429,
            retry_after: Some(30),
        },
        HttpFailure {
            status: 503,
            retry_after: None,
        },
    ];
    let fake = FakePolygon::start(fake_config).await.unwrap();
    let chain = rest(&fake, KEY)
        .chain_snapshot(&Underlying::SPY)
        .await
        .unwrap();
    assert_eq!(chain.contracts.len(), 2);
    assert_eq!(fake.log().http_requests.len(), 3);
}

#[tokio::test]
async fn rest_gives_up_after_n_attempts_naming_the_url_without_the_key() {
    let mut fake_config = FakeConfig::new(KEY);
    fake_config.rest_failures = vec![
        HttpFailure {
            status: 500,
            retry_after: None,
        };
        5
    ];
    let fake = FakePolygon::start(fake_config).await.unwrap();
    let err = rest(&fake, KEY)
        .chain_snapshot(&Underlying::SPY)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        PolygonError::Http {
            url: format!("{}/v3/snapshot/options/SPY?limit=250", fake.rest_base()),
            status: 500,
            attempts: 3,
            body: r#"{"status":"ERROR","error":"scripted failure"}"#.into(),
        }
    );
    assert_eq!(fake.log().http_requests.len(), 3);
    assert!(!err.to_string().contains(KEY));
}

#[tokio::test]
async fn a_wrong_rest_key_is_not_retried_and_not_shown() {
    let fake_config =
        FakeConfig::new(KEY).with_pages("/v3/snapshot/options/SPY", snapshot_pages(1, 1));
    let fake = FakePolygon::start(fake_config).await.unwrap();
    let client = rest(&fake, "other-SECRET-key");
    let err = client.chain_snapshot(&Underlying::SPY).await.unwrap_err();
    assert!(
        matches!(
            err,
            PolygonError::Http {
                status: 401,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    let shown = format!("{err} {err:?} {client:?}");
    assert!(!shown.contains("other-SECRET-key"), "{shown}");
}

fn options_conditions_body() -> String {
    let entry = |id: u16, abbr: &str, volume: bool, last: bool| {
        serde_json::json!({"id": id, "abbreviation": abbr, "name": abbr, "type": "sale_condition",
            "asset_class": "options", "sip_mapping": {"OPRA": "?"}, "data_types": ["trade"],
            "update_rules": {"consolidated": {"updates_high_low": last, "updates_open_close": last,
            "updates_volume": volume}, "market_center": {"updates_high_low": last,
            "updates_open_close": last, "updates_volume": volume}}})
    };
    serde_json::json!({"status": "OK", "results": [
        entry(201, "CANC", false, false),
        entry(202, "OSEQ", false, false),
        entry(209, "AUTO", true, true),
        entry(219, "ISOI", true, true),
    ]})
    .to_string()
}

#[tokio::test]
async fn reference_lists_are_fetched_once_and_drive_the_condition_table() {
    let fake_config = FakeConfig::new(KEY)
        .with_pages("/v3/reference/conditions", vec![options_conditions_body()])
        .with_pages(
            "/v3/reference/exchanges",
            vec![fixture("v3_reference_exchanges.json").unwrap()],
        );
    let fake = FakePolygon::start(fake_config).await.unwrap();
    let client = rest(&fake, KEY);
    let first = client.conditions().await.unwrap();
    let again = client.conditions().await.unwrap();
    assert!(Arc::ptr_eq(&first, &again));
    assert_eq!(first.len(), 4);
    let (table, diffs) = client.condition_table().await.unwrap();
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert_eq!((diffs[0].id, diffs[0].what), (202, "counts_volume"));
    assert!(table.treatment_of_ids(&[202]).excluded);
    let exchanges = client.exchanges().await.unwrap();
    assert!(
        exchanges
            .iter()
            .any(|e| e.id == 1 && e.name.contains("NYSE American"))
    );
    client.exchanges().await.unwrap();
    let requests = fake.log().http_requests;
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(
        requests[0].starts_with("/v3/reference/conditions?asset_class=options&limit=1000&apiKey=")
    );
}

#[tokio::test]
async fn the_key_never_shows_in_debug_output() {
    let fake = FakePolygon::start(FakeConfig::new(KEY)).await.unwrap();
    let config = config(&fake, KEY);
    let rest_config = RestConfig::new(ApiKey::new(KEY));
    let source = PolygonSource::start(config.clone()).unwrap();
    let client = rest(&fake, KEY);
    let shown = format!(
        "{config:?} {rest_config:?} {source:?} {client:?} {:?}",
        ApiKey::new(KEY)
    );
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("ApiKey(***)"));
}
