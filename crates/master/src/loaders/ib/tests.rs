use super::*;
use proptest::prelude::*;

fn esu24() -> FutureSymbol {
    FutureSymbol::new("ES", 2024, 9).unwrap()
}

#[test]
fn rtvolume_tick_as_ib_sends_it() {
    let r = RtVolume::parse_tick(
        "701.28;1;1348075471534;67854;701.46918464;true",
        UnixNanos(5),
        esu24(),
    )
    .unwrap();
    assert_eq!(r.ts_event, UnixNanos(1_348_075_471_534_000_000));
    assert_eq!(r.price, Some("701.28".parse().unwrap()));
    assert_eq!((r.size, r.total_volume), (Some(1), 67_854));
    assert_eq!(r.vwap, Some("701.46918464".parse().unwrap()));
    assert_eq!(r.single_trade, Some(true));
    let volume_only =
        RtVolume::parse_tick(";;1348075471534;67854;701.4;false", UnixNanos(5), esu24()).unwrap();
    assert_eq!((volume_only.price, volume_only.size), (None, None));
    assert!(RtVolume::parse_tick("1;2;3", UnixNanos(5), esu24()).is_err());
    assert!(RtVolume::parse_tick("x;1;3;4;5;true", UnixNanos(5), esu24()).is_err());
}

#[test]
fn names_and_contracts() {
    let d = jiff::civil::date(2025, 6, 10);
    assert_eq!(file_name("ES", d, true), "ES_2025-06-10.csv.zst");
    assert_eq!(parse_file_name("ES_2025-06-10.csv"), Some(("ES".into(), d)));
    assert_eq!(parse_file_name("es_2025-06-10.csv"), None);
    assert_eq!(parse_file_name("2025-06-10.csv.zst"), None);
    let line = "1719876000000000000,1719876000000100000,trade,ESU4,5527.25,3,,,,,,,,";
    let r = IbRecord::parse_line(line).unwrap();
    assert_eq!(r.contract(), esu24());
    // Written back with the 2-digit year.
    assert_eq!(r.to_line(), line.replace("ESU4", "ESU24"));
    let err = IbRecord::parse_line("1,2,quote,ESU24,1,1,,,,,,,,").unwrap_err();
    assert!(err.contains("unknown kind \"quote\""), "{err}");
    let err = IbRecord::parse_line("1,2,trade,ESU24,abc,1,,,,,,,,").unwrap_err();
    assert!(err.contains("price \"abc\""), "{err}");
}

fn price() -> impl Strategy<Value = Price> {
    (1i64..2_000_000_000_000).prop_map(Price::from_raw)
}

fn record() -> impl Strategy<Value = IbRecord> {
    let ts = 1_600_000_000_000_000_000u64..1_900_000_000_000_000_000;
    prop_oneof![
        (ts.clone(), price(), 0u64..10_000).prop_map(|(t, p, s)| IbRecord::Trade(IbTrade {
            ts_event: UnixNanos(t),
            ts_recv: UnixNanos(t + 7),
            contract: esu24(),
            price: p,
            size: s,
        })),
        (
            ts.clone(),
            price(),
            price(),
            0u64..1_000_000,
            prop::option::of(price())
        )
            .prop_map(|(t, a, b, v, w)| IbRecord::Bar(IbBar {
                ts_event: UnixNanos(t),
                ts_recv: UnixNanos(t),
                contract: esu24(),
                open: a,
                high: a.max(b),
                low: a.min(b),
                close: b,
                volume: v,
                vwap: w,
            })),
        (
            ts,
            prop::option::of(price()),
            prop::option::of(0u64..100),
            0u64..10_000_000,
            prop::option::of(price()),
            prop::option::of(any::<bool>())
        )
            .prop_map(|(t, p, s, tv, w, st)| IbRecord::RtVolume(RtVolume {
                ts_event: UnixNanos(t),
                ts_recv: UnixNanos(t + 1),
                contract: esu24(),
                price: p,
                size: s,
                total_volume: tv,
                vwap: w,
                single_trade: st,
            })),
    ]
}

proptest! {
    #[test]
    fn line_round_trip(r in record()) {
        prop_assert_eq!(IbRecord::parse_line(&r.to_line()), Ok(r));
    }

    #[test]
    fn parser_never_panics(s in "[0-9a-z_.,;-]{0,80}") {
        let _ = IbRecord::parse_line(&s);
    }
}
