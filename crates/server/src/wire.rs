//! The JSON messages of `GET /ws/stream` and `GET /api/window`, schema version [`SCHEMA_VERSION`].
//!
//! Every message is one [`StreamMessage`]: `{"schema": 1, "kind": "snapshot" | "update", "seq":
//! …, "desk": {…}}`. The first message on a connection is a `snapshot`; the following ones are
//! `update`s. Both carry the **whole** desk state ([`DeskView`]): the window is small (2N+1
//! strikes per product), so a client never has to merge diffs, a slow client that skipped
//! updates is still exactly up to date with the next one, and a reconnecting client needs nothing
//! but the next message. `seq` increases by one per state the desk publishes; a client that sees
//! a gap simply skipped intermediate states (the server sends the latest, never a backlog).
//!
//! Units: prices and strikes in the underlying's quote units (index points, US$ for SPY) as JSON
//! numbers; premium in US$ (price × size × multiplier, summed exactly as fixed point and converted
//! once); delta notional in underlying units (contracts × delta × multiplier); GEX in US$ per 1 %
//! move of the underlying with the classic dealer sign (dealers long calls, short puts); times as
//! ns since the Unix epoch (UTC) plus a New York wall-clock string for display. Unknown values are
//! `null`. A breaking change of this schema increments [`SCHEMA_VERSION`]; adding a field does not.
//!
//! [`DeskView::market`] is the ES/SPX state of the dashboard trade date ([`MarketView`]: last ES
//! and SPX, basis, ES VWAP, SPX open, the morning and afternoon range windows with their ±1σ/±2σ
//! bands, touches and breakout, realized volatility per window), computed from event time by
//! `gammaflow_engine::market`, whose docs give the rules and formulas. The day series are not in
//! the stream (they grow all day): `GET /api/intraday/{product}` ([`IntradayView`]) and
//! `GET /api/market/bars` ([`MarketBarsView`]).

use serde::{Deserialize, Serialize};

/// Version of the message schema. Clients should refuse messages with another major version.
pub const SCHEMA_VERSION: u32 = 1;

/// One WebSocket message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamMessage {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// `snapshot` (first message of a connection) or `update`.
    pub kind: MessageKind,
    /// The desk state.
    pub desk: DeskView,
}

/// Kind of a [`StreamMessage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// The first message of a connection.
    Snapshot,
    /// Any later message.
    Update,
}

/// The whole desk state at one instant.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DeskView {
    /// Publication number, +1 per published state (0 before the first event).
    pub seq: u64,
    /// Event time of the state: the last event processed, ns since the epoch (UTC).
    pub ts_event: u64,
    /// `ts_event` as New York wall-clock time (`2026-11-27T10:31:02.125`), empty before data.
    pub time_new_york: String,
    /// The data source.
    pub source: SourceStatus,
    /// One entry per followed product, in configuration order.
    pub products: Vec<ProductView>,
    /// ES/SPX state of the trade date (always serialised; `null` before any ES or SPX event
    /// inside a trade-date window).
    pub market: Option<MarketView>,
}

/// Where the data comes from and how it is doing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SourceStatus {
    /// `sim`, `polygon` or `replay`.
    pub name: String,
    /// `starting`, `streaming`, `ended` (a finite source is exhausted) or `failed`.
    pub state: String,
    /// Events received.
    pub events: u64,
    /// Events per second of wall time over the last second.
    pub events_per_second: f64,
    /// Bad events and source errors reported (the stream goes on after each).
    pub errors: u64,
    /// The last error's text.
    pub last_error: Option<String>,
    /// Milliseconds of wall time since the last event arrived.
    pub idle_ms: u64,
}

/// One product's 0DTE window and exposures.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProductView {
    /// Product key: `spxw`, `spy` or `es`, with `+N` for the N-th expiry after the 0DTE one.
    pub product: String,
    /// Option root of the current session (`SPXW`, `SPY`, `E2C`, …).
    pub root: String,
    /// Expiry followed (ISO date), `null` before the first session.
    pub expiry: Option<String>,
    /// Underlying (`I:SPX`, `SPY`, `ESZ6`).
    pub underlying: String,
    /// Last underlying price.
    pub spot: Option<f64>,
    /// The window's centre strike (the ATM row).
    pub atm_strike: Option<f64>,
    /// Strike step.
    pub strike_step: f64,
    /// Contract multiplier.
    pub multiplier: u32,
    /// Zero-gamma level from open interest.
    pub zero_gamma: Option<f64>,
    /// Strike with the largest positive GEX (open interest).
    pub call_wall: Option<f64>,
    /// Strike with the most negative GEX (open interest).
    pub put_wall: Option<f64>,
    /// Zero-gamma level from the day's signed flow.
    pub flow_zero_gamma: Option<f64>,
    /// ATM straddle (call mid + put mid), the market's expected absolute move to expiry.
    pub expected_move: Option<f64>,
    /// Total GEX from open interest over the grid (US$ per 1 %).
    pub total_gex: Option<f64>,
    /// Greeks staleness: event time minus the time of the price they were computed at, ms.
    pub greeks_age_ms: Option<f64>,
    /// How the vendor's Greeks compare with ours this session (`null` before any comparison).
    pub vendor_greeks: Option<VendorGreeksCheck>,
    /// Day totals over the whole chain (not only the window).
    pub totals: FlowTotals,
    /// The window's strikes, high → low.
    pub strikes: Vec<StrikeView>,
}

/// Vendor Greeks (Polygon's REST snapshot) against ours, per product and session.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct VendorGreeksCheck {
    /// Vendor values compared.
    pub samples: u64,
    /// Mean |vendor IV − ours| (per 1.00).
    pub mean_abs_iv_diff: f64,
    /// Mean |vendor delta − ours|.
    pub mean_abs_delta_diff: f64,
    /// Largest |vendor delta − ours|.
    pub max_abs_delta_diff: f64,
}

/// Day totals of one product.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct FlowTotals {
    /// Call contracts traded (counted prints).
    pub call_volume: u64,
    /// Put contracts traded.
    pub put_volume: u64,
    /// Call premium, US$.
    pub call_premium: f64,
    /// Put premium, US$.
    pub put_premium: f64,
    /// Buyer- minus seller-initiated call premium, US$ (prints on an unknown side count zero).
    pub call_net_premium: f64,
    /// Buyer- minus seller-initiated put premium, US$.
    pub put_net_premium: f64,
    /// Net delta notional of calls.
    pub call_net_delta: f64,
    /// Net delta notional of puts.
    pub put_net_delta: f64,
    /// Prints that counted for volume.
    pub prints: u64,
    /// Prints excluded by their condition codes (cancelled, …); the lake keeps them, flagged.
    pub excluded: u64,
}

/// One strike of the window.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StrikeView {
    /// Strike price.
    pub strike: f64,
    /// The window's centre strike.
    pub atm: bool,
    /// The call.
    pub call: SideView,
    /// The put.
    pub put: SideView,
    /// Strike GEX from open interest (call + put), US$ per 1 %.
    pub gex_oi: Option<f64>,
    /// Strike GEX from the day's signed flow.
    pub gex_flow: Option<f64>,
}

/// One contract of a strike.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SideView {
    /// Contracts traded today (counted prints).
    pub volume: u64,
    /// Of which bought by the aggressor.
    pub buy_volume: u64,
    /// Of which sold by the aggressor.
    pub sell_volume: u64,
    /// Premium traded, US$.
    pub premium: f64,
    /// Buyer- minus seller-initiated delta notional.
    pub net_delta: f64,
    /// Counted prints flagged as sweeps.
    pub sweeps: u64,
    /// Implied volatility (annualised fraction).
    pub iv: Option<f64>,
    /// Delta.
    pub delta: Option<f64>,
    /// Gamma.
    pub gamma: Option<f64>,
    /// Open interest (contracts).
    pub oi: Option<f64>,
    /// Best bid.
    pub bid: Option<f64>,
    /// Best ask.
    pub ask: Option<f64>,
    /// Last price.
    pub last: Option<f64>,
}

/// `GET /api/chain/{product}`: every contract of the product's 0DTE grid that has a quote, a
/// print or open interest, strikes ascending, calls before puts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChainView {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// Product key.
    pub product: String,
    /// Option root.
    pub root: String,
    /// Expiry (ISO date).
    pub expiry: String,
    /// Event time of the state, ns since the epoch.
    pub ts_event: u64,
    /// Underlying price the Greeks were computed at.
    pub spot: Option<f64>,
    /// The contracts.
    pub contracts: Vec<ChainContractView>,
}

/// One contract of a [`ChainView`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChainContractView {
    /// Strike price.
    pub strike: f64,
    /// `C` or `P`.
    pub right: String,
    /// OCC symbol.
    pub symbol: String,
    /// Quote, flow, IV and Greeks as in the stream.
    #[serde(flatten)]
    pub side: SideView,
    /// Contract GEX from open interest, US$ per 1 %.
    pub gex_oi: Option<f64>,
}

/// ES/SPX state of the dashboard trade date (`desk.market`), from event time only; prices in index
/// points. See `gammaflow_engine::market` for the rules and formulas.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MarketView {
    /// Trade date (ISO) the state belongs to: 20:15 ET the evening before to the cash close.
    pub trade_date: Option<String>,
    /// ES front-month symbol (`ESM25`).
    pub es_symbol: Option<String>,
    /// Last ES trade price.
    pub es: Option<f64>,
    /// Last SPX index value.
    pub spx: Option<f64>,
    /// ES − SPX, points.
    pub basis: Option<f64>,
    /// ES volume-weighted average price of the trade date so far.
    pub vwap: Option<f64>,
    /// Where the VWAP comes from: `computed` (from the ES trades).
    pub vwap_source: String,
    /// First SPX value at or after 09:30 New York, frozen for the day.
    pub spx_open: Option<f64>,
    /// ES − SPX at that moment (or at the first ES trade after it).
    pub basis_at_open: Option<f64>,
    /// The 0DTE SPXW ATM implied volatility the bands use (annualised fraction), `null` before
    /// quotes.
    pub atm_iv: Option<f64>,
    /// Morning then afternoon.
    pub ranges: Vec<RangeView>,
    /// Realized volatility of ES one-minute bars: overnight, morning, afternoon, full.
    pub realized: Vec<RealizedVolView>,
}

/// One range window with its bands, touches and breakout, in ES points.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RangeView {
    /// `morning` or `afternoon`.
    pub name: String,
    /// What the centre is: `ES VWAP` or `SPX open projected to ES`.
    pub reference_label: String,
    /// `pending` (before start), `active` or `closed`, by event time.
    pub status: String,
    /// Window start, ns since the epoch.
    pub start_ns: u64,
    /// Window end (exclusive), ns since the epoch.
    pub end_ns: u64,
    /// Window start as New York `HH:MM`.
    pub start_new_york: String,
    /// Window end as New York `HH:MM`.
    pub end_new_york: String,
    /// Band centre (moves with the VWAP in the morning; frozen in the afternoon).
    pub reference: Option<f64>,
    /// The implied volatility the width was set from (annualised fraction).
    pub sigma: Option<f64>,
    /// Half width of the 1σ band: centre × σ × √τ, τ in ACT/365 years to the window's end.
    pub half_width_1s: Option<f64>,
    /// Half width of the 2σ band (twice the 1σ one).
    pub half_width_2s: Option<f64>,
    /// Band levels high → low: `+2σ`, `+1σ`, `ref`, `−1σ`, `−2σ` (empty before the width is set).
    pub levels: Vec<BandLevel>,
    /// Touches counted over all bands (buffer and cooldown rules).
    pub touches: u64,
    /// Time of the first touch, ns since the epoch.
    pub first_touch_ns: Option<u64>,
    /// Time of the first touch, New York wall clock (`2025-06-09T10:01:02.5`).
    pub first_touch_new_york: Option<String>,
    /// `up`, `down`, or `null` (no breakout yet).
    pub breakout: Option<String>,
    /// When the breakout completed (the price stayed beyond 1σ for the breakout time), ns.
    pub breakout_ns: Option<u64>,
    /// The same, New York wall clock.
    pub breakout_new_york: Option<String>,
    /// Last ES price relative to the 1σ band: `inside`, `above`, `below`, or `null`.
    pub position: Option<String>,
    /// At the window's end: whether ES closed inside the 1σ band (`null` while open).
    pub closed_inside: Option<bool>,
}

/// One level of a range window.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BandLevel {
    /// `+2σ`, `+1σ`, `ref`, `−1σ` or `−2σ`.
    pub label: String,
    /// The level, points.
    pub price: f64,
    /// Touches of this level (always 0 for `ref`).
    pub touches: u64,
}

/// Realized volatility of one window of the trade date.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RealizedVolView {
    /// `overnight`, `morning`, `afternoon` or `full`.
    pub name: String,
    /// Window start, New York `HH:MM`.
    pub from_new_york: String,
    /// Window end, New York `HH:MM`.
    pub to_new_york: String,
    /// Completed one-minute bars in the window so far.
    pub bars: u64,
    /// Annualised close-to-close realized volatility (fraction, 252 × 1380 minutes a year),
    /// `null` under 3 bars.
    pub rv: Option<f64>,
}

/// `GET /api/intraday/{product}`: the day's flow of a product, one point per event-time minute
/// with prints, cumulative since the session start.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IntradayView {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// Product key.
    pub product: String,
    /// The minutes, oldest first.
    pub points: Vec<IntradayPoint>,
}

/// Cumulative flow at the end of one minute.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IntradayPoint {
    /// Minute start, ns since the epoch.
    pub ts: u64,
    /// Minute start, New York wall clock (`2025-06-09T10:31:00`).
    pub time_new_york: String,
    /// Underlying price of the minute's last print.
    pub underlying: Option<f64>,
    /// Call contracts traded so far.
    pub call_volume: u64,
    /// Put contracts traded so far.
    pub put_volume: u64,
    /// Call premium so far, US$.
    pub call_premium: f64,
    /// Put premium so far, US$.
    pub put_premium: f64,
    /// Buyer- minus seller-initiated call premium so far, US$.
    pub call_net_premium: f64,
    /// Buyer- minus seller-initiated put premium so far, US$.
    pub put_net_premium: f64,
    /// Signed call delta notional so far.
    pub call_net_delta: f64,
    /// Signed put delta notional so far.
    pub put_net_delta: f64,
}

/// `GET /api/market/bars`: the trade date's ES one-minute bars with VWAP and SPX.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MarketBarsView {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// ES contract of the bars.
    pub es_symbol: Option<String>,
    /// The bars, oldest first (minutes with ES trades only).
    pub bars: Vec<MarketBar>,
}

/// One ES minute.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MarketBar {
    /// Minute start, ns since the epoch.
    pub ts: u64,
    /// Minute start, New York wall clock.
    pub time_new_york: String,
    /// First trade price, points.
    pub open: f64,
    /// Highest trade price, points.
    pub high: f64,
    /// Lowest trade price, points.
    pub low: f64,
    /// Last trade price, points.
    pub close: f64,
    /// Contracts traded.
    pub volume: u64,
    /// Trade-date VWAP at the end of the minute.
    pub vwap: Option<f64>,
    /// Last SPX value at or before the end of the minute.
    pub spx: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_round_trips_and_names_its_kind() -> Result<(), serde_json::Error> {
        let message = StreamMessage {
            schema: SCHEMA_VERSION,
            kind: MessageKind::Snapshot,
            desk: DeskView {
                seq: 3,
                products: vec![ProductView {
                    product: "spxw".to_owned(),
                    strikes: vec![StrikeView {
                        strike: 6000.0,
                        atm: true,
                        ..StrikeView::default()
                    }],
                    ..ProductView::default()
                }],
                ..DeskView::default()
            },
        };
        let text = serde_json::to_string(&message)?;
        assert!(text.starts_with(r#"{"schema":1,"kind":"snapshot","desk":{"seq":3"#));
        assert!(text.contains(r#""iv":null"#));
        assert!(text.ends_with(r#""market":null}}"#), "{text}");
        let back: StreamMessage = serde_json::from_str(&text)?;
        assert_eq!(back, message);
        Ok(())
    }
}
