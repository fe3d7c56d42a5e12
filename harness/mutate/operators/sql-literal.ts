import type { MutationOperatorName } from '../config.ts';
import type { Mutant, SourceFile } from '../mutant.ts';
import { deletion, singleEditMutant, ts, walk } from './ast.ts';

/*
 * SQL written as strings: the AST tells which nodes are string / template literal text; the SQL
 * clause inside one literal part is then found by a pattern (SQL is not TypeScript). A clause
 * split across `${…}` substitutions is not found.
 */
const PATTERNS: Partial<Record<MutationOperatorName, { pattern: RegExp; guard: string }>> = {
  'on-conflict': { pattern: /\s*\bon\s+conflict\b(?:\s*\([^)]*\))?(?:\s+on\s+constraint\s+\w+)?\s+do\s+nothing\b/gi, guard: 'ON CONFLICT DO NOTHING' },
  'for-update': { pattern: /\s*\bfor\s+(?:no\s+key\s+)?update\b(?:\s+of\s+\w+)?(?:\s+(?:nowait|skip\s+locked))?/gi, guard: 'FOR UPDATE' },
};

const isLiteralPart = (node: ts.Node): boolean =>
  ts.isStringLiteral(node) ||
  ts.isNoSubstitutionTemplateLiteral(node) ||
  node.kind === ts.SyntaxKind.TemplateHead ||
  node.kind === ts.SyntaxKind.TemplateMiddle ||
  node.kind === ts.SyntaxKind.TemplateTail;

export function sqlLiteralMutants(source: SourceFile, sf: ts.SourceFile, operator: MutationOperatorName): Mutant[] {
  const spec = PATTERNS[operator];
  if (spec === undefined) return [];
  const mutants: Mutant[] = [];
  walk(sf, (node) => {
    if (!isLiteralPart(node)) return;
    const start = node.getStart(sf);
    const raw = source.text.slice(start, node.end);
    for (const match of raw.matchAll(spec.pattern)) {
      const at = start + (match.index ?? 0);
      const edit = deletion(source.text, at, at + match[0].length);
      mutants.push(
        singleEditMutant({
          operator,
          file: source.path,
          original: source.text,
          sf,
          at: at + match[0].length - match[0].trimStart().length,
          guard: spec.guard,
          description: `remove "${match[0].trim().replace(/\s+/g, ' ')}" from a SQL string`,
          edit,
        }),
      );
    }
  });
  return mutants;
}
