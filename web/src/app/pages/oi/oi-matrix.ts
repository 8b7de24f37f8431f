import { ChainContractView, ChainView } from '../../core/wire';

/** Which open interest the heatmap shows. */
export type OiSide = 'call' | 'put' | 'total';

/** One column of the matrix: one expiry (one product). */
export interface OiColumn {
  product: string;
  expiry: string;
  /** `2026-11-30 (spxw)`. */
  label: string;
}

/** Strike × expiry open interest. */
export interface OiMatrix {
  /** Row strikes, ascending. */
  strikes: number[];
  /** Columns ordered by expiry date. */
  columns: OiColumn[];
  /** `cells[row][column]`: the OI, `null` where the chain has no such strike or no OI for it. */
  cells: (number | null)[][];
  /** Largest cell (0 when none). */
  max: number;
  /** The centre and half width used for the strike filter (`null` centre = no filter). */
  center: number | null;
  range: number;
}

function finite(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** The first finite spot of the chains (they share an underlying), or `null`. */
export function spotOf(chains: readonly ChainView[]): number | null {
  for (const c of chains) {
    if (finite(c.spot)) {
      return c.spot;
    }
  }
  return null;
}

/** Whether `strike` is within `range` points of `center` (always true without a centre). */
export function inRange(strike: number, center: number | null, range: number): boolean {
  return center === null || Math.abs(strike - center) <= range + 1e-9;
}

/** Chains ordered by expiry date, then product key. */
export function byExpiry<T extends { expiry: string; product: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.expiry.localeCompare(b.expiry) || a.product.localeCompare(b.product));
}

/**
 * OI of one side at one strike of a chain: the call's, the put's, or their sum (a missing side
 * counts 0 in the sum; `null` when neither side has an OI).
 */
function cellValue(call: ChainContractView | undefined, put: ChainContractView | undefined, side: OiSide): number | null {
  const c = finite(call?.oi) ? call.oi : null;
  const p = finite(put?.oi) ? put.oi : null;
  if (side === 'call') {
    return c;
  }
  if (side === 'put') {
    return p;
  }
  return c === null && p === null ? null : (c ?? 0) + (p ?? 0);
}

/**
 * The strike × expiry matrix of `chains`: rows are the union of the chains' strikes within
 * `range` points of `center` (default: the chains' spot), columns the chains by expiry date.
 */
export function buildOiMatrix(
  chains: readonly ChainView[],
  side: OiSide,
  range: number,
  center: number | null = spotOf(chains),
): OiMatrix {
  const ordered = byExpiry(chains);
  const strikes = new Set<number>();
  const lookup = ordered.map((chain) => {
    const byStrike = new Map<number, { C?: ChainContractView; P?: ChainContractView }>();
    for (const c of chain.contracts) {
      if (!inRange(c.strike, center, range)) {
        continue;
      }
      strikes.add(c.strike);
      const entry = byStrike.get(c.strike) ?? {};
      entry[c.right] = c;
      byStrike.set(c.strike, entry);
    }
    return byStrike;
  });
  const rows = [...strikes].sort((a, b) => a - b);
  let max = 0;
  const cells = rows.map((strike) =>
    lookup.map((byStrike) => {
      const entry = byStrike.get(strike);
      const v = entry ? cellValue(entry.C, entry.P, side) : null;
      if (v !== null && v > max) {
        max = v;
      }
      return v;
    }),
  );
  return {
    strikes: rows,
    columns: ordered.map((c) => ({ product: c.product, expiry: c.expiry, label: `${c.expiry} (${c.product})` })),
    cells,
    max,
    center,
    range,
  };
}

/** Open interest totals of one expiry. */
export interface OiSummary {
  product: string;
  expiry: string;
  callOi: number;
  putOi: number;
  totalOi: number;
  /** Put OI / call OI, `null` when there is no call OI. */
  putCallRatio: number | null;
  callVolume: number;
  putVolume: number;
}

/** Totals of every contract of a chain (not range-filtered), missing OI counted 0. */
export function summarize(chain: ChainView): OiSummary {
  let callOi = 0;
  let putOi = 0;
  let callVolume = 0;
  let putVolume = 0;
  for (const c of chain.contracts) {
    const oi = finite(c.oi) ? c.oi : 0;
    const vol = finite(c.volume) ? c.volume : 0;
    if (c.right === 'C') {
      callOi += oi;
      callVolume += vol;
    } else {
      putOi += oi;
      putVolume += vol;
    }
  }
  return {
    product: chain.product,
    expiry: chain.expiry,
    callOi,
    putOi,
    totalOi: callOi + putOi,
    putCallRatio: callOi > 0 ? putOi / callOi : null,
    callVolume,
    putVolume,
  };
}

/** Summaries of several chains by expiry date. */
export function summaries(chains: readonly ChainView[]): OiSummary[] {
  return byExpiry(chains).map(summarize);
}

/** Volume and OI of both sides at one strike. */
export interface VolumeOiRow {
  strike: number;
  callVolume: number;
  callOi: number | null;
  putVolume: number;
  putOi: number | null;
  /** Total volume / total OI, `null` without OI. */
  ratio: number | null;
}

/** `volume / oi`, `null` when OI is missing or 0. */
export function volumeOiRatio(volume: number, oi: number | null | undefined): number | null {
  return finite(oi) && oi > 0 ? volume / oi : null;
}

/** Per strike (ascending, within `range` of `center`), today's volume against open interest. */
export function volumeOiRows(chain: ChainView, range: number, center: number | null = chain.spot): VolumeOiRow[] {
  const rows = new Map<number, VolumeOiRow>();
  for (const c of chain.contracts) {
    if (!inRange(c.strike, center, range)) {
      continue;
    }
    const row = rows.get(c.strike) ?? { strike: c.strike, callVolume: 0, callOi: null, putVolume: 0, putOi: null, ratio: null };
    const vol = finite(c.volume) ? c.volume : 0;
    const oi = finite(c.oi) ? c.oi : null;
    if (c.right === 'C') {
      row.callVolume = vol;
      row.callOi = oi;
    } else {
      row.putVolume = vol;
      row.putOi = oi;
    }
    rows.set(c.strike, row);
  }
  const out = [...rows.values()].sort((a, b) => a.strike - b.strike);
  for (const r of out) {
    const oi = (r.callOi ?? 0) + (r.putOi ?? 0);
    r.ratio = r.callOi === null && r.putOi === null ? null : volumeOiRatio(r.callVolume + r.putVolume, oi);
  }
  return out;
}

/** One contract with unusual volume relative to its open interest. */
export interface UnusualContract {
  strike: number;
  right: 'C' | 'P';
  symbol: string;
  volume: number;
  oi: number;
  ratio: number;
  premium: number;
}

/**
 * Contracts ranked by volume / OI (highest first; ties by volume), those with OI > 0 and at
 * least `minVolume` contracts traded, the top `limit`.
 */
export function unusualActivity(chain: ChainView, limit = 10, minVolume = 1): UnusualContract[] {
  const out: UnusualContract[] = [];
  for (const c of chain.contracts) {
    const vol = finite(c.volume) ? c.volume : 0;
    const ratio = volumeOiRatio(vol, c.oi);
    if (ratio === null || vol < minVolume) {
      continue;
    }
    out.push({ strike: c.strike, right: c.right, symbol: c.symbol, volume: vol, oi: c.oi as number, ratio, premium: c.premium });
  }
  out.sort((a, b) => b.ratio - a.ratio || b.volume - a.volume || a.strike - b.strike);
  return out.slice(0, limit);
}

/** The default strike half width for an underlying group: ±10 SPY, ±100 SPX and ES. */
export function defaultRange(groupId: string): number {
  return groupId === 'spy' ? 10 : 100;
}
