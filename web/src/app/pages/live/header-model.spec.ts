import { describe, expect, it } from 'vitest';

import { DeskView, ProductView } from '../../core/wire';
import {
  HeaderItem,
  expectedMovePct,
  expectedMoveText,
  headerModel,
  level,
  putCallRatio,
  sinceText,
} from './header-model';
import { desk, market, product, totals } from './live.fixtures.spec-helpers';

function items(d: DeskView | null, p: ProductView | undefined, last: number | null = 1000, now = 1500): Map<string, HeaderItem> {
  return new Map(headerModel(d, p, last, now).flatMap((g) => g.items.map((i) => [i.id, i] as const)));
}

describe('header computations', () => {
  it('computes the put/call volume ratio', () => {
    expect(putCallRatio(100, 150)).toBe(1.5);
    expect(putCallRatio(0, 150)).toBeNull();
    const p = product('spxw', 6000, 5, 3, { totals: totals({ call_volume: 400, put_volume: 300 }) });
    expect(items(desk([p]), p).get('hdr-pcr')!.value).toBe('0.75');
    const none = product('spxw', 6000, 5, 3, { totals: totals({ call_volume: 0 }) });
    expect(items(desk([none]), none).get('hdr-pcr')!.value).toBe('—');
  });

  it('gives the expected move in points and percent of spot', () => {
    expect(expectedMovePct(60, 6000)).toBeCloseTo(0.01, 12);
    expect(expectedMovePct(60, null)).toBeNull();
    expect(expectedMovePct(null, 6000)).toBeNull();
    expect(expectedMoveText(54.75, 6015.75)).toBe('±54.75 (0.91%)');
    expect(expectedMoveText(54.75, null)).toBe('±54.75');
    expect(expectedMoveText(null, 6000)).toBe('—');
  });

  it('shows — for ES, SPX, basis and VWAP without desk.market', () => {
    const p = product('spxw', 6000, 5);
    for (const d of [desk([p]), desk([p], { market: null })]) {
      const m = items(d, p);
      for (const id of ['hdr-es', 'hdr-spx', 'hdr-basis', 'hdr-vwap']) {
        expect(m.get(id)!.value, id).toBe('—');
      }
      expect(m.get('hdr-spot')!.value).toBe('6001.00');
    }
  });

  it('shows the market figures when present', () => {
    const p = product('spxw', 6000, 5);
    const m = items(desk([p], { market: market() }), p);
    expect(m.get('hdr-es')!.value).toBe('6012.50');
    expect(m.get('hdr-es')!.label).toBe('ES ESZ6');
    expect(m.get('hdr-spx')!.value).toBe('6001.25');
    expect(m.get('hdr-basis')!.value).toBe('+11.25');
    expect(m.get('hdr-vwap')!.value).toBe('6008.75');
  });

  it('shows levels, totals and freshness of the selected product', () => {
    const p = product('spxw', 6000, 5);
    const m = items(desk([p]), p, 1000, 7500);
    expect(m.get('hdr-zero-gamma')!.value).toBe('5990');
    expect(m.get('hdr-flow-zero-gamma')!.value).toBe('—');
    expect(m.get('hdr-call-wall')!.value).toBe('6005');
    expect(m.get('hdr-put-wall')!.value).toBe('5995');
    expect(m.get('hdr-gex')!.value).toBe('+$1.50B/1%');
    expect(m.get('hdr-call-prem')!.value).toBe('$2.00M');
    expect(m.get('hdr-source')!.value).toBe('streaming');
    expect(m.get('hdr-idle')!.value).toBe('25 ms');
    expect(m.get('hdr-last-msg')!.value).toBe('6.5 s');
    expect(m.get('hdr-last-msg')!.tone).toBe('warn');
    expect(m.get('hdr-greeks-age')!.value).toBe('1.2 s');
    expect(m.get('hdr-expiry')!.value).toBe('2026-11-30');
  });

  it('is all placeholders before the first message', () => {
    const m = items(null, undefined, null, 0);
    expect([...m.values()].every((i) => i.value === '—')).toBe(true);
  });

  it('formats levels and message age', () => {
    expect(level(6000)).toBe('6000');
    expect(level(5842.7136)).toBe('5842.71');
    expect(level(null)).toBe('—');
    expect(sinceText(null, 5)).toBe('—');
    expect(sinceText(1000, 1400)).toBe('0.4 s');
  });
});
