import { MISSING, compact } from '../../core/format';
import { ProductView, SideView, StrikeView } from '../../core/wire';

/**
 * Where a strike sits against the money: `above` the ATM strike (higher strike: the put is in
 * the money, the call out of it), `atm`, `below` (the call is in the money), or `null` when
 * neither the ATM strike nor spot is known.
 *
 * Note: §3.3 of the spec says "Above: Call ITM / Put OTM", which is backwards for a list sorted
 * high → low (a call is in the money when its strike is *below* spot). The grid follows the
 * option arithmetic, not that line.
 */
export type Moneyness = 'above' | 'atm' | 'below' | null;

export function moneyness(row: StrikeView, atmStrike: number | null, spot: number | null): Moneyness {
  if (row.atm) {
    return 'atm';
  }
  const ref = atmStrike ?? spot;
  if (ref === null || !Number.isFinite(ref)) {
    return null;
  }
  return row.strike > ref ? 'above' : row.strike < ref ? 'below' : 'atm';
}

/** One row of the strike grid, ready for the template. */
export interface GridRow {
  /** `product:strike`, so switching product rebuilds the rows (no flash storm). */
  key: string;
  strike: number;
  atm: boolean;
  callItm: boolean;
  putItm: boolean;
  call: SideView;
  put: SideView;
}

/** The window's rows, high → low as the server sends them. */
export function gridRows(product: ProductView | undefined): GridRow[] {
  if (!product) {
    return [];
  }
  return product.strikes.map((s) => {
    const m = moneyness(s, product.atm_strike, product.spot);
    return {
      key: `${product.product}:${s.strike}`,
      strike: s.strike,
      atm: s.atm,
      callItm: m === 'below',
      putItm: m === 'above',
      call: s.call,
      put: s.put,
    };
  });
}

/** A net delta: one decimal under 1,000 (`+10.3`, `-0.4`), compact above (`-12.3K`). */
export function netDelta(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) {
    return MISSING;
  }
  if (Math.abs(x) < 1000) {
    const r = Math.round(x * 10) / 10;
    return r === 0 ? '0.0' : `${r > 0 ? '+' : ''}${r.toFixed(1)}`;
  }
  return compact(x, true);
}

/** Buyer-initiated share of a side's volume, 0–1, `null` without volume. */
export function buyShare(side: SideView): number | null {
  const total = side.buy_volume + side.sell_volume;
  return total > 0 ? side.buy_volume / total : null;
}
