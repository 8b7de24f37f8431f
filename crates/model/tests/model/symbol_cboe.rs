//! Every option symbol of the real Cboe SPY chain downloads parses, matches the row's strike and
//! expiry columns, and formats back to the same text.

use std::error::Error;

use gammaflow_model::{OptionContract, OptionRight, Price, Underlying};
use gammaflow_testkit::shared_data;
use jiff::civil::Date;

type TestResult<T> = Result<T, Box<dyn Error>>;

/// Checks every row of one chain file; returns the number of contracts checked.
fn check_file(name: &str) -> TestResult<usize> {
    let path = shared_data(&format!("cboe/{name}"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut checked = 0;
    for line in text.lines().skip(4).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split(',').collect();
        if cols.len() != 22 {
            return Err(format!("expected 22 columns: {line}").into());
        }
        // `Wed Oct 01 2025`
        let expiry = Date::strptime("%a %b %d %Y", cols[0])?;
        let strike: Price = cols[11].parse()?;
        for (col, right) in [(1, OptionRight::Call), (12, OptionRight::Put)] {
            let c = OptionContract::parse_any(cols[col])?;
            assert_eq!(
                (c.expiry, c.right, c.strike),
                (expiry, right, strike),
                "{line}"
            );
            assert_eq!(c.underlying(), Underlying::SPY);
            assert_eq!(c.to_compact()?, cols[col]);
            // Bid and ask are exact decimal text too.
            for price in &cols[col + 3..col + 5] {
                price.parse::<Price>()?;
            }
            checked += 1;
        }
    }
    Ok(checked)
}

#[test]
fn cboe_spy_chains() -> TestResult<()> {
    assert!(check_file("SPY_quotedata_2025-06-09_close_with_0DTE.csv")? > 3000);
    assert!(check_file("SPY_quotedata_2025-09-25.csv")? > 3000);
    Ok(())
}
