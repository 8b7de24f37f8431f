//! The hand-written 2020-era `.dat` sample (`tests/data/`, see its README).

use gammaflow_model::{OptionRoot, Price};
use gammaflow_sources::SourcesError;
use gammaflow_sources::cboe::{self, Layout};
use jiff::civil::date;

const SAMPLE: &str = include_str!("../data/SPX_quotedata_2020-03-22_sample.dat");

#[test]
fn legacy_layout_is_detected_and_parsed() {
    let chain = cboe::parse(SAMPLE).unwrap();
    assert_eq!(chain.layout, Layout::Legacy2020);
    assert!(chain.row_errors.is_empty(), "{:?}", chain.row_errors);
    let u = &chain.underlying;
    assert_eq!(u.description, "^SPX (Standard & Poors 500 Index)");
    assert_eq!(u.symbol.as_deref(), Some("^SPX"));
    assert_eq!(u.last, "2304.92".parse::<Price>().unwrap());
    assert_eq!(u.change, Some("-104.4701".parse::<Price>().unwrap()));
    assert_eq!(u.bid, Some("2243.68".parse::<Price>().unwrap()));
    assert_eq!(u.ask, Some("2677.6".parse::<Price>().unwrap()));
    assert_eq!(u.size, Some((1, 1)));
    assert_eq!(u.volume, None, "empty Vol");
    // 18:24 ET on 22 March 2020 is EDT (clocks changed on 8 March).
    assert_eq!(
        chain.quote_time.instant.to_timestamp().unwrap().to_string(),
        "2020-03-22T22:24:00Z"
    );

    assert_eq!(chain.rows.len(), 5);
    let r = &chain.rows[0];
    assert_eq!(r.line, 4);
    assert_eq!(r.expiry, date(2020, 3, 23));
    assert_eq!(r.strike.to_string(), "1500");
    assert_eq!(r.call.contract.root, OptionRoot::SPXW);
    assert_eq!(r.call.last.to_string(), "885.6");
    assert_eq!(r.call.bid.to_string(), "793");
    assert_eq!(r.call.iv, None);
    assert_eq!(r.call.delta, 0.9311);
    assert_eq!(r.put.iv, Some(1.7288));
    assert_eq!(r.put.gamma, 0.0);
    assert_eq!(r.put.open_interest, 623);
    assert_eq!(chain.rows[4].call.contract.root, OptionRoot::SPX);
    assert_eq!(
        chain.expiries(),
        [date(2020, 3, 23), date(2020, 3, 25), date(2020, 4, 17)]
    );
}

#[test]
fn legacy_layout_with_crlf_and_a_bad_row() {
    let mut text = SAMPLE.replace('\n', "\r\n");
    text.push_str("03/23/2020,SPXW200323C02400000,1,2,3,4,5,0.5,0.5,0.001,oops,2400.000,SPXW200323P02400000,1,2,3,4,5,0.5,-0.5,0.001,7\r\n");
    let chain = cboe::parse(&text).unwrap();
    assert_eq!(chain.rows.len(), 5);
    assert_eq!(
        chain.row_errors,
        [SourcesError::Field {
            line: 9,
            column: 11,
            field: "call open interest",
            text: "oops".to_owned(),
            reason: "expected a whole number (digits only)".to_owned(),
        }]
    );
}

#[test]
fn legacy_column_names_are_required_for_the_legacy_header() {
    let text = SAMPLE.replace(",Open Int,Strike", ",Open Interest,Strike");
    let e = cboe::parse(&text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 3: unexpected column header: column 11 is \"Open Interest\", expected \"Open Int\""
    );
}
