import { Injectable, OnDestroy, signal } from '@angular/core';

/**
 * A wall clock for display only (freshness, countdowns): a signal of `Date.now()` updated once a
 * second. Market logic never uses it; event time comes from the server.
 */
@Injectable({ providedIn: 'root' })
export class ClockService implements OnDestroy {
  readonly now = signal(Date.now());
  private readonly handle = setInterval(() => this.now.set(Date.now()), 1000);

  ngOnDestroy(): void {
    clearInterval(this.handle);
  }
}
