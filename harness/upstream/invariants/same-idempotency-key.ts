import { UPSTREAM_FACTS } from '../facts.ts';
import { KEYED_ROUTES } from '../../providers/apis.ts';
import type { UpstreamRoute } from '../fault-plan.ts';
import { seenByTarget } from '../../simulator/call-log.ts';
import { defineInvariant, type Invariant, type Violation } from '../../invariants/invariant.ts';
import { capViolations, groupBy } from '../../invariants/evidence.ts';
import { callRow, upstreamFacts } from './sequences.ts';

const NAME = 'upstream-retries-same-idempotency-key';

/**
 * Every attempt of one logical upstream operation that moves money (a charge, a refund) carries
 * an Idempotency-Key, and the same one, across retries and across the client's redeliveries: a
 * new key is only allowed once an earlier attempt got a definite answer (2xx or a 4xx other than
 * 409/429). A retry with a fresh key after a lost answer charges twice.
 */
export function retriesCarrySameKey(routes: readonly UpstreamRoute[] = KEYED_ROUTES): Invariant {
  const keyed = new Set<string>(routes);
  return defineInvariant({
    name: NAME,
    description: 'every retry of a charge or refund carries the same Idempotency-Key',
    requires: [UPSTREAM_FACTS],
    async check({ facts: reader }) {
      const facts = upstreamFacts(reader);
      if (facts === undefined) return [];
      const violations: Violation[] = [];
      const relevant = facts.calls.filter((c) => keyed.has(c.route));
      for (const [operation, unsorted] of groupBy(relevant, (c) => c.operation)) {
        const calls = [...unsorted].sort((a, b) => a.startedAtMs - b.startedAtMs || a.seq - b.seq);
        const missing = calls.filter((c) => c.idempotencyKey === undefined);
        if (missing.length > 0 && calls.length > 1) {
          violations.push({
            invariant: NAME,
            message: `${operation} was attempted ${calls.length} times, ${missing.length} of them without an Idempotency-Key`,
            evidence: calls.slice(0, 20).map(callRow),
          });
          continue;
        }
        for (let i = 1; i < calls.length; i++) {
          const previous = calls[i - 1]!;
          const call = calls[i]!;
          if (call.idempotencyKey === previous.idempotencyKey) continue;
          const definite = calls
            .slice(0, i)
            .map((c) => seenByTarget(c).status)
            .some((s) => s !== undefined && ((s >= 200 && s < 300) || (s >= 400 && s < 500 && s !== 409 && s !== 429)));
          if (definite) continue;
          violations.push({
            invariant: NAME,
            message: `${operation} was retried with a new Idempotency-Key (${String(previous.idempotencyKey)} → ${String(call.idempotencyKey)}) before any attempt got a definite answer`,
            evidence: calls.slice(0, i + 1).slice(-20).map(callRow),
          });
          break;
        }
      }
      return capViolations(NAME, violations, 'operations retried with another key');
    },
  });
}
