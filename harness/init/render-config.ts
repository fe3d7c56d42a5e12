/**
 * Writes `idemgate.config.ts` from a ProjectInference: every inferred value carries a comment
 * saying where it came from, and every gap a `TODO` comment.
 */
import { PSP_TEST_SECRET_KEY } from '../providers/psp/api.ts';
import { SHOPEE_TEST_SECRETS } from '../providers/shopee/api.ts';
import type { EnvValue } from './env-vars.ts';
import type { ProjectInference } from './infer.ts';
import type { ProviderName } from './routes.ts';

export const STRIPE_TEST_ENDPOINT_SECRET = 'whsec_test_idemgate';
export const FPX_KEY_FILES = { private: 'idemgate/keys/fpx-test-private.pem', public: 'idemgate/keys/fpx-test-public.pem' };

export interface RenderOptions {
  /** Module specifier of idemgate's API (`'idemgate'`, or an absolute path to harness/index.ts). */
  importFrom: string;
}

/** A single-quoted TypeScript string literal. */
export const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;

/** A callback URL for services that verify pushes against a configured one (any URL works: both sides get it). */
const SHOPEE_TEST_CALLBACK_URL = 'https://merchant.example.com/webhooks/shopee';

const SHOPEE_ENV: Record<string, string> = {
  partnerId: 'SHOPEE_PARTNER_ID',
  partnerKey: 'SHOPEE_PARTNER_KEY',
  shopId: 'SHOPEE_SHOP_ID',
  accessToken: 'SHOPEE_ACCESS_TOKEN',
};

function secretEnvName(inference: ProjectInference, provider: 'shopee' | 'stripe', key: string, fallback: string): string {
  const found = inference.env.find(
    (e) => e.mapping.value.kind === 'secret' && e.mapping.value.provider === provider && e.mapping.value.key === key,
  );
  return found?.read.name ?? fallback;
}

function renderSecrets(inf: ProjectInference): string[] {
  const lines = [
    '// Test secrets: idemgate signs every delivery with these and the service verifies with them.',
    '// Never put live secrets here; each one can be overridden from the environment.',
    'const secrets = {',
  ];
  const has = (p: ProviderName): boolean => inf.providers.includes(p);
  if (has('shopee')) {
    lines.push('  shopee: {');
    for (const key of ['partnerId', 'partnerKey', 'shopId', 'accessToken'] as const) {
      const name = secretEnvName(inf, 'shopee', key, SHOPEE_ENV[key]!);
      lines.push(`    ${key}: process.env.${name} ?? ${q(SHOPEE_TEST_SECRETS[key])},`);
    }
    const callbackUrl = inf.env.find((e) => e.mapping.value.kind === 'secret' && e.mapping.value.key === 'callbackUrl');
    if (callbackUrl !== undefined) {
      lines.push(`    // Shopee signs pushes over the registered callback URL; the service reads it as ${callbackUrl.read.name}.`);
      lines.push(`    callbackUrl: process.env.${callbackUrl.read.name} ?? ${q(SHOPEE_TEST_CALLBACK_URL)},`);
    }
    lines.push('  },');
  }
  if (has('fpx')) {
    lines.push(
      `  // The FPX test key pair \`idemgate init\` generated (${FPX_KEY_FILES.private.replace(/\/[^/]*$/, '/')}); the service gets the public key.`,
      '  fpx: {',
      `    privateKeyPem: readFileSync(here(${q(FPX_KEY_FILES.private)}), 'utf8'),`,
      `    publicKeyPem: readFileSync(here(${q(FPX_KEY_FILES.public)}), 'utf8'),`,
      '  },',
    );
    const key = inf.env.find((e) => e.mapping.value.kind === 'fpx-public-key');
    if (key === undefined) {
      lines.splice(
        lines.length - 4,
        0,
        `  // TODO: the service reads no FPX public key variable (FPX_PUBLIC_KEY, FPX_PUBLIC_KEY_FILE, FPX_CERT…): make it trust`,
        `  // ${FPX_KEY_FILES.public} (its PEM or its path) instead of the real FPX key, or the signatures fail.`,
      );
    }
  }
  if (has('stripe')) {
    const endpoint = secretEnvName(inf, 'stripe', 'endpointSecret', 'STRIPE_WEBHOOK_SECRET');
    lines.push('  stripe: {', `    endpointSecret: process.env.${endpoint} ?? ${q(STRIPE_TEST_ENDPOINT_SECRET)},`);
    const sk = inf.env.find((e) => e.mapping.value.kind === 'secret' && e.mapping.value.key === 'secretKey');
    if (sk !== undefined) {
      lines.push(`    // The simulated PSP API accepts this key (read by the service as ${sk.read.name}).`);
      lines.push(`    secretKey: process.env.${sk.read.name} ?? ${q(PSP_TEST_SECRET_KEY)},`);
    }
    lines.push('  },');
  }
  if (inf.clientApi !== undefined) lines.push(`  ${q(inf.clientApi.name)}: {}, // your own API (clientApis below): its clients sign nothing`);
  lines.push('};');
  return lines;
}

function envExpression(value: EnvValue): string {
  switch (value.kind) {
    case 'placeholder':
      return q(`{${value.name}}`);
    case 'literal':
      return q(value.value);
    case 'secret':
      return `secrets.${value.provider}.${value.key}`;
    case 'fpx-public-key':
      return value.as === 'pem' ? 'secrets.fpx.publicKeyPem' : `here(${q(FPX_KEY_FILES.public)})`;
  }
}

function renderStart(inf: ProjectInference): string[] {
  const { start } = inf;
  const lines: string[] = ['    start: {', "      kind: 'command',", `      // From ${start.source}.`];
  if (start.start.kind === 'node') {
    lines.push(
      '      // Run with this Node, not `npm run`: the harness stops the service with SIGTERM and waits',
      '      // for it to drain, and npm does not forward SIGTERM to its child.',
      '      command: process.execPath,',
    );
  } else {
    lines.push(`      command: ${q(start.start.command)},`);
  }
  for (const note of start.notes) lines.push(`      // ${note}.`);
  if (start.todo !== undefined) lines.push(`      // TODO: ${start.todo}.`);
  if (start.build !== undefined) {
    lines.push(
      `      // Runs build output: the build script (scripts.build: "${start.build.command}") must run first.`,
      '      // The generated workflow runs it before the gate; locally, run it before `idemgate run`.',
    );
  }
  lines.push(`      args: [${start.start.args.map(q).join(', ')}],`, "      cwd: here('.'),");
  if (inf.health !== undefined) lines.push(`      healthPath: ${q(inf.health.path)}, // found at ${inf.health.where}`);
  else {
    lines.push(
      '      // No health route found in the source: the service counts as started once its port accepts',
      "      // connections. Add a route answering 2xx when ready and set `healthPath` for a stricter check.",
      "      ready: 'port',",
    );
  }
  if (inf.fixedPort !== undefined) {
    lines.push(`      port: ${inf.fixedPort.port}, // TODO: listen(${inf.fixedPort.port}) at ${inf.fixedPort.where}; better: listen on process.env.PORT`);
  } else if (start.portInArgs !== true && !inf.env.some((e) => e.mapping.value.kind === 'placeholder' && e.mapping.value.name === 'port')) {
    lines.push('      // TODO: the service reads no PORT variable: make it listen on PORT, or set `port:` to its fixed port.');
  }
  if (start.startTimeoutMs !== undefined) lines.push(`      startTimeoutMs: ${start.startTimeoutMs.toLocaleString('en').replace(/,/g, '_')}, // a dev server compiles on start`);
  else lines.push('      startTimeoutMs: 30_000,');
  lines.push('      env: {');
  const set = new Set<string>();
  for (const [k, v] of Object.entries(start.env)) {
    if (inf.env.some((e) => e.read.name === k)) continue;
    lines.push(`        ${k}: ${q(v)}, // from the start script`);
    set.add(k);
  }
  for (const { read, mapping } of inf.env) {
    if (set.has(read.name)) continue;
    lines.push(`        ${read.name}: ${envExpression(mapping.value)}, // ${read.where}: ${mapping.why}`);
  }
  lines.push('      },');
  if (inf.unknownEnv.length > 0) {
    lines.push('      // TODO: the service reads these without a default and idemgate does not know them; add them to env if it needs them:');
    for (const r of inf.unknownEnv) lines.push(`      //   ${r.name} (${r.where})`);
  }
  if (inf.optionalEnv.length > 0) {
    lines.push(`      // Read with a default in the code, left unset: ${inf.optionalEnv.map((r) => r.name).join(', ')}.`);
  }
  lines.push('    },');
  return lines;
}

function renderEndpoints(inf: ProjectInference): string[] {
  if (inf.providers.length === 0) {
    return [
      '    // TODO: no Shopee, FPX or Stripe webhook route found. Name the path each provider delivers to:',
      "    endpoints: { /* stripe: '/webhooks/stripe', shopee: '/webhooks/shopee', fpx: '/fpx/callback' */ },",
    ];
  }
  const lines = ['    endpoints: {'];
  for (const p of inf.providers) {
    const found = inf.endpoints[p];
    if (found === undefined) {
      lines.push(`      // TODO: ${p}: no route naming it was found; the tape's recorded path is used until you set it.`);
      continue;
    }
    const others = found.others.length > 0 ? `; also seen: ${found.others.join(', ')}` : '';
    lines.push(`      ${p}: ${q(found.path)}, // found at ${found.where}${others}`);
  }
  lines.push('    },');
  return lines;
}

function renderDatabase(inf: ProjectInference): string[] {
  const lines = [
    '  database: {',
    '    // url: DATABASE_URL when set (a fresh database is created from it for each run and dropped after),',
    '    // else embedded PGlite, served to the service over a socket as a postgres:// URL.',
  ];
  if (!inf.env.some((e) => e.mapping.value.kind === 'placeholder' && e.mapping.value.name === 'databaseUrl')) {
    lines.push("    // TODO: the service reads no DATABASE_URL-like variable: give it '{databaseUrl}' under the name it uses (target.start.env).");
  }
  if (inf.migration !== undefined) {
    lines.push(`    // migrate: left to the service, which migrates itself on start (${inf.migration}).`);
  } else {
    lines.push(
      '    // TODO: no migration call found in the source. If the service does not create its tables on start,',
      '    // add `migrate: async (db) => { await db.query(…) }` (run once per database, before the first schedule).',
    );
  }
  lines.push('    // reset: default, truncate every table in `public` except migration bookkeeping.', '  },');
  return lines;
}

const col = (role: string, picked: { column: string } | undefined): string =>
  `${role}: ${picked === undefined ? `'TODO_${role}'` : q(picked.column)}`;

function renderLedger(inf: ProjectInference): string[] {
  const { ledger } = inf;
  const cash = inf.accounts.filter((a) => a.cash);
  const notCash = inf.accounts.filter((a) => !a.cash);
  const cashLines = (): string[] => {
    const lines: string[] = [];
    if (cash.length > 0) {
      lines.push('    // Cash accounts: account names the source posts to that look like money the merchant holds:');
      for (const a of cash) lines.push(`    //   ${a.account} (${a.where})`);
      if (notCash.length > 0) lines.push(`    // Also posted to, not cash: ${notCash.map((a) => a.account).join(', ')}.`);
      lines.push(`    cashAccounts: [${cash.map((a) => q(a.account)).join(', ')}],`);
    } else {
      lines.push(
        `    // TODO: no cash/clearing/wallet/bank account name found${notCash.length > 0 ? ` (posted to: ${notCash.map((a) => a.account).join(', ')})` : ''}.`,
        '    // List the accounts that hold the merchant\'s money; an event\'s effect is the net movement on them.',
        "    cashAccounts: ['TODO_cash_account'],",
      );
    }
    return lines;
  };
  if (ledger === undefined) {
    const why = inf.schema.files.length === 0
      ? 'no schema was found (looked for a Drizzle schema, SQL migrations, a Prisma schema, Knex and Kysely migrations)'
      : `no table in ${inf.schema.files.join(', ')} has an account and an amount column`;
    return [
      `  // TODO: ${why}. Fill in your ledger: a table (or a \`sql\` SELECT) of double-entry lines,`,
      '  // one signed amount in minor units (or debit + credit columns). See README "Ledger mapping".',
      '  ledger: {',
      "    table: 'TODO_ledger_table',",
      "    columns: { txnId: 'TODO_txnId', account: 'TODO_account', amount: 'TODO_amount', currency: 'TODO_currency', reference: 'TODO_reference' },",
      "    sign: 'debit-positive',",
      ...cashLines(),
      '  },',
    ];
  }
  const { table, columns } = ledger;
  const others = ledger.others.length > 0 ? `; also looked like a ledger: ${ledger.others.join(', ')}` : '';
  const lines = [
    `  // Ledger: \`${table.name}\` at ${table.where}, chosen by its column names${others}.`,
  ];
  for (const role of ledger.missing) lines.push(`  // TODO: no ${role} column recognised in ${table.name}: name it below.`);
  if (ledger.nonIntegerAmount !== undefined) {
    lines.push(
      `  // TODO: ${ledger.nonIntegerAmount} is not an integer column. Amounts must be integer minor units: replace \`table\``,
      `  // with \`sql: 'select …, round(${ledger.nonIntegerAmount} * 100)::bigint as ${ledger.nonIntegerAmount} from ${table.name}'\`.`,
    );
  }
  lines.push('  ledger: {', `    table: ${q(table.name)},`);
  const parts = [col('txnId', columns.txnId), col('account', columns.account)];
  if (columns.debit !== undefined && columns.credit !== undefined) parts.push(col('debit', columns.debit), col('credit', columns.credit));
  else parts.push(col('amount', columns.amount));
  parts.push(col('currency', columns.currency), col('reference', columns.reference));
  lines.push(`    columns: { ${parts.join(', ')} },`);
  if (columns.amount !== undefined) {
    lines.push(
      ledger.signSource === 'schema comment'
        ? `    sign: ${q(ledger.sign)}, // from the comment on ${table.name} in the schema`
        : `    sign: 'debit-positive', // TODO: assumed; check which way ${columns.amount.column} is signed`,
    );
  }
  lines.push(...cashLines(), '  },');
  return lines;
}

function renderEntities(inf: ProjectInference): string[] {
  const { entities } = inf;
  if (entities === undefined) {
    return [
      '  // TODO (optional): where each order/payment keeps its current status, for the final-status invariant.',
      "  // entities: { table: 'orders', columns: { provider: 'provider', entity: 'order_ref', status: 'status' } },",
    ];
  }
  const c = entities.columns;
  const lines = [`  // Entity status: \`${entities.table.name}\` at ${entities.table.where} (a status and an order/reference column).`];
  if (c.provider === undefined) {
    lines.push(
      `  // TODO: ${entities.table.name} has no provider column; if it holds one provider only, use`,
      `  // sql: "select 'stripe' as provider, ${c.entity} as entity, ${c.status} as status from ${entities.table.name}".`,
    );
  }
  lines.push(
    '  // If your status names differ from the providers\' (paid vs succeeded), add statusMap: { stripe: { paid: \'succeeded\' } }.',
    '  entities: {',
    `    table: ${q(entities.table.name)},`,
    `    columns: { provider: ${q(c.provider ?? 'TODO_provider')}, entity: ${q(c.entity!)}, status: ${q(c.status!)} },`,
    '  },',
  );
  return lines;
}

function renderClientApis(inf: ProjectInference): string[] {
  const api = inf.clientApi;
  if (api === undefined) return [];
  const lines = [
    `  // Your own API: the header Idempotency-Key is read at ${api.keyWhere}. Its routes, what each request`,
    '  // books, the answers it gives (profile) and how its clients retry; see README "Testing your own Idempotency-Key API".',
    '  clientApis: {',
    `    ${q(api.name)}: {`,
    `      profile: ${q(api.profile)}, // ${api.profileSource}`,
    '      routes: [',
  ];
  for (const r of api.routes) {
    const amount = api.amount === undefined ? "'body.TODO_amount'" : q(api.amount.selector);
    lines.push(
      `        { // ${r.method} ${r.path}, found at ${r.where}`,
      `          name: ${q(r.name)}, method: ${q(r.method)}, path: ${q(r.path)},${r.group === undefined ? '' : ` group: ${q(r.group)},`}`,
      "          // TODO: the body field holding the reference this request books under (a payment's or refund's own id).",
      `          effect: { reference: 'body.TODO_reference', amount: ${amount},${api.currency === undefined ? '' : ` currency: ${q(api.currency.selector)},`} direction: ${q(r.direction)} },`,
      '        },',
    );
  }
  lines.push('      ],');
  if (api.amount !== undefined) lines.push(`      // amount: ${api.amount.selector} (${api.amount.where})${api.currency === undefined ? '; currency: MYR unless you set effect.currency' : `, currency: ${api.currency.selector} (${api.currency.where})`}: check them.`);
  else lines.push('      // TODO: the body field holding the amount in minor units (amountUnit: \'major\' for "20.50").');
  lines.push(
    '      // How its clients retry (here: 200 ms doubling, replayed at a tenth of real time); keyTtlMs: how long it keeps a key.',
    '      retry: { attempts: 3, baseMs: 200, factor: 2, jitter: 0.5, timeScale: 0.1 },',
    '    },',
    '  },',
  );
  return lines;
}

/** The text of `idemgate.config.ts`. */
export function renderConfig(inf: ProjectInference, options: RenderOptions): string {
  const name = inf.packageName ?? 'this service';
  const needsReadFile = inf.providers.includes('fpx');
  return [
    '/**',
    ` * idemgate's configuration for ${name}, written by \`idemgate init\`.`,
    ' * Every inferred value says where it came from; search for TODO for what is left to you.',
    ' * Run it: npx idemgate run   (CI: npx idemgate gate)',
    ' */',
    ...(needsReadFile ? ["import { readFileSync } from 'node:fs';"] : []),
    "import { fileURLToPath } from 'node:url';",
    `import { defineConfig } from ${q(options.importFrom)};`,
    '',
    '/** A path relative to this file. */',
    'const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));',
    '',
    ...renderSecrets(inf),
    '',
    'export default defineConfig({',
    '  target: {',
    ...renderStart(inf),
    ...renderEndpoints(inf),
    '    requestTimeoutMs: 5000,',
    '  },',
    '  providers: secrets,',
    ...renderClientApis(inf),
    ...renderDatabase(inf),
    ...renderLedger(inf),
    ...renderEntities(inf),
    '});',
    '',
  ].join('\n');
}
