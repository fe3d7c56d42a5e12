import { RECON_FACTS } from '../facts.ts';
import { defineInvariant, type Violation } from '../../invariants/invariant.ts';
import { capViolations } from '../../invariants/evidence.ts';
import { booksOf, expectRecon, reconFacts, rm } from './expected.ts';
import { mappedView } from '../facts.ts';

const NAME = 'recon-matched-exactly-once';

/** Every approved transaction in the files is matched, and settled into the bank, exactly once across all files. */
export const reconMatchedExactlyOnce = defineInvariant({
  name: NAME,
  description: 'every approved transaction in the reconciliation files is matched and settled exactly once across all files',
  requires: [RECON_FACTS],
  async check(ctx) {
    const facts = reconFacts(ctx);
    if (facts === undefined) return [];
    const { settle } = expectRecon(facts.files, ctx);
    const rows = await (await booksOf(ctx, facts.mapping)).query<{ reference: string; matches: string; settlements: string; settled: string }>(
      `with m as (select reference, count(*) as n from ${mappedView(facts.mapping.matches)} as m group by reference),
            s as (select reference, count(distinct txn_id) as n, sum(amount_minor) as net
                    from ${(await booksOf(ctx, facts.mapping)).view} as l where account = $1 group by reference)
       select coalesce(m.reference, s.reference) as reference, coalesce(m.n, 0) as matches,
              coalesce(s.n, 0) as settlements, coalesce(s.net, 0) as settled
         from m full join s on s.reference = m.reference`,
      [facts.mapping.settlementAccount],
    );
    const actual = new Map(rows.map((r) => [r.reference, r]));
    const violations: Violation[] = [];
    for (const [reference, place] of settle) {
      const a = actual.get(reference);
      const matches = Number(a?.matches ?? 0);
      const settled = Number(a?.settled ?? 0);
      if (matches === 1 && Number(a?.settlements ?? 0) === 1 && settled === place.amountMinor) continue;
      violations.push({
        invariant: NAME,
        message:
          `transaction ${reference} (${rm(place.amountMinor)}, ${place.txnDate}, first in ${place.file}) ` +
          `was matched ${matches} time(s) and settled ${rm(settled)} into ${facts.mapping.settlementAccount}, expected once and ${rm(place.amountMinor)}`,
        evidence: [{ expected: 'settled once', reference, ...place }, { actual: 'target', reference, matches, settlements: Number(a?.settlements ?? 0), settled }],
      });
    }
    for (const r of rows) {
      if (settle.has(r.reference) || Number(r.matches) <= 1) continue;
      violations.push({
        invariant: NAME,
        message: `transaction ${r.reference} was matched ${r.matches} times`,
        evidence: [{ reference: r.reference, matches: Number(r.matches), settled: Number(r.settled) }],
      });
    }
    return capViolations(NAME, violations, 'transactions');
  },
});
