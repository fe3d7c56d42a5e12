/**
 * `--shard i/n` and `merge-reports` end to end, through the real CLI: a gate split into shards
 * and merged gives exactly the verdicts and counts of the unsharded gate with the same seed, and
 * the exit code it would have had; shards that do not belong together exit 2 naming the shard.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { makeProject, runCli, STRIPE_TAPE } from './testdata/project.ts';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { RunReport } from '../report/model.ts';
import { main } from './main.ts';

const repo = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'idemgate-shard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const schema = JSON.parse(readFileSync(join(repo, 'harness/report/schema/results.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

const idemgate = runCli;

/** The CLI in this process (for what fails or ends before a target starts): exit code and everything printed. */
async function inProcess(args: string[]): Promise<{ status: number; out: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    return { status: await main(args), out: lines.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

const results = (reports: string): RunReport => {
  const doc = JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8')) as RunReport;
  expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  return doc;
};

/** Everything about a run that must not depend on how it was split: no times, ports, paths or shard records. */
function verdicts(report: RunReport): unknown {
  const { wallMs: _wallMs, ...summary } = report.summary;
  return {
    database: report.database,
    summary,
    results: report.results.map((r) => {
      const { durationMs: _durationMs, ...same } = r;
      if (same.status !== 'failed') return same;
      const { savedTo: _savedTo, counterexample, ...rest } = same;
      // Drawn, so equal: the draw, the schedule, its steps, which invariants broke and why. Measured
      // or the target's own, so left out: delivery timings, and the ids in evidence rows (the
      // target numbers its rows on from the scenarios it served before in the same session).
      const { deliveries, upstreamCalls: _calls, violations, ...drawn } = counterexample;
      return {
        ...rest,
        counterexample: {
          ...drawn,
          deliveries: deliveries.length,
          violations: violations.map((v) => ({ invariant: v.invariant, message: v.message, evidence: v.evidence.length })),
        },
      };
    }),
  };
}

/** Runs `args` unsharded and as `count` shards side by side, then merges the shards. */
async function splitAndMerge(name: string, args: string[], count: number) {
  const base = join(dir, name, 'whole');
  const shardDirs = Array.from({ length: count }, (_, i) => join(dir, name, `shard-${i + 1}`));
  const merged = join(dir, name, 'merged');
  const [whole, ...shards] = await Promise.all([
    idemgate([...args, '--reports', base]),
    ...shardDirs.map((d, i) => idemgate([...args, '--shard', `${i + 1}/${count}`, '--reports', d])),
  ]);
  const merge = await idemgate(['merge-reports', ...[...shardDirs].reverse(), '--reports', merged]);
  return { base, shardDirs, merged, whole: whole!, shards, merge };
}

describe('gate --shard i/n and merge-reports (CLI)', () => {
  it('4 shards of two scenarios, merged, give the unsharded verdicts and counts; the empty shards are not green', { timeout: 300_000 }, async () => {
    const scenarios = ['stripe-webhooks', 'fpx-indirect-ac'].flatMap((s) => ['--scenario', s]);
    const run = await splitAndMerge('reference', ['gate', ...scenarios, '--runs', '3', '--seed', '5', '--pglite'], 4);
    expect(run.whole.status, run.whole.out).toBe(0);
    // Two shards got one scenario each; the other two got none and say so, exiting 2.
    expect(run.shards.map((s) => s.status), run.shards.map((s) => s.out).join('\n')).toEqual([0, 0, 2, 2]);
    expect(run.shards[3]!.out).toContain('shard 4/4 gets none of the 2 scenario(s)');
    const empty = results(run.shardDirs[3]!);
    expect(empty.summary.verdict).toBe('nothing-ran');
    expect(readFileSync(join(run.shardDirs[3]!, 'summary.md'), 'utf8')).toContain('shard 4/4 ran nothing');
    for (const [i, d] of run.shardDirs.entries()) expect(results(d).shard).toMatchObject({ index: i + 1, count: 4, seed: 5, runs: 3 });

    expect(run.merge.status, run.merge.out).toBe(run.whole.status);
    const whole = results(run.base);
    const merged = results(run.merged);
    expect(verdicts(merged)).toEqual(verdicts(whole));
    expect(merged.summary.verdict).toBe('passed');
    expect(merged.results.map((r) => r.scenario)).toEqual(['fpx-indirect-ac', 'stripe-webhooks']);
    expect(merged.merged?.shards.map((s) => s.scenarios)).toEqual([['fpx-indirect-ac'], ['stripe-webhooks'], [], []]);
    const junit = readFileSync(join(run.merged, 'junit.xml'), 'utf8');
    expect(junit.match(/<testsuite /g)).toHaveLength(2);
    expect(junit.match(/<testcase /g)?.length).toBe(readFileSync(join(run.base, 'junit.xml'), 'utf8').match(/<testcase /g)?.length);
    expect(readFileSync(join(run.merged, 'summary.md'), 'utf8')).toMatch(/^## idemgate: ✅ PASSED[\s\S]*merged from 4 shards/);
    expect(readFileSync(join(run.merged, 'index.html'), 'utf8')).toContain('merged from 4 shards');

    // Shards that do not belong together: one missing, one of another run.
    const missing = await inProcess(['merge-reports', run.shardDirs[0]!, run.shardDirs[1]!, run.shardDirs[3]!, '--reports', join(dir, 'nope')]);
    expect(missing.status).toBe(2);
    expect(missing.out).toContain('shard 3/4 is missing');
    const foreign = results(run.shardDirs[2]!);
    foreign.shard!.seed = 6;
    const other = join(dir, 'reference', 'other-seed');
    mkdirSync(other);
    writeFileSync(join(other, 'results.json'), JSON.stringify(foreign));
    const mixed = await inProcess(['merge-reports', run.shardDirs[0]!, run.shardDirs[1]!, other, run.shardDirs[3]!, '--reports', join(dir, 'nope')]);
    expect(mixed.status).toBe(2);
    expect(mixed.out).toMatch(/other-seed\/results\.json \(shard 3\/4\) has seed 6, but .*shard-1\/results\.json \(shard 1\/4\) has 5/);
    const unsharded = await inProcess(['merge-reports', run.base, '--reports', join(dir, 'nope')]);
    expect(unsharded.status).toBe(2);
    expect(unsharded.out).toContain('is not a shard\'s results.json');
  });

  it('a failing gate --mutate split in 2 merges to the same failure, shrunk schedule and exit 1, without a matrix', { timeout: 300_000 }, async () => {
    const project = join(dir, 'naive');
    const tape = JSON.stringify(STRIPE_TAPE);
    makeProject(project, {
      target: "{ kind: 'in-process', start: ({ database }) => startNaive(database) }",
      scenarios: `import { defineScenario, sequentialDuplicates } from ${JSON.stringify(join(repo, 'harness/index.ts'))};
export const clean = defineScenario({ name: 'naive-clean', tapes: [${tape}], faults: [], runs: 5 });
export const dupes = defineScenario({ name: 'naive-dupes', tapes: [${tape}], faults: [sequentialDuplicates({ maxGap: 2 })], runs: 20 });
`,
    });
    // A mutation.json left in shard 1's folder from an earlier run: it must never stand in for the
    // matrix this run could not make (this config has no mutation section).
    const stale = join(dir, 'naive', 'shard-1', 'mutation.json');
    mkdirSync(join(dir, 'naive', 'shard-1'), { recursive: true });
    writeFileSync(stale, '{"format":"idemgate-mutation"}');
    const run = await splitAndMerge('naive', ['gate', '--mutate', '--config', join(project, 'idemgate.config.ts'), '--seed', '7', '--pglite'], 2);
    // Unsharded, the scenarios fail, so the mutants never run: exit 1.
    expect(run.whole.status, run.whole.out).toBe(1);
    // Shard 1's scenario passes, so it goes on to the matrix, which cannot run here (exit 2);
    // shard 2's fails (exit 1). The merge decides as unsharded: exit 1, no matrix.
    expect(run.shards.map((s) => s.status), run.shards.map((s) => s.out).join('\n')).toEqual([2, 1]);
    expect(run.shards[0]!.out).toContain('needs a `mutation` section');
    expect(existsSync(stale)).toBe(false);
    expect(run.merge.status, run.merge.out).toBe(1);
    expect(run.merge.out).toContain('broken invariant: exactly-once-effect');
    expect(run.merge.out).toContain('the mutation matrix is not merged, since the scenarios did not all pass');
    expect(existsSync(join(run.merged, 'mutation.json'))).toBe(false);
    const whole = results(run.base);
    const merged = results(run.merged);
    expect(merged.results.map((r) => [r.scenario, r.status])).toEqual([
      ['naive-clean', 'passed'],
      ['naive-dupes', 'failed'],
    ]);
    expect(verdicts(merged)).toEqual(verdicts(whole));
    // The shrunk schedule is copied beside the merged reports.
    const failed = merged.results[1]!;
    expect(failed.status === 'failed' && failed.savedTo).toMatch(/merged\/failures\/naive-dupes\.json$/);
    expect(JSON.parse(readFileSync(join(run.merged, 'failures', 'naive-dupes.json'), 'utf8'))).toMatchObject({ scenario: 'naive-dupes', seed: 7 });

  });

  it('--shard is validated before anything runs, and mutants split as scenarios do', async () => {
    for (const bad of ['0/4', '5/4', '1/0', 'two', '1/4/2']) {
      const r = await inProcess(['gate', '--shard', bad]);
      expect(r.status, bad).toBe(2);
      expect(r.out).toContain(`--shard must be i/n with 1 ≤ i ≤ n, e.g. --shard 1/4 for the first of four; got "${bad}"`);
    }
    expect((await inProcess(['mutate', '--shard', '3/2'])).out).toContain('got "3/2"');
    expect((await inProcess(['run', '--shard', '1/2', '--seed', '1', '--path', '1:0'])).out).toContain('--path replays one schedule of one scenario');
    expect((await inProcess(['gate', '--shard', '1/2', '--signoff'])).out).toContain('--signoff with --shard needs --seed');
    expect((await inProcess(['merge-reports'])).status).toBe(2);
    expect((await inProcess(['merge-reports', join(dir, 'no-such-folder')])).out).toContain('no-such-folder is not a folder');

    const config = join(repo, 'idemgate.config.ts');
    const ids = async (args: string[]): Promise<string[]> =>
      (await inProcess(['mutate', '--list', '--operators', 'marked', '--config', config, ...args])).out.trim().split('\n').map((l) => l.split(/\s+/)[0]!);
    const all = await ids([]);
    const parts = [await ids(['--shard', '1/3']), await ids(['--shard', '2/3']), await ids(['--shard', '3/3'])];
    expect(all.length).toBeGreaterThan(3);
    expect(parts.map((p) => p.length)).toEqual([0, 1, 2].map((i) => Math.ceil((all.length - i) / 3)));
    expect(parts.flat().sort()).toEqual([...all].sort());
    expect(parts[0]).toEqual(all.filter((_, k) => k % 3 === 0));
  });
});
