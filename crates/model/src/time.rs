//! Timestamps: nanoseconds since the Unix epoch (UTC), as Databento and OPRA deliver them.

use std::fmt;

use jiff::Timestamp;

use crate::ModelError;

/// A point in time as `u64` nanoseconds since 1970-01-01T00:00:00Z.
///
/// Every market event carries two: `ts_event` (when the exchange or matching engine stamped it) and
/// `ts_recv` (when gammaflow or the vendor's capture server received it). `u64` covers the years
/// 1970–2554. Arithmetic is explicit and checked; there is no implicit "now" anywhere in the library:
/// the caller's clock supplies times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UnixNanos(pub u64);

impl UnixNanos {
    /// Nanoseconds per second.
    pub const NANOS_PER_SECOND: u64 = 1_000_000_000;

    /// The raw nanosecond count.
    #[inline]
    pub const fn as_u64(self) -> u64 {
        self.0
    }

    /// Whole seconds since the epoch (rounded toward the past).
    #[inline]
    pub const fn as_secs(self) -> u64 {
        self.0 / Self::NANOS_PER_SECOND
    }

    /// From whole seconds since the epoch; `None` on overflow.
    #[inline]
    pub const fn from_secs(secs: u64) -> Option<Self> {
        match secs.checked_mul(Self::NANOS_PER_SECOND) {
            Some(n) => Some(Self(n)),
            None => None,
        }
    }

    /// This instant as a [`jiff::Timestamp`].
    pub fn to_timestamp(self) -> Result<Timestamp, ModelError> {
        let nanos = i128::from(self.0);
        Timestamp::from_nanosecond(nanos)
            .map_err(|e| ModelError::TimestampOutOfRange(format!("{} ns: {e}", self.0)))
    }

    /// From a [`jiff::Timestamp`]; errors for instants before 1970 or after 2554.
    pub fn from_timestamp(ts: Timestamp) -> Result<Self, ModelError> {
        let nanos = ts.as_nanosecond();
        u64::try_from(nanos).map(Self).map_err(|_| {
            ModelError::TimestampOutOfRange(format!("{ts} is before 1970 or after 2554"))
        })
    }

    /// Nanoseconds from `earlier` to `self`, negative if `earlier` is later.
    #[inline]
    pub fn signed_nanos_since(self, earlier: UnixNanos) -> i128 {
        i128::from(self.0) - i128::from(earlier.0)
    }

    /// `self + nanos`, `None` on overflow.
    #[inline]
    pub const fn checked_add_nanos(self, nanos: u64) -> Option<Self> {
        match self.0.checked_add(nanos) {
            Some(n) => Some(Self(n)),
            None => None,
        }
    }
}

impl fmt::Display for UnixNanos {
    /// RFC 3339 in UTC with nanoseconds, e.g. `2025-06-09T20:52:00.000000001Z`; the raw number if out
    /// of range.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_timestamp() {
            Ok(ts) => write!(f, "{ts}"),
            Err(_) => write!(f, "{}ns", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_jiff() {
        let t = UnixNanos(1_749_502_320_123_456_789);
        let ts = t.to_timestamp().unwrap();
        assert_eq!(ts.to_string(), "2025-06-09T20:52:00.123456789Z");
        assert_eq!(UnixNanos::from_timestamp(ts).unwrap(), t);
    }

    #[test]
    fn rejects_pre_epoch() {
        let ts: Timestamp = "1969-12-31T23:59:59Z".parse().unwrap();
        let err = UnixNanos::from_timestamp(ts).unwrap_err();
        assert!(err.to_string().contains("1969-12-31"));
    }
}
