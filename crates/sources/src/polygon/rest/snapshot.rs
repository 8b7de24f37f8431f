//! Sans-I/O parsing of `/v3/snapshot/options/{underlying}` pages (FORMATS §3.4).
//!
//! Each result becomes a [`SnapshotContract`]: vendor Greeks converted to the model's units (delta
//! and gamma as given, per 1 unit of underlying; **vega × 100** from per vol point to per 1.00 of
//! volatility; **theta × 365** from per day to per year), open interest, the last quote and trade,
//! and the underlying's price (`underlying_asset.price` for stocks, `.value` for indices).
//!
//! Timestamps (all vendor REST times are **nanoseconds**):
//! * quote: `last_quote.last_updated`; trade: `last_trade.sip_timestamp`;
//! * Greeks: the later of `last_quote.last_updated` and `underlying_asset.last_updated` (the
//!   inputs of the vendor's computation), else `day.last_updated`, else `ts_recv`;
//! * open interest: `ts_event` is `day.last_updated` (else `ts_recv`), and `as_of` is the trading
//!   day **before** that instant's New York date (the vendor's figure is as of the previous
//!   session's close).
//!
//! A missing section (no `greeks`, no `last_quote`, …) is simply `None`: plans and deep
//! in-the-money contracts omit them. A malformed section is reported as one
//! [`PolygonError::ResultField`] and the result's other sections are still used; a result whose
//! `details.ticker` is unusable is skipped.

use gammaflow_model::event::{
    Conditions, Event, ExchangeId, GreeksSnapshot, Instrument, OpenInterest, Quote, Side, Trade,
};
use gammaflow_model::{OptionContract, Price, Size, UnixNanos, calendar, session};
use serde_json::Value;

use crate::polygon::PolygonError;
use crate::polygon::json::{self, Object};

/// One contract of a chain snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotContract {
    /// The contract (`details.ticker`).
    pub contract: OptionContract,
    /// Vendor IV and Greeks in model units; `None` if the vendor sent neither.
    pub greeks: Option<GreeksSnapshot>,
    /// Open interest as of the previous session.
    pub open_interest: Option<OpenInterest>,
    /// The last NBBO quote.
    pub quote: Option<Quote>,
    /// The last trade.
    pub trade: Option<Trade>,
    /// The underlying's price or index value, in its quote units.
    pub underlying_price: Option<Price>,
}

impl SnapshotContract {
    /// The snapshot as model events: Greeks, open interest, quote, trade (those present).
    pub fn events(&self) -> Vec<Event> {
        let mut out = Vec::with_capacity(4);
        out.extend(self.greeks.map(Event::Greeks));
        out.extend(self.open_interest.map(Event::OpenInterest));
        out.extend(self.quote.map(Event::Quote));
        out.extend(self.trade.map(Event::Trade));
        out
    }
}

/// One parsed page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SnapshotPage {
    /// The usable results, in page order.
    pub contracts: Vec<SnapshotContract>,
    /// One error per malformed section or skipped result.
    pub errors: Vec<PolygonError>,
    /// The vendor's `next_url` (without the key), if more pages exist.
    pub next_url: Option<String>,
}

/// Parses one snapshot page (list form, or the single-contract form whose `results` is an
/// object). `url` (without the key) names the page in errors; `ts_recv` stamps every event.
pub fn parse_snapshot_page(
    body: &str,
    url: &str,
    ts_recv: UnixNanos,
) -> Result<SnapshotPage, PolygonError> {
    let response = |reason: String| PolygonError::Response {
        url: url.to_owned(),
        reason,
    };
    let root: Value = serde_json::from_str(body).map_err(|e| response(format!("not JSON: {e}")))?;
    let Value::Object(root) = root else {
        return Err(response(format!(
            "expected a JSON object, found {}",
            json::found(&root)
        )));
    };
    if let Some(Value::String(status)) = root.get("status")
        && status == "ERROR"
    {
        let message = root
            .get("error")
            .or_else(|| root.get("message"))
            .map_or_else(String::new, |m| json::excerpt(&m.to_string(), 200));
        return Err(response(format!("status ERROR: {message}")));
    }
    let single;
    let results: &[Value] = match root.get("results") {
        Some(Value::Array(items)) => items,
        Some(obj @ Value::Object(_)) => {
            single = [obj.clone()];
            &single
        }
        None | Some(Value::Null) => &[],
        Some(other) => {
            return Err(response(format!(
                "expected `results` to be an array, found {}",
                json::found(other)
            )));
        }
    };
    let next_url = match root.get("next_url") {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let mut page = SnapshotPage {
        contracts: Vec::with_capacity(results.len()),
        errors: Vec::new(),
        next_url,
    };
    for (index, item) in results.iter().enumerate() {
        let mut report = |field: &str, reason: String| {
            page.errors.push(PolygonError::ResultField {
                url: url.to_owned(),
                index,
                field: field.to_owned(),
                reason,
            });
        };
        let Value::Object(obj) = item else {
            report(
                "",
                format!("expected an object, found {}", json::found(item)),
            );
            continue;
        };
        match parse_result(obj, ts_recv) {
            Ok((contract, section_errors)) => {
                for (field, reason) in section_errors {
                    report(&field, reason);
                }
                page.contracts.push(contract);
            }
            Err((field, reason)) => report(&field, reason),
        }
    }
    Ok(page)
}

/// A failure at a JSON path: (path, reason).
type PathError = (String, String);

/// Prefixes a field with its section.
fn at<T>(section: &str, field: &str, r: Result<T, String>) -> Result<T, PathError> {
    r.map_err(|reason| (format!("{section}.{field}"), reason))
}

/// A nanosecond timestamp field.
fn nanos(section: &str, obj: &Object, field: &str) -> Result<Option<UnixNanos>, PathError> {
    at(section, field, json::opt_u64(obj, field)).map(|n| n.map(UnixNanos))
}

/// A nested section object (absent: `None`).
fn section<'a>(obj: &'a Object, name: &str) -> Result<Option<&'a Object>, PathError> {
    json::opt_object(obj, name).map_err(|r| (name.to_owned(), r))
}

/// One result: the contract (or why it is skipped) and the errors of its other sections.
fn parse_result(
    obj: &Object,
    ts_recv: UnixNanos,
) -> Result<(SnapshotContract, Vec<PathError>), PathError> {
    let details =
        section(obj, "details")?.ok_or_else(|| ("details".to_owned(), "missing".to_owned()))?;
    let ticker = at("details", "ticker", json::str_field(details, "ticker"))?;
    let contract = at(
        "details",
        "ticker",
        OptionContract::parse_polygon(ticker).map_err(|e| e.to_string()),
    )?;
    let instrument = Instrument::Option(contract);
    let mut errors = Vec::new();
    let day_updated = keep(
        &mut errors,
        section(obj, "day").and_then(|d| match d {
            Some(d) => nanos("day", d, "last_updated"),
            None => Ok(None),
        }),
    );
    let underlying = keep(&mut errors, section(obj, "underlying_asset"));
    let underlying_price = keep(
        &mut errors,
        underlying.map_or(Ok(None), |u| {
            let price = at("underlying_asset", "price", json::opt_price(u, "price"))?;
            match price {
                Some(p) => Ok(Some(p)),
                None => at("underlying_asset", "value", json::opt_price(u, "value")),
            }
        }),
    );
    let underlying_updated = keep(
        &mut errors,
        underlying.map_or(Ok(None), |u| nanos("underlying_asset", u, "last_updated")),
    );
    let quote = keep(
        &mut errors,
        section(obj, "last_quote").and_then(|q| match q {
            Some(q) => parse_quote(q, instrument).map(Some),
            None => Ok(None),
        }),
    );
    let trade = keep(
        &mut errors,
        section(obj, "last_trade").and_then(|t| match t {
            Some(t) => parse_trade(t, instrument, ts_recv).map(Some),
            None => Ok(None),
        }),
    );
    let greeks_ts = match (quote.map(|q| q.ts_event), underlying_updated) {
        (Some(a), Some(b)) => a.max(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => day_updated.unwrap_or(ts_recv),
    };
    let greeks = keep(
        &mut errors,
        parse_greeks(obj).map(|g| {
            g.map(|[iv, delta, gamma, vega, theta]| GreeksSnapshot {
                ts_event: greeks_ts,
                ts_recv,
                instrument,
                underlying_price: underlying_price.unwrap_or(Price::UNDEF),
                iv,
                delta,
                gamma,
                vega: GreeksSnapshot::vega_from_per_vol_point(vega),
                theta: GreeksSnapshot::theta_from_per_day(theta),
            })
        }),
    );
    let oi_ts = day_updated.unwrap_or(ts_recv);
    let open_interest = keep(
        &mut errors,
        parse_open_interest(obj, instrument, oi_ts, ts_recv),
    );
    let quote = quote.map(|q| Quote { ts_recv, ..q });
    Ok((
        SnapshotContract {
            contract,
            greeks,
            open_interest,
            quote,
            trade,
            underlying_price,
        },
        errors,
    ))
}

/// The value of an optional section, or `None` with its error recorded.
fn keep<T>(errors: &mut Vec<PathError>, r: Result<Option<T>, PathError>) -> Option<T> {
    r.unwrap_or_else(|e| {
        errors.push(e);
        None
    })
}

/// `[iv, delta, gamma, vega per point, theta per day]`, NaN where missing; `None` if all are.
fn parse_greeks(obj: &Object) -> Result<Option<[f64; 5]>, PathError> {
    let iv = json::opt_f64(obj, "implied_volatility")
        .map_err(|r| ("implied_volatility".to_owned(), r))?;
    let greeks = section(obj, "greeks")?;
    let mut values = [iv, None, None, None, None];
    if let Some(g) = greeks {
        for (slot, name) in values[1..]
            .iter_mut()
            .zip(["delta", "gamma", "vega", "theta"])
        {
            *slot = at("greeks", name, json::opt_f64(g, name))?;
        }
    }
    if values.iter().all(Option::is_none) {
        return Ok(None);
    }
    Ok(Some(values.map(|v| v.unwrap_or(f64::NAN))))
}

/// `open_interest` with its `as_of` session.
fn parse_open_interest(
    obj: &Object,
    instrument: Instrument,
    ts_event: UnixNanos,
    ts_recv: UnixNanos,
) -> Result<Option<OpenInterest>, PathError> {
    let field = |r: String| ("open_interest".to_owned(), r);
    let Some(n) = json::opt_u64(obj, "open_interest").map_err(field)? else {
        return Ok(None);
    };
    let contracts = u32::try_from(n).map_err(|_| field(format!("{n} does not fit 32 bits")))?;
    let date = session::to_new_york(ts_event)
        .map_err(|e| field(e.to_string()))?
        .date();
    let as_of = calendar::previous_trading_day(date).map_err(|e| field(e.to_string()))?;
    Ok(Some(OpenInterest {
        ts_event,
        ts_recv,
        instrument,
        contracts: Size::new(contracts),
        as_of,
    }))
}

/// `last_quote` (its `ts_recv` is set by the caller).
fn parse_quote(q: &Object, instrument: Instrument) -> Result<Quote, PathError> {
    let s = "last_quote";
    let size = |name: &str| {
        at(s, name, json::opt_u64(q, name)).and_then(|n| {
            u32::try_from(n.unwrap_or(0))
                .map(Size::new)
                .map_err(|_| (format!("{s}.{name}"), "does not fit 32 bits".to_owned()))
        })
    };
    let ts_event = nanos(s, q, "last_updated")?
        .ok_or_else(|| (format!("{s}.last_updated"), "missing".to_owned()))?;
    Ok(Quote {
        ts_event,
        ts_recv: ts_event,
        instrument,
        bid: at(s, "bid", json::opt_price(q, "bid"))?.unwrap_or(Price::UNDEF),
        ask: at(s, "ask", json::opt_price(q, "ask"))?.unwrap_or(Price::UNDEF),
        bid_size: size("bid_size")?,
        ask_size: size("ask_size")?,
        bid_exchange: at(s, "bid_exchange", json::opt_u16(q, "bid_exchange"))?.map(ExchangeId),
        ask_exchange: at(s, "ask_exchange", json::opt_u16(q, "ask_exchange"))?.map(ExchangeId),
    })
}

/// `last_trade`.
fn parse_trade(t: &Object, instrument: Instrument, ts_recv: UnixNanos) -> Result<Trade, PathError> {
    let s = "last_trade";
    let mut conditions = Conditions::EMPTY;
    match t.get("conditions") {
        None | Some(Value::Null) => {}
        Some(Value::Array(ids)) => {
            for id in ids {
                let id = at(s, "conditions", json::u16_value(id))?;
                conditions
                    .try_push(id)
                    .map_err(|e| (format!("{s}.conditions"), e.to_string()))?;
            }
        }
        Some(other) => {
            return Err((
                format!("{s}.conditions"),
                format!("expected an array, found {}", json::found(other)),
            ));
        }
    }
    let ts_event = nanos(s, t, "sip_timestamp")?
        .ok_or_else(|| (format!("{s}.sip_timestamp"), "missing".to_owned()))?;
    Ok(Trade {
        ts_event,
        ts_recv,
        instrument,
        price: at(s, "price", json::price(t, "price"))?,
        size: Size::new(at(s, "size", json::u32_field(t, "size"))?),
        exchange: ExchangeId(at(s, "exchange", json::opt_u16(t, "exchange"))?.unwrap_or(0)),
        conditions,
        sequence: 0,
        aggressor: Side::None,
    })
}
