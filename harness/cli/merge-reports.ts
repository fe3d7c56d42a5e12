/**
 * `idemgate merge-reports DIR... [--reports DIR]`: the reports of a run split with `--shard i/n`
 * (one folder per shard, as CI artifacts bring them back) merged into the reports of the whole
 * run — JUnit, results.json, summary.md, index.html, and mutation.json/.md for `gate --mutate`
 * or `mutate` shards — with the exit code the unsharded run would have had.
 */
import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { describeError, IdemgateError } from '../errors.ts';
import { parseCommandArgs } from './args.ts';
import { mergeMatrixResults, parseMatrixFile } from '../mutate/merge.ts';
import { formatMatrix, writeMatrixReports } from '../mutate/report.ts';
import { matrixExitCode, type MatrixResult } from '../mutate/result.ts';
import { formatResult, formatSummary, painterFor } from '../report/console.ts';
import { mergeRunReports, parseRunReport, type RunReportFile } from '../report/merge.ts';
import { runScopeText, type RunReport } from '../report/model.ts';
import { githubOptionsFromEnv, REPORTERS, writeReports } from '../report/write.ts';
import { exitCodeFor, type ExitCode } from '../runner/verdict.ts';

export const MERGE_REPORTS_HELP = `idemgate merge-reports DIR... [--reports DIR]
  Merges the reports folders of every shard of one split run (\`run\`/\`gate\`/\`mutate --shard I/N\`)
  into one set of reports in --reports (default: reports/): junit.xml, results.json, summary.md,
  index.html, failures/, and mutation.json/mutation.md for mutate shards. The verdict and the exit
  code are the unsharded run's: 0 every applicable invariant held (and every mutant was killed), 1 an
  invariant broke (or a mutant survived), 2 the harness could not run somewhere. Shards that are
  missing, given twice or not of one run (other seed, runs, scenarios, config or tapes) exit 2
  naming the shard and its file.`;

const MUTATION_FILE = 'mutation.json';
const RESULTS_FILE = REPORTERS.json.file;

const shown = (path: string): string => relative(process.cwd(), path) || '.';

async function readMatrices(dirs: readonly string[]): Promise<MatrixResult> {
  const missing = dirs.filter((d) => !existsSync(join(d, MUTATION_FILE)));
  if (missing.length > 0) {
    throw new IdemgateError(
      'REPORTS_INVALID',
      `no ${MUTATION_FILE} in ${missing.map(shown).join(', ')}: every shard of a mutation run writes one (did that shard's job fail before the matrix, or was its artifact not downloaded?)`,
      { details: { file: join(missing[0]!, MUTATION_FILE) } },
    );
  }
  const files = await Promise.all(
    dirs.map(async (d) => {
      const source = shown(join(d, MUTATION_FILE));
      return { source, result: parseMatrixFile(await readFile(join(d, MUTATION_FILE), 'utf8'), source) };
    }),
  );
  return mergeMatrixResults(files);
}

/** Copies each failed scenario's saved counterexample next to the merged reports and points the result at the copy. */
async function copyFailures(report: RunReport, dirOf: ReadonlyMap<string, string>, out: string): Promise<void> {
  for (const r of report.results) {
    if (r.status !== 'failed') continue;
    const from = join(dirOf.get(r.scenario)!, 'failures', `${r.scenario}.json`);
    if (!existsSync(from)) {
      delete r.savedTo;
      continue;
    }
    const to = join(out, 'failures', `${r.scenario}.json`);
    await mkdir(join(out, 'failures'), { recursive: true });
    if (resolve(from) !== resolve(to)) await copyFile(from, to);
    r.savedTo = shown(to);
  }
}

async function mergeReports(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('merge-reports', argv, { reports: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    console.log(MERGE_REPORTS_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new IdemgateError('USAGE', `merge-reports needs every shard's reports folder\n\n${MERGE_REPORTS_HELP}`);
  const dirs = positionals.map((d) => resolve(d));
  const twice = dirs.find((d, i) => dirs.indexOf(d) !== i);
  if (twice !== undefined) throw new IdemgateError('USAGE', `${shown(twice)} is given twice: pass each shard's reports folder once`);
  for (const d of dirs) {
    if (!existsSync(d) || !statSync(d).isDirectory()) throw new IdemgateError('REPORTS_INVALID', `${d} is not a folder: pass each shard's reports folder`, { details: { file: d } });
  }
  const out = resolve(values.reports ?? 'reports');
  if (dirs.includes(out)) throw new IdemgateError('USAGE', `--reports ${shown(out)} is one of the shards' folders: merging there would overwrite that shard's reports`);

  const withResults = dirs.filter((d) => existsSync(join(d, RESULTS_FILE)));
  if (withResults.length === 0) {
    // `idemgate mutate --shard` shards: a matrix only.
    const matrix = await readMatrices(dirs);
    console.log(`idemgate merge-reports: the mutation matrix of ${dirs.length} shard(s)\n\n${formatMatrix(matrix)}`);
    const written = await writeMatrixReports(out, matrix);
    console.log(`\nwrote ${shown(written.json)} and ${shown(written.markdown)}`);
    return matrixExitCode(matrix);
  }
  if (withResults.length < dirs.length) {
    const lacking = dirs.filter((d) => !withResults.includes(d));
    throw new IdemgateError(
      'REPORTS_INVALID',
      `no ${RESULTS_FILE} in ${lacking.map(shown).join(', ')}, but ${shown(withResults[0]!)} has one: every shard of a run or gate writes one (did that shard's job not run, or was its artifact not downloaded?)`,
      { details: { file: join(lacking[0]!, RESULTS_FILE) } },
    );
  }

  const files: (RunReportFile & { dir: string })[] = await Promise.all(
    dirs.map(async (dir) => {
      const source = shown(join(dir, RESULTS_FILE));
      return { dir, source, report: parseRunReport(await readFile(join(dir, RESULTS_FILE), 'utf8'), source) };
    }),
  );
  const report = mergeRunReports(files);
  const dirOf = new Map(files.flatMap((f) => f.report.results.map((r) => [r.scenario, f.dir] as const)));
  await copyFailures(report, dirOf, out);

  const p = painterFor(process.stdout);
  console.log(`idemgate merge-reports: ${report.summary.scenarios} scenario(s) from ${dirs.length} shard(s)`);
  for (const r of report.results) for (const line of formatResult(r, p)) console.log(line);
  let exit: ExitCode = exitCodeFor(report.summary);
  let matrix: MatrixResult | undefined;
  // As unsharded `gate --mutate`: the mutants count only once every scenario passed.
  if (files[0]!.report.shard!.mutate) {
    if (exit === 0) {
      matrix = await readMatrices(dirs);
      exit = Math.max(exit, matrixExitCode(matrix)) as ExitCode;
    } else {
      console.log('\n(gate --mutate: the mutation matrix is not merged, since the scenarios did not all pass; unsharded, the mutants would not have run)');
    }
  }
  const written = await writeReports(out, report, { github: githubOptionsFromEnv() });
  if (matrix !== undefined) {
    console.log(`\n${formatMatrix(matrix)}`);
    const m = await writeMatrixReports(out, matrix);
    written.files.push(m.json, m.markdown);
  }
  console.log(`\n${formatSummary(report.summary, p)}`);
  console.log(`  ${runScopeText(report)}`);
  console.log(`  reports: ${written.files.map(shown).join(', ')}`);
  return exit;
}

/** The `merge-reports` command; returns the exit code of the unsharded run, or 2 when the shards cannot be merged. */
export async function mergeReportsCommand(argv: string[]): Promise<number> {
  try {
    return await mergeReports(argv);
  } catch (e) {
    console.error(`idemgate merge-reports: ${describeError(e)}`);
    return 2;
  }
}
