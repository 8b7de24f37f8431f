//! Property tests of `Price`, `Money` and the quote midpoint.

use gammaflow_model::event::{ExchangeId, Instrument, Quote};
use gammaflow_model::{Money, Price, Size, Underlying, UnixNanos};
use proptest::prelude::*;

proptest! {
    #[test]
    fn display_parse_identity_for_any_raw(raw in any::<i64>()) {
        let p = Price::from_raw(raw);
        let text = p.to_string();
        prop_assert_eq!(text.parse::<Price>().map_err(|e| e.to_string()), Ok(p), "{}", text);
        prop_assert!(!text.contains('.') || !text.ends_with('0'), "trailing noise in {}", text);
    }

    #[test]
    fn parses_integer_dot_nine_digits(
        negative in any::<bool>(),
        whole in 0u64..=9_223_372_035,
        frac in 0u64..1_000_000_000,
    ) {
        let sign = if negative { "-" } else { "" };
        let text = format!("{sign}{whole}.{frac:09}");
        let magnitude = (whole * 1_000_000_000 + frac) as i64;
        let want = if negative { -magnitude } else { magnitude };
        prop_assert_eq!(text.parse::<Price>().map(Price::raw).map_err(|e| e.to_string()), Ok(want));
        // Extra zero digits are accepted, a non-zero tenth digit is not.
        let padded = format!("{text}000");
        prop_assert_eq!(padded.parse::<Price>().map(Price::raw).map_err(|e| e.to_string()), Ok(want));
        let finer = format!("{text}1");
        prop_assert!(finer.parse::<Price>().is_err());
    }

    #[test]
    fn parse_never_panics_and_errors_name_the_text(text in any::<String>()) {
        if let Err(e) = text.parse::<Price>() {
            prop_assert!(e.to_string().contains(&format!("{text:?}")), "{}", e);
        }
        let _ = text.parse::<Money>();
    }

    #[test]
    fn decimal_like_text_never_panics(text in "[-+]?[0-9]{0,25}(\\.[0-9]{0,14})?") {
        match text.parse::<Price>() {
            Ok(p) => {
                // Whatever parsed must print back to the same value.
                prop_assert_eq!(p.to_string().parse::<Price>().map_err(|e| e.to_string()), Ok(p));
            }
            Err(e) => {
                let needle = format!("{text:?}");
                prop_assert!(e.to_string().contains(&needle), "{}", e);
            }
        }
    }

    #[test]
    fn to_f64_matches_the_decimal_text(raw in any::<i64>()) {
        let p = Price::from_raw(raw);
        let via_text: f64 = p.to_string().parse().unwrap_or(f64::NAN);
        let x = p.to_f64();
        prop_assert!((x - via_text).abs() <= 4.0 * f64::EPSILON * via_text.abs().max(1e-9), "{} vs {}", x, via_text);
    }

    #[test]
    fn money_display_parse_identity(raw in any::<i128>()) {
        let m = Money::from_raw(raw);
        prop_assert_eq!(m.to_string().parse::<Money>().map_err(|e| e.to_string()), Ok(m));
    }

    #[test]
    fn premium_is_the_exact_product(raw in any::<i64>(), size in any::<u32>(), multiplier in any::<u32>()) {
        let m = Money::premium(Price::from_raw(raw), Size::new(size), multiplier);
        prop_assert_eq!(m.raw(), i128::from(raw) * i128::from(size) * i128::from(multiplier));
    }

    #[test]
    fn checked_sum_matches_wide_sum(raws in proptest::collection::vec(any::<i64>(), 0..50)) {
        let total: Option<Money> = raws.iter().map(|r| Money::from_raw(i128::from(*r))).sum();
        prop_assert_eq!(total.map(Money::raw), Some(raws.iter().map(|r| i128::from(*r)).sum::<i128>()));
    }

    #[test]
    fn mid_lies_between_bid_and_ask(a in any::<i64>(), b in any::<i64>()) {
        // i64::MAX is the undefined sentinel; keep both sides defined.
        let (lo, hi) = (a.min(b).min(i64::MAX - 1), a.max(b).min(i64::MAX - 1));
        let q = Quote {
            ts_event: UnixNanos(0),
            ts_recv: UnixNanos(0),
            instrument: Instrument::from(Underlying::SPY),
            bid: Price::from_raw(lo),
            ask: Price::from_raw(hi),
            bid_size: Size::new(1),
            ask_size: Size::new(1),
            bid_exchange: Some(ExchangeId(1)),
            ask_exchange: None,
        };
        let mid = q.mid();
        prop_assert!(mid.is_some());
        let mid = mid.unwrap_or(Price::ZERO).raw();
        prop_assert!(lo <= mid && mid <= hi);
        prop_assert!(i128::from(mid) * 2 - (i128::from(lo) + i128::from(hi)) <= 0);
        prop_assert!(!q.is_crossed());
        prop_assert_eq!(q.is_locked(), lo == hi);
    }
}
