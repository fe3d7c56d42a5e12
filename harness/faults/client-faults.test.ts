import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProviderEvent } from '../providers/provider.ts';
import { cleanSchedule, describeSchedule, type Schedule } from '../schedule/schedule.ts';
import { clientRetries } from './client-retries.ts';
import { applyEdits } from './edits.ts';
import { missingKey } from './missing-key.ts';
import { payloadMismatch } from './payload-mismatch.ts';

const client = (key: string, mismatchFields: Array<'amount' | 'currency'>, keyRequired = true): ProviderEvent => ({
  provider: 'payments',
  identity: `payment:${key}`,
  client: { key, route: 'payment', mismatchFields, keyRequired },
});
const webhook: ProviderEvent = { provider: 'stripe', identity: 'evt_1' };
// 0 a webhook, 1 a keyed payment (amount, currency), 2 a keyed refund (amount only), 3 a keyed request of a key-optional API
const events = [webhook, client('k1', ['amount', 'currency']), client('k2', ['amount']), client('k3', [], false)];

describe('payloadMismatch', () => {
  it('draws only keyed client requests and the fields their body can change', () => {
    const edits = fc.sample(payloadMismatch({ fields: ['amount', 'currency'] })(4, events)!, { seed: 3, numRuns: 300 });
    expect(new Set(edits.map((e) => `${e.exchange}:${e.field}`))).toEqual(new Set(['1:amount', '1:currency', '2:amount']));
    const byDefault = fc.sample(payloadMismatch()(4, events)!, { seed: 3, numRuns: 100 });
    expect(new Set(byDefault.map((e) => e.field))).toEqual(new Set(['amount']));
    expect(payloadMismatch()(1, [webhook])).toBeUndefined();
  });

  it('sends the same request with its key and another payload after the original, and nothing when the exchange is not there', () => {
    const after = applyEdits(cleanSchedule(3), [{ kind: 'payload-mismatch', exchange: 1, field: 'amount', after: 0 }]);
    expect(after.steps[2]).toEqual({ kind: 'send', delivery: { exchange: 1, variant: { kind: 'payload-mismatch', field: 'amount' } } });
    expect(after.steps).toHaveLength(4);
    const without: Schedule = { steps: [{ kind: 'send', delivery: { exchange: 0 } }] };
    expect(applyEdits(without, [{ kind: 'payload-mismatch', exchange: 1, field: 'amount', after: 0 }])).toEqual(without);
    expect(describeSchedule(after, String)[2]).toContain('[same key, other amount]');
  });
});

describe('missingKey', () => {
  it('draws only requests whose profile requires a key', () => {
    const edits = fc.sample(missingKey()(4, events)!, { seed: 3, numRuns: 200 });
    expect(new Set(edits.map((e) => e.exchange))).toEqual(new Set([1, 2]));
  });

  it('sends the request again without its key, `after` steps later (clamped to the end)', () => {
    const after = applyEdits(cleanSchedule(3), [{ kind: 'missing-key', exchange: 1, after: 9 }]);
    expect(after.steps.at(-1)).toEqual({ kind: 'send', delivery: { exchange: 1, variant: { kind: 'missing-key' } } });
  });
});

describe('clientRetries', () => {
  it('draws keyed client requests with 1..maxRetries jitter draws in hundredths', () => {
    const edits = fc.sample(clientRetries({ maxRetries: 3 })(4, events)!, { seed: 5, numRuns: 200 });
    expect(new Set(edits.map((e) => e.exchange))).toEqual(new Set([1, 2, 3]));
    for (const e of edits) {
      expect(e.jitter.length).toBeGreaterThanOrEqual(1);
      expect(e.jitter.length).toBeLessThanOrEqual(3);
      expect(e.jitter.every((j) => j >= 0 && j <= 1 && Number(j.toFixed(2)) === j)).toBe(true);
    }
  });

  it('loses the first answer and follows it with the client\'s retries on its backoff', () => {
    const after = applyEdits(cleanSchedule(3), [{ kind: 'client-retries', exchange: 1, abortAfterMs: 4, jitter: [0.2, 0.7] }]);
    expect(after.steps).toEqual([
      { kind: 'send', delivery: { exchange: 0 } },
      { kind: 'send', delivery: { exchange: 1, abortAfterMs: 4 } },
      { kind: 'send', delivery: { exchange: 1, backoff: { retry: 0, jitter: 0.2 } } },
      { kind: 'send', delivery: { exchange: 1, backoff: { retry: 1, jitter: 0.7, untilAnswered: true } } },
      { kind: 'send', delivery: { exchange: 2 } },
    ]);
  });

  it('aborts the request\'s own delivery inside a concurrent group', () => {
    const base: Schedule = { steps: [{ kind: 'concurrent', deliveries: [{ exchange: 0 }, { exchange: 1 }] }] };
    const after = applyEdits(base, [{ kind: 'client-retries', exchange: 1, abortAfterMs: 2, jitter: [0] }]);
    expect(after.steps[0]).toEqual({ kind: 'concurrent', deliveries: [{ exchange: 0 }, { exchange: 1, abortAfterMs: 2 }] });
    expect(after.steps[1]).toEqual({ kind: 'send', delivery: { exchange: 1, backoff: { retry: 0, jitter: 0, untilAnswered: true } } });
  });
});
