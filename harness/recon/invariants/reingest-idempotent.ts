import { RECON_FACTS } from '../facts.ts';
import { defineInvariant } from '../../invariants/invariant.ts';
import { firstRows } from '../../invariants/evidence.ts';
import { reconFacts } from './expected.ts';
import type { ReconSnapshot } from '../facts.ts';

const NAME = 'recon-reingest-idempotent';

/** Lines in `after` but not in `before` (+) and the other way round (−), as multisets. */
export function snapshotDiff(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  const count = new Map<string, number>();
  for (const x of before) count.set(x, (count.get(x) ?? 0) + 1);
  const added: string[] = [];
  for (const x of after) {
    const n = count.get(x) ?? 0;
    if (n > 0) count.set(x, n - 1);
    else added.push(x);
  }
  const removed = [...count].flatMap(([x, n]) => Array<string>(n).fill(x));
  return { added, removed };
}

/** Delivering every file once more changes nothing: not the ledger, not the matches, not the exception report. */
export const reconReingestIdempotent = defineInvariant({
  name: NAME,
  description: 're-ingesting any reconciliation file changes nothing (ledger, matches, exceptions)',
  requires: [RECON_FACTS],
  async check(ctx) {
    const facts = reconFacts(ctx);
    if (facts === undefined) return [];
    const { before, after } = facts.reingest;
    const parts = (['ledger', 'matches', 'exceptions'] as const satisfies readonly (keyof ReconSnapshot)[]).flatMap((part) => {
      const d = snapshotDiff(before[part], after[part]);
      return d.added.length + d.removed.length === 0 ? [] : [{ part, ...d }];
    });
    if (parts.length === 0) return [];
    return [
      {
        invariant: NAME,
        message:
          `re-ingesting the same ${facts.files.length} file(s) changed ${parts.map((p) => `${p.part} (+${p.added.length} −${p.removed.length})`).join(', ')}`,
        evidence: parts.map((p) => ({ part: p.part, added: firstRows(p.added), removed: firstRows(p.removed) })),
      },
    ];
  },
});
