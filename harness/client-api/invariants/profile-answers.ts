import { capViolations, firstRows } from '../../invariants/evidence.ts';
import { defineInvariant, type Violation } from '../../invariants/invariant.ts';
import { meaningOf, type AnswerRule } from '../../providers/client-api/profile.ts';
import { CLIENT_API_FACTS } from '../facts.ts';
import { answerRow, isAfterExpiry, isAnswered, requestName } from './answers.ts';

const NAME = 'profile-answers';

const ruleText = (rule: AnswerRule | undefined): string =>
  rule === undefined ? 'none' : `${rule.status.join('/')}${rule.bodyIncludes === undefined ? '' : ` with "${rule.bodyIncludes}"`}`;

/**
 * A request sent with the same key and another payload gets the profile's mismatch answer (or its
 * in-flight answer while the first is still processing), and one sent without a key the profile's
 * missing-key answer — never a success (the stored answer replayed for another payload, or a second
 * charge) and never something the profile does not declare (a `417` with an HTML stack trace).
 * That such a request booked nothing is what exactly-once-effect and credited-amount check.
 */
export const profileAnswers = defineInvariant({
  name: NAME,
  description: 'a reused key with another payload and a missing key get the answers the profile declares',
  requires: [CLIENT_API_FACTS],
  nothingToJudge: 'no request was sent with another payload or without its key',
  async check({ facts }) {
    const requests = facts(CLIENT_API_FACTS)?.requests ?? [];
    const violations: Violation[] = [];
    let judged = 0;
    for (const request of requests) {
      const { profile } = request;
      for (const answer of request.answers) {
        if (answer.variant === undefined || answer.variant.kind === 'forged-headers' || !isAnswered(answer)) continue;
        judged++;
        const meaning = meaningOf(profile, { status: answer.status, body: answer.body });
        if (isAfterExpiry(answer)) {
          // The key was forgotten: a new request, processed or (a store that keeps keys longer) answered the stored answer — never refused as a reuse.
          if (meaning !== 'in-flight' && meaning !== 'payload-mismatch') continue;
          violations.push({
            invariant: NAME,
            message:
              `${requestName(request)} sent again with its key and payload after the key's lifetime (keyTtlMs) was answered ${answer.status} ` +
              `(${meaning === 'in-flight' ? 'in flight: the key is still claimed though nothing runs' : 'payload mismatch: the key is still remembered with another payload'}); ` +
              `after expiry the ${profile.name} profile treats it as a new request`,
            evidence: firstRows(request.answers).map(answerRow),
          });
          continue;
        }
        const mismatch = answer.variant.kind === 'payload-mismatch';
        const ok = mismatch ? meaning === 'payload-mismatch' || meaning === 'in-flight' : meaning === 'missing-key';
        if (ok) continue;
        const sent = mismatch ? `the same key with another ${answer.variant.kind === 'payload-mismatch' ? answer.variant.field : ''}` : 'no key';
        const wanted = mismatch ? `${ruleText(profile.payloadMismatch)} (or in flight ${ruleText(profile.inFlight)})` : ruleText(profile.missingKey);
        violations.push({
          invariant: NAME,
          message:
            `${requestName(request)} sent with ${sent} was answered ${answer.status}` +
            (meaning === 'answered' ? ' (a success: the request was taken as new or as the stored one)' : '') +
            `; the ${profile.name} profile answers ${wanted}`,
          evidence: firstRows(request.answers).map(answerRow),
        });
      }
    }
    return { judged, violations: capViolations(NAME, violations, 'answers outside the profile') };
  },
});
