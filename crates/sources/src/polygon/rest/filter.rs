//! Query filters of `/v3/snapshot/options/{underlying}`: the vendor's `expiration_date`,
//! `strike_price` (each exact or as a `.gte`/`.lte` range) and `contract_type` parameters.

use gammaflow_model::{OptionContract, OptionRight, Price};
use jiff::civil::Date;

/// Which contracts of a chain a snapshot request asks for. Every bound is optional and inclusive;
/// the default asks for the whole chain.
///
/// A bound pair with equal ends is sent as the exact parameter (`expiration_date=2025-12-16`),
/// otherwise as `.gte`/`.lte` (`strike_price.gte=5795&strike_price.lte=5810`). Strikes are written
/// as exact decimals in the underlying's units (index points, dollars per share), as the vendor
/// expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SnapshotFilter {
    /// Earliest expiration date.
    pub expiration_from: Option<Date>,
    /// Latest expiration date.
    pub expiration_to: Option<Date>,
    /// Lowest strike.
    pub strike_from: Option<Price>,
    /// Highest strike.
    pub strike_to: Option<Price>,
    /// Calls or puts only.
    pub right: Option<OptionRight>,
}

impl SnapshotFilter {
    /// The tightest filter that still returns every one of `contracts`: their expiration and strike
    /// ranges, and the right when they all share it. No contracts: the whole chain.
    ///
    /// The contracts are expected to share an underlying (the request names one); the filter does
    /// not check it.
    pub fn covering<'a>(contracts: impl IntoIterator<Item = &'a OptionContract>) -> Self {
        let mut filter = Self::default();
        let mut rights = (false, false);
        for c in contracts {
            filter.expiration_from =
                Some(filter.expiration_from.map_or(c.expiry, |d| d.min(c.expiry)));
            filter.expiration_to = Some(filter.expiration_to.map_or(c.expiry, |d| d.max(c.expiry)));
            filter.strike_from = Some(filter.strike_from.map_or(c.strike, |s| s.min(c.strike)));
            filter.strike_to = Some(filter.strike_to.map_or(c.strike, |s| s.max(c.strike)));
            match c.right {
                OptionRight::Call => rights.0 = true,
                OptionRight::Put => rights.1 = true,
            }
        }
        filter.right = match rights {
            (true, false) => Some(OptionRight::Call),
            (false, true) => Some(OptionRight::Put),
            _ => None,
        };
        filter
    }

    /// Whether `contract` passes the filter (what the vendor returns for it).
    pub fn admits(&self, contract: &OptionContract) -> bool {
        self.expiration_from.is_none_or(|d| contract.expiry >= d)
            && self.expiration_to.is_none_or(|d| contract.expiry <= d)
            && self.strike_from.is_none_or(|s| contract.strike >= s)
            && self.strike_to.is_none_or(|s| contract.strike <= s)
            && self.right.is_none_or(|r| contract.right == r)
    }

    /// The query pairs, in a fixed order: expiration, strike, contract type.
    pub fn query(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        range(
            &mut pairs,
            [
                "expiration_date",
                "expiration_date.gte",
                "expiration_date.lte",
            ],
            self.expiration_from,
            self.expiration_to,
        );
        range(
            &mut pairs,
            ["strike_price", "strike_price.gte", "strike_price.lte"],
            self.strike_from,
            self.strike_to,
        );
        if let Some(right) = self.right {
            let text = match right {
                OptionRight::Call => "call",
                OptionRight::Put => "put",
            };
            pairs.push(("contract_type", text.to_owned()));
        }
        pairs
    }
}

/// Appends an exact parameter (equal bounds) or the `.gte`/`.lte` pair present.
fn range<T: PartialEq + std::fmt::Display>(
    pairs: &mut Vec<(&'static str, String)>,
    [exact, gte, lte]: [&'static str; 3],
    from: Option<T>,
    to: Option<T>,
) {
    match (from, to) {
        (Some(a), Some(b)) if a == b => pairs.push((exact, a.to_string())),
        (from, to) => {
            pairs.extend(from.map(|a| (gte, a.to_string())));
            pairs.extend(to.map(|b| (lte, b.to_string())));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> OptionContract {
        OptionContract::parse_any(s).unwrap()
    }

    #[test]
    fn covers_the_contracts_tightly() {
        let one_expiry = [c("O:SPXW251216C05800000"), c("O:SPXW251216C05812500")];
        let filter = SnapshotFilter::covering(&one_expiry);
        assert_eq!(
            filter.query(),
            [
                ("expiration_date", "2025-12-16".to_owned()),
                ("strike_price.gte", "5800".to_owned()),
                ("strike_price.lte", "5812.5".to_owned()),
                ("contract_type", "call".to_owned()),
            ]
        );
        assert!(one_expiry.iter().all(|x| filter.admits(x)));
        assert!(filter.admits(&c("O:SPXW251216C05805000")));
        assert!(!filter.admits(&c("O:SPXW251216P05805000")));
        assert!(!filter.admits(&c("O:SPXW251217C05805000")));
        assert!(!filter.admits(&c("O:SPXW251216C05815000")));

        let mixed = [c("O:SPY251216P00600000"), c("O:SPY251219C00600000")];
        let filter = SnapshotFilter::covering(&mixed);
        assert_eq!(
            filter.query(),
            [
                ("expiration_date.gte", "2025-12-16".to_owned()),
                ("expiration_date.lte", "2025-12-19".to_owned()),
                ("strike_price", "600".to_owned()),
            ]
        );
        assert!(mixed.iter().all(|x| filter.admits(x)));

        let all = SnapshotFilter::covering(&[]);
        assert_eq!(all, SnapshotFilter::default());
        assert!(all.query().is_empty());
        assert!(all.admits(&c("O:SPY251216P00600000")));
    }
}
