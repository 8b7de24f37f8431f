use super::*;
use gammaflow_model::Underlying;
use proptest::prelude::*;

const RECV: UnixNanos = UnixNanos(42);

fn one(text: &str) -> Result<Message, PolygonError> {
    let mut out = decode_frame(text, RECV);
    assert_eq!(out.len(), 1, "{out:?}");
    out.remove(0)
}

fn event(text: &str) -> (Event, Option<u64>) {
    match one(text) {
        Ok(Message::Market { event, sequence }) => (event, sequence),
        other => panic!("{other:?}"),
    }
}

fn p(s: &str) -> Price {
    s.parse().unwrap()
}

#[test]
fn option_trade_from_the_vendor_spec() {
    let (e, seq) = event(
        r#"[{"ev":"T","sym":"O:AMC210827C00037000","x":65,"p":1.54,"s":1,"c":[233],"t":1629820676333,"q":651921857}]"#,
    );
    let Event::Trade(t) = e else { panic!("{e:?}") };
    assert_eq!(
        t.instrument,
        Instrument::Option(OptionContract::parse_any("O:AMC210827C00037000").unwrap())
    );
    assert_eq!(t.price, p("1.54"));
    assert_eq!(t.size, Size::new(1));
    assert_eq!(t.exchange, ExchangeId(65));
    assert_eq!(t.conditions.as_slice(), &[233]);
    assert_eq!(t.ts_event, UnixNanos(1_629_820_676_333_000_000));
    assert_eq!(t.ts_recv, RECV);
    assert_eq!((t.sequence, seq), (651_921_857, Some(651_921_857)));
    assert_eq!(t.aggressor, Side::None);
}

#[test]
fn option_quote_and_stock_quote_sizes() {
    let (e, seq) = event(
        r#"[{"ev":"Q","sym":"O:SPY241220P00720000","bx":302,"ax":302,"bp":9.71,"ap":9.81,"bs":17,"as":24,"t":1644506128351,"q":844090872}]"#,
    );
    let Event::Quote(q) = e else { panic!("{e:?}") };
    assert_eq!((q.bid, q.ask), (p("9.71"), p("9.81")));
    assert_eq!((q.bid_size, q.ask_size), (Size::new(17), Size::new(24)));
    assert_eq!(q.bid_exchange, Some(ExchangeId(302)));
    assert_eq!(seq, Some(844_090_872));
    let (e, _) = event(
        r#"[{"ev":"Q","sym":"SPY","bx":4,"bp":599.45,"bs":1,"ax":7,"ap":599.48,"as":6,"c":0,"i":[604],"t":1536036818784,"q":50385480,"z":3}]"#,
    );
    let Event::Quote(q) = e else { panic!("{e:?}") };
    assert_eq!(q.instrument, Instrument::from(Underlying::SPY));
    assert_eq!((q.bid_size, q.ask_size), (Size::new(100), Size::new(600)));
}

#[test]
fn aggregates_index_values_and_stock_trades() {
    let (e, _) = event(
        r#"[{"ev":"AM","sym":"O:ONEM220121C00025000","v":2,"av":8,"op":2.2,"vw":2.05,"o":2.05,"c":2.05,"h":2.05,"l":2.05,"a":2.1312,"z":2,"s":1632419640000,"e":1632419700000}]"#,
    );
    let Event::Bar(b) = e else { panic!("{e:?}") };
    assert_eq!(
        (b.open, b.close, b.volume),
        (p("2.05"), p("2.05"), Size::new(2))
    );
    assert_eq!(b.interval_ns, 60_000_000_000);
    assert_eq!(b.ts_event, UnixNanos(1_632_419_640_000_000_000));
    let (e, _) = event(
        r#"[{"ev":"AM","sym":"I:SPX","op":3985.67,"o":3985.67,"c":3985.67,"h":3985.67,"l":3985.67,"s":1678220675805,"e":1678220675805}]"#,
    );
    assert_eq!(e.instrument(), Instrument::from(Underlying::SPX));
    let Event::Bar(b) = e else { panic!() };
    assert_eq!(b.volume, Size::ZERO);
    let (e, seq) = event(r#"[{"ev":"V","val":3988.5,"T":"I:SPX","t":1678220098130}]"#);
    let Event::Index(v) = e else { panic!("{e:?}") };
    assert_eq!((v.value, seq), (p("3988.5"), None));
    let (e, _) = event(
        r#"[{"ev":"T","sym":"SPY","x":4,"i":"12345","z":3,"p":599.125,"s":100,"c":[0,12],"t":1536036818784,"q":3681328}]"#,
    );
    let Event::Trade(t) = e else { panic!() };
    assert_eq!((t.price, t.size), (p("599.125"), Size::new(100)));
    let (e, _) = event(r#"[{"ev":"A","sym":"SPY","v":5,"o":1,"c":2,"h":3,"l":0.5,"s":1000}]"#);
    let Event::Bar(b) = e else { panic!() };
    assert_eq!(b.interval_ns, 1_000_000_000);
}

#[test]
fn escapes_unknown_keys_and_repeated_keys() {
    let (e, _) = event(
        r#"[{"ev":"T","sym":"O:SPXW251216C05800000","p":1,"p":2.5,"s":1,"t":1,"extra":{"a":[1,{"b":null}]},"i":"\u0031"}]"#,
    );
    let Event::Trade(t) = e else { panic!("{e:?}") };
    assert_eq!(t.price, p("2.5"), "the last of a repeated key wins");
    let (e, _) = event(r#"[{"ev":"\u0054","s\u0079m":"SPY","p":1,"s":1,"t":1}]"#);
    assert_eq!(e.instrument(), Instrument::from(Underlying::SPY));
}

#[test]
fn status_messages() {
    let out = decode_frame(
        r#"[{"ev":"status","status":"connected","message":"Connected Successfully"},{"ev":"status","status":"success","message":"subscribed to: T.O:SPY251216C00572000"},{"ev":"status","status":"max_connections"}]"#,
        RECV,
    );
    let kinds: Vec<StatusKind> = out
        .iter()
        .map(|m| match m {
            Ok(Message::Status(s)) => s.kind.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            StatusKind::Connected,
            StatusKind::Success,
            StatusKind::Other("max_connections".into())
        ]
    );
    let Ok(Message::Status(s)) = &out[1] else {
        panic!()
    };
    assert_eq!(s.subscribed_topic(), Some("T.O:SPY251216C00572000"));
    assert_eq!(StatusKind::parse("auth_failed").as_str(), "auth_failed");
}

#[test]
fn bad_events_are_reported_one_by_one() {
    let frame = r#"[{"ev":"T","sym":"O:SPXW251216C05800000","x":302,"p":"4.85","s":2,"t":1},{"ev":"Q","sym":"O:SPXW251216C05800000","bp":4.8,"ap":4.9,"bs":1,"as":2,"t":2},{"ev":"XX"},7,{"ev":"T","sym":"O:BAD","p":1,"s":1,"t":1},{"ev":"T","sym":"SPY","p":1,"s":1,"t":1,"c":[1,2,3,4,5]}]"#;
    let out = decode_frame(frame, RECV);
    assert_eq!(out.len(), 6);
    let excerpt = json::excerpt(frame, FRAME_EXCERPT_CHARS);
    assert_eq!(
        out[0],
        Err(PolygonError::Event {
            frame: excerpt.clone(),
            index: 0,
            ev: "T".into(),
            field: "p".into(),
            reason: "expected a number, found \"4.85\"".into(),
        })
    );
    assert!(matches!(out[1], Ok(Message::Market { .. })));
    assert!(matches!(&out[2], Err(PolygonError::Event { index: 2, field, .. }) if field == "ev"));
    assert!(
        matches!(&out[3], Err(PolygonError::Event { index: 3, reason, .. }) if reason.contains("JSON object"))
    );
    assert!(
        matches!(&out[4], Err(PolygonError::Event { index: 4, field, reason, .. }) if field == "sym" && reason.contains("O:BAD"))
    );
    assert!(matches!(&out[5], Err(PolygonError::Event { index: 5, field, .. }) if field == "c"));
    let message = out[0].clone().unwrap_err().to_string();
    assert!(message.contains("event 0 (T), field \"p\""), "{message}");
    assert!(excerpt.ends_with('…') && excerpt.chars().count() == FRAME_EXCERPT_CHARS + 1);
}

#[test]
fn bad_frames_are_one_error() {
    assert_eq!(
        one("{\"ev\":\"T\"}"),
        Err(PolygonError::Frame {
            frame: "{\"ev\":\"T\"}".into(),
            reason: "expected a JSON array of events, found an object".into(),
        })
    );
    assert!(
        matches!(one("[{"), Err(PolygonError::Frame { reason, .. }) if reason.starts_with("not JSON"))
    );
    assert!(decode_frame("[]", RECV).is_empty());
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(
        matches!(one(&deep), Err(PolygonError::Frame { reason, .. }) if reason.contains("recursion"))
    );
}

#[test]
fn field_range_errors() {
    let bad = [
        (r#"[{"ev":"T","sym":"SPY","p":1,"s":-1,"t":1}]"#, "s"),
        (
            r#"[{"ev":"T","sym":"SPY","p":1,"s":1,"t":18446744073709551}]"#,
            "t",
        ),
        (
            r#"[{"ev":"T","sym":"SPY","p":1,"s":1,"t":1,"x":70000}]"#,
            "x",
        ),
        (r#"[{"ev":"T","sym":"SPY","p":1e300,"s":1,"t":1}]"#, "p"),
        (r#"[{"ev":"V","val":1,"T":"SPY","t":1}]"#, "T"),
        (
            r#"[{"ev":"Q","sym":"SPY","bp":1,"ap":1,"bs":50000000,"as":1,"t":1}]"#,
            "bs",
        ),
        (
            r#"[{"ev":"AM","sym":"SPY","o":1,"h":1,"l":1,"c":1,"s":1,"v":5000000000}]"#,
            "v",
        ),
        (r#"[{"ev":"status"}]"#, "status"),
        (r#"[{"sym":"SPY"}]"#, "ev"),
    ];
    for (frame, want) in bad {
        match one(frame) {
            Err(PolygonError::Event { field, .. }) => assert_eq!(field, want, "{frame}"),
            other => panic!("{frame}: {other:?}"),
        }
    }
}

proptest! {
    #[test]
    fn no_input_panics(text in "\\PC{0,300}") {
        let _ = decode_frame(&text, RECV);
    }

    #[test]
    fn no_json_shaped_input_panics(
        ev in prop::sample::select(vec!["T", "Q", "A", "AM", "V", "status", "X"]),
        sym in "(O:SPXW25121[0-9][CP]0580[0-9]000|I:SPX|SPY|[A-Z:]{0,12})",
        num in prop::sample::select(vec!["1", "-1", "1.5", "1e-7", "1e300", "\"1\"", "null", "[]", "18446744073709551615", "99999999999999999999"]),
        t in prop::sample::select(vec!["0", "1629820676333", "-5", "1.5", "18446744073709551615"]),
    ) {
        let frame = format!(
            r#"[{{"ev":"{ev}","sym":"{sym}","T":"{sym}","p":{num},"s":{num},"x":{num},"c":[{num}],"t":{t},"q":{num},"bp":{num},"ap":{num},"bs":{num},"as":{num},"o":{num},"h":{num},"l":{num},"c":{num},"s":{t},"val":{num},"status":{num}}}]"#
        );
        let out = decode_frame(&frame, RECV);
        prop_assert_eq!(out.len(), 1);
    }
}
