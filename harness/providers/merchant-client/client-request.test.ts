import { describe, expect, it } from 'vitest';
import { IdemgateError } from '../../errors.ts';
import { exchangeSchema, type Exchange, type Tape } from '../../tape/schema.ts';
import type { Provider } from '../provider.ts';
import { CHARGES_PATH, merchantClient, REFUNDS_PATH } from './index.ts';

const KEY = '89412db4-0674-42f9-896e-0cdf924449f2';

function tapeWith(requests: Array<{ path: string; body: string; headers?: Record<string, string | string[]> }>): Tape & { exchanges: Exchange[] } {
  return {
    file: 'fixtures/tapes/clients.jsonl',
    header: { format: 'idemgate-tape', version: 1, name: 'clients', createdAt: '2026-03-16T02:00:00.000Z' },
    exchanges: requests.map((r, i) =>
      exchangeSchema.parse({
        seq: i + 7,
        provider: 'merchant-client',
        method: 'POST',
        path: r.path,
        headers: r.headers ?? { 'content-type': 'application/json', 'idempotency-key': KEY },
        body: r.body,
        recordedAt: '2026-03-16T02:01:04.149Z',
      }),
    ),
  };
}

const one = (path: string, body: unknown, headers?: Record<string, string | string[]>) => {
  const tape = tapeWith([{ path, body: typeof body === 'string' ? body : JSON.stringify(body), ...(headers ? { headers } : {}) }]);
  return { tape, exchange: tape.exchanges[0]! };
};

const describeOne = (path: string, body: unknown, headers?: Record<string, string | string[]>) => {
  const { tape, exchange } = one(path, body, headers);
  return merchantClient.interpret(exchange, tape);
};

const failure = (path: string, body: unknown, headers?: Record<string, string | string[]>): IdemgateError => {
  try {
    describeOne(path, body, headers);
  } catch (e) {
    if (e instanceof IdemgateError) return e;
    throw e;
  }
  throw new Error('expected an IdemgateError');
};

describe('merchantClient.describe', () => {
  it('reads a charge: identity is path + Idempotency-Key, money in under order_ref, grouped by order', () => {
    expect(describeOne(CHARGES_PATH, { order_ref: 'ord_1', amount: 15000, currency: 'myr' })).toEqual({
      provider: 'merchant-client',
      identity: `/charges:${KEY}`,
      effect: { reference: 'ord_1', amountMinor: 15000, currency: 'MYR', direction: 'in' },
      group: 'ord_1',
    });
  });

  it('reads a refund: money out under refund_ref, grouped with its charge', () => {
    expect(describeOne(REFUNDS_PATH, { refund_ref: 'rf_1', order_ref: 'ord_1', amount: 2500, currency: 'myr' })).toEqual({
      provider: 'merchant-client',
      identity: `/refunds:${KEY}`,
      effect: { reference: 'rf_1', amountMinor: 2500, currency: 'MYR', direction: 'out' },
      group: 'ord_1',
    });
  });

  it('defaults the currency to MYR, reads the key whatever its header case, and ignores a query string', () => {
    const event = describeOne(`${CHARGES_PATH}?source=web`, { order_ref: 'ord_2', amount: 100 }, { 'Idempotency-Key': 'k-upper' });
    expect(event.identity).toBe('/charges:k-upper');
    expect(event.effect).toEqual({ reference: 'ord_2', amountMinor: 100, currency: 'MYR', direction: 'in' });
  });

  it('takes the first value of a repeated Idempotency-Key header', () => {
    expect(describeOne(CHARGES_PATH, { order_ref: 'ord_3', amount: 100 }, { 'idempotency-key': ['k-a', 'k-b'] }).identity).toBe('/charges:k-a');
  });

  it('makes a retry of one request the same event and another key another event', () => {
    const tape = tapeWith([
      { path: CHARGES_PATH, body: '{"order_ref":"ord_1","amount":100}' },
      { path: CHARGES_PATH, body: '{"order_ref":"ord_1","amount":100}' },
      { path: CHARGES_PATH, body: '{"order_ref":"ord_1","amount":100}', headers: { 'idempotency-key': 'other' } },
    ]);
    const [a, b, c] = tape.exchanges.map((x) => merchantClient.interpret(x, tape).identity);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});

describe('merchantClient.describe on malformed exchanges', () => {
  const cases: Array<[string, string, unknown, Record<string, string> | undefined, string]> = [
    ['no Idempotency-Key', CHARGES_PATH, { order_ref: 'o', amount: 1 }, { 'content-type': 'application/json' }, 'no Idempotency-Key'],
    ['an empty Idempotency-Key', CHARGES_PATH, { order_ref: 'o', amount: 1 }, { 'idempotency-key': '' }, 'no Idempotency-Key'],
    ['a body that is not JSON', CHARGES_PATH, 'order_ref=o&amount=1', undefined, 'not valid JSON'],
    ['a JSON array body', CHARGES_PATH, '[1,2]', undefined, 'not a JSON object'],
    ['no order_ref', CHARGES_PATH, { amount: 100 }, undefined, 'no order_ref'],
    ['a float amount', CHARGES_PATH, { order_ref: 'o', amount: 150.5 }, undefined, 'not a positive integer'],
    ['a zero amount', CHARGES_PATH, { order_ref: 'o', amount: 0 }, undefined, 'not a positive integer'],
    ['an amount as a string', CHARGES_PATH, { order_ref: 'o', amount: '100' }, undefined, 'not a positive integer'],
    ['a refund without refund_ref', REFUNDS_PATH, { order_ref: 'o', amount: 100 }, undefined, 'no refund_ref'],
    ['an unknown path', '/payouts', { order_ref: 'o', amount: 100 }, undefined, 'unknown merchant API path /payouts'],
  ];

  it.each(cases)('throws PROVIDER_BAD_EXCHANGE naming the file and seq for %s', (_name, path, body, headers, message) => {
    const error = failure(path, body, headers);
    expect(error.code).toBe('PROVIDER_BAD_EXCHANGE');
    expect(error.message).toContain('fixtures/tapes/clients.jsonl seq 7');
    expect(error.message).toContain('merchant-client');
    expect(error.message).toContain(message);
    expect(error.details).toMatchObject({ file: 'fixtures/tapes/clients.jsonl', seq: 7, provider: 'merchant-client' });
  });
});

describe('merchantClient.sign', () => {
  it('sends the recorded body bytes and headers, Idempotency-Key included, the same on every attempt', () => {
    const body = '{"order_ref":"ord_1","amount":15000,"currency":"myr"}';
    const { exchange } = one(CHARGES_PATH, body, {
      'content-type': 'application/json',
      'idempotency-key': KEY,
      accept: ['application/json', 'text/plain'],
    });
    const provider: Provider = merchantClient;
    const first = provider.sign(exchange, { secrets: {}, now: new Date('2026-03-16T02:00:00Z'), url: 'http://127.0.0.1:1/charges', attempt: 1 });
    const third = provider.sign(exchange, { secrets: {}, now: new Date('2026-03-17T09:00:00Z'), url: 'http://127.0.0.1:1/charges', attempt: 3 });
    expect(first.body.toString('utf8')).toBe(body);
    expect(first.headers).toEqual({ 'content-type': 'application/json', 'idempotency-key': KEY, accept: 'application/json, text/plain' });
    expect(third).toEqual(first);
  });
});

describe('merchantClient.acknowledged', () => {
  it('stops the client retrying on a 2xx only', () => {
    expect(merchantClient.acknowledged({ status: 201, body: '{}' })).toBe(true);
    expect(merchantClient.acknowledged({ status: 200, body: '' })).toBe(true);
    for (const status of [400, 409, 422, 500, 502]) expect(merchantClient.acknowledged({ status, body: '{}' })).toBe(false);
  });
});
