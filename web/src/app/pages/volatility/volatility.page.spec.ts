import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { EChartComponent } from '../../charts/echart.component';
import { ApiService } from '../../core/api.service';
import { DataStreamService, STREAM_ENVIRONMENT, StreamEnvironment } from '../../core/data-stream.service';
import { ChainView, DeskView } from '../../core/wire';
import { chain, contract, productView, serveChains, settle } from '../shared/chain-fixtures.spec-helpers';
import { desk, market } from '../ranges/fixtures.spec-helpers';
import { IvRvPanelComponent } from './iv-rv-panel.component';
import { VolatilityPage } from './volatility.page';

@Component({ selector: 'gf-echart', template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class StubEChart {
  readonly option = input<unknown>(null);
}

const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

const CHAINS: Record<string, ChainView> = {
  spxw: chain('spxw', '2026-11-30', 6002, [contract(5990, 'P', { iv: 0.2 }), contract(6010, 'C', { iv: 0.15 })]),
  'spxw+1': chain('spxw+1', '2026-12-01', 6002, [contract(6010, 'C', { iv: 0.12 })]),
  spy: chain('spy', '2026-11-30', 600, [contract(601, 'C', { iv: 0.14 })]),
};

function deskWith(withMarket: boolean): DeskView {
  return {
    ...desk(withMarket ? market() : undefined),
    products: [
      productView('spxw', '2026-11-30', 6000, 0.3, 0.28),
      productView('spxw+1', '2026-12-01', 6000, 0.2, 0.2),
      productView('spxw+2', null, null, null, null), // not started: no chain request
      productView('spy', '2026-11-30', 600, 0.25, 0.25),
    ],
  };
}

describe('VolatilityPage', () => {
  let fixture: ComponentFixture<VolatilityPage> | null = null;
  afterEach(() => {
    fixture?.destroy();
    fixture = null;
  });

  async function render(withMarket: boolean) {
    const get = vi.fn(serveChains(CHAINS));
    TestBed.configureTestingModule({
      providers: [
        { provide: STREAM_ENVIRONMENT, useValue: { autoStart: false } as StreamEnvironment },
        { provide: ApiService, useValue: { get } },
      ],
    });
    TestBed.overrideComponent(VolatilityPage, { remove: { imports: [EChartComponent] }, add: { imports: [StubEChart] } });
    TestBed.overrideComponent(IvRvPanelComponent, { remove: { imports: [EChartComponent] }, add: { imports: [StubEChart] } });
    TestBed.inject(DataStreamService).flowData.set(deskWith(withMarket));
    fixture = TestBed.createComponent(VolatilityPage);
    await settle(fixture);
    return { el: fixture.nativeElement as HTMLElement, page: fixture.componentInstance };
  }

  it('builds one smile per expiry of the selected underlying and its ATM term structure', async () => {
    const { el, page } = await render(true);
    expect(page.smiles().map((s) => s.label)).toEqual(['spxw 2026-11-30', 'spxw+1 2026-12-01']);
    expect(el.querySelector('[data-testid="smile-chart"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="term-chart"]')).not.toBeNull();
    expect([...el.querySelectorAll('[data-testid="term-row"]')].map((r) => [...r.querySelectorAll('td:first-child span')].map(text))).toEqual([
      ['2026-11-30', 'spxw'],
      ['2026-12-01', 'spxw+1'],
    ]);
    // Mean of call and put IV at the ATM strike.
    expect(text(el.querySelector('[data-testid="term-row"] td:last-child'))).toBe('29.0%');
  });

  it('follows the underlying buttons with both the smiles and the term structure', async () => {
    const { el, page } = await render(true);
    el.querySelector<HTMLButtonElement>('[data-testid="underlying-select"] button:nth-child(2)')!.click();
    await settle(fixture!);
    expect(page.smiles().map((s) => s.product)).toEqual(['spy']);
    expect(page.term().map((t) => t.product)).toEqual(['spy']);
  });

  it('shows the IV vs RV table with spreads, or the empty state without market', async () => {
    const { el } = await render(true);
    const rows = [...el.querySelectorAll('[data-testid="iv-rv-row"]')];
    expect(rows.map((r) => r.getAttribute('data-window'))).toEqual(['overnight', 'morning', 'afternoon', 'full']);
    expect(rows.map((r) => text(r.querySelector('[data-testid="iv-rv-spread"]')))).toEqual(['+6.5 pts', '-2.5 pts', '—', '+3.5 pts']);
    fixture!.destroy();
    TestBed.resetTestingModule();
    const again = await render(false);
    expect(again.el.querySelector('[data-testid="iv-rv"]')).not.toBeNull();
    expect(text(again.el.querySelector('[data-testid="iv-rv-empty"]'))).toContain('does not publish market state');
  });
});
