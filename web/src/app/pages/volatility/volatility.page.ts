import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';

import { EChartComponent } from '../../charts/echart.component';
import { DataStreamService } from '../../core/data-stream.service';
import { pct, price } from '../../core/format';
import { createUnderlyingChains } from '../shared/underlying-chains';
import { UnderlyingSelectComponent } from '../shared/underlying-select.component';
import { IvRvPanelComponent } from './iv-rv-panel.component';
import { SmileAxis, smilesOf, termStructure } from './smile';
import { smileOption, termOption } from './vol-charts';

/**
 * Volatility: the OTM IV smile of every expiry of one underlying (from `/api/chain/{product}`,
 * every 15 s), the ATM term structure (from the stream's product views) and realized volatility
 * against the ATM IV (`desk.market`).
 */
@Component({
  selector: 'gf-volatility-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [EChartComponent, IvRvPanelComponent, UnderlyingSelectComponent],
  template: `
    <div class="flex flex-col gap-3" data-testid="volatility-page">
      <div class="flex flex-wrap items-center gap-3">
        <h1 class="text-lg font-semibold">Volatility</h1>
        <gf-underlying-select
          [groups]="underlying.groups()"
          [selectedId]="underlying.groupId()"
          (picked)="underlying.selected.set($event)"
        />
        <label class="flex items-center gap-2 text-sm text-slate-400">
          x axis
          <select
            class="rounded border border-slate-700 bg-slate-900 px-2 py-1 text-slate-200"
            data-testid="smile-axis"
            [value]="axis()"
            (change)="axis.set($any($event.target).value)"
          >
            <option value="strike">strike</option>
            <option value="moneyness">moneyness (K/S − 1)</option>
          </select>
        </label>
        <span class="ml-auto text-xs text-slate-500">chains refresh every 15 s</span>
      </div>

      <div class="grid gap-3 xl:grid-cols-3">
        <section class="panel xl:col-span-2">
          <h2 class="panel-title">IV smile per expiry · {{ groupLabel() }} (OTM: puts below spot, calls above)</h2>
          <div data-testid="smile-chart">
            @if (smiles().length > 0) {
              <gf-echart class="h-96" [option]="smileChart()" />
            } @else {
              <p class="flex h-96 items-center justify-center text-sm text-slate-400" data-testid="smile-empty">
                {{ smileEmptyText() }}
              </p>
            }
          </div>
          @for (e of underlying.errors(); track e.key) {
            <p class="text-xs text-rose-300" data-testid="chain-error">{{ e.key }}: {{ e.message }}</p>
          }
        </section>

        <section class="panel">
          <h2 class="panel-title">ATM term structure · {{ groupLabel() }}</h2>
          <div data-testid="term-chart">
            @if (term().length > 0) {
              <gf-echart class="h-64" [option]="termChart()" />
              <table class="mt-2 w-full text-sm">
                <thead class="text-xs text-slate-400">
                  <tr class="border-b border-slate-800">
                    <th class="py-1 text-left font-normal">Expiry</th>
                    <th class="py-1 text-right font-normal">ATM</th>
                    <th class="py-1 text-right font-normal">Call IV</th>
                    <th class="py-1 text-right font-normal">Put IV</th>
                    <th class="py-1 text-right font-normal">Mean</th>
                  </tr>
                </thead>
                <tbody>
                  @for (t of term(); track t.product) {
                    <tr class="border-b border-slate-800/60" data-testid="term-row">
                      <td class="py-1"><span class="num">{{ t.expiry }}</span> <span class="ml-1 text-xs text-slate-500">{{ t.product }}</span></td>
                      <td class="num py-1 text-right">{{ price(t.atmStrike, 0) }}</td>
                      <td class="num py-1 text-right text-emerald-300">{{ pct(t.callIv) }}</td>
                      <td class="num py-1 text-right text-rose-300">{{ pct(t.putIv) }}</td>
                      <td class="num py-1 text-right text-sky-300">{{ pct(t.atmIv) }}</td>
                    </tr>
                  }
                </tbody>
              </table>
            } @else {
              <p class="flex h-64 items-center justify-center text-sm text-slate-400">
                No ATM implied volatility for {{ groupLabel() }} yet.
              </p>
            }
          </div>
        </section>
      </div>

      <gf-iv-rv-panel [market]="market()" />
    </div>
  `,
})
export class VolatilityPage {
  private readonly stream = inject(DataStreamService);

  /** The underlying buttons, and the polled chains of the chosen underlying. */
  protected readonly underlying = createUnderlyingChains();
  readonly axis = signal<SmileAxis>('strike');
  protected readonly groupLabel = this.underlying.groupLabel;

  protected readonly market = computed(() => this.stream.flowData()?.market ?? null);

  readonly smiles = computed(() => smilesOf(this.underlying.chains()));
  protected readonly smileChart = computed(() => smileOption(this.smiles(), this.axis()));

  /** ATM IVs of every product of the group (from the stream, chain or not). */
  readonly term = computed(() => {
    const keys = new Set(this.underlying.group()?.keys ?? []);
    return termStructure((this.stream.flowData()?.products ?? []).filter((p) => keys.has(p.product)));
  }, { equal: (a, b) => JSON.stringify(a) === JSON.stringify(b) });
  protected readonly termChart = computed(() => termOption(this.term()));

  protected readonly smileEmptyText = computed(
    () => this.underlying.statusText() ?? `No implied volatilities in the ${this.groupLabel()} chains yet.`,
  );

  protected readonly pct = pct;
  protected readonly price = price;
}
