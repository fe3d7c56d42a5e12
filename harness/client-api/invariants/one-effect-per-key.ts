import { capViolations, firstRows } from '../../invariants/evidence.ts';
import { defineInvariant, type Violation } from '../../invariants/invariant.ts';
import { CLIENT_API_FACTS } from '../facts.ts';
import { keyLifetimeCrossings } from '../../replay/key-lifetimes.ts';
import { answerRow, isAnswered, requestName } from './answers.ts';

const NAME = 'one-effect-per-key';

/**
 * However often a keyed request was sent — retried, sent at once from two tabs, sent again with
 * another payload or without its key — its reference is booked by at most one transaction that
 * moves cash — per lifetime of the key: a request sent once the key expired is new (IETF draft) and
 * may book once more. Unlike exactly-once-effect (per reference) it names the key and shows every answer
 * the key got, so two concurrent requests both answered 201 read as what they are: the key's
 * check-then-set was not atomic.
 */
export const oneEffectPerKey = defineInvariant({
  name: NAME,
  description: 'every idempotency key books its effect at most once, however often its request was sent',
  requires: ['ledger', CLIENT_API_FACTS],
  nothingToJudge: 'no keyed client request with an effect was delivered',
  async check({ facts, ledger }) {
    const all = facts(CLIENT_API_FACTS);
    const requests = (all?.requests ?? []).filter((r) => r.reference !== undefined);
    if (ledger === undefined || requests.length === 0) return { judged: 0, violations: [] };
    const counts = await ledger.query<{ reference: string; txns: string }>(
      `select reference, count(distinct txn_id) as txns from (
         select reference, txn_id from ${ledger.view} as l
          where account = any($2::text[]) and reference = any($1::text[])
          group by reference, txn_id, currency having sum(amount_minor) <> 0) t
        group by reference having count(distinct txn_id) > 1`,
      [requests.map((r) => r.reference), ledger.cashAccounts],
    );
    const booked = new Map(counts.map((c) => [c.reference, Number(c.txns)]));
    const violations: Violation[] = [];
    for (const request of requests) {
      const n = booked.get(request.reference!);
      // Each request sent after the key expired is a new request (IETF draft): one more lifetime of the key, one more effect allowed.
      const lifetimes = 1 + keyLifetimeCrossings(request.answers.map((a) => [a.startedAtMs, a.endedAtMs] as const), all?.expiredAtMs ?? []);
      if (n === undefined || n <= lifetimes) continue;
      const successes = request.answers.filter((a) => isAnswered(a) && a.status >= 200 && a.status < 300).length;
      violations.push({
        invariant: NAME,
        message:
          `${requestName(request)} booked ${n} effects under ${request.reference}, expected at most ${lifetimes}${lifetimes > 1 ? ' (one per lifetime of the key: it was sent again after a wait past its lifetime)' : ''} ` +
          `(${request.answers.length} request(s) with the key, ${successes} answered 2xx)`,
        evidence: firstRows(request.answers).map(answerRow),
      });
    }
    return { judged: requests.length, violations: capViolations(NAME, violations, 'keys booked more than once') };
  },
});
