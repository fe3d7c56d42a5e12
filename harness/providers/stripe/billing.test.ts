import { describe, expect, it } from 'vitest';
import { buildExpectations } from '../../invariants/expectations.ts';
import { tapeOf } from '../_internals/test-tape.ts';
import type { Provider } from '../provider.ts';
import { createStripeWebhook, stripeWebhook } from './webhook.ts';

const event = (id: string, type: string, object: Record<string, unknown>, created = 1773050000) =>
  JSON.stringify({ id, object: 'event', api_version: '2025-03-31', type, created, data: { object }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null } });

const session = (status: string, paymentStatus: string, subscription: string | null = 'sub_1Q') => ({
  id: 'cs_test_a1',
  object: 'checkout.session',
  amount_total: 4900,
  currency: 'myr',
  mode: subscription === null ? 'payment' : 'subscription',
  payment_status: paymentStatus,
  status,
  subscription,
});
const subscription = (status: string) => ({ id: 'sub_1Q', object: 'subscription', customer: 'cus_1', status });
const invoice = (status: string, amountPaid: number) => ({
  id: 'in_1Q',
  object: 'invoice',
  amount_due: 4900,
  amount_paid: amountPaid,
  currency: 'myr',
  status,
  parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: null, subscription: 'sub_1Q' } },
});

const interpret = (provider: Provider, body: string) => {
  const tape = tapeOf('stripe', '/webhooks/stripe', [body]);
  return provider.interpret(tape.exchanges[0]!, tape);
};
const withEffects = (effects: Record<string, string>) => createStripeWebhook().configure!({ effects });
const byInvoice = withEffects({ payments: 'invoice' });
const byCheckout = withEffects({ payments: 'checkout_session' });
const finalOf = (provider: Provider, entity: string, ...bodies: string[]) => {
  const tape = tapeOf('stripe', '/webhooks/stripe', bodies);
  return buildExpectations(tape.exchanges.map((x) => provider.interpret(x, tape)));
};

describe('stripeWebhook checkout sessions', () => {
  it.each([
    ['checkout.session.completed', 'paid', session('complete', 'paid'), true],
    ['checkout.session.completed', 'no_payment_required', session('complete', 'no_payment_required'), true],
    ['checkout.session.completed', 'unpaid', session('complete', 'unpaid'), false],
    ['checkout.session.async_payment_succeeded', 'paid', session('complete', 'paid'), true],
    ['checkout.session.async_payment_failed', 'payment_failed', session('complete', 'unpaid'), true],
    ['checkout.session.expired', 'expired', session('expired', 'unpaid', null), true],
  ])('models %s as status %s under cs_…, no money under the default model', (type, status, object, terminal) => {
    const described = interpret(stripeWebhook, event('evt_1', type, object));
    expect(described.entity).toEqual({ entity: 'cs_test_a1', status, rank: terminal ? 2 : 1, time: 1773050000_000, ...(terminal ? { terminal: true } : {}) });
    expect(described.effect).toBeUndefined();
    expect(described.noEffectReference).toBeUndefined();
    expect(described.unmodelled).toBeUndefined();
  });

  it("credits a paid session's amount_total under cs_… with payments: 'checkout_session', and expects nothing from a failed or expired one", () => {
    const credit = { reference: 'cs_test_a1', amountMinor: 4900, currency: 'MYR', direction: 'in' };
    expect(interpret(byCheckout, event('evt_1', 'checkout.session.completed', session('complete', 'paid'))).effect).toEqual(credit);
    expect(interpret(byCheckout, event('evt_2', 'checkout.session.async_payment_succeeded', session('complete', 'paid'))).effect).toEqual(credit);
    const pending = interpret(byCheckout, event('evt_3', 'checkout.session.completed', session('complete', 'unpaid')));
    expect(pending.effect).toBeUndefined();
    expect(pending.noEffectReference).toBeUndefined();
    expect(interpret(byCheckout, event('evt_4', 'checkout.session.async_payment_failed', session('complete', 'unpaid'))).noEffectReference).toBe('cs_test_a1');
    expect(interpret(byCheckout, event('evt_5', 'checkout.session.expired', session('expired', 'unpaid', null))).noEffectReference).toBe('cs_test_a1');
    expect(interpret(byCheckout, event('evt_6', 'invoice.paid', invoice('paid', 4900))).effect).toBeUndefined();
  });

  it('expects an async payment to end paid or failed, never back to unpaid, and one effect per session', () => {
    const completed = event('evt_1', 'checkout.session.completed', session('complete', 'unpaid'), 1773050000);
    const succeeded = event('evt_2', 'checkout.session.async_payment_succeeded', session('complete', 'paid'), 1773050060);
    const expected = finalOf(byCheckout, 'cs_test_a1', succeeded, completed, succeeded);
    expect(expected.finalStatus.get('stripe:cs_test_a1')?.status).toBe('paid');
    expect([...expected.effects.keys()]).toEqual(['cs_test_a1']);
  });

  it('groups a session with the subscription it started', () => {
    expect(interpret(stripeWebhook, event('evt_1', 'checkout.session.completed', session('complete', 'paid'))).group).toBe('sub_1Q');
    // No subscription: the session is its own group (the default, its entity).
    expect(interpret(stripeWebhook, event('evt_1', 'checkout.session.expired', session('expired', 'unpaid', null))).group).toBeUndefined();
  });
});

describe('stripeWebhook subscriptions', () => {
  it.each([
    ['customer.subscription.created', 'incomplete', false],
    ['customer.subscription.updated', 'incomplete_expired', true],
    ['customer.subscription.created', 'trialing', false],
    ['customer.subscription.updated', 'active', false],
    ['customer.subscription.updated', 'past_due', false],
    ['customer.subscription.updated', 'unpaid', false],
    ['customer.subscription.paused', 'paused', false],
    ['customer.subscription.resumed', 'active', false],
    ['customer.subscription.deleted', 'canceled', true],
  ])('models %s with status %s under sub_…, ordered by created, never money', (type, status, terminal) => {
    for (const provider of [stripeWebhook, byInvoice, byCheckout]) {
      const described = interpret(provider, event('evt_1', type, subscription(status)));
      expect(described).toEqual({
        provider: 'stripe',
        identity: 'evt_1',
        entity: { entity: 'sub_1Q', status, rank: 1, time: 1773050000_000, ...(terminal ? { terminal: true } : {}) },
      });
    }
  });

  it('expects the status of the latest event by created, whatever order they arrive in (past_due → active → canceled, paused → active)', () => {
    const pastDue = event('evt_1', 'customer.subscription.updated', subscription('past_due'), 1773050000);
    const active = event('evt_2', 'customer.subscription.updated', subscription('active'), 1773050060);
    const canceled = event('evt_3', 'customer.subscription.deleted', subscription('canceled'), 1773050120);
    expect(finalOf(stripeWebhook, 'sub_1Q', active, pastDue).finalStatus.get('stripe:sub_1Q')?.status).toBe('active');
    expect(finalOf(stripeWebhook, 'sub_1Q', canceled, active, pastDue).finalStatus.get('stripe:sub_1Q')?.status).toBe('canceled');
    const paused = event('evt_4', 'customer.subscription.paused', subscription('paused'), 1773050000);
    const resumed = event('evt_5', 'customer.subscription.resumed', subscription('active'), 1773050060);
    expect(finalOf(stripeWebhook, 'sub_1Q', resumed, paused).finalStatus.get('stripe:sub_1Q')?.status).toBe('active');
    expect(finalOf(stripeWebhook, 'sub_1Q', paused).finalStatus.get('stripe:sub_1Q')?.status).toBe('paused');
  });

  it('names an unknown subscription event or status as unmodelled, with its subscription', () => {
    expect(interpret(stripeWebhook, event('evt_1', 'customer.subscription.trial_will_end', subscription('trialing')))).toEqual({
      provider: 'stripe',
      identity: 'evt_1',
      group: 'sub_1Q',
      unmodelled: 'stripe event type customer.subscription.trial_will_end',
    });
    expect(interpret(stripeWebhook, event('evt_2', 'customer.subscription.updated', subscription('suspended'))).unmodelled).toBe('stripe subscription status suspended');
  });
});

describe('stripeWebhook invoices', () => {
  it.each([
    ['invoice.finalized', 'open', invoice('open', 0), 1, false],
    ['invoice.payment_failed', 'open', invoice('open', 0), 1, false],
    ['invoice.paid', 'paid', invoice('paid', 4900), 3, true],
    ['invoice.payment_succeeded', 'paid', invoice('paid', 4900), 3, true],
    ['invoice.marked_uncollectible', 'uncollectible', invoice('uncollectible', 0), 2, false],
    ['invoice.voided', 'void', invoice('void', 0), 3, true],
  ])('models %s with status %s under in_…, with its subscription, no money under the default model', (type, status, object, rank, terminal) => {
    const described = interpret(stripeWebhook, event('evt_1', type, object));
    expect(described).toEqual({
      provider: 'stripe',
      identity: 'evt_1',
      group: 'sub_1Q',
      entity: { entity: 'in_1Q', status, rank, time: 1773050000_000, ...(terminal ? { terminal: true } : {}) },
    });
  });

  it("credits amount_paid under in_… once per invoice with payments: 'invoice', from invoice.paid and invoice.payment_succeeded alike", () => {
    const credit = { reference: 'in_1Q', amountMinor: 4900, currency: 'MYR', direction: 'in' };
    const paid = event('evt_1', 'invoice.paid', invoice('paid', 4900), 1773050000);
    const succeeded = event('evt_2', 'invoice.payment_succeeded', invoice('paid', 4900), 1773050000);
    expect(interpret(byInvoice, paid).effect).toEqual(credit);
    expect(interpret(byInvoice, succeeded).effect).toEqual(credit);
    const expected = finalOf(byInvoice, 'in_1Q', event('evt_0', 'invoice.payment_failed', invoice('open', 0), 1773049000), paid, succeeded);
    expect([...expected.effects.values()]).toEqual([credit]);
    expect(expected.noEffect.size).toBe(0);
    expect(expected.finalStatus.get('stripe:in_1Q')?.status).toBe('paid');
  });

  it('expects no money from a failed or voided invoice, and none from a paid invoice of 0 (a trial)', () => {
    expect(interpret(byInvoice, event('evt_1', 'invoice.payment_failed', invoice('open', 0))).noEffectReference).toBe('in_1Q');
    expect(interpret(byInvoice, event('evt_2', 'invoice.voided', invoice('void', 0))).noEffectReference).toBe('in_1Q');
    const trial = interpret(byInvoice, event('evt_3', 'invoice.paid', { ...invoice('paid', 0), amount_due: 0 }));
    expect(trial.effect).toBeUndefined();
    expect(trial.noEffectReference).toBeUndefined();
    expect(interpret(byInvoice, event('evt_4', 'payment_intent.succeeded', { id: 'pi_1', object: 'payment_intent', amount: 4900, amount_received: 4900, currency: 'myr', status: 'succeeded' })).effect).toBeUndefined();
  });

  it('reads the subscription of an invoice from the older top-level field too, and names an unknown invoice event', () => {
    const { parent: _, ...old } = invoice('paid', 4900);
    expect(interpret(stripeWebhook, event('evt_1', 'invoice.paid', { ...old, subscription: 'sub_old' })).group).toBe('sub_old');
    expect(interpret(stripeWebhook, event('evt_2', 'invoice.created', invoice('draft', 0)))).toEqual({
      provider: 'stripe',
      identity: 'evt_2',
      group: 'sub_1Q',
      unmodelled: 'stripe event type invoice.created',
    });
  });
});

describe('stripeWebhook effect model settings', () => {
  it('takes invoice and checkout_session as payments, next to either refund model', () => {
    expect(() => withEffects({ payments: 'invoice', refunds: 'charge.refunded-delta' })).not.toThrow();
    expect(() => withEffects({ payments: 'checkout_session', refunds: 'charge.refunded-delta' })).not.toThrow();
    expect(() => withEffects({ payments: 'subscription' })).toThrow(/providerSettings\.stripe\.effects\.payments/);
  });
});
