//! The streaming validator: one trade date of state at a time.

use std::collections::{BTreeSet, VecDeque};

use gammaflow_model::calendar::{self, DayKind};
use gammaflow_model::session::{self, SessionKind, to_new_york};
use gammaflow_model::{Price, UnixNanos};
use jiff::civil::Date;

use super::report::{Check, Finding, RecordRef, ValidationReport};
use crate::loaders::{DayRule, EsBar, FileStats};

/// Nanoseconds per minute.
const MINUTE_NS: u64 = 60_000_000_000;

/// What the validator needs of a one-minute observation.
pub trait Observation {
    /// Its trade date (America/New_York).
    fn trade_date(&self) -> Date;
    /// Start of its minute (UTC ns).
    fn ts(&self) -> UnixNanos;
    /// Open, high, low, close (index points).
    fn ohlc(&self) -> [Price; 4];
    /// The file it came from.
    fn source(&self) -> &str;
    /// Its record index or line in that file.
    fn record(&self) -> u64;
}

impl Observation for EsBar {
    fn trade_date(&self) -> Date {
        self.trade_date
    }
    fn ts(&self) -> UnixNanos {
        self.ts
    }
    fn ohlc(&self) -> [Price; 4] {
        [self.open, self.high, self.low, self.close]
    }
    fn source(&self) -> &str {
        &self.source
    }
    fn record(&self) -> u64 {
        self.record
    }
}

/// Thresholds of the checks (see the [module documentation](super)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValidationConfig {
    /// The trade-date rule the bars were loaded with (decides the expected minutes).
    pub day_rule: DayRule,
    /// Returns in the rolling outlier window.
    pub window: usize,
    /// Returns needed in the window before the MAD test applies.
    pub min_returns: usize,
    /// MAD multiple (of 1.4826 × MAD) beyond which a return is an outlier.
    pub k: f64,
    /// Smallest |log return| the MAD test may flag.
    pub min_jump: f64,
    /// |log return| flagged whatever the window says.
    pub max_jump: f64,
    /// Consecutive equal cash-session closes that make a stale run.
    pub stale_minutes: u32,
    /// Lowest acceptable ES − SPX, points.
    pub basis_min: Price,
    /// Highest acceptable ES − SPX, points.
    pub basis_max: Price,
    /// Oldest SPX value used for the basis, ns before the minute's end.
    pub spx_max_age_ns: u64,
}

impl Default for ValidationConfig {
    fn default() -> Self {
        Self {
            day_rule: DayRule::default(),
            window: 30,
            min_returns: 10,
            k: 12.0,
            min_jump: 0.004,
            max_jump: 0.02,
            stale_minutes: 10,
            basis_min: Price::from_raw(-100 * Price::SCALE),
            basis_max: Price::from_raw(200 * Price::SCALE),
            spx_max_age_ns: 60_000_000_000,
        }
    }
}

/// A run of consecutive minutes under one condition.
#[derive(Debug, Clone)]
struct Run {
    first: UnixNanos,
    last: UnixNanos,
    count: u32,
    close: Price,
    source: String,
    record: u64,
    extreme: Price,
}

/// State of the trade date being validated.
#[derive(Debug)]
struct Day {
    date: Date,
    source: String,
    seen: BTreeSet<u64>,
    last_ts: Option<u64>,
    prev_close: Option<Price>,
    returns: VecDeque<f64>,
    /// The session part of the last return: 0 before the cash open, 1 in it, 2 after.
    part: u8,
    cash: Option<(UnixNanos, UnixNanos)>,
    stale: Option<Run>,
    basis: Option<Run>,
}

/// Validates a stream of observations, trade date by trade date; see the
/// [module documentation](super).
#[derive(Debug)]
pub struct SeriesValidator {
    cfg: ValidationConfig,
    report: ValidationReport,
    day: Option<Day>,
    finished: BTreeSet<Date>,
    spx: Option<(UnixNanos, Price)>,
}

impl SeriesValidator {
    /// A validator with `cfg`.
    pub fn new(cfg: ValidationConfig) -> Self {
        Self {
            cfg,
            report: ValidationReport::default(),
            day: None,
            finished: BTreeSet::new(),
            spx: None,
        }
    }

    /// An SPX value at `ts` (UTC ns), for the basis check; give SPX values and bars in time order.
    pub fn push_spx(&mut self, ts: UnixNanos, value: Price) {
        self.spx = Some((ts, value));
    }

    /// Checks the names of the files read: a file named for a non-trading day is a `holiday`.
    pub fn check_files(&mut self, files: &[FileStats]) {
        for f in files {
            let Some(date) = f.name_date else { continue };
            let kind = match calendar::day_kind(date) {
                Ok(k) => k,
                Err(e) => {
                    self.finding(
                        date,
                        Check::Holiday,
                        &f.path,
                        RecordRef::None,
                        e.to_string(),
                    );
                    continue;
                }
            };
            let what = match kind {
                DayKind::Weekend => "a weekend".to_owned(),
                DayKind::Holiday(h) => format!("an NYSE holiday ({h})"),
                DayKind::FullDay | DayKind::EarlyClose => continue,
            };
            let detail = format!(
                "file named for {what}: {} records, {} bars kept",
                f.records, f.bars
            );
            self.finding(date, Check::Holiday, &f.path, RecordRef::None, detail);
        }
    }

    /// Checks one observation.
    pub fn push(&mut self, obs: &impl Observation) {
        let date = obs.trade_date();
        let rec = RecordRef::Index(obs.record());
        let src = obs.source().to_owned();
        let current = self.day.as_ref().map(|d| d.date);
        if current != Some(date) {
            if self.finished.contains(&date) || current.is_some_and(|c| date < c) {
                let detail = format!(
                    "trade date {date} comes after {} in the stream",
                    current.map_or_else(String::new, |c| c.to_string())
                );
                self.finding(date, Check::OutOfOrder, &src, rec, detail);
                return;
            }
            self.finish_day();
            self.start_day(date, &src);
        }
        let minute = obs.ts().0 / MINUTE_NS * MINUTE_NS;
        let Some(day) = self.day.as_mut() else { return };
        if !day.seen.insert(minute) {
            let detail = format!("minute {} seen twice", ny(UnixNanos(minute)));
            self.finding(date, Check::Duplicate, &src, rec, detail);
            return;
        }
        if let Some(last) = day.last_ts
            && minute < last
        {
            let detail = format!(
                "bar of {} after the bar of {}",
                ny(UnixNanos(minute)),
                ny(UnixNanos(last))
            );
            self.finding(date, Check::OutOfOrder, &src, rec, detail);
            return;
        }
        day.last_ts = Some(minute);
        let [open, high, low, close] = obs.ohlc();
        let zero = Price::ZERO;
        if high < low
            || !(low..=high).contains(&open)
            || !(low..=high).contains(&close)
            || low <= zero
        {
            let detail = format!("O {open} H {high} L {low} C {close}");
            self.finding(date, Check::InvalidBar, &src, rec, detail);
            return;
        }
        let ts = UnixNanos(minute);
        self.outlier(date, ts, close, &src, obs.record());
        self.stale(ts, close, &src, obs.record());
        self.basis(ts, close, &src, obs.record());
    }

    /// Ends the stream; returns the report.
    pub fn finish(mut self) -> ValidationReport {
        self.finish_day();
        self.report
    }

    fn finding(&mut self, date: Date, check: Check, src: &str, record: RecordRef, detail: String) {
        self.report.push(Finding {
            trade_date: date,
            check,
            source_file: src.to_owned(),
            record,
            detail,
        });
    }

    fn start_day(&mut self, date: Date, src: &str) {
        match calendar::day_kind(date) {
            Ok(DayKind::EarlyClose) => {
                let detail = "NYSE early close (13:00 ET)".to_owned();
                self.finding(date, Check::EarlyClose, src, RecordRef::None, detail);
            }
            Ok(DayKind::FullDay) => {}
            Ok(kind) => {
                let detail = format!("bars dated to a non-trading day ({kind:?})");
                self.finding(date, Check::Holiday, src, RecordRef::None, detail);
            }
            Err(e) => self.finding(date, Check::Holiday, src, RecordRef::None, e.to_string()),
        }
        let cash = session::session(SessionKind::Cash, date)
            .ok()
            .flatten()
            .map(|s| (s.open, s.close));
        self.day = Some(Day {
            date,
            source: src.to_owned(),
            seen: BTreeSet::new(),
            last_ts: None,
            prev_close: None,
            returns: VecDeque::new(),
            part: 0,
            cash,
            stale: None,
            basis: None,
        });
    }

    fn finish_day(&mut self) {
        let Some(mut day) = self.day.take() else {
            return;
        };
        if let Some(run) = day.stale.take() {
            self.close_stale(day.date, run);
        }
        if let Some(run) = day.basis.take() {
            self.close_basis(day.date, run);
        }
        match expected_minutes(self.cfg.day_rule, day.date) {
            Ok(intervals) => {
                for (from, to) in intervals {
                    let mut m = from.0;
                    let mut run: Option<(u64, u64)> = None;
                    while m < to.0 {
                        if day.seen.contains(&m) {
                            if let Some((a, b)) = run.take() {
                                self.missing(&day, a, b);
                            }
                        } else {
                            run = Some(run.map_or((m, m), |(a, _)| (a, m)));
                        }
                        m += MINUTE_NS;
                    }
                    if let Some((a, b)) = run {
                        self.missing(&day, a, b);
                    }
                }
            }
            Err(e) => {
                let src = day.source.clone();
                self.finding(
                    day.date,
                    Check::MissingMinutes,
                    &src,
                    RecordRef::None,
                    e.to_string(),
                );
            }
        }
        self.finished.insert(day.date);
    }

    fn missing(&mut self, day: &Day, first: u64, last: u64) {
        let n = (last - first) / MINUTE_NS + 1;
        let detail = format!(
            "{n} minute{} missing: {} to {} ET",
            if n == 1 { "" } else { "s" },
            ny(UnixNanos(first)),
            ny(UnixNanos(last))
        );
        let src = day.source.clone();
        self.finding(
            day.date,
            Check::MissingMinutes,
            &src,
            RecordRef::Ts(UnixNanos(first)),
            detail,
        );
    }

    fn outlier(&mut self, date: Date, ts: UnixNanos, close: Price, src: &str, record: u64) {
        let cfg = self.cfg;
        let Some(day) = self.day.as_mut() else { return };
        let prev = day.prev_close.replace(close);
        let Some(prev) = prev else { return };
        let r = (close.to_f64() / prev.to_f64()).ln();
        if !r.is_finite() {
            return;
        }
        // Globex night and cash session differ several times in variance: the robust window
        // starts again at the cash open and at the close.
        let part = match day.cash {
            Some((open, _)) if ts < open => 0,
            Some((_, close)) if ts < close => 1,
            Some(_) => 2,
            None => 0,
        };
        if part != day.part {
            day.part = part;
            day.returns.clear();
        }
        let mut reason = None;
        if r.abs() >= cfg.max_jump {
            reason = Some(format!(
                "beyond the fixed limit {:.2} %",
                cfg.max_jump * 100.0
            ));
        } else if day.returns.len() >= cfg.min_returns && r.abs() >= cfg.min_jump {
            let mut v: Vec<f64> = day.returns.iter().copied().collect();
            let med = median(&mut v);
            let mut dev: Vec<f64> = v.iter().map(|x| (x - med).abs()).collect();
            let sigma = 1.4826 * median(&mut dev);
            if (r - med).abs() > cfg.k * sigma {
                reason = Some(format!(
                    "beyond {} x robust sigma {:.6} of the last {} returns",
                    cfg.k,
                    sigma,
                    v.len()
                ));
            }
        }
        match reason {
            Some(why) => {
                let detail = format!(
                    "close {close} after {prev} at {} ET: log return {:.6} {why}",
                    ny(ts),
                    r
                );
                self.finding(date, Check::Outlier, src, RecordRef::Index(record), detail);
            }
            None => {
                day.returns.push_back(r);
                while day.returns.len() > cfg.window {
                    day.returns.pop_front();
                }
            }
        }
    }

    fn stale(&mut self, ts: UnixNanos, close: Price, src: &str, record: u64) {
        let Some(day) = self.day.as_mut() else { return };
        let date = day.date;
        let in_cash = day.cash.is_some_and(|(a, b)| a <= ts && ts < b);
        let continues = in_cash
            && day
                .stale
                .as_ref()
                .is_some_and(|r| r.close == close && ts.0 == r.last.0 + MINUTE_NS);
        if continues {
            if let Some(r) = day.stale.as_mut() {
                r.last = ts;
                r.count += 1;
            }
            return;
        }
        let ended = day.stale.take();
        if in_cash {
            day.stale = Some(run(ts, close, src, record));
        }
        if let Some(r) = ended {
            self.close_stale(date, r);
        }
    }

    fn close_stale(&mut self, date: Date, r: Run) {
        if r.count >= self.cfg.stale_minutes {
            let detail = format!(
                "close {} unchanged for {} minutes: {} to {} ET",
                r.close,
                r.count,
                ny(r.first),
                ny(r.last)
            );
            self.finding(
                date,
                Check::Stale,
                &r.source,
                RecordRef::Index(r.record),
                detail,
            );
        }
    }

    fn basis(&mut self, ts: UnixNanos, close: Price, src: &str, record: u64) {
        let cfg = self.cfg;
        let end = ts.0 + MINUTE_NS;
        let basis = self
            .spx
            .filter(|(t, _)| t.0 < end && end - t.0 <= cfg.spx_max_age_ns)
            .and_then(|(_, spx)| close.checked_sub(spx));
        let Some(day) = self.day.as_mut() else { return };
        let date = day.date;
        let out = basis.filter(|b| *b < cfg.basis_min || *b > cfg.basis_max);
        if let Some(b) = out {
            match day.basis.as_mut() {
                Some(r) => {
                    r.last = ts;
                    r.count += 1;
                    if b.raw().abs() > r.extreme.raw().abs() {
                        r.extreme = b;
                    }
                }
                None => {
                    let mut r = run(ts, close, src, record);
                    r.extreme = b;
                    day.basis = Some(r);
                }
            }
            return;
        }
        if let Some(r) = day.basis.take() {
            self.close_basis(date, r);
        }
    }

    fn close_basis(&mut self, date: Date, r: Run) {
        let detail = format!(
            "ES - SPX outside [{}, {}] for {} minutes: {} to {} ET, extreme {}",
            self.cfg.basis_min,
            self.cfg.basis_max,
            r.count,
            ny(r.first),
            ny(r.last),
            r.extreme
        );
        self.finding(
            date,
            Check::BasisOutOfBounds,
            &r.source,
            RecordRef::Index(r.record),
            detail,
        );
    }
}

fn run(ts: UnixNanos, close: Price, src: &str, record: u64) -> Run {
    Run {
        first: ts,
        last: ts,
        count: 1,
        close,
        source: src.to_owned(),
        record,
        extreme: Price::ZERO,
    }
}

/// The median of `v` (reordered); 0 for an empty slice.
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => v[n / 2],
        _ => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// `YYYY-MM-DD HH:MM` on the New York clock (the UTC instant if the conversion fails).
fn ny(t: UnixNanos) -> String {
    match to_new_york(t) {
        Ok(z) => z.strftime("%Y-%m-%d %H:%M").to_string(),
        Err(_) => t.to_string(),
    }
}

/// The minutes of trade date `date` under `rule` that lie inside a Globex session, as
/// half-open intervals `[from, to)` of whole minutes.
pub(crate) fn expected_minutes(
    rule: DayRule,
    date: Date,
) -> Result<Vec<(UnixNanos, UnixNanos)>, gammaflow_model::ModelError> {
    let (from, to) = rule.day_interval(date)?;
    let days = [
        calendar::previous_trading_day(date)?,
        date,
        calendar::next_trading_day(date)?,
    ];
    let mut out = Vec::new();
    for d in days {
        let Some(g) = session::session(SessionKind::EsGlobex, d)? else {
            continue;
        };
        let a = from.max(g.open);
        let b = to.min(g.close);
        if a < b {
            out.push((a, b));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gammaflow_model::session::from_new_york;
    use jiff::civil::{date, time};

    #[test]
    fn expected_minutes_per_rule() {
        let d = date(2024, 7, 1);
        let count = |rule| -> u64 {
            expected_minutes(rule, d)
                .unwrap()
                .iter()
                .map(|(a, b)| (b.0 - a.0) / MINUTE_NS)
                .sum()
        };
        // Sunday 20:15 → Monday 16:00.
        assert_eq!(count(DayRule::Dashboard), 19 * 60 + 45);
        // Sunday 20:15 → Monday 17:00, then 18:00 → 20:15.
        assert_eq!(count(DayRule::Attributed), 20 * 60 + 45 + 135);
        assert_eq!(count(DayRule::Globex), 23 * 60);
        // Early close: Globex ends 13:15 ET, the dashboard window at 13:00.
        let early = date(2024, 11, 29);
        let g = expected_minutes(DayRule::Globex, early).unwrap();
        assert_eq!(
            g.last().unwrap().1,
            from_new_york(early, time(13, 15, 0, 0)).unwrap()
        );
        assert_eq!(median(&mut [3.0, 1.0, 2.0, 10.0]), 2.5);
    }
}
