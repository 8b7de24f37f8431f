import type { TimeMarker, TimePoint, TimeSeriesSpec } from '../../charts/time-chart.component';
import { FlowTotals, IntradayPoint, MacroEvent } from '../../core/wire';

/** One minute, ns. */
export const MINUTE_NS = 60_000_000_000;

/** Start of the event-time minute holding `tsNs` (ns since the epoch). */
export function minuteOf(tsNs: number): number {
  return Math.floor(tsNs / MINUTE_NS) * MINUTE_NS;
}

/** The cumulative values the flow chart plots, per minute. */
export interface FlowMinute {
  /** Minute start, ns since the epoch. */
  ts: number;
  underlying: number | null;
  call_volume: number;
  put_volume: number;
  call_premium: number;
  put_premium: number;
  /** Buyer- minus seller-initiated premium (NaN when the server does not send it). */
  call_net_premium: number;
  put_net_premium: number;
  call_net_delta: number;
  put_net_delta: number;
}

function fromIntraday(p: IntradayPoint): FlowMinute {
  return {
    ts: minuteOf(p.ts),
    underlying: p.underlying,
    call_volume: p.call_volume,
    put_volume: p.put_volume,
    call_premium: p.call_premium,
    put_premium: p.put_premium,
    call_net_premium: p.call_net_premium,
    put_net_premium: p.put_net_premium,
    call_net_delta: p.call_net_delta,
    put_net_delta: p.put_net_delta,
  };
}

function sameValues(a: FlowMinute, b: FlowMinute): boolean {
  return (
    a.underlying === b.underlying &&
    a.call_volume === b.call_volume &&
    a.put_volume === b.put_volume &&
    a.call_premium === b.call_premium &&
    a.put_premium === b.put_premium &&
    Object.is(a.call_net_premium, b.call_net_premium) &&
    Object.is(a.put_net_premium, b.put_net_premium) &&
    a.call_net_delta === b.call_net_delta &&
    a.put_net_delta === b.put_net_delta
  );
}

/**
 * The day's cumulative flow of one product, one point per event-time minute, in increasing time.
 *
 * - [`load`] merges the server's history (`GET /api/intraday/{product}`) by minute: when both
 *   the history and the stream hold a minute, the point with more cumulative volume wins (totals
 *   only grow during a day, so it is the later one; ties go to the server).
 * - [`append`] takes the stream's day totals at an event time: a newer minute adds a point, the
 *   current minute's point is replaced, an older minute is ignored (the stream is in order; a
 *   late message must not rewrite history).
 *
 * Both return whether anything changed, so the caller bumps its signal only then. A new trade
 * day (a minute more than 12 hours after the last point with smaller totals) starts over.
 */
export class IntradayFlow {
  private list: FlowMinute[] = [];

  /** The points, oldest first (do not mutate). */
  get points(): readonly FlowMinute[] {
    return this.list;
  }

  load(points: readonly IntradayPoint[]): boolean {
    if (points.length === 0) {
      return false;
    }
    const byMinute = new Map<number, FlowMinute>();
    for (const p of this.list) {
      byMinute.set(p.ts, p);
    }
    for (const raw of points) {
      const p = fromIntraday(raw);
      const mine = byMinute.get(p.ts);
      if (!mine || volume(p) >= volume(mine)) {
        byMinute.set(p.ts, p);
      }
    }
    this.list = [...byMinute.values()].sort((a, b) => a.ts - b.ts);
    return true;
  }

  append(tsEventNs: number, totals: FlowTotals, underlying: number | null): boolean {
    if (!Number.isFinite(tsEventNs)) {
      return false;
    }
    const point: FlowMinute = {
      ts: minuteOf(tsEventNs),
      underlying,
      call_volume: totals.call_volume,
      put_volume: totals.put_volume,
      call_premium: totals.call_premium,
      put_premium: totals.put_premium,
      call_net_premium: totals.call_net_premium ?? Number.NaN,
      put_net_premium: totals.put_net_premium ?? Number.NaN,
      call_net_delta: totals.call_net_delta,
      put_net_delta: totals.put_net_delta,
    };
    const last = this.list[this.list.length - 1];
    if (last === undefined) {
      this.list.push(point);
      return true;
    }
    if (point.ts < last.ts) {
      return false;
    }
    if (point.ts === last.ts) {
      if (sameValues(last, point)) {
        return false;
      }
      this.list[this.list.length - 1] = point;
      return true;
    }
    if (point.ts - last.ts > 12 * 60 * MINUTE_NS && volume(point) < volume(last)) {
      this.list = [];
    }
    this.list.push(point);
    return true;
  }
}

function volume(p: FlowMinute): number {
  return p.call_volume + p.put_volume;
}

/**
 * What the flow chart plots, calls vs puts: cumulative net premium (buyer- minus
 * seller-initiated, the default), gross premium, or net delta.
 */
export type FlowMode = 'net' | 'premium' | 'delta';

function measure(p: FlowMinute, mode: FlowMode, side: 'call' | 'put'): number {
  switch (mode) {
    case 'net':
      return (side === 'call' ? p.call_net_premium : p.put_net_premium) / 1e6;
    case 'premium':
      return (side === 'call' ? p.call_premium : p.put_premium) / 1e6;
    default:
      return side === 'call' ? p.call_net_delta : p.put_net_delta;
  }
}

/**
 * The flow chart's series: calls and puts (right axis; premium in US$ millions, net delta in
 * underlying units) and the underlying (left axis). Points without the measure (net premium from
 * an older server) are NaN and dropped by the chart.
 */
export function flowSeries(points: readonly FlowMinute[], mode: FlowMode): TimeSeriesSpec[] {
  const call: TimePoint[] = [];
  const put: TimePoint[] = [];
  const spot: TimePoint[] = [];
  for (const p of points) {
    const time = Math.floor(p.ts / 1e9);
    call.push({ time, value: measure(p, mode, 'call') });
    put.push({ time, value: measure(p, mode, 'put') });
    if (p.underlying !== null) {
      spot.push({ time, value: p.underlying });
    }
  }
  const what = mode === 'net' ? 'net premium $M' : mode === 'premium' ? 'premium $M' : 'net Δ';
  return [
    { id: `call-${mode}`, title: `calls ${what}`, kind: 'line', color: '#34d399', data: call },
    { id: `put-${mode}`, title: `puts ${what}`, kind: 'line', color: '#fb7185', data: put },
    { id: 'underlying', title: 'underlying', kind: 'line', color: '#94a3b8', scale: 'left', data: spot, lineWidth: 1 },
  ];
}

/** Today's macro events (New York date `tradeDate`) as chart markers. */
export function eventMarkers(events: readonly MacroEvent[], tradeDate: string | null): TimeMarker[] {
  if (!tradeDate) {
    return [];
  }
  return events
    .filter((e) => e.date === tradeDate)
    .map((e) => ({
      time: Math.floor(e.ts / 1e9),
      text: e.kind,
      color: e.importance === 'high' ? '#f87171' : e.importance === 'medium' ? '#fbbf24' : '#94a3b8',
    }));
}
