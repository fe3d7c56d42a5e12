import type { JsonBodyType, RequestHandler } from 'msw';
import type { Tape } from '../tape/schema.ts';
import type { ProviderSecrets } from './provider.ts';

/** What a call is about: the parts of a request that stay the same across its retries. */
export interface CallView {
  query: URLSearchParams;
  /** The form body (form-encoded calls, like Stripe's); empty for GETs and other bodies. */
  form: URLSearchParams;
}

/** Which business reference a call is about (an order number, a charge's order_ref). */
export type SubjectOf = (call: CallView) => string;

/**
 * One operation of a simulated API that the harness logs, counts and can fault. Its name is what
 * fault plans and call logs use (`'psp.refunds'`), so keep it stable.
 */
export interface ProviderApiRoute {
  /** `<api>.<operation>`, unique among the APIs a session serves. */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path on the API's base URL, matched exactly (no prefix, no suffix, no query). */
  path: string;
  /** Calls of one logical operation share a subject: retries are judged per `route:subject`. */
  subject: SubjectOf;
  /** Calls move money upstream: every retry of one operation must carry the same Idempotency-Key. */
  keyed?: boolean;
}

/**
 * The API's own error bodies for the faults the harness injects. The harness sets the status
 * (429, the drawn 5xx, 401) and the Retry-After headers; the body is sent as JSON.
 */
export interface ProviderApiErrors {
  throttle(retryAfterMs: number): JsonBodyType;
  serverError(status: number): JsonBodyType;
  unauthorized(): JsonBodyType;
}

/** What an API is built from when a session starts. */
export interface ProviderApiContext {
  /** The tape (or merged tapes) being replayed: the answers recorded in its header. Absent: none. */
  tape?: Tape;
  /** Secrets per provider name, as configured; keys an API does not find take its test values. */
  secrets: Readonly<Record<string, ProviderSecrets>>;
  /** Server clock, where the API checks times (a signature's timestamp window). Default: the wall clock. */
  now?: () => Date;
  /**
   * How long the harness asks the API to hold this request (a slow upstream), in ms; 0 normally.
   * Only read by APIs that declare `holdsRequests`.
   */
  heldMs(request: Request): number;
}

/**
 * One call a service made to a real provider API through `idemgate record`'s upstream listener,
 * and the answer, already redacted (secrets masked, personal data pseudonymised).
 */
export interface RecordedApiCall {
  method: string;
  /** The path relative to the API's base URL, without the query (`/api/v2/payment/get_escrow_detail`). */
  path: string;
  query: Record<string, string>;
  /** The request body as text; empty for GETs. */
  requestBody: string;
  status: number;
  /** The answer's body as text (`base64:` and the bytes when it is not UTF-8). */
  body: string;
  /** When the call arrived (ISO 8601 with offset). */
  recordedAt: string;
  durationMs: number;
}

/** A running simulated API: its msw handlers and what it remembers. */
export interface ProviderApiInstance<S> {
  handlers: RequestHandler[];
  /** What tests and extensions read (the PSP's ledger, the calls it saw); `upstream.state(api)`. */
  state: S;
  /** Forgets everything the API remembers (once per schedule). */
  reset(): void;
}

/**
 * A provider's simulated API as one value: its base-URL variable, its routes, its error
 * envelope and how to start it. It lives in its provider's folder; a session serves the APIs its
 * tapes need (see `harness/upstream/serve.ts`).
 */
export interface ProviderApi<S = unknown> {
  /** Unique among the APIs of a config (`shopee`, `psp`, `fpx-ae`). */
  readonly name: string;
  /** The environment variable a target reads the API's base URL from (`SHOPEE_API_BASE`). */
  readonly baseUrlEnv: string;
  /**
   * Tape providers whose deliveries make a target call this API: a run whose tapes have none of
   * them does not serve it (its variable is still set). Leave out to serve it in every run.
   */
  readonly usedBy?: readonly string[];
  /** The operations the call log records and fault plans address. */
  readonly routes: readonly ProviderApiRoute[];
  /** Required when `routes` is not empty. */
  readonly errors?: ProviderApiErrors;
  /**
   * The API holds a request itself where a real slow upstream is slow (`ctx.heldMs`), e.g. after
   * taking its idempotency key so that a retry meanwhile meets a 409. Otherwise the harness holds
   * the request before the API sees it.
   */
  readonly holdsRequests?: boolean;
  create(ctx: ProviderApiContext): ProviderApiInstance<S>;
  /**
   * What a recording's calls to the real API make of the tape header's `upstream` section, so that
   * `create` serves them at replay, e.g. `{ shopee: { escrow: { <ordersn>: … } } }` (keys are
   * `header.upstream`'s, merged one level deep). Absent: only the raw calls are kept.
   */
  fromRecording?(calls: readonly RecordedApiCall[]): Record<string, unknown>;
}

/**
 * Typed identity for a provider API.
 *
 * @example
 * export const acmeApi = defineProviderApi({
 *   name: 'acme',
 *   baseUrlEnv: 'ACME_API_BASE',
 *   usedBy: ['acme'],
 *   routes: [{ name: 'acme.payouts', method: 'POST', path: '/v2/payouts', subject: ({ form }) => form.get('ref') ?? '' }],
 *   errors: { throttle: () => ({ code: 'slow_down' }), serverError: () => ({ code: 'oops' }), unauthorized: () => ({ code: 'auth' }) },
 *   create: () => {
 *     const payouts: string[] = [];
 *     return { handlers: [http.post('/v2/payouts', () => HttpResponse.json({ ok: true }))], state: { payouts }, reset: () => (payouts.length = 0) };
 *   },
 * });
 */
export const defineProviderApi = <S>(api: ProviderApi<S>): ProviderApi<S> => api;
