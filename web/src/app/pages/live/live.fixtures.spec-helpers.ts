import { DeskView, FlowTotals, MarketView, ProductView, SideView, StrikeView } from '../../core/wire';

/** 2026-11-30 10:00:00 New York (15:00 UTC), ns. */
export const T0 = Date.UTC(2026, 10, 30, 15, 0, 0) * 1e6;

export function side(over: Partial<SideView> = {}): SideView {
  return {
    volume: 10, buy_volume: 6, sell_volume: 4, premium: 1000, net_delta: 2.5, sweeps: 0,
    iv: 0.2, delta: 0.5, gamma: 0.01, oi: 100, bid: 1, ask: 1.1, last: 1.05,
    ...over,
  };
}

export function totals(over: Partial<FlowTotals> = {}): FlowTotals {
  return {
    call_volume: 100, put_volume: 150, call_premium: 2_000_000, put_premium: 3_000_000,
    call_net_delta: 120, put_net_delta: -80, prints: 50, excluded: 0,
    ...over,
  };
}

/** A product with 2n+1 strikes around `atm`, high → low, the middle one ATM. */
export function product(key: string, atm: number, step: number, n = 3, over: Partial<ProductView> = {}): ProductView {
  const strikes: StrikeView[] = [];
  for (let i = n; i >= -n; i--) {
    const strike = atm + i * step;
    strikes.push({
      strike,
      atm: i === 0,
      call: side({ volume: 100 + i, premium: 1000 * (10 + i), net_delta: i === 1 ? -5 : 5 }),
      put: side({ volume: 200 + i, premium: 2000 * (10 + i), net_delta: -3 }),
      gex_oi: 1e6 * (i + 0.5),
      gex_flow: 1e5 * i,
    });
  }
  return {
    product: key, root: key.toUpperCase(), expiry: '2026-11-30', underlying: key === 'spy' ? 'SPY' : 'I:SPX',
    spot: atm + step * 0.2, atm_strike: atm, strike_step: step, multiplier: 100,
    zero_gamma: atm - 2 * step, call_wall: atm + step, put_wall: atm - step, flow_zero_gamma: null,
    expected_move: 50, total_gex: 1.5e9, greeks_age_ms: 1200, vendor_greeks: null,
    totals: totals(), strikes,
    ...over,
  };
}

export function market(over: Partial<MarketView> = {}): MarketView {
  return {
    trade_date: '2026-11-30', es_symbol: 'ESZ6', es: 6012.5, spx: 6001.25, basis: 11.25, vwap: 6008.75,
    vwap_source: 'computed', spx_open: 5990, basis_at_open: 11, atm_iv: 0.15, ranges: [], realized: [],
    ...over,
  };
}

export function desk(products: ProductView[], over: Partial<DeskView> = {}): DeskView {
  return {
    seq: 1, ts_event: T0, time_new_york: '2026-11-30T10:00:00.000',
    source: { name: 'sim', state: 'streaming', events: 100, events_per_second: 5, errors: 0, last_error: null, idle_ms: 25 },
    products,
    ...over,
  };
}
