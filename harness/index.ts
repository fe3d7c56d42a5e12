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

export { cleanSchedule, describeSchedule, type Schedule, type Step } from './schedule/schedule.ts';
export {
  applyEdits,
  billplzRetries,
  composeFaults,
  concurrentDuplicates,
  deliveryFaults,
  lostAcks,
  overtakeWithinEntity,
  raceSameEntity,
  reorderWithin,
  sequentialDuplicates,
  type Fault,
  type FaultEdit,
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

// FPX reconciliation files and the Malaysian calendar (one feature folder: harness/recon/).
export {
  createMalaysianCalendar,
  mytDateOf,
  fpxMerchantFormat,
  fpxRegularFormat,
  fpxHolidayFormat,
  detectShape,
  fpxTransactionsOf,
  reconFilesFor,
  equivalentRegularFiles,
  reconFileName,
  reconFiles,
  planReconFiles,
  reconInvariants,
  reconMatchedExactlyOnce,
  reconSettlementTotals,
  reconExceptionsReported,
  reconReingestIdempotent,
  reconShapeEquivalence,
  type MalaysianCalendar,
  type MalaysianCalendarOptions,
  type CivilDate,
  type ReconFile,
  type ReconFormat,
  type ReconRow,
  type ReconShape,
  type FpxTransaction,
  type ReconFilesOptions,
  type ReconDraw,
  type ReconMapping,
  type ReconFacts,
} from './recon/index.ts';

// FPX Indirect AC and Billplz.
export { fpxIndirectAc } from './providers/fpx-indirect/indirect-ac.ts';
export { billplzCallback, billplzSignature, billplzSignatureSource } from './providers/billplz/index.ts';

export { upstream, upstreamFaultPlan, createUpstream, createFaultLayer } from './upstream/index.ts';
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
} from './upstream/index.ts';
// Simulated provider APIs: one value per API, in its provider's folder.
export { defineProviderApi } from './providers/api.ts';
export type { ProviderApi, ProviderApiContext, ProviderApiErrors, ProviderApiInstance, ProviderApiRoute, CallView, SubjectOf } from './providers/api.ts';
export { builtinApis, UPSTREAM_ROUTES } from './providers/apis.ts';
export { shopeeApi } from './providers/shopee/api.ts';
export { pspApi, type PspLedgerEntry, type PspState } from './providers/psp/api.ts';
export { fpxAeApi } from './providers/fpx/ae-api.ts';
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
} from './upstream/invariants/index.ts';
export { merchantClient } from './providers/merchant-client/index.ts';
