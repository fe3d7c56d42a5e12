import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '../../..');
/** The Stripe tape the naive project replays by default. */
export const STRIPE_TAPE = join(repo, 'fixtures/tapes/stripe.jsonl');

/**
 * A project folder with its own config and scenario (`naive-stripe`) against the naive target
 * (naive-target.ts: no idempotency guards), as a user of idemgate would have. Returns the config file.
 */
export function makeProject(dir: string, opts: { target: string; tape?: string; faults?: string }): string {
  mkdirSync(join(dir, 'scenarios'), { recursive: true });
  writeFileSync(
    join(dir, 'idemgate.config.ts'),
    `import { defineConfig } from ${JSON.stringify(join(repo, 'harness/index.ts'))};
import { migrateNaive, startNaive } from ${JSON.stringify(join(repo, 'harness/cli/testdata/naive-target.ts'))};
export default defineConfig({
  target: { start: ${opts.target}, requestTimeoutMs: 2000 },
  providers: { stripe: { endpointSecret: 'whsec_cli_test' } },
  database: { url: undefined, migrate: migrateNaive },
  ledger: {
    table: 'journal',
    columns: { txnId: 'batch', account: 'acct', debit: 'dr', credit: 'cr', currency: 'ccy', reference: 'ext_ref' },
    cashAccounts: ['cash'],
  },
});
`,
  );
  writeFileSync(
    join(dir, 'scenarios', 'naive.test.ts'),
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
