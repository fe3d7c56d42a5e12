/**
 * The environment a config needs: the variables the config file reads without a fallback must be
 * set, and every `{placeholder}` of a command target's env and args must be one the harness fills.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { IdemgateConfig } from '../config.ts';
import ts from 'typescript';
import { findEnvReads } from '../init/env-vars.ts';
import { parseSource, stringValue, visit, type SourceFile } from '../init/source-files.ts';
import { knownApis } from '../providers/apis.ts';
import { fail, ok, type Check } from './check.ts';

/** Variables whose absence is a choice, not a mistake: without DATABASE_URL the run uses PGlite. */
const OPTIONAL = new Set(['DATABASE_URL']);

const isSet = (env: NodeJS.ProcessEnv, name: string): boolean => env[name] !== undefined && env[name] !== '';

const COMPARISONS = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

/** A read that is only tested (`process.env.X === 'process'`, `process.env.CI ? a : b`, `!process.env.X`): unset is an answer, not a gap. */
function onlyTested(node: ts.Node): boolean {
  let n = node;
  while (ts.isParenthesizedExpression(n.parent) || ts.isNonNullExpression(n.parent)) n = n.parent;
  const p = n.parent;
  if (ts.isBinaryExpression(p)) return COMPARISONS.has(p.operatorToken.kind);
  if (ts.isConditionalExpression(p)) return p.condition === n;
  if (ts.isIfStatement(p) || ts.isWhileStatement(p)) return p.expression === n;
  return ts.isPrefixUnaryExpression(p) && p.operator === ts.SyntaxKind.ExclamationToken;
}

/** Env vars every read of which only tests them. */
function testedOnly(file: SourceFile): Set<string> {
  const tested = new Map<string, boolean>();
  visit(file, (node) => {
    let name: string | undefined;
    if (ts.isPropertyAccessExpression(node) && isProcessEnv(node.expression)) name = node.name.text;
    else if (ts.isElementAccessExpression(node) && isProcessEnv(node.expression)) name = stringValue(node.argumentExpression);
    if (name !== undefined) tested.set(name, (tested.get(name) ?? true) && onlyTested(node));
  });
  return new Set([...tested].filter(([, only]) => only).map(([name]) => name));
}

const isProcessEnv = (node: ts.Node): boolean =>
  ts.isPropertyAccessExpression(node) && node.name.text === 'env' && ts.isIdentifier(node.expression) && node.expression.text === 'process';

/** What the config file reads from `process.env`: the reads with no fallback that are unset, and the rest. */
export function configEnv(configFile: string, env: NodeJS.ProcessEnv = process.env): { missing: { name: string; where: string }[]; read: string[]; defaulted: string[] } {
  const file = parseSource(configFile, readFileSync(configFile, 'utf8'), basename(configFile));
  const reads = findEnvReads([file]);
  const switches = testedOnly(file);
  const required = (name: string): boolean => !OPTIONAL.has(name) && !switches.has(name);
  const missing = reads.filter((r) => !r.hasDefault && required(r.name) && !isSet(env, r.name)).map(({ name, where }) => ({ name, where }));
  const defaulted = reads.filter((r) => (r.hasDefault || !required(r.name)) && !isSet(env, r.name)).map((r) => r.name);
  return { missing, read: reads.map((r) => r.name), defaulted };
}

/** `{name}`s a command target's env and args use that the harness does not fill (see targets/start.ts). */
export function unknownPlaceholders(config: IdemgateConfig): { where: string; name: string }[] {
  const start = config.target.start;
  if (start.kind !== 'command') return [];
  const known = new Set(['port', 'databaseUrl', ...knownApis(config.apis).map((api) => api.baseUrlEnv)]);
  const values: [string, string][] = [
    ...Object.entries(start.env ?? {}).map(([k, v]): [string, string] => [`target.start.env.${k}`, v]),
    ...(start.args ?? []).map((v, i): [string, string] => [`target.start.args[${i}]`, v]),
  ];
  return values.flatMap(([where, value]) => [...value.matchAll(/\{(\w+)\}/g)].filter((m) => !known.has(m[1]!)).map((m) => ({ where, name: m[1]! })));
}

/** The env check: one FAIL naming each missing variable (and where the config reads it), else ok with what was read. */
export function envCheck(configFile: string, config: IdemgateConfig | undefined, env: NodeJS.ProcessEnv = process.env): Check {
  const { missing, read, defaulted } = configEnv(configFile, env);
  const placeholders = config === undefined ? [] : unknownPlaceholders(config);
  if (missing.length > 0 || placeholders.length > 0) {
    const problems = [
      ...missing.map((m) => `${m.name} is not set (read with no default at ${m.where})`),
      ...placeholders.map((p) => `${p.where} uses {${p.name}}, which the harness does not fill`),
    ];
    const fixes = [
      ...(missing.length > 0 ? [`export ${missing.map((m) => `${m.name}=…`).join(' ')} (or give each read a test default: process.env.${missing[0]!.name} ?? '…')`] : []),
      ...(placeholders.length > 0
        ? [`use only {port}, {databaseUrl} or an API base variable (${[...new Set(knownApis(config?.apis).map((a) => a.baseUrlEnv))].join(', ')}) in target.start`]
        : []),
    ];
    return fail('env', problems.join('; '), fixes.join('; '));
  }
  const summary =
    read.length === 0
      ? 'the config reads no environment variables'
      : `${read.length} variable${read.length === 1 ? '' : 's'} the config reads, none missing${defaulted.length === 0 ? '' : ` (unset, so defaults used: ${defaulted.join(', ')})`}`;
  return ok('env', summary);
}
