/**
 * The reconciliation invariants find what the reference service's recon guards protect against:
 * each guard is deleted in a temporary copy of the service, the copy runs as a child process,
 * and the fpx-recon scenario must fail naming the right invariant.
 */
import { describe, expect, it } from 'vitest';
import config from '../../idemgate.config.ts';
import { brokenInvariants, runWithoutGuard } from '../mutate/without-guard.ts';
import { fpxRecon } from '../../scenarios/fpx-recon.scenario.ts';

const rootDir = new URL('../..', import.meta.url).pathname;
const run = (guard: string | undefined) =>
  runWithoutGuard({ config, rootDir, guard, scenario: fpxRecon, runs: 5, seed: 5, databaseUrl: null });

describe('fpx-recon against the reference service as a child process', () => {
  it('passes with every guard in place', async () => {
    const result = await run(undefined);
    expect(result.status, JSON.stringify(result.status === 'failed' ? result.counterexample.violations.slice(0, 3) : result)).toBe('passed');
  }, 60_000);

  it.each([
    ['recon-file-dedupe', 'recon-reingest-idempotent'],
    ['recon-shape-detection', 'recon-shape-equivalence'],
    ['myt-date', 'recon-matched-exactly-once'],
  ])('fails when %s is deleted, naming %s', async (guard, invariant) => {
    const result = await run(guard);
    expect(result.status).toBe('failed');
    expect(brokenInvariants(result)).toContain(invariant);
  }, 60_000);
});
