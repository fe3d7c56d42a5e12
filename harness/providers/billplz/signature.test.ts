import { describe, expect, it } from 'vitest';
import { billplzSignature, billplzSignatureSource } from './signature.ts';

// The vector Billplz publishes for X-Signature (https://www.billplz.com/api, X Signature).
const FIELDS = {
  name: 'Michael',
  email: 'api@billplz.com',
  amount: '200',
  collection_id: 'inbmmepb',
  description: 'testing',
  callback_url: 'https://example.com/webhook',
};
const SOURCE = 'amount200|callback_urlhttps://example.com/webhook|collection_idinbmmepb|descriptiontesting|emailapi@billplz.com|nameMichael';
const SIGNATURE = 'ef5e54a22af0925cba88fab467119742e90262e3646eea1dee3949938daf3a38';

describe('Billplz X-Signature', () => {
  it('builds the published source string from fields in any order', () => {
    expect(billplzSignatureSource(FIELDS)).toBe(SOURCE);
    expect(billplzSignatureSource({ ...FIELDS, x_signature: 'ignored' })).toBe(SOURCE);
  });
  it('signs it to the published signature with key abc123cde456', () => {
    expect(billplzSignature(FIELDS, 'abc123cde456')).toBe(SIGNATURE);
    expect(billplzSignature({ ...FIELDS, amount: '201' }, 'abc123cde456')).not.toBe(SIGNATURE);
    expect(billplzSignature(FIELDS, 'abc123cde457')).not.toBe(SIGNATURE);
  });
  it('sorts case-insensitively and names redirect parameters without brackets', () => {
    expect(billplzSignatureSource({ b: '1', A: '2', 'billplz[id]': 'x', 'billplz[x_signature]': 'y' })).toBe('A2|b1|billplzidx');
  });
});
