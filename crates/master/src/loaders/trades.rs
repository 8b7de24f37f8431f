//! One-minute bars built from trade prints, streaming: at most two minutes are open at once.

use std::collections::BTreeMap;

use gammaflow_model::{Price, UnixNanos};

use super::clock::MINUTE_NS;

/// A bar being built or just completed: minute start (UTC ns), OHLC, volume and the record index of
/// its first trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltBar {
    /// Start of the minute (UTC ns, a whole minute).
    pub ts: UnixNanos,
    /// First trade price of the minute (in arrival order).
    pub open: Price,
    /// Highest trade price.
    pub high: Price,
    /// Lowest trade price.
    pub low: Price,
    /// Last trade price (in arrival order).
    pub close: Price,
    /// Sum of the trade sizes, contracts.
    pub volume: u64,
    /// Record index (or line) of the minute's first trade.
    pub record: u64,
}

/// Builds one-minute bars from trades given in (roughly) time order.
///
/// A trade goes to the bar of the UTC minute of its timestamp. A bar is emitted once a trade two
/// minutes later arrives (so trades up to a minute late still land in their own minute), or at
/// [`TradeBars::finish`]. A trade for a minute already emitted is dropped and counted
/// ([`TradeBars::late`]). Bars come out in minute order.
#[derive(Debug, Clone, Default)]
pub struct TradeBars {
    open: BTreeMap<u64, BuiltBar>,
    /// Minutes before this one are emitted.
    emitted_before: u64,
    late: u64,
}

impl TradeBars {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a trade of `size` contracts at `price` at `ts` (UTC ns) from record `record`; returns
    /// the bars this completes, oldest first (pushed onto `out`).
    pub fn push(
        &mut self,
        ts: UnixNanos,
        price: Price,
        size: u64,
        record: u64,
        out: &mut Vec<BuiltBar>,
    ) {
        let minute = ts.0 / MINUTE_NS * MINUTE_NS;
        if minute < self.emitted_before {
            self.late += 1;
            return;
        }
        self.open
            .entry(minute)
            .and_modify(|b| {
                b.high = b.high.max(price);
                b.low = b.low.min(price);
                b.close = price;
                b.volume = b.volume.saturating_add(size);
            })
            .or_insert(BuiltBar {
                ts: UnixNanos(minute),
                open: price,
                high: price,
                low: price,
                close: price,
                volume: size,
                record,
            });
        let keep_from = minute.saturating_sub(MINUTE_NS);
        while let Some(entry) = self.open.first_entry() {
            if *entry.key() >= keep_from {
                break;
            }
            out.push(entry.remove());
        }
        self.emitted_before = self.emitted_before.max(keep_from);
    }

    /// Emits every open bar (end of input).
    pub fn finish(&mut self, out: &mut Vec<BuiltBar>) {
        while let Some((minute, bar)) = self.open.pop_first() {
            self.emitted_before = self.emitted_before.max(minute + MINUTE_NS);
            out.push(bar);
        }
    }

    /// Trades dropped because their minute was already emitted.
    pub fn late(&self) -> u64 {
        self.late
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const M: u64 = MINUTE_NS;
    const T0: u64 = 1_719_876_000 * 1_000_000_000; // 2024-07-01 23:20 UTC, a whole minute

    fn p(x: i64) -> Price {
        Price::from_integer(x).unwrap()
    }

    #[test]
    fn ohlcv_and_lateness() {
        let mut b = TradeBars::new();
        let mut out = Vec::new();
        b.push(UnixNanos(T0 + 1), p(100), 2, 0, &mut out);
        b.push(UnixNanos(T0 + 30_000_000_000), p(102), 1, 1, &mut out);
        b.push(UnixNanos(T0 + M + 5), p(99), 4, 2, &mut out);
        // One minute late: still lands in the first bar.
        b.push(UnixNanos(T0 + 59_000_000_000), p(98), 1, 3, &mut out);
        assert!(out.is_empty());
        b.push(UnixNanos(T0 + 2 * M), p(101), 1, 4, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0],
            BuiltBar {
                ts: UnixNanos(T0),
                open: p(100),
                high: p(102),
                low: p(98),
                close: p(98),
                volume: 4,
                record: 0
            }
        );
        // The first minute is gone: a trade for it is late.
        b.push(UnixNanos(T0 + 10), p(50), 1, 5, &mut out);
        assert_eq!(b.late(), 1);
        b.finish(&mut out);
        assert_eq!(out.len(), 3);
        assert_eq!((out[1].ts.0, out[1].volume), (T0 + M, 4));
        assert_eq!((out[2].ts.0, out[2].close), (T0 + 2 * M, p(101)));
    }

    proptest! {
        /// For trades in time order, the bars hold every contract, each bar's OHLC is consistent
        /// and the bars are in strictly increasing minute order.
        #[test]
        fn in_order_trades_conserve_volume(
            steps in prop::collection::vec((0u64..90_000_000_000, 1i64..10_000, 1u64..50), 1..200)
        ) {
            let mut b = TradeBars::new();
            let mut out = Vec::new();
            let mut t = T0;
            let mut total = 0;
            for (i, (dt, px, size)) in steps.iter().enumerate() {
                t += dt;
                total += size;
                b.push(UnixNanos(t), p(*px), *size, i as u64, &mut out);
            }
            b.finish(&mut out);
            prop_assert_eq!(b.late(), 0);
            prop_assert_eq!(out.iter().map(|x| x.volume).sum::<u64>(), total);
            for w in out.windows(2) {
                prop_assert!(w[0].ts < w[1].ts);
            }
            for x in &out {
                prop_assert!(x.low <= x.open && x.open <= x.high);
                prop_assert!(x.low <= x.close && x.close <= x.high);
                prop_assert_eq!(x.ts.0 % M, 0);
            }
        }
    }
}
