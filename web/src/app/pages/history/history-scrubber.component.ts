import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';

import { ApiService } from '../../core/api.service';
import { HistoryRows } from '../../core/wire';
import { QueryState, chainGrid, followIndex, formatCell, minuteList, nearestStrike } from './history-logic';

/** Strikes on each side of the underlying asked of `chain-at`. */
export const CHAIN_STRIKES = 12;

/** How long the scrubber waits for the hand to rest before asking the server, ms. */
export const SCRUB_DEBOUNCE_MS = 150;

/**
 * The time scrubber: the day's chain snapshot minutes (`chain-minutes`) on a range input, and the
 * strike grid as it was at the chosen minute (`chain-at`). Requests are debounced and only the
 * latest answer is shown.
 */
@Component({
  selector: 'gf-history-scrubber',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="panel" data-testid="history-scrubber">
      <div class="panel-title flex items-center gap-2">
        <span>Chain at a minute</span>
        @if (chain.loading()) {
          <span class="font-normal normal-case text-slate-500">loading…</span>
        }
      </div>
      @if (supported() === false || minutesQuery.unknown()) {
        <p class="text-sm text-slate-400" data-testid="history-scrubber-unavailable">
          Chain snapshots are not available from this server (no <span class="num">chain-minutes</span> query).
        </p>
      } @else if (minutesQuery.error()) {
        <p class="text-sm text-rose-300">{{ minutesQuery.error() }}</p>
      } @else if (!date()) {
        <p class="text-sm text-slate-400">Pick a date.</p>
      } @else if (!root()) {
        <p class="text-sm text-slate-400" data-testid="history-scrubber-no-root">Pick one root to scrub its chain snapshots.</p>
      } @else if (minutesQuery.data() && minutes().length === 0) {
        <p class="text-sm text-slate-400">No chain snapshots in the lake for this day and root.</p>
      } @else if (minutes().length > 0) {
        <div class="flex items-center gap-3">
          <span class="num text-xs text-slate-500">{{ minutes()[0] }}</span>
          <input
            type="range"
            class="flex-1 accent-sky-400"
            min="0"
            [max]="minutes().length - 1"
            step="1"
            [value]="index() ?? 0"
            aria-label="snapshot minute"
            data-testid="history-scrubber-range"
            (input)="scrub(+$any($event.target).value)"
          />
          <span class="num text-xs text-slate-500">{{ minutes()[minutes().length - 1] }}</span>
          <span class="num w-20 rounded bg-slate-800 px-2 py-0.5 text-center text-sm font-semibold" data-testid="history-scrubber-minute">{{
            minute() ?? '—'
          }}</span>
        </div>
      }
      @if (chain.unknown()) {
        <p class="mt-2 text-sm text-slate-400">The <span class="num">chain-at</span> query is not available from this server.</p>
      } @else if (chain.error()) {
        <p class="mt-2 text-sm text-rose-300">{{ chain.error() }}</p>
      } @else if (grid().rows.length > 0 && root()) {
        @if (grid().constants.length > 0) {
          <p class="mt-2 text-xs text-slate-400" data-testid="history-chain-caption">
            @for (k of caption(); track k.column) {
              <span class="mr-3">{{ captionLabel(k.column) }} <span class="num text-slate-200">{{ cell(k.column, k.value) }}</span></span>
            }
          </p>
        }
        <div class="mt-2 max-h-[28rem] overflow-auto" [class.opacity-60]="chain.loading()">
          <table class="w-full text-xs" data-testid="history-chain-grid">
            <thead class="sticky top-0 bg-slate-900 text-slate-400">
              <tr>
                @for (c of grid().calls; track c) {
                  <th class="px-1 text-right font-normal text-emerald-400/80">{{ label(c) }}</th>
                }
                <th class="px-2 text-center font-normal">strike</th>
                @for (c of grid().puts; track c) {
                  <th class="px-1 text-right font-normal text-rose-400/80">{{ label(c) }}</th>
                }
                @for (c of grid().others; track c) {
                  <th class="px-1 text-right font-normal">{{ label(c) }}</th>
                }
              </tr>
            </thead>
            <tbody>
              @for (r of grid().rows; track $index) {
                <tr class="border-t border-slate-800" [class.bg-sky-950/60]="r['strike'] === atm()" [attr.data-atm]="r['strike'] === atm() ? '' : null">
                  @for (c of grid().calls; track c) {
                    <td class="num px-1 text-right">{{ cell('call_' + c, r['call_' + c]) }}</td>
                  }
                  <td class="num bg-slate-800/60 px-2 text-center font-semibold">{{ cell('strike', r['strike']) }}</td>
                  @for (c of grid().puts; track c) {
                    <td class="num px-1 text-right">{{ cell('put_' + c, r['put_' + c]) }}</td>
                  }
                  @for (c of grid().others; track c) {
                    <td class="num px-1 text-right text-slate-300">{{ cell(c, r[c]) }}</td>
                  }
                </tr>
              }
            </tbody>
          </table>
        </div>
      } @else if (chain.data()) {
        <p class="mt-2 text-sm text-slate-400">No strikes in the snapshot at {{ minute() }}.</p>
      }
    </div>
  `,
})
export class HistoryScrubberComponent {
  private readonly api = inject(ApiService);

  readonly date = input<string | null>(null);
  readonly root = input<string>('');
  readonly reload = input(0);
  /** Whether the server has `chain-minutes` and `chain-at` (`null`: not known yet, wait). */
  readonly supported = input<boolean | null>(true);

  readonly minutesQuery = new QueryState<HistoryRows>();
  readonly chain = new QueryState<HistoryRows>();
  readonly minutes = computed(() => minuteList(this.minutesQuery.data()));
  /** Position of the scrubber in `minutes()`. */
  readonly index = signal<number | null>(null);
  readonly minute = computed(() => {
    const i = this.index();
    return i === null ? null : (this.minutes()[i] ?? null);
  });
  readonly grid = computed(() => chainGrid(this.chain.data()));
  protected readonly atm = computed(() => nearestStrike(this.chain.data()));
  /** The snapshot's constant columns; its `ts` only when there is no `time_new_york`. */
  protected readonly caption = computed(() => {
    const constants = this.grid().constants;
    const hasMinute = constants.some((k) => k.column === 'time_new_york');
    return constants.filter((k) => !(hasMinute && k.column === 'ts'));
  });

  private timer: ReturnType<typeof setTimeout> | null = null;
  private previousMinutes: string[] = [];
  private loadedKey = '';

  constructor() {
    effect(() => {
      const date = this.date();
      const root = this.root();
      this.reload();
      const supported = this.supported();
      untracked(() => {
        // A reload of the same day keeps the scrubber's place; a new day or root starts at its end.
        const key = `${date}|${root}`;
        const same = key === this.loadedKey;
        this.loadedKey = key;
        // The snapshot queries need one root.
        void this.loadMinutes(supported === true && root !== '' ? date : null, root, same);
      });
    });
    inject(DestroyRef).onDestroy(() => this.cancelTimer());
  }

  private async loadMinutes(date: string | null, root: string, keepPosition: boolean): Promise<void> {
    this.cancelTimer();
    if (!date) {
      this.minutesQuery.clear();
      this.chain.clear();
      this.index.set(null);
      return;
    }
    if (!keepPosition) {
      this.previousMinutes = [];
      this.index.set(null);
    }
    const applied = await this.minutesQuery.run(() =>
      this.api.get<HistoryRows>('/api/history/chain-minutes', { date, root }),
    );
    if (!applied) {
      return;
    }
    const list = this.minutes();
    const before = this.minute();
    const next = followIndex(this.previousMinutes, list, this.index());
    this.previousMinutes = list;
    this.index.set(next);
    if (next === null) {
      this.chain.clear();
    } else if (list[next] !== before || this.chain.data() === null) {
      void this.loadChain(list[next]);
    }
  }

  /** The range input moved: show the minute now, ask the server once the hand rests. */
  scrub(i: number): void {
    const list = this.minutes();
    if (list.length === 0 || !Number.isFinite(i)) {
      return;
    }
    const clamped = Math.min(list.length - 1, Math.max(0, Math.round(i)));
    this.index.set(clamped);
    this.cancelTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      const at = this.minute();
      if (at !== null) {
        void this.loadChain(at);
      }
    }, SCRUB_DEBOUNCE_MS);
  }

  private loadChain(at: string): Promise<boolean> {
    const date = this.date();
    if (!date) {
      return Promise.resolve(false);
    }
    return this.chain.run(() =>
      this.api.get<HistoryRows>('/api/history/chain-at', { date, root: this.root(), at, strikes: CHAIN_STRIKES }),
    );
  }

  private cancelTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  protected cell(column: string, v: unknown): string {
    return formatCell(column, v);
  }

  protected captionLabel(column: string): string {
    return column === 'time_new_york' ? 'snapshot' : column === 'underlying_price' ? 'underlying' : this.label(column);
  }

  protected label(column: string): string {
    return column.replace(/_/g, ' ');
  }
}
