import type { IdemgateConfig } from '../config.ts';
import { describeError, errorCodeOf, errorMessageOf } from '../errors.ts';
import { adapterResolver } from '../providers/registry.ts';
import type { ScenarioResult } from './result.ts';
import { interruptedError, loadScenarioTape, prepareTape, runScenario, stepLabel, type RunOptions } from './run-scenario.ts';
import type { Scenario } from './scenario.ts';
import { crashConfigFor } from './crash-target.ts';
import { openSession, sessionDatabase, type Session } from './session.ts';
import { openWorkerPool, type WorkerPool } from './workers/pool.ts';
import { summarise, type RunSummary } from './verdict.ts';
import { timingPlan, type RecordedTiming, type TimingPlan } from '../replay/timing.ts';
import { cleanSchedule } from '../schedule/schedule.ts';

export interface SuiteOptions {
  config: IdemgateConfig;
  rootDir: string;
  scenarios: readonly Scenario[];
  runs?: number;
  seed?: number;
  path?: string;
  /** Force embedded PGlite even when DATABASE_URL is set. */
  pglite?: boolean;
  reportsDir: string;
  /** Called when a scenario starts, after each of its schedules, and when it ends. */
  progress?: SuiteProgress;
  /**
   * Executors for the schedules: this session plus `count - 1` worker threads, each with its own
   * target and database, loading `configFile` (see `workersFor` for when fewer are used).
   */
  workers?: { count: number; configFile: string };
  /**
   * Aborted (with the signal's name as reason) to stop the run: no schedule or scenario starts
   * after it, the session closes (targets, databases, workers), the scenarios that had not
   * finished are `errored` with code INTERRUPTED and the verdict is `interrupted`.
   */
  signal?: AbortSignal;
  /** Recorded timing for every schedule (`RunOptions.timing`): the scenarios then run on this session only. */
  timing?: RecordedTiming;
  /** Only each scenario's clean replay (`RunOptions.exact`). */
  exact?: boolean;
}

/** How many executors a suite uses, and why not more. */
export interface WorkerPlan {
  count: number;
  reason?: string;
}

/** Schedules an extra worker must have to be worth its start (a target, a database, the config loaded). */
export const SCHEDULES_PER_WORKER = 25;

/**
 * The executors a suite can use: as many as asked, but one for a target at a URL or on a fixed
 * port (one target, one database: schedules cannot run side by side) and no more than one per
 * SCHEDULES_PER_WORKER schedules.
 */
export function workersFor(config: IdemgateConfig, asked: number, schedules: number): WorkerPlan {
  const start = config.target.start;
  if (asked <= 1) return { count: 1 };
  if (start.kind === 'url') return { count: 1, reason: 'the target runs at a URL: one target, one database' };
  if (start.kind === 'command' && start.port !== undefined) return { count: 1, reason: `the target listens on fixed port ${start.port}` };
  const count = Math.max(1, Math.min(asked, Math.ceil(schedules / SCHEDULES_PER_WORKER)));
  return count < asked ? { count, reason: `${schedules} schedules keep ${count} busy` } : { count };
}

export interface SuiteProgress {
  start(scenario: Scenario, runs: number): void;
  schedule(scenario: Scenario, info: { done: number; failed: boolean; shrinking: boolean }): void;
  end(result: ScenarioResult): void;
  /** How many executors run the schedules (once, before the first scenario). */
  workers?(plan: WorkerPlan): void;
  /** Under recorded timing, what the scenario's clean replay will wait, before it starts. */
  timing?(scenario: Scenario, plan: TimingPlan): void;
}

/** A whole run as data: what the reports are built from (`runReport` in report/model.ts). */
export interface SuiteRun {
  /** ISO 8601. */
  startedAt: string;
  finishedAt: string;
  target: { baseUrl: string };
  database: 'pglite' | 'postgres';
  /** The counts and the verdict, decided here once. */
  summary: RunSummary;
  results: ScenarioResult[];
  /** Per failed scenario, a readable label for each exchange of its tape (index = exchange). */
  labels: Record<string, string[]>;
  /** Set when the harness could not start (every scenario is then `errored`). */
  setupError?: string;
}

/**
 * Runs scenarios on one session and decides the run's verdict. Never throws for a set-up failure
 * (bad tape, target down, database unreachable): every scenario is then reported `errored`, so
 * the reports written afterwards can never look green. With no scenarios it starts nothing and
 * the verdict is `nothing-ran`.
 */
export async function runSuite(options: SuiteOptions): Promise<SuiteRun> {
  const { config, rootDir, scenarios } = options;
  const started = performance.now();
  const startedAt = new Date();
  const results: ScenarioResult[] = [];
  const labels: Record<string, string[]> = {};
  let baseUrl = config.target.start.kind === 'url' ? config.target.start.baseUrl : '(target not started)';
  const sessionChoice = options.pglite ? { databaseUrl: null } : {};
  let database = sessionDatabase({ config, ...sessionChoice }).kind;
  let setupError: string | undefined;
  const interrupted = (): string | undefined => (options.signal?.aborted === true ? String(options.signal.reason) : undefined);
  // Nothing to run (an empty selection, or a shard with no share): no target or database to start.
  if (scenarios.length === 0) {
    return { startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), target: { baseUrl }, database, summary: summarise([], performance.now() - started, interrupted()), results, labels };
  }
  try {
    const tapes = await Promise.all(scenarios.map((s) => loadScenarioTape(s, rootDir, config)));
    // Every exchange is read by its provider before anything starts: an unknown provider or a
    // body its adapter cannot read is reported with its file and seq, not after the target started.
    const resolve = adapterResolver(config);
    for (const tape of tapes) prepareTape(tape, resolve);
    const session = await openSession({ config, rootDir, tapes, ...sessionChoice });
    baseUrl = session.target.baseUrl;
    database = session.database.kind;
    let pool: WorkerPool | undefined;
    // Scenarios that kill the target, when this one cannot be killed: a child-process target of their own.
    let crashSession: Session | undefined;
    try {
      const plan = options.workers === undefined || options.path !== undefined || options.timing !== undefined || options.exact === true ? { count: 1 } : workersFor(config, options.workers.count, scenarios.reduce((n, s) => n + (options.runs ?? s.runs), 0));
      if (plan.count > 1 && options.workers !== undefined) {
        pool = await openWorkerPool({
          configFile: options.workers.configFile,
          scenarios: scenarios.map((s) => s.name),
          size: plan.count - 1,
          ...(options.pglite ? { databaseUrl: null } : {}),
        });
      }
      options.progress?.workers?.(plan);
      for (const [i, scenario] of scenarios.entries()) {
        if (options.signal?.aborted === true) throw interruptedError(options.signal);
        const runs = options.runs ?? scenario.runs;
        options.progress?.start(scenario, runs);
        if (options.timing !== undefined) options.progress?.timing?.(scenario, timingPlan(tapes[i]!, cleanSchedule(tapes[i]!.exchanges.length), options.timing));
        const crashConfig = crashConfigFor(config, scenario);
        if (crashConfig !== undefined) crashSession ??= await openSession({ config: crashConfig, rootDir, tapes, ...sessionChoice });
        const runOptions: RunOptions = {
          runs,
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.path === undefined ? {} : { path: options.path }),
          reportsDir: options.reportsDir,
          tape: tapes[i]!,
          onSchedule: (info) => options.progress?.schedule(scenario, info),
          // The workers' targets are started from the config's own start: not this scenario's.
          ...(pool === undefined || crashConfig !== undefined ? {} : { workers: pool }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
          ...(options.timing === undefined ? {} : { timing: options.timing }),
          ...(options.exact === true ? { exact: true } : {}),
        };
        const result = await runScenario(crashConfig === undefined ? session : crashSession!, scenario, runOptions);
        results.push(result);
        if (result.status === 'failed') {
          const prepared = prepareTape(tapes[i]!, adapterResolver(config));
          const label = stepLabel(prepared);
          labels[scenario.name] = prepared.tape.exchanges.map((_, x) => label(x));
        }
        options.progress?.end(result);
      }
    } finally {
      await pool?.close();
      await crashSession?.close();
      await session.close();
    }
  } catch (caught) {
    // Stopped by a signal: whatever failed on the way (a target closed under a delivery) is the interruption.
    const e = options.signal?.aborted === true ? interruptedError(options.signal) : caught;
    if (options.signal?.aborted !== true) setupError = describeError(e);
    const code = errorCodeOf(e);
    for (const scenario of scenarios.slice(results.length)) {
      const result = erroredResult(scenario.name, code, errorMessageOf(e), database, options.seed ?? 0);
      results.push(result);
      options.progress?.end(result);
    }
  }
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    target: { baseUrl },
    database,
    summary: summarise(results, performance.now() - started, interrupted()),
    results,
    labels,
    ...(setupError === undefined ? {} : { setupError }),
  };
}

/** A scenario (or the set-up, before any scenario was known) that could not run: `errored`, with the cause. */
function erroredResult(scenario: string, code: ReturnType<typeof errorCodeOf>, message: string, database: SuiteRun['database'], seed: number): ScenarioResult {
  return { scenario, status: 'errored', error: { code, message }, database, durationMs: 0, schedules: 0, invariantChecks: 0, notApplicable: [], invariants: [], seed };
}

/**
 * The run of a command that failed before any scenario could start (a config that does not load,
 * an unknown scenario, bad flags): one `errored` result named `set-up` carrying the cause, so the
 * reports written from it replace any earlier green ones.
 */
export function setupErroredRun(e: unknown, database: SuiteRun['database'] = 'pglite', interrupted?: string): SuiteRun {
  const now = new Date().toISOString();
  const results = [erroredResult('set-up', errorCodeOf(e), errorMessageOf(e), database, 0)];
  return { startedAt: now, finishedAt: now, target: { baseUrl: '(target not started)' }, database, summary: summarise(results, 0, interrupted), results, labels: {}, setupError: describeError(e) };
}
