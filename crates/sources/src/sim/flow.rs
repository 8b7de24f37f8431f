//! Option trades: arrival by time of day, moneyness and expiry; heavy-tailed sizes with blocks;
//! aggressor side from a hidden flow regime; prices at or inside the NBBO; multi-venue ISO sweeps;
//! Polygon/OPRA condition ids; late, out-of-sequence and cancelled prints; and the dealer hedge each
//! print causes (fed back into the SPX path).

use gammaflow_model::event::{Conditions, ExchangeId, Instrument, Side, Trade};
use gammaflow_model::{Size, UnixNanos};

use super::SimError;
use super::chain::{CBOE, Chain, OPTION_VENUES, SimProduct};
use super::emit::{Out, after, latency, on_grid};
use super::market::{CASH_SECS, ES_EXCHANGE};
use super::rng::Rng;
use super::schedule::{DayPlan, NS};

/// Polygon option condition ids used by the simulator (FORMATS §3.2).
pub mod condition {
    /// Canceled (previously reported trade).
    pub const CANCELED: u16 = 201;
    /// Late and out of sequence.
    pub const OUT_OF_SEQUENCE: u16 = 202;
    /// Late but in correct sequence.
    pub const LATE: u16 = 204;
    /// Automatic (electronic) execution: the normal print.
    pub const AUTO: u16 = 209;
    /// Intermarket sweep order.
    pub const ISO: u16 = 219;
    /// Single-leg auction, non-ISO.
    pub const AUCTION: u16 = 227;
    /// Single-leg auction, ISO.
    pub const AUCTION_ISO: u16 = 228;
    /// Single-leg cross.
    pub const CROSS: u16 = 229;
    /// Single-leg floor trade.
    pub const FLOOR: u16 = 231;
    /// Multi-leg auto-electronic.
    pub const MULTI_LEG: u16 = 232;
    /// Multi-leg auction.
    pub const MULTI_LEG_AUCTION: u16 = 233;
    /// Multi-leg cross.
    pub const MULTI_LEG_CROSS: u16 = 234;
    /// Multi-leg floor.
    pub const MULTI_LEG_FLOOR: u16 = 235;
    /// Multi-leg auto-electronic against single legs.
    pub const MULTI_LEG_VS_SINGLE: u16 = 236;
    /// Stock-option auto-electronic.
    pub const STOCK_TIED: u16 = 240;
    /// Stock-option auto-electronic against single legs.
    pub const STOCK_TIED_VS_SINGLE: u16 = 243;
    /// Extended hours (GTH) trade.
    pub const EXTENDED_HOURS: u16 = 248;
}

use condition as c;

/// Regular-hours condition mix of SPXW prints (estimates; see the `sim` module docs).
const SPXW_MIX: [(u16, f64); 12] = [
    (c::AUTO, 0.74),
    (c::MULTI_LEG, 0.10),
    (c::MULTI_LEG_AUCTION, 0.02),
    (c::MULTI_LEG_CROSS, 0.015),
    (c::MULTI_LEG_FLOOR, 0.015),
    (c::MULTI_LEG_VS_SINGLE, 0.03),
    (c::AUCTION, 0.02),
    (c::CROSS, 0.01),
    (c::FLOOR, 0.015),
    (c::STOCK_TIED, 0.005),
    (c::LATE, 0.004),
    (c::OUT_OF_SEQUENCE, 0.002),
];
/// Regular-hours condition mix of SPY option orders (a sweep order prints several times).
const SPY_MIX: [(u16, f64); 12] = [
    (c::AUTO, 0.735),
    (c::ISO, 0.035),
    (c::MULTI_LEG, 0.07),
    (c::MULTI_LEG_AUCTION, 0.01),
    (c::MULTI_LEG_VS_SINGLE, 0.02),
    (c::AUCTION, 0.025),
    (c::AUCTION_ISO, 0.005),
    (c::CROSS, 0.01),
    (c::STOCK_TIED, 0.03),
    (c::STOCK_TIED_VS_SINGLE, 0.01),
    (c::LATE, 0.004),
    (c::OUT_OF_SEQUENCE, 0.002),
];
/// Mix of ES option prints: outright electronic trades and legs of spreads (CME trades carry
/// no Polygon conditions; the codes only steer side and size and are not emitted).
const ES_MIX: [(u16, f64); 2] = [(c::AUTO, 0.86), (c::MULTI_LEG, 0.14)];
/// Prints of a second start this many ns after it (after every quote of the second).
const PRINTS_FROM_NS: u64 = 100_000_000;
/// Share of prints later reported cancelled (a 201 print follows).
const CANCEL_RATE: f64 = 0.0015;
/// Activity of SPXW in global trading hours relative to an average regular-hours second.
const GTH_ACTIVITY: f64 = 0.05;
/// Probability per second that the flow regime changes (mean dwell about ten minutes).
const REGIME_SWITCH: f64 = 1.0 / 600.0;

/// The hidden flow regime: who is aggressing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Regime {
    /// Buyers lift offers (62 % of directional prints buy).
    Buyers,
    /// Balanced (50 %).
    Balanced,
    /// Sellers hit bids (38 % buy).
    Sellers,
}

impl Regime {
    fn buy_probability(self) -> f64 {
        match self {
            Self::Buyers => 0.62,
            Self::Balanced => 0.5,
            Self::Sellers => 0.38,
        }
    }
}

/// The option-flow generator.
#[derive(Debug)]
pub(crate) struct Flow {
    rng: Rng,
    /// The current regime.
    pub regime: Regime,
}

/// What one step's prints need to know about the day and the underlying.
pub(crate) struct StepCtx<'a> {
    /// The day.
    pub plan: &'a DayPlan,
    /// Start of the second.
    pub t: UnixNanos,
    /// Relative activity of the second (1 = average cash-session second).
    pub activity: f64,
    /// `SimConfig::activity`.
    pub scale: f64,
    /// Underlying price of the chain (SPX points or SPY dollars).
    pub spot: f64,
}

impl Flow {
    /// A generator on its own random stream.
    pub(crate) fn new(rng: Rng) -> Self {
        Self {
            rng,
            regime: Regime::Balanced,
        }
    }

    /// Moves the hidden regime one second forward.
    pub(crate) fn step_regime(&mut self) {
        if !self.rng.chance(REGIME_SWITCH) {
            return;
        }
        self.regime = match self.regime {
            Regime::Balanced if self.rng.chance(0.5) => Regime::Buyers,
            Regime::Balanced => Regime::Sellers,
            Regime::Buyers if self.rng.chance(0.7) => Regime::Balanced,
            Regime::Buyers => Regime::Sellers,
            Regime::Sellers if self.rng.chance(0.7) => Regime::Balanced,
            Regime::Sellers => Regime::Buyers,
        };
    }

    /// The prints of `chain` in one second; returns the dealers' net hedge in dollars.
    pub(crate) fn trades(
        &mut self,
        chain: &Chain,
        ctx: &StepCtx<'_>,
        out: &mut Out,
    ) -> Result<f64, SimError> {
        let product = chain.product;
        // ES options trade on Globex with the future: no GTH condition, the off-hours rate.
        let gth = ctx.t < ctx.plan.t_open && product != SimProduct::Es;
        let relative = if gth { GTH_ACTIVITY } else { ctx.activity };
        let mean = product.trades_per_day() * ctx.scale * relative / CASH_SECS;
        let n = self.rng.poisson(mean);
        let mut hedge = 0.0;
        for _ in 0..n {
            let Some(i) = chain.pick(&mut self.rng) else {
                break;
            };
            let Some(line) = chain.lines.get(i) else {
                continue;
            };
            let Some(quote) = line.quote else {
                continue;
            };
            let stop = chain
                .series
                .get(line.series)
                .map_or(ctx.plan.t_options_end, |s| s.stop);
            if ctx.t >= stop {
                continue;
            }
            let code = if gth {
                c::EXTENDED_HOURS
            } else {
                let mix: &[(u16, f64)] = match product {
                    SimProduct::Spxw => &SPXW_MIX,
                    SimProduct::Spy => &SPY_MIX,
                    SimProduct::Es => &ES_MIX,
                };
                let weights: [f64; 12] = std::array::from_fn(|k| mix.get(k).map_or(0.0, |m| m.1));
                mix.get(self.rng.pick(&weights)).map_or(c::AUTO, |m| m.0)
            };
            let directional = matches!(
                code,
                c::AUTO
                    | c::ISO
                    | c::AUCTION_ISO
                    | c::LATE
                    | c::OUT_OF_SEQUENCE
                    | c::EXTENDED_HOURS
            );
            let buy = self.rng.chance(self.regime.buy_probability());
            let mut size = self.size(product);
            if !directional {
                size = size.saturating_mul(2);
            }
            // A sweep needs at least two contracts to split; a one-lot is a plain print.
            let code = if code == c::ISO && (size < 2 || product != SimProduct::Spy) {
                c::AUTO
            } else {
                code
            };
            let price = self.price(product, quote, buy, directional);
            let ts = after(
                ctx.t,
                PRINTS_FROM_NS + self.rng.below(NS - PRINTS_FROM_NS - 2_000_000),
            );
            let side = match (directional, buy) {
                (false, _) => Side::None,
                (true, true) => Side::Buy,
                (true, false) => Side::Sell,
            };
            let print = Print {
                instrument: Instrument::Option(line.contract),
                price,
                side,
                exchange: self.venue(product),
            };
            if code == c::ISO {
                self.sweep(product, &print, size, ts, out)?;
            } else {
                let (ts_event, ts_recv) = match code {
                    c::LATE => self.late(ctx, ts, 1, 60),
                    c::OUT_OF_SEQUENCE => self.late(ctx, ts, 5, 300),
                    _ => (ts, after(ts, latency(&mut self.rng, 150_000, 400_000.0))),
                };
                let trade = print.trade(product, ts_event, ts_recv, size, &[code])?;
                out.push(trade);
                if product != SimProduct::Es && self.rng.chance(CANCEL_RATE) {
                    let when = after(ts_recv, (1 + self.rng.below(20)) * NS);
                    if when < stop {
                        let recv = after(when, latency(&mut self.rng, 150_000, 400_000.0));
                        out.push(Trade {
                            ts_event: when,
                            ts_recv: recv,
                            conditions: conditions(&[c::CANCELED]),
                            aggressor: Side::None,
                            ..trade
                        });
                    }
                }
            }
            let sign = match side {
                Side::Buy => 1.0,
                Side::Sell => -1.0,
                Side::None => 0.0,
            };
            hedge +=
                sign * line.delta * f64::from(size) * f64::from(product.multiplier()) * ctx.spot;
        }
        Ok(hedge)
    }

    /// Print size in contracts: half the prints are small (1–3 lots), the rest a Pareto tail
    /// (index 1.6 from 2 lots SPXW, 3 lots SPY, 4 lots ES, capped at 500, 1,000 and 1,000), plus
    /// 0.05 % blocks of 100–600 (SPXW, ES) or 200–1,200 (SPY) contracts. Mean about 3.5 (SPXW),
    /// 5 (SPY) and 6 (ES) before multi-leg prints double.
    fn size(&mut self, product: SimProduct) -> u32 {
        let (x_min, cap, block) = match product {
            SimProduct::Spxw => (2.0, 500.0, (100u32, 500u32)),
            SimProduct::Es => (4.0, 1_000.0, (100, 500)),
            SimProduct::Spy => (3.0, 1_000.0, (200, 1_000)),
        };
        if self.rng.chance(0.0005) {
            return block.0 + self.rng.below(u64::from(block.1)) as u32;
        }
        if self.rng.chance(0.5) {
            return 1 + self.rng.below(3) as u32;
        }
        (self.rng.pareto(x_min, 1.6).min(cap) as u32).max(1)
    }

    /// Price in fine ticks: directional prints at the touch (70 %) or inside, toward their side;
    /// others anywhere in `[bid, ask]`. Always a valid tick, never below one tick.
    fn price(
        &mut self,
        product: SimProduct,
        (bid, ask): (i64, i64),
        buy: bool,
        directional: bool,
    ) -> i64 {
        let span = (ask - bid).max(0) as u64;
        let raw = if directional {
            if self.rng.chance(0.7) || span <= 1 {
                if buy { ask } else { bid }
            } else {
                let inside = 1 + self.rng.below(span / 2) as i64;
                if buy { ask - inside } else { bid + inside }
            }
        } else {
            bid + self.rng.below(span + 1) as i64
        };
        let snapped = if buy {
            product.ceil_valid(raw).min(ask)
        } else {
            product.floor_valid(raw).max(bid)
        };
        let snapped = product.floor_valid(snapped.clamp(bid, ask));
        if snapped < 1 { ask.max(1) } else { snapped }
    }

    /// The venue of a print.
    fn venue(&mut self, product: SimProduct) -> ExchangeId {
        match product {
            SimProduct::Spxw => CBOE,
            SimProduct::Es => ES_EXCHANGE,
            SimProduct::Spy => {
                let w = OPTION_VENUES.map(|(_, w)| w);
                ExchangeId(OPTION_VENUES.get(self.rng.pick(&w)).map_or(302, |v| v.0))
            }
        }
    }

    /// A late print: stamped `lo..=hi` seconds before it is received (not before the open).
    fn late(
        &mut self,
        ctx: &StepCtx<'_>,
        ts: UnixNanos,
        lo: u64,
        hi: u64,
    ) -> (UnixNanos, UnixNanos) {
        let back = (lo + self.rng.below(hi - lo + 1)) * NS;
        let floor = ctx.plan.t_start.0;
        let event = UnixNanos(ts.0.saturating_sub(back).max(floor));
        (event, after(ts, latency(&mut self.rng, 150_000, 400_000.0)))
    }

    /// An intermarket sweep: the order split over 2–5 venues within about a millisecond, each
    /// print with condition 219 at the touch.
    fn sweep(
        &mut self,
        product: SimProduct,
        print: &Print,
        size: u32,
        ts: UnixNanos,
        out: &mut Out,
    ) -> Result<(), SimError> {
        let legs = (2 + self.rng.below(4) as u32).min(size);
        let mut weights = OPTION_VENUES.map(|(_, w)| w);
        let mut left = size;
        let mut when = ts;
        for leg in 0..legs {
            let k = self.rng.pick(&weights);
            if let Some(w) = weights.get_mut(k) {
                *w = 0.0;
            }
            let venue = OPTION_VENUES.get(k).map_or(302, |v| v.0);
            let part = if leg + 1 == legs {
                left
            } else {
                (left / (legs - leg)).max(1)
            };
            left -= part;
            let recv = after(when, latency(&mut self.rng, 150_000, 400_000.0));
            let leg_print = Print {
                exchange: ExchangeId(venue),
                ..*print
            };
            out.push(leg_print.trade(product, when, recv, part, &[c::ISO])?);
            when = after(when, 20_000 + self.rng.below(230_000));
        }
        Ok(())
    }
}

/// The fixed parts of a print.
#[derive(Debug, Clone, Copy)]
struct Print {
    instrument: Instrument,
    /// Price in fine ticks.
    price: i64,
    side: Side,
    exchange: ExchangeId,
}

impl Print {
    fn trade(
        &self,
        product: SimProduct,
        ts_event: UnixNanos,
        ts_recv: UnixNanos,
        size: u32,
        codes: &[u16],
    ) -> Result<Trade, SimError> {
        Ok(Trade {
            ts_event,
            ts_recv,
            instrument: self.instrument,
            price: on_grid(product.fine_tick(), self.price, "option trade")?,
            size: Size::new(size),
            exchange: self.exchange,
            // CME prints carry no Polygon/OPRA condition.
            conditions: if product == SimProduct::Es {
                Conditions::EMPTY
            } else {
                conditions(codes)
            },
            sequence: 0,
            aggressor: self.side,
        })
    }
}

/// Conditions from at most four codes.
fn conditions(codes: &[u16]) -> Conditions {
    Conditions::try_from_slice(codes).unwrap_or_default()
}
