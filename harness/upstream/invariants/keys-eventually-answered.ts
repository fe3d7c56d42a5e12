import { UPSTREAM_FACTS } from '../facts.ts';
import { defineInvariant, type Invariant, type Violation } from '../../invariants/invariant.ts';
import { capViolations, firstRows } from '../../invariants/evidence.ts';
import { answered, answerRow, clientRequestsOf } from './client-keys.ts';

const NAME = 'client-keys-eventually-answered';

/**
 * Every client request with an Idempotency-Key that was answered 409 ("a request with this key
 * is in progress") gets a non-409 answer by the end of the redelivery sweep. A key still answering
 * 409 then is locked by a request that will never finish: a crashed request that did not give its
 * key back, and a lock that only a TTL (if any) will end.
 */
export function clientKeysEventuallyAnswered(): Invariant {
  return defineInvariant({
    name: NAME,
    description: 'a client request answered 409 for its Idempotency-Key gets another answer within the redelivery sweep',
    requires: [UPSTREAM_FACTS],
    async check({ facts: reader }) {
      const requests = clientRequestsOf(reader);
      if (requests === undefined) return [];
      const violations: Violation[] = [];
      for (const request of requests) {
        const answers = answered(request);
        const last = answers.at(-1);
        if (last?.status !== 409) continue;
        const conflicts = answers.filter((a) => a.status === 409).length;
        const before = answers.filter((a) => a.status !== 409).map((a) => a.status);
        violations.push({
          invariant: NAME,
          message:
            `seq ${request.seq} (${request.provider}, Idempotency-Key ${request.idempotencyKey}) was still answered 409 at the end of the ` +
            `redelivery sweep (${conflicts} of ${answers.length} answers were 409${before.length > 0 ? `; the others: ${before.join(', ')}` : ''}): ` +
            'its key stayed locked by a request that never finished',
          evidence: firstRows(request.answers).map(answerRow),
        });
      }
      return capViolations(NAME, violations, 'keys still locked');
    },
  });
}
