//! DBN records (version 3 layout, after upgrade) → `model` events. Shared by the DBN and the CSV
//! decoders, so that both encodings of one file give equal events.
//!
//! | rtype | schema | events |
//! |---|---|---|
//! | 0 | trades | [`Trade`] |
//! | 1 | mbp-1, tbbo | [`Quote`], plus a [`Trade`] when `action` is `T` |
//! | 10 | mbp-10 | as mbp-1, from level 0 |
//! | 177 | cmbp-1 | [`Quote`] with `bid_pb`/`ask_pb` venues |
//! | 194 | tcbbo | [`Quote`] then [`Trade`] |
//! | 192/193, 195/196 | cbbo-1s/1m, bbo-1s/1m | [`Quote`] |
//! | 32–36 | ohlcv-1s/1m/1h/1d/eod | [`Bar`] (`ts_recv` = end of the bar) |
//! | 24 | statistics | [`OpenInterest`] for `stat_type` 9 (other types skipped) |
//! | 19 | definition | [`Definition`] (also updates the instrument map) |
//! | 160 | mbo | [`BookUpdate`] |
//! | 22 | symbol mapping | updates the instrument map, no event |
//!
//! Order within one record: for **tbbo** (and tcbbo) the quote is the book *before* the trade, so
//! the [`Quote`] comes first; for **mbp-1** trade records the book is the one *after* the trade, so
//! the [`Trade`] comes first. The two schemas share rtype 1, so the decoder is told which one it
//! reads ([`Mbp1Order`]).
//!
//! Conventions: [`ExchangeId`] is the Databento **publisher id** (e.g. 1 = CME Globex, 23–42 the
//! OPRA exchanges); consolidated quotes take the venue of each side from `bid_pb`/`ask_pb`. Side
//! `B` → [`Side::Buy`] (bid), `A` → [`Side::Sell`] (ask), `N` → [`Side::None`]. Databento trades
//! have no condition codes ([`Conditions::EMPTY`]). A record with an undefined timestamp, an
//! undefined trade or bar price, or an empty book (both sides undefined) gives no event and is
//! counted in [`DecodeStats::undefined`]. One undefined side of a quote is kept as
//! [`Price::UNDEF`] with size 0.
//!
//! Open interest: `as_of` is the UTC date of `ts_ref`; when `ts_ref` is undefined (as in OPRA
//! files) it is the NYSE trading day before the New York date of `ts_event` (OPRA publishes
//! around 06:30 ET for the previous session). Figures repeated by several exchanges are
//! de-duplicated on (instrument, `as_of`) for the whole stream.

use std::collections::HashSet;

use dbn::RecordRef;
use dbn::rtype;
use dbn::{
    BboMsg, CbboMsg, Cmbp1Msg, InstrumentDefMsg, MboMsg, Mbp1Msg, Mbp10Msg, OhlcvMsg, StatMsg,
    SymbolMappingMsg, TradeMsg,
};
use gammaflow_model::event::{
    Bar, BookAction, BookUpdate, Conditions, Definition, Event, ExchangeId, Instrument,
    OpenInterest, Quote, Side, Trade,
};
use gammaflow_model::{Price, Size, UnixNanos};
use jiff::civil::Date;

use super::symbology::{
    DefinitionFields, InstrumentMap, Resolved, date_of_day, day_of, resolve_definition,
};

/// Undefined timestamp sentinel.
const UNDEF_TS: u64 = u64::MAX;
/// Undefined price sentinel.
const UNDEF_PX: i64 = i64::MAX;
/// Statistics type of open interest.
const STAT_OPEN_INTEREST: u16 = 9;
/// Statistics update action "delete".
const STAT_DELETE: u8 = 2;

/// Counts of what a decoder read and skipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecodeStats {
    /// Records decoded (every record, whether it gave events or not).
    pub records: u64,
    /// Events produced.
    pub events: u64,
    /// Records skipped for an undefined price or timestamp, or an empty book.
    pub undefined: u64,
    /// Records skipped because their instrument id has no mapping for the record's date.
    pub unmapped: u64,
    /// Records skipped because their instrument cannot be represented (spreads, ICE symbols, …).
    pub unsupported_instrument: u64,
    /// Open-interest records dropped as repeats of one (instrument, `as_of`).
    pub duplicate_open_interest: u64,
    /// Records of kinds that give no event (status, imbalance, system, error, mapping records,
    /// statistics other than open interest).
    pub other: u64,
}

/// Which event comes first for an rtype-1 trade record; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mbp1Order {
    /// mbp-1: the book after the event, so `Trade` then `Quote`.
    #[default]
    TradeFirst,
    /// tbbo: the book before the trade, so `Quote` then `Trade`.
    QuoteFirst,
}

/// The record → event converter, with the instrument map, the OI de-duplication set and counts.
#[derive(Debug, Default)]
pub(crate) struct Converter {
    /// Instrument map.
    pub map: InstrumentMap,
    /// Counts.
    pub stats: DecodeStats,
    /// Event order for rtype-1 trade records.
    pub mbp1_order: Mbp1Order,
    /// Open interest already emitted.
    oi_seen: HashSet<(Instrument, Date)>,
    /// The last (id, UTC day) mapped through the map, the fast path for runs of one instrument.
    last: Option<(u32, i32, Instrument)>,
    /// The (first) event of the last record converted, when [`Converter::convert`] says so.
    pub out: Option<Event>,
    /// The second event of the last record converted, if it had two; the caller takes it before
    /// converting the next record.
    pub second: Option<Event>,
}

/// What converting one record gives: `Ok(true)` when it left its (first) event in
/// [`Converter::out`], built there in place; a record with two events (a trade and the book) leaves
/// the second in [`Converter::second`].
pub(crate) type Out = Result<bool, String>;

/// Maps a Databento side byte.
#[inline(always)]
fn side_of(byte: u8) -> Result<Side, String> {
    match byte {
        b'B' => Ok(Side::Buy),
        b'A' => Ok(Side::Sell),
        b'N' | 0 => Ok(Side::None),
        other => Err(bad_side(other)),
    }
}

/// The error of an unknown side byte.
#[cold]
fn bad_side(byte: u8) -> String {
    format!("unknown side {:?} (expected B, A or N)", char::from(byte))
}

/// The error of an unknown MBO action byte.
#[cold]
fn bad_action(byte: u8) -> String {
    format!(
        "unknown MBO action {:?} (expected A, C, M, R, T, F or N)",
        char::from(byte)
    )
}

/// `true` if the timestamp is undefined.
#[inline]
fn undef_ts(ts: u64) -> bool {
    ts == UNDEF_TS
}

impl Converter {
    /// Converts one record into its events. `symbol` is the raw symbol given
    /// alongside the record (CSV `symbol` column), used instead of the instrument map when present.
    /// Errors are reasons; the caller adds the file and record index.
    #[inline(always)]
    pub fn convert(&mut self, rec: RecordRef<'_>, symbol: Option<&str>) -> Out {
        self.stats.records += 1;
        let hd = rec.header();
        let result = match hd.rtype {
            rtype::MBP_0 => self.trade(rec, symbol),
            rtype::MBP_1 => self.mbp1(rec, symbol),
            rtype::MBP_10 => self.mbp10(rec, symbol),
            rtype::CMBP_1 | rtype::TCBBO => self.cmbp1(rec, symbol),
            rtype::CBBO_1S | rtype::CBBO_1M => self.cbbo(rec, symbol),
            rtype::BBO_1S | rtype::BBO_1M => self.bbo(rec, symbol),
            rtype::OHLCV_1S
            | rtype::OHLCV_1M
            | rtype::OHLCV_1H
            | rtype::OHLCV_1D
            | rtype::OHLCV_EOD => self.ohlcv(rec, symbol),
            rtype::STATISTICS => self.stat(rec, symbol),
            rtype::INSTRUMENT_DEF => self.definition(rec),
            rtype::MBO => self.mbo(rec, symbol),
            rtype::SYMBOL_MAPPING => self.symbol_mapping(rec),
            _ => {
                self.stats.other += 1;
                Ok(false)
            }
        };
        if let Ok(true) = &result {
            self.stats.events += 1;
        }
        result
    }

    /// Converts one record and appends its events to `out`.
    pub fn convert_into(
        &mut self,
        rec: RecordRef<'_>,
        symbol: Option<&str>,
        out: &mut std::collections::VecDeque<Event>,
    ) -> Result<(), String> {
        if self.convert(rec, symbol)? {
            out.extend(self.out.take());
        }
        out.extend(self.second.take());
        Ok(())
    }

    /// The instrument of a record, counting a skip when there is none. The last (id, day) is
    /// answered inline; anything else goes through the map.
    #[inline(always)]
    fn instrument(
        &mut self,
        id: u32,
        publisher: u16,
        index_ts: u64,
        symbol: Option<&str>,
    ) -> Option<Instrument> {
        let day = day_of(index_ts);
        if symbol.is_none()
            && let Some((last_id, last_day, instrument)) = &self.last
            && *last_id == id
            && *last_day == day
        {
            return Some(*instrument);
        }
        self.instrument_slow(id, publisher, day, symbol)
    }

    /// [`Converter::instrument`] through the map (or the CSV symbol).
    #[inline(never)]
    fn instrument_slow(
        &mut self,
        id: u32,
        publisher: u16,
        day: i32,
        symbol: Option<&str>,
    ) -> Option<Instrument> {
        let found = match symbol {
            // A CSV symbol that is not a plain symbol (a CME option on futures such as
            // `E2AM5 C6000`) falls back to the id and the definitions seen so far.
            Some(text) if !text.is_empty() => match self.map.resolve_text(text, day, publisher) {
                Resolved::Unsupported => match self.map.lookup(id, day, publisher) {
                    Some(Resolved::Known(i)) => Some(Resolved::Known(i)),
                    _ => Some(Resolved::Unsupported),
                },
                known => Some(known),
            },
            _ => self.map.lookup(id, day, publisher),
        };
        match found {
            Some(Resolved::Known(i)) => {
                if symbol.is_none() {
                    self.last = Some((id, day, i));
                }
                Some(i)
            }
            Some(Resolved::Unsupported) => {
                self.stats.unsupported_instrument += 1;
                None
            }
            None => {
                self.stats.unmapped += 1;
                None
            }
        }
    }

    /// A record type mismatch (cannot happen for a record framed by its rtype).
    #[cold]
    fn mismatch(rtype: u8) -> String {
        format!("rtype {rtype} does not match its record length")
    }

    /// trades.
    #[inline(always)]
    fn trade(&mut self, rec: RecordRef<'_>, symbol: Option<&str>) -> Out {
        let m: &TradeMsg = rec
            .get()
            .ok_or_else(|| Self::mismatch(rec.header().rtype))?;
        let side = side_of(m.side as u8)?;
        if undef_ts(m.ts_recv) || undef_ts(m.hd.ts_event) || m.price == UNDEF_PX {
            self.stats.undefined += 1;
            return Ok(false);
        }
        let Some(instrument) =
            self.instrument(m.hd.instrument_id, m.hd.publisher_id, m.ts_recv, symbol)
        else {
            return Ok(false);
        };
        self.out = Some(Event::Trade(Trade {
            ts_event: UnixNanos(m.hd.ts_event),
            ts_recv: UnixNanos(m.ts_recv),
            instrument,
            price: Price::from_raw(m.price),
            size: Size::new(m.size),
            exchange: ExchangeId(m.hd.publisher_id),
            conditions: Conditions::EMPTY,
            sequence: u64::from(m.sequence),
            aggressor: side,
        }));
        Ok(true)
    }

    /// A quote from one level into `out` (at least one side defined: the caller checks).
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn quote(
        out: &mut Option<Event>,
        ts_event: u64,
        ts_recv: u64,
        instrument: Instrument,
        (bid_px, ask_px): (i64, i64),
        (bid_sz, ask_sz): (u32, u32),
        (bid_venue, ask_venue): (u16, u16),
    ) {
        let bid_defined = bid_px != UNDEF_PX;
        let ask_defined = ask_px != UNDEF_PX;
        // Price::from_raw keeps the sentinel: an undefined side stays Price::UNDEF.
        *out = Some(Event::Quote(Quote {
            ts_event: UnixNanos(ts_event),
            ts_recv: UnixNanos(ts_recv),
            instrument,
            bid: Price::from_raw(bid_px),
            ask: Price::from_raw(ask_px),
            bid_size: Size::new(if bid_defined { bid_sz } else { 0 }),
            ask_size: Size::new(if ask_defined { ask_sz } else { 0 }),
            bid_exchange: (bid_defined && bid_venue != 0).then_some(ExchangeId(bid_venue)),
            ask_exchange: (ask_defined && ask_venue != 0).then_some(ExchangeId(ask_venue)),
        }));
    }

    /// Shared body of mbp-1/mbp-10/tbbo/tcbbo/cmbp-1: a quote, and a trade when `with_trade`.
    /// The common case (a quote alone) builds its event once, in place in [`Converter::out`]; a
    /// record with two events leaves the second in [`Converter::second`].
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn book_top(
        &mut self,
        hd: &dbn::RecordHeader,
        ts_recv: u64,
        trade: Option<(i64, u32, u8, u32)>,
        px: (i64, i64),
        sz: (u32, u32),
        venues: (u16, u16),
        quote_first: bool,
        symbol: Option<&str>,
    ) -> Out {
        let trade_side = match trade {
            Some((_, _, side, _)) => side_of(side)?,
            None => Side::None,
        };
        if undef_ts(ts_recv) || undef_ts(hd.ts_event) {
            self.stats.undefined += 1;
            return Ok(false);
        }
        let trade = trade.filter(|(price, ..)| *price != UNDEF_PX);
        let quote_possible = !(px.0 == UNDEF_PX && px.1 == UNDEF_PX);
        if trade.is_none() && !quote_possible {
            self.stats.undefined += 1;
            return Ok(false);
        }
        let Some(instrument) = self.instrument(hd.instrument_id, hd.publisher_id, ts_recv, symbol)
        else {
            return Ok(false);
        };
        let Some((price, size, _, sequence)) = trade else {
            Self::quote(
                &mut self.out,
                hd.ts_event,
                ts_recv,
                instrument,
                px,
                sz,
                venues,
            );
            return Ok(true);
        };
        let trade = Event::Trade(Trade {
            ts_event: UnixNanos(hd.ts_event),
            ts_recv: UnixNanos(ts_recv),
            instrument,
            price: Price::from_raw(price),
            size: Size::new(size),
            exchange: ExchangeId(hd.publisher_id),
            conditions: Conditions::EMPTY,
            sequence: u64::from(sequence),
            aggressor: trade_side,
        });
        if !quote_possible {
            self.out = Some(trade);
            return Ok(true);
        }
        let (quote_slot, trade_slot) = if quote_first {
            (&mut self.out, &mut self.second)
        } else {
            (&mut self.second, &mut self.out)
        };
        Self::quote(quote_slot, hd.ts_event, ts_recv, instrument, px, sz, venues);
        *trade_slot = Some(trade);
        self.stats.events += 1;
        Ok(true)
    }

    /// mbp-1 and tbbo.
    #[inline(always)]
    fn mbp1(&mut self, rec: RecordRef<'_>, symbol: Option<&str>) -> Out {
        let m: &Mbp1Msg = rec
            .get()
            .ok_or_else(|| Self::mismatch(rec.header().rtype))?;
        let l = &m.levels[0];
        let trade = (m.action as u8 == b'T').then_some((m.price, m.size, m.side as u8, m.sequence));
        let venue = m.hd.publisher_id;
        self.book_top(
            &m.hd,
            m.ts_recv,
            trade,
            (l.bid_px, l.ask_px),
            (l.bid_sz, l.ask_sz),
            (venue, venue),
            self.mbp1_order == Mbp1Order::QuoteFirst,
            symbol,
        )
    }

    /// mbp-10 (top level only).
    #[inline(always)]
    fn mbp10(&mut self, rec: RecordRef<'_>, symbol: Option<&str>) -> Out {
        let m: &Mbp10Msg = rec
            .get()
            .ok_or_else(|| Self::mismatch(rec.header().rtype))?;
        let l = &m.levels[0];
        let trade = (m.action as u8 == b'T').then_some((m.price, m.size, m.side as u8, m.sequence));
        let venue = m.hd.publisher_id;
        self.book_top(
            &m.hd,
            m.ts_recv,
            trade,
            (l.bid_px, l.ask_px),
            (l.bid_sz, l.ask_sz),
            (venue, venue),
            false,
            symbol,
        )
    }

    /// cmbp-1 (quote) and tcbbo (quote, then trade).
    #[inline(always)]
    fn cmbp1(&mut self, rec: RecordRef<'_>, symbol: Option<&str>) -> Out {
        let m: &Cmbp1Msg = rec
            .get()
            .ok_or_else(|| Self::mismatch(rec.header().rtype))?;
        let l = &m.levels[0];
        let trade = (m.hd.rtype == rtype::TCBBO).then_some((m.price, m.size, m.side as u8, 0));
        self.book_top(
            &m.hd,
            m.ts_recv,
            trade,
            (l.bid_px, l.ask_px),
            (l.bid_sz, l.ask_sz),
            (l.bid_pb, l.ask_pb),
            true,
            symbol,
        )
    }

    /// cbbo-1s / cbbo-1m.
    #[inline(always)]
    fn cbbo(&mut self, rec: RecordRef<'_>, symbol: Option<&str>) -> Out {
        let m: &CbboMsg = rec
            .get()
            .ok_or_else(|| Self::mismatch(rec.header().rtype))?;
        let l = &m.levels[0];
        self.book_top(
            &m.hd,
            m.ts_recv,
            None,
            (l.bid_px, l.ask_px),
            (l.bid_sz, l.ask_sz),
            (l.bid_pb, l.ask_pb),
            true,
            symbol,
        )
    }

    /// bbo-1s / bbo-1m.
    #[inline(always)]
    fn bbo(&mut self, rec: RecordRef<'_>, symbol: Option<&str>) -> Out {
        let m: &BboMsg = rec
            .get()
            .ok_or_else(|| Self::mismatch(rec.header().rtype))?;
        let l = &m.levels[0];
        let venue = m.hd.publisher_id;
        self.book_top(
            &m.hd,
            m.ts_recv,
            None,
            (l.bid_px, l.ask_px),
            (l.bid_sz, l.ask_sz),
            (venue, venue),
            true,
            symbol,
        )
    }

    /// ohlcv-*.
    #[inline(always)]
    fn ohlcv(&mut self, rec: RecordRef<'_>, symbol: Option<&str>) -> Out {
        let m: &OhlcvMsg = rec
            .get()
            .ok_or_else(|| Self::mismatch(rec.header().rtype))?;
        let interval_ns = match m.hd.rtype {
            rtype::OHLCV_1S => 1,
            rtype::OHLCV_1M => 60,
            rtype::OHLCV_1H => 3_600,
            _ => 86_400,
        } * Bar::NANOS_PER_SECOND;
        if undef_ts(m.hd.ts_event) || [m.open, m.high, m.low, m.close].contains(&UNDEF_PX) {
            self.stats.undefined += 1;
            return Ok(false);
        }
        let volume = u32::try_from(m.volume)
            .map_err(|_| format!("bar volume {} exceeds {}", m.volume, u32::MAX))?;
        let ts_recv =
            m.hd.ts_event
                .checked_add(interval_ns)
                .ok_or_else(|| format!("bar start {} + interval overflows", m.hd.ts_event))?;
        let Some(instrument) =
            self.instrument(m.hd.instrument_id, m.hd.publisher_id, m.hd.ts_event, symbol)
        else {
            return Ok(false);
        };
        self.out = Some(Event::Bar(Bar {
            ts_event: UnixNanos(m.hd.ts_event),
            ts_recv: UnixNanos(ts_recv),
            instrument,
            open: Price::from_raw(m.open),
            high: Price::from_raw(m.high),
            low: Price::from_raw(m.low),
            close: Price::from_raw(m.close),
            volume: Size::new(volume),
            interval_ns,
        }));
        Ok(true)
    }

    /// statistics: open interest only.
    #[inline(never)]
    fn stat(&mut self, rec: RecordRef<'_>, symbol: Option<&str>) -> Out {
        let m: &StatMsg = rec
            .get()
            .ok_or_else(|| Self::mismatch(rec.header().rtype))?;
        if m.stat_type != STAT_OPEN_INTEREST || m.update_action == STAT_DELETE {
            self.stats.other += 1;
            return Ok(false);
        }
        if undef_ts(m.ts_recv) || undef_ts(m.hd.ts_event) || m.quantity == i64::MAX {
            self.stats.undefined += 1;
            return Ok(false);
        }
        let contracts = u32::try_from(m.quantity)
            .map_err(|_| format!("open interest {} is not a count of contracts", m.quantity))?;
        let as_of = if undef_ts(m.ts_ref) {
            previous_session(m.hd.ts_event)?
        } else {
            date_of_day(day_of(m.ts_ref)).ok_or_else(|| format!("bad ts_ref {}", m.ts_ref))?
        };
        let Some(instrument) =
            self.instrument(m.hd.instrument_id, m.hd.publisher_id, m.ts_recv, symbol)
        else {
            return Ok(false);
        };
        if !self.oi_seen.insert((instrument, as_of)) {
            self.stats.duplicate_open_interest += 1;
            return Ok(false);
        }
        self.out = Some(Event::OpenInterest(OpenInterest {
            ts_event: UnixNanos(m.hd.ts_event),
            ts_recv: UnixNanos(m.ts_recv),
            instrument,
            contracts: Size::new(contracts),
            as_of,
        }));
        Ok(true)
    }

    /// definition: updates the map and emits a `Definition`.
    #[inline(never)]
    fn definition(&mut self, rec: RecordRef<'_>) -> Out {
        let m: &InstrumentDefMsg = rec
            .get()
            .ok_or_else(|| Self::mismatch(rec.header().rtype))?;
        let raw_symbol = m
            .raw_symbol()
            .map_err(|e| format!("raw_symbol is not text: {e}"))?;
        let index_ts = if undef_ts(m.ts_recv) {
            m.hd.ts_event
        } else {
            m.ts_recv
        };
        if undef_ts(index_ts) {
            self.stats.undefined += 1;
            return Ok(false);
        }
        let day = day_of(index_ts);
        let fields = DefinitionFields {
            raw_symbol,
            class: m.instrument_class as u8,
            expiration: m.expiration,
            strike: m.strike_price,
        };
        let resolved = resolve_definition(&fields, self.map.venue(m.hd.publisher_id), day);
        self.map.define(m.hd.instrument_id, day, resolved);
        self.last = None;
        let Resolved::Known(instrument) = resolved else {
            self.stats.unsupported_instrument += 1;
            return Ok(false);
        };
        let multiplier = whole_units(m.unit_of_measure_qty).filter(|m| *m > 0);
        let tick_size = (m.min_price_increment != UNDEF_PX && m.min_price_increment > 0)
            .then_some(Price::from_raw(m.min_price_increment));
        self.out = Some(Event::Definition(Definition {
            ts_event: UnixNanos(m.hd.ts_event),
            ts_recv: UnixNanos(index_ts),
            instrument,
            vendor_id: m.hd.instrument_id,
            multiplier,
            tick_size,
            expiration: (!undef_ts(m.expiration)).then_some(UnixNanos(m.expiration)),
        }));
        Ok(true)
    }

    /// mbo.
    #[inline(always)]
    fn mbo(&mut self, rec: RecordRef<'_>, symbol: Option<&str>) -> Out {
        let m: &MboMsg = rec
            .get()
            .ok_or_else(|| Self::mismatch(rec.header().rtype))?;
        let action = BookAction::from_code(char::from(m.action as u8))
            .ok_or_else(|| bad_action(m.action as u8))?;
        let side = side_of(m.side as u8)?;
        if undef_ts(m.ts_recv) || undef_ts(m.hd.ts_event) {
            self.stats.undefined += 1;
            return Ok(false);
        }
        let Some(instrument) =
            self.instrument(m.hd.instrument_id, m.hd.publisher_id, m.ts_recv, symbol)
        else {
            return Ok(false);
        };
        self.out = Some(Event::Book(BookUpdate {
            ts_event: UnixNanos(m.hd.ts_event),
            ts_recv: UnixNanos(m.ts_recv),
            instrument,
            action,
            side,
            price: Price::from_raw(m.price),
            size: Size::new(m.size),
            order_id: m.order_id,
            flags: m.flags.raw(),
            sequence: m.sequence,
            exchange: ExchangeId(m.hd.publisher_id),
        }));
        Ok(true)
    }

    /// Live symbol-mapping record: the output symbol becomes the id's instrument from its day on.
    #[inline(never)]
    fn symbol_mapping(&mut self, rec: RecordRef<'_>) -> Out {
        self.stats.other += 1;
        let m: &SymbolMappingMsg = rec
            .get()
            .ok_or_else(|| Self::mismatch(rec.header().rtype))?;
        let raw = m
            .stype_out_symbol()
            .map_err(|e| format!("stype_out_symbol is not text: {e}"))?;
        if undef_ts(m.hd.ts_event) || raw.is_empty() {
            return Ok(false);
        }
        let day = day_of(m.hd.ts_event);
        let venue = self.map.venue(m.hd.publisher_id);
        let resolved = super::symbology::resolve_raw(raw, venue, day);
        self.map.define(m.hd.instrument_id, day, resolved);
        self.last = None;
        Ok(false)
    }
}

/// A fixed-point quantity (1e-9 units) as whole units, `None` if undefined, fractional or too big.
fn whole_units(raw: i64) -> Option<u32> {
    if raw == UNDEF_PX || raw % Price::SCALE != 0 {
        return None;
    }
    u32::try_from(raw / Price::SCALE).ok()
}

/// The NYSE trading day before the New York date of `ts` (ns); the previous calendar day when the
/// date is outside the calendar's years.
fn previous_session(ts: u64) -> Result<Date, String> {
    let ny = gammaflow_model::session::to_new_york(UnixNanos(ts))
        .map_err(|e| format!("ts_event {ts}: {e}"))?
        .date();
    match gammaflow_model::calendar::previous_trading_day(ny) {
        Ok(d) => Ok(d),
        Err(_) => ny
            .yesterday()
            .map_err(|e| format!("ts_event {ts}: no previous day: {e}")),
    }
}
