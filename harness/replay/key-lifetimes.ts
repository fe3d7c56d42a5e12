import type { DeliveryOutcome } from './outcome.ts';

/**
 * When a schedule's key-reuse-after-expiry requests were sent (ms on the replay's clock): each came
 * after a wait longer than the service keeps a key, so every key last used before it may have
 * expired by then — not only the one it reuses.
 */
export const expiryBoundaries = (deliveries: readonly Pick<DeliveryOutcome, 'variant' | 'startedAtMs'>[]): number[] =>
  deliveries.filter((d) => d.variant?.kind === 'after-key-expiry').map((d) => d.startedAtMs).sort((a, b) => a - b);

/**
 * How many times one key's requests crossed an expiry boundary: sent before it and again after it,
 * each crossing a new request to the service (IETF draft) that may be processed anew. `sends` are the
 * key's requests as [start, end] on the replay's clock.
 *
 * @example
 * keyLifetimeCrossings([[0, 40], [2000, 2040]], [1900]); // 1
 */
export function keyLifetimeCrossings(sends: readonly (readonly [number, number])[], boundaries: readonly number[]): number {
  return boundaries.filter((t) => sends.some(([, end]) => end <= t) && sends.some(([start]) => start >= t)).length;
}
