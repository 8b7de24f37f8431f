import { DestroyRef, Signal, computed, effect, inject, signal, untracked } from '@angular/core';

import { ApiService } from '../../core/api.service';
import { DataStreamService } from '../../core/data-stream.service';
import { ChainView, ProductView } from '../../core/wire';

/** One group of products on the same underlying (`spxw`, `spxw+1`, … → `SPX`). */
export interface UnderlyingGroup {
  /** The product key without its `+n` suffix: `spxw`, `spy`, `es`. */
  id: string;
  /** Display name: `SPX`, `SPY`, `ES`. */
  label: string;
  /** Product keys of the group, in desk order. */
  keys: string[];
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
  /** True until the first round of fetches for the current keys has finished. */
  readonly loading: Signal<boolean>;
  /** Fetch now. */
  refresh(): Promise<void>;
}

/**
 * Polls `GET /api/chain/{product}` for `keys()` every `intervalMs` (and at once when the keys
 * change). Must be called in an injection context (a component field initializer). Only keys
 * passed in are asked for, so a page asks only for products the server already serves.
 */
export function createChainPoller(keys: Signal<string[]>, intervalMs = 15_000): ChainPoller {
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
    if (inFlight || destroyed) {
      return;
    }
    if (wanted.length === 0) {
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

/** The desk's products grouped by underlying, and the keys that have chains (for pages). */
export function deskGroups(stream: DataStreamService): Signal<UnderlyingGroup[]> {
  return computed(() => groupProducts((stream.flowData()?.products ?? []).map((p) => p.product)), {
    equal: (a, b) => a.length === b.length && a.every((g, i) => g.id === b[i].id && sameKeys(g.keys, b[i].keys)),
  });
}
