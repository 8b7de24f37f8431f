//! The simulator proper: days in order, one-second steps, and the merge of every generator's
//! events into `ts_recv` order.

use std::collections::VecDeque;

use gammaflow_model::calendar;
use gammaflow_model::event::{Definition, Event, Instrument};
use gammaflow_model::{OptionContract, OptionRoot, UnixNanos};
use jiff::civil::Date;

use super::chain::{Chain, SimProduct};
use super::emit::{Out, QUARTER, after};
use super::flow::{Flow, StepCtx};
use super::market::Market;
use super::rng::Rng;
use super::schedule::{DayPlan, NS};
use super::{SimConfig, SimError};

/// The day being simulated.
#[derive(Debug)]
struct Day {
    plan: DayPlan,
    chains: Vec<Chain>,
    step: usize,
}

/// The sans-I/O market simulator: an [`Iterator`] of [`Event`]s over every trading day of the
/// configured range, in `ts_recv` order (ties in generation order). See the [module docs](super).
///
/// The iterator ends after the last day, or early if the model hits an error, which
/// [`Simulator::error`] then reports.
#[derive(Debug)]
pub struct Simulator {
    cfg: SimConfig,
    days: Vec<Date>,
    next_day: usize,
    day: Option<Day>,
    market: Market,
    flow: Flow,
    out: Out,
    ready: VecDeque<Event>,
    trade_seq: u64,
    error: Option<SimError>,
}

impl Simulator {
    /// A simulator for `config`, positioned before the first event of the first trading day
    /// (whose chain [`Simulator::contracts`] already lists). Errors name the bad setting.
    pub fn new(config: SimConfig) -> Result<Self, SimError> {
        config.validate()?;
        let end = config
            .start
            .checked_add(jiff::Span::new().days(i64::from(config.days) - 1))
            .map_err(|e| SimError::config("days", config.days, e.to_string()))?;
        for (name, date) in [("start", config.start), ("days", end)] {
            calendar::check_covered(date).map_err(|e| {
                SimError::config(
                    name,
                    if name == "start" {
                        date.to_string()
                    } else {
                        config.days.to_string()
                    },
                    format!("the simulated range must stay within the model calendar: {e}"),
                )
            })?;
        }
        let days = calendar::trading_days(config.start, end)
            .map_err(|e| SimError::calendar("trading days of the simulated range", e))?;
        let mut sim = Self {
            market: Market::new(&config),
            flow: Flow::new(Rng::stream(config.seed, 3)),
            cfg: config,
            days,
            next_day: 0,
            day: None,
            out: Out::default(),
            ready: VecDeque::new(),
            trade_seq: 0,
            error: None,
        };
        if !sim.days.is_empty() {
            sim.start_day()?;
        }
        Ok(sim)
    }

    /// The settings.
    pub fn config(&self) -> &SimConfig {
        &self.cfg
    }

    /// The trading days the run covers, in order.
    pub fn trading_days(&self) -> &[Date] {
        &self.days
    }

    /// The trade date being simulated (`None` between days and after the last one).
    pub fn current_date(&self) -> Option<Date> {
        self.day.as_ref().map(|d| d.plan.date)
    }

    /// The error that stopped the run early, if any.
    pub fn error(&self) -> Option<&SimError> {
        self.error.as_ref()
    }

    /// The latent SPX level now (index points).
    pub fn spx(&self) -> f64 {
        self.market.spx()
    }

    /// Every listed option contract of `date` (all products and expiries), in listing order:
    /// available once the day has started, i.e. for the first day right after [`Simulator::new`]
    /// and for later days once their first event (a definition) has been produced.
    pub fn contracts(&self, date: Date) -> Result<Vec<OptionContract>, SimError> {
        match &self.day {
            Some(day) if day.plan.date == date => {
                Ok(day.chains.iter().flat_map(|c| c.contracts()).collect())
            }
            other => Err(SimError::DateNotSimulated {
                date: date.to_string(),
                current: other
                    .as_ref()
                    .map_or_else(|| "none".to_owned(), |d| d.plan.date.to_string()),
            }),
        }
    }

    /// The contracts of `root` (`SPXW`, `SPY`, or any ES option root for the whole ES option
    /// chain) on the current day whose strikes lie within `strikes_each_side` strikes of the
    /// current underlying level (SPX, SPY, or the ES front month), every listed expiry, calls and
    /// puts: the window a consumer subscribes to watch the money.
    pub fn atm_window(&self, root: OptionRoot, strikes_each_side: u32) -> Vec<OptionContract> {
        let Some(day) = &self.day else {
            return Vec::new();
        };
        let (spot, step) = if root == OptionRoot::SPY {
            (self.market.spy_price(), 1.0)
        } else if root.is_futures_option() {
            let t = UnixNanos(day.plan.t_start.0 + day.step as u64 * NS);
            (self.market.es_price(&day.plan, &self.cfg, t), 5.0)
        } else {
            (self.market.spx(), 5.0)
        };
        let reach = (f64::from(strikes_each_side) + 0.5) * step;
        day.chains
            .iter()
            .filter(|c| c.product.has_root(root))
            .flat_map(|c| c.contracts())
            .filter(|c| (c.strike.to_f64() - spot).abs() <= reach)
            .collect()
    }

    /// Prepares the next trading day: overnight gap, timetable, chains, morning events.
    fn start_day(&mut self) -> Result<(), SimError> {
        let Some(&date) = self.days.get(self.next_day) else {
            return Ok(());
        };
        let cfg = &self.cfg;
        if self.next_day > 0 {
            self.market.overnight(cfg.globex_overnight);
        }
        let plan = DayPlan::new(date, cfg.globex_overnight)?;
        let mut chains = Vec::new();
        let mut id_base = 1_000u32;
        if cfg.products.es {
            // Defined before its first quote (the Globex open with the overnight session).
            let t_defs = plan.t_defs.min(plan.t_start);
            let recv = after(t_defs, 2_000_000);
            self.out.push(Definition {
                ts_event: t_defs,
                ts_recv: recv,
                instrument: Instrument::Future(plan.es),
                vendor_id: id_base,
                multiplier: Some(50),
                tick_size: Some(QUARTER),
                expiration: Some(plan.es_expiry),
            });
        }
        let day_salt = u64::from(date.year().unsigned_abs()) * 10_000
            + u64::from(date.month().unsigned_abs()) * 100
            + u64::from(date.day().unsigned_abs());
        for (k, (on, product)) in [
            (cfg.products.spxw_options, SimProduct::Spxw),
            (cfg.products.spy_options, SimProduct::Spy),
            (cfg.products.es_options, SimProduct::Es),
        ]
        .into_iter()
        .enumerate()
        {
            if !on {
                continue;
            }
            let spot = match product {
                SimProduct::Spxw => self.market.spx(),
                SimProduct::Spy => self.market.spy_price(),
                // Strikes centre on the ES front month.
                SimProduct::Es => self.market.es_price(&plan, cfg, plan.t_defs),
            };
            let rng = Rng::stream(cfg.seed ^ day_salt.wrapping_mul(0x9E37), 10 + k as u64);
            let mut chain = Chain::new(product, &plan, cfg, spot, rng)?;
            chain.morning(&plan, cfg, spot, id_base + 1, &mut self.out);
            id_base += chain.lines.len() as u32 + 1;
            chains.push(chain);
        }
        self.next_day += 1;
        self.day = Some(Day {
            plan,
            chains,
            step: 0,
        });
        Ok(())
    }

    /// Generates one second of the current day.
    fn run_step(&mut self) -> Result<(), SimError> {
        let Some(day) = self.day.as_mut() else {
            return Ok(());
        };
        let cfg = &self.cfg;
        let plan = &day.plan;
        let i = day.step;
        let t = UnixNanos(plan.t_start.0 + i as u64 * NS);
        self.market.step(plan, i, t);
        self.flow.step_regime();
        let cash = t >= plan.t_open && t < plan.t_close;
        let activity = plan.activity(t);
        if cfg.products.spx_index && cash {
            self.market.emit_index(t, &mut self.out)?;
        }
        if cfg.products.es {
            self.market.emit_es(plan, cfg, t, activity, &mut self.out)?;
        }
        if cfg.products.spy && cash {
            self.market.emit_spy(cfg, t, activity, &mut self.out)?;
        }
        let variance = (
            self.market.variance(),
            self.market.long_run_variance(),
            self.market.kappa(),
        );
        let mut hedge = 0.0;
        for chain in &mut day.chains {
            if !chain.is_open(plan, cfg, t) {
                continue;
            }
            let spot = match chain.product {
                SimProduct::Spxw => self.market.spx(),
                SimProduct::Spy => self.market.spy_price(),
                SimProduct::Es => self.market.es_implied_spot(plan, cfg, t),
            };
            chain.maybe_reprice(
                plan,
                cfg,
                i,
                t,
                self.market.ln_s,
                spot,
                variance,
                &mut self.out,
            )?;
            let ctx = StepCtx {
                plan,
                t,
                activity,
                scale: cfg.activity,
                spot,
            };
            hedge += self.flow.trades(chain, &ctx, &mut self.out)?;
        }
        self.market.hedge_dollars += hedge;
        day.step += 1;
        Ok(())
    }

    /// Moves every buffered event received before `boundary` (all of them if `None`) to the
    /// output queue, in `(ts_recv, generation)` order.
    fn release(&mut self, boundary: Option<u64>) {
        let buf = &mut self.out.buf;
        buf.sort_unstable_by_key(|k| (k.ts_recv, k.seq));
        let n = boundary.map_or(buf.len(), |b| buf.partition_point(|k| k.ts_recv < b));
        self.ready.extend(buf.drain(..n).map(|k| k.event));
    }

    /// Produces more events; `false` when the run is over.
    fn advance(&mut self) -> bool {
        if self.error.is_some() {
            return false;
        }
        let result = match &self.day {
            Some(day) if day.step < day.plan.seconds() => {
                let boundary = day.plan.t_start.0 + (day.step as u64 + 1) * NS;
                self.run_step().map(|()| self.release(Some(boundary)))
            }
            Some(_) => {
                self.release(None);
                self.day = None;
                Ok(())
            }
            None if self.next_day < self.days.len() => self.start_day(),
            None => return false,
        };
        if let Err(e) = result {
            self.error = Some(e);
            self.day = None;
            self.out.buf.clear();
        }
        true
    }
}

impl Iterator for Simulator {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(mut event) = self.ready.pop_front() {
                if let Event::Trade(trade) = &mut event {
                    self.trade_seq += 1;
                    trade.sequence = self.trade_seq;
                }
                return Some(event);
            }
            if !self.advance() {
                return None;
            }
        }
    }
}
