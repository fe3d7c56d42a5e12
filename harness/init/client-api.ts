/**
 * The service's own Idempotency-Key API, as `idemgate init` finds it: the files that read an
 * `Idempotency-Key` header (a string literal of its name, in any framework style), the routes
 * those files declare or that are declared next to a middleware imported from them, the profile
 * the code answers by, and effect selectors where the code shows them. Data only; rendering is in
 * render-config.ts.
 */
import { basename, dirname, extname, join } from 'node:path';
import ts from 'typescript';
import { declaredRoutes, type DeclaredRoute } from './framework-routes.ts';
import { stringValue, visit, where, type SourceFile } from './source-files.ts';

export interface ClientRouteInference {
  name: string;
  method: string;
  /** A pattern the client-api provider matches: `/v1/payments/:id/refunds`. */
  path: string;
  where: string;
  direction: 'in' | 'out';
  /** `path.<param>` for a route that acts on another entity (a refund of a payment). */
  group?: string;
}

export interface ClientApiInference {
  /** The provider name its tapes use (`clientApis.<name>`). */
  name: string;
  routes: ClientRouteInference[];
  profile: 'ietf' | 'stripe';
  /** Why that profile: where the code answers Stripe's `idempotency_error`, or that it does not. */
  profileSource: string;
  /** Where the header is read. */
  keyWhere: string;
  /** Selectors read off the code, each with where; absent: a TODO. */
  amount?: { selector: string; where: string };
  currency?: { selector: string; where: string };
}

const KEY_HEADER = /^idempotency[-_]key$/i;
const METHOD_TEST = /method\s*[!=]==?\s*['"]([A-Z]+)['"]/;
const ROUTE = /^\/[A-Za-z0-9_\-/:]*$/;
const OUT = /refund|payout|withdraw|reversal|transfer/i;
const AMOUNT = /^(amount|total)(_?(cents|minor|sen))?$/i;
const CURRENCY = /^currency$/i;
const SKIP_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);

/** `/^\/v1\/payments\/([^/]+)\/refunds$/` → `/v1/payments/:id/refunds`; undefined when it is not a path. */
export function regexRoute(literal: string): string | undefined {
  const m = /^\/\^(.*)\/[a-z]*$/.exec(literal);
  if (m === null) return undefined;
  let n = 0;
  const body = m[1]!
    .replace(/\$$/, '')
    .replace(/\\\/\?$/, '')
    .replace(/\((\?<(\w+)>)?[^()]*\)/g, (_all, _named, name: string | undefined) => `:${name ?? (n++ === 0 ? 'id' : `id${n}`)}`)
    .replace(/\\\//g, '/');
  return ROUTE.test(body) && body.length > 1 ? body : undefined;
}

/** The method a node:http condition around `node` tests (`req.method !== 'POST' || path !== '/p'`), if any. */
function methodAround(file: SourceFile, node: ts.Node): string | undefined {
  for (let cur: ts.Node | undefined = node.parent; cur !== undefined; cur = cur.parent) {
    if (ts.isIfStatement(cur)) return METHOD_TEST.exec(cur.expression.getText(file.ast))?.[1];
    if (ts.isStatement(cur)) return METHOD_TEST.exec(cur.getText(file.ast))?.[1];
  }
  return undefined;
}

/** Where a file reads the Idempotency-Key header (a string literal naming it), or undefined. */
function keyRead(file: SourceFile): string | undefined {
  let found: string | undefined;
  visit(file, (node) => {
    if (found === undefined && KEY_HEADER.test(stringValue(node) ?? '')) found = where(file, node);
  });
  return found;
}

/** The names a file imports from one of `keyFiles` (`import { idempotency } from './idempotency.ts'`). */
function namesImportedFrom(file: SourceFile, keyFiles: ReadonlySet<string>): string[] {
  const stem = (rel: string): string => join(dirname(rel), basename(rel, extname(rel)));
  const keyStems = new Set([...keyFiles].map(stem));
  const names: string[] = [];
  for (const st of file.ast.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !st.moduleSpecifier.text.startsWith('.')) continue;
    if (!keyStems.has(stem(join(dirname(file.rel), st.moduleSpecifier.text)))) continue;
    const clause = st.importClause;
    if (clause?.name !== undefined) names.push(clause.name.text);
    const bindings = clause?.namedBindings;
    if (bindings !== undefined && ts.isNamedImports(bindings)) for (const el of bindings.elements) names.push(el.name.text);
    if (bindings !== undefined && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
  }
  return names;
}

const lineOf = (whereText: string): number => Number(/:(\d+)$/.exec(whereText)?.[1] ?? 0);

/** Routes of a file in a node:http style: route-like strings and regex literals, with the method their condition tests. */
function literalRoutes(file: SourceFile): { path: string; method: string | undefined; where: string }[] {
  const found: { path: string; method: string | undefined; where: string }[] = [];
  visit(file, (node) => {
    const text = stringValue(node);
    const path = text !== undefined && ROUTE.test(text) && text.length > 1 ? text : ts.isRegularExpressionLiteral(node) ? regexRoute(node.text) : undefined;
    if (path === undefined) return;
    if (ts.isImportDeclaration(node.parent) || ts.isExportDeclaration(node.parent)) return;
    found.push({ path, method: methodAround(file, node), where: where(file, node) });
  });
  return found;
}

/** The first name in the files that looks like `pattern` (a destructured field, a property, a string), preferring minor-unit names. */
function fieldName(files: readonly SourceFile[], pattern: RegExp): { name: string; where: string } | undefined {
  const all: { name: string; where: string }[] = [];
  for (const file of files) {
    visit(file, (node) => {
      const name = ts.isBindingElement(node) && ts.isIdentifier(node.name)
        ? node.name.text
        : ts.isPropertyAccessExpression(node)
          ? node.name.text
          : ts.isPropertyAssignment(node) && ts.isIdentifier(node.name)
            ? node.name.text
            : undefined;
      if (name !== undefined && pattern.test(name)) all.push({ name, where: where(file, node) });
    });
  }
  return all.find((f) => /cents|minor|sen/i.test(f.name)) ?? all[0];
}

const singular = (segment: string): string => segment.replace(/ies$/, 'y').replace(/s$/, '');

/** A route's name: its last literal segment, singular (`/v1/payments/:id/refunds` → `refund`). */
function routeName(path: string, taken: Set<string>): string {
  const last = path.split('/').filter((s) => s !== '' && !s.startsWith(':')).at(-1) ?? 'request';
  let name = singular(last.replace(/[^A-Za-z0-9_-]/g, '')) || 'request';
  for (let i = 2; taken.has(name); i++) name = `${singular(last)}-${i}`;
  taken.add(name);
  return name;
}

/**
 * The client API of a service, when some file reads an `Idempotency-Key` header: the non-GET
 * routes declared in those files, or next to a middleware imported from them, minus the health
 * route and the webhook routes (`exclude`).
 *
 * @example
 * inferClientApi(collectSources(dir), 'payments', new Set(['/healthz', '/webhooks/stripe']));
 */
export function inferClientApi(files: readonly SourceFile[], name: string, exclude: ReadonlySet<string>): ClientApiInference | undefined {
  const keyWheres = new Map<string, string>();
  for (const file of files) {
    const at = keyRead(file);
    if (at !== undefined) keyWheres.set(file.rel, at);
  }
  if (keyWheres.size === 0) return undefined;
  const keyFiles = new Set(keyWheres.keys());
  const declared = declaredRoutes(files);
  const candidates: { path: string; method: string | undefined; where: string }[] = [];
  for (const file of files) {
    const own = declared.filter((r: DeclaredRoute) => r.where.startsWith(`${file.rel}:`));
    if (keyFiles.has(file.rel)) {
      candidates.push(...own, ...literalRoutes(file));
      continue;
    }
    // A middleware imported from a file that reads the key: the routes that name it, or all of them when it is `use`d app-wide.
    const names = namesImportedFrom(file, keyFiles);
    if (names.length === 0) continue;
    const lines = file.text.split('\n');
    const appWide = names.some((n) => new RegExp(`\\.use\\(\\s*${n}\\b`).test(file.text));
    candidates.push(...own.filter((r) => appWide || names.some((n) => (lines[lineOf(r.where) - 1] ?? '').includes(n))));
  }
  const seen = new Set<string>();
  const taken = new Set<string>();
  const routes: ClientRouteInference[] = [];
  // Shorter paths first: a collection before what acts on one of its members.
  candidates.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const c of candidates) {
    const method = (c.method ?? 'POST').toUpperCase();
    if (SKIP_METHODS.has(method) || exclude.has(c.path) || c.path.startsWith('/_')) continue;
    const key = `${method} ${c.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const direction = OUT.test(c.path) ? 'out' : 'in';
    const param = /:([A-Za-z0-9_]+)/.exec(c.path)?.[1];
    routes.push({
      name: routeName(c.path, taken),
      method,
      path: c.path,
      where: c.where,
      direction,
      ...(direction === 'out' && param !== undefined ? { group: `path.${param}` } : {}),
    });
  }
  if (routes.length === 0) return undefined;
  let stripeAt: string | undefined;
  for (const file of files) {
    visit(file, (node) => {
      if (stripeAt === undefined && (stringValue(node) ?? '').includes('idempotency_error')) stripeAt = where(file, node);
    });
  }
  const near = files.filter((f) => keyFiles.has(f.rel) || routes.some((r) => r.where.startsWith(`${f.rel}:`)));
  const amount = fieldName(near, AMOUNT);
  const currency = fieldName(near, CURRENCY);
  return {
    name,
    routes,
    profile: stripeAt === undefined ? 'ietf' : 'stripe',
    profileSource: stripeAt === undefined ? "no Stripe-style idempotency_error answer found: the IETF draft's answers" : `answers Stripe's idempotency_error (${stripeAt})`,
    keyWhere: [...keyWheres.values()][0]!,
    ...(amount === undefined ? {} : { amount: { selector: `body.${amount.name}`, where: amount.where } }),
    ...(currency === undefined ? {} : { currency: { selector: `body.${currency.name}`, where: currency.where } }),
  };
}

/** The TODOs a client API leaves: the selectors init could not read off the code, and where its traffic comes from. */
export function clientApiTodos(api: ClientApiInference): string[] {
  const todos: string[] = [];
  for (const r of api.routes) {
    todos.push(`client API ${api.name}: route ${r.name} (${r.method} ${r.path}): which body field is the effect's reference? set effect.reference (TODO_reference)`);
    if (api.amount === undefined) todos.push(`client API ${api.name}: route ${r.name} (${r.method} ${r.path}): which body field is the amount? set effect.amount (TODO_amount)`);
  }
  todos.push(`client API ${api.name}: record its traffic as a tape of provider "${api.name}" (or give each route a template) for a scenario with clientApi()`);
  return todos;
}
