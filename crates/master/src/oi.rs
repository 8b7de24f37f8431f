//! 0DTE open interest and volume by strike around spot at the configured snapshots, and the
//! per-day open-interest summary.
//!
//! * **Rows** ([`strike_rows`], [`OiRow`]): for one snapshot (an instant of `oi.snapshots`) and one
//!   expiry, one row per listed strike within `±oi.strike_range` points of the spot (both ends
//!   included), ascending: the call's and put's open interest and their cumulative volume of the
//!   trade date up to the snapshot. Open interest is published once a day, so it is the same at
//!   every snapshot of a day (see [`crate::opra`]); the volume grows. A strike listed on one side
//!   only has no figure on the other (`None`, empty in CSV).
//! * **Spot**: the implied SPX of the instant ([`crate::iv::IvPoint::spot`]); when the snapshot has
//!   none (no usable quotes, e.g. 20:15 ET outside Cboe's overnight session in simulated data), the
//!   builder takes the nearest IV sample in time that has one ([`crate::opra::build_day`]).
//! * **Summary** ([`day_summary`], [`OiDaySummary`]): over **all** strikes of the expiry: total
//!   call and put open interest, the put/call open-interest ratio (`put / call`, `None` when no call
//!   OI), and the day's call and put volume at the given (normally the last) snapshot.
//!
//! CSV: [`rows_csv`] writes `trade_date,snapshot,dte,strike,call_oi,put_oi,call_volume,put_volume`
//! (snapshot as RFC 3339 UTC, strike in points with no trailing zeros).

use gammaflow_model::{OptionRight, UnixNanos};
use jiff::civil::Date;

use crate::opra::ChainState;

/// One row of the intraday open-interest table.
#[derive(Debug, Clone, PartialEq)]
pub struct OiRow {
    /// The trade date (America/New_York).
    pub trade_date: Date,
    /// The snapshot instant (UTC ns).
    pub snapshot: UnixNanos,
    /// Trading days to expiry (0 = 0DTE).
    pub dte: u32,
    /// The expiry.
    pub expiry: Date,
    /// Strike, index points.
    pub strike: f64,
    /// Call open interest, contracts.
    pub call_oi: Option<u32>,
    /// Put open interest, contracts.
    pub put_oi: Option<u32>,
    /// Call volume of the trade date up to the snapshot, contracts.
    pub call_volume: u64,
    /// Put volume of the trade date up to the snapshot, contracts.
    pub put_volume: u64,
}

/// The rows of one snapshot: strikes of `expiry` within `range` points of `spot`, ascending.
pub fn strike_rows(
    trade_date: Date,
    dte: u32,
    chain: &ChainState,
    expiry: Date,
    spot: f64,
    range: f64,
) -> Vec<OiRow> {
    let mut rows: Vec<OiRow> = Vec::new();
    for c in chain.expiring(expiry) {
        if (c.strike - spot).abs() > range {
            continue;
        }
        let i = match rows.iter().position(|r| r.strike == c.strike) {
            Some(i) => i,
            None => {
                rows.push(OiRow {
                    trade_date,
                    snapshot: chain.at,
                    dte,
                    expiry,
                    strike: c.strike,
                    call_oi: None,
                    put_oi: None,
                    call_volume: 0,
                    put_volume: 0,
                });
                rows.len() - 1
            }
        };
        if let Some(r) = rows.get_mut(i) {
            match c.right {
                OptionRight::Call => {
                    r.call_oi = add_opt(r.call_oi, c.oi);
                    r.call_volume += c.volume;
                }
                OptionRight::Put => {
                    r.put_oi = add_opt(r.put_oi, c.oi);
                    r.put_volume += c.volume;
                }
            }
        }
    }
    rows.sort_by(|a, b| a.strike.total_cmp(&b.strike));
    rows
}

/// Sum of two optional counts (several roots may list the same strike).
fn add_opt(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.saturating_add(y)),
        (x, y) => x.or(y),
    }
}

/// The per-day open-interest columns of one expiry.
#[derive(Debug, Clone, PartialEq)]
pub struct OiDaySummary {
    /// The trade date.
    pub trade_date: Date,
    /// Trading days to expiry.
    pub dte: u32,
    /// The expiry.
    pub expiry: Date,
    /// Total call open interest, contracts.
    pub call_oi: u64,
    /// Total put open interest, contracts.
    pub put_oi: u64,
    /// `put_oi / call_oi`; `None` without call open interest.
    pub put_call_oi_ratio: Option<f64>,
    /// Call volume of the day up to the state's instant, contracts.
    pub call_volume: u64,
    /// Put volume of the day up to the state's instant, contracts.
    pub put_volume: u64,
    /// Contracts of the expiry with an open-interest figure.
    pub contracts_with_oi: u32,
}

/// The summary of `expiry` from a chain state (normally the last snapshot of the day).
pub fn day_summary(trade_date: Date, dte: u32, chain: &ChainState, expiry: Date) -> OiDaySummary {
    let mut s = OiDaySummary {
        trade_date,
        dte,
        expiry,
        call_oi: 0,
        put_oi: 0,
        put_call_oi_ratio: None,
        call_volume: 0,
        put_volume: 0,
        contracts_with_oi: 0,
    };
    for c in chain.expiring(expiry) {
        let oi = u64::from(c.oi.unwrap_or(0));
        if c.oi.is_some() {
            s.contracts_with_oi += 1;
        }
        match c.right {
            OptionRight::Call => {
                s.call_oi += oi;
                s.call_volume += c.volume;
            }
            OptionRight::Put => {
                s.put_oi += oi;
                s.put_volume += c.volume;
            }
        }
    }
    s.put_call_oi_ratio = (s.call_oi > 0).then(|| s.put_oi as f64 / s.call_oi as f64);
    s
}

/// The rows as CSV (see the [module documentation](self)), with a header line.
pub fn rows_csv(rows: &[OiRow]) -> String {
    let mut out =
        String::from("trade_date,snapshot,dte,strike,call_oi,put_oi,call_volume,put_volume\n");
    let opt = |v: Option<u32>| v.map_or_else(String::new, |x| x.to_string());
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            r.trade_date,
            r.snapshot,
            r.dte,
            r.strike,
            opt(r.call_oi),
            opt(r.put_oi),
            r.call_volume,
            r.put_volume
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opra::ContractSnapshot;
    use gammaflow_model::{OptionContract, OptionRoot, Price};

    fn snap(k: f64, right: OptionRight, oi: Option<u32>, volume: u64) -> ContractSnapshot {
        let expiry = jiff::civil::date(2025, 6, 10);
        let root = OptionRoot::new("SPXW").unwrap();
        let strike = Price::from_raw((k * 1e9) as i64);
        ContractSnapshot {
            contract: OptionContract::new(root, expiry, right, strike),
            strike: k,
            right,
            expiry,
            bid: None,
            ask: None,
            mid: None,
            bid_size: 0,
            ask_size: 0,
            quote_ts: None,
            volume,
            oi,
        }
    }

    #[test]
    fn rows_and_summary() {
        let d = jiff::civil::date(2025, 6, 10);
        let chain = ChainState {
            at: UnixNanos(1_749_565_800_000_000_000),
            contracts: vec![
                snap(5900.0, OptionRight::Call, Some(10), 1),
                snap(6000.0, OptionRight::Call, Some(20), 2),
                snap(6100.0, OptionRight::Call, Some(30), 3),
                snap(5900.0, OptionRight::Put, Some(40), 4),
                snap(6000.0, OptionRight::Put, None, 5),
                snap(6150.0, OptionRight::Put, Some(7), 6),
            ],
        };
        let rows = strike_rows(d, 0, &chain, d, 6000.0, 100.0);
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.strike, r.call_oi, r.put_oi, r.call_volume, r.put_volume))
            .collect();
        assert_eq!(
            got,
            [
                (5900.0, Some(10), Some(40), 1, 4),
                (6000.0, Some(20), None, 2, 5),
                (6100.0, Some(30), None, 3, 0)
            ]
        );
        let csv = rows_csv(&rows[..1]);
        assert_eq!(
            csv,
            "trade_date,snapshot,dte,strike,call_oi,put_oi,call_volume,put_volume\n2025-06-10,2025-06-10T14:30:00Z,0,5900,10,40,1,4\n"
        );
        let s = day_summary(d, 0, &chain, d);
        assert_eq!(
            (s.call_oi, s.put_oi, s.call_volume, s.put_volume),
            (60, 47, 6, 15)
        );
        assert!((s.put_call_oi_ratio.unwrap() - 47.0 / 60.0).abs() < 1e-12);
        assert_eq!(s.contracts_with_oi, 5);
    }
}
