import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '../../..');

/** The bounds every CI matrix test runs with: 10 schedules per mutant over two rounds, shrinking bounded to 5 s, two mutants at once. */
export const CI_MATRIX_ARGS = ['--operators', 'marked', '--runs', '10', '--rounds', '2', '--shrink-budget', '5', '--jobs', '2'];

/**
 * Runs the real CLI's `idemgate mutate` from the repository root, as CI would: `CI=true` and
 * without vitest's own variables (the scenario files the CLI imports register vitest tests when
 * they see them). Resolves with the exit code and stdout + stderr, stderr lines `drop` matches left out.
 */
export function runMutateCli(args: readonly string[], drop?: (line: string) => boolean): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(repo, 'harness/cli/bin.js'), 'mutate', ...args], {
      cwd: repo,
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST'))), CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      const text = c.toString('utf8');
      out += drop === undefined ? text : text.split('\n').filter((l) => !drop(l)).join('\n');
    });
    child.on('exit', (code) => done({ code, out }));
  });
}
