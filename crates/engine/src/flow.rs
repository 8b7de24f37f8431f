//! Per-contract trade flow: volume, exact premium, last price, aggressor split, signed delta and
//! gamma notional, sweeps.
//!
//! The caller decides, per print, the aggressor side ([`crate::aggressor`]), how its condition
//! codes treat it ([`PrintTreatment`], normally from `gammaflow_sources::conditions`) and the
//! contract's Greeks at the print (the engine's locally recomputed ones). [`ContractFlow::apply`]
//! then adds it:
//!
//! * an **excluded** print (cancelled, compression) changes nothing but the `excluded` counter;
//! * a print that **counts for volume** adds its size to `volume` and to the buy, sell or
//!   unknown-side volume, and `price × size × multiplier` to the premium totals, exactly
//!   ([`Money`], no rounding);
//! * a print that **updates the last price** sets `last`;
//! * **directional** flow (`net_*` fields) uses single-leg prints only: multi-leg and stock-tied
//!   prints count in volume and premium but not in the signed delta and gamma notional, since a
//!   spread leg or a buy-write says nothing about direction by itself;
//! * signed delta notional = `±size × delta × multiplier` (+ for buys, − for sells, 0 when the side
//!   is unknown), in underlying units (shares or index units per contract × contracts); gamma
//!   notional likewise with gamma. These are `f64` because the Greeks are.

use gammaflow_model::event::Side;
use gammaflow_model::{Money, Price, Size};

/// The parts of a print's condition treatment that flow accounting needs (mirrors
/// `gammaflow_sources::conditions::TradeTreatment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PrintTreatment {
    /// Adds to volume and premium.
    pub counts_volume: bool,
    /// Sets the last price.
    pub updates_last: bool,
    /// Dropped entirely.
    pub excluded: bool,
    /// Intermarket sweep.
    pub sweep: bool,
    /// Multi-leg or stock-tied: not directional single-leg flow.
    pub non_directional: bool,
}

impl PrintTreatment {
    /// A regular single-leg print.
    pub const REGULAR: PrintTreatment = PrintTreatment {
        counts_volume: true,
        updates_last: true,
        excluded: false,
        sweep: false,
        non_directional: false,
    };
}

/// One print as flow accounting sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Print {
    /// Premium per unit, in quote units.
    pub price: Price,
    /// Contracts.
    pub size: Size,
    /// Inferred aggressor.
    pub side: Side,
    /// Condition treatment.
    pub treatment: PrintTreatment,
    /// The contract's delta at the print (NaN when unknown: no notional is added).
    pub delta: f64,
    /// The contract's gamma at the print (NaN when unknown).
    pub gamma: f64,
}

/// Cumulative flow of one contract (or, summed, of a strike).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ContractFlow {
    /// Contracts traded (prints that count for volume).
    pub volume: u64,
    /// Of which bought by the aggressor.
    pub buy_volume: u64,
    /// Of which sold by the aggressor.
    pub sell_volume: u64,
    /// Premium of all counted prints, currency units, exact.
    pub premium: Money,
    /// Premium of buyer-initiated prints.
    pub buy_premium: Money,
    /// Premium of seller-initiated prints.
    pub sell_premium: Money,
    /// Last price from prints allowed to set it.
    pub last: Option<Price>,
    /// Counted prints.
    pub prints: u64,
    /// Counted prints flagged as sweeps.
    pub sweeps: u64,
    /// Volume of multi-leg and stock-tied prints (in `volume`, not in the `net_*` fields).
    pub non_directional_volume: u64,
    /// Prints dropped by their condition codes.
    pub excluded: u64,
    /// Prints whose premium would overflow the totals (not added; never expected in practice).
    pub overflowed: u64,
    /// Signed delta notional of directional prints (see the module docs).
    pub net_delta_notional: f64,
    /// Signed gamma notional of directional prints.
    pub net_gamma_notional: f64,
}

impl ContractFlow {
    /// Buy volume minus sell volume (contracts).
    pub fn net_aggressor(&self) -> i64 {
        self.buy_volume as i64 - self.sell_volume as i64
    }

    /// Volume with no inferred side.
    pub fn unknown_side_volume(&self) -> u64 {
        self.volume - self.buy_volume - self.sell_volume
    }

    /// Adds one print for a contract with `multiplier` (100 SPX/SPY, 50 ES options).
    pub fn apply(&mut self, print: &Print, multiplier: u32) {
        let t = print.treatment;
        if t.excluded {
            self.excluded += 1;
            return;
        }
        if t.updates_last {
            self.last = Some(print.price);
        }
        if !t.counts_volume {
            return;
        }
        let premium = Money::premium(print.price, print.size, multiplier);
        let Some(total) = self.premium.checked_add(premium) else {
            self.overflowed += 1;
            return;
        };
        let size = print.size.as_u64();
        self.premium = total;
        self.volume += size;
        self.prints += 1;
        if t.sweep {
            self.sweeps += 1;
        }
        let sign = match print.side {
            Side::Buy => {
                self.buy_volume += size;
                self.buy_premium = self
                    .buy_premium
                    .checked_add(premium)
                    .unwrap_or(self.buy_premium);
                1.0
            }
            Side::Sell => {
                self.sell_volume += size;
                self.sell_premium = self
                    .sell_premium
                    .checked_add(premium)
                    .unwrap_or(self.sell_premium);
                -1.0
            }
            Side::None => 0.0,
        };
        if t.non_directional {
            self.non_directional_volume += size;
            return;
        }
        let units = sign * size as f64 * f64::from(multiplier);
        if units != 0.0 && print.delta.is_finite() {
            self.net_delta_notional += units * print.delta;
        }
        if units != 0.0 && print.gamma.is_finite() {
            self.net_gamma_notional += units * print.gamma;
        }
    }

    /// Adds another contract's totals (for per-strike sums); `last` keeps `self`'s.
    pub fn merge(&mut self, other: &ContractFlow) {
        self.volume += other.volume;
        self.buy_volume += other.buy_volume;
        self.sell_volume += other.sell_volume;
        let add = |a: Money, b: Money| a.checked_add(b).unwrap_or(a);
        self.premium = add(self.premium, other.premium);
        self.buy_premium = add(self.buy_premium, other.buy_premium);
        self.sell_premium = add(self.sell_premium, other.sell_premium);
        self.prints += other.prints;
        self.sweeps += other.sweeps;
        self.non_directional_volume += other.non_directional_volume;
        self.excluded += other.excluded;
        self.overflowed += other.overflowed;
        self.net_delta_notional += other.net_delta_notional;
        self.net_gamma_notional += other.net_gamma_notional;
        if self.last.is_none() {
            self.last = other.last;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print(price: &str, size: u32, side: Side, treatment: PrintTreatment) -> Print {
        Print {
            price: price.parse().unwrap(),
            size: Size::new(size),
            side,
            treatment,
            delta: 0.5,
            gamma: 0.01,
        }
    }

    #[test]
    fn accumulates_exact_premium_and_signed_notional() {
        let mut f = ContractFlow::default();
        f.apply(&print("1.05", 10, Side::Buy, PrintTreatment::REGULAR), 100);
        f.apply(&print("1.10", 3, Side::Sell, PrintTreatment::REGULAR), 100);
        f.apply(&print("1.07", 2, Side::None, PrintTreatment::REGULAR), 100);
        assert_eq!(f.volume, 15);
        assert_eq!(f.net_aggressor(), 7);
        assert_eq!(f.unknown_side_volume(), 2);
        // 1.05×10×100 + 1.10×3×100 + 1.07×2×100 = 1050 + 330 + 214
        assert_eq!(f.premium, Money::from_price("1594".parse().unwrap()));
        assert_eq!(f.buy_premium, Money::from_price("1050".parse().unwrap()));
        assert_eq!(f.last, Some("1.07".parse().unwrap()));
        assert!((f.net_delta_notional - (10.0 - 3.0) * 100.0 * 0.5).abs() < 1e-9);
        assert!((f.net_gamma_notional - 7.0).abs() < 1e-9);
    }

    #[test]
    fn conditions_shape_what_counts() {
        let mut f = ContractFlow::default();
        let cancelled = PrintTreatment {
            excluded: true,
            ..PrintTreatment::default()
        };
        f.apply(&print("9", 100, Side::Buy, cancelled), 100);
        let out_of_sequence = PrintTreatment {
            updates_last: false,
            ..PrintTreatment::REGULAR
        };
        f.apply(&print("2", 1, Side::Buy, out_of_sequence), 100);
        let spread_leg = PrintTreatment {
            non_directional: true,
            sweep: true,
            ..PrintTreatment::REGULAR
        };
        f.apply(&print("3", 4, Side::Sell, spread_leg), 100);
        assert_eq!(f.excluded, 1);
        assert_eq!(f.volume, 5);
        assert_eq!(f.last, Some("3".parse().unwrap()));
        assert_eq!(f.non_directional_volume, 4);
        assert_eq!(f.sweeps, 1);
        // Only the out-of-sequence buy is directional.
        assert!((f.net_delta_notional - 50.0).abs() < 1e-9);
        let mut strike = ContractFlow::default();
        strike.merge(&f);
        strike.merge(&f);
        assert_eq!(strike.volume, 10);
        assert_eq!(strike.premium, Money::from_price("2800".parse().unwrap()));
    }
}
