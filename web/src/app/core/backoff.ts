/**
 * Reconnect delays: exponential backoff with "equal jitter".
 *
 * Attempt `n` (0-based) waits `d/2 + random·d/2` milliseconds, where `d = min(maxMs, baseMs·2ⁿ)`.
 * Half of the delay is fixed, so a client never hammers a restarting server; the other half is
 * random, so many clients that lost the same server do not come back in lockstep. With the
 * defaults the waits are 0.25–0.5 s, 0.5–1 s, 1–2 s, … capped at 5–10 s.
 */
export interface BackoffPolicy {
  /** Delay scale of the first retry, ms. */
  baseMs: number;
  /** Largest delay before jitter, ms. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 10_000 };

/** The wait before reconnect attempt `attempt` (0 = first retry); `random` returns [0, 1). */
export function backoffDelay(
  attempt: number,
  random: () => number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  const n = Math.max(0, Math.floor(attempt));
  // 2^n overflows to Infinity for large n; min() keeps it finite.
  const ceiling = Math.min(policy.maxMs, policy.baseMs * Math.pow(2, Math.min(n, 30)));
  const r = Math.min(Math.max(random(), 0), 1);
  return ceiling / 2 + (r * ceiling) / 2;
}
