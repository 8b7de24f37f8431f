import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import { EChartComponent } from '../../charts/echart.component';
import { int, pct } from '../../core/format';
import { MarketView } from '../../core/wire';
import { ivRvRows } from './smile';
import { ivRvOption } from './vol-charts';

/** Realized volatility per window against the 0DTE ATM IV (`desk.market.realized`). */
@Component({
  selector: 'gf-iv-rv-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [EChartComponent],
  template: `
    <section class="panel" data-testid="iv-rv">
      <h2 class="panel-title">IV vs realized (ES 1-minute bars)</h2>
      @if (!market()) {
        <p class="py-6 text-center text-sm text-slate-400" data-testid="iv-rv-empty">
          This server does not publish market state yet (no <code>desk.market</code>): realized
          volatility is not available.
        </p>
      } @else if (rows().length === 0) {
        <p class="py-6 text-center text-sm text-slate-400" data-testid="iv-rv-empty">No realized-volatility windows yet.</p>
      } @else {
        <div class="grid gap-3 xl:grid-cols-2">
          <table class="w-full text-sm" data-testid="iv-rv-table">
            <thead class="text-xs text-slate-400">
              <tr class="border-b border-slate-800">
                <th class="py-1 text-left font-normal">Window</th>
                <th class="py-1 text-left font-normal">NY time</th>
                <th class="py-1 text-right font-normal">Bars</th>
                <th class="py-1 text-right font-normal">RV</th>
                <th class="py-1 text-right font-normal">ATM IV</th>
                <th class="py-1 text-right font-normal">IV − RV</th>
              </tr>
            </thead>
            <tbody>
              @for (r of rows(); track r.name) {
                <tr class="border-b border-slate-800/60" data-testid="iv-rv-row" [attr.data-window]="r.name">
                  <td class="py-1 capitalize">{{ r.name }}</td>
                  <td class="num py-1 text-slate-400">{{ r.window }}</td>
                  <td class="num py-1 text-right">{{ int(r.bars) }}</td>
                  <td class="num py-1 text-right text-amber-300">{{ pct(r.rv) }}</td>
                  <td class="num py-1 text-right text-sky-300">{{ pct(r.iv) }}</td>
                  <td
                    class="num py-1 text-right"
                    data-testid="iv-rv-spread"
                    [class.text-emerald-300]="(r.spread ?? 0) > 0"
                    [class.text-rose-300]="(r.spread ?? 0) < 0"
                  >
                    {{ spread(r.spread) }}
                  </td>
                </tr>
              }
            </tbody>
          </table>
          <gf-echart class="h-56" [option]="option()" />
        </div>
        <p class="mt-2 text-xs text-slate-500">
          Annualised close-to-close RV; IV − RV in volatility points (positive: options price more
          movement than realized).
        </p>
      }
    </section>
  `,
})
export class IvRvPanelComponent {
  readonly market = input<MarketView | null | undefined>(null);

  protected readonly rows = computed(() => {
    const m = this.market();
    return m ? ivRvRows(m.realized ?? [], m.atm_iv) : [];
  });
  protected readonly option = computed(() => ivRvOption(this.rows()));

  protected readonly int = int;
  protected readonly pct = pct;

  /** IV − RV in volatility points, signed: `+2.4 pts`. */
  protected spread(x: number | null): string {
    if (x === null || !Number.isFinite(x)) {
      return '—';
    }
    const v = x * 100;
    return `${v > 0 ? '+' : ''}${v.toFixed(1)} pts`;
  }
}
