import type { RetryTiming } from '../providers/provider.ts';

/**
 * The wait before retry `retry` (0-based) in the sender's own milliseconds: exponential backoff
 * (`baseMs × factor^retry`, at most `maxMs`) minus a jittered part (`jitter × u` of it, `u` in
 * 0..1 drawn as data), so two clients that failed together do not retry together.
 *
 * @example
 * backoffMs({ baseMs: 100, factor: 2, jitter: 0.5 }, 2, 0.5); // 400 × (1 − 0.25) = 300
 */
export function backoffMs(timing: RetryTiming, retry: number, u: number): number {
  const full = Math.min(timing.maxMs ?? 30_000, timing.baseMs * (timing.factor ?? 2) ** Math.max(0, retry));
  const jitter = Math.min(1, Math.max(0, timing.jitter ?? 0.5));
  return Math.round(full * (1 - jitter * Math.min(1, Math.max(0, u))));
}

/**
 * A jitter draw for the redelivery sweep, a pure function of the exchange and the retry, so a
 * seed replays the same waits (the schedule's own retries carry theirs as data).
 */
export function sweepJitter(exchange: number, retry: number): number {
  let h = 2166136261 ^ exchange;
  h = Math.imul(h ^ (retry + 0x9e3779b9), 16777619);
  h ^= h >>> 15;
  h = Math.imul(h, 2246822519);
  h ^= h >>> 13;
  return (h >>> 0) / 2 ** 32;
}
