import type { Mutant, SourceFile } from '../mutant.ts';
import { dropChainLink, methodCall, parse, singleEditMutant, walk } from './ast.ts';
import { sqlLiteralMutants } from './sql-literal.ts';

/**
 * Drops Drizzle's `.onConflictDoNothing()` / `.onConflictDoUpdate(...)` from an insert chain, and
 * `ON CONFLICT … DO NOTHING` from SQL in string and template literals. Without it a duplicate
 * insert throws (or inserts twice when the unique index is gone too).
 */
export function onConflictMutants(source: SourceFile): Mutant[] {
  const sf = parse(source.text, source.path);
  const mutants: Mutant[] = [];
  walk(sf, (node) => {
    const m = methodCall(node, ['onConflictDoNothing', 'onConflictDoUpdate']);
    if (m === undefined) return;
    mutants.push(
      singleEditMutant({
        operator: 'on-conflict',
        file: source.path,
        original: source.text,
        sf,
        at: m.access.name.getStart(sf),
        guard: `.${m.access.name.text}()`,
        description: `remove .${m.access.name.text}(…) from the insert`,
        edit: dropChainLink(source.text, sf, m.call, m.access),
      }),
    );
  });
  mutants.push(...sqlLiteralMutants(source, sf, 'on-conflict'));
  return mutants;
}
