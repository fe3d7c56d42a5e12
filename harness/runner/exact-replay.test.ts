import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defineConfig } from '../config.ts';
import { sequentialDuplicates } from '../faults/index.ts';
import { deliveriesAcknowledged } from '../invariants/index.ts';
import { describeAnswerDifference } from '../replay/answers.ts';
import { recordedTiming } from '../replay/timing.ts';
import { answeringTarget } from './_testing/answering-target.ts';
import { loadScenarioTape, runScenario } from './run-scenario.ts';
import { defineScenario } from './scenario.ts';
import { openSession, type Session } from './session.ts';

const rootDir = resolve(import.meta.dirname, '../..');
// Recorded answering 200 {"received":true} to every event of the tape (seq 12 is this one).
const SEQ_12 = 'evt_3bOoU5EjBR6KtF9CR0eU3aG4';

/** What the target answers seq 12 with now; everything else gets the recorded answer. */
let answerFor12: { status: number; body: string };
let requests = 0;
const config = defineConfig({
  target: {
    start: answeringTarget((body) => {
      requests++;
      return body.includes(SEQ_12) ? answerFor12 : { status: 200, body: '{"received":true}' };
    }),
  },
  providers: { stripe: { endpointSecret: 'whsec_exact_replay' } },
});
const scenario = defineScenario({
  name: 'answers-differ',
  tapes: ['fixtures/tapes/stripe.jsonl'],
  faults: [sequentialDuplicates({ maxGap: 1 })],
  invariants: [deliveriesAcknowledged],
  runs: 2,
});

let session: Session;
beforeAll(async () => {
  session = await openSession({ config, rootDir, tapes: [await loadScenarioTape(scenario, rootDir)], databaseUrl: null });
});
afterAll(async () => {
  await session.close();
});
beforeEach(() => {
  answerFor12 = { status: 202, body: '{"received":true,"queued":true}' };
  requests = 0;
});

describe('--exact: the tape replayed once as recorded', () => {
  it('runs one schedule with no fault, at recorded timing, and lists the answer that changed', async () => {
    const result = await runScenario(session, scenario, { exact: true, timing: recordedTiming({ speed: 1000, maxGapMs: 1 }) });

    expect(result.status).toBe('passed');
    expect(result.exact).toBe(true);
    expect(result.schedules).toBe(1);
    expect(requests).toBe(44); // every exchange once: the scenario's duplicates were not drawn
    // Each of the 43 gaps (20 s and more, ÷1000) cut to 1 ms.
    expect(result.timing).toMatchObject({ speed: 1000, maxGapMs: 1, waitMs: 43, capped: 43 });
    expect(result.answers?.compared).toBe(44);
    expect(result.answers?.differences.map(describeAnswerDifference)).toEqual([`#12 stripe ${SEQ_12}: recorded 200, now 202 {"received":true,"queued":true}`]);
  });

  it('reports a failure as it happened: unshrunk, with the command that replays it exactly', async () => {
    answerFor12 = { status: 500, body: '{"error":"ledger locked"}' };

    const result = await runScenario(session, scenario, { exact: true });

    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.schedules).toBe(1);
    expect(result.counterexample.steps).toHaveLength(44);
    expect(result.counterexample.draw.edits).toEqual([]);
    expect(result.replayCommand).toBe('npx idemgate run --scenario answers-differ --exact --timing none');
    expect(result.answers?.differences.map(describeAnswerDifference)).toEqual([`#12 stripe ${SEQ_12}: recorded 200, now 500 {"error":"ledger locked"}`]);
  });
});

describe('recorded answers against the clean replay', () => {
  it('are compared in every run, not only --exact', async () => {
    const result = await runScenario(session, scenario, { seed: 1 });

    expect(result.status).toBe('passed');
    expect(result.schedules).toBe(3); // the clean replay and two faulted schedules
    expect(result.exact).toBeUndefined();
    expect(result.timing).toBeUndefined();
    expect(result.answers?.differences).toHaveLength(1);
  });
});
