import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  linkedSignal,
  signal,
  untracked,
} from '@angular/core';
import { ActivatedRoute, Router } from '@angular/router';

import { ApiError, ApiService } from '../../core/api.service';
import { ClockService } from '../../core/clock.service';
import { DataStreamService } from '../../core/data-stream.service';
import { ChainView, EventsView, IntradayView, MacroEvent } from '../../core/wire';
import { FlowChartComponent } from './flow-chart.component';
import { GexChartComponent } from './gex-chart.component';
import { headerModel } from './header-model';
import { serverOffers } from './server-paths';
import { IntradayFlow, eventMarkers } from './intraday';
import { LiveHeaderComponent } from './live-header.component';
import { StrikeGridComponent } from './strike-grid.component';

/** How often the whole chain is fetched for the GEX chart, ms. */
export const CHAIN_REFRESH_MS = 15_000;

/** Where a product's day history stands. */
type HistoryState = 'loading' | 'loaded' | 'absent' | 'error';

function sameKeys(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/**
 * Live 0DTE: product tabs, the header figures, the strike grid (left), GEX by strike and the
 * day's flow (right; stacked below 1536 px). Everything is derived from the stream's desk state
 * with `computed()`; the page also fetches the whole chain every 15 s (GEX range), the day's
 * flow history once per product, and the macro calendar once — each optional: a server without
 * them leaves the page working from the stream alone.
 */
@Component({
  selector: 'gf-live-page',
  imports: [LiveHeaderComponent, StrikeGridComponent, GexChartComponent, FlowChartComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="flex flex-col gap-3" data-testid="live-page">
      <div class="flex flex-wrap items-center gap-3">
        <div class="flex flex-wrap gap-1" role="tablist" aria-label="Product" data-testid="product-tabs">
          @for (key of keys(); track key) {
            <button
              type="button"
              role="tab"
              data-testid="product-tab"
              [attr.data-product]="key"
              [attr.aria-selected]="key === selected()"
              class="rounded border px-3 py-1 text-sm"
              [class.border-sky-500]="key === selected()"
              [class.bg-sky-900/50]="key === selected()"
              [class.text-white]="key === selected()"
              [class.border-slate-700]="key !== selected()"
              [class.text-slate-400]="key !== selected()"
              (click)="select(key)"
            >
              {{ key.toUpperCase() }}
            </button>
          } @empty {
            <span class="text-sm text-slate-400" data-testid="live-connecting">connecting to the desk…</span>
          }
        </div>
        @if (view(); as p) {
          <span class="text-xs text-slate-400" data-testid="product-caption">
            {{ p.root }} on {{ p.underlying }} · step {{ p.strike_step }} · ×{{ p.multiplier }}
            @if (p.expiry) {
              · expiry <span class="num">{{ p.expiry }}</span>
            }
          </span>
        }
      </div>

      <gf-live-header class="panel" [groups]="header()" />

      <div class="grid gap-3 2xl:grid-cols-[minmax(0,7fr)_minmax(0,5fr)]">
        <section class="panel self-start" aria-label="Strike grid">
          <h2 class="panel-title">
            Strikes · {{ selected().toUpperCase() }}
            <span class="normal-case text-slate-500">(high → low, shaded = in the money)</span>
          </h2>
          <gf-strike-grid [product]="view()" />
        </section>
        <div class="flex flex-col gap-3">
          <gf-gex-chart class="panel h-[440px]" [product]="view()" [chain]="chain()" />
          <gf-flow-chart class="panel" [points]="flowPoints()" [markers]="markers()" [note]="historyNote()" />
        </div>
      </div>
    </div>
  `,
})
export class LivePage {
  private readonly stream = inject(DataStreamService);
  private readonly api = inject(ApiService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly clock = inject(ClockService);

  /** `?product=spy` (bound by the router). */
  readonly product = input<string | undefined>(undefined);
  /** The tab picked here; follows the URL when it changes. */
  private readonly chosen = linkedSignal(() => this.product());

  readonly keys = computed(() => (this.stream.flowData()?.products ?? []).map((p) => p.product), {
    equal: sameKeys,
  });
  /** The shown product: the chosen one if the desk has it, else `spxw`, else the first. */
  readonly selected = computed(() => {
    const keys = this.keys();
    const chosen = this.chosen();
    if (chosen && keys.includes(chosen)) {
      return chosen;
    }
    if (keys.length === 0) {
      return chosen ?? 'spxw';
    }
    return keys.includes('spxw') ? 'spxw' : keys[0];
  });
  readonly view = computed(() => this.stream.products().get(this.selected()));
  private readonly hasStrikes = computed(() => (this.view()?.strikes.length ?? 0) > 0);

  protected readonly header = computed(() =>
    headerModel(this.stream.flowData(), this.view(), this.stream.lastMessageAt(), this.clock.now()),
  );

  // --- Flow over the day -----------------------------------------------------------------------
  private readonly flows = new Map<string, IntradayFlow>();
  private readonly flowVersion = signal(0);
  private readonly history = signal<Record<string, HistoryState>>({});
  /** The selected product's points (a fresh array when they changed). */
  readonly flowPoints = computed(() => {
    this.flowVersion();
    return [...this.flow(this.selected()).points];
  });
  protected readonly historyNote = computed(() => {
    switch (this.history()[this.selected()]) {
      case 'loading':
        return 'loading the day…';
      case 'loaded':
        return 'day history from the server, then live';
      case 'absent':
        return 'day history not available from this server: collecting since page load';
      case 'error':
        return 'day history could not be loaded: collecting since page load';
      default:
        return '';
    }
  });

  // --- Chain (GEX range) and macro events --------------------------------------------------------
  readonly chain = signal<ChainView | null>(null);
  private readonly events = signal<MacroEvent[]>([]);
  protected readonly markers = computed(() => {
    const desk = this.stream.flowData();
    const date = desk?.market?.trade_date ?? desk?.time_new_york?.slice(0, 10) ?? null;
    return eventMarkers(this.events(), date);
  });

  constructor() {
    // Every stream message: the day totals of each product become its current minute's point.
    effect(() => {
      const desk = this.stream.flowData();
      if (!desk) {
        return;
      }
      const selected = untracked(this.selected);
      let changed = false;
      for (const p of desk.products) {
        if (p.totals.prints === 0) {
          continue; // nothing traded yet: no flat line before the open
        }
        if (this.flow(p.product).append(desk.ts_event, p.totals, p.spot) && p.product === selected) {
          changed = true;
        }
      }
      if (changed) {
        this.flowVersion.update((v) => v + 1);
      }
    });
    // The selected product's day history (once per product) and chain (now, then every 15 s).
    effect(() => {
      const key = this.selected();
      untracked(() => void this.loadHistory(key));
    });
    effect(() => {
      const key = this.selected();
      if (this.hasStrikes()) {
        untracked(() => void this.loadChain(key));
      }
    });
    const timer = setInterval(() => void this.loadChain(untracked(this.selected)), CHAIN_REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
    void this.loadEvents();
  }

  /** Shows `key` and remembers it in the URL (`?product=`). */
  select(key: string): void {
    this.chosen.set(key);
    this.router
      .navigate([], {
        relativeTo: this.route,
        queryParams: { product: key },
        queryParamsHandling: 'merge',
        replaceUrl: true,
      })
      .catch(() => undefined);
  }

  private flow(key: string): IntradayFlow {
    let f = this.flows.get(key);
    if (!f) {
      f = new IntradayFlow();
      this.flows.set(key, f);
    }
    return f;
  }

  private async loadHistory(key: string): Promise<void> {
    const state = this.history()[key];
    if (state === 'loading' || state === 'loaded' || state === 'absent') {
      return;
    }
    this.history.update((h) => ({ ...h, [key]: 'loading' }));
    if (!(await serverOffers(this.api, '/api/intraday/{product}'))) {
      this.history.update((h) => ({ ...h, [key]: 'absent' }));
      return;
    }
    try {
      const view = await this.api.get<IntradayView>(`/api/intraday/${encodeURIComponent(key)}`);
      this.flow(key).load(Array.isArray(view?.points) ? view.points : []);
      this.history.update((h) => ({ ...h, [key]: 'loaded' }));
      this.flowVersion.update((v) => v + 1);
    } catch (e) {
      const absent = e instanceof ApiError && (e.status === 404 || e.status === 501);
      this.history.update((h) => ({ ...h, [key]: absent ? 'absent' : 'error' }));
    }
  }

  private async loadChain(key: string): Promise<void> {
    if ((this.stream.product(key)?.strikes.length ?? 0) === 0) {
      // The server has no chain for a product before its first quotes (it would answer 404).
      if (key === untracked(this.selected)) {
        this.chain.set(null);
      }
      return;
    }
    try {
      const chain = await this.api.get<ChainView>(`/api/chain/${encodeURIComponent(key)}`);
      if (key === untracked(this.selected)) {
        this.chain.set(Array.isArray(chain?.contracts) ? chain : null);
      }
    } catch {
      // No chain (yet) for this product: the chart uses the window's strikes.
      if (key === untracked(this.selected)) {
        this.chain.set(null);
      }
    }
  }

  private async loadEvents(): Promise<void> {
    if (!(await serverOffers(this.api, '/api/events'))) {
      return;
    }
    try {
      const view = await this.api.get<EventsView>('/api/events');
      this.events.set(Array.isArray(view?.events) ? view.events : []);
    } catch {
      this.events.set([]); // no calendar from this server: no markers
    }
  }
}
