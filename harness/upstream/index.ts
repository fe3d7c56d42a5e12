export { createUpstream, serveHandlers } from './serve.ts';
export type { RunningUpstream, ServedHandlers } from './serve.ts';
export {
  ESCROW_DETAIL_PATH,
  ORDER_DETAIL_PATH,
  SHOPEE_ERROR_STATUS,
  SHOPEE_TEST_SECRETS,
  TIMESTAMP_WINDOW_S,
  shopeeApiHandlers,
  shopeeApiQuery,
  shopeeApiSign,
} from './shopee-api.ts';
export type {
  ShopeeApiData,
  ShopeeApiError,
  ShopeeApiOptions,
  ShopeeApiSecrets,
  UpstreamCall,
} from './shopee-api.ts';
export { createFaultLayer, DEFAULT_SUBJECTS, PROCESSING_DELAY_HEADER, routeOf } from './fault-layer.ts';
export type { CallView, FaultLayer, SubjectOf } from './fault-layer.ts';
export {
  DEFAULT_RETRY_AFTER_MS,
  faultFor,
  KEYED_ROUTES,
  longestRetryAfterMs,
  UPSTREAM_ROUTES,
  upstreamFaultPlan,
} from './fault-plan.ts';
export type {
  UpstreamFault,
  UpstreamFaultEntry,
  UpstreamFaultKind,
  UpstreamFaultOptions,
  UpstreamFaultPlan,
  UpstreamRoute,
} from './fault-plan.ts';
export {
  createPspState,
  IDEMPOTENCY_KEY_TTL_MS,
  PAYMENT_INTENTS_PATH,
  PSP_TEST_SECRET_KEY,
  pspApiHandlers,
  pspError,
  REFUNDS_API_PATH,
} from './psp-api.ts';
export type { PspApiOptions, PspLedgerEntry, PspState } from './psp-api.ts';
export type { UpstreamCallRecord, UpstreamFacts, UpstreamTrigger } from './call-log.ts';
export { upstream, type UpstreamExtensionOptions } from './extension.ts';
export { FPX_AE_PATH, fpxEnquiryHandlers } from './fpx-enquiry.ts';
export type { FpxEnquiryCall, FpxEnquiryOptions } from './fpx-enquiry.ts';
