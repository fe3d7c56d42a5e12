/**
 * Guards that used to survive the matrix because no fixture tape held the traffic that reaches
 * them. The tapes now carry it, as the providers send it: a refund.updated "succeeded" after a
 * refund.created "succeeded" for the same refund (a metadata change), and a second COMPLETED push
 * with a later update_time (a Shopee re-sync). Each guard is deleted in a temporary copy of the
 * reference service (run as a child process) and the scenario must fail naming the invariant that
 * protects it; with every guard in place it passes.
 */
import { describe, expect, it } from 'vitest';
import config from '../../idemgate.config.ts';
import { defineScenario, deliveryFaults } from '../index.ts';
import type { Scenario } from '../runner/scenario.ts';
import { brokenInvariants, runWithoutGuard } from './without-guard.ts';

const rootDir = new URL('../..', import.meta.url).pathname;
// The suite's Stripe and Shopee scenarios, declared here so importing them does not register their
// tests; every exchange in every schedule, so a few runs are reliable.
const stripe = defineScenario({
  name: 'stripe-webhooks',
  tapes: ['fixtures/tapes/stripe.jsonl'],
  faults: deliveryFaults(),
  runs: 10,
  subsetEntities: false,
});
const shopee = defineScenario({
  name: 'shopee-push',
  tapes: ['fixtures/tapes/shopee.jsonl'],
  faults: deliveryFaults(),
  runs: 10,
  subsetEntities: false,
});

const run = (scenario: Scenario, guard: string | undefined, runs: number) =>
  runWithoutGuard({ config, rootDir, guard, scenario, runs, seed: 11, databaseUrl: null });
const violations = (result: Awaited<ReturnType<typeof run>>) =>
  JSON.stringify(result.status === 'failed' ? result.counterexample.violations.slice(0, 3) : result.status);

describe('guards reached only by repeated "succeeded" / COMPLETED traffic', () => {
  it.each([
    ['stripe-webhooks', stripe],
    ['shopee-push', shopee],
  ] as const)('%s passes with every guard in place', async (_name, scenario) => {
    const result = await run(scenario, undefined, 6);
    expect(result.status, violations(result)).toBe('passed');
  }, 60_000);

  it.each([
    ['refund-succeeded-once', stripe],
    ['refund-unique', stripe],
    ['shopee-escrow-once', shopee],
  ] as const)('fails when %s is deleted, naming exactly-once-effect', async (guard, scenario) => {
    const result = await run(scenario, guard, 10);
    expect(result.status, violations(result)).toBe('failed');
    expect(brokenInvariants(result)).toContain('exactly-once-effect');
  }, 60_000);
});
