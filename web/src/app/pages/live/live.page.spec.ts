import { Component, input } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { EChartComponent } from '../../charts/echart.component';
import { TimeChartComponent, TimeMarker, TimeSeriesSpec } from '../../charts/time-chart.component';
import { ApiError, ApiService } from '../../core/api.service';
import { DEFAULT_BACKOFF } from '../../core/backoff';
import { DataStreamService, STREAM_ENVIRONMENT, StreamEnvironment } from '../../core/data-stream.service';
import { DeskView, IntradayView } from '../../core/wire';
import { FlowChartComponent } from './flow-chart.component';
import { GexChartComponent } from './gex-chart.component';
import { LivePage } from './live.page';
import { T0, desk, product, totals } from './live.fixtures.spec-helpers';
import { MINUTE_NS } from './intraday';

/** ECharts and lightweight-charts need a real canvas: stand-ins that keep their inputs. */
@Component({ selector: 'gf-echart', template: '<canvas></canvas>' })
class StubEChart {
  readonly option = input<unknown>();
  readonly notMerge = input(true);
}
@Component({ selector: 'gf-time-chart', template: '' })
class StubTimeChart {
  readonly series = input<TimeSeriesSpec[]>([]);
  readonly markers = input<TimeMarker[]>([]);
}

const SPXW = product('spxw', 6000, 5);
const SPY = product('spy', 600, 1);
const DESK: DeskView = desk([SPY, SPXW]); // spxw is not first: the default must still pick it

const HISTORY: IntradayView = {
  schema: 1,
  product: 'spxw',
  points: [0, 1].map((m) => ({
    ts: T0 - (2 - m) * MINUTE_NS, time_new_york: '', underlying: 5999, call_volume: 10 * (m + 1), put_volume: 5,
    call_premium: 1000, put_premium: 500, call_net_premium: 0, put_net_premium: 0, call_net_delta: 1, put_net_delta: -1,
  })),
};

describe('LivePage', () => {
  let api: { get: ReturnType<typeof vi.fn>; text: ReturnType<typeof vi.fn> };
  let paths: string[];

  beforeEach(() => {
    paths = ['/api/window', '/api/chain/{product}'];
    api = {
      get: vi.fn(async (path: string) => {
        if (path === '/openapi.json') {
          return { paths: Object.fromEntries(paths.map((p) => [p, {}])) };
        }
        if (path === '/api/intraday/spxw') {
          return HISTORY;
        }
        if (path === '/api/events') {
          return { schema: 1, source: 'built-in', events: [] };
        }
        throw new ApiError(404, `no ${path}`);
      }),
      text: vi.fn(),
    };
    const env: StreamEnvironment = {
      url: 'ws://test', connect: () => { throw new Error('no socket in tests'); }, random: () => 0.5,
      now: () => 1000, setTimer: () => 0, clearTimer: () => undefined, backoff: DEFAULT_BACKOFF, autoStart: false,
    };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: STREAM_ENVIRONMENT, useValue: env },
        { provide: ApiService, useValue: api },
      ],
    });
    TestBed.overrideComponent(GexChartComponent, { remove: { imports: [EChartComponent] }, add: { imports: [StubEChart] } });
    TestBed.overrideComponent(FlowChartComponent, { remove: { imports: [TimeChartComponent] }, add: { imports: [StubTimeChart] } });
  });

  function stream(): DataStreamService {
    return TestBed.inject(DataStreamService);
  }

  async function settle(fixture: ComponentFixture<LivePage>): Promise<void> {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 0));
      fixture.detectChanges();
    }
  }

  async function render(d: DeskView | null = DESK, param?: string) {
    stream().flowData.set(d);
    const fixture = TestBed.createComponent(LivePage);
    if (param !== undefined) {
      fixture.componentRef.setInput('product', param);
    }
    fixture.detectChanges();
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    const strikes = () => [...el.querySelectorAll('[data-testid="strike-row"]')].map((r) => Number(r.getAttribute('data-strike')));
    const tab = (key: string) => el.querySelector<HTMLButtonElement>(`[data-testid="product-tab"][data-product="${key}"]`)!;
    const text = (id: string) => el.querySelector(`[data-testid="${id}"]`)?.textContent?.trim();
    return { fixture, el, strikes, tab, text };
  }

  it('shows spxw by default: tabs, header, grid and both charts', async () => {
    const { el, strikes, tab, text } = await render();
    expect([...el.querySelectorAll('[data-testid="product-tab"]')].map((b) => b.getAttribute('data-product'))).toEqual(['spy', 'spxw']);
    expect(tab('spxw').getAttribute('aria-selected')).toBe('true');
    expect(tab('spy').getAttribute('aria-selected')).toBe('false');
    expect(strikes()).toEqual([6015, 6010, 6005, 6000, 5995, 5990, 5985]);
    expect(el.querySelectorAll('[data-testid="strike-grid"] [data-atm="true"]').length).toBe(1);
    expect(el.querySelector('[data-testid="live-header"]')).not.toBeNull();
    expect(text('hdr-spot')).toBe('6001.00');
    expect(text('hdr-es')).toBe('—');
    expect(el.querySelector('[data-testid="gex-chart"] canvas')).not.toBeNull();
    expect(el.querySelector('[data-testid="flow-chart"]')).not.toBeNull();
  });

  it('switches product on a tab click and remembers it in the URL', async () => {
    const { fixture, strikes, tab, text } = await render();
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate');
    tab('spy').click();
    fixture.detectChanges();
    expect(strikes()).toEqual([603, 602, 601, 600, 599, 598, 597]);
    expect(tab('spy').getAttribute('aria-selected')).toBe('true');
    expect(text('hdr-spot')).toBe('600.20');
    expect(navigate).toHaveBeenCalledWith([], expect.objectContaining({ queryParams: { product: 'spy' }, replaceUrl: true }));
    await settle(fixture);
    expect(api.get).toHaveBeenCalledWith('/api/chain/spy');
  });

  it('follows ?product= and falls back to spxw for an unknown key', async () => {
    const spy = await render(DESK, 'spy');
    expect(spy.strikes()[0]).toBe(603);
    spy.fixture.componentRef.setInput('product', 'nope');
    spy.fixture.detectChanges();
    expect(spy.strikes()[0]).toBe(6015);
  });

  it('waits for the first quotes while the product has no strikes', async () => {
    const empty = { ...SPXW, strikes: [], spot: null, atm_strike: null };
    const { el, text } = await render(desk([empty]));
    expect(el.querySelector('[data-testid="strike-grid"]')).toBeNull();
    expect(text('grid-empty')).toContain('waiting for the first quotes');
    expect(el.querySelector('[data-testid="gex-chart"]')!.textContent).toContain('waiting for the first quotes');
    expect(api.get).not.toHaveBeenCalledWith('/api/chain/spxw');
  });

  it('says it is connecting before the first message', async () => {
    const { text, strikes } = await render(null);
    expect(text('live-connecting')).toContain('connecting');
    expect(strikes()).toEqual([]);
  });

  it('loads the day history when the server offers it, then adds a point per stream minute', async () => {
    paths.push('/api/intraday/{product}');
    const { fixture, text } = await render();
    const page = fixture.componentInstance;
    expect(page.flowPoints().map((p) => p.call_volume)).toEqual([10, 20, 100]);
    expect(text('flow-note')).toContain('day history from the server');
    stream().flowData.set({ ...DESK, ts_event: T0 + 30e9, products: [SPY, { ...SPXW, totals: totals({ call_volume: 130 }) }] });
    fixture.detectChanges();
    expect(page.flowPoints().map((p) => p.call_volume)).toEqual([10, 20, 130]);
    stream().flowData.set({ ...DESK, ts_event: T0 + MINUTE_NS, products: [SPY, { ...SPXW, totals: totals({ call_volume: 140 }) }] });
    fixture.detectChanges();
    expect(page.flowPoints().map((p) => p.call_volume)).toEqual([10, 20, 130, 140]);
    expect(page.flowPoints().map((p) => p.ts)).toEqual([T0 - 2 * MINUTE_NS, T0 - MINUTE_NS, T0, T0 + MINUTE_NS]);
  });

  it('does not ask for endpoints the server does not document', async () => {
    const { fixture, text } = await render();
    const asked = api.get.mock.calls.map((c) => c[0]);
    expect(asked).not.toContain('/api/intraday/spxw');
    expect(asked).not.toContain('/api/events');
    expect(asked).toContain('/api/chain/spxw');
    expect(text('flow-note')).toContain('not available from this server');
    expect(fixture.componentInstance.flowPoints().length).toBe(1); // collected from the stream
    expect(fixture.componentInstance.chain()).toBeNull(); // the chain answered 404
  });
});
