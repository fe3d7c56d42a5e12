import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import type { IdemgateConfig } from '../config.ts';
import type { MutationConfig, MutationOperatorName } from './config.ts';
import { describeError, IdemgateError } from '../errors.ts';
import { interruptedError, loadScenarioTape, runScenario } from '../runner/run-scenario.ts';
import { killsTarget } from '../runner/crash-target.ts';
import type { Scenario } from '../runner/scenario.ts';
import { openSession, sessionDatabase, type Session } from '../runner/session.ts';
import { shardOf, type Shard } from '../runner/shard.ts';
import type { Tape } from '../tape/schema.ts';
import type { Mutant, SourceFile } from './mutant.ts';
import { ALL_OPERATORS, collectMutants } from './operators/index.ts';
import type { CleanResult, MatrixResult, MutantResult } from './result.ts';
import { copyTarget, readSources } from './sources.ts';

export interface MatrixOptions {
  config: IdemgateConfig;
  /** The config's folder: mutation.root, tapes and reports resolve against it. */
  rootDir: string;
  scenarios: readonly Scenario[];
  operators?: readonly MutationOperatorName[];
  /** Only these mutant ids (guard names for marked mutants). */
  only?: readonly string[];
  /**
   * Only the mutants this keeps, e.g. those in the files a diff changed (`gate --base`). Applied
   * to the plan before sharding, so every shard splits the same kept plan.
   */
  keep?: (mutant: Mutant) => boolean;
  /** Schedules per scenario per mutant. Default 60. */
  runs?: number;
  /**
   * The runs are spread over this many rounds, each running every scenario with its share of the
   * runs and its own seed (`seed + round`): a mutant that one scenario catches is found after a
   * few schedules of each scenario instead of after every schedule of the scenarios before it.
   * Default 3.
   */
  rounds?: number;
  /** fast-check seed, the same for every mutant. Default 1. */
  seed?: number;
  /**
   * Per mutant. Default: 120 s, or 4 × the unmutated run's time when that is longer (a survivor
   * runs the whole suite, as the clean run did, while other mutants share the cores).
   */
  timeoutMs?: number;
  timeoutKills?: boolean;
  /**
   * How long a killed mutant's failing schedule is shrunk before its verdict is taken (the
   * reported length is then the smallest found in that time). Default 20 s.
   */
  shrinkBudgetMs?: number;
  /**
   * Replay every entity of each tape in every schedule (RunOptions.subsetEntities false), so each
   * drawn fault lands on traffic that is there: with the few runs a matrix affords, subsets of one
   * or two entities rarely hold the pair a guard is about. Default true.
   */
  wholeTapes?: boolean;
  /** Mutants at once. Default os.cpus().length. */
  concurrency?: number;
  /** `null` forces PGlite; default: the config's database.url, else DATABASE_URL, else PGlite (`resolveDatabase`). */
  databaseUrl?: string | null;
  /**
   * Aborted (reason: the signal's name) to stop the matrix, as `idemgate run` stops: no mutant
   * starts after it, the running ones stop between schedules and close their target and database,
   * and the result says `interrupted` (the mutants that had not finished are left out).
   */
  signal?: AbortSignal;
  /** Called as each mutant finishes (progress). */
  onResult?: (result: MutantResult, done: number, total: number) => void;
  onClean?: (result: CleanResult) => void;
  /**
   * Run only this shard's mutants: mutant k of the plan goes to shard (k mod count) + 1. The
   * unmutated target still runs first on every shard (its mutants count only if it passes).
   */
  shard?: Shard;
}

export function mutationConfig(config: IdemgateConfig): MutationConfig {
  if (config.mutation === undefined) {
    throw new IdemgateError(
      'CONFIG_INVALID',
      'idemgate mutate needs a `mutation` section in idemgate.config.ts: { root, start: (copyDir) => TargetStart }',
    );
  }
  return config.mutation;
}

/** Lists the mutants a run would make, without running them. */
export async function planMutants(
  config: IdemgateConfig,
  rootDir: string,
  operators: readonly MutationOperatorName[],
  only?: readonly string[],
): Promise<{ sources: SourceFile[]; mutants: Mutant[] }> {
  const mutation = mutationConfig(config);
  const sources = await readSources(resolve(rootDir, mutation.root), mutation.sources);
  let mutants = collectMutants(sources, operators);
  if (only !== undefined && only.length > 0) {
    const unknown = only.filter((id) => !mutants.some((m) => m.id === id));
    if (unknown.length > 0) {
      throw new IdemgateError('USAGE', `unknown mutant ${unknown.join(', ')}; known: ${mutants.map((m) => m.id).join(', ')}`);
    }
    mutants = mutants.filter((m) => only.includes(m.id));
  }
  return { sources, mutants };
}

function runCommand(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const shown = `\`${command} ${args.join(' ')}\``;
    child.on('error', (e) => fail(new IdemgateError('MUTATION_FAILED', `${shown} could not start: ${e.message}`, { cause: e, details: { command } })));
    child.on('exit', (code) =>
      code === 0 ? done() : fail(new IdemgateError('MUTATION_FAILED', `${shown} exited with ${code}: ${output.slice(-800)}`, { details: { command } })),
    );
  });
}

interface SuiteOutcome {
  status: 'passed' | 'failed' | 'errored';
  scenario?: string;
  invariants?: string[];
  shrunkLength?: number;
  replayCommand?: string;
  schedules: number;
  message?: string;
}

/** Wall time and schedules each scenario took on one copy (the clean run's set the mutants' order). */
type ScenarioTimings = Map<string, { ms: number; schedules: number }>;

type PlanItem = ReturnType<typeof suitePlan>[number];

/**
 * A plan's items handed out one at a time to the copies that run it: one copy for a mutant, every
 * copy of the clean run at once (each takes the next item when it is done with one, so a long
 * scenario on one copy does not hold up the rest). `stop` hands out nothing more.
 */
export interface PlanQueue {
  take(): PlanItem | undefined;
  stop(): void;
}

export function planQueue(items: readonly PlanItem[]): PlanQueue {
  let next = 0;
  return {
    take: () => items[next++],
    stop: () => {
      next = items.length;
    },
  };
}

/**
 * The config a copy of the target runs under: started from the copy as `mutation.start` says
 * (with `env` added for a command), migrating itself — the harness must not migrate with the
 * original schema.
 */
export function configForCopy(config: IdemgateConfig, copyDir: string, env?: Record<string, string>, scenario?: Pick<Scenario, 'faults'>): IdemgateConfig {
  const mutation = mutationConfig(config);
  // A scenario that kills the target runs on the copy started for crashing, when the config has one.
  const start = scenario !== undefined && killsTarget(scenario) && mutation.crashStart !== undefined ? mutation.crashStart(copyDir) : mutation.start(copyDir);
  // The copy's own worker code runs beside it (a guard in the worker is mutated there too).
  const workers = mutation.workers?.(copyDir);
  return {
    ...config,
    target: {
      ...config.target,
      start: start.kind === 'command' && env ? { ...start, env: { ...start.env, ...env } } : start,
      ...(workers === undefined ? {} : { workers: env ? { ...workers, start: { ...workers.start, env: { ...workers.start.env, ...env } } } : workers }),
    },
    database: { ...config.database, migrate: undefined },
  };
}

/**
 * Copies, mutates and starts one target, then runs the plan's items it takes until the first one
 * fails (and then stops the plan). With `timings` it records each scenario's time there.
 */
async function runScenariosOnCopy(
  options: MatrixOptions,
  tapes: readonly Tape[],
  sources: readonly SourceFile[],
  mutant: Mutant | undefined,
  signal: CancelSignal,
  plan: PlanQueue,
  timings?: ScenarioTimings,
): Promise<SuiteOutcome> {
  const mutation = mutationConfig(options.config);
  const root = resolve(options.rootDir, mutation.root);
  const copy = await copyTarget(root, sources, mutant);
  let schedules = 0;
  try {
    if (mutant?.operator === 'unique' && mutation.regenerate !== undefined) {
      const args = (mutation.regenerate.args ?? []).map((a) => a.replaceAll('{copyDir}', copy.dir));
      await runCommand(mutation.regenerate.command, args, copy.dir);
    }
    const config = configForCopy(options.config, copy.dir);
    if (signal.cancelled) return { status: 'errored', schedules, message: 'cancelled' };
    if (options.signal?.aborted === true) return { status: 'errored', schedules, message: interruptedError(options.signal).message };
    const session = await openSession({
      config,
      rootDir: options.rootDir,
      tapes,
      ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
    });
    // The scenarios that kill the target, on the copy started for crashing (mutation.crashStart).
    let crashSession: Session | undefined;
    signal.onCancel = async () => {
      await crashSession?.close();
      await session.close();
    };
    try {
      for (let item = plan.take(); item !== undefined; item = plan.take()) {
        const { scenario, runs, seed } = item;
        if (signal.cancelled) break;
        const crashes = killsTarget(scenario) && mutation.crashStart !== undefined;
        if (crashes) {
          crashSession ??= await openSession({
            config: configForCopy(options.config, copy.dir, undefined, scenario),
            rootDir: options.rootDir,
            tapes,
            ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
          });
        }
        const result = await runScenario(crashes ? crashSession! : session, scenario, {
          runs,
          seed,
          shrinkBudgetMs: options.shrinkBudgetMs ?? 20_000,
          ...(options.wholeTapes === false ? {} : { subsetEntities: false }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
        schedules += result.schedules;
        const spent = timings?.get(scenario.name) ?? { ms: 0, schedules: 0 };
        timings?.set(scenario.name, { ms: spent.ms + result.durationMs, schedules: spent.schedules + result.schedules });
        if (result.status !== 'passed') plan.stop();
        if (result.status === 'errored') {
          return { status: 'errored', scenario: scenario.name, schedules, message: `${scenario.name}: ${result.error.message}` };
        }
        if (result.status === 'failed') {
          const invariants = [...new Set(result.counterexample.violations.map((v) => v.invariant))];
          return {
            status: 'failed',
            scenario: scenario.name,
            invariants,
            shrunkLength: result.counterexample.steps.length,
            replayCommand: result.replayCommand,
            schedules,
          };
        }
      }
      return { status: 'passed', schedules };
    } finally {
      await crashSession?.close();
      await session.close();
    }
  } catch (e) {
    plan.stop();
    return { status: 'errored', schedules, message: describeError(e) };
  } finally {
    await copy.remove();
  }
}

/**
 * What runs against every copy (the clean one included, so a mutant meets exactly the schedules
 * the clean target passed): round by round, each scenario with its share of the runs and the
 * round's seed. With `cost` (ms per schedule, measured on the clean target) the scenarios of each
 * round run cheapest first, so a mutant that a cheap scenario catches never waits on an
 * expensive one; with `aim`, the scenarios whose traffic the mutant is named after go before the
 * rest (see `aimedAt`). The schedules are the same in any order (each starts from an empty database).
 *
 * @example
 * suitePlan({ scenarios: [a, b], runs: 10, rounds: 3, seed: 1 });
 * // a 4 runs seed 1, b 4 runs seed 1, a 3 runs seed 2, b 3 runs seed 2, a 3 runs seed 3, b 3 runs seed 3
 */
export function suitePlan(
  options: Pick<MatrixOptions, 'scenarios' | 'runs' | 'rounds' | 'seed'>,
  cost?: ReadonlyMap<string, number>,
  aim?: MutantAim,
): { scenario: Scenario; runs: number; seed: number; round: number }[] {
  const total = options.runs ?? 60;
  const rounds = roundsOf(options);
  const seed = options.seed ?? 1;
  const aimed = aim === undefined ? () => 0 : aimedAt(aim);
  const ordered = [...options.scenarios].sort(
    (a, b) => aimed(b) - aimed(a) || (cost === undefined ? 0 : (cost.get(a.name) ?? Infinity) - (cost.get(b.name) ?? Infinity)),
  );
  const plan: { scenario: Scenario; runs: number; seed: number; round: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    // The first rounds take the remainder, so the shares add up to `total`.
    const runs = Math.floor(total / rounds) + (round < total % rounds ? 1 : 0);
    for (const scenario of ordered) plan.push({ scenario, runs, seed: seed + round, round });
  }
  return plan;
}

/** What a plan for one mutant is aimed by: the mutant's files and guard, and each scenario's providers. */
export interface MutantAim {
  mutant: { guard: string; changes: readonly { file: string }[] };
  /** The providers on each scenario's tapes, by scenario name. */
  providers: ReadonlyMap<string, ReadonlySet<string>>;
}

const words = (text: string): string[] => text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '');

/**
 * 1 for a scenario the mutant is named after — a word of the scenario's name, or a provider on its
 * tape (`stripe`, or `fpx` for `fpx-indirect`), is a word of a mutated file's path or of the
 * guard's name — else 0.
 * A guard in `handlers/stripe.ts` is then tried first on the Stripe traffic that reaches it; the
 * schedules are the same, only their order changes.
 */
function aimedAt({ mutant, providers }: MutantAim): (scenario: Scenario) => number {
  const named = new Set([...mutant.changes.flatMap((c) => words(c.file)), ...words(mutant.guard)]);
  return (scenario) => {
    if (words(scenario.name).some((w) => named.has(w))) return 1;
    for (const provider of providers.get(scenario.name) ?? []) {
      const [first] = words(provider);
      if (named.has(provider.toLowerCase()) || (first !== undefined && named.has(first))) return 1;
    }
    return 0;
  };
}

/** Rounds the runs are spread over: as asked (default 3), at least 1, never more than the runs. */
const roundsOf = (options: Pick<MatrixOptions, 'runs' | 'rounds'>): number => Math.max(1, Math.min(options.rounds ?? 3, options.runs ?? 60));

type CancelSignal = { cancelled: boolean; onCancel?: () => Promise<void> };

/**
 * One plan run by `copies` copies at once, each taking the next item when done with one. The
 * outcome is a failure if any copy failed (a broken invariant before an error), with every copy's
 * schedules counted; cancelling cancels every copy.
 */
async function runSharedPlan(
  copies: number,
  signal: CancelSignal,
  runCopy: (signal: CancelSignal, plan: PlanQueue) => Promise<SuiteOutcome>,
  items: readonly PlanItem[],
): Promise<SuiteOutcome> {
  const queue = planQueue(items);
  const signals: CancelSignal[] = Array.from({ length: copies }, () => ({ cancelled: false }));
  signal.onCancel = async () => {
    for (const s of signals) s.cancelled = true;
    await Promise.all(signals.map((s) => s.onCancel?.()));
  };
  const outcomes = await Promise.all(signals.map((s) => runCopy(s, queue)));
  const schedules = outcomes.reduce((n, o) => n + o.schedules, 0);
  const bad = outcomes.find((o) => o.status === 'failed') ?? outcomes.find((o) => o.status === 'errored');
  return { ...(bad ?? { status: 'passed' }), schedules };
}

async function withTimeout(
  run: (signal: CancelSignal) => Promise<SuiteOutcome>,
  timeoutMs: number,
): Promise<SuiteOutcome | 'timed-out'> {
  const signal: CancelSignal = { cancelled: false };
  let timer: NodeJS.Timeout | undefined;
  const running = run(signal);
  const timeout = new Promise<'timed-out'>((done) => {
    timer = setTimeout(() => done('timed-out'), timeoutMs);
  });
  const first = await Promise.race([running, timeout]);
  clearTimeout(timer);
  if (first !== 'timed-out') return first;
  // Stop the hung target and its database; the suite then ends on its own with errors we ignore.
  signal.cancelled = true;
  await signal.onCancel?.().catch(() => {});
  await running.catch(() => {});
  return 'timed-out';
}

/**
 * The config's `mutation.ignore`, checked against the mutants there are: an entry naming no
 * mutant of any operator is an error. Mutants asked for by id (`only`) are never ignored.
 */
function ignoredMutants(options: MatrixOptions, sources: readonly SourceFile[]): Map<string, string> {
  const ignore = mutationConfig(options.config).ignore ?? {};
  const known = new Set(collectMutants(sources, ALL_OPERATORS).map((m) => m.id));
  const stale = Object.keys(ignore).filter((id) => !known.has(id));
  if (stale.length > 0) {
    throw new IdemgateError('CONFIG_INVALID', `mutation.ignore names no mutant: ${stale.join(', ')} (a guard renamed or removed? drop the entry)`);
  }
  return new Map(Object.entries(ignore).filter(([id]) => !(options.only ?? []).includes(id)));
}

const elapsed = (since: number): number => Math.round((performance.now() - since) / 100) / 10;

/**
 * The kill matrix: the unmutated target first (it must pass), then every mutant in its own copy
 * and database, up to `concurrency` at once. Never throws for a surviving mutant; set-up errors
 * (no mutation config, bad markers) throw.
 */
export async function runMatrix(options: MatrixOptions): Promise<MatrixResult> {
  const started = performance.now();
  const operators = [...(options.operators ?? options.config.mutation?.operators ?? ALL_OPERATORS)];
  const plan = await planMutants(options.config, options.rootDir, operators, options.only);
  const { sources } = plan;
  const planned = options.keep === undefined ? plan.mutants : plan.mutants.filter(options.keep);
  const mutants = options.shard === undefined ? planned : shardOf(planned, options.shard);
  const shard: Pick<MatrixResult, 'shard'> =
    options.shard === undefined ? {} : { shard: { ...options.shard, planned: planned.map((m) => m.id) } };
  const ignore = ignoredMutants(options, sources);
  if (options.scenarios.length === 0) throw new IdemgateError('USAGE', 'no scenarios to run against the mutants');
  const tapes = await Promise.all(options.scenarios.map((s) => loadScenarioTape(s, options.rootDir, options.config)));
  const providers = new Map(options.scenarios.map((s, i) => [s.name, new Set(tapes[i]!.exchanges.map((x) => x.provider))]));
  let timeoutMs = options.timeoutMs ?? 120_000;
  const concurrency = Math.max(1, options.concurrency ?? cpus().length);
  const settings: MatrixResult['settings'] = {
    runs: options.runs ?? 60,
    rounds: roundsOf(options),
    seed: options.seed ?? 1,
    operators,
    timeoutS: 0,
    timeoutKills: options.timeoutKills ?? false,
    concurrency,
    database: sessionDatabase(options).kind,
    scenarios: options.scenarios.map((s) => s.name),
  };

  const cleanStart = performance.now();
  // The clean run sets the pace; it only has to be stopped if it truly hangs.
  const cleanTimeoutMs = options.timeoutMs ?? 600_000;
  const timings: ScenarioTimings = new Map();
  // The unmutated target runs on as many copies as mutants will, sharing its plan: it is the one
  // run every mutant waits for.
  const cleanPlan = suitePlan(options);
  const copies = Math.max(1, Math.min(concurrency, cleanPlan.length));
  const cleanRun = await withTimeout((signal) => runSharedPlan(copies, signal, (copySignal, queue) => runScenariosOnCopy(options, tapes, sources, undefined, copySignal, queue, timings), cleanPlan), cleanTimeoutMs);
  const clean: CleanResult =
    cleanRun === 'timed-out'
      ? { status: 'errored', seconds: elapsed(cleanStart), schedules: 0, copies, message: `the unmutated target timed out after ${cleanTimeoutMs / 1000} s` }
      : {
          status: cleanRun.status,
          seconds: elapsed(cleanStart),
          schedules: cleanRun.schedules,
          copies,
          ...(cleanRun.scenario === undefined ? {} : { scenario: cleanRun.scenario }),
          ...(cleanRun.invariants === undefined ? {} : { invariants: cleanRun.invariants }),
          ...(cleanRun.message === undefined ? {} : { message: cleanRun.message }),
        };
  options.onClean?.(clean);
  const stopped = (): boolean => options.signal?.aborted === true;
  const interrupted = (): Pick<MatrixResult, 'interrupted'> => (stopped() ? { interrupted: String(options.signal!.reason) } : {});
  if (stopped()) return { clean, mutants: [], settings, wallSeconds: elapsed(started), ...shard, ...interrupted() };
  if (options.timeoutMs === undefined) timeoutMs = Math.max(timeoutMs, Math.ceil(clean.seconds * 4) * 1000);
  settings.timeoutS = timeoutMs / 1000;
  if (clean.status !== 'passed') return { clean, mutants: [], settings, wallSeconds: elapsed(started), ...shard };
  const cost = new Map([...timings].map(([name, t]) => [name, t.ms / Math.max(1, t.schedules)]));

  const results: MutantResult[] = new Array(mutants.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < mutants.length && !stopped(); i = next++) {
      const mutant = mutants[i]!;
      const reason = ignore.get(mutant.id);
      if (reason !== undefined) {
        const { id, operator, guard, file, line, description } = mutant;
        const result: MutantResult = { id, operator, guard, file, line, description, status: 'ignored', reason, seconds: 0, schedules: 0 };
        results[i] = result;
        options.onResult?.(result, ++done, mutants.length);
        continue;
      }
      const t0 = performance.now();
      const plan = planQueue(suitePlan(options, cost, { mutant, providers }));
      const outcome = await withTimeout((signal) => runScenariosOnCopy(options, tapes, sources, mutant, signal, plan), timeoutMs);
      const base = {
        id: mutant.id,
        operator: mutant.operator,
        guard: mutant.guard,
        file: mutant.file,
        line: mutant.line,
        description: mutant.description,
        seconds: elapsed(t0),
      };
      let result: MutantResult;
      if (outcome === 'timed-out') result = { ...base, status: 'timed-out', schedules: 0 };
      else if (outcome.status === 'failed') {
        result = {
          ...base,
          status: 'killed',
          schedules: outcome.schedules,
          scenario: outcome.scenario!,
          invariants: outcome.invariants ?? [],
          shrunkLength: outcome.shrunkLength ?? 0,
          replayCommand: `npx idemgate mutate --mutant ${mutant.id} --seed ${settings.seed} --runs ${settings.runs} --rounds ${settings.rounds}`,
        };
      } else if (outcome.status === 'passed') result = { ...base, status: 'survived', schedules: outcome.schedules };
      else result = { ...base, status: 'errored', schedules: outcome.schedules, error: outcome.message ?? 'unknown error' };
      // Cut short by the signal: not a verdict on this mutant, so it is left out.
      if (stopped() && result.status !== 'killed') continue;
      results[i] = result;
      options.onResult?.(result, ++done, mutants.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, mutants.length) }, () => worker()));
  return { clean, mutants: results.filter((r) => r !== undefined), settings, wallSeconds: elapsed(started), ...shard, ...interrupted() };
}
