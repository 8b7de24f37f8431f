import { ChangeDetectionStrategy, Component } from '@angular/core';

/** The Live page (placeholder until it is built). */
@Component({
  selector: 'gf-live-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<h1 class="text-lg font-semibold">Live</h1>`,
})
export class LivePage {}
