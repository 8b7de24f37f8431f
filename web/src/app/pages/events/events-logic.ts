import { MacroEvent } from '../../core/wire';

/**
 * A countdown to an event `ms` milliseconds away: `2 d 04 h 13 min`, `4 h 13 min 05 s`,
 * `13 min 05 s`, `45 s`; `now` at or past zero.
 */
export function formatCountdown(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) {
    return 'now';
  }
  const total = Math.floor(ms / 1000);
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (d > 0) {
    return `${d} d ${two(h)} h ${two(m)} min`;
  }
  if (h > 0) {
    return `${h} h ${two(m)} min ${two(s)} s`;
  }
  if (m > 0) {
    return `${m} min ${two(s)} s`;
  }
  return `${s} s`;
}

/** Event time in ms since the epoch. */
export function eventMs(e: MacroEvent): number {
  return e.ts / 1e6;
}

/** How long after its release an event still counts as upcoming (“now”), ms. */
export const JUST_RELEASED_MS = 60_000;

/**
 * Splits events around `nowMs`: upcoming (release at or after `now − JUST_RELEASED_MS`,
 * ascending) and past of the same calendar year as `now` (New York date; most recent first).
 */
export function splitEvents(events: MacroEvent[], nowMs: number): { upcoming: MacroEvent[]; past: MacroEvent[] } {
  const sorted = [...events].filter((e) => Number.isFinite(e.ts)).sort((a, b) => a.ts - b.ts);
  const year = newYorkYear(nowMs);
  const upcoming = sorted.filter((e) => eventMs(e) >= nowMs - JUST_RELEASED_MS);
  const past = sorted
    .filter((e) => eventMs(e) < nowMs - JUST_RELEASED_MS && e.date.slice(0, 4) === year)
    .reverse();
  return { upcoming, past };
}

const NY_YEAR = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', year: 'numeric' });

function newYorkYear(ms: number): string {
  return NY_YEAR.format(new Date(ms));
}

const IMPORTANCE_RANK: Record<string, number> = { high: 0, medium: 1, low: 2 };

/** The first upcoming event of the highest importance present (high, else medium, else any). */
export function nextKeyEvent(upcoming: MacroEvent[]): MacroEvent | null {
  let best: MacroEvent | null = null;
  for (const e of upcoming) {
    const rank = IMPORTANCE_RANK[e.importance] ?? 3;
    if (best === null || rank < (IMPORTANCE_RANK[best.importance] ?? 3)) {
      best = e;
    }
    if (rank === 0) {
      break;
    }
  }
  return best;
}

export interface EventWeek {
  /** Monday of the week, ISO date. */
  monday: string;
  /** `Week of Mon 30 Nov 2026`. */
  label: string;
  events: MacroEvent[];
}

/** Monday (ISO date) of the week holding the ISO date `date` (weeks run Monday–Sunday). */
export function mondayOf(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  const weekday = (day.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  day.setUTCDate(day.getUTCDate() - weekday);
  return day.toISOString().slice(0, 10);
}

const WEEK_LABEL = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

/** Groups events (in the given order) by New York week, keeping the order of first appearance. */
export function groupByWeek(events: MacroEvent[]): EventWeek[] {
  const weeks: EventWeek[] = [];
  const byMonday = new Map<string, EventWeek>();
  for (const e of events) {
    if (!/^\d{4}-\d{2}-\d{2}/.test(e.date)) {
      continue;
    }
    const monday = mondayOf(e.date.slice(0, 10));
    let week = byMonday.get(monday);
    if (!week) {
      const [y, m, d] = monday.split('-').map(Number);
      week = { monday, label: `Week of ${WEEK_LABEL.format(new Date(Date.UTC(y, m - 1, d))).replace(',', '')}`, events: [] };
      byMonday.set(monday, week);
      weeks.push(week);
    }
    week.events.push(e);
  }
  return weeks;
}

/** The browser's local time of an event: `Wed 17 Dec, 20:00`. */
export function localTime(e: MacroEvent, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(eventMs(e)));
}

/** Tailwind classes of a kind badge. */
export function kindClass(kind: string): string {
  switch (kind.toUpperCase()) {
    case 'FOMC':
      return 'bg-violet-900/70 text-violet-200';
    case 'CPI':
    case 'PPI':
    case 'PCE':
      return 'bg-amber-900/70 text-amber-200';
    case 'NFP':
    case 'JOBS':
      return 'bg-sky-900/70 text-sky-200';
    case 'GDP':
      return 'bg-teal-900/70 text-teal-200';
    case 'OPEX':
      return 'bg-fuchsia-900/70 text-fuchsia-200';
    default:
      return 'bg-slate-800 text-slate-200';
  }
}

/** Tailwind classes of an importance marker. */
export function importanceClass(importance: string): string {
  switch (importance) {
    case 'high':
      return 'border-rose-500 text-rose-300';
    case 'medium':
      return 'border-amber-500 text-amber-300';
    default:
      return 'border-slate-600 text-slate-400';
  }
}
