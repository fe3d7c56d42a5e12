/**
 * `--timing`, `--speed`, `--max-gap` and `--exact` through the CLI: what contradicts them exits 2
 * before anything starts (in this process), and one real `run --exact` replays the tape once.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { RunReport } from '../report/model.ts';
import { main } from './main.ts';
import { makeProject, runCli } from './testdata/project.ts';

const dir = mkdtempSync(join(tmpdir(), 'idemgate-timing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = makeProject(join(dir, 'project'), { target: "{ kind: 'in-process', start: ({ database }) => startNaive(database) }", faults: '[]' });
const reports = join(dir, 'reports');

/** The CLI in this process (for what fails before a target starts): exit code and everything printed. */
async function inProcess(args: string[]): Promise<{ status: number; out: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    return { status: await main([...args, '--config', config, '--reports', reports]), out: lines.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('replay pace flags', () => {
  it.each([
    [['run', '--exact', '--runs', '5'], '--exact replays the tape once, clean: it draws no schedule and injects no fault, so --runs cannot apply'],
    [['run', '--exact', '--seed', '3', '--path', '1:0'], 'so --seed, --path cannot apply'],
    [['gate', '--exact', '--mutate'], 'so --mutate cannot apply'],
    [['run', '--timing', 'recorded', '--speed', '0'], '--speed must be a positive number, got "0" (10 = ten times faster); for no waits at all use --timing none'],
    [['run', '--speed', '10'], '--speed scales the recorded gaps: it needs --timing recorded (or --exact)'],
    [['run', '--exact', '--timing', 'none', '--max-gap', '5'], '--max-gap scales the recorded gaps: it needs --timing recorded (or --exact), not --timing none'],
    [['run', '--timing', 'fast'], '--timing must be recorded or none, got "fast"'],
  ])('idemgate %j exits 2 and says why', async (args, message) => {
    const { status, out } = await inProcess(args);

    expect(status).toBe(2);
    expect(out).toContain(message);
  });

  it('run --exact replays the tape once, clean, at recorded timing, and prints the plan first', async () => {
    const { status, out } = await runCli(['run', '--exact', '--speed', '1000', '--max-gap', '0.002', '--config', config, '--reports', reports, '--pglite']);

    expect(out).toContain('idemgate run: 1 scenario(s), exact replay (the clean replay only, no faults)');
    // 43 gaps of 20 s and more, ÷1000, each cut to 2 ms.
    expect(out).toContain('naive-stripe: recorded timing at ×1000: 86 ms of gaps (recorded 64 h 16 min; 43 gaps capped at 2 ms)');
    expect(status).toBe(0);
    const report = JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8')) as RunReport;
    expect(report.results[0]).toMatchObject({ exact: true, schedules: 1, timing: { speed: 1000, maxGapMs: 2, capped: 43 } });
    expect(report.results[0]?.answers?.compared).toBe(44);
  });
});
