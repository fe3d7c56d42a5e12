import { describe, expect, it } from 'vitest';
import { createIdempotencyStore, IDEMPOTENCY_KEY_TTL_MS, requestFingerprint } from './idempotency-store.ts';

const print = requestFingerprint('/v1/refunds', new URLSearchParams('amount=1&payment_intent=pi_1'));
const answer = (createdAtMs: number) => ({ fingerprint: print, status: 200, body: { id: 're_1' }, createdAtMs });

describe('createIdempotencyStore', () => {
  it('claims a new key, refuses it while in flight, then replays the stored answer for the same parameters only', () => {
    const keys = createIdempotencyStore();

    const first = keys.claim('sk\nk1', print, 0);
    const meanwhile = keys.claim('sk\nk1', print, 1);
    keys.store('sk\nk1', answer(2));
    const same = keys.claim('sk\nk1', print, 3);
    const other = keys.claim('sk\nk1', requestFingerprint('/v1/refunds', new URLSearchParams('amount=2')), 4);

    expect([first.kind, meanwhile.kind, same.kind, other.kind]).toEqual(['claimed', 'in-flight', 'replay', 'other-parameters']);
    expect(same).toMatchObject({ answer: { status: 200, body: { id: 're_1' } } });
  });

  it('frees a released key without storing anything, and forgets stored answers after the TTL or a reset', () => {
    const keys = createIdempotencyStore();
    keys.claim('a', print, 0);
    keys.release('a');
    keys.claim('b', print, 0);
    keys.store('b', answer(0));

    expect(keys.claim('a', print, 1).kind).toBe('claimed');
    expect(keys.claim('b', print, IDEMPOTENCY_KEY_TTL_MS - 1).kind).toBe('replay');
    expect(keys.claim('b', print, IDEMPOTENCY_KEY_TTL_MS).kind).toBe('claimed');
    keys.reset();
    expect(keys.claim('a', print, 2).kind).toBe('claimed');
  });

  it('fingerprints parameters regardless of their order, per path', () => {
    const a = requestFingerprint('/v1/refunds', new URLSearchParams('b=2&a=1'));
    expect(a).toBe(requestFingerprint('/v1/refunds', new URLSearchParams('a=1&b=2')));
    expect(a).not.toBe(requestFingerprint('/v1/payment_intents', new URLSearchParams('a=1&b=2')));
  });
});
