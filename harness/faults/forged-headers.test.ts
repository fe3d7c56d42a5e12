import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientApiProvider } from '../providers/client-api/provider.ts';
import type { ProviderEvent } from '../providers/provider.ts';
import { cleanSchedule, describeSchedule, type Schedule } from '../schedule/schedule.ts';
import type { Exchange, Tape } from '../tape/schema.ts';
import { applyEdits, type FaultEdit } from './edits.ts';
import { DEFAULT_FORGED_HEADERS, forgedHeaders, type ForgedHeadersEdit } from './forged-headers.ts';

const forged = { 'Idempotent-Replayed': 'true', 'X-Forwarded-For': '203.0.113.7' };
const client = (key: string, forgedHeaders?: Record<string, string>): ProviderEvent => ({
  provider: 'payments',
  identity: `payment:${key}`,
  client: { key, route: 'payment', mismatchFields: ['amount'], keyRequired: true, ...(forgedHeaders === undefined ? {} : { forgedHeaders }) },
});
const webhook: ProviderEvent = { provider: 'stripe', identity: 'evt_1' };
// 0 a webhook, 1 and 2 keyed payments, 3 a keyed request whose API forges nothing (an empty list)
const events = [webhook, client('k1', forged), client('k2', forged), client('k3', {})];

describe('forgedHeaders', () => {
  it('draws keyed client requests that have headers to forge, with a non-empty subset of them', () => {
    const edits = fc.sample(forgedHeaders()(4, events)!, { seed: 3, numRuns: 300 });
    expect(new Set(edits.map((e) => e.exchange))).toEqual(new Set([1, 2]));
    for (const e of edits) {
      expect(Object.keys(e.headers).length).toBeGreaterThan(0);
      for (const [name, value] of Object.entries(e.headers)) expect(forged[name as keyof typeof forged]).toBe(value);
    }
    expect(new Set(edits.map((e) => Object.keys(e.headers).join(',')))).toContain('Idempotent-Replayed,X-Forwarded-For');
    expect(forgedHeaders()(1, [webhook])).toBeUndefined();
    expect(forgedHeaders()(1, [client('k3', {})])).toBeUndefined();
  });

  it('uses the documented defaults for a request whose API names none', () => {
    const edits = fc.sample(forgedHeaders()(2, [webhook, client('k1')])!, { seed: 1, numRuns: 100 });
    const names = new Set(edits.flatMap((e) => Object.keys(e.headers)));
    expect(names).toEqual(new Set(Object.keys(DEFAULT_FORGED_HEADERS)));
    expect(DEFAULT_FORGED_HEADERS).toMatchObject({ 'Idempotent-Replayed': 'true', 'X-Idempotency-Replayed': 'true', 'X-Forwarded-For': '203.0.113.7' });
  });

  it('shrinks to the first request, sent right after it, with one header', () => {
    const failing = (e: ForgedHeadersEdit) => 'X-Forwarded-For' in e.headers; // "the service trusts X-Forwarded-For"
    const out = fc.check(fc.property(forgedHeaders({ maxAfter: 3 })(4, events)!, (e) => !failing(e)), { seed: 9, numRuns: 200 });
    expect(out.failed).toBe(true);
    expect(out.counterexample?.[0]).toEqual({ kind: 'forged-headers', exchange: 1, headers: { 'X-Forwarded-For': '203.0.113.7' }, after: 0 });
  });

  it('sends the same request again with the forged headers after the original, and nothing when the exchange is not there', () => {
    const edit: FaultEdit = { kind: 'forged-headers', exchange: 1, headers: { 'Idempotent-Replayed': 'true' }, after: 0 };
    const after = applyEdits(cleanSchedule(3), [edit]);
    expect(after.steps).toHaveLength(4);
    expect(after.steps[2]).toEqual({ kind: 'send', delivery: { exchange: 1, variant: { kind: 'forged-headers', headers: { 'Idempotent-Replayed': 'true' } } } });
    expect(describeSchedule(after, String)[2]).toContain('[same key and payload, forged Idempotent-Replayed: true]');
    const without: Schedule = { steps: [{ kind: 'send', delivery: { exchange: 0 } }] };
    expect(applyEdits(without, [edit])).toEqual(without);
    // Plain data: a saved counterexample replays from its JSON.
    const back = JSON.parse(JSON.stringify(edit)) as FaultEdit;
    expect(applyEdits(cleanSchedule(3), [back])).toEqual(after);
  });

  it('rejects a bad maxAfter', () => {
    expect(() => forgedHeaders({ maxAfter: -1 })).toThrow(/maxAfter/);
  });
});

describe('the client-API provider with forged headers', () => {
  const exchange: Exchange = {
    seq: 1,
    provider: 'payments',
    method: 'POST',
    path: '/v1/payments',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'k1', 'x-forwarded-for': '10.0.0.1' },
    body: '{"payment_id":"pay_1","amount_cents":2000,"currency":"MYR"}',
  } as unknown as Exchange;
  const tape = { header: {}, exchanges: [exchange] } as unknown as Tape;
  const routes = [{ name: 'payment', path: '/v1/payments', effect: { reference: 'body.payment_id', amount: 'body.amount_cents', currency: 'body.currency', direction: 'in' as const } }];

  it('names the defaults, or the config\'s own list, on each keyed request', () => {
    expect(clientApiProvider('payments', { routes }).interpret(exchange, tape).client?.forgedHeaders).toEqual(DEFAULT_FORGED_HEADERS);
    const own = clientApiProvider('payments', { routes, forgedHeaders: { 'X-User-Id': 'admin' } });
    expect(own.interpret(exchange, tape).client?.forgedHeaders).toEqual({ 'X-User-Id': 'admin' });
  });

  it('sends the key and body as recorded, with the forged headers replacing any of the same name', () => {
    const provider = clientApiProvider('payments', { routes });
    const signed = provider.sign(exchange, { secrets: {}, now: new Date(), url: 'http://x/v1/payments', attempt: 2 });
    const varied = provider.vary!(exchange, { kind: 'forged-headers', headers: { 'X-Forwarded-For': '203.0.113.7', 'Idempotent-Replayed': 'true' } }, signed);
    expect(varied.body.toString()).toBe(exchange.body);
    const lower = Object.fromEntries(Object.entries(varied.headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(lower['idempotency-key']).toBe('k1');
    expect(lower['x-forwarded-for']).toBe('203.0.113.7');
    expect(lower['idempotent-replayed']).toBe('true');
    expect(Object.keys(varied.headers).filter((k) => k.toLowerCase() === 'x-forwarded-for')).toHaveLength(1);
  });
});
