//! One line per market event, as text for a terminal or as JSON lines for other programs.
//!
//! Text: `HH:MM:SS.nnnnnnnnn KIND INSTRUMENT fields…`, times in the chosen zone (New York by
//! default; the date is printed once per day change as a `# YYYY-MM-DD` line). JSON lines: one
//! object per event with `ts_event`/`ts_recv` in integer nanoseconds since the Unix epoch (UTC),
//! prices as exact decimal strings (never floats), sizes as integers.

use std::fmt::Write as _;

use anyhow::Result;
use gammaflow_model::event::{Event, Instrument, Side};
use gammaflow_model::{Price, UnixNanos};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

/// The zone the text tape prints times in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TapeZone {
    /// America/New_York (the exchanges' clock).
    NewYork,
    /// Europe/Zurich.
    Zurich,
    /// UTC.
    Utc,
}

impl TapeZone {
    fn time_zone(self) -> Result<TimeZone> {
        Ok(match self {
            TapeZone::NewYork => gammaflow_model::session::new_york()?,
            TapeZone::Zurich => gammaflow_model::session::zurich()?,
            TapeZone::Utc => TimeZone::UTC,
        })
    }
}

/// Formats events as text lines, remembering the last date printed.
pub struct TextTape {
    zone: TimeZone,
    last_date: Option<Date>,
}

impl TextTape {
    /// A tape in `zone`.
    pub fn new(zone: TapeZone) -> Result<Self> {
        Ok(Self {
            zone: zone.time_zone()?,
            last_date: None,
        })
    }

    /// The line(s) for one event (a `# date` line first when the date changes), without the final
    /// newline.
    pub fn line(&mut self, event: &Event) -> Result<String> {
        let zoned = event.ts_event().to_timestamp()?.to_zoned(self.zone.clone());
        let mut out = String::new();
        if self.last_date != Some(zoned.date()) {
            self.last_date = Some(zoned.date());
            writeln!(out, "# {} ({})", zoned.date(), zone_name(&self.zone))?;
        }
        let t = zoned.time();
        write!(
            out,
            "{:02}:{:02}:{:02}.{:09} ",
            t.hour(),
            t.minute(),
            t.second(),
            t.subsec_nanosecond()
        )?;
        match event {
            Event::Trade(t) => write!(
                out,
                "TRADE {} {} x {} ex {} cond {} side {} seq {}",
                instrument(&t.instrument),
                t.price,
                t.size.get(),
                t.exchange.0,
                codes(t.conditions.as_slice()),
                side(t.aggressor),
                t.sequence
            )?,
            Event::Quote(q) => write!(
                out,
                "QUOTE {} {} x {} / {} x {}",
                instrument(&q.instrument),
                price(q.bid),
                q.bid_size.get(),
                price(q.ask),
                q.ask_size.get()
            )?,
            Event::Bar(b) => write!(
                out,
                "BAR   {} {}s O {} H {} L {} C {} V {}",
                instrument(&b.instrument),
                b.interval_ns / 1_000_000_000,
                b.open,
                b.high,
                b.low,
                b.close,
                b.volume.get()
            )?,
            Event::OpenInterest(o) => write!(
                out,
                "OI    {} {} as of {}",
                instrument(&o.instrument),
                o.contracts.get(),
                o.as_of
            )?,
            Event::Greeks(g) => write!(
                out,
                "GREEK {} iv {:.4} delta {:.4} gamma {:.6} underlying {}",
                instrument(&g.instrument),
                g.iv,
                g.delta,
                g.gamma,
                price(g.underlying_price)
            )?,
            Event::Index(v) => write!(out, "INDEX {} {}", instrument(&v.instrument), v.value)?,
            Event::Book(b) => write!(
                out,
                "BOOK  {} {} {} {} x {} order {}",
                instrument(&b.instrument),
                b.action.code(),
                side(b.side),
                price(b.price),
                b.size.get(),
                b.order_id
            )?,
            Event::Definition(d) => write!(
                out,
                "DEF   {} id {} multiplier {}",
                instrument(&d.instrument),
                d.vendor_id,
                d.multiplier
                    .map_or_else(|| "-".to_owned(), |m| m.to_string())
            )?,
        }
        Ok(out)
    }
}

fn zone_name(zone: &TimeZone) -> &str {
    zone.iana_name().unwrap_or("UTC")
}

/// One JSON object per event (see the module docs).
pub fn json_line(event: &Event) -> Value {
    let common = |kind: &str, instrument_: &Instrument, ts_event: UnixNanos, ts_recv: UnixNanos| {
        json!({
            "type": kind,
            "instrument": instrument(instrument_),
            "ts_event": ts_event.0,
            "ts_recv": ts_recv.0,
        })
    };
    let (mut object, extra) = match event {
        Event::Trade(t) => (
            common("trade", &t.instrument, t.ts_event, t.ts_recv),
            json!({
                "price": t.price.to_string(),
                "size": t.size.get(),
                "exchange": t.exchange.0,
                "conditions": t.conditions.as_slice(),
                "aggressor": side(t.aggressor),
                "sequence": t.sequence,
            }),
        ),
        Event::Quote(q) => (
            common("quote", &q.instrument, q.ts_event, q.ts_recv),
            json!({
                "bid": opt_price(q.bid),
                "ask": opt_price(q.ask),
                "bid_size": q.bid_size.get(),
                "ask_size": q.ask_size.get(),
                "bid_exchange": q.bid_exchange.map(|e| e.0),
                "ask_exchange": q.ask_exchange.map(|e| e.0),
            }),
        ),
        Event::Bar(b) => (
            common("bar", &b.instrument, b.ts_event, b.ts_recv),
            json!({
                "open": b.open.to_string(),
                "high": b.high.to_string(),
                "low": b.low.to_string(),
                "close": b.close.to_string(),
                "volume": b.volume.get(),
                "interval_ns": b.interval_ns,
            }),
        ),
        Event::OpenInterest(o) => (
            common("open_interest", &o.instrument, o.ts_event, o.ts_recv),
            json!({ "contracts": o.contracts.get(), "as_of": o.as_of.to_string() }),
        ),
        Event::Greeks(g) => (
            common("greeks", &g.instrument, g.ts_event, g.ts_recv),
            json!({
                "iv": finite(g.iv),
                "delta": finite(g.delta),
                "gamma": finite(g.gamma),
                "vega": finite(g.vega),
                "theta": finite(g.theta),
                "underlying_price": opt_price(g.underlying_price),
            }),
        ),
        Event::Index(v) => (
            common("index", &v.instrument, v.ts_event, v.ts_recv),
            json!({ "value": v.value.to_string() }),
        ),
        Event::Book(b) => (
            common("book", &b.instrument, b.ts_event, b.ts_recv),
            json!({
                "action": b.action.code().to_string(),
                "side": side(b.side),
                "price": opt_price(b.price),
                "size": b.size.get(),
                "order_id": b.order_id,
                "flags": b.flags,
                "sequence": b.sequence,
                "exchange": b.exchange.0,
            }),
        ),
        Event::Definition(d) => (
            common("definition", &d.instrument, d.ts_event, d.ts_recv),
            json!({
                "vendor_id": d.vendor_id,
                "multiplier": d.multiplier,
                "tick_size": d.tick_size.map(|p| p.to_string()),
                "expiration": d.expiration.map(|t| t.0),
            }),
        ),
    };
    if let (Value::Object(target), Value::Object(fields)) = (&mut object, extra) {
        target.extend(fields);
    }
    object
}

/// The instrument as traders write it: `O:SPXW251216C05800000`, `I:SPX`, `SPY`, `ESZ25`.
pub fn instrument(instrument: &Instrument) -> String {
    match instrument {
        Instrument::Option(c) => c.to_polygon().unwrap_or_else(|_| c.to_string()),
        other => other.to_string(),
    }
}

fn price(p: Price) -> String {
    if p.is_defined() {
        p.to_string()
    } else {
        "-".to_owned()
    }
}

fn opt_price(p: Price) -> Option<String> {
    p.is_defined().then(|| p.to_string())
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn side(s: Side) -> &'static str {
    match s {
        Side::Buy => "B",
        Side::Sell => "S",
        Side::None => "N",
    }
}

fn codes(codes: &[u16]) -> String {
    if codes.is_empty() {
        return "-".to_owned();
    }
    codes
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use gammaflow_model::event::{Conditions, ExchangeId, IndexValue, Trade};
    use gammaflow_model::{OptionContract, Size, Ticker};

    fn trade() -> Event {
        Event::Trade(Trade {
            ts_event: UnixNanos(1_765_899_000_123_000_000),
            ts_recv: UnixNanos(1_765_899_000_124_000_000),
            instrument: OptionContract::parse_any("O:SPXW251216C05800000")
                .unwrap()
                .into(),
            price: "5.1".parse().unwrap(),
            size: Size::new(3),
            exchange: ExchangeId(302),
            conditions: Conditions::try_from_slice(&[209, 219]).unwrap(),
            sequence: 7,
            aggressor: Side::None,
        })
    }

    #[test]
    fn text_lines_name_the_day_once() {
        let mut tape = TextTape::new(TapeZone::NewYork).unwrap();
        let first = tape.line(&trade()).unwrap();
        assert_eq!(
            first,
            "# 2025-12-16 (America/New_York)\n10:30:00.123000000 TRADE O:SPXW251216C05800000 5.1 x 3 ex 302 cond 209,219 side N seq 7"
        );
        let second = tape.line(&trade()).unwrap();
        assert!(second.starts_with("10:30:00.123000000 TRADE"));
        let index = Event::Index(IndexValue {
            ts_event: UnixNanos(1_765_899_000_000_000_000),
            ts_recv: UnixNanos(1_765_899_000_000_000_001),
            instrument: Instrument::Index(Ticker::new("SPX").unwrap()),
            value: "6812.25".parse().unwrap(),
        });
        assert_eq!(
            tape.line(&index).unwrap(),
            "10:30:00.000000000 INDEX I:SPX 6812.25"
        );
    }

    #[test]
    fn json_keeps_exact_prices() {
        let v = json_line(&trade());
        assert_eq!(v["type"], "trade");
        assert_eq!(v["price"], "5.1");
        assert_eq!(v["conditions"], json!([209, 219]));
        assert_eq!(v["ts_event"], 1_765_899_000_123_000_000_u64);
        assert_eq!(v["instrument"], "O:SPXW251216C05800000");
    }
}
