import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import { EChartComponent } from '../../charts/echart.component';
import { ChainView, ProductView } from '../../core/wire';
import { gexBars, gexOption } from './gex-option';

/** GEX by strike (OI and flow), with spot, zero gamma and the walls as lines. */
@Component({
  selector: 'gf-gex-chart',
  imports: [EChartComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'flex flex-col', 'data-testid': 'gex-chart' },
  template: `
    <div class="flex items-baseline justify-between">
      <h2 class="panel-title">GEX by strike <span class="normal-case">(US$ per 1 % move)</span></h2>
      <span class="text-[11px] text-slate-500" data-testid="gex-source">{{ sourceText() }}</span>
    </div>
    @if (bars().length === 0) {
      <div class="flex flex-1 items-center justify-center text-sm text-slate-400">waiting for the first quotes…</div>
    } @else {
      <gf-echart [option]="option()" [notMerge]="false" class="min-h-0 flex-1" />
    }
  `,
})
export class GexChartComponent {
  readonly product = input<ProductView | undefined>(undefined);
  /** The product's whole chain, when the server answered (widens the strike range). */
  readonly chain = input<ChainView | null>(null);

  protected readonly bars = computed(() => gexBars(this.product(), this.chain()));
  protected readonly option = computed(() => gexOption(this.bars(), this.product()));
  protected readonly sourceText = computed(() => {
    const chain = this.chain();
    const p = this.product();
    return chain && p && chain.product === p.product ? 'window + chain OI' : 'window strikes';
  });
}
