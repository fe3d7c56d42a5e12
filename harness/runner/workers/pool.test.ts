/**
 * Schedules explored by worker threads (each its own in-process target and PGlite) give the
 * verdict and the shrunk counterexample the sequential run gives for the same seed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject } from '../../cli/testdata/project.ts';
import { loadConfig, loadScenarios } from '../load.ts';
import { loadScenarioTape, runScenario } from '../run-scenario.ts';
import type { Scenario } from '../scenario.ts';
import { openSession, type Session } from '../session.ts';
import { openWorkerPool, type WorkerPool } from './pool.ts';

const dir = mkdtempSync(join(tmpdir(), 'idemgate-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function project(name: string, opts: { faults?: string }): Promise<{ session: Session; scenario: Scenario; pool: WorkerPool }> {
  const file = makeProject(join(dir, name), { target: "{ kind: 'in-process', start: ({ database }) => startNaive(database) }", ...opts });
  const { config, rootDir } = await loadConfig(file, 'native');
  const [scenario] = await loadScenarios(join(rootDir, 'scenarios'), 'native');
  const session = await openSession({ config, rootDir, tapes: [await loadScenarioTape(scenario!, rootDir)], databaseUrl: null });
  const pool = await openWorkerPool({ configFile: file, scenarios: [scenario!.name], databaseUrl: null, size: 1 }).catch(async (e: unknown) => {
    await session.close();
    throw e;
  });
  return { session, scenario: scenario!, pool };
}

describe('schedule workers', () => {
  let broken: Awaited<ReturnType<typeof project>>;
  let clean: Awaited<ReturnType<typeof project>>;
  beforeAll(async () => {
    [broken, clean] = await Promise.all([project('broken', {}), project('clean', { faults: '[]' })]);
  });
  afterAll(async () => {
    for (const p of [broken, clean]) await Promise.all([p?.pool.close(), p?.session.close()]);
  });

  it('a target without guards fails with the same shrunk counterexample and replay path as the sequential run', async () => {
    const options = { runs: 20, seed: 99 };
    const sequential = await runScenario(broken.session, broken.scenario, options);
    const parallel = await runScenario(broken.session, broken.scenario, { ...options, workers: broken.pool });

    expect(sequential.status).toBe('failed');
    expect(parallel.status).toBe('failed');
    if (sequential.status !== 'failed' || parallel.status !== 'failed') return;
    expect(parallel.path).toBe(sequential.path);
    expect(parallel.counterexample.draw).toEqual(sequential.counterexample.draw);
    expect(parallel.counterexample.violations.map((v) => v.invariant)).toEqual(sequential.counterexample.violations.map((v) => v.invariant));
    expect(parallel.replayCommand).toBe(sequential.replayCommand);
  });

  it('a passing scenario runs every schedule once, spread over the main session and the worker', async () => {
    let onWorker = 0;
    const counting: WorkerPool = { ...clean.pool, execute: (...args) => (onWorker++, clean.pool.execute(...args)) };
    const result = await runScenario(clean.session, clean.scenario, { runs: 12, seed: 5, workers: counting });
    expect(result.status).toBe('passed');
    // The clean replay, then each of the 12 draws exactly once, some of them on the worker.
    expect(result.schedules).toBe(13);
    expect(onWorker).toBeGreaterThan(0);
    expect(onWorker).toBeLessThan(12);
  });

  it('a worker whose config cannot load fails to start with its reason', async () => {
    await expect(openWorkerPool({ configFile: join(dir, 'missing', 'idemgate.config.ts'), scenarios: ['x'], size: 1 })).rejects.toThrow(
      /schedule worker 1: config file .* does not exist/,
    );
  });
});
