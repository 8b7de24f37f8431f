import { describe, expect, it } from 'vitest';

import { IntradayPoint, MacroEvent } from '../../core/wire';
import { IntradayFlow, MINUTE_NS, eventMarkers, flowSeries, minuteOf } from './intraday';
import { T0, totals } from './live.fixtures.spec-helpers';

function point(minute: number, callVolume: number, over: Partial<IntradayPoint> = {}): IntradayPoint {
  return {
    ts: T0 + minute * MINUTE_NS, time_new_york: '', underlying: 6000 + minute,
    call_volume: callVolume, put_volume: 0, call_premium: callVolume * 100, put_premium: 0,
    call_net_premium: 0, put_net_premium: 0, call_net_delta: callVolume, put_net_delta: -callVolume,
    ...over,
  };
}

describe('IntradayFlow', () => {
  it('keys stream totals by event-time minute, replacing the current minute', () => {
    const f = new IntradayFlow();
    expect(f.append(T0 + 5e9, totals({ call_volume: 10 }), 6000)).toBe(true);
    expect(f.append(T0 + 59e9, totals({ call_volume: 12 }), 6001)).toBe(true);
    expect(f.points.length).toBe(1);
    expect(f.points[0]).toMatchObject({ ts: T0, call_volume: 12, underlying: 6001 });
    expect(f.append(T0 + 60e9, totals({ call_volume: 15 }), 6002)).toBe(true);
    expect(f.points.map((p) => p.ts)).toEqual([T0, T0 + MINUTE_NS]);
    expect(f.points.map((p) => p.call_volume)).toEqual([12, 15]);
  });

  it('reports no change for an identical update and ignores an older minute', () => {
    const f = new IntradayFlow();
    f.append(T0 + 61e9, totals(), 6000);
    expect(f.append(T0 + 62e9, totals(), 6000)).toBe(false);
    expect(f.append(T0 + 1e9, totals({ call_volume: 1 }), 6000)).toBe(false);
    expect(f.points.length).toBe(1);
    expect(f.points[0].ts).toBe(T0 + MINUTE_NS);
  });

  it('loads the server history in time order, then appends after it', () => {
    const f = new IntradayFlow();
    expect(f.load([point(2, 30), point(0, 10), point(1, 20)])).toBe(true);
    expect(f.points.map((p) => p.ts)).toEqual([T0, T0 + MINUTE_NS, T0 + 2 * MINUTE_NS]);
    f.append(T0 + 2 * MINUTE_NS + 30e9, totals({ call_volume: 35, put_volume: 0 }), 6002.5);
    f.append(T0 + 3 * MINUTE_NS, totals({ call_volume: 40, put_volume: 0 }), 6003);
    expect(f.points.map((p) => p.call_volume)).toEqual([10, 20, 35, 40]);
    expect(f.load([])).toBe(false);
  });

  it('merges a late history load with the stream: the larger cumulative volume wins', () => {
    const f = new IntradayFlow();
    f.append(T0 + 2 * MINUTE_NS + 10e9, totals({ call_volume: 50, put_volume: 0 }), 6000);
    f.load([point(0, 10), point(1, 20), point(2, 40)]);
    expect(f.points.map((p) => p.call_volume)).toEqual([10, 20, 50]);
    f.load([point(2, 60)]);
    expect(f.points.map((p) => p.call_volume)).toEqual([10, 20, 60]);
  });

  it('starts over on a new trade day', () => {
    const f = new IntradayFlow();
    f.append(T0, totals({ call_volume: 500 }), 6000);
    f.append(T0 + 18 * 60 * MINUTE_NS, totals({ call_volume: 3 }), 6000);
    expect(f.points.length).toBe(1);
    expect(f.points[0].call_volume).toBe(3);
  });

  it('floors to the minute', () => {
    // ns near 2026 are exact to 256 ns as doubles: the last representable ns before the minute.
    expect(minuteOf(T0 + 59_999_999_744)).toBe(T0);
    expect(minuteOf(T0 + MINUTE_NS)).toBe(T0 + MINUTE_NS);
  });
});

describe('flowSeries', () => {
  const f = new IntradayFlow();
  f.load([point(0, 10), point(1, 20, { underlying: null })]);

  it('plots premium in $M with the underlying on the left axis', () => {
    const [call, put, spot] = flowSeries(f.points, 'premium');
    expect(call.id).toBe('call-premium');
    expect(call.data).toEqual([
      { time: T0 / 1e9, value: 0.001 },
      { time: T0 / 1e9 + 60, value: 0.002 },
    ]);
    expect(put.data.map((p) => p.value)).toEqual([0, 0]);
    expect(spot.scale).toBe('left');
    expect(spot.data).toEqual([{ time: T0 / 1e9, value: 6000 }]);
  });

  it('plots net premium in $M by default mode and drops a missing one', () => {
    const g = new IntradayFlow();
    g.load([
      point(0, 10, { call_net_premium: 2_500_000, put_net_premium: -1_000_000 }),
      point(1, 20, { call_net_premium: 3_000_000, put_net_premium: -500_000 }),
    ]);
    const [call, put] = flowSeries(g.points, 'net');
    expect(call.id).toBe('call-net');
    expect(call.title).toBe('calls net premium $M');
    expect(call.data.map((p) => p.value)).toEqual([2.5, 3]);
    expect(put.data.map((p) => p.value)).toEqual([-1, -0.5]);
    const h = new IntradayFlow();
    h.append(T0, { call_volume: 1, put_volume: 0, call_premium: 1, put_premium: 0, call_net_delta: 0, put_net_delta: 0, prints: 1, excluded: 0 }, 6000);
    expect(Number.isNaN(flowSeries(h.points, 'net')[0].data[0].value)).toBe(true);
  });

  it('plots net delta in the delta mode', () => {
    const [call, put] = flowSeries(f.points, 'delta');
    expect(call.id).toBe('call-delta');
    expect(call.data.map((p) => p.value)).toEqual([10, 20]);
    expect(put.data.map((p) => p.value)).toEqual([-10, -20]);
  });
});

describe('eventMarkers', () => {
  const ev = (date: string, kind: string, importance = 'high'): MacroEvent => ({
    ts: T0, date, time_new_york: '10:00', kind, title: kind, importance,
  });

  it("keeps today's events only", () => {
    const m = eventMarkers([ev('2026-11-30', 'CPI'), ev('2026-12-01', 'NFP'), ev('2026-11-30', 'ISM', 'low')], '2026-11-30');
    expect(m.map((x) => x.text)).toEqual(['CPI', 'ISM']);
    expect(m[0].time).toBe(T0 / 1e9);
    expect(m[0].color).not.toBe(m[1].color);
    expect(eventMarkers([ev('2026-11-30', 'CPI')], null)).toEqual([]);
  });
});
