import { Component, input } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ApiError, ApiService } from '../../core/api.service';
import { DataStreamService, STREAM_ENVIRONMENT, StreamEnvironment } from '../../core/data-stream.service';
import { DEFAULT_BACKOFF } from '../../core/backoff';
import { DeskView, Health, ProductView } from '../../core/wire';
import { TimeChartComponent, TimeSeriesSpec } from '../../charts/time-chart.component';
import { HealthPage } from './health.page';

/** lightweight-charts needs a real canvas: a stand-in that only keeps its input. */
@Component({ selector: 'gf-time-chart', template: '' })
class StubTimeChart {
  readonly series = input<TimeSeriesSpec[]>([]);
}
import { errorCounts, flushAgeSeconds, productRows, pushWindowed, reconnects } from './health-logic';
import { parsePrometheus } from './prometheus';

const HEALTH: Health = {
  status: 'degraded',
  problems: ['3 lake write errors'],
  schema: 1,
  seq: 42,
  ts_event: 1_796_048_700_000_000_000,
  time_new_york: '2026-11-30T09:25:00.000',
  source: { name: 'sim', state: 'streaming', events: 1234, events_per_second: 6, errors: 1, last_error: 'bad frame', idle_ms: 0 },
  desk_running: true,
  ws_clients: 2,
  writer_lag_rows: 17,
  wal_bytes: 2048,
  last_flush_seconds: 1_796_048_700 - 90,
  errors: { source: 1, engine: 0, lake: 3 },
};

const METRICS = `# HELP gammaflow_source_events_per_second Events per second.
# TYPE gammaflow_source_events_per_second gauge
gammaflow_source_events_per_second{source="sim"} 6.5
gammaflow_engine_greeks_staleness_seconds 1.5
gammaflow_engine_errors_total 4
gammaflow_lake_errors_total 3
gammaflow_source_errors_total{source="sim"} 2
`;

function product(key: string, greeksAge: number | null, prints: number, excluded: number): ProductView {
  return {
    product: key, root: key.toUpperCase(), expiry: '2026-11-30', underlying: 'I:SPX', spot: 6000, atm_strike: 6000,
    strike_step: 5, multiplier: 100, zero_gamma: null, call_wall: null, put_wall: null, flow_zero_gamma: null,
    expected_move: null, total_gex: null, greeks_age_ms: greeksAge, vendor_greeks: null,
    totals: { call_volume: 0, put_volume: 0, call_premium: 0, put_premium: 0, call_net_delta: 0, put_net_delta: 0, prints, excluded },
    strikes: [],
  };
}

describe('health logic', () => {
  it('keeps two minutes of points, replacing a same-second point', () => {
    let pts = [] as { time: number; value: number }[];
    for (let t = 0; t <= 200; t += 2) pts = pushWindowed(pts, { time: t, value: t });
    expect(pts[0].time).toBe(82);
    expect(pts[pts.length - 1].time).toBe(200);
    pts = pushWindowed(pts, { time: 200, value: -1 });
    expect(pts.filter((p) => p.time === 200)).toEqual([{ time: 200, value: -1 }]);
    expect(pushWindowed(pts, { time: 201, value: Number.NaN })).toBe(pts);
  });

  it('measures the flush age in event time, null before any flush', () => {
    expect(flushAgeSeconds(HEALTH)).toBeCloseTo(90, 6);
    expect(flushAgeSeconds({ ...HEALTH, last_flush_seconds: 0 })).toBeNull();
    expect(flushAgeSeconds(null)).toBeNull();
  });

  it('counts reconnections after the first connection', () => {
    const c = { phase: 'open' as const, attempt: 0, retryAt: null, connects: 3, badMessages: 0, lastProblem: null };
    expect(reconnects(c)).toBe(2);
    expect(reconnects({ ...c, connects: 0 })).toBe(0);
  });

  it('grades Greeks age per product and computes the excluded share', () => {
    const e = parsePrometheus('gammaflow_greeks_age_seconds{product="spy"} 12\n');
    const rows = productRows([product('spxw', 800, 90, 10), product('spy', 7000, 0, 0), product('es', null, 5, 0)], e);
    expect(rows.map((r) => r.level)).toEqual(['ok', 'warn', 'stale']);
    expect(rows[0].excludedShare).toBeCloseTo(0.1, 9);
    expect(rows[1].excludedShare).toBeNull();
    expect(rows[1].greeksAgeMetricS).toBe(12);
    expect(rows[0].greeksAgeMetricS).toBeNull();
  });

  it('takes the larger of the health and metrics error counters', () => {
    const e = parsePrometheus(METRICS);
    expect(errorCounts(HEALTH, e)).toEqual({ source: 2, engine: 4, lake: 3 });
    expect(errorCounts(null, null)).toEqual({ source: null, engine: null, lake: null });
  });
});

describe('HealthPage', () => {
  let api: { get: ReturnType<typeof vi.fn>; text: ReturnType<typeof vi.fn> };

  function setup(): { el: HTMLElement; page: HealthPage; stream: DataStreamService } {
    const env: StreamEnvironment = {
      url: 'ws://test', connect: () => { throw new Error('no'); }, random: () => 0.5, now: () => 0,
      setTimer: () => 0, clearTimer: () => undefined, backoff: DEFAULT_BACKOFF, autoStart: false,
    };
    TestBed.configureTestingModule({
      providers: [
        { provide: STREAM_ENVIRONMENT, useValue: env },
        { provide: ApiService, useValue: api },
      ],
    });
    TestBed.overrideComponent(HealthPage, {
      remove: { imports: [TimeChartComponent] },
      add: { imports: [StubTimeChart] },
    });
    const stream = TestBed.inject(DataStreamService);
    stream.flowData.set({
      seq: 1, ts_event: 1, time_new_york: '2026-11-30T09:25:00', source: HEALTH.source,
      products: [product('spxw', 1200, 100, 4)],
    } as DeskView);
    stream.connection.set({ phase: 'open', attempt: 0, retryAt: null, connects: 3, badMessages: 1, lastProblem: null });
    const fixture = TestBed.createComponent(HealthPage);
    return { el: fixture.nativeElement as HTMLElement, page: fixture.componentInstance, stream };
  }

  beforeEach(() => {
    vi.useFakeTimers();
    api = {
      get: vi.fn(async () => HEALTH),
      text: vi.fn(async () => METRICS),
    };
  });
  afterEach(() => vi.useRealTimers());

  it('renders every health card from the health JSON, the metrics and the stream', async () => {
    const { el, page } = setup();
    await vi.advanceTimersByTimeAsync(10);
    TestBed.tick();
    const text = (id: string) => el.querySelector(`[data-testid="${id}"]`)?.textContent?.replace(/\s+/g, ' ') ?? '';
    for (const id of ['health-page', 'health-status', 'health-events-per-second', 'health-writer-lag', 'health-wal',
      'health-last-flush', 'health-errors', 'health-greeks-age', 'health-reconnects']) {
      expect(el.querySelector(`[data-testid="${id}"]`), id).not.toBeNull();
    }
    expect(text('health-status')).toContain('degraded');
    expect(text('health-status')).toContain('3 lake write errors');
    expect(text('health-writer-lag')).toContain('17');
    expect(text('health-wal')).toContain('2.0 KB');
    expect(text('health-last-flush')).toContain('1 min ago');
    // The health JSON's rate (polled every 2 s) wins over the metrics' (every 5 s).
    expect(text('health-events-per-second')).toContain('6.0');
    expect(page.spark().map((p) => p.value)).toEqual([6]);
    expect(text('health-greeks-age')).toContain('1.5 s');
    expect(text('health-errors')).toMatch(/engine\s*4/);
    expect(text('health-errors')).toContain('bad frame');
    expect(text('health-reconnect-count')).toBe('2');
    expect(el.querySelector('[data-product="spxw"]')?.textContent).toContain('1.2 s');
    expect(api.get).toHaveBeenCalledWith('/api/health');
    expect(api.text).toHaveBeenCalledWith('/metrics');
  });

  it('polls health every 2 s and metrics every 5 s', async () => {
    setup();
    await vi.advanceTimersByTimeAsync(10_050);
    expect(api.get).toHaveBeenCalledTimes(6);
    expect(api.text).toHaveBeenCalledTimes(3);
  });

  it('shows the error text when the server cannot be reached', async () => {
    api.get = vi.fn(async () => {
      throw new ApiError(503, 'server down');
    });
    api.text = vi.fn(async () => {
      throw new ApiError(404, '404 Not Found from /metrics');
    });
    const { el } = setup();
    await vi.advanceTimersByTimeAsync(10);
    TestBed.tick();
    expect(el.querySelector('[data-testid="health-status"]')?.textContent).toContain('server down');
    expect(el.querySelector('[data-testid="health-status"]')?.getAttribute('data-status')).toBe('unreachable');
    expect(el.querySelector('[data-testid="health-metrics"]')?.textContent).toContain('404 Not Found');
  });
});
