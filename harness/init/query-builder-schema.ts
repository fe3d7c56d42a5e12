/**
 * Reads tables from Knex and Kysely migrations through the TypeScript AST, without running them:
 * - Knex: `knex.schema.createTable('name', (t) => { t.bigInteger('amount_minor'); t.string('ccy'); … })`
 *   (also `createTableIfNotExists`, `.withSchema(x)`, and `alterTable`/`table` adding, dropping and
 *   renaming columns, `dropTable`, `renameTable`);
 * - Kysely: `db.schema.createTable('name').addColumn('col', 'bigint', …)…execute()` (also
 *   `alterTable('name').addColumn/dropColumn/renameColumn/renameTo`, `dropTable`).
 * Files are applied in path order (migration file names sort by date).
 */
import ts from 'typescript';
import type { SchemaColumn, SchemaTable } from './schema-table.ts';
import { stringValue, where, type SourceFile } from './source-files.ts';

/** Knex column builders → SQL type. */
const KNEX_TYPES: Record<string, string> = {
  increments: 'serial',
  bigIncrements: 'bigserial',
  integer: 'integer',
  bigInteger: 'bigint',
  bigint: 'bigint',
  tinyint: 'smallint',
  smallint: 'smallint',
  mediumint: 'integer',
  string: 'varchar',
  text: 'text',
  decimal: 'numeric',
  float: 'real',
  double: 'double precision',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamp',
  timestamp: 'timestamp',
  time: 'time',
  uuid: 'uuid',
  json: 'json',
  jsonb: 'jsonb',
  enum: 'text',
  enu: 'text',
  binary: 'bytea',
};

interface Pending {
  table: SchemaTable;
}

function leadingComment(file: SourceFile, node: ts.Node): string {
  let statement: ts.Node = node;
  while (statement.parent !== undefined && !ts.isSourceFile(statement.parent) && !ts.isBlock(statement.parent)) statement = statement.parent;
  const ranges = ts.getLeadingCommentRanges(file.text, statement.getFullStart()) ?? [];
  return ranges.map((r) => file.text.slice(r.pos, r.end)).join('\n');
}

const calleeName = (call: ts.CallExpression): string | undefined =>
  ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : undefined;

/** `.withSchema('billing')` somewhere in the receiver chain of a schema call. */
function withSchema(call: ts.CallExpression): string | undefined {
  let node: ts.Expression = call.expression;
  while (ts.isPropertyAccessExpression(node) || ts.isCallExpression(node)) {
    if (ts.isCallExpression(node) && calleeName(node) === 'withSchema') return stringValue(node.arguments[0]);
    node = ts.isCallExpression(node) ? node.expression : node.expression;
  }
  return undefined;
}

/** The receiver chain mentions `.schema` (knex.schema, trx.schema, db.schema). */
function onSchema(call: ts.CallExpression): boolean {
  let node: ts.Expression = call.expression;
  while (ts.isPropertyAccessExpression(node) || ts.isCallExpression(node)) {
    if (ts.isPropertyAccessExpression(node) && node.name.text === 'schema') return true;
    node = node.expression;
  }
  return ts.isIdentifier(node) && node.text === 'schema';
}

const qualified = (schema: string | undefined, name: string): string => (schema === undefined || schema === 'public' ? name : `${schema}.${name}`);

/** Column operations in a Knex table callback, applied to `columns`. */
function applyKnexCallback(fn: ts.ArrowFunction | ts.FunctionExpression, columns: SchemaColumn[]): void {
  const param = fn.parameters[0];
  if (param === undefined || !ts.isIdentifier(param.name)) return;
  const t = param.name.text;
  const add = (name: string, type: string): void => {
    if (!columns.some((c) => c.sqlName === name)) columns.push({ key: name, sqlName: name, type });
  };
  const go = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === t) {
      const method = node.expression.name.text;
      const first = stringValue(node.arguments[0]);
      if (method === 'timestamps') {
        add('created_at', 'timestamp');
        add('updated_at', 'timestamp');
      } else if (method === 'specificType' && first !== undefined) {
        add(first, (stringValue(node.arguments[1]) ?? '?').toLowerCase().replace(/\(.*$/, '').trim());
      } else if (method === 'dropColumn' || method === 'dropColumns') {
        for (const a of node.arguments) {
          const name = stringValue(a);
          const at = columns.findIndex((c) => c.sqlName === name);
          if (at >= 0) columns.splice(at, 1);
        }
      } else if (method === 'renameColumn') {
        const col = columns.find((c) => c.sqlName === first);
        const to = stringValue(node.arguments[1]);
        if (col !== undefined && to !== undefined) col.key = col.sqlName = to;
      } else if (method === 'dropTimestamps') {
        for (const name of ['created_at', 'updated_at']) {
          const at = columns.findIndex((c) => c.sqlName === name);
          if (at >= 0) columns.splice(at, 1);
        }
      } else if (Object.hasOwn(KNEX_TYPES, method)) {
        add(first ?? (method === 'increments' || method === 'bigIncrements' ? 'id' : '?'), KNEX_TYPES[method]!);
      }
    }
    ts.forEachChild(node, go);
  };
  go(fn.body);
}

/** `sql\`numeric(12, 2)\`` or `'numeric(12, 2)'` → `numeric`. */
function kyselyType(node: ts.Expression | undefined): string {
  if (node === undefined) return '?';
  const text = stringValue(node) ?? (ts.isTaggedTemplateExpression(node) ? node.template.getText().replace(/^`|`$/g, '') : undefined);
  if (text === undefined) return '?';
  const type = text.toLowerCase().replace(/\(.*$/, '').trim();
  return type === 'int' || type === 'int4' ? 'integer' : type === 'int8' ? 'bigint' : type === 'timestamptz' ? 'timestamp with time zone' : type;
}

/** The calls chained on `call` (`.addColumn(…).addColumn(…).execute()`), in order. */
function chainAfter(call: ts.CallExpression): ts.CallExpression[] {
  const out: ts.CallExpression[] = [];
  let node: ts.Node = call;
  while (ts.isPropertyAccessExpression(node.parent) && node.parent.expression === node && ts.isCallExpression(node.parent.parent) && node.parent.parent.expression === node.parent) {
    node = node.parent.parent;
    out.push(node as ts.CallExpression);
  }
  return out;
}

/** A migration's `down` (function, const, method, `exports.down =`): it undoes `up`, so it is not read. */
function isDown(node: ts.Node): boolean {
  const named = (n: ts.Node | undefined): boolean => n !== undefined && (ts.isIdentifier(n) || ts.isStringLiteral(n)) && n.text === 'down';
  if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isPropertyAssignment(node) || ts.isVariableDeclaration(node)) {
    return named(node.name);
  }
  return (
    ts.isBinaryExpression(node) &&
    node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isPropertyAccessExpression(node.left) &&
    node.left.name.text === 'down'
  );
}

export interface QueryBuilderSchema {
  files: string[];
  tables: SchemaTable[];
}

/** Tables created (and altered) by Knex or Kysely schema calls in `files`, applied in file order. */
export function readQueryBuilderMigrations(files: readonly SourceFile[]): QueryBuilderSchema {
  const tables = new Map<string, Pending>();
  const used = new Set<string>();
  for (const file of [...files].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))) {
    const visitNode = (node: ts.Node): void => {
      if (isDown(node)) return;
      if (ts.isCallExpression(node) && onSchema(node)) {
        const method = calleeName(node);
        const name = stringValue(node.arguments[0]);
        const fn = node.arguments[1];
        const callback = fn !== undefined && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) ? fn : undefined;
        if (name !== undefined && method !== undefined) {
          const full = qualified(withSchema(node), name);
          if ((method === 'createTable' || method === 'createTableIfNotExists') && callback !== undefined) {
            if (method === 'createTableIfNotExists' && tables.has(full)) return;
            const table: SchemaTable = { name: full, source: 'knex', where: where(file, node), comment: leadingComment(file, node), columns: [] };
            applyKnexCallback(callback, table.columns);
            tables.set(full, { table });
            used.add(file.rel);
          } else if ((method === 'alterTable' || method === 'table') && callback !== undefined) {
            const found = tables.get(full);
            if (found !== undefined) {
              applyKnexCallback(callback, found.table.columns);
              used.add(file.rel);
            }
          } else if (method === 'createTable' && node.arguments.length === 1) {
            const table: SchemaTable = { name: full, source: 'kysely', where: where(file, node), comment: leadingComment(file, node), columns: [] };
            const chain = chainAfter(node);
            if (chain.some((c) => calleeName(c) === 'ifNotExists') && tables.has(full)) return;
            applyKysely(chain, table);
            tables.set(full, { table });
            used.add(file.rel);
          } else if (method === 'alterTable' && node.arguments.length === 1) {
            const found = tables.get(full);
            if (found !== undefined) {
              const chain = chainAfter(node);
              const renamed = applyKysely(chain, found.table);
              if (renamed !== undefined) {
                tables.delete(full);
                found.table.name = qualified(withSchema(node), renamed);
                tables.set(found.table.name, found);
              }
              used.add(file.rel);
            }
          } else if (method === 'dropTable' || method === 'dropTableIfExists') {
            tables.delete(full);
          } else if (method === 'renameTable') {
            const to = stringValue(node.arguments[1]);
            const found = tables.get(full);
            if (found !== undefined && to !== undefined) {
              tables.delete(full);
              found.table.name = qualified(withSchema(node), to);
              tables.set(found.table.name, found);
            }
          }
        }
      }
      ts.forEachChild(node, visitNode);
    };
    visitNode(file.ast);
  }
  const all = [...tables.values()];
  return { files: [...used].sort(), tables: all.map((p) => p.table) };
}

/** Applies a Kysely builder chain to `table`; returns the new name on `.renameTo(x)`. */
function applyKysely(chain: ts.CallExpression[], table: SchemaTable): string | undefined {
  let renamed: string | undefined;
  for (const call of chain) {
    const m = calleeName(call);
    const first = stringValue(call.arguments[0]);
    if (m === 'addColumn' && first !== undefined && !table.columns.some((c) => c.sqlName === first)) {
      table.columns.push({ key: first, sqlName: first, type: kyselyType(call.arguments[1]) });
    } else if (m === 'dropColumn') {
      const at = table.columns.findIndex((c) => c.sqlName === first);
      if (at >= 0) table.columns.splice(at, 1);
    } else if (m === 'renameColumn') {
      const col = table.columns.find((c) => c.sqlName === first);
      const to = stringValue(call.arguments[1]);
      if (col !== undefined && to !== undefined) col.key = col.sqlName = to;
    } else if (m === 'alterColumn') {
      // .alterColumn('amount', (c) => c.setDataType('bigint'))
      const col = table.columns.find((c) => c.sqlName === first);
      const fn = call.arguments[1];
      const body = fn !== undefined && ts.isArrowFunction(fn) && ts.isCallExpression(fn.body) ? fn.body : undefined;
      if (col !== undefined && body !== undefined && calleeName(body) === 'setDataType') col.type = kyselyType(body.arguments[0]);
    } else if (m === 'renameTo' && first !== undefined) {
      renamed = first;
    }
  }
  return renamed;
}

