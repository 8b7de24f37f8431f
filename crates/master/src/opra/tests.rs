use super::*;
use gammaflow_model::event::{Instrument, Quote};
use gammaflow_model::{Price, Size};

fn c(text: &str) -> OptionContract {
    OptionContract::parse_any(text).unwrap()
}

#[test]
fn roots_filter() {
    let spxw = OptionRoot::new("SPXW").unwrap();
    let aapl = OptionRoot::new("AAPL").unwrap();
    assert!(Roots::Spx.keeps(&spxw));
    assert!(!Roots::Spx.keeps(&aapl));
    assert!(Roots::Any.keeps(&aapl));
    assert!(Roots::Only(vec![aapl]).keeps(&aapl));
}

#[test]
fn book_keeps_last_quote_volume_and_latest_oi() {
    let k = c("SPXW  251216C05800000");
    let mut book = ChainBook::default();
    let q = Quote {
        ts_event: UnixNanos(10),
        ts_recv: UnixNanos(11),
        instrument: Instrument::Option(k),
        bid: "4.80".parse().unwrap(),
        ask: "5.00".parse().unwrap(),
        bid_size: Size::new(3),
        ask_size: Size::new(4),
        bid_exchange: None,
        ask_exchange: None,
    };
    book.quote(k, &q);
    book.trade(k, 5);
    book.trade(k, 2);
    let d1 = jiff::civil::date(2025, 12, 12);
    let d2 = jiff::civil::date(2025, 12, 15);
    assert!(book.set_oi(k, 100, d2));
    assert!(!book.set_oi(k, 90, d1));
    let s = book.snapshot(UnixNanos(2_000_000_011), None);
    let x = s.get(&k).unwrap();
    assert_eq!((x.bid, x.ask, x.mid), (Some(4.8), Some(5.0), Some(4.9)));
    assert_eq!((x.volume, x.oi), (7, Some(100)));
    assert_eq!(x.quote_age_secs(s.at), Some(2.0));
    let q2 = Quote {
        bid: Price::UNDEF,
        ..q
    };
    book.quote(k, &q2);
    let s = book.snapshot(UnixNanos(11), Some(k.expiry));
    assert_eq!(s.contracts[0].mid, None);
    assert!(book.snapshot(UnixNanos(11), Some(d1)).contracts.is_empty());
}
