import { TestBed } from '@angular/core/testing';
import { beforeEach, describe, expect, it } from 'vitest';

import { backoffDelay } from './backoff';
import { DataStreamService, STREAM_ENVIRONMENT, SocketLike, StreamEnvironment } from './data-stream.service';
import { parseStreamMessage } from './parse';

class FakeSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  closed = false;
  close(): void {
    this.closed = true;
  }
  serverOpens(): void {
    this.onopen?.({});
  }
  serverSends(data: unknown): void {
    this.onmessage?.({ data });
  }
  serverDrops(code = 1006): void {
    this.onclose?.({ code, reason: '' });
  }
}

function message(seq: number, kind = 'update'): string {
  return JSON.stringify({
    schema: 1,
    kind,
    desk: {
      seq,
      ts_event: 1,
      time_new_york: '2026-11-27T10:31:02.125',
      source: { name: 'sim', state: 'streaming', events: 1, events_per_second: 0, errors: 0, last_error: null, idle_ms: 0 },
      products: [{ product: 'spxw', strikes: [] }],
    },
  });
}

describe('DataStreamService', () => {
  let sockets: FakeSocket[];
  let timers: { callback: () => void; ms: number }[];
  let now: number;
  let service: DataStreamService;

  beforeEach(() => {
    sockets = [];
    timers = [];
    now = 1000;
    const env: StreamEnvironment = {
      url: 'ws://test/ws/stream',
      connect: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      random: () => 0.5,
      now: () => now,
      setTimer: (callback, ms) => timers.push({ callback, ms }),
      clearTimer: () => undefined,
      backoff: { baseMs: 500, maxMs: 10_000 },
      autoStart: true,
    };
    TestBed.configureTestingModule({ providers: [{ provide: STREAM_ENVIRONMENT, useValue: env }] });
    service = TestBed.inject(DataStreamService);
  });

  it('keeps the latest desk state from the stream', () => {
    expect(sockets.length).toBe(1);
    sockets[0].serverOpens();
    expect(service.connection().phase).toBe('open');
    sockets[0].serverSends(message(1, 'snapshot'));
    sockets[0].serverSends(message(2));
    expect(service.flowData()?.seq).toBe(2);
    expect(service.product('spxw')?.product).toBe('spxw');
    expect(service.lastMessageAt()).toBe(1000);
  });

  it('counts and drops a bad message without closing', () => {
    sockets[0].serverOpens();
    sockets[0].serverSends('{not json');
    sockets[0].serverSends(JSON.stringify({ schema: 2, kind: 'update', desk: {} }));
    sockets[0].serverSends(message(5));
    expect(service.connection().badMessages).toBe(2);
    expect(service.connection().lastProblem).toContain('schema 2');
    expect(service.flowData()?.seq).toBe(5);
    expect(sockets[0].closed).toBe(false);
  });

  it('reconnects with growing delays and resets after a message', () => {
    sockets[0].serverOpens();
    sockets[0].serverDrops();
    expect(service.connection().phase).toBe('reconnecting');
    expect(timers.map((t) => t.ms)).toEqual([375]);
    timers[0].callback();
    expect(sockets.length).toBe(2);
    sockets[1].serverDrops();
    timers[1].callback();
    sockets[2].serverDrops();
    expect(timers.map((t) => t.ms)).toEqual([375, 750, 1500]);
    expect(service.connection().attempt).toBe(3);
    timers[2].callback();
    sockets[3].serverOpens();
    sockets[3].serverSends(message(9, 'snapshot'));
    expect(service.connection()).toMatchObject({ phase: 'open', attempt: 0, connects: 2 });
    sockets[3].serverDrops();
    expect(timers[3].ms).toBe(375);
  });

  it('stops for good', () => {
    service.stop();
    expect(sockets[0].closed).toBe(true);
    sockets[0].serverDrops();
    expect(timers.length).toBe(0);
  });
});

describe('backoffDelay', () => {
  it('doubles, caps and jitters within [d/2, d]', () => {
    const policy = { baseMs: 500, maxMs: 10_000 };
    expect(backoffDelay(0, () => 0, policy)).toBe(250);
    expect(backoffDelay(0, () => 0.999999, policy)).toBeCloseTo(500, 2);
    expect(backoffDelay(3, () => 0, policy)).toBe(2000);
    expect(backoffDelay(50, () => 1, policy)).toBe(10_000);
    expect(backoffDelay(1e9, () => 0.5, policy)).toBe(7500);
  });
});

describe('parseStreamMessage', () => {
  it('accepts schema 1 and refuses the rest with a reason', () => {
    expect(parseStreamMessage(message(3)).desk.seq).toBe(3);
    expect(() => parseStreamMessage('[]')).toThrow(/schema/);
    expect(() => parseStreamMessage('null')).toThrow(/not a JSON object/);
    expect(() => parseStreamMessage(JSON.stringify({ schema: 1, kind: 'diff', desk: {} }))).toThrow(/unknown kind/);
    expect(() => parseStreamMessage(JSON.stringify({ schema: 1, kind: 'update', desk: { seq: 1 } }))).toThrow(
      /no valid desk/,
    );
  });
});
