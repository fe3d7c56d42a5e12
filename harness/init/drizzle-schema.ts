/**
 * Reads a Drizzle schema without running it: the files importing `drizzle-orm/pg-core`, their
 * `pgTable('name', { key: builder('sql_name'), … })` calls (also `schema.table(…)` and the
 * `(t) => ({ … })` column form), and each column's SQL name.
 */
import ts from 'typescript';
import type { SchemaColumn, SchemaTable } from './schema-table.ts';
import { stringValue, where, type SourceFile } from './source-files.ts';

/** A Drizzle column: key is the TypeScript property, type the builder (`bigint`, `text`…). */
export type DrizzleColumn = SchemaColumn;
/** A table read from a Drizzle schema (source `'drizzle'`). */
export type DrizzleTable = SchemaTable;

export const isDrizzlePgSchema = (file: SourceFile): boolean =>
  file.ast.statements.some(
    (s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === 'drizzle-orm/pg-core',
  );

/** `integer('txn_id').notNull().references(…)` → the innermost call, `integer('txn_id')`. */
function baseBuilder(expr: ts.Expression): ts.CallExpression | undefined {
  let node: ts.Expression = expr;
  let base: ts.CallExpression | undefined;
  for (;;) {
    if (ts.isCallExpression(node)) {
      base = node;
      node = node.expression;
    } else if (ts.isPropertyAccessExpression(node)) {
      // `t.text(...)` (callback form) ends the chain at the `t` parameter.
      if (ts.isIdentifier(node.expression) && base !== undefined && base.expression === node) return base;
      node = node.expression;
    } else {
      return base;
    }
  }
}

function builderName(call: ts.CallExpression): string {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return '?';
}

function columnsOf(arg: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined {
  if (arg === undefined) return undefined;
  if (ts.isObjectLiteralExpression(arg)) return arg;
  if (ts.isArrowFunction(arg) || ts.isFunctionExpression(arg)) {
    let body: ts.Node = arg.body;
    while (ts.isParenthesizedExpression(body)) body = body.expression;
    if (ts.isObjectLiteralExpression(body)) return body;
    if (ts.isBlock(body)) {
      const ret = body.statements.find(ts.isReturnStatement);
      if (ret?.expression !== undefined && ts.isObjectLiteralExpression(ret.expression)) return ret.expression;
    }
  }
  return undefined;
}

const isTableCall = (call: ts.CallExpression): boolean => {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text === 'pgTable';
  return ts.isPropertyAccessExpression(e) && e.name.text === 'table';
};

function leadingComment(file: SourceFile, node: ts.Node): string {
  const ranges = ts.getLeadingCommentRanges(file.text, node.getFullStart()) ?? [];
  return ranges.map((r) => file.text.slice(r.pos, r.end)).join('\n');
}

/** Every table declared in one schema file. */
export function parseDrizzleTables(file: SourceFile): DrizzleTable[] {
  const tables: DrizzleTable[] = [];
  const visitNode = (node: ts.Node, statement: ts.Node | undefined, variable: string | undefined): void => {
    if (ts.isCallExpression(node) && isTableCall(node)) {
      const name = stringValue(node.arguments[0]);
      const object = columnsOf(node.arguments[1]);
      if (name !== undefined && object !== undefined) {
        const columns: DrizzleColumn[] = [];
        for (const prop of object.properties) {
          if (!ts.isPropertyAssignment(prop)) continue;
          const key = ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name) ? prop.name.text : undefined;
          const call = baseBuilder(prop.initializer);
          if (key === undefined || call === undefined) continue;
          columns.push({ key, sqlName: stringValue(call.arguments[0]) ?? key, type: builderName(call) });
        }
        tables.push({
          name,
          source: 'drizzle',
          ...(variable === undefined ? {} : { variable }),
          where: where(file, node),
          comment: statement === undefined ? '' : leadingComment(file, statement),
          columns,
        });
        return;
      }
    }
    ts.forEachChild(node, (child) => visitNode(child, statement, variable));
  };
  for (const statement of file.ast.statements) {
    let variable: string | undefined;
    if (ts.isVariableStatement(statement)) {
      const decl = statement.declarationList.declarations[0];
      if (decl !== undefined && ts.isIdentifier(decl.name)) variable = decl.name.text;
    }
    visitNode(statement, statement, variable);
  }
  return tables;
}

/** Every table of every Drizzle pg-core schema file among `files`. */
export function findDrizzleTables(files: readonly SourceFile[]): { files: string[]; tables: DrizzleTable[] } {
  const schemaFiles = files.filter(isDrizzlePgSchema);
  return { files: schemaFiles.map((f) => f.rel), tables: schemaFiles.flatMap(parseDrizzleTables) };
}
