import { UPSTREAM_FACTS } from '../facts.ts';
import { defineInvariant, type Invariant, type Violation } from '../../invariants/invariant.ts';
import { capViolations } from '../../invariants/evidence.ts';
import { retryPolicy, type RetryPolicy } from './policy.ts';
import { attemptSequences, callRow, upstreamFacts } from './sequences.ts';

const NAME = 'upstream-retries-bounded';

/** One request makes at most `maxAttempts` calls for one operation (first attempt included). */
export function retriesBounded(overrides: Partial<RetryPolicy> = {}): Invariant {
  const policy = retryPolicy(overrides);
  return defineInvariant({
    name: NAME,
    description: `one request makes at most ${policy.maxAttempts} attempts per upstream operation`,
    requires: [UPSTREAM_FACTS],
    async check({ facts: reader }) {
      const facts = upstreamFacts(reader);
      if (facts === undefined) return [];
      const violations: Violation[] = [];
      for (const [operation, sequences] of attemptSequences(facts, policy)) {
        for (const sequence of sequences) {
          if (sequence.length <= policy.maxAttempts) continue;
          violations.push({
            invariant: NAME,
            message: `${operation} was attempted ${sequence.length} times in one request; at most ${policy.maxAttempts} allowed`,
            evidence: sequence.slice(0, 20).map(callRow),
          });
        }
      }
      return capViolations(NAME, violations, 'unbounded retry sequences');
    },
  });
}
