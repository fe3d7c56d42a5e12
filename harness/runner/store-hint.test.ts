/*
 * A target that keeps state outside PostgreSQL (an in-memory set of the payment intents it has
 * handled, as a service with an unconfigured Redis would): a scenario on a payment's `processing`
 * event passes; the next scenario's clean replay, the same payment's `succeeded`, finds it
 * "already handled" after the database reset and books nothing. The failure says where to look.
 */
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateNaive, startNaive } from '../cli/testdata/naive-target.ts';
import { defineConfig } from '../config.ts';
import { listenOnLoopback } from '../targets/listen.ts';
import type { Tape } from '../tape/schema.ts';
import { loadScenarioTape, runScenario } from './run-scenario.ts';
import { defineScenario } from './scenario.ts';
import { openSession, type Session } from './session.ts';

const rootDir = resolve(import.meta.dirname, '../..');
const config = defineConfig({
  target: {
    start: {
      kind: 'in-process',
      start: async ({ database }) => {
        const naive = await startNaive(database);
        const seen = new Set<string>(); // never emptied: idemgate's reset does not reach it
        const front = createServer((req, res) => {
          const chunks: Buffer[] = [];
          req.on('data', (c: Buffer) => chunks.push(c));
          req.on('end', () => {
            const body = Buffer.concat(chunks);
            const id = (JSON.parse(body.toString('utf8')) as { data: { object: { id: string } } }).data.object.id;
            if (seen.has(id)) return void res.writeHead(200).end('{}');
            seen.add(id);
            void fetch(`${naive.baseUrl}${req.url ?? '/'}`, { method: 'POST', body })
              .then(async (r) => res.writeHead(r.status).end(await r.text()))
              .catch((e: unknown) => res.writeHead(500).end(String(e)));
          });
        });
        const running = await listenOnLoopback(front);
        return { ...running, stop: async () => (await running.stop(), await naive.stop()) };
      },
    },
  },
  providers: { stripe: { endpointSecret: 'whsec_store_hint' } },
  database: { migrate: migrateNaive },
  ledger: {
    table: 'journal',
    columns: { txnId: 'batch', account: 'acct', debit: 'dr', credit: 'cr', currency: 'ccy', reference: 'ext_ref' },
    cashAccounts: ['cash'],
  },
});
const scenario = defineScenario({ name: 'remembers-outside-postgres', tapes: ['fixtures/tapes/stripe.jsonl'], faults: [], runs: 1 });
let tape: Tape;
// Seq 2 and 3: pi_3PZiFcVhtynj95o6Zp1L7mru processing, then succeeded.
const only = (seq: number): Tape => ({ ...tape, exchanges: tape.exchanges.filter((x) => x.seq === seq) });

let session: Session;
beforeAll(async () => {
  tape = await loadScenarioTape(scenario, rootDir);
  session = await openSession({ config, rootDir, tapes: [tape], databaseUrl: null });
});
afterAll(() => session.close());

describe('a clean replay that fails after a schedule passed in the same session', () => {
  it('says the target may keep state outside PostgreSQL and to configure target.stores', async () => {
    const first = await runScenario(session, scenario, { seed: 1, tape: only(2) });
    const second = await runScenario(session, scenario, { seed: 1, tape: only(3) });

    expect(first.status === "failed" ? first.counterexample.violations.map((v) => v.message) : first.status).toBe("passed");
    expect(second.status).toBe('failed');
    if (second.status !== 'failed') return;
    expect(second.path).toBe('');
    expect(second.counterexample.violations.map((v) => v.invariant)).toContain('exactly-once-effect');
    expect(second.hint).toMatch(/^the clean replay failed right after a schedule passed in this session: the target may keep state outside PostgreSQL .*configure target\.stores/);
  });
});
