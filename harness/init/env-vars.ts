/**
 * Which environment variables the service reads, and what the harness gives each one.
 * Reads are found in the AST, following `process.env` through aliases: `process.env.X`,
 * `process.env['X']`, `const { X } = process.env`, `const env = process.env; env.X`,
 * `import { env } from 'node:process'`, an alias exported by a config module (one import deep),
 * the keys of a zod schema parsing `process.env`, NestJS `config.get('X')`, and calls of a helper that reads
 * `process.env[param]` (`env('X')`, `required('X', fallback)`).
 */
import { posix } from 'node:path';
import ts from 'typescript';
import { stringValue, visit, where, type SourceFile } from './source-files.ts';

export interface EnvRead {
  name: string;
  /** `file:line` of the first read. */
  where: string;
  /** Every read has a fallback (`?? 'x'`, `|| 'x'`, a default in destructuring, a helper's second argument). */
  hasDefault: boolean;
}

/**
 * What counts as `process.env` in one file: `process.env` (also through `import proc from
 * 'node:process'`), and the names bound to it: `const env = process.env`, `import { env } from
 * 'node:process'`, or a name imported from a module that exports such an alias (one level).
 */
interface EnvScope {
  /** Names of the `process` object (`process`, `proc` from `import proc from 'node:process'`). */
  process: Set<string>;
  /** Names bound to `process.env` itself. */
  aliases: Set<string>;
}

const unwrap = (node: ts.Expression): ts.Expression => {
  let n = node;
  while (ts.isParenthesizedExpression(n) || ts.isNonNullExpression(n) || ts.isAsExpression(n) || ts.isSatisfiesExpression(n)) n = n.expression;
  return n;
};

function isEnv(node: ts.Node, scope: EnvScope): boolean {
  if (!ts.isExpression(node)) return false;
  const n = unwrap(node);
  if (ts.isIdentifier(n)) return scope.aliases.has(n.text);
  return ts.isPropertyAccessExpression(n) && n.name.text === 'env' && ts.isIdentifier(n.expression) && scope.process.has(n.expression.text);
}

const PROCESS_MODULE = /^(node:)?process$/;

const relModule = (from: SourceFile, spec: string): string =>
  posix.normalize(posix.join(posix.dirname(from.rel), spec)).replace(/\.[cm]?[jt]sx?$/, '');
const modKey = (file: SourceFile): string => file.rel.replace(/\.[cm]?[jt]sx?$/, '');

/** The scope of each file; names exported as aliases of `process.env` are followed one import deep. */
function envScopes(files: readonly SourceFile[]): Map<SourceFile, EnvScope> {
  const scopes = new Map<SourceFile, EnvScope>();
  const exported = new Map<string, Set<string>>();
  const localScope = (file: SourceFile, imported: (spec: string, name: string) => boolean): EnvScope => {
    const scope: EnvScope = { process: new Set(['process']), aliases: new Set() };
    for (const st of file.ast.statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.importClause === undefined) continue;
      const spec = st.moduleSpecifier.text;
      const { name, namedBindings } = st.importClause;
      if (PROCESS_MODULE.test(spec)) {
        if (name !== undefined) scope.process.add(name.text);
        if (namedBindings !== undefined && ts.isNamespaceImport(namedBindings)) scope.process.add(namedBindings.name.text);
      }
      if (namedBindings !== undefined && ts.isNamedImports(namedBindings)) {
        for (const el of namedBindings.elements) {
          const original = (el.propertyName ?? el.name).text;
          if ((PROCESS_MODULE.test(spec) && original === 'env') || imported(spec, original)) scope.aliases.add(el.name.text);
        }
      }
      if (name !== undefined && imported(spec, 'default')) scope.aliases.add(name.text);
    }
    // `const env = process.env`, `const e = env` (twice: an alias of an alias declared later).
    for (let pass = 0; pass < 2; pass++) {
      visit(file, (node) => {
        if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined && isEnv(node.initializer, scope)) {
          scope.aliases.add(node.name.text);
        }
      });
    }
    return scope;
  };
  for (const file of files) {
    const scope = localScope(file, () => false);
    const names = new Set<string>();
    for (const st of file.ast.statements) {
      const isExport = ts.canHaveModifiers(st) && (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (ts.isVariableStatement(st) && isExport) {
        for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && scope.aliases.has(d.name.text)) names.add(d.name.text);
      } else if (ts.isExportDeclaration(st) && st.moduleSpecifier === undefined && st.exportClause !== undefined && ts.isNamedExports(st.exportClause)) {
        for (const el of st.exportClause.elements) if (scope.aliases.has((el.propertyName ?? el.name).text)) names.add(el.name.text);
      } else if (ts.isExportAssignment(st) && isEnv(st.expression, scope)) {
        names.add('default');
      }
    }
    if (names.size > 0) exported.set(modKey(file), names);
  }
  for (const file of files) {
    scopes.set(
      file,
      localScope(file, (spec, name) => {
        if (!spec.startsWith('.')) return false;
        const key = relModule(file, spec);
        return (exported.get(key) ?? exported.get(`${key}/index`))?.has(name) === true;
      }),
    );
  }
  return scopes;
}

/** `x ?? d`, `x || d` with the read on the left. */
function hasFallback(node: ts.Node): boolean {
  let n = node;
  while (ts.isParenthesizedExpression(n.parent) || ts.isNonNullExpression(n.parent) || ts.isAsExpression(n.parent)) n = n.parent;
  const p = n.parent;
  return (
    ts.isBinaryExpression(p) &&
    p.left === n &&
    (p.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || p.operatorToken.kind === ts.SyntaxKind.BarBarToken)
  );
}

/** Functions that read `process.env[param]`: name → the index of that parameter. */
function envHelpers(file: SourceFile, scope: EnvScope): Map<string, number> {
  const helpers = new Map<string, number>();
  visit(file, (node) => {
    let name: string | undefined;
    let fn: ts.SignatureDeclaration | undefined;
    if (ts.isFunctionDeclaration(node) && node.name !== undefined) {
      name = node.name.text;
      fn = node;
    } else if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.initializer !== undefined &&
      (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))
    ) {
      name = node.name.text;
      fn = node.initializer;
    }
    if (name === undefined || fn === undefined) return;
    const params = fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
    const found = name;
    const scan = (n: ts.Node): void => {
      if (ts.isElementAccessExpression(n) && isEnv(n.expression, scope) && ts.isIdentifier(n.argumentExpression)) {
        const index = params.indexOf(n.argumentExpression.text);
        if (index >= 0) helpers.set(found, index);
      }
      ts.forEachChild(n, scan);
    };
    ts.forEachChild(fn, scan);
  });
  return helpers;
}

/**
 * The keys of a zod object schema a `.parse(process.env)` checks: `z.object({ … })` itself, through
 * `.strict()`/`.passthrough()`/`.extend({ … })`, or a variable of the file holding one.
 */
function zodKeys(expr: ts.Expression, file: SourceFile, depth = 0): ts.ObjectLiteralElementLike[] {
  const n = unwrap(expr);
  if (depth > 5) return [];
  if (ts.isIdentifier(n)) {
    let init: ts.Expression | undefined;
    visit(file, (node) => {
      if (init === undefined && ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === n.text) init = node.initializer;
    });
    return init === undefined ? [] : zodKeys(init, file, depth + 1);
  }
  if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(n.expression)) return [];
  const method = n.expression.name.text;
  const arg = n.arguments[0];
  if ((method === 'object' || method === 'strictObject' || method === 'looseObject') && arg !== undefined && ts.isObjectLiteralExpression(arg)) {
    return [...arg.properties];
  }
  const inner = zodKeys(n.expression.expression, file, depth + 1);
  if ((method === 'extend' || method === 'merge') && arg !== undefined) {
    return [...inner, ...(ts.isObjectLiteralExpression(arg) ? arg.properties : zodKeys(arg, file, depth + 1))];
  }
  return inner;
}

const ZOD_DEFAULT = /\.(default|optional|catch|nullish)\(|\bz\.optional\(/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Every env var the sources read, in order of first appearance. */
export function findEnvReads(files: readonly SourceFile[]): EnvRead[] {
  const reads = new Map<string, EnvRead>();
  const add = (name: string, file: SourceFile, node: ts.Node, hasDefault: boolean): void => {
    const seen = reads.get(name);
    if (seen === undefined) reads.set(name, { name, where: where(file, node), hasDefault });
    else seen.hasDefault &&= hasDefault;
  };
  const scopes = envScopes(files);
  const helpers = new Map<string, number>();
  for (const file of files) for (const [name, index] of envHelpers(file, scopes.get(file)!)) helpers.set(name, index);
  for (const file of files) {
    const scope = scopes.get(file)!;
    visit(file, (node) => {
      if (ts.isPropertyAccessExpression(node) && isEnv(node.expression, scope)) {
        add(node.name.text, file, node, hasFallback(node));
      } else if (ts.isElementAccessExpression(node) && isEnv(node.expression, scope)) {
        const name = stringValue(node.argumentExpression);
        if (name !== undefined) add(name, file, node, hasFallback(node));
      } else if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer && isEnv(node.initializer, scope)) {
        for (const el of node.name.elements) {
          const key = el.propertyName ?? el.name;
          if (ts.isIdentifier(key) || ts.isStringLiteral(key)) add(key.text, file, el, el.initializer !== undefined);
        }
      } else if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        /^(safe)?[pP]arse(Async)?$/.test(node.expression.name.text) &&
        node.arguments[0] !== undefined &&
        isEnv(node.arguments[0], scope)
      ) {
        // envSchema.parse(process.env): the schema's keys are the reads; a default or optional() is a fallback.
        for (const prop of zodKeys(node.expression.expression, file)) {
          const key = prop.name;
          if (key === undefined || !(ts.isIdentifier(key) || ts.isStringLiteral(key)) || !ENV_NAME.test(key.text)) continue;
          const value = ts.isPropertyAssignment(prop) ? prop.initializer.getText(file.ast) : '';
          add(key.text, file, prop, ZOD_DEFAULT.test(value));
        }
      } else if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        /^get(OrThrow)?$/.test(node.expression.name.text) &&
        /config/i.test(node.expression.expression.getText(file.ast)) &&
        ENV_NAME.test(stringValue(node.arguments[0]) ?? '')
      ) {
        // NestJS ConfigService: config.get('X', fallback), config.getOrThrow('X').
        add(stringValue(node.arguments[0])!, file, node, node.expression.name.text === 'get' && (node.arguments.length > 1 || hasFallback(node)));
      } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
        const index = helpers.get(node.expression.text);
        const name = index === undefined ? undefined : stringValue(node.arguments[index]);
        if (index !== undefined && name !== undefined && ENV_NAME.test(name)) {
          add(name, file, node, node.arguments.length > index + 1 || hasFallback(node));
        }
      }
    });
  }
  return [...reads.values()];
}

/** What the harness puts in one env var of a command target. */
export type EnvValue =
  /** `{port}`, `{databaseUrl}`, `{SHOPEE_API_BASE}`, `{PSP_API_BASE}`: substituted by the harness. */
  | { kind: 'placeholder'; name: 'port' | 'databaseUrl' | 'SHOPEE_API_BASE' | 'PSP_API_BASE' }
  | { kind: 'literal'; value: string }
  /** One of the provider test secrets in the config (`secrets.stripe.endpointSecret`). */
  | { kind: 'secret'; provider: 'shopee' | 'stripe'; key: string }
  /** The FPX test public key: its PEM text, or the path of its file. */
  | { kind: 'fpx-public-key'; as: 'pem' | 'file' };

export interface EnvMapping {
  value: EnvValue;
  /** The provider this variable shows the service talks to, if any. */
  provider?: 'shopee' | 'fpx' | 'stripe';
  why: string;
}

const RULES: { test: RegExp; map: EnvMapping }[] = [
  { test: /^PORT$|^(HTTP|SERVER|APP|LISTEN)_PORT$/, map: { value: { kind: 'placeholder', name: 'port' }, why: 'a free loopback port picked by the harness' } },
  { test: /^(DATABASE_URL|DB_URL|POSTGRES_URL|POSTGRESQL_URL|PG_URL|PG_CONNECTION_STRING|DATABASE_CONNECTION_STRING)$/, map: { value: { kind: 'placeholder', name: 'databaseUrl' }, why: "the harness's database (PGlite or a fresh PostgreSQL database)" } },
  { test: /^(HOST|HOSTNAME|BIND_HOST|LISTEN_HOST|BIND_ADDRESS)$/, map: { value: { kind: 'literal', value: '127.0.0.1' }, why: 'loopback only' } },
  { test: /^SHOPEE_(API_BASE|API_URL|BASE_URL|HOST|API_HOST)$/, map: { value: { kind: 'placeholder', name: 'SHOPEE_API_BASE' }, provider: 'shopee', why: "the harness's simulated Shopee Open API" } },
  { test: /^SHOPEE_PARTNER_KEY$|^SHOPEE_(APP|API)_?(KEY|SECRET)$|^SHOPEE_PARTNER_SECRET$/, map: { value: { kind: 'secret', provider: 'shopee', key: 'partnerKey' }, provider: 'shopee', why: 'the Shopee test partner key' } },
  { test: /^SHOPEE_PARTNER_ID$|^SHOPEE_(APP|API)_ID$/, map: { value: { kind: 'secret', provider: 'shopee', key: 'partnerId' }, provider: 'shopee', why: 'the Shopee test partner id' } },
  { test: /^SHOPEE_SHOP_ID$/, map: { value: { kind: 'secret', provider: 'shopee', key: 'shopId' }, provider: 'shopee', why: 'the Shopee test shop id (the one in the tapes)' } },
  { test: /^SHOPEE_(CALLBACK|PUSH|WEBHOOK)_URL$/, map: { value: { kind: 'secret', provider: 'shopee', key: 'callbackUrl' }, provider: 'shopee', why: 'the callback URL the service verifies push signatures over (the harness signs over the same)' } },
  { test: /^SHOPEE_ACCESS_TOKEN$/, map: { value: { kind: 'secret', provider: 'shopee', key: 'accessToken' }, provider: 'shopee', why: 'the Shopee test access token' } },
  { test: /^(FPX|PAYNET)_.*(PUBLIC_KEY|PUBKEY|CERT).*_(FILE|PATH)$/, map: { value: { kind: 'fpx-public-key', as: 'file' }, provider: 'fpx', why: 'the generated FPX test public key (file)' } },
  { test: /^(FPX|PAYNET)_.*(PUBLIC_KEY|PUBKEY|CERT)/, map: { value: { kind: 'fpx-public-key', as: 'pem' }, provider: 'fpx', why: 'the generated FPX test public key (PEM)' } },
  { test: /^STRIPE_.*(WEBHOOK|ENDPOINT|SIGNING).*SECRET$|^(STRIPE_)?WHSEC$/, map: { value: { kind: 'secret', provider: 'stripe', key: 'endpointSecret' }, provider: 'stripe', why: 'the Stripe webhook signing secret the harness signs with' } },
  { test: /^(STRIPE|PSP)_(API_BASE|API_URL|BASE_URL|HOST)$/, map: { value: { kind: 'placeholder', name: 'PSP_API_BASE' }, provider: 'stripe', why: "the harness's simulated Stripe-style PSP API" } },
  { test: /^(STRIPE|PSP)_(SECRET_KEY|API_KEY|SECRET)$/, map: { value: { kind: 'secret', provider: 'stripe', key: 'secretKey' }, provider: 'stripe', why: "the simulated PSP API's test secret key" } },
];

/** What the harness gives `name`, or undefined when the name is not one idemgate knows. */
export function mapEnvVar(name: string): EnvMapping | undefined {
  return RULES.find((r) => r.test.test(name))?.map;
}
