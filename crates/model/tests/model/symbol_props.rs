//! Property tests of option symbols: format → parse round trips and no panics on any input.

use gammaflow_model::{OptionContract, OptionRight, OptionRoot, Price, Underlying};
use jiff::civil::Date;
use proptest::prelude::*;

/// Any contract that the three symbol forms can express.
fn contracts() -> impl Strategy<Value = OptionContract> {
    (
        "[A-Z0-9]{1,6}",
        2000i16..=2099,
        1i8..=12,
        1i8..=31,
        any::<bool>(),
        0i64..=99_999_999,
    )
        .prop_filter_map("a calendar date", |(root, y, m, d, call, strike)| {
            let root = OptionRoot::new(&root).ok()?;
            let expiry = Date::new(y, m, d).ok()?;
            let right = if call {
                OptionRight::Call
            } else {
                OptionRight::Put
            };
            Some(OptionContract::new(
                root,
                expiry,
                right,
                Price::from_raw(strike * 1_000_000),
            ))
        })
}

proptest! {
    #[test]
    fn three_forms_round_trip(c in contracts()) {
        let occ = c.to_occ()?;
        let compact = c.to_compact()?;
        let polygon = c.to_polygon()?;
        prop_assert_eq!(occ.len(), 21);
        prop_assert_eq!(format!("O:{compact}"), polygon.clone());
        prop_assert_eq!(OptionContract::parse_occ(&occ).map_err(|e| e.to_string()), Ok(c));
        prop_assert_eq!(OptionContract::parse_compact(&compact).map_err(|e| e.to_string()), Ok(c));
        prop_assert_eq!(OptionContract::parse_polygon(&polygon).map_err(|e| e.to_string()), Ok(c));
        for text in [&occ, &compact, &polygon] {
            prop_assert_eq!(OptionContract::parse_any(text).map_err(|e| e.to_string()), Ok(c));
        }
    }

    #[test]
    fn parse_never_panics_on_any_string(text in any::<String>()) {
        for result in [
            OptionContract::parse_any(&text),
            OptionContract::parse_occ(&text),
            OptionContract::parse_compact(&text),
            OptionContract::parse_polygon(&text),
        ] {
            if let Err(e) = result {
                prop_assert!(e.to_string().contains(&format!("{text:?}")), "{}", e);
            }
        }
        let _ = text.parse::<Underlying>();
    }

    #[test]
    fn parse_never_panics_on_symbol_like_strings(
        text in "(O:)?[A-Z0-9 a-zé]{0,8}[0-9]{5,7}[CPXé]?[0-9]{6,9}"
    ) {
        if let Ok(c) = OptionContract::parse_any(&text) {
            // Anything accepted formats back to a form that parses to the same contract.
            let compact = c.to_compact()?;
            prop_assert_eq!(OptionContract::parse_compact(&compact).map_err(|e| e.to_string()), Ok(c));
        }
    }

    #[test]
    fn underlyings_round_trip(ticker in "[A-Z0-9][A-Z0-9.]{0,7}", index in any::<bool>()) {
        let text = if index { format!("I:{ticker}") } else { ticker };
        let u: Underlying = text.parse()?;
        prop_assert_eq!(u.to_string(), text);
    }
}
