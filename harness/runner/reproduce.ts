import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IdemgateError } from '../errors.ts';
import type { LedgerRow, Violation } from '../invariants/invariant.ts';
import { adapterResolver } from '../providers/registry.ts';
import { stepExchanges, type Schedule } from '../schedule/schedule.ts';
import type { Tape, TapeHeader, ExchangeInput } from '../tape/schema.ts';
import { exchangeSchema, tapeHeaderSchema } from '../tape/schema.ts';
import { findConfigFile, loadConfig, loadScenarios } from './load.ts';
import { executeSchedule, invariantsOf, prepareTape, replayerFor, type ScenarioRunContext } from './run-scenario.ts';
import { openSession } from './session.ts';

/** One failure as data, all a test needs to replay it: what `idemgate emit-test` writes into the test file. */
export interface Reproduction {
  /** The scenario whose invariants and extensions judge it (found in the config's scenarios folder). */
  scenario: string;
  /** The exchanges the schedule delivers (indexes in `schedule` are into these), with the recorded upstream answers. */
  tape: { header: TapeHeader; exchanges: ExchangeInput[] };
  /** The shrunk schedule: which exchange goes when, concurrent groups, lost acknowledgements, crashes. */
  schedule: Schedule;
  /** The scenario extensions' drawn data (upstream faults), by extension name. */
  extensions?: Record<string, unknown>;
  /**
   * `clean-replay`: the schedule's ledger is compared with a clean replay of the same exchanges
   * (`ledger-matches-clean-replay`), as in the run that found it. `none`: the failure was in the
   * clean replay itself.
   */
  baseline: 'clean-replay' | 'none';
}

export interface ReproduceOptions {
  /** The config file (default: idemgate.config.ts in this folder or a parent). */
  config?: string | URL;
  /** PostgreSQL URL, `null` for embedded PGlite; default: DATABASE_URL, else PGlite. */
  databaseUrl?: string | null;
}

/**
 * Replays one failure exactly, as data (no seed, no fast-check path, no tape file), on a fresh
 * session of the configured target, and returns what the scenario's invariants say. The test
 * `idemgate emit-test` writes asserts `violations` is empty: it fails while the bug is there and
 * passes once it is fixed.
 *
 * @example
 * const { violations } = await reproduce(reproduction, { config: new URL('../idemgate.config.ts', import.meta.url) });
 */
export async function reproduce(r: Reproduction, options: ReproduceOptions = {}): Promise<{ violations: Violation[]; checked: number }> {
  const configFile = options.config === undefined ? findConfigFile() : options.config instanceof URL ? fileURLToPath(options.config) : resolve(options.config);
  const { config, rootDir } = await loadConfig(configFile);
  const scenarios = await loadScenarios(resolve(rootDir, config.scenarios ?? 'scenarios'));
  const scenario = scenarios.find((s) => s.name === r.scenario);
  if (scenario === undefined) {
    throw new IdemgateError('SCENARIO_INVALID', `scenario "${r.scenario}" is not in ${config.scenarios ?? 'scenarios'}/ of ${configFile} (known: ${scenarios.map((s) => s.name).join(', ')})`);
  }
  const tape: Tape = {
    header: tapeHeaderSchema.parse(r.tape.header),
    exchanges: r.tape.exchanges.map((e) => exchangeSchema.parse(e)),
    file: `reproduction of ${r.scenario}`,
  };
  const session = await openSession({ config, rootDir, tapes: [tape], ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }) });
  const replayer = replayerFor(session, tape);
  try {
    const prepared = prepareTape(tape, adapterResolver(config));
    const run: ScenarioRunContext = { session, prepared, invariants: invariantsOf(scenario), extensions: scenario.extensions, replayer };
    const draw = r.extensions === undefined ? {} : { extensions: r.extensions };
    let baseline: LedgerRow[] | undefined;
    if (r.baseline === 'clean-replay' && session.ledger !== undefined) {
      // Every exchange the schedule delivers, once, in tape order: the oracle the run compared with.
      const delivered = [...new Set(r.schedule.steps.flatMap(stepExchanges))].sort((a, b) => a - b);
      await executeSchedule(run, { steps: delivered.map((exchange) => ({ kind: 'send', delivery: { exchange } })) }, {}, undefined);
      baseline = await session.ledger.rows();
    }
    const executed = await executeSchedule(run, r.schedule, draw, baseline);
    return { violations: executed.violations, checked: executed.checked };
  } finally {
    await replayer.close();
    await session.close();
  }
}
