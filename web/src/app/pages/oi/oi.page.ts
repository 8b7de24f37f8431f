import { ChangeDetectionStrategy, Component } from '@angular/core';

/** The Oi page (placeholder until it is built). */
@Component({
  selector: 'gf-oi-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<h1 class="text-lg font-semibold">Oi</h1>`,
})
export class OiPage {}
