import { DeskView, MarketView, RangeView } from '../../core/wire';

/** 2026-11-30 at New York `hh:mm` (EST, UTC−5), ns. */
export function nyNs(hhmm: string): number {
  return Date.parse(`2026-11-30T${hhmm}:00-05:00`) * 1e6;
}

export function morningRange(over: Partial<RangeView> = {}): RangeView {
  return {
    name: 'morning',
    reference_label: 'ES VWAP',
    status: 'closed',
    start_ns: nyNs('00:00'),
    end_ns: nyNs('09:30'),
    start_new_york: '00:00',
    end_new_york: '09:30',
    reference: 6000,
    sigma: 0.16,
    half_width_1s: 10,
    half_width_2s: 20,
    // Deliberately not in price order: the card sorts them.
    levels: [
      { label: 'ref', price: 6000, touches: 1 },
      { label: '+2σ', price: 6020, touches: 0 },
      { label: '−1σ', price: 5990, touches: 2 },
      { label: '+1σ', price: 6010, touches: 3 },
      { label: '−2σ', price: 5980, touches: 0 },
    ],
    touches: 6,
    first_touch_ns: nyNs('08:05'),
    first_touch_new_york: '2026-11-30T08:05:31.250',
    breakout: 'up',
    breakout_ns: nyNs('09:12'),
    breakout_new_york: '2026-11-30T09:12:00.000',
    position: 'above',
    closed_inside: false,
    ...over,
  };
}

export function afternoonRange(over: Partial<RangeView> = {}): RangeView {
  return {
    name: 'afternoon',
    reference_label: 'SPX open projected to ES',
    status: 'active',
    start_ns: nyNs('09:30'),
    end_ns: nyNs('16:00'),
    start_new_york: '09:30',
    end_new_york: '16:00',
    reference: 6015,
    sigma: 0.15,
    half_width_1s: 12.5,
    half_width_2s: 25,
    levels: [
      { label: '+2σ', price: 6040, touches: 0 },
      { label: '+1σ', price: 6027.5, touches: 1 },
      { label: 'ref', price: 6015, touches: 0 },
      { label: '−1σ', price: 6002.5, touches: 0 },
      { label: '−2σ', price: 5990, touches: 0 },
    ],
    touches: 1,
    first_touch_ns: null,
    first_touch_new_york: null,
    breakout: null,
    breakout_ns: null,
    breakout_new_york: null,
    position: 'inside',
    closed_inside: null,
    ...over,
  };
}

export function market(over: Partial<MarketView> = {}): MarketView {
  return {
    trade_date: '2026-11-30',
    es_symbol: 'ESZ6',
    es: 6021.25,
    spx: 6011.0,
    basis: 10.25,
    vwap: 6004.5,
    vwap_source: 'computed',
    spx_open: 6005.0,
    basis_at_open: 10.0,
    atm_iv: 0.155,
    ranges: [morningRange(), afternoonRange()],
    realized: [
      { name: 'overnight', from_new_york: '16:00', to_new_york: '09:30', bars: 300, rv: 0.09 },
      { name: 'morning', from_new_york: '09:30', to_new_york: '12:00', bars: 150, rv: 0.18 },
      { name: 'afternoon', from_new_york: '12:00', to_new_york: '16:00', bars: 0, rv: null },
      { name: 'full', from_new_york: '16:00', to_new_york: '16:00', bars: 450, rv: 0.12 },
    ],
    ...over,
  };
}

export function desk(m: MarketView | undefined | null): DeskView {
  return {
    seq: 7,
    ts_event: nyNs('10:15'),
    time_new_york: '2026-11-30T10:15:00.000',
    source: { name: 'sim', state: 'streaming', events: 10, events_per_second: 1, errors: 0, last_error: null, idle_ms: 0 },
    products: [],
    ...(m === undefined ? {} : { market: m }),
  };
}
