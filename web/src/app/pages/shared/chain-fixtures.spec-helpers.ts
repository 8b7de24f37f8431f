import { ComponentFixture } from '@angular/core/testing';

import { ChainContractView, ChainView, ProductView, SideView } from '../../core/wire';

/** A contract with the given fields (everything else zero/null). */
export function contract(strike: number, right: 'C' | 'P', over: Partial<ChainContractView> = {}): ChainContractView {
  return {
    strike,
    right,
    symbol: `X ${right} ${strike}`,
    volume: 0,
    buy_volume: 0,
    sell_volume: 0,
    premium: 0,
    net_delta: 0,
    sweeps: 0,
    iv: null,
    delta: null,
    gamma: null,
    oi: null,
    bid: null,
    ask: null,
    last: null,
    gex_oi: null,
    ...over,
  };
}

export function chain(product: string, expiry: string, spot: number | null, contracts: ChainContractView[]): ChainView {
  return { schema: 1, product, root: 'SPXW', expiry, ts_event: 1, spot, contracts };
}

function side(over: Partial<SideView> = {}): SideView {
  return {
    volume: 0,
    buy_volume: 0,
    sell_volume: 0,
    premium: 0,
    net_delta: 0,
    sweeps: 0,
    iv: null,
    delta: null,
    gamma: null,
    oi: null,
    bid: null,
    ask: null,
    last: null,
    ...over,
  };
}

/** A product view with one ATM strike row carrying call/put IVs. */
export function productView(
  product: string,
  expiry: string | null,
  atm: number | null,
  callIv: number | null,
  putIv: number | null,
): ProductView {
  return {
    product,
    root: 'SPXW',
    expiry,
    underlying: 'I:SPX',
    spot: atm,
    atm_strike: atm,
    strike_step: 5,
    multiplier: 100,
    zero_gamma: null,
    call_wall: null,
    put_wall: null,
    flow_zero_gamma: null,
    expected_move: null,
    total_gex: null,
    greeks_age_ms: null,
    vendor_greeks: null,
    totals: { call_volume: 0, put_volume: 0, call_premium: 0, put_premium: 0, call_net_delta: 0, put_net_delta: 0, prints: 0, excluded: 0 },
    strikes:
      atm === null
        ? []
        : [
            { strike: atm + 5, atm: false, call: side({ iv: 0.5 }), put: side({ iv: 0.5 }), gex_oi: null, gex_flow: null },
            { strike: atm, atm: true, call: side({ iv: callIv }), put: side({ iv: putIv }), gex_oi: null, gex_flow: null },
          ],
  };
}

/** A stand-in for `ApiService.get` that serves `chains` at `/api/chain/{key}` and fails for other keys. */
export function serveChains(chains: Record<string, ChainView>): (path: string) => Promise<ChainView> {
  return async (path) => {
    const key = decodeURIComponent(path.replace('/api/chain/', ''));
    if (!chains[key]) {
      throw new Error(`no product "${key}"`);
    }
    return chains[key];
  };
}

/** Lets the chain fetches started by change detection resolve, then renders their result. */
export async function settle(fixture: ComponentFixture<unknown>): Promise<void> {
  await fixture.whenStable();
  await new Promise((r) => setTimeout(r, 0));
  await fixture.whenStable();
  fixture.detectChanges();
}
