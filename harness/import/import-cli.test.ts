import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { importCommand } from '../cli/import.ts';

const testdata = (f: string): string => join(import.meta.dirname, 'testdata', f);
const dir = mkdtempSync(join(tmpdir(), 'idemgate-import-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** importCommand in this process, with what it printed. */
async function run(argv: string[]): Promise<{ exit: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const exit = await importCommand(argv);
  vi.restoreAllMocks();
  return { exit, out: out.join('\n'), err: err.join('\n') };
}

describe('idemgate import (CLI)', () => {
  it('imports and prints one summary line: per provider, skipped, duplicates kept, time span', async () => {
    const out = join(dir, 'inbox.jsonl');
    const r = await run(['inbox', testdata('inbox.csv'), '--body-column', 'payload', '--out', out, '--name', 'incident-0316', '--config', resolve(import.meta.dirname, '../../idemgate.config.ts')]);
    expect(r.err).toBe('');
    expect(r.exit).toBe(0);
    expect(r.out).toBe(
      `imported 4 exchange(s) (shopee 2, stripe 2) to ${out}; skipped 0; duplicates kept 1; span 2026-03-09T01:25:01.354Z … 2026-03-16T02:23:57.500Z (7 d 58 min)`,
    );
    expect((JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!) as { name: string }).name).toBe('incident-0316');
  });

  it('exits 2 on an unknown kind or flag with the closest one, a flag of another kind, no --out, and a bad input', async () => {
    expect(await run(['stripe-event', 'x.json', '--out', 'y'])).toMatchObject({ exit: 2, err: expect.stringContaining('unknown import kind "stripe-event"; did you mean stripe-events?') as unknown });
    expect(await run(['har', 'x.har', '--outt', 'y'])).toMatchObject({ exit: 2, err: expect.stringContaining('unknown option --outt for idemgate import; did you mean --out?') as unknown });
    expect(await run(['har', 'x.har', '--out', 'y', '--body-column', 'b'])).toMatchObject({ exit: 2, err: expect.stringContaining('--body-column is for idemgate import inbox, not har') as unknown });
    expect(await run(['har', 'x.har'])).toMatchObject({ exit: 2, err: expect.stringContaining('needs --out FILE') as unknown });
    expect(await run(['fpx-log', testdata('fpx-direct-ac.log'), '--out', join(dir, 'f.jsonl'), '--log-offset', 'MYT'])).toMatchObject({ exit: 2, err: expect.stringContaining('--log-offset must be Z or +HH:MM') as unknown });
    const bad = await run(['fpx-log', testdata('fpx-direct-ac.log'), '--out', join(dir, 'f.jsonl'), '--config', resolve(import.meta.dirname, '../../idemgate.config.ts')]);
    expect(bad).toMatchObject({ exit: 2, err: expect.stringMatching(/^idemgate: \[TAPE_INVALID\] .*fpx-direct-ac\.log:4: /) as unknown });
    expect(await run(['fpx-log', testdata('fpx-direct-ac.log'), '--log-offset', 'Z', '--out', join(dir, 'no-such-folder', 'f.jsonl')])).toMatchObject({
      exit: 2,
      err: expect.stringContaining(`idemgate: [USAGE] cannot write the tape ${join(dir, 'no-such-folder', 'f.jsonl')}: ENOENT`) as unknown,
    });
    expect(await run(['--help'])).toMatchObject({ exit: 0, out: expect.stringContaining('idemgate import stripe-events FILE... --out TAPE') as unknown });
  });

  it('is a command of idemgate, with its help and a did-you-mean for a typo', () => {
    const bin = resolve(import.meta.dirname, '../cli/bin.js');
    const typo = spawnSync(process.execPath, [bin, 'imprt'], { encoding: 'utf8', timeout: 60_000 });
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('unknown command "imprt"; did you mean import?');
    const help = spawnSync(process.execPath, [bin, 'help', 'import'], { encoding: 'utf8', timeout: 60_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('idemgate import — turn traffic recorded during an incident into a tape');
  });
});
