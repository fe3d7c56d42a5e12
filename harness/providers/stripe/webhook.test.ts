import { describe, expect, it } from 'vitest';
import { caught, tapeOf } from '../_internals/test-tape.ts';
import { verifySignatureHeader } from './signature.ts';
import { stripeWebhook } from './webhook.ts';

const event = (id: string, type: string, object: Record<string, unknown>, created = 1773050000) =>
  JSON.stringify(
    {
      id,
      object: 'event',
      api_version: '2024-06-20',
      type,
      created,
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    },
    null,
    2,
  );

const pi = (status: string, amountReceived: number) => ({
  id: 'pi_3PqA1b2C3d4E5f6G',
  object: 'payment_intent',
  amount: 12990,
  amount_received: amountReceived,
  currency: 'myr',
  status,
});
const refund = (status: string, amount = 5000) => ({
  id: 're_3PqA1b2C3d4E5f6G0',
  object: 'refund',
  amount,
  currency: 'myr',
  payment_intent: 'pi_3PqA1b2C3d4E5f6G',
  status,
});

const describeOne = (body: string) => {
  const tape = tapeOf('stripe', '/webhooks/stripe', [body]);
  return stripeWebhook.interpret(tape.exchanges[0]!, tape);
};

describe('stripeWebhook.describe', () => {
  it('credits payment_intent.succeeded with amount_received, identified by the event id', () => {
    expect(describeOne(event('evt_1', 'payment_intent.succeeded', pi('succeeded', 12990)))).toEqual({
      provider: 'stripe',
      identity: 'evt_1',
      entity: { entity: 'pi_3PqA1b2C3d4E5f6G', status: 'succeeded', rank: 3, time: 1773050000_000 },
      effect: { reference: 'pi_3PqA1b2C3d4E5f6G', amountMinor: 12990, currency: 'MYR', direction: 'in' },
    });
  });

  it('ranks processing below a failure below success, with no effect before success', () => {
    const processing = describeOne(event('evt_2', 'payment_intent.processing', pi('processing', 0)));
    const failed = describeOne(event('evt_3', 'payment_intent.payment_failed', pi('requires_payment_method', 0)));
    expect(processing).toEqual({
      provider: 'stripe',
      identity: 'evt_2',
      entity: { entity: 'pi_3PqA1b2C3d4E5f6G', status: 'processing', rank: 1, time: 1773050000_000 },
    });
    expect(failed).toMatchObject({
      entity: { status: 'requires_payment_method', rank: 2 },
      noEffectReference: 'pi_3PqA1b2C3d4E5f6G',
    });
    expect(failed.effect).toBeUndefined();
  });

  it('debits a refund only once it has succeeded, whichever event says so', () => {
    const pending = describeOne(event('evt_4', 'refund.created', refund('pending')));
    const updated = describeOne(event('evt_5', 'refund.updated', refund('succeeded')));
    const direct = describeOne(event('evt_6', 'refund.created', refund('succeeded', 12990)));
    expect(pending).toEqual({ provider: 'stripe', identity: 'evt_4', group: 'pi_3PqA1b2C3d4E5f6G' });
    expect(updated.effect).toEqual({
      reference: 're_3PqA1b2C3d4E5f6G0',
      amountMinor: 5000,
      currency: 'MYR',
      direction: 'out',
    });
    expect(direct.effect).toMatchObject({ amountMinor: 12990, direction: 'out' });
    expect(updated.entity).toBeUndefined();
  });

  it('marks a failed refund as one that must move no money', () => {
    expect(describeOne(event('evt_7', 'refund.updated', refund('failed')))).toEqual({
      provider: 'stripe',
      identity: 'evt_7',
      group: 'pi_3PqA1b2C3d4E5f6G',
      noEffectReference: 're_3PqA1b2C3d4E5f6G0',
    });
  });

  it('identifies other event types without status or effect', () => {
    expect(describeOne(event('evt_8', 'customer.created', { id: 'cus_1', object: 'customer' }))).toEqual({
      provider: 'stripe',
      identity: 'evt_8',
    });
  });

  it.each([
    ['not JSON', 'id=evt_1', /not valid JSON/],
    ['without id', '{"type":"payment_intent.succeeded"}', /no "id"/],
    ['without data.object', '{"id":"evt_1","type":"x","created":1}', /no "data\.object"/],
    ['without created', '{"id":"evt_1","type":"x","data":{"object":{}}}', /integer "created"/],
    ['a PI with an unknown status', event('evt_1', 'payment_intent.succeeded', pi('levitating', 1)), /"levitating"/],
    ['a PI with a float amount', event('evt_1', 'payment_intent.succeeded', pi('succeeded', 129.9)), /amount_received/],
    [
      'a refund without payment_intent',
      event('evt_1', 'refund.created', { id: 're_1', amount: 1, currency: 'myr', status: 'succeeded' }),
      /payment_intent is missing/,
    ],
  ])('rejects an event %s with PROVIDER_BAD_EXCHANGE', (_label, body, message) => {
    const error = caught(() => describeOne(body));
    expect(error.code).toBe('PROVIDER_BAD_EXCHANGE');
    expect(error.message).toMatch(/^test\.jsonl seq 1: stripe: /);
    expect(error.message).toMatch(message);
  });
});

describe('stripeWebhook.sign', () => {
  it('sends the recorded bytes with a fresh t from the replay clock', () => {
    const body = event('evt_1', 'payment_intent.succeeded', pi('succeeded', 12990));
    const tape = tapeOf('stripe', '/webhooks/stripe', [body], {
      headers: {
        'Stripe-Signature': 't=1,v1=recorded',
        'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      },
    });
    const now = new Date('2026-11-25T08:00:00.900Z');
    const signed = stripeWebhook.sign(tape.exchanges[0]!, {
      secrets: { endpointSecret: 'whsec_test_idemgate' },
      now,
      url: 'http://127.0.0.1:1/webhooks/stripe',
      attempt: 1,
    });
    const nowUnix = Math.floor(now.getTime() / 1000);
    expect(signed.body.toString('utf8')).toBe(body);
    expect(signed.headers['stripe-signature']).toMatch(new RegExp(`^t=${nowUnix},v1=[0-9a-f]{64}$`));
    expect(
      verifySignatureHeader(signed.headers['stripe-signature']!, signed.body, 'whsec_test_idemgate', nowUnix),
    ).toBe(true);
    expect(signed.headers['user-agent']).toBe('Stripe/1.0 (+https://stripe.com/docs/webhooks)');
    expect(signed.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(signed.headers)).not.toContain('Stripe-Signature');
  });

  it('fails with SIGNING_FAILED when no endpoint secret is configured', () => {
    const tape = tapeOf('stripe', '/webhooks/stripe', ['{}']);
    const error = caught(() =>
      stripeWebhook.sign(tape.exchanges[0]!, { secrets: {}, now: new Date(), url: 'http://127.0.0.1:1/', attempt: 1 }),
    );
    expect(error.code).toBe('SIGNING_FAILED');
    expect(error.message).toContain('endpointSecret');
  });
});

describe('stripeWebhook.acknowledged', () => {
  it('takes any 2xx as an acknowledgement', () => {
    expect(stripeWebhook.acknowledged({ status: 200, body: '{"received":true}' })).toBe(true);
    expect(stripeWebhook.acknowledged({ status: 299, body: '' })).toBe(true);
    expect(stripeWebhook.acknowledged({ status: 400, body: '' })).toBe(false);
    expect(stripeWebhook.acknowledged({ status: 409, body: '' })).toBe(false);
  });
});
