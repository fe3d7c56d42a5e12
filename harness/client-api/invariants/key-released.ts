import { capViolations, firstRows } from '../../invariants/evidence.ts';
import { defineInvariant, type Violation } from '../../invariants/invariant.ts';
import { meaningOf } from '../../providers/client-api/profile.ts';
import { CLIENT_API_FACTS } from '../facts.ts';
import { answerRow, isAnswered, requestName } from './answers.ts';

const NAME = 'key-released';

/**
 * A key is never left locked once its request has ended: the follow-up the extension sends with
 * the same key and payload after the schedule (and the target) went quiet must not be answered
 * "in flight". A request that failed, or whose process died, and kept its key locked leaves the
 * client unable to pay until a TTL (if any) runs out.
 */
export const keyReleased = defineInvariant({
  name: NAME,
  description: 'a follow-up with the same key after its request ended is not answered in flight',
  requires: [CLIENT_API_FACTS],
  nothingToJudge: 'no keyed request needed a follow-up (none lost its answer or ended unanswered)',
  async check({ facts }) {
    const requests = facts(CLIENT_API_FACTS)?.requests ?? [];
    const violations: Violation[] = [];
    let judged = 0;
    for (const request of requests) {
      const followUp = request.answers.find((a) => a.origin === 'follow-up');
      if (followUp === undefined || !isAnswered(followUp)) continue;
      judged++;
      if (meaningOf(request.profile, { status: followUp.status, body: followUp.body }) !== 'in-flight') continue;
      violations.push({
        invariant: NAME,
        message: `${requestName(request)}: a follow-up after every request with the key had ended was answered ${followUp.status} (in flight): the key stayed locked`,
        evidence: firstRows(request.answers).map(answerRow),
      });
    }
    return { judged, violations: capViolations(NAME, violations, 'keys left locked') };
  },
});
