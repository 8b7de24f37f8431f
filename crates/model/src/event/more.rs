//! The events added for the data sources: index values, order-book updates (MBO) and instrument
//! definitions. Re-exported from [`crate::event`].

use crate::UnixNanos;
use crate::event::{ExchangeId, Instrument, Side};
use crate::price::{Price, Size};

/// A cash-index value such as `I:SPX` (Polygon/Massive `V` messages, IB index ticks). Indices do
/// not trade, so a value is neither a trade nor a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndexValue {
    /// Calculation timestamp of the value, ns since the Unix epoch.
    pub ts_event: UnixNanos,
    /// Capture timestamp, ns since the Unix epoch.
    pub ts_recv: UnixNanos,
    /// The index, an [`Instrument::Index`].
    pub instrument: Instrument,
    /// The index level in index points.
    pub value: Price,
}

/// What a market-by-order record does to the book (Databento's `action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BookAction {
    /// `A`: a new order rests in the book.
    Add,
    /// `C`: an order leaves the book (fully or partly: `size` is the quantity removed).
    Cancel,
    /// `M`: an order changes price and/or size (`size` is the new resting quantity).
    Modify,
    /// `R`: clear the whole book (start of a snapshot or a reset).
    Clear,
    /// `T`: an aggressing order traded (does not change the book by itself).
    Trade,
    /// `F`: a resting order was filled (does not change the book by itself; a cancel follows).
    Fill,
    /// `N`: no action (e.g. a status-only record).
    None,
}

impl BookAction {
    /// Databento's one-letter code (`A`, `C`, `M`, `R`, `T`, `F`, `N`).
    pub const fn code(self) -> char {
        match self {
            Self::Add => 'A',
            Self::Cancel => 'C',
            Self::Modify => 'M',
            Self::Clear => 'R',
            Self::Trade => 'T',
            Self::Fill => 'F',
            Self::None => 'N',
        }
    }

    /// The action for a Databento one-letter code, `None` for an unknown letter.
    pub const fn from_code(code: char) -> Option<Self> {
        Some(match code {
            'A' => Self::Add,
            'C' => Self::Cancel,
            'M' => Self::Modify,
            'R' => Self::Clear,
            'T' => Self::Trade,
            'F' => Self::Fill,
            'N' => Self::None,
            _ => return None,
        })
    }
}

/// One market-by-order (L3) book update: the raw material of the later order-book rebuild.
///
/// Field meanings follow Databento's MBO schema. A [`BookAction::Clear`] has no price
/// ([`Price::UNDEF`]), size 0 and order id 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BookUpdate {
    /// Matching-engine timestamp, ns since the Unix epoch.
    pub ts_event: UnixNanos,
    /// Capture timestamp, ns since the Unix epoch.
    pub ts_recv: UnixNanos,
    /// What the book is for.
    pub instrument: Instrument,
    /// What the update does.
    pub action: BookAction,
    /// Book side: [`Side::Buy`] = bid, [`Side::Sell`] = ask; for trades and fills the aggressor
    /// (trades) or resting (fills) side; [`Side::None`] when not applicable.
    pub side: Side,
    /// Order price in quote units; [`Price::UNDEF`] when there is none.
    pub price: Price,
    /// Order quantity in contracts (meaning depends on `action`, see [`BookAction`]).
    pub size: Size,
    /// The venue's order id (0 when not applicable).
    pub order_id: u64,
    /// Databento record flags (bit 7 `F_LAST`: last record of an event; bit 5 `F_SNAPSHOT`; …).
    pub flags: u8,
    /// Venue sequence number.
    pub sequence: u32,
    /// Venue (Databento publisher id).
    pub exchange: ExchangeId,
}

impl BookUpdate {
    /// Flag bit: the last record of one venue event (apply the batch, then publish the book).
    pub const F_LAST: u8 = 1 << 7;
    /// Flag bit: the record belongs to a book snapshot (replay of resting orders).
    pub const F_SNAPSHOT: u8 = 1 << 5;

    /// `true` if the record ends a venue event.
    pub const fn is_last(&self) -> bool {
        self.flags & Self::F_LAST != 0
    }

    /// `true` if the record is part of a snapshot.
    pub const fn is_snapshot(&self) -> bool {
        self.flags & Self::F_SNAPSHOT != 0
    }
}

/// What a vendor says about a tradable instrument (Databento `definition`, Polygon reference
/// contracts). Only the fields gammaflow uses; unknown values are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Definition {
    /// Vendor timestamp of the definition, ns since the Unix epoch.
    pub ts_event: UnixNanos,
    /// Capture timestamp, ns since the Unix epoch.
    pub ts_recv: UnixNanos,
    /// The instrument defined.
    pub instrument: Instrument,
    /// The vendor's numeric id for this instrument **on this date** (OPRA ids change daily: never
    /// key on it across dates).
    pub vendor_id: u32,
    /// Contract multiplier (units of underlying per contract); `None` when the vendor does not
    /// publish it (OPRA definitions: assume 100 and flag adjusted contracts).
    pub multiplier: Option<u32>,
    /// Minimum price increment in quote units, `None` if not published.
    pub tick_size: Option<Price>,
    /// Last trading instant (expiration), ns since the Unix epoch, `None` if not published.
    pub expiration: Option<UnixNanos>,
}
