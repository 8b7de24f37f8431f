import { describe, expect, it } from 'vitest';

import { ChainContractView, ChainView } from '../../core/wire';
import { MAX_STEPS_EACH_SIDE, gexBars, gexOption, mergeMarks } from './gex-option';
import { product, side } from './live.fixtures.spec-helpers';

function chain(key: string, strikes: number[], gex: (strike: number, right: 'C' | 'P') => number | null): ChainView {
  const contracts: ChainContractView[] = [];
  for (const strike of strikes) {
    for (const right of ['C', 'P'] as const) {
      contracts.push({ ...side(), strike, right, symbol: `${strike}${right}`, gex_oi: gex(strike, right) });
    }
  }
  return { schema: 1, product: key, root: key, expiry: '2026-11-30', ts_event: 0, spot: 6001, contracts };
}

const range = (lo: number, hi: number, step: number) =>
  Array.from({ length: Math.round((hi - lo) / step) + 1 }, (_, i) => lo + i * step);

describe('gexBars', () => {
  it('uses the window ascending without a chain', () => {
    const p = product('spxw', 6000, 5);
    const bars = gexBars(p, null);
    expect(bars.map((b) => b.strike)).toEqual([5985, 5990, 5995, 6000, 6005, 6010, 6015]);
    expect(bars[3]).toEqual({ strike: 6000, oi: 0.5e6, flow: 0 });
    expect(bars[6].flow).toBe(3e5);
    expect(gexBars(undefined, null)).toEqual([]);
    expect(gexBars(product('spy', 600, 1, 0, { strikes: [] }), null)).toEqual([]);
  });

  it('widens to the chain (call + put OI GEX) within two expected moves and to the walls', () => {
    const p = product('spxw', 6000, 5, 3, { spot: 6000, expected_move: 10, call_wall: 6050, put_wall: 5990 });
    const c = chain('spxw', range(5900, 6100, 5), (s, r) => (r === 'C' ? s : -1));
    const bars = gexBars(p, c);
    expect(bars[0].strike).toBe(5980); // spot − 2 EM
    expect(bars[bars.length - 1].strike).toBe(6050); // the call wall
    const at = (s: number) => bars.find((b) => b.strike === s)!;
    expect(at(6040)).toEqual({ strike: 6040, oi: 6039, flow: null }); // from the chain
    expect(at(6000).oi).toBe(0.5e6); // the window wins
    // Uniform grid.
    expect(bars.every((b, i) => i === 0 || b.strike - bars[i - 1].strike === 5)).toBe(true);
  });

  it("ignores another product's chain and caps the range", () => {
    const p = product('spxw', 6000, 5, 3, { spot: 6000, expected_move: 1000 });
    expect(gexBars(p, chain('spy', [500], () => 1)).length).toBe(7);
    const bars = gexBars(p, chain('spxw', range(4000, 8000, 5), () => 1));
    expect(bars.length).toBe(2 * MAX_STEPS_EACH_SIDE + 1);
    expect(bars[0].strike).toBe(6000 - MAX_STEPS_EACH_SIDE * 5);
  });
});

describe('gexOption', () => {
  it('lines the hidden value axis up with the strike categories and places the levels', () => {
    const p = product('spxw', 6000, 5, 3, { spot: 6001, zero_gamma: 5000, call_wall: 6005, put_wall: 6005 });
    const option = gexOption(gexBars(p, null), p) as {
      yAxis: { type: string; data?: string[]; min?: number; max?: number }[];
      series: { type: string; data: unknown[]; markLine?: { data: { name: string; yAxis: number }[] } }[];
      title: { subtext: string };
    };
    expect(option.yAxis[0].data).toEqual(['5985', '5990', '5995', '6000', '6005', '6010', '6015']);
    expect(option.yAxis[1]).toMatchObject({ type: 'value', min: 5982.5, max: 6017.5 });
    expect(option.series[0].data).toEqual([-2.5e6, -1.5e6, -0.5e6, 0.5e6, 1.5e6, 2.5e6, 3.5e6]);
    const lines = option.series[2].markLine!.data;
    expect(lines.map((l) => [l.name, l.yAxis])).toEqual([
      ['spot', 6001],
      ['call wall / put wall', 6005],
    ]);
    expect(option.title.subtext).toBe('zero γ 5000 (off chart)');
  });

  it('merges levels at the same price only', () => {
    const merged = mergeMarks([
      { name: 'a', value: 1, color: 'x' },
      { name: 'b', value: null, color: 'x' },
      { name: 'c', value: 1, color: 'y' },
      { name: 'd', value: 2, color: 'z' },
    ]);
    expect(merged.map((m) => m.name)).toEqual(['a / c', 'd']);
  });
});
