/**
 * idemgate's public API. Named exports only; everything else is internal.
 *
 * @example
 * // idemgate.config.ts
 * import { defineConfig } from 'idemgate';
 * // scenarios/stripe.test.ts
 * import { defineScenario, scenarioTest, sequentialDuplicates, concurrentDuplicates } from 'idemgate';
 */
export { defineConfig } from './config.ts';
export type { IdemgateConfig, TargetConfig, TargetStart, TargetContext, RunningTarget, DatabaseConfig } from './config.ts';
export { IdemgateError, type IdemgateErrorCode } from './errors.ts';

export { parseTape, readTape } from './tape/read.ts';
export { formatTape, writeTape } from './tape/write.ts';
export { mergeTapes } from './tape/merge.ts';
export { TAPE_FORMAT, TAPE_VERSION, type Tape, type TapeHeader, type Exchange } from './tape/schema.ts';

export { defineProvider } from './providers/provider.ts';
export type { Provider, ProviderEvent, LedgerEffect, EntityStatus, SigningContext } from './providers/provider.ts';
export { builtinProviders, providerFor } from './providers/registry.ts';

export { applyEdits, cleanSchedule, describeSchedule, type Schedule, type Step, type FaultEdit } from './schedule/schedule.ts';
export {
  composeFaults,
  concurrentDuplicates,
  lostAcks,
  reorderWithin,
  sequentialDuplicates,
  type FaultArbitrary,
} from './faults/index.ts';

export { defineInvariant } from './invariants/invariant.ts';
export type { Invariant, InvariantContext, Violation, LedgerRow } from './invariants/invariant.ts';
export type { LedgerMapping, EntityMapping } from './invariants/ledger-mapping.ts';
export {
  balancedTransactions,
  creditedAmountMatches,
  defaultInvariants,
  everyEventAcknowledged,
  exactlyOncePerEvent,
  finalStatusIsHighest,
  ledgerMatchesCleanReplay,
  noEffectFromFailedOrPending,
} from './invariants/index.ts';

export type { Database, ResetStrategy } from './db/database.ts';
export { openDatabase } from './db/open.ts';
export { sqlReset, truncateAll } from './db/reset.ts';

export { defineScenario, type Scenario, type ScenarioDefinition } from './runner/scenario.ts';
export { runScenario, type RunOptions } from './runner/run-scenario.ts';
export { openSession, type Session } from './runner/session.ts';
export type { ScenarioResult, Counterexample } from './runner/result.ts';
