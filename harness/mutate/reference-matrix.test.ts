/*
 * The guard-mutation matrix against the reference merchant service, as CI runs it: the real CLI
 * (`idemgate mutate`, marked guards, every scenario in scenarios/), each mutant in its own copy
 * started as a child process with its own database (PostgreSQL when DATABASE_URL is set, else
 * PGlite), two at a time. Fails if the unmutated service fails or any guard survives. Runs are
 * bounded by work (vitest.config.ts runs this file alone, after the rest of the suite); with the
 * crash-restart scenario (5.5 s of downtime per crash) it took 792 s on 2 cores shared with
 * another matrix run.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import config from '../../idemgate.config.ts';
import { CI_MATRIX_ARGS, runMutateCli } from './_testing/mutate-cli.ts';
import type { MatrixResult } from './result.ts';


const reports = await mkdtemp(join(tmpdir(), 'idemgate-reference-matrix-'));
afterAll(() => rm(reports, { recursive: true, force: true }));

describe('guard-mutation matrix on the reference service', () => {
  it('kills every marked guard with the scenarios, and the unmutated service passes', async () => {
    // The reference service logs failed upstream calls on stderr during the upstream scenarios.
    const { code, out } = await runMutateCli([...CI_MATRIX_ARGS, '--reports', reports], (l) => l.startsWith('merchant-service:'));
    const table = out.indexOf('guard / mutant');
    console.log(table === -1 ? out : out.slice(table));
    const result = JSON.parse(await readFile(join(reports, 'mutation.json'), 'utf8')) as MatrixResult;

    expect(result.clean.status, out).toBe('passed');
    const notKilled = result.mutants.filter((m) => m.status !== 'killed' && m.status !== 'ignored');
    expect(notKilled.map((m) => `${m.id}: ${m.status}`), out).toEqual([]);
    expect(code, out).toBe(0);
    // Only what the config ignores (with its reason) is left out, and the catalogue is real.
    const ignored = result.mutants.filter((m) => m.status === 'ignored').map((m) => m.id);
    expect(ignored.sort()).toEqual(Object.keys(config.mutation?.ignore ?? {}).sort());
    const killed = result.mutants.filter((m) => m.status === 'killed');
    expect(killed.length).toBeGreaterThanOrEqual(12);
    for (const m of killed) expect(m.invariants?.length, m.id).toBeGreaterThan(0);
    const files = new Set(killed.map((m) => m.file));
    for (const handler of ['src/handlers/stripe.ts', 'src/handlers/fpx.ts', 'src/handlers/shopee.ts']) expect(files).toContain(handler);
    // The matrix is bounded by work (10 runs per scenario, 2 rounds, a 5 s shrink budget); this
    // timeout only stops a hang, with a wide margin over the slowest run seen (436 s on 2 busy cores).
  }, 1_500_000);
});
