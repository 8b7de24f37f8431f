import { Component } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ApiService } from '../../core/api.service';
import { DataStreamService, STREAM_ENVIRONMENT, StreamEnvironment } from '../../core/data-stream.service';
import { ChainView } from '../../core/wire';
import { desk } from '../ranges/fixtures.spec-helpers';
import { chain, contract, productView, serveChains, settle } from './chain-fixtures.spec-helpers';
import { CHAIN_POLL_MS, createUnderlyingChains, groupId, groupProducts, productsWithChain } from './underlying-chains';
import { UnderlyingSelectComponent } from './underlying-select.component';

/** A page reduced to what the OI and Volatility pages share. */
@Component({
  selector: 'gf-chains-host',
  imports: [UnderlyingSelectComponent],
  template: `<gf-underlying-select [groups]="u.groups()" [selectedId]="u.groupId()" (picked)="u.selected.set($event)" />`,
})
class ChainsHost {
  readonly u = createUnderlyingChains();
}

const CHAINS: Record<string, ChainView> = {
  spxw: chain('spxw', '2026-11-30', 6000, [contract(6000, 'C', { oi: 1 })]),
  'spxw+1': chain('spxw+1', '2026-12-01', 6000, [contract(6000, 'P', { oi: 2 })]),
  spy: chain('spy', '2026-11-30', 600, [contract(600, 'C', { oi: 3 })]),
};

/** `spxw+2` has not started (no expiry): its chain must never be asked for. */
const PRODUCTS = [
  productView('spxw', '2026-11-30', 6000, 0.2, 0.2),
  productView('spxw+1', '2026-12-01', 6000, 0.2, 0.2),
  productView('spxw+2', null, null, null, null),
  productView('spy', '2026-11-30', 600, 0.2, 0.2),
];

const text = (el: Element) => (el.textContent ?? '').trim();

describe('product groups', () => {
  it('groups product keys by underlying in desk order', () => {
    expect(groupId('spxw+2')).toBe('spxw');
    expect(groupProducts(['spxw', 'spxw+1', 'spy', 'es', 'spxw+2', 'ndx'])).toEqual([
      { id: 'spxw', label: 'SPX', keys: ['spxw', 'spxw+1', 'spxw+2'] },
      { id: 'spy', label: 'SPY', keys: ['spy'] },
      { id: 'es', label: 'ES', keys: ['es'] },
      { id: 'ndx', label: 'NDX', keys: ['ndx'] },
    ]);
  });

  it('asks chains only of products with an expiry', () => {
    expect(productsWithChain([productView('spxw', null, null, null, null), productView('spy', '2026-11-30', 600, 0.2, 0.2)])).toEqual(['spy']);
  });
});

describe('createUnderlyingChains with gf-underlying-select', () => {
  let fixture: ComponentFixture<ChainsHost> | null = null;
  afterEach(() => {
    fixture?.destroy();
    fixture = null;
    vi.useRealTimers();
  });

  async function render(get: (path: string) => Promise<unknown>, products: typeof PRODUCTS | null = PRODUCTS) {
    const api = vi.fn(get);
    TestBed.configureTestingModule({
      providers: [
        { provide: STREAM_ENVIRONMENT, useValue: { autoStart: false } as StreamEnvironment },
        { provide: ApiService, useValue: { get: api } },
      ],
    });
    TestBed.inject(DataStreamService).flowData.set(products && { ...desk(undefined), products });
    fixture = TestBed.createComponent(ChainsHost);
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    const buttons = () => [...el.querySelectorAll('[data-testid="underlying-select"] button')];
    return { get: api, u: fixture.componentInstance.u, buttons };
  }

  it('fetches the chains of the first underlying that have an expiry, in desk order', async () => {
    const { get, u, buttons } = await render(serveChains(CHAINS));
    expect(get.mock.calls.map((c) => c[0])).toEqual(['/api/chain/spxw', '/api/chain/spxw%2B1']);
    expect(u.chains().map((c) => c.product)).toEqual(['spxw', 'spxw+1']);
    expect(u.groupLabel()).toBe('SPX');
    expect(u.statusText()).toBeNull();
    expect(u.errors()).toEqual([]);
    expect(buttons().map(text)).toEqual(['SPX', 'SPY']);
    expect(buttons().map((b) => b.getAttribute('aria-pressed'))).toEqual(['true', 'false']);
  });

  it('switches underlying from its button and fetches that chain', async () => {
    const { get, u, buttons } = await render(serveChains(CHAINS));
    (buttons()[1] as HTMLButtonElement).click();
    await settle(fixture!);
    expect(get).toHaveBeenLastCalledWith('/api/chain/spy');
    expect(u.chains().map((c) => c.product)).toEqual(['spy']);
    expect(buttons().map((b) => b.getAttribute('aria-pressed'))).toEqual(['false', 'true']);
    u.selected.set('ndx'); // not on the desk: back to the first group
    expect(u.groupId()).toBe('spxw');
  });

  it('polls every 15 s, lists failed fetches until one succeeds, and stops when destroyed', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let healthy = false;
    const { get, u } = await render(async (path) => {
      if (healthy) {
        return serveChains(CHAINS)(path);
      }
      if (path.endsWith('spxw')) {
        return { schema: 1 }; // no contracts
      }
      throw new Error('boom');
    });
    expect(u.errors()).toEqual([
      { key: 'spxw', message: 'malformed chain' },
      { key: 'spxw+1', message: 'boom' },
    ]);
    expect(u.chains()).toEqual([]);
    expect(u.statusText()).toBeNull(); // loaded, if unsuccessfully

    healthy = true;
    vi.advanceTimersByTime(CHAIN_POLL_MS);
    await settle(fixture!);
    expect(get).toHaveBeenCalledTimes(4);
    expect(u.errors()).toEqual([]);
    expect(u.chains().map((c) => c.product)).toEqual(['spxw', 'spxw+1']);

    fixture!.destroy();
    fixture = null;
    vi.advanceTimersByTime(3 * CHAIN_POLL_MS);
    expect(get).toHaveBeenCalledTimes(4);
  });

  it('explains why there is no chain: no stream, none served, still loading', async () => {
    const pending = await render(() => new Promise(() => undefined), null);
    expect(pending.u.statusText()).toBe('Waiting for the desk stream…');
    expect(pending.get).not.toHaveBeenCalled();

    const stream = TestBed.inject(DataStreamService);
    stream.flowData.set({ ...desk(undefined), products: [productView('spxw+9', null, null, null, null)] });
    await settle(fixture!);
    expect(pending.u.statusText()).toBe('No SPX chain is served yet (products start with their first quotes).');
    expect(pending.get).not.toHaveBeenCalled();

    stream.flowData.set({ ...desk(undefined), products: PRODUCTS });
    await settle(fixture!);
    expect(pending.get).toHaveBeenCalledTimes(2);
    expect(pending.u.statusText()).toBe('Loading chains…');
  });
});
