use super::*;
use gammaflow_model::event::{Event, Instrument};
use gammaflow_model::{OptionContract, Price, UnixNanos};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(gammaflow_testkit::shared_data(&format!("polygon/{name}"))).unwrap()
}

const RECV: UnixNanos = UnixNanos(1_700_000_000_000_000_000);

#[test]
fn the_vendor_snapshot_maps_to_model_units() {
    let page = parse_snapshot_page(&fixture("v3_snapshot_options_AAPL.json"), "u", RECV).unwrap();
    assert!(page.errors.is_empty(), "{:?}", page.errors);
    assert_eq!(page.next_url, None);
    let c = &page.contracts[0];
    assert_eq!(
        c.contract,
        OptionContract::parse_any("O:AAPL230616C00150000").unwrap()
    );
    assert_eq!(c.underlying_price, Some("159.9606".parse().unwrap()));
    let g = c.greeks.unwrap();
    assert!((g.iv - 0.357_027_720_346_505_8).abs() < 1e-15);
    assert!((g.delta - 0.643_661_493_429_370_1).abs() < 1e-15);
    assert!((g.vega_per_vol_point() - 0.638_115_972_317_571_4).abs() < 1e-12);
    assert!((g.theta_per_day() + 0.028_227_189_324_641_973).abs() < 1e-12);
    assert_eq!(
        g.ts_event,
        UnixNanos(1_651_254_263_172_073_152),
        "later of quote and underlying"
    );
    assert_eq!(g.underlying_price, "159.9606".parse::<Price>().unwrap());
    let q = c.quote.unwrap();
    assert_eq!(
        (q.bid.to_string(), q.ask.to_string()),
        ("28.9".into(), "29.25".into())
    );
    assert_eq!((q.bid_size.get(), q.ask_size.get()), (294, 209));
    assert_eq!(
        (q.ts_event, q.ts_recv),
        (UnixNanos(1_651_254_260_800_059_648), RECV)
    );
    let t = c.trade.unwrap();
    assert_eq!(t.price.to_string(), "29.25");
    assert_eq!(t.conditions.as_slice(), &[209]);
    assert_eq!(t.exchange.0, 309);
    assert_eq!(t.ts_event, UnixNanos(1_678_718_527_714_665_700));
    let oi = c.open_interest.unwrap();
    assert_eq!(oi.contracts.get(), 8133);
    // day.last_updated is 2022-04-29 00:00 New York: the figure is as of the 28th's close.
    assert_eq!(oi.as_of.to_string(), "2022-04-28");
    assert_eq!(c.events().len(), 4);
    assert!(
        c.events()
            .iter()
            .all(|e| e.instrument() == Instrument::Option(c.contract))
    );
    assert!(matches!(c.events()[0], Event::Greeks(_)));
}

#[test]
fn the_single_contract_form_parses() {
    let page = parse_snapshot_page(
        &fixture("v3_snapshot_options_AAPL_O_AAPL230616C00150000.json"),
        "u",
        RECV,
    )
    .unwrap();
    assert_eq!(page.contracts.len(), 1);
}

#[test]
fn bad_sections_are_reported_and_the_rest_kept() {
    let body = r#"{"status":"OK","next_url":"https://x/v3/snapshot/options/I:SPX?cursor=abc","results":[
      {"details":{"ticker":"O:SPXW251216C05800000"},"greeks":{"delta":"x"},"implied_volatility":0.2,
       "underlying_asset":{"ticker":"I:SPX","value":5801.25},"open_interest":12,
       "last_quote":{"bid":1.5,"ask":1.6,"last_updated":1765900800000000000}},
      {"details":{"ticker":"SPXW"}},
      {"details":{"ticker":"O:SPXW251216P05800000"},"last_trade":{"price":2,"size":1,"sip_timestamp":5,"conditions":[1,2,3,4,5]}},
      {"details":{"ticker":"O:SPXW251216P05805000"}},
      3]}"#;
    let page = parse_snapshot_page(body, "https://x/v3/snapshot/options/I:SPX", RECV).unwrap();
    assert_eq!(
        page.next_url.as_deref(),
        Some("https://x/v3/snapshot/options/I:SPX?cursor=abc")
    );
    assert_eq!(page.contracts.len(), 3);
    let fields: Vec<(usize, String)> = page
        .errors
        .iter()
        .map(|e| match e {
            PolygonError::ResultField { index, field, .. } => (*index, field.clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        fields,
        [
            (0, "greeks.delta".to_owned()),
            (1, "details.ticker".to_owned()),
            (2, "last_trade.conditions".to_owned()),
            (4, String::new()),
        ]
    );
    let first = &page.contracts[0];
    assert_eq!(first.underlying_price, Some("5801.25".parse().unwrap()));
    assert!(first.greeks.is_none(), "the bad greeks section is dropped");
    assert_eq!(first.quote.unwrap().bid_size.get(), 0);
    // No `day` section: dated by ts_recv (2023-11-14 in New York), as of the session before.
    assert_eq!(first.open_interest.unwrap().as_of.to_string(), "2023-11-13");
    let bare = &page.contracts[2];
    assert!(bare.events().is_empty() && bare.underlying_price.is_none());
    let only_iv = parse_snapshot_page(
        r#"{"results":[{"details":{"ticker":"O:SPY250613C00600000"},"implied_volatility":0.15}]}"#,
        "u",
        RECV,
    )
    .unwrap();
    let g = only_iv.contracts[0].greeks.unwrap();
    assert!(g.iv == 0.15 && g.delta.is_nan() && !g.is_complete());
    assert_eq!(g.ts_event, RECV);
}

#[test]
fn bad_pages() {
    for body in [
        "nope",
        "[1]",
        r#"{"results":5}"#,
        r#"{"status":"ERROR","error":"Unknown API Key"}"#,
    ] {
        assert!(
            matches!(
                parse_snapshot_page(body, "u", RECV),
                Err(PolygonError::Response { .. })
            ),
            "{body}"
        );
    }
}

#[test]
fn keys_are_set_and_hidden() {
    let mut url = Url::parse("http://h/v3/x?cursor=1&apiKey=old").unwrap();
    set_key(&mut url, "k3y");
    assert_eq!(url.as_str(), "http://h/v3/x?cursor=1&apiKey=k3y");
    assert_eq!(public_url(&url), "http://h/v3/x?cursor=1");
    let bare = Url::parse("http://h/v3/x?apiKey=k3y").unwrap();
    assert_eq!(public_url(&bare), "http://h/v3/x");
    let client = RestClient::new(RestConfig {
        base: "http://h/api/".into(),
        ..RestConfig::new(ApiKey::new("k3y"))
    })
    .unwrap();
    let url = client
        .url(
            &["v3", "snapshot", "options", "I:SPX"],
            &[("limit", "5".into())],
        )
        .unwrap();
    assert_eq!(
        url.as_str(),
        "http://h/api/v3/snapshot/options/I:SPX?limit=5"
    );
    assert!(!format!("{client:?}").contains("k3y"));
    assert!(matches!(
        RestClient::new(RestConfig {
            base: "ftp://h".into(),
            ..RestConfig::new(ApiKey::new("k"))
        }),
        Err(PolygonError::InvalidUrl { .. })
    ));
}

#[test]
fn retry_after_is_honoured_up_to_the_cap() {
    let mut backoff = Backoff::new(BackoffConfig {
        initial: Duration::from_millis(100),
        max: Duration::from_secs(1),
        jitter: 0.0,
        seed: 0,
    });
    let cap = Duration::from_secs(60);
    assert_eq!(
        retry_delay(Some(" 30 "), cap, &mut backoff),
        Duration::from_secs(30)
    );
    assert_eq!(retry_delay(Some("120"), cap, &mut backoff), cap);
    assert_eq!(
        backoff.attempts(),
        0,
        "Retry-After does not advance the backoff"
    );
    let date = "Wed, 21 Oct 2015 07:28:00 GMT";
    assert_eq!(
        retry_delay(Some(date), cap, &mut backoff),
        Duration::from_millis(100)
    );
    assert_eq!(
        retry_delay(None, cap, &mut backoff),
        Duration::from_millis(200)
    );
    assert!(retryable(StatusCode::TOO_MANY_REQUESTS) && retryable(StatusCode::BAD_GATEWAY));
    assert!(!retryable(StatusCode::UNAUTHORIZED) && !retryable(StatusCode::NOT_FOUND));
}
