/**
 * The billplz-callbacks scenario finds what the reference service's Billplz guards protect
 * against: each guard region is deleted in a temporary copy of the service, the copy runs as a
 * child process, and the scenario must fail naming the right invariant. With every guard in place
 * it passes.
 */
import { describe, expect, it } from 'vitest';
import config from '../../../idemgate.config.ts';
import { billplzCallbacks } from '../../../scenarios/billplz-callbacks.scenario.ts';
import { brokenInvariants, runWithoutGuard } from '../../mutate/without-guard.ts';

const rootDir = new URL('../../..', import.meta.url).pathname;
const run = (guard: string | undefined, runs: number) =>
  runWithoutGuard({ config, rootDir, guard, scenario: billplzCallbacks, runs, seed: 9, databaseUrl: null });

describe('billplz-callbacks against the reference service as a child process', () => {
  it('passes with every guard in place', async () => {
    const result = await run(undefined, 8);
    expect(result.status, JSON.stringify(result.status === 'failed' ? result.counterexample.violations.slice(0, 3) : result)).toBe('passed');
  }, 90_000);

  it.each([
    ['billplz-bill-dedupe', 'exactly-once-effect'],
    ['billplz-status-monotonic', 'final-status'],
  ])('fails when %s is deleted, naming %s', async (guard, invariant) => {
    const result = await run(guard, 25);
    expect(result.status).toBe('failed');
    expect(brokenInvariants(result)).toContain(invariant);
  }, 120_000);
});
