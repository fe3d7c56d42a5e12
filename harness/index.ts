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
export type {
  IdemgateConfig,
  TargetConfig,
  TargetStart,
  TargetContext,
  RunningTarget,
  DatabaseConfig,
  MutationConfig,
  MutationOperatorName,
} from './config.ts';
export { brokenInvariants, runWithoutGuard, type WithoutGuardOptions } from './mutate/without-guard.ts';
export { IdemgateError, isIdemgateError, type DetailsOf, type IdemgateErrorCode, type IdemgateErrorDetails } from './errors.ts';

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
  deliveryFaults,
  lostAcks,
  overtakeWithinEntity,
  raceSameEntity,
  reorderWithin,
  sequentialDuplicates,
  type FaultArbitrary,
  type PositionalFault,
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
export { openDatabase, type OpenDatabaseOptions } from './db/open.ts';
export { resolveDatabase, type DatabaseChoice, type DatabaseRequest } from './db/resolve.ts';
export { sqlReset, truncateAll } from './db/reset.ts';

export { defineScenario, type Scenario, type ScenarioDefinition } from './runner/scenario.ts';
export { runScenario, type RunOptions } from './runner/run-scenario.ts';
export { openSession, type Session } from './runner/session.ts';
export type { ScenarioResult, Counterexample } from './runner/result.ts';

// FPX reconciliation files, the Malaysian calendar, Indirect AC and Billplz (issue 5).
export { createMalaysianCalendar, mytDateOf, type MalaysianCalendar, type MalaysianCalendarOptions, type CivilDate } from './fpx/calendar.ts';
export { fpxMerchantFormat, fpxRegularFormat, fpxHolidayFormat, detectShape } from './fpx/format/merchant-file.ts';
export type { ReconFile, ReconFormat, ReconRow, ReconShape } from './fpx/format/types.ts';
export { fpxTransactionsOf, reconFilesFor, equivalentRegularFiles, reconFileName, type FpxTransaction } from './fpx/generate.ts';
export { reconFiles, planReconFiles, type ReconFilesOptions, type ReconDraw } from './fpx/recon-files.ts';
export {
  reconInvariants,
  reconMatchedExactlyOnce,
  reconSettlementTotals,
  reconExceptionsReported,
  reconReingestIdempotent,
  reconShapeEquivalence,
  type ReconMapping,
  type ReconFacts,
} from './invariants/recon/index.ts';
export { fpxIndirectAc } from './providers/fpx-indirect/indirect-ac.ts';
export { billplzCallback, billplzSignature, billplzSignatureSource, billplzRetries } from './providers/billplz/index.ts';

export { upstream, upstreamFaultPlan, createUpstream, UPSTREAM_ROUTES } from './upstream/index.ts';
export type {
  RunningUpstream,
  UpstreamCallRecord,
  UpstreamExtensionOptions,
  UpstreamFacts,
  UpstreamFault,
  UpstreamFaultEntry,
  UpstreamFaultOptions,
  UpstreamFaultPlan,
  UpstreamRoute,
  PspLedgerEntry,
} from './upstream/index.ts';
export {
  DEFAULT_RETRY_POLICY,
  noRetryAfterClientError,
  retriesBounded,
  retriesCarrySameKey,
  retryAfterHonoured,
  serverErrorBackoff,
  upstreamInvariants,
  upstreamLedgerAgrees,
  type RetryPolicy,
} from './invariants/upstream/index.ts';
export { merchantClient } from './providers/merchant-client/index.ts';
