import { describe, expect, it } from 'vitest';
import { expiryBoundaries, keyLifetimeCrossings } from './key-lifetimes.ts';

describe('key lifetimes', () => {
  it('counts a key sent before a wait past the lifetime and again after it, whichever request the wait was for', () => {
    const boundaries = expiryBoundaries([
      { startedAtMs: 0 },
      { startedAtMs: 1900, variant: { kind: 'after-key-expiry' } },
    ]);
    expect(boundaries).toEqual([1900]);
    expect(keyLifetimeCrossings([[0, 40], [2000, 2040]], boundaries)).toBe(1); // another key's wait: this one may have expired too
    expect(keyLifetimeCrossings([[0, 40], [50, 90]], boundaries)).toBe(0);
    expect(keyLifetimeCrossings([[2000, 2040]], boundaries)).toBe(0);
  });
});
