import { describe, expect, it } from 'vitest';

import { ApiError } from '../../core/api.service';
import { HistoryRows } from '../../core/wire';
import {
  LatestGuard,
  QueryState,
  catalogNames,
  chainGrid,
  flowSeries,
  followIndex,
  formatCell,
  isUnknownQuery,
  lakeDates,
  minuteLabel,
  minuteList,
  nearestStrike,
  strikeChartOption,
  strikeRows,
  timestampSeconds,
} from './history-logic';

/** A promise resolved by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('history queries', () => {
  it('recognises the unknown-query answer of an older server', () => {
    const msg = 'no history query named "unknown named query \\"lake-dates\\" (known: net-delta-by-strike)"';
    expect(isUnknownQuery(new ApiError(404, msg))).toBe(true);
    expect(isUnknownQuery(new ApiError(400, 'query top-trades: parameter "date" = "x"'))).toBe(false);
    expect(isUnknownQuery(new Error('unknown named query'))).toBe(false);
  });

  it('reads the catalog names', () => {
    expect(catalogNames([{ name: 'flow-series' }, { name: 'chain-at' }, {}])).toEqual(new Set(['flow-series', 'chain-at']));
    expect(catalogNames({ error: 'x' })).toBeNull();
  });

  it('keeps only the latest answer', async () => {
    const guard = new LatestGuard();
    const first = guard.begin();
    expect(first()).toBe(true);
    const second = guard.begin();
    expect(first()).toBe(false);
    expect(second()).toBe(true);

    const q = new QueryState<string>();
    const slow = deferred<string>();
    const fast = deferred<string>();
    const a = q.run(() => slow.promise);
    const b = q.run(() => fast.promise);
    fast.resolve('new');
    expect(await b).toBe(true);
    slow.resolve('old');
    expect(await a).toBe(false);
    expect(q.data()).toBe('new');
    expect(q.loading()).toBe(false);

    // A stale failure is dropped too.
    const c = deferred<string>();
    const d = deferred<string>();
    const pc = q.run(() => c.promise);
    const pd = q.run(() => d.promise);
    d.resolve('newest');
    c.reject(new ApiError(500, 'boom'));
    await Promise.all([pc, pd]);
    expect(q.data()).toBe('newest');
    expect(q.error()).toBeNull();
  });

  it('keeps the server error text and flags unknown queries', async () => {
    const q = new QueryState<string>();
    await q.run(async () => {
      throw new ApiError(400, 'query flow-series: parameter "bucket" = "0": expected 1..=86400');
    });
    expect(q.error()).toContain('"bucket"');
    expect(q.unknown()).toBe(false);
    await q.run(async () => {
      throw new ApiError(404, 'no history query named "unknown named query \\"chain-at\\""');
    });
    expect(q.unknown()).toBe(true);
  });
});

describe('lake dates and scrubber minutes', () => {
  it('sorts lake dates most recent first and drops bad rows', () => {
    const d = lakeDates([
      { date: '2026-11-27', prints: 10, chain_minutes: 390 },
      { date: '2026-11-30', prints: 5, chain_minutes: null },
      { date: 'garbage', prints: 1, chain_minutes: 1 },
    ]);
    expect(d).toEqual([
      { date: '2026-11-30', prints: 5, chainMinutes: null },
      { date: '2026-11-27', prints: 10, chainMinutes: 390 },
    ]);
    expect(lakeDates(null)).toEqual([]);
  });

  it('maps minute rows of any time form to HH:MM labels', () => {
    expect(minuteLabel({ minute: '09:31' })).toBe('09:31');
    expect(minuteLabel({ minute: '09:31:00' })).toBe('09:31');
    expect(minuteLabel({ at: '2026-11-30T14:05:00-05:00', rows: 3 })).toBe('14:05');
    expect(minuteLabel({ strikes: 40, snapshot: '2026-11-30 10:15:00' })).toBe('10:15');
    expect(minuteLabel({ strikes: 40 })).toBeNull();
    expect(
      minuteList([{ minute: '10:01' }, { minute: '09:30' }, { minute: '10:01' }, { other: 1 }, { minute: '09:45:00' }]),
    ).toEqual(['09:30', '09:45', '10:01']);
  });

  it('follows the latest minute, or keeps the chosen one, when the list grows', () => {
    expect(followIndex([], ['09:30', '09:31'], null)).toBe(1);
    expect(followIndex(['09:30', '09:31'], ['09:30', '09:31', '09:32'], 1)).toBe(2);
    expect(followIndex(['09:30', '09:31', '09:32'], ['09:30', '09:31', '09:32', '09:33'], 1)).toBe(1);
    expect(followIndex(['09:30', '09:35', '09:40'], ['09:30', '09:33', '09:40', '09:41'], 1)).toBe(1);
    expect(followIndex(['09:30'], [], 0)).toBeNull();
  });
});

describe('history results → charts', () => {
  const series: HistoryRows = [
    { bucket_start: '2026-11-30T09:35:00-05:00', call_premium: 300, put_premium: 50, net_delta: -20, call_volume: 3, put_volume: 1 },
    { bucket_start: '2026-11-30T09:30:00-05:00', call_premium: 100, put_premium: 200, net_delta: 50, call_volume: 1, put_volume: 2 },
    { bucket_start: '2026-11-30T09:40:00.123456789-05:00', call_premium: null, put_premium: 25, net_delta: 5, call_volume: 0, put_volume: 1 },
    { bucket_start: 'not a time', call_premium: 1e9, put_premium: 1e9, net_delta: 1e9 },
  ];
  const t0 = Date.parse('2026-11-30T14:30:00Z') / 1000;

  it('parses bucket timestamps with nanoseconds', () => {
    expect(timestampSeconds('2026-11-30T09:30:00-05:00')).toBe(t0);
    expect(timestampSeconds('2026-11-30T09:40:00.123456789-05:00')).toBe(t0 + 600);
    expect(timestampSeconds('nope')).toBeNull();
    expect(timestampSeconds(1_796_048_700_000_000_000)).toBe(1_796_048_700);
  });

  it('cumulates premium buckets in time order ($M)', () => {
    const [call, put] = flowSeries(series, 'premium');
    expect(call.data.map((p) => p.time)).toEqual([t0, t0 + 300, t0 + 600]);
    expect(call.data.map((p) => Math.round(p.value * 1e6))).toEqual([100, 400, 400]);
    expect(put.data.map((p) => Math.round(p.value * 1e6))).toEqual([200, 250, 275]);
    expect(call.color).not.toBe(put.color);
  });

  it('cumulates net delta (thousands) and volume', () => {
    const [delta] = flowSeries(series, 'delta');
    expect(delta.data.map((p) => Math.round(p.value * 1e3))).toEqual([50, 30, 35]);
    const [cv, pv] = flowSeries(series, 'volume');
    expect(cv.data.map((p) => p.value)).toEqual([1, 4, 4]);
    expect(pv.data.map((p) => p.value)).toEqual([2, 3, 4]);
    expect(flowSeries(null, 'premium').every((s) => s.data.length === 0)).toBe(true);
  });

  const strikes: HistoryRows = [
    { underlying: 'I:SPX', strike: 5995, call_volume: 1, put_volume: 2, call_net_delta: 10, put_net_delta: -30, net_delta: -20, premium: 1000, trades: 3 },
    { underlying: 'I:SPX', strike: 6000, call_volume: 5, put_volume: 0, call_net_delta: 50.456, put_net_delta: 0, net_delta: 50.456, premium: 2500, trades: 5 },
  ];

  it('builds call/put net delta bars per strike', () => {
    const rows = strikeRows(strikes);
    expect(rows[1]).toMatchObject({ strike: 6000, callVolume: 5, netDelta: 50.456, trades: 5 });
    const option = strikeChartOption(rows) as {
      yAxis: { data: string[] };
      series: { name: string; data: number[] }[];
      dataZoom: unknown[];
    };
    expect(option.yAxis.data).toEqual(['5995', '6000']);
    expect(option.series.map((s) => s.name)).toEqual(['call net Δ', 'put net Δ']);
    expect(option.series[0].data).toEqual([10, 50.46]);
    expect(option.series[1].data).toEqual([-30, 0]);
    expect(option.dataZoom).toEqual([]);
    const mixed = strikeChartOption(strikeRows([...strikes, { ...strikes[0], underlying: 'SPY', strike: 600.5 }])) as {
      yAxis: { data: string[] };
    };
    expect(mixed.yAxis.data[2]).toBe('SPY 600.5');
  });
});

describe('chain grid', () => {
  it('puts calls left (mirrored), strike centre, puts right, the rest after; strikes high → low', () => {
    const grid = chainGrid([
      { strike: 6000, call_volume: 1, call_iv: 0.2, put_volume: 2, put_iv: 0.25, gex: 1e6, underlying: 6001.5 },
      { strike: 6005, call_volume: 3, call_iv: 0.19, put_volume: 0, put_iv: 0.26, gex: -2e6, underlying: 6001.5 },
    ]);
    expect(grid.calls).toEqual(['iv', 'volume']);
    expect(grid.puts).toEqual(['volume', 'iv']);
    expect(grid.others).toEqual(['gex']);
    expect(grid.constants).toEqual([{ column: 'underlying', value: 6001.5 }]);
    expect(grid.rows.map((r) => r['strike'])).toEqual([6005, 6000]);
  });

  it('lays out the chain-at columns of the server (constants as a caption)', () => {
    const row = (strike: number, gex: number) => ({
      time_new_york: '09:40', ts: '2026-11-30T09:40:00-05:00', expiry: '2026-11-30', strike, underlying_price: 6001.2,
      call_volume: 10, put_volume: 20, call_premium: 1e5, put_premium: 2e5, call_net_delta: 5, put_net_delta: -5,
      call_iv: 0.2, put_iv: 0.22, call_oi: 100, put_oi: 200, call_gex: 1e6, put_gex: -2e6, gex, gex_flow: 3e5,
    });
    const grid = chainGrid([row(6000, -1e6), row(6005, -2e6)]);
    expect(grid.calls).toEqual(['gex', 'oi', 'iv', 'net_delta', 'premium', 'volume']);
    expect(grid.puts).toEqual(['volume', 'premium', 'net_delta', 'iv', 'oi', 'gex']);
    expect(grid.others).toEqual(['gex']);
    expect(grid.constants.map((c) => c.column)).toEqual(['time_new_york', 'ts', 'expiry', 'underlying_price', 'gex_flow']);
    expect(nearestStrike(grid.rows)).toBe(6000);
  });

  it('finds the at-the-money strike from the underlying column', () => {
    expect(nearestStrike([{ strike: 600, underlying: 601.7 }, { strike: 602, underlying: 601.7 }, { strike: 601, underlying: null }])).toBe(602);
    expect(nearestStrike([{ strike: 600 }])).toBeNull();
  });

  it('formats cells by column name', () => {
    expect(formatCell('call_iv', 0.1534)).toBe('15.3%');
    expect(formatCell('put_premium', 1_234_567)).toBe('$1.23M');
    expect(formatCell('call_net_delta', 1500)).toBe('+1.50K');
    expect(formatCell('put_volume', 12345)).toBe('12,345');
    expect(formatCell('delta', -0.39426)).toBe('-0.394');
    expect(formatCell('strike', 602.5)).toBe('602.5');
    expect(formatCell('underlying', 6001.5)).toBe('6001.50');
    expect(formatCell('ts_event', '2026-11-30T08:07:27.974396871-05:00')).toBe('08:07:27');
    expect(formatCell('sweep', true)).toBe('yes');
    expect(formatCell('iv', null)).toBe('—');
  });
});
