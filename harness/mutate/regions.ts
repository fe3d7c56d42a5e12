import { IdemgateError } from '../errors.ts';
import type { Mutant, SourceFile } from './mutant.ts';

/**
 * A guard region: the lines from `// idemgate-guard: <name>` (or `-- …` in SQL) to the matching
 * `// idemgate-guard-end`, both marker lines included. Markers sit on their own lines, so this
 * is line-based text scanning, not parsing; the unmarked operators use the TypeScript AST.
 */
export interface GuardRegion {
  name: string;
  file: string;
  /** 1-based lines of the start and end markers. */
  startLine: number;
  endLine: number;
  /** Character offsets: start of the start marker's line, end of the end marker's line (after its newline). */
  start: number;
  end: number;
  /** Nesting depth: 0 for a top-level region. */
  depth: number;
}

const START = /^\s*(?:\/\/|--)\s*idemgate-guard:\s*(\S*)\s*$/;
const END = /^\s*(?:\/\/|--)\s*idemgate-guard-end\s*$/;
const NAME = /^[a-z0-9][a-z0-9._-]*$/i;

const markerError = (file: string, line: number, message: string): IdemgateError =>
  new IdemgateError('CONFIG_INVALID', `${file}:${line}: ${message}`, { details: { file, line } });

/** Finds every guard region in one file's text; throws on an unterminated, unmatched or unnamed marker. */
export function findRegions(text: string, file: string): GuardRegion[] {
  const regions: GuardRegion[] = [];
  const open: { name: string; line: number; start: number }[] = [];
  let offset = 0;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const lineStart = offset;
    offset += raw.length + (i < lines.length - 1 ? 1 : 0);
    const line = raw.replace(/\r$/, '');
    const start = START.exec(line);
    if (start) {
      const name = start[1] ?? '';
      if (!NAME.test(name)) throw markerError(file, lineNo, `idemgate-guard marker needs a name (letters, digits, - . _), got "${name}"`);
      open.push({ name, line: lineNo, start: lineStart });
      return;
    }
    if (END.test(line)) {
      const top = open.pop();
      if (top === undefined) throw markerError(file, lineNo, 'idemgate-guard-end without a matching idemgate-guard: <name>');
      regions.push({ name: top.name, file, startLine: top.line, endLine: lineNo, start: top.start, end: offset, depth: open.length });
      return;
    }
    if (/idemgate-guard(?:-end)?\b/.test(line) && /^\s*(?:\/\/|--)/.test(line)) {
      throw markerError(file, lineNo, `malformed idemgate-guard marker: "${line.trim()}" (write \`// idemgate-guard: <name>\` or \`// idemgate-guard-end\` on a line of its own)`);
    }
  });
  const unclosed = open.pop();
  if (unclosed !== undefined) {
    throw markerError(file, unclosed.line, `idemgate-guard: ${unclosed.name} is never closed by an idemgate-guard-end`);
  }
  return regions.sort((a, b) => a.start - b.start);
}

/** Deletes the regions (whole lines) from the text; overlapping (nested) regions are merged. */
export function deleteRegions(text: string, regions: readonly Pick<GuardRegion, 'start' | 'end'>[]): string {
  const spans = [...regions].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const { start, end } of spans) {
    if (end <= at) continue;
    out += text.slice(at, Math.max(at, start));
    at = end;
  }
  return out + text.slice(at);
}

/** One mutant per guard name: it deletes every region of that name, in every file. */
export function markedMutants(files: readonly SourceFile[]): Mutant[] {
  const byName = new Map<string, GuardRegion[]>();
  for (const f of files) {
    for (const r of findRegions(f.text, f.path)) {
      const list = byName.get(r.name) ?? [];
      list.push(r);
      byName.set(r.name, list);
    }
  }
  const mutants: Mutant[] = [];
  for (const [name, regions] of byName) {
    const perFile = new Map<string, GuardRegion[]>();
    for (const r of regions) perFile.set(r.file, [...(perFile.get(r.file) ?? []), r]);
    // The matrix shows one place: code before the SQL it mirrors.
    const first = regions.find((r) => !r.file.endsWith('.sql')) ?? regions[0]!;
    const where = regions.map((r) => `${r.file}:${r.startLine}-${r.endLine}`).join(', ');
    mutants.push({
      id: name,
      operator: 'marked',
      guard: name,
      file: first.file,
      line: first.startLine,
      description: `delete guard region ${name} (${where})`,
      changes: [...perFile].map(([file, rs]) => ({
        file,
        line: rs[0]!.startLine,
        // Offsets are found again on the text given, so a change applies to exactly that text.
        apply: (text: string) => deleteRegions(text, findRegions(text, file).filter((r) => r.name === name)),
      })),
    });
  }
  return mutants;
}
