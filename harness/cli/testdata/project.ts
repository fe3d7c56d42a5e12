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
export function makeProject(dir: string, opts: { target: string; tape?: string; faults?: string; scenarios?: string; ledger?: boolean; requestTimeoutMs?: number }): string {
  mkdirSync(join(dir, 'scenarios'), { recursive: true });
  writeFileSync(
    join(dir, 'idemgate.config.ts'),
    `import { defineConfig } from ${JSON.stringify(join(repo, 'harness/index.ts'))};
import { migrateNaive, startNaive } from ${JSON.stringify(join(repo, 'harness/cli/testdata/naive-target.ts'))};
export default defineConfig({
  target: { start: ${opts.target}, requestTimeoutMs: ${opts.requestTimeoutMs ?? 2000} },
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
