import type { Invariant } from '../../invariants/invariant.ts';
import { clientKeysEventuallyAnswered } from './keys-eventually-answered.ts';
import { upstreamLedgerAgrees } from './ledger-agrees.ts';
import { noCached5xx } from './no-cached-5xx.ts';
import { noRetryAfterClientError } from './no-retry-after-client-error.ts';
import type { RetryPolicy } from './policy.ts';
import { retriesBounded } from './retries-bounded.ts';
import { retryAfterHonoured } from './retry-after-honoured.ts';
import { retriesCarrySameKey } from './same-idempotency-key.ts';
import { serverErrorBackoff } from './server-error-backoff.ts';

export { DEFAULT_RETRY_POLICY, retryPolicy, type RetryPolicy } from './policy.ts';
export { attemptSequences, type AttemptSequence } from './sequences.ts';
export { defaultPspEntrySubject, upstreamLedgerAgrees, type PspEntrySubject } from './ledger-agrees.ts';
export { noRetryAfterClientError, retriesBounded, retryAfterHonoured, retriesCarrySameKey, serverErrorBackoff };
export { clientKeysEventuallyAnswered, noCached5xx };
export type { ClientKeyAnswer, ClientKeyedRequest, ClientKeyFacts } from './client-keys.ts';

/** The upstream invariants under one policy, in reporting order: six on the call log and the PSP's ledger, two on the client's Idempotency-Keys. */
export function upstreamInvariants(policy: Partial<RetryPolicy> = {}): Invariant[] {
  return [
    noRetryAfterClientError(policy),
    retryAfterHonoured(policy),
    serverErrorBackoff(policy),
    retriesBounded(policy),
    retriesCarrySameKey(),
    upstreamLedgerAgrees(),
    clientKeysEventuallyAnswered(),
    noCached5xx(),
  ];
}
