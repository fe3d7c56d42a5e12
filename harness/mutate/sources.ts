import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { IdemgateError } from '../errors.ts';
import type { Mutant, SourceFile } from './mutant.ts';

export const DEFAULT_SOURCES = ['**/*.ts', '**/*.sql'];
const SKIP_DIRS = new Set(['node_modules', '.git']);

/** `**` any folders, `*` any name part, `?` one character; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

async function walkFiles(dir: string, root: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) await walkFiles(join(dir, entry.name), root, out);
    } else if (entry.isFile()) out.push(relative(root, join(dir, entry.name)).split(sep).join('/'));
  }
}

/** Whether a path relative to the mutation root is a source the mutator may change: matching a glob, never a test or under node_modules. */
export function isSourcePath(path: string, globs: readonly string[] = DEFAULT_SOURCES): boolean {
  if (path.split('/').some((segment) => SKIP_DIRS.has(segment)) || /\.test\.[cm]?tsx?$/.test(path)) return false;
  return globs.some((glob) => globToRegExp(glob).test(path));
}

/** The files under `root` the mutator may change: matching a glob, never tests. */
export async function readSources(root: string, globs: readonly string[] = DEFAULT_SOURCES): Promise<SourceFile[]> {
  if (!existsSync(root)) throw new IdemgateError('CONFIG_INVALID', `mutation.root ${root} does not exist`);
  const all: string[] = [];
  await walkFiles(root, root, all);
  const paths = all.filter((p) => isSourcePath(p, globs)).sort();
  return Promise.all(paths.map(async (path) => ({ path, text: await readFile(join(root, path), 'utf8') })));
}

/** The `node_modules` the target resolves its imports from: the nearest one at or above `from`. */
export function findNodeModules(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

export interface TargetCopy {
  /** The copied root (absolute): `<tmp>/<basename(root)>`. */
  dir: string;
  remove(): Promise<void>;
}

/**
 * Copies the target's root into a fresh temp folder, links the project's node_modules beside it
 * so its imports resolve, and applies the mutant's changes (none for the clean run).
 */
export async function copyTarget(root: string, sources: readonly SourceFile[], mutant: Mutant | undefined): Promise<TargetCopy> {
  const base = await mkdtemp(join(tmpdir(), 'idemgate-mutant-'));
  const remove = (): Promise<void> => rm(base, { recursive: true, force: true });
  try {
    const dir = join(base, basename(root));
    await mkdir(dir);
    await cp(root, dir, { recursive: true, filter: (src) => !SKIP_DIRS.has(basename(src)) });
    const modules = findNodeModules(root);
    if (modules !== undefined) await symlink(modules, join(base, 'node_modules'), 'dir');
    for (const change of mutant?.changes ?? []) {
      const original = sources.find((s) => s.path === change.file);
      if (original === undefined) throw new IdemgateError('CONFIG_INVALID', `mutant ${mutant!.id} changes ${change.file}, which is not a source`);
      const next = change.apply(original.text);
      if (next === original.text) throw new IdemgateError('CONFIG_INVALID', `mutant ${mutant!.id} leaves ${change.file} unchanged`);
      await writeFile(join(dir, change.file), next, 'utf8');
    }
    return { dir, remove };
  } catch (e) {
    await remove();
    throw e;
  }
}
