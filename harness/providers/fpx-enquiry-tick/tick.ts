import { bodyText, is2xx, replayHeaders } from '../_internals/exchange.ts';
import type { Exchange, Tape } from '../../tape/schema.ts';
import { defineProvider, type ProviderEvent, type SignedRequest, type SigningContext } from '../provider.ts';

/** Where the reference merchant's status-enquiry cron job is triggered. */
export const FPX_ENQUIRY_JOB_PATH = '/jobs/fpx-enquiry';

const NAME = 'fpx-enquiry-tick';

/**
 * One tick of the merchant's own FPX status-enquiry cron job (`POST /jobs/fpx-enquiry`): the
 * job sends FPX an AE for each payment still pending and applies the AC it answers with.
 *
 * A tick is traffic the merchant's side makes, like `merchant-client` requests: identity = the
 * tick's seq (two ticks are two runs of the job; a duplicated tick is the same run retried), no
 * entity and no effect of its own — what a tick resolves is expected from the pending AC and the
 * tape's `header.upstream.fpx.enquiry` (see `fpxDirectAc`). Acknowledged on any 2xx; the
 * scheduler retries the job otherwise.
 *
 * @example
 * fpxEnquiryTick.interpret(exchange, tape); // { provider: 'fpx-enquiry-tick', identity: 'tick:7' }
 */
export const fpxEnquiryTick = defineProvider({
  name: NAME,
  interpret: (exchange: Exchange, _tape: Tape): ProviderEvent => ({ provider: NAME, identity: `tick:${exchange.seq}` }),
  sign: (exchange: Exchange, _ctx: SigningContext): SignedRequest => ({ headers: replayHeaders(exchange, []), body: Buffer.from(bodyText(exchange), 'utf8') }),
  acknowledged: (response) => is2xx(response.status),
});
