import { defineInvariant } from './invariant.ts';
import type { Violation } from './invariant.ts';
import { capViolations, firstRows, groupBy } from './evidence.ts';

const NAME = 'credited-amount';

/** The net movement on the cash accounts per reference is the effect's amount, in its currency. */
export const creditedAmount = defineInvariant({
  name: NAME,
  description: "net cash-account movement per reference equals the effect's amount (+ in, − out) in its currency",
  nothingToJudge: 'no delivered event expects a ledger effect',
  requires: ['ledger'],
  // Judged: the expected effects, as for exactly-once-effect.
  async check({ ledger, expected }) {
    const effects = [...expected.effects.values()];
    if (ledger === undefined || effects.length === 0) return { judged: 0, violations: [] };
    const judged = effects.length;
    const mismatches = await ledger.query<{
      reference: string;
      expected_net: string;
      expected_currency: string;
      net: string;
      other_currencies: string[] | null;
    }>(
      `with e as (
              select * from unnest($1::text[], $2::bigint[], $3::text[], $5::int[]) as e(reference, expected_net, currency, extra)),
            a as (
              select reference, currency, sum(amount_minor) as net
                from ${ledger.view} as l
               where account = any($4::text[]) and reference = any($1::text[])
               group by reference, currency)
       select e.reference, e.expected_net, e.currency as expected_currency,
              coalesce(sum(a.net) filter (where a.currency = e.currency), 0) as net,
              array_agg(a.currency || ' ' || a.net) filter (where a.currency <> e.currency and a.net <> 0) as other_currencies
         from e left join a on a.reference = e.reference
        group by e.reference, e.expected_net, e.currency, e.extra
       -- A reference sent again after its key expired may be booked once more per such request.
       having (coalesce(sum(a.net) filter (where a.currency = e.currency), 0) <> e.expected_net
               and (e.extra = 0 or e.expected_net = 0
                    or coalesce(sum(a.net) filter (where a.currency = e.currency), 0) % e.expected_net <> 0
                    or coalesce(sum(a.net) filter (where a.currency = e.currency), 0) / e.expected_net not between 1 and 1 + e.extra))
           or count(*) filter (where a.currency <> e.currency and a.net <> 0) > 0
        order by e.reference`,
      [
        effects.map((e) => e.reference),
        effects.map((e) => (e.direction === 'in' ? e.amountMinor : -e.amountMinor)),
        effects.map((e) => e.currency.toUpperCase()),
        ledger.cashAccounts,
        effects.map((e) => expected.rebookable?.get(e.reference) ?? 0),
      ],
    );
    if (mismatches.length === 0) return { judged, violations: [] };
    const rows = await ledger.query<Record<string, unknown> & { reference: string }>(
      `select txn_id, account, amount_minor, currency, reference from ${ledger.view} as l
        where reference = any($1::text[]) and account = any($2::text[]) order by reference, txn_id, account`,
      [mismatches.map((m) => m.reference), ledger.cashAccounts],
    );
    const byReference = groupBy(rows, (r) => r.reference);
    const violations: Violation[] = mismatches.map((m) => {
      const effect = expected.effects.get(m.reference);
      const problems: string[] = [];
      if (m.net !== m.expected_net) {
        problems.push(`net cash movement is ${m.net} ${m.expected_currency}, expected ${m.expected_net}`);
      }
      if (m.other_currencies && m.other_currencies.length > 0) {
        problems.push(
          `cash moved in another currency (${m.other_currencies.join(', ')}), expected ${m.expected_currency}`,
        );
      }
      return {
        invariant: NAME,
        message: `reference ${m.reference}: ${problems.join('; ')}`,
        evidence: [{ expected: 'effect', ...effect }, ...firstRows(byReference.get(m.reference) ?? [])],
      };
    });
    return { judged, violations: capViolations(NAME, violations, 'references with a wrong amount') };
  },
});
