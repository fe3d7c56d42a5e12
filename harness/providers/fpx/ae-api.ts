import { http, HttpResponse, type HttpHandler } from 'msw';
import { defineProviderApi } from '../api.ts';
import { formatAc, parseAc } from './ac.ts';
import { checksumSource, signChecksum } from './checksum.ts';
import { fpxEnquiryAnswers, FPX_AE_REQUIRED_FIELDS, FPX_NOT_FOUND_CODE, type FpxEnquiryAnswers } from './enquiry.ts';
import { FPX_AC_FIELDS } from './fields.ts';
import { loadFpxTestKeys } from './test-keys.ts';

/** FPX's AE endpoint (UAT: `https://uat.mepsfpx.com.my/FPXMain/sellerNVPTxnStatus.jsp`). */
export const FPX_AE_PATH = '/FPXMain/sellerNVPTxnStatus.jsp';

/** One AE the target sent, as the simulated FPX saw it. */
export interface FpxEnquiryCall {
  sellerOrderNo: string;
  /** HTTP status answered (400 for a malformed AE). */
  status: number;
  /** The debit auth code answered (`00`, `09`, `76` for an unknown order, …); absent on a 400. */
  debitAuthCode?: string;
  /** Why a malformed AE was refused. */
  error?: string;
  time: string;
}

export interface FpxEnquiryOptions {
  /** Origin (and optional path prefix) to match; leave out to match relative to the serving origin. */
  baseUrl?: string;
  /** The FPX private key answers are signed with (the merchant verifies with FPX's certificate). */
  privateKeyPem: string;
  /** sellerOrderNo → the AC fields FPX answers with (`header.upstream.fpx.enquiry`). */
  answers: FpxEnquiryAnswers;
  log?: FpxEnquiryCall[];
}

/** The AE's seller fields echoed into an AC that answers it, every AC field present. */
function echo(ae: Readonly<Record<string, string>>): Record<string, string> {
  const fields = Object.fromEntries(FPX_AC_FIELDS.map((name) => [name, ae[name] ?? ''])) as Record<string, string>;
  return { ...fields, fpx_msgType: 'AC', fpx_checkSum: '' };
}

/**
 * msw handler for FPX's AE status enquiry: the merchant POSTs an AE (form fields, its own
 * checksum); FPX answers with an AC for the transaction, signed with FPX's key. The AC is the
 * tape's recorded final answer for the seller order; an order FPX does not know, or an AE whose
 * amount disagrees with the transaction, is answered with an AC carrying no fpx_fpxTxnId and
 * debit auth code 76 (transaction not found). A malformed AE (a required field missing, not
 * `fpx_msgType=AE`, a checksum that is not hex) gets HTTP 400. The merchant's checksum is only
 * checked for shape: idemgate holds no merchant certificate.
 *
 * @example
 * const served = await serveHandlers(fpxEnquiryHandlers({ privateKeyPem, answers: fpxEnquiryAnswers(tape) }));
 */
export function fpxEnquiryHandlers(options: FpxEnquiryOptions): HttpHandler[] {
  const prefix = (options.baseUrl ?? '').replace(/\/+$/, '');
  return [
    http.post(`${prefix}${FPX_AE_PATH}`, async ({ request }) => {
      const ae = parseAc(await request.text());
      const time = new Date().toISOString();
      const missing = FPX_AE_REQUIRED_FIELDS.filter((name) => (ae[name] ?? '') === '');
      const error =
        missing.length > 0
          ? `missing ${missing.join(', ')}`
          : ae['fpx_msgType'] !== 'AE'
            ? `fpx_msgType is "${ae['fpx_msgType']}", expected "AE"`
            : !/^(?:[0-9a-fA-F]{2})+$/.test(ae['fpx_checkSum']!)
              ? 'fpx_checkSum is not hex'
              : undefined;
      const sellerOrderNo = ae['fpx_sellerOrderNo'] ?? '';
      if (error !== undefined) {
        options.log?.push({ sellerOrderNo, status: 400, error, time });
        return HttpResponse.text(`ERROR: ${error}`, { status: 400 });
      }
      const known = Object.hasOwn(options.answers, sellerOrderNo) ? options.answers[sellerOrderNo] : undefined;
      const matches = known !== undefined && known['fpx_txnAmount'] === ae['fpx_txnAmount'];
      const fields: Record<string, string> = matches
        ? { ...echo(ae), ...known, fpx_msgType: 'AC' }
        : { ...echo(ae), fpx_debitAuthCode: FPX_NOT_FOUND_CODE };
      fields['fpx_checkSum'] = signChecksum(checksumSource(fields), options.privateKeyPem);
      options.log?.push({ sellerOrderNo, status: 200, debitAuthCode: fields['fpx_debitAuthCode']!, time });
      return HttpResponse.text(formatAc(fields), { status: 200 });
    }),
  ];
}

/**
 * The simulated FPX AE status enquiry as a provider API: it answers each seller order with the AC
 * the tape recorded (`header.upstream.fpx.enquiry`), signed with `secrets.fpx.privateKeyPem` (else
 * the repository's test key). Its state is the log of enquiries it answered. It declares no fault
 * routes: FPX documents no throttling or error envelope for AE, so its calls stay out of the
 * upstream call log and fault plans.
 *
 * @example
 * const upstream = await createUpstream({ apis: [fpxAeApi], tape, secrets: { fpx: keys } });
 * upstream.state(fpxAeApi).enquiries; // [{ sellerOrderNo: 'ORD-…', status: 200, debitAuthCode: '00', … }]
 */
export const fpxAeApi = defineProviderApi({
  name: 'fpx-ae',
  baseUrlEnv: 'FPX_AE_BASE',
  usedBy: ['fpx', 'fpx-indirect', 'fpx-enquiry-tick'],
  routes: [],
  create: ({ tape, secrets }) => {
    const enquiries: FpxEnquiryCall[] = [];
    return {
      handlers: fpxEnquiryHandlers({
        // FPX signs its answers with its own key; the configured test key, else the repository's.
        privateKeyPem: secrets['fpx']?.['privateKeyPem'] ?? loadFpxTestKeys().privateKeyPem,
        answers: tape === undefined ? {} : fpxEnquiryAnswers(tape),
        log: enquiries,
      }),
      state: { enquiries },
      reset: () => {
        enquiries.length = 0;
      },
    };
  },
});
