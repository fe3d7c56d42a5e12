import { describe, expect, it } from 'vitest';
import { isIdemgateError } from '../errors.ts';
import { shardOf } from '../runner/shard.ts';
import { summarise } from '../runner/verdict.ts';
import { erroredResult, failedResult, passedResult, sampleReport, sampleShard } from './_testing/sample-report.ts';
import { renderJson } from './json.ts';
import { mergeRunReports, parseRunReport, type RunReportFile } from './merge.ts';
import type { RunReport, ScenarioResult } from './model.ts';

const ALL: ScenarioResult[] = [passedResult(), failedResult(), erroredResult(), { ...passedResult(), scenario: 'billplz' }];
const NAMES = ALL.map((r) => r.scenario);

/** What shard i of n writes for the four results above (the same runs, cut in parts). */
function shardFile(index: number, count: number, tweak: (r: RunReport) => void = () => {}): RunReportFile {
  const results = shardOf(ALL, { index, count });
  const report: RunReport = {
    ...sampleReport(results),
    startedAt: `2026-11-25T09:1${index}:00.000+08:00`,
    finishedAt: `2026-11-25T09:2${index}:00.000+08:00`,
    summary: summarise(results, 1000 * index),
    shard: sampleShard(index, count, NAMES),
  };
  tweak(report);
  return { source: `shard-${index}/results.json`, report };
}

const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (isIdemgateError(e, 'REPORTS_INVALID')) return e.message;
    throw e;
  }
  throw new Error('expected REPORTS_INVALID');
};

describe('mergeRunReports', () => {
  it('gives the unsharded results in their order, and the summary summarise makes of them', () => {
    const merged = mergeRunReports([shardFile(3, 3), shardFile(1, 3), shardFile(2, 3)]);
    expect(merged.results).toEqual(ALL);
    expect(merged.summary).toEqual(summarise(ALL, 3000));
    expect(merged.summary.verdict).toBe('errored');
    expect(merged.startedAt).toBe('2026-11-25T09:11:00.000+08:00');
    expect(merged.finishedAt).toBe('2026-11-25T09:23:00.000+08:00');
    expect(merged.shard).toBeUndefined();
    expect(merged.merged).toEqual({
      count: 3,
      shards: [
        { index: 1, scenarios: ['stripe-duplicates', 'billplz'], wallMs: 1000 },
        { index: 2, scenarios: ['shopee-fpx-races'], wallMs: 2000 },
        { index: 3, scenarios: ['fpx-holiday-file'], wallMs: 3000 },
      ],
    });
    // What it writes reads back as a valid report.
    expect(parseRunReport(renderJson(merged), 'merged/results.json')).toEqual(merged);
  });

  it('merges a shard that got no scenarios as empty, and a single shard as itself', () => {
    const merged = mergeRunReports([1, 2, 3, 4, 5].map((i) => shardFile(i, 5)));
    expect(merged.results).toEqual(ALL);
    expect(merged.merged?.shards[4]).toEqual({ index: 5, scenarios: [], wallMs: 5000 });
    expect(mergeRunReports([shardFile(1, 1)]).results).toEqual(ALL);
  });

  it('the verdict is the merged one: passed shards and a nothing-ran shard make a pass', () => {
    const passing = [passedResult(), { ...passedResult(), scenario: 'b' }];
    const file = (index: number): RunReportFile => {
      const results = shardOf(passing, { index, count: 3 });
      return { source: `s${index}`, report: { ...sampleReport(results), shard: sampleShard(index, 3, passing.map((r) => r.scenario)) } };
    };
    expect(file(3).report.summary.verdict).toBe('nothing-ran');
    expect(mergeRunReports([file(1), file(2), file(3)]).summary.verdict).toBe('passed');
  });

  it('refuses a report that is not a shard, or is already merged', () => {
    const plain = { source: 'reports/results.json', report: sampleReport() };
    expect(errorOf(() => mergeRunReports([plain]))).toBe(
      'reports/results.json is not a shard\'s results.json (it has no "shard": it was written without --shard i/n)',
    );
    const merged = mergeRunReports([shardFile(1, 1)]);
    expect(errorOf(() => mergeRunReports([{ source: 'm/results.json', report: merged }]))).toContain('m/results.json is already a merged report');
  });

  it('names a missing or doubled shard', () => {
    expect(errorOf(() => mergeRunReports([shardFile(1, 3), shardFile(3, 3)]))).toMatch(/^shard 2\/3 is missing/);
    expect(errorOf(() => mergeRunReports([shardFile(1, 2), shardFile(2, 2), { ...shardFile(2, 2), source: 'again/results.json' }]))).toBe(
      'shard 2/2 appears twice: shard-2/results.json and again/results.json',
    );
  });

  it.each([
    ['seed', (r: RunReport) => (r.shard!.seed = 7), /has seed 7, but shard-1\/results\.json \(shard 1\/2\) has 42/],
    ['runs', (r: RunReport) => (r.shard!.runs = 5), /has runs 5/],
    ['command', (r: RunReport) => (r.shard!.command = 'run'), /has command "run"/],
    ['selection', (r: RunReport) => (r.shard!.scenarios = ['x']), /has the scenario selection \["x"\]/],
    ['mutate', (r: RunReport) => (r.shard!.mutate = true), /has --mutate true/],
    ['database', (r: RunReport) => (r.database = 'pglite'), /has database "pglite", but .* has "postgres"/],
    ['suite hash', (r: RunReport) => (r.shard!.suiteHash = 'b'.repeat(64)), /has suite hash \(config file, scenarios, runs, tapes and seed\)/],
    ['commit', (r: RunReport) => (r.shard!.commit = null), /has git commit null/],
  ])('refuses shards of different runs: %s', (_, tweak, message) => {
    const e = errorOf(() => mergeRunReports([shardFile(1, 2), shardFile(2, 2, tweak)]));
    expect(e).toMatch(message);
    expect(e).toMatch(/^shard-2\/results\.json \(shard 2\/2\) has .*: these are not shards of one run$/);
  });

  it('refuses a shard that holds other scenarios than its share', () => {
    const e = errorOf(() => mergeRunReports([shardFile(1, 2), shardFile(2, 2, (r) => (r.results = [passedResult()]))]));
    expect(e).toBe(
      "shard-2/results.json (shard 2/2) holds scenarios stripe-duplicates, but that shard's share of the selection is shopee-fpx-races, billplz",
    );
  });
});

describe('parseRunReport', () => {
  it('names the file and the first bad field', () => {
    expect(() => parseRunReport('{', 'a/results.json')).toThrow(/^a\/results\.json is not JSON: /);
    const bad = JSON.parse(renderJson(shardFile(1, 2).report)) as { shard: { index: number } };
    bad.shard.index = 0;
    expect(() => parseRunReport(JSON.stringify(bad), 'b/results.json')).toThrow(/^b\/results\.json is not an idemgate results\.json \(version 1\): shard\.index: /);
  });
});
