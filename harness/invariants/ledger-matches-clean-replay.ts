import { z } from 'zod';
import { defineInvariant } from './invariant.ts';
import type { Violation } from './invariant.ts';
import { capViolations, firstRows, groupBy } from './evidence.ts';

const NAME = 'ledger-matches-clean-replay';
export const LEDGER_MATCHES_CLEAN_REPLAY = NAME;

/**
 * One evidence row of this invariant's violations: a posting the faulted ledger and the clean
 * replay's hold a different number of times (`count` = the difference). Reports read these rows
 * (the HTML ledger diff) through `cleanReplayDiffRows`, never by guessing at field names.
 */
export const cleanReplayDiffRowSchema = z.object({
  side: z.enum(['only in actual', 'only in clean replay']),
  count: z.int().min(1),
  account: z.string(),
  /** Signed minor units, as the database returns a bigint (text). */
  amount_minor: z.string(),
  currency: z.string(),
  reference: z.string(),
});
export type CleanReplayDiffRow = z.infer<typeof cleanReplayDiffRowSchema>;

/** The diff rows of this invariant's violations (evidence of other invariants is left out). */
export function cleanReplayDiffRows(violations: readonly Violation[]): CleanReplayDiffRow[] {
  return violations
    .filter((v) => v.invariant === NAME)
    .flatMap((v) =>
      v.evidence.flatMap((row) => {
        const parsed = cleanReplayDiffRowSchema.safeParse(row);
        return parsed.success ? [parsed.data] : [];
      }),
    );
}

/**
 * Differential oracle: whatever the faults, the books hold the same postings as after a clean,
 * in-order, once-each replay of the same tape (transaction ids and times aside).
 */
export const ledgerMatchesCleanReplay = defineInvariant({
  name: NAME,
  description: 'the multiset of postings (account, amount, currency, reference) equals the clean replay’s',
  nothingToJudge: 'the clean replay and every schedule left the ledger empty',
  requires: ['ledger', 'baseline'],
  // Judged: the postings compared (the clean replay's and any only in actual). Both empty: nothing to judge.
  async check({ ledger, baseline, expected }) {
    if (ledger === undefined || baseline === undefined) return { judged: 0, violations: [] };
    let diff = await ledger.query<{
      account: string;
      amount_minor: string;
      currency: string;
      reference: string;
      actual: string;
      expected: string;
    }>(
      // A cumulative effect's reference (a running total booked as deltas) is compared by its net
      // per account: the deltas depend on the order the totals arrived in, the net does not.
      `with b0 as (select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) as b(account, amount_minor, currency, reference)),
            a0 as (select account, amount_minor, currency, reference from ${ledger.view} as l),
            b1 as (select account, amount_minor, currency, reference from b0 where not coalesce(reference = any($5::text[]), false)
                   union all
                   select account, sum(amount_minor), currency, reference from b0 where reference = any($5::text[]) group by 1, 3, 4),
            a1 as (select account, amount_minor, currency, reference from a0 where not coalesce(reference = any($5::text[]), false)
                   union all
                   select account, sum(amount_minor), currency, reference from a0 where reference = any($5::text[]) group by 1, 3, 4),
            b as (select account, amount_minor, currency, reference, count(*) as n from b1 group by 1, 2, 3, 4),
            a as (select account, amount_minor, currency, reference, count(*) as n from a1 group by 1, 2, 3, 4)
       select account, amount_minor, currency, reference,
              coalesce(a.n, 0) as actual, coalesce(b.n, 0) as expected
         from a full join b using (account, amount_minor, currency, reference)
        where coalesce(a.n, 0) <> coalesce(b.n, 0)
        order by reference, account, amount_minor, currency`,
      [
        baseline.map((r) => r.account),
        baseline.map((r) => r.amountMinor),
        baseline.map((r) => r.currency.toUpperCase()),
        baseline.map((r) => r.reference),
        [...expected.effects.values()].filter((e) => e.cumulative === true).map((e) => e.reference),
      ],
    );
    // A reference sent again after its idempotency key expired may hold its clean postings up to 1 + n times.
    const rebooked = (d: { reference: string; actual: string; expected: string }): boolean => {
      const extra = expected.rebookable?.get(d.reference) ?? 0;
      const [actual, clean] = [Number(d.actual), Number(d.expected)];
      return extra > 0 && clean > 0 && actual % clean === 0 && actual / clean >= 1 && actual / clean <= 1 + extra;
    };
    diff = diff.filter((d) => !rebooked(d));
    const onlyInActual = diff.reduce((n, d) => n + Math.max(0, Number(d.actual) - Number(d.expected)), 0);
    const judged = baseline.length + onlyInActual;
    if (diff.length === 0) return { judged, violations: [] };
    const violations: Violation[] = [];
    for (const [reference, rows] of groupBy(diff, (d) => d.reference)) {
      const evidence = rows.map((r): CleanReplayDiffRow => {
        const actual = Number(r.actual);
        const expected = Number(r.expected);
        return {
          side: actual > expected ? 'only in actual' : 'only in clean replay',
          count: Math.abs(actual - expected),
          account: r.account,
          amount_minor: r.amount_minor,
          currency: r.currency,
          reference: r.reference,
        };
      });
      const extra = evidence.filter((e) => e.side === 'only in actual').reduce((n, e) => n + e.count, 0);
      const missing = evidence.filter((e) => e.side === 'only in clean replay').reduce((n, e) => n + e.count, 0);
      violations.push({
        invariant: NAME,
        message: `ledger differs from the clean replay for ${reference === '' ? 'postings without a reference' : `reference ${reference}`}: ${extra} posting(s) only in actual, ${missing} only in the clean replay`,
        evidence: firstRows(evidence),
      });
    }
    return { judged, violations: capViolations(NAME, violations, 'references that differ from the clean replay') };
  },
});
