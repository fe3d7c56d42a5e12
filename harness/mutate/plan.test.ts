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

describe('suitePlan for a mutant', () => {
  const stripe = defineScenario({ name: 'stripe-webhooks', tapes: ['s.jsonl'], faults: [] });
  const fpx = defineScenario({ name: 'fpx-direct-ac', tapes: ['f.jsonl'], faults: [] });
  const mixed = defineScenario({ name: 'mixed', tapes: ['m.jsonl'], faults: [] });
  const providers = new Map([
    ['stripe-webhooks', new Set(['stripe'])],
    ['fpx-direct-ac', new Set(['fpx'])],
    ['mixed', new Set(['stripe', 'fpx-indirect', 'shopee'])],
  ]);
  const cost = new Map([['fpx-direct-ac', 1], ['stripe-webhooks', 5], ['mixed', 50]]);
  const mutant = (file: string, guard: string) => ({ guard, changes: [{ file }] });
  const plan = (m: { guard: string; changes: { file: string }[] }) =>
    suitePlan({ scenarios: [stripe, fpx, mixed], runs: 4, rounds: 2, seed: 1 }, cost, { mutant: m, providers }).map(row);

  it('runs first, in each round, the scenarios whose traffic the mutated file or guard is named after', () => {
    expect(plan(mutant('internal/webhooks/stripe_handler.go', 'event-dedupe'))).toEqual([
      'stripe-webhooks:2@1', 'mixed:2@1', 'fpx-direct-ac:2@1',
      'stripe-webhooks:2@2', 'mixed:2@2', 'fpx-direct-ac:2@2',
    ]);
    expect(plan(mutant('src/payments.ts', 'fpx-ac-dedupe'))).toEqual([
      'fpx-direct-ac:2@1', 'mixed:2@1', 'stripe-webhooks:2@1',
      'fpx-direct-ac:2@2', 'mixed:2@2', 'stripe-webhooks:2@2',
    ]);
  });

  it("also aims by the words of a scenario's name", () => {
    const upstreamPsp = defineScenario({ name: 'upstream-psp', tapes: ['u.jsonl'], faults: [] });
    const aimed = suitePlan({ scenarios: [stripe, upstreamPsp], runs: 1, rounds: 1, seed: 1 }, cost, {
      mutant: mutant('src/upstream.ts', 'upstream-retry-limit'),
      providers: new Map([...providers, ['upstream-psp', new Set(['merchant-client'])]]),
    });
    expect(aimed.map(row)).toEqual(['upstream-psp:1@1', 'stripe-webhooks:1@1']);
  });

  it('keeps the cost order when no name matches', () => {
    expect(plan(mutant('src/ledger.ts', 'balance-lock'))).toEqual(suitePlan({ scenarios: [stripe, fpx, mixed], runs: 4, rounds: 2, seed: 1 }, cost).map(row));
  });
});
