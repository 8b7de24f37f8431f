import { Injectable, InjectionToken, computed, inject, signal } from '@angular/core';

import { API_LOCATION } from './api-base';
import { BackoffPolicy, DEFAULT_BACKOFF, backoffDelay } from './backoff';
import { parseStreamMessage } from './parse';
import { DeskView, ProductView } from './wire';

/** The part of `WebSocket` the service uses (a fake in unit tests). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(code?: number, reason?: string): void;
}

/** What the service needs from the outside world; replaced in unit tests. */
export interface StreamEnvironment {
  /** The stream's URL (`ws://host/ws/stream?token=…`). */
  url: string;
  /** Opens a socket. */
  connect(url: string): SocketLike;
  /** Uniform [0, 1). */
  random(): number;
  /** Wall clock, ms. */
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  backoff: BackoffPolicy;
  /** Open the connection when the service is created (false in tests that drive it by hand). */
  autoStart: boolean;
}

export const STREAM_ENVIRONMENT = new InjectionToken<StreamEnvironment>('stream environment', {
  providedIn: 'root',
  factory: () => {
    const location = inject(API_LOCATION);
    const token = location.token ? `?token=${encodeURIComponent(location.token)}` : '';
    return {
      url: `${location.wsBase}/ws/stream${token}`,
      connect: (url: string) => new WebSocket(url) as unknown as SocketLike,
      random: Math.random,
      now: () => Date.now(),
      setTimer: (callback: () => void, ms: number) => setTimeout(callback, ms),
      clearTimer: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      backoff: DEFAULT_BACKOFF,
      autoStart: true,
    };
  },
});

/** `connecting` (first attempt), `open`, or `reconnecting` (waiting for or making a retry). */
export type ConnectionPhase = 'connecting' | 'open' | 'reconnecting';

export interface ConnectionState {
  phase: ConnectionPhase;
  /** Failed attempts since the last message (0 while healthy). */
  attempt: number;
  /** When the next attempt starts (wall ms), while `reconnecting` and waiting. */
  retryAt: number | null;
  /** Connections opened in this page's life (1 after the first; >1 means it reconnected). */
  connects: number;
  /** Messages refused by the parser. */
  badMessages: number;
  /** The last parse or socket problem, in words. */
  lastProblem: string | null;
}

/**
 * The desk's live state: one WebSocket to `/ws/stream` for the whole page.
 *
 * Every message carries the whole desk state (the server's wire schema 1), so the service just
 * keeps the latest one in [`flowData`]; components read it (and [`product`]) in templates and
 * `computed()`s. When the socket closes or fails, it reconnects after [`backoffDelay`]
 * (exponential with jitter); the attempt counter resets once a message arrives. A message that
 * does not parse is counted and dropped; the connection stays up.
 */
@Injectable({ providedIn: 'root' })
export class DataStreamService {
  private readonly env = inject(STREAM_ENVIRONMENT);
  private socket: SocketLike | null = null;
  private timer: unknown = null;
  private stopped = false;

  /** The latest desk state, `null` before the first message. */
  readonly flowData = signal<DeskView | null>(null);
  /** Wall-clock ms of the last message, `null` before the first. */
  readonly lastMessageAt = signal<number | null>(null);
  /** The connection's state. */
  readonly connection = signal<ConnectionState>({
    phase: 'connecting',
    attempt: 0,
    retryAt: null,
    connects: 0,
    badMessages: 0,
    lastProblem: null,
  });
  /** Messages received (parsed or not). */
  readonly messages = signal(0);
  /** Products by key (`spxw`, `spy`, `es`, `spxw+1`). */
  readonly products = computed(() => {
    const map = new Map<string, ProductView>();
    for (const p of this.flowData()?.products ?? []) {
      map.set(p.product, p);
    }
    return map;
  });

  constructor() {
    if (this.env.autoStart) {
      this.open();
    }
  }

  /** One product's view, or `undefined`. */
  product(key: string): ProductView | undefined {
    return this.products().get(key);
  }

  /** Opens the socket (also called by the retry timer). */
  open(): void {
    if (this.stopped) {
      return;
    }
    this.timer = null;
    this.connection.update((c) => ({ ...c, retryAt: null }));
    let socket: SocketLike;
    try {
      socket = this.env.connect(this.env.url);
    } catch (e) {
      this.scheduleRetry(`cannot open ${this.env.url}: ${(e as Error).message}`);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.connection.update((c) => ({ ...c, phase: 'open', connects: c.connects + 1 }));
    };
    socket.onmessage = (ev) => this.onMessage(ev.data);
    socket.onerror = () => {
      // A close event always follows; the retry is scheduled there.
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) {
        return;
      }
      this.socket = null;
      this.scheduleRetry(`connection closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ''})`);
    };
  }

  /** Closes the socket for good (page teardown, tests). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) {
      this.env.clearTimer(this.timer);
      this.timer = null;
    }
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'page closed');
  }

  private onMessage(data: unknown): void {
    this.messages.update((n) => n + 1);
    if (typeof data !== 'string') {
      this.refuse('stream message is not text');
      return;
    }
    try {
      const message = parseStreamMessage(data);
      this.flowData.set(message.desk);
      this.lastMessageAt.set(this.env.now());
      this.connection.update((c) => (c.attempt === 0 ? c : { ...c, attempt: 0 }));
    } catch (e) {
      this.refuse((e as Error).message);
    }
  }

  private refuse(problem: string): void {
    this.connection.update((c) => ({ ...c, badMessages: c.badMessages + 1, lastProblem: problem }));
  }

  private scheduleRetry(problem: string): void {
    if (this.stopped) {
      return;
    }
    const attempt = this.connection().attempt;
    const delay = backoffDelay(attempt, () => this.env.random(), this.env.backoff);
    this.connection.update((c) => ({
      ...c,
      phase: 'reconnecting',
      attempt: c.attempt + 1,
      retryAt: this.env.now() + delay,
      lastProblem: problem,
    }));
    this.timer = this.env.setTimer(() => this.open(), delay);
  }
}
