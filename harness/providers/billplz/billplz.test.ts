import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../tape/schema.ts';
import type { SigningContext } from '../provider.ts';
import { tapeOf } from '../_internals/test-tape.ts';
import { billplzCallback } from './billplz.ts';

const RECORDED_KEY = 'billplz_xsig_test_9c1e';
const CONFIGURED_KEY = 'my-collection-xsig-key';
const ctx = (xSignatureKey: string): SigningContext => ({
  secrets: { xSignatureKey },
  now: new Date('2026-11-25T00:00:00Z'),
  url: 'http://127.0.0.1:43117/payments/billplz/return',
  attempt: 1,
});

/** The X-Signature scheme as domain.md states it, written out by hand: key+value, sorted case-insensitively, '|', HMAC-SHA256 hex. */
const xSignature = (source: string, key: string) => createHmac('sha256', key).update(source).digest('hex');

const redirectPath = (params: Record<string, string>) =>
  `/payments/billplz/return?${new URLSearchParams(params).toString()}`;

const redirect = (path: string): Exchange => {
  const tape = tapeOf('billplz', '/webhooks/billplz', ['']);
  return { ...tape.exchanges[0]!, method: 'GET', path };
};

describe('billplzCallback.sign, redirects', () => {
  const params = { 'billplz[id]': '4lhu1wrm', 'billplz[paid]': 'true', 'billplz[paid_at]': '2026-03-16 09:08:24 +0800' };
  const source = 'billplzid4lhu1wrm|billplzpaid_at2026-03-16 09:08:24 +0800|billplzpaidtrue';
  const recorded = redirectPath({ ...params, 'billplz[x_signature]': xSignature(source, RECORDED_KEY) });

  it('re-signs the redirect query with the configured key, keeping the other parameters and their order', () => {
    const signed = billplzCallback.sign(redirect(recorded), ctx(CONFIGURED_KEY));
    expect(signed.query).toBeDefined();
    const query = new URLSearchParams(signed.query);
    expect([...query.keys()]).toEqual(['billplz[id]', 'billplz[paid]', 'billplz[paid_at]', 'billplz[x_signature]']);
    expect(query.get('billplz[paid_at]')).toBe(params['billplz[paid_at]']);
    expect(query.get('billplz[x_signature]')).toBe(xSignature(source, CONFIGURED_KEY));
    expect(query.get('billplz[x_signature]')).not.toBe(xSignature(source, RECORDED_KEY));
    expect(signed.body.length).toBe(0);
  });

  it('signs an unpaid redirect (paid=false, empty paid_at) the same way', () => {
    const unpaid = { 'billplz[id]': 'e65wskar', 'billplz[paid]': 'false', 'billplz[paid_at]': '' };
    const signed = billplzCallback.sign(redirect(redirectPath({ ...unpaid, 'billplz[x_signature]': 'stale' })), ctx(CONFIGURED_KEY));
    expect(new URLSearchParams(signed.query).get('billplz[x_signature]')).toBe(
      xSignature('billplzide65wskar|billplzpaid_at|billplzpaidfalse', CONFIGURED_KEY),
    );
  });
});

describe('billplzCallback.sign, callbacks', () => {
  it('re-signs the form body with the configured key', () => {
    const body = 'id=w8n4rjgh&paid=true&amount=200&x_signature=stale';
    const tape = tapeOf('billplz', '/webhooks/billplz', [body]);
    const signed = billplzCallback.sign(tape.exchanges[0]!, ctx(CONFIGURED_KEY));
    const form = new URLSearchParams(signed.body.toString('utf8'));
    expect(form.get('x_signature')).toBe(xSignature('amount200|idw8n4rjgh|paidtrue', CONFIGURED_KEY));
    expect(signed.query).toBeUndefined();
  });
});
