import { resolve } from 'node:path';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { readTape } from '../../tape/read.ts';
import { stripeWebhook } from './webhook.ts';

const TAPE = resolve(import.meta.dirname, '../../../fixtures/tapes/stripe.jsonl');
const SECRET = 'whsec_official_sdk';

describe("re-signed Stripe deliveries and the official SDK's webhooks.constructEvent", () => {
  it('verifies every delivery of the bundled tape, first and later attempts, and rejects a tampered one', async () => {
    const tape = await readTape(TAPE);
    const stripe = new Stripe('sk_test_unused');
    const now = new Date();
    expect(tape.exchanges.length).toBeGreaterThan(0);
    for (const exchange of tape.exchanges) {
      for (const attempt of [1, 2]) {
        const signed = stripeWebhook.sign(exchange, { secrets: { endpointSecret: SECRET }, now, url: 'http://127.0.0.1:1/webhooks/stripe', attempt });
        const event = stripe.webhooks.constructEvent(signed.body, signed.headers['stripe-signature']!, SECRET);
        expect(event.id).toBe((JSON.parse(signed.body.toString('utf8')) as { id: string }).id);
      }
    }
    const first = stripeWebhook.sign(tape.exchanges[0]!, { secrets: { endpointSecret: SECRET }, now, url: 'http://127.0.0.1:1/', attempt: 1 });
    const tampered = Buffer.from(first.body.toString('utf8').replace('"livemode": false', '"livemode": true'));
    expect(tampered.equals(first.body)).toBe(false);
    expect(() => stripe.webhooks.constructEvent(tampered, first.headers['stripe-signature']!, SECRET)).toThrow(/signature/i);
  });
});
