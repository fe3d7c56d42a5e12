import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { serveHandlers, type ServedHandlers } from '../../simulator/serve.ts';
import {
  ESCROW_DETAIL_PATH,
  ORDER_DETAIL_PATH,
  SHOPEE_TEST_SECRETS,
  shopeeApiHandlers,
  shopeeApiQuery,
  shopeeApiSign,
  type ShopeeApiData,
  type ShopeeApiCall,
} from './api.ts';

const secrets = SHOPEE_TEST_SECRETS;
const escrowResponse = {
  order_sn: '220810QSK8S7BX',
  buyer_user_name: 'buyer_1',
  order_income: { escrow_amount: 95.12, buyer_total_amount: 100.5, commission_fee: 3.02, service_fee: 2.36 },
};
const data: ShopeeApiData = {
  escrow: {
    '220810QSK8S7BX': escrowResponse,
    '220811ABCDEFGH': { order_sn: '220811ABCDEFGH', order_income: {} },
  },
  orders: { '220811ABCDEFGH': { order_sn: '220811ABCDEFGH', order_status: 'COMPLETED', total_amount: 12 } },
};

let served: ServedHandlers | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

async function start(now?: () => Date): Promise<{ baseUrl: string; log: ShopeeApiCall[] }> {
  const log: ShopeeApiCall[] = [];
  served = await serveHandlers(shopeeApiHandlers({ secrets, data, log, now }));
  return { baseUrl: served.baseUrl, log };
}

async function get(baseUrl: string, path: string, query: Record<string, string>) {
  const res = await request(`${baseUrl}${path}?${new URLSearchParams(query).toString()}`);
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

const signed = (path: string, extra: Record<string, string>, when = new Date()) => ({
  ...extra,
  ...shopeeApiQuery(secrets, path, when),
});

describe('shopeeApiSign', () => {
  it('is lowercase hex HMAC-SHA256 over partnerId + path + timestamp + token + shopId', () => {
    // Computed independently: printf '2001234/api/v2/payment/get_escrow_detail1660123127test_access_token727720655'
    //   | openssl dgst -sha256 -hmac shpk_test_4f1c2a9e
    expect(shopeeApiSign(secrets, ESCROW_DETAIL_PATH, 1660123127)).toBe(
      'b7a82b7e51d86704550c95db0302b733ff24e89ff88181d395042eb1e8192be8',
    );
  });
});

describe('get_escrow_detail', () => {
  it('answers a correctly signed call with the recorded escrow detail in Shopee’s envelope', async () => {
    const { baseUrl, log } = await start();

    const { status, body } = await get(
      baseUrl,
      ESCROW_DETAIL_PATH,
      signed(ESCROW_DETAIL_PATH, { order_sn: '220810QSK8S7BX' }),
    );

    expect(status).toBe(200);
    expect(body).toEqual({
      request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      error: '',
      message: '',
      response: escrowResponse,
    });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      method: 'GET',
      path: ESCROW_DETAIL_PATH,
      status: 200,
      query: { order_sn: '220810QSK8S7BX' },
    });
    expect(log[0]!.error).toBeUndefined();
  });

  it('refuses an unsigned call with error_sign', async () => {
    const { baseUrl, log } = await start();
    const unsigned: Record<string, string> = signed(ESCROW_DETAIL_PATH, { order_sn: '220810QSK8S7BX' });
    delete unsigned['sign'];

    const { status, body } = await get(baseUrl, ESCROW_DETAIL_PATH, unsigned);

    expect(status).toBe(403);
    expect(body).toMatchObject({ error: 'error_sign' });
    expect(body['response']).toBeUndefined();
    expect(log[0]).toMatchObject({ status: 403, error: 'error_sign' });
  });

  it('refuses a call signed with the wrong partner key with error_sign', async () => {
    const { baseUrl } = await start();
    const query = {
      order_sn: '220810QSK8S7BX',
      ...shopeeApiQuery({ ...secrets, partnerKey: 'wrong' }, ESCROW_DETAIL_PATH, new Date()),
    };

    const { status, body } = await get(baseUrl, ESCROW_DETAIL_PATH, query);

    expect(status).toBe(403);
    expect(body).toMatchObject({ error: 'error_sign', message: 'Wrong sign.' });
  });

  it('refuses a sign made for another API path', async () => {
    const { baseUrl } = await start();

    const { body } = await get(
      baseUrl,
      ESCROW_DETAIL_PATH,
      signed(ORDER_DETAIL_PATH, { order_sn: '220810QSK8S7BX' }),
    );

    expect(body).toMatchObject({ error: 'error_sign' });
  });

  it('refuses a stale or future timestamp even when correctly signed', async () => {
    const { baseUrl } = await start();
    const at = (offsetS: number) => new Date(Date.now() + offsetS * 1000);

    const stale = await get(
      baseUrl,
      ESCROW_DETAIL_PATH,
      signed(ESCROW_DETAIL_PATH, { order_sn: '220810QSK8S7BX' }, at(-301)),
    );
    const future = await get(
      baseUrl,
      ESCROW_DETAIL_PATH,
      signed(ESCROW_DETAIL_PATH, { order_sn: '220810QSK8S7BX' }, at(400)),
    );
    const recent = await get(
      baseUrl,
      ESCROW_DETAIL_PATH,
      signed(ESCROW_DETAIL_PATH, { order_sn: '220810QSK8S7BX' }, at(-250)),
    );

    expect(stale.status).toBe(403);
    expect(stale.body).toMatchObject({ error: 'error_auth', message: expect.stringContaining('timestamp') });
    expect(future.body).toMatchObject({ error: 'error_auth' });
    expect(recent.status).toBe(200);
  });

  it('judges the timestamp by the server clock it is given', async () => {
    const { baseUrl } = await start(() => new Date('2022-08-10T09:20:00Z'));

    const then = await get(
      baseUrl,
      ESCROW_DETAIL_PATH,
      signed(ESCROW_DETAIL_PATH, { order_sn: '220810QSK8S7BX' }, new Date('2022-08-10T09:18:00Z')),
    );
    const today = await get(
      baseUrl,
      ESCROW_DETAIL_PATH,
      signed(ESCROW_DETAIL_PATH, { order_sn: '220810QSK8S7BX' }),
    );

    expect(then.status).toBe(200);
    expect(today.body).toMatchObject({ error: 'error_auth' });
  });

  it('refuses another shop’s token or shop id with error_auth', async () => {
    const { baseUrl } = await start();
    const other = (patch: Partial<typeof secrets>) => ({
      order_sn: '220810QSK8S7BX',
      ...shopeeApiQuery({ ...secrets, ...patch }, ESCROW_DETAIL_PATH, new Date()),
    });

    const token = await get(baseUrl, ESCROW_DETAIL_PATH, other({ accessToken: 'someone_elses' }));
    const shop = await get(baseUrl, ESCROW_DETAIL_PATH, other({ shopId: '1' }));
    const partner = await get(baseUrl, ESCROW_DETAIL_PATH, other({ partnerId: '999' }));

    expect([token.status, shop.status, partner.status]).toEqual([403, 403, 403]);
    expect(token.body).toMatchObject({ error: 'error_auth', message: 'Invalid access_token.' });
    expect(shop.body).toMatchObject({ error: 'error_auth', message: 'Invalid shop_id.' });
    expect(partner.body).toMatchObject({ error: 'error_auth', message: 'Invalid partner_id.' });
  });

  it('answers an unknown order with error_not_found and a missing one with error_param', async () => {
    const { baseUrl, log } = await start();

    const unknown = await get(baseUrl, ESCROW_DETAIL_PATH, signed(ESCROW_DETAIL_PATH, { order_sn: 'NOPE' }));
    const missing = await get(baseUrl, ESCROW_DETAIL_PATH, signed(ESCROW_DETAIL_PATH, {}));

    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      error: 'error_not_found',
      message: expect.stringContaining('NOPE'),
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'error_param' });
    expect(log.map((c) => c.error)).toEqual(['error_not_found', 'error_param']);
  });
});

describe('get_order_detail', () => {
  it('answers known orders, deriving a COMPLETED entry from escrow when no order was recorded', async () => {
    const { baseUrl } = await start();

    const { status, body } = await get(
      baseUrl,
      ORDER_DETAIL_PATH,
      signed(ORDER_DETAIL_PATH, { order_sn_list: '220810QSK8S7BX,220811ABCDEFGH' }),
    );

    expect(status).toBe(200);
    expect(body).toMatchObject({ error: '', message: '' });
    expect(body['warning']).toBeUndefined();
    expect(body['response']).toEqual({
      order_list: [
        {
          order_sn: '220810QSK8S7BX',
          region: 'MY',
          currency: 'MYR',
          order_status: 'COMPLETED',
          buyer_username: 'buyer_1',
          total_amount: 100.5,
        },
        data.orders!['220811ABCDEFGH'],
      ],
    });
  });

  it('derives the entry in the recorded shop’s region and currency', async () => {
    const log: ShopeeApiCall[] = [];
    served = await serveHandlers(shopeeApiHandlers({ secrets, data: { ...data, shop: { region: 'VN', currency: 'VND' } }, log }));
    const { body } = await get(served.baseUrl, ORDER_DETAIL_PATH, signed(ORDER_DETAIL_PATH, { order_sn_list: '220810QSK8S7BX' }));
    expect((body['response'] as { order_list: unknown[] }).order_list).toEqual([
      expect.objectContaining({ order_sn: '220810QSK8S7BX', region: 'VN', currency: 'VND' }),
    ]);
  });

  it('answers a partly unknown list with the known orders and a warning', async () => {
    const { baseUrl } = await start();

    const { status, body } = await get(
      baseUrl,
      ORDER_DETAIL_PATH,
      signed(ORDER_DETAIL_PATH, { order_sn_list: 'NOPE,220811ABCDEFGH' }),
    );

    expect(status).toBe(200);
    expect(body['warning']).toContain('NOPE');
    expect((body['response'] as { order_list: unknown[] }).order_list).toHaveLength(1);
  });

  it('answers only unknown orders with error_not_found', async () => {
    const { baseUrl } = await start();

    const { status, body } = await get(
      baseUrl,
      ORDER_DETAIL_PATH,
      signed(ORDER_DETAIL_PATH, { order_sn_list: 'A,B' }),
    );

    expect(status).toBe(404);
    expect(body).toMatchObject({ error: 'error_not_found' });
  });

  it('accepts 50 order numbers and refuses 51 or none with error_param', async () => {
    const { baseUrl } = await start();
    const list = (n: number) =>
      ['220810QSK8S7BX', ...Array.from({ length: n - 1 }, (_, i) => `X${i}`)].join(',');

    const fifty = await get(
      baseUrl,
      ORDER_DETAIL_PATH,
      signed(ORDER_DETAIL_PATH, { order_sn_list: list(50) }),
    );
    const fiftyOne = await get(
      baseUrl,
      ORDER_DETAIL_PATH,
      signed(ORDER_DETAIL_PATH, { order_sn_list: list(51) }),
    );
    const none = await get(baseUrl, ORDER_DETAIL_PATH, signed(ORDER_DETAIL_PATH, { order_sn_list: '' }));

    expect(fifty.status).toBe(200);
    expect(fiftyOne.status).toBe(400);
    expect(fiftyOne.body).toMatchObject({ error: 'error_param' });
    expect(none.body).toMatchObject({ error: 'error_param' });
  });

  it('refuses an unsigned call with error_sign', async () => {
    const { baseUrl } = await start();

    const { status, body } = await get(baseUrl, ORDER_DETAIL_PATH, { order_sn_list: '220810QSK8S7BX' });

    expect(status).toBe(403);
    expect(body).toMatchObject({ error: 'error_sign' });
  });
});
