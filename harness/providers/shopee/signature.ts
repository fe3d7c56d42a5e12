import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Shopee push signature: the `Authorization` header of a push is the lowercase hex
 * HMAC-SHA256(partnerKey, callbackUrl + '|' + rawBody), over the raw body bytes.
 *
 * @example
 * pushSignature('https://shop.example.my/webhooks/shopee', rawBody, partnerKey); // '9f…'
 */
export function pushSignature(callbackUrl: string, rawBody: string | Buffer, partnerKey: string): string {
  return createHmac('sha256', partnerKey)
    .update(`${callbackUrl}|`, 'utf8')
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest('hex');
}

/** Constant-time check of a push's `Authorization` header (hex, case-insensitive). */
export function verifyPushSignature(
  callbackUrl: string,
  rawBody: string | Buffer,
  partnerKey: string,
  authorization: string,
): boolean {
  const expected = Buffer.from(pushSignature(callbackUrl, rawBody, partnerKey), 'hex');
  if (!/^[0-9a-fA-F]{64}$/.test(authorization)) return false;
  return timingSafeEqual(expected, Buffer.from(authorization, 'hex'));
}

export interface ShopApiSignInput {
  partnerId: string | number;
  /** The API path, e.g. `/api/v2/payment/get_escrow_detail`. */
  apiPath: string;
  /** Unix seconds; Shopee accepts it for 5 minutes. */
  timestamp: number;
  accessToken: string;
  shopId: string | number;
  partnerKey: string;
}

/**
 * `sign` for Shopee shop-level API calls: lowercase hex
 * HMAC-SHA256(partnerKey, partnerId + apiPath + timestamp + accessToken + shopId).
 *
 * @example
 * apiSignature({ partnerId: 2001234, apiPath: '/api/v2/payment/get_escrow_detail',
 *   timestamp: 1773050000, accessToken, shopId: 727720655, partnerKey });
 */
export function apiSignature(input: ShopApiSignInput): string {
  const base = `${input.partnerId}${input.apiPath}${input.timestamp}${input.accessToken}${input.shopId}`;
  return createHmac('sha256', input.partnerKey).update(base, 'utf8').digest('hex');
}
