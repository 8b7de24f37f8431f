import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

import { ClockService } from './core/clock.service';
import { DataStreamService } from './core/data-stream.service';
import { clock, duration } from './core/format';

/** The shell: top navigation, connection state, and the routed page. */
@Component({
  selector: 'app-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './app.html',
})
export class App {
  private readonly stream = inject(DataStreamService);
  private readonly clockService = inject(ClockService);

  protected readonly pages = [
    { path: '/live', label: 'Live 0DTE' },
    { path: '/ranges', label: 'Ranges' },
    { path: '/volatility', label: 'Volatility' },
    { path: '/oi', label: 'Open interest' },
    { path: '/history', label: 'History' },
    { path: '/events', label: 'Events' },
    { path: '/health', label: 'Health' },
  ];

  protected readonly connection = this.stream.connection;
  protected readonly desk = this.stream.flowData;

  /** `live`, `stale` (no message for 5 s), `reconnecting`, `connecting`. */
  protected readonly status = computed(() => {
    const c = this.connection();
    if (c.phase !== 'open') {
      return c.phase;
    }
    const last = this.stream.lastMessageAt();
    return last !== null && this.clockService.now() - last > 5000 ? 'stale' : 'live';
  });

  protected readonly statusText = computed(() => {
    const c = this.connection();
    switch (this.status()) {
      case 'live':
        return 'live';
      case 'stale':
        return `no update for ${duration(this.clockService.now() - (this.stream.lastMessageAt() ?? 0))}`;
      case 'reconnecting': {
        const wait = c.retryAt === null ? 0 : Math.max(0, c.retryAt - this.clockService.now());
        return `reconnecting (attempt ${c.attempt}${wait > 0 ? `, in ${duration(wait)}` : ''})`;
      }
      default:
        return 'connecting';
    }
  });

  protected readonly eventTime = computed(() => clock(this.desk()?.time_new_york));
}
