//! The built-in market simulator, gammaflow's default source: a realistic 0DTE session with no API
//! key and no server.
//!
//! [`Simulator`] is a sans-I/O generator (`Iterator<Item = Event>`) of the same `model` events the
//! real adapters emit, for every trading day of a range, in `ts_recv` order. It is deterministic:
//! the same [`SimConfig`] (seed, start date, settings) gives the same events on every run and
//! platform (own xoshiro256++ PRNG seeded by SplitMix64, own normal / exponential / Poisson / Pareto
//! draws, no wall clock, no hash-map iteration). [`SimSource`] wraps it as a [`crate::Source`] with
//! pacing and subscriptions; [`day_statistics`] summarises a day for realism checks.
//!
//! ```
//! use gammaflow_sources::sim::{SimConfig, Simulator, day_statistics};
//! use jiff::civil::date;
//!
//! let config = SimConfig {
//!     start: date(2025, 6, 10),
//!     activity: 0.002,
//!     spxw_strikes: 4,
//!     spy_strikes: 3,
//!     es_strikes: 3,
//!     expiries: 1,
//!     reprice_bp: 5.0,
//!     ..SimConfig::default()
//! };
//! let sim = Simulator::new(config)?;
//! let contracts = sim.contracts(date(2025, 6, 10))?;
//! assert_eq!(contracts.len(), 2 * 9 + 2 * 7 + 2 * 7); // SPXW, SPY and ES options, puts and calls
//! let events: Vec<_> = sim.collect();
//! let stats = day_statistics(&events);
//! assert_eq!(stats.index_values, 23_400); // one SPX value per second, 09:30-16:00 ET
//! assert_eq!(stats.crossed_quotes, 0);
//! # Ok::<(), gammaflow_sources::sim::SimError>(())
//! ```
//!
//! # Sessions (model calendar: no events on weekends and holidays, early closes respected)
//! | time (ET) | events |
//! |---|---|
//! | 06:00 | `Definition` of the ES front month and every listed option (ES options: multiplier 50) |
//! | 06:30 | `OpenInterest` of every option, `as_of` the previous trading day |
//! | 08:00–09:15 | ES and ES option quotes and trades; SPXW quotes and prints with condition 248 (Cboe GTH, if `gth_options`) |
//! | 08:30, 10:00 | scheduled release jumps (payrolls first Friday, CPI approximated as the second Wednesday, claims on Thursdays, ISM on the first trading day) |
//! | 09:30–16:00 | `I:SPX` value every second, SPY quotes and trades, all options |
//! | 14:00 | FOMC statement jump on the days of [`FOMC_DAYS`] (Federal Reserve calendars 2023–2026) |
//! | 16:00 | 0DTE series stop (PM settlement; the AM ES quarterly on its expiry day stops at 09:30) |
//! | 16:00–16:15 | ES and non-expiring options only; the day ends at 16:15 |
//!
//! Early-close days end the cash session at 13:00 and the day at 13:15. By default ES runs from
//! 08:00 only (the overnight Globex session is summarised by an overnight gap of the SPX path).
//! With [`SimConfig::globex_overnight`] (what `gammaflow sim` writes) the day starts at the Globex
//! open, 18:00 ET the evening before, and ends at the Globex close (17:00 ET, 13:15 on early
//! closes): ES quotes and trades all night, the night's seconds carrying the overnight share of a
//! day's variance (20 %) instead of the gap; options keep the hours above.
//!
//! At a small `activity` a quiet ES minute could have no print, which never happens in the real
//! ES market; a minute without one gets a one-lot print at the touch in its last second.
//!
//! # Model
//! * **SPX path**: log price with stochastic log-variance (an Ornstein-Uhlenbeck process with a
//!   three-day half-life, vol-of-vol `vol_of_vol`, correlation −0.7 to price shocks), run on a
//!   clock of *variance time*: one cash session is exactly one trading day (1/252 year) of
//!   variance, spread over the day by a U-shape (open about 3× midday, close about 1.5×); the
//!   off-hours seconds carry a quarter of an average second. Scheduled releases add a normal jump
//!   and raise the variance. Each option print makes dealers hedge its delta (customers buy calls,
//!   dealers buy the underlying); the net dollar hedge of a second, scaled by `1 / activity`, moves
//!   SPX by `hedge_impact_bp_per_bn` basis points per $1 bn in the next second.
//! * **ES** (front month and roll from `gammaflow_model::futures`): `SPX · e^((r−q)·T)` to the
//!   futures expiry plus a 0.4-point mean-reverting noise, 0.25 ticks, mostly one-tick spreads,
//!   trades at the touch with the aggressor leaning with the move. Venue id 1 (Databento's
//!   publisher id of CME Globex MDP 3; Polygon has no futures venue id).
//! * **SPY**: SPX / 10 with 1.5 bp tracking noise, penny quotes on lit venues, trades with
//!   Polygon stock venue ids (4 = off-exchange TRF 40 %) and stock conditions 37 (odd lot) and 14
//!   (ISO).
//! * **Options**: SPXW (5-point strikes, $0.05 tick under $3, $0.10 above, venue 302 only) and
//!   SPY ($1 strikes, penny ticks, 16 venues), `expiries` listed expiries from the 0DTE one
//!   (model calendar). Prices are Black-Scholes (`gammaflow_quant`, European: SPY's early exercise
//!   is ignored) with the *total* variance to expiry: the expected variance-time of the rest of
//!   today, the mean-reverting variance of later days and nights, the releases before expiry, all
//!   times a 15 % variance premium. The smile is `1 − 0.224·x + 0.11·x²` (clamped to 0.7–3) in
//!   `x = ln(K/F) / total sd`, so the skew scales with √T. Quotes are the model price ± half a
//!   spread of one tick + 0.4 % (SPXW) or 0.5 % (SPY) of the price, wider at the open, in GTH and
//!   with high variance, rounded to whole ticks and placed around the price on valid ticks. The
//!   chain is repriced when SPX moved `reprice_bp` or 15 s passed, and a quote event is sent only
//!   for contracts whose rounded quote changed.
//! * **Prints**: Poisson arrivals at the product's real rate × `activity` × the U-shape; the
//!   contract drawn by expiry share (0DTE 62 %; later expiries halve), moneyness (peaking
//!   slightly out of the money, 1.1× for puts) and round strikes; sizes half 1–3 lots, half a
//!   Pareto tail of index 1.6, plus 0.05 % blocks; side from a hidden regime (buyers /
//!   balanced / sellers, ten-minute dwell); directional prints at the touch (70 %) or inside toward their
//!   side, multi-leg / cross / auction / stock-tied prints anywhere in the spread with side
//!   `None`. SPY ISO orders sweep 2–5 venues within about a millisecond (condition 219); 0.15 %
//!   of prints are followed by a 201 cancel; 204 late and 202 out-of-sequence prints carry a
//!   `ts_event` seconds to minutes before their `ts_recv`.
//! * **ES options** (options on ES futures, CME Globex, venue id 1 like ES): one series per
//!   expiry date from `gammaflow_model::expiry::es_option_series` (quarterly `ES`, end-of-month
//!   `EW`, Friday weeklies `EW1`–`EW5`, Monday–Thursday weeklies `E1A`–`E5D`), so there is a 0DTE
//!   series every weekday; `es_strikes` 5-point strikes each side of the ES front month at 06:00.
//!   Each series exercises into the quarterly future of `expiry::es_option_underlying`; it is
//!   priced with Black-76 (`Model::Black76`) on that future, carried from the spot implied by the
//!   emitted ES front month (so its 0.4-point basis noise moves the options), with the same total
//!   variance and smile as SPXW. Multiplier 50 (CME: $50 × the futures price). Tick: 0.05 up to a
//!   premium of 5.00 and 0.25 above (CME's reduced tick for low premiums; FORMATS.md §8 lists the
//!   futures' 0.25 and a variable option tick table); spread one tick + 0.4 % of the price.
//!   Open from 08:00 ET with the future (off-hours activity 0.15×), no Polygon conditions on the
//!   prints (14 % spread legs with side `None` and double size, no cancels, sweeps or late
//!   prints), sizes half 1–3 lots and half a Pareto tail from 4 lots.
//!
//! # Realism figures aimed at
//! "Quotedata" below is the Cboe delayed-quote download of SPY options at the 2025-06-09 close in
//! the shared data (`cboe/SPY_quotedata_2025-06-09_close_with_0DTE.csv`); figures marked
//! *estimate* are the author's reading of public exchange statistics, not a measured source.
//!
//! | figure | real market | simulated | source |
//! |---|---|---|---|
//! | SPX options volume | ≈ 3–4 M contracts/day in 2025 (SPXW ≈ 2–2.5 M of it) | 0.5 M prints/day × `activity`, ≈ 4 contracts per print (≈ 2 M contracts at activity 1) | Cboe 2025 volume reports; prints/day = ADV ÷ average size, *estimate* |
//! | 0DTE share of SPX volume | ≈ 60 % | 62 % of contracts | Cboe 0DTE research notes 2024–2025 |
//! | SPY options volume | ≈ 6–10 M contracts/day (6.2 M on 2025-06-09) | 0.9 M prints/day × `activity`, ≈ 5 contracts per print | quotedata; OCC statistics |
//! | 0DTE share of SPY volume | 65 % on 2025-06-09 | 62 % | quotedata |
//! | SPY call/put contracts | 1.03 on 2025-06-09 | ≈ 0.8–1.2, moves with the day's trend | quotedata |
//! | SPX put/call | ≈ 1.0–1.5 (calls/puts ≈ 0.7–1) | puts weighted 1.1× | Cboe daily market statistics |
//! | ES options volume | ≈ 1–1.3 M contracts/day, about half in the 0DTE / nearest weekly | 160 k prints/day × `activity`, ≈ 7 contracts per print; 50 % 0DTE | CME Group volume reports, *estimate* of prints and 0DTE share |
//! | 0DTE ATM ES option spread | 0.25–0.50 index points | median 0.25 | CME market data, *estimate* |
//! | ES futures volume | ≈ 1.5–2 M contracts/day | 0.45 M prints/day × `activity`, ≈ 3.8 contracts per print | CME Group volume reports, *estimate* of prints |
//! | SPY share prints | ≈ 0.8 M/day | 0.8 M/day × `activity`; 45 % odd lots, 40 % off-exchange | *estimate* |
//! | 0DTE ATM SPXW spread | $0.10–0.30 | median $0.20 | Cboe SPXW quotes, *estimate* |
//! | ATM SPY spreads | $0.01–0.02 (0–1DTE), $0.02–0.04 (weekly) | median $0.02 (0DTE), $0.03 at $4.5 | quotedata |
//! | ES spread | one tick (0.25) in regular hours | one tick in ≈ 96 % of quotes (92 % pre-market) | CME market data |
//! | SPY / SPX | ≈ 1/10 (less fees and accrued dividends) | 0.1 ± 1.5 bp noise | SPDR prospectus |
//! | ES − SPX basis | cost of carry `S·(e^((r−q)T) − 1)`, 0–60 points | fair ± 0.4-point noise | carry arithmetic |
//! | SPX daily volatility | ≈ VIX / √252 | `vol` / √252 on average, stochastic | — |
//! | multi-leg prints | a large minority of SPX volume | ≈ 18 % of SPXW prints at double size | *estimate* |
//! | ISO sweep prints | a few % of SPY option prints | ≈ 8 % of SPY option prints (3.5 % of orders, 2–5 legs) | *estimate* |
//! | cancels (201) | well under 1 % of prints | 0.15 % | *estimate* |
//! | intraday U-shape | first / last 30 min ≈ 2–3× midday | ≈ 2.5× / 2× | intraday volume studies (e.g. Admati and Pfleiderer 1988) |
//! | open interest near the money | 1DTE SPY 1.5–5 k, weeklies 5–18 k per strike | SPY ≈ 1–8 k, SPXW ≈ 1–4 k near the money, more at round strikes | quotedata |
//!
//! Counts scale with `activity` (0.05 by default, 5 % of the real trade count); spreads, shares and
//! shapes do not. Prices are computed in `f64` and emitted as integer tick counts times the tick
//! (`Price::checked_mul_int`), so every price lies on its instrument's grid.

mod chain;
mod config;
mod emit;
mod engine;
mod error;
mod flow;
mod market;
mod rng;
mod schedule;
mod source;
mod stats;
#[cfg(test)]
mod tests;

pub use chain::{CBOE, SimProduct};
pub use config::{Products, SimConfig};
pub use engine::Simulator;
pub use error::SimError;
pub use flow::condition;
pub use market::{ES_EXCHANGE, STOCK_ISO, STOCK_ODD_LOT};
pub use schedule::{FOMC_DAYS, is_fomc_day};
pub use source::SimSource;
pub use stats::{DayStats, OptionStats, Range, UnderlyingStats, day_statistics};
