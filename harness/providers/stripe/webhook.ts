import { z } from 'zod';
import { IdemgateError } from '../../errors.ts';
import { exchangeBody } from '../../tape/read.ts';
import type { Exchange, Tape } from '../../tape/schema.ts';
import { defineProvider, type Provider, type ProviderEvent, type ProviderSettings } from '../provider.ts';
import { badExchange, is2xx, isRecord, jsonObjectBody, replayHeaders, requireSecret } from '../_internals/exchange.ts';
import { signatureHeader } from './signature.ts';
import { shellQuote } from '../../_internals/shell.ts';

const NAME = 'stripe';

/**
 * Lifecycle rank of a payment intent's status. Stripe's lifecycle is requires_payment_method →
 * requires_confirmation → requires_action → processing → requires_capture → succeeded | canceled,
 * but a failed attempt goes back to requires_payment_method and may be retried into processing
 * again: the statuses of an attempt share rank 1, so the later event (its `created` time) wins
 * among them. An authorised payment (requires_capture, 2) no longer goes back to an attempt, and
 * succeeded and canceled (3) are final.
 */
export const STRIPE_PAYMENT_INTENT_RANK: Readonly<Record<string, number>> = Object.freeze({
  requires_payment_method: 1,
  requires_confirmation: 1,
  requires_action: 1,
  processing: 1,
  requires_capture: 2,
  succeeded: 3,
  canceled: 3,
});

/** The payment_intent.* event types the adapter models (each carries the intent's status). */
export const STRIPE_PAYMENT_INTENT_EVENTS: readonly string[] = Object.freeze([
  'payment_intent.created',
  'payment_intent.processing',
  'payment_intent.requires_action',
  'payment_intent.amount_capturable_updated',
  'payment_intent.partially_funded',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
]);

/** The charge.* event types the adapter models (a Charge, or a Dispute for charge.dispute.*). */
export const STRIPE_CHARGE_EVENTS: readonly string[] = Object.freeze([
  'charge.succeeded',
  'charge.captured',
  'charge.refunded',
  'charge.failed',
  'charge.dispute.created',
  'charge.dispute.closed',
]);

/** The refund event types the adapter models (a Refund). */
export const STRIPE_REFUND_EVENTS: readonly string[] = Object.freeze([
  'refund.created',
  'refund.updated',
  'refund.failed',
  'charge.refund.updated',
]);

/** The checkout.session.* event types the adapter models (a Checkout Session). */
export const STRIPE_CHECKOUT_SESSION_EVENTS: readonly string[] = Object.freeze([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
]);

/**
 * Lifecycle of a Checkout Session as the adapter names it (Stripe's `status` and `payment_status`
 * together, since async_payment_failed leaves both as complete/unpaid): a completed session still
 * waiting for an async payment is `unpaid` (1); `paid`, `no_payment_required`, `payment_failed` and
 * `expired` end it (2).
 */
export const STRIPE_CHECKOUT_SESSION_RANK: Readonly<Record<string, number>> = Object.freeze({
  unpaid: 1,
  paid: 2,
  no_payment_required: 2,
  payment_failed: 2,
  expired: 2,
});

/** The customer.subscription.* event types the adapter models (a Subscription). */
export const STRIPE_SUBSCRIPTION_EVENTS: readonly string[] = Object.freeze([
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
]);

/**
 * Subscription statuses. They go back and forth (active → past_due → active, paused → active), so
 * they share one rank and the latest event by `created` carries the expected final status;
 * canceled and incomplete_expired end the subscription (Stripe never reactivates one).
 */
export const STRIPE_SUBSCRIPTION_STATUSES: readonly string[] = Object.freeze([
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'canceled',
  'unpaid',
  'paused',
]);
const SUBSCRIPTION_TERMINAL = new Set(['canceled', 'incomplete_expired']);

/** The invoice.* event types the adapter models (an Invoice). */
export const STRIPE_INVOICE_EVENTS: readonly string[] = Object.freeze([
  'invoice.finalized',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'invoice.marked_uncollectible',
  'invoice.voided',
]);

/**
 * Lifecycle rank of an invoice's status: draft → open → paid | void, with uncollectible (2) still
 * payable or voidable later. paid and void end it.
 */
export const STRIPE_INVOICE_RANK: Readonly<Record<string, number>> = Object.freeze({
  draft: 0,
  open: 1,
  uncollectible: 2,
  paid: 3,
  void: 3,
});
const INVOICE_TERMINAL = new Set(['paid', 'void']);

const REFUND_STATUSES = new Set(['pending', 'requires_action', 'succeeded', 'failed', 'canceled']);
/** Refund statuses that mean no money moved and none will for this refund. */
const REFUND_NOT_MOVED = new Set(['failed', 'canceled']);

const effectsSchema = z.strictObject({
  payments: z
    .enum(['payment_intent', 'charge', 'invoice', 'checkout_session'])
    .default('payment_intent')
    .describe(
      'payment_intent: payment_intent.succeeded credits amount_received under pi_…; charge: charge.succeeded (captured) / charge.captured credits amount_captured under ch_…; ' +
        'invoice: invoice.paid / invoice.payment_succeeded credit amount_paid under in_… (once per invoice); checkout_session: checkout.session.completed (paid) / async_payment_succeeded credit amount_total under cs_…',
    ),
  refunds: z
    .enum(['refund', 'charge.refunded-delta'])
    .default('refund')
    .describe('refund: a succeeded Refund debits its amount under re_…; charge.refunded-delta: charge.refunded debits the growth of the cumulative amount_refunded under ch_…'),
});

/** Which Stripe events carry the money and under which reference the service books it (`providerSettings.stripe.effects`). */
export type StripeEffects = z.infer<typeof effectsSchema>;

function describeEvent(effects: StripeEffects, exchange: Exchange, tape: Tape): ProviderEvent {
  const bad = (message: string) => badExchange(NAME, exchange, tape, message);
  const event = jsonObjectBody(NAME, exchange, tape);
  const id = event['id'];
  if (typeof id !== 'string' || id === '') throw bad('event has no "id"');
  const type = event['type'];
  if (typeof type !== 'string') throw bad(`event ${id} has no "type"`);
  const created = event['created'];
  if (typeof created !== 'number' || !Number.isInteger(created)) throw bad(`event ${id} has no integer "created"`);
  const data = event['data'];
  const object = isRecord(data) ? data['object'] : undefined;
  if (!isRecord(object)) throw bad(`event ${id} has no "data.object"`);
  const described: ProviderEvent = { provider: NAME, identity: id };

  const str = (key: string): string => {
    const value = object[key];
    if (typeof value !== 'string' || value === '') throw bad(`${type} event ${id}: data.object.${key} is missing`);
    return value;
  };
  /** An id Stripe may send as null (a refund's payment_intent and charge). */
  const optionalId = (key: string): string | undefined => {
    const value = object[key];
    if (value === null || value === undefined) return undefined;
    // Expanded objects carry their id.
    const ref = isRecord(value) ? value['id'] : value;
    if (typeof ref !== 'string' || ref === '') throw bad(`${type} event ${id}: data.object.${key} is not an id or null`);
    return ref;
  };
  const amount = (key: string): number => {
    const value = object[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw bad(`${type} event ${id}: data.object.${key} is not an amount in minor units`);
    }
    return value;
  };
  const currency = () => str('currency').toUpperCase();

  if (type.startsWith('payment_intent.')) {
    const pi = str('id');
    described.group = pi;
    if (!STRIPE_PAYMENT_INTENT_EVENTS.includes(type)) return { ...described, unmodelled: `stripe event type ${type}` };
    const status = str('status');
    const rank = STRIPE_PAYMENT_INTENT_RANK[status];
    if (rank === undefined) return { ...described, unmodelled: `stripe payment_intent status ${status}` };
    delete described.group;
    described.entity = { entity: pi, status, rank, time: created * 1000 };
    if (effects.payments !== 'payment_intent') return described;
    if (type === 'payment_intent.succeeded') {
      described.effect = { reference: pi, amountMinor: amount('amount_received'), currency: currency(), direction: 'in' };
    } else if (type === 'payment_intent.payment_failed' || (type === 'payment_intent.canceled' && amount('amount_received') === 0)) {
      described.noEffectReference = pi;
    }
    return described;
  }

  if (type.startsWith('checkout.session.')) {
    const cs = str('id');
    described.group = optionalId('subscription') ?? cs;
    if (!STRIPE_CHECKOUT_SESSION_EVENTS.includes(type)) return { ...described, unmodelled: `stripe event type ${type}` };
    const paymentStatus = str('payment_status');
    const status =
      type === 'checkout.session.expired' ? 'expired' : type === 'checkout.session.async_payment_failed' ? 'payment_failed' : paymentStatus;
    const rank = STRIPE_CHECKOUT_SESSION_RANK[status];
    if (rank === undefined) return { ...described, unmodelled: `stripe checkout session payment_status ${paymentStatus}` };
    if (described.group === cs) delete described.group;
    described.entity = { entity: cs, status, rank, time: created * 1000, ...(rank === 2 ? { terminal: true as const } : {}) };
    if (effects.payments !== 'checkout_session') return described;
    if (status === 'paid') {
      described.effect = { reference: cs, amountMinor: amount('amount_total'), currency: currency(), direction: 'in' };
    } else if (status === 'payment_failed' || status === 'expired') {
      described.noEffectReference = cs;
    }
    return described;
  }

  if (type.startsWith('customer.subscription.')) {
    const sub = str('id');
    if (!STRIPE_SUBSCRIPTION_EVENTS.includes(type)) return { ...described, group: sub, unmodelled: `stripe event type ${type}` };
    const status = str('status');
    if (!STRIPE_SUBSCRIPTION_STATUSES.includes(status)) return { ...described, group: sub, unmodelled: `stripe subscription status ${status}` };
    // One rank for every status: the latest event by created carries the final status.
    described.entity = { entity: sub, status, rank: 1, time: created * 1000, ...(SUBSCRIPTION_TERMINAL.has(status) ? { terminal: true as const } : {}) };
    return described;
  }

  if (type.startsWith('invoice.')) {
    const inv = str('id');
    // Since API 2025-03-31 an invoice names its subscription under parent.subscription_details.
    const parent = object['parent'];
    const details = isRecord(parent) ? parent['subscription_details'] : undefined;
    const viaParent = isRecord(details) ? details['subscription'] : undefined;
    const sub = typeof viaParent === 'string' ? viaParent : isRecord(viaParent) && typeof viaParent['id'] === 'string' ? viaParent['id'] : optionalId('subscription');
    described.group = sub ?? inv;
    if (!STRIPE_INVOICE_EVENTS.includes(type)) return { ...described, unmodelled: `stripe event type ${type}` };
    const status = str('status');
    const rank = STRIPE_INVOICE_RANK[status];
    if (rank === undefined) return { ...described, unmodelled: `stripe invoice status ${status}` };
    if (described.group === inv) delete described.group;
    described.entity = { entity: inv, status, rank, time: created * 1000, ...(INVOICE_TERMINAL.has(status) ? { terminal: true as const } : {}) };
    if (effects.payments !== 'invoice') return described;
    if ((type === 'invoice.paid' || type === 'invoice.payment_succeeded') && status === 'paid') {
      const paid = amount('amount_paid');
      // A paid invoice of 0 (a trial, a fully credited period) moves no money and needs no booking.
      if (paid > 0) described.effect = { reference: inv, amountMinor: paid, currency: currency(), direction: 'in' };
    } else if (type === 'invoice.payment_failed' || type === 'invoice.voided') {
      described.noEffectReference = inv;
    }
    return described;
  }

  if (STRIPE_REFUND_EVENTS.includes(type)) {
    const refund = str('id');
    // A refund has no lifecycle of its own here; it belongs with its payment when replayed.
    described.group = optionalId('payment_intent') ?? optionalId('charge') ?? refund;
    const status = str('status');
    if (!REFUND_STATUSES.has(status)) return { ...described, unmodelled: `stripe refund status ${status}` };
    if (effects.refunds !== 'refund') return described;
    if (status === 'succeeded') {
      described.effect = { reference: refund, amountMinor: amount('amount'), currency: currency(), direction: 'out' };
    } else if (REFUND_NOT_MOVED.has(status)) {
      described.noEffectReference = refund;
    }
    return described;
  }

  if (type.startsWith('charge.dispute.')) {
    described.group = optionalId('payment_intent') ?? optionalId('charge') ?? str('id');
    if (!STRIPE_CHARGE_EVENTS.includes(type)) return { ...described, unmodelled: `stripe event type ${type}` };
    // Disputes are delivered and acknowledged; how a service books a dispute is its own.
    return described;
  }

  if (type.startsWith('charge.')) {
    const charge = str('id');
    described.group = optionalId('payment_intent') ?? charge;
    if (!STRIPE_CHARGE_EVENTS.includes(type)) return { ...described, unmodelled: `stripe event type ${type}` };
    if (effects.payments === 'charge') {
      const captured = object['captured'] === true && str('status') === 'succeeded';
      if ((type === 'charge.succeeded' || type === 'charge.captured') && captured) {
        described.effect = { reference: charge, amountMinor: amount('amount_captured'), currency: currency(), direction: 'in' };
      } else if (type === 'charge.failed') {
        described.noEffectReference = charge;
      }
    }
    if (effects.refunds === 'charge.refunded-delta' && type === 'charge.refunded') {
      described.effect = {
        reference: charge,
        amountMinor: amount('amount_refunded'),
        currency: currency(),
        direction: 'out',
        cumulative: true,
      };
    }
    return described;
  }

  // Delivered and acknowledged, but the adapter does not know what it means.
  return { ...described, unmodelled: `stripe event type ${type}` };
}

function configure(settings: ProviderSettings): Provider {
  const parsed = effectsSchema.safeParse(settings.effects ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['providerSettings', NAME, 'effects', ...(issue?.path.map(String) ?? [])].join('.');
    throw new IdemgateError('CONFIG_INVALID', `${path}: ${issue?.message ?? 'invalid'}`, { details: { path } });
  }
  const effects = parsed.data;
  if (effects.payments === 'charge' && effects.refunds === 'charge.refunded-delta') {
    const path = `providerSettings.${NAME}.effects`;
    throw new IdemgateError(
      'CONFIG_INVALID',
      `${path}: payments 'charge' with refunds 'charge.refunded-delta' would book both under ch_…; not modelled yet (book payments under 'payment_intent' or refunds per 'refund')`,
      { details: { path } },
    );
  }
  return createStripeWebhook(effects);
}

/**
 * Stripe webhook deliveries (`Stripe-Signature`; payment intents, charges, refunds) read with an
 * effect model (default: payments from payment_intent.succeeded, refunds per Refund).
 *
 * @example
 * createStripeWebhook({ payments: 'payment_intent', refunds: 'charge.refunded-delta' }).interpret(exchange, tape).effect;
 * // charge.refunded → { reference: 'ch_…', amountMinor: 5000, currency: 'MYR', direction: 'out', cumulative: true }
 */
export function createStripeWebhook(effects: StripeEffects = effectsSchema.parse({})): Provider {
  return defineProvider({
    name: NAME,
    interpret: (exchange, tape) => describeEvent(effects, exchange, tape),
    sign(exchange, ctx) {
      const secret = requireSecret(NAME, exchange, ctx.secrets, 'endpointSecret');
      const body = exchangeBody(exchange);
      const headers = replayHeaders(exchange, ['stripe-signature']);
      headers['content-type'] ??= 'application/json; charset=utf-8';
      // The recorded `t` is long past the 300 s tolerance: sign afresh at replay time.
      headers['stripe-signature'] = signatureHeader(body, secret, Math.floor(ctx.now.getTime() / 1000));
      return { headers, body };
    },
    acknowledged: (response) => is2xx(response.status),
    configure,
    // `t=<now>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as signatureHeader makes it, at the script's run time.
    shellSignature: {
      header: 'stripe-signature',
      command: (bodyFile, secrets) =>
        `t=$(date +%s); printf 't=%s,v1=%s' "$t" "$({ printf '%s.' "$t"; cat ${bodyFile}; } | openssl dgst -sha256 -hmac ${shellQuote(secrets['endpointSecret'] ?? '')} | sed 's/^.*= //')"`,
    },
  });
}

/**
 * Stripe webhook deliveries with the default effect model.
 *
 * @example
 * stripeWebhook.interpret(exchange, tape).effect; // { reference: 'pi_…', amountMinor: 12990, currency: 'MYR', direction: 'in' }
 */
export const stripeWebhook = createStripeWebhook();
