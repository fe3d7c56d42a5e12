import { UPSTREAM_FACTS } from '../facts.ts';
import { seenByTarget } from '../../simulator/call-log.ts';
import { defineInvariant, type Invariant, type Violation } from '../../invariants/invariant.ts';
import { capViolations } from '../../invariants/evidence.ts';
import { retryPolicy, type RetryPolicy } from './policy.ts';
import { attemptSequences, callRow, retries, upstreamFacts } from './sequences.ts';

const NAME = 'upstream-retry-after-honoured';

/**
 * After a 429, the next attempt of the same request waits at least what `Retry-After` asked for
 * (measured at the upstream from the 429 answer to the next call's arrival).
 */
export function retryAfterHonoured(overrides: Partial<RetryPolicy> = {}): Invariant {
  const policy = retryPolicy(overrides);
  return defineInvariant({
    name: NAME,
    description: 'after a 429 the next attempt waits at least Retry-After',
    requires: [UPSTREAM_FACTS],
    async check({ facts: reader }) {
      const facts = upstreamFacts(reader);
      if (facts === undefined) return [];
      const violations: Violation[] = [];
      for (const [previous, retry] of retries(attemptSequences(facts, policy))) {
        const seen = seenByTarget(previous);
        if (seen.status !== 429 || previous.retryAfterMs === undefined) continue;
        const waited = retry.startedAtMs - seen.endedAtMs;
        if (waited + policy.toleranceMs >= previous.retryAfterMs) continue;
        violations.push({
          invariant: NAME,
          message: `${previous.operation} was retried ${waited.toFixed(1)} ms after a 429 asking for Retry-After ${previous.retryAfterMs} ms`,
          evidence: [{ waitedMs: Math.round(waited * 10) / 10, retryAfterMs: previous.retryAfterMs }, callRow(previous), callRow(retry)],
        });
      }
      return capViolations(NAME, violations, 'early retries after a 429');
    },
  });
}
