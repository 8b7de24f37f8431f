import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';

import { ApiError, ApiService } from '../../core/api.service';
import { ClockService } from '../../core/clock.service';
import { EventsView, MacroEvent } from '../../core/wire';
import {
  eventMs,
  formatCountdown,
  groupByWeek,
  importanceClass,
  kindClass,
  localTime,
  nextKeyEvent,
  splitEvents,
} from './events-logic';

/** The calendar file the server reads (documented by the server). */
export const CALENDAR_FILE = 'data/events/us-macro.yaml';

/**
 * The Events page: the macro calendar of `GET /api/events`, upcoming events grouped by week with
 * a live countdown (display clock), the next key event on top, past events of the year on demand.
 */
@Component({
  selector: 'gf-events-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section data-testid="events-page" class="mx-auto flex max-w-6xl flex-col gap-3">
      <div class="flex flex-wrap items-center gap-3">
        <h1 class="text-lg font-semibold">Macro calendar</h1>
        @if (view(); as v) {
          <span class="text-xs text-slate-400" data-testid="events-source">source: <span class="num">{{ v.source || "none" }}</span></span>
        }
        <label class="ml-auto flex items-center gap-2 text-sm text-slate-300">
          <input type="checkbox" data-testid="events-show-past" [checked]="showPast()" (change)="showPast.set(!showPast())" />
          show past events of the year
        </label>
      </div>

      @if (loading()) {
        <div class="panel text-sm text-slate-400">Loading the calendar…</div>
      } @else if (unavailable()) {
        <div class="panel text-sm text-slate-300" data-testid="events-unavailable">
          <p class="font-semibold">Calendar not available from this server.</p>
          <p class="mt-1 text-slate-400">
            This server has no <span class="num">/api/events</span> endpoint. Newer servers read the calendar from
            <span class="num">{{ calendarFile }}</span> (its format is documented in that file and in the server's
            <a class="text-sky-300 underline" href="/openapi.json" target="_blank" rel="noopener">OpenAPI document</a>).
          </p>
        </div>
      } @else if (error()) {
        <div class="panel text-sm text-rose-300" data-testid="events-error">{{ error() }}</div>
      } @else {
        @if (next(); as n) {
          <div
            class="panel flex flex-wrap items-center gap-4 border-l-4"
            [style.border-left-color]="importanceColour(n.importance)"
            data-testid="events-next"
          >
            <div>
              <div class="panel-title">Next {{ n.importance }}-importance event</div>
              <div class="flex items-center gap-2">
                <span class="rounded px-1.5 py-0.5 text-xs font-semibold" [class]="kindClass(n.kind)">{{ n.kind }}</span>
                <span class="text-lg font-semibold text-slate-100">{{ n.title }}</span>
              </div>
              <div class="mt-1 text-xs text-slate-400">
                <span class="num">{{ n.date }} {{ n.time_new_york }}</span> New York ·
                <span class="num">{{ local(n) }}</span> local
              </div>
            </div>
            <div class="ml-auto text-right">
              <div class="text-xs text-slate-400">in</div>
              <div class="num text-3xl font-semibold text-slate-100" data-testid="event-countdown">{{ countdown(n) }}</div>
            </div>
          </div>
        }

        @if (weeks().length === 0) {
          <div class="panel text-sm text-slate-400" data-testid="events-empty">
            @if (showPast()) {
              No events in the calendar for this year.
            } @else {
              No upcoming events in the calendar ({{ view()?.events?.length ?? 0 }} in total). Add them to
              <span class="num">{{ calendarFile }}</span>.
            }
          </div>
        }

        @for (week of weeks(); track week.monday) {
          <div class="panel" data-testid="events-week">
            <div class="panel-title">{{ week.label }}</div>
            <ul class="flex flex-col">
              @for (e of week.events; track e.ts + e.kind + e.title) {
                <li
                  class="flex flex-wrap items-center gap-3 border-l-2 border-t border-t-slate-800 py-1.5 pl-2"
                  [class]="importanceClass(e.importance)"
                  [class.opacity-60]="isPast(e)"
                  [class.bg-slate-800/40]="e === next()"
                  data-testid="event-row"
                  [attr.data-kind]="e.kind"
                >
                  <span class="w-14 shrink-0 rounded px-1.5 py-0.5 text-center text-xs font-semibold" [class]="kindClass(e.kind)">{{
                    e.kind
                  }}</span>
                  <span class="min-w-48 flex-1 text-sm text-slate-100">{{ e.title }}</span>
                  <span class="w-16 text-xs uppercase">{{ e.importance }}</span>
                  <span class="num w-44 whitespace-nowrap text-sm text-slate-300" title="New York">{{ e.date }} {{ e.time_new_york }} ET</span>
                  <span class="num w-44 whitespace-nowrap text-xs text-slate-400" title="Your local time">{{ local(e) }} local</span>
                  <span class="num w-40 whitespace-nowrap text-right text-sm" [class.text-slate-500]="isPast(e)">{{
                    isPast(e) ? 'released' : countdown(e)
                  }}</span>
                </li>
              }
            </ul>
          </div>
        }
      }
    </section>
  `,
})
export class EventsPage {
  private readonly api = inject(ApiService);
  private readonly clock = inject(ClockService);

  protected readonly calendarFile = CALENDAR_FILE;
  protected readonly kindClass = kindClass;
  protected readonly importanceClass = importanceClass;

  readonly view = signal<EventsView | null>(null);
  readonly loading = signal(true);
  readonly unavailable = signal(false);
  readonly error = signal<string | null>(null);
  readonly showPast = signal(false);

  private readonly split = computed(() => splitEvents(this.view()?.events ?? [], this.clock.now()));
  readonly next = computed(() => nextKeyEvent(this.split().upcoming));
  readonly weeks = computed(() => {
    const { upcoming, past } = this.split();
    return groupByWeek(this.showPast() ? [...[...past].reverse(), ...upcoming] : upcoming);
  });

  constructor() {
    void this.load();
  }

  async load(): Promise<void> {
    try {
      if (!(await this.serverHasEvents())) {
        this.unavailable.set(true);
        return;
      }
      const v = await this.api.get<EventsView>('/api/events');
      this.view.set({ ...v, events: Array.isArray(v?.events) ? v.events : [] });
      this.error.set(null);
      this.unavailable.set(false);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        this.unavailable.set(true);
      } else {
        this.error.set(`Cannot load the calendar: ${(e as Error).message}`);
      }
    } finally {
      this.loading.set(false);
    }
  }

  /**
   * Whether the server lists `/api/events` in its OpenAPI document (so an older server is not
   * asked, which would log a 404 in the console). Unknown (no document) counts as yes.
   */
  private async serverHasEvents(): Promise<boolean> {
    try {
      const doc = await this.api.get<{ paths?: Record<string, unknown> }>('/openapi.json');
      return !(doc && typeof doc.paths === 'object' && doc.paths !== null && !('/api/events' in doc.paths));
    } catch {
      return true;
    }
  }

  protected importanceColour(importance: string): string {
    return importance === 'high' ? '#f43f5e' : importance === 'medium' ? '#f59e0b' : '#475569';
  }

  protected countdown(e: MacroEvent): string {
    return formatCountdown(eventMs(e) - this.clock.now());
  }

  protected isPast(e: MacroEvent): boolean {
    return eventMs(e) < this.clock.now();
  }

  protected local(e: MacroEvent): string {
    return localTime(e);
  }
}
