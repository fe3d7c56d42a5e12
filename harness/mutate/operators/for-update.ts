import type { Mutant, SourceFile } from '../mutant.ts';
import { dropChainLink, methodCall, parse, singleEditMutant, ts, walk } from './ast.ts';
import { sqlLiteralMutants } from './sql-literal.ts';

const LOCKS = new Set(['update', 'no key update']);

/** Drops a row lock: Drizzle's `.for('update')` link, or `FOR UPDATE` in SQL string literals. */
export function forUpdateMutants(source: SourceFile): Mutant[] {
  const sf = parse(source.text, source.path);
  const mutants: Mutant[] = [];
  walk(sf, (node) => {
    const m = methodCall(node, ['for']);
    const strength = m?.call.arguments[0];
    if (m === undefined || strength === undefined || !ts.isStringLiteralLike(strength) || !LOCKS.has(strength.text)) return;
    mutants.push(
      singleEditMutant({
        operator: 'for-update',
        file: source.path,
        original: source.text,
        sf,
        at: m.access.name.getStart(sf),
        guard: `.for('${strength.text}')`,
        description: `remove .for('${strength.text}') (the row lock) from the select`,
        edit: dropChainLink(source.text, sf, m.call, m.access),
      }),
    );
  });
  mutants.push(...sqlLiteralMutants(source, sf, 'for-update'));
  return mutants;
}
