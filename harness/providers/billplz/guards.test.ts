/**
 * The billplz-callbacks scenario finds what the reference service's Billplz guards protect
 * against: each guard region is deleted (with the mutation tool's own region finder) in a
 * temporary copy of the service, the copy runs as a child process, and the scenario must fail
 * naming the right invariant. With every guard in place it passes.
 */
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import config, { childProcess } from '../../../idemgate.config.ts';
import { billplzCallbacks } from '../../../scenarios/billplz-callbacks.scenario.ts';
import { deleteRegions, findRegions } from '../../mutate/regions.ts';
import { openSession, runScenario } from '../../index.ts';
import { loadScenarioTape } from '../../runner/run-scenario.ts';

const root = new URL('../../..', import.meta.url).pathname;
const made: string[] = [];

/** Deletes every region named `guard` under dir (TypeScript and SQL); returns how many. */
async function deleteGuard(dir: string, guard: string): Promise<number> {
  let removed = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(ts|sql)$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const text = await readFile(file, 'utf8');
    const regions = findRegions(text, relative(dir, file)).filter((r) => r.name === guard);
    if (regions.length === 0) continue;
    await writeFile(file, deleteRegions(text, regions));
    removed += regions.length;
  }
  return removed;
}

/** A copy of the service with `guard` deleted, its parent holding a node_modules link. */
async function mutant(guard: string | undefined): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'idemgate-billplz-'));
  made.push(parent);
  await symlink(join(root, 'node_modules'), join(parent, 'node_modules'));
  const dir = join(parent, 'merchant-service');
  await cp(join(root, 'fixtures/merchant-service'), dir, { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
  if (guard !== undefined) expect(await deleteGuard(dir, guard)).toBeGreaterThan(0);
  return dir;
}

async function runAgainst(dir: string, runs: number) {
  const session = await openSession({
    config: { ...config, target: { ...config.target, start: childProcess(dir) }, database: { ...config.database, migrate: undefined } },
    rootDir: root,
    tapes: [await loadScenarioTape(billplzCallbacks, root)],
    databaseUrl: null,
  });
  try {
    return await runScenario(session, billplzCallbacks, { runs, seed: 9 });
  } finally {
    await session.close();
  }
}

afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

describe('billplz-callbacks against the reference service as a child process', () => {
  it('passes with every guard in place', async () => {
    const result = await runAgainst(await mutant(undefined), 8);
    expect(result.status, JSON.stringify(result.status === 'failed' ? result.counterexample.violations.slice(0, 3) : result)).toBe('passed');
  }, 90_000);

  it.each([
    ['billplz-bill-dedupe', 'exactly-once-effect'],
    ['billplz-status-monotonic', 'final-status'],
  ])('fails when %s is deleted, naming %s', async (guard, invariant) => {
    const result = await runAgainst(await mutant(guard), 25);
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    const broken = [...new Set(result.counterexample.violations.map((v) => v.invariant))];
    expect(broken).toContain(invariant);
  }, 120_000);
});
