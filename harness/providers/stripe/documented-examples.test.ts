import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config from '../../../idemgate.config.ts';
import { deliveryFaults } from '../../faults/index.ts';
import { formatResult } from '../../report/console.ts';
import { runScenario } from '../../runner/run-scenario.ts';
import { defineScenario, type Scenario } from '../../runner/scenario.ts';
import { openSession, type Session } from '../../runner/session.ts';
import { writeTape } from '../../tape/write.ts';
import { tapeOf } from '../_internals/test-tape.ts';
import { eventStream } from './_testing/webhook-service.ts';
import { stripeWebhook } from './webhook.ts';

const rootDir = resolve(import.meta.dirname, '../../..');

/**
 * Stripe's own example objects (testdata/documented-examples.json: the payment intent, charge,
 * refund and subscription of the API reference, as stripe/openapi publishes them), each delivered
 * unchanged in the event a real account sends for it. Our generator never made these bytes, so
 * they test the adapter on what Stripe documents rather than on what we write: a charge with no
 * payment intent, a refund whose `payment_intent` is null, a payment intent that is only created.
 */
const examples = JSON.parse(
  await readFile(resolve(import.meta.dirname, 'testdata/documented-examples.json'), 'utf8'),
) as Record<'payment_intent' | 'charge' | 'refund' | 'subscription', Record<string, unknown>>;

const event = eventStream();
const bodies = [
  event('evt_1MoqxHLgUG5tbmjcDoc00001', 'payment_intent.created', examples.payment_intent),
  event('evt_1MoqxHLgUG5tbmjcDoc00002', 'charge.succeeded', examples.charge),
  event('evt_1MoqxHLgUG5tbmjcDoc00003', 'refund.created', examples.refund),
  event('evt_1MoqxHLgUG5tbmjcDoc00004', 'charge.refunded', { ...examples.charge, amount_refunded: 100, refunded: true }),
  event('evt_1MoqxHLgUG5tbmjcDoc00005', 'customer.subscription.created', examples.subscription),
];
const tape = tapeOf('stripe', '/webhooks/stripe', bodies, { headers: { 'content-type': 'application/json' } });

describe("Stripe's documented example objects", () => {
  it('are read by the adapter under every effect model, with no error', () => {
    const models: Record<string, string>[] = [
      {},
      { payments: 'charge', refunds: 'refund' },
      { payments: 'payment_intent', refunds: 'charge.refunded-delta' },
      { payments: 'payment_intent', refunds: 'refund' },
    ];
    for (const effects of models) {
      const adapter = stripeWebhook.configure!({ effects });
      const events = tape.exchanges.map((exchange) => adapter.interpret(exchange, tape));
      expect(events.map((e) => e.identity)).toEqual(bodies.map((b) => (JSON.parse(b) as { id: string }).id));
      // Nothing here is exotic: each type is modelled, none is listed as unmodelled.
      expect(events.filter((e) => e.unmodelled !== undefined).map((e) => e.unmodelled)).toEqual([]);
    }
  });

  describe('replayed against the reference service', () => {
    let dir: string;
    let session: Session;
    let scenario: Scenario;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'idemgate-stripe-docs-'));
      const file = join(dir, 'stripe-documented.jsonl');
      await writeTape(file, tape);
      scenario = defineScenario({ name: 'stripe-documented-examples', tapes: [file], faults: deliveryFaults(), runs: 5 });
      session = await openSession({ config, rootDir, tapes: [{ ...tape, file }] });
    });
    afterAll(async () => {
      await session?.close();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    it('replay with no error and hold every invariant under duplicates and reordering', async () => {
      const result = await runScenario(session, scenario, { runs: 5, seed: 20261203 });
      expect(result.status, formatResult(result).join('\n')).toBe('passed');
      expect(result.schedules).toBeGreaterThanOrEqual(5);
    });
  });
});
