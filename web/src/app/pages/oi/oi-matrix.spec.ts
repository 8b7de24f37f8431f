import { describe, expect, it } from 'vitest';

import { chain, contract } from '../shared/chain-fixtures.spec-helpers';
import {
  buildOiMatrix,
  defaultRange,
  inRange,
  summaries,
  summarize,
  unusualActivity,
  volumeOiRatio,
  volumeOiRows,
} from './oi-matrix';

// Two expiries given out of order; the later one lacks strike 5900 and has no put OI at 6000.
const near = chain('spxw', '2026-11-30', 6000, [
  contract(5800, 'C', { oi: 1 }),
  contract(5800, 'P', { oi: 2 }),
  contract(5900, 'C', { oi: 10 }),
  contract(5900, 'P', { oi: 40 }),
  contract(6000, 'C', { oi: 100, volume: 50 }),
  contract(6000, 'P', { oi: 200, volume: 20 }),
  contract(6100, 'C', { oi: 30, volume: 90 }),
  contract(6100, 'P', { oi: null, volume: 5 }),
]);
const far = chain('spxw+1', '2026-12-01', 6002, [
  contract(6000, 'C', { oi: 300 }),
  contract(6000, 'P', { oi: null }),
  contract(6050, 'C', { oi: 7 }),
  contract(6050, 'P', { oi: 8 }),
  contract(6200, 'C', { oi: 999 }),
]);

describe('OI matrix', () => {
  it('keeps strikes within the range of the spot, ascending, and orders columns by expiry', () => {
    const m = buildOiMatrix([far, near], 'total', 100);
    expect(m.center).toBe(6002); // the first given chain's spot: 5900 is out of ±100
    expect(m.strikes).toEqual([6000, 6050, 6100]);
    expect(m.columns.map((c) => c.product)).toEqual(['spxw', 'spxw+1']);
    expect(m.columns[1].label).toBe('2026-12-01 (spxw+1)');
  });

  it('fills missing strikes and missing OI with null, and sums sides for the total', () => {
    const m = buildOiMatrix([near, far], 'total', 100);
    expect(m.center).toBe(6000);
    expect(m.strikes).toEqual([5900, 6000, 6050, 6100]);
    expect(m.cells).toEqual([
      [50, null], // 5900: not in the far chain
      [300, 300], // 6000: far put OI missing counts 0 in the total
      [null, 15],
      [30, null], // 6100: put OI null, call 30
    ]);
    expect(m.max).toBe(300);
  });

  it('shows one side only when asked', () => {
    expect(buildOiMatrix([near, far], 'call', 100).cells).toEqual([
      [10, null],
      [100, 300],
      [null, 7],
      [30, null],
    ]);
    expect(buildOiMatrix([near, far], 'put', 100).cells).toEqual([
      [40, null],
      [200, null],
      [null, 8],
      [null, null],
    ]);
  });

  it('uses an explicit centre, includes the range bound and is empty without chains', () => {
    const m = buildOiMatrix([near], 'total', 100, 5900);
    expect(m.strikes).toEqual([5800, 5900, 6000]);
    expect(inRange(6100, 6000, 100)).toBe(true);
    expect(inRange(6100.5, 6000, 100)).toBe(false);
    expect(inRange(1, null, 0)).toBe(true);
    const empty = buildOiMatrix([], 'total', 100);
    expect(empty).toMatchObject({ strikes: [], columns: [], cells: [], max: 0, center: null });
    expect(defaultRange('spxw')).toBe(100);
    expect(defaultRange('spy')).toBe(10);
  });

  it('totals OI per expiry with the put/call ratio', () => {
    expect(summarize(near)).toEqual({
      product: 'spxw',
      expiry: '2026-11-30',
      callOi: 141,
      putOi: 242,
      totalOi: 383,
      putCallRatio: 242 / 141,
      callVolume: 140,
      putVolume: 25,
    });
    expect(summarize(chain('x', '2026-12-02', 1, [contract(1, 'P', { oi: 5 })])).putCallRatio).toBeNull();
    expect(summaries([far, near]).map((s) => s.expiry)).toEqual(['2026-11-30', '2026-12-01']);
  });
});

describe('volume vs OI', () => {
  it('gives per-strike volume and OI with the combined ratio', () => {
    const rows = volumeOiRows(near, 150);
    expect(rows.map((r) => r.strike)).toEqual([5900, 6000, 6100]);
    expect(rows[1]).toEqual({ strike: 6000, callVolume: 50, callOi: 100, putVolume: 20, putOi: 200, ratio: 70 / 300 });
    expect(rows[2].ratio).toBe(95 / 30);
    expect(volumeOiRows(far, 100).find((r) => r.strike === 6000)!.putOi).toBeNull();
    expect(volumeOiRatio(5, 0)).toBeNull();
    expect(volumeOiRatio(5, null)).toBeNull();
    expect(volumeOiRatio(5, 10)).toBe(0.5);
  });

  it('ranks unusual activity by volume/OI, skipping contracts without OI or volume', () => {
    const c = chain('spxw', '2026-11-30', 6000, [
      contract(6000, 'C', { oi: 100, volume: 50 }), // 0.5
      contract(6000, 'P', { oi: 10, volume: 30 }), // 3
      contract(6010, 'C', { oi: 0, volume: 500 }), // no OI
      contract(6010, 'P', { oi: null, volume: 500 }), // no OI
      contract(6020, 'C', { oi: 20, volume: 60 }), // 3, more volume than 6000 P
      contract(6020, 'P', { oi: 20, volume: 0 }), // no volume
      contract(5990, 'P', { oi: 1000, volume: 10 }), // 0.01
    ]);
    const top = unusualActivity(c, 10);
    expect(top.map((u) => `${u.strike}${u.right}`)).toEqual(['6020C', '6000P', '6000C', '5990P']);
    expect(top[0].ratio).toBe(3);
    expect(unusualActivity(c, 2)).toHaveLength(2);
    expect(unusualActivity(c, 10, 40).map((u) => `${u.strike}${u.right}`)).toEqual(['6020C', '6000C']);
  });
});

describe('nearest strike', () => {
  it('finds the strike nearest the spot for the ATM marker', async () => {
    const { nearestIndex } = await import('./oi-charts');
    expect(nearestIndex([5990, 6000, 6010], 6003)).toBe(1);
    expect(nearestIndex([5990, 6000, 6010], 7000)).toBe(2);
    expect(nearestIndex([], 6000)).toBe(-1);
    expect(nearestIndex([1], null)).toBe(-1);
  });
});
