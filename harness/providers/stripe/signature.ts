import { createHmac, timingSafeEqual } from 'node:crypto';
import { IdemgateError } from '../../errors.ts';

function v1(rawBody: string | Buffer, secret: string, unixTime: number): string {
  return createHmac('sha256', secret)
    .update(`${unixTime}.`, 'utf8')
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest('hex');
}

/**
 * A `Stripe-Signature` header: `t=<unix>,v1=<hex HMAC-SHA256(secret, t + '.' + rawBody)>`.
 *
 * @example
 * signatureHeader(rawBody, 'whsec_test_idemgate', Math.floor(Date.now() / 1000)); // 't=…,v1=…'
 */
export function signatureHeader(rawBody: string | Buffer, secret: string, unixTime: number): string {
  if (!Number.isSafeInteger(unixTime)) throw new IdemgateError('USAGE', `signatureHeader: unixTime must be whole seconds, got ${unixTime}`);
  return `t=${unixTime},v1=${v1(rawBody, secret, unixTime)}`;
}

/**
 * Verifies a `Stripe-Signature` header the way Stripe's libraries do: any one `v1` matching is
 * enough, other schemes (`v0`) are ignored, and a timestamp older than `toleranceS` seconds
 * before `nowUnix` is rejected (`toleranceS` 0 turns the age check off).
 */
export function verifySignatureHeader(
  header: string,
  rawBody: string | Buffer,
  secret: string,
  nowUnix: number,
  toleranceS = 300,
): boolean {
  let t: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,15}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (t === undefined || signatures.length === 0) return false;
  if (toleranceS > 0 && nowUnix - t > toleranceS) return false;
  const expected = Buffer.from(v1(rawBody, secret, t), 'hex');
  return signatures.some((s) => timingSafeEqual(expected, Buffer.from(s, 'hex')));
}
