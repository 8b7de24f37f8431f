//! Instrument definitions (`definition` schema) for the day's options and futures, in the DBN
//! version 2 or 3 record layout.
//!
//! An option definition carries what OPRA's do (FORMATS.md §1.6): the OCC raw symbol, instrument
//! class `C`/`P`, the strike, `expiration` (midnight UTC of the expiry date unless the event's
//! [`Definition`] gives an instant), `asset` = the root (`SPXW`), `underlying` = the underlying's
//! ticker (`SPX`), security type `OPT`, exchange `OPRA`, currency USD, and **no multiplier**
//! (`unit_of_measure_qty` and `contract_multiplier` undefined) unless the event's [`Definition`]
//! has one, which goes to `unit_of_measure_qty` (× 1e9, CME's convention). A futures
//! definition carries the CME raw symbol (`ESZ5`), class `F`, security type `FUT`, cfi `FFIXSX`,
//! exchange `XCME`, maturity year and month, the expiry instant (09:30 ET on the quarterly expiry
//! date; undefined for other months and years outside the model calendar) and, for ES and MES when the event gives none, the tick (0.25) and the multiplier (50, 5)
//! as `unit_of_measure_qty` — CME's convention.
//!
//! An option on futures (ES options, FORMATS.md §1.7) carries the CME raw symbol
//! (`EW2F6 C7000`), class `C`/`P`, the strike, security type `OOF`, exchange `XCME`, `asset` and
//! `group` = the root (`EW2`), `underlying` = the raw symbol of the quarterly future it exercises
//! into (`ESH6`, from `gammaflow_model::expiry::es_option_underlying`), maturity year and month
//! of the expiry, `expiration` = the event's instant, else the model's expiration instant (PM
//! 16:00 ET, quarterly AM 09:30 ET), `unit_of_measure_qty` = the event's multiplier, else 50, and
//! the event's tick (undefined without one: CME's option tick table is variable). Databento's
//! reader takes the root from the raw symbol and the expiry date from the UTC date of
//! `expiration`, which the model's instants keep on the expiry date.

use std::ffi::c_char;

use dbn::{InstrumentClass, InstrumentDefMsg, RecordHeader, SecurityUpdateAction, rtype, v2};
use gammaflow_model::OptionContract;
use gammaflow_model::event::{Definition, FutureSymbol};

use super::midnight_utc_ns;
use super::symbology::futures_contract;
use super::venues::{GLBX_PUBLISHER, OPRA_CONSOLIDATED_PUBLISHER};

/// Raw price units per 1.0.
const SCALE: i64 = 1_000_000_000;

/// Everything written into one definition record, independent of the DBN version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DefSpec {
    pub ts_event: u64,
    pub ts_recv: u64,
    pub publisher: u16,
    pub id: u32,
    pub raw: String,
    pub class: InstrumentClass,
    pub min_tick: i64,
    pub display_factor: i64,
    pub expiration: u64,
    pub unit_of_measure_qty: i64,
    pub strike: i64,
    pub maturity_year: u16,
    pub maturity_month: u8,
    pub channel_id: u16,
    pub match_algorithm: u8,
    pub group: String,
    pub exchange: &'static str,
    pub asset: String,
    pub cfi: &'static str,
    pub security_type: &'static str,
    pub unit_of_measure: &'static str,
    pub underlying: String,
    pub strike_currency: &'static str,
}

/// The timestamps of a definition: the event's, or `default_ts` for a synthesized one.
fn stamps(def: Option<&Definition>, default_ts: u64) -> (u64, u64) {
    def.map_or((default_ts, default_ts), |d| {
        (d.ts_event.as_u64(), d.ts_recv.as_u64())
    })
}

/// The definition of an option (from `def` when the events carry one).
pub(super) fn option_spec(
    contract: &OptionContract,
    id: u32,
    raw: &str,
    def: Option<&Definition>,
    default_ts: u64,
) -> Result<DefSpec, String> {
    let (ts_event, ts_recv) = stamps(def, default_ts);
    let expiration = match def.and_then(|d| d.expiration) {
        Some(t) => t.as_u64(),
        None => midnight_utc_ns(contract.expiry).map_err(|e| e.to_string())?,
    };
    let unit_of_measure_qty = match def.and_then(|d| d.multiplier) {
        Some(m) => i64::from(m) * SCALE,
        None => dbn::UNDEF_PRICE,
    };
    let class = match contract.right {
        gammaflow_model::OptionRight::Call => InstrumentClass::Call,
        gammaflow_model::OptionRight::Put => InstrumentClass::Put,
    };
    Ok(DefSpec {
        ts_event,
        ts_recv,
        publisher: OPRA_CONSOLIDATED_PUBLISHER,
        id,
        raw: raw.to_owned(),
        class,
        min_tick: def
            .and_then(|d| d.tick_size)
            .map_or(dbn::UNDEF_PRICE, |p| p.raw()),
        display_factor: dbn::UNDEF_PRICE,
        expiration,
        unit_of_measure_qty,
        strike: contract.strike.raw(),
        maturity_year: u16::MAX,
        maturity_month: u8::MAX,
        channel_id: 1,
        match_algorithm: b' ',
        group: String::new(),
        exchange: "OPRA",
        asset: contract.root.as_str().to_owned(),
        cfi: "",
        security_type: "OPT",
        unit_of_measure: "USD",
        underlying: contract.underlying().ticker().as_str().to_owned(),
        strike_currency: "USD",
    })
}

/// The definition of an option on futures (from `def` when the events carry one).
pub(super) fn future_option_spec(
    contract: &OptionContract,
    id: u32,
    raw: &str,
    def: Option<&Definition>,
    default_ts: u64,
) -> Result<DefSpec, String> {
    use gammaflow_model::expiry;
    let (ts_event, ts_recv) = stamps(def, default_ts);
    let future =
        expiry::es_option_underlying(contract.root, contract.expiry).map_err(|e| e.to_string())?;
    let underlying = futures_contract(&future)?.short_symbol();
    let expiration = match def.and_then(|d| d.expiration) {
        Some(t) => t.as_u64(),
        None => match expiry::es_option_product(contract.root)
            .map(|p| expiry::expiration_instant(p, contract.expiry))
        {
            Some(Ok(t)) => t.as_u64(),
            _ => midnight_utc_ns(contract.expiry).map_err(|e| e.to_string())?,
        },
    };
    let multiplier = def.and_then(|d| d.multiplier).unwrap_or(50);
    let root = contract.root.as_str().to_owned();
    Ok(DefSpec {
        ts_event,
        ts_recv,
        publisher: GLBX_PUBLISHER,
        id,
        raw: raw.to_owned(),
        class: match contract.right {
            gammaflow_model::OptionRight::Call => InstrumentClass::Call,
            gammaflow_model::OptionRight::Put => InstrumentClass::Put,
        },
        min_tick: def
            .and_then(|d| d.tick_size)
            .map_or(dbn::UNDEF_PRICE, |p| p.raw()),
        display_factor: SCALE / 100,
        expiration,
        unit_of_measure_qty: i64::from(multiplier) * SCALE,
        strike: contract.strike.raw(),
        maturity_year: u16::try_from(contract.expiry.year()).unwrap_or(u16::MAX),
        maturity_month: contract.expiry.month() as u8,
        channel_id: 0,
        match_algorithm: b'F',
        group: root.clone(),
        exchange: "XCME",
        asset: root,
        cfi: "",
        security_type: "OOF",
        unit_of_measure: "IPNT",
        underlying,
        strike_currency: "USD",
    })
}

/// Tick and multiplier of the CME products whose facts are known (FORMATS.md §1.7).
fn known_future(root: &str) -> Option<(i64, i64)> {
    match root {
        "ES" => Some((SCALE / 4, 50)),
        "MES" => Some((SCALE / 4, 5)),
        _ => None,
    }
}

/// The definition of a futures contract (from `def` when the events carry one).
pub(super) fn future_spec(
    future: &FutureSymbol,
    id: u32,
    raw: &str,
    def: Option<&Definition>,
    default_ts: u64,
) -> Result<DefSpec, String> {
    let (ts_event, ts_recv) = stamps(def, default_ts);
    let contract = futures_contract(future)?;
    let root = future.root().as_str().to_owned();
    let known = known_future(&root);
    let expiration = match def.and_then(|d| d.expiration) {
        Some(t) => t.as_u64(),
        // Undefined when the model's calendar (2015-2030) cannot place the expiry.
        None => contract
            .expiry_instant()
            .map_or(dbn::UNDEF_TIMESTAMP, |t| t.as_u64()),
    };
    let min_tick = match def.and_then(|d| d.tick_size) {
        Some(p) => p.raw(),
        None => known.map_or(dbn::UNDEF_PRICE, |k| k.0),
    };
    let multiplier = match def.and_then(|d| d.multiplier) {
        Some(m) => Some(i64::from(m)),
        None => known.map(|k| k.1),
    };
    let unit_of_measure_qty = match multiplier {
        Some(m) => m
            .checked_mul(SCALE)
            .ok_or_else(|| format!("multiplier {m} overflows the fixed-point field"))?,
        None => dbn::UNDEF_PRICE,
    };
    Ok(DefSpec {
        ts_event,
        ts_recv,
        publisher: GLBX_PUBLISHER,
        id,
        raw: raw.to_owned(),
        class: InstrumentClass::Future,
        min_tick,
        display_factor: if known.is_some() {
            SCALE / 100
        } else {
            dbn::UNDEF_PRICE
        },
        expiration,
        unit_of_measure_qty,
        strike: dbn::UNDEF_PRICE,
        maturity_year: future.year(),
        maturity_month: future.month(),
        channel_id: 0,
        match_algorithm: b'F',
        group: root.clone(),
        exchange: "XCME",
        asset: root,
        cfi: "FFIXSX",
        security_type: "FUT",
        unit_of_measure: "IPNT",
        underlying: String::new(),
        strike_currency: "",
    })
}

/// Copies `text` into a NUL-terminated fixed-size field, or says which field is too long.
fn chars<const N: usize>(field: &str, text: &str) -> Result<[c_char; N], String> {
    dbn::record::str_to_c_chars::<N>(text).map_err(|e| format!("{field} {text:?}: {e}"))
}

/// Fills the fields both record versions share.
macro_rules! fill {
    ($msg:ident, $spec:ident) => {{
        $msg.ts_recv = $spec.ts_recv;
        $msg.min_price_increment = $spec.min_tick;
        $msg.display_factor = $spec.display_factor;
        $msg.expiration = $spec.expiration;
        $msg.unit_of_measure_qty = $spec.unit_of_measure_qty;
        $msg.strike_price = $spec.strike;
        $msg.maturity_year = $spec.maturity_year;
        $msg.maturity_month = $spec.maturity_month;
        $msg.channel_id = $spec.channel_id;
        $msg.match_algorithm = $spec.match_algorithm as c_char;
        $msg.instrument_class = $spec.class as u8 as c_char;
        $msg.security_update_action = SecurityUpdateAction::Add as u8 as c_char;
        $msg.currency = chars("currency", "USD")?;
        $msg.raw_symbol = chars("raw_symbol", &$spec.raw)?;
        $msg.group = chars("group", &$spec.group)?;
        $msg.exchange = chars("exchange", $spec.exchange)?;
        $msg.asset = chars("asset", &$spec.asset)?;
        $msg.cfi = chars("cfi", $spec.cfi)?;
        $msg.security_type = chars("security_type", $spec.security_type)?;
        $msg.unit_of_measure = chars("unit_of_measure", $spec.unit_of_measure)?;
        $msg.underlying = chars("underlying", &$spec.underlying)?;
        $msg.strike_price_currency = chars("strike_price_currency", $spec.strike_currency)?;
    }};
}

/// The DBN version 3 record.
pub(super) fn to_v3(spec: &DefSpec) -> Result<InstrumentDefMsg, String> {
    let mut msg = InstrumentDefMsg {
        hd: RecordHeader::new::<InstrumentDefMsg>(
            rtype::INSTRUMENT_DEF,
            spec.publisher,
            spec.id,
            spec.ts_event,
        ),
        raw_instrument_id: u64::from(spec.id),
        ..Default::default()
    };
    fill!(msg, spec);
    Ok(msg)
}

/// The DBN version 2 record.
pub(super) fn to_v2(spec: &DefSpec) -> Result<v2::InstrumentDefMsg, String> {
    let mut msg = v2::InstrumentDefMsg {
        hd: RecordHeader::new::<v2::InstrumentDefMsg>(
            rtype::INSTRUMENT_DEF,
            spec.publisher,
            spec.id,
            spec.ts_event,
        ),
        raw_instrument_id: spec.id,
        ..Default::default()
    };
    fill!(msg, spec);
    Ok(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gammaflow_model::Price;
    use jiff::civil::Date;

    #[test]
    fn option_definition_fields() {
        let c = OptionContract::parse_any("SPXW  251216C05800000").unwrap();
        let spec = option_spec(&c, 7, "SPXW  251216C05800000", None, 5).unwrap();
        let v3 = to_v3(&spec).unwrap();
        assert_eq!(v3.raw_symbol().unwrap(), "SPXW  251216C05800000");
        assert_eq!(v3.strike_price, 5_800 * SCALE);
        assert_eq!(v3.instrument_class, b'C' as c_char);
        assert_eq!(v3.asset().unwrap(), "SPXW");
        assert_eq!(v3.underlying().unwrap(), "SPX");
        assert_eq!(v3.contract_multiplier, i32::MAX);
        assert_eq!(
            v3.expiration,
            midnight_utc_ns(Date::constant(2025, 12, 16)).unwrap()
        );
        assert_eq!((v3.hd.ts_event, v3.ts_recv), (5, 5));
        let v2 = to_v2(&spec).unwrap();
        assert_eq!(v2.raw_symbol().unwrap(), "SPXW  251216C05800000");
        assert_eq!(v2.raw_instrument_id, 7);
    }

    #[test]
    fn es_definition_defaults() {
        let f = FutureSymbol::new("ES", 2025, 12).unwrap();
        let spec = future_spec(&f, 9, "ESZ5", None, 0).unwrap();
        assert_eq!(spec.min_tick, Price::from_raw(250_000_000).raw());
        assert_eq!(spec.unit_of_measure_qty, 50 * SCALE);
        // 2025-12-19 09:30 ET = 14:30 UTC.
        assert_eq!(spec.expiration, 1_766_154_600_000_000_000);
        let v3 = to_v3(&spec).unwrap();
        assert_eq!(v3.security_type().unwrap(), "FUT");
        assert_eq!(v3.instrument_class, b'F' as c_char);
    }

    #[test]
    fn option_on_future_definition_fields() {
        let c = OptionContract::new(
            gammaflow_model::OptionRoot::new("EW2").unwrap(),
            Date::constant(2026, 1, 9),
            gammaflow_model::OptionRight::Call,
            "7000".parse().unwrap(),
        );
        let spec = future_option_spec(&c, 11, "EW2F6 C7000", None, 0).unwrap();
        let v3 = to_v3(&spec).unwrap();
        assert_eq!(v3.raw_symbol().unwrap(), "EW2F6 C7000");
        assert_eq!(v3.underlying().unwrap(), "ESH6");
        assert_eq!(v3.security_type().unwrap(), "OOF");
        assert_eq!(v3.hd.publisher_id, GLBX_PUBLISHER);
        assert_eq!(v3.instrument_class, b'C' as c_char);
        assert_eq!(v3.strike_price, 7_000 * SCALE);
        assert_eq!(v3.unit_of_measure_qty, 50 * SCALE);
        // FORMATS §8: EW2F6 C7000 expires 2026-01-09 21:00 UTC.
        assert_eq!(v3.expiration, 1_767_992_400_000_000_000);
        assert!(future_option_spec(&c, 11, "x", None, 0).is_ok());
        let spy = OptionContract::parse_any("SPY   251216C00600000").unwrap();
        assert!(future_option_spec(&spy, 1, "x", None, 0).is_err());
    }
}
