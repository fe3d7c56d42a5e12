import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createUpstream, serveHandlers, type RunningUpstream, type ServedHandlers } from './serve.ts';
import { createPspState, IDEMPOTENCY_KEY_TTL_MS, PSP_TEST_SECRET_KEY, pspApiHandlers, type PspState } from './psp-api.ts';
import { ESCROW_DETAIL_PATH, SHOPEE_TEST_SECRETS, shopeeApiQuery } from './shopee-api.ts';

let served: ServedHandlers | undefined;
let upstream: RunningUpstream | undefined;
afterEach(async () => {
  await served?.close();
  await upstream?.close();
  served = undefined;
  upstream = undefined;
});

async function startPsp(extra: Partial<Parameters<typeof pspApiHandlers>[0]> = {}): Promise<{ base: string; state: PspState }> {
  const state = createPspState();
  served = await serveHandlers(pspApiHandlers({ secretKey: PSP_TEST_SECRET_KEY, state, ...extra }));
  return { base: served.baseUrl, state };
}

async function post(base: string, path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await request(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PSP_TEST_SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies of many shapes, read field by field
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Record<string, any> };
}

const charge = { amount: '15000', currency: 'myr', confirm: 'true', 'metadata[order_ref]': 'ord_1' };

describe('PSP API', () => {
  it('creates a confirmed payment intent in Stripe’s shape and books it in its ledger', async () => {
    const { base, state } = await startPsp();
    const res = await post(base, '/v1/payment_intents', charge);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'payment_intent', amount: 15000, amount_received: 15000, currency: 'myr', status: 'succeeded', metadata: { order_ref: 'ord_1' } });
    expect(res.body['id']).toMatch(/^pi_[0-9a-f]{24}$/);
    expect(state.ledger).toEqual([expect.objectContaining({ kind: 'charge', id: res.body['id'], amountMinor: 15000 })]);
  });

  it('refuses a missing or wrong secret key with 401 and a Stripe error body', async () => {
    const { base, state } = await startPsp();
    const none = await request(`${base}/v1/payment_intents`, { method: 'POST', body: 'amount=1&currency=myr' });
    const wrong = await post(base, '/v1/payment_intents', charge, { authorization: 'Bearer sk_test_someone_else' });
    const basic = await post(base, '/v1/payment_intents', charge, { authorization: `Basic ${Buffer.from(`${PSP_TEST_SECRET_KEY}:`).toString('base64')}` });
    expect(none.statusCode).toBe(401);
    expect(await none.body.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('API key') } });
    expect(wrong.status).toBe(401);
    expect(basic.status).toBe(200);
    expect(state.ledger).toHaveLength(1);
  });

  it('replays the stored answer for the same key and parameters, once charged', async () => {
    const { base, state } = await startPsp();
    const first = await post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'k1' });
    const again = await post(base, '/v1/payment_intents', { 'metadata[order_ref]': 'ord_1', currency: 'myr', confirm: 'true', amount: '15000' }, { 'idempotency-key': 'k1' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(state.ledger).toHaveLength(1);
  });

  it('answers idempotency_error for the same key with other parameters', async () => {
    const { base, state } = await startPsp();
    await post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'k1' });
    const other = await post(base, '/v1/payment_intents', { ...charge, amount: '16000' }, { 'idempotency-key': 'k1' });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ error: { type: 'idempotency_error' } });
    expect(state.ledger).toHaveLength(1);
  });

  it('stores a 500 it produced itself and replays it; does not store validation failures', async () => {
    let fail = true;
    const { base, state } = await startPsp({ internalError: () => fail });
    const first = await post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'k500' });
    fail = false;
    const replay = await post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'k500' });
    const invalid = await post(base, '/v1/payment_intents', { currency: 'myr' }, { 'idempotency-key': 'kbad' });
    const fixed = await post(base, '/v1/payment_intents', { ...charge, amount: '1' }, { 'idempotency-key': 'kbad' });
    expect([first.status, replay.status]).toEqual([500, 500]);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: { code: 'parameter_missing', param: 'amount' } });
    expect(fixed.status).toBe(200);
    expect(state.ledger.map((e) => e.amountMinor)).toEqual([1]);
  });

  it('answers 409 to a request whose key is in flight, without storing it', async () => {
    const { base, state } = await startPsp({ processingDelayMs: () => 150 });
    const [a, b] = await Promise.all([
      post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'kf' }),
      new Promise((r) => setTimeout(r, 40)).then(() => post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'kf' })),
    ]);
    const after = await post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'kf' });
    expect(a.status).toBe(200);
    expect(b.status).toBe(409);
    expect(b.body).toMatchObject({ error: { type: 'idempotency_error' } });
    expect(after.body['id']).toBe(a.body['id']);
    expect(state.ledger).toHaveLength(1);
  });

  it('forgets keys after 24 hours', async () => {
    let now = Date.parse('2026-03-16T00:00:00Z');
    const { base, state } = await startPsp({ now: () => now });
    const first = await post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'k24' });
    now += IDEMPOTENCY_KEY_TTL_MS - 1;
    const within = await post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'k24' });
    now += 1;
    const later = await post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'k24' });
    expect(within.body['id']).toBe(first.body['id']);
    expect(later.body['id']).not.toBe(first.body['id']);
    expect(state.ledger).toHaveLength(2);
  });

  it('refunds up to what was received, and refuses more', async () => {
    const { base, state } = await startPsp();
    const pi = await post(base, '/v1/payment_intents', charge);
    const part = await post(base, '/v1/refunds', { payment_intent: pi.body['id'], amount: '10000', 'metadata[refund_ref]': 'rf_1' });
    const tooMuch = await post(base, '/v1/refunds', { payment_intent: pi.body['id'], amount: '5001' });
    const unknown = await post(base, '/v1/refunds', { payment_intent: 'pi_nope' });
    const rest = await post(base, '/v1/refunds', { payment_intent: pi.body['id'] });
    expect(part.body).toMatchObject({ object: 'refund', amount: 10000, payment_intent: pi.body['id'], status: 'succeeded' });
    expect(tooMuch.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: { code: 'resource_missing' } });
    expect(rest.body).toMatchObject({ amount: 5000 });
    expect(state.ledger.map((e) => [e.kind, e.amountMinor])).toEqual([['charge', 15000], ['refund', 10000], ['refund', 5000]]);
  });
});

describe('upstream faults seen by a plain undici client', () => {
  const escrow = { SN1: { order_sn: 'SN1', order_income: { escrow_amount: 1, buyer_total_amount: 2 } } };
  const tape = { header: { format: 'idemgate-tape' as const, version: 1 as const, name: 't', createdAt: '2026-01-01T00:00:00Z', upstream: { shopee: { escrow } } }, exchanges: [] };
  const escrowUrl = (base: string) =>
    `${base}${ESCROW_DETAIL_PATH}?${new URLSearchParams({ order_sn: 'SN1', ...shopeeApiQuery(SHOPEE_TEST_SECRETS, ESCROW_DETAIL_PATH, new Date()) }).toString()}`;

  it('429 with Retry-After and Shopee’s error_too_many_request, then the real answer', async () => {
    upstream = await createUpstream({ tape });
    upstream.load([{ route: 'shopee.escrow_detail', call: 0, fault: { kind: 'throttle', retryAfterMs: 1500 } }]);
    const first = await request(escrowUrl(upstream.env['SHOPEE_API_BASE']!));
    const second = await request(escrowUrl(upstream.env['SHOPEE_API_BASE']!));
    expect(first.statusCode).toBe(429);
    expect(first.headers['retry-after']).toBe('2');
    expect(first.headers['retry-after-ms']).toBe('1500');
    expect(await first.body.json()).toMatchObject({ error: 'error_too_many_request' });
    expect(second.statusCode).toBe(200);
    await second.body.dump();
    expect(upstream.calls.map((c) => [c.fault ?? 'none', c.status, c.retryAfterMs])).toEqual([['throttle', 429, 1500], ['none', 200, undefined]]);
  });

  it('5xx for every call of an outage', async () => {
    upstream = await createUpstream({ tape });
    upstream.load([{ route: 'psp.payment_intents', call: 0, fault: { kind: 'server-error', status: 503 }, times: 2 }]);
    const base = upstream.env['PSP_API_BASE']!;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(base, '/v1/payment_intents', charge)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(upstream.psp.ledger).toHaveLength(1);
  });

  it('401 on the faulted call', async () => {
    upstream = await createUpstream({ tape });
    upstream.load([{ route: 'psp.refunds', call: 0, fault: { kind: 'unauthorized' } }]);
    const res = await post(upstream.env['PSP_API_BASE']!, '/v1/refunds', { payment_intent: 'pi_x' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('a held answer past the client timeout, still committed upstream', async () => {
    upstream = await createUpstream({ tape });
    upstream.load([{ route: 'psp.payment_intents', call: 0, fault: { kind: 'timeout', delayMs: 300 } }]);
    const call = request(`${upstream.env['PSP_API_BASE']}/v1/payment_intents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PSP_TEST_SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'kt' },
      body: new URLSearchParams(charge).toString(),
      signal: AbortSignal.timeout(100),
    });
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(upstream.psp.ledger).toHaveLength(0); // still held
    await upstream.idle();
    expect(upstream.psp.ledger).toHaveLength(1);
    // The call log keeps both views: the PSP answered 200 (and charged); the client had gone.
    const [record] = upstream.calls;
    expect(record).toMatchObject({ outcome: 'answered', status: 200 });
    expect(record!.clientGaveUpAtMs).toBeGreaterThanOrEqual(record!.startedAtMs + 90);
    expect(record!.clientGaveUpAtMs).toBeLessThan(record!.endedAtMs);
  });

  it('records no give-up for a call whose answer the client read', async () => {
    upstream = await createUpstream({ tape });
    const res = await post(upstream.env['PSP_API_BASE']!, '/v1/payment_intents', charge, { 'idempotency-key': 'kr' });
    expect(res.status).toBe(200);
    expect(upstream.calls[0]?.clientGaveUpAtMs).toBeUndefined();
  });

  it('a reset drops the connection and charges nothing; a lost answer drops it after charging', async () => {
    upstream = await createUpstream({ tape });
    upstream.load([
      { route: 'psp.payment_intents', call: 0, fault: { kind: 'reset' } },
      { route: 'psp.payment_intents', call: 1, fault: { kind: 'lost-answer' } },
    ]);
    const base = upstream.env['PSP_API_BASE']!;
    await expect(post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'a' })).rejects.toMatchObject({ code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/) });
    expect(upstream.psp.ledger).toHaveLength(0);
    await expect(post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'a' })).rejects.toMatchObject({ code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/) });
    expect(upstream.psp.ledger).toHaveLength(1);
    const retried = await post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'a' });
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(upstream.psp.ledger).toHaveLength(1);
    expect(upstream.calls.map((c) => c.outcome)).toEqual(['dropped', 'dropped', 'answered']);
  });
});
