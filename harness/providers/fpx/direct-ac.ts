import { exchangeBody } from '../../tape/read.ts';
import type { Exchange, Tape } from '../../tape/schema.ts';
import { defineProvider, type ProviderEvent } from '../provider.ts';
import { badExchange, is2xx, replayHeaders, requireSecret, signingFailed } from '../_internals/exchange.ts';
import { fpxAmountToMinor, formatAc, parseAc } from './ac.ts';
import { checksumSource, signChecksum } from './checksum.ts';
import { fpxEnquiryAnswers } from './enquiry.ts';
import { FPX_STATUS_RANK, fpxStatus } from './fields.ts';
import { parseFpxTime } from './myt-time.ts';

const NAME = 'fpx';

function describeAc(exchange: Exchange, tape: Tape): ProviderEvent {
  const bad = (message: string) => badExchange(NAME, exchange, tape, message);
  const ac = parseAc(exchangeBody(exchange));
  const field = (name: string): string => {
    const value = ac[name];
    if (value === undefined || value === '')
      throw bad(`AC has no ${name} (fields: ${Object.keys(ac).join(', ') || 'none'})`);
    return value;
  };
  const msgType = field('fpx_msgType');
  if (msgType !== 'AC') throw bad(`fpx_msgType is "${msgType}", expected "AC"`);
  const txnId = field('fpx_fpxTxnId');
  const debitAuthCode = field('fpx_debitAuthCode');
  const orderNo = field('fpx_sellerOrderNo');
  const txnTimeText = field('fpx_fpxTxnTime');
  const time = parseFpxTime(txnTimeText);
  if (time === undefined) throw bad(`fpx_fpxTxnTime "${txnTimeText}" is not yyyyMMddHHmmss`);
  const currency = field('fpx_txnCurrency');
  const amountText = field('fpx_txnAmount');
  const amountMinor = fpxAmountToMinor(amountText);
  if (amountMinor === undefined) throw bad(`fpx_txnAmount "${amountText}" is not an RM amount like "150.00"`);

  // 99 then 00 (B2B) and 09 then 00 are two different messages about one transaction.
  const identity = `${txnId}:${debitAuthCode}`;
  const status = fpxStatus(debitAuthCode);
  if (status === 'pending') {
    const resolved = resolvedByEnquiry(exchange, tape, identity, orderNo, txnId);
    if (resolved !== undefined) return resolved;
  }
  const event: ProviderEvent = {
    provider: NAME,
    identity,
    entity: { entity: orderNo, status, rank: FPX_STATUS_RANK[status], time },
  };
  if (status === 'approved') event.effect = { reference: txnId, amountMinor, currency, direction: 'in' };
  else event.noEffectReference = txnId;
  return event;
}

/**
 * A pending AC on a tape whose FPX answers status enquiries (`header.upstream.fpx.enquiry`) means
 * more than "pending": the merchant's cron job enquires every pending payment, and FPX answers
 * with the final AC, so by the end of a run the payment must stand where that answer puts it.
 * When the final 00 only ever arrives as the AE answer, no exchange on the tape carries it, so
 * the expectation must come from here: the pending AC is the delivery that makes the merchant
 * responsible for the payment, and its credit is due exactly once, whichever of the AE answer and
 * a late Direct AC (same fpxTxnId:00, one event to FPX and to the merchant) brings it. The cron
 * ticks themselves stay effect-free (harness/providers/fpx-enquiry-tick), so ticks can be
 * duplicated, raced and dropped without changing what is expected; a scenario with such a tape
 * runs the cron once more after the replay (`fpxEnquiryCron`) so the promise always comes due.
 */
function resolvedByEnquiry(
  exchange: Exchange,
  tape: Tape,
  identity: string,
  orderNo: string,
  txnId: string,
): ProviderEvent | undefined {
  const answer = fpxEnquiryAnswers(tape)[orderNo];
  if (answer === undefined) return undefined;
  const bad = (message: string) => badExchange(NAME, exchange, tape, `header.upstream.fpx.enquiry["${orderNo}"]: ${message}`);
  if (answer['fpx_fpxTxnId'] !== txnId) throw bad(`answers for fpx_fpxTxnId ${answer['fpx_fpxTxnId']}, the AC is ${txnId}`);
  const status = fpxStatus(answer['fpx_debitAuthCode']!);
  if (status === 'pending') return undefined;
  const time = parseFpxTime(answer['fpx_fpxTxnTime']!);
  if (time === undefined) throw bad(`fpx_fpxTxnTime "${answer['fpx_fpxTxnTime']}" is not yyyyMMddHHmmss`);
  const amountMinor = fpxAmountToMinor(answer['fpx_txnAmount']!);
  if (amountMinor === undefined) throw bad(`fpx_txnAmount "${answer['fpx_txnAmount']}" is not an RM amount`);
  const event: ProviderEvent = {
    provider: NAME,
    identity,
    entity: { entity: orderNo, status, rank: FPX_STATUS_RANK[status], time },
  };
  if (status === 'approved') {
    event.effect = { reference: txnId, amountMinor, currency: answer['fpx_txnCurrency'] || 'MYR', direction: 'in' };
  } else event.noEffectReference = txnId;
  return event;
}

/**
 * FPX Direct AC (host-to-host authorisation confirmation) deliveries. FPX resends a Direct AC
 * until the merchant answers `OK`.
 *
 * @example
 * fpxDirectAc.interpret(exchange, tape); // { identity: '2603091021070123:00', effect: { … 'in' } }
 */
export const fpxDirectAc = defineProvider({
  name: NAME,
  interpret: describeAc,
  sign(exchange, ctx) {
    const privateKeyPem = requireSecret(NAME, exchange, ctx.secrets, 'privateKeyPem');
    const ac = parseAc(exchangeBody(exchange));
    let checkSum: string;
    try {
      checkSum = signChecksum(checksumSource(ac), privateKeyPem);
    } catch (e) {
      throw signingFailed(NAME, exchange, `cannot sign with providers.fpx.privateKeyPem: ${(e as Error).message}`, e);
    }
    const fields = { ...ac, fpx_checkSum: checkSum };
    const headers = replayHeaders(exchange, []);
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    return { headers, body: Buffer.from(formatAc(fields), 'utf8') };
  },
  acknowledged: (response) => is2xx(response.status) && response.body === 'OK',
});
