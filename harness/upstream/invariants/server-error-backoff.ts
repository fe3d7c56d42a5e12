import { UPSTREAM_FACTS } from '../facts.ts';
import { seenByTarget } from '../../simulator/call-log.ts';
import { defineInvariant, type Invariant, type Violation } from '../../invariants/invariant.ts';
import { capViolations } from '../../invariants/evidence.ts';
import { retryPolicy, type RetryPolicy } from './policy.ts';
import { attemptSequences, callRow, retries, upstreamFacts } from './sequences.ts';

const NAME = 'upstream-server-error-backoff';

/**
 * After a 5xx the next attempt of the same request waits at least `serverErrorMinBackoffMs`,
 * by default the longest `Retry-After` the upstream advertises: a struggling upstream deserves at
 * least the patience a throttling one asks for.
 */
export function serverErrorBackoff(overrides: Partial<RetryPolicy> = {}): Invariant {
  const policy = retryPolicy(overrides);
  return defineInvariant({
    name: NAME,
    description: 'after a 5xx the next attempt backs off at least as long as after a 429',
    requires: [UPSTREAM_FACTS],
    async check({ facts: reader }) {
      const facts = upstreamFacts(reader);
      if (facts === undefined) return [];
      const floor = policy.serverErrorMinBackoffMs ?? facts.longestRetryAfterMs;
      const violations: Violation[] = [];
      for (const [previous, retry] of retries(attemptSequences(facts, policy))) {
        const seen = seenByTarget(previous);
        if (seen.status === undefined || seen.status < 500) continue;
        const waited = retry.startedAtMs - seen.endedAtMs;
        if (waited + policy.toleranceMs >= floor) continue;
        violations.push({
          invariant: NAME,
          message: `${previous.operation} was retried ${waited.toFixed(1)} ms after HTTP ${previous.status}; the policy asks for at least ${floor} ms`,
          evidence: [{ waitedMs: Math.round(waited * 10) / 10, minBackoffMs: floor }, callRow(previous), callRow(retry)],
        });
      }
      return capViolations(NAME, violations, 'early retries after a 5xx');
    },
  });
}
