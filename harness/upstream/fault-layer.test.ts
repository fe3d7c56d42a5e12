import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { PSP_TEST_SECRET_KEY, pspApi } from '../providers/psp/api.ts';
import { ESCROW_DETAIL_PATH, SHOPEE_TEST_SECRETS, shopeeApi, shopeeApiQuery } from '../providers/shopee/api.ts';
import { createFaultLayer } from './fault-layer.ts';
import { createUpstream, type RunningUpstream } from '../simulator/serve.ts';
import { CHARGE_FORM as charge, pspPost as post } from '../providers/psp/_testing/psp-client.ts';

let upstream: RunningUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});


describe('upstream faults seen by a plain undici client', () => {
  const escrow = { SN1: { order_sn: 'SN1', order_income: { escrow_amount: 1, buyer_total_amount: 2 } } };
  const tape = { header: { format: 'idemgate-tape' as const, version: 1 as const, name: 't', createdAt: '2026-01-01T00:00:00Z', upstream: { shopee: { escrow } } }, exchanges: [] };
  const escrowUrl = (base: string) =>
    `${base}${ESCROW_DETAIL_PATH}?${new URLSearchParams({ order_sn: 'SN1', ...shopeeApiQuery(SHOPEE_TEST_SECRETS, ESCROW_DETAIL_PATH, new Date()) }).toString()}`;

  it('429 with Retry-After and Shopee’s error_too_many_request, then the real answer', async () => {
    upstream = await createUpstream({ apis: [shopeeApi, pspApi], tape });
    upstream.use(createFaultLayer({ upstream, plan: [{ route: 'shopee.escrow_detail', call: 0, fault: { kind: 'throttle', retryAfterMs: 1500 } }] }));
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

  it('on a target whose clocks run timeScale times faster, Retry-After is said in its time', async () => {
    // 60 ms of test time is 12 s for a target at scale 0.005: waiting what the headers say × 0.005 waits ≥ 60 ms.
    upstream = await createUpstream({ apis: [shopeeApi, pspApi], tape });
    upstream.use(createFaultLayer({ upstream, timeScale: 0.005, plan: [{ route: 'shopee.escrow_detail', call: 0, fault: { kind: 'throttle', retryAfterMs: 60 } }] }));
    const first = await request(escrowUrl(upstream.env['SHOPEE_API_BASE']!));
    await first.body.dump();
    expect(first.headers['retry-after']).toBe('12');
    expect(first.headers['retry-after-ms']).toBe('12000');
    // The call log (what the invariants judge) stays in test time.
    expect(upstream.calls[0]!.retryAfterMs).toBe(60);
  });

  it('5xx for every call of an outage', async () => {
    upstream = await createUpstream({ apis: [shopeeApi, pspApi], tape });
    upstream.use(createFaultLayer({ upstream, plan: [{ route: 'psp.payment_intents', call: 0, fault: { kind: 'server-error', status: 503 }, times: 2 }] }));
    const base = upstream.env['PSP_API_BASE']!;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(base, '/v1/payment_intents', charge)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(upstream.state(pspApi).ledger).toHaveLength(1);
  });

  it('401 on the faulted call', async () => {
    upstream = await createUpstream({ apis: [shopeeApi, pspApi], tape });
    upstream.use(createFaultLayer({ upstream, plan: [{ route: 'psp.refunds', call: 0, fault: { kind: 'unauthorized' } }] }));
    const res = await post(upstream.env['PSP_API_BASE']!, '/v1/refunds', { payment_intent: 'pi_x' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('a held answer past the client timeout, still committed upstream', async () => {
    upstream = await createUpstream({ apis: [shopeeApi, pspApi], tape });
    upstream.use(createFaultLayer({ upstream, plan: [{ route: 'psp.payment_intents', call: 0, fault: { kind: 'timeout', delayMs: 300 } }] }));
    const call = request(`${upstream.env['PSP_API_BASE']}/v1/payment_intents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PSP_TEST_SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'kt' },
      body: new URLSearchParams(charge).toString(),
      signal: AbortSignal.timeout(100),
    });
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(upstream.state(pspApi).ledger).toHaveLength(0); // still held
    await upstream.idle();
    expect(upstream.state(pspApi).ledger).toHaveLength(1);
    // The call log keeps both views: the PSP answered 200 (and charged); the client had gone.
    const [record] = upstream.calls;
    expect(record).toMatchObject({ outcome: 'answered', status: 200 });
    // Gave up while the answer was held: after the call arrived, before it was written. (Not
    // "100 ms after": the client's timer starts before the server sees the call, by a margin that
    // grows with the machine's load.)
    expect(record!.clientGaveUpAtMs).toBeGreaterThanOrEqual(record!.startedAtMs);
    expect(record!.clientGaveUpAtMs).toBeLessThan(record!.endedAtMs);
  });

  it('records no give-up for a call whose answer the client read', async () => {
    upstream = await createUpstream({ apis: [shopeeApi, pspApi], tape });
    const res = await post(upstream.env['PSP_API_BASE']!, '/v1/payment_intents', charge, { 'idempotency-key': 'kr' });
    expect(res.status).toBe(200);
    expect(upstream.calls[0]?.clientGaveUpAtMs).toBeUndefined();
  });

  it('a reset drops the connection and charges nothing; a lost answer drops it after charging', async () => {
    upstream = await createUpstream({ apis: [shopeeApi, pspApi], tape });
    upstream.use(createFaultLayer({ upstream, plan: [
      { route: 'psp.payment_intents', call: 0, fault: { kind: 'reset' } },
      { route: 'psp.payment_intents', call: 1, fault: { kind: 'lost-answer' } },
    ] }));
    const base = upstream.env['PSP_API_BASE']!;
    await expect(post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'a' })).rejects.toMatchObject({ code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/) });
    expect(upstream.state(pspApi).ledger).toHaveLength(0);
    await expect(post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'a' })).rejects.toMatchObject({ code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/) });
    expect(upstream.state(pspApi).ledger).toHaveLength(1);
    const retried = await post(base, '/v1/payment_intents', charge, { 'idempotency-key': 'a' });
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(upstream.state(pspApi).ledger).toHaveLength(1);
    expect(upstream.calls.map((c) => c.outcome)).toEqual(['dropped', 'dropped', 'answered']);
  });
});
