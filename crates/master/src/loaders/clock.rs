//! Trade-date assignment of instants ([`DayRule`]), cached per interval so that a stream of
//! records costs one calendar lookup per trade date, not one per record.

use gammaflow_model::calendar;
use gammaflow_model::session::{
    self, Session, SessionKind, attributed_trade_date, to_new_york, trade_date_of,
    trade_date_window,
};
use gammaflow_model::{ModelError, UnixNanos};
use jiff::civil::Date;

/// Nanoseconds per minute.
pub(crate) const MINUTE_NS: u64 = 60_000_000_000;

/// How an instant is given a trade date; see the [module documentation](super) of `loaders`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DayRule {
    /// The dashboard window `[20:15 ET on D − 1, cash close of D)`; outside it, no date.
    #[default]
    Dashboard,
    /// The dashboard window extended to the next window's open (`attributed_trade_date`).
    Attributed,
    /// The CME Globex session `[18:00 ET on D − 1, 17:00 ET on D)` (13:15 ET on early closes).
    Globex,
}

impl DayRule {
    /// The stable name: `dashboard`, `attributed` or `globex`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Dashboard => "dashboard",
            Self::Attributed => "attributed",
            Self::Globex => "globex",
        }
    }

    /// The trade date of `t` (UTC ns) under this rule, `None` outside every day of the rule.
    pub fn trade_date(self, t: UnixNanos) -> Result<Option<Date>, ModelError> {
        Ok(self.interval(t)?.2)
    }

    /// The instants `[from, to)` that belong to trade date `date` under this rule (`date` must be
    /// a trading day).
    pub fn day_interval(self, date: Date) -> Result<(UnixNanos, UnixNanos), ModelError> {
        match self {
            Self::Dashboard => {
                let w = trade_date_window(date)?;
                Ok((w.open, w.close))
            }
            Self::Attributed => {
                let w = trade_date_window(date)?;
                let next = trade_date_window(calendar::next_trading_day(date)?)?;
                Ok((w.open, next.open))
            }
            Self::Globex => {
                let g = globex(date)?;
                Ok((g.open, g.close))
            }
        }
    }

    /// `(from, to, date)`: an interval around `t` on which the answer is constant.
    fn interval(self, t: UnixNanos) -> Result<(UnixNanos, UnixNanos, Option<Date>), ModelError> {
        let minute = UnixNanos(t.0 / MINUTE_NS * MINUTE_NS);
        let one_minute = (minute, UnixNanos(minute.0.saturating_add(MINUTE_NS)));
        let date = match self {
            Self::Dashboard => trade_date_of(t)?,
            Self::Attributed => Some(attributed_trade_date(t)?),
            Self::Globex => {
                let day = to_new_york(t)?.date();
                let mut found = None;
                for candidate in [day, calendar::next_trading_day(day)?] {
                    if let Some(s) = session::session(SessionKind::EsGlobex, candidate)?
                        && s.contains(t)
                    {
                        found = Some(candidate);
                        break;
                    }
                }
                found
            }
        };
        match date {
            Some(d) => {
                let (from, to) = self.day_interval(d)?;
                Ok((from, to, Some(d)))
            }
            None => Ok((one_minute.0, one_minute.1, None)),
        }
    }
}

/// The Globex session of trading day `date`.
pub(crate) fn globex(date: Date) -> Result<Session, ModelError> {
    calendar::require_trading_day(date)?;
    session::session(SessionKind::EsGlobex, date)?.ok_or_else(|| ModelError::NotATradingDay {
        date: date.to_string(),
        reason: "no Globex session".to_owned(),
    })
}

/// A [`DayRule`] with the last interval looked up.
#[derive(Debug, Clone)]
pub(crate) struct DayClock {
    rule: DayRule,
    cached: Option<(UnixNanos, UnixNanos, Option<Date>)>,
}

impl DayClock {
    /// A clock for `rule`.
    pub(crate) fn new(rule: DayRule) -> Self {
        Self { rule, cached: None }
    }

    /// The trade date of `t` (cached).
    pub(crate) fn trade_date(&mut self, t: UnixNanos) -> Result<Option<Date>, ModelError> {
        if let Some((from, to, date)) = self.cached
            && from <= t
            && t < to
        {
            return Ok(date);
        }
        let found = self.rule.interval(t)?;
        self.cached = Some(found);
        Ok(found.2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gammaflow_model::session::from_new_york;
    use jiff::civil::{date, time};

    fn ny(d: Date, h: i8, m: i8) -> UnixNanos {
        from_new_york(d, time(h, m, 0, 0)).unwrap()
    }

    #[test]
    fn rules_differ_in_the_evening() {
        let mon = date(2024, 7, 1);
        let tue = date(2024, 7, 2);
        let evening = ny(mon, 19, 40);
        assert_eq!(DayRule::Dashboard.trade_date(evening).unwrap(), None);
        assert_eq!(DayRule::Attributed.trade_date(evening).unwrap(), Some(mon));
        assert_eq!(DayRule::Globex.trade_date(evening).unwrap(), Some(tue));
        let break_time = ny(mon, 17, 30);
        assert_eq!(DayRule::Globex.trade_date(break_time).unwrap(), None);
        let night = ny(mon, 21, 0);
        for rule in [DayRule::Dashboard, DayRule::Attributed, DayRule::Globex] {
            assert_eq!(rule.trade_date(night).unwrap(), Some(tue), "{rule:?}");
        }
        // Friday evening belongs to Friday (attributed) or to Monday (Globex, Sunday 18:00 on).
        let fri = date(2024, 7, 5);
        assert_eq!(
            DayRule::Attributed
                .trade_date(ny(date(2024, 7, 7), 19, 0))
                .unwrap(),
            Some(fri)
        );
        assert_eq!(
            DayRule::Globex
                .trade_date(ny(date(2024, 7, 7), 19, 0))
                .unwrap(),
            Some(date(2024, 7, 8))
        );
    }

    #[test]
    fn clock_caches_and_agrees_with_the_rule() {
        let d = date(2025, 6, 10);
        for rule in [DayRule::Dashboard, DayRule::Attributed, DayRule::Globex] {
            let mut clock = DayClock::new(rule);
            let mut t = ny(date(2025, 6, 9), 15, 0);
            let end = ny(d, 21, 0);
            while t < end {
                assert_eq!(clock.trade_date(t).unwrap(), rule.trade_date(t).unwrap());
                t = UnixNanos(t.0 + 7 * MINUTE_NS);
            }
        }
        let (from, to) = DayRule::Globex.day_interval(d).unwrap();
        assert_eq!((from, to), (ny(date(2025, 6, 9), 18, 0), ny(d, 17, 0)));
    }
}
