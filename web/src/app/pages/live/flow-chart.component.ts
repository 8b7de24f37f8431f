import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';

import { TimeChartComponent, TimeMarker } from '../../charts/time-chart.component';
import { FlowMinute, FlowMode, flowSeries } from './intraday';

/**
 * The day's cumulative flow, calls vs puts (premium or net delta, toggled), with the underlying
 * on the left axis and today's macro events as markers.
 */
@Component({
  selector: 'gf-flow-chart',
  imports: [TimeChartComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'flex flex-col', 'data-testid': 'flow-chart' },
  template: `
    <div class="mb-1 flex flex-wrap items-center gap-2">
      <h2 class="panel-title mb-0">Flow over the day</h2>
      <div class="flex overflow-hidden rounded border border-slate-700 text-xs" role="group" aria-label="Flow measure">
        <button
          type="button"
          data-testid="flow-mode-net"
          class="px-2 py-0.5"
          [class.bg-slate-700]="mode() === 'net'"
          [class.text-white]="mode() === 'net'"
          [class.text-slate-400]="mode() !== 'net'"
          [attr.aria-pressed]="mode() === 'net'"
          (click)="mode.set('net')"
        >
          Net premium
        </button>
        <button
          type="button"
          data-testid="flow-mode-premium"
          class="border-l border-slate-700 px-2 py-0.5"
          [class.bg-slate-700]="mode() === 'premium'"
          [class.text-white]="mode() === 'premium'"
          [class.text-slate-400]="mode() !== 'premium'"
          [attr.aria-pressed]="mode() === 'premium'"
          (click)="mode.set('premium')"
        >
          Gross premium
        </button>
        <button
          type="button"
          data-testid="flow-mode-delta"
          class="border-l border-slate-700 px-2 py-0.5"
          [class.bg-slate-700]="mode() === 'delta'"
          [class.text-white]="mode() === 'delta'"
          [class.text-slate-400]="mode() !== 'delta'"
          [attr.aria-pressed]="mode() === 'delta'"
          (click)="mode.set('delta')"
        >
          Net Δ
        </button>
      </div>
      <span class="flex items-center gap-3 text-[11px] text-slate-400">
        <span><span class="text-emerald-400">━</span> calls</span>
        <span><span class="text-rose-400">━</span> puts</span>
        <span><span class="text-slate-400">━</span> underlying (left)</span>
      </span>
      <span class="ml-auto text-[11px] text-slate-500" data-testid="flow-note">{{ note() }}</span>
    </div>
    <gf-time-chart [series]="series()" [markers]="markers()" class="h-[320px]" />
  `,
})
export class FlowChartComponent {
  /** Cumulative points, oldest first. */
  readonly points = input.required<readonly FlowMinute[]>();
  readonly markers = input<TimeMarker[]>([]);
  /** A line about where the data comes from (history loaded or not). */
  readonly note = input('');

  readonly mode = signal<FlowMode>('net');
  protected readonly series = computed(() => flowSeries(this.points(), this.mode()));
}
