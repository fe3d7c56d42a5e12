import { exchangeBody } from '../../tape/read.ts';
import type { Exchange, Tape } from '../../tape/schema.ts';
import { defineProvider, type ProviderEvent } from '../provider.ts';
import { badExchange, is2xx, isRecord, jsonObjectBody, replayHeaders, requireSecret } from '../_internals/exchange.ts';
import { signatureHeader } from './signature.ts';

const NAME = 'stripe';

/**
 * Lifecycle rank of a payment intent's status as the webhook events deliver it: processing 1,
 * requires_payment_method 2 (a failed attempt), succeeded 3.
 */
export const STRIPE_PAYMENT_INTENT_RANK: Readonly<Record<string, number>> = Object.freeze({
  processing: 1,
  requires_payment_method: 2,
  succeeded: 3,
});

/** Refund statuses that mean no money moved and none will for this refund. */
const REFUND_NOT_MOVED = new Set(['failed', 'canceled']);

function describeEvent(exchange: Exchange, tape: Tape): ProviderEvent {
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
  const amount = (key: string): number => {
    const value = object[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw bad(`${type} event ${id}: data.object.${key} is not an amount in minor units`);
    }
    return value;
  };

  if (type.startsWith('payment_intent.')) {
    const pi = str('id');
    const status = str('status');
    const rank = STRIPE_PAYMENT_INTENT_RANK[status];
    if (rank === undefined) {
      throw bad(
        `payment intent ${pi} has status "${status}" (known: ${Object.keys(STRIPE_PAYMENT_INTENT_RANK).join(', ')})`,
      );
    }
    described.entity = { entity: pi, status, rank, time: created * 1000 };
    if (type === 'payment_intent.succeeded') {
      described.effect = {
        reference: pi,
        amountMinor: amount('amount_received'),
        currency: str('currency').toUpperCase(),
        direction: 'in',
      };
    } else if (type === 'payment_intent.payment_failed') {
      described.noEffectReference = pi;
    }
    return described;
  }

  if (type.startsWith('refund.') || type === 'charge.refund.updated') {
    const refund = str('id');
    // A refund has no lifecycle of its own here; it belongs with its payment when replayed.
    described.group = str('payment_intent');
    const status = str('status');
    if (status === 'succeeded') {
      described.effect = {
        reference: refund,
        amountMinor: amount('amount'),
        currency: str('currency').toUpperCase(),
        direction: 'out',
      };
    } else if (REFUND_NOT_MOVED.has(status)) {
      described.noEffectReference = refund;
    }
    return described;
  }

  // Any other event type is delivered and must be acknowledged, but moves no money.
  return described;
}

/**
 * Stripe-style webhook deliveries (`Stripe-Signature`, payment intents and refunds).
 *
 * @example
 * stripeWebhook.interpret(exchange, tape).effect; // { reference: 'pi_…', amountMinor: 12990, currency: 'MYR', direction: 'in' }
 */
export const stripeWebhook = defineProvider({
  name: NAME,
  interpret: describeEvent,
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
});
