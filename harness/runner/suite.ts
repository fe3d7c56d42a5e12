import type { IdemgateConfig } from '../config.ts';
import { describeError, errorCodeOf, errorMessageOf } from '../errors.ts';
import { adapterResolver } from '../providers/registry.ts';
import type { ScenarioResult } from './result.ts';
import { loadScenarioTape, prepareTape, runScenario, stepLabel, type RunOptions } from './run-scenario.ts';
import type { Scenario } from './scenario.ts';
import { openSession, sessionDatabase } from './session.ts';
import { summarise, type RunSummary } from './verdict.ts';

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
}

export interface SuiteProgress {
  start(scenario: Scenario, runs: number): void;
  schedule(scenario: Scenario, info: { done: number; failed: boolean; shrinking: boolean }): void;
  end(result: ScenarioResult): void;
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
  // Nothing to run (an empty selection, or a shard with no share): no target or database to start.
  if (scenarios.length === 0) {
    return { startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), target: { baseUrl }, database, summary: summarise([], performance.now() - started), results, labels };
  }
  try {
    const tapes = await Promise.all(scenarios.map((s) => loadScenarioTape(s, rootDir)));
    const session = await openSession({ config, rootDir, tapes, ...sessionChoice });
    baseUrl = session.target.baseUrl;
    database = session.database.kind;
    try {
      for (const [i, scenario] of scenarios.entries()) {
        const runs = options.runs ?? scenario.runs;
        options.progress?.start(scenario, runs);
        const runOptions: RunOptions = {
          runs,
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.path === undefined ? {} : { path: options.path }),
          reportsDir: options.reportsDir,
          tape: tapes[i]!,
          onSchedule: (info) => options.progress?.schedule(scenario, info),
        };
        const result = await runScenario(session, scenario, runOptions);
        results.push(result);
        if (result.status === 'failed') {
          const prepared = prepareTape(tapes[i]!, adapterResolver(config.adapters));
          const label = stepLabel(prepared);
          labels[scenario.name] = prepared.tape.exchanges.map((_, x) => label(x));
        }
        options.progress?.end(result);
      }
    } finally {
      await session.close();
    }
  } catch (e) {
    setupError = describeError(e);
    const code = errorCodeOf(e);
    for (const scenario of scenarios.slice(results.length)) {
      const result: ScenarioResult = {
        scenario: scenario.name,
        status: 'errored',
        error: { code, message: errorMessageOf(e) },
        database,
        durationMs: 0,
        schedules: 0,
        invariantChecks: 0,
        invariants: [],
        seed: options.seed ?? 0,
      };
      results.push(result);
      options.progress?.end(result);
    }
  }
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    target: { baseUrl },
    database,
    summary: summarise(results, performance.now() - started),
    results,
    labels,
    ...(setupError === undefined ? {} : { setupError }),
  };
}
