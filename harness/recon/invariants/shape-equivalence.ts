import { RECON_FACTS } from '../facts.ts';
import { defineInvariant, type Violation } from '../../invariants/invariant.ts';
import { booksOf, expectRecon, reconFacts, rm } from './expected.ts';
import { mappedView } from '../facts.ts';

const NAME = 'recon-shape-equivalence';

/**
 * A settlement window that held a weekend or holiday settles the same per transaction date
 * whether it arrives as one holiday-shaped file or as the equivalent regular files.
 */
export const reconShapeEquivalence = defineInvariant({
  name: NAME,
  description: 'a holiday-window settlement gives the ledger the equivalent regular files give, per transaction date',
  requires: [RECON_FACTS],
  async check(ctx) {
    const facts = reconFacts(ctx);
    if (facts === undefined) return [];
    const windows = facts.files.filter((f) => f.naturalShape === 'holiday' || f.shape === 'holiday');
    if (windows.length === 0) return [];
    const { settle } = expectRecon(facts.files, ctx);
    const rows = await (await booksOf(ctx, facts.mapping)).query<{ reference: string; date: string; net: string }>(
      `select m.reference, m."settlementDate" as date, coalesce(sum(l.amount_minor), 0) as net
         from ${mappedView(facts.mapping.matches)} as m
         left join ${(await booksOf(ctx, facts.mapping)).view} as l on l.reference = m.reference and l.account = $1
        group by 1, 2`,
      [facts.mapping.settlementAccount],
    );
    const settledUnder = new Map<string, number>();
    for (const r of rows) settledUnder.set(`${r.date}|${r.reference}`, (settledUnder.get(`${r.date}|${r.reference}`) ?? 0) + Number(r.net));
    const violations: Violation[] = [];
    const seen = new Set<string>();
    for (const file of windows) {
      const shapes = [...new Set(facts.files.filter((f) => f.settlementDate === file.settlementDate).map((f) => f.shape))].join('+');
      for (const txnDate of [...new Set(file.rows.map((r) => r.txnDate))].sort()) {
        const key = `${file.settlementDate}|${txnDate}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const refs = [...settle].filter(([, p]) => p.settlementDate === file.settlementDate && p.txnDate === txnDate);
        const want = refs.reduce((t, [, p]) => t + p.amountMinor, 0);
        const got = refs.reduce((t, [r]) => t + (settledUnder.get(`${file.settlementDate}|${r}`) ?? 0), 0);
        if (want === got) continue;
        violations.push({
          invariant: NAME,
          message:
            `settlement ${file.settlementDate} (delivered ${shapes}-shaped, calendar says ${file.naturalShape}): transactions of ${txnDate} ` +
            `settle ${rm(want)} in the equivalent regular file, the ledger settled ${rm(got)}`,
          evidence: [{ settlementDate: file.settlementDate, txnDate, expected: want, actual: got, references: refs.map(([r]) => r).slice(0, 20) }],
        });
      }
    }
    return violations;
  },
});
