/**
 * What a diff does to the guards: `idemgate gate --base REF` compares the mutation root's sources
 * at REF with the working tree (commits since REF, staged and unstaged edits and untracked files
 * alike, so an agent's uncommitted change counts), and lists the guard regions it removes,
 * changes or adds, and every guard of a changed file (the ones the restricted matrix runs).
 * Regions are compared by their text in the two versions, so only whole files come from git.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IdemgateError } from '../errors.ts';
import type { Mutant } from './mutant.ts';
import { findRegions, type GuardRegion } from './regions.ts';
import { isSourcePath } from './sources.ts';

/** What the diff did to one guard region. `unchanged`: the region is in a changed file but its text is the same. */
export type GuardChange = 'removed' | 'changed' | 'added' | 'unchanged';

export interface TouchedGuard {
  name: string;
  change: GuardChange;
  /** Relative to the mutation root: where the region is now; for a removed one, where it was at the base. */
  file: string;
  /** Line of the region's start marker (at the base for a removed one). */
  line: number;
  /** A removed guard the config's `mutation.allowRemovedGuards` lets go (false for any other change). */
  allowed: boolean;
}

export interface DiffAnalysis {
  /** The ref as given (`--base`). */
  base: string;
  /** The commit it names. */
  commit: string;
  /** Sources (matching mutation.sources, tests excluded) that differ from the base, relative to the mutation root, sorted. */
  changedFiles: string[];
  /** Every guard region of a changed file, in either version, by file and line. */
  guards: TouchedGuard[];
}

export interface DiffOptions {
  /** The mutation root (absolute). */
  root: string;
  /** A git ref: branch, tag or commit. */
  base: string;
  /** mutation.sources (default: every .ts and .sql file). */
  sources?: readonly string[];
  /** mutation.allowRemovedGuards: guard names whose removal is not a failure. */
  allowRemoved?: readonly string[];
}

/** The removed guards the config does not allow: each fails the gate before any scenario runs. */
export const removedGuards = (diff: Pick<DiffAnalysis, 'guards'>): TouchedGuard[] => diff.guards.filter((g) => g.change === 'removed' && !g.allowed);

/** Keeps the mutants that change a file the diff changed (a marked guard spanning files: any of them). */
export const inChangedFiles = (diff: Pick<DiffAnalysis, 'changedFiles'>): ((m: Mutant) => boolean) => {
  const changed = new Set(diff.changedFiles);
  return (m) => m.changes.some((c) => changed.has(c.file));
};

type Git = (args: readonly string[]) => { ok: true; out: string } | { ok: false; err: string };

function gitIn(cwd: string): Git {
  return (args) => {
    try {
      return { ok: true, out: execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 }) };
    } catch (e) {
      const err = e as { code?: string; stderr?: string; message: string };
      if (err.code === 'ENOENT') throw new IdemgateError('USAGE', '--base needs git, which is not installed (or not on PATH)');
      return { ok: false, err: (err.stderr ?? err.message).trim() };
    }
  };
}

/** The commit `base` names; a usage error a user can act on when there is none. */
function resolveBase(git: Git, root: string, base: string): string {
  if (base === '' || base.startsWith('-')) throw new IdemgateError('USAGE', `--base needs a git ref (a branch, tag or commit), got "${base}"`);
  const inside = git(['rev-parse', '--is-inside-work-tree']);
  if (!inside.ok || inside.out.trim() !== 'true') {
    throw new IdemgateError('USAGE', `--base compares with git, but the mutation root ${root} is not in a git repository${inside.ok ? '' : ` (${inside.err})`}`);
  }
  const commit = git(['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
  if (commit.ok) return commit.out.trim();
  const shallow = git(['rev-parse', '--is-shallow-repository']);
  if (shallow.ok && shallow.out.trim() === 'true') {
    throw new IdemgateError(
      'USAGE',
      `git: unknown revision ${base} in this shallow clone: the base is not fetched. Fetch the history (actions/checkout with \`fetch-depth: 0\`) or the base itself (\`git fetch origin ${base}\`, then --base origin/${base.replace(/^origin\//, '')} for a branch)`,
    );
  }
  throw new IdemgateError(
    'USAGE',
    `git: unknown revision ${base} (--base takes a branch, tag or commit of this repository, e.g. origin/main or HEAD~1; a remote branch needs \`git fetch origin\` first)`,
  );
}

const split0 = (out: string): string[] => out.split('\0').filter((p) => p.length > 0);

/** A region's text, for comparing two versions (line endings and trailing blank space ignored). */
const regionText = (text: string, r: GuardRegion): string => text.slice(r.start, r.end).replace(/\r\n/g, '\n').trimEnd();

interface Version {
  region: GuardRegion;
  text: string;
}

/**
 * The guards a diff touches, per region occurrence. Regions of one name are paired file by file
 * in order; a leftover at the base paired with a leftover elsewhere now is a moved guard
 * (changed); what is left at the base is removed, what is left now is added.
 */
function compareRegions(before: readonly Version[], after: readonly Version[], allow: ReadonlySet<string>): TouchedGuard[] {
  const byName = new Map<string, { before: Version[]; after: Version[] }>();
  const entry = (name: string): { before: Version[]; after: Version[] } => {
    let e = byName.get(name);
    if (e === undefined) byName.set(name, (e = { before: [], after: [] }));
    return e;
  };
  for (const v of before) entry(v.region.name).before.push(v);
  for (const v of after) entry(v.region.name).after.push(v);
  const out: TouchedGuard[] = [];
  const at = (v: Version, change: GuardChange, allowed = false): TouchedGuard => ({
    name: v.region.name,
    change,
    file: v.region.file,
    line: v.region.startLine,
    allowed,
  });
  for (const [name, { before: olds, after: news }] of byName) {
    const leftOld: Version[] = [];
    const leftNew = [...news];
    for (const old of olds) {
      const i = leftNew.findIndex((n) => n.region.file === old.region.file);
      if (i < 0) leftOld.push(old);
      else {
        const [now] = leftNew.splice(i, 1);
        out.push(at(now!, regionText(old.text, old.region) === regionText(now!.text, now!.region) ? 'unchanged' : 'changed'));
      }
    }
    while (leftOld.length > 0 && leftNew.length > 0) {
      leftOld.shift();
      out.push(at(leftNew.shift()!, 'changed'));
    }
    for (const old of leftOld) out.push(at(old, 'removed', allow.has(name)));
    for (const now of leftNew) out.push(at(now, 'added'));
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.name.localeCompare(b.name));
}

/**
 * Compares the sources under `root` at `base` with the working tree.
 *
 * @example
 * const diff = analyseDiff({ root: '/repo/svc', base: 'origin/main', sources: ['src/**\/*.ts'] });
 * removedGuards(diff); // [{ name: 'event-dedupe', change: 'removed', file: 'src/handler.ts', line: 12, allowed: false }]
 */
export function analyseDiff(options: DiffOptions): DiffAnalysis {
  const { root, base } = options;
  if (!existsSync(root)) throw new IdemgateError('CONFIG_INVALID', `mutation.root ${root} does not exist`);
  const git = gitIn(root);
  const commit = resolveBase(git, root, base);
  // Paths relative to the root (--relative; ls-files prints them so too), the base against the
  // working tree: commits since the base, staged and unstaged edits; untracked files beside them.
  const diff = git(['diff', '--name-only', '--no-renames', '--relative', '-z', commit, '--', '.']);
  if (!diff.ok) throw new IdemgateError('USAGE', `git diff ${base} failed: ${diff.err}`);
  const untracked = git(['ls-files', '--others', '--exclude-standard', '-z', '--', '.']);
  if (!untracked.ok) throw new IdemgateError('USAGE', `git ls-files failed: ${untracked.err}`);
  const changedFiles = [...new Set([...split0(diff.out), ...split0(untracked.out)])].filter((p) => isSourcePath(p, options.sources)).sort();

  const before: Version[] = [];
  const after: Version[] = [];
  for (const file of changedFiles) {
    const old = git(['show', `${commit}:./${file}`]);
    if (old.ok) for (const region of findRegions(old.out, file)) before.push({ region, text: old.out });
    const path = join(root, file);
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      for (const region of findRegions(text, file)) after.push({ region, text });
    }
  }
  return { base, commit, changedFiles, guards: compareRegions(before, after, new Set(options.allowRemoved ?? [])) };
}
