//! The chain row: one contract of a one-minute chain snapshot as the lake stores it (table
//! `raw/chain`), and its binary form in the chain write-ahead log.
//!
//! Snapshots are built by [`crate::chain_snapshot`]; the crate docs list the Parquet columns and
//! their units.

use gammaflow_model::{Money, OptionContract, Price, Size, UnixNanos};
use jiff::civil::Date;

use crate::StoreError;
use crate::row::{Reader, encode_contract};

/// One contract of a chain snapshot: quotes, last price, the day's flow, open interest, IV, Greeks
/// and GEX at the snapshot's minute. `Copy`, no heap. `None` and NaN are stored as null.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChainRow {
    /// Snapshot time: a whole minute of event time, ns since the Unix epoch (UTC). Decides the
    /// New York day partition.
    pub ts: UnixNanos,
    /// The last underlying price at the snapshot (index points, dollars, futures points), exact.
    pub underlying_price: Option<Price>,
    /// The contract (root, expiry, right, strike).
    pub contract: OptionContract,
    /// Best bid per unit (NBBO), quote units; `None` without a quote or a bid.
    pub bid: Option<Price>,
    /// Best ask per unit (NBBO), quote units; `None` without a quote or an ask.
    pub ask: Option<Price>,
    /// Contracts at the bid; `None` without a quote.
    pub bid_size: Option<Size>,
    /// Contracts at the ask; `None` without a quote.
    pub ask_size: Option<Size>,
    /// Last price from prints allowed to set it, per unit; `None` before the first.
    pub last: Option<Price>,
    /// Contracts traded since the session start (prints that count for volume).
    pub volume: u64,
    /// Of which bought by the aggressor.
    pub buy_volume: u64,
    /// Of which sold by the aggressor.
    pub sell_volume: u64,
    /// Premium of the counted prints, `price × size × multiplier`, currency units (US$), exact.
    pub premium: Money,
    /// Premium of buyer-initiated prints, US$, exact.
    pub buy_premium: Money,
    /// Premium of seller-initiated prints, US$, exact.
    pub sell_premium: Money,
    /// Signed `size × delta × multiplier` of the day's directional prints (buys +, sells −),
    /// underlying units (shares or index units).
    pub net_delta_notional: f64,
    /// Signed `size × gamma × multiplier` likewise, underlying units per unit of underlying.
    pub net_gamma_notional: f64,
    /// Open interest, contracts (0 when none was published).
    pub open_interest: u64,
    /// Implied volatility of the mid, annualised fraction (NaN = unknown).
    pub iv: f64,
    /// Delta, per unit of underlying (NaN = unknown).
    pub delta: f64,
    /// Gamma, per unit of underlying squared (NaN = unknown).
    pub gamma: f64,
    /// Vega, per 1.00 of volatility (NaN = unknown).
    pub vega: f64,
    /// Theta, per year (NaN = unknown).
    pub theta: f64,
    /// GEX from open interest (classic dealer sign), US$ per 1 % move (NaN = unknown).
    pub gex_oi: f64,
    /// GEX from the day's signed flow (dealers opposite the net aggressor volume), US$ per 1 %
    /// move (NaN = unknown).
    pub gex_flow: f64,
}

/// A [`ChainRow`] with the sequence number the chain write-ahead log gave it (unique per chain
/// row, increasing, ≥ 1; a sequence space of its own, separate from the flow rows').
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoredChainRow {
    /// Chain WAL sequence number.
    pub seq: u64,
    /// The row.
    pub row: ChainRow,
}

/// Presence bits of the optional fields in the WAL payload.
const HAS_UNDERLYING: u8 = 1;
const HAS_BID: u8 = 2;
const HAS_ASK: u8 = 4;
const HAS_BID_SIZE: u8 = 8;
const HAS_ASK_SIZE: u8 = 16;
const HAS_LAST: u8 = 32;

impl ChainRow {
    /// The New York calendar date of `ts`: the lake's day partition.
    pub fn new_york_day(&self) -> Result<Date, StoreError> {
        gammaflow_model::session::to_new_york(self.ts)
            .map(|z| z.date())
            .map_err(|e| self.invalid(format!("ts {} has no New York date: {e}", self.ts.0)))
    }

    /// Checks that every field fits its column (the time and counts within `i64`, a contract
    /// with a Polygon symbol, a New York date); the lake only accepts rows that pass. Returns the
    /// New York day of `ts`.
    pub fn validate(&self) -> Result<Date, StoreError> {
        self.check_fields()?;
        self.new_york_day()
    }

    /// [`ChainRow::validate`] without the day.
    pub(crate) fn check_fields(&self) -> Result<(), StoreError> {
        if i64::try_from(self.ts.0).is_err() {
            return Err(self.invalid(format!(
                "ts {} exceeds the int64 timestamp range",
                self.ts.0
            )));
        }
        for (name, v) in [
            ("volume", self.volume),
            ("buy_volume", self.buy_volume),
            ("sell_volume", self.sell_volume),
            ("open_interest", self.open_interest),
        ] {
            if i64::try_from(v).is_err() {
                return Err(self.invalid(format!("{name} {v} exceeds int64")));
            }
        }
        self.contract
            .to_polygon()
            .map(|_| ())
            .map_err(|e| self.invalid(format!("contract has no Polygon symbol: {e}")))
    }

    fn invalid(&self, reason: String) -> StoreError {
        StoreError::InvalidRow {
            row: format!("chain {} at {}", self.contract, self.ts.0),
            reason,
        }
    }

    /// Appends the WAL payload of `seq` and this row to `out` (little-endian, fixed layout; the
    /// optional fields behind one presence byte, absent ones written as 0).
    pub(crate) fn encode(&self, seq: u64, out: &mut Vec<u8>) {
        out.extend_from_slice(&seq.to_le_bytes());
        out.extend_from_slice(&self.ts.0.to_le_bytes());
        encode_contract(&self.contract, out);
        let mut flags = 0u8;
        let prices = [
            (self.underlying_price, HAS_UNDERLYING),
            (self.bid, HAS_BID),
            (self.ask, HAS_ASK),
            (self.last, HAS_LAST),
        ];
        let sizes = [(self.bid_size, HAS_BID_SIZE), (self.ask_size, HAS_ASK_SIZE)];
        for (p, bit) in prices {
            if p.is_some() {
                flags |= bit;
            }
        }
        for (s, bit) in sizes {
            if s.is_some() {
                flags |= bit;
            }
        }
        out.push(flags);
        for (p, _) in prices {
            out.extend_from_slice(&p.map_or(0, Price::raw).to_le_bytes());
        }
        for (s, _) in sizes {
            out.extend_from_slice(&s.map_or(0, Size::get).to_le_bytes());
        }
        for v in [
            self.volume,
            self.buy_volume,
            self.sell_volume,
            self.open_interest,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for m in [self.premium, self.buy_premium, self.sell_premium] {
            out.extend_from_slice(&m.raw().to_le_bytes());
        }
        for v in [
            self.net_delta_notional,
            self.net_gamma_notional,
            self.iv,
            self.delta,
            self.gamma,
            self.vega,
            self.theta,
            self.gex_oi,
            self.gex_flow,
        ] {
            out.extend_from_slice(&v.to_bits().to_le_bytes());
        }
    }

    /// Decodes a WAL payload written by [`ChainRow::encode`]; the error says which field is bad.
    pub(crate) fn decode(payload: &[u8]) -> Result<StoredChainRow, String> {
        let mut r = Reader { buf: payload };
        let seq = r.u64("seq")?;
        let ts = UnixNanos(r.u64("ts")?);
        let contract = r.contract()?;
        let flags = r.u8("presence flags")?;
        if flags >= 64 {
            return Err(format!("presence flags {flags}"));
        }
        let mut price = |bit: u8, what: &str| -> Result<Option<Price>, String> {
            let raw = r.u64(what)? as i64;
            Ok((flags & bit != 0).then_some(Price::from_raw(raw)))
        };
        let underlying_price = price(HAS_UNDERLYING, "underlying_price")?;
        let bid = price(HAS_BID, "bid")?;
        let ask = price(HAS_ASK, "ask")?;
        let last = price(HAS_LAST, "last")?;
        let mut size = |bit: u8, what: &str| -> Result<Option<Size>, String> {
            let n = r.u32(what)?;
            Ok((flags & bit != 0).then_some(Size::new(n)))
        };
        let bid_size = size(HAS_BID_SIZE, "bid_size")?;
        let ask_size = size(HAS_ASK_SIZE, "ask_size")?;
        let volume = r.u64("volume")?;
        let buy_volume = r.u64("buy_volume")?;
        let sell_volume = r.u64("sell_volume")?;
        let open_interest = r.u64("open_interest")?;
        let mut money = |what: &str| -> Result<Money, String> {
            Ok(Money::from_raw(i128::from_le_bytes(r.array(what)?)))
        };
        let premium = money("premium")?;
        let buy_premium = money("buy_premium")?;
        let sell_premium = money("sell_premium")?;
        let mut f = [0.0f64; 9];
        for v in &mut f {
            *v = f64::from_bits(r.u64("a double")?);
        }
        if !r.buf.is_empty() {
            return Err(format!("{} trailing bytes", r.buf.len()));
        }
        let [
            net_delta_notional,
            net_gamma_notional,
            iv,
            delta,
            gamma,
            vega,
            theta,
            gex_oi,
            gex_flow,
        ] = f;
        Ok(StoredChainRow {
            seq,
            row: ChainRow {
                ts,
                underlying_price,
                contract,
                bid,
                ask,
                bid_size,
                ask_size,
                last,
                volume,
                buy_volume,
                sell_volume,
                premium,
                buy_premium,
                sell_premium,
                net_delta_notional,
                net_gamma_notional,
                open_interest,
                iv,
                delta,
                gamma,
                vega,
                theta,
                gex_oi,
                gex_flow,
            },
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use gammaflow_model::{OptionRight, OptionRoot};
    use jiff::civil::date;

    /// A varied chain row `i` at 2025-06-09 09:31 New York; every third row lacks a quote and
    /// Greeks.
    pub(crate) fn sample(i: u64) -> ChainRow {
        let bare = i % 3 == 2;
        let nan_or = |v: f64| if bare { f64::NAN } else { v };
        let some_or = |p: Price| (!bare).then_some(p);
        ChainRow {
            ts: UnixNanos(1_749_475_860_000_000_000),
            underlying_price: Some(Price::from_raw(6_001_250_000_000)),
            contract: OptionContract::new(
                OptionRoot::SPXW,
                date(2025, 6, 9),
                if i.is_multiple_of(2) {
                    OptionRight::Call
                } else {
                    OptionRight::Put
                },
                Price::from_raw((5_950 + (i % 20) as i64 * 5) * 1_000_000_000),
            ),
            bid: some_or(Price::from_raw(1_200_000_000 + i as i64)),
            ask: some_or(Price::from_raw(1_300_000_000 + i as i64)),
            bid_size: (!bare).then_some(Size::new(10 + i as u32)),
            ask_size: (!bare).then_some(Size::new(20)),
            last: some_or(Price::from_raw(1_250_000_000)),
            volume: 100 + i,
            buy_volume: 60,
            sell_volume: 30 + i,
            premium: Money::from_raw(12_345_678_901_234_567_890_123 + i128::from(i)),
            buy_premium: Money::from_raw(7_000_000_000_000),
            sell_premium: Money::from_raw(-1),
            net_delta_notional: nan_or(1_234.5 - i as f64),
            net_gamma_notional: 0.25,
            open_interest: 1_000 * i,
            iv: nan_or(0.15),
            delta: nan_or(0.5),
            gamma: nan_or(0.002),
            vega: nan_or(1.5),
            theta: nan_or(-300.0),
            gex_oi: nan_or(1.0e6),
            gex_flow: nan_or(-2.0e5),
        }
    }

    /// Field-by-field equality where NaN equals NaN.
    pub(crate) fn same(a: &ChainRow, b: &ChainRow) -> bool {
        let f = |x: f64, y: f64| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan());
        let fa = [
            a.net_delta_notional,
            a.net_gamma_notional,
            a.iv,
            a.delta,
            a.gamma,
            a.vega,
            a.theta,
            a.gex_oi,
            a.gex_flow,
        ];
        let fb = [
            b.net_delta_notional,
            b.net_gamma_notional,
            b.iv,
            b.delta,
            b.gamma,
            b.vega,
            b.theta,
            b.gex_oi,
            b.gex_flow,
        ];
        let mut x = *a;
        let mut y = *b;
        for r in [&mut x, &mut y] {
            r.net_delta_notional = 0.0;
            r.net_gamma_notional = 0.0;
            r.iv = 0.0;
            r.delta = 0.0;
            r.gamma = 0.0;
            r.vega = 0.0;
            r.theta = 0.0;
            r.gex_oi = 0.0;
            r.gex_flow = 0.0;
        }
        x == y && fa.iter().zip(&fb).all(|(p, q)| f(*p, *q))
    }

    #[test]
    fn payload_round_trips_with_absent_fields_and_nan() {
        for i in 0..6 {
            let row = sample(i);
            let mut buf = Vec::new();
            row.encode(7 + i, &mut buf);
            let back = ChainRow::decode(&buf).unwrap();
            assert_eq!(back.seq, 7 + i);
            assert!(same(&back.row, &row), "{i}: {:?} vs {row:?}", back.row);
            let err = ChainRow::decode(&buf[..buf.len() - 1]).unwrap_err();
            assert!(err.contains("ends inside"), "{err}");
        }
        assert_eq!(sample(2).bid, None);
        assert!(sample(2).iv.is_nan());
    }

    #[test]
    fn validation_names_the_bad_field() {
        let mut row = sample(0);
        assert_eq!(row.validate().unwrap(), date(2025, 6, 9));
        row.volume = u64::MAX;
        let err = row.validate().unwrap_err().to_string();
        assert!(err.contains("volume"), "{err}");
    }
}
