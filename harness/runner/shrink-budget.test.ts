import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateNaive, startNaive } from '../cli/testdata/naive-target.ts';
import { defineConfig } from '../config.ts';
import { sequentialDuplicates } from '../faults/index.ts';
import { loadScenarioTape, runScenario } from './run-scenario.ts';
import { defineScenario } from './scenario.ts';
import { openSession, type Session } from './session.ts';

const rootDir = resolve(import.meta.dirname, '../..');
// A target with no dedupe at all: any duplicate posts twice.
const config = defineConfig({
  target: { start: { kind: 'in-process', start: ({ database }) => startNaive(database) } },
  providers: { stripe: { endpointSecret: 'whsec_cli_test' } },
  database: { migrate: migrateNaive },
  ledger: {
    table: 'journal',
    columns: { txnId: 'batch', account: 'acct', debit: 'dr', credit: 'cr', currency: 'ccy', reference: 'ext_ref' },
    cashAccounts: ['cash'],
  },
});
const scenario = defineScenario({ name: 'naive', tapes: ['fixtures/tapes/stripe.jsonl'], faults: [sequentialDuplicates({ maxGap: 3 })], runs: 20 });

let session: Session;
beforeAll(async () => {
  session = await openSession({ config, rootDir, tapes: [await loadScenarioTape(scenario, rootDir)], databaseUrl: null });
});
afterAll(() => session.close());

describe('RunOptions.shrinkBudgetMs', () => {
  it('stops shrinking once spent and reports the smallest failing schedule found by then', async () => {
    const full = await runScenario(session, scenario, { seed: 3 });
    const bounded = await runScenario(session, scenario, { seed: 3, shrinkBudgetMs: 0 });

    expect(full.status).toBe('failed');
    expect(bounded.status).toBe('failed');
    if (full.status !== 'failed' || bounded.status !== 'failed') return;
    // The same first failure; without shrinking it is replayed far fewer times and stays larger.
    expect(bounded.schedules).toBeLessThan(full.schedules);
    expect(bounded.counterexample.steps.length).toBeGreaterThanOrEqual(full.counterexample.steps.length);
    expect(bounded.counterexample.violations.map((v) => v.invariant)).toContain('exactly-once-effect');
  });
});
