//! The source's REST snapshot polling: the vendor's Greeks of the subscribed contracts join the
//! stream, filtered requests, failures as items, and no request when disabled.

use gammaflow_model::event::GreeksSnapshot;

use super::*;

const SPX_PATH: &str = "/v3/snapshot/options/I:SPX";
const SPY_PATH: &str = "/v3/snapshot/options/SPY";
const QQQ_PATH: &str = "/v3/snapshot/options/QQQ";
/// A second call in the range of the subscribed calls, never subscribed.
const C5805: &str = "O:SPXW251216C05805000";
const C5810: &str = "O:SPXW251216C05810000";
const SPY_CALL: &str = "O:SPY251216C00600000";
const QQQ_CALL: &str = "O:QQQ251216C00500000";

/// One snapshot page with a result per ticker (the vendor's fixture, re-labelled).
fn chain_page(tickers: &[&str]) -> String {
    let text = fixture("v3_snapshot_options_AAPL.json").unwrap();
    let template: serde_json::Value = serde_json::from_str(&text).unwrap();
    let results: Vec<serde_json::Value> = tickers
        .iter()
        .map(|ticker| {
            let mut r = template["results"][0].clone();
            r["details"]["ticker"] = (*ticker).into();
            r["underlying_asset"] = serde_json::json!({"ticker": "I:SPX", "value": 5801.25,
                "last_updated": 1_765_900_800_000_000_000_u64});
            r
        })
        .collect();
    serde_json::json!({"status": "OK", "request_id": "r", "results": results}).to_string()
}

/// The whole SPX chain around 5800 (two pages), and one-contract SPY and QQQ chains.
fn fake_chains() -> FakeConfig {
    FakeConfig::new(KEY)
        .with_pages(
            SPX_PATH,
            vec![
                chain_page(&["O:SPXW251216C05795000", A, C5805, B]),
                chain_page(&[C5810, "O:SPXW251216C05815000", "O:SPXW251217C05800000"]),
            ],
        )
        .with_pages(SPY_PATH, vec![chain_page(&[SPY_CALL])])
        .with_pages(QQQ_PATH, vec![chain_page(&[QQQ_CALL])])
}

/// The test configuration with the polling every `period` (`None`: off).
fn polling(fake: &FakePolygon, period: Option<Duration>) -> PolygonConfig {
    PolygonConfig {
        snapshot_interval: period,
        rest_max_attempts: 2,
        rest_rate_limit: RateLimit {
            burst: 100,
            per_second: 1000.0,
        },
        ..config(fake, KEY)
    }
}

const PERIOD: Option<Duration> = Some(Duration::from_millis(200));

/// The next item, which must be vendor Greeks.
async fn next_greeks(source: &mut PolygonSource) -> GreeksSnapshot {
    match next(source).await {
        Ok(Event::Greeks(g)) => g,
        other => panic!("expected vendor Greeks, got {other:?}"),
    }
}

fn contract_of(g: &GreeksSnapshot) -> OptionContract {
    match g.instrument {
        Instrument::Option(c) => c,
        other => panic!("Greeks of {other:?}"),
    }
}

#[tokio::test]
async fn the_vendor_greeks_of_the_subscribed_contracts_join_the_stream() {
    let fake = FakePolygon::start(fake_chains()).await.unwrap();
    let mut source = PolygonSource::start(polling(&fake, PERIOD)).unwrap();
    assert!(source.rest_client().is_some());
    source.subscribe(&[c(A), c(C5810)]).unwrap();
    let mut seen = Vec::new();
    while !(seen.contains(&c(A)) && seen.contains(&c(C5810))) {
        let g = next_greeks(&mut source).await;
        let contract = contract_of(&g);
        assert!(
            contract == c(A) || contract == c(C5810),
            "only subscribed contracts: {contract}"
        );
        assert_eq!(g.ts_recv, RECV, "stamped by the source's clock");
        assert_eq!(g.underlying_price, "5801.25".parse::<Price>().unwrap());
        assert!((g.iv - 0.357_027_720_346_505_8).abs() < 1e-15);
        assert!((g.delta - 0.643_661_493_429_370_1).abs() < 1e-15);
        seen.push(contract);
    }
    // One filtered request per round, the filter carried on to the second page.
    let filter =
        "expiration_date=2025-12-16&strike_price.gte=5800&strike_price.lte=5810&contract_type=call";
    let log = fake.log();
    let requests = log.requests_to(SPX_PATH);
    assert_eq!(
        requests[..2],
        [
            format!("{SPX_PATH}?{filter}&limit=250&apiKey={KEY}"),
            format!("{SPX_PATH}?cursor=1&{filter}&apiKey={KEY}"),
        ]
    );

    // After the unsubscription only C5810 comes. Rounds emit A then C5810, so complete pairs may
    // still be queued; once a lone C5810 (a later round) arrives, A never comes again.
    source.unsubscribe(&[c(A)]).unwrap();
    let (mut pending_a, mut lone) = (false, 0);
    while lone < 3 {
        let contract = contract_of(&next_greeks(&mut source).await);
        if contract == c(A) {
            assert!(lone == 0 && !pending_a, "A after its unsubscription");
            pending_a = true;
        } else if std::mem::take(&mut pending_a) {
            // The second half of a round from before the unsubscription.
        } else {
            lone += 1;
        }
    }
    let narrowed = format!(
        "{SPX_PATH}?expiration_date=2025-12-16&strike_price=5810&contract_type=call&limit=250&apiKey={KEY}"
    );
    assert!(
        fake.log()
            .requests_to(SPX_PATH)
            .contains(&narrowed.as_str()),
        "the request narrows to the remaining contract"
    );
}

#[tokio::test]
async fn a_failed_snapshot_is_one_error_and_the_stream_goes_on() {
    let mut fake_config = fake_chains();
    // Both attempts of the first snapshot fail.
    fake_config.rest_failures = vec![
        HttpFailure {
            status: 500,
            retry_after: None,
        };
        2
    ];
    let fake = FakePolygon::start(fake_config).await.unwrap();
    let mut source = PolygonSource::start(polling(&fake, PERIOD)).unwrap();
    source.subscribe(&[c(A)]).unwrap();
    let err = polygon_err(next(&mut source).await);
    assert!(
        matches!(
            &err,
            PolygonError::Http { url, status: 500, attempts: 2, .. }
                if url.starts_with(&format!("{}{SPX_PATH}?", fake.rest_base())) && !url.contains(KEY)
        ),
        "{err:?}"
    );
    // The next round succeeds; the WebSocket side was never affected.
    assert_eq!(contract_of(&next_greeks(&mut source).await), c(A));
    let subscribed = |log: &Log| !log.actions("subscribe", "/options").is_empty();
    assert!(fake.wait_until(subscribed, LIMIT).await);
    fake.push(&trade_frame(A, "4.85", 1));
    loop {
        match next(&mut source).await {
            Ok(Event::Trade(t)) => {
                assert_eq!(t.instrument, Instrument::Option(c(A)));
                break;
            }
            Ok(Event::Greeks(g)) => assert_eq!(contract_of(&g), c(A)),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(source.disconnects(), 0);
}

#[tokio::test]
async fn disabled_polling_makes_no_rest_request() {
    let fake = FakePolygon::start(fake_chains()).await.unwrap();
    let mut off = PolygonSource::start(polling(&fake, None)).unwrap();
    let mut zero = PolygonSource::start(polling(&fake, Some(Duration::ZERO))).unwrap();
    assert!(off.rest_client().is_none() && zero.rest_client().is_none());
    off.subscribe(&[c(SPY_CALL)]).unwrap();
    zero.subscribe(&[c(QQQ_CALL)]).unwrap();
    // An enabled source on the same fake paces the wait: three of its rounds.
    let mut on = PolygonSource::start(polling(&fake, PERIOD)).unwrap();
    on.subscribe(&[c(A)]).unwrap();
    let rounds = |log: &Log| log.requests_to(SPX_PATH).len() >= 6;
    assert!(fake.wait_until(rounds, LIMIT).await);
    let log = fake.log();
    assert!(log.requests_to(SPY_PATH).is_empty(), "{log:?}");
    assert!(log.requests_to(QQQ_PATH).is_empty(), "{log:?}");
}

#[tokio::test]
async fn no_request_without_subscriptions_and_none_after_the_source_is_dropped() {
    let fake = FakePolygon::start(fake_chains()).await.unwrap();
    let idle = PolygonSource::start(polling(&fake, PERIOD)).unwrap();
    let mut dropped = PolygonSource::start(polling(&fake, PERIOD)).unwrap();
    dropped.subscribe(&[c(QQQ_CALL)]).unwrap();
    assert!(
        fake.wait_until(|log| !log.requests_to(QQQ_PATH).is_empty(), LIMIT)
            .await
    );
    drop(dropped);
    let before = fake.log().requests_to(QQQ_PATH).len();
    // The clock: three rounds of another source.
    let mut on = PolygonSource::start(polling(&fake, PERIOD)).unwrap();
    on.subscribe(&[c(SPY_CALL)]).unwrap();
    assert!(
        fake.wait_until(|log| log.requests_to(SPY_PATH).len() >= 3, LIMIT)
            .await
    );
    let log = fake.log();
    // At most the request that was on the wire when the source was dropped.
    assert!(log.requests_to(QQQ_PATH).len() <= before + 1, "{log:?}");
    assert_eq!(
        log.requests_to(SPX_PATH).len(),
        0,
        "the idle source never asked"
    );
    drop(idle);
}

#[tokio::test]
async fn the_poller_does_not_keep_a_dead_stream_open() {
    let fake = FakePolygon::start(fake_chains()).await.unwrap();
    let config = PolygonConfig {
        api_key: ApiKey::new("wrong-key-abc"),
        ..polling(&fake, PERIOD)
    };
    let mut source = PolygonSource::start(config).unwrap();
    // Subscribed before the rejection arrives: the poller has work, and asks with the bad key.
    source.subscribe(&[c(A)]).unwrap();
    let mut items = Vec::new();
    while let Some(item) = tokio::time::timeout(LIMIT, source.next())
        .await
        .expect("the stream ends")
    {
        items.push(item);
    }
    assert!(
        items.iter().any(|i| matches!(
            i,
            Err(SourcesError::Polygon(PolygonError::AuthFailed { .. }))
        )),
        "{items:?}"
    );
    assert!(
        items.iter().all(|i| matches!(
            i,
            Err(SourcesError::Polygon(
                PolygonError::AuthFailed { .. } | PolygonError::Http { status: 401, .. }
            ))
        )),
        "{items:?}"
    );
}
