/**
 * Which environment variables the service reads, and what the harness gives each one.
 * Reads are found in the AST: `process.env.X`, `process.env['X']`, `const { X } = process.env`,
 * and calls of a helper that reads `process.env[param]` (`env('X')`, `required('X', fallback)`).
 */
import ts from 'typescript';
import { stringValue, visit, where, type SourceFile } from './source-files.ts';

export interface EnvRead {
  name: string;
  /** `file:line` of the first read. */
  where: string;
  /** Every read has a fallback (`?? 'x'`, `|| 'x'`, a default in destructuring, a helper's second argument). */
  hasDefault: boolean;
}

const isProcessEnv = (node: ts.Node): boolean =>
  ts.isPropertyAccessExpression(node) &&
  node.name.text === 'env' &&
  ts.isIdentifier(node.expression) &&
  node.expression.text === 'process';

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
function envHelpers(file: SourceFile): Map<string, number> {
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
      if (ts.isElementAccessExpression(n) && isProcessEnv(n.expression) && ts.isIdentifier(n.argumentExpression)) {
        const index = params.indexOf(n.argumentExpression.text);
        if (index >= 0) helpers.set(found, index);
      }
      ts.forEachChild(n, scan);
    };
    ts.forEachChild(fn, scan);
  });
  return helpers;
}

/** Every env var the sources read, in order of first appearance. */
export function findEnvReads(files: readonly SourceFile[]): EnvRead[] {
  const reads = new Map<string, EnvRead>();
  const add = (name: string, file: SourceFile, node: ts.Node, hasDefault: boolean): void => {
    const seen = reads.get(name);
    if (seen === undefined) reads.set(name, { name, where: where(file, node), hasDefault });
    else seen.hasDefault &&= hasDefault;
  };
  const helpers = new Map<string, number>();
  for (const file of files) for (const [name, index] of envHelpers(file)) helpers.set(name, index);
  for (const file of files) {
    visit(file, (node) => {
      if (ts.isPropertyAccessExpression(node) && isProcessEnv(node.expression)) {
        add(node.name.text, file, node, hasFallback(node));
      } else if (ts.isElementAccessExpression(node) && isProcessEnv(node.expression)) {
        const name = stringValue(node.argumentExpression);
        if (name !== undefined) add(name, file, node, hasFallback(node));
      } else if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer && isProcessEnv(node.initializer)) {
        for (const el of node.name.elements) {
          const key = el.propertyName ?? el.name;
          if (ts.isIdentifier(key) || ts.isStringLiteral(key)) add(key.text, file, el, el.initializer !== undefined);
        }
      } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
        const index = helpers.get(node.expression.text);
        const name = index === undefined ? undefined : stringValue(node.arguments[index]);
        if (index !== undefined && name !== undefined && /^[A-Z_][A-Z0-9_]*$/.test(name)) {
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
  { test: /^FPX_.*(PUBLIC_KEY|PUBKEY|CERT).*_(FILE|PATH)$/, map: { value: { kind: 'fpx-public-key', as: 'file' }, provider: 'fpx', why: 'the generated FPX test public key (file)' } },
  { test: /^FPX_.*(PUBLIC_KEY|PUBKEY|CERT)/, map: { value: { kind: 'fpx-public-key', as: 'pem' }, provider: 'fpx', why: 'the generated FPX test public key (PEM)' } },
  { test: /^STRIPE_.*(WEBHOOK|ENDPOINT|SIGNING).*SECRET$|^(STRIPE_)?WHSEC$/, map: { value: { kind: 'secret', provider: 'stripe', key: 'endpointSecret' }, provider: 'stripe', why: 'the Stripe webhook signing secret the harness signs with' } },
  { test: /^(STRIPE|PSP)_(API_BASE|API_URL|BASE_URL|HOST)$/, map: { value: { kind: 'placeholder', name: 'PSP_API_BASE' }, provider: 'stripe', why: "the harness's simulated Stripe-style PSP API" } },
  { test: /^(STRIPE|PSP)_(SECRET_KEY|API_KEY|SECRET)$/, map: { value: { kind: 'secret', provider: 'stripe', key: 'secretKey' }, provider: 'stripe', why: "the simulated PSP API's test secret key" } },
];

/** What the harness gives `name`, or undefined when the name is not one idemgate knows. */
export function mapEnvVar(name: string): EnvMapping | undefined {
  return RULES.find((r) => r.test.test(name))?.map;
}
