/**
 * The user's source, read once: every JavaScript/TypeScript file of the service (tests, builds
 * and node_modules left out), parsed with typescript@5's compiler API. The inferences walk these
 * ASTs instead of grepping text, so comments and look-alike strings do not fool them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the project folder, `/`-separated (what comments and the summary show). */
  rel: string;
  text: string;
  ast: ts.SourceFile;
}

const SKIP_DIRS = new Set([
  'node_modules', '.git', 'dist', 'build', 'out', 'coverage', 'reports', 'idemgate', '.next', '.turbo', '.cache', 'tmp',
]);
const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const NOT_SOURCE = /(\.d\.ts|\.(test|spec)\.[cm]?[jt]sx?|\.config\.[cm]?[jt]s)$/;
const MAX_FILES = 5000;
const MAX_BYTES = 1_000_000;

function scriptKind(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

export function parseSource(path: string, text: string, rel = path): SourceFile {
  return { path, rel, text, ast: ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind(path)) };
}

/** Every source file under `dir`, sorted by path. Test files, `*.config.*`, `.d.ts` and build output are skipped. */
export function collectSources(dir: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (files.length >= MAX_FILES) return;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(path);
      } else if (entry.isFile() && SOURCE.test(entry.name) && !NOT_SOURCE.test(entry.name)) {
        if (statSync(path).size > MAX_BYTES) continue;
        files.push(parseSource(path, readFileSync(path, 'utf8'), relative(dir, path).split('\\').join('/')));
      }
    }
  };
  walk(dir);
  return files;
}

/** A project file that is not JavaScript/TypeScript (SQL migrations, Prisma schemas), read as text. */
export interface TextFile {
  path: string;
  rel: string;
  text: string;
}

/**
 * Every file under `dir` whose name matches `name`, skipping the same folders as collectSources
 * (node_modules, dist, build…), sorted by relative path (migrations apply in that order).
 */
export function collectTextFiles(dir: string, name: RegExp): TextFile[] {
  const files: TextFile[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (files.length >= MAX_FILES) return;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(path);
      } else if (entry.isFile() && name.test(entry.name) && statSync(path).size <= MAX_BYTES) {
        files.push({ path, rel: relative(dir, path).split('\\').join('/'), text: readFileSync(path, 'utf8') });
      }
    }
  };
  walk(dir);
  return files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** `file:line` of a node, for the comments that say where an inference came from. */
export function where(file: SourceFile, node: ts.Node): string {
  const { line } = file.ast.getLineAndCharacterOfPosition(node.getStart(file.ast));
  return `${file.rel}:${line + 1}`;
}

/** The text of a string literal or a template without substitutions; undefined for anything else. */
export function stringValue(node: ts.Node | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return undefined;
}

/** Depth-first visit of every node of a file. */
export function visit(file: SourceFile, fn: (node: ts.Node) => void): void {
  const go = (node: ts.Node): void => {
    fn(node);
    ts.forEachChild(node, go);
  };
  go(file.ast);
}
