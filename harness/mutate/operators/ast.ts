/**
 * AST helpers shared by the unmarked operators.
 *
 * Uses typescript@5's compiler API (a devDependency pinned to 5.x): TypeScript 7 (the native
 * compiler, `typescript@latest`) only offers the unstable `typescript/unstable/sync` API, so
 * code that reads ASTs stays on 5 until 7's API settles.
 */
import ts from 'typescript';
import type { MutationOperatorName } from '../config.ts';
import type { Mutant } from '../mutant.ts';
import { IdemgateError } from '../../errors.ts';

export { ts };

export function parse(text: string, file: string): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
}

export const lineOf = (sf: ts.SourceFile, pos: number): number => sf.getLineAndCharacterOfPosition(pos).line + 1;

/** Every node of the file, depth first. */
export function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

export interface Edit {
  start: number;
  end: number;
  replacement: string;
}

/**
 * Widens a deletion to whole lines when it is alone on its lines (no blank line left behind),
 * and keeps it as is when code shares the line.
 */
export function deletion(text: string, start: number, end: number): Edit {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const nl = text.indexOf('\n', end);
  const lineEnd = nl === -1 ? text.length : nl + 1;
  const before = text.slice(lineStart, start);
  const after = text.slice(end, nl === -1 ? text.length : nl);
  if (before.trim() === '' && after.trim() === '') return { start: lineStart, end: lineEnd, replacement: '' };
  return { start, end, replacement: '' };
}

export function applyEdit(text: string, edit: Edit): string {
  return text.slice(0, edit.start) + edit.replacement + text.slice(edit.end);
}

/**
 * A mutant made of one edit on one file. `apply` refuses a text other than the one the edit was
 * computed on, so a stale mutant cannot corrupt a file silently.
 */
export function singleEditMutant(args: {
  operator: MutationOperatorName;
  file: string;
  original: string;
  sf: ts.SourceFile;
  at: number;
  guard: string;
  description: string;
  edit: Edit;
}): Mutant {
  const line = lineOf(args.sf, args.at);
  const { original, edit } = args;
  return {
    id: `${args.operator}@${args.file}:${line}`,
    operator: args.operator,
    guard: args.guard,
    file: args.file,
    line,
    description: args.description,
    changes: [
      {
        file: args.file,
        line,
        apply: (text: string) => {
          if (text !== original) throw new IdemgateError('MUTATION_FAILED', `${args.file} changed since the mutant was made`, { details: { file: args.file } });
          return applyEdit(text, edit);
        },
      },
    ],
  };
}

/** `x.name(...)`: the call's property access, when the callee is one. */
export function methodCall(node: ts.Node, names: readonly string[]): { call: ts.CallExpression; access: ts.PropertyAccessExpression } | undefined {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return undefined;
  const access = node.expression;
  return names.includes(access.name.text) ? { call: node, access } : undefined;
}

/** Deletes one link `.name(...)` of a call chain, from its dot to the closing parenthesis. */
export function dropChainLink(text: string, sf: ts.SourceFile, call: ts.CallExpression, access: ts.PropertyAccessExpression): Edit {
  const dot = access.getChildren(sf).find((c) => c.kind === ts.SyntaxKind.DotToken || c.kind === ts.SyntaxKind.QuestionDotToken);
  const start = dot ? dot.getStart(sf) : access.expression.end;
  return deletion(text, start, call.end);
}

/** Deletes one element of a comma list (array literal, call arguments) with its comma. */
export function dropListElement(text: string, sf: ts.SourceFile, list: ts.NodeArray<ts.Node>, index: number): Edit {
  const el = list[index]!;
  const start = el.getStart(sf);
  let end = el.end;
  const next = list[index + 1];
  if (next !== undefined || list.hasTrailingComma) {
    // Through the comma that follows the element.
    const comma = text.indexOf(',', end);
    if (comma !== -1 && (next === undefined || comma < next.getStart(sf))) end = comma + 1;
  } else if (index > 0) {
    // The last element without a trailing comma: take the comma before it instead.
    const prev = list[index - 1]!;
    const comma = text.indexOf(',', prev.end);
    if (comma !== -1 && comma < start) return deletion(text, comma, end);
  }
  return deletion(text, start, end);
}

/** The identifier a call chain starts from: `uniqueIndex` in `uniqueIndex('x').on(t.a)`. */
export function chainRoot(node: ts.Expression): ts.Expression {
  let cur: ts.Expression = node;
  for (;;) {
    if (ts.isCallExpression(cur) || ts.isPropertyAccessExpression(cur) || ts.isNonNullExpression(cur)) cur = cur.expression;
    else if (ts.isParenthesizedExpression(cur) || ts.isAwaitExpression(cur)) cur = cur.expression;
    else return cur;
  }
}

/** Method names along a call chain: `['insert', 'values', 'returning']` for `tx.insert(t).values(v).returning()`. */
export function chainMethods(node: ts.Expression): string[] {
  const names: string[] = [];
  let cur: ts.Expression = node;
  for (;;) {
    if (ts.isAwaitExpression(cur) || ts.isParenthesizedExpression(cur) || ts.isNonNullExpression(cur)) cur = cur.expression;
    else if (ts.isCallExpression(cur)) cur = cur.expression;
    else if (ts.isPropertyAccessExpression(cur)) {
      names.unshift(cur.name.text);
      cur = cur.expression;
    } else return names;
  }
}

/** The name of the called function or method: `and` for `and(...)`, `lt` for `ops.lt(...)`. */
export function calleeName(call: ts.CallExpression): string | undefined {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}
