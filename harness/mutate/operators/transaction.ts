import type { Mutant, SourceFile } from '../mutant.ts';
import { methodCall, parse, singleEditMutant, ts, walk } from './ast.ts';

/**
 * Replaces `db.transaction(async (tx) => body)` by the body run on `db` directly:
 * `(async () => body[tx := db])()`. Every statement then commits on its own and a failure half
 * way leaves the first half behind.
 */
export function transactionMutants(source: SourceFile): Mutant[] {
  const sf = parse(source.text, source.path);
  const text = source.text;
  const mutants: Mutant[] = [];
  walk(sf, (node) => {
    const m = methodCall(node, ['transaction']);
    const fn = m?.call.arguments[0];
    if (m === undefined || fn === undefined || (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn))) return;
    const param = fn.parameters[0];
    if (param === undefined || !ts.isIdentifier(param.name)) return;
    const txName = param.name.text;
    const dbText = m.access.expression.getText(sf);
    // Rename every use of the transaction parameter inside the body (not property names, not shadowed re-declarations' own names).
    const body = fn.body;
    const renames: { start: number; end: number; replacement: string }[] = [];
    walk(body, (n) => {
      if (!ts.isIdentifier(n) || n.text !== txName) return;
      const p = n.parent;
      if ((ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n)) return;
      const replacement = ts.isShorthandPropertyAssignment(p) ? `${txName}: ${dbText}` : dbText;
      renames.push({ start: n.getStart(sf), end: n.end, replacement });
    });
    const bodyStart = body.getStart(sf);
    let newBody = '';
    let at = bodyStart;
    for (const r of renames) {
      newBody += text.slice(at, r.start) + r.replacement;
      at = r.end;
    }
    newBody += text.slice(at, body.end);
    const isAsync = fn.modifiers?.some((mod) => mod.kind === ts.SyntaxKind.AsyncKeyword) ?? false;
    const replacement = `(${isAsync ? 'async ' : ''}() => ${newBody})()`;
    mutants.push(
      singleEditMutant({
        operator: 'transaction',
        file: source.path,
        original: text,
        sf,
        at: m.access.name.getStart(sf),
        guard: `${dbText}.transaction(…)`,
        description: `run the body of ${dbText}.transaction(…) on ${dbText} directly, without a transaction`,
        edit: { start: m.call.getStart(sf), end: m.call.end, replacement },
      }),
    );
  });
  return mutants;
}
