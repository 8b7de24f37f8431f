//! Model events → DBN records (trades, consolidated and CME top of book, open interest, bars).
//!
//! Each function takes the event's position in the caller's slice so that an error names it.

use std::collections::{BTreeMap, HashMap};

use dbn::{
    Action, BidAskPair, Cmbp1Msg, ConsolidatedBidAskPair, FlagSet, Mbp1Msg, OhlcvMsg, RecordHeader,
    Schema, StatMsg, StatType, StatUpdateAction, TradeMsg, rtype,
};
use gammaflow_model::Price;
use gammaflow_model::event::{Bar, ExchangeId, Instrument, OpenInterest, Quote, Side, Trade};

use super::ExchangeIds;
use super::symbology::DaySymbology;
use super::venues::{GLBX_PUBLISHER, OPRA_CONSOLIDATED_PUBLISHER, polygon_to_opra_publisher};
use super::{MINUTE_NS, midnight_utc_ns};
use crate::databento::DatabentoError;

/// Flags of OPRA trades as Databento delivers them: `F_LAST | F_TOB | F_PUBLISHER_SPECIFIC` (194).
const OPRA_TRADE_FLAGS: u8 = 194;
/// Flags of every other record written: `F_LAST` (128), one record per venue event.
const LAST_FLAGS: u8 = 128;
/// The OPRA channel written into statistics records.
const OPRA_STAT_CHANNEL: u16 = 0;

/// The error for event `index` about `instrument`.
pub(super) fn unwritable(index: usize, instrument: &Instrument, reason: String) -> DatabentoError {
    DatabentoError::Unwritable {
        index,
        instrument: instrument.to_string(),
        reason,
    }
}

/// The instrument id and raw symbol of a routed event's instrument.
fn lookup<'s>(
    sym: &'s DaySymbology,
    index: usize,
    instrument: &Instrument,
) -> Result<(u32, &'s str), DatabentoError> {
    sym.entry(instrument)
        .map(|e| (e.id, e.raw.as_str()))
        .ok_or_else(|| unwritable(index, instrument, "not in the day's symbology".to_owned()))
}

/// A defined price's raw value, or an error naming `what`.
fn defined(
    index: usize,
    instrument: &Instrument,
    what: &str,
    price: Price,
) -> Result<i64, DatabentoError> {
    if price.is_defined() {
        Ok(price.raw())
    } else {
        Err(unwritable(
            index,
            instrument,
            format!("the {what} is undefined (Price::UNDEF)"),
        ))
    }
}

/// The Databento OPRA publisher id of an options venue id in the events' numbering.
pub(super) fn opra_publisher(ids: ExchangeIds, exchange: ExchangeId) -> Result<u16, String> {
    match ids {
        ExchangeIds::Polygon => polygon_to_opra_publisher(exchange.0).ok_or_else(|| {
            format!(
                "options exchange id {} is not a Polygon/Massive id with an OPRA publisher (see databento::write::venues)",
                exchange.0
            )
        }),
        ExchangeIds::Databento => {
            if super::venues::is_opra_publisher(exchange.0) {
                Ok(exchange.0)
            } else {
                Err(format!(
                    "exchange id {} is not a Databento OPRA.PILLAR publisher id",
                    exchange.0
                ))
            }
        }
    }
}

/// Databento's side letter for an aggressor side.
fn side_char(side: Side) -> dbn::Side {
    match side {
        Side::Buy => dbn::Side::Bid,
        Side::Sell => dbn::Side::Ask,
        Side::None => dbn::Side::None,
    }
}

/// A trade print as a `trades` record: OPRA (side `N`, publisher = the venue) or GLBX (futures
/// and options on futures: aggressor side, publisher 1). The sequence keeps the low 32 bits of the model's 64-bit sequence.
pub(super) fn trade<'s>(
    sym: &'s DaySymbology,
    ids: ExchangeIds,
    index: usize,
    t: &Trade,
) -> Result<(TradeMsg, &'s str), DatabentoError> {
    let (id, raw) = lookup(sym, index, &t.instrument)?;
    let price = defined(index, &t.instrument, "trade price", t.price)?;
    let (publisher, side, flags) = match t.instrument {
        Instrument::Option(c) if !super::symbology::is_glbx_option(c.root) => (
            opra_publisher(ids, t.exchange).map_err(|r| unwritable(index, &t.instrument, r))?,
            dbn::Side::None,
            OPRA_TRADE_FLAGS,
        ),
        _ => (GLBX_PUBLISHER, side_char(t.aggressor), LAST_FLAGS),
    };
    let msg = TradeMsg {
        hd: RecordHeader::new::<TradeMsg>(rtype::MBP_0, publisher, id, t.ts_event.as_u64()),
        price,
        size: t.size.get(),
        action: Action::Trade as std::ffi::c_char,
        side: side as std::ffi::c_char,
        flags: FlagSet::new(flags),
        depth: 0,
        ts_recv: t.ts_recv.as_u64(),
        ts_in_delta: 0,
        sequence: t.sequence as u32,
    };
    Ok((msg, raw))
}

/// The top of book last written for one instrument: (bid, bid size, ask, ask size).
type Top = (i64, u32, i64, u32);

/// Remembers each instrument's last top of book, to tell which side a quote update changed.
#[derive(Debug, Default)]
pub(super) struct QuoteSides {
    last: HashMap<u32, Top>,
}

impl QuoteSides {
    /// The update's side and its price and size: `B` (only the bid changed: bid price and size),
    /// `A` (only the ask changed) or `N` (both, neither, or the first quote: no price, size 0).
    fn update(&mut self, id: u32, top: Top) -> (dbn::Side, i64, u32) {
        let previous = self.last.insert(id, top);
        let (bid, bid_sz, ask, ask_sz) = top;
        match previous {
            Some((pb, pbs, pa, pas)) => {
                let bid_changed = (pb, pbs) != (bid, bid_sz);
                let ask_changed = (pa, pas) != (ask, ask_sz);
                match (bid_changed, ask_changed) {
                    (true, false) => (dbn::Side::Bid, bid, bid_sz),
                    (false, true) => (dbn::Side::Ask, ask, ask_sz),
                    _ => (dbn::Side::None, dbn::UNDEF_PRICE, 0),
                }
            }
            None => (dbn::Side::None, dbn::UNDEF_PRICE, 0),
        }
    }
}

/// An option quote as a consolidated top-of-book (`cmbp-1`) record of the OPRA feed (publisher
/// 30) with `bid_pb`/`ask_pb` the venues of the best bid and ask (0 when the quote names none).
pub(super) fn option_quote<'s>(
    sym: &'s DaySymbology,
    ids: ExchangeIds,
    sides: &mut QuoteSides,
    index: usize,
    q: &Quote,
) -> Result<(Cmbp1Msg, &'s str), DatabentoError> {
    let (id, raw) = lookup(sym, index, &q.instrument)?;
    let venue = |e: Option<ExchangeId>| match e {
        None => Ok(0),
        Some(x) => opra_publisher(ids, x).map_err(|r| unwritable(index, &q.instrument, r)),
    };
    let (bid_pb, ask_pb) = (venue(q.bid_exchange)?, venue(q.ask_exchange)?);
    let top = (q.bid.raw(), q.bid_size.get(), q.ask.raw(), q.ask_size.get());
    let (side, price, size) = sides.update(id, top);
    let mut msg = Cmbp1Msg::default_for_schema(Schema::Cmbp1);
    msg.hd = RecordHeader::new::<Cmbp1Msg>(
        rtype::CMBP_1,
        OPRA_CONSOLIDATED_PUBLISHER,
        id,
        q.ts_event.as_u64(),
    );
    msg.price = price;
    msg.size = size;
    msg.action = Action::Add as std::ffi::c_char;
    msg.side = side as std::ffi::c_char;
    msg.flags = FlagSet::new(LAST_FLAGS);
    msg.ts_recv = q.ts_recv.as_u64();
    msg.ts_in_delta = 0;
    msg.levels = [ConsolidatedBidAskPair {
        bid_px: top.0,
        ask_px: top.2,
        bid_sz: top.1,
        ask_sz: top.3,
        bid_pb,
        ask_pb,
        ..Default::default()
    }];
    Ok((msg, raw))
}

/// A futures (or option on futures) quote as an `mbp-1` record (top level after the update; order counts 0 = unknown).
pub(super) fn future_quote<'s>(
    sym: &'s DaySymbology,
    sides: &mut QuoteSides,
    index: usize,
    q: &Quote,
) -> Result<(Mbp1Msg, &'s str), DatabentoError> {
    let (id, raw) = lookup(sym, index, &q.instrument)?;
    let top = (q.bid.raw(), q.bid_size.get(), q.ask.raw(), q.ask_size.get());
    let (side, price, size) = sides.update(id, top);
    let msg = Mbp1Msg {
        hd: RecordHeader::new::<Mbp1Msg>(rtype::MBP_1, GLBX_PUBLISHER, id, q.ts_event.as_u64()),
        price,
        size,
        action: Action::Add as std::ffi::c_char,
        side: side as std::ffi::c_char,
        flags: FlagSet::new(LAST_FLAGS),
        depth: 0,
        ts_recv: q.ts_recv.as_u64(),
        ts_in_delta: 0,
        sequence: 0,
        levels: [BidAskPair {
            bid_px: top.0,
            ask_px: top.2,
            bid_sz: top.1,
            ask_sz: top.3,
            bid_ct: 0,
            ask_ct: 0,
        }],
    };
    Ok((msg, raw))
}

/// Open interest as `statistics` records (stat_type 9): one per publisher in `publishers`, all
/// with the same quantity, `ts_ref` = midnight UTC of the `as_of` date, price undefined, and
/// consecutive `sequence` numbers taken from `sequence`.
pub(super) fn open_interest<'s>(
    sym: &'s DaySymbology,
    publishers: &[u16],
    sequence: &mut u32,
    index: usize,
    oi: &OpenInterest,
) -> Result<(Vec<StatMsg>, &'s str), DatabentoError> {
    let (id, raw) = lookup(sym, index, &oi.instrument)?;
    let ts_ref =
        midnight_utc_ns(oi.as_of).map_err(|e| unwritable(index, &oi.instrument, e.to_string()))?;
    let records = publishers
        .iter()
        .map(|publisher| {
            *sequence = sequence.wrapping_add(1);
            StatMsg {
                hd: RecordHeader::new::<StatMsg>(
                    rtype::STATISTICS,
                    *publisher,
                    id,
                    oi.ts_event.as_u64(),
                ),
                ts_recv: oi.ts_recv.as_u64(),
                ts_ref,
                price: dbn::UNDEF_PRICE,
                quantity: i64::from(oi.contracts.get()),
                sequence: *sequence,
                ts_in_delta: 0,
                stat_type: StatType::OpenInterest as u16,
                channel_id: OPRA_STAT_CHANNEL,
                update_action: StatUpdateAction::New as u8,
                stat_flags: 0,
                ..Default::default()
            }
        })
        .collect();
    Ok((records, raw))
}

/// A 1-minute futures bar as an `ohlcv-1m` record (`ts_event` = the minute's start).
pub(super) fn bar<'s>(
    sym: &'s DaySymbology,
    index: usize,
    b: &Bar,
) -> Result<(OhlcvMsg, &'s str), DatabentoError> {
    let (id, raw) = lookup(sym, index, &b.instrument)?;
    let px = |what: &str, p: Price| defined(index, &b.instrument, what, p);
    let msg = OhlcvMsg {
        hd: RecordHeader::new::<OhlcvMsg>(rtype::OHLCV_1M, GLBX_PUBLISHER, id, b.ts_event.as_u64()),
        open: px("bar open", b.open)?,
        high: px("bar high", b.high)?,
        low: px("bar low", b.low)?,
        close: px("bar close", b.close)?,
        volume: b.volume.as_u64(),
    };
    Ok((msg, raw))
}

/// One minute of one instrument being aggregated: open/close keyed by (ts_event, event index) so
/// that the result does not depend on the order the trades are seen in.
#[derive(Debug, Clone, Copy)]
struct Acc {
    open: ((u64, usize), i64),
    close: ((u64, usize), i64),
    high: i64,
    low: i64,
    volume: u64,
}

/// Builds 1-minute OHLCV bars from futures trades (`ts_event` of a bar = start of the UTC minute
/// of the trades' `ts_event`).
#[derive(Debug, Default)]
pub(super) struct MinuteBars {
    bars: BTreeMap<(u64, u32), Acc>,
}

impl MinuteBars {
    /// Adds trade `index` (already validated by [`trade`]) with instrument id `id`.
    pub(super) fn add(&mut self, index: usize, id: u32, t: &Trade) {
        let ts = t.ts_event.as_u64();
        let minute = ts - ts % MINUTE_NS;
        let key = (ts, index);
        let price = t.price.raw();
        let volume = t.size.as_u64();
        self.bars
            .entry((minute, id))
            .and_modify(|a| {
                if key < a.open.0 {
                    a.open = (key, price);
                }
                if key > a.close.0 {
                    a.close = (key, price);
                }
                a.high = a.high.max(price);
                a.low = a.low.min(price);
                a.volume = a.volume.saturating_add(volume);
            })
            .or_insert(Acc {
                open: (key, price),
                close: (key, price),
                high: price,
                low: price,
                volume,
            });
    }

    /// The bars, ordered by minute then instrument id.
    pub(super) fn into_records(self) -> impl Iterator<Item = OhlcvMsg> {
        self.bars.into_iter().map(|((minute, id), a)| OhlcvMsg {
            hd: RecordHeader::new::<OhlcvMsg>(rtype::OHLCV_1M, GLBX_PUBLISHER, id, minute),
            open: a.open.1,
            high: a.high,
            low: a.low,
            close: a.close.1,
            volume: a.volume,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_sides_name_the_changed_side() {
        let mut s = QuoteSides::default();
        assert_eq!(
            s.update(1, (10, 1, 12, 2)),
            (dbn::Side::None, dbn::UNDEF_PRICE, 0)
        );
        assert_eq!(s.update(1, (11, 3, 12, 2)), (dbn::Side::Bid, 11, 3));
        assert_eq!(s.update(1, (11, 3, 13, 5)), (dbn::Side::Ask, 13, 5));
        assert_eq!(
            s.update(1, (9, 3, 14, 5)),
            (dbn::Side::None, dbn::UNDEF_PRICE, 0)
        );
        assert_eq!(
            s.update(2, (9, 3, 14, 5)),
            (dbn::Side::None, dbn::UNDEF_PRICE, 0)
        );
    }
}
