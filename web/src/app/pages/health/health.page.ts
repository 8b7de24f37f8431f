import { ChangeDetectionStrategy, Component } from '@angular/core';

/** The Health page (placeholder until it is built). */
@Component({
  selector: 'gf-health-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<h1 class="text-lg font-semibold">Health</h1>`,
})
export class HealthPage {}
