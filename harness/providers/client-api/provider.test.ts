import { describe, expect, it } from 'vitest';
import { IdemgateError } from '../../errors.ts';
import { parseTape } from '../../tape/read.ts';
import type { Tape } from '../../tape/schema.ts';
import { merchantClientApi } from '../../../idemgate.config.ts';
import { clientApiProvider, type ClientApiConfig } from './provider.ts';
import { defineIdempotencyProfile, ietfProfile, meaningOf, stripeProfile } from './profile.ts';
import { DEFAULT_FORGED_HEADERS } from '../provider.ts';

const KEY = '89412db4-0674-42f9-896e-0cdf924449f2';

/** A tape file's text: a header line and one line per request, so errors can name file:line. */
function tapeOf(requests: Array<{ method?: string; path: string; body: string; headers?: Record<string, string | string[]> }>): Tape {
  const lines = [
    JSON.stringify({ format: 'idemgate-tape', version: 1, name: 'clients', createdAt: '2026-03-16T02:00:00.000Z' }),
    ...requests.map((r, i) =>
      JSON.stringify({
        seq: i + 7,
        provider: 'payments',
        method: r.method ?? 'POST',
        path: r.path,
        headers: r.headers ?? { 'content-type': 'application/json', 'idempotency-key': KEY },
        body: r.body,
        recordedAt: '2026-03-16T02:01:04.149Z',
      }),
    ),
  ];
  return parseTape(`${lines.join('\n')}\n`, 'tapes/payments.jsonl');
}

/** A service of its own naming: payments and their refunds under /v1, amounts in major units as text. */
const paymentsApi: ClientApiConfig = {
  profile: 'ietf',
  routes: [
    {
      name: 'payment',
      path: '/v1/payments',
      effect: { reference: 'body.reference', amount: 'body.amount.value', currency: 'body.amount.currency', direction: 'in', amountUnit: 'major' },
    },
    {
      name: 'refund',
      path: '/v1/payments/:payment/refunds',
      group: 'path.payment',
      effect: { reference: 'body.refund_id', amount: 'body.amount', currency: 'MYR', direction: 'out' },
    },
  ],
};

const failure = (fn: () => unknown): IdemgateError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof IdemgateError) return e;
    throw e;
  }
  throw new Error('expected an IdemgateError');
};

describe('clientApiProvider: the reference service /charges and /refunds as configuration', () => {
  const merchantClient = clientApiProvider('merchant-client', merchantClientApi('ietf'));
  const tape = tapeOf([
    { path: '/charges', body: '{"order_ref":"ord_1","amount":15000,"currency":"myr"}' },
    { path: '/refunds?source=web', body: '{"refund_ref":"rf_1","order_ref":"ord_1","amount":2500}', headers: { 'Idempotency-Key': 'k-upper' } },
  ]);

  it('reads a charge: identity route + key, money in under order_ref, grouped by order', () => {
    expect(merchantClient.interpret(tape.exchanges[0]!, tape)).toEqual({
      provider: 'merchant-client',
      identity: `charge:${KEY}`,
      effect: { reference: 'ord_1', amountMinor: 15000, currency: 'MYR', direction: 'in' },
      group: 'ord_1',
      client: { key: KEY, route: 'charge', mismatchFields: ['amount', 'currency'], keyRequired: true, forgedHeaders: DEFAULT_FORGED_HEADERS },
    });
  });

  it('reads a refund (key in any header case, query ignored, currency defaulted): money out under refund_ref, with its charge', () => {
    const event = merchantClient.interpret(tape.exchanges[1]!, tape);
    expect(event.identity).toBe('refund:k-upper');
    expect(event.effect).toEqual({ reference: 'rf_1', amountMinor: 2500, currency: 'MYR', direction: 'out' });
    expect(event.group).toBe('ord_1');
    expect(event.client?.mismatchFields).toEqual(['amount']);
  });
});

describe('clientApiProvider: any path, any body', () => {
  const payments = clientApiProvider('payments', paymentsApi);

  it('reads a nested JSON body in major units and a path parameter as the group', () => {
    const tape = tapeOf([
      { path: '/v1/payments', body: '{"reference":"pay_1","amount":{"value":"20.50","currency":"MYR"}}' },
      { path: '/v1/payments/pay_1/refunds', body: 'refund_id=rf_9&amount=300', headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'k2' } },
    ]);
    const [payment, refund] = tape.exchanges.map((x) => payments.interpret(x, tape));
    expect(payment!.effect).toEqual({ reference: 'pay_1', amountMinor: 2050, currency: 'MYR', direction: 'in' });
    expect(payment!.group).toBe('pay_1');
    expect(refund!.effect).toEqual({ reference: 'rf_9', amountMinor: 300, currency: 'MYR', direction: 'out' });
    expect(refund!.group).toBe('pay_1');
  });

  it('names the tape file:line and the configured routes when a request matches no route', () => {
    const tape = tapeOf([
      { path: '/v1/payments', body: '{"reference":"pay_1","amount":{"value":"1.00","currency":"MYR"}}' },
      { path: '/v1/payouts', body: '{}' },
    ]);
    const error = failure(() => payments.interpret(tape.exchanges[1]!, tape));
    expect(error.code).toBe('PROVIDER_BAD_EXCHANGE');
    expect(error.message).toContain('tapes/payments.jsonl:3 (seq 8)');
    expect(error.message).toContain('POST /v1/payouts matches no route in clientApis.payments.routes (POST /v1/payments, POST /v1/payments/:payment/refunds)');
  });

  it.each([
    ['no key', { 'content-type': 'application/json' }, '{"reference":"p","amount":{"value":"1.00","currency":"MYR"}}', 'no Idempotency-Key header'],
    ['no reference', undefined, '{"amount":{"value":"1.00","currency":"MYR"}}', 'body.reference'],
    ['more decimals than the currency has', undefined, '{"reference":"p","amount":{"value":"1.005","currency":"MYR"}}', 'not a positive MYR amount'],
    ['a body that is not JSON', undefined, '{"reference":', 'not valid JSON'],
  ])('refuses a request with %s, naming file:line and the route', (_name, headers, body, message) => {
    const tape = tapeOf([{ path: '/v1/payments', body, ...(headers ? { headers } : {}) }]);
    const error = failure(() => payments.interpret(tape.exchanges[0]!, tape));
    expect(error.code).toBe('PROVIDER_BAD_EXCHANGE');
    expect(error.message).toContain('tapes/payments.jsonl:2');
    expect(error.message).toContain(message);
  });

  it('refuses a config whose selectors cannot read a request, naming each field', () => {
    const error = failure(() =>
      clientApiProvider('bad', {
        routes: [{ name: 'x', path: '/x/:id', effect: { reference: 'path.order', amount: '100', direction: 'in' } }],
        profile: 'ietff' as 'ietf',
      }),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('clientApis.bad.routes[0].effect.amount must read the request');
    expect(error.message).toContain('path.order names no :order in /x/:id');
    expect(error.message).toContain(`clientApis.bad.profile must be 'ietf', 'stripe' or a profile object, not "ietff"`);
  });

  it('varies a request: another amount or currency in the same body shape, or no key', () => {
    const tape = tapeOf([
      { path: '/v1/payments', body: '{"reference":"pay_1","amount":{"value":"20.50","currency":"myr"}}' },
      { path: '/v1/payments/pay_1/refunds', body: 'refund_id=rf_9&amount=300', headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'k2' } },
    ]);
    const sign = (i: number) => payments.sign(tape.exchanges[i]!, { secrets: {}, now: new Date(), url: 'http://x', attempt: 1 });
    const text = (i: number, variant: Parameters<NonNullable<typeof payments.vary>>[1]) => payments.vary!(tape.exchanges[i]!, variant, sign(i)).body.toString('utf8');
    expect(JSON.parse(text(0, { kind: 'payload-mismatch', field: 'amount' }))).toEqual({ reference: 'pay_1', amount: { value: '20.51', currency: 'myr' } });
    expect(JSON.parse(text(0, { kind: 'payload-mismatch', field: 'currency' }))).toEqual({ reference: 'pay_1', amount: { value: '20.50', currency: 'usd' } });
    expect(text(1, { kind: 'payload-mismatch', field: 'amount' })).toBe('refund_id=rf_9&amount=301');
    const noKey = payments.vary!(tape.exchanges[0]!, { kind: 'missing-key' }, sign(0));
    expect(Object.keys(noKey.headers).map((h) => h.toLowerCase())).not.toContain('idempotency-key');
    expect(sign(0).headers['idempotency-key']).toBe(KEY);
  });
});

describe('idempotency profiles as data', () => {
  it.each([
    [ietfProfile, 201, '{}', 'answered'],
    [ietfProfile, 409, '{"error":"still processing"}', 'in-flight'],
    [ietfProfile, 422, '{}', 'payload-mismatch'],
    [ietfProfile, 400, '{}', 'missing-key'],
    [ietfProfile, 417, '<html>Error: stack…</html>', 'other'],
    [stripeProfile, 400, '{"error":{"type":"idempotency_error"}}', 'payload-mismatch'],
    [stripeProfile, 400, '{"error":{"type":"invalid_request_error"}}', 'other'],
    [stripeProfile, 409, '{"error":{"type":"idempotency_error"}}', 'in-flight'],
  ] as const)('%s: %i %s is %s', (profile, status, body, meaning) => {
    expect(meaningOf(profile, { status, body })).toBe(meaning);
  });

  it('makes the answers a profile declares final for the client (no retry), and in-flight or 5xx not', () => {
    const ietf = clientApiProvider('a', { ...paymentsApi, profile: 'ietf' });
    const stripe = clientApiProvider('b', { ...paymentsApi, profile: 'stripe' });
    expect([201, 422, 400, 409, 500, 417].map((status) => ietf.acknowledged({ status, body: '{}' }))).toEqual([true, true, true, false, false, false]);
    expect(stripe.acknowledged({ status: 400, body: '{"error":{"type":"idempotency_error"}}' })).toBe(true);
    expect(stripe.acknowledged({ status: 422, body: '{}' })).toBe(false);
  });

  it('takes a profile of the user\'s own and refuses a malformed one', () => {
    const ours = defineIdempotencyProfile({ ...ietfProfile, name: 'ours', payloadMismatch: { status: [409], bodyIncludes: 'key_reused' } });
    // One status, told apart by the body: the rule with a body text wins.
    expect(meaningOf(ours, { status: 409, body: '{"code":"key_reused"}' })).toBe('payload-mismatch');
    expect(meaningOf(ours, { status: 409, body: '{"code":"in_progress"}' })).toBe('in-flight');
    const error = failure(() => defineIdempotencyProfile({ ...ietfProfile, inFlight: { status: [200] } }));
    expect(error.message).toContain('status 200 is both answered and in flight');
    expect(failure(() => defineIdempotencyProfile({ ...ietfProfile, payloadMismatch: { status: [] } })).message).toContain('profile.payloadMismatch.status');
  });
});
