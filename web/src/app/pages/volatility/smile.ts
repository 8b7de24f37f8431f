import { ChainView, ProductView, RealizedVolView } from '../../core/wire';

/** The smile's x axis: strike, or moneyness `strike / spot − 1`. */
export type SmileAxis = 'strike' | 'moneyness';

export interface SmilePoint {
  strike: number;
  /** `strike / spot − 1` (fraction). */
  moneyness: number;
  /** Implied volatility, annualised fraction. */
  iv: number;
  /** Which side the point comes from (the OTM one). */
  right: 'C' | 'P';
}

/** One expiry's smile. */
export interface SmileLine {
  product: string;
  expiry: string;
  /** `spxw 2026-11-30`. */
  label: string;
  spot: number;
  /** Strikes ascending. */
  points: SmilePoint[];
}

function usableIv(iv: number | null | undefined): iv is number {
  return typeof iv === 'number' && Number.isFinite(iv) && iv > 0;
}

/**
 * The OTM smile of one chain: for each strike, the put's IV below spot and the call's at or above
 * it. Strikes without an IV on that side are skipped; points sorted by strike. `null` when the
 * chain has no spot (the OTM side cannot be told).
 */
export function smileOf(chain: ChainView): SmileLine | null {
  const spot = chain.spot;
  if (typeof spot !== 'number' || !Number.isFinite(spot) || spot <= 0) {
    return null;
  }
  const byStrike = new Map<number, SmilePoint>();
  for (const c of chain.contracts) {
    const otmRight = c.strike < spot ? 'P' : 'C';
    if (c.right !== otmRight || !usableIv(c.iv)) {
      continue;
    }
    byStrike.set(c.strike, { strike: c.strike, moneyness: c.strike / spot - 1, iv: c.iv, right: c.right });
  }
  const points = [...byStrike.values()].sort((a, b) => a.strike - b.strike);
  return { product: chain.product, expiry: chain.expiry, label: `${chain.product} ${chain.expiry}`, spot, points };
}

/** Smiles of several chains, by expiry date (then product key); empty smiles left out. */
export function smilesOf(chains: readonly ChainView[]): SmileLine[] {
  return chains
    .map(smileOf)
    .filter((s): s is SmileLine => s !== null && s.points.length > 0)
    .sort((a, b) => a.expiry.localeCompare(b.expiry) || a.product.localeCompare(b.product));
}

/** The x value of a point on the chosen axis (moneyness in percent). */
export function smileX(p: SmilePoint, axis: SmileAxis): number {
  return axis === 'strike' ? p.strike : Math.round(p.moneyness * 1e6) / 1e4;
}

/** One point of the ATM term structure. */
export interface TermPoint {
  product: string;
  expiry: string;
  atmStrike: number;
  callIv: number | null;
  putIv: number | null;
  /** Mean of the call and put IV at the ATM strike (the one present if only one is). */
  atmIv: number;
}

/** The ATM IV of one product view (mean of call and put IV at `atm_strike`), or `null`. */
export function atmIvOf(p: ProductView): TermPoint | null {
  if (p.expiry === null || p.atm_strike === null) {
    return null;
  }
  const row = p.strikes.find((s) => s.strike === p.atm_strike);
  if (!row) {
    return null;
  }
  const callIv = usableIv(row.call.iv) ? row.call.iv : null;
  const putIv = usableIv(row.put.iv) ? row.put.iv : null;
  const ivs = [callIv, putIv].filter((v): v is number => v !== null);
  if (ivs.length === 0) {
    return null;
  }
  return {
    product: p.product,
    expiry: p.expiry,
    atmStrike: p.atm_strike,
    callIv,
    putIv,
    atmIv: ivs.reduce((a, b) => a + b, 0) / ivs.length,
  };
}

/** ATM IV per expiry of the given products, ordered by expiry date. */
export function termStructure(products: readonly ProductView[]): TermPoint[] {
  return products
    .map(atmIvOf)
    .filter((t): t is TermPoint => t !== null)
    .sort((a, b) => a.expiry.localeCompare(b.expiry) || a.product.localeCompare(b.product));
}

/** One row of the IV-vs-realized table. */
export interface IvRvRow {
  name: string;
  window: string;
  bars: number;
  rv: number | null;
  iv: number | null;
  /** IV − RV (fraction), `null` when either is missing. */
  spread: number | null;
}

/** Realized windows against the ATM IV, in the server's order. */
export function ivRvRows(realized: readonly RealizedVolView[], atmIv: number | null): IvRvRow[] {
  return realized.map((r) => ({
    name: r.name,
    window: `${r.from_new_york}–${r.to_new_york}`,
    bars: r.bars,
    rv: r.rv,
    iv: atmIv,
    spread: r.rv !== null && atmIv !== null ? atmIv - r.rv : null,
  }));
}
