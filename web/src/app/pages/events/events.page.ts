import { ChangeDetectionStrategy, Component } from '@angular/core';

/** The Events page (placeholder until it is built). */
@Component({
  selector: 'gf-events-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<h1 class="text-lg font-semibold">Events</h1>`,
})
export class EventsPage {}
