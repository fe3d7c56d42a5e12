import { UPSTREAM_FACTS } from '../facts.ts';
import { defineInvariant, type Invariant, type Violation } from '../../invariants/invariant.ts';
import { capViolations, firstRows } from '../../invariants/evidence.ts';
import { upstreamFacts, callRow } from './sequences.ts';
import { answered, answerRow, clientRequestsOf } from './client-keys.ts';

const NAME = 'no-cached-5xx';

/**
 * A 5xx is not an answer to keep: when a client request with an Idempotency-Key got a 5xx and
 * retried, the retries either reach the upstream again (which, once the fault plan is spent,
 * answers) or get another answer. A key whose every retry gets the very same 5xx (status and
 * body) while the target makes no upstream call for it has its error stored as the key's
 * permanent answer.
 */
export function noCached5xx(): Invariant {
  return defineInvariant({
    name: NAME,
    description: 'a 5xx answer to a client request is not replayed as the answer of its Idempotency-Key',
    requires: [UPSTREAM_FACTS],
    async check({ facts: reader }) {
      const requests = clientRequestsOf(reader);
      const calls = upstreamFacts(reader)?.calls ?? [];
      if (requests === undefined) return [];
      const violations: Violation[] = [];
      for (const request of requests) {
        const answers = answered(request);
        const first = answers.findIndex((a) => a.status! >= 500);
        if (first < 0) continue;
        const error = answers[first]!;
        const later = answers.slice(first + 1).filter((a) => a.startedAtMs >= error.endedAtMs);
        if (later.length === 0) continue;
        if (!later.every((a) => a.status === error.status && a.body === error.body)) continue;
        const last = later.at(-1)!;
        const tried = calls.filter(
          (c) => (request.subject === undefined || c.subject === request.subject) && c.startedAtMs >= error.endedAtMs && c.startedAtMs <= last.endedAtMs,
        );
        if (tried.length > 0) continue;
        violations.push({
          invariant: NAME,
          message:
            `seq ${request.seq} (${request.provider}, Idempotency-Key ${request.idempotencyKey}) got HTTP ${error.status} and then the ` +
            `same ${error.status} on all ${later.length} later deliveries with no upstream call${request.subject === undefined ? '' : ` for ${request.subject}`}: ` +
            'the error was stored as the key\'s answer',
          evidence: [
            ...firstRows(request.answers).map(answerRow),
            ...calls.filter((c) => request.subject === undefined || c.subject === request.subject).slice(0, 10).map(callRow),
          ],
        });
      }
      return capViolations(NAME, violations, 'keys answering a stored 5xx');
    },
  });
}
