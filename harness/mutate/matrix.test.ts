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
 * runMatrix's own paths against the reference merchant service (a child process from a temp copy,
 * one PGlite per mutant): a survivor, and a stale ignore entry. The whole matrix, every guard
 * killed, is reference-matrix.test.ts (the CLI, all scenarios).
 */
const rootDir = resolve(import.meta.dirname, '../..');
const faults = [sequentialDuplicates({ maxGap: 4 }), concurrentDuplicates({ maxWidth: 4 }), reorderWithin({ window: 6 })];
// Every exchange in every schedule (no entity subsets): with few runs, each duplicate then lands on a real effect more often.
const stripe = defineScenario({ name: 'stripe-webhooks', tapes: ['fixtures/tapes/stripe.jsonl'], faults, runs: 15, subsetEntities: false });

const reports = await mkdtemp(join(tmpdir(), 'idemgate-matrix-test-'));
afterAll(() => rm(reports, { recursive: true, force: true }));

describe('mutation matrix on the reference service', () => {
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
      concurrency: 2,
      databaseUrl: null,
    });

    expect(result.clean.status).toBe('passed');
    // The clean run's plan (3 rounds of the one scenario) is shared by two copies, every round run
    // once (each round adds its clean replay to the 5 faulted schedules).
    expect(result.clean).toMatchObject({ copies: 2, schedules: 5 + 3 });
    expect(result.mutants).toMatchObject([{ id: 'shopee-push-dedupe', status: 'survived' }]);
    expect(matrixExitCode(result)).toBe(1);
    expect(formatMatrix(result)).toContain('no scenario protects guard shopee-push-dedupe');

    const written = await writeMatrixReports(reports, result);
    const json = JSON.parse(readFileSync(written.json, 'utf8')) as { format: string; mutants: { id: string; status: string }[] };
    expect(json.format).toBe('idemgate-mutation');
    expect(json.mutants).toMatchObject([{ id: 'shopee-push-dedupe', status: 'survived' }]);
    expect(readFileSync(written.markdown, 'utf8')).toMatch(/\| `shopee-push-dedupe` \| marked \| src\/handlers\/shopee\.ts:\d+ \| SURVIVED \|/);
  });
});
