import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProviderEvent } from '../providers/provider.ts';
import { cleanSchedule, describeSchedule, type Schedule } from '../schedule/schedule.ts';
import { applyEdits } from './edits.ts';
import { keyReuseAfterExpiry, pastLifetimeMs } from './key-reuse-after-expiry.ts';

const client = (key: string, keyTtlMs?: number): ProviderEvent => ({
  provider: 'payments',
  identity: `payment:${key}`,
  client: { key, route: 'payment', mismatchFields: ['amount'], keyRequired: true, ...(keyTtlMs === undefined ? {} : { keyTtlMs }) },
});
// 0 a webhook, 1 a keyed request of an API stating its key lifetime, 2 one of an API that does not
const events: ProviderEvent[] = [{ provider: 'stripe', identity: 'evt_1' }, client('k1', 1500), client('k2')];

describe('keyReuseAfterExpiry', () => {
  it('draws only keyed requests of an API that states keyTtlMs, waiting past that lifetime', () => {
    const edits = fc.sample(keyReuseAfterExpiry()(3, events)!, { seed: 3, numRuns: 100 });
    expect(new Set(edits.map((e) => e.exchange))).toEqual(new Set([1]));
    expect(new Set(edits.map((e) => e.waitMs))).toEqual(new Set([1800]));
    expect(keyReuseAfterExpiry()(2, [events[0]!, events[2]!])).toBeUndefined();
  });

  it('waits a fifth more than the lifetime, and at least 50 ms more', () => {
    expect(pastLifetimeMs(1500)).toBe(1800);
    expect(pastLifetimeMs(100)).toBe(150);
  });

  it('sends the same request last, after its wait, marked as sent past the key\'s lifetime, whatever edits follow; nothing when the exchange is not there', () => {
    const after = applyEdits(cleanSchedule(3), [
      { kind: 'key-reuse-after-expiry', exchange: 1, waitMs: 1800 },
      { kind: 'payload-mismatch', exchange: 2, field: 'amount', after: 9 },
    ]);
    expect(after.steps.at(-1)).toEqual({ kind: 'send', delivery: { exchange: 1, waitMs: 1800, variant: { kind: 'after-key-expiry' } } });
    expect(after.steps).toHaveLength(5);
    expect(describeSchedule(after, String).at(-1)).toContain("[same key and payload, 1.8 s later, past the key's lifetime: a new request]");
    const without: Schedule = { steps: [{ kind: 'send', delivery: { exchange: 0 } }] };
    expect(applyEdits(without, [{ kind: 'key-reuse-after-expiry', exchange: 1, waitMs: 1800 }])).toEqual(without);
  });

  it('shrinks toward the first request', () => {
    const out = fc.check(fc.property(keyReuseAfterExpiry()(4, [client('a', 100), client('b', 100), client('c', 100)])!, (e) => e.exchange === 0), { seed: 1 });
    expect(out.failed).toBe(true);
    expect(out.counterexample?.[0]).toMatchObject({ exchange: 1 });
  });
});
