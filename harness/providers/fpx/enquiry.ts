import { IdemgateError } from '../../errors.ts';
import type { Tape } from '../../tape/schema.ts';
import { isRecord } from '../_internals/exchange.ts';

/**
 * AE (status enquiry) fields the merchant sends and the simulated FPX requires (a `09` is resolved
 * later by an AE status enquiry, answered with an AC). A real AE carries the AR's field set; these
 * are the ones FPX needs to find the transaction.
 */
export const FPX_AE_REQUIRED_FIELDS = [
  'fpx_msgType',
  'fpx_msgToken',
  'fpx_sellerExId',
  'fpx_sellerExOrderNo',
  'fpx_sellerTxnTime',
  'fpx_sellerOrderNo',
  'fpx_sellerId',
  'fpx_txnCurrency',
  'fpx_txnAmount',
  'fpx_buyerBankId',
  'fpx_checkSum',
] as const;

/** Debit auth code FPX answers an AE with when it does not know the transaction ("Transaction Not Found"). */
export const FPX_NOT_FOUND_CODE = '76';

/** sellerOrderNo → the AC fields (no fpx_checkSum: it is signed at answer time) FPX answers an AE with. */
export type FpxEnquiryAnswers = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * Reads `header.upstream.fpx.enquiry` of a tape: per seller order number, the AC FPX answers a
 * status enquiry with (the transaction's final status). Absent → `{}`; malformed → TAPE_INVALID
 * naming the file.
 *
 * @example
 * fpxEnquiryAnswers(tape)['ORD-20260313-2001']?.fpx_debitAuthCode; // '00'
 */
export function fpxEnquiryAnswers(tape: Pick<Tape, 'header' | 'file'>): FpxEnquiryAnswers {
  // describe() asks once per exchange; validate a header once.
  const cached = checked.get(tape.header);
  if (cached !== undefined) return cached;
  const answers = readAnswers(tape);
  checked.set(tape.header, answers);
  return answers;
}

const checked = new WeakMap<object, FpxEnquiryAnswers>();

function readAnswers(tape: Pick<Tape, 'header' | 'file'>): FpxEnquiryAnswers {
  const fpx = tape.header.upstream?.['fpx'];
  if (fpx === undefined) return {};
  const enquiry = isRecord(fpx) ? fpx['enquiry'] : fpx;
  if (enquiry === undefined) return {};
  const where = `${tape.file ?? tape.header.name}:1: header.upstream.fpx.enquiry`;
  const invalid = (message: string) =>
    new IdemgateError('TAPE_INVALID', `${where} ${message}`, { details: { file: tape.file, line: 1 } });
  if (!isRecord(enquiry)) throw invalid('must be an object keyed by fpx_sellerOrderNo');
  for (const [orderNo, answer] of Object.entries(enquiry)) {
    if (!isRecord(answer) || !Object.values(answer).every((v) => typeof v === 'string')) {
      throw invalid(`["${orderNo}"] must be an object of AC fields with string values`);
    }
    if (answer['fpx_sellerOrderNo'] !== orderNo) {
      throw invalid(`["${orderNo}"] has fpx_sellerOrderNo "${String(answer['fpx_sellerOrderNo'])}"`);
    }
    for (const name of ['fpx_fpxTxnId', 'fpx_debitAuthCode', 'fpx_txnAmount', 'fpx_fpxTxnTime'] as const) {
      if (typeof answer[name] !== 'string' || answer[name] === '') throw invalid(`["${orderNo}"] has no ${name}`);
    }
  }
  return enquiry as FpxEnquiryAnswers;
}
