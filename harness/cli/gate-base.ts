/**
 * `idemgate gate --base REF`: before any scenario runs, the guards the diff against REF touches
 * (a removed guard fails the gate there, naming file and line); after the scenarios, the mutation
 * matrix restricted to the mutants in the changed files; and in the reports, which scenario
 * killed each touched guard's mutant.
 */
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import type { IdemgateConfig } from '../config.ts';
import { IdemgateError } from '../errors.ts';
import { analyseDiff, inChangedFiles, removedGuards, type DiffAnalysis, type TouchedGuard } from '../mutate/diff.ts';
import type { Mutant } from '../mutate/mutant.ts';
import { ALL_OPERATORS } from '../mutate/operators/index.ts';
import type { MatrixResult } from '../mutate/result.ts';
import { planMutants } from '../mutate/run.ts';
import { mdCode } from '../report/escape.ts';
import type { DiffRecord } from '../report/model.ts';
import { githubOptionsFromEnv } from '../report/write.ts';

export interface GateBase {
  analysis: DiffAnalysis;
  /** The mutation root relative to the config's folder, `/`-separated (for file:line a user can open). */
  rootPath: string;
  /** The restricted matrix's filter, and the mutants it keeps. */
  keep: (mutant: Mutant) => boolean;
  planned: Mutant[];
}

const where = (gate: Pick<GateBase, 'rootPath'>, g: Pick<TouchedGuard, 'file' | 'line'>): string => `${posix.join(gate.rootPath, g.file)}:${g.line}`;

/**
 * Compares the sources with `base`, prints the guards the diff touches and returns what the gate
 * needs next, or the exit code 1 when the diff removes a guard (summary.md then says which, and
 * the reports of an earlier run are removed so none is left standing for this one).
 */
export async function checkDiff(o: { config: IdemgateConfig; rootDir: string; base: string; reportsDir: string }): Promise<GateBase | { exit: 1 }> {
  const mutation = o.config.mutation;
  if (mutation === undefined) {
    throw new IdemgateError('CONFIG_INVALID', 'gate --base needs the config\'s `mutation` section (root, sources, start): it reads the guards there and runs their mutants');
  }
  const rootPath = posix.normalize(mutation.root.split('\\').join('/')).replace(/\/$/, '');
  const analysis = analyseDiff({
    root: resolve(o.rootDir, mutation.root),
    base: o.base,
    ...(mutation.sources === undefined ? {} : { sources: mutation.sources }),
    ...(mutation.allowRemovedGuards === undefined ? {} : { allowRemoved: mutation.allowRemovedGuards }),
  });
  const gate = { analysis, rootPath };
  const files = analysis.changedFiles.length;
  console.log(`diff against ${o.base} (${analysis.commit.slice(0, 12)}): ${files} source file(s) changed under ${rootPath}/, ${analysis.guards.length === 0 ? 'no guard touched' : `${analysis.guards.length} guard region(s) in them`}`);
  const width = Math.max(0, ...analysis.guards.map((g) => g.name.length));
  for (const g of analysis.guards) {
    console.log(`  ${g.name.padEnd(width)}  ${(g.change === 'removed' && g.allowed ? 'removed (allowed)' : g.change).padEnd(17)} ${where(gate, g)}${g.change === 'removed' ? ` (at ${o.base})` : ''}`);
  }
  const removed = removedGuards(analysis);
  if (removed.length > 0) {
    for (const g of removed) {
      console.error(`idemgate gate: ${where(gate, g)}: the diff removes guard ${g.name} (its idemgate-guard marker at ${o.base})`);
    }
    console.error(
      `idemgate gate: no scenario ran. Restore the guard${removed.length > 1 ? 's' : ''}, or, if the removal is deliberate, name ${removed.length > 1 ? 'them' : 'it'} in mutation.allowRemovedGuards in the config`,
    );
    await writeRemovalReport(o.reportsDir, { ...gate, base: o.base }, removed);
    return { exit: 1 };
  }
  const keep = inChangedFiles(analysis);
  const operators = mutation.operators ?? ALL_OPERATORS;
  const planned = files === 0 ? [] : (await planMutants(o.config, o.rootDir, operators)).mutants.filter(keep);
  const marked = planned.filter((m) => m.operator === 'marked').length;
  console.log(
    planned.length === 0
      ? '  no mutant in the changed files: the mutation matrix will not run'
      : `  once the scenarios pass, the mutation matrix runs the ${planned.length} mutant(s) in the changed files (${marked} marked guard(s), ${planned.length - marked} from the unmarked operators)`,
  );
  return { ...gate, keep, planned };
}

/** The reports of a gate stopped by a removed guard: summary.md says which; no stale run report stays. */
async function writeRemovalReport(reportsDir: string, gate: Pick<GateBase, 'analysis' | 'rootPath'> & { base: string }, removed: readonly TouchedGuard[]): Promise<void> {
  await mkdir(reportsDir, { recursive: true });
  await Promise.all(['results.json', 'junit.xml', 'index.html', 'mutation.json', 'mutation.md'].map((f) => rm(join(reportsDir, f), { force: true })));
  const summary = [
    `## idemgate: ❌ FAILED — the diff removes ${removed.length === 1 ? 'a guard' : `${removed.length} guards`}`,
    '',
    `Against ${mdCode(gate.base)} (${mdCode(gate.analysis.commit.slice(0, 12))}); no scenario ran.`,
    '',
    ...removed.map((g) => `- ${mdCode(g.name)}: its region started at ${mdCode(where(gate, g))} at the base`),
    '',
    'Restore it, or, if the removal is deliberate, name it in `mutation.allowRemovedGuards` in the config.',
    '',
  ].join('\n');
  await writeFile(join(reportsDir, 'summary.md'), summary, 'utf8');
  const github = githubOptionsFromEnv();
  if (github.stepSummaryFile !== undefined) await appendFile(github.stepSummaryFile, `${summary}\n`, 'utf8');
  if (github.annotations) {
    for (const g of removed) console.log(`::error file=${posix.join(gate.rootPath, g.file)},line=${g.line}::the diff removes guard ${g.name}`);
  }
}

/** What results.json and summary.md record: each touched guard with its mutant's fate and the scenario that killed it. */
export function diffRecord(gate: GateBase, matrix: MatrixResult | undefined): DiffRecord {
  const { analysis } = gate;
  const mutants = matrix?.mutants ?? [];
  return {
    base: analysis.base,
    commit: analysis.commit,
    changedFiles: analysis.changedFiles,
    guards: analysis.guards.map((g) => {
      const m = g.change === 'removed' ? undefined : mutants.find((x) => x.operator === 'marked' && x.id === g.name);
      return { ...g, mutant: m?.status ?? 'not-run', scenario: m?.scenario ?? null };
    }),
    mutants: mutants.map((m) => ({ id: m.id, operator: m.operator, file: m.file, line: m.line, status: m.status, scenario: m.scenario ?? null })),
  };
}

/** The console lines after the run: each touched guard and what proves it. */
export function formatDiffRecord(record: DiffRecord): string[] {
  if (record.changedFiles.length === 0) return [`  diff against ${record.base}: no mutation source changed, no guard touched`];
  if (record.guards.length === 0) {
    return [`  diff against ${record.base}: no guard touched (${record.changedFiles.length} changed source file(s) hold no guard region)`];
  }
  const width = Math.max(...record.guards.map((g) => g.name.length));
  const lines = [`  guards the diff against ${record.base} touched:`];
  for (const g of record.guards) {
    const fate =
      g.change === 'removed'
        ? 'removed, allowed by the config'
        : g.mutant === 'killed'
          ? `killed by ${g.scenario ?? '?'}`
          : g.mutant === 'not-run'
            ? 'mutant not run'
            : `mutant ${g.mutant}`;
    lines.push(`    ${g.name.padEnd(width)}  ${g.change.padEnd(9)}  ${g.file}:${g.line}  ${fate}`);
  }
  const unmarked = record.mutants.filter((m) => m.operator !== 'marked');
  if (unmarked.length > 0) {
    lines.push(`    and ${unmarked.length} unmarked operator mutant(s) in the changed files, ${unmarked.filter((m) => m.status === 'killed').length} killed`);
  }
  return lines;
}
