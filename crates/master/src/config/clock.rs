//! Times of day as written in the configuration ("the config clock") and their New York instants.
//!
//! The rule (see the [module documentation](super)): a configured time is the configured zone's
//! wall clock **in a normal week**; it is moved to New York by the *standard* offset between the two
//! zones ([`ConfigZone::offset_secs`]: 6 h for Europe/Zurich, in winter and in summer alike), and
//! the New York wall clock is authoritative. So 15:30 Zurich means 09:30 New York every day of the
//! year, which shows as 14:30 Zurich in the weeks when the US has changed its clocks and Europe has
//! not (March) or Europe has changed back and the US has not (October/November).

use std::fmt;

use gammaflow_model::session::{CASH_CLOSE, from_new_york};
use gammaflow_model::{ModelError, UnixNanos, calendar};
use jiff::ToSpan;
use jiff::civil::{Date, Time};

/// Seconds in a day.
const DAY_SECS: i32 = 86_400;

/// The zone the configuration's times are written in (`timezone`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigZone {
    /// `Europe/Zurich` (the spec's): New York time = Zurich time − 6 h.
    Zurich,
    /// `America/New_York`: times are New York times as they are.
    NewYork,
}

impl ConfigZone {
    /// Parses an IANA zone name; only the two supported zones are accepted.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "Europe/Zurich" => Some(Self::Zurich),
            "America/New_York" => Some(Self::NewYork),
            _ => None,
        }
    }

    /// The IANA name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Zurich => "Europe/Zurich",
            Self::NewYork => "America/New_York",
        }
    }

    /// The standard offset of this zone ahead of New York, seconds: 21 600 (6 h) for Zurich (UTC+1
    /// vs UTC−5 in winter, UTC+2 vs UTC−4 in summer), 0 for New York. The offset differs by an hour
    /// only in the mismatch weeks, and is deliberately not followed there.
    pub const fn offset_secs(self) -> i32 {
        match self {
            Self::Zurich => 6 * 3600,
            Self::NewYork => 0,
        }
    }

    /// The New York civil date and time of configured time `t` on configured day `date`:
    /// `t − offset`, on the calendar day before when that crosses midnight (02:15 Zurich on `D` is
    /// 20:15 New York on `D − 1`).
    pub fn new_york(self, date: Date, t: ConfigTime) -> Result<(Date, Time), ModelError> {
        let mut secs = t.seconds() as i32 - self.offset_secs();
        let mut day = date;
        if secs < 0 {
            secs += DAY_SECS;
            day = date
                .checked_sub(1.day())
                .map_err(|e| ModelError::TimeConversion {
                    input: format!("{date} − 1 day"),
                    reason: e.to_string(),
                })?;
        }
        let time = Time::new(
            (secs / 3600) as i8,
            (secs / 60 % 60) as i8,
            (secs % 60) as i8,
            0,
        )
        .map_err(|e| ModelError::TimeConversion {
            input: format!("{t} {}", self.name()),
            reason: e.to_string(),
        })?;
        Ok((day, time))
    }

    /// The instant of configured time `t` on configured day `date`, by [`Self::new_york`] and
    /// [`from_new_york`]. No session rule is applied (see [`Self::session_instant`]).
    pub fn instant(self, date: Date, t: ConfigTime) -> Result<UnixNanos, ModelError> {
        let (day, time) = self.new_york(date, t)?;
        from_new_york(day, time)
    }

    /// [`Self::instant`] with the early-close rule: when the New York day is an NYSE early-close
    /// day (cash close 13:00 ET) and the New York time lies after that close but not after the
    /// regular close (16:00 ET), the instant is the early close. So a window ending at the close
    /// (22:00 Zurich) ends at 13:00 ET on the day after Thanksgiving, and the next trade date's
    /// overnight window starts there. Errors for days outside the calendar years.
    pub fn session_instant(self, date: Date, t: ConfigTime) -> Result<UnixNanos, ModelError> {
        let (day, mut time) = self.new_york(date, t)?;
        if let Some(close) = calendar::early_close(day)?
            && time > close
            && time <= CASH_CLOSE
        {
            time = close;
        }
        from_new_york(day, time)
    }
}

impl fmt::Display for ConfigZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A time of day on the configuration's clock, to the second (`00:00`–`23:59:59`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConfigTime {
    secs: u32,
}

impl ConfigTime {
    /// `hh:mm` (hours taken modulo 24, minutes modulo 60, so every call is a valid time).
    pub const fn hm(hours: u32, minutes: u32) -> Self {
        Self {
            secs: (hours % 24) * 3600 + (minutes % 60) * 60,
        }
    }

    /// Parses `HH:MM` or `HH:MM:SS` (one- or two-digit hours; `24:00` is not a time of day).
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("expected a time of day like \"15:30\", got {text:?}");
        let parts: Vec<&str> = text.trim().split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(bad());
        }
        let mut fields = [0u32; 3];
        for (i, p) in parts.iter().enumerate() {
            let digits = if i == 0 { 1..=2 } else { 2..=2 };
            if !digits.contains(&p.len()) || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            fields[i] = p.parse::<u32>().map_err(|_| bad())?;
        }
        let [h, m, s] = fields;
        if h >= 24 || m >= 60 || s >= 60 {
            return Err(bad());
        }
        Ok(Self {
            secs: h * 3600 + m * 60 + s,
        })
    }

    /// Seconds after midnight on the configuration's clock.
    pub const fn seconds(self) -> u32 {
        self.secs
    }
}

impl fmt::Display for ConfigTime {
    /// `HH:MM`, or `HH:MM:SS` when the seconds are not zero (the canonical spelling).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.secs / 3600, self.secs / 60 % 60, self.secs % 60);
        if s == 0 {
            write!(f, "{h:02}:{m:02}")
        } else {
            write!(f, "{h:02}:{m:02}:{s:02}")
        }
    }
}

/// A span of the configuration's clock, `start-end`. When `start >= end` it **wraps** past
/// midnight: the start lies on the previous trading day (`22:00-22:00` is 24 hours, from the
/// previous trading day's 22:00 to this day's 22:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeRange {
    /// First instant (on the previous trading day when the range wraps).
    pub start: ConfigTime,
    /// First instant after the range (inclusive end for the minute-labelled `previous_session`).
    pub end: ConfigTime,
}

impl TimeRange {
    /// Parses `HH:MM-HH:MM` (spaces around the dash allowed).
    pub fn parse(text: &str) -> Result<Self, String> {
        let Some((a, b)) = text.split_once('-') else {
            return Err(format!(
                "expected a range of times like \"09:30-15:30\", got {text:?}"
            ));
        };
        Ok(Self {
            start: ConfigTime::parse(a)?,
            end: ConfigTime::parse(b)?,
        })
    }

    /// Whether the range starts on the previous trading day (`start >= end`).
    pub fn wraps(self) -> bool {
        self.start >= self.end
    }

    /// `(start, end)` in seconds relative to the trade date's midnight on the configuration's clock
    /// (negative for a wrapping start): the order of ranges within a trade date.
    pub fn offsets(self) -> (i64, i64) {
        let start = i64::from(self.start.seconds());
        let start = if self.wraps() {
            start - i64::from(DAY_SECS)
        } else {
            start
        };
        (start, i64::from(self.end.seconds()))
    }

    /// Whether `inner` lies within this range (by [`Self::offsets`]).
    pub fn contains(self, inner: TimeRange) -> bool {
        let (s, e) = self.offsets();
        let (is, ie) = inner.offsets();
        s <= is && ie <= e
    }

    /// The half-open instants `[from, to)` of the range for trade date `date`, with
    /// [`ConfigZone::session_instant`]: the end on `date`, the start on `date` or, when the range
    /// wraps, on the previous NYSE trading day (so consecutive `22:00-22:00` windows tile time with
    /// no gap across weekends and holidays).
    pub fn bounds(
        self,
        zone: ConfigZone,
        date: Date,
    ) -> Result<(UnixNanos, UnixNanos), ModelError> {
        let start_day = if self.wraps() {
            calendar::previous_trading_day(date)?
        } else {
            date
        };
        Ok((
            zone.session_instant(start_day, self.start)?,
            zone.session_instant(date, self.end)?,
        ))
    }
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn t(text: &str) -> ConfigTime {
        ConfigTime::parse(text).unwrap()
    }

    #[test]
    fn parses_and_prints_times() {
        assert_eq!(t("02:15").seconds(), 8100);
        assert_eq!(t("2:15").to_string(), "02:15");
        assert_eq!(t("22:00:30").to_string(), "22:00:30");
        assert_eq!(t("22:00:00").to_string(), "22:00");
        for bad in [
            "24:00",
            "12:60",
            "12",
            "12:5",
            "a:00",
            "12:00:00:00",
            "",
            "-1:00",
        ] {
            assert!(ConfigTime::parse(bad).is_err(), "{bad}");
        }
        let r = TimeRange::parse("22:00 - 09:30").unwrap();
        assert!(r.wraps());
        assert_eq!(r.to_string(), "22:00-09:30");
        assert!(TimeRange::parse("22:00-22:00").unwrap().wraps());
        assert!(!TimeRange::parse("09:30-15:30").unwrap().wraps());
        assert!(TimeRange::parse("09:30").is_err());
    }

    #[test]
    fn zurich_to_new_york_by_the_standard_offset() {
        let z = ConfigZone::Zurich;
        let d = date(2026, 3, 10);
        assert_eq!(
            z.new_york(d, t("02:15")).unwrap(),
            (date(2026, 3, 9), time(20, 15, 0, 0))
        );
        assert_eq!(z.new_york(d, t("15:30")).unwrap(), (d, time(9, 30, 0, 0)));
        assert_eq!(z.new_york(d, t("22:00")).unwrap(), (d, time(16, 0, 0, 0)));
        assert_eq!(z.new_york(d, t("06:00")).unwrap(), (d, time(0, 0, 0, 0)));
        assert_eq!(
            ConfigZone::NewYork.new_york(d, t("09:30")).unwrap(),
            (d, time(9, 30, 0, 0))
        );
    }

    #[test]
    fn early_close_clamps_the_close() {
        let z = ConfigZone::Zurich;
        let d = date(2024, 11, 29); // day after Thanksgiving, 13:00 ET close
        let close = from_new_york(d, time(13, 0, 0, 0)).unwrap();
        assert_eq!(z.session_instant(d, t("22:00")).unwrap(), close);
        assert_eq!(z.session_instant(d, t("21:00")).unwrap(), close);
        assert_eq!(
            z.instant(d, t("22:00")).unwrap(),
            from_new_york(d, time(16, 0, 0, 0)).unwrap()
        );
        // Before the early close, and after the regular close: unchanged.
        assert_eq!(
            z.session_instant(d, t("15:30")).unwrap(),
            z.instant(d, t("15:30")).unwrap()
        );
        assert_eq!(
            z.session_instant(d, t("22:30")).unwrap(),
            z.instant(d, t("22:30")).unwrap()
        );
    }

    #[test]
    fn containment_by_offsets() {
        let full = TimeRange::parse("22:00-22:00").unwrap();
        for w in ["22:00-09:30", "09:30-15:30", "15:30-22:00", "22:00-22:00"] {
            assert!(full.contains(TimeRange::parse(w).unwrap()), "{w}");
        }
        let day = TimeRange::parse("02:15-22:00").unwrap();
        assert!(!day.contains(TimeRange::parse("22:00-09:30").unwrap()));
        assert!(day.contains(TimeRange::parse("09:30-15:30").unwrap()));
    }
}
