import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { serveHandlers, type ServedHandlers } from '../../simulator/serve.ts';
import { createPspState, PSP_TEST_SECRET_KEY, pspApiHandlers, type PspState } from './api.ts';
import { IDEMPOTENCY_KEY_TTL_MS } from './idempotency-store.ts';
import { CHARGE_FORM as charge, pspPost as post } from './_testing/psp-client.ts';

let served: ServedHandlers | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

async function startPsp(extra: Partial<Parameters<typeof pspApiHandlers>[0]> = {}): Promise<{ base: string; state: PspState }> {
  const state = createPspState();
  served = await serveHandlers(pspApiHandlers({ secretKey: PSP_TEST_SECRET_KEY, state, ...extra }));
  return { base: served.baseUrl, state };
}


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
