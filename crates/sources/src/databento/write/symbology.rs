//! The symbology of one written day: which instruments go to which dataset, their raw symbols,
//! their instrument ids, and the date range the files' metadata claims.
//!
//! # Instrument ids
//! * **OPRA.PILLAR** (options): ids change every day, as OPRA's do. The day's option contracts are
//!   sorted (root, expiry, right, strike: the order of [`OptionContract`]) and numbered from a
//!   base that depends on the date: `id = 100 000 000 + (d mod 3900) × 1 000 000 + rank`, where
//!   `d` is the number of days from 1970-01-01 to the date and `rank` the 0-based position of the
//!   contract. Consecutive dates therefore never share an id (blocks repeat after 3,900 days,
//!   about 10.7 years), a day holds at most [`MAX_OPTIONS_PER_DAY`] contracts, and no OPRA id
//!   falls in the futures range below (at most 60 781 200), since a replay may merge both
//!   datasets' definitions into one map.
//! * **GLBX.MDP3** (futures): ids are stable across days, as CME's are, and derived from the
//!   contract alone: `id = 1 + root_code × 1200 + (year − 2000) × 12 + (month − 1)`, where
//!   `root_code` reads the root (1–3 characters of `0-9A-Z`, padded on the right to 3) as a
//!   base-37 number with `0`–`9` = 1–10 and `A`–`Z` = 11–36. Longer roots cannot be written.
//! * **GLBX.MDP3** options on futures (roots for which [`OptionRoot::is_futures_option`] holds:
//!   `ES`, `EW`, `EW1`–`EW5`, `E1A`–`E5D`): numbered per day like OPRA's, from
//!   [`glbx_option_id_base`] = `4 010 000 000 + (d mod 280) × 1 000 000`, above every OPRA block
//!   (at most 3 999 999 999) and every futures id, so that one day's definitions of both datasets
//!   never share an id (the reader seeds one instrument map from every definition file).
//!
//! # Raw symbols
//! OPRA options: the 21-character OCC symbol. Futures: `ESZ5`. Options on futures: CME's
//! `<root><month code><year digit> <C|P><strike>` with the month and year of the option's expiry
//! (FORMATS.md §4: `ESM4 C4250`, `EW2F6 C7000`, `E2AF1 P3680`); the strike in index points,
//! without trailing zeros (`C6000`, `P5912.5`).

use std::collections::BTreeMap;

use dbn::{MappingInterval, SymbolMapping};
use gammaflow_model::event::{Event, FutureSymbol, Instrument};
use gammaflow_model::futures::{FuturesContract, FuturesRoot};
use gammaflow_model::{OptionContract, OptionRoot};
use jiff::civil::Date;

use super::{days_since_epoch, midnight_utc_ns, utc_date_of};
use crate::databento::DatabentoError;

/// Most option contracts one day can hold (the width of a day's block of OPRA ids).
pub const MAX_OPTIONS_PER_DAY: usize = 1_000_000;
/// Number of distinct daily OPRA id blocks before they repeat (about 10.7 years).
const OPRA_DAY_BLOCKS: i64 = 3900;
/// First OPRA id: above every GLBX futures id (at most 1 + 37³ × 1200 ≈ 60.8 M).
const OPRA_ID_FROM: u32 = 100_000_000;
/// Longest futures root the GLBX id scheme encodes.
const MAX_GLBX_ROOT_LEN: usize = 3;
/// First id of the GLBX options-on-futures blocks (above every OPRA id).
const GLBX_OPTION_ID_FROM: u32 = 4_010_000_000;
/// Number of distinct daily GLBX option id blocks before they repeat.
const GLBX_OPTION_DAY_BLOCKS: i64 = 280;

/// The first GLBX.MDP3 instrument id of `date`'s options on futures (see the module docs).
pub fn glbx_option_id_base(date: Date) -> u32 {
    let block = days_since_epoch(date).rem_euclid(GLBX_OPTION_DAY_BLOCKS);
    // block < 280: 4.01e9 + 279e6 + 999 999 < u32::MAX.
    GLBX_OPTION_ID_FROM + (block as u32) * (MAX_OPTIONS_PER_DAY as u32)
}

/// CME's raw symbol of an option on futures, e.g. `EW2F6 C7000` (see the module docs).
pub fn cme_option_symbol(contract: &OptionContract) -> Result<String, String> {
    let code = gammaflow_model::futures::month_code(contract.expiry.month() as u8)
        .map_err(|e| e.to_string())?;
    let strike = contract.strike;
    if !strike.is_defined() || strike.raw() <= 0 {
        return Err(format!("strike {strike} is not a positive price"));
    }
    let text = strike.to_string();
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text.as_str()
    };
    Ok(format!(
        "{}{code}{} {}{text}",
        contract.root,
        contract.expiry.year().rem_euclid(10),
        contract.right.as_char(),
    ))
}

/// `true` if an option with this root is written to GLBX.MDP3 (an option on futures).
pub(super) fn is_glbx_option(root: OptionRoot) -> bool {
    root.is_futures_option()
}

/// The first OPRA instrument id of `date` (the id of the day's first contract in sort order).
pub fn opra_id_base(date: Date) -> u32 {
    let block = days_since_epoch(date).rem_euclid(OPRA_DAY_BLOCKS);
    // block < 3900: 1e8 + 3899e6 + 999 999 < 4.0e9 < u32::MAX.
    OPRA_ID_FROM + (block as u32) * (MAX_OPTIONS_PER_DAY as u32)
}

/// The GLBX.MDP3 instrument id of a futures contract (see the module docs), or why it has none.
pub fn glbx_instrument_id(future: &FutureSymbol) -> Result<u32, String> {
    let root = future.root();
    let text = root.as_str();
    if text.is_empty() || text.len() > MAX_GLBX_ROOT_LEN {
        return Err(format!(
            "futures root {text:?} is longer than {MAX_GLBX_ROOT_LEN} characters, which the GLBX id scheme encodes"
        ));
    }
    let mut code: u32 = 0;
    for i in 0..MAX_GLBX_ROOT_LEN {
        let digit = match text.as_bytes().get(i) {
            None => 0,
            Some(b @ b'0'..=b'9') => u32::from(b - b'0') + 1,
            Some(b @ b'A'..=b'Z') => u32::from(b - b'A') + 11,
            Some(other) => {
                return Err(format!(
                    "futures root {text:?} has the character {:?}; GLBX roots are 0-9 and A-Z",
                    char::from(*other)
                ));
            }
        };
        code = code * 37 + digit;
    }
    let year = u32::from(future.year().saturating_sub(2000));
    Ok(1 + code * 1200 + year * 12 + u32::from(future.month().saturating_sub(1)))
}

/// The model's futures key as a [`FuturesContract`] (for CME symbols and expiries).
pub fn futures_contract(future: &FutureSymbol) -> Result<FuturesContract, String> {
    let root = FuturesRoot::new(future.root().as_str()).map_err(|e| e.to_string())?;
    let year = i16::try_from(future.year()).map_err(|e| e.to_string())?;
    FuturesContract::new(root, future.month(), year).map_err(|e| e.to_string())
}

/// One instrument of the day: its id and raw symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry {
    /// The instrument id of the day.
    pub id: u32,
    /// Databento's raw symbol (`SPXW  251216C05800000`, `ESZ5`).
    pub raw: String,
}

/// The instruments of one written day, per dataset, with ids and raw symbols.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySymbology {
    date: Date,
    options: BTreeMap<OptionContract, Entry>,
    futures: BTreeMap<FutureSymbol, Entry>,
    /// Options on futures (GLBX.MDP3).
    futures_options: BTreeMap<OptionContract, Entry>,
    /// Earliest and latest defined timestamp of the events of each dataset (OPRA, GLBX), ns.
    opra_span: Option<(u64, u64)>,
    glbx_span: Option<(u64, u64)>,
}

/// The two datasets written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Feed {
    Opra,
    Glbx,
}

/// The dataset an event is written to, and the instrument key, or `None` if it is not written.
/// Options on futures go to GLBX (trades, quotes, definitions; their open interest is not
/// written: the GLBX layout has no statistics file).
pub(super) fn routed(event: &Event) -> Option<(Feed, Instrument)> {
    let instrument = event.instrument();
    let feed = match (&instrument, event) {
        (Instrument::Option(c), Event::OpenInterest(_)) if is_glbx_option(c.root) => return None,
        (Instrument::Option(c), Event::Trade(_) | Event::Quote(_) | Event::Definition(_))
            if is_glbx_option(c.root) =>
        {
            Feed::Glbx
        }
        (Instrument::Option(_), Event::Trade(_))
        | (Instrument::Option(_), Event::Quote(_))
        | (Instrument::Option(_), Event::OpenInterest(_))
        | (Instrument::Option(_), Event::Definition(_)) => Feed::Opra,
        (Instrument::Future(_), Event::Trade(_))
        | (Instrument::Future(_), Event::Quote(_))
        | (Instrument::Future(_), Event::Definition(_)) => Feed::Glbx,
        (Instrument::Future(_), Event::Bar(bar)) if bar.interval_ns == super::MINUTE_NS => {
            Feed::Glbx
        }
        _ => return None,
    };
    Some((feed, instrument))
}

impl DaySymbology {
    /// Collects the instruments of the events that are written (see [`super`]) and assigns their
    /// ids for `date`; an error names the first event whose instrument cannot be written.
    pub fn new(date: Date, events: &[Event]) -> Result<Self, DatabentoError> {
        let mut options: BTreeMap<OptionContract, Entry> = BTreeMap::new();
        let mut futures: BTreeMap<FutureSymbol, Entry> = BTreeMap::new();
        let mut futures_options: BTreeMap<OptionContract, Entry> = BTreeMap::new();
        let mut opra_span = None;
        let mut glbx_span = None;
        for (index, event) in events.iter().enumerate() {
            let Some((feed, instrument)) = routed(event) else {
                continue;
            };
            let unwritable = |reason: String| DatabentoError::Unwritable {
                index,
                instrument: instrument.to_string(),
                reason,
            };
            let span = match instrument {
                Instrument::Option(contract) if is_glbx_option(contract.root) => {
                    if let std::collections::btree_map::Entry::Vacant(slot) =
                        futures_options.entry(contract)
                    {
                        let raw = cme_option_symbol(&contract).map_err(unwritable)?;
                        slot.insert(Entry { id: 0, raw });
                    }
                    &mut glbx_span
                }
                Instrument::Option(contract) => {
                    if let std::collections::btree_map::Entry::Vacant(slot) =
                        options.entry(contract)
                    {
                        let raw = contract.to_occ().map_err(|e| unwritable(e.to_string()))?;
                        slot.insert(Entry { id: 0, raw });
                    }
                    &mut opra_span
                }
                Instrument::Future(future) => {
                    if let std::collections::btree_map::Entry::Vacant(slot) = futures.entry(future)
                    {
                        let id = glbx_instrument_id(&future).map_err(unwritable)?;
                        let raw = futures_contract(&future)
                            .map_err(unwritable)?
                            .short_symbol();
                        slot.insert(Entry { id, raw });
                    }
                    &mut glbx_span
                }
                Instrument::Index(_) | Instrument::Equity(_) => continue,
            };
            let ts = match (feed, event) {
                (_, Event::Bar(bar)) => bar.ts_event.as_u64(),
                _ => event.ts_recv().as_u64(),
            };
            if ts != dbn::UNDEF_TIMESTAMP {
                let (lo, hi) = span.get_or_insert((ts, ts));
                *lo = (*lo).min(ts);
                *hi = (*hi).max(ts);
            }
        }
        for (map, base) in [
            (&mut options, opra_id_base(date)),
            (&mut futures_options, glbx_option_id_base(date)),
        ] {
            if map.len() > MAX_OPTIONS_PER_DAY {
                return Err(DatabentoError::WriteSetup {
                    reason: format!(
                        "{} option contracts of one dataset on {date}; one day's id block holds at most {MAX_OPTIONS_PER_DAY}",
                        map.len()
                    ),
                });
            }
            for (rank, entry) in map.values_mut().enumerate() {
                // rank < MAX_OPTIONS_PER_DAY, checked above.
                entry.id = base + rank as u32;
            }
        }
        Ok(Self {
            date,
            options,
            futures,
            futures_options,
            opra_span,
            glbx_span,
        })
    }

    /// The trade date the ids were assigned for.
    pub fn date(&self) -> Date {
        self.date
    }

    /// The instrument id of `instrument` on this day, `None` if it is not written.
    pub fn instrument_id(&self, instrument: &Instrument) -> Option<u32> {
        self.entry(instrument).map(|e| e.id)
    }

    /// Databento's raw symbol of `instrument` (`SPXW  251216C05800000`, `ESZ5`, `EW2F6 C7000`),
    /// `None` if it is not written.
    pub fn raw_symbol(&self, instrument: &Instrument) -> Option<&str> {
        self.entry(instrument).map(|e| e.raw.as_str())
    }

    /// The option contracts of the day written to OPRA, in id order.
    pub fn options(&self) -> impl Iterator<Item = &OptionContract> {
        self.options.keys()
    }

    /// The options on futures of the day (written to GLBX), in id order.
    pub fn futures_options(&self) -> impl Iterator<Item = &OptionContract> {
        self.futures_options.keys()
    }

    /// The futures contracts of the day, in symbol order.
    pub fn futures(&self) -> impl Iterator<Item = &FutureSymbol> {
        self.futures.keys()
    }

    pub(super) fn entry(&self, instrument: &Instrument) -> Option<&Entry> {
        match instrument {
            Instrument::Option(c) if is_glbx_option(c.root) => self.futures_options.get(c),
            Instrument::Option(c) => self.options.get(c),
            Instrument::Future(f) => self.futures.get(f),
            Instrument::Index(_) | Instrument::Equity(_) => None,
        }
    }

    /// `true` if the dataset has at least one instrument (its files are written).
    pub(super) fn has(&self, feed: Feed) -> bool {
        match feed {
            Feed::Opra => !self.options.is_empty(),
            Feed::Glbx => !self.futures.is_empty() || !self.futures_options.is_empty(),
        }
    }

    /// The UTC dates `[first, end)` the dataset's files cover: the trade date, widened to the UTC
    /// dates of the earliest and latest event of the dataset.
    pub(super) fn date_range(&self, feed: Feed) -> Result<(Date, Date), DatabentoError> {
        let span = match feed {
            Feed::Opra => self.opra_span,
            Feed::Glbx => self.glbx_span,
        };
        let mut first = self.date;
        let mut last = self.date;
        if let Some((lo, hi)) = span {
            if let Some(d) = utc_date_of(lo) {
                first = first.min(d);
            }
            if let Some(d) = utc_date_of(hi) {
                last = last.max(d);
            }
        }
        let end = last.tomorrow().map_err(|e| DatabentoError::WriteSetup {
            reason: format!("no date after {last}: {e}"),
        })?;
        Ok((first, end))
    }

    /// The metadata symbol mappings of the dataset: each raw symbol → its id over `[first, end)`.
    pub(super) fn mappings(
        &self,
        feed: Feed,
        (first, end): (Date, Date),
    ) -> Result<Vec<SymbolMapping>, DatabentoError> {
        let start_date = to_time_date(first)?;
        let end_date = to_time_date(end)?;
        let entries: Box<dyn Iterator<Item = &Entry>> = match feed {
            Feed::Opra => Box::new(self.options.values()),
            Feed::Glbx => Box::new(self.futures.values().chain(self.futures_options.values())),
        };
        let mut mappings: Vec<SymbolMapping> = entries
            .map(|e| SymbolMapping {
                raw_symbol: e.raw.clone(),
                intervals: vec![MappingInterval {
                    start_date,
                    end_date,
                    symbol: e.id.to_string(),
                }],
            })
            .collect();
        mappings.sort_by(|a, b| a.raw_symbol.cmp(&b.raw_symbol));
        Ok(mappings)
    }
}

/// Midnight UTC of `date` in ns, for metadata and default timestamps.
pub(super) fn range_ns((first, end): (Date, Date)) -> Result<(u64, u64), DatabentoError> {
    Ok((midnight_utc_ns(first)?, midnight_utc_ns(end)?))
}

/// A jiff date as the `time` crate's date the `dbn` metadata uses.
fn to_time_date(date: Date) -> Result<time::Date, DatabentoError> {
    let month = time::Month::try_from(date.month() as u8);
    month
        .and_then(|m| time::Date::from_calendar_date(i32::from(date.year()), m, date.day() as u8))
        .map_err(|e| DatabentoError::WriteSetup {
            reason: format!("date {date} cannot be written in DBN metadata: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fut(root: &str, year: u16, month: u8) -> FutureSymbol {
        FutureSymbol::new(root, year, month).unwrap()
    }

    #[test]
    fn glbx_ids_are_stable_distinct_and_bounded() {
        let esz5 = glbx_instrument_id(&fut("ES", 2025, 12)).unwrap();
        // E = 15, S = 29, padding 0: code = (15 × 37 + 29) × 37 = 21 608.
        assert_eq!(esz5, 1 + 21_608 * 1200 + 25 * 12 + 11);
        let mut ids = vec![
            esz5,
            glbx_instrument_id(&fut("ES", 2026, 3)).unwrap(),
            glbx_instrument_id(&fut("MES", 2025, 12)).unwrap(),
            glbx_instrument_id(&fut("NQ", 2025, 12)).unwrap(),
            glbx_instrument_id(&fut("E", 2025, 12)).unwrap(),
            glbx_instrument_id(&fut("ZZZ", 2099, 12)).unwrap(),
        ];
        assert!(ids.iter().all(|id| *id > 0));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 6);
        let err = glbx_instrument_id(&fut("ABCD", 2025, 12)).unwrap_err();
        assert!(err.contains("ABCD"), "{err}");
        assert_eq!(
            futures_contract(&fut("ES", 2025, 12))
                .unwrap()
                .short_symbol(),
            "ESZ5"
        );
    }

    #[test]
    fn opra_id_blocks_differ_between_consecutive_days() {
        let d = Date::constant(2025, 12, 16);
        let a = opra_id_base(d);
        let b = opra_id_base(d.tomorrow().unwrap());
        assert_ne!(a, b);
        assert_eq!(a % 1_000_000, 0);
        assert_eq!(b - a, 1_000_000);
        // 1970-01-01 is day 0: the first block, above every futures id.
        assert_eq!(opra_id_base(Date::constant(1970, 1, 1)), 100_000_000);
        let zzz = FutureSymbol::new("ZZZ", 2099, 12).unwrap();
        assert!(glbx_instrument_id(&zzz).unwrap() < 100_000_000);
        // The last block ends below the options-on-futures ids.
        let last = (0..3900)
            .map(|i| opra_id_base(Date::constant(1970, 1, 1) + jiff::ToSpan::days(i)))
            .max()
            .unwrap();
        assert!(last + 999_999 < glbx_option_id_base(Date::constant(1970, 1, 1)));
    }

    #[test]
    fn options_on_futures_get_cme_symbols_and_their_own_ids() {
        let c = |root: &str, y, m, d, right, strike: &str| {
            OptionContract::new(
                OptionRoot::new(root).unwrap(),
                Date::constant(y, m, d),
                right,
                strike.parse().unwrap(),
            )
        };
        use gammaflow_model::OptionRight::{Call, Put};
        assert_eq!(
            cme_option_symbol(&c("EW2", 2026, 1, 9, Call, "7000")).unwrap(),
            "EW2F6 C7000"
        );
        assert_eq!(
            cme_option_symbol(&c("ES", 2024, 6, 21, Put, "4250")).unwrap(),
            "ESM4 P4250"
        );
        assert_eq!(
            cme_option_symbol(&c("E2A", 2021, 1, 11, Put, "3912.5")).unwrap(),
            "E2AF1 P3912.5"
        );
        let d = Date::constant(2025, 12, 16);
        let base = glbx_option_id_base(d);
        assert!(base > 4_000_999_999 && base.is_multiple_of(1_000_000));
        assert_ne!(base, glbx_option_id_base(d.tomorrow().unwrap()));
        assert!(glbx_option_id_base(Date::constant(2025, 1, 1)) <= 4_289_000_000);
    }
}
