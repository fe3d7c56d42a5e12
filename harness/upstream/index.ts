/**
 * `idemgate/upstream`: upstream API faults, one feature. Per schedule fast-check draws a fault
 * plan for the simulated provider APIs the target calls (a 429, a 5xx, a held answer, a reset,
 * a 401, an answer lost after the work was done); the `upstream()` extension installs it in
 * front of the APIs and its invariants judge the target's retries, keys and books.
 *
 * @example
 * import { upstream } from 'idemgate/upstream';
 * defineScenario({ name: 'upstream-psp', tapes: ['tapes/merchant-client.jsonl'], faults: [],
 *   extensions: [upstream({ rateLimit: true, serverErrors: true, timeouts: { delayMs: 600 }, lostAnswers: true })] });
 */
export { upstream, type UpstreamExtensionOptions } from './extension.ts';
export { createFaultLayer } from './fault-layer.ts';
export { DEFAULT_RETRY_AFTER_MS, faultFor, longestRetryAfterMs, upstreamFaultPlan } from './fault-plan.ts';
export type { UpstreamFault, UpstreamFaultEntry, UpstreamFaultKind, UpstreamFaultOptions, UpstreamFaultPlan, UpstreamRoute } from './fault-plan.ts';
export { UPSTREAM_FACTS, type ClientKeyAnswer, type ClientKeyedRequest, type UpstreamFacts, type UpstreamTrigger } from './facts.ts';
export { seenByTarget, type UpstreamCallRecord } from '../simulator/index.ts';
export {
  attemptSequences,
  clientKeysEventuallyAnswered,
  DEFAULT_RETRY_POLICY,
  noCached5xx,
  noRetryAfterClientError,
  retriesBounded,
  retriesCarrySameKey,
  retryAfterHonoured,
  retryPolicy,
  serverErrorBackoff,
  upstreamInvariants,
  upstreamLedgerAgrees,
  type AttemptSequence,
  type RetryPolicy,
} from './invariants/index.ts';
export { KEYED_ROUTES, UPSTREAM_ROUTES } from '../providers/apis.ts';
