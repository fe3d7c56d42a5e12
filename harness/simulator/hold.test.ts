import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { Tape } from '../tape/schema.ts';
import { ESCROW_DETAIL_PATH, SHOPEE_TEST_SECRETS, shopeeApi, shopeeApiQuery } from '../providers/shopee/api.ts';
import { createUpstream, type RunningUpstream } from './serve.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const tape: Tape = {
  header: { format: 'idemgate-tape', version: 1, name: 'hold', createdAt: '2026-01-01T00:00:00Z', upstream: { shopee: { escrow: { SN1: { order_sn: 'SN1' } } } } },
  exchanges: [],
};

const escrow = (upstream: RunningUpstream) =>
  request(
    `${upstream.env['SHOPEE_API_BASE']}${ESCROW_DETAIL_PATH}?${new URLSearchParams({ order_sn: 'SN1', ...shopeeApiQuery(SHOPEE_TEST_SECRETS, ESCROW_DETAIL_PATH, new Date()) }).toString()}`,
  ).then(async (res) => {
    await res.body.dump();
    return res.statusCode;
  });

describe('holding the next upstream call (the crash-restart fault kills the target there)', () => {
  it('tells when the call arrived and answers it only once released; later calls are not held', async () => {
    const upstream = await createUpstream({ apis: [shopeeApi], tape });
    closers.push(upstream.close);
    const hold = upstream.holdNextCall();
    const order: string[] = [];

    const first = escrow(upstream).then((s) => order.push(`answered ${s}`));
    await hold.called;
    order.push('called');
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['called']);
    expect(upstream.inFlight()).toBe(1);
    hold.release();
    await first;

    expect(order).toEqual(['called', 'answered 200']);
    expect(await escrow(upstream)).toBe(200);
  });

  it('is let go by release before any call and by a reset', async () => {
    const upstream = await createUpstream({ apis: [shopeeApi], tape });
    closers.push(upstream.close);
    upstream.holdNextCall().release();
    expect(await escrow(upstream)).toBe(200);
    upstream.holdNextCall();
    upstream.reset();
    expect(await escrow(upstream)).toBe(200);
  });
});
