import { Component, input } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { EChartComponent } from '../../charts/echart.component';
import { EChartsOption } from '../../charts/echarts-setup';
import { TimeChartComponent, TimeSeriesSpec } from '../../charts/time-chart.component';
import { ApiError, ApiService } from '../../core/api.service';
import { DEFAULT_BACKOFF } from '../../core/backoff';
import { DataStreamService, STREAM_ENVIRONMENT, StreamEnvironment } from '../../core/data-stream.service';
import { DeskView, ProductView } from '../../core/wire';
import { HistoryScrubberComponent, SCRUB_DEBOUNCE_MS } from './history-scrubber.component';
import { HistorySeriesComponent } from './history-series.component';
import { HistoryStrikesComponent } from './history-strikes.component';
import { HistoryPage, busiestRoot, productRoots } from './history.page';

@Component({ selector: 'gf-echart', template: '' })
class StubEChart {
  readonly option = input<EChartsOption>({});
}
@Component({ selector: 'gf-time-chart', template: '' })
class StubTimeChart {
  readonly series = input<TimeSeriesSpec[]>([]);
}

function product(key: string, root: string, prints: number): ProductView {
  return {
    product: key, root, expiry: '2026-11-30', underlying: 'I:SPX', spot: 6000, atm_strike: 6000, strike_step: 5,
    multiplier: 100, zero_gamma: null, call_wall: null, put_wall: null, flow_zero_gamma: null, expected_move: null,
    total_gex: null, greeks_age_ms: 10, vendor_greeks: null,
    totals: { call_volume: 0, put_volume: 0, call_premium: 0, put_premium: 0, call_net_delta: 0, put_net_delta: 0, prints, excluded: 0 },
    strikes: [],
  };
}

const UNKNOWN = (name: string) => new ApiError(404, `no history query named "unknown named query \\"${name}\\""`);
const STRIKES = [
  { underlying: 'SPY', strike: 600, call_volume: 10, put_volume: 4, call_net_delta: 500, put_net_delta: -200, net_delta: 300, premium: 12000, trades: 6 },
  { underlying: 'SPY', strike: 601, call_volume: 3, put_volume: 8, call_net_delta: 100, put_net_delta: -900, net_delta: -800, premium: 9000, trades: 4 },
];

type Handler = (path: string, params: Record<string, unknown>) => Promise<unknown>;

function setup(handler: Handler) {
  const get = vi.fn(handler);
  const env: StreamEnvironment = {
    url: 'ws://test', connect: () => { throw new Error('no'); }, random: () => 0.5, now: () => 0,
    setTimer: () => 0, clearTimer: () => undefined, backoff: DEFAULT_BACKOFF, autoStart: false,
  };
  TestBed.configureTestingModule({
    providers: [
      { provide: STREAM_ENVIRONMENT, useValue: env },
      { provide: ApiService, useValue: { get } },
    ],
  });
  TestBed.overrideComponent(HistoryStrikesComponent, { remove: { imports: [EChartComponent] }, add: { imports: [StubEChart] } });
  TestBed.overrideComponent(HistorySeriesComponent, { remove: { imports: [TimeChartComponent] }, add: { imports: [StubTimeChart] } });
  const stream = TestBed.inject(DataStreamService);
  stream.flowData.set({
    seq: 1, ts_event: 1, time_new_york: '2026-11-30T10:15:00.5',
    source: { name: 'sim', state: 'streaming', events: 1, events_per_second: 1, errors: 0, last_error: null, idle_ms: 0 },
    products: [product('spxw', 'SPXW', 3), product('spy', 'SPY', 40), product('es', 'EW', 7)],
  } as DeskView);
  return { get, stream };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('history roots', () => {
  it('lists product roots once and picks the busiest', () => {
    const ps = [product('spxw', 'SPXW', 3), product('spxw+1', 'SPXW', 50), product('spy', 'SPY', 40)];
    expect(productRoots(ps)).toEqual(['SPXW', 'SPY']);
    expect(busiestRoot(ps)).toBe('SPXW');
    expect(busiestRoot([product('es', 'EW', 0), product('spxw', 'SPXW', 0)])).toBe('SPXW');
    expect(busiestRoot([])).toBeNull();
  });
});

describe('HistoryPage', () => {
  it('falls back to a date input on the desk trade day and renders the strikes of the busiest root', async () => {
    const { get } = setup(async (path) => {
      if (path === '/api/history') return [{ name: 'net-delta-by-strike' }, { name: 'flow-series' }, { name: 'premium-by-side' }, { name: 'top-trades' }];
      if (path === '/api/history/net-delta-by-strike') return STRIKES;
      if (path.startsWith('/api/history/')) return [];
      throw new Error(path);
    });
    const fixture = TestBed.createComponent(HistoryPage);
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r, 0));
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const date = el.querySelector('[data-testid="history-date"]') as HTMLInputElement;
    expect(date.tagName).toBe('INPUT');
    expect(date.value).toBe('2026-11-30');
    const paths = get.mock.calls.map((c) => c[0]);
    // The server has no lake-dates / chain queries: they are never requested (no 404s).
    expect(paths).not.toContain('/api/history/lake-dates');
    expect(paths).not.toContain('/api/history/chain-minutes');
    expect(get).toHaveBeenCalledWith('/api/history/net-delta-by-strike', { date: '2026-11-30', root: 'SPY' });
    const strikes = el.querySelector('[data-testid="history-strikes"]')!;
    expect(strikes.getAttribute('data-rows')).toBe('2');
    const cells = [...strikes.querySelectorAll('tbody tr')].map((tr) => tr.querySelector('td')?.textContent?.trim());
    expect(cells).toEqual(['601', '600']);
    expect(strikes.textContent).toContain('-500');
    expect(el.querySelector('[data-testid="history-series"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="history-scrubber"]')?.textContent).toContain('not available from this server');
  });

  it('offers the lake dates when the server lists them, and shows the server error text', async () => {
    setup(async (path) => {
      if (path === '/api/history') return [{ name: 'lake-dates' }, { name: 'net-delta-by-strike' }];
      if (path === '/api/history/lake-dates') return [
        { date: '2026-11-27', prints: 1200, chain_minutes: 390 },
        { date: '2026-11-30', prints: 40, chain_minutes: 46 },
      ];
      if (path === '/api/history/net-delta-by-strike') throw new ApiError(400, 'query net-delta-by-strike: parameter "root" = "x"');
      return [];
    });
    const fixture = TestBed.createComponent(HistoryPage);
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r, 0));
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const select = el.querySelector('[data-testid="history-date"]') as HTMLSelectElement;
    expect(select.tagName).toBe('SELECT');
    expect([...select.options].map((o) => o.value)).toEqual(['2026-11-30', '2026-11-27']);
    expect(select.value).toBe('2026-11-30');
    expect(el.querySelector('[data-testid="history-strikes-error"]')?.textContent).toContain('parameter "root"');
  });
});

describe('HistoryScrubberComponent', () => {
  it('debounces the range and shows only the latest chain-at answer', async () => {
    vi.useFakeTimers();
    const pending = new Map<string, (rows: unknown) => void>();
    const { get } = setup((path, params) => {
      if (path === '/api/history/chain-minutes') {
        return Promise.resolve([{ minute: '09:30' }, { minute: '09:31' }, { minute: '09:32' }, { minute: '09:33' }]);
      }
      if (path === '/api/history/chain-at') {
        return new Promise((resolve) => pending.set(String(params['at']), resolve));
      }
      return Promise.reject(UNKNOWN(path));
    });
    const fixture = TestBed.createComponent(HistoryScrubberComponent);
    fixture.componentRef.setInput('date', '2026-11-30');
    fixture.componentRef.setInput('root', 'SPXW');
    const c = fixture.componentInstance;
    await vi.advanceTimersByTimeAsync(1);
    TestBed.tick();
    expect(c.minutes()).toEqual(['09:30', '09:31', '09:32', '09:33']);
    expect(c.minute()).toBe('09:33'); // starts at the latest snapshot
    const chainCalls = () => get.mock.calls.filter((x) => x[0] === '/api/history/chain-at').map((x) => x[1]['at']);
    expect(chainCalls()).toEqual(['09:33']);

    // Scrubbing quickly: one request after the hand rests.
    c.scrub(0);
    c.scrub(1);
    await vi.advanceTimersByTimeAsync(SCRUB_DEBOUNCE_MS - 10);
    expect(chainCalls()).toEqual(['09:33']);
    expect(c.minute()).toBe('09:31'); // the label follows at once
    await vi.advanceTimersByTimeAsync(20);
    expect(chainCalls()).toEqual(['09:33', '09:31']);

    c.scrub(2);
    await vi.advanceTimersByTimeAsync(SCRUB_DEBOUNCE_MS + 1);
    expect(chainCalls()).toEqual(['09:33', '09:31', '09:32']);

    // Answers arrive out of order: the 09:32 one wins, older ones are ignored.
    pending.get('09:32')!([{ strike: 6000, call_volume: 32, put_volume: 1 }]);
    await vi.advanceTimersByTimeAsync(1);
    pending.get('09:31')!([{ strike: 6000, call_volume: 31, put_volume: 1 }]);
    pending.get('09:33')!([{ strike: 6000, call_volume: 33, put_volume: 1 }]);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.chain.data()).toEqual([{ strike: 6000, call_volume: 32, put_volume: 1 }]);
    TestBed.tick();
    const grid = (fixture.nativeElement as HTMLElement).querySelector('[data-testid="history-chain-grid"]');
    expect(grid?.textContent).toContain('32');
    expect(grid?.textContent).not.toContain('33');
  });

  it('keeps the chosen minute on a reload of the same day, and starts at the end for a new root', async () => {
    vi.useFakeTimers();
    let minutes = ['09:30', '09:31', '09:32'];
    setup((path) => {
      if (path === '/api/history/chain-minutes') return Promise.resolve(minutes.map((minute) => ({ minute })));
      if (path === '/api/history/chain-at') return Promise.resolve([{ strike: 600, underlying: 600.2 }]);
      return Promise.reject(UNKNOWN(path));
    });
    const fixture = TestBed.createComponent(HistoryScrubberComponent);
    fixture.componentRef.setInput('date', '2026-11-30');
    fixture.componentRef.setInput('root', 'SPXW');
    const c = fixture.componentInstance;
    await vi.advanceTimersByTimeAsync(1);
    TestBed.tick();
    c.scrub(1);
    await vi.advanceTimersByTimeAsync(SCRUB_DEBOUNCE_MS + 1);
    minutes = ['09:30', '09:31', '09:32', '09:33'];
    fixture.componentRef.setInput('reload', 1);
    TestBed.tick();
    await vi.advanceTimersByTimeAsync(1);
    expect(c.minutes()).toHaveLength(4);
    expect(c.minute()).toBe('09:31');
    fixture.componentRef.setInput('root', 'SPY');
    TestBed.tick();
    await vi.advanceTimersByTimeAsync(1);
    expect(c.minute()).toBe('09:33');
  });

  it('says so when the server does not know the snapshot queries', async () => {
    const { get } = setup((path) => Promise.reject(UNKNOWN(path)));
    const fixture = TestBed.createComponent(HistoryScrubberComponent);
    fixture.componentRef.setInput('date', '2026-11-30');
    await fixture.whenStable();
    // The snapshot queries need one root: none asked for "all roots".
    expect((fixture.nativeElement as HTMLElement).querySelector('[data-testid="history-scrubber-no-root"]')).not.toBeNull();
    expect(get).not.toHaveBeenCalled();
    fixture.componentRef.setInput('root', 'SPXW');
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r, 0));
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).querySelector('[data-testid="history-scrubber-unavailable"]')).not.toBeNull();
  });
});
