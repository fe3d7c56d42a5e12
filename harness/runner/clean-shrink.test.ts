import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConfig } from '../config.ts';
import { sequentialDuplicates } from '../faults/index.ts';
import { readTape } from '../tape/read.ts';
import { stepExchanges } from '../schedule/schedule.ts';
import { loadScenarioTape, runScenario } from './run-scenario.ts';
import { defineScenario } from './scenario.ts';
import { openSession, type Session } from './session.ts';
import { answeringTarget } from './_testing/answering-target.ts';

const rootDir = resolve(import.meta.dirname, '../..');
const TAPE = 'fixtures/tapes/stripe.jsonl';
const tape = await readTape(resolve(rootDir, TAPE));
// The one delivery the target refuses: a refund of one payment in the middle of the tape.
const refused = tape.exchanges.findIndex((e, i) => i > tape.exchanges.length / 2 && e.body.includes('"refund.created"'));
const refusedId = (JSON.parse(tape.exchanges[refused]!.body) as { id: string }).id;

// A target wrong without any fault, on one delivery of a 44-exchange tape: it answers 500 to that
// event for ever (an incident's poison message) and 200 to everything else.
const config = defineConfig({
  target: {
    start: answeringTarget((body) => (body.includes(refusedId) ? { status: 500, body: 'boom' } : { status: 200, body: '{"received":true}' })),
  },
  providers: { stripe: { endpointSecret: 'whsec_clean_shrink' } },
});
const scenario = defineScenario({ name: 'poison-refund', tapes: [TAPE], faults: [sequentialDuplicates({ maxGap: 1 })], runs: 3 });

let session: Session;
beforeAll(async () => {
  session = await openSession({ config, rootDir, tapes: [await loadScenarioTape(scenario, rootDir)], databaseUrl: null });
});
afterAll(async () => {
  await session.close();
});

describe('a failure in the clean replay is shrunk', () => {
  it('to the fewest entities and steps that still break the invariant', async () => {
    const result = await runScenario(session, scenario, { seed: 1 });

    if (result.status !== 'failed') expect.fail(`expected a failure, got ${result.status}`);
    const { counterexample } = result;
    expect(counterexample.violations.map((v) => v.invariant)).toEqual(['deliveries-acknowledged']);
    // One entity of the tape's many, and of its exchanges only the refused one.
    expect(counterexample.draw.groups).toHaveLength(1);
    expect(counterexample.schedule.steps.flatMap(stepExchanges)).toEqual([refused]);
    expect(counterexample.steps).toHaveLength(1);
    expect(counterexample.draw.exchanges).toEqual([refused]);
    expect(counterexample.draw.edits).toEqual([]);
    // Found on the clean replay (path ''), then shrunk: every shrink candidate is a schedule run.
    expect(result.path).toBe('');
    expect(result.shrunkFrom?.steps).toBe(tape.exchanges.length);
    expect(result.shrunkFrom?.groups).toBeGreaterThan(1);
    expect(result.schedules).toBeGreaterThan(1);
  });

  it('not past its budget of replays, keeping the smallest failure found so far', async () => {
    const result = await runScenario(session, scenario, { seed: 1, shrinkBudgetMs: 0 });

    if (result.status !== 'failed') expect.fail(`expected a failure, got ${result.status}`);
    // No shrinking at all: the whole clean replay is the counterexample.
    expect(result.counterexample.schedule.steps).toHaveLength(tape.exchanges.length);
    expect(result.schedules).toBe(1);
  });
});
