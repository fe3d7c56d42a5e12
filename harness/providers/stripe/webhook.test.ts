import { describe, expect, it } from 'vitest';
import { buildExpectations } from '../../invariants/expectations.ts';
import { caught, tapeOf } from '../_internals/test-tape.ts';
import { verifySignatureHeader } from './signature.ts';
import type { Provider } from '../provider.ts';
import { createStripeWebhook, stripeWebhook } from './webhook.ts';

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

  it('ranks processing and a failed attempt alike (the later wins) below success, with no effect before success', () => {
    const processing = describeOne(event('evt_2', 'payment_intent.processing', pi('processing', 0)));
    const failed = describeOne(event('evt_3', 'payment_intent.payment_failed', pi('requires_payment_method', 0)));
    expect(processing).toEqual({
      provider: 'stripe',
      identity: 'evt_2',
      entity: { entity: 'pi_3PqA1b2C3d4E5f6G', status: 'processing', rank: 1, time: 1773050000_000 },
    });
    expect(failed).toMatchObject({
      entity: { status: 'requires_payment_method', rank: 1 },
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

  it.each([
    ['not JSON', 'id=evt_1', /not valid JSON/],
    ['without id', '{"type":"payment_intent.succeeded"}', /no "id"/],
    ['without data.object', '{"id":"evt_1","type":"x","created":1}', /no "data\.object"/],
    ['without created', '{"id":"evt_1","type":"x","data":{"object":{}}}', /integer "created"/],
    ['a PI with a float amount', event('evt_1', 'payment_intent.succeeded', pi('succeeded', 129.9)), /amount_received/],
    [
      'a refund without status',
      event('evt_1', 'refund.created', { id: 're_1', amount: 1, currency: 'myr', payment_intent: null }),
      /status is missing/,
    ],
  ])('rejects an event %s with PROVIDER_BAD_EXCHANGE', (_label, body, message) => {
    const error = caught(() => describeOne(body));
    expect(error.code).toBe('PROVIDER_BAD_EXCHANGE');
    expect(error.message).toMatch(/^test\.jsonl seq 1: stripe: /);
    expect(error.message).toMatch(message);
  });
});

describe('stripeWebhook payment intent lifecycle', () => {
  const piAt = (id: string, type: string, status: string, created: number) =>
    event(id, type, pi(status, status === 'succeeded' ? 12990 : 0), created);
  const finalOf = (...bodies: string[]) => {
    const tape = tapeOf('stripe', '/webhooks/stripe', bodies);
    const expected = buildExpectations(tape.exchanges.map((x) => stripeWebhook.interpret(x, tape)));
    return expected.finalStatus.get('stripe:pi_3PqA1b2C3d4E5f6G')?.status;
  };

  it('expects a failed payment retried into processing to end processing, whatever order the events arrive in', () => {
    const failed = piAt('evt_1', 'payment_intent.payment_failed', 'requires_payment_method', 1773050000);
    const retried = piAt('evt_2', 'payment_intent.processing', 'processing', 1773050060);
    expect(finalOf(failed, retried)).toBe('processing');
    expect(finalOf(retried, failed)).toBe('processing');
  });

  it('expects a retried payment that succeeded to end succeeded', () => {
    const processing = piAt('evt_1', 'payment_intent.processing', 'processing', 1773050000);
    const failed = piAt('evt_2', 'payment_intent.payment_failed', 'requires_payment_method', 1773050030);
    const retried = piAt('evt_3', 'payment_intent.processing', 'processing', 1773050060);
    const succeeded = piAt('evt_4', 'payment_intent.succeeded', 'succeeded', 1773050090);
    expect(finalOf(succeeded, retried, failed, processing)).toBe('succeeded');
    expect(finalOf(processing, failed)).toBe('requires_payment_method');
  });

  it('expects an authorised payment to end captured or canceled, never back in an attempt', () => {
    const action = piAt('evt_1', 'payment_intent.requires_action', 'requires_action', 1773050000);
    const capturable = piAt('evt_2', 'payment_intent.amount_capturable_updated', 'requires_capture', 1773050030);
    const canceled = piAt('evt_3', 'payment_intent.canceled', 'canceled', 1773050060);
    expect(finalOf(capturable, action)).toBe('requires_capture');
    expect(finalOf(canceled, capturable, action)).toBe('canceled');
  });

  it.each([
    ['payment_intent.created', 'requires_payment_method'],
    ['payment_intent.created', 'requires_confirmation'],
    ['payment_intent.requires_action', 'requires_action'],
    ['payment_intent.processing', 'processing'],
    ['payment_intent.amount_capturable_updated', 'requires_capture'],
    ['payment_intent.partially_funded', 'requires_payment_method'],
    ['payment_intent.canceled', 'canceled'],
  ])('models %s with status %s: a status, no money', (type, status) => {
    const described = describeOne(event('evt_1', type, pi(status, 0)));
    expect(described.entity).toMatchObject({ entity: 'pi_3PqA1b2C3d4E5f6G', status });
    expect(described.effect).toBeUndefined();
    expect(described.unmodelled).toBeUndefined();
  });

  it('expects no money from a canceled payment intent', () => {
    expect(describeOne(event('evt_1', 'payment_intent.canceled', pi('canceled', 0))).noEffectReference).toBe('pi_3PqA1b2C3d4E5f6G');
  });
});

describe('stripeWebhook unmodelled input', () => {
  it('replays an event type it does not model with no expectation, and names it', () => {
    expect(describeOne(event('evt_8', 'customer.created', { id: 'cus_1', object: 'customer' }))).toEqual({
      provider: 'stripe',
      identity: 'evt_8',
      unmodelled: 'stripe event type customer.created',
    });
  });

  it('replays a payment intent with a status it does not know with no status or effect, and names it', () => {
    expect(describeOne(event('evt_1', 'payment_intent.succeeded', pi('levitating', 1)))).toEqual({
      provider: 'stripe',
      identity: 'evt_1',
      group: 'pi_3PqA1b2C3d4E5f6G',
      unmodelled: 'stripe payment_intent status levitating',
    });
  });

  it("reads Stripe's own example refund, whose payment_intent and charge are null", () => {
    const example = {
      id: 're_1Nispe2eZvKYlo2Cd31jOCgZ',
      object: 'refund',
      amount: 1000,
      balance_transaction: 'txn_1Nispe2eZvKYlo2CYezqFhEx',
      charge: null,
      created: 1692942318,
      currency: 'usd',
      destination_details: null,
      metadata: {},
      payment_intent: null,
      reason: null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    };
    expect(describeOne(event('evt_1', 'refund.created', example))).toEqual({
      provider: 'stripe',
      identity: 'evt_1',
      group: 're_1Nispe2eZvKYlo2Cd31jOCgZ',
      effect: { reference: 're_1Nispe2eZvKYlo2Cd31jOCgZ', amountMinor: 1000, currency: 'USD', direction: 'out' },
    });
  });
});

describe('stripeWebhook charge events and effect models', () => {
  const charge = (status: string, refunded = 0, captured = true) => ({
    id: 'ch_3PqA1b2C3d4E5f6G',
    object: 'charge',
    amount: 12990,
    amount_captured: captured ? 12990 : 0,
    amount_refunded: refunded,
    captured,
    currency: 'myr',
    payment_intent: 'pi_3PqA1b2C3d4E5f6G',
    refunded: refunded === 12990,
    status,
  });
  const dispute = { id: 'dp_1', object: 'dispute', amount: 12990, charge: 'ch_3PqA1b2C3d4E5f6G', currency: 'myr', payment_intent: 'pi_3PqA1b2C3d4E5f6G', status: 'needs_response' };
  const withEffects = (effects: Record<string, string>) => createStripeWebhook().configure!({ effects });
  const interpret = (provider: Provider, body: string) => {
    const tape = tapeOf('stripe', '/webhooks/stripe', [body]);
    return provider.interpret(tape.exchanges[0]!, tape);
  };
  const byCharge = withEffects({ payments: 'charge' });
  const byDelta = withEffects({ refunds: 'charge.refunded-delta' });

  it.each([
    ['charge.succeeded', charge('succeeded')],
    ['charge.captured', charge('succeeded')],
    ['charge.failed', charge('failed', 0, false)],
    ['charge.refunded', charge('succeeded', 5000)],
    ['charge.dispute.created', dispute],
    ['charge.dispute.closed', { ...dispute, status: 'lost' }],
  ])('models %s with the payment it belongs to, and no money under the default model', (type, object) => {
    expect(describeOne(event('evt_1', type, object))).toEqual({ provider: 'stripe', identity: 'evt_1', group: 'pi_3PqA1b2C3d4E5f6G' });
  });

  it("credits a captured charge under ch_… with payments: 'charge', and expects nothing from a failed or uncaptured one", () => {
    const credit = { reference: 'ch_3PqA1b2C3d4E5f6G', amountMinor: 12990, currency: 'MYR', direction: 'in' };
    expect(interpret(byCharge, event('evt_1', 'charge.succeeded', charge('succeeded'))).effect).toEqual(credit);
    expect(interpret(byCharge, event('evt_2', 'charge.captured', charge('succeeded'))).effect).toEqual(credit);
    expect(interpret(byCharge, event('evt_3', 'charge.succeeded', charge('succeeded', 0, false))).effect).toBeUndefined();
    expect(interpret(byCharge, event('evt_4', 'charge.failed', charge('failed', 0, false)))).toMatchObject({ noEffectReference: 'ch_3PqA1b2C3d4E5f6G' });
    const succeeded = interpret(byCharge, event('evt_5', 'payment_intent.succeeded', pi('succeeded', 12990)));
    expect(succeeded.effect).toBeUndefined();
    expect(succeeded.entity?.status).toBe('succeeded');
  });

  it("debits charge.refunded's cumulative amount_refunded under ch_… with refunds: 'charge.refunded-delta', and nothing per Refund", () => {
    expect(interpret(byDelta, event('evt_1', 'charge.refunded', charge('succeeded', 5000))).effect).toEqual({
      reference: 'ch_3PqA1b2C3d4E5f6G',
      amountMinor: 5000,
      currency: 'MYR',
      direction: 'out',
      cumulative: true,
    });
    expect(interpret(byDelta, event('evt_2', 'refund.updated', refund('succeeded')))).toEqual({ provider: 'stripe', identity: 'evt_2', group: 'pi_3PqA1b2C3d4E5f6G' });
    expect(interpret(byDelta, event('evt_3', 'payment_intent.succeeded', pi('succeeded', 12990))).effect).toMatchObject({ reference: 'pi_3PqA1b2C3d4E5f6G' });
  });

  it('names an unknown charge event as unmodelled, with its payment', () => {
    expect(describeOne(event('evt_1', 'charge.pending', charge('pending')))).toEqual({
      provider: 'stripe',
      identity: 'evt_1',
      group: 'pi_3PqA1b2C3d4E5f6G',
      unmodelled: 'stripe event type charge.pending',
    });
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
