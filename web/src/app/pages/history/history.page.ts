import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal, untracked } from '@angular/core';

import { ApiService } from '../../core/api.service';
import { DataStreamService } from '../../core/data-stream.service';
import { int } from '../../core/format';
import { HistoryRows, ProductView } from '../../core/wire';
import { HistoryExtrasComponent } from './history-extras.component';
import { QueryState, catalogNames, lakeDates } from './history-logic';
import { HistoryScrubberComponent } from './history-scrubber.component';
import { HistorySeriesComponent } from './history-series.component';
import { HistoryStrikesComponent } from './history-strikes.component';

/** While the chosen day is the desk's trade day, the lake grows: reload this often, ms. */
export const TODAY_RELOAD_MS = 30_000;

/** Option roots of the desk's products, in product order, without repeats. */
export function productRoots(products: ProductView[]): string[] {
  return [...new Set(products.map((p) => p.root).filter((r) => /^[A-Z0-9]{1,6}$/.test(r)))];
}

/** The root with the most prints today (SPXW when nothing printed yet, else the first root). */
export function busiestRoot(products: ProductView[]): string | null {
  const prints = new Map<string, number>();
  for (const p of products) {
    prints.set(p.root, (prints.get(p.root) ?? 0) + p.totals.prints);
  }
  let best: string | null = null;
  for (const [root, n] of prints) {
    if (best === null || n > (prints.get(best) ?? 0)) best = root;
  }
  if (best !== null && (prints.get(best) ?? 0) === 0 && prints.has('SPXW')) {
    return 'SPXW';
  }
  return best;
}

/**
 * The History page: pick a day of the lake and a root, and see that day's flow by strike, over
 * time, the chain at any snapshot minute, premium by side and the largest prints.
 */
@Component({
  selector: 'gf-history-page',
  imports: [HistoryStrikesComponent, HistorySeriesComponent, HistoryScrubberComponent, HistoryExtrasComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section data-testid="history-page" class="flex flex-col gap-3">
      <div class="panel flex flex-wrap items-center gap-3">
        <h1 class="text-lg font-semibold">History</h1>
        <label class="flex items-center gap-2 text-sm text-slate-300">
          Day
          @if (dateMode() === 'lake') {
            <select
              class="rounded border border-slate-700 bg-slate-900 px-2 py-1 text-sm"
              data-testid="history-date"
              (change)="dateChoice.set($any($event.target).value)"
            >
              @for (d of dates(); track d.date) {
                <option [value]="d.date" [selected]="d.date === date()">
                  {{ d.date }}{{ d.prints !== null ? ' · ' + int(d.prints) + ' prints' : '' }}{{
                    d.chainMinutes ? ' · ' + d.chainMinutes + ' chain min' : ''
                  }}
                </option>
              }
            </select>
          } @else {
            <input
              type="date"
              class="num rounded border border-slate-700 bg-slate-900 px-2 py-1 text-sm [color-scheme:dark]"
              data-testid="history-date"
              [value]="date() ?? ''"
              (change)="pickDate($any($event.target).value)"
            />
          }
        </label>
        <label class="flex items-center gap-2 text-sm text-slate-300">
          Root
          <select
            class="rounded border border-slate-700 bg-slate-900 px-2 py-1 text-sm"
            data-testid="history-root"
            (change)="rootChoice.set($any($event.target).value)"
          >
            @for (r of roots(); track r) {
              <option [value]="r" [selected]="r === root()">{{ r }}</option>
            }
            <option value="" [selected]="root() === ''">all roots</option>
          </select>
        </label>
        <button
          type="button"
          class="rounded border border-slate-700 px-2 py-1 text-sm text-slate-300 hover:bg-slate-800"
          (click)="refresh()"
        >
          Reload
        </button>
        <span class="text-xs text-slate-500">
          @if (dateMode() === 'fallback') {
            {{ lakeDatesNote() }}
          }
          @if (isToday()) {
            · the desk's trade day: reloads every 30 s
          }
        </span>
      </div>

      <gf-history-strikes [date]="date()" [root]="root()" [reload]="reload()" />
      <gf-history-series [date]="date()" [root]="root()" [reload]="reload()" />
      <gf-history-scrubber [date]="date()" [root]="root()" [reload]="reload()" [supported]="snapshots()" />
      <gf-history-extras [date]="date()" [root]="root()" [reload]="reload()" />
    </section>
  `,
})
export class HistoryPage {
  private readonly api = inject(ApiService);
  private readonly stream = inject(DataStreamService);

  protected readonly int = int;

  /** The server's named queries (`GET /api/history`); older servers lack some of them. */
  readonly catalog = new QueryState<unknown>();
  /** Known query names; `null` while loading or when the catalog could not be read. */
  readonly known = computed(() => catalogNames(this.catalog.data()));
  private readonly catalogSettled = computed(() => this.catalog.data() !== null || this.catalog.error() !== null);
  /** Whether the chain-snapshot queries exist (`null` until the catalog answered). */
  readonly snapshots = computed(() => {
    if (!this.catalogSettled()) return null;
    const known = this.known();
    return known === null || (known.has('chain-minutes') && known.has('chain-at'));
  });
  readonly lakeDatesQuery = new QueryState<HistoryRows>();
  readonly dates = computed(() => lakeDates(this.lakeDatesQuery.data()));
  /** `lake` (a list of the lake's days) or `fallback` (a plain date input). */
  readonly dateMode = computed(() => (this.dates().length > 0 ? 'lake' : 'fallback'));
  protected readonly lakeDatesNote = computed(() =>
    this.lakeDatesQuery.loading() || !this.catalogSettled()
      ? 'listing the lake…'
      : this.lakeDatesQuery.unknown() || this.known()?.has('lake-dates') === false
        ? 'this server cannot list the lake’s days: pick any date'
        : this.lakeDatesQuery.error()
          ? `cannot list the lake’s days (${this.lakeDatesQuery.error()})`
          : this.lakeDatesQuery.data()
            ? 'the lake has no days yet'
            : '',
  );

  /** The desk's trade day (New York date of its event time). */
  readonly deskDate = computed(() => {
    const t = this.stream.flowData()?.time_new_york ?? '';
    return /^\d{4}-\d{2}-\d{2}/.test(t) ? t.slice(0, 10) : null;
  });
  readonly dateChoice = signal<string | null>(null);
  readonly date = computed(() => {
    const chosen = this.dateChoice();
    if (chosen) return chosen;
    const dates = this.dates();
    const desk = this.deskDate();
    if (dates.length > 0) {
      return desk && dates.some((d) => d.date === desk) ? desk : dates[0].date;
    }
    return desk;
  });
  protected readonly isToday = computed(() => this.date() !== null && this.date() === this.deskDate());

  readonly roots = computed(() => {
    const roots = productRoots(this.stream.flowData()?.products ?? []);
    const chosen = this.rootChoice();
    return chosen && !roots.includes(chosen) ? [...roots, chosen] : roots;
  });
  readonly rootChoice = signal<string | null>(null);
  readonly root = computed(() => this.rootChoice() ?? '');
  readonly reload = signal(0);

  constructor() {
    void this.loadCatalog();
    // The default root, chosen once (the busiest product's) so it does not jump as prints arrive.
    effect(() => {
      const products = this.stream.flowData()?.products ?? [];
      untracked(() => {
        if (this.rootChoice() === null && products.length > 0) {
          this.rootChoice.set(busiestRoot(products) ?? '');
        }
      });
    });
    const timer = setInterval(() => {
      if (this.isToday()) this.refresh();
    }, TODAY_RELOAD_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  private async loadCatalog(): Promise<void> {
    await this.catalog.run(() => this.api.get<unknown>('/api/history'));
    // Ask for the lake's days only when the server has the query (no 404 in the console).
    if (this.known()?.has('lake-dates') !== false) {
      await this.lakeDatesQuery.run(() => this.api.get<HistoryRows>('/api/history/lake-dates'));
    }
  }

  pickDate(value: string): void {
    this.dateChoice.set(/^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null);
  }

  refresh(): void {
    this.reload.update((n) => n + 1);
  }
}
