import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignatureHeader } from './signature.ts';

// Published vector: stripe-dotnet src/StripeTests/Resources/event_test_signature.json (the file
// ends with a newline) and src/StripeTests/Services/Events/EventUtilityTest.cs, secret
// "webhook_secret", t=1533204620.
const STRIPE_DOTNET_EVENT = `{
  "id": "evt_123",
  "object": "event",
  "account": "acct_123",
  "api_version": "2017-05-25",
  "created": 1533204620,
  "data": {
    "object": {
      "id": "cus_123",
      "object": "customer",
      "created": 123456789,
      "email": "test@stripe.com",
      "livemode": false,
      "metadata": {}
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": "req_123",
    "idempotency_key": "idempotency-key-123"
  },
  "type": "customer.created"
}
`;
const STRIPE_DOTNET_HEADER =
  't=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7,v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef';
const T = 1533204620;

describe('stripe signatureHeader', () => {
  it("reproduces stripe-dotnet's published v1 signature", () => {
    expect(signatureHeader(STRIPE_DOTNET_EVENT, 'webhook_secret', T)).toBe(
      't=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7',
    );
  });

  it('matches an OpenSSL vector with the idemgate test secret', () => {
    // printf '%s' '1773050000.{"id":"evt_1","object":"event"}' | openssl dgst -sha256 -hmac whsec_test_idemgate
    expect(signatureHeader(Buffer.from('{"id":"evt_1","object":"event"}'), 'whsec_test_idemgate', 1773050000)).toBe(
      't=1773050000,v1=eab157ca280a15b4cd27b1749cb54fa78427bb8d5a1191e8946b16c359abd2da',
    );
  });

  it('agrees with a direct node:crypto HMAC of t.body (cross-check)', () => {
    const body = '{"id":"evt_2"}';
    const direct = createHmac('sha256', 's').update(`42.${body}`).digest('hex');
    expect(signatureHeader(body, 's', 42)).toBe(`t=42,v1=${direct}`);
  });

  it('refuses a fractional time', () => {
    expect(() => signatureHeader('{}', 's', 1.5)).toThrow(expect.objectContaining({ name: 'IdemgateError', code: 'USAGE' }));
  });
});

describe('stripe verifySignatureHeader', () => {
  it("accepts stripe-dotnet's published header (v1 and v0) within tolerance", () => {
    expect(verifySignatureHeader(STRIPE_DOTNET_HEADER, STRIPE_DOTNET_EVENT, 'webhook_secret', T + 100)).toBe(true);
  });

  it('rejects it once older than the tolerance, and accepts it when tolerance is 0 (off)', () => {
    expect(verifySignatureHeader(STRIPE_DOTNET_HEADER, STRIPE_DOTNET_EVENT, 'webhook_secret', T + 301)).toBe(false);
    expect(verifySignatureHeader(STRIPE_DOTNET_HEADER, STRIPE_DOTNET_EVENT, 'webhook_secret', T + 300)).toBe(true);
    expect(verifySignatureHeader(STRIPE_DOTNET_HEADER, STRIPE_DOTNET_EVENT, 'webhook_secret', T + 10, 5)).toBe(false);
    expect(verifySignatureHeader(STRIPE_DOTNET_HEADER, STRIPE_DOTNET_EVENT, 'webhook_secret', T + 99999, 0)).toBe(true);
  });

  it('rejects a changed body (even whitespace) or the wrong secret', () => {
    expect(verifySignatureHeader(STRIPE_DOTNET_HEADER, STRIPE_DOTNET_EVENT.trimEnd(), 'webhook_secret', T)).toBe(false);
    expect(verifySignatureHeader(STRIPE_DOTNET_HEADER, STRIPE_DOTNET_EVENT, 'whsec_other', T)).toBe(false);
  });

  it('accepts when any one v1 matches, and ignores v0-only headers', () => {
    const good = signatureHeader('{}', 's', 1000);
    expect(verifySignatureHeader(`t=1000,v1=${'0'.repeat(64)},${good.split(',')[1]}`, '{}', 's', 1000)).toBe(true);
    expect(verifySignatureHeader(good.replace('v1=', 'v0='), '{}', 's', 1000)).toBe(false);
  });

  it.each(['', 'bad_header', 't=,v1=', 't=abc,v1=' + 'a'.repeat(64), 'v1=' + 'a'.repeat(64)])(
    'rejects the malformed header %j',
    (header) => {
      expect(verifySignatureHeader(header, '{}', 's', 1000)).toBe(false);
    },
  );
});
