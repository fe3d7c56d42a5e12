import { capViolations, firstRows } from '../../invariants/evidence.ts';
import { defineInvariant, type Violation } from '../../invariants/invariant.ts';
import { meaningOf } from '../../providers/client-api/profile.ts';
import { CLIENT_API_FACTS } from '../facts.ts';
import { answerRow, isAnswered, isSameRequest, lifetimeOf, requestName } from './answers.ts';

const NAME = 'stored-answer-repeated';

/**
 * Once a key has its answer, every retry with the same key and payload gets that answer back: the
 * same status and, under a `status-and-body` profile, the same body byte for byte (a client that
 * got `{"id":"pay_1"}` first and `{"id":"pay_2"}` on its retry books two payments). A request sent
 * again with forged headers (`Idempotent-Replayed: true`, `X-Forwarded-For`) is such a retry: a
 * made-up "already handled" answer to it differs from the stored one.
 */
export const storedAnswerRepeated = defineInvariant({
  name: NAME,
  description: 'a retry with the same key and payload gets the stored answer, status and body byte for byte',
  requires: [CLIENT_API_FACTS],
  nothingToJudge: 'no keyed client request was answered twice',
  async check({ facts }) {
    const all = facts(CLIENT_API_FACTS);
    const requests = all?.requests ?? [];
    const violations: Violation[] = [];
    let judged = 0;
    for (const request of requests) {
      const stored = request.answers
        .filter((a) => isSameRequest(a) && isAnswered(a) && meaningOf(request.profile, { status: a.status!, body: a.body ?? '' }) === 'answered')
        .sort((a, b) => a.endedAtMs - b.endedAtMs);
      // The key's lifetimes: a request sent after it expired is new and its answer the one stored from then on.
      const byLifetime = new Map<number, typeof stored>();
      for (const a of stored) {
        const n = lifetimeOf(a, request.answers, all?.expiredAtMs);
        byLifetime.set(n, [...(byLifetime.get(n) ?? []), a]);
      }
      const lifetimes = [...byLifetime.values()];
      if (!lifetimes.some((l) => l.length >= 2)) continue;
      judged++;
      let first = stored[0]!;
      let differs: (typeof stored)[number] | undefined;
      for (const lifetime of lifetimes) {
        first = lifetime[0]!;
        differs = lifetime.slice(1).find((a) => a.status !== first.status || (request.profile.replay === 'status-and-body' && a.body !== first.body));
        if (differs !== undefined) break;
      }
      if (differs === undefined) continue;
      violations.push({
        invariant: NAME,
        message:
          `${requestName(request)}: the first answer was ${first.status} and a later one with the same key and payload ${differs.status}` +
          (differs.status === first.status ? ' with another body' : '') +
          `: the ${request.profile.name} profile wants the stored answer repeated (${request.profile.replay})`,
        evidence: firstRows(request.answers).map(answerRow),
      });
    }
    return { judged, violations: capViolations(NAME, violations, 'keys answering differently') };
  },
});
