import { ChangeDetectionStrategy, Component } from '@angular/core';

/** The Volatility page (placeholder until it is built). */
@Component({
  selector: 'gf-volatility-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<h1 class="text-lg font-semibold">Volatility</h1>`,
})
export class VolatilityPage {}
