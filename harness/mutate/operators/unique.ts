import type { Mutant, SourceFile } from '../mutant.ts';
import { calleeName, chainRoot, dropChainLink, dropListElement, methodCall, parse, singleEditMutant, ts, walk } from './ast.ts';

const TABLE_BUILDERS = new Set(['pgTable', 'mysqlTable', 'sqliteTable']);
const UNIQUE_BUILDERS = new Set(['unique', 'uniqueIndex']);

/** The returned array of a table's extra-config callback `(t) => [ … ]`. */
function extraConfigArray(fn: ts.Expression): ts.ArrayLiteralExpression | undefined {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  let body: ts.Node = fn.body;
  if (ts.isBlock(body)) {
    const ret = body.statements.find(ts.isReturnStatement);
    if (ret?.expression === undefined) return undefined;
    body = ret.expression;
  }
  while (ts.isParenthesizedExpression(body)) body = body.expression;
  return ts.isArrayLiteralExpression(body) ? body : undefined;
}

/**
 * Drops a uniqueness constraint from a Drizzle table: a `unique()` / `uniqueIndex()` entry of the
 * table's extra config, or a column's `.unique()`. The migration must be regenerated for the
 * database to lose it (`mutation.regenerate`).
 */
export function uniqueMutants(source: SourceFile): Mutant[] {
  const sf = parse(source.text, source.path);
  const mutants: Mutant[] = [];
  walk(sf, (node) => {
    if (!ts.isCallExpression(node) || !TABLE_BUILDERS.has(calleeName(node) ?? '')) return;
    const table = node.arguments[0];
    const tableName = table !== undefined && ts.isStringLiteralLike(table) ? table.text : '?';
    const columns = node.arguments[1];
    if (columns !== undefined) {
      walk(columns, (col) => {
        const m = methodCall(col, ['unique']);
        if (m === undefined) return;
        mutants.push(
          singleEditMutant({
            operator: 'unique',
            file: source.path,
            original: source.text,
            sf,
            at: m.access.name.getStart(sf),
            guard: `${tableName} column .unique()`,
            description: `remove a column's .unique() from table ${tableName}`,
            edit: dropChainLink(source.text, sf, m.call, m.access),
          }),
        );
      });
    }
    const extra = node.arguments[2] === undefined ? undefined : extraConfigArray(node.arguments[2]);
    if (extra === undefined) return;
    extra.elements.forEach((el, i) => {
      const root = chainRoot(el);
      if (!ts.isIdentifier(root) || !UNIQUE_BUILDERS.has(root.text)) return;
      const first = ts.isCallExpression(root.parent) ? root.parent.arguments[0] : undefined;
      const indexName = first !== undefined && ts.isStringLiteralLike(first) ? ` ${first.text}` : '';
      mutants.push(
        singleEditMutant({
          operator: 'unique',
          file: source.path,
          original: source.text,
          sf,
          at: el.getStart(sf),
          guard: `${tableName} ${root.text}${indexName}`,
          description: `remove ${root.text}(${indexName.trim()}) from table ${tableName}`,
          edit: dropListElement(source.text, sf, extra.elements, i),
        }),
      );
    });
  });
  return mutants;
}
