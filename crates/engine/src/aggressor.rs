//! Aggressor side of a trade from the NBBO in force at its timestamp.
//!
//! OPRA prints carry no side, so the desk infers it (the quote rule of Lee and Ready, with the
//! tick test for prints at the midpoint):
//!
//! | print | side |
//! |---|---|
//! | at or above the ask | buy |
//! | at or below the bid | sell |
//! | strictly inside, nearer the ask | buy |
//! | strictly inside, nearer the bid | sell |
//! | exactly at the mid, or no usable quote | tick test |
//!
//! **Tick test**: above the contract's previous print → buy, below → sell; equal → the side of the
//! last print that moved the price (zero-tick rule); unknown before any price change.
//!
//! A quote is usable when both sides are defined and it is not crossed; a locked quote
//! (bid = ask) classifies prints at that price by the tick test, since it is its own mid.
//! Comparisons are exact on the integer prices.

use gammaflow_model::Price;
use gammaflow_model::event::{Quote, Side};

/// Per-contract memory of the tick test: the previous print and the last non-zero tick's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TickState {
    last_price: Option<Price>,
    last_move: Side,
}

impl TickState {
    /// The side by the tick test for a print at `price` (does not update the state).
    pub fn tick_side(&self, price: Price) -> Side {
        match self.last_price {
            Some(last) if price > last => Side::Buy,
            Some(last) if price < last => Side::Sell,
            _ => self.last_move,
        }
    }

    /// Records a print at `price` (call it for every print that counts for the last price).
    pub fn record(&mut self, price: Price) {
        let side = self.tick_side(price);
        if self.last_price != Some(price) {
            self.last_move = side;
        }
        self.last_price = Some(price);
    }
}

/// The aggressor side of a print at `price` given the NBBO `quote` in force at its timestamp
/// (`None` if there was none) and the contract's tick state. See the module docs.
pub fn classify(price: Price, quote: Option<&Quote>, tick: &TickState) -> Side {
    if let Some(q) = quote.filter(|q| q.is_two_sided() && !q.is_crossed()) {
        if price >= q.ask && q.ask > q.bid {
            return Side::Buy;
        }
        if price <= q.bid && q.ask > q.bid {
            return Side::Sell;
        }
        // Inside (or at a locked price): compare twice the price with bid + ask in i128, so the
        // midpoint test is exact even when bid + ask is odd in raw units.
        let twice = 2 * i128::from(price.raw());
        let sum = i128::from(q.bid.raw()) + i128::from(q.ask.raw());
        if twice > sum {
            return Side::Buy;
        }
        if twice < sum {
            return Side::Sell;
        }
    }
    tick.tick_side(price)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gammaflow_model::event::Instrument;
    use gammaflow_model::{OptionContract, Size, UnixNanos};

    fn p(s: &str) -> Price {
        s.parse().unwrap()
    }

    fn q(bid: &str, ask: &str) -> Quote {
        Quote {
            ts_event: UnixNanos(1),
            ts_recv: UnixNanos(1),
            instrument: Instrument::Option(
                OptionContract::parse_any("O:SPXW251216C05800000").unwrap(),
            ),
            bid: p(bid),
            ask: p(ask),
            bid_size: Size::new(1),
            ask_size: Size::new(1),
            bid_exchange: None,
            ask_exchange: None,
        }
    }

    #[test]
    fn quote_rule() {
        let t = TickState::default();
        let quote = q("1.00", "1.10");
        for (price, side) in [
            ("1.10", Side::Buy),
            ("1.15", Side::Buy),
            ("1.00", Side::Sell),
            ("0.95", Side::Sell),
            ("1.06", Side::Buy),
            ("1.04", Side::Sell),
            ("1.05", Side::None),
        ] {
            assert_eq!(classify(p(price), Some(&quote), &t), side, "{price}");
        }
        // Odd raw sum: the mid is 1.0000000005, so 1.000000001 is above it.
        let odd = q("1", "1.000000001");
        assert_eq!(classify(p("1.000000001"), Some(&odd), &t), Side::Buy);
    }

    #[test]
    fn tick_test_at_the_mid_and_without_a_quote() {
        let mut t = TickState::default();
        t.record(p("1.00"));
        assert_eq!(classify(p("1.05"), None, &t), Side::Buy);
        t.record(p("1.05"));
        // Zero tick: keeps the last move's side.
        assert_eq!(classify(p("1.05"), Some(&q("1.00", "1.10")), &t), Side::Buy);
        t.record(p("1.05"));
        assert_eq!(classify(p("1.02"), None, &t), Side::Sell);
        t.record(p("1.02"));
        assert_eq!(classify(p("1.02"), None, &t), Side::Sell);
        // Crossed and one-sided quotes are not used.
        assert_eq!(classify(p("1.03"), Some(&q("1.10", "1.00")), &t), Side::Buy);
        let mut one_sided = q("1.00", "1.10");
        one_sided.ask = Price::UNDEF;
        assert_eq!(classify(p("0.90"), Some(&one_sided), &t), Side::Sell);
        // Locked quote: prints at the lock go to the tick test.
        assert_eq!(
            classify(p("1.02"), Some(&q("1.02", "1.02")), &t),
            Side::Sell
        );
    }
}
