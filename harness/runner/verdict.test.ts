import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from './result.ts';
import { exitCodeFor, summarise } from './verdict.ts';

const base = { database: 'pglite', durationMs: 10, invariants: ['exactly-once-effect'], seed: 1, notApplicable: [] } as const;
const passed = (): ScenarioResult => ({ ...base, invariants: [...base.invariants], scenario: 'p', status: 'passed', runs: 5, schedules: 6, invariantChecks: 6, notApplicable: [] });
/** Passed, but its one invariant had nothing to judge in any schedule. */
const unjudged = (): ScenarioResult => ({
  ...passed(),
  scenario: 'u',
  invariantChecks: 0,
  notApplicable: [{ invariant: 'exactly-once-effect', reason: 'no ledger mapping in the config' }],
});
const failed = (): ScenarioResult => ({
  ...base,
  invariants: [...base.invariants],
  notApplicable: [],
  scenario: 'f',
  status: 'failed',
  runs: 5,
  schedules: 9,
  invariantChecks: 9,
  path: '3:0',
  replayCommand: 'npx idemgate run --scenario f --seed 1 --path "3:0"',
  counterexample: {
    draw: { groups: [], edits: [] },
    schedule: { steps: [] },
    steps: [],
    violations: [
      { invariant: 'exactly-once-effect', message: 'twice', evidence: [] },
      { invariant: 'exactly-once-effect', message: 'again', evidence: [] },
    ],
    deliveries: [],
  },
});
const errored = (): ScenarioResult => ({
  ...base,
  invariants: [...base.invariants],
  notApplicable: [],
  scenario: 'e',
  status: 'errored',
  schedules: 0,
  invariantChecks: 0,
  error: { code: 'TAPE_NOT_FOUND', message: 'no such file' },
});

describe('summarise', () => {
  it("names every scenario's unmodelled events once over the run, and nothing when all is modelled", () => {
    const a = { ...passed(), unmodelled: ['stripe event type customer.created', 'stripe payment_intent status levitating'] };
    const b = { ...failed(), unmodelled: ['stripe event type customer.created'] };
    expect(summarise([a, b], 1).unmodelled).toEqual(['stripe event type customer.created', 'stripe payment_intent status levitating']);
    expect(summarise([passed(), failed()], 1)).not.toHaveProperty('unmodelled');
  });

  it('ranks nothing-ran and errored above failed above passed', () => {
    expect(summarise([], 0).verdict).toBe('nothing-ran');
    expect(summarise([passed(), failed(), errored()], 1).verdict).toBe('errored');
    expect(summarise([passed(), failed()], 1).verdict).toBe('failed');
    expect(summarise([passed()], 1).verdict).toBe('passed');
  });

  it('is nothing-checked when no invariant of any scenario judged anything, and exits 2', () => {
    expect(summarise([unjudged()], 1).verdict).toBe('nothing-checked');
    expect(exitCodeFor(summarise([unjudged(), unjudged()], 1))).toBe(2);
    // One scenario that judged something is enough for a pass; failures and errors still rank higher.
    expect(summarise([unjudged(), passed()], 1).verdict).toBe('passed');
    expect(summarise([unjudged(), failed()], 1).verdict).toBe('failed');
    expect(summarise([unjudged(), errored()], 1).verdict).toBe('errored');
    expect(summarise([unjudged(), passed()], 1)).toMatchObject({ invariantsJudged: 1, invariantsNotApplicable: 1 });
  });

  it('counts scenarios, schedules, checks and violations', () => {
    expect(summarise([passed(), failed(), errored()], 1234)).toEqual({
      verdict: 'errored',
      scenarios: 3,
      passed: 1,
      failed: 1,
      errored: 1,
      schedules: 15,
      invariantChecks: 15,
      invariantsJudged: 2,
      invariantsNotApplicable: 0,
      violations: 2,
      wallMs: 1234,
    });
  });
});

describe('exitCodeFor', () => {
  it('is 0 passed, 1 failed, 2 errored or nothing ran', () => {
    expect(exitCodeFor(summarise([passed()], 1))).toBe(0);
    expect(exitCodeFor(summarise([passed(), failed()], 1))).toBe(1);
    expect(exitCodeFor(summarise([failed(), errored()], 1))).toBe(2);
    expect(exitCodeFor(summarise([], 1))).toBe(2);
  });
});

describe('an interrupted run', () => {
  it('is interrupted whatever its results, names the signal and never exits 0', () => {
    for (const results of [[passed()], [passed(), failed()], [errored()], []]) {
      const s = summarise(results, 1, 'SIGINT');
      expect(s).toMatchObject({ verdict: 'interrupted', interrupted: 'SIGINT' });
      expect(exitCodeFor(s)).not.toBe(0);
    }
    expect(summarise([passed()], 1)).not.toHaveProperty('interrupted');
  });
});
