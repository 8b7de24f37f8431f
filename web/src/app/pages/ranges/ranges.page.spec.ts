import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { TimeChartComponent, TimeSeriesSpec } from '../../charts/time-chart.component';
import { ApiService } from '../../core/api.service';
import { DataStreamService, STREAM_ENVIRONMENT, StreamEnvironment } from '../../core/data-stream.service';
import { MarketBarsView, MarketView } from '../../core/wire';
import { RangeCardComponent } from './range-card.component';
import { RangesPage } from './ranges.page';
import { afternoonRange, desk, market, morningRange } from './fixtures.spec-helpers';

@Component({ selector: 'gf-time-chart', template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class StubTimeChart {
  readonly series = input<TimeSeriesSpec[]>([]);
}

const ENV = { autoStart: false } as StreamEnvironment;

function text(el: Element | null): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

describe('RangeCardComponent', () => {
  function card(range = morningRange(), es: number | null = 6004.25) {
    const fixture = TestBed.createComponent(RangeCardComponent);
    fixture.componentRef.setInput('range', range);
    fixture.componentRef.setInput('es', es);
    fixture.componentRef.setInput('atmIv', 0.2);
    fixture.detectChanges();
    return fixture.nativeElement as HTMLElement;
  }

  it('renders the ladder high to low with ES between ref and +1σ, distances and touches', () => {
    const el = card();
    const root = el.querySelector('[data-testid="range-card"]')!;
    expect(root.getAttribute('data-range')).toBe('morning');
    const rows = [...el.querySelectorAll('[data-testid="range-ladder"] tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-label') ?? 'ES')).toEqual(['+2σ', '+1σ', 'ES', 'ref', '−1σ', '−2σ']);
    const cells = (r: Element) => [...r.querySelectorAll('td')].map(text);
    expect(cells(rows[1])).toEqual(['+1σ', '6010.00', '+5.75', '3']);
    expect(cells(rows[3])).toEqual(['ref', '6000.00', '-4.25', '1']);
    expect(cells(rows[5])).toEqual(['−2σ', '5980.00', '-24.25', '0']);
    expect(text(rows[2])).toContain('6004.25');
  });

  it('shows status, breakout badge, touches, first touch, close and the IV used', () => {
    const el = card();
    expect(text(el.querySelector('[data-testid="range-status"]'))).toBe('closed');
    const badge = el.querySelector('[data-testid="breakout-badge"]')!;
    expect(badge.getAttribute('data-breakout')).toBe('up');
    expect(text(badge)).toBe('Breakout ↑ 09:12:00');
    expect(text(el.querySelector('[data-testid="range-touches"]'))).toBe('6');
    expect(text(el.querySelector('[data-testid="range-first-touch"]'))).toBe('08:05:31');
    expect(text(el.querySelector('[data-testid="range-close"]'))).toBe('Closed outside');
    expect(text(el.querySelector('[data-testid="range-iv"]'))).toBe('16.0%');
  });

  it('shows no breakout and falls back to the desk ATM IV without a sigma', () => {
    const el = card(afternoonRange({ sigma: null }), 6030);
    const badge = el.querySelector('[data-testid="breakout-badge"]')!;
    expect(badge.getAttribute('data-breakout')).toBe('none');
    expect(text(badge)).toBe('No breakout');
    expect(text(el.querySelector('[data-testid="range-iv"]'))).toBe('20.0%');
    expect(text(el.querySelector('[data-testid="range-first-touch"]'))).toBe('—');
    const rows = [...el.querySelectorAll('[data-testid="range-ladder"] tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-label') ?? 'ES')).toEqual(['+2σ', 'ES', '+1σ', 'ref', '−1σ', '−2σ']);
  });

  it('says the window has not started when a pending range has no levels', () => {
    const el = card(afternoonRange({ status: 'pending', levels: [], sigma: null }), 6030);
    expect(el.querySelector('[data-testid="range-ladder"]')).toBeNull();
    expect(text(el.querySelector('[data-testid="range-iv"]'))).toBe('—');
    expect(text(el.querySelector('[data-testid="range-no-levels"]'))).toContain('not started');
  });
});

describe('RangesPage', () => {
  let fixture: ComponentFixture<RangesPage> | null = null;
  afterEach(() => {
    fixture?.destroy();
    fixture = null;
  });

  async function render(m: MarketView | null | undefined, bars: MarketBarsView | Error = { schema: 1, es_symbol: 'ESZ6', bars: [] }) {
    const get = vi.fn(async () => {
      if (bars instanceof Error) {
        throw bars;
      }
      return bars;
    });
    TestBed.configureTestingModule({
      providers: [
        { provide: STREAM_ENVIRONMENT, useValue: ENV },
        { provide: ApiService, useValue: { get } },
      ],
    });
    TestBed.overrideComponent(RangesPage, { remove: { imports: [TimeChartComponent] }, add: { imports: [StubTimeChart] } });
    TestBed.inject(DataStreamService).flowData.set(m === null ? null : desk(m));
    fixture = TestBed.createComponent(RangesPage);
    await fixture.whenStable();
    fixture.detectChanges();
    return { el: fixture.nativeElement as HTMLElement, get, page: fixture.componentInstance };
  }

  it('explains that an older server publishes no market state, and asks for no bars', async () => {
    const { el, get } = await render(undefined);
    expect(el.querySelector('[data-testid="ranges-page"]')).not.toBeNull();
    expect(text(el.querySelector('[data-testid="ranges-no-market"]'))).toContain('does not publish market state');
    expect(el.querySelectorAll('[data-testid="range-card"]')).toHaveLength(0);
    expect(get).not.toHaveBeenCalled();
  });

  it('waits for the stream before the first message', async () => {
    const { el } = await render(null);
    expect(el.querySelector('[data-testid="ranges-waiting"]')).not.toBeNull();
  });

  it('renders one card per range and loads the bars', async () => {
    const { el, get, page } = await render(market(), {
      schema: 1,
      es_symbol: 'ESZ6',
      bars: [{ ts: 1, time_new_york: '', open: 1, high: 1, low: 1, close: 6001, volume: 1, vwap: 6000, spx: null }],
    });
    const cards = [...el.querySelectorAll('[data-testid="range-card"]')];
    expect(cards.map((c) => c.getAttribute('data-range'))).toEqual(['morning', 'afternoon']);
    expect(text(el.querySelector('[data-testid="market-es"]'))).toBe('6021.25');
    expect(get).toHaveBeenCalledWith('/api/market/bars');
    expect(page.bars()?.bars).toHaveLength(1);
  });

  it('shows a bars error as text and keeps the cards', async () => {
    const { el } = await render(market({ ranges: [morningRange()] }), new Error('boom'));
    expect(el.querySelectorAll('[data-testid="range-card"]')).toHaveLength(1);
    expect(text(el.querySelector('[data-testid="bars-error"]'))).toContain('boom');
  });
});
