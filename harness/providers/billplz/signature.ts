import { createHmac } from 'node:crypto';

/**
 * Billplz X-Signature source: every field except x_signature as key+value, sorted ascending
 * case-insensitively, joined by '|'. Redirect parameters are named without their brackets
 * (`billplz[id]` → `billplzid`).
 *
 * @example
 * billplzSignatureSource({ amount: '200', name: 'Michael' }); // 'amount200|nameMichael'
 */
export function billplzSignatureSource(fields: Readonly<Record<string, string>>): string {
  return Object.entries(fields)
    .map(([key, value]) => [key.replace(/[[\]]/g, ''), value] as const)
    .filter(([key]) => key !== 'x_signature' && key !== 'billplzx_signature')
    .map(([key, value]) => `${key}${value}`)
    .sort((a, b) => {
      const x = a.toLowerCase();
      const y = b.toLowerCase();
      return x < y ? -1 : x > y ? 1 : 0;
    })
    .join('|');
}

/** Hex HMAC-SHA256 of the source with the collection's X-Signature key. */
export const billplzSignature = (fields: Readonly<Record<string, string>>, xSignatureKey: string): string =>
  createHmac('sha256', xSignatureKey).update(billplzSignatureSource(fields)).digest('hex');
