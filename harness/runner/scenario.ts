import { IdemgateError } from '../errors.ts';
import type { Fault } from '../faults/index.ts';
import type { Invariant } from '../invariants/invariant.ts';
import type { ScenarioExtension } from './extension.ts';

export interface ScenarioDefinition {
  /** Unique, kebab-case; used by `--scenario` and in reports. */
  name: string;
  description?: string;
  /** Tape files, relative to the project root (the config file's folder). Merged in recorded-time order. */
  tapes: string[];
  /** Faults composed into each schedule; an empty list replays the tape clean. */
  faults: Fault[];
  /** At most this many fault edits per schedule. Default 6. */
  maxEdits?: number;
  /** Default: every built-in invariant. */
  invariants?: Invariant[];
  /** Schedules explored per run. Default 100 (`--runs` overrides). */
  runs?: number;
  /**
   * Explore subsets of the tape's entities (orders, payments) so a failure shrinks to the few
   * entities that matter. Default true; false always replays every exchange.
   */
  subsetEntities?: boolean;
  /** Traffic and faults beyond webhook deliveries (upstream faults, reconciliation files). */
  extensions?: ScenarioExtension[];
}

const SCENARIO = Symbol.for('idemgate.scenario');

export interface Scenario extends Required<Omit<ScenarioDefinition, 'description' | 'invariants'>> {
  readonly [SCENARIO]: true;
  description: string;
  invariants: Invariant[] | undefined;
}

export const isScenario = (value: unknown): value is Scenario =>
  typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SCENARIO] === true;

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Declares a scenario. Misuse throws at once with a clear message.
 *
 * @example
 * export const scenario = defineScenario({
 *   name: 'stripe-duplicates',
 *   tapes: ['fixtures/tapes/stripe.jsonl'],
 *   faults: [sequentialDuplicates({ maxGap: 3 }), concurrentDuplicates({ maxWidth: 4 })],
 * });
 */
export function defineScenario(definition: ScenarioDefinition): Scenario {
  if (!NAME.test(definition.name)) {
    throw new IdemgateError('SCENARIO_INVALID', `scenario name "${definition.name}" must be kebab-case (a-z, 0-9, -)`);
  }
  if (definition.tapes.length === 0) {
    throw new IdemgateError('SCENARIO_INVALID', `scenario "${definition.name}" names no tape`);
  }
  const extensionNames = (definition.extensions ?? []).map((e) => e.name);
  const repeated = extensionNames.find((n, i) => extensionNames.indexOf(n) !== i);
  if (repeated !== undefined) {
    throw new IdemgateError('SCENARIO_INVALID', `scenario "${definition.name}" has two extensions named "${repeated}"`);
  }
  const runs = definition.runs ?? 100;
  if (!Number.isInteger(runs) || runs < 1) {
    throw new IdemgateError('SCENARIO_INVALID', `scenario "${definition.name}": runs must be a positive integer, got ${runs}`);
  }
  return {
    [SCENARIO]: true,
    name: definition.name,
    description: definition.description ?? '',
    tapes: definition.tapes,
    faults: definition.faults,
    maxEdits: definition.maxEdits ?? 6,
    invariants: definition.invariants,
    runs,
    subsetEntities: definition.subsetEntities ?? true,
    extensions: definition.extensions ?? [],
  };
}
