export {
  createUpstream,
  PROCESSING_DELAY_HEADER,
  processingDelayOf,
  serveHandlers,
} from './serve.ts';
export type { RunningUpstream, ServedHandlers, UpstreamRouteEntry } from './serve.ts';
export { createFaultLayer } from './fault-layer.ts';
export { CALL_HEADER, createCallLog, seenByTarget } from './call-log.ts';
export type { CallLog, UpstreamCallRecord, UpstreamFacts, UpstreamTrigger } from './call-log.ts';
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
