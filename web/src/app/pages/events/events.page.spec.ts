import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it, vi } from 'vitest';

import { ApiError, ApiService } from '../../core/api.service';
import { ClockService } from '../../core/clock.service';
import { EventsView, MacroEvent } from '../../core/wire';
import { EventsPage } from './events.page';
import { formatCountdown, groupByWeek, mondayOf, nextKeyEvent, splitEvents } from './events-logic';

/** An event at New York `date` `time` (fixture in EST, UTC−5). */
function ev(date: string, time: string, kind: string, importance = 'high', title = `${kind} release`): MacroEvent {
  const ts = Date.parse(`${date}T${time}:00-05:00`) * 1e6;
  return { ts, date, time_new_york: time, kind, title, importance };
}

const NOW = Date.parse('2026-12-02T10:00:00-05:00'); // Wednesday

const EVENTS: MacroEvent[] = [
  ev('2026-12-16', '14:00', 'FOMC', 'high', 'FOMC rate decision'),
  ev('2026-12-04', '08:30', 'NFP', 'high', 'Employment situation'),
  ev('2026-12-03', '10:00', 'ISM', 'medium', 'ISM services'),
  ev('2026-12-10', '08:30', 'CPI', 'high', 'Consumer prices'),
  ev('2026-11-13', '08:30', 'CPI', 'high', 'Consumer prices (Oct)'),
  ev('2025-12-10', '08:30', 'CPI', 'high', 'Last year CPI'),
];

describe('events logic', () => {
  it('formats countdowns with days, hours, minutes and seconds', () => {
    const s = 1000;
    expect(formatCountdown(((2 * 24 + 4) * 3600 + 13 * 60 + 59) * s)).toBe('2 d 04 h 13 min');
    expect(formatCountdown((4 * 3600 + 3 * 60 + 5) * s)).toBe('4 h 03 min 05 s');
    expect(formatCountdown((13 * 60 + 5) * s + 999)).toBe('13 min 05 s');
    expect(formatCountdown(45_500)).toBe('45 s');
    expect(formatCountdown(0)).toBe('now');
    expect(formatCountdown(-5000)).toBe('now');
    expect(formatCountdown(Number.NaN)).toBe('now');
  });

  it('splits upcoming (ascending) and past of this year (most recent first) around now', () => {
    const { upcoming, past } = splitEvents(EVENTS, NOW);
    expect(upcoming.map((e) => e.date)).toEqual(['2026-12-03', '2026-12-04', '2026-12-10', '2026-12-16']);
    expect(past.map((e) => e.date)).toEqual(['2026-11-13']);
    // An event released 30 s ago is still "now"; 2 min ago it is past.
    const justNow = ev('2026-12-02', '10:00', 'X');
    expect(splitEvents([justNow], NOW + 30_000).upcoming).toHaveLength(1);
    expect(splitEvents([justNow], NOW + 120_000).upcoming).toHaveLength(0);
    expect(splitEvents([justNow], NOW + 120_000).past).toHaveLength(1);
  });

  it('picks the next high-importance event, else the next one of lower importance', () => {
    const { upcoming } = splitEvents(EVENTS, NOW);
    expect(nextKeyEvent(upcoming)?.kind).toBe('NFP');
    expect(nextKeyEvent([ev('2026-12-03', '10:00', 'ISM', 'medium'), ev('2026-12-04', '10:00', 'X', 'low')])?.kind).toBe('ISM');
    expect(nextKeyEvent([])).toBeNull();
  });

  it('groups by Monday-to-Sunday weeks', () => {
    expect(mondayOf('2026-12-02')).toBe('2026-11-30');
    expect(mondayOf('2026-11-30')).toBe('2026-11-30');
    expect(mondayOf('2026-12-06')).toBe('2026-11-30'); // Sunday
    expect(mondayOf('2027-01-01')).toBe('2026-12-28');
    const weeks = groupByWeek(splitEvents(EVENTS, NOW).upcoming);
    expect(weeks.map((w) => w.monday)).toEqual(['2026-11-30', '2026-12-07', '2026-12-14']);
    expect(weeks[0].events.map((e) => e.kind)).toEqual(['ISM', 'NFP']);
    expect(weeks[0].label).toBe('Week of Mon 30 Nov 2026');
  });
});

describe('EventsPage', () => {
  async function render(get: (path: string) => Promise<unknown>) {
    const clock = { now: signal(NOW) };
    TestBed.configureTestingModule({
      providers: [
        { provide: ApiService, useValue: { get: vi.fn(get) } },
        { provide: ClockService, useValue: clock },
      ],
    });
    const fixture = TestBed.createComponent(EventsPage);
    await fixture.whenStable();
    return { el: fixture.nativeElement as HTMLElement, clock, fixture };
  }

  it('shows the next key event with a live countdown and upcoming weeks', async () => {
    const view: EventsView = { schema: 1, source: 'data/events/us-macro.yaml', events: EVENTS };
    const { el, clock, fixture } = await render(async () => view);
    const countdown = () => el.querySelector('[data-testid="event-countdown"]')?.textContent?.trim();
    // NFP: 2026-12-04 08:30 ET, now 2026-12-02 10:00 ET → 1 d 22 h 30 min.
    expect(countdown()).toBe('1 d 22 h 30 min');
    expect(el.querySelector('[data-testid="events-next"]')?.textContent).toContain('Employment situation');
    expect(el.querySelector('[data-testid="events-source"]')?.textContent).toContain('us-macro.yaml');
    expect(el.querySelectorAll('[data-testid="events-week"]')).toHaveLength(3);
    expect(el.querySelectorAll('[data-testid="event-row"]')).toHaveLength(4);
    clock.now.set(NOW + 60_000);
    await fixture.whenStable();
    expect(countdown()).toBe('1 d 22 h 29 min');
    // Past events of the year on demand.
    (el.querySelector('[data-testid="events-show-past"]') as HTMLInputElement).click();
    await fixture.whenStable();
    expect(el.querySelectorAll('[data-testid="event-row"]')).toHaveLength(5);
    expect(el.querySelector('[data-testid="events-week"]')?.textContent).toContain('Consumer prices (Oct)');
  });

  it('says the calendar is not available when the server has no endpoint', async () => {
    const { el } = await render(async () => {
      throw new ApiError(404, 'no such API route; see /openapi.json');
    });
    const box = el.querySelector('[data-testid="events-unavailable"]');
    expect(box?.textContent).toContain('not available from this server');
    expect(box?.textContent).toContain('data/events/us-macro.yaml');
    expect(el.querySelector('[data-testid="event-countdown"]')).toBeNull();
  });

  it('does not ask an older server whose OpenAPI document lacks /api/events', async () => {
    const get = vi.fn(async (path: string) => {
      if (path === '/openapi.json') return { paths: { '/api/health': {}, '/api/window': {} } };
      throw new Error(`unexpected request ${path}`);
    });
    const { el } = await render(get);
    expect(el.querySelector('[data-testid="events-unavailable"]')).not.toBeNull();
    expect(get.mock.calls.map((c) => c[0])).toEqual(['/openapi.json']);
  });

  it('shows other errors as text and an empty calendar as an empty state', async () => {
    const failed = await render(async () => {
      throw new ApiError(500, 'calendar file is invalid: line 3');
    });
    expect(failed.el.querySelector('[data-testid="events-error"]')?.textContent).toContain('line 3');
    TestBed.resetTestingModule();
    const empty = await render(async () => ({ schema: 1, source: 'built-in', events: [] }));
    expect(empty.el.querySelector('[data-testid="events-empty"]')?.textContent).toContain('No upcoming events');
  });
});
