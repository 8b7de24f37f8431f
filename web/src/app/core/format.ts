/**
 * Number and time formatting for the dashboard. Every function takes `null`/`undefined` and
 * non-finite numbers and returns the placeholder `—` for them, so templates never show `NaN`.
 */

export const MISSING = '—';

function ok(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** A price with `digits` decimals (default 2): `6012.25`. */
export function price(x: number | null | undefined, digits = 2): string {
  return ok(x) ? x.toFixed(digits) : MISSING;
}

/** An integer with thousands separators: `12,345`. */
export function int(x: number | null | undefined): string {
  return ok(x) ? Math.round(x).toLocaleString('en-US') : MISSING;
}

/**
 * A compact amount with sign and unit suffix: `1.23M`, `-45.6K`, `2.10B`; `signed` adds `+` to
 * positive values.
 */
export function compact(x: number | null | undefined, signed = false): string {
  if (!ok(x)) {
    return MISSING;
  }
  const a = Math.abs(x);
  const sign = x < 0 ? '-' : signed && x > 0 ? '+' : '';
  const [value, suffix] =
    a >= 1e9 ? [a / 1e9, 'B'] : a >= 1e6 ? [a / 1e6, 'M'] : a >= 1e3 ? [a / 1e3, 'K'] : [a, ''];
  const digits = suffix === '' ? 0 : value >= 100 ? 1 : 2;
  return `${sign}${value.toFixed(digits)}${suffix}`;
}

/** US$ compact: `$1.23M`, `-$45.6K`. */
export function money(x: number | null | undefined, signed = false): string {
  if (!ok(x)) {
    return MISSING;
  }
  const c = compact(Math.abs(x));
  return `${x < 0 ? '-' : signed && x > 0 ? '+' : ''}$${c}`;
}

/** A fraction as percent: `0.1534` → `15.3%`. */
export function pct(x: number | null | undefined, digits = 1): string {
  return ok(x) ? `${(x * 100).toFixed(digits)}%` : MISSING;
}

/** A signed number of points: `+3.25`, `-1.50`. */
export function points(x: number | null | undefined, digits = 2): string {
  return ok(x) ? `${x > 0 ? '+' : ''}${x.toFixed(digits)}` : MISSING;
}

/** `HH:MM:SS` of a New York wall-clock string `2026-11-27T10:31:02.125` (or `—`). */
export function clock(newYork: string | null | undefined): string {
  if (!newYork) {
    return MISSING;
  }
  const t = newYork.indexOf('T');
  return t >= 0 ? newYork.slice(t + 1, t + 9) : newYork;
}

/** A duration in ms as `850 ms`, `12.3 s`, `4 min`, `2 h 05 min`. */
export function duration(ms: number | null | undefined): string {
  if (!ok(ms)) {
    return MISSING;
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) {
    return `${minutes} min`;
  }
  const days = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const hm = `${h} h ${String(m).padStart(2, '0')} min`;
  return days > 0 ? `${days} d ${hm}` : hm;
}

/** Bytes as `12.3 MB`. */
export function bytes(x: number | null | undefined): string {
  if (!ok(x)) {
    return MISSING;
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = x;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Seconds since the epoch for lightweight-charts (`UTCTimestamp`) from ns. */
export function nsToSeconds(ns: number): number {
  return Math.floor(ns / 1e9);
}
