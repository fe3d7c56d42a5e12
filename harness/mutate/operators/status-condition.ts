import type { Mutant, SourceFile } from '../mutant.ts';
import { calleeName, dropListElement, parse, singleEditMutant, ts, walk } from './ast.ts';

const COMPARISONS = new Set(['lt', 'gt', 'lte', 'gte', 'ne']);
const STATUS_COLUMN = /status|rank/i;

/** `lt(orders.statusRank, rank)` and the like: a comparison whose column is named like a status. */
function isStatusComparison(node: ts.Node): boolean {
  if (!ts.isCallExpression(node) || !COMPARISONS.has(calleeName(node) ?? '')) return false;
  const column = node.arguments[0];
  if (column === undefined) return false;
  const name = ts.isPropertyAccessExpression(column) ? column.name.text : ts.isIdentifier(column) ? column.text : undefined;
  return name !== undefined && STATUS_COLUMN.test(name);
}

function containsStatusComparison(node: ts.Node): boolean {
  let found = false;
  walk(node, (n) => {
    if (isStatusComparison(n)) found = true;
  });
  return found;
}

/** Inside the argument of a `.where(…)` call. */
function inWhere(node: ts.Node): boolean {
  for (let p = node.parent; p !== undefined; p = p.parent) {
    if (ts.isCallExpression(p) && ts.isPropertyAccessExpression(p.expression) && p.expression.name.text === 'where') return true;
    if (ts.isFunctionLike(p)) return false;
  }
  return false;
}

/**
 * Drops a status-comparison condition from an `and(…)` in a `.where(…)`: the guard that keeps
 * a late, lower status from overwriting a higher one (or a finished refund from finishing again).
 */
export function statusConditionMutants(source: SourceFile): Mutant[] {
  const sf = parse(source.text, source.path);
  const mutants: Mutant[] = [];
  walk(sf, (node) => {
    if (!ts.isCallExpression(node) || calleeName(node) !== 'and' || !inWhere(node)) return;
    // An `and` nested in an `or` is part of a bigger condition: the outer argument is the unit.
    if (ts.isCallExpression(node.parent) && calleeName(node.parent) === 'or') return;
    node.arguments.forEach((arg, i) => {
      if (!containsStatusComparison(arg)) return;
      mutants.push(
        singleEditMutant({
          operator: 'status-condition',
          file: source.path,
          original: source.text,
          sf,
          at: arg.getStart(sf),
          guard: arg.getText(sf).replace(/\s+/g, ' '),
          description: `drop the condition \`${arg.getText(sf).replace(/\s+/g, ' ')}\` from the where`,
          edit: dropListElement(source.text, sf, node.arguments, i),
        }),
      );
    });
  });
  return mutants;
}
