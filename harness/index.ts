/**
 * idemgate's main entry point (`idemgate`): what a config, a scenario and a custom provider,
 * fault or invariant are written with. Named exports only; everything else is internal.
 * Features and helpers have their own entry points, so a config never loads what it does not use:
 * `idemgate/upstream` (upstream API faults and their retry invariants), `idemgate/recon` (FPX
 * reconciliation files and the Malaysian calendar), `idemgate/fpx-enquiry` (the merchant's AE
 * enquiry cron), `idemgate/testing` (sessions, databases and replays for tests of your own) and
 * `idemgate/vitest` (`scenarioTest`).
 *
 * @example
 * // idemgate.config.ts
 * import { defineConfig } from 'idemgate';
 * // scenarios/stripe.scenario.ts
 * import { defineScenario, concurrentDuplicates, sequentialDuplicates } from 'idemgate';
 * export const stripe = defineScenario({ name: 'stripe', tapes: ['tapes/stripe.jsonl'],
 *   faults: [sequentialDuplicates({ maxGap: 3 }), concurrentDuplicates({ maxWidth: 4 })] });
 */

// The config: everything target-specific.
export { defineConfig } from './config.ts';
export type { TargetWorkers, WorkerStart, RunningWorkers } from './targets/types.ts';
export type { IdemgateConfig, TargetConfig, TargetStart, TargetContext, RunningTarget, TargetHealth, DatabaseConfig, MutationConfig, MutationOperatorName, TargetStore, RedisStore, HttpStore, QuiescenceConfig, QuiescenceProbe, QuiescenceContext, QuietAnswer } from './config.ts';
export { IdemgateError, isIdemgateError, type DetailsOf, type IdemgateErrorCode, type IdemgateErrorDetails } from './errors.ts';

// Recorded traffic.
export { parseTape, readTape } from './tape/read.ts';
export { formatTape, writeTape } from './tape/write.ts';
export { mergeTapes } from './tape/merge.ts';
export { TAPE_FORMAT, TAPE_VERSION, type Tape, type TapeHeader, type Exchange } from './tape/schema.ts';

// Providers: adapters that read and re-sign what a provider sends, and the APIs a target calls.
export { defineProvider } from './providers/provider.ts';
export type { Provider, ProviderEvent, ProviderSettings, LedgerEffect, EntityStatus, SigningContext, RequestVariant, RetryTiming } from './providers/provider.ts';
export { builtinProviders, providerFor } from './providers/registry.ts';
export { shopeePush } from './providers/shopee/push.ts';
export { fpxDirectAc } from './providers/fpx/direct-ac.ts';
export { fpxIndirectAc } from './providers/fpx-indirect/indirect-ac.ts';
export { createStripeWebhook, stripeWebhook, type StripeEffects } from './providers/stripe/webhook.ts';
export { billplzCallback, billplzSignature, billplzSignatureSource } from './providers/billplz/index.ts';
export {
  clientApiProvider,
  clientApiTape,
  defineIdempotencyProfile,
  ietfProfile,
  stripeProfile,
  type ClientApiConfig,
  type ClientApiRoute,
  type ClientRouteTemplate,
  type IdempotencyProfile,
  type AnswerRule,
} from './providers/client-api/index.ts';
export { defineProviderApi } from './providers/api.ts';
export type { ProviderApi, ProviderApiContext, ProviderApiErrors, ProviderApiInstance, ProviderApiRoute, CallView, SubjectOf } from './providers/api.ts';
export { builtinApis } from './providers/apis.ts';
export { shopeeApi } from './providers/shopee/api.ts';
export { pspApi, type PspLedgerEntry, type PspState } from './providers/psp/api.ts';
export { fpxAeApi } from './providers/fpx/ae-api.ts';

// Faults: plain-data edits of a schedule, drawn by fast-check.
export { cleanSchedule, describeSchedule, type Schedule, type Step } from './schedule/schedule.ts';
export {
  applyEdits,
  billplzRetries,
  clientRetries,
  composeFaults,
  concurrentDuplicates,
  crashRestart,
  deliveryFaults,
  forgedHeaders,
  keyReuseAfterExpiry,
  lateRedelivery,
  lostAcks,
  missingKey,
  overtakeWithinEntity,
  payloadMismatch,
  raceSameEntity,
  redisDrop,
  reorderWithin,
  sequentialDuplicates,
  workerCrash,
  type Fault,
  type FaultEdit,
  type PositionalFault,
} from './faults/index.ts';

// Invariants: what the books must show.
export { defineInvariant } from './invariants/invariant.ts';
export type { Invariant, InvariantContext, Judgement, Requirement, Violation, LedgerRow, LedgerReader, EntityReader, EntityRow, Expectations } from './invariants/invariant.ts';
export { factsKey, type FactsKey, type FactsReader } from './invariants/facts.ts';
export type { LedgerMapping, EntityMapping } from './invariants/ledger-mapping.ts';
export {
  balancedTransactions,
  creditedAmount,
  defaultInvariants,
  deliveriesAcknowledged,
  exactlyOnceEffect,
  finalStatus,
  judge,
  ledgerMatchesCleanReplay,
  noEffectFromUnsettled,
  noResurrection,
} from './invariants/index.ts';

// The database the harness owns, and how it is reset between schedules.
export type { Database, ResetStrategy } from './db/database.ts';
export { deleteAll, fastestReset, sqlReset, truncateAll } from './db/reset.ts';

// Scenarios and the extension seam.
export { defineScenario, type Scenario, type ScenarioDefinition } from './runner/scenario.ts';
export { defineExtension, type ExtensionContext, type ExtensionDefinition, type AfterContext, type ScenarioExtension } from './runner/extension.ts';
export type { ScenarioResult, Counterexample } from './runner/result.ts';
export type { NotApplicable } from './runner/applicability.ts';
