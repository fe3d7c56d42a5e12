/**
 * The simulated provider APIs a target calls (Shopee Open API, the PSP, FPX AE), served on a
 * loopback port and composed from the providers' API values, with every call logged. The session
 * serves them; features put handlers in front of them per schedule (`upstream.use`).
 */
export { createUpstream, PROCESSING_DELAY_HEADER, processingDelayOf, serveHandlers } from './serve.ts';
export type { RunningUpstream, ServedHandlers, UpstreamRouteEntry } from './serve.ts';
export { CALL_HEADER, createCallLog, seenByTarget } from './call-log.ts';
export type { CallLog, UpstreamCallRecord } from './call-log.ts';
export type { UpstreamFault, UpstreamFaultKind, UpstreamRoute } from './faults.ts';
