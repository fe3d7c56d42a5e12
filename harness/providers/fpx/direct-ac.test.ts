import { describe, expect, it } from 'vitest';
import { caught, tapeOf } from '../_internals/test-tape.ts';
import { formatAc, parseAc } from './ac.ts';
import { checksumSource, verifyChecksum } from './checksum.ts';
import { fpxDirectAc } from './direct-ac.ts';
import { loadFpxTestKeys } from './test-keys.ts';

const keys = loadFpxTestKeys();

const ac = (over: Record<string, string> = {}): string =>
  formatAc({
    fpx_msgType: 'AC',
    fpx_msgToken: '01',
    fpx_fpxTxnId: '2603092359590417',
    fpx_sellerExId: 'EX00012345',
    fpx_sellerExOrderNo: 'ORD-20260309-0042',
    fpx_fpxTxnTime: '20260309235959',
    fpx_sellerTxnTime: '20260309235941',
    fpx_sellerOrderNo: 'ORD-20260309-0042',
    fpx_sellerId: 'SE00054321',
    fpx_txnCurrency: 'MYR',
    fpx_txnAmount: '1299.90',
    fpx_buyerBankId: 'BCBB0235',
    fpx_buyerBankBranch: 'CIMB CLICKS',
    fpx_buyerName: 'LIM WEI JIE',
    fpx_buyerId: '',
    fpx_makerName: '',
    fpx_buyerIban: '',
    fpx_debitAuthCode: '00',
    fpx_debitAuthNo: '40417123',
    fpx_creditAuthCode: '00',
    fpx_creditAuthNo: '7700123456',
    fpx_checkSum: 'RECORDED',
    ...over,
  });

const describeOne = (body: string) => {
  const tape = tapeOf('fpx', '/webhooks/fpx/direct-ac', [body]);
  return fpxDirectAc.interpret(tape.exchanges[0]!, tape);
};

describe('fpxDirectAc.describe', () => {
  it('credits an approved (00) AC once, under the FPX transaction id, at its MYT time', () => {
    expect(describeOne(ac())).toEqual({
      provider: 'fpx',
      identity: '2603092359590417:00',
      entity: {
        entity: 'ORD-20260309-0042',
        status: 'approved',
        rank: 2,
        time: Date.parse('2026-03-09T15:59:59Z'),
      },
      effect: { reference: '2603092359590417', amountMinor: 129990, currency: 'MYR', direction: 'in' },
    });
  });

  it('marks 99 (B2B pending authorisation) and 09 pending with no effect, and 99 then 00 as two events', () => {
    const pending = describeOne(ac({ fpx_msgToken: '02', fpx_debitAuthCode: '99', fpx_debitAuthNo: '' }));
    const approved = describeOne(ac({ fpx_msgToken: '02' }));
    expect(pending).toMatchObject({ entity: { status: 'pending', rank: 1 }, noEffectReference: '2603092359590417' });
    expect(pending.effect).toBeUndefined();
    expect(pending.identity).toBe('2603092359590417:99');
    expect(approved.identity).toBe('2603092359590417:00');
    expect(describeOne(ac({ fpx_debitAuthCode: '09' }))).toMatchObject({
      entity: { status: 'pending', rank: 1 },
      noEffectReference: '2603092359590417',
    });
  });

  it.each(['51', '1A', 'BC', '2X', '45', 'OE'])('marks debit auth code %s as failed with no effect', (code) => {
    const event = describeOne(ac({ fpx_debitAuthCode: code, fpx_creditAuthCode: '' }));
    expect(event.entity).toMatchObject({ status: 'failed', rank: 2 });
    expect(event.effect).toBeUndefined();
    expect(event.noEffectReference).toBe('2603092359590417');
    expect(event.identity).toBe(`2603092359590417:${code}`);
  });

  it.each([
    ['a missing transaction id', ac({ fpx_fpxTxnId: '' }), /no fpx_fpxTxnId/],
    ['a missing debit auth code', 'fpx_msgType=AC&fpx_fpxTxnId=1', /no fpx_debitAuthCode/],
    ['an AE, not an AC', ac({ fpx_msgType: 'AE' }), /fpx_msgType is "AE"/],
    ['a bad amount', ac({ fpx_txnAmount: '12.345' }), /fpx_txnAmount "12\.345"/],
    ['a bad time', ac({ fpx_fpxTxnTime: '2026-03-09' }), /fpx_fpxTxnTime "2026-03-09"/],
    ['an empty body', '', /no fpx_msgType/],
  ])('rejects %s with PROVIDER_BAD_EXCHANGE naming the seq', (_label, body, message) => {
    const error = caught(() => describeOne(body));
    expect(error.code).toBe('PROVIDER_BAD_EXCHANGE');
    expect(error.message).toMatch(/^test\.jsonl seq 1: fpx: /);
    expect(error.message).toMatch(message);
  });
});

describe('fpxDirectAc.sign', () => {
  it('recomputes fpx_checkSum with the configured key and keeps every other value', () => {
    const tape = tapeOf('fpx', '/webhooks/fpx/direct-ac', [ac()], {
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '999' },
    });
    const signed = fpxDirectAc.sign(tape.exchanges[0]!, {
      secrets: keys,
      now: new Date(),
      url: 'http://127.0.0.1:1/webhooks/fpx/direct-ac',
      attempt: 2,
    });
    const sent = parseAc(signed.body);
    const recorded = parseAc(ac());
    expect({ ...sent, fpx_checkSum: 'RECORDED' }).toEqual(recorded);
    expect(sent['fpx_checkSum']).not.toBe('RECORDED');
    expect(verifyChecksum(checksumSource(sent), sent['fpx_checkSum']!, keys.publicKeyPem)).toBe(true);
    expect(signed.headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded' });
  });

  it('fails with SIGNING_FAILED without a private key, or with a broken one', () => {
    const tape = tapeOf('fpx', '/webhooks/fpx/direct-ac', [ac()]);
    const ctx = { now: new Date(), url: 'http://127.0.0.1:1/', attempt: 1 };
    expect(caught(() => fpxDirectAc.sign(tape.exchanges[0]!, { ...ctx, secrets: {} })).code).toBe('SIGNING_FAILED');
    const broken = caught(() =>
      fpxDirectAc.sign(tape.exchanges[0]!, { ...ctx, secrets: { privateKeyPem: 'not a key' } }),
    );
    expect(broken.code).toBe('SIGNING_FAILED');
    expect(broken.message).toContain('privateKeyPem');
  });
});

describe('fpxDirectAc.acknowledged', () => {
  it('takes only a 2xx with body exactly OK as an acknowledgement', () => {
    expect(fpxDirectAc.acknowledged({ status: 200, body: 'OK' })).toBe(true);
    expect(fpxDirectAc.acknowledged({ status: 200, body: '' })).toBe(false);
    expect(fpxDirectAc.acknowledged({ status: 200, body: 'ok' })).toBe(false);
    expect(fpxDirectAc.acknowledged({ status: 500, body: 'OK' })).toBe(false);
  });
});

describe('fpxDirectAc.describe on a tape whose FPX answers status enquiries', () => {
  const answer = (code: string) => ({
    ...Object.fromEntries(new URLSearchParams(ac({ fpx_fpxTxnTime: '20260310001500' }))),
    fpx_debitAuthCode: code,
    fpx_checkSum: '',
  });
  const describeWith = (enquiry: Record<string, unknown>, body = ac({ fpx_debitAuthCode: '09' })) => {
    const tape = tapeOf('fpx', '/webhooks/fpx/direct-ac', [body], { upstream: { fpx: { enquiry } } });
    return fpxDirectAc.interpret(tape.exchanges[0]!, tape);
  };

  it('expects the credit of a 09 that the AE answer approves, under the same identity as the 09', () => {
    expect(describeWith({ 'ORD-20260309-0042': answer('00') })).toEqual({
      provider: 'fpx',
      identity: '2603092359590417:09',
      entity: { entity: 'ORD-20260309-0042', status: 'approved', rank: 2, time: Date.parse('2026-03-09T16:15:00Z') },
      effect: { reference: '2603092359590417', amountMinor: 129990, currency: 'MYR', direction: 'in' },
    });
  });

  it('expects no effect for a 09 the AE answer fails, and a still-pending answer leaves it pending', () => {
    expect(describeWith({ 'ORD-20260309-0042': answer('BC') })).toMatchObject({
      entity: { status: 'failed', rank: 2 },
      noEffectReference: '2603092359590417',
    });
    expect(describeWith({ 'ORD-20260309-0042': answer('09') })).toMatchObject({ entity: { status: 'pending', rank: 1 } });
    expect(describeWith({})).toMatchObject({ entity: { status: 'pending' }, noEffectReference: '2603092359590417' });
  });

  it('leaves final ACs as they are, and refuses an answer about another transaction', () => {
    expect(describeWith({ 'ORD-20260309-0042': answer('BC') }, ac()).effect).toBeDefined();
    const error = caught(() => describeWith({ 'ORD-20260309-0042': { ...answer('00'), fpx_fpxTxnId: '1' } }));
    expect(error.code).toBe('PROVIDER_BAD_EXCHANGE');
    expect(error.message).toMatch(/answers for fpx_fpxTxnId 1/);
  });
});
