import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConfig } from '../config.ts';
import { sequentialDuplicates } from '../faults/index.ts';
import { loadScenarioTape, runScenario } from './run-scenario.ts';
import { factsKey } from '../invariants/facts.ts';
import { defineExtension } from './extension.ts';
import { defineScenario } from './scenario.ts';
import { openSession, type Session } from './session.ts';
import { answeringTarget } from './_testing/answering-target.ts';

const rootDir = resolve(import.meta.dirname, '../..');
// A target that is wrong without any fault: it refuses every delivery and books nothing.
const config = defineConfig({
  target: { start: answeringTarget(() => ({ status: 500, body: 'down' })) },
  providers: { stripe: { endpointSecret: 'whsec_clean_failure' } },
  database: { migrate: (db) => db.exec('create table journal (txn text, acct text, amt bigint, ccy text, ref text)') },
  ledger: {
    table: 'journal',
    columns: { txnId: 'txn', account: 'acct', amount: 'amt', currency: 'ccy', reference: 'ref' },
    cashAccounts: ['cash'],
  },
});
// An extension that watched the target call out once per schedule (as the upstream one does).
const WATCHED = factsKey<{ at: number }>('watched-calls');
const watcher = defineExtension({
  key: WATCHED,
  after: async () => ({ at: 12 }),
  calls: ({ at }) => [{ atMs: at, method: 'POST', path: '/v1/payment_intents', status: 429, fault: 'throttle' }],
});
const scenario = defineScenario({
  name: 'refuses-everything',
  tapes: ['fixtures/tapes/stripe.jsonl'],
  faults: [sequentialDuplicates({ maxGap: 1 })],
  runs: 5,
  extensions: [watcher],
});

let session: Session;
let reportsDir: string;
beforeAll(async () => {
  reportsDir = await mkdtemp(join(tmpdir(), 'idemgate-clean-failure-'));
  session = await openSession({ config, rootDir, tapes: [await loadScenarioTape(scenario, rootDir)], databaseUrl: null });
});
afterAll(async () => {
  await session.close();
  await rm(reportsDir, { recursive: true, force: true });
});

describe('a failure in the clean replay', () => {
  it('is saved under reports/failures like any other counterexample', async () => {
    const result = await runScenario(session, scenario, { seed: 1, reportsDir });

    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.counterexample.draw.edits).toEqual([]);
    expect(result.hint).toBeUndefined(); // nothing passed before it: the target is simply wrong
    expect(result.savedTo).toBeDefined();
    const saved = JSON.parse(await readFile(join(reportsDir, 'failures', 'refuses-everything.json'), 'utf8')) as {
      scenario: string;
      draw: { edits: unknown[] };
      violations: { invariant: string }[];
    };
    expect(saved.scenario).toBe('refuses-everything');
    expect(saved.draw.edits).toEqual([]);
    expect(saved.violations.map((v) => v.invariant)).toContain('deliveries-acknowledged');
  });

  it("carries the target's outbound calls that the extensions recorded, for the reports' upstream lane", async () => {
    const result = await runScenario(session, scenario, { seed: 1 });

    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.counterexample.upstreamCalls).toEqual([
      { atMs: 12, method: 'POST', path: '/v1/payment_intents', status: 429, fault: 'throttle' },
    ]);
  });
});
