import { resolve } from 'node:path';
import type { IdemgateConfig } from '../config.ts';
import { IdemgateError } from '../errors.ts';
import type { ScenarioResult } from '../runner/result.ts';
import { loadScenarioTape, runScenario } from '../runner/run-scenario.ts';
import type { Scenario } from '../runner/scenario.ts';
import { openSession } from '../runner/session.ts';
import { markedMutants } from './regions.ts';
import { copyTarget, readSources } from './sources.ts';
import { configForCopy, mutationConfig } from './run.ts';

export interface WithoutGuardOptions {
  config: IdemgateConfig;
  rootDir: string;
  /** The marked guard to delete (every region of that name, in every file); undefined = the unmutated copy. */
  guard: string | undefined;
  scenario: Scenario;
  runs: number;
  seed: number;
  /** `null` forces PGlite; default: the config's database.url, else DATABASE_URL, else PGlite (`resolveDatabase`). */
  databaseUrl?: string | null;
  /** Extra env for the copy's process (e.g. a shorter timeout). */
  env?: Record<string, string>;
  /** Stop shrinking this long after the first failure (RunOptions.shrinkBudgetMs). Default: shrink fully. */
  shrinkBudgetMs?: number;
  /** Replays of a passing shrink candidate before it counts as passing (RunOptions.shrinkRetries): for races. */
  shrinkRetries?: number;
  /** A further hand-made change to the copy (its absolute root), for what no marker covers. */
  edit?: (copyDir: string) => Promise<void>;
}

/**
 * Runs one scenario against a copy of the target with one marked guard deleted, started as the
 * config's `mutation.start` says (a child process, migrating itself): the single-mutant version
 * of `idemgate mutate`, for tests that pin "deleting guard X is caught by invariant Y".
 *
 * @example
 * const r = await runWithoutGuard({ config, rootDir, guard: 'stripe-event-dedupe', scenario, runs: 30, seed: 1 });
 * r.status === 'failed' && r.counterexample.violations.some((v) => v.invariant === 'exactly-once-effect');
 */
export async function runWithoutGuard(options: WithoutGuardOptions): Promise<ScenarioResult> {
  const mutation = mutationConfig(options.config);
  const root = resolve(options.rootDir, mutation.root);
  const sources = await readSources(root, mutation.sources);
  const mutant = options.guard === undefined ? undefined : markedMutants(sources).find((m) => m.guard === options.guard);
  if (options.guard !== undefined && mutant === undefined) {
    throw new IdemgateError('CONFIG_INVALID', `no idemgate-guard region named "${options.guard}" under ${root}`);
  }
  const copy = await copyTarget(root, sources, mutant);
  try {
    await options.edit?.(copy.dir);
    const session = await openSession({
      config: configForCopy(options.config, copy.dir, options.env, options.scenario),
      rootDir: options.rootDir,
      tapes: [await loadScenarioTape(options.scenario, options.rootDir, options.config)],
      ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
    });
    try {
      return await runScenario(session, options.scenario, {
        runs: options.runs,
        seed: options.seed,
        ...(options.shrinkBudgetMs === undefined ? {} : { shrinkBudgetMs: options.shrinkBudgetMs }),
        ...(options.shrinkRetries === undefined ? {} : { shrinkRetries: options.shrinkRetries }),
      });
    } finally {
      await session.close();
    }
  } finally {
    await copy.remove();
  }
}

/** The invariants a result broke (empty when it passed). */
export const brokenInvariants = (result: ScenarioResult): string[] =>
  result.status === 'failed' ? [...new Set(result.counterexample.violations.map((v) => v.invariant))] : [];
