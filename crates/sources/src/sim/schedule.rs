//! One simulated day's timetable: session instants from the model calendar, the ES front month,
//! the scheduled releases (08:30, 10:00 and FOMC 14:00 ET) and the intraday shapes of activity and
//! variance.

use gammaflow_model::UnixNanos;
use gammaflow_model::calendar;
use gammaflow_model::event::FutureSymbol;
use gammaflow_model::futures::{self, FuturesRoot, RollRule};
use gammaflow_model::session::{self, SessionKind};
use jiff::civil::{Date, Time, Weekday};

use super::SimError;

/// Nanoseconds per second.
pub(crate) const NS: u64 = 1_000_000_000;
/// Trading days per year: one day's variance is `v / 252` (annualised variance `v`).
pub(crate) const TRADING_DAYS: f64 = 252.0;
/// Share of a day's variance in the overnight gap before 08:00 ET (applied at once).
pub(crate) const OVERNIGHT_VAR_SHARE: f64 = 0.2;

/// FOMC statement days (14:00 ET), second day of each scheduled meeting, 2023–2026. Source: the
/// Federal Reserve's FOMC meeting calendars,
/// <https://www.federalreserve.gov/monetarypolicy/fomccalendars.htm> (2026 as published in 2025).
/// Days outside this table get no FOMC jump.
pub const FOMC_DAYS: [Date; 32] = [
    Date::constant(2023, 2, 1),
    Date::constant(2023, 3, 22),
    Date::constant(2023, 5, 3),
    Date::constant(2023, 6, 14),
    Date::constant(2023, 7, 26),
    Date::constant(2023, 9, 20),
    Date::constant(2023, 11, 1),
    Date::constant(2023, 12, 13),
    Date::constant(2024, 1, 31),
    Date::constant(2024, 3, 20),
    Date::constant(2024, 5, 1),
    Date::constant(2024, 6, 12),
    Date::constant(2024, 7, 31),
    Date::constant(2024, 9, 18),
    Date::constant(2024, 11, 7),
    Date::constant(2024, 12, 18),
    Date::constant(2025, 1, 29),
    Date::constant(2025, 3, 19),
    Date::constant(2025, 5, 7),
    Date::constant(2025, 6, 18),
    Date::constant(2025, 7, 30),
    Date::constant(2025, 9, 17),
    Date::constant(2025, 10, 29),
    Date::constant(2025, 12, 10),
    Date::constant(2026, 1, 28),
    Date::constant(2026, 3, 18),
    Date::constant(2026, 4, 29),
    Date::constant(2026, 6, 17),
    Date::constant(2026, 7, 29),
    Date::constant(2026, 9, 16),
    Date::constant(2026, 10, 28),
    Date::constant(2026, 12, 9),
];

/// `true` if `date` is an FOMC statement day of [`FOMC_DAYS`].
pub fn is_fomc_day(date: Date) -> bool {
    FOMC_DAYS.contains(&date)
}

/// A scheduled release: a jump of SPX at `at` with the given standard deviation of log return.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Release {
    /// When the number comes out (ET wall clock converted to UTC).
    pub at: UnixNanos,
    /// Standard deviation of the jump in log return (0.003 = 0.3 %).
    pub jump_sd: f64,
}

/// The timetable of one trading day.
#[derive(Debug, Clone)]
pub(crate) struct DayPlan {
    /// The trade date.
    pub date: Date,
    /// The previous trading day (the `as_of` of the morning's open interest).
    pub prev_date: Date,
    /// 06:00 ET: option and futures definitions.
    pub t_defs: UnixNanos,
    /// 06:30 ET: previous-day open interest.
    pub t_oi: UnixNanos,
    /// The simulation clock starts: 08:00 ET, or the CME Globex open (18:00 ET the evening
    /// before) when [`SimConfig::globex_overnight`](super::SimConfig::globex_overnight) is set.
    pub t_start: UnixNanos,
    /// 08:00 ET: ES options and SPXW global-trading-hours prints start.
    pub t_morning: UnixNanos,
    /// 09:15 ET: end of SPXW global trading hours.
    pub t_gth_end: UnixNanos,
    /// 09:30 ET cash open.
    pub t_open: UnixNanos,
    /// Cash close (16:00 ET, 13:00 on early closes): SPX, SPY and expiring options stop.
    pub t_close: UnixNanos,
    /// 16:15 ET (13:15 on early closes): non-expiring options stop.
    pub t_options_end: UnixNanos,
    /// The day ends and ES stops: `t_options_end`, or the CME Globex close (17:00 ET, 13:15 on
    /// early closes) with `globex_overnight`.
    pub t_end: UnixNanos,
    /// Whether the day starts at the Globex open (the overnight seconds before `t_morning` then
    /// carry the overnight share of a day's variance, instead of a gap between days).
    pub overnight: bool,
    /// Scheduled releases in time order.
    pub releases: Vec<Release>,
    /// The ES front month on this date.
    pub es: FutureSymbol,
    /// Final settlement instant of the ES front month.
    pub es_expiry: UnixNanos,
    /// Cumulative variance time (years of trading variance) from `t_start` to the start of each
    /// second; `cum_var[i]` covers seconds `0..i`.
    pub cum_var: Vec<f64>,
    /// Normalisation of the activity shape (its mean over the cash session).
    act_norm: f64,
}

/// Converts a model error into a [`SimError::Calendar`] naming `what` and `date`.
fn cal<T>(
    result: Result<T, gammaflow_model::ModelError>,
    what: &str,
    date: Date,
) -> Result<T, SimError> {
    result.map_err(|e| SimError::calendar(format!("{what} for {date}"), e))
}

/// The instant of New York wall-clock `h:m` on `date`.
pub(crate) fn ny(date: Date, h: i8, m: i8) -> Result<UnixNanos, SimError> {
    cal(
        session::from_new_york(date, Time::constant(h, m, 0, 0)),
        "New York time",
        date,
    )
}

/// The intraday activity shape at fraction `tau` (0 = cash open, 1 = cash close) of the session,
/// before normalisation: a floor plus an opening burst and a closing ramp (the U-shape).
pub(crate) fn raw_activity(tau: f64) -> f64 {
    0.55 + 1.7 * (-tau / 0.05).exp() + 1.1 * (-(1.0 - tau) / 0.045).exp()
}

/// The intraday shape of instantaneous variance at `tau`, before normalisation: high at the open,
/// a softer rise into the close.
fn raw_variance(tau: f64) -> f64 {
    0.6 + 1.2 * (-tau / 0.06).exp() + 0.5 * (-(1.0 - tau) / 0.05).exp()
}

/// Variance of a second before the cash open or after the close, relative to an average
/// cash-session second.
const OFF_HOURS_VAR: f64 = 0.25;
/// Activity before the open or after the close, relative to an average cash-session second.
pub(crate) const OFF_HOURS_ACTIVITY: f64 = 0.15;

impl DayPlan {
    /// The timetable of trading day `date` (from 08:00 ET, or from the Globex open when
    /// `overnight`); errors if the model calendar cannot place it.
    pub(crate) fn new(date: Date, overnight: bool) -> Result<Self, SimError> {
        let prev_date = cal(
            calendar::previous_trading_day(date),
            "previous trading day",
            date,
        )?;
        let cash = cal(
            session::session(SessionKind::Cash, date),
            "cash session",
            date,
        )?
        .ok_or_else(|| {
            SimError::calendar(
                format!("cash session of {date}"),
                gammaflow_model::ModelError::NotATradingDay {
                    date: date.to_string(),
                    reason: "no cash session".to_owned(),
                },
            )
        })?;
        let early = cal(calendar::early_close(date), "early close", date)?.is_some();
        let t_options_end = if early {
            ny(date, 13, 15)?
        } else {
            ny(date, 16, 15)?
        };
        let t_morning = ny(date, 8, 0)?;
        let (t_start, t_end) = if overnight {
            let globex = cal(
                session::session(SessionKind::EsGlobex, date),
                "Globex session",
                date,
            )?
            .ok_or_else(|| {
                SimError::calendar(
                    format!("Globex session of {date}"),
                    gammaflow_model::ModelError::NotATradingDay {
                        date: date.to_string(),
                        reason: "no Globex session".to_owned(),
                    },
                )
            })?;
            (globex.open, globex.close)
        } else {
            (t_morning, t_options_end)
        };
        let front = cal(
            futures::front_month(FuturesRoot::ES, date, RollRule::default()),
            "ES front month",
            date,
        )?;
        let es = cal(
            FutureSymbol::new("ES", front.year as u16, front.month),
            "ES symbol",
            date,
        )?;
        let es_expiry = cal(front.expiry_instant(), "ES expiry", date)?;
        let mut releases = vec![
            Release {
                at: ny(date, 8, 30)?,
                jump_sd: morning_release_sd(date),
            },
            Release {
                at: ny(date, 10, 0)?,
                jump_sd: if is_first_business_day(date) {
                    0.0015
                } else {
                    0.0005
                },
            },
        ];
        if is_fomc_day(date) && !early {
            releases.push(Release {
                at: ny(date, 14, 0)?,
                jump_sd: 0.005,
            });
        }
        let mut plan = Self {
            date,
            prev_date,
            t_defs: ny(date, 6, 0)?,
            t_oi: ny(date, 6, 30)?,
            t_start,
            t_morning,
            t_gth_end: ny(date, 9, 15)?,
            t_open: cash.open,
            t_close: cash.close,
            t_options_end,
            t_end,
            overnight,
            releases,
            es,
            es_expiry,
            cum_var: Vec::new(),
            act_norm: 1.0,
        };
        plan.build_shapes();
        Ok(plan)
    }

    /// Fills `cum_var` and the activity normalisation.
    fn build_shapes(&mut self) {
        let n = self.seconds();
        let session_secs = (self.t_close.0 - self.t_open.0) / NS;
        let mut raw = Vec::with_capacity(n);
        let (mut cash_var, mut cash_act) = (0.0, 0.0);
        for i in 0..n {
            let t = UnixNanos(self.t_start.0 + i as u64 * NS);
            match self.tau(t) {
                Some(tau) => {
                    let v = raw_variance(tau);
                    cash_var += v;
                    cash_act += raw_activity(tau);
                    raw.push(v);
                }
                None => raw.push(f64::NAN),
            }
        }
        let mean_var = cash_var / session_secs.max(1) as f64;
        self.act_norm = cash_act / session_secs.max(1) as f64;
        // One cash session carries exactly one trading day of variance, 1/252 year.
        let unit = 1.0 / (cash_var * TRADING_DAYS);
        self.cum_var = Vec::with_capacity(n + 1);
        // With the overnight session, the seconds before 08:00 ET share the overnight part of a
        // day's variance (which is otherwise one gap between days, `Market::overnight`).
        let night_secs = if self.overnight {
            (self.t_morning.0 - self.t_start.0) / NS
        } else {
            0
        };
        let night_var = OVERNIGHT_VAR_SHARE * cash_var / night_secs.max(1) as f64;
        let mut acc = 0.0;
        self.cum_var.push(acc);
        for (i, v) in raw.into_iter().enumerate() {
            let v = if (i as u64) < night_secs {
                night_var
            } else if v.is_nan() {
                OFF_HOURS_VAR * mean_var
            } else {
                v
            };
            acc += v * unit;
            self.cum_var.push(acc);
        }
    }

    /// Number of one-second simulation steps, `t_start` to `t_end`.
    pub(crate) fn seconds(&self) -> usize {
        ((self.t_end.0 - self.t_start.0) / NS) as usize
    }

    /// Fraction of the cash session elapsed at `t`, `None` outside it.
    pub(crate) fn tau(&self, t: UnixNanos) -> Option<f64> {
        if t < self.t_open || t >= self.t_close {
            return None;
        }
        Some((t.0 - self.t_open.0) as f64 / (self.t_close.0 - self.t_open.0) as f64)
    }

    /// Relative trading activity at `t` (mean 1 over the cash session; [`OFF_HOURS_ACTIVITY`]
    /// outside it).
    pub(crate) fn activity(&self, t: UnixNanos) -> f64 {
        match self.tau(t) {
            Some(tau) => raw_activity(tau) / self.act_norm,
            None => OFF_HOURS_ACTIVITY,
        }
    }

    /// Variance time (years of trading variance) of step `i` (the second starting at
    /// `t_start + i s`).
    pub(crate) fn step_var(&self, i: usize) -> f64 {
        match (self.cum_var.get(i), self.cum_var.get(i + 1)) {
            (Some(a), Some(b)) => b - a,
            _ => 0.0,
        }
    }

    /// Variance time left from step `i` to the instant `until` (clamped to the day).
    pub(crate) fn var_until(&self, i: usize, until: UnixNanos) -> f64 {
        let end = (until.0.saturating_sub(self.t_start.0) / NS) as usize;
        let end = end.min(self.cum_var.len().saturating_sub(1));
        match (self.cum_var.get(i), self.cum_var.get(end)) {
            (Some(a), Some(b)) if b > a => b - a,
            _ => 0.0,
        }
    }

    /// Summed squared jump sizes of the releases strictly after `t` and at or before `until`.
    pub(crate) fn event_var(&self, t: UnixNanos, until: UnixNanos) -> f64 {
        self.releases
            .iter()
            .filter(|r| r.at > t && r.at <= until)
            .map(|r| r.jump_sd * r.jump_sd)
            .sum()
    }
}

/// Jump size of the 08:30 ET release: payrolls (first Friday), CPI (approximated as the second
/// Wednesday), weekly jobless claims (Thursday), minor data otherwise.
fn morning_release_sd(date: Date) -> f64 {
    let nth = (date.day() - 1) / 7 + 1;
    match (date.weekday(), nth) {
        (Weekday::Friday, 1) => 0.0035,
        (Weekday::Wednesday, 2) => 0.004,
        (Weekday::Thursday, _) => 0.0008,
        _ => 0.0004,
    }
}

/// `true` on the first trading day of the month (ISM manufacturing at 10:00 ET).
fn is_first_business_day(date: Date) -> bool {
    calendar::previous_trading_day(date).is_ok_and(|p| p.month() != date.month())
}
