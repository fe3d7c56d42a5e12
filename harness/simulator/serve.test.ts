import { http, HttpResponse } from 'msw';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { Tape } from '../tape/schema.ts';
import { ESCROW_DETAIL_PATH, SHOPEE_TEST_SECRETS, shopeeApi, shopeeApiQuery } from '../providers/shopee/api.ts';
import { createUpstream, serveHandlers } from './serve.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function tapeWith(upstream: Record<string, unknown> | undefined): Tape {
  return {
    header: {
      format: 'idemgate-tape',
      version: 1,
      name: 'shopee-test',
      createdAt: '2026-01-01T00:00:00Z',
      ...(upstream === undefined ? {} : { upstream }),
    },
    exchanges: [],
    file: 'fixtures/tapes/shopee-test.jsonl',
  };
}

describe('serveHandlers', () => {
  it('answers through msw handlers on a real loopback port, passing method, query, headers and body', async () => {
    const served = await serveHandlers([
      http.post('/echo/:id', async ({ request, params }) =>
        HttpResponse.json(
          {
            id: params['id'],
            q: new URL(request.url).searchParams.get('q'),
            header: request.headers.get('x-test'),
            body: await request.text(),
          },
          { status: 201, headers: { 'x-served': 'yes' } },
        ),
      ),
    ]);
    closers.push(served.close);

    const res = await request(`${served.baseUrl}/echo/7?q=1`, {
      method: 'POST',
      headers: { 'x-test': 'hello', 'content-type': 'text/plain' },
      body: 'payload',
    });

    expect(served.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-served']).toBe('yes');
    expect(await res.body.json()).toEqual({ id: '7', q: '1', header: 'hello', body: 'payload' });
  });

  it('answers 404 JSON when no handler matches', async () => {
    const served = await serveHandlers([http.get('/known', () => HttpResponse.text('ok'))]);
    closers.push(served.close);

    const res = await request(`${served.baseUrl}/unknown`);

    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/json');
    expect(await res.body.json()).toMatchObject({ message: expect.stringContaining('/unknown') });
  });

  it('answers 500 JSON when a handler throws', async () => {
    const served = await serveHandlers([
      http.get('/boom', () => {
        throw new Error('kaput');
      }),
    ]);
    closers.push(served.close);

    const res = await request(`${served.baseUrl}/boom`);

    expect(res.statusCode).toBe(500);
    expect(await res.body.json()).toMatchObject({ message: expect.stringContaining('kaput') });
  });
});

describe('createUpstream', () => {
  it('serves the escrow recorded in the tape header at SHOPEE_API_BASE and logs the calls', async () => {
    const escrow = { order_sn: 'SN1', order_income: { escrow_amount: 95.12, buyer_total_amount: 100.5 } };
    const upstream = await createUpstream({ apis: [shopeeApi], tape: tapeWith({ shopee: { escrow: { SN1: escrow } } }) });
    closers.push(upstream.close);
    const query = new URLSearchParams({
      order_sn: 'SN1',
      ...shopeeApiQuery(SHOPEE_TEST_SECRETS, ESCROW_DETAIL_PATH, new Date()),
    });

    const res = await request(`${upstream.env['SHOPEE_API_BASE']}${ESCROW_DETAIL_PATH}?${query.toString()}`);

    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ error: '', response: escrow });
    expect(upstream.state(shopeeApi).log).toEqual([
      expect.objectContaining({ method: 'GET', path: ESCROW_DETAIL_PATH, status: 200 }),
    ]);
  });

  it('checks signs with the configured Shopee secrets, defaulting the keys left out', async () => {
    const escrow = { order_sn: 'SN1', order_income: {} };
    const upstream = await createUpstream({
      apis: [shopeeApi],
      tape: tapeWith({ shopee: { escrow: { SN1: escrow } } }),
      secrets: { shopee: { partnerKey: 'shpk_other' }, stripe: { endpointSecret: 'x' } },
    });
    closers.push(upstream.close);
    const call = async (partnerKey: string) => {
      const query = new URLSearchParams({
        order_sn: 'SN1',
        ...shopeeApiQuery({ ...SHOPEE_TEST_SECRETS, partnerKey }, ESCROW_DETAIL_PATH, new Date()),
      });
      const res = await request(
        `${upstream.env['SHOPEE_API_BASE']}${ESCROW_DETAIL_PATH}?${query.toString()}`,
      );
      return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
    };

    const configured = await call('shpk_other');
    const testKey = await call(SHOPEE_TEST_SECRETS.partnerKey);

    expect(configured.status).toBe(200);
    expect(testKey.body).toMatchObject({ error: 'error_sign' });
  });

  it('starts with no recorded orders when the tape has no Shopee upstream', async () => {
    const upstream = await createUpstream({ apis: [shopeeApi], tape: tapeWith(undefined) });
    const noTape = await createUpstream({ apis: [shopeeApi] });
    closers.push(noTape.close);
    closers.push(upstream.close);
    const query = new URLSearchParams({
      order_sn: 'SN1',
      ...shopeeApiQuery(SHOPEE_TEST_SECRETS, ESCROW_DETAIL_PATH, new Date()),
    });

    const res = await request(`${upstream.env['SHOPEE_API_BASE']}${ESCROW_DETAIL_PATH}?${query.toString()}`);

    expect(res.statusCode).toBe(404);
    expect(await res.body.json()).toMatchObject({ error: 'error_not_found' });
  });

  it('rejects a malformed escrow record naming the tape file', async () => {
    await expect(createUpstream({ apis: [shopeeApi], tape: tapeWith({ shopee: { escrow: ['SN1'] } }) })).rejects.toMatchObject({
      code: 'TAPE_INVALID',
      message: expect.stringContaining('fixtures/tapes/shopee-test.jsonl'),
    });
  });
});
