import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';

import { TimeChartComponent } from '../../charts/time-chart.component';
import { ApiService } from '../../core/api.service';
import { HistoryRows } from '../../core/wire';
import { QueryState, SeriesMetric, flowSeries } from './history-logic';

/** Bucket widths offered, seconds. */
export const BUCKETS = [
  { seconds: 60, label: '1 min' },
  { seconds: 300, label: '5 min' },
  { seconds: 900, label: '15 min' },
];

/** The day's flow over time: `flow-series` buckets, cumulated into lines. */
@Component({
  selector: 'gf-history-series',
  imports: [TimeChartComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="panel" data-testid="history-series" [attr.data-buckets]="query.data()?.length ?? 0">
      <div class="panel-title flex flex-wrap items-center gap-2">
        <span>Flow over the day (cumulative)</span>
        @if (query.loading()) {
          <span class="font-normal normal-case text-slate-500">loading…</span>
        }
        <div class="ml-auto flex gap-1 font-normal normal-case">
          @for (m of metrics; track m.id) {
            <button
              type="button"
              class="rounded px-2 py-0.5 text-xs"
              [class]="metric() === m.id ? 'bg-slate-700 text-white' : 'text-slate-400 hover:bg-slate-800'"
              [attr.aria-pressed]="metric() === m.id"
              (click)="metric.set(m.id)"
            >
              {{ m.label }}
            </button>
          }
          <select
            class="rounded border border-slate-700 bg-slate-900 px-1 text-xs text-slate-200"
            aria-label="bucket width"
            data-testid="history-bucket"
            (change)="bucket.set(+$any($event.target).value)"
          >
            @for (b of buckets; track b.seconds) {
              <option [value]="b.seconds" [selected]="b.seconds === bucket()">{{ b.label }}</option>
            }
          </select>
        </div>
      </div>
      @if (query.error()) {
        <p class="text-sm text-rose-300">{{ query.error() }}</p>
      } @else if (query.data() && query.data()!.length === 0) {
        <p class="text-sm text-slate-400">No prints on this day for this root.</p>
      }
      @if (hasData()) {
        <!-- A new chart per day/root/bucket, so the time scale fits the new day. -->
        @for (k of [chartKey()]; track k) {
          <gf-time-chart class="h-72" [series]="series()" />
        }
      }
    </div>
  `,
})
export class HistorySeriesComponent {
  private readonly api = inject(ApiService);

  readonly date = input<string | null>(null);
  readonly root = input<string>('');
  readonly reload = input(0);

  protected readonly buckets = BUCKETS;
  protected readonly metrics: { id: SeriesMetric; label: string }[] = [
    { id: 'premium', label: 'premium' },
    { id: 'delta', label: 'net Δ' },
    { id: 'volume', label: 'volume' },
  ];
  readonly metric = signal<SeriesMetric>('premium');
  readonly bucket = signal(300);
  readonly query = new QueryState<HistoryRows>();
  readonly series = computed(() => flowSeries(this.query.data(), this.metric()));
  protected readonly hasData = computed(() => (this.query.data()?.length ?? 0) > 0);
  /** Which day the loaded rows belong to. */
  private readonly loadedKey = signal('');
  protected readonly chartKey = computed(() => this.loadedKey());

  constructor() {
    effect(() => {
      const date = this.date();
      const root = this.root();
      const bucket = this.bucket();
      this.reload();
      untracked(() => {
        if (!date) {
          this.query.clear();
          return;
        }
        const key = `${date}|${root}|${bucket}`;
        void this.query
          .run(() => this.api.get<HistoryRows>('/api/history/flow-series', { date, root, bucket }))
          .then((applied) => applied && this.loadedKey.set(key));
      });
    });
  }
}
