import { resolve } from 'node:path';
import { describeError, IdemgateError } from '../errors.ts';
import { parseCommandArgs, unknownScenario } from './args.ts';
import { ALL_OPERATORS, parseOperators } from '../mutate/operators/index.ts';
import { formatMatrix, writeMatrixReports } from '../mutate/report.ts';
import { seconds } from '../_internals/format.ts';
import type { Mutant } from '../mutate/mutant.ts';
import { matrixExitCode, type MatrixResult } from '../mutate/result.ts';
import { planMutants, runMatrix } from '../mutate/run.ts';
import { findConfigFile, loadConfig, loadScenarios } from '../runner/load.ts';
import { parseShard, shardLabel, shardOf } from '../runner/shard.ts';

export const MUTATE_HELP = `idemgate mutate — prove every dropped idempotency guard fails the build

Usage:
  idemgate mutate [--operators LIST] [--mutant ID]... [--scenario NAME]... [--runs N] [--rounds N] [--shrink-budget S] [--subsets] [--seed N]
                  [--timeout S] [--timeout-kills] [--jobs N] [--shard I/N] [--pglite] [--list] [--config FILE] [--reports DIR]

Makes one mutant of the target per guard (config \`mutation\`: the source root and how to start a
copy), runs the scenarios against each mutant in its own temp copy and database, and prints the
kill matrix. Writes reports/mutation.json and reports/mutation.md.
Exit 0 every mutant killed and the unmutated target passes; 1 a mutant survived (the guard no
scenario protects is named) or the unmutated target fails; 2 the harness could not run.

Options:
  --operators LIST  comma-separated: marked,on-conflict,for-update,unique,transaction,early-return,status-condition
                    (default: the config's mutation.operators, else all)
  --mutant ID       run only this mutant (a guard name, or an id from --list); repeatable
  --scenario NAME   run only this scenario against each mutant (repeatable; default all)
  --runs N          schedules per scenario per mutant (default 60)
  --rounds N        spread the runs over N rounds, each running every scenario with its share and
                    seed+round, so a mutant one scenario catches is found early (default 3)
  --shrink-budget S seconds to shrink a killing schedule before the verdict (default 20)
  --subsets         explore entity subsets as the scenarios do (default: every entity of the tape in
                    every schedule, so each fault lands on traffic that is there)
  --seed N          fast-check seed, the same for every mutant (default 1)
  --timeout S       seconds per mutant before it is stopped and reported "timed out"
                    (default: 120, or 4 × the unmutated run's time when longer)
  --timeout-kills   count a timed-out mutant as killed
  --jobs N          mutants at once (default: the number of CPU cores)
  --shard I/N       run only shard I of N (1-based): every N-th mutant of the plan from the I-th;
                    the unmutated target runs on every shard; merge with idemgate merge-reports
  --pglite          use embedded PGlite even when DATABASE_URL is set
  --list            list the mutants and exit`;

/** What `gate --base` adds to a matrix it runs through this command. */
export interface MutateHooks {
  /** Only the mutants this keeps (MatrixOptions.keep). */
  keep?: (mutant: Mutant) => boolean;
  /** Called with the matrix once it has run. */
  onMatrix?: (result: MatrixResult) => void;
  /** Aborted by SIGINT/SIGTERM (reason: its name): the matrix stops and its reports say interrupted. */
  signal?: AbortSignal;
}

async function mutate(argv: string[], hooks: MutateHooks): Promise<number> {
  const { values } = parseCommandArgs('mutate', argv, {
      operators: { type: 'string' },
      mutant: { type: 'string', multiple: true },
      scenario: { type: 'string', multiple: true },
      runs: { type: 'string' },
      rounds: { type: 'string' },
      'shrink-budget': { type: 'string' },
      subsets: { type: 'boolean' },
      seed: { type: 'string' },
      timeout: { type: 'string' },
      'timeout-kills': { type: 'boolean' },
      jobs: { type: 'string' },
      shard: { type: 'string' },
      pglite: { type: 'boolean' },
      list: { type: 'boolean' },
      config: { type: 'string' },
      reports: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(MUTATE_HELP);
    return 0;
  }
  const int = (name: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new IdemgateError('USAGE', `--${name} must be an integer ≥ ${min}, got "${v}"`);
    return n;
  };
  const runs = int('runs', values.runs, 1);
  const rounds = int('rounds', values.rounds, 1);
  const shrinkS = int('shrink-budget', values['shrink-budget'], 0);
  const seed = int('seed', values.seed, 0);
  const timeoutS = int('timeout', values.timeout, 1);
  const jobs = int('jobs', values.jobs, 1);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  const { config, rootDir } = await loadConfig(values.config ?? findConfigFile());
  const operators = values.operators === undefined ? undefined : parseOperators(values.operators);

  if (values.list) {
    const { mutants } = await planMutants(config, rootDir, operators ?? config.mutation?.operators ?? ALL_OPERATORS, values.mutant);
    for (const m of shard === undefined ? mutants : shardOf(mutants, shard)) console.log(`${m.id.padEnd(44)} ${m.operator.padEnd(16)} ${m.file}:${m.line}  ${m.description}`);
    return 0;
  }

  const all = await loadScenarios(resolve(rootDir, config.scenarios ?? 'scenarios'));
  const wanted = values.scenario ?? [];
  const unknown = wanted.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) throw unknownScenario(unknown, all);
  const scenarios = wanted.length > 0 ? all.filter((s) => wanted.includes(s.name)) : all;

  const result = await runMatrix({
    config,
    rootDir,
    scenarios,
    ...(operators === undefined ? {} : { operators }),
    ...(values.mutant === undefined ? {} : { only: values.mutant }),
    ...(hooks.keep === undefined ? {} : { keep: hooks.keep }),
    ...(runs === undefined ? {} : { runs }),
    ...(rounds === undefined ? {} : { rounds }),
    ...(shrinkS === undefined ? {} : { shrinkBudgetMs: shrinkS * 1000 }),
    ...(values.subsets ? { wholeTapes: false } : {}),
    ...(seed === undefined ? {} : { seed }),
    ...(timeoutS === undefined ? {} : { timeoutMs: timeoutS * 1000 }),
    ...(jobs === undefined ? {} : { concurrency: jobs }),
    ...(shard === undefined ? {} : { shard }),
    timeoutKills: values['timeout-kills'] ?? false,
    ...(values.pglite ? { databaseUrl: null } : {}),
    ...(hooks.signal === undefined ? {} : { signal: hooks.signal }),
    onClean: (c) => console.log(`idemgate mutate: unmutated target ${c.status} in ${seconds(c.seconds)}${c.message ? ` — ${c.message}` : ''}`),
    onResult: (r, done, total) =>
      console.log(`  [${done}/${total}] ${r.id}: ${r.status}${r.invariants ? ` by ${r.invariants.join(', ')}` : ''}${r.error ? ` — ${r.error}` : ''}${r.reason ? ` — ${r.reason}` : ''} (${seconds(r.seconds)})`),
  });
  hooks.onMatrix?.(result);
  console.log(`\n${formatMatrix(result)}`);
  if (result.clean.status === 'failed') {
    console.log(`\nthe unmutated target fails scenario ${result.clean.scenario} (${(result.clean.invariants ?? []).join(', ')}): fix it before mutating`);
  }
  const written = await writeMatrixReports(resolve(rootDir, values.reports ?? config.reportsDir ?? 'reports'), result);
  console.log(`\nwrote ${written.json} and ${written.markdown}`);
  if (result.shard !== undefined) {
    const { index, count, planned } = result.shard;
    console.log(`shard ${index}/${count}: ${result.mutants.length} of ${planned.length} mutant(s); the whole matrix's verdict is the one idemgate merge-reports makes of every shard's reports`);
    // A shard with nothing to mutate proves nothing on its own (more shards than mutants).
    if (shardOf(planned, result.shard).length === 0) {
      console.log(`shard ${shardLabel(result.shard)} gets none of the ${planned.length} mutant(s): use --shard I/${Math.max(1, planned.length)} at most; exit 2`);
      return Math.max(2, matrixExitCode(result));
    }
  }
  return matrixExitCode(result);
}

/** `idemgate mutate …` (argv without the subcommand); returns the exit code. */
export async function mutateCommand(argv: string[], hooks: MutateHooks = {}): Promise<number> {
  try {
    return await mutate(argv, hooks);
  } catch (e) {
    console.error(`idemgate mutate: ${describeError(e)}`);
    return 2;
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${resolve(process.argv[1])}`).href;
if (isEntry) process.exitCode = await mutateCommand(process.argv.slice(2));
