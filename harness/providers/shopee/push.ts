import { createHash } from 'node:crypto';
import { exchangeBody } from '../../tape/read.ts';
import type { Exchange, Tape } from '../../tape/schema.ts';
import { defineProvider, type ProviderEvent, type SigningContext } from '../provider.ts';
import {
  badExchange,
  bodyText,
  is2xx,
  isRecord,
  jsonObjectBody,
  replayHeaders,
  requireSecret,
} from '../_internals/exchange.ts';
import { minorUnitsOf } from '../currency.ts';
import { escrowMinor } from './escrow.ts';
import { shopeeShopOf } from './shop.ts';
import { pushSignature } from './signature.ts';
import { SHOPEE_STATUS_RANK } from './status.ts';

const NAME = 'shopee';

/** Push codes idemgate understands: 3 order status, 4 tracking number. */
export const SHOPEE_ORDER_STATUS_PUSH = 3;
export const SHOPEE_TRACKING_NO_PUSH = 4;

function describePush(exchange: Exchange, tape: Tape): ProviderEvent {
  const bad = (message: string) => badExchange(NAME, exchange, tape, message);
  const push = jsonObjectBody(NAME, exchange, tape);
  const code = push['code'];
  if (typeof code !== 'number') throw bad('push has no numeric "code"');
  const data = push['data'];
  if (!isRecord(data)) throw bad(`code ${code} push has no "data" object`);
  const shopId = push['shop_id'];

  if (code === SHOPEE_ORDER_STATUS_PUSH || code === SHOPEE_TRACKING_NO_PUSH) {
    if (typeof shopId !== 'number' && typeof shopId !== 'string') throw bad(`code ${code} push has no "shop_id"`);
    const ordersn = data['ordersn'];
    if (typeof ordersn !== 'string' || ordersn === '') throw bad(`code ${code} push has no "data.ordersn"`);

    if (code === SHOPEE_TRACKING_NO_PUSH) {
      const trackingNo = data['tracking_no'];
      if (typeof trackingNo !== 'string' || trackingNo === '') {
        throw bad(`tracking push for ${ordersn} has no "data.tracking_no"`);
      }
      return { provider: NAME, identity: `${shopId}:${ordersn}:tracking:${trackingNo}`, group: ordersn };
    }

    const status = data['status'];
    if (typeof status !== 'string') throw bad(`order push for ${ordersn} has no "data.status"`);
    const updateTime = data['update_time'];
    if (typeof updateTime !== 'number' || !Number.isInteger(updateTime)) {
      throw bad(`order push for ${ordersn} has no integer "data.update_time"`);
    }
    // Not the whole body (a redelivery carries a new top-level timestamp), not ordersn alone
    // (that would drop every later status of the order).
    const identity = `${shopId}:${ordersn}:${status}:${updateTime}`;
    const rank = SHOPEE_STATUS_RANK[status];
    // A status Shopee adds later (or one idemgate does not model) is still a real push: it is
    // replayed and deduplicated like any other, but expects no money and no place in the order's
    // lifecycle, so a tape with it runs instead of stopping.
    if (rank === undefined) return { provider: NAME, identity, group: ordersn, unmodelled: `shopee order status ${status}` };
    const event: ProviderEvent = {
      provider: NAME,
      identity,
      entity: { entity: ordersn, status, rank, time: updateTime * 1000 },
    };
    if (status === 'COMPLETED') {
      const { currency } = shopeeShopOf(tape);
      if (minorUnitsOf(currency) === undefined) {
        throw bad(`header.upstream.shopee.currency "${currency}" is not an ISO 4217 currency idemgate knows the minor units of`);
      }
      const detail = escrowDetailFor(tape, ordersn);
      const amounts = escrowMinor(detail, currency);
      if (amounts === undefined) {
        throw bad(
          detail === undefined
            ? `order ${ordersn} reached COMPLETED but the tape header has no header.upstream.shopee.escrow["${ordersn}"] (the escrow detail the API answered while recording)`
            : `header.upstream.shopee.escrow["${ordersn}"].order_income has no ${currency} escrow_amount / buyer_total_amount`,
        );
      }
      event.effect = { reference: ordersn, amountMinor: amounts.escrowMinor, currency, direction: 'in' };
    }
    return event;
  }

  // Other codes (authorisation, shipping documents, …) carry no money and no order status. Their
  // identity ignores the top-level timestamp so that a redelivery is still "the same event".
  const digest = createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);
  return { provider: NAME, identity: `${shopId ?? '-'}:code${code}:${digest}` };
}

function escrowDetailFor(tape: Tape, ordersn: string): unknown {
  const shopee = tape.header.upstream?.['shopee'];
  if (!isRecord(shopee)) return undefined;
  const escrow = shopee['escrow'];
  return isRecord(escrow) ? escrow[ordersn] : undefined;
}

/** A redelivery carries a new push time: advance the top-level `timestamp`, keep key order. */
function redeliveryBody(raw: string, attempt: number): string {
  let push: unknown;
  try {
    push = JSON.parse(raw);
  } catch {
    return raw;
  }
  if (!isRecord(push) || typeof push['timestamp'] !== 'number') return raw;
  push['timestamp'] = push['timestamp'] + (attempt - 1);
  return JSON.stringify(push);
}

/**
 * The URL a push is signed over: Shopee signs the callback URL the merchant registered, byte for
 * byte, which is not the loopback URL the replay reaches when the service sits behind a proxy or
 * verifies against its own configured URL. `providers.shopee.callbackUrl`; default the replay URL.
 */
const callbackUrlOf = (ctx: SigningContext): string => {
  const configured = ctx.secrets['callbackUrl'];
  return configured === undefined || configured === '' ? ctx.url : configured;
};

/**
 * Shopee Open Platform v2 push (webhook) deliveries. Secrets: `{ partnerKey, callbackUrl? }`.
 *
 * @example
 * shopeePush.interpret(exchange, tape).identity; // '727720655:260309ABCD1234:COMPLETED:1773050000'
 */
export const shopeePush = defineProvider({
  name: NAME,
  interpret: describePush,
  sign(exchange, ctx) {
    const partnerKey = requireSecret(NAME, exchange, ctx.secrets, 'partnerKey');
    const body =
      ctx.attempt <= 1 ? exchangeBody(exchange) : Buffer.from(redeliveryBody(bodyText(exchange), ctx.attempt), 'utf8');
    const headers = replayHeaders(exchange, ['authorization']);
    headers['content-type'] ??= 'application/json';
    headers['authorization'] = pushSignature(callbackUrlOf(ctx), body, partnerKey);
    return { headers, body };
  },
  acknowledged: (response) => is2xx(response.status),
});
