import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiSignature, pushSignature, verifyPushSignature } from './signature.ts';

// Shopee publishes the algorithm but no worked example with its output. These vectors were
// computed outside this code with the OpenSSL CLI, e.g.
//   printf '%s' "https://merchant.example.my/webhooks/shopee|$BODY" | openssl dgst -sha256 -hmac shpk_test_4f1c2a9e
// and the API one also with Python's hmac module.
const KEY = 'shpk_test_4f1c2a9e';
// The order status push Shopee Open Platform's push documentation shows.
const DOC_PUSH =
  '{"data":{"items":[],"ordersn":"220810QSK8S7BX","status":"PROCESSED","completed_scenario":"","update_time":1660123127},"shop_id":727720655,"code":3,"timestamp":1660123127}';

describe('shopee pushSignature', () => {
  it('matches the OpenSSL vector for the documented push and a public callback URL', () => {
    expect(pushSignature('https://merchant.example.my/webhooks/shopee', DOC_PUSH, KEY)).toBe(
      '12fe0a679582fbf5e61f5e58f074b7dc8485fce71ea059016dce6ff2fca3fafc',
    );
  });

  it('signs the URL too: the same body to a loopback URL has another vector', () => {
    expect(pushSignature('http://127.0.0.1:43117/webhooks/shopee', Buffer.from(DOC_PUSH), KEY)).toBe(
      '657c7259a744c8bbb345023bfd5886fd6aba3f4d11414e88186072c339210c93',
    );
  });

  it('agrees with a direct node:crypto HMAC over url|body (cross-check)', () => {
    const url = 'http://127.0.0.1:1/webhooks/shopee';
    const body = '{"code":4,"data":{"ordersn":"X","tracking_no":"SPXMY0001"}}';
    const direct = createHmac('sha256', KEY).update(`${url}|${body}`).digest('hex');
    expect(pushSignature(url, body, KEY)).toBe(direct);
  });

  it('verifies its own signature and rejects a changed body, URL, key or a garbage header', () => {
    const url = 'http://127.0.0.1:43117/webhooks/shopee';
    const sig = '657c7259a744c8bbb345023bfd5886fd6aba3f4d11414e88186072c339210c93';
    expect(verifyPushSignature(url, DOC_PUSH, KEY, sig)).toBe(true);
    expect(verifyPushSignature(url, DOC_PUSH, KEY, sig.toUpperCase())).toBe(true);
    expect(verifyPushSignature(url, DOC_PUSH.replace('PROCESSED', 'COMPLETED'), KEY, sig)).toBe(false);
    expect(verifyPushSignature(`${url}/`, DOC_PUSH, KEY, sig)).toBe(false);
    expect(verifyPushSignature(url, DOC_PUSH, 'other', sig)).toBe(false);
    expect(verifyPushSignature(url, DOC_PUSH, KEY, 'not-hex')).toBe(false);
  });
});

describe('shopee apiSignature', () => {
  it('matches the OpenSSL/Python vector for a shop API call', () => {
    expect(
      apiSignature({
        partnerId: '2001234',
        apiPath: '/api/v2/payment/get_escrow_detail',
        timestamp: 1660123127,
        accessToken: 'test_access_token',
        shopId: 727720655,
        partnerKey: KEY,
      }),
    ).toBe('b7a82b7e51d86704550c95db0302b733ff24e89ff88181d395042eb1e8192be8');
  });

  it('treats numeric and string ids alike', () => {
    const base = { apiPath: '/api/v2/order/get_order_detail', timestamp: 1, accessToken: 't', partnerKey: KEY };
    expect(apiSignature({ ...base, partnerId: 2001234, shopId: 727720655 })).toBe(
      apiSignature({ ...base, partnerId: '2001234', shopId: '727720655' }),
    );
  });
});
