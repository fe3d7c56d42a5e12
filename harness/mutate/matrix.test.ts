import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import config from '../../idemgate.config.ts';
import { concurrentDuplicates, reorderWithin, sequentialDuplicates } from '../faults/index.ts';
import { defineScenario } from '../runner/scenario.ts';
import { formatMatrix, writeMatrixReports } from './report.ts';
import { matrixExitCode } from './result.ts';
import { runMatrix } from './run.ts';

/*
 * The matrix against the reference merchant service (started as a child process from a temp
 * copy, one PGlite per mutant). The scenarios are the suite's Stripe and Shopee scenarios with
 * fewer runs; they are declared here so importing them does not register their own tests.
 */
const rootDir = resolve(import.meta.dirname, '../..');
const faults = [sequentialDuplicates({ maxGap: 4 }), concurrentDuplicates({ maxWidth: 4 }), reorderWithin({ window: 6 })];
// Every exchange in every schedule (no entity subsets): with few runs, each duplicate then lands on a real effect more often.
const whole = { faults, runs: 15, subsetEntities: false };
const stripe = defineScenario({ name: 'stripe-webhooks', tapes: ['fixtures/tapes/stripe.jsonl'], ...whole });
const shopee = defineScenario({ name: 'shopee-push', tapes: ['fixtures/tapes/shopee.jsonl'], ...whole });

const reports = await mkdtemp(join(tmpdir(), 'idemgate-matrix-test-'));
afterAll(() => rm(reports, { recursive: true, force: true }));

describe('mutation matrix on the reference service', () => {
  it('kills the marked dedupe and monotonic guards with the invariant each one protects', async () => {
    const result = await runMatrix({
      config,
      rootDir,
      scenarios: [stripe, shopee],
      operators: ['marked'],
      only: ['stripe-event-dedupe', 'shopee-push-dedupe', 'stripe-status-monotonic'],
      runs: 15,
      seed: 1,
      databaseUrl: null,
      timeoutMs: 60_000,
    });

    expect(result.clean.status).toBe('passed');
    const byId = new Map(result.mutants.map((m) => [m.id, m]));
    expect([...byId.keys()].sort()).toEqual(['shopee-push-dedupe', 'stripe-event-dedupe', 'stripe-status-monotonic']);
    for (const m of result.mutants) {
      expect(m.status, `${m.id}: ${m.error ?? ''}`).toBe('killed');
      expect(m.shrunkLength).toBeGreaterThan(0);
    }
    expect(byId.get('stripe-event-dedupe')).toMatchObject({ scenario: 'stripe-webhooks', file: 'src/handlers/stripe.ts' });
    expect(byId.get('stripe-event-dedupe')!.invariants).toContain('exactly-once-effect');
    expect(byId.get('shopee-push-dedupe')).toMatchObject({ scenario: 'shopee-push', file: 'src/handlers/shopee.ts' });
    expect(byId.get('shopee-push-dedupe')!.invariants).toContain('exactly-once-effect');
    expect(byId.get('stripe-status-monotonic')!.invariants).toContain('final-status');
    expect(matrixExitCode(result)).toBe(0);

    const written = await writeMatrixReports(reports, result);
    const json = JSON.parse(readFileSync(written.json, 'utf8')) as { format: string; mutants: { id: string; status: string }[] };
    expect(json.format).toBe('idemgate-mutation');
    expect(json.mutants.map((m) => m.status)).toEqual(['killed', 'killed', 'killed']);
    expect(readFileSync(written.markdown, 'utf8')).toMatch(/\| `stripe-status-monotonic` \| marked \| src\/handlers\/stripe\.ts:\d+ \| killed \| .*final-status/);
    expect(formatMatrix(result)).toMatch(/mutants: 3, killed 3 \(100%\)/);
  });

  it('refuses a mutation.ignore entry that names no mutant, before running anything', async () => {
    const stale = { ...config, mutation: { ...config.mutation!, ignore: { 'no-such-guard': 'renamed long ago' } } };
    await expect(runMatrix({ config: stale, rootDir, scenarios: [stripe], operators: ['marked'], runs: 1, databaseUrl: null })).rejects.toThrow(
      /mutation\.ignore names no mutant: no-such-guard/,
    );
  });

  it('reports a survivor and exits 1 when no scenario exercises the guard', async () => {
    const result = await runMatrix({
      config,
      rootDir,
      scenarios: [defineScenario({ name: 'stripe-only', tapes: ['fixtures/tapes/stripe.jsonl'], faults, runs: 5 })],
      operators: ['marked'],
      only: ['shopee-push-dedupe'],
      runs: 5,
      databaseUrl: null,
    });

    expect(result.clean.status).toBe('passed');
    expect(result.mutants).toMatchObject([{ id: 'shopee-push-dedupe', status: 'survived' }]);
    expect(matrixExitCode(result)).toBe(1);
    expect(formatMatrix(result)).toContain('no scenario protects guard shopee-push-dedupe');
  });
});
