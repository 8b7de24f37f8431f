import { DestroyRef, Signal, WritableSignal, computed, effect, inject, signal, untracked } from '@angular/core';

import { ApiService } from '../../core/api.service';
import { DataStreamService } from '../../core/data-stream.service';
import { ChainView, ProductView } from '../../core/wire';

/** How often the chains are fetched again, ms (the pages say "chains refresh every 15 s"). */
export const CHAIN_POLL_MS = 15_000;

/** One group of products on the same underlying (`spxw`, `spxw+1`, … → `SPX`). */
export interface UnderlyingGroup {
  /** The product key without its `+n` suffix: `spxw`, `spy`, `es`. */
  id: string;
  /** Display name: `SPX`, `SPY`, `ES`. */
  label: string;
  /** Product keys of the group, in desk order. */
  keys: string[];
}

/** The last failed fetch of one product's chain. */
export interface ChainError {
  key: string;
  message: string;
}

const GROUP_LABELS: Record<string, string> = { spxw: 'SPX', spx: 'SPX', spy: 'SPY', es: 'ES' };

/** The base of a product key: `spxw+2` → `spxw`. */
export function groupId(productKey: string): string {
  const plus = productKey.indexOf('+');
  return plus >= 0 ? productKey.slice(0, plus) : productKey;
}

/** Groups the desk's products by underlying, keeping the desk's order of first appearance. */
export function groupProducts(keys: readonly string[]): UnderlyingGroup[] {
  const groups = new Map<string, UnderlyingGroup>();
  for (const key of keys) {
    const id = groupId(key);
    let group = groups.get(id);
    if (!group) {
      group = { id, label: GROUP_LABELS[id] ?? id.toUpperCase(), keys: [] };
      groups.set(id, group);
    }
    group.keys.push(key);
  }
  return [...groups.values()];
}

/** Keys of the products that have a chain to ask for (an expiry: the server knows the grid). */
export function productsWithChain(products: readonly ProductView[]): string[] {
  return products.filter((p) => p.expiry !== null && p.expiry !== undefined).map((p) => p.product);
}

/** Same keys in the same order (for `computed` equality: no recompute downstream). */
export function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/** The state a page reads from a [`createChainPoller`]. */
export interface ChainPoller {
  /** Latest chain per product key. */
  readonly chains: Signal<ReadonlyMap<string, ChainView>>;
  /** Last error text per product key (cleared by a successful fetch). */
  readonly errors: Signal<Readonly<Record<string, string>>>;
  /** True until the first round of fetches has finished (it is not raised again on new keys). */
  readonly loading: Signal<boolean>;
  /** Fetch now (skipped while a round is still in flight). */
  refresh(): Promise<void>;
}

/**
 * Polls `GET /api/chain/{product}` for `keys()` every `intervalMs` (and at once when the keys
 * change). Must be called in an injection context (a component field initializer); stops when
 * that component is destroyed. Only keys passed in are asked for, so a page asks only for
 * products the server already serves.
 */
export function createChainPoller(keys: Signal<string[]>, intervalMs = CHAIN_POLL_MS): ChainPoller {
  const api = inject(ApiService);
  const destroyRef = inject(DestroyRef);
  const chains = signal<ReadonlyMap<string, ChainView>>(new Map());
  const errors = signal<Readonly<Record<string, string>>>({});
  const loading = signal(true);
  const stableKeys = computed(() => keys(), { equal: sameKeys });
  let inFlight = false;
  let destroyed = false;

  async function refresh(): Promise<void> {
    const wanted = untracked(stableKeys);
    if (inFlight || destroyed || wanted.length === 0) {
      return;
    }
    inFlight = true;
    try {
      const results = await Promise.allSettled(wanted.map((k) => api.get<ChainView>(`/api/chain/${encodeURIComponent(k)}`)));
      if (destroyed) {
        return;
      }
      const nextChains = new Map(untracked(chains));
      const nextErrors: Record<string, string> = { ...untracked(errors) };
      results.forEach((r, i) => {
        const key = wanted[i];
        if (r.status === 'fulfilled' && r.value && Array.isArray(r.value.contracts)) {
          nextChains.set(key, r.value);
          delete nextErrors[key];
        } else {
          nextErrors[key] = r.status === 'rejected' ? String((r.reason as Error)?.message ?? r.reason) : 'malformed chain';
        }
      });
      chains.set(nextChains);
      errors.set(nextErrors);
      loading.set(false);
    } finally {
      inFlight = false;
    }
  }

  effect(() => {
    stableKeys();
    untracked(() => void refresh());
  });
  const timer = setInterval(() => void refresh(), intervalMs);
  destroyRef.onDestroy(() => {
    destroyed = true;
    clearInterval(timer);
  });
  return { chains, errors, loading, refresh };
}

/**
 * What the Open-interest and Volatility pages share: the desk's underlyings, the user's pick of
 * one, and the polled chains of that underlying's products.
 */
export interface UnderlyingChains {
  /** The desk's products grouped by underlying, in desk order. */
  readonly groups: Signal<UnderlyingGroup[]>;
  /** The user's pick (`spxw`, `spy`, `es`); `null` = the first group. */
  readonly selected: WritableSignal<string | null>;
  /** The group in use: the pick when the desk has it, else the first group. */
  readonly groupId: Signal<string | null>;
  readonly group: Signal<UnderlyingGroup | null>;
  /** `SPX`, `SPY`, …; `—` before the desk has products. */
  readonly groupLabel: Signal<string>;
  /** Products of the group that the server has a chain for, in desk order. */
  readonly chainKeys: Signal<string[]>;
  /** The loaded chains of `chainKeys`, in the same order (keys not loaded yet are left out). */
  readonly chains: Signal<ChainView[]>;
  /** Failed fetches of the current keys. */
  readonly errors: Signal<ChainError[]>;
  /**
   * Why there are no chains to draw: waiting for the stream, no chain served for the group, or
   * still loading; `null` once the first round is in.
   */
  readonly statusText: Signal<string | null>;
}

/**
 * The underlying selection and its chain polling, for a page's field initializer (injection
 * context). Pair with `<gf-underlying-select>` for the buttons.
 */
export function createUnderlyingChains(intervalMs = CHAIN_POLL_MS): UnderlyingChains {
  const stream = inject(DataStreamService);
  const products = computed(() => stream.flowData()?.products ?? []);
  const groups = computed(() => groupProducts(products().map((p) => p.product)), {
    equal: (a, b) => a.length === b.length && a.every((g, i) => g.id === b[i].id && sameKeys(g.keys, b[i].keys)),
  });
  const selected = signal<string | null>(null);
  const groupId = computed(() => {
    const all = groups();
    const chosen = selected();
    return all.find((g) => g.id === chosen)?.id ?? all[0]?.id ?? null;
  });
  const group = computed(() => groups().find((g) => g.id === groupId()) ?? null);
  const groupLabel = computed(() => group()?.label ?? '—');
  const chainKeys = computed(() => {
    const keys = new Set(group()?.keys ?? []);
    return productsWithChain(products()).filter((k) => keys.has(k));
  }, { equal: sameKeys });

  const poller = createChainPoller(chainKeys, intervalMs);
  const chains = computed(() => {
    const loaded = poller.chains();
    return chainKeys()
      .map((k) => loaded.get(k))
      .filter((c): c is ChainView => c !== undefined);
  });
  const errors = computed(() => {
    const byKey = poller.errors();
    return chainKeys()
      .filter((k) => byKey[k])
      .map((k) => ({ key: k, message: byKey[k] }));
  });
  const statusText = computed(() => {
    if (!stream.flowData()) {
      return 'Waiting for the desk stream…';
    }
    if (chainKeys().length === 0) {
      return `No ${groupLabel()} chain is served yet (products start with their first quotes).`;
    }
    return poller.loading() ? 'Loading chains…' : null;
  });

  return { groups, selected, groupId, group, groupLabel, chainKeys, chains, errors, statusText };
}
