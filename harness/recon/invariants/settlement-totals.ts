import { RECON_FACTS } from '../facts.ts';
import { defineInvariant, type Violation } from '../../invariants/invariant.ts';
import { booksOf, expectRecon, reconFacts, rm } from './expected.ts';
import { mappedView } from '../facts.ts';

const NAME = 'recon-settlement-totals';

/** Per settlement date, what the files settle equals what the ledger moved into the bank under that date. */
export const reconSettlementTotals = defineInvariant({
  name: NAME,
  description: "per settlement date, the files' approved total equals the ledger's settled total",
  requires: [RECON_FACTS],
  async check(ctx) {
    const facts = reconFacts(ctx);
    if (facts === undefined) return [];
    const { settle } = expectRecon(facts.files, ctx);
    const expected = new Map<string, number>();
    for (const place of settle.values()) expected.set(place.settlementDate, (expected.get(place.settlementDate) ?? 0) + place.amountMinor);
    const rows = await (await booksOf(ctx, facts.mapping)).query<{ date: string; total: string }>(
      `with m as (select distinct reference, "settlementDate" from ${mappedView(facts.mapping.matches)} as m),
            s as (select reference, sum(amount_minor) as net from ${(await booksOf(ctx, facts.mapping)).view} as l where account = $1 group by reference)
       select m."settlementDate" as date, coalesce(sum(s.net), 0) as total
         from m left join s on s.reference = m.reference group by 1 order by 1`,
      [facts.mapping.settlementAccount],
    );
    const actual = new Map(rows.map((r) => [r.date, Number(r.total)]));
    const violations: Violation[] = [];
    for (const date of [...new Set([...expected.keys(), ...actual.keys()])].sort()) {
      const want = expected.get(date) ?? 0;
      const got = actual.get(date) ?? 0;
      if (want === got) continue;
      const refs = [...settle].filter(([, p]) => p.settlementDate === date).map(([r]) => r);
      violations.push({
        invariant: NAME,
        message: `settlement ${date}: the files settle ${rm(want)}, the ledger settled ${rm(got)} (${rm(got - want)})`,
        evidence: [{ settlementDate: date, expected: want, actual: got, references: refs.slice(0, 20) }],
      });
    }
    return violations;
  },
});
