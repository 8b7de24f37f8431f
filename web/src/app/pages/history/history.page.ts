import { ChangeDetectionStrategy, Component } from '@angular/core';

/** The History page (placeholder until it is built). */
@Component({
  selector: 'gf-history-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<h1 class="text-lg font-semibold">History</h1>`,
})
export class HistoryPage {}
