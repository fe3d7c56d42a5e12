import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleReport } from './_testing/sample-report.ts';
import { githubOptionsFromEnv, writeReports } from './write.ts';

const schema = JSON.parse(await readFile(new URL('./schema/results.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idemgate-reports-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeReports', () => {
  it('writes the four reports and says how long it took', async () => {
    const { files, ms } = await writeReports(join(dir, 'reports'), sampleReport());
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['reports/junit.xml', 'reports/results.json', 'reports/summary.md', 'reports/index.html']);
    expect(ms).toBeGreaterThan(0);
    for (const f of files) expect((await readFile(f, 'utf8')).length).toBeGreaterThan(100);
  });

  it('results.json is the run report, valid against its checked-in schema', async () => {
    const report = sampleReport();
    await writeReports(dir, report);
    const json = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as unknown;
    const ok = validate(json);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(json).toEqual(report);
  });

  it('the schema rejects what is not a version-1 report', () => {
    const report = JSON.parse(JSON.stringify(sampleReport())) as Record<string, unknown> & { results: Record<string, unknown>[] };
    expect(validate({ ...report, version: 2 })).toBe(false);
    const failed = report.results[1]!;
    expect(validate({ ...report, results: [{ ...failed, counterexample: undefined }] })).toBe(false);
    expect(validate({ ...report, results: [{ ...failed, status: 'passed' }] })).toBe(false);
    expect(validate({ ...report, results: [{ ...failed, surprise: true }] })).toBe(false);
    expect(validate({ ...report, startedAt: 'yesterday' })).toBe(false);
  });

  it('appends summary.md to the GitHub step summary and prints annotations when asked', async () => {
    const stepSummaryFile = join(dir, 'step-summary.md');
    await writeFile(stepSummaryFile, '# earlier step\n', 'utf8');
    const printed: string[] = [];
    const { files } = await writeReports(join(dir, 'r'), sampleReport(), { github: { stepSummaryFile, annotations: true, print: (l) => printed.push(l) } });
    const summary = await readFile(stepSummaryFile, 'utf8');
    expect(summary.startsWith('# earlier step\n## idemgate: ')).toBe(true);
    expect(summary).toContain(await readFile(join(dir, 'r', 'summary.md'), 'utf8'));
    expect(files).toContain(stepSummaryFile);
    expect(printed).toHaveLength(3);
    expect(printed.every((l) => l.startsWith('::error title=idemgate%3A '))).toBe(true);
  });

  it('prints nothing without GitHub options', async () => {
    const printed: string[] = [];
    await writeReports(dir, sampleReport(), { github: { annotations: false, print: (l) => printed.push(l) } });
    expect(printed).toEqual([]);
  });
});

describe('githubOptionsFromEnv', () => {
  it('annotates only under GitHub Actions and finds the step summary', () => {
    expect(githubOptionsFromEnv({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/tmp/s.md' })).toEqual({ annotations: true, stepSummaryFile: '/tmp/s.md' });
    expect(githubOptionsFromEnv({ CI: 'true' })).toEqual({ annotations: false });
  });
});
