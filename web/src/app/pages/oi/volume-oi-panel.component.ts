import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import { EChartComponent } from '../../charts/echart.component';
import { int, money, price } from '../../core/format';
import { ChainView } from '../../core/wire';
import { unusualActivity, volumeOiRows } from './oi-matrix';
import { volumeOiOption } from './oi-charts';

/** Today's volume against open interest for one expiry, and the most unusual contracts. */
@Component({
  selector: 'gf-volume-oi-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [EChartComponent],
  template: `
    <div class="grid gap-3 2xl:grid-cols-3">
      <div class="2xl:col-span-2" data-testid="volume-oi-chart">
        @if (rows().length > 0) {
          <gf-echart class="h-80" [option]="option()" />
        } @else {
          <p class="flex h-80 items-center justify-center text-sm text-slate-400">No strikes in range.</p>
        }
      </div>
      <div>
        <h3 class="mb-1 text-xs font-semibold text-slate-400">Unusual activity · top volume / OI</h3>
        @if (unusual().length > 0) {
          <table class="w-full text-sm" data-testid="unusual-table">
            <thead class="text-xs text-slate-400">
              <tr class="border-b border-slate-800">
                <th class="py-1 text-left font-normal">Contract</th>
                <th class="py-1 text-right font-normal">Volume</th>
                <th class="py-1 text-right font-normal">OI</th>
                <th class="py-1 text-right font-normal">Vol/OI</th>
                <th class="py-1 text-right font-normal">Premium</th>
              </tr>
            </thead>
            <tbody>
              @for (u of unusual(); track u.symbol) {
                <tr class="border-b border-slate-800/60" data-testid="unusual-row">
                  <td class="num py-1" [class.text-emerald-300]="u.right === 'C'" [class.text-rose-300]="u.right === 'P'">
                    {{ price(u.strike, u.strike % 1 === 0 ? 0 : 1) }} {{ u.right }}
                  </td>
                  <td class="num py-1 text-right">{{ int(u.volume) }}</td>
                  <td class="num py-1 text-right">{{ int(u.oi) }}</td>
                  <td class="num py-1 text-right" [class.text-amber-300]="u.ratio >= 1">{{ ratio(u.ratio) }}</td>
                  <td class="num py-1 text-right text-slate-300">{{ money(u.premium) }}</td>
                </tr>
              }
            </tbody>
          </table>
        } @else {
          <p class="py-4 text-sm text-slate-400" data-testid="unusual-empty">No traded contracts with open interest yet.</p>
        }
      </div>
    </div>
  `,
})
export class VolumeOiPanelComponent {
  readonly chain = input.required<ChainView>();
  /** Strike half width around spot. */
  readonly range = input(100);

  protected readonly rows = computed(() => volumeOiRows(this.chain(), this.range()));
  protected readonly option = computed(() => volumeOiOption(this.rows(), this.chain().spot));
  protected readonly unusual = computed(() => unusualActivity(this.chain(), 12));

  protected readonly int = int;
  protected readonly money = money;
  protected readonly price = price;
  protected ratio(x: number): string {
    return `${x.toFixed(2)}×`;
  }
}
