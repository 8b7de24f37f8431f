//! One-second flow buckets for the day's charts: cumulative-flow and premium lines, and the
//! underlying on a second axis.
//!
//! A bucket covers one second of event time `[second, second + 1)` (Unix seconds) and holds the
//! counted prints of that second: call and put volume, exact premium, and signed delta notional
//! (directional prints only, as in [`crate::flow`]), plus the underlying price the prints were
//! enriched with. Buckets are appended only for seconds with prints, in time order; a print older
//! than the last bucket (out of order) is added to the last bucket, so the series never goes back
//! in time. The series holds at most one day (86,400 buckets) and is cleared with the session.

use gammaflow_model::event::Side;
use gammaflow_model::{Money, OptionRight};

use crate::chain::EnrichedTrade;

/// Most buckets a series holds (one day of seconds).
pub const MAX_BUCKETS: usize = 86_400;

/// The prints of one second.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FlowBucket {
    /// Start of the second, Unix seconds.
    pub second: u64,
    /// Call contracts traded.
    pub call_volume: u64,
    /// Put contracts traded.
    pub put_volume: u64,
    /// Call premium, exact.
    pub call_premium: Money,
    /// Put premium, exact.
    pub put_premium: Money,
    /// Buyer-initiated minus seller-initiated call premium.
    pub call_net_premium: Money,
    /// Buyer-initiated minus seller-initiated put premium.
    pub put_net_premium: Money,
    /// Signed delta notional of the second's directional call prints.
    pub call_net_delta: f64,
    /// Signed delta notional of the second's directional put prints.
    pub put_net_delta: f64,
    /// Underlying price of the last print of the second (NaN before the first Greeks).
    pub underlying: f64,
}

/// The day's buckets.
#[derive(Debug, Clone, Default)]
pub struct FlowSeries {
    buckets: Vec<FlowBucket>,
    /// Prints that arrived when the series was full.
    dropped: u64,
    /// Running sums of the buckets' call and put net premium (the day's totals, exact).
    net_premium: (Money, Money),
}

impl FlowSeries {
    /// The buckets, oldest first.
    pub fn buckets(&self) -> &[FlowBucket] {
        &self.buckets
    }

    /// Prints not added because the day's series was full.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Empties the series (new session).
    pub fn clear(&mut self) {
        self.buckets.clear();
        self.dropped = 0;
        self.net_premium = (Money::ZERO, Money::ZERO);
    }

    /// The day's buyer- minus seller-initiated premium of calls and of puts (exact sums over
    /// every bucket; prints on an unknown side count zero).
    pub fn net_premium(&self) -> (Money, Money) {
        self.net_premium
    }

    /// Adds an enriched print (ignored unless it counts for volume).
    pub fn add(&mut self, trade: &EnrichedTrade, multiplier: u32) {
        let t = trade.treatment;
        if t.excluded || !t.counts_volume {
            return;
        }
        let second = trade.ts_event.0 / 1_000_000_000;
        let needs_new = self.buckets.last().is_none_or(|b| second > b.second);
        if needs_new {
            if self.buckets.len() >= MAX_BUCKETS {
                self.dropped += 1;
                return;
            }
            self.buckets.push(FlowBucket {
                second,
                ..FlowBucket::default()
            });
        }
        let Some(b) = self.buckets.last_mut() else {
            return;
        };
        let premium = Money::premium(trade.price, trade.size, multiplier);
        let signed = match trade.side {
            Side::Buy => premium,
            Side::Sell => premium.checked_neg().unwrap_or(Money::ZERO),
            Side::None => Money::ZERO,
        };
        let add = |a: Money, b: Money| a.checked_add(b).unwrap_or(a);
        let size = trade.size.as_u64();
        if trade.contract.right == OptionRight::Call {
            b.call_volume += size;
            b.call_premium = add(b.call_premium, premium);
            b.call_net_premium = add(b.call_net_premium, signed);
            self.net_premium.0 = add(self.net_premium.0, signed);
            b.call_net_delta += trade.net_delta_impact;
        } else {
            b.put_volume += size;
            b.put_premium = add(b.put_premium, premium);
            b.put_net_premium = add(b.put_net_premium, signed);
            self.net_premium.1 = add(self.net_premium.1, signed);
            b.put_net_delta += trade.net_delta_impact;
        }
        b.underlying = trade.underlying;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::PrintTreatment;
    use gammaflow_model::event::{Conditions, ExchangeId};
    use gammaflow_model::{OptionContract, Size, UnixNanos};

    fn print(ts: u64, symbol: &str, price: &str, size: u32, side: Side) -> EnrichedTrade {
        EnrichedTrade {
            ts_event: UnixNanos(ts),
            ts_recv: UnixNanos(ts),
            contract: OptionContract::parse_any(symbol).unwrap(),
            price: price.parse().unwrap(),
            size: Size::new(size),
            exchange: ExchangeId(302),
            conditions: Conditions::EMPTY,
            side,
            underlying: 6000.0,
            iv: 0.2,
            delta: 0.5,
            gamma: 0.01,
            net_delta_impact: if side == Side::Buy {
                50.0 * f64::from(size)
            } else {
                0.0
            },
            treatment: PrintTreatment::REGULAR,
        }
    }

    #[test]
    fn buckets_by_second_with_exact_premium() {
        let call = "O:SPXW250609C06000000";
        let put = "O:SPXW250609P06000000";
        let mut s = FlowSeries::default();
        s.add(&print(1_000_000_000_100, call, "2.5", 2, Side::Buy), 100);
        s.add(&print(1_000_000_000_900, put, "3", 1, Side::Sell), 100);
        s.add(&print(1_002_000_000_000, call, "2.6", 1, Side::None), 100);
        // Out of order: joins the last bucket.
        s.add(&print(1_001_000_000_000, call, "2.4", 1, Side::Buy), 100);
        let mut cancelled = print(1_003_000_000_000, call, "9", 9, Side::Buy);
        cancelled.treatment.excluded = true;
        s.add(&cancelled, 100);
        let b = s.buckets();
        assert_eq!(b.len(), 2);
        assert_eq!(
            (b[0].second, b[0].call_volume, b[0].put_volume),
            (1000, 2, 1)
        );
        assert_eq!(b[0].call_premium, Money::from_price("500".parse().unwrap()));
        assert_eq!(
            b[0].put_net_premium,
            Money::from_price("-300".parse().unwrap())
        );
        assert_eq!(b[0].call_net_delta, 100.0);
        assert_eq!((b[1].second, b[1].call_volume), (1002, 2));
        assert_eq!(
            b[1].call_net_premium,
            Money::from_price("240".parse().unwrap())
        );
        // Day totals: calls 500 + 240 bought, puts 300 sold.
        assert_eq!(
            s.net_premium(),
            (
                Money::from_price("740".parse().unwrap()),
                Money::from_price("-300".parse().unwrap())
            )
        );
        s.clear();
        assert!(s.buckets().is_empty());
        assert_eq!(s.net_premium(), (Money::ZERO, Money::ZERO));
    }
}
