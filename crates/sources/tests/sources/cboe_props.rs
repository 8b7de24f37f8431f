//! Property tests: the Cboe parser never panics, whatever the lines.

use gammaflow_sources::cboe;
use proptest::prelude::*;

const HEAD: &str = "\nSPDR S&P 500 ETF Trust,Last: 599.48,Change:  0.54\n\"Date: June 9, 2025 at 4:52 PM EDT\",Bid: 599.45,Ask: 599.48,Size: 1*6,\"Volume: 51,676,756\"\nExpiration Date,Calls,Last Sale,Net,Bid,Ask,Volume,IV,Delta,Gamma,Open Interest,Strike,Puts,Last Sale,Net,Bid,Ask,Volume,IV,Delta,Gamma,Open Interest\n";

/// Field-like tokens, so that generated rows get past the field count into the field parsers.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("Mon Jun 09 2025".to_owned()),
        Just("03/23/2020".to_owned()),
        Just("SPY250609C00400000".to_owned()),
        Just("SPY250609P00400000".to_owned()),
        Just("400.00".to_owned()),
        Just("\"".to_owned()),
        "-?[0-9]{0,12}(\\.[0-9]{0,12})?",
        "[A-Z]{1,7}[0-9]{6}[CPX][0-9]{8}",
        "[A-Za-z]{3} [A-Za-z]{3} [0-9]{1,2} [0-9]{1,5}",
        "[0-9]{1,3}/[0-9]{1,3}/[0-9]{1,5}",
        any::<String>(),
    ]
}

fn row() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(token(), 22).prop_map(|f| f.join(",")),
        prop::collection::vec(token(), 0..30).prop_map(|f| f.join(",")),
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn rows_never_panic(lines in prop::collection::vec(row(), 0..8)) {
        let text = format!("{HEAD}{}", lines.join("\n"));
        let chain = cboe::parse(&text).unwrap();
        let data_lines = text.split('\n').skip(4)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .filter(|l| !l.trim().is_empty()).count();
        prop_assert_eq!(chain.rows.len() + chain.row_errors.len(), data_lines);
        for e in &chain.row_errors {
            prop_assert!(e.line().is_some_and(|l| l >= 5));
        }
    }

    #[test]
    fn whole_input_never_panics(text in any::<String>()) {
        let _ = cboe::parse(&text);
    }

    #[test]
    fn header_lines_never_panic(a in row(), b in row(), c in row()) {
        let _ = cboe::parse(&format!("{a}\n{b}\n{c}\n"));
        let _ = cboe::parse(&format!("x,Last: 1\n{b}\n{c}\n"));
        let _ = cboe::parse(&format!("x,1,2\n{b}\n{c}\n"));
        let _ = cboe::parse(&format!("x,Last: 1\n\"Date: {a}\"\n{c}\n"));
        let _ = cboe::parse(&format!("x,1,2\n{a} @ {b}\n{c}\n"));
    }
}
