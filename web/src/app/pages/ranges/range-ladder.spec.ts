import { describe, expect, it } from 'vitest';

import { breakoutBadge, closeText, gaugeScale, intradaySeries, ladderRows, tierOf } from './range-ladder';
import { afternoonRange, morningRange, nyNs } from './fixtures.spec-helpers';
import { MarketBar } from '../../core/wire';

describe('range ladder', () => {
  it('orders levels high to low and puts ES between the levels around it', () => {
    const rows = ladderRows(morningRange().levels, 6004.25);
    expect(rows.map((r) => (r.kind === 'es' ? 'ES' : r.label))).toEqual(['+2σ', '+1σ', 'ES', 'ref', '−1σ', '−2σ']);
  });

  it('puts ES at the top above +2σ and at the bottom below −2σ', () => {
    expect(ladderRows(morningRange().levels, 6031)[0]).toEqual({ kind: 'es', price: 6031 });
    const low = ladderRows(morningRange().levels, 5970);
    expect(low[low.length - 1]).toEqual({ kind: 'es', price: 5970 });
    expect(low).toHaveLength(6);
  });

  it('places ES equal to a level just below that level', () => {
    const rows = ladderRows(morningRange().levels, 6010);
    expect(rows.map((r) => (r.kind === 'es' ? 'ES' : r.label))).toEqual(['+2σ', '+1σ', 'ES', 'ref', '−1σ', '−2σ']);
  });

  it('gives each level its signed distance to ES and its touches', () => {
    const rows = ladderRows(morningRange().levels, 6004.25).filter((r) => r.kind === 'level');
    expect(rows.map((r) => (r.kind === 'level' ? [r.label, r.distance, r.touches, r.tier] : null))).toEqual([
      ['+2σ', 15.75, 0, 'outer'],
      ['+1σ', 5.75, 3, 'inner'],
      ['ref', -4.25, 1, 'ref'],
      ['−1σ', -14.25, 2, 'inner'],
      ['−2σ', -24.25, 0, 'outer'],
    ]);
  });

  it('has no ES row and null distances without an ES price', () => {
    const rows = ladderRows(morningRange().levels, null);
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.kind === 'level' && r.distance === null)).toBe(true);
  });

  it('tiers labels with Unicode or ASCII minus', () => {
    expect(['+2σ', '-2σ', '−1σ', '+1σ', 'ref'].map(tierOf)).toEqual(['outer', 'outer', 'inner', 'inner', 'ref']);
  });

  it('scales the gauge with a margin and clamps ES off the scale', () => {
    const g = gaugeScale(morningRange().levels, 6000)!;
    expect(g.es).toBeCloseTo(0.5);
    expect(g.off).toBeNull();
    // Levels span 40 points, margin 6 each side: +2σ at 46/52.
    expect(g.marks.find((m) => m.label === '+2σ')!.at).toBeCloseTo(46 / 52);
    expect(g.inner!.from).toBeCloseTo(16 / 52);
    expect(g.inner!.to).toBeCloseTo(36 / 52);
    const above = gaugeScale(morningRange().levels, 6100)!;
    expect(above.es).toBe(1);
    expect(above.off).toBe('above');
    expect(gaugeScale([], 6000)).toBeNull();
  });

  it('labels breakouts with direction and time, and closes', () => {
    expect(breakoutBadge(morningRange())).toEqual({ text: 'Breakout ↑ 09:12:00', tone: 'up' });
    expect(breakoutBadge(morningRange({ breakout: 'down', breakout_new_york: null }))).toEqual({ text: 'Breakout ↓', tone: 'down' });
    expect(breakoutBadge(afternoonRange())).toEqual({ text: 'No breakout', tone: 'none' });
    expect(closeText(morningRange())).toBe('Closed outside');
    expect(closeText(morningRange({ closed_inside: true }))).toBe('Closed inside');
    expect(closeText(afternoonRange())).toBe('Open');
    expect(closeText(afternoonRange({ status: 'pending' }))).toBe('Not started');
  });
});

describe('intraday series', () => {
  const bar = (hhmm: string, close: number, vwap: number | null): MarketBar => ({
    ts: nyNs(hhmm),
    time_new_york: `2026-11-30T${hhmm}:00`,
    open: close,
    high: close,
    low: close,
    close,
    volume: 10,
    vwap,
    spx: null,
  });
  const bars = [bar('09:00', 6001, 6000), bar('09:01', 6002, null), bar('10:14', 6020, 6004)];

  it('draws ES closes with the live price appended, VWAP without nulls, and levels over each window', () => {
    const nowSec = nyNs('10:15') / 1e9;
    const series = intradaySeries(bars, [morningRange(), afternoonRange(), afternoonRange({ name: 'later', status: 'pending' })], {
      es: 6021.25,
      nowSec,
    });
    const es = series.find((s) => s.id === 'es')!;
    expect(es.data.map((p) => p.value)).toEqual([6001, 6002, 6020, 6021.25]);
    expect(es.data[3].time).toBe(nowSec);
    expect(series.find((s) => s.id === 'vwap')!.data.map((p) => p.value)).toEqual([6000, 6004]);
    // Morning levels from the first bar (after the window start) to the 09:30 end.
    const m = series.find((s) => s.id === 'morning:+1σ')!;
    expect(m.data).toEqual([
      { time: nyNs('09:00') / 1e9, value: 6010 },
      { time: nyNs('09:30') / 1e9, value: 6010 },
    ]);
    // Afternoon levels from 09:30 up to now; the pending window draws nothing.
    const a = series.find((s) => s.id === 'afternoon:ref')!;
    expect(a.data.map((p) => p.time)).toEqual([nyNs('09:30') / 1e9, nowSec]);
    expect(series.filter((s) => s.id.startsWith('later:'))).toHaveLength(0);
    expect(series).toHaveLength(2 + 10);
  });

  it('does not append a live price older than the last bar and draws no levels without data', () => {
    const series = intradaySeries(bars, [], { es: 6030, nowSec: nyNs('10:00') / 1e9 });
    expect(series[0].data).toHaveLength(3);
    expect(intradaySeries([], [morningRange()], { es: null, nowSec: null })).toHaveLength(2);
  });
});
