import { describe, expect, it } from 'vitest';
import type { SigningContext } from '../provider.ts';
import { caught, tapeOf } from '../_internals/test-tape.ts';
import { shopeePush } from './push.ts';
import { pushSignature } from './signature.ts';

const statusPush = (ordersn: string, status: string, updateTime: number, timestamp = updateTime + 1) =>
  `{"data":{"items":[],"ordersn":"${ordersn}","status":"${status}","completed_scenario":"","update_time":${updateTime}},"shop_id":727720655,"code":3,"timestamp":${timestamp}}`;

const escrow = {
  shopee: {
    escrow: {
      '260309AB12CD34': {
        order_sn: '260309AB12CD34',
        buyer_user_name: 'nurul.h',
        order_income: { escrow_amount: 95.12, buyer_total_amount: 100.5, commission_fee: 3.02, service_fee: 2.36 },
      },
    },
  },
};

describe('shopeePush.describe', () => {
  it('identifies a status push by shop, order, status and update_time, ranking the status', () => {
    const tape = tapeOf('shopee', '/webhooks/shopee', [statusPush('260309AB12CD34', 'PROCESSED', 1773050000)]);
    expect(shopeePush.interpret(tape.exchanges[0]!, tape)).toEqual({
      provider: 'shopee',
      identity: '727720655:260309AB12CD34:PROCESSED:1773050000',
      entity: { entity: '260309AB12CD34', status: 'PROCESSED', rank: 2, time: 1773050000_000 },
    });
  });

  it('gives a redelivery (new top-level timestamp) the same identity, and a later status another', () => {
    const tape = tapeOf('shopee', '/webhooks/shopee', [
      statusPush('A1', 'SHIPPED', 1773050000, 1773050001),
      statusPush('A1', 'SHIPPED', 1773050000, 1773050090),
      statusPush('A1', 'TO_CONFIRM_RECEIVE', 1773060000),
    ]);
    const [a, b, c] = tape.exchanges.map((x) => shopeePush.interpret(x, tape));
    expect(a!.identity).toBe(b!.identity);
    expect(c!.identity).not.toBe(a!.identity);
    expect(c!.entity?.rank).toBe(4);
  });

  it('posts the escrow amount from the tape header when the order completes', () => {
    const tape = tapeOf('shopee', '/webhooks/shopee', [statusPush('260309AB12CD34', 'COMPLETED', 1773300000)], {
      upstream: escrow,
    });
    const event = shopeePush.interpret(tape.exchanges[0]!, tape);
    expect(event.effect).toEqual({ reference: '260309AB12CD34', amountMinor: 9512, currency: 'MYR', direction: 'in' });
    expect(event.entity).toMatchObject({ status: 'COMPLETED', rank: 5 });
  });

  it('reads escrow in the shop currency from the tape header: a VND order is credited in dong (0 decimals)', () => {
    const tape = tapeOf('shopee', '/webhooks/shopee', [statusPush('260309VN000001', 'COMPLETED', 1773300000)], {
      upstream: {
        shopee: {
          region: 'VN',
          currency: 'VND',
          escrow: {
            '260309VN000001': {
              order_sn: '260309VN000001',
              order_income: { escrow_amount: 235000, buyer_total_amount: 250000, commission_fee: 10000, service_fee: 5000 },
            },
          },
        },
      },
    });
    const event = shopeePush.interpret(tape.exchanges[0]!, tape);
    expect(event.effect).toEqual({ reference: '260309VN000001', amountMinor: 235000, currency: 'VND', direction: 'in' });
  });

  it('fails naming the currency when the tape header names one without ISO 4217 minor units', () => {
    const tape = tapeOf('shopee', '/webhooks/shopee', [statusPush('260309AB12CD34', 'COMPLETED', 1773300000)], {
      upstream: { shopee: { ...escrow.shopee, currency: 'XYZ' } },
    });
    const error = caught(() => shopeePush.interpret(tape.exchanges[0]!, tape));
    expect(error.code).toBe('PROVIDER_BAD_EXCHANGE');
    expect(error.message).toContain('"XYZ"');
  });

  it('has no effect for cancellation statuses', () => {
    const tape = tapeOf('shopee', '/webhooks/shopee', [
      statusPush('C1', 'IN_CANCEL', 1773050000),
      statusPush('C1', 'CANCELLED', 1773050600),
    ]);
    const [inCancel, cancelled] = tape.exchanges.map((x) => shopeePush.interpret(x, tape));
    expect(inCancel).toMatchObject({ entity: { status: 'IN_CANCEL', rank: 5 } });
    expect(cancelled).toMatchObject({ entity: { status: 'CANCELLED', rank: 6 } });
    expect(inCancel!.effect).toBeUndefined();
    expect(cancelled!.effect).toBeUndefined();
  });

  it('ranks PENDING (a paid order Shopee holds, for opted-in shops) with UNPAID, ordered by update_time, with no effect', () => {
    const tape = tapeOf('shopee', '/webhooks/shopee', [
      statusPush('P1', 'UNPAID', 1773050000),
      statusPush('P1', 'PENDING', 1773050300),
      statusPush('P1', 'READY_TO_SHIP', 1773053000),
    ]);
    const [unpaid, pending, ready] = tape.exchanges.map((x) => shopeePush.interpret(x, tape));
    expect(pending).toEqual({
      provider: 'shopee',
      identity: '727720655:P1:PENDING:1773050300',
      entity: { entity: 'P1', status: 'PENDING', rank: 0, time: 1773050300_000 },
    });
    expect(pending!.entity!.rank).toBe(unpaid!.entity!.rank);
    expect(pending!.entity!.time).toBeGreaterThan(unpaid!.entity!.time);
    expect(ready!.entity!.rank).toBeGreaterThan(pending!.entity!.rank);
  });

  it('replays a status it does not know with no expected effect and no status, grouped with its order', () => {
    const tape = tapeOf('shopee', '/webhooks/shopee', [
      statusPush('A1', 'LOST_IN_SPACE', 1773050000),
      statusPush('A1', 'LOST_IN_SPACE', 1773050000, 1773050099),
    ]);
    const [first, redelivery] = tape.exchanges.map((x) => shopeePush.interpret(x, tape));
    expect(first).toEqual({
      provider: 'shopee',
      identity: '727720655:A1:LOST_IN_SPACE:1773050000',
      group: 'A1',
      unmodelled: 'shopee order status LOST_IN_SPACE',
    });
    expect(redelivery!.identity).toBe(first!.identity);
  });

  it('fails naming file, seq and the header path when a COMPLETED order has no escrow', () => {
    const tape = tapeOf(
      'shopee',
      '/webhooks/shopee',
      [statusPush('A1', 'UNPAID', 1), statusPush('NOPE000000', 'COMPLETED', 1773300000)],
      { upstream: escrow, file: 'fixtures/tapes/shopee.jsonl' },
    );
    const error = caught(() => shopeePush.interpret(tape.exchanges[1]!, tape));
    expect(error.code).toBe('PROVIDER_BAD_EXCHANGE');
    expect(error.message).toContain('fixtures/tapes/shopee.jsonl seq 2');
    expect(error.message).toContain('header.upstream.shopee.escrow["NOPE000000"]');
    expect(error.details).toMatchObject({ file: 'fixtures/tapes/shopee.jsonl', seq: 2 });
  });

  it('identifies a tracking number push by its tracking number, groups it with its order, no status or effect', () => {
    const body =
      '{"data":{"ordersn":"A1","package_number":"OFG1234567","tracking_no":"SPXMY04123456789"},"shop_id":727720655,"code":4,"timestamp":1773050000}';
    const tape = tapeOf('shopee', '/webhooks/shopee', [body]);
    expect(shopeePush.interpret(tape.exchanges[0]!, tape)).toEqual({
      provider: 'shopee',
      identity: '727720655:A1:tracking:SPXMY04123456789',
      group: 'A1',
    });
  });

  it('gives other push codes an identity that ignores the push timestamp', () => {
    const a = '{"data":{"shop_id":1,"success":1},"code":1,"timestamp":100}';
    const b = '{"data":{"shop_id":1,"success":1},"code":1,"timestamp":200}';
    const c = '{"data":{"shop_id":2,"success":1},"code":1,"timestamp":100}';
    const tape = tapeOf('shopee', '/webhooks/shopee', [a, b, c]);
    const [x, y, z] = tape.exchanges.map((e) => shopeePush.interpret(e, tape));
    expect(x!.identity).toBe(y!.identity);
    expect(x!.identity).not.toBe(z!.identity);
    expect(x!.entity).toBeUndefined();
  });

  it.each([
    ['not JSON', 'ordersn=1', /not valid JSON/],
    ['an array', '[1]', /not a JSON object/],
    ['no code', '{"data":{}}', /no numeric "code"/],
    ['no ordersn', '{"data":{"status":"UNPAID","update_time":1},"shop_id":1,"code":3}', /data\.ordersn/],
    ['no update_time', '{"data":{"ordersn":"A1","status":"UNPAID"},"shop_id":1,"code":3}', /update_time/],
    ['a tracking push without tracking_no', '{"data":{"ordersn":"A1"},"shop_id":1,"code":4}', /tracking_no/],
  ])('rejects a body that is %s with PROVIDER_BAD_EXCHANGE', (_label, body, message) => {
    const tape = tapeOf('shopee', '/webhooks/shopee', [body]);
    const error = caught(() => shopeePush.interpret(tape.exchanges[0]!, tape));
    expect(error.code).toBe('PROVIDER_BAD_EXCHANGE');
    expect(error.message).toMatch(/^test\.jsonl seq 1: shopee: /);
    expect(error.message).toMatch(message);
  });
});

describe('shopeePush.sign', () => {
  const url = 'http://127.0.0.1:43117/webhooks/shopee';
  const ctx = (attempt: number): SigningContext => ({
    secrets: { partnerId: '2001234', partnerKey: 'shpk_test_4f1c2a9e', shopId: '727720655', accessToken: 't' },
    now: new Date('2026-11-25T00:00:00Z'),
    url,
    attempt,
  });
  const recorded = statusPush('220810QSK8S7BX', 'PROCESSED', 1660123127, 1660123127);
  const tape = tapeOf('shopee', '/webhooks/shopee', [recorded], {
    headers: { 'Content-Type': 'application/json', Authorization: 'recorded-sig', Host: 'merchant.example.my' },
  });

  it('sends the recorded bytes on the first attempt, signed over the replay URL', () => {
    const signed = shopeePush.sign(tape.exchanges[0]!, ctx(1));
    expect(signed.body.toString('utf8')).toBe(recorded);
    // OpenSSL vector for this URL and body (see signature.test.ts).
    expect(signed.headers['authorization']).toBe('657c7259a744c8bbb345023bfd5886fd6aba3f4d11414e88186072c339210c93');
    expect(signed.headers['content-type']).toBe('application/json');
    expect(signed.headers['host']).toBeUndefined();
    expect(Object.keys(signed.headers).filter((h) => h.toLowerCase() === 'authorization')).toHaveLength(1);
  });

  it('advances the top-level timestamp by attempt−1 seconds on redelivery, keeping key order', () => {
    const signed = shopeePush.sign(tape.exchanges[0]!, ctx(3));
    const body = signed.body.toString('utf8');
    expect(body).toBe(recorded.replace('"timestamp":1660123127', '"timestamp":1660123129'));
    expect(body).toContain('"update_time":1660123127');
    // OpenSSL vector over the rewritten body.
    expect(signed.headers['authorization']).toBe('f23a1799ada7776139f2e7025908ac25a1d9514469028d6d20ba59470e23dd85');
    expect(signed.headers['authorization']).toBe(pushSignature(url, body, 'shpk_test_4f1c2a9e'));
  });

  it('fails with SIGNING_FAILED when the partner key is not configured', () => {
    const error = caught(() => shopeePush.sign(tape.exchanges[0]!, { ...ctx(1), secrets: {} }));
    expect(error.code).toBe('SIGNING_FAILED');
    expect(error.message).toContain('partnerKey');
  });
});

describe('shopeePush.acknowledged', () => {
  it('takes any 2xx as an acknowledgement', () => {
    expect(shopeePush.acknowledged({ status: 200, body: '' })).toBe(true);
    expect(shopeePush.acknowledged({ status: 204, body: '' })).toBe(true);
    expect(shopeePush.acknowledged({ status: 409, body: '' })).toBe(false);
    expect(shopeePush.acknowledged({ status: 500, body: '' })).toBe(false);
    expect(shopeePush.acknowledged({ status: 401, body: '' })).toBe(false);
  });
});
