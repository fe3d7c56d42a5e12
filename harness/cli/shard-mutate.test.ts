/**
 * `gate --mutate --shard i/n` end to end: each shard runs its share of the scenarios, then the
 * unmutated target and its share of the mutants; merge-reports puts the matrix back together
 * (every mutant once, the unmutated run once) and exits as the unsharded gate would. Two marked
 * guards in a tiny service, one scenario, two shards: shard 2 gets no scenario yet still runs its
 * mutant, since the merged scenarios pass.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeMutationProject, MUTABLE_SERVER as SERVER, runCli } from './testdata/project.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
// Inside the repository so the service copy finds node_modules (pg) the way a user's would.
const base = join(repo, '.idemgate-tmp');
let dir: string;
beforeAll(() => {
  mkdirSync(base, { recursive: true });
  dir = mkdtempSync(join(base, 'shard-mutate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const idemgate = runCli;


describe('gate --mutate --shard i/n and merge-reports (CLI)', () => {
  it('2 shards merged: every mutant once, killed, the unmutated run once, exit 0', { timeout: 300_000 }, async () => {
    makeMutationProject(dir, SERVER);
    const args = ['gate', '--mutate', '--config', join(dir, 'idemgate.config.ts'), '--seed', '3', '--runs', '6', '--pglite'];
    const shards = await Promise.all([1, 2].map((i) => idemgate([...args, '--shard', `${i}/2`, '--reports', join(dir, `shard-${i}`)])));
    expect(shards[0]!.status, shards[0]!.out).toBe(0);
    // Shard 2 got no scenario (NOTHING RAN, exit 2) but ran its share of the mutants.
    expect(shards[1]!.status, shards[1]!.out).toBe(2);
    expect(shards[1]!.out).toMatch(/refund-metadata-edit: killed/);

    const merge = await idemgate(['merge-reports', join(dir, 'shard-1'), join(dir, 'shard-2'), '--reports', join(dir, 'merged')]);
    expect(merge.status, merge.out).toBe(0);
    const matrix = JSON.parse(readFileSync(join(dir, 'merged', 'mutation.json'), 'utf8')) as {
      clean: { status: string; schedules: number };
      mutants: { id: string; status: string }[];
      shard?: unknown;
    };
    expect(matrix.mutants.map((m) => [m.id, m.status])).toEqual([
      ['event-dedupe', 'killed'],
      ['refund-metadata-edit', 'killed'],
    ]);
    const shardClean = JSON.parse(readFileSync(join(dir, 'shard-1', 'mutation.json'), 'utf8')) as { clean: { schedules: number } };
    expect(matrix.clean).toMatchObject({ status: 'passed', schedules: shardClean.clean.schedules });
    expect(matrix.shard).toBeUndefined();
    expect(readFileSync(join(dir, 'merged', 'mutation.md'), 'utf8')).toContain('mutants: 2, killed 2 (100%)');
    const results = JSON.parse(readFileSync(join(dir, 'merged', 'results.json'), 'utf8')) as { summary: { verdict: string } };
    expect(results.summary.verdict).toBe('passed');
  });
});
