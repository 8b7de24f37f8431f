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
        let back: StreamMessage = serde_json::from_str(&text)?;
        assert_eq!(back, message);
        Ok(())
    }
}
