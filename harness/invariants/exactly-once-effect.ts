import { defineInvariant } from './invariant.ts';
import type { Violation } from './invariant.ts';
import { capViolations, firstRows, groupBy } from './evidence.ts';

const NAME = 'exactly-once-effect';

const rebookText = (extra: number | undefined): string =>
  extra === undefined || extra === 0 ? '' : ` (up to ${1 + extra}: sent again ${extra} time(s) after its idempotency key expired)`;

/**
 * Each expected effect is booked by exactly one transaction that moves cash net: none means the
 * event was lost, two or more that a redelivery or a race booked it again. A cumulative effect
 * (a running total booked as deltas) needs at least one; its amount is credited-amount's to check. Transfers between cash
 * accounts (a clearing account settled into the bank) net to zero on cash and do not count.
 */
export const exactlyOnceEffect = defineInvariant({
  name: NAME,
  description: 'every expected effect is posted by exactly one transaction that moves cash net',
  nothingToJudge: 'no delivered event expects a ledger effect',
  requires: ['ledger'],
  // Judged: the expected effects. A schedule whose events expect none has nothing to judge.
  async check({ ledger, expected }) {
    const references = [...expected.effects.keys()];
    if (ledger === undefined || references.length === 0) return { judged: 0, violations: [] };
    const judged = references.length;
    const counts = await ledger.query<{ reference: string; txns: string }>(
      `with e(reference, extra) as (select * from unnest($1::text[], $4::int[])),
            -- A transaction is an effect when it moves cash net: a transfer between two cash
            -- accounts (clearing → bank on settlement) touches cash but is not a second effect.
            t as (select reference, txn_id
                    from ${ledger.view} as l
                   where account = any($2::text[]) and reference = any($1::text[])
                   group by reference, txn_id, currency
                  having sum(amount_minor) <> 0),
            c as (select reference, count(distinct txn_id) as txns from t group by reference)
       select e.reference, coalesce(c.txns, 0) as txns
         from e left join c on c.reference = e.reference
        where coalesce(c.txns, 0) not between 1 and 1 + e.extra
          and not (e.reference = any($3::text[]) and coalesce(c.txns, 0) > 1)
        order by e.reference`,
      [
        references,
        ledger.cashAccounts,
        [...expected.effects.values()].filter((e) => e.cumulative === true).map((e) => e.reference),
        references.map((r) => expected.rebookable?.get(r) ?? 0),
      ],
    );
    if (counts.length === 0) return { judged, violations: [] };
    const offending = counts.map((c) => c.reference);
    const rows = await ledger.query<Record<string, unknown> & { reference: string }>(
      `select txn_id, account, amount_minor, currency, reference from ${ledger.view} as l
        where reference = any($1::text[]) order by reference, txn_id, account`,
      [offending],
    );
    const byReference = groupBy(rows, (r) => r.reference);
    const violations: Violation[] = counts.map(({ reference, txns }) => {
      const n = Number(txns);
      const effect = expected.effects.get(reference);
      const expectedRow = { expected: 'effect', ...effect };
      return n === 0
        ? {
            invariant: NAME,
            message: `effect for reference ${reference} is missing: no transaction moves cash on (${ledger.cashAccounts.join(', ')})`,
            evidence: [expectedRow, ...firstRows(byReference.get(reference) ?? [])],
          }
        : {
            invariant: NAME,
            message: `effect for reference ${reference} is duplicated: ${n} transactions move cash, expected 1${rebookText(expected.rebookable?.get(reference))}`,
            evidence: [expectedRow, ...firstRows(byReference.get(reference) ?? [])],
          };
    });
    return { judged, violations: capViolations(NAME, violations, 'references with a missing or duplicated effect') };
  },
});
