import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';

import { TimeChartComponent, TimePoint, TimeSeriesSpec } from '../../charts/time-chart.component';
import { DARK } from '../../charts/echarts-setup';
import { ApiService } from '../../core/api.service';
import { DataStreamService } from '../../core/data-stream.service';
import { bytes, clock, compact, duration, int, pct, price } from '../../core/format';
import { Health } from '../../core/wire';
import { M, errorCounts, flushAgeSeconds, productRows, pushWindowed, reconnects } from './health-logic';
import { Exposition, metric, parsePrometheus } from './prometheus';

/** Poll periods, ms. */
export const HEALTH_POLL_MS = 2_000;
export const METRICS_POLL_MS = 5_000;

/**
 * The Health page: `GET /api/health` every 2 s, `GET /metrics` every 5 s (parsed here), and the
 * WebSocket's own connection state, as one card per figure.
 */
@Component({
  selector: 'gf-health-page',
  imports: [TimeChartComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section data-testid="health-page" class="flex flex-col gap-3">
      <div class="grid grid-cols-1 gap-3 md:grid-cols-2 xl:grid-cols-4">
        <div class="panel" data-testid="health-status" [attr.data-status]="status()">
          <div class="panel-title">Status</div>
          @if (health(); as h) {
            <div class="flex items-center gap-2">
              <span
                class="rounded px-2 py-0.5 text-sm font-semibold uppercase"
                [class]="h.status === 'ok' ? 'bg-emerald-900/70 text-emerald-300' : 'bg-rose-900/70 text-rose-300'"
                >{{ h.status }}</span
              >
              <span class="text-xs text-slate-400">schema {{ h.schema }} · seq <span class="num">{{ h.seq }}</span></span>
            </div>
            @if (h.problems.length > 0) {
              <ul class="mt-2 list-disc pl-5 text-sm text-rose-300" data-testid="health-problems">
                @for (p of h.problems; track $index) {
                  <li>{{ p }}</li>
                }
              </ul>
            } @else {
              <p class="mt-2 text-sm text-slate-400">No problems reported.</p>
            }
            <p class="mt-2 text-xs text-slate-500">
              event time <span class="num">{{ clockOf(h.time_new_york) }}</span> ET · desk
              <span [class]="h.desk_running ? 'text-emerald-300' : 'text-rose-300'">{{
                h.desk_running ? 'running' : 'stopped'
              }}</span>
              · WS clients <span class="num" data-testid="health-ws-clients">{{ h.ws_clients }}</span>
            </p>
          } @else if (healthError()) {
            <span class="rounded bg-rose-900/70 px-2 py-0.5 text-sm font-semibold text-rose-300">unreachable</span>
            <p class="mt-2 text-sm text-rose-300">{{ healthError() }}</p>
          } @else {
            <p class="text-sm text-slate-400">Loading…</p>
          }
          @if (health() && healthError()) {
            <p class="mt-1 text-xs text-amber-300">last poll failed: {{ healthError() }}</p>
          }
        </div>

        <div class="panel" data-testid="health-source">
          <div class="panel-title">Source</div>
          @if (source(); as s) {
            <div class="flex items-baseline gap-2">
              <span class="text-lg font-semibold">{{ s.name }}</span>
              <span [class]="sourceStateClass(s.state)">{{ s.state }}</span>
            </div>
            <dl class="mt-2 grid grid-cols-2 gap-x-3 gap-y-1 text-sm">
              <dt class="text-slate-400">events</dt>
              <dd class="num text-right">{{ int(s.events) }}</dd>
              <dt class="text-slate-400">idle</dt>
              <dd class="num text-right">{{ duration(s.idle_ms) }}</dd>
              <dt class="text-slate-400">out of order</dt>
              <dd class="num text-right">{{ int(metricValue(M.outOfOrder)) }}</dd>
            </dl>
          } @else {
            <p class="text-sm text-slate-400">No source status yet.</p>
          }
        </div>

        <div class="panel" data-testid="health-reconnects">
          <div class="panel-title">Stream connection</div>
          <div class="flex items-baseline gap-2">
            <span [class]="connection().phase === 'open' ? 'text-emerald-300' : 'text-amber-300'" class="font-semibold">{{
              connection().phase
            }}</span>
            <span class="text-xs text-slate-400">this page's WebSocket</span>
          </div>
          <dl class="mt-2 grid grid-cols-2 gap-x-3 gap-y-1 text-sm">
            <dt class="text-slate-400">reconnects</dt>
            <dd class="num text-right" data-testid="health-reconnect-count">{{ reconnectCount() }}</dd>
            <dt class="text-slate-400">connects</dt>
            <dd class="num text-right">{{ connection().connects }}</dd>
            <dt class="text-slate-400">failed attempts</dt>
            <dd class="num text-right">{{ connection().attempt }}</dd>
            <dt class="text-slate-400">bad messages</dt>
            <dd class="num text-right" [class.text-rose-300]="connection().badMessages > 0">{{ connection().badMessages }}</dd>
          </dl>
          @if (connection().lastProblem) {
            <p class="mt-1 truncate text-xs text-slate-500" [title]="connection().lastProblem">{{ connection().lastProblem }}</p>
          }
        </div>

        <div class="panel" data-testid="health-events-per-second">
          <div class="panel-title">Events / s</div>
          <div class="flex items-baseline gap-2">
            <span class="num text-2xl font-semibold">{{ price(eventsPerSecond(), 1) }}</span>
            <span class="text-xs text-slate-400">last 2 min</span>
          </div>
          <gf-time-chart class="mt-1 h-28" [series]="sparkSeries()" />
        </div>
      </div>

      <div class="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <div class="panel" data-testid="health-writer-lag">
          <div class="panel-title">Writer lag</div>
          <div class="num text-xl font-semibold">{{ int(health()?.writer_lag_rows) }}</div>
          <div class="text-xs text-slate-400">rows not yet in Parquet</div>
        </div>
        <div class="panel" data-testid="health-wal">
          <div class="panel-title">WAL size</div>
          <div class="num text-xl font-semibold">{{ bytes(health()?.wal_bytes) }}</div>
          <div class="text-xs text-slate-400">rows logged <span class="num">{{ int(metricValue(M.rowsLogged)) }}</span></div>
        </div>
        <div class="panel" data-testid="health-last-flush">
          <div class="panel-title">Last flush</div>
          @if (flushAge() !== null) {
            <div class="num text-xl font-semibold">{{ duration(flushAge()! * 1000) }} ago</div>
          } @else if ((metricValue(M.files) ?? 0) > 0) {
            <div class="text-xl font-semibold text-slate-400">not reported</div>
          } @else {
            <div class="text-xl font-semibold text-slate-400">no flush yet</div>
          }
          <div class="text-xs text-slate-400">event time · files <span class="num">{{ int(metricValue(M.files)) }}</span></div>
        </div>
        <div class="panel" data-testid="health-errors">
          <div class="panel-title">Errors</div>
          <dl class="grid grid-cols-2 gap-x-2 text-sm">
            @for (e of errorRows(); track e.label) {
              <dt class="text-slate-400">{{ e.label }}</dt>
              <dd class="num text-right" [class.text-rose-300]="(e.value ?? 0) > 0">{{ int(e.value) }}</dd>
            }
          </dl>
          @if (source()?.last_error; as err) {
            <p class="mt-1 truncate text-xs text-rose-300" [title]="err" data-testid="health-last-error">{{ err }}</p>
          }
        </div>
        <div class="panel" data-testid="health-queue">
          <div class="panel-title">Lake rows</div>
          <dl class="grid grid-cols-2 gap-x-2 text-sm">
            <dt class="text-slate-400">accepted</dt>
            <dd class="num text-right">{{ compact(metricValue(M.rowsAccepted)) }}</dd>
            <dt class="text-slate-400">persisted</dt>
            <dd class="num text-right">{{ compact(metricValue(M.rowsPersisted)) }}</dd>
            <dt class="text-slate-400">WS skipped</dt>
            <dd class="num text-right">{{ compact(metricValue(M.wsSkipped)) }}</dd>
          </dl>
        </div>
        <div class="panel" data-testid="health-greeks-age">
          <div class="panel-title">Greeks staleness</div>
          <div class="num text-xl font-semibold">{{ secondsText(metricValue(M.greeksStaleness)) }}</div>
          <div class="text-xs text-slate-400">max <span class="num">{{ secondsText(metricValue(M.greeksStalenessMax)) }}</span></div>
        </div>
      </div>

      <div class="grid grid-cols-1 gap-3 xl:grid-cols-2">
        <div class="panel overflow-x-auto" data-testid="health-products">
          <div class="panel-title">Products: Greeks age and excluded trades</div>
          @if (products().length === 0) {
            <p class="text-sm text-slate-400">No products in the desk state yet.</p>
          } @else {
            <table class="w-full text-sm">
              <thead class="text-xs text-slate-400">
                <tr>
                  <th class="text-left font-normal">product</th>
                  <th class="text-right font-normal">Greeks age</th>
                  <th class="text-right font-normal">prints</th>
                  <th class="text-right font-normal">excluded</th>
                  <th class="text-right font-normal">excl. %</th>
                </tr>
              </thead>
              <tbody>
                @for (r of products(); track r.product) {
                  <tr class="border-t border-slate-800" [attr.data-product]="r.product">
                    <td>{{ r.product }} <span class="text-xs text-slate-500">{{ r.root }}</span></td>
                    <td class="num text-right"
                      [class.text-emerald-300]="r.level === 'ok'"
                      [class.text-amber-300]="r.level === 'warn'"
                      [class.text-rose-300]="r.level === 'stale'">
                      {{ duration(r.greeksAgeMs) }}
                      @if (r.greeksAgeMetricS !== null) {
                        <span class="text-xs text-slate-500">({{ secondsText(r.greeksAgeMetricS) }})</span>
                      }
                    </td>
                    <td class="num text-right">{{ int(r.prints) }}</td>
                    <td class="num text-right">{{ int(r.excluded) }}</td>
                    <td class="num text-right">{{ pct(r.excludedShare) }}</td>
                  </tr>
                }
              </tbody>
            </table>
          }
        </div>
        <div class="panel" data-testid="health-metrics">
          <div class="panel-title">Metrics</div>
          @if (metricsError()) {
            <p class="text-sm text-rose-300">/metrics: {{ metricsError() }}</p>
          }
          @if (exposition(); as e) {
            <div class="max-h-72 overflow-y-auto">
              <table class="w-full text-xs">
                <tbody>
                  @for (s of e.samples; track $index) {
                    <tr class="border-t border-slate-800/70" [attr.title]="e.help[s.name]">
                      <td class="py-0.5 pr-2 text-slate-300">{{ shortName(s.name) }}{{ labelText(s.labels) }}</td>
                      <td class="num text-right">{{ sampleText(s.value) }}</td>
                    </tr>
                  }
                </tbody>
              </table>
            </div>
            @if (e.skipped > 0) {
              <p class="mt-1 text-xs text-amber-300">{{ e.skipped }} unparsable lines skipped</p>
            }
          } @else if (!metricsError()) {
            <p class="text-sm text-slate-400">Loading…</p>
          }
        </div>
      </div>
    </section>
  `,
})
export class HealthPage {
  private readonly api = inject(ApiService);
  private readonly stream = inject(DataStreamService);

  protected readonly M = M;
  protected readonly int = int;
  protected readonly bytes = bytes;
  protected readonly duration = duration;
  protected readonly price = price;
  protected readonly pct = pct;
  protected readonly compact = compact;
  protected readonly clockOf = clock;

  readonly health = signal<Health | null>(null);
  readonly healthError = signal<string | null>(null);
  readonly exposition = signal<Exposition | null>(null);
  readonly metricsError = signal<string | null>(null);
  /** Events/s over the last two minutes (wall-clock seconds). */
  readonly spark = signal<TimePoint[]>([]);

  protected readonly connection = this.stream.connection;
  protected readonly reconnectCount = computed(() => reconnects(this.connection()));
  protected readonly status = computed(() => this.health()?.status ?? (this.healthError() ? 'unreachable' : 'loading'));
  protected readonly source = computed(() => this.health()?.source ?? this.stream.flowData()?.source ?? null);
  protected readonly eventsPerSecond = computed(
    () => this.health()?.source.events_per_second ?? this.metricValue(M.eventsPerSecond) ?? null,
  );
  protected readonly flushAge = computed(() => flushAgeSeconds(this.health()));
  protected readonly products = computed(() => productRows(this.stream.flowData()?.products ?? [], this.exposition()));
  protected readonly errorRows = computed(() => {
    const e = errorCounts(this.health(), this.exposition());
    return [
      { label: 'source', value: e.source },
      { label: 'engine', value: e.engine },
      { label: 'lake', value: e.lake },
      { label: 'HTTP 401', value: this.metricValue(M.unauthorized) },
    ];
  });
  protected readonly sparkSeries = computed<TimeSeriesSpec[]>(() => [
    { id: 'eps', title: '', kind: 'area', color: DARK.accent, data: this.spark(), lineWidth: 1 },
  ]);

  constructor() {
    void this.pollHealth();
    void this.pollMetrics();
    const h = setInterval(() => void this.pollHealth(), HEALTH_POLL_MS);
    const m = setInterval(() => void this.pollMetrics(), METRICS_POLL_MS);
    inject(DestroyRef).onDestroy(() => {
      clearInterval(h);
      clearInterval(m);
    });
  }

  async pollHealth(): Promise<void> {
    try {
      const h = await this.api.get<Health>('/api/health');
      this.health.set(h);
      this.healthError.set(null);
      this.spark.update((points) =>
        pushWindowed(points, { time: Math.floor(Date.now() / 1000), value: h.source.events_per_second }),
      );
    } catch (e) {
      this.healthError.set((e as Error).message);
    }
  }

  async pollMetrics(): Promise<void> {
    try {
      this.exposition.set(parsePrometheus(await this.api.text('/metrics')));
      this.metricsError.set(null);
    } catch (e) {
      this.metricsError.set((e as Error).message);
    }
  }

  protected metricValue(name: string): number | null {
    return metric(this.exposition(), name);
  }

  protected secondsText(s: number | null): string {
    return s === null || !Number.isFinite(s) ? '—' : duration(s * 1000);
  }

  protected sampleText(v: number): string {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
    return Number.isInteger(v) ? int(v) : String(Math.round(v * 1000) / 1000);
  }

  protected shortName(name: string): string {
    return name.replace(/^gammaflow_/, '');
  }

  protected labelText(labels: Record<string, string>): string {
    const parts = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    return parts.length > 0 ? `{${parts.join(',')}}` : '';
  }

  protected sourceStateClass(state: string): string {
    return state === 'streaming'
      ? 'text-emerald-300'
      : state === 'failed'
        ? 'text-rose-300'
        : 'text-amber-300';
  }
}
