import { describe, expect, it } from 'vitest';
import { createRedactor } from './redact.ts';

const key = Buffer.from('test-pseudonym-key-0123456789abcdef');

describe('createRedactor', () => {
  it('masks credential and signature headers and pseudonymises client addresses and configured headers', () => {
    const redact = createRedactor({ key, headers: ['X-Customer-Id'] });

    const out = redact.headers({
      'stripe-signature': 't=1,v1=abc',
      authorization: 'deadbeef',
      'x-signature': 'sig',
      cookie: ['a=1', 'b=2'],
      'x-forwarded-for': '203.0.113.9',
      'x-customer-id': 'cus_secret_person',
      'content-type': 'application/json',
    });

    expect(out).toEqual({
      'stripe-signature': '***',
      authorization: '***',
      'x-signature': '***',
      cookie: ['***', '***'],
      'x-forwarded-for': expect.not.stringContaining('203.0.113.9') as unknown,
      'x-customer-id': expect.stringMatching(/^anon-[0-9a-f]{12}$/) as unknown,
      'content-type': 'application/json',
    });
  });

  it('gives one value the same pseudonym, keeps its shape, and another key gives another', () => {
    const a = createRedactor({ key });
    const b = createRedactor({ key: Buffer.from('another key') });

    expect(a.pseudonym('siti@example.my')).toBe(a.pseudonym('siti@example.my'));
    expect(a.pseudonym('siti@example.my')).toMatch(/^[0-9a-f]{12}@pseudonym\.invalid$/);
    expect(a.pseudonym('siti@example.my')).not.toBe(b.pseudonym('siti@example.my'));
    expect(a.pseudonym('+60 12-345 6789')).toMatch(/^\+\d\d \d\d-\d\d\d \d\d\d\d$/);
    expect(a.pseudonym('4242')).toMatch(/^\d{4}$/);
    expect(a.pseudonym('')).toBe('');
  });

  it('redacts the known Stripe fields of a JSON body and keeps the layout and everything else', () => {
    const redact = createRedactor({ key, jsonPaths: ['data.object.metadata.customer_ref'] });
    const event = {
      id: 'evt_1',
      type: 'charge.succeeded',
      data: {
        object: {
          id: 'ch_1',
          amount: 1680,
          receipt_email: 'ali@example.my',
          billing_details: { name: 'Ali bin Abu', email: 'ali@example.my', phone: '+60123456789', address: { line1: '1 Jalan Canary' } },
          payment_method_details: { card: { last4: '4242', fingerprint: 'Fp9canary', brand: 'visa' } },
          metadata: { order_id: '5101', customer_ref: 'CUST-CANARY' },
          client_secret: 'pi_1_secret_abc',
        },
      },
    };
    const text = JSON.stringify(event, null, 2);

    const out = redact.body(Buffer.from(text), 'application/json').toString('utf8');

    for (const canary of ['ali@example.my', 'Ali bin Abu', '+60123456789', 'Jalan Canary', 'Fp9canary', 'CUST-CANARY', 'pi_1_secret_abc']) {
      expect(out).not.toContain(canary);
    }
    const parsed = JSON.parse(out) as typeof event;
    expect(out.startsWith('{\n  "id"')).toBe(true);
    expect(parsed.id).toBe('evt_1');
    expect(parsed.data.object.amount).toBe(1680);
    expect(parsed.data.object.metadata.order_id).toBe('5101');
    expect(parsed.data.object.payment_method_details.card.brand).toBe('visa');
    expect(parsed.data.object.payment_method_details.card.last4).toMatch(/^\d{4}$/);
    // The same email in two fields: one pseudonym.
    expect(parsed.data.object.billing_details.email).toBe(parsed.data.object.receipt_email);
  });

  it('leaves a body with nothing to redact byte for byte', () => {
    const redact = createRedactor({ key });
    const text = '{"id":"evt_1",  "amount":12345678901234567890}';

    expect(redact.body(Buffer.from(text), 'application/json').toString('utf8')).toBe(text);
  });

  it('redacts FPX and Billplz form fields pair by pair, keeping the others as they were', () => {
    const redact = createRedactor({ key, formFields: ['buyer_ic'] });
    const fpx = 'fpx_msgType=AC&fpx_msgToken=01&fpx_buyerName=SITI+HAJAR&fpx_buyerIban=1234567890&fpx_txnAmount=20.90&buyer_ic=900101-14-5678&fpx_checkSum=ABCDEF0123';

    const out = redact.body(Buffer.from(fpx), 'application/x-www-form-urlencoded').toString('utf8');
    const fields = new URLSearchParams(out);

    expect(fields.get('fpx_msgType')).toBe('AC');
    expect(fields.get('fpx_msgToken')).toBe('01');
    expect(fields.get('fpx_txnAmount')).toBe('20.90');
    expect(fields.get('fpx_checkSum')).toBe('***');
    expect(out).not.toContain('SITI');
    expect(out).not.toContain('1234567890');
    expect(out).not.toContain('900101-14-5678');
    expect(out.split('&')[0]).toBe('fpx_msgType=AC');
    // The same fields answered as text/html (an FPX AE answer) are redacted too.
    expect(redact.body(Buffer.from(fpx), 'text/html').toString('utf8')).toBe(out);
    expect(redact.body(Buffer.from('OK'), 'text/plain').toString('utf8')).toBe('OK');
  });

  it('redacts a redirect query string (Billplz x_signature) and an upstream query (Shopee sign, access_token)', () => {
    const redact = createRedactor({ key });

    expect(redact.path('/billplz/redirect?billplz%5Bid%5D=b1&billplz%5Bx_signature%5D=abc123')).toBe(
      '/billplz/redirect?billplz%5Bid%5D=b1&billplz%5Bx_signature%5D=***',
    );
    expect(redact.query({ order_sn: 'X1', sign: 'hex', access_token: 'tok', partner_id: '2001234' })).toEqual({
      order_sn: 'X1',
      sign: '***',
      access_token: '***',
      partner_id: '2001234',
    });
  });
});
