export {
  createUpstream,
  PROCESSING_DELAY_HEADER,
  processingDelayOf,
  serveHandlers,
  CALL_HEADER,
  createCallLog,
  seenByTarget,
} from '../simulator/index.ts';
export type { CallLog, RunningUpstream, ServedHandlers, UpstreamCallRecord, UpstreamRouteEntry } from '../simulator/index.ts';
export { createFaultLayer } from './fault-layer.ts';
export { UPSTREAM_FACTS } from './facts.ts';
export type { ClientKeyAnswer, ClientKeyedRequest, UpstreamFacts, UpstreamTrigger } from './facts.ts';
export { DEFAULT_RETRY_AFTER_MS, faultFor, longestRetryAfterMs, upstreamFaultPlan } from './fault-plan.ts';
export type {
  UpstreamFault,
  UpstreamFaultEntry,
  UpstreamFaultKind,
  UpstreamFaultOptions,
  UpstreamFaultPlan,
  UpstreamRoute,
} from './fault-plan.ts';
export { upstream, type UpstreamExtensionOptions } from './extension.ts';
