import { badExchange, bodyText, jsonObjectBody } from '../_internals/exchange.ts';
import { defineProvider, type ProviderEvent } from '../provider.ts';

/** Paths of the merchant's own API that its clients call (see fixtures/merchant-service). */
export const CHARGES_PATH = '/charges';
export const REFUNDS_PATH = '/refunds';

const NAME = 'merchant-client';

const header = (headers: Record<string, string | string[]>, name: string): string | undefined => {
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  const value = found?.[1];
  return Array.isArray(value) ? value[0] : value;
};

const positiveAmount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

/**
 * Requests the merchant's own clients (a checkout, a back office) send to its API: `POST /charges`
 * `{order_ref, amount, currency}` and `POST /refunds` `{refund_ref, order_ref, amount, currency}`,
 * each with an `Idempotency-Key` header the client keeps across its retries. A client retries
 * until it gets a 2xx, like a provider redelivering a webhook.
 *
 * Identity = path + Idempotency-Key (a retry is the same request). Effect: a charge is money in
 * under `order_ref`, a refund money out under `refund_ref`; a refund is grouped with its charge.
 *
 * @example
 * merchantClient.interpret(exchange, tape).effect; // { reference: 'ord_1', amountMinor: 15000, currency: 'MYR', direction: 'in' }
 */
export const merchantClient = defineProvider({
  name: NAME,
  interpret(exchange, tape): ProviderEvent {
    const key = header(exchange.headers, 'idempotency-key');
    if (key === undefined || key === '') throw badExchange(NAME, exchange, tape, 'request has no Idempotency-Key header');
    const body = jsonObjectBody(NAME, exchange, tape);
    const orderRef = body['order_ref'];
    const amount = body['amount'];
    const currency = String(body['currency'] ?? 'myr').toUpperCase();
    if (typeof orderRef !== 'string' || orderRef === '') throw badExchange(NAME, exchange, tape, 'body has no order_ref');
    if (!positiveAmount(amount)) throw badExchange(NAME, exchange, tape, 'body amount is not a positive integer (minor units)');
    const path = exchange.path.split('?', 1)[0];
    if (path === CHARGES_PATH) {
      return {
        provider: NAME,
        identity: `${CHARGES_PATH}:${key}`,
        effect: { reference: orderRef, amountMinor: amount, currency, direction: 'in' },
        group: orderRef,
      };
    }
    if (path === REFUNDS_PATH) {
      const refundRef = body['refund_ref'];
      if (typeof refundRef !== 'string' || refundRef === '') throw badExchange(NAME, exchange, tape, 'refund has no refund_ref');
      return {
        provider: NAME,
        identity: `${REFUNDS_PATH}:${key}`,
        effect: { reference: refundRef, amountMinor: amount, currency, direction: 'out' },
        group: orderRef,
      };
    }
    throw badExchange(NAME, exchange, tape, `unknown merchant API path ${exchange.path} (known: ${CHARGES_PATH}, ${REFUNDS_PATH})`);
  },
  sign(exchange) {
    // The merchant's clients do not sign; the Idempotency-Key is sent as recorded on every attempt.
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(exchange.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    return { headers, body: Buffer.from(bodyText(exchange), 'utf8') };
  },
  acknowledged: ({ status }) => status >= 200 && status < 300,
});
