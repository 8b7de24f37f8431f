import { MISSING, duration, int, money, points, price } from '../../core/format';
import { DeskView, ProductView } from '../../core/wire';

/** Colour hint of a header figure. */
export type Tone = 'plain' | 'call' | 'put' | 'warn' | 'muted';

/** One figure of the Live header. */
export interface HeaderItem {
  /** `data-testid` of the value (`hdr-spot`, `hdr-pcr`, …). */
  id: string;
  label: string;
  value: string;
  tone: Tone;
  /** Tooltip. */
  hint?: string;
}

/** A group of figures (market, levels, flow, source). */
export interface HeaderGroup {
  title: string;
  items: HeaderItem[];
}

/** Put/call volume ratio, `null` without call volume. */
export function putCallRatio(callVolume: number, putVolume: number): number | null {
  return callVolume > 0 && Number.isFinite(putVolume) ? putVolume / callVolume : null;
}

/** Expected move as a fraction of spot, `null` when either is unknown. */
export function expectedMovePct(expectedMove: number | null, spot: number | null): number | null {
  return expectedMove !== null && spot !== null && spot > 0 && Number.isFinite(expectedMove)
    ? expectedMove / spot
    : null;
}

/** `±54.75 (0.91%)`, or `—`. */
export function expectedMoveText(expectedMove: number | null, spot: number | null): string {
  if (expectedMove === null || !Number.isFinite(expectedMove)) {
    return MISSING;
  }
  const f = expectedMovePct(expectedMove, spot);
  return `±${expectedMove.toFixed(2)}${f === null ? '' : ` (${(f * 100).toFixed(2)}%)`}`;
}

/** A strike or level: no decimals when whole (`6000`), else two (`5842.71`). */
export function level(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) {
    return MISSING;
  }
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/** Seconds since the last stream message: `0.4 s`, `—` before the first one. */
export function sinceText(lastMessageAt: number | null, now: number): string {
  if (lastMessageAt === null) {
    return MISSING;
  }
  return `${(Math.max(0, now - lastMessageAt) / 1000).toFixed(1)} s`;
}

/** A message is stale after this long (ms), like the shell's connection badge. */
export const STALE_MS = 5000;

/**
 * Everything the Live header shows, as text, from the desk, the selected product and the
 * display clock. Pure: the component only lays the groups out.
 */
export function headerModel(
  desk: DeskView | null,
  product: ProductView | undefined,
  lastMessageAt: number | null,
  now: number,
): HeaderGroup[] {
  const market = desk?.market ?? null;
  const p = product;
  const t = p?.totals;
  const pcr = t ? putCallRatio(t.call_volume, t.put_volume) : null;
  const premiumPcr = t && t.call_premium > 0 ? t.put_premium / t.call_premium : null;
  const since = lastMessageAt === null ? null : now - lastMessageAt;
  const idle = desk?.source.idle_ms ?? null;
  const greeksAge = p?.greeks_age_ms ?? null;
  const state = desk?.source.state ?? null;
  const gex = p?.total_gex ?? null;
  return [
    {
      title: 'Market',
      items: [
        { id: 'hdr-spot', label: 'Spot', value: price(p?.spot), tone: 'plain', hint: p?.underlying },
        {
          id: 'hdr-es',
          label: market?.es_symbol ? `ES ${market.es_symbol}` : 'ES',
          value: price(market?.es),
          tone: 'plain',
        },
        { id: 'hdr-spx', label: 'SPX', value: price(market?.spx), tone: 'plain' },
        { id: 'hdr-basis', label: 'Basis', value: points(market?.basis), tone: 'muted', hint: 'ES − SPX' },
        {
          id: 'hdr-vwap',
          label: 'VWAP',
          value: price(market?.vwap),
          tone: 'plain',
          hint: market ? `ES VWAP (${market.vwap_source})` : 'not available from this server',
        },
      ],
    },
    {
      title: 'Gamma',
      items: [
        { id: 'hdr-zero-gamma', label: 'Zero γ (OI)', value: level(p?.zero_gamma), tone: 'warn' },
        { id: 'hdr-flow-zero-gamma', label: 'Zero γ (flow)', value: level(p?.flow_zero_gamma), tone: 'warn' },
        { id: 'hdr-call-wall', label: 'Call wall', value: level(p?.call_wall), tone: 'call' },
        { id: 'hdr-put-wall', label: 'Put wall', value: level(p?.put_wall), tone: 'put' },
        {
          id: 'hdr-em',
          label: 'Exp. move',
          value: expectedMoveText(p?.expected_move ?? null, p?.spot ?? null),
          tone: 'plain',
          hint: 'Expected move to the close, points and % of spot',
        },
        {
          id: 'hdr-gex',
          label: 'Total GEX',
          value: gex === null ? MISSING : `${money(gex, true)}/1%`,
          tone: gex === null ? 'muted' : gex >= 0 ? 'call' : 'put',
        },
      ],
    },
    {
      title: `Day flow${p?.expiry ? ` · exp ${p.expiry}` : ''}`,
      items: [
        { id: 'hdr-call-vol', label: 'Call vol', value: int(t?.call_volume), tone: 'call' },
        { id: 'hdr-put-vol', label: 'Put vol', value: int(t?.put_volume), tone: 'put' },
        { id: 'hdr-call-prem', label: 'Call prem', value: money(t?.call_premium), tone: 'call' },
        { id: 'hdr-put-prem', label: 'Put prem', value: money(t?.put_premium), tone: 'put' },
        {
          id: 'hdr-pcr',
          label: 'P/C vol',
          value: pcr === null ? MISSING : pcr.toFixed(2),
          tone: 'plain',
          hint: premiumPcr === null ? undefined : `P/C premium ${premiumPcr.toFixed(2)}`,
        },
        { id: 'hdr-expiry', label: 'Expiry', value: p?.expiry ?? MISSING, tone: 'muted' },
      ],
    },
    {
      title: 'Source',
      items: [
        {
          id: 'hdr-source',
          label: desk?.source.name ?? 'source',
          value: state ?? MISSING,
          tone: state === 'streaming' ? 'call' : state === 'failed' ? 'put' : 'warn',
          hint: desk?.source.last_error ?? undefined,
        },
        {
          id: 'hdr-idle',
          label: 'Idle',
          value: duration(idle),
          tone: idle !== null && idle > STALE_MS ? 'warn' : 'muted',
          hint: 'Time since the source last delivered an event',
        },
        {
          id: 'hdr-last-msg',
          label: 'Last msg',
          value: sinceText(lastMessageAt, now),
          tone: since !== null && since > STALE_MS ? 'warn' : 'muted',
          hint: 'Seconds since the last stream message reached this page',
        },
        {
          id: 'hdr-greeks-age',
          label: 'Greeks age',
          value: duration(greeksAge),
          tone: greeksAge !== null && greeksAge > 60_000 ? 'warn' : 'muted',
        },
      ],
    },
  ];
}
