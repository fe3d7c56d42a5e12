import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describeError, IdemgateError } from '../errors.ts';
import { guardOutput } from './output.ts';
import { parseCommandArgs, unknownScenario } from './args.ts';
import type { GateBase } from './gate-base.ts';
import type { MatrixResult } from '../mutate/result.ts';
import { didYouMean } from '../_internals/suggest.ts';
import { formatSummary, painterFor } from '../report/console.ts';
import { runReport, runScopeText, type ShardRecord, type Signoff } from '../report/model.ts';
import { findConfigFile, loadConfig, loadScenarios } from '../runner/load.ts';
import { CLIENT_API_TAPE } from '../providers/client-api/template.ts';
import type { Scenario } from '../runner/scenario.ts';
import { parseShard, shardLabel, shardOf, type Shard } from '../runner/shard.ts';
import { exitCodeFor, summarise, type ExitCode } from '../runner/verdict.ts';
import { recordedTiming, type RecordedTiming } from '../replay/timing.ts';

const TOOL_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const EXIT_CODES_TEXT = `Exit codes: 0 every applicable invariant held; 1 an invariant broke (or a mutant survived); 2 the harness
could not run (bad config or arguments, target never healthy, database unreachable), nothing ran,
or nothing was checked (every invariant was not applicable: it had nothing to judge); 130/143 run
or gate was stopped by SIGINT/SIGTERM (reports say interrupted; a second signal exits at once).`;

const HELP = `idemgate — prove a payment backend is idempotent

Usage: idemgate <command> [options]      (idemgate <command> --help lists a command's options)

Commands:
  run            Run scenarios (all by default) against the configured target and write the reports.
  gate           The CI gate: run the whole suite (and, with --mutate, the guard-mutation matrix).
  list           List the scenarios.
  doctor         Before a long run: check the config against the running service (endpoints,
                 signatures, ledger and entity mappings, env vars) and say what to fix.
  mutate         Make one mutant of the target per guard and prove every one is caught.
  merge-reports  Merge the reports folders of every shard of a --shard run into one set of reports.
  init           In your service's repo: infer and write idemgate.config.ts, a sample scenario,
                 test keys, tapes and a GitHub Actions workflow.
  fpx-file       Write the FPX reconciliation file a tape's approved payments settle in on a date.
  record         Record a service's webhook traffic (and its provider API calls) into a tape, as a proxy.
  import         Turn an incident's traffic (Stripe events, HAR files, an inbox export, FPX logs)
                 into a tape.
  emit-test      Pin a saved failure (reports/failures/<scenario>.json) as a self-contained vitest
                 file, and as a curl script.
  help [COMMAND] This overview, or a command's help.
  --version      The installed idemgate's version.

${EXIT_CODES_TEXT}`;

const RUN_FLAGS = `  --scenario NAME   run only this scenario (repeatable)
  --runs N          schedules per scenario (default: each scenario's own, usually 100)
  --seed N          fast-check seed (printed on every failure)
  --path P          fast-check path of a counterexample: with --seed, replays exactly that schedule
  --timing MODE     recorded: wait the recorded gap (from each exchange's recordedAt) before each
                    exchange's first delivery, in every schedule; none (the default): back to back
  --speed N         with recorded timing, divide every gap by N (10 = ten times faster; 0.5 = half
                    speed); must be positive
  --max-gap S       with recorded timing, wait at most S seconds per gap (default 60)
  --exact           replay each scenario's tape once as recorded: the clean replay only, no faults,
                    at recorded timing unless --timing none; not with --runs, --seed or --path
  --shard I/N       run only shard I of N (1-based): every N-th scenario of the selection from the
                    I-th, each exactly as in the unsharded run; merge the shards with merge-reports
  --config FILE     config file (default: idemgate.config.ts in this folder or a parent)
  --pglite          use embedded PGlite even when DATABASE_URL is set
  --workers N       run schedules on N executors, each with its own target and database (default:
                    the core count; 1 for a target at a URL or on a fixed port, and at most one per
                    25 schedules). The verdict and counterexample for a seed are the same for any N.
  --reports DIR     where reports and shrunk schedules go (default: reports/ next to the config)`;

const BASE_FLAG_HELP = `  --base REF        compare the mutation sources with git REF (branch, tag or commit; the working
                    tree, uncommitted and untracked files included): a guard region the diff
                    removes fails the gate before any scenario runs (unless the config's
                    mutation.allowRemovedGuards names it); then, once the scenarios pass, run the
                    mutation matrix for the mutants in the changed files only, and report which
                    scenario killed each touched guard's mutant`;

const ENVIRONMENT = `Environment: DATABASE_URL=postgres://… runs against real PostgreSQL (a fresh database is created and dropped).
CI=true keeps the output quiet (no progress bar, no colours).`;

const RUN_HELP = `idemgate run — run scenarios against the configured target and write the reports

Usage:
  idemgate run [--scenario NAME]... [--runs N] [--seed N] [--path P] [--timing recorded|none] [--speed N] [--max-gap S] [--exact] [--shard I/N] [--config FILE] [--pglite] [--workers N] [--reports DIR]

Options:
${RUN_FLAGS}

${EXIT_CODES_TEXT}

${ENVIRONMENT}`;

const GATE_HELP = `idemgate gate — the CI gate: the whole suite, and with --mutate the guard-mutation matrix

Usage:
  idemgate gate [--mutate] [--base REF] [--signoff] [--scenario NAME]... [--runs N] [--seed N] [--shard I/N] [--config FILE] [--pglite] [--workers N] [--reports DIR]

Options:
  --mutate          once every scenario passes, run the mutation matrix (see idemgate mutate --help)
${BASE_FLAG_HELP}
  --signoff         record the target's git commit and a hash of scenarios, seeds and tapes, so the
                    run can be repeated bit for bit (pins a seed when none is given)
${RUN_FLAGS}

${EXIT_CODES_TEXT}

${ENVIRONMENT}`;

const LIST_HELP = `idemgate list — list the scenarios: name, runs, description

Usage:
  idemgate list [--config FILE] [--shard I/N]

Options:
  --config FILE     config file (default: idemgate.config.ts in this folder or a parent)
  --shard I/N       list only the scenarios shard I of N runs`;

const RUN_OPTIONS = {
  scenario: { type: 'string', multiple: true },
  runs: { type: 'string' },
  seed: { type: 'string' },
  path: { type: 'string' },
  config: { type: 'string' },
  pglite: { type: 'boolean' },
  workers: { type: 'string' },
  reports: { type: 'string' },
  shard: { type: 'string' },
  timing: { type: 'string' },
  speed: { type: 'string' },
  'max-gap': { type: 'string' },
  exact: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
const GATE_OPTIONS = { ...RUN_OPTIONS, mutate: { type: 'boolean' }, signoff: { type: 'boolean' }, base: { type: 'string' } } as const;
const LIST_OPTIONS = { config: { type: 'string' }, shard: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
/** What run, gate and list parse: each takes its own subset of gate's options. */
type SuiteValues = ReturnType<typeof parseCommandArgs<typeof GATE_OPTIONS>>['values'];

/** The commands this module runs itself, with their help. */
const SUITE_HELP = { run: RUN_HELP, gate: GATE_HELP, list: LIST_HELP } as const;
type SuiteCommand = keyof typeof SUITE_HELP;
const isSuiteCommand = (c: string): c is SuiteCommand => Object.hasOwn(SUITE_HELP, c);

function parseSuiteArgs(command: SuiteCommand, args: string[]): SuiteValues {
  if (command === 'gate') return parseCommandArgs(command, args, GATE_OPTIONS).values;
  if (command === 'list') return parseCommandArgs(command, args, LIST_OPTIONS).values;
  return parseCommandArgs(command, args, RUN_OPTIONS, false, { mutate: 'gate', signoff: 'gate', base: 'gate' }).values;
}

/** Commands in their own module, loaded when used: each parses its own arguments and has its own help. */
const MODULE_COMMANDS: Readonly<Record<string, () => Promise<{ command: (argv: string[]) => Promise<number>; help: string }>>> = {
  mutate: async () => {
    const m = await import('./mutate.ts');
    return { command: m.mutateCommand, help: m.MUTATE_HELP };
  },
  init: async () => {
    const m = await import('./init.ts');
    return { command: m.initCommand, help: m.INIT_HELP };
  },
  'fpx-file': async () => {
    const m = await import('./fpx-file.ts');
    return { command: m.fpxFileCommand, help: m.FPX_FILE_HELP };
  },
  doctor: async () => {
    const m = await import('./doctor.ts');
    return { command: m.doctorCommand, help: m.DOCTOR_HELP };
  },
  record: async () => {
    const m = await import('./record.ts');
    return { command: m.recordCommand, help: m.RECORD_HELP };
  },
  'emit-test': async () => {
    const m = await import('./emit-test.ts');
    return { command: m.emitTestCommand, help: m.EMIT_TEST_HELP };
  },
  'merge-reports': async () => {
    const m = await import('./merge-reports.ts');
    return { command: m.mergeReportsCommand, help: m.MERGE_REPORTS_HELP };
  },
  import: async () => {
    const m = await import('./import.ts');
    return { command: m.importCommand, help: m.IMPORT_HELP };
  },
};

const COMMAND_NAMES = [...Object.keys(SUITE_HELP), ...Object.keys(MODULE_COMMANDS), 'help'];

const unknownCommand = (word: string): IdemgateError =>
  new IdemgateError('USAGE', `unknown command "${word}"${didYouMean(word, COMMAND_NAMES)} (idemgate --help lists the commands)`);

/** `idemgate help [COMMAND]`: the overview, or that command's own help. */
async function helpFor(topic: string | undefined): Promise<string> {
  if (topic === undefined || topic === 'help') return HELP;
  if (isSuiteCommand(topic)) return SUITE_HELP[topic];
  const load = MODULE_COMMANDS[topic];
  if (load === undefined) throw unknownCommand(topic);
  return (await load()).help;
}

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new IdemgateError('USAGE', `--${name} must be a non-negative integer, got "${v}"`);
  return n;
}

function pick(all: readonly Scenario[], wanted: readonly string[]): Scenario[] {
  const unknown = wanted.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) throw unknownScenario(unknown, all);
  return wanted.length > 0 ? all.filter((s) => wanted.includes(s.name)) : [...all];
}

/** git's answer in the config's folder, or undefined outside git. */
function git(rootDir: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: rootDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/**
 * sha256 over scenario names, runs, tapes and the tapes' bytes, and the seed (and, when given,
 * the config file's bytes first); with the sha256 of each tape file by path.
 */
function suiteHash(
  rootDir: string,
  scenarios: readonly Scenario[],
  seed: number | undefined,
  runs: number | undefined,
  configFile?: string,
): { hash: string; tapes: Record<string, string> } {
  const hash = createHash('sha256');
  if (configFile !== undefined) hash.update(readFileSync(configFile));
  const tapes: Record<string, string> = {};
  for (const scenario of scenarios) {
    hash.update(JSON.stringify({ name: scenario.name, runs: runs ?? scenario.runs, tapes: scenario.tapes, maxEdits: scenario.maxEdits }));
    for (const tape of scenario.tapes) {
      // A tape made from the config's templates is pinned by the config file hashed above and its spec.
      const digest = createHash('sha256').update(CLIENT_API_TAPE.test(tape) ? tape : readFileSync(resolve(rootDir, tape))).digest('hex');
      tapes[tape] = digest;
      hash.update(digest);
    }
  }
  hash.update(String(seed ?? null));
  return { hash: hash.digest('hex'), tapes };
}

/** What a sign-off pins so the same run can be repeated bit for bit. */
function signoffRecord(rootDir: string, scenarios: readonly Scenario[], seed: number, runs: number | undefined): Signoff {
  const { hash, tapes } = suiteHash(rootDir, scenarios, seed, runs);
  const commit = git(rootDir, ['rev-parse', 'HEAD']);
  const dirty = git(rootDir, ['status', '--porcelain']);
  return {
    commit: commit ?? null,
    dirty: dirty === undefined ? null : dirty.length > 0,
    seed,
    tapes,
    suiteHash: hash,
    rerun: `npx idemgate gate --signoff --seed ${seed}${runs === undefined ? '' : ` --runs ${runs}`}`,
  };
}

/** What a shard's results.json records so merge-reports can tell that the shards belong together. */
function shardRecord(
  shard: Shard,
  command: 'run' | 'gate',
  o: { rootDir: string; configFile: string; scenarios: readonly Scenario[]; seed: number | undefined; runs: number | undefined; mutate: boolean },
): ShardRecord {
  return {
    index: shard.index,
    count: shard.count,
    command,
    scenarios: o.scenarios.map((s) => s.name),
    seed: o.seed ?? null,
    runs: o.runs ?? null,
    mutate: o.mutate,
    suiteHash: suiteHash(o.rootDir, o.scenarios, o.seed, o.runs, o.configFile).hash,
    commit: git(o.rootDir, ['rev-parse', 'HEAD']) ?? null,
  };
}

async function run(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  // Bare `idemgate` prints the overview: the suite takes minutes and runs only when asked by name.
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(HELP);
    return 0;
  }
  if (command === 'help') {
    console.log(await helpFor(args[0]));
    return 0;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    console.log(TOOL_VERSION);
    return 0;
  }
  if (command.startsWith('-')) {
    throw new IdemgateError('USAGE', `idemgate needs a command before ${command}: did you mean idemgate run ${argv.join(' ')}? (idemgate --help lists the commands)`);
  }
  if (command === 'mutate') {
    // Stopped like run: the matrix ends between schedules, its copies' targets and databases are
    // closed, mutation.json/md say interrupted, and idemgate exits 130/143.
    const { mutateCommand } = await import('./mutate.ts');
    const interrupt = onInterrupt();
    try {
      const exit = await mutateCommand(args, { signal: interrupt.signal });
      return interrupt.exitCode() ?? exit;
    } finally {
      interrupt.dispose();
    }
  }
  const load = MODULE_COMMANDS[command];
  if (load !== undefined) return (await load()).command(args);
  if (!isSuiteCommand(command)) throw unknownCommand(command);
  if (command === 'list') return suiteCommand(command, args, {});
  // Every exit 2 of run and gate leaves reports that say errored, with the cause: a failure
  // before the scenarios start (a config that does not load, an unknown scenario, bad flags)
  // must not leave an earlier run's green reports standing.
  const where: { reportsDir?: string } = {};
  const interrupt = onInterrupt();
  try {
    const exit = await suiteCommand(command, args, where, interrupt.signal);
    return interrupt.exitCode() ?? exit;
  } catch (e) {
    const dir = where.reportsDir ?? defaultReportsDir(args);
    const signal = interrupt.signal.aborted ? String(interrupt.signal.reason) : undefined;
    if (dir !== undefined && !isFile(dir)) {
      const [{ setupErroredRun }, { writeReports }] = await Promise.all([import('../runner/suite.ts'), import('../report/write.ts')]);
      const report = runReport(setupErroredRun(e, 'pglite', signal), { name: 'idemgate', version: TOOL_VERSION });
      await writeReports(dir, report).catch(() => undefined);
    }
    if (signal !== undefined) {
      console.error(`idemgate: ${describeError(e)}`);
      return interrupt.exitCode()!;
    }
    throw e;
  } finally {
    interrupt.dispose();
  }
}

/** How long the clean-up after a signal may take before idemgate exits regardless. */
const INTERRUPT_GRACE_MS = 10_000;
const SIGNAL_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * SIGINT and SIGTERM during run or gate: the first aborts the returned signal (its reason is the
 * signal's name) so the run stops between schedules, closes its session (targets' process groups,
 * PGlite sockets, worker threads), drops its databases and writes reports marked `interrupted`;
 * idemgate then exits 128 + the signal's number. A second signal, or a clean-up that takes longer
 * than INTERRUPT_GRACE_MS, exits at once (targets' groups are killed on exit by targets/start.ts).
 */
function onInterrupt(): { signal: AbortSignal; exitCode(): number | undefined; dispose(): void } {
  const controller = new AbortController();
  let received: keyof typeof SIGNAL_EXIT | undefined;
  const handler = (signal: keyof typeof SIGNAL_EXIT): void => {
    if (received !== undefined) {
      console.error(`idemgate: ${signal} again: exiting now`);
      process.exit(SIGNAL_EXIT[received]);
    }
    received = signal;
    console.error(`idemgate: ${signal}: stopping, closing the target and database and writing the reports (${signal} again exits at once)`);
    controller.abort(signal);
    const code = SIGNAL_EXIT[signal];
    setTimeout(() => {
      console.error(`idemgate: clean-up after ${signal} took over ${INTERRUPT_GRACE_MS / 1000} s: exiting`);
      process.exit(code);
    }, INTERRUPT_GRACE_MS).unref();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    exitCode: () => (received === undefined ? undefined : SIGNAL_EXIT[received]),
    // The handlers stay once a signal came: a second one must still exit at once while idemgate winds down.
    dispose: () => {
      if (received !== undefined) return;
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** A flag's value read leniently from arguments that did not parse (`--config F` or `--config=F`). */
function rawFlag(args: readonly string[], name: string): string | undefined {
  for (const [i, a] of args.entries()) {
    if (a === `--${name}`) return args[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

/** Where the reports go when the command failed before it knew more: --reports, else reports/ beside the config. */
function defaultReportsDir(args: readonly string[]): string | undefined {
  try {
    const config = resolve(rawFlag(args, 'config') ?? findConfigFile());
    return resolve(dirname(config), rawFlag(args, 'reports') ?? 'reports');
  } catch {
    return undefined;
  }
}

const isFile = (path: string): boolean => existsSync(path) && !statSync(path).isDirectory();

/** A positive number of a flag, or USAGE. */
function positive(name: string, v: string | undefined, hint = ''): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new IdemgateError('USAGE', `--${name} must be a positive number, got "${v}"${hint}`);
  return n;
}

/** --timing, --speed, --max-gap and --exact, checked against each other and the flags they contradict. */
function replayPace(values: SuiteValues): { timing?: RecordedTiming; exact: boolean } {
  const exact = values.exact === true;
  if (values.timing !== undefined && values.timing !== 'recorded' && values.timing !== 'none') {
    throw new IdemgateError('USAGE', `--timing must be recorded or none, got "${values.timing}"`);
  }
  if (exact) {
    const contradicts = (['runs', 'seed', 'path', 'mutate', 'base', 'signoff'] as const).filter((f) => values[f] !== undefined && values[f] !== false);
    if (contradicts.length > 0) {
      throw new IdemgateError('USAGE', `--exact replays the tape once, clean: it draws no schedule and injects no fault, so ${contradicts.map((f) => `--${f}`).join(', ')} cannot apply (drop ${contradicts.length === 1 ? 'it' : 'them'}, or drop --exact to explore faults)`);
    }
  }
  const speed = positive('speed', values.speed, ' (10 = ten times faster); for no waits at all use --timing none');
  const maxGap = positive('max-gap', values['max-gap'], ' of seconds');
  const recorded = values.timing === 'recorded' || (exact && values.timing === undefined);
  if (!recorded && (speed !== undefined || maxGap !== undefined)) {
    throw new IdemgateError('USAGE', `--${speed !== undefined ? 'speed' : 'max-gap'} scales the recorded gaps: it needs --timing recorded (or --exact)${values.timing === 'none' ? ', not --timing none' : ''}`);
  }
  if (!recorded) return { exact };
  return { exact, timing: recordedTiming({ ...(speed === undefined ? {} : { speed }), ...(maxGap === undefined ? {} : { maxGapMs: maxGap * 1000 }) }) };
}

async function suiteCommand(command: SuiteCommand, args: string[], where: { reportsDir?: string }, signal?: AbortSignal): Promise<number> {
  const values = parseSuiteArgs(command, args);
  if (values.help) {
    console.log(SUITE_HELP[command]);
    return 0;
  }
  const runs = int('runs', values.runs);
  let seed = int('seed', values.seed);
  if (values.path !== undefined && seed === undefined) throw new IdemgateError('USAGE', '--path needs the --seed it was found with');
  if (runs === 0) throw new IdemgateError('USAGE', '--runs must be at least 1');
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (shard !== undefined && values.path !== undefined) {
    throw new IdemgateError('USAGE', '--path replays one schedule of one scenario: it cannot be split with --shard');
  }
  if (shard !== undefined && values.signoff && seed === undefined) {
    throw new IdemgateError('USAGE', '--signoff with --shard needs --seed: every shard of a sign-off must pin the same seed');
  }

  const pace = replayPace(values);

  const configFile = resolve(values.config ?? findConfigFile());
  where.reportsDir = resolve(dirname(configFile), values.reports ?? 'reports');
  const { config, rootDir } = await loadConfig(configFile);
  const reportsDir = resolve(rootDir, values.reports ?? config.reportsDir ?? 'reports');
  if (isFile(reportsDir)) {
    throw new IdemgateError('USAGE', `the reports folder ${reportsDir} is a file: pass --reports with a folder (it is created if missing)`);
  }
  where.reportsDir = reportsDir;
  const workers = int('workers', values.workers) ?? availableParallelism();
  if (workers < 1) throw new IdemgateError('USAGE', '--workers must be at least 1');
  const all = await loadScenarios(resolve(rootDir, config.scenarios ?? 'scenarios'));
  if (command === 'list') {
    for (const s of shard === undefined ? all : shardOf(all, shard)) console.log(`${s.name.padEnd(32)} ${s.runs} runs  ${s.description}`);
    return 0;
  }
  const scenarios = pick(all, values.scenario ?? []);
  // Every shard computes the same selection and runs its share of it, each scenario as unsharded.
  const mine = shard === undefined ? scenarios : shardOf(scenarios, shard);
  // A sign-off must be repeatable: it pins a seed even when none was given.
  if (values.signoff && seed === undefined) seed = (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
  const p = painterFor(process.stdout);
  const scope = shard === undefined ? '' : `shard ${shardLabel(shard)}: ${mine.length} of `;
  console.log(`idemgate ${command}: ${scope}${scenarios.length} scenario(s)${seed === undefined ? '' : `, seed ${seed}`}${pace.exact ? ', exact replay (the clean replay only, no faults)' : ''}`);
  // gate --base: a removed guard fails here, before any scenario runs.
  let gateBase: GateBase | undefined;
  if (values.base !== undefined) {
    const { checkDiff } = await import('./gate-base.ts');
    const checked = await checkDiff({ config, rootDir, base: values.base, reportsDir });
    if ('exit' in checked) return checked.exit;
    gateBase = checked;
  }
  if (shard !== undefined && mine.length === 0) {
    console.log(
      `shard ${shardLabel(shard)} gets none of the ${scenarios.length} scenario(s): with more shards than scenarios some shards run nothing (use --shard I/${Math.max(1, scenarios.length)} at most); this shard is reported as NOTHING RAN and merge-reports counts it as empty`,
    );
  }
  if (shard !== undefined && (values.mutate || values.base !== undefined)) {
    // merge-reports reads this shard's mutation.json: one left from an earlier run must not stand
    // in for a matrix this run did not write (skipped, or the matrix could not run).
    await Promise.all(['mutation.json', 'mutation.md'].map((f) => rm(join(reportsDir, f), { force: true })));
  }
  // Loaded only now: `--help`, `--version`, `list` and usage errors answer without the engine.
  const [{ runSuite }, { createProgress }, { githubOptionsFromEnv, writeReports }, gateBaseReport] = await Promise.all([
    import('../runner/suite.ts'),
    import('../report/progress.ts'),
    import('../report/write.ts'),
    gateBase === undefined ? undefined : import('./gate-base.ts'),
  ]);
  const suite = await runSuite({
    config,
    rootDir,
    scenarios: mine,
    ...(runs === undefined ? {} : { runs }),
    ...(seed === undefined ? {} : { seed }),
    ...(values.path === undefined ? {} : { path: values.path }),
    pglite: values.pglite === true,
    workers: { count: workers, configFile },
    reportsDir,
    progress: createProgress(process.stdout, p),
    ...(signal === undefined ? {} : { signal }),
    ...(pace.timing === undefined ? {} : { timing: pace.timing }),
    ...(pace.exact ? { exact: true } : {}),
  });
  // A signal after the last scenario (during the matrix or the reports) still makes the run interrupted.
  const markInterrupted = (): void => {
    if (signal?.aborted === true && suite.summary.verdict !== 'interrupted') suite.summary = summarise(suite.results, suite.summary.wallMs, String(signal.reason));
  };
  markInterrupted();
  let exit = exitCodeFor(suite.summary);
  // The mutants run once the scenarios pass; a shard that got no scenarios still runs its share
  // of the mutants, since the merged run's scenarios may well pass.
  const scenariosPassed = exit === 0 || (shard !== undefined && mine.length === 0);
  let matrix: MatrixResult | undefined;
  if (gateBase !== undefined && gateBase.planned.length === 0) {
    console.log('\nno mutant in the changed files: the mutation matrix did not run');
  } else if ((values.mutate || gateBase !== undefined) && scenariosPassed) {
    const { mutateCommand } = await import('./mutate.ts');
    const mutateArgs = [
      '--reports',
      reportsDir,
      ...(values.config ? ['--config', values.config] : []),
      ...(values.pglite ? ['--pglite'] : []),
      ...(seed === undefined ? [] : ['--seed', String(seed)]),
      ...(runs === undefined ? [] : ['--runs', String(runs)]),
      ...(values.scenario ?? []).flatMap((s) => ['--scenario', s]),
      ...(shard === undefined ? [] : ['--shard', shardLabel(shard)]),
    ];
    // --base runs only the mutants in the changed files.
    const onMatrix = (r: MatrixResult): void => {
      matrix = r;
    };
    const hooks = { ...(gateBase === undefined ? {} : { keep: gateBase.keep, onMatrix }), ...(signal === undefined ? {} : { signal }) };
    const mutateExit = await mutateCommand(mutateArgs, hooks);
    exit = Math.max(exit, mutateExit) as ExitCode;
  }
  markInterrupted();
  const report = runReport(suite, { name: 'idemgate', version: TOOL_VERSION }, {
    ...(values.signoff ? { signoff: signoffRecord(rootDir, scenarios, seed!, runs) } : {}),
    ...(shard === undefined
      ? {}
      : { shard: shardRecord(shard, command, { rootDir, configFile, scenarios, seed, runs, mutate: values.mutate === true || (gateBase?.planned.length ?? 0) > 0 }) }),
    ...(gateBase === undefined || gateBaseReport === undefined ? {} : { diff: gateBaseReport.diffRecord(gateBase, matrix) }),
  });
  const written = await writeReports(reportsDir, report, { github: githubOptionsFromEnv() });
  console.log(`\n${formatSummary(suite.summary, p)}`);
  const scopeText = runScopeText(report);
  if (scopeText !== undefined) console.log(`  ${scopeText}`);
  if (report.diff !== undefined && gateBaseReport !== undefined) for (const line of gateBaseReport.formatDiffRecord(report.diff)) console.log(line);
  if (report.signoff) console.log(`  sign-off: suite ${report.signoff.suiteHash.slice(0, 16)}…, rerun: ${report.signoff.rerun}`);
  console.log(`  reports: ${written.files.map((f) => relative(process.cwd(), f)).join(', ')} (${written.ms.toFixed(0)} ms)`);
  return exit;
}

export async function main(argv: string[]): Promise<number> {
  guardOutput();
  try {
    return await run(argv);
  } catch (e) {
    console.error(`idemgate: ${describeError(e)}`);
    return 2;
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${resolve(process.argv[1])}`).href;
if (isEntry) process.exitCode = await main(process.argv.slice(2));
