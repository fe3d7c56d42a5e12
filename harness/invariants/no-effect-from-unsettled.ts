import { defineInvariant } from './invariant.ts';
import type { Violation } from './invariant.ts';
import { capViolations, firstRows, groupBy } from './evidence.ts';

const NAME = 'no-effect-from-unsettled';

/**
 * Failed and still-pending payments move no money; and no money moves on the cash accounts
 * under a reference that no delivered event accounts for. A zero-amount row moves nothing (a $0
 * trial invoice journaled for the record) and is not counted.
 */
export const noEffectFromUnsettled = defineInvariant({
  name: NAME,
  description: 'failed or pending references have no cash-account rows, and no cash moves under an unknown reference',
  nothingToJudge: 'no failed or pending payment was delivered and no cash moved',
  requires: ['ledger'],
  // Judged: the references that must show no effect, and every reference cash moved under.
  async check({ ledger, expected }) {
    if (ledger === undefined) return { judged: 0, violations: [] };
    const noEffect = [...expected.noEffect];
    const known = [...new Set([...expected.effects.keys(), ...expected.noEffect])];
    const offending = await ledger.query<{
      reference: string;
      kind: 'unsettled' | 'unknown';
      rows: string;
      txns: string;
      net: string;
    }>(
      `select reference,
              case when reference = any($1::text[]) then 'unsettled' else 'unknown' end as kind,
              count(*) as rows, count(distinct txn_id) as txns, sum(amount_minor) as net
         from ${ledger.view} as l
        where account = any($3::text[])
          and amount_minor <> 0
          and (reference = any($1::text[]) or not (reference = any($2::text[])))
        group by reference
        order by 2 desc, reference`,
      [noEffect, known, ledger.cashAccounts],
    );
    if (offending.length === 0) {
      if (noEffect.length > 0) return { judged: noEffect.length, violations: [] };
      const [cash] = await ledger.query<{ n: string }>(
        `select count(distinct reference) as n from ${ledger.view} as l where account = any($1::text[]) and amount_minor <> 0`,
        [ledger.cashAccounts],
      );
      return { judged: Number(cash?.n ?? 0), violations: [] };
    }
    const rows = await ledger.query<Record<string, unknown> & { reference: string }>(
      `select txn_id, account, amount_minor, currency, reference from ${ledger.view} as l
        where reference = any($1::text[]) and account = any($2::text[]) and amount_minor <> 0 order by reference, txn_id, account`,
      [offending.map((o) => o.reference), ledger.cashAccounts],
    );
    const byReference = groupBy(rows, (r) => r.reference);
    const violations: Violation[] = offending.map((o) => ({
      invariant: NAME,
      message:
        o.kind === 'unsettled'
          ? `reference ${o.reference} was failed or pending but has ${o.rows} cash-account row(s) in ${o.txns} transaction(s), net ${o.net}`
          : `effect from nowhere: ${o.rows} cash-account row(s) (net ${o.net}) under ${o.reference === '' ? 'an empty reference' : `reference ${o.reference}`}, which no delivered event expects`,
      evidence: firstRows(byReference.get(o.reference) ?? []),
    }));
    return { judged: noEffect.length + offending.length, violations: capViolations(NAME, violations, 'references with unexpected cash movement') };
  },
});
