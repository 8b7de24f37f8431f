import { ChangeDetectionStrategy, Component, computed, signal } from '@angular/core';

import { EChartComponent } from '../../charts/echart.component';
import { int, price } from '../../core/format';
import { ChainView } from '../../core/wire';
import { createUnderlyingChains } from '../shared/underlying-chains';
import { UnderlyingSelectComponent } from '../shared/underlying-select.component';
import { heatmapOption } from './oi-charts';
import { OiSide, buildOiMatrix, byExpiry, defaultRange, spotOf, summaries } from './oi-matrix';
import { VolumeOiPanelComponent } from './volume-oi-panel.component';

const RANGES: Record<string, number[]> = { spy: [5, 10, 20, 50], default: [25, 50, 100, 200, 400] };

/**
 * Open interest: strike × expiry heatmap of the selected underlying's chains, volume vs OI of one
 * expiry with the most unusual contracts, and put/call OI per expiry. Chains every 15 s.
 */
@Component({
  selector: 'gf-oi-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [EChartComponent, UnderlyingSelectComponent, VolumeOiPanelComponent],
  template: `
    <div class="flex flex-col gap-3" data-testid="oi-page">
      <div class="flex flex-wrap items-center gap-3">
        <h1 class="text-lg font-semibold">Open interest</h1>
        <gf-underlying-select
          [groups]="underlying.groups()"
          [selectedId]="groupId()"
          (picked)="selectGroup($event)"
        />
        <label class="flex items-center gap-2 text-sm text-slate-400">
          strikes ±
          <select
            class="num rounded border border-slate-700 bg-slate-900 px-2 py-1 text-slate-200"
            data-testid="oi-range"
            (change)="rangeChoice.set(+$any($event.target).value)"
          >
            @for (r of rangeOptions(); track r) {
              <option [value]="r" [selected]="r === range()">{{ r }}</option>
            }
          </select>
          around spot <span class="num text-slate-200">{{ price(spot()) }}</span>
        </label>
        <div class="flex gap-1" role="group" aria-label="Side" data-testid="oi-side">
          @for (s of sides; track s) {
            <button
              type="button"
              class="rounded px-3 py-1 text-sm capitalize"
              [class.bg-sky-800]="s === side()"
              [class.text-white]="s === side()"
              [class.bg-slate-800]="s !== side()"
              [class.text-slate-300]="s !== side()"
              [attr.aria-pressed]="s === side()"
              (click)="side.set(s)"
            >
              {{ s }}
            </button>
          }
        </div>
        <span class="ml-auto text-xs text-slate-500">chains refresh every 15 s</span>
      </div>

      @if (chains().length === 0) {
        <p class="panel py-10 text-center text-sm text-slate-400" data-testid="oi-empty">{{ emptyText() }}</p>
      }
      @for (e of underlying.errors(); track e.key) {
        <p class="text-xs text-rose-300" data-testid="chain-error">{{ e.key }}: {{ e.message }}</p>
      }

      <div class="grid gap-3 xl:grid-cols-3">
        <section class="panel xl:col-span-2">
          <h2 class="panel-title">{{ side() }} OI · strike × expiry · {{ groupLabel() }}</h2>
          <div data-testid="oi-heatmap">
            @if (matrix().strikes.length > 0) {
              <gf-echart [style.height.px]="heatmapHeight()" [option]="heatmap()" />
            } @else {
              <p class="flex h-64 items-center justify-center text-sm text-slate-400">No open interest in range.</p>
            }
          </div>
        </section>
        <section class="panel" data-testid="oi-summary">
          <h2 class="panel-title">OI per expiry</h2>
          <table class="w-full text-sm">
            <thead class="text-xs text-slate-400">
              <tr class="border-b border-slate-800">
                <th class="py-1 text-left font-normal">Expiry</th>
                <th class="py-1 text-right font-normal">Call OI</th>
                <th class="py-1 text-right font-normal">Put OI</th>
                <th class="py-1 text-right font-normal">Total</th>
                <th class="py-1 text-right font-normal">P/C</th>
              </tr>
            </thead>
            <tbody>
              @for (s of summaryRows(); track s.product) {
                <tr class="border-b border-slate-800/60" data-testid="oi-summary-row">
                  <td class="py-1"><span class="num">{{ s.expiry }}</span> <span class="ml-1 text-xs text-slate-500">{{ s.product }}</span></td>
                  <td class="num py-1 text-right text-emerald-300">{{ int(s.callOi) }}</td>
                  <td class="num py-1 text-right text-rose-300">{{ int(s.putOi) }}</td>
                  <td class="num py-1 text-right">{{ int(s.totalOi) }}</td>
                  <td class="num py-1 text-right text-amber-300">{{ price(s.putCallRatio) }}</td>
                </tr>
              } @empty {
                <tr><td colspan="5" class="py-3 text-center text-slate-500">—</td></tr>
              }
            </tbody>
          </table>
          <p class="mt-2 text-xs text-slate-500">Whole chain (not only the strikes in range); P/C = put OI ÷ call OI.</p>
        </section>
      </div>

      <section class="panel">
        <div class="mb-2 flex flex-wrap items-center gap-3">
          <h2 class="panel-title mb-0">Volume vs open interest</h2>
          <select
            class="num rounded border border-slate-700 bg-slate-900 px-2 py-1 text-sm text-slate-200"
            data-testid="oi-expiry"
            (change)="expiryChoice.set($any($event.target).value)"
          >
            @for (c of chains(); track c.product) {
              <option [value]="c.product" [selected]="c.product === expiryChain()?.product">{{ c.expiry }} ({{ c.product }})</option>
            }
          </select>
        </div>
        @if (expiryChain(); as chain) {
          <gf-volume-oi-panel [chain]="chain" [range]="range()" />
        } @else {
          <p class="flex h-40 items-center justify-center text-sm text-slate-400" data-testid="volume-oi-chart">
            No expiry loaded yet.
          </p>
        }
      </section>
    </div>
  `,
})
export class OiPage {
  /** The underlying buttons, and the polled chains of the chosen underlying. */
  protected readonly underlying = createUnderlyingChains();

  protected readonly sides: OiSide[] = ['call', 'put', 'total'];
  readonly side = signal<OiSide>('total');
  /** The chosen strike half width, `null` = the group's default. */
  readonly rangeChoice = signal<number | null>(null);
  readonly expiryChoice = signal<string | null>(null);

  readonly groupId = this.underlying.groupId;
  protected readonly groupLabel = this.underlying.groupLabel;
  readonly range = computed(() => this.rangeChoice() ?? defaultRange(this.groupId() ?? ''));
  protected readonly rangeOptions = computed(() => {
    const base = RANGES[this.groupId() === 'spy' ? 'spy' : 'default'];
    return base.includes(this.range()) ? base : [...base, this.range()].sort((a, b) => a - b);
  });

  /** The selected group's loaded chains, by expiry date. */
  readonly chains = computed(() => byExpiry(this.underlying.chains()));
  protected readonly spot = computed(() => spotOf(this.chains()));
  readonly matrix = computed(() => buildOiMatrix(this.chains(), this.side(), this.range()));
  protected readonly heatmap = computed(() => heatmapOption(this.matrix(), this.side()));
  protected readonly heatmapHeight = computed(() => Math.min(900, Math.max(320, this.matrix().strikes.length * 18 + 80)));
  protected readonly summaryRows = computed(() => summaries(this.chains()));
  protected readonly expiryChain = computed<ChainView | null>(() => {
    const chains = this.chains();
    return chains.find((c) => c.product === this.expiryChoice()) ?? chains[0] ?? null;
  });

  /** Shown while no chain is loaded (also after failed fetches, next to their errors). */
  protected readonly emptyText = computed(() => this.underlying.statusText() ?? 'Loading chains…');

  selectGroup(id: string): void {
    this.underlying.selected.set(id);
    this.rangeChoice.set(null);
    this.expiryChoice.set(null);
  }

  protected readonly int = int;
  protected readonly price = price;
}
