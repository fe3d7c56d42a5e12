import { afterEach, describe, expect, it } from 'vitest';
import { createUpstream, serveHandlers, type ServedHandlers } from '../../simulator/serve.ts';
import { tapeOf } from '../_internals/test-tape.ts';
import { parseAc } from './ac.ts';
import { FPX_AE_PATH, fpxAeApi, fpxEnquiryHandlers, type FpxEnquiryCall } from './ae-api.ts';
import { checksumSource, verifyChecksum } from './checksum.ts';
import { loadFpxTestKeys } from './test-keys.ts';

const keys = loadFpxTestKeys();
const APPROVED = {
  fpx_msgType: 'AC',
  fpx_msgToken: '01',
  fpx_fpxTxnId: '2603130915070042',
  fpx_sellerExId: 'EX00011235',
  fpx_sellerExOrderNo: 'ORD-20260313-2002',
  fpx_fpxTxnTime: '20260313091507',
  fpx_sellerTxnTime: '20260313091431',
  fpx_sellerOrderNo: 'ORD-20260313-2002',
  fpx_sellerId: 'SE00054321',
  fpx_txnCurrency: 'MYR',
  fpx_txnAmount: '150.00',
  fpx_buyerBankId: 'MB2U0227',
  fpx_buyerBankBranch: 'MAYBANK2U',
  fpx_buyerName: 'AHMAD BIN ALI',
  fpx_buyerId: '',
  fpx_makerName: '',
  fpx_buyerIban: '',
  fpx_debitAuthCode: '00',
  fpx_debitAuthNo: '18273645',
  fpx_creditAuthCode: '00',
  fpx_creditAuthNo: '9988776655',
};
const ae = (over: Record<string, string> = {}) =>
  new URLSearchParams({
    fpx_msgType: 'AE',
    fpx_msgToken: '01',
    fpx_sellerExId: 'EX00011235',
    fpx_sellerExOrderNo: 'ORD-20260313-2002',
    fpx_sellerTxnTime: '20260313091431',
    fpx_sellerOrderNo: 'ORD-20260313-2002',
    fpx_sellerId: 'SE00054321',
    fpx_txnCurrency: 'MYR',
    fpx_txnAmount: '150.00',
    fpx_buyerBankId: 'MB2U0227',
    fpx_checkSum: 'AB12CD',
    ...over,
  }).toString();

let served: ServedHandlers | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

async function enquire(body: string, log: FpxEnquiryCall[] = []) {
  served ??= await serveHandlers(
    fpxEnquiryHandlers({ privateKeyPem: keys.privateKeyPem, answers: { 'ORD-20260313-2002': APPROVED }, log }),
  );
  const response = await fetch(`${served.baseUrl}${FPX_AE_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return { status: response.status, text: await response.text() };
}

describe('simulated FPX AE status enquiry', () => {
  it('answers a known order with its recorded AC, signed with the FPX key', async () => {
    const log: FpxEnquiryCall[] = [];
    const { status, text } = await enquire(ae(), log);
    expect(status).toBe(200);
    const ac = parseAc(text);
    expect({ ...ac, fpx_checkSum: undefined }).toEqual({ ...APPROVED, fpx_checkSum: undefined });
    expect(verifyChecksum(checksumSource(ac), ac['fpx_checkSum']!, keys.publicKeyPem)).toBe(true);
    expect(log).toMatchObject([{ sellerOrderNo: 'ORD-20260313-2002', status: 200, debitAuthCode: '00' }]);
  });

  it.each([
    ['an unknown order', { fpx_sellerOrderNo: 'ORD-NOPE', fpx_sellerExOrderNo: 'ORD-NOPE' }],
    ['an amount that is not the transaction', { fpx_txnAmount: '15.00' }],
  ])('answers %s with a signed 76 AC without a transaction id', async (_label, over) => {
    const { status, text } = await enquire(ae(over));
    expect(status).toBe(200);
    const ac = parseAc(text);
    expect(ac).toMatchObject({ fpx_msgType: 'AC', fpx_debitAuthCode: '76', fpx_fpxTxnId: '', fpx_sellerOrderNo: (over as Record<string, string>)['fpx_sellerOrderNo'] ?? 'ORD-20260313-2002' });
    expect(verifyChecksum(checksumSource(ac), ac['fpx_checkSum']!, keys.publicKeyPem)).toBe(true);
  });

  it.each([
    ['a missing seller order number', { fpx_sellerOrderNo: '' }, /missing fpx_sellerOrderNo/],
    ['no checksum', { fpx_checkSum: '' }, /missing fpx_checkSum/],
    ['an AC instead of an AE', { fpx_msgType: 'AC' }, /expected "AE"/],
    ['a checksum that is not hex', { fpx_checkSum: 'xyz' }, /not hex/],
  ])('refuses %s with 400', async (_label, over, message) => {
    const log: FpxEnquiryCall[] = [];
    const { status, text } = await enquire(ae(over), log);
    expect(status).toBe(400);
    expect(text).toMatch(message);
    expect(log[0]).toMatchObject({ status: 400 });
  });

  it('is composed into createUpstream from header.upstream.fpx.enquiry, with FPX_AE_BASE for the target', async () => {
    const tape = tapeOf('fpx', '/webhooks/fpx/direct-ac', [], { upstream: { fpx: { enquiry: { 'ORD-20260313-2002': APPROVED } } } });
    const upstream = await createUpstream({ apis: [fpxAeApi], tape, secrets: { fpx: keys } });
    try {
      expect(upstream.env['FPX_AE_BASE']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${upstream.env['FPX_AE_BASE']}${FPX_AE_PATH}`, { method: 'POST', body: ae() });
      expect(parseAc(await response.text())['fpx_debitAuthCode']).toBe('00');
      expect(upstream.state(fpxAeApi).enquiries).toHaveLength(1);
      upstream.reset();
      expect(upstream.state(fpxAeApi).enquiries).toHaveLength(0);
    } finally {
      await upstream.close();
    }
  });

  it('refuses a malformed header.upstream.fpx.enquiry with TAPE_INVALID', async () => {
    const tape = tapeOf('fpx', '/x', [], { upstream: { fpx: { enquiry: { 'ORD-1': { fpx_sellerOrderNo: 'ORD-2' } } } } });
    await expect(createUpstream({ apis: [fpxAeApi], tape })).rejects.toMatchObject({ code: 'TAPE_INVALID', message: /ORD-1.*fpx_sellerOrderNo "ORD-2"/ });
  });
});
