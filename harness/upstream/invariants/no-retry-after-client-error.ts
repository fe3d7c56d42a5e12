import { UPSTREAM_FACTS } from '../facts.ts';
import { seenByTarget } from '../../simulator/call-log.ts';
import { defineInvariant, type Invariant, type Violation } from '../../invariants/invariant.ts';
import { capViolations } from '../../invariants/evidence.ts';
import { retryPolicy, type RetryPolicy } from './policy.ts';
import { attemptSequences, callRow, retries, upstreamFacts } from './sequences.ts';

const NAME = 'upstream-no-retry-after-client-error';

/**
 * After a 401, 403 or another 4xx the policy forbids retrying (all but 409 and 429 by default),
 * the same request must not call that operation again: the answer will not change, and a
 * retrying client gets its key or IP blocked.
 *
 * @example
 * upstream({ unauthorized: true, invariants: [noRetryAfterClientError({ noRetryAfter: (s) => s === 401 })] });
 */
export function noRetryAfterClientError(overrides: Partial<RetryPolicy> = {}): Invariant {
  const policy = retryPolicy(overrides);
  return defineInvariant({
    name: NAME,
    description: 'no upstream call is retried after a 4xx other than 409/429 (401 is never retried)',
    requires: [UPSTREAM_FACTS],
    async check({ facts: reader }) {
      const facts = upstreamFacts(reader);
      if (facts === undefined) return [];
      const violations: Violation[] = [];
      for (const [previous, retry] of retries(attemptSequences(facts, policy))) {
        const { status } = seenByTarget(previous);
        if (status === undefined || !policy.noRetryAfter(status)) continue;
        violations.push({
          invariant: NAME,
          message: `${previous.operation} was retried after HTTP ${previous.status} (call ${previous.seq} → call ${retry.seq})`,
          evidence: [callRow(previous), callRow(retry)],
        });
      }
      return capViolations(NAME, violations, 'retries after a client error');
    },
  });
}
