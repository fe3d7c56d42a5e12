import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isIdemgateError } from '../errors.ts';
import { analyseDiff, inChangedFiles, removedGuards } from './diff.ts';
import type { Mutant } from './mutant.ts';

const HANDLER = [
  "import { db } from './db.ts';", //                   1
  'export async function handle(e) {', //               2
  '  // idemgate-guard: event-dedupe', //               3
  '  if (await db.seen(e.id)) return;', //              4
  '  // idemgate-guard-end', //                         5
  '  await db.post(e);', //                             6
  '  // idemgate-guard: status-monotonic', //           7
  '  if (e.rank < await db.rank(e.id)) return;', //     8
  '  // idemgate-guard-end', //                         9
  '}', //                                               10
  '',
].join('\n');
const SQL = ['create table seen (', '  -- idemgate-guard: seen-unique', '  id text primary key', '  -- idemgate-guard-end', ');', ''].join('\n');

let repo: string;
/** The service lives in svc/ of the repository, as fixtures/merchant-service does here. */
let root: string;

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
const write = (path: string, text: string): void => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};
const analyse = (base = 'HEAD', allowRemoved?: string[]) =>
  analyseDiff({ root, base, sources: ['src/**/*.ts', 'drizzle/*.sql'], ...(allowRemoved === undefined ? {} : { allowRemoved }) });

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'idemgate-diff-'));
  root = join(repo, 'svc');
  git('init', '-q', '-b', 'main');
  write('src/handler.ts', HANDLER);
  write('src/util.ts', 'export const one = 1;\n');
  write('drizzle/0000.sql', SQL);
  write('README.md', 'docs\n');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

describe('analyseDiff', () => {
  it('a deleted guard region is removed, at the line of its start marker in the base', () => {
    write('src/handler.ts', HANDLER.replace(/ {2}\/\/ idemgate-guard: event-dedupe\n.*\n {2}\/\/ idemgate-guard-end\n/, ''));
    const diff = analyse();
    expect(diff.changedFiles).toEqual(['src/handler.ts']);
    expect(removedGuards(diff)).toEqual([{ name: 'event-dedupe', change: 'removed', file: 'src/handler.ts', line: 3, allowed: false }]);
    // The other guard of the changed file is listed (the matrix runs it), unchanged.
    expect(diff.guards.find((g) => g.name === 'status-monotonic')).toMatchObject({ change: 'unchanged', line: 4 });
  });

  it('deleting only the markers (the code stays) removes the guard too', () => {
    write('src/handler.ts', HANDLER.replace('  // idemgate-guard: status-monotonic\n', '').replace(/( {2}\/\/ idemgate-guard-end\n)(\})/, '$2'));
    expect(removedGuards(analyse()).map((g) => `${g.name} ${g.file}:${g.line}`)).toEqual(['status-monotonic src/handler.ts:7']);
  });

  it('a committed deletion counts against an older base, a deleted file too', () => {
    unlinkSync(join(root, 'drizzle/0000.sql'));
    git('commit', '-q', '-am', 'drop the migration');
    expect(removedGuards(analyse('HEAD')).length).toBe(0);
    expect(removedGuards(analyse('HEAD~1'))).toEqual([{ name: 'seen-unique', change: 'removed', file: 'drizzle/0000.sql', line: 2, allowed: false }]);
  });

  it('an edit inside a region changes that guard only', () => {
    write('src/handler.ts', HANDLER.replace('db.seen(e.id)', 'db.seen(e.id, e.type)'));
    const diff = analyse();
    expect(diff.guards.map((g) => [g.name, g.change])).toEqual([
      ['event-dedupe', 'changed'],
      ['status-monotonic', 'unchanged'],
    ]);
    expect(removedGuards(diff)).toEqual([]);
  });

  it('a new guard is added; an untracked source file counts as changed', () => {
    write('src/refund.ts', '// idemgate-guard: refund-once\nif (done) return;\n// idemgate-guard-end\n');
    const diff = analyse();
    expect(diff.changedFiles).toEqual(['src/refund.ts']);
    expect(diff.guards).toEqual([{ name: 'refund-once', change: 'added', file: 'src/refund.ts', line: 1, allowed: false }]);
  });

  it('a guard moved to another file is changed, not removed', () => {
    const region = '  // idemgate-guard: event-dedupe\n  if (await db.seen(e.id)) return;\n  // idemgate-guard-end\n';
    write('src/handler.ts', HANDLER.replace(region, ''));
    write('src/util.ts', `export const one = 1;\nexport async function dedupe(e) {\n${region}}\n`);
    const diff = analyse();
    expect(removedGuards(diff)).toEqual([]);
    expect(diff.guards.find((g) => g.name === 'event-dedupe')).toMatchObject({ change: 'changed', file: 'src/util.ts', line: 3 });
  });

  it('an unrelated change (outside the sources, or a source without guards) touches no guard', () => {
    write('README.md', 'more docs\n');
    write('src/util.ts', 'export const one = 2;\n');
    write('src/handler.test.ts', '// a test, never a source\n');
    const diff = analyse();
    expect(diff.changedFiles).toEqual(['src/util.ts']);
    expect(diff.guards).toEqual([]);
  });

  it('a removal the config allows is listed as allowed and is not a failure', () => {
    write('src/handler.ts', HANDLER.replace(/ {2}\/\/ idemgate-guard: event-dedupe\n.*\n {2}\/\/ idemgate-guard-end\n/, ''));
    // A listed name that is not removed (seen-unique) is fine.
    const diff = analyse('HEAD', ['event-dedupe', 'seen-unique']);
    expect(diff.guards.find((g) => g.name === 'event-dedupe')).toMatchObject({ change: 'removed', allowed: true });
    expect(removedGuards(diff)).toEqual([]);
  });

  it('an unknown ref is a usage error naming it', () => {
    let caught: unknown;
    try {
      analyse('no-such-branch');
    } catch (e) {
      caught = e;
    }
    expect(isIdemgateError(caught, 'USAGE')).toBe(true);
    expect((caught as Error).message).toContain('unknown revision no-such-branch');
  });

  it('outside a git repository, says so', () => {
    const plain = mkdtempSync(join(tmpdir(), 'idemgate-nogit-'));
    try {
      mkdirSync(join(plain, 'src'));
      expect(() => analyseDiff({ root: plain, base: 'HEAD' })).toThrow(/not in a git repository/);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it('in a shallow clone without the base, says how to fetch it', () => {
    git('commit', '-q', '--allow-empty', '-m', 'second');
    const clone = mkdtempSync(join(tmpdir(), 'idemgate-shallow-'));
    try {
      execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo}`, clone], { stdio: 'ignore' });
      expect(() => analyseDiff({ root: join(clone, 'svc'), base: 'HEAD~1' })).toThrow(/shallow.*fetch-depth: 0.*git fetch origin/s);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });
});

describe('inChangedFiles', () => {
  it('keeps the mutants with a change in a changed file', () => {
    const mutant = (id: string, ...files: string[]): Mutant => ({
      id,
      operator: 'marked',
      guard: id,
      file: files[0]!,
      line: 1,
      description: id,
      changes: files.map((file) => ({ file, line: 1, apply: (t) => t })),
    });
    const keep = inChangedFiles({ changedFiles: ['drizzle/0000.sql'] });
    expect([mutant('a', 'src/schema.ts', 'drizzle/0000.sql'), mutant('b', 'src/handler.ts')].filter(keep).map((m) => m.id)).toEqual(['a']);
  });
});
