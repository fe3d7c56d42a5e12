/**
 * `gate --base REF` end to end, in a project that is its own git repository (the two-guard
 * service of shard-mutate.test.ts): a commit that deletes a guard region fails the gate naming
 * the guard and file:line before any scenario runs; an edit inside a guard runs the scenarios,
 * then the matrix of the changed file's guards only, and the reports name the scenario that
 * killed each one's mutant.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMutationProject, MUTABLE_DEDUPE as DEDUPE, MUTABLE_SERVER as SERVER, runCli } from './testdata/project.ts';

const repo = resolve(import.meta.dirname, '../..');
// Inside the repository so the service copy finds node_modules (pg) the way a user's would.
const base = join(repo, '.idemgate-tmp');
let dir: string;
beforeAll(() => {
  mkdirSync(base, { recursive: true });
  dir = mkdtempSync(join(base, 'gate-base-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The start marker's line in SERVER. */
const DEDUPE_LINE = SERVER.split('\n').indexOf('    // idemgate-guard: event-dedupe') + 1;

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'ignore' });
}

/** A project in its own git repository: the service in svc/, one scenario, `mutation` on svc/*.mjs. */
function project(name: string): { root: string; config: string; reports: string } {
  const root = join(dir, name);
  const config = makeMutationProject(root, SERVER);
  git(root, 'init', '-q');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'service with a dedupe guard');
  return { root, config, reports: join(root, 'reports') };
}

describe('idemgate gate --base (CLI)', () => {
  it('a commit that deletes a guard region fails naming the guard and file:line before any scenario runs', async () => {
    const p = project('removed');
    writeFileSync(join(p.root, 'svc', 'server.mjs'), SERVER.replace(DEDUPE, ''));
    git(p.root, 'commit', '-q', '-am', 'drop the dedupe');
    const r = await runCli(['gate', '--base', 'HEAD~1', '--config', p.config, '--pglite', '--runs', '2']);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toContain(`svc/server.mjs:${DEDUPE_LINE}: the diff removes guard event-dedupe`);
    expect(r.out).toContain('mutation.allowRemovedGuards');
    // Nothing ran: no scenario line, no verdict, no run report; summary.md says why.
    expect(r.out).not.toMatch(/dupes|PASSED|FAILED|reports:/);
    expect(existsSync(join(p.reports, 'results.json'))).toBe(false);
    expect(readFileSync(join(p.reports, 'summary.md'), 'utf8')).toContain(`\`event-dedupe\`: its region started at \`svc/server.mjs:${DEDUPE_LINE}\``);
  });

  it('with the removal allowed by the config, or against an unknown ref, says so', async () => {
    const p = project('allowed');
    writeFileSync(join(p.root, 'svc', 'server.mjs'), SERVER.replace(DEDUPE, ''));
    const bad = await runCli(['gate', '--base', 'no-such-ref', '--config', p.config, '--pglite']);
    expect(bad.status, bad.out).toBe(2);
    expect(bad.out).toContain('unknown revision no-such-ref');
    writeFileSync(p.config, readFileSync(p.config, 'utf8').replace("operators: ['marked']", "operators: ['marked'], allowRemovedGuards: ['event-dedupe']"));
    // Uncommitted edits count. The allowed removal passes the check; the scenarios then run (and
    // fail, since the service no longer dedupes): the exit is theirs, not the check's.
    const r = await runCli(['gate', '--base', 'HEAD', '--config', p.config, '--pglite', '--runs', '2', '--seed', '3']);
    expect(r.out).toMatch(/event-dedupe\s+removed \(allowed\)/);
    expect(r.out).not.toContain('the diff removes guard');
    expect(r.out).toContain('dupes');
  }, 120_000);

  it('an edit inside a guard runs the scenarios, then that file\'s guard mutants, and names the scenario that killed each', async () => {
    const p = project('changed');
    writeFileSync(join(p.root, 'svc', 'server.mjs'), SERVER.replace("if (first.rowCount === 0) return res.end('{}');", "if (first.rowCount === 0) return res.end('{ }');"));
    const r = await runCli(['gate', '--base', 'HEAD', '--config', p.config, '--pglite', '--runs', '6', '--seed', '3']);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/event-dedupe\s+changed\s+svc\/server\.mjs/);
    expect(r.out).toMatch(/event-dedupe\s+changed\s+server\.mjs:\d+\s+killed by dupes/);
    const json = JSON.parse(readFileSync(join(p.reports, 'results.json'), 'utf8')) as unknown;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(repo, 'harness/report/schema/results.schema.json'), 'utf8')) as object);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    const results = json as {
      diff: { changedFiles: string[]; guards: { name: string; change: string; mutant: string; scenario: string | null }[] };
    };
    expect(results.diff.changedFiles).toEqual(['server.mjs']);
    // The other guard of the changed file runs too (unchanged text, same file).
    expect(results.diff.guards).toEqual([
      expect.objectContaining({ name: 'event-dedupe', change: 'changed', mutant: 'killed', scenario: 'dupes' }),
      expect.objectContaining({ name: 'refund-metadata-edit', change: 'unchanged', mutant: 'killed', scenario: 'dupes' }),
    ]);
    expect(readFileSync(join(p.reports, 'summary.md'), 'utf8')).toMatch(/\| `event-dedupe` \| changed \| `server\.mjs:\d+` \| ✅ killed \| dupes \|/);
  }, 300_000);
});
