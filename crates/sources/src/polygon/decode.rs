//! The sans-I/O WebSocket decoder: one text frame (a JSON array of events) in, model events and
//! status messages out.
//!
//! | `ev` | market | becomes |
//! |---|---|---|
//! | `T` | options, stocks | [`Event::Trade`]: `p` price, `s` size, `x` exchange, `c` conditions, `q` sequence |
//! | `Q` | options, stocks | [`Event::Quote`]: `bp`/`ap`, `bs`/`as`, `bx`/`ax` |
//! | `A`, `AM` | options, stocks, indices | [`Event::Bar`] of 1 s / 60 s from `s` (window start) |
//! | `V` | indices | [`Event::Index`]: `val` of the index named by **`T`** (not `sym`) |
//! | `status` | all | [`Message::Status`] |
//!
//! Conventions:
//! * `t`, `s` are Unix **milliseconds**; they become `ts_event` in nanoseconds. `ts_recv` is the
//!   value the caller passes (the client stamps it from its injected clock when the frame arrives).
//! * The symbol decides the instrument: `O:…` an option (parsed by the model's Polygon form), `I:…`
//!   an index, anything else an equity.
//! * Option sizes are contracts. **Stock quote sizes are round lots** in the vendor's WebSocket spec
//!   ("the number of round lot orders"), so `Q` sizes of equities are multiplied by 100 to give
//!   shares; stock trade sizes are already shares.
//! * Trades carry no aggressor ([`Side::None`]); `c` may be absent (a regular trade); a missing
//!   `x` gives `ExchangeId(0)`; `Trade::sequence` is `q`, or 0 if absent (the `sequence` of
//!   [`Message::Market`] tells the two apart).
//! * Fields not listed are ignored (stock `i`, `z`, `trfi`; aggregate `vw`, `av`, `op`, `a`).
//!
//! The frame is deserialized in one pass into per-event slots borrowed from the text (no JSON
//! tree); prices are parsed exactly from the shortest round-trip decimal text of the JSON number
//! (see [`json::price_from_f64`]).
//!
//! Errors are per event: a bad event yields one [`PolygonError::Event`] (frame excerpt, index,
//! field, reason) and the frame's other events still decode. Only a frame that is not a JSON array
//! yields a single [`PolygonError::Frame`].

use gammaflow_model::event::{
    Bar, Conditions, Event, ExchangeId, IndexValue, Instrument, Quote, Side, Trade,
};
use gammaflow_model::{OptionContract, Price, Size, Ticker, UnixNanos};

use super::PolygonError;
use super::json;

mod raw;

use raw::{Element, Frame, Loose, RawEvent};

/// Longest excerpt of a frame quoted in an error, in characters.
pub const FRAME_EXCERPT_CHARS: usize = 200;

/// Nanoseconds per millisecond.
const NANOS_PER_MS: u64 = 1_000_000;

/// Shares per round lot (stock quote sizes).
const ROUND_LOT: u32 = 100;

/// One decoded item of a frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// A market event, with the vendor's per-ticker sequence number `q` when the event has one
    /// (trades and quotes; increasing and unique per ticker, **not** contiguous).
    Market {
        /// The event.
        event: Event,
        /// The vendor sequence number `q`, if present.
        sequence: Option<u64>,
    },
    /// A `status` message (connection, authentication, subscription acks, errors).
    Status(Status),
}

/// A `status` message from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The `status` field.
    pub kind: StatusKind,
    /// The `message` field (empty if absent).
    pub message: String,
}

/// The `status` field of a status message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusKind {
    /// `connected`: first message after the WebSocket opens.
    Connected,
    /// `auth_success`.
    AuthSuccess,
    /// `auth_failed`: bad or unentitled key.
    AuthFailed,
    /// `success`: acknowledges a subscribe (`subscribed to: T.O:…`) or unsubscribe.
    Success,
    /// `error`: e.g. an invalid subscription or exceeding a limit.
    Error,
    /// Any other status, kept verbatim (e.g. `max_connections`).
    Other(String),
}

impl StatusKind {
    /// The kind for a `status` field value.
    pub fn parse(text: &str) -> Self {
        match text {
            "connected" => Self::Connected,
            "auth_success" => Self::AuthSuccess,
            "auth_failed" => Self::AuthFailed,
            "success" => Self::Success,
            "error" => Self::Error,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The vendor's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Connected => "connected",
            Self::AuthSuccess => "auth_success",
            Self::AuthFailed => "auth_failed",
            Self::Success => "success",
            Self::Error => "error",
            Self::Other(s) => s,
        }
    }
}

impl Status {
    /// For a `success` ack of a subscription, the topic (`T.O:SPXW…`); `None` otherwise.
    pub fn subscribed_topic(&self) -> Option<&str> {
        match self.kind {
            StatusKind::Success => self
                .message
                .strip_prefix("subscribed to:")
                .map(str::trim_start),
            _ => None,
        }
    }
}

/// Decodes one frame; see the module documentation. Allocates the output; in a loop prefer
/// [`decode_frame_into`].
///
/// ```
/// use gammaflow_model::UnixNanos;
/// use gammaflow_sources::polygon::{Message, decode_frame};
///
/// let frame = r#"[{"ev":"V","val":3988.5,"T":"I:SPX","t":1678220098130}]"#;
/// let out = decode_frame(frame, UnixNanos(1_678_220_098_200_000_000));
/// let Ok(Message::Market { event, .. }) = &out[0] else { panic!("{out:?}") };
/// assert_eq!(event.ts_event(), UnixNanos(1_678_220_098_130_000_000));
/// ```
pub fn decode_frame(text: &str, ts_recv: UnixNanos) -> Vec<Result<Message, PolygonError>> {
    let mut out = Vec::new();
    decode_frame_into(text, ts_recv, &mut out);
    out
}

/// Decodes one frame, appending one item per event to `out` (which is not cleared).
pub fn decode_frame_into(
    text: &str,
    ts_recv: UnixNanos,
    out: &mut Vec<Result<Message, PolygonError>>,
) {
    let elements = match serde_json::from_str::<Frame<'_>>(text) {
        Ok(Frame::Array(elements)) => elements,
        Ok(Frame::NotArray(found)) => {
            out.push(Err(frame_error(
                text,
                format!("expected a JSON array of events, found {found}"),
            )));
            return;
        }
        Err(e) => {
            out.push(Err(frame_error(text, format!("not JSON: {e}"))));
            return;
        }
    };
    out.reserve(elements.len());
    for (index, element) in elements.iter().enumerate() {
        let decoded = match element {
            Element::Event(event) => decode_event(event, ts_recv),
            Element::NotObject(found) => Err((
                String::new(),
                "",
                format!("expected a JSON object, found {found}"),
            )),
        };
        out.push(decoded.map_err(|(ev, field, reason)| PolygonError::Event {
            frame: json::excerpt(text, FRAME_EXCERPT_CHARS),
            index,
            ev,
            field: field.to_owned(),
            reason,
        }));
    }
}

/// The error for a whole frame.
fn frame_error(text: &str, reason: String) -> PolygonError {
    PolygonError::Frame {
        frame: json::excerpt(text, FRAME_EXCERPT_CHARS),
        reason,
    }
}

/// A per-event failure: (`ev`, field, reason).
type ItemError = (String, &'static str, String);

/// A field failure: (field, reason).
type FieldError = (&'static str, String);

/// Decodes one event object.
fn decode_event(e: &RawEvent<'_>, ts_recv: UnixNanos) -> Result<Message, ItemError> {
    let ev = string(&e.ev, "ev").map_err(|(f, r)| (String::new(), f, r))?;
    let result = match ev {
        "T" => decode_trade(e, ts_recv),
        "Q" => decode_quote(e, ts_recv),
        "A" => decode_bar(e, ts_recv, 1),
        "AM" => decode_bar(e, ts_recv, 60),
        "V" => decode_index(e, ts_recv),
        "status" => string(&e.status, "status").map(|status| {
            let message = match &e.message {
                Some(Loose::Str(m)) => m.clone().into_owned(),
                _ => String::new(),
            };
            Message::Status(Status {
                kind: StatusKind::parse(status),
                message,
            })
        }),
        other => Err((
            "ev",
            format!("unsupported event type {other:?} (expected T, Q, A, AM, V or status)"),
        )),
    };
    result.map_err(|(field, reason)| (ev.to_owned(), field, reason))
}

/// A present, non-null slot.
fn required<'s, 'a>(
    slot: &'s Option<Loose<'a>>,
    name: &'static str,
) -> Result<&'s Loose<'a>, FieldError> {
    match slot {
        None | Some(Loose::Null) => Err((name, "missing".to_owned())),
        Some(v) => Ok(v),
    }
}

/// A required string.
fn string<'s>(slot: &'s Option<Loose<'_>>, name: &'static str) -> Result<&'s str, FieldError> {
    match required(slot, name)? {
        Loose::Str(s) => Ok(s),
        other => Err((name, format!("expected a string, found {other}"))),
    }
}

/// A required exact price.
fn price(slot: &Option<Loose<'_>>, name: &'static str) -> Result<Price, FieldError> {
    let value = required(slot, name)?;
    let parsed = match value {
        Loose::U64(n) => i64::try_from(*n)
            .ok()
            .and_then(Price::from_integer)
            .ok_or_else(|| format!("{n} is out of the price range")),
        Loose::I64(n) => {
            Price::from_integer(*n).ok_or_else(|| format!("{n} is out of the price range"))
        }
        Loose::F64(x) => json::price_from_f64(*x),
        other => Err(format!("expected a number, found {other}")),
    };
    parsed.map_err(|reason| (name, reason))
}

/// A non-negative integer value.
fn integer(value: &Loose<'_>, name: &'static str) -> Result<u64, FieldError> {
    match value {
        Loose::U64(n) => Ok(*n),
        other => Err((
            name,
            format!("expected a non-negative integer, found {other}"),
        )),
    }
}

/// An optional non-negative integer.
fn opt_integer(slot: &Option<Loose<'_>>, name: &'static str) -> Result<Option<u64>, FieldError> {
    match slot {
        None | Some(Loose::Null) => Ok(None),
        Some(v) => integer(v, name).map(Some),
    }
}

/// A `u16` (exchange or condition id).
fn id16(value: &Loose<'_>, name: &'static str) -> Result<u16, FieldError> {
    let n = integer(value, name)?;
    u16::try_from(n).map_err(|_| (name, format!("{n} does not fit 16 bits")))
}

/// An optional `u16`.
fn opt_id16(slot: &Option<Loose<'_>>, name: &'static str) -> Result<Option<u16>, FieldError> {
    match slot {
        None | Some(Loose::Null) => Ok(None),
        Some(v) => id16(v, name).map(Some),
    }
}

/// A required `u32` count.
fn count(slot: &Option<Loose<'_>>, name: &'static str) -> Result<u32, FieldError> {
    let n = integer(required(slot, name)?, name)?;
    u32::try_from(n).map_err(|_| (name, format!("{n} does not fit 32 bits")))
}

/// The instrument named by a Polygon symbol.
fn instrument(symbol: &str) -> Result<Instrument, String> {
    if symbol.starts_with("O:") {
        OptionContract::parse_polygon(symbol)
            .map(Instrument::Option)
            .map_err(|e| e.to_string())
    } else if let Some(index) = symbol.strip_prefix("I:") {
        Ticker::new(index)
            .map(Instrument::Index)
            .map_err(|e| e.to_string())
    } else {
        Ticker::new(symbol)
            .map(Instrument::Equity)
            .map_err(|e| e.to_string())
    }
}

/// Unix milliseconds to [`UnixNanos`].
pub(crate) fn ms_to_nanos(ms: u64) -> Result<UnixNanos, String> {
    ms.checked_mul(NANOS_PER_MS)
        .map(UnixNanos)
        .ok_or_else(|| format!("{ms} ms is out of the timestamp range"))
}

/// A millisecond timestamp.
fn millis(slot: &Option<Loose<'_>>, name: &'static str) -> Result<UnixNanos, FieldError> {
    let ms = integer(required(slot, name)?, name)?;
    ms_to_nanos(ms).map_err(|reason| (name, reason))
}

/// A symbol as an instrument.
fn symbol(slot: &Option<Loose<'_>>, name: &'static str) -> Result<Instrument, FieldError> {
    instrument(string(slot, name)?).map_err(|reason| (name, reason))
}

/// A quote size: round lots for equities (× 100 shares), contracts otherwise.
fn quote_size(
    slot: &Option<Loose<'_>>,
    name: &'static str,
    inst: Instrument,
) -> Result<Size, FieldError> {
    let n = count(slot, name)?;
    match inst {
        Instrument::Equity(_) => n
            .checked_mul(ROUND_LOT)
            .map(Size::new)
            .ok_or_else(|| (name, format!("{n} round lots overflow 32 bits of shares"))),
        _ => Ok(Size::new(n)),
    }
}

/// The `c` array of condition ids (absent or empty: a regular trade).
fn conditions(slot: &Option<Loose<'_>>) -> Result<Conditions, FieldError> {
    let codes = match slot {
        None | Some(Loose::Null) => return Ok(Conditions::EMPTY),
        Some(Loose::Array(codes)) => codes,
        Some(other) => {
            return Err((
                "c",
                format!("expected an array of condition ids, found {other}"),
            ));
        }
    };
    let mut out = Conditions::EMPTY;
    for code in codes {
        let id = id16(code, "c")?;
        out.try_push(id).map_err(|e| ("c", e.to_string()))?;
    }
    Ok(out)
}

/// `T`: a trade.
fn decode_trade(e: &RawEvent<'_>, ts_recv: UnixNanos) -> Result<Message, FieldError> {
    let instrument = symbol(&e.sym, "sym")?;
    let price = price(&e.p, "p")?;
    let size = Size::new(count(&e.s, "s")?);
    let exchange = opt_id16(&e.x, "x")?.unwrap_or(0);
    let conditions = conditions(&e.c)?;
    let ts_event = millis(&e.t, "t")?;
    let sequence = opt_integer(&e.q, "q")?;
    Ok(Message::Market {
        event: Event::Trade(Trade {
            ts_event,
            ts_recv,
            instrument,
            price,
            size,
            exchange: ExchangeId(exchange),
            conditions,
            sequence: sequence.unwrap_or(0),
            aggressor: Side::None,
        }),
        sequence,
    })
}

/// `Q`: a quote (NBBO).
fn decode_quote(e: &RawEvent<'_>, ts_recv: UnixNanos) -> Result<Message, FieldError> {
    let instrument = symbol(&e.sym, "sym")?;
    let bid = price(&e.bp, "bp")?;
    let ask = price(&e.ap, "ap")?;
    let bid_size = quote_size(&e.bs, "bs", instrument)?;
    let ask_size = quote_size(&e.ask_size, "as", instrument)?;
    let bid_exchange = opt_id16(&e.bx, "bx")?.map(ExchangeId);
    let ask_exchange = opt_id16(&e.ax, "ax")?.map(ExchangeId);
    let ts_event = millis(&e.t, "t")?;
    let sequence = opt_integer(&e.q, "q")?;
    Ok(Message::Market {
        event: Event::Quote(Quote {
            ts_event,
            ts_recv,
            instrument,
            bid,
            ask,
            bid_size,
            ask_size,
            bid_exchange,
            ask_exchange,
        }),
        sequence,
    })
}

/// `A` / `AM`: an aggregate bar of `seconds` seconds starting at `s`.
fn decode_bar(e: &RawEvent<'_>, ts_recv: UnixNanos, seconds: u64) -> Result<Message, FieldError> {
    let instrument = symbol(&e.sym, "sym")?;
    let open = price(&e.o, "o")?;
    let high = price(&e.h, "h")?;
    let low = price(&e.l, "l")?;
    let close = price(&e.c, "c")?;
    let volume = match opt_integer(&e.v, "v")? {
        None => Size::ZERO,
        Some(v) => {
            Size::new(u32::try_from(v).map_err(|_| ("v", format!("{v} does not fit 32 bits")))?)
        }
    };
    let ts_event = millis(&e.s, "s")?;
    Ok(Message::Market {
        event: Event::Bar(Bar {
            ts_event,
            ts_recv,
            instrument,
            open,
            high,
            low,
            close,
            volume,
            interval_ns: seconds * Bar::NANOS_PER_SECOND,
        }),
        sequence: None,
    })
}

/// `V`: an index value; the index is named by `T`.
fn decode_index(e: &RawEvent<'_>, ts_recv: UnixNanos) -> Result<Message, FieldError> {
    let instrument = symbol(&e.index_ticker, "T")?;
    if !matches!(instrument, Instrument::Index(_)) {
        let name = string(&e.index_ticker, "T").unwrap_or_default();
        return Err((
            "T",
            format!("expected an index ticker such as \"I:SPX\", found {name:?}"),
        ));
    }
    let value: Price = price(&e.val, "val")?;
    let ts_event = millis(&e.t, "t")?;
    Ok(Message::Market {
        event: Event::Index(IndexValue {
            ts_event,
            ts_recv,
            instrument,
            value,
        }),
        sequence: None,
    })
}

#[cfg(test)]
mod tests;
