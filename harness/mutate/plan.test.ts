import { describe, expect, it } from 'vitest';
import { defineScenario } from '../runner/scenario.ts';
import { suitePlan } from './run.ts';

const a = defineScenario({ name: 'a', tapes: ['a.jsonl'], faults: [] });
const b = defineScenario({ name: 'b', tapes: ['b.jsonl'], faults: [] });
const row = (p: ReturnType<typeof suitePlan>[number]) => `${p.scenario.name}:${p.runs}@${p.seed}`;

describe('suitePlan', () => {
  it('spreads the runs over rounds, every scenario in each, the shares adding up to the runs', () => {
    expect(suitePlan({ scenarios: [a, b], runs: 10, rounds: 3, seed: 5 }).map(row)).toEqual(['a:4@5', 'b:4@5', 'a:3@6', 'b:3@6', 'a:3@7', 'b:3@7']);
  });

  it('never makes a round with no runs, and one round is the plain suite', () => {
    expect(suitePlan({ scenarios: [a], runs: 2, rounds: 5, seed: 1 }).map(row)).toEqual(['a:1@1', 'a:1@2']);
    expect(suitePlan({ scenarios: [a, b], runs: 7, rounds: 1, seed: 1 }).map(row)).toEqual(['a:7@1', 'b:7@1']);
  });
});

describe('suitePlan with measured costs', () => {
  it('runs the cheapest scenarios of each round first, with the same runs and seeds', () => {
    const cost = new Map([['a', 90], ['b', 10]]);
    expect(suitePlan({ scenarios: [a, b], runs: 4, rounds: 2, seed: 1 }, cost).map(row)).toEqual(['b:2@1', 'a:2@1', 'b:2@2', 'a:2@2']);
  });
});
