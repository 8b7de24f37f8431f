/**
 * The JSON shapes of gammaflow's HTTP and WebSocket API (wire schema 1), as written by the Rust
 * crate `gammaflow-server` (`crates/server/src/wire.rs`, `http/*.rs`). Field names are the
 * server's (snake_case). Units: prices and strikes in the underlying's quote units; premium in
 * US$; delta notional in underlying units; GEX in US$ per 1 % move; times as ns since the Unix
 * epoch (UTC, a JSON number: exact to ~0.25 µs, enough for display) plus a New York wall-clock
 * string. Unknown values are `null`. Fields added by later servers are ignored by this client.
 */

export const SCHEMA_VERSION = 1;

/** One message of `GET /ws/stream`. */
export interface StreamMessage {
  schema: number;
  kind: 'snapshot' | 'update';
  desk: DeskView;
}

/** The whole desk state at one instant (`GET /api/window`). */
export interface DeskView {
  seq: number;
  ts_event: number;
  time_new_york: string;
  source: SourceStatus;
  products: ProductView[];
  /** ES/SPX market state, ranges and realized volatility (absent from older servers). */
  market?: MarketView | null;
}

export interface SourceStatus {
  name: string;
  state: 'starting' | 'streaming' | 'ended' | 'failed' | string;
  events: number;
  events_per_second: number;
  errors: number;
  last_error: string | null;
  idle_ms: number;
}

export interface ProductView {
  product: string;
  root: string;
  expiry: string | null;
  underlying: string;
  spot: number | null;
  atm_strike: number | null;
  strike_step: number;
  multiplier: number;
  zero_gamma: number | null;
  call_wall: number | null;
  put_wall: number | null;
  flow_zero_gamma: number | null;
  expected_move: number | null;
  total_gex: number | null;
  greeks_age_ms: number | null;
  vendor_greeks: VendorGreeksCheck | null;
  totals: FlowTotals;
  /** The window, strikes high → low. */
  strikes: StrikeView[];
}

export interface VendorGreeksCheck {
  samples: number;
  mean_abs_iv_diff: number;
  mean_abs_delta_diff: number;
  max_abs_delta_diff: number;
}

export interface FlowTotals {
  call_volume: number;
  put_volume: number;
  call_premium: number;
  put_premium: number;
  /** Buyer- minus seller-initiated premium, US$ (absent from servers before 2026-11-30). */
  call_net_premium?: number;
  put_net_premium?: number;
  call_net_delta: number;
  put_net_delta: number;
  prints: number;
  excluded: number;
}

export interface StrikeView {
  strike: number;
  atm: boolean;
  call: SideView;
  put: SideView;
  gex_oi: number | null;
  gex_flow: number | null;
}

export interface SideView {
  volume: number;
  buy_volume: number;
  sell_volume: number;
  premium: number;
  net_delta: number;
  sweeps: number;
  iv: number | null;
  delta: number | null;
  gamma: number | null;
  oi: number | null;
  bid: number | null;
  ask: number | null;
  last: number | null;
}

/** `GET /api/chain/{product}`: strikes ascending, calls before puts. */
export interface ChainView {
  schema: number;
  product: string;
  root: string;
  expiry: string;
  ts_event: number;
  spot: number | null;
  contracts: ChainContractView[];
}

export interface ChainContractView extends SideView {
  strike: number;
  right: 'C' | 'P';
  symbol: string;
  gex_oi: number | null;
}

// ---------------------------------------------------------------------------------------------
// Market state: ES and SPX, VWAP, the two range windows, realized volatility (`desk.market`).
// ---------------------------------------------------------------------------------------------

/** ES/SPX state of the trade date, computed by the server from event time only. */
export interface MarketView {
  /** Trade date (ISO) the state belongs to. */
  trade_date: string | null;
  /** ES front-month symbol (`ESZ6`). */
  es_symbol: string | null;
  /** Last ES trade price. */
  es: number | null;
  /** Last SPX index value. */
  spx: number | null;
  /** ES − SPX, index points. */
  basis: number | null;
  /** ES volume-weighted average price of the trade date so far. */
  vwap: number | null;
  /** Where the VWAP comes from: `computed` (from ES trades) or `rtvolume` (IB tick 233). */
  vwap_source: string;
  /** First SPX value at or after 09:30 New York, frozen for the day. */
  spx_open: number | null;
  /** ES − SPX at that moment. */
  basis_at_open: number | null;
  /** 0DTE ATM implied volatility (annualised fraction) the bands use, `null` before quotes. */
  atm_iv: number | null;
  /** Morning then afternoon. */
  ranges: RangeView[];
  /** Realized volatility of ES 1-minute bars per window, with the 0DTE ATM IV beside it. */
  realized: RealizedVolView[];
}

/** One range window with its bands, touches and breakout, in ES points. */
export interface RangeView {
  /** `morning` or `afternoon`. */
  name: string;
  /** What the centre is: `ES VWAP` or `SPX open projected to ES`. */
  reference_label: string;
  /** `pending` (before start), `active`, or `closed`. */
  status: 'pending' | 'active' | 'closed' | string;
  /** Window start and end, ns since the epoch, and as New York `HH:MM`. */
  start_ns: number;
  end_ns: number;
  start_new_york: string;
  end_new_york: string;
  /** Band centre (moves with the VWAP in the morning; frozen in the afternoon). */
  reference: number | null;
  /** The implied volatility the width was set from. */
  sigma: number | null;
  /** Half widths of the 1σ and 2σ bands, points. */
  half_width_1s: number | null;
  half_width_2s: number | null;
  /** Band levels, high → low: +2σ, +1σ, reference, −1σ, −2σ. */
  levels: BandLevel[];
  /** Touches counted (buffer and cooldown rules), all bands together. */
  touches: number;
  first_touch_ns: number | null;
  first_touch_new_york: string | null;
  /** `up`, `down`, or `null` (no breakout yet). */
  breakout: 'up' | 'down' | null;
  breakout_ns: number | null;
  breakout_new_york: string | null;
  /** Last ES price relative to the 1σ band: `inside`, `above`, `below`, or `null`. */
  position: 'inside' | 'above' | 'below' | null;
  /** At the window's end: whether ES closed inside the 1σ band (`null` while open). */
  closed_inside: boolean | null;
}

export interface BandLevel {
  /** `+2σ`, `+1σ`, `ref`, `−1σ`, `−2σ`. */
  label: string;
  price: number;
  /** Touches of this level. */
  touches: number;
}

export interface RealizedVolView {
  /** `overnight`, `morning`, `afternoon`, `full`. */
  name: string;
  /** New York `HH:MM` bounds. */
  from_new_york: string;
  to_new_york: string;
  /** 1-minute bars in the window so far. */
  bars: number;
  /** Annualised close-to-close realized volatility (fraction), `null` under 3 bars (2 returns). */
  rv: number | null;
}

// ---------------------------------------------------------------------------------------------
// Day series for the charts.
// ---------------------------------------------------------------------------------------------

/** `GET /api/intraday/{product}`: the day's flow, one point per event-time minute with prints. */
export interface IntradayView {
  schema: number;
  product: string;
  points: IntradayPoint[];
}

/** Cumulative values at the end of one minute. */
export interface IntradayPoint {
  /** Minute start, ns since the epoch. */
  ts: number;
  time_new_york: string;
  /** Underlying price of the last print of the minute. */
  underlying: number | null;
  call_volume: number;
  put_volume: number;
  call_premium: number;
  put_premium: number;
  /** Buyer- minus seller-initiated premium. */
  call_net_premium: number;
  put_net_premium: number;
  call_net_delta: number;
  put_net_delta: number;
}

/** `GET /api/market/bars`: ES 1-minute bars of the trade date with VWAP and SPX. */
export interface MarketBarsView {
  schema: number;
  es_symbol: string | null;
  bars: MarketBar[];
}

export interface MarketBar {
  ts: number;
  time_new_york: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** VWAP at the end of the minute. */
  vwap: number | null;
  /** Last SPX value in the minute. */
  spx: number | null;
}

// ---------------------------------------------------------------------------------------------
// Events calendar, health, history.
// ---------------------------------------------------------------------------------------------

/** `GET /api/events`: the macro calendar (file `events.file`, default the built-in one). */
export interface EventsView {
  schema: number;
  /** Where the calendar came from (a path, or `built-in`). */
  source: string;
  events: MacroEvent[];
}

export interface MacroEvent {
  /** Release time, ns since the epoch. */
  ts: number;
  /** ISO date and New York `HH:MM`. */
  date: string;
  time_new_york: string;
  /** `FOMC`, `CPI`, `NFP`, … */
  kind: string;
  title: string;
  /** `high`, `medium`, `low`. */
  importance: string;
}

/** `GET /api/health`. */
export interface Health {
  status: 'ok' | 'degraded' | string;
  problems: string[];
  schema: number;
  seq: number;
  ts_event: number;
  time_new_york: string;
  source: SourceStatus;
  desk_running: boolean;
  ws_clients: number;
  writer_lag_rows: number;
  wal_bytes: number;
  last_flush_seconds: number;
  errors: { source: number; engine: number; lake: number };
}

/** One entry of `GET /api/history` (the named-query catalog). */
export interface NamedQueryInfo {
  name: string;
  description: string;
  params: { name: string; description: string; required: boolean; default?: string | null }[];
}

/** `GET /api/history/{name}?…`: rows as objects (read columns by name; key order is not meaningful). */
export type HistoryRows = Record<string, string | number | boolean | null>[];
