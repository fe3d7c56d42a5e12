/**
 * The vitest entry point: `scenarioTest(scenario)` registers a scenario as a vitest test.
 * Kept out of the main barrel so loading a config or the CLI never imports vitest; and vitest
 * (an optional peer dependency) is imported only under vitest, so the CLI loads a scenario file
 * in a project that has no vitest installed.
 */
import type * as Vitest from 'vitest';
import { formatResult } from './report/console.ts';
import { findConfigFile, loadConfig } from './runner/load.ts';
import { loadScenarioTape, runScenario } from './runner/run-scenario.ts';
import type { Scenario } from './runner/scenario.ts';
import { crashConfigFor } from './runner/crash-target.ts';
import { openSession, type Session } from './runner/session.ts';

/**
 * A scenario test is bounded by its runs; the timeout only stops a hang. 5 s a schedule is a wide
 * margin over the slowest seen (100 Shopee schedules in 118 s on 2 cores shared with other jobs),
 * and never less than vitest's usual 120 s.
 */
const timeoutFor = (runs: number): number => Math.max(120_000, runs * 5_000);

const vitest: typeof Vitest | undefined = process.env.VITEST ? await import('vitest') : undefined;

/**
 * Registers a scenario as a vitest test when the file runs under vitest (so `vitest -t name`
 * and watch mode work); does nothing when the CLI imports the file. Runs: IDEMGATE_RUNS or the
 * scenario's own count; seed: IDEMGATE_SEED or random (printed on failure).
 */
export function scenarioTest(scenario: Scenario): void {
  if (vitest === undefined) return;
  const { afterAll, beforeAll, describe, expect, it } = vitest;
  describe(`scenario ${scenario.name}`, () => {
    let session: Session | undefined;
    beforeAll(async () => {
      const { config, rootDir } = await loadConfig(findConfigFile(), 'native');
      // A scenario that kills the target runs on the config's crashStart when its start cannot be killed.
      session = await openSession({ config: crashConfigFor(config, scenario) ?? config, rootDir, tapes: [await loadScenarioTape(scenario, rootDir)] });
    });
    afterAll(async () => {
      await session?.close();
    });
    const runs = Number(process.env.IDEMGATE_RUNS ?? scenario.runs);
    it(`holds every invariant over ${runs} faulted schedules`, async () => {
      const seed = process.env.IDEMGATE_SEED === undefined ? undefined : Number(process.env.IDEMGATE_SEED);
      const result = await runScenario(session!, scenario, {
        runs,
        ...(seed === undefined ? {} : { seed }),
        reportsDir: `${session!.rootDir}/reports`,
      });
      if (result.status !== 'passed') expect.fail(formatResult(result).join('\n'));
      expect(result.schedules).toBeGreaterThanOrEqual(runs);
    }, timeoutFor(runs));
  });
}
