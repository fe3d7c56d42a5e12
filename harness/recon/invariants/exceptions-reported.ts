import { RECON_FACTS } from '../facts.ts';
import { defineInvariant, type Violation } from '../../invariants/invariant.ts';
import { capViolations } from '../../invariants/evidence.ts';
import { booksOf, expectRecon, reconFacts, rm } from './expected.ts';
import { mappedView } from '../facts.ts';

const NAME = 'recon-exceptions-reported';

/** A row for an unknown, failed or different-amount transaction is reported as an exception and never credited. */
export const reconExceptionsReported = defineInvariant({
  name: NAME,
  description: 'a file row for an unknown or failed transaction is reported as an exception, never credited or settled',
  requires: ['ledger', RECON_FACTS],
  async check(ctx) {
    const facts = reconFacts(ctx);
    if (facts === undefined || ctx.ledger === undefined) return [];
    const { report } = expectRecon(facts.files, ctx);
    if (report.size === 0) return [];
    const refs = [...report.keys()];
    const rows = await (await booksOf(ctx, facts.mapping)).query<{ reference: string; reported: string; settled: string; credited: string }>(
      `with r as (select * from unnest($1::text[]) as r(reference)),
            e as (select reference, count(*) as n from ${mappedView(facts.mapping.exceptions)} as e where reference = any($1::text[]) group by reference),
            l as (select reference,
                         coalesce(sum(amount_minor) filter (where account = $2), 0) as settled,
                         coalesce(sum(amount_minor) filter (where account = any($3::text[])), 0) as credited
                    from ${(await booksOf(ctx, facts.mapping)).view} as l where reference = any($1::text[]) group by reference)
       select r.reference, coalesce(e.n, 0) as reported, coalesce(l.settled, 0) as settled, coalesce(l.credited, 0) as credited
         from r left join e using (reference) left join l using (reference)`,
      [refs, facts.mapping.settlementAccount, ctx.ledger.cashAccounts],
    );
    const violations: Violation[] = [];
    for (const r of rows) {
      const place = report.get(r.reference)!;
      const problems: string[] = [];
      if (Number(r.reported) === 0) problems.push('not reported as an exception');
      if (Number(r.settled) !== 0) problems.push(`${rm(r.settled)} settled into ${facts.mapping.settlementAccount}`);
      const effect = ctx.expected.effects.get(r.reference);
      if (effect === undefined && Number(r.credited) !== 0) problems.push(`${rm(r.credited)} credited to cash accounts`);
      if (problems.length === 0) continue;
      violations.push({
        invariant: NAME,
        message: `row ${r.reference} (${rm(place.amountMinor)}) in ${place.file} must be reported, not settled (${place.why}): ${problems.join('; ')}`,
        evidence: [{ reference: r.reference, ...place, reported: Number(r.reported), settled: Number(r.settled), credited: Number(r.credited) }],
      });
    }
    return capViolations(NAME, violations, 'rows');
  },
});
