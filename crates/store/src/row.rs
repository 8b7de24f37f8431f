//! The flow row: one enriched option print as the lake stores it, and its binary form in the
//! write-ahead log.

use gammaflow_engine::chain::EnrichedTrade;
use gammaflow_model::event::{Conditions, ExchangeId, Side};
use gammaflow_model::{OptionContract, OptionRight, OptionRoot, Price, Size, UnixNanos};
use jiff::civil::Date;

use crate::StoreError;

/// One option print with the engine's enrichment, exactly the columns of the lake (see the crate
/// docs for the Parquet types). `Copy`, no heap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlowRow {
    /// Exchange timestamp, ns since the Unix epoch (UTC). Decides the New York day partition.
    pub ts_event: UnixNanos,
    /// Capture timestamp, ns since the Unix epoch (UTC).
    pub ts_recv: UnixNanos,
    /// Underlying price the Greeks were computed at, underlying units (NaN = unknown, stored null).
    pub underlying_price: f64,
    /// The contract (root, expiry, right, strike).
    pub contract: OptionContract,
    /// Premium per unit, quote units (fixed point, scale 1e-9).
    pub price: Price,
    /// Contracts.
    pub size: Size,
    /// Vendor venue id.
    pub exchange: ExchangeId,
    /// Vendor condition codes, in order.
    pub conditions: Conditions,
    /// Inferred aggressor.
    pub aggressor: Side,
    /// Implied volatility at the print, annualised fraction (NaN = unknown, stored null).
    pub iv: f64,
    /// Delta at the print, per unit of underlying (NaN = unknown, stored null).
    pub delta: f64,
    /// Gamma at the print, per unit of underlying squared (NaN = unknown, stored null).
    pub gamma: f64,
    /// Signed `size × delta × multiplier`, underlying units (NaN = unknown, stored null).
    pub net_delta_impact: f64,
    /// Intermarket sweep.
    pub sweep: bool,
    /// Excluded from flow (cancelled, compression, ...).
    pub excluded: bool,
}

impl From<&EnrichedTrade> for FlowRow {
    fn from(t: &EnrichedTrade) -> Self {
        Self {
            ts_event: t.ts_event,
            ts_recv: t.ts_recv,
            underlying_price: t.underlying,
            contract: t.contract,
            price: t.price,
            size: t.size,
            exchange: t.exchange,
            conditions: t.conditions,
            aggressor: t.side,
            iv: t.iv,
            delta: t.delta,
            gamma: t.gamma,
            net_delta_impact: t.net_delta_impact,
            sweep: t.treatment.sweep,
            excluded: t.treatment.excluded,
        }
    }
}

/// A [`FlowRow`] with the sequence number the write-ahead log gave it (unique, increasing, ≥ 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoredRow {
    /// WAL sequence number.
    pub seq: u64,
    /// The row.
    pub row: FlowRow,
}

/// The epoch of Parquet's `DATE` (days since 1970-01-01).
const EPOCH: Date = Date::constant(1970, 1, 1);
/// Seconds per civil day.
const SECONDS_PER_DAY: i64 = 86_400;

/// Days since 1970-01-01 (Parquet `DATE`).
pub(crate) fn date_to_days(date: Date) -> i32 {
    (date.duration_since(EPOCH).as_secs() / SECONDS_PER_DAY) as i32
}

/// The date `days` after 1970-01-01; `None` outside jiff's range.
pub(crate) fn days_to_date(days: i32) -> Option<Date> {
    EPOCH
        .checked_add(jiff::SignedDuration::from_secs(
            i64::from(days) * SECONDS_PER_DAY,
        ))
        .ok()
}

/// `B`, `S` or `N`.
pub(crate) const fn side_code(side: Side) -> u8 {
    match side {
        Side::Buy => b'B',
        Side::Sell => b'S',
        Side::None => b'N',
    }
}

/// The inverse of [`side_code`].
pub(crate) const fn side_from_code(code: u8) -> Option<Side> {
    match code {
        b'B' => Some(Side::Buy),
        b'S' => Some(Side::Sell),
        b'N' => Some(Side::None),
        _ => None,
    }
}

impl FlowRow {
    /// The New York calendar date of `ts_event`: the lake's day partition.
    pub fn new_york_day(&self) -> Result<Date, StoreError> {
        gammaflow_model::session::to_new_york(self.ts_event)
            .map(|z| z.date())
            .map_err(|e| {
                self.invalid(format!(
                    "ts_event {} has no New York date: {e}",
                    self.ts_event.0
                ))
            })
    }

    /// Checks that every field fits its column (timestamps within `i64`, a contract with a
    /// Polygon symbol, a New York date); the lake only accepts rows that pass, so a logged row can
    /// always be written. Returns the New York day of `ts_event`.
    pub fn validate(&self) -> Result<Date, StoreError> {
        self.check_fields()?;
        self.new_york_day()
    }

    /// [`FlowRow::validate`] without the day.
    pub(crate) fn check_fields(&self) -> Result<(), StoreError> {
        for (name, ts) in [("ts_event", self.ts_event), ("ts_recv", self.ts_recv)] {
            if i64::try_from(ts.0).is_err() {
                return Err(
                    self.invalid(format!("{name} {} exceeds the int64 timestamp range", ts.0))
                );
            }
        }
        self.contract
            .to_polygon()
            .map(|_| ())
            .map_err(|e| self.invalid(format!("contract has no Polygon symbol: {e}")))
    }

    fn invalid(&self, reason: String) -> StoreError {
        StoreError::InvalidRow {
            row: format!("{} at {}", self.contract, self.ts_event.0),
            reason,
        }
    }

    /// Appends the WAL payload of `seq` and this row to `out` (little-endian, fixed layout).
    pub(crate) fn encode(&self, seq: u64, out: &mut Vec<u8>) {
        out.extend_from_slice(&seq.to_le_bytes());
        out.extend_from_slice(&self.ts_event.0.to_le_bytes());
        out.extend_from_slice(&self.ts_recv.0.to_le_bytes());
        out.extend_from_slice(&self.underlying_price.to_bits().to_le_bytes());
        encode_contract(&self.contract, out);
        out.extend_from_slice(&self.price.raw().to_le_bytes());
        out.extend_from_slice(&self.size.get().to_le_bytes());
        out.extend_from_slice(&self.exchange.0.to_le_bytes());
        let codes = self.conditions.as_slice();
        out.push(codes.len() as u8);
        for code in codes {
            out.extend_from_slice(&code.to_le_bytes());
        }
        out.push(side_code(self.aggressor));
        for v in [self.iv, self.delta, self.gamma, self.net_delta_impact] {
            out.extend_from_slice(&v.to_bits().to_le_bytes());
        }
        out.push(u8::from(self.sweep) | (u8::from(self.excluded) << 1));
    }

    /// Decodes a WAL payload written by [`FlowRow::encode`]; the error says which field is bad.
    pub(crate) fn decode(payload: &[u8]) -> Result<StoredRow, String> {
        let mut r = Reader { buf: payload };
        let seq = r.u64("seq")?;
        let ts_event = UnixNanos(r.u64("ts_event")?);
        let ts_recv = UnixNanos(r.u64("ts_recv")?);
        let underlying_price = f64::from_bits(r.u64("underlying_price")?);
        let contract = r.contract()?;
        let price = Price::from_raw(r.u64("price")? as i64);
        let size = Size::new(r.u32("size")?);
        let exchange = ExchangeId(r.u16("exchange")?);
        let n = usize::from(r.u8("condition count")?);
        let mut conditions = Conditions::EMPTY;
        for _ in 0..n {
            conditions
                .try_push(r.u16("condition")?)
                .map_err(|e| e.to_string())?;
        }
        let side = r.u8("aggressor")?;
        let aggressor = side_from_code(side).ok_or_else(|| format!("aggressor byte {side}"))?;
        let iv = f64::from_bits(r.u64("iv")?);
        let delta = f64::from_bits(r.u64("delta")?);
        let gamma = f64::from_bits(r.u64("gamma")?);
        let net_delta_impact = f64::from_bits(r.u64("net_delta_impact")?);
        let flags = r.u8("flags")?;
        if flags > 3 || !r.buf.is_empty() {
            return Err(format!("flags {flags} with {} trailing bytes", r.buf.len()));
        }
        Ok(StoredRow {
            seq,
            row: FlowRow {
                ts_event,
                ts_recv,
                underlying_price,
                contract,
                price,
                size,
                exchange,
                conditions,
                aggressor,
                iv,
                delta,
                gamma,
                net_delta_impact,
                sweep: flags & 1 != 0,
                excluded: flags & 2 != 0,
            },
        })
    }
}

/// The New York day of `ts_event` with the UTC bounds of the last day seen cached, so rows of the
/// same day (nearly all of them) skip the time-zone conversion.
#[derive(Debug, Default)]
pub(crate) struct DayCache {
    /// `[start, end)` in ns and the day.
    span: Option<(u64, u64, Date)>,
}

impl DayCache {
    /// The New York day of `row.ts_event`.
    pub(crate) fn day_of(&mut self, row: &FlowRow) -> Result<Date, StoreError> {
        self.day_of_ts(row.ts_event, || row.new_york_day())
    }

    /// The New York day of `ts`, `convert` computing it on a cache miss.
    pub(crate) fn day_of_ts(
        &mut self,
        ts: UnixNanos,
        convert: impl FnOnce() -> Result<Date, StoreError>,
    ) -> Result<Date, StoreError> {
        let t = ts.0;
        if let Some((start, end, day)) = self.span
            && start <= t
            && t < end
        {
            return Ok(day);
        }
        let day = convert()?;
        // Without bounds (a conversion error) the next row simply converts again.
        self.span = day_bounds(day).map(|(start, end)| (start, end, day));
        Ok(day)
    }
}

/// The instants (ns) at which New York day `day` starts and the next one starts.
fn day_bounds(day: Date) -> Option<(u64, u64)> {
    let tz = gammaflow_model::session::new_york().ok()?;
    let start = |d: Date| {
        d.to_zoned(tz.clone())
            .ok()
            .and_then(|z| UnixNanos::from_timestamp(z.timestamp()).ok())
    };
    Some((start(day)?.0, start(day.tomorrow().ok()?)?.0))
}

/// A bounds-checked little-endian cursor.
/// Appends a contract to a WAL payload: root length and bytes, expiry (days since 1970-01-01),
/// right (`C`/`P`), strike (raw fixed point). Read back by [`Reader::contract`].
pub(crate) fn encode_contract(contract: &OptionContract, out: &mut Vec<u8>) {
    let root = contract.root.as_str().as_bytes();
    out.push(root.len() as u8);
    out.extend_from_slice(root);
    out.extend_from_slice(&date_to_days(contract.expiry).to_le_bytes());
    out.push(contract.right.as_char() as u8);
    out.extend_from_slice(&contract.strike.raw().to_le_bytes());
}

pub(crate) struct Reader<'a> {
    /// The bytes not yet read.
    pub(crate) buf: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A contract written by [`encode_contract`].
    pub(crate) fn contract(&mut self) -> Result<OptionContract, String> {
        let root_len = usize::from(self.u8("root length")?);
        let root = std::str::from_utf8(self.take(root_len, "root")?)
            .map_err(|_| "root is not UTF-8".to_owned())?;
        let root = OptionRoot::new(root).map_err(|e| e.to_string())?;
        let days = self.u32("expiry")? as i32;
        let expiry =
            days_to_date(days).ok_or_else(|| format!("expiry {days} days out of range"))?;
        let right =
            OptionRight::from_char(char::from(self.u8("right")?)).map_err(|e| e.to_string())?;
        let strike = Price::from_raw(self.u64("strike")? as i64);
        Ok(OptionContract::new(root, expiry, right, strike))
    }

    pub(crate) fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        if self.buf.len() < n {
            return Err(format!("payload ends inside {what}"));
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    pub(crate) fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], String> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N, what)?);
        Ok(a)
    }

    pub(crate) fn u8(&mut self, what: &str) -> Result<u8, String> {
        Ok(self.array::<1>(what)?[0])
    }

    pub(crate) fn u16(&mut self, what: &str) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn u32(&mut self, what: &str) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn u64(&mut self, what: &str) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn day_cache_agrees_with_the_conversion_around_midnight() {
        let mut cache = DayCache::default();
        // 2025-06-10 04:00:00 UTC is midnight in New York (EDT); step across it and back.
        let midnight = 1_749_528_000_000_000_000u64;
        for t in [
            midnight - 1,
            midnight,
            midnight - 1,
            midnight + 86_400_000_000_000,
            midnight,
        ] {
            let mut row = sample();
            row.ts_event = UnixNanos(t);
            assert_eq!(
                cache.day_of(&row).unwrap(),
                row.new_york_day().unwrap(),
                "{t}"
            );
        }
        let mut row = sample();
        row.ts_event = UnixNanos(midnight - 1);
        assert_eq!(cache.day_of(&row).unwrap(), date(2025, 6, 9));
    }

    #[test]
    fn dates_round_trip_through_days() {
        for d in [
            date(1970, 1, 1),
            date(2025, 6, 9),
            date(1969, 12, 31),
            date(2099, 12, 31),
        ] {
            assert_eq!(days_to_date(date_to_days(d)), Some(d));
        }
        assert_eq!(date_to_days(date(1970, 1, 2)), 1);
    }

    fn sample() -> FlowRow {
        FlowRow {
            ts_event: UnixNanos(1_749_475_800_000_000_000),
            ts_recv: UnixNanos(1_749_475_800_000_100_000),
            underlying_price: f64::NAN,
            contract: OptionContract::new(
                OptionRoot::SPXW,
                date(2025, 6, 9),
                OptionRight::Put,
                Price::from_raw(5_995_000_000_000),
            ),
            price: Price::from_raw(1_250_000_000),
            size: Size::new(7),
            exchange: ExchangeId(302),
            conditions: Conditions::try_from_slice(&[209, 232]).unwrap(),
            aggressor: Side::Sell,
            iv: 0.15,
            delta: -0.4,
            gamma: 0.01,
            net_delta_impact: 280.0,
            sweep: true,
            excluded: false,
        }
    }

    #[test]
    fn payload_round_trips_and_rejects_truncation() {
        let row = sample();
        let mut buf = Vec::new();
        row.encode(42, &mut buf);
        let back = FlowRow::decode(&buf).unwrap();
        assert_eq!(back.seq, 42);
        assert!(back.row.underlying_price.is_nan());
        assert_eq!(back.row.contract, row.contract);
        assert_eq!(back.row.conditions, row.conditions);
        assert!(back.row.sweep && !back.row.excluded);
        let err = FlowRow::decode(&buf[..buf.len() - 1]).unwrap_err();
        assert!(err.contains("flags"), "{err}");
    }
}
