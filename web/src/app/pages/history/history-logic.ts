import { signal } from '@angular/core';

import { TimeSeriesSpec } from '../../charts/time-chart.component';
import { DARK, EChartsOption } from '../../charts/echarts-setup';
import { ApiError } from '../../core/api.service';
import { MISSING, clock, compact, int, money, pct, price } from '../../core/format';
import { HistoryRows } from '../../core/wire';

type Row = HistoryRows[number];

/** True for the server's answer to a named query it does not have (an older server). */
export function isUnknownQuery(e: unknown): boolean {
  return (
    e instanceof ApiError &&
    e.status === 404 &&
    /unknown named query|no history query/i.test(e.message)
  );
}

/**
 * Keeps only the latest request's answer: `begin()` returns a check that stays true until the
 * next `begin()`.
 */
export class LatestGuard {
  private generation = 0;
  begin(): () => boolean {
    const mine = ++this.generation;
    return () => mine === this.generation;
  }
}

/**
 * The state of one query in signals: rows, error text, loading, and whether the server does not
 * know the query. `run` drops stale answers (a newer `run` started since).
 */
export class QueryState<T> {
  readonly data = signal<T | null>(null);
  readonly error = signal<string | null>(null);
  readonly loading = signal(false);
  readonly unknown = signal(false);
  private readonly guard = new LatestGuard();

  /** Resolves `true` when this answer was applied, `false` when it was stale. */
  async run(request: () => Promise<T>): Promise<boolean> {
    const current = this.guard.begin();
    this.loading.set(true);
    try {
      const value = await request();
      if (!current()) {
        return false;
      }
      this.data.set(value);
      this.error.set(null);
      this.unknown.set(false);
    } catch (e) {
      if (!current()) {
        return false;
      }
      this.data.set(null);
      this.unknown.set(isUnknownQuery(e));
      this.error.set((e as Error).message);
    } finally {
      if (current()) {
        this.loading.set(false);
      }
    }
    return true;
  }

  /** Forgets the answer (and any request in flight). */
  clear(): void {
    this.guard.begin();
    this.data.set(null);
    this.error.set(null);
    this.unknown.set(false);
    this.loading.set(false);
  }
}

/** Names of the named queries of a `GET /api/history` catalog, `null` if it is not one. */
export function catalogNames(catalog: unknown): Set<string> | null {
  if (!Array.isArray(catalog)) {
    return null;
  }
  return new Set(
    catalog
      .map((q) => (q && typeof q === 'object' ? (q as { name?: unknown }).name : undefined))
      .filter((n): n is string => typeof n === 'string'),
  );
}

/** A finite number from a row cell, else `null`. */
export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

// ---------------------------------------------------------------------------------------------
// Dates and minutes.
// ---------------------------------------------------------------------------------------------

export interface LakeDate {
  date: string;
  prints: number | null;
  chainMinutes: number | null;
}

/** `lake-dates` rows → dates, most recent first; rows without an ISO date are dropped. */
export function lakeDates(rows: HistoryRows | null): LakeDate[] {
  return (rows ?? [])
    .map((r) => ({ date: String(r['date'] ?? '').slice(0, 10), prints: num(r['prints']), chainMinutes: num(r['chain_minutes']) }))
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d.date))
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
}

const TIME = /(?:^|T|\s)(\d{2}):(\d{2})(?::\d{2})?/;
const MINUTE_KEYS = ['minute', 'at', 'time_new_york', 'time', 'snapshot_minute', 'ts', 'ts_event', 'bucket_start'];

/**
 * The New York `HH:MM` of a `chain-minutes` row: from its `minute`/`at`/`time_new_york`/…
 * column (text `09:31`, `09:31:00` or a timestamp `2026-11-30T09:31:00-05:00`), else the first
 * text cell holding a time. `null` when none does.
 */
export function minuteLabel(row: Row): string | null {
  const keys = [...MINUTE_KEYS.filter((k) => k in row), ...Object.keys(row)];
  for (const k of keys) {
    const v = row[k];
    if (typeof v === 'string') {
      const m = TIME.exec(v);
      if (m) {
        return `${m[1]}:${m[2]}`;
      }
    }
  }
  return null;
}

/** Distinct snapshot minutes of `chain-minutes` rows, ascending. */
export function minuteList(rows: HistoryRows | null): string[] {
  const set = new Set<string>();
  for (const r of rows ?? []) {
    const m = minuteLabel(r);
    if (m !== null) {
      set.add(m);
    }
  }
  return [...set].sort();
}

/**
 * Where the scrubber goes when the minute list changes: the last minute when it was following
 * the latest one (or had none), else the same minute, else the nearest earlier one.
 */
export function followIndex(previous: string[], current: string[], index: number | null): number | null {
  if (current.length === 0) {
    return null;
  }
  if (index === null || previous.length === 0 || index >= previous.length - 1) {
    return current.length - 1;
  }
  const minute = previous[index];
  const same = current.indexOf(minute);
  if (same >= 0) {
    return same;
  }
  const earlier = current.filter((m) => m < minute).length - 1;
  return Math.max(0, earlier);
}

// ---------------------------------------------------------------------------------------------
// Flow series → time chart.
// ---------------------------------------------------------------------------------------------

/** Unix seconds of a timestamp text (`2026-11-30T09:31:00.123456789-05:00`), `null` if unreadable. */
export function timestampSeconds(v: unknown): number | null {
  if (typeof v === 'number') {
    return Number.isFinite(v) ? (v > 1e14 ? Math.floor(v / 1e9) : v) : null;
  }
  if (typeof v !== 'string') {
    return null;
  }
  // Date.parse wants at most milliseconds.
  const ms = Date.parse(v.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

export type SeriesMetric = 'premium' | 'delta' | 'volume';

/** Running sums of `flow-series` buckets, as chart lines for `metric`. */
export function flowSeries(rows: HistoryRows | null, metric: SeriesMetric): TimeSeriesSpec[] {
  // The chart's axis prints plain numbers: premium in $M, net delta in thousands.
  const lines: { id: string; title: string; color: string; key: string; scale: number }[] =
    metric === 'premium'
      ? [
          { id: 'call_premium', title: 'call prem $M', color: DARK.call, key: 'call_premium', scale: 1e-6 },
          { id: 'put_premium', title: 'put prem $M', color: DARK.put, key: 'put_premium', scale: 1e-6 },
        ]
      : metric === 'volume'
        ? [
            { id: 'call_volume', title: 'call vol', color: DARK.call, key: 'call_volume', scale: 1 },
            { id: 'put_volume', title: 'put vol', color: DARK.put, key: 'put_volume', scale: 1 },
          ]
        : [{ id: 'net_delta', title: 'net Δ K', color: DARK.accent, key: 'net_delta', scale: 1e-3 }];
  const points = lines.map(() => [] as { time: number; value: number }[]);
  const sums = lines.map(() => 0);
  const timed = (rows ?? [])
    .map((r) => ({ r, t: timestampSeconds(r['bucket_start']) }))
    .filter((x): x is { r: Row; t: number } => x.t !== null)
    .sort((a, b) => a.t - b.t);
  for (const { r, t } of timed) {
    lines.forEach((l, i) => {
      sums[i] += num(r[l.key]) ?? 0;
      points[i].push({ time: t, value: sums[i] * l.scale });
    });
  }
  return lines.map((l, i) => ({ id: l.id, title: l.title, kind: 'line', color: l.color, data: points[i] }));
}

// ---------------------------------------------------------------------------------------------
// Net delta by strike → table and bar chart.
// ---------------------------------------------------------------------------------------------

export interface StrikeRow {
  underlying: string;
  strike: number;
  callVolume: number;
  putVolume: number;
  callNetDelta: number;
  putNetDelta: number;
  netDelta: number;
  premium: number;
  trades: number;
}

/** `net-delta-by-strike` rows, typed, in the server's order (underlying, strike ascending). */
export function strikeRows(rows: HistoryRows | null): StrikeRow[] {
  return (rows ?? [])
    .filter((r) => num(r['strike']) !== null)
    .map((r) => ({
      underlying: String(r['underlying'] ?? ''),
      strike: num(r['strike']) ?? 0,
      callVolume: num(r['call_volume']) ?? 0,
      putVolume: num(r['put_volume']) ?? 0,
      callNetDelta: num(r['call_net_delta']) ?? 0,
      putNetDelta: num(r['put_net_delta']) ?? 0,
      netDelta: num(r['net_delta']) ?? 0,
      premium: num(r['premium']) ?? 0,
      trades: num(r['trades']) ?? 0,
    }));
}

/** A strike as text: `6000`, `602.5`. */
export function strikeText(s: number): string {
  return Number.isInteger(s) ? String(s) : String(Math.round(s * 100) / 100);
}

/** Horizontal bars: call and put net delta per strike (strikes ascending from the bottom). */
export function strikeChartOption(rows: StrikeRow[]): EChartsOption {
  const several = new Set(rows.map((r) => r.underlying)).size > 1;
  const labels = rows.map((r) => (several ? `${r.underlying} ${strikeText(r.strike)}` : strikeText(r.strike)));
  const zoom = rows.length > 40;
  return {
    backgroundColor: DARK.backgroundColor,
    textStyle: DARK.textStyle,
    animation: false,
    legend: { data: ['call net Δ', 'put net Δ'], textStyle: { color: DARK.muted }, top: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: zoom ? 40 : 16, top: 28, bottom: 8, containLabel: true },
    xAxis: {
      type: 'value',
      axisLine: DARK.axisLine,
      splitLine: DARK.splitLine,
      axisLabel: { color: DARK.muted, formatter: (v: number) => compact(v) },
    },
    yAxis: {
      type: 'category',
      data: labels,
      axisLine: DARK.axisLine,
      axisLabel: { color: DARK.muted, fontFamily: 'JetBrains Mono, monospace' },
    },
    dataZoom: zoom
      ? [
          { type: 'inside', yAxisIndex: 0 },
          { type: 'slider', yAxisIndex: 0, width: 14, right: 4, textStyle: { color: DARK.muted } },
        ]
      : [],
    series: [
      { name: 'call net Δ', type: 'bar', data: rows.map((r) => round(r.callNetDelta)), itemStyle: { color: DARK.call }, barGap: '10%' },
      { name: 'put net Δ', type: 'bar', data: rows.map((r) => round(r.putNetDelta)), itemStyle: { color: DARK.put } },
    ],
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

// ---------------------------------------------------------------------------------------------
// Chain at a minute → strike grid (columns as the server names them).
// ---------------------------------------------------------------------------------------------

/** Order of a side's metrics, nearest the strike first. */
const SIDE_ORDER = ['volume', 'buy_volume', 'sell_volume', 'premium', 'net_delta', 'iv', 'delta', 'gamma', 'oi', 'gex', 'gex_oi'];

export interface ChainGrid {
  /** Call metrics, outermost first (mirrors the puts around the strike). */
  calls: string[];
  /** Put metrics, nearest the strike first. */
  puts: string[];
  /** Other columns (GEX, …), shown after the puts. */
  others: string[];
  /** Columns with one value in every row (snapshot time, expiry, underlying price): a caption. */
  constants: { column: string; value: Row[string] }[];
  /** Rows, strikes high → low. */
  rows: Row[];
}

function sideRank(metric: string): number {
  const i = SIDE_ORDER.indexOf(metric);
  return i < 0 ? SIDE_ORDER.length : i;
}

/** Lays out `chain-at` rows: `call_*` left, `strike` centre, `put_*` right, the rest after. */
export function chainGrid(rows: HistoryRows | null): ChainGrid {
  const columns: string[] = [];
  for (const r of rows ?? []) {
    for (const k of Object.keys(r)) {
      if (!columns.includes(k)) columns.push(k);
    }
  }
  const side = (prefix: string) =>
    columns
      .filter((c) => c.startsWith(prefix))
      .map((c) => c.slice(prefix.length))
      .sort((a, b) => sideRank(a) - sideRank(b) || a.localeCompare(b));
  const puts = side('put_');
  const calls = side('call_').reverse();
  const list = rows ?? [];
  const rest = columns.filter((c) => c !== 'strike' && !c.startsWith('call_') && !c.startsWith('put_'));
  const constant = (c: string) => list.length > 1 && list.every((r) => r[c] === list[0][c]);
  const others = rest.filter((c) => !constant(c));
  const constants = rest.filter(constant).map((column) => ({ column, value: list[0][column] }));
  const sorted = [...list].sort((a, b) => (num(b['strike']) ?? 0) - (num(a['strike']) ?? 0));
  return { calls, puts, others, constants, rows: sorted };
}

/** The strike nearest the rows' `underlying` price (the at-the-money row), `null` without one. */
export function nearestStrike(rows: HistoryRows | null): number | null {
  let best: number | null = null;
  let bestGap = Number.POSITIVE_INFINITY;
  for (const r of rows ?? []) {
    const strike = num(r['strike']);
    const spot = num(r['underlying_price']) ?? num(r['underlying']) ?? num(r['spot']);
    if (strike === null || spot === null) continue;
    const gap = Math.abs(strike - spot);
    if (gap < bestGap) {
      best = strike;
      bestGap = gap;
    }
  }
  return best;
}

/** A cell of a history table, formatted by its column's name. */
export function formatCell(column: string, v: unknown): string {
  if (v === null || v === undefined) {
    return MISSING;
  }
  if (typeof v === 'boolean') {
    return v ? 'yes' : 'no';
  }
  if (typeof v === 'string') {
    return /^\d{4}-\d{2}-\d{2}T/.test(v) ? clock(v) : v;
  }
  if (typeof v !== 'number') {
    return String(v);
  }
  const c = column.replace(/^(call|put)_/, '');
  if (c === 'strike') return strikeText(v);
  if (c === 'iv') return pct(v);
  if (c === 'delta') return price(v, 3);
  if (c === 'gamma') return price(v, 4);
  if (c === 'price' || c === 'underlying' || c === 'underlying_price' || c === 'spot') return price(v);
  if (c.includes('premium') || c.startsWith('gex')) return money(v);
  if (c.includes('net_delta') || c.includes('delta_impact')) return compact(v, true);
  if (c.includes('volume') || c === 'oi' || c === 'trades' || c === 'size' || c === 'prints') return int(v);
  return Math.abs(v) >= 1000 ? compact(v) : String(Math.round(v * 1000) / 1000);
}
