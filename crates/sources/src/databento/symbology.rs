//! Instrument mapping: Databento's numeric `instrument_id` → [`Instrument`], per UTC date.
//!
//! OPRA reassigns instrument ids every day, so every lookup is keyed on (`instrument_id`, UTC date
//! of the record's index timestamp: `ts_recv`, or `ts_event` for OHLCV bars), never on the id
//! alone. Three sources feed the map:
//!
//! 1. the metadata's symbol mappings (one raw symbol per id and date range, end date exclusive);
//! 2. definition records (an id defined on day D is known from D on, until redefined);
//! 3. live `SymbolMappingMsg` records (same rule as definitions).
//!
//! A lookup first takes a definition or mapping record made **on that very day**, then the metadata
//! interval covering the day (if its raw symbol can be represented), then the latest earlier
//! definition. An id with none of these is *unmapped*; a raw symbol the model cannot represent
//! (calendar spreads, ICE symbols, options on futures without a definition) is *unsupported*. Both
//! are counted skips (see [`super::DecodeStats`]), never errors.
//!
//! Raw symbols are read according to the venue (from the dataset, else the record's publisher):
//!
//! * `OPRA.*`: the 21-character OCC/OSI symbol (`AAPL  250221C00250000`) → [`Instrument::Option`].
//! * `GLBX.*` and the ICE/Eurex futures datasets: `ESH1`, `ESZ25`, `MESM4` → [`Instrument::Future`].
//!   A one-digit year resolves to the nearest year ≥ (record year − 1) that ends in that digit
//!   (`ESH1` seen in 2020 is March 2021). CME options on futures (`ESM4 C4250`) need their definition
//!   record: they become an [`OptionContract`] with the product code as root (`ES`, `EW2`, `E2A`),
//!   the definition's expiration (UTC date), right and strike. Note that the model derives the
//!   underlying of such a contract from its root (an equity ticker `ES`): use the definition's
//!   future, not [`OptionContract::underlying`], for them.
//! * every other dataset (`XNAS.ITCH`, `EQUS.MINI`, …): the ticker → [`Instrument::Equity`].

use std::collections::HashMap;

use gammaflow_model::event::{FutureSymbol, Instrument};
use gammaflow_model::{OptionContract, OptionRight, OptionRoot, Price, Ticker, UnixNanos};
use jiff::civil::Date;

/// Nanoseconds per day.
const NANOS_PER_DAY: u64 = 86_400_000_000_000;
/// Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// What kind of instruments a dataset lists (decides how raw symbols are read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Venue {
    /// OPRA: OCC option symbols.
    Options,
    /// CME Globex, ICE, Eurex: futures symbols (and options on futures via definitions).
    Futures,
    /// Equity venues.
    Equities,
}

impl Venue {
    /// The venue of a Databento dataset code such as `OPRA.PILLAR` or `GLBX.MDP3`.
    pub(crate) fn of_dataset(dataset: &str) -> Self {
        let prefix = dataset.split('.').next().unwrap_or_default();
        match prefix {
            "OPRA" => Self::Options,
            "GLBX" | "IFEU" | "IFUS" | "IFLL" | "NDEX" | "XEUR" | "IFEN" | "IFLX" => Self::Futures,
            _ => Self::Equities,
        }
    }

    /// The venue of a Databento publisher id, `None` for an id the `dbn` crate does not know.
    pub(crate) fn of_publisher(publisher_id: u16) -> Option<Self> {
        dbn::Publisher::try_from(publisher_id)
            .ok()
            .map(|p| Self::of_dataset(p.dataset().as_str()))
    }
}

/// The UTC day number (days since 1970-01-01) of a timestamp in ns.
#[inline]
pub(crate) fn day_of(ts: u64) -> i32 {
    (ts / NANOS_PER_DAY) as i32
}

/// The UTC calendar date of a day number.
pub(crate) fn date_of_day(day: i32) -> Option<Date> {
    let ts = UnixNanos(u64::try_from(day).ok()?.checked_mul(NANOS_PER_DAY)?);
    ts.to_timestamp()
        .ok()
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
}

/// What a raw symbol resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// A representable instrument.
    Known(Instrument),
    /// The symbol exists but the model cannot represent it.
    Unsupported,
}

/// A metadata mapping interval of one id.
#[derive(Debug, Clone)]
struct Interval {
    /// First UTC day (inclusive).
    start: i32,
    /// Last UTC day (exclusive).
    end: i32,
    /// The raw symbol.
    raw: Box<str>,
}

/// The instrument map of one decoder; see the module documentation for the lookup rules.
#[derive(Debug, Clone, Default)]
pub struct InstrumentMap {
    /// Metadata intervals per id.
    intervals: HashMap<u32, Vec<Interval>>,
    /// Definitions (and mapping records) per id: (UTC day, what it resolved to), in arrival order.
    defined: HashMap<u32, Vec<(i32, Resolved)>>,
    /// Resolved lookups per (id, day).
    cache: HashMap<(u32, i32), Option<Resolved>>,
    /// Raw symbol text (CSV `symbol` column) resolved per (text, day).
    by_text: HashMap<(Box<str>, i32), Resolved>,
    /// The last lookup, the fast path for runs of one instrument.
    last: Option<(u32, i32, Option<Resolved>)>,
    /// The venue of the dataset, when the metadata names it.
    venue: Option<Venue>,
}

impl InstrumentMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of ids with a metadata mapping or a definition.
    pub fn len(&self) -> usize {
        let mut n = self.intervals.len();
        n += self
            .defined
            .keys()
            .filter(|id| !self.intervals.contains_key(id))
            .count();
        n
    }

    /// `true` if nothing is mapped.
    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty() && self.defined.is_empty()
    }

    /// The instrument of `instrument_id` on the UTC date of `ts` (ns), `None` if unmapped or
    /// unsupported.
    pub fn get(
        &mut self,
        instrument_id: u32,
        ts: UnixNanos,
        publisher_id: u16,
    ) -> Option<Instrument> {
        match self.lookup(instrument_id, day_of(ts.0), publisher_id) {
            Some(Resolved::Known(i)) => Some(i),
            _ => None,
        }
    }

    /// Loads the symbol mappings of a DBN metadata header.
    pub(crate) fn load_metadata(&mut self, metadata: &dbn::Metadata) {
        if !metadata.dataset.is_empty() {
            self.venue = Some(Venue::of_dataset(&metadata.dataset));
        }
        for mapping in &metadata.mappings {
            for interval in &mapping.intervals {
                // stype_out = instrument_id: the interval symbol is the id. The reverse direction
                // (stype_in = instrument_id) has the id as the raw symbol.
                let (id, raw) = match interval.symbol.parse::<u32>() {
                    Ok(id) => (id, mapping.raw_symbol.as_str()),
                    Err(_) => match mapping.raw_symbol.parse::<u32>() {
                        Ok(id) => (id, interval.symbol.as_str()),
                        Err(_) => continue,
                    },
                };
                if raw.is_empty() {
                    continue;
                }
                self.intervals.entry(id).or_default().push(Interval {
                    start: interval.start_date.to_julian_day() - UNIX_EPOCH_JULIAN_DAY,
                    end: interval.end_date.to_julian_day() - UNIX_EPOCH_JULIAN_DAY,
                    raw: raw.into(),
                });
            }
        }
        self.invalidate();
    }

    /// Records that `instrument_id` means `resolved` from UTC `day` on (definition or mapping
    /// record).
    pub(crate) fn define(&mut self, instrument_id: u32, day: i32, resolved: Resolved) {
        let entry = self.defined.entry(instrument_id).or_default();
        match entry.iter_mut().find(|(d, _)| *d == day) {
            Some(slot) => slot.1 = resolved,
            None => entry.push((day, resolved)),
        }
        self.invalidate();
    }

    /// Adds the definitions (and mapping records) of `other` to this map, for instruments defined
    /// in one file and traded in another.
    pub fn absorb_definitions(&mut self, other: &InstrumentMap) {
        for (id, list) in &other.defined {
            for (day, resolved) in list {
                self.define(*id, *day, *resolved);
            }
        }
        if self.venue.is_none() {
            self.venue = other.venue;
        }
    }

    /// Drops cached lookups after the map changed.
    fn invalidate(&mut self) {
        self.cache.clear();
        self.last = None;
    }

    /// The venue used to read raw symbols of a record from `publisher_id`.
    fn venue_for(&self, publisher_id: u16) -> Venue {
        self.venue
            .or_else(|| Venue::of_publisher(publisher_id))
            .unwrap_or(Venue::Equities)
    }

    /// Looks up (id, day): see the module documentation for the order of the rules.
    #[inline]
    pub(crate) fn lookup(&mut self, id: u32, day: i32, publisher_id: u16) -> Option<Resolved> {
        if let Some((last_id, last_day, found)) = self.last
            && last_id == id
            && last_day == day
        {
            return found;
        }
        let found = match self.cache.get(&(id, day)) {
            Some(found) => *found,
            None => {
                let found = self.resolve_uncached(id, day, publisher_id);
                self.cache.insert((id, day), found);
                found
            }
        };
        self.last = Some((id, day, found));
        found
    }

    /// The uncached lookup.
    fn resolve_uncached(&self, id: u32, day: i32, publisher_id: u16) -> Option<Resolved> {
        let defined = self.defined.get(&id);
        if let Some(same_day) = defined.and_then(|d| d.iter().rev().find(|(d, _)| *d == day)) {
            return Some(same_day.1);
        }
        let from_metadata = self.intervals.get(&id).and_then(|list| {
            list.iter()
                .find(|iv| iv.start <= day && day < iv.end)
                .map(|iv| resolve_raw(&iv.raw, self.venue_for(publisher_id), day))
        });
        if let Some(Resolved::Known(_)) = from_metadata {
            return from_metadata;
        }
        let earlier = defined.and_then(|d| {
            d.iter()
                .filter(|(d, _)| *d <= day)
                .max_by_key(|(d, _)| *d)
                .map(|(_, r)| *r)
        });
        earlier.or(from_metadata)
    }

    /// Resolves a raw symbol text (the CSV `symbol` column) for a record of `publisher_id` on UTC
    /// `day`, with a cache.
    pub(crate) fn resolve_text(&mut self, raw: &str, day: i32, publisher_id: u16) -> Resolved {
        if let Some(found) = self.by_text.get(&(Box::<str>::from(raw), day)) {
            return *found;
        }
        let found = resolve_raw(raw, self.venue_for(publisher_id), day);
        self.by_text.insert((raw.into(), day), found);
        found
    }

    /// The venue for definitions of `publisher_id`.
    pub(crate) fn venue(&self, publisher_id: u16) -> Venue {
        self.venue_for(publisher_id)
    }
}

/// Reads a raw symbol of `venue` seen on UTC `day`.
pub(crate) fn resolve_raw(raw: &str, venue: Venue, day: i32) -> Resolved {
    let found = match venue {
        Venue::Options => OptionContract::parse_occ(raw).ok().map(Instrument::Option),
        Venue::Futures => parse_future(raw, day).map(Instrument::Future),
        Venue::Equities => Ticker::new(raw).ok().map(Instrument::Equity),
    };
    found.map_or(Resolved::Unsupported, Resolved::Known)
}

/// The UTC year of a day number.
fn year_of_day(day: i32) -> Option<i16> {
    date_of_day(day).map(|d| d.year())
}

/// Parses an outright futures symbol `ESH1`, `ESZ25` or `ESZ2025` seen on UTC `day`; `None` for
/// anything else (spreads, options, ICE symbols).
pub(crate) fn parse_future(raw: &str, day: i32) -> Option<FutureSymbol> {
    let (root, month, year) = split_future(raw, day)?;
    FutureSymbol::new(root, year, month).ok()
}

/// Splits a futures symbol into (root, month 1–12, year).
fn split_future(raw: &str, day: i32) -> Option<(&str, u8, u16)> {
    if !raw
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return None;
    }
    let digits = raw.bytes().rev().take_while(u8::is_ascii_digit).count();
    let (head, year_text) = raw.split_at(raw.len() - digits);
    let code = head.chars().last()?;
    let root = &head[..head.len() - 1];
    if root.is_empty() {
        return None;
    }
    let month = gammaflow_model::futures::month_from_code(code).ok()?;
    let value: u16 = year_text.parse().ok()?;
    let year = match digits {
        1 => {
            let base = i32::from(year_of_day(day)?) - 1;
            let year = base + (i32::from(value) - base).rem_euclid(10);
            u16::try_from(year).ok()?
        }
        2 => 2000 + value,
        4 => value,
        _ => return None,
    };
    Some((root, month, year))
}

/// What a definition record says, reduced to what builds an instrument.
pub(crate) struct DefinitionFields<'a> {
    /// `raw_symbol`.
    pub raw_symbol: &'a str,
    /// `instrument_class` (`C`, `P`, `F`, `K`, …).
    pub class: u8,
    /// `expiration`, ns (u64::MAX undefined).
    pub expiration: u64,
    /// `strike_price`, 1e-9 units (i64::MAX undefined).
    pub strike: i64,
}

/// The instrument a definition describes (see the module documentation).
pub(crate) fn resolve_definition(def: &DefinitionFields<'_>, venue: Venue, day: i32) -> Resolved {
    match def.class {
        b'C' | b'P' => {
            if let Ok(c) = OptionContract::parse_occ(def.raw_symbol) {
                return Resolved::Known(Instrument::Option(c));
            }
            option_on_future(def, day).map_or(Resolved::Unsupported, |c| {
                Resolved::Known(Instrument::Option(c))
            })
        }
        b'F' => parse_future(def.raw_symbol, day)
            .map_or(Resolved::Unsupported, |f| Resolved::Known(f.into())),
        b'K' => Ticker::new(def.raw_symbol).map_or(Resolved::Unsupported, |t| {
            Resolved::Known(Instrument::Equity(t))
        }),
        _ => match venue {
            // Unknown classes on an equity venue: try the ticker; never guess elsewhere.
            Venue::Equities => resolve_raw(def.raw_symbol, venue, day),
            _ => Resolved::Unsupported,
        },
    }
}

/// A CME option on a future (`ESM4 C4250`, `EW2F6 C7000`) from its definition.
fn option_on_future(def: &DefinitionFields<'_>, day: i32) -> Option<OptionContract> {
    if def.expiration == u64::MAX || def.strike == i64::MAX {
        return None;
    }
    let (future, _) = def.raw_symbol.split_once(' ')?;
    let (root, _, _) = split_future(future, day)?;
    let root = OptionRoot::new(root).ok()?;
    let expiry = date_of_day(day_of(def.expiration))?;
    let right = if def.class == b'C' {
        OptionRight::Call
    } else {
        OptionRight::Put
    };
    Some(OptionContract::new(
        root,
        expiry,
        right,
        Price::from_raw(def.strike),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i16, m: i8, d: i8) -> i32 {
        let ts = jiff::civil::date(y, m, d)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp();
        (ts.as_second() / 86_400) as i32
    }

    #[test]
    fn one_digit_years_resolve_near_the_record_date() {
        let f = parse_future("ESH1", day(2020, 12, 28)).unwrap();
        assert_eq!((f.year(), f.month()), (2021, 3));
        let f = parse_future("ESZ0", day(2021, 1, 4)).unwrap();
        assert_eq!(f.year(), 2020);
        let f = parse_future("ESZ9", day(2021, 1, 4)).unwrap();
        assert_eq!(f.year(), 2029);
        let f = parse_future("ESZ25", day(2021, 1, 4)).unwrap();
        assert_eq!(f.year(), 2025);
        assert_eq!(parse_future("ESH1-ESM1", day(2021, 1, 4)), None);
        assert_eq!(parse_future("ESM4 C4250", day(2021, 1, 4)), None);
        assert_eq!(parse_future("H1", day(2021, 1, 4)), None);
        assert_eq!(
            date_of_day(day(2024, 2, 29)),
            Some(jiff::civil::date(2024, 2, 29))
        );
    }

    #[test]
    fn options_on_futures_need_the_definition() {
        let def = DefinitionFields {
            raw_symbol: "ESM4 C4250",
            class: b'C',
            expiration: 1_718_976_600_000_000_000, // 2024-06-21T13:30Z
            strike: 4_250_000_000_000,
        };
        let Resolved::Known(Instrument::Option(c)) =
            resolve_definition(&def, Venue::Futures, day(2024, 5, 9))
        else {
            panic!("not an option");
        };
        assert_eq!(c.to_string(), "ES 2024-06-21 C 4250");
        assert_eq!(
            resolve_raw("ESM4 C4250", Venue::Futures, day(2024, 5, 9)),
            Resolved::Unsupported
        );
    }

    #[test]
    fn same_day_definitions_win_then_metadata_then_earlier_definitions() {
        let mut map = InstrumentMap::new();
        map.venue = Some(Venue::Options);
        let d0 = day(2023, 8, 1);
        let spy = |s: &str| Resolved::Known(OptionContract::parse_occ(s).unwrap().into());
        map.define(7, d0, spy("SPY   231215P00415000"));
        map.intervals.entry(7).or_default().push(Interval {
            start: d0 + 1,
            end: d0 + 2,
            raw: "SPY   231215C00415000".into(),
        });
        assert_eq!(map.lookup(7, d0, 0), Some(spy("SPY   231215P00415000")));
        assert_eq!(map.lookup(7, d0 + 1, 0), Some(spy("SPY   231215C00415000")));
        assert_eq!(map.lookup(7, d0 + 5, 0), Some(spy("SPY   231215P00415000")));
        assert_eq!(map.lookup(7, d0 - 1, 0), None);
        assert_eq!(map.lookup(8, d0, 0), None);
    }
}
