import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '../../..');
/** The Stripe tape the naive project replays by default. */
export const STRIPE_TAPE = join(repo, 'fixtures/tapes/stripe.jsonl');

const JOURNAL_LEDGER = `{
    table: 'journal',
    columns: { txnId: 'batch', account: 'acct', debit: 'dr', credit: 'cr', currency: 'ccy', reference: 'ext_ref' },
    cashAccounts: ['cash'],
  }`;

/**
 * A project folder with its own config and scenario (`naive-stripe`, or the `scenarios` file given)
 * against the naive target (naive-target.ts: no idempotency guards), as a user of idemgate would
 * have. `requestTimeoutMs` defaults to 2000. `ledger: false` leaves the ledger mapping out, as for a service with no money ledger.
 * Returns the config file.
 */
export function makeProject(dir: string, opts: { target: string; workers?: string; tape?: string; faults?: string; scenarios?: string; ledger?: boolean; requestTimeoutMs?: number }): string {
  mkdirSync(join(dir, 'scenarios'), { recursive: true });
  writeFileSync(
    join(dir, 'idemgate.config.ts'),
    `import { defineConfig } from ${JSON.stringify(join(repo, 'harness/index.ts'))};
import { migrateNaive, startNaive } from ${JSON.stringify(join(repo, 'harness/cli/testdata/naive-target.ts'))};
export default defineConfig({
  target: { start: ${opts.target},${opts.workers === undefined ? '' : ` workers: ${opts.workers},`} requestTimeoutMs: ${opts.requestTimeoutMs ?? 2000} },
  providers: { stripe: { endpointSecret: 'whsec_cli_test' } },
  database: { url: undefined, migrate: migrateNaive },${opts.ledger === false ? '' : `\n  ledger: ${JOURNAL_LEDGER},`}
});
`,
  );
  writeFileSync(
    join(dir, 'scenarios', 'naive.test.ts'),
    opts.scenarios ??
      `import { defineScenario, sequentialDuplicates } from ${JSON.stringify(join(repo, 'harness/index.ts'))};
export const naive = defineScenario({
  name: 'naive-stripe',
  tapes: [${JSON.stringify(opts.tape ?? STRIPE_TAPE)}],
  faults: ${opts.faults ?? '[sequentialDuplicates({ maxGap: 2 })]'},
  runs: 50,
});
`,
  );
  return join(dir, 'idemgate.config.ts');
}

/**
 * The CLI as a user runs it (`node harness/cli/bin.js …`), asynchronously so several can run at
 * once: exit code and everything printed. Without vitest's variables: the CLI imports
 * scenarios/*.test.ts, where scenarioTest must not register a vitest test.
 */
export function runCli(args: string[]): Promise<{ status: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', CI: 'true' };
  delete env.VITEST;
  delete env.NODE_OPTIONS;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(repo, 'harness/cli/bin.js'), ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', fail);
    child.on('exit', (status) => done({ status, out }));
  });
}

/**
 * A project whose service can be mutated: `server` (an ESM node:http service reading PORT and
 * DATABASE_URL) as svc/server.mjs started as a child process, a `mutation` section over svc/*.mjs
 * with the marked operator, and one scenario `dupes` (sequential duplicates of the Stripe tape).
 * Returns the config file.
 */
export function makeMutationProject(dir: string, server: string): string {
  mkdirSync(join(dir, 'svc'), { recursive: true });
  mkdirSync(join(dir, 'scenarios'), { recursive: true });
  writeFileSync(join(dir, 'svc', 'server.mjs'), server);
  const start = "(svc) => ({ kind: 'command', command: process.execPath, args: [svc + '/server.mjs'], healthPath: '/health' })";
  writeFileSync(
    join(dir, 'idemgate.config.ts'),
    `import { defineConfig } from ${JSON.stringify(join(repo, 'harness/index.ts'))};
const start = ${start};
export default defineConfig({
  target: { start: start(${JSON.stringify(join(dir, 'svc'))}) },
  providers: { stripe: { endpointSecret: 'whsec_gate_test' } },
  ledger: { table: 'journal', columns: { txnId: 'batch', account: 'acct', amount: 'amt', currency: 'ccy', reference: 'ref' }, cashAccounts: ['cash'] },
  mutation: { root: 'svc', sources: ['*.mjs'], start, operators: ['marked'] },
});
`,
  );
  writeFileSync(
    join(dir, 'scenarios', 'dupes.test.ts'),
    `import { defineScenario, sequentialDuplicates } from ${JSON.stringify(join(repo, 'harness/index.ts'))};
export const dupes = defineScenario({ name: 'dupes', tapes: [${JSON.stringify(STRIPE_TAPE)}], faults: [sequentialDuplicates({ maxGap: 2 })], runs: 15 });
`,
  );
  return join(dir, 'idemgate.config.ts');
}

/** The event-dedupe guard region of MUTABLE_SERVER, as its text. */
export const MUTABLE_DEDUPE = `    // idemgate-guard: event-dedupe
    const first = await pool.query('insert into seen values ($1) on conflict do nothing returning id', [e.id]);
    if (first.rowCount === 0) return res.end('{}');
    // idemgate-guard-end
`;
/**
 * A tiny service in plain JavaScript (node:http, pg) with two marked guards, for a
 * makeMutationProject: event dedupe in its own table, and refund metadata edits that move no money.
 */
export const MUTABLE_SERVER = `import { createServer } from 'node:http';
import pg from 'pg';
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
await pool.query('create table if not exists seen (id text primary key)');
await pool.query('create table if not exists journal (batch text, acct text, amt bigint, ccy text, ref text)');
createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const e = JSON.parse(Buffer.concat(chunks).toString());
    const o = e.data.object;
${MUTABLE_DEDUPE}    const post = async (ref, amt) => {
      await pool.query("insert into journal values ($1, 'cash', $2, 'MYR', $3), ($1, 'revenue', $4, 'MYR', $3)", [e.id, amt, ref, -amt]);
    };
    if (e.type === 'payment_intent.succeeded') await post(o.id, o.amount_received);
    // idemgate-guard: refund-metadata-edit
    // A refund.updated whose previous_attributes lack "status" (a metadata edit) moves no money.
    if (e.type === 'refund.updated' && e.data.previous_attributes && !('status' in e.data.previous_attributes)) return res.end('{}');
    // idemgate-guard-end
    if (e.type.startsWith('refund.') && o.status === 'succeeded') await post(o.id, -o.amount);
    res.end('{}');
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;
