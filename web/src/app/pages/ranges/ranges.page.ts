import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal, untracked } from '@angular/core';

import { TimeChartComponent } from '../../charts/time-chart.component';
import { ApiService } from '../../core/api.service';
import { DataStreamService } from '../../core/data-stream.service';
import { nsToSeconds, pct, points, price } from '../../core/format';
import { MarketBarsView } from '../../core/wire';
import { RangeCardComponent } from './range-card.component';
import { intradaySeries } from './range-ladder';

/** Bars refresh period. */
export const BARS_REFRESH_MS = 30_000;

/**
 * Ranges: the morning (ES VWAP centre, until the 09:30 New York cash open) and afternoon (SPX
 * open projected to ES, until the close) bands of `desk.market`, with an intraday ES chart.
 */
@Component({
  selector: 'gf-ranges-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RangeCardComponent, TimeChartComponent],
  template: `
    <div class="flex flex-col gap-3" data-testid="ranges-page">
      <div class="flex flex-wrap items-baseline gap-3">
        <h1 class="text-lg font-semibold">Ranges</h1>
        <span class="text-xs text-slate-500">
          ES/SPX ranges · touch buffer 0.25 pt, cooldown 30 s, breakout after 5 min outside 1σ
        </span>
      </div>

      @if (!desk()) {
        <p class="panel py-10 text-center text-sm text-slate-400" data-testid="ranges-waiting">Waiting for the desk stream…</p>
      } @else if (!market()) {
        <p class="panel py-10 text-center text-sm text-amber-200" data-testid="ranges-no-market">
          This server does not publish market state yet (no <code>desk.market</code> in the stream): ES/SPX
          ranges are not available. Upgrade <code>gammaflow serve</code> to a version with the market module.
        </p>
      } @else {
        @if (market(); as m) {
          <section class="panel" data-testid="market-strip">
            <dl class="grid grid-cols-3 gap-x-6 gap-y-2 text-sm md:grid-cols-5 xl:grid-cols-9">
              <div><dt class="text-xs text-slate-500">Trade date</dt><dd class="num">{{ m.trade_date ?? '—' }}</dd></div>
              <div>
                <dt class="text-xs text-slate-500">ES {{ m.es_symbol ?? '' }}</dt>
                <dd class="num text-sky-300" data-testid="market-es">{{ price(m.es) }}</dd>
              </div>
              <div><dt class="text-xs text-slate-500">SPX</dt><dd class="num">{{ price(m.spx) }}</dd></div>
              <div><dt class="text-xs text-slate-500">Basis ES − SPX</dt><dd class="num">{{ points(m.basis) }}</dd></div>
              <div>
                <dt class="text-xs text-slate-500">VWAP ({{ m.vwap_source }})</dt>
                <dd class="num text-amber-300">{{ price(m.vwap) }}</dd>
              </div>
              <div><dt class="text-xs text-slate-500">ES − VWAP</dt><dd class="num">{{ points(esVsVwap()) }}</dd></div>
              <div><dt class="text-xs text-slate-500">SPX open (frozen)</dt><dd class="num">{{ price(m.spx_open) }}</dd></div>
              <div><dt class="text-xs text-slate-500">Basis at open</dt><dd class="num">{{ points(m.basis_at_open) }}</dd></div>
              <div><dt class="text-xs text-slate-500">0DTE ATM IV</dt><dd class="num">{{ pct(m.atm_iv) }}</dd></div>
            </dl>
          </section>

          <div class="grid gap-3 lg:grid-cols-2">
            @for (r of m.ranges; track r.name) {
              <gf-range-card [range]="r" [es]="m.es" [atmIv]="m.atm_iv" />
            } @empty {
              <p class="panel py-8 text-center text-sm text-slate-400">The server reports no range windows.</p>
            }
          </div>

          <section class="panel">
            <div class="flex flex-wrap items-baseline gap-3">
              <h2 class="panel-title">ES 1-minute closes · VWAP · band levels (New York time)</h2>
              @if (barsError(); as e) {
                <span class="text-xs text-rose-300" data-testid="bars-error">{{ e }}</span>
              }
              <span class="ml-auto text-xs text-slate-500">bars refresh every 30 s</span>
            </div>
            <gf-time-chart class="h-96" [series]="series()" data-testid="ranges-chart" />
          </section>
        }
      }
    </div>
  `,
})
export class RangesPage {
  private readonly stream = inject(DataStreamService);
  private readonly api = inject(ApiService);

  protected readonly desk = this.stream.flowData;
  readonly market = computed(() => this.stream.flowData()?.market ?? null);
  private readonly hasMarket = computed(() => this.market() !== null);
  readonly bars = signal<MarketBarsView | null>(null);
  readonly barsError = signal<string | null>(null);

  protected readonly esVsVwap = computed(() => {
    const m = this.market();
    return m && m.es !== null && m.vwap !== null ? m.es - m.vwap : null;
  });

  protected readonly series = computed(() => {
    const m = this.market();
    const desk = this.desk();
    return intradaySeries(this.bars()?.bars ?? [], m?.ranges ?? [], {
      es: m?.es ?? null,
      nowSec: desk ? nsToSeconds(desk.ts_event) : null,
    });
  });

  private loading = false;

  constructor() {
    // Bars are asked for only from a server that publishes market state (an older server has
    // no `/api/market/bars`, and a 404 would be a console error).
    effect(() => {
      if (this.hasMarket()) {
        untracked(() => void this.loadBars());
      }
    });
    const timer = setInterval(() => {
      if (untracked(this.hasMarket)) {
        void this.loadBars();
      }
    }, BARS_REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  async loadBars(): Promise<void> {
    if (this.loading) {
      return;
    }
    this.loading = true;
    try {
      const view = await this.api.get<MarketBarsView>('/api/market/bars');
      this.bars.set(view && Array.isArray(view.bars) ? view : { schema: 1, es_symbol: null, bars: [] });
      this.barsError.set(null);
    } catch (e) {
      this.barsError.set(`ES bars not available: ${(e as Error).message}`);
    } finally {
      this.loading = false;
    }
  }

  protected readonly pct = pct;
  protected readonly points = points;
  protected readonly price = price;
}
