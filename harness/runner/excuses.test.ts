import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConfig } from '../config.ts';
import { factsKey } from '../invariants/facts.ts';
import { defineExtension } from './extension.ts';
import { loadScenarioTape, runScenario } from './run-scenario.ts';
import { defineScenario } from './scenario.ts';
import { openSession, type Session } from './session.ts';
import { listenOnLoopback } from '../targets/listen.ts';

const rootDir = resolve(import.meta.dirname, '../..');
// A target that acknowledges every delivery and books nothing: every expected effect is missing.
const config = defineConfig({
  target: {
    start: {
      kind: 'in-process',
      start: async () => listenOnLoopback(createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end('{}')))),
    },
  },
  providers: { stripe: { endpointSecret: 'whsec_excuses' } },
  database: { migrate: (db) => db.exec('create table journal (txn text, acct text, amt bigint, ccy text, ref text)') },
  ledger: { table: 'journal', columns: { txnId: 'txn', account: 'acct', amount: 'amt', currency: 'ccy', reference: 'ref' }, cashAccounts: ['cash'] },
});

/** An extension whose facts excuse the delivered effects whose reference `excuse` picks. */
const excusing = (excuse: (reference: string) => boolean) =>
  defineExtension({
    key: factsKey<{ references: string[] }>('refusals'),
    after: async ({ events, deliveries }) => ({
      references: [...new Set(deliveries.flatMap((d) => events[d.exchange]?.effect?.reference ?? []))].filter(excuse),
    }),
    excuses: ({ references }) => references.map((reference) => ({ reference, reason: 'the upstream refused it' })),
  });
const scenario = (name: string, excuse: (reference: string) => boolean) =>
  defineScenario({ name, tapes: ['fixtures/tapes/stripe.jsonl'], faults: [], runs: 3, extensions: [excusing(excuse)] });

let session: Session;
beforeAll(async () => {
  session = await openSession({ config, rootDir, tapes: [await loadScenarioTape(scenario('x', () => true), rootDir)], databaseUrl: null });
});
afterAll(() => session.close());

describe('effects an extension excuses', () => {
  it('are not expected, and counted in the result', async () => {
    const result = await runScenario(session, scenario('all-excused', () => true), { seed: 1 });
    expect(result.status, JSON.stringify(result)).toBe("passed");
    expect(result.excusedEffects).toBeGreaterThan(0);
  });

  it('are the only ones: an effect not excused is still missing', async () => {
    let first: string | undefined;
    const result = await runScenario(session, scenario('one-not-excused', (r) => (first ??= r) !== r), { seed: 1 });
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.counterexample.violations.map((v) => v.message).join('\n')).toMatch(/effect for reference \S+ is missing/);
    // Shrunk to the one effect not excused; on the whole tape the others were excused, not missing.
    expect(result.counterexample.violations.every((v) => v.message.includes(first!))).toBe(true);
    expect((result.counterexample.excused ?? []).every((e) => e.reason === 'the upstream refused it')).toBe(true);
    expect(result.shrunkFrom!.violations.filter((v) => /effect for reference \S+ is missing/.test(v.message)).map((v) => v.message)).toEqual([
      expect.stringContaining(first!),
    ]);
  });
});
