import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaySchedule } from '../replay/replay.ts';
import { applyEdits } from './edits.ts';
import { cleanSchedule, describeSchedule, scheduleExchanges } from '../schedule/schedule.ts';
import type { Tape } from '../tape/schema.ts';
import { billplzCallback } from '../providers/billplz/billplz.ts';
import { BILLPLZ_MAX_ATTEMPTS, BILLPLZ_RETRY_DELAYS_MS, billplzRetries } from './billplz-retries.ts';

describe('billplzRetries', () => {
  it('models five attempts: 15 s + jitter, 15 min, 15 min, 24 h between them', () => {
    expect(BILLPLZ_MAX_ATTEMPTS).toBe(5);
    expect(BILLPLZ_RETRY_DELAYS_MS).toEqual([15_000, 900_000, 900_000, 86_400_000]);
  });

  it('draws each retry with its wait as data, jitter only on the first', () => {
    const edits = fc.sample(billplzRetries({ maxJitterMs: 3000 })(10), { seed: 5, numRuns: 400 });
    const waits = new Set<number>();
    for (const edit of edits) {
      if (edit.kind !== 'lost-ack') throw new Error(`wrong kind ${edit.kind}`);
      const wait = edit.redeliverDelayMs!;
      if (wait < 900_000) {
        expect(wait).toBeGreaterThanOrEqual(15_000);
        expect(wait).toBeLessThanOrEqual(18_000);
        expect(edit.redeliverAfter).toBe(0);
      } else {
        expect([900_000, 86_400_000]).toContain(wait);
        expect(edit.redeliverAfter).toBe(wait === 86_400_000 ? 8 : 2);
        waits.add(wait);
      }
      expect(edit.abortAfterMs).toBeGreaterThanOrEqual(1);
    }
    expect(waits).toEqual(new Set([900_000, 86_400_000]));
  });

  it('puts the wait on the redelivery in the schedule, and keeps it when that retry fails too', () => {
    const schedule = applyEdits(cleanSchedule(4), [
      { kind: 'lost-ack', at: 1, abortAfterMs: 5, redeliverAfter: 0, redeliverDelayMs: 15_400 },
      { kind: 'lost-ack', at: 2, abortAfterMs: 5, redeliverAfter: 2, redeliverDelayMs: 900_000 },
    ]);

    expect(scheduleExchanges(schedule)).toEqual([0, 1, 1, 2, 3, 1]);
    expect(schedule.steps.map((s) => (s.kind === 'send' ? s.delivery.delayMs : undefined))).toEqual([
      undefined,
      undefined,
      15_400,
      undefined,
      undefined,
      900_000,
    ]);
    expect(describeSchedule(schedule, (x) => `ex${x}`)[5]).toBe('  6. ex1  [after 15 min]');
  });

  it('rejects a step-gap list that is not one gap per retry', () => {
    expect(() => billplzRetries({ stepGaps: [0, 1] })).toThrow(/one gap per retry/);
  });
});

describe('replaying the retry waits with a time scale', () => {
  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume();
    req.on('end', () => res.writeHead(200).end('OK'));
  });
  let baseUrl = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const tape: Tape = {
    header: { format: 'idemgate-tape', version: 1, name: 't', createdAt: '2026-03-16T09:00:00+08:00' },
    exchanges: [
      {
        seq: 1,
        provider: 'billplz',
        method: 'POST',
        path: '/webhooks/billplz',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'id=abc&paid=true&state=paid&amount=500&paid_amount=500&x_signature=x',
        bodyEncoding: 'utf8',
        recordedAt: '2026-03-16T09:00:00+08:00',
      },
    ],
  };
  const schedule = { steps: [{ kind: 'send' as const, delivery: { exchange: 0 } }, { kind: 'send' as const, delivery: { exchange: 0, delayMs: 900_000 } }] };
  const options = { tape, providers: () => billplzCallback, baseUrl: '', secrets: { billplz: { xSignatureKey: 'k' } } };

  it('waits delayMs × timeScale before the retry (15 min at 1/10 000 = 90 ms)', async () => {
    arrivals.length = 0;
    await replaySchedule(schedule, { ...options, baseUrl, timeScale: 1e-4 });
    expect(arrivals).toHaveLength(2);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(85);
    expect(arrivals[1]! - arrivals[0]!).toBeLessThan(1000);
  });

  it('does not wait without a time scale', async () => {
    arrivals.length = 0;
    await replaySchedule(schedule, { ...options, baseUrl });
    expect(arrivals[1]! - arrivals[0]!).toBeLessThan(85);
  });
});
