import type { Mutant, SourceFile } from '../mutant.ts';
import { chainMethods, deletion, parse, singleEditMutant, ts, walk } from './ast.ts';

/** Chains that look a delivery up or claim it: a select, or a write that returns rows. */
const LOOKUP_METHODS = new Set(['select', 'selectDistinct', 'findFirst', 'findMany', 'returning']);

function boundNames(name: ts.BindingName, out: Set<string>): void {
  if (ts.isIdentifier(name)) out.add(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) boundNames(el.name, out);
}

/** Names a `const x = await db.select()…` / `…returning()` statement declares. */
function lookupBindings(stmt: ts.Statement): Set<string> {
  const names = new Set<string>();
  if (!ts.isVariableStatement(stmt)) return names;
  for (const decl of stmt.declarationList.declarations) {
    if (decl.initializer === undefined) continue;
    if (!chainMethods(decl.initializer).some((m) => LOOKUP_METHODS.has(m))) continue;
    boundNames(decl.name, names);
  }
  return names;
}

const isReturnOnly = (s: ts.Statement): boolean =>
  ts.isReturnStatement(s) || (ts.isBlock(s) && s.statements.length === 1 && ts.isReturnStatement(s.statements[0]!));

function mentions(expr: ts.Node, names: ReadonlySet<string>): boolean {
  let found = false;
  walk(expr, (n) => {
    if (ts.isIdentifier(n) && names.has(n.text) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) found = true;
  });
  return found;
}

/**
 * Removes the early `return` that follows a "seen before" lookup: an `if (…) return …;` right
 * after a select / insert-returning whose result the condition tests. Without it a duplicate
 * delivery goes on to post its effect again.
 */
export function earlyReturnMutants(source: SourceFile): Mutant[] {
  const sf = parse(source.text, source.path);
  const mutants: Mutant[] = [];
  walk(sf, (node) => {
    if (!ts.isBlock(node) && !ts.isSourceFile(node)) return;
    node.statements.forEach((stmt, i) => {
      if (i === 0 || !ts.isIfStatement(stmt) || stmt.elseStatement !== undefined || !isReturnOnly(stmt.thenStatement)) return;
      const names = lookupBindings(node.statements[i - 1]!);
      if (names.size === 0 || !mentions(stmt.expression, names)) return;
      mutants.push(
        singleEditMutant({
          operator: 'early-return',
          file: source.path,
          original: source.text,
          sf,
          at: stmt.getStart(sf),
          guard: `if (${stmt.expression.getText(sf)}) return`,
          description: `remove the early return \`if (${stmt.expression.getText(sf)}) return …\` after a lookup`,
          edit: deletion(source.text, stmt.getStart(sf), stmt.end),
        }),
      );
    });
  });
  return mutants;
}
