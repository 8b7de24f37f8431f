import { BandLevel, MarketBar, RangeView } from '../../core/wire';
import { TimePoint, TimeSeriesSpec } from '../../charts/time-chart.component';

/** One row of a range card's ladder: a band level, or the live ES price between them. */
export type LadderRow =
  | {
      kind: 'level';
      label: string;
      price: number;
      /** Level − ES, points (positive: the level is above ES); `null` without ES. */
      distance: number | null;
      touches: number;
      /** `outer` (±2σ), `inner` (±1σ), `ref`. */
      tier: 'outer' | 'inner' | 'ref';
    }
  | { kind: 'es'; price: number };

/** The tier of a band label (`+2σ`, `+1σ`, `ref`, `−1σ`, `−2σ`; ASCII `-` accepted). */
export function tierOf(label: string): 'outer' | 'inner' | 'ref' {
  if (label.includes('2')) {
    return 'outer';
  }
  if (label.includes('1')) {
    return 'inner';
  }
  return 'ref';
}

function finite(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/**
 * The ladder, highest level first, with ES inserted just above the first level below it (ES
 * equal to a level goes below that level). Non-finite levels are dropped.
 */
export function ladderRows(levels: readonly BandLevel[], es: number | null): LadderRow[] {
  const sorted = levels.filter((l) => finite(l.price)).sort((a, b) => b.price - a.price);
  if (sorted.length === 0) {
    return [];
  }
  const rows: LadderRow[] = [];
  let placed = !finite(es);
  for (const l of sorted) {
    if (!placed && finite(es) && es > l.price) {
      rows.push({ kind: 'es', price: es });
      placed = true;
    }
    rows.push({
      kind: 'level',
      label: l.label,
      price: l.price,
      distance: finite(es) ? l.price - es : null,
      touches: l.touches,
      tier: tierOf(l.label),
    });
  }
  if (!placed && finite(es)) {
    rows.push({ kind: 'es', price: es });
  }
  return rows;
}

/** Where ES sits on a vertical gauge spanning the levels with a margin: 0 = bottom, 1 = top. */
export interface GaugeScale {
  /** Level marks: label and fraction from the bottom. */
  marks: { label: string; at: number; tier: 'outer' | 'inner' | 'ref' }[];
  /** ES position (clamped to [0, 1]) or `null`. */
  es: number | null;
  /** ES is off the gauge: `above`, `below`, or `null`. */
  off: 'above' | 'below' | null;
  /** The ±1σ zone, fractions from the bottom. */
  inner: { from: number; to: number } | null;
}

export function gaugeScale(levels: readonly BandLevel[], es: number | null, margin = 0.15): GaugeScale | null {
  const prices = levels.map((l) => l.price).filter(finite);
  if (prices.length < 2) {
    return null;
  }
  const hi = Math.max(...prices);
  const lo = Math.min(...prices);
  const span = hi - lo;
  if (span <= 0) {
    return null;
  }
  const top = hi + span * margin;
  const bottom = lo - span * margin;
  const at = (p: number) => (p - bottom) / (top - bottom);
  const inner = levels.filter((l) => tierOf(l.label) === 'inner' && finite(l.price)).map((l) => at(l.price));
  let esAt: number | null = null;
  let off: 'above' | 'below' | null = null;
  if (finite(es)) {
    const raw = at(es);
    off = raw > 1 ? 'above' : raw < 0 ? 'below' : null;
    esAt = Math.min(1, Math.max(0, raw));
  }
  return {
    marks: levels.filter((l) => finite(l.price)).map((l) => ({ label: l.label, at: at(l.price), tier: tierOf(l.label) })),
    es: esAt,
    off,
    inner: inner.length === 2 ? { from: Math.min(...inner), to: Math.max(...inner) } : null,
  };
}

/** The breakout badge: text and tone. */
export function breakoutBadge(r: RangeView): { text: string; tone: 'up' | 'down' | 'none' } {
  if (r.breakout === 'up') {
    return { text: `Breakout ↑${r.breakout_new_york ? ` ${hhmm(r.breakout_new_york)}` : ''}`, tone: 'up' };
  }
  if (r.breakout === 'down') {
    return { text: `Breakout ↓${r.breakout_new_york ? ` ${hhmm(r.breakout_new_york)}` : ''}`, tone: 'down' };
  }
  return { text: 'No breakout', tone: 'none' };
}

/** `closed inside` / `closed outside` / `open` (while the window runs) / `—` (pending). */
export function closeText(r: RangeView): string {
  if (r.closed_inside === true) {
    return 'Closed inside';
  }
  if (r.closed_inside === false) {
    return 'Closed outside';
  }
  return r.status === 'pending' ? 'Not started' : 'Open';
}

/** `HH:MM:SS` of a New York time (full `…T10:31:02.125` or already `HH:MM[:SS]`). */
export function hhmm(newYork: string): string {
  const t = newYork.indexOf('T');
  const time = t >= 0 ? newYork.slice(t + 1) : newYork;
  return time.slice(0, 8);
}

/** Card title of a range name: `morning` → `Morning range`. */
export function rangeTitle(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} range`;
}

const LEVEL_COLOURS: Record<'outer' | 'inner' | 'ref', string> = {
  outer: '#f472b6',
  inner: '#a78bfa',
  ref: '#fbbf24',
};

/**
 * The intraday chart's series: ES 1-minute closes (with the live price appended at `nowSec`),
 * VWAP, and each started range's levels as flat lines over its window (up to now).
 */
export function intradaySeries(
  bars: readonly MarketBar[],
  ranges: readonly RangeView[],
  live: { es: number | null; nowSec: number | null },
): TimeSeriesSpec[] {
  const sec = (ns: number) => Math.floor(ns / 1e9);
  const closes: TimePoint[] = bars.map((b) => ({ time: sec(b.ts), value: b.close }));
  const lastBar = closes.length > 0 ? closes[closes.length - 1].time : null;
  if (finite(live.es) && finite(live.nowSec) && (lastBar === null || live.nowSec > lastBar)) {
    closes.push({ time: live.nowSec, value: live.es });
  }
  const vwap: TimePoint[] = bars.filter((b) => finite(b.vwap)).map((b) => ({ time: sec(b.ts), value: b.vwap as number }));
  const series: TimeSeriesSpec[] = [
    { id: 'es', title: 'ES', kind: 'line', color: '#38bdf8', data: closes, lineWidth: 2 },
    { id: 'vwap', title: 'VWAP', kind: 'line', color: '#fbbf24', data: vwap, lineWidth: 1 },
  ];
  const first = closes.length > 0 ? closes[0].time : null;
  const last = closes.length > 0 ? closes[closes.length - 1].time : null;
  if (first === null || last === null) {
    return series;
  }
  for (const r of ranges) {
    if (r.status === 'pending') {
      continue;
    }
    const from = Math.max(sec(r.start_ns), first);
    const to = Math.min(sec(r.end_ns), last);
    if (!(to > from)) {
      continue;
    }
    for (const l of r.levels) {
      if (!finite(l.price)) {
        continue;
      }
      series.push({
        id: `${r.name}:${l.label}`,
        title: `${r.name === 'morning' ? 'morn' : r.name === 'afternoon' ? 'aft' : r.name} ${l.label}`,
        kind: 'line',
        color: LEVEL_COLOURS[tierOf(l.label)],
        lineWidth: 1,
        priceLine: false,
        dashed: tierOf(l.label) !== 'ref',
        data: [
          { time: from, value: l.price },
          { time: to, value: l.price },
        ],
      });
    }
  }
  return series;
}
