import { parse } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { initCommand } from '../cli/init.ts';
import { parseShard } from '../runner/shard.ts';
import { renderWorkflow } from './render-workflow.ts';

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  name?: string;
  needs?: string;
  if?: string;
  strategy?: { 'fail-fast': boolean; matrix: { shard: number[] } };
  services?: unknown;
  env?: Record<string, unknown>;
  steps: Step[];
}
interface Workflow {
  name: string;
  on: unknown;
  jobs: Record<string, Job>;
}

const runs = (job: Job): string[] => job.steps.flatMap((s) => (s.run === undefined ? [] : [s.run]));
/** `${{ matrix.shard }}` as GitHub would expand it for one matrix entry. */
const expand = (text: string, shard: number): string => text.replaceAll('${{ matrix.shard }}', String(shard));

describe('the workflow init writes', () => {
  it('without --shards: one job runs the whole gate and keeps the reports', () => {
    const wf = parse(renderWorkflow({ buildStep: false })) as Workflow;
    expect(Object.keys(wf.jobs)).toEqual(['idemgate']);
    expect(runs(wf.jobs.idemgate!)).toEqual(['npm ci', 'npx idemgate gate']);
    expect(wf.jobs.idemgate!.steps.at(-1)).toMatchObject({ uses: 'actions/upload-artifact@v4', if: 'always()', with: { path: 'reports/' } });
  });

  it.each([2, 4, 7])('with --shards %i: a matrix job per shard, whose --shard values are exactly 1/n…n/n, and a merge job', (n) => {
    const wf = parse(renderWorkflow({ buildStep: true, shards: n })) as Workflow;
    expect(Object.keys(wf.jobs)).toEqual(['idemgate', 'idemgate-merge']);
    const shard = wf.jobs.idemgate!;
    expect(shard.strategy).toEqual({ 'fail-fast': false, matrix: { shard: Array.from({ length: n }, (_, i) => i + 1) } });
    expect(shard.services).toBeDefined();
    expect(shard.env?.DATABASE_URL).toMatch(/^postgres:\/\//);
    const gate = runs(shard).filter((r) => r.includes('idemgate gate'));
    expect(runs(shard).slice(0, 2)).toEqual(['npm ci', 'npm run build']);
    expect(gate).toHaveLength(1);
    const expanded = shard.strategy!.matrix.shard.map((i) => expand(gate[0]!, i));
    expect(expanded.map((r) => parseShard(/--shard (\S+)/.exec(r)![1]!))).toEqual(shard.strategy!.matrix.shard.map((index) => ({ index, count: n })));
    expect(expanded[0]).toBe(`npx idemgate gate --shard 1/${n} --reports reports`);

    // Each shard uploads its reports under its own name, also when it failed.
    const upload = shard.steps.find((s) => s.uses === 'actions/upload-artifact@v4')!;
    expect(upload.if).toBe('always()');
    const names = shard.strategy!.matrix.shard.map((i) => expand(String(upload.with!.name), i));
    expect(new Set(names).size).toBe(n);
    expect(upload.with!.path).toBe('reports/');

    // The merge job runs after every shard, also when one failed, and merges every shard's artifact.
    const merge = wf.jobs['idemgate-merge']!;
    expect(merge.needs).toBe('idemgate');
    expect(merge.if).toBe('${{ !cancelled() }}');
    const download = merge.steps.find((s) => s.uses === 'actions/download-artifact@v4')!;
    const pattern = new RegExp(`^${String(download.with!.pattern).replace('*', '.*')}$`);
    expect(names.every((name) => pattern.test(name))).toBe(true);
    // download-artifact puts each artifact in <path>/<name>/: the glob passed to merge-reports finds them.
    const command = runs(merge).find((r) => r.includes('merge-reports'))!;
    const glob = /merge-reports (\S+)/.exec(command)![1]!;
    const folder = new RegExp(`^${glob.replace('*', '.*')}$`);
    expect(names.every((name) => folder.test(`${String(download.with!.path).replace(/\/$/, '')}/${name}`))).toBe(true);
    expect(command).toContain('--reports reports');
    expect(merge.steps.at(-1)).toMatchObject({ uses: 'actions/upload-artifact@v4', if: 'always()', with: { name: 'idemgate-reports', path: 'reports/' } });
    expect(runs(merge)).not.toContain('npm run build');
  });

  it('init refuses a --shards that is not a number of runners', async () => {
    const err: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    try {
      for (const bad of ['1', '0', 'four', '2.5']) expect(await initCommand(['--shards', bad])).toBe(2);
    } finally {
      error.mockRestore();
    }
    expect(err[0]).toContain('--shards must be a whole number of runners from 2 to 256, got "1"');
  });
});
