/**
 * The reconciliation invariants find what the reference service's recon guards protect against:
 * each guard is deleted in a temporary copy of the service, the copy runs as a child process,
 * and the fpx-recon scenario must fail naming the right invariant.
 */
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import config, { childProcess } from '../../idemgate.config.ts';
import { openSession, runScenario } from '../index.ts';
import { loadScenarioTape } from '../runner/run-scenario.ts';
import { fpxRecon } from '../../scenarios/fpx-recon.scenario.ts';

const root = new URL('../..', import.meta.url).pathname;
const made: string[] = [];

/** Deletes every `idemgate-guard: <name>` region under dir (TypeScript and SQL); returns how many. */
async function deleteGuard(dir: string, name: string): Promise<number> {
  let removed = 0;
  const region = new RegExp(`^[ \\t]*(?://|--) idemgate-guard: ${name}\\n[\\s\\S]*?^[ \\t]*(?://|--) idemgate-guard-end[^\\n]*\\n?`, 'gm');
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(ts|sql)$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const text = await readFile(file, 'utf8');
    const next = text.replace(region, () => {
      removed++;
      return '';
    });
    if (next !== text) await writeFile(file, next);
  }
  return removed;
}

/** A copy of the service with `guard` deleted, its parent holding a node_modules link. */
async function mutant(guard: string | undefined): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'idemgate-recon-'));
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
    tapes: [await loadScenarioTape(fpxRecon, root)],
    databaseUrl: null,
  });
  try {
    return await runScenario(session, fpxRecon, { runs, seed: 5 });
  } finally {
    await session.close();
  }
}

afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

describe('fpx-recon against the reference service as a child process', () => {
  it('passes with every guard in place', async () => {
    const result = await runAgainst(await mutant(undefined), 5);
    expect(result.status, JSON.stringify(result.status === 'failed' ? result.counterexample.violations.slice(0, 3) : result)).toBe('passed');
  }, 60_000);

  it.each([
    ['recon-file-dedupe', 'recon-reingest-idempotent'],
    ['recon-shape-detection', 'recon-shape-equivalence'],
    ['myt-date', 'recon-matched-exactly-once'],
  ])('fails when %s is deleted, naming %s', async (guard, invariant) => {
    const result = await runAgainst(await mutant(guard), 5);
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    const broken = [...new Set(result.counterexample.violations.map((v) => v.invariant))];
    expect(broken).toContain(invariant);
  }, 60_000);
});
