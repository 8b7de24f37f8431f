import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { EChartComponent } from '../../charts/echart.component';
import { ApiService } from '../../core/api.service';
import { DataStreamService, STREAM_ENVIRONMENT, StreamEnvironment } from '../../core/data-stream.service';
import { ChainView } from '../../core/wire';
import { desk } from '../ranges/fixtures.spec-helpers';
import { chain, contract, productView, serveChains, settle } from '../shared/chain-fixtures.spec-helpers';
import { OiPage } from './oi.page';
import { VolumeOiPanelComponent } from './volume-oi-panel.component';

@Component({ selector: 'gf-echart', template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class StubEChart {
  readonly option = input<unknown>(null);
}

const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

const CHAINS: Record<string, ChainView> = {
  spxw: chain('spxw', '2026-11-30', 6000, [
    contract(5800, 'C', { oi: 5000 }), // out of ±100
    contract(5950, 'P', { oi: 400, volume: 800 }),
    contract(6000, 'C', { oi: 100, volume: 50 }),
    contract(6000, 'P', { oi: 300, volume: 30 }),
  ]),
  'spxw+1': chain('spxw+1', '2026-12-01', 6001, [contract(6000, 'C', { oi: 50 }), contract(6050, 'P', { oi: 25 })]),
  spy: chain('spy', '2026-11-30', 600, [contract(595, 'P', { oi: 10 }), contract(620, 'C', { oi: 10 })]),
};

describe('OiPage', () => {
  let fixture: ComponentFixture<OiPage> | null = null;
  afterEach(() => {
    fixture?.destroy();
    fixture = null;
  });

  async function render(products = ['spxw+1', 'spxw', 'spy']) {
    TestBed.configureTestingModule({
      providers: [
        { provide: STREAM_ENVIRONMENT, useValue: { autoStart: false } as StreamEnvironment },
        { provide: ApiService, useValue: { get: vi.fn(serveChains(CHAINS)) } },
      ],
    });
    TestBed.overrideComponent(OiPage, { remove: { imports: [EChartComponent] }, add: { imports: [StubEChart] } });
    TestBed.overrideComponent(VolumeOiPanelComponent, { remove: { imports: [EChartComponent] }, add: { imports: [StubEChart] } });
    TestBed.inject(DataStreamService).flowData.set({
      ...desk(undefined),
      products: products.map((p) => productView(p, CHAINS[p]?.expiry ?? null, 6000, 0.2, 0.2)),
    });
    fixture = TestBed.createComponent(OiPage);
    await settle(fixture);
    return { el: fixture.nativeElement as HTMLElement, page: fixture.componentInstance };
  }

  it('builds the strike × expiry matrix of the underlying within ±100 of spot, by expiry', async () => {
    const { el, page } = await render();
    for (const id of ['oi-page', 'oi-heatmap', 'volume-oi-chart', 'oi-summary']) {
      expect(el.querySelector(`[data-testid="${id}"]`), id).not.toBeNull();
    }
    const m = page.matrix();
    expect(m.columns.map((c) => c.product)).toEqual(['spxw', 'spxw+1']);
    expect(m.strikes).toEqual([5950, 6000, 6050]);
    expect(m.cells).toEqual([
      [400, null],
      [400, 50],
      [null, 25],
    ]);
    page.side.set('put');
    expect(page.matrix().cells).toEqual([
      [400, null],
      [300, null],
      [null, 25],
    ]);
  });

  it('summarises OI and put/call per expiry and lists unusual activity of the first expiry', async () => {
    const { el } = await render();
    const rows = [...el.querySelectorAll('[data-testid="oi-summary-row"]')].map((r) => [...r.querySelectorAll('td.num')].map(text));
    expect(rows).toEqual([
      ['5,100', '700', '5,800', '0.14'],
      ['50', '25', '75', '0.50'],
    ]);
    const unusual = [...el.querySelectorAll('[data-testid="unusual-row"]')].map((r) => text(r.querySelector('td')));
    expect(unusual).toEqual(['5950 P', '6000 C', '6000 P']);
  });

  it('defaults to ±10 for SPY, also after a range was chosen for SPX', async () => {
    const { el, page } = await render();
    page.rangeChoice.set(50);
    el.querySelector<HTMLButtonElement>('[data-testid="underlying-select"] button:nth-child(2)')!.click();
    await settle(fixture!);
    expect(page.range()).toBe(10);
    expect(page.matrix().strikes).toEqual([595]);
  });

  it('shows why there is no chain instead of the tables', async () => {
    const { el } = await render(['spxw+9']);
    expect(text(el.querySelector('[data-testid="oi-empty"]'))).toContain('No SPX chain is served yet');
    expect(el.querySelector('[data-testid="oi-heatmap"]')).not.toBeNull();
  });
});
