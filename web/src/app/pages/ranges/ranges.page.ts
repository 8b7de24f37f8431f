import { ChangeDetectionStrategy, Component } from '@angular/core';

/** The Ranges page (placeholder until it is built). */
@Component({
  selector: 'gf-ranges-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<h1 class="text-lg font-semibold">Ranges</h1>`,
})
export class RangesPage {}
