import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { getResponse, http, HttpResponse, type HttpHandler, type RequestHandler } from 'msw';
import type { UpstreamCallRecord } from './call-log.ts';
import { faultFor, type UpstreamFault, type UpstreamFaultPlan, type UpstreamRoute } from './fault-plan.ts';
import { PAYMENT_INTENTS_PATH, pspError, REFUNDS_API_PATH } from './psp-api.ts';
import { ESCROW_DETAIL_PATH, ORDER_DETAIL_PATH } from './shopee-api.ts';

/** Internal header the layer uses to tell the PSP handlers to hold a request (a slow upstream). */
export const PROCESSING_DELAY_HEADER = 'x-idemgate-processing-delay-ms';

/** What a call is about: the parts of a request that stay the same across its retries. */
export interface CallView {
  query: URLSearchParams;
  /** The form body (PSP calls are form-encoded like Stripe's); empty for GETs. */
  form: URLSearchParams;
}

/** Per route: which business reference a call is about. Override for your own metadata names. */
export type SubjectOf = (call: CallView) => string;

export const DEFAULT_SUBJECTS: Readonly<Record<UpstreamRoute, SubjectOf>> = {
  'shopee.escrow_detail': ({ query }) => query.get('order_sn') ?? '',
  'shopee.order_detail': ({ query }) => query.get('order_sn_list') ?? '',
  'psp.payment_intents': ({ form }) =>
    form.get('metadata[order_ref]') ?? form.get('metadata[order_id]') ?? canonical(form),
  'psp.refunds': ({ form }) =>
    form.get('metadata[refund_ref]') ?? `${form.get('payment_intent') ?? ''}:${form.get('amount') ?? 'full'}`,
};

const canonical = (form: URLSearchParams): string => [...form].map(([k, v]) => `${k}=${v}`).sort().join('&');

/** The simulated route a request is for, if any. */
export function routeOf(method: string, path: string): UpstreamRoute | undefined {
  if (method === 'GET' && path.endsWith(ESCROW_DETAIL_PATH)) return 'shopee.escrow_detail';
  if (method === 'GET' && path.endsWith(ORDER_DETAIL_PATH)) return 'shopee.order_detail';
  if (method === 'POST' && path.endsWith(PAYMENT_INTENTS_PATH)) return 'psp.payment_intents';
  if (method === 'POST' && path.endsWith(REFUNDS_API_PATH)) return 'psp.refunds';
  return undefined;
}

export interface FaultLayer {
  /** The msw handler to put in front of the simulated APIs. */
  handler: HttpHandler;
  /** Replaces the plan and forgets the calls and per-route counters (once per schedule). */
  load(plan: UpstreamFaultPlan): void;
  readonly calls: UpstreamCallRecord[];
  /** Resolves once no call is being handled (a held `timeout` answer included), or after `maxMs`. */
  idle(maxMs?: number): Promise<void>;
}

const shopeeBody = (error: string, message: string) => ({
  request_id: randomBytes(16).toString('hex'),
  error,
  message,
});

function faultResponse(route: UpstreamRoute, fault: UpstreamFault): Response {
  const shopee = route.startsWith('shopee.');
  switch (fault.kind) {
    case 'throttle':
      return HttpResponse.json(
        shopee
          ? shopeeBody('error_too_many_request', 'Too many requests, please try again later.')
          : pspError('invalid_request_error', 'Too many requests hit the API too quickly.', { code: 'rate_limit' }),
        {
          status: 429,
          headers: {
            'retry-after': String(Math.max(1, Math.ceil(fault.retryAfterMs / 1000))),
            'retry-after-ms': String(fault.retryAfterMs),
          },
        },
      );
    case 'server-error':
      return HttpResponse.json(
        shopee ? shopeeBody('error_server', 'Internal server error.') : pspError('api_error', 'An unknown error occurred.'),
        { status: fault.status },
      );
    case 'unauthorized':
      return HttpResponse.json(
        shopee ? shopeeBody('error_auth', 'Invalid access_token.') : pspError('invalid_request_error', 'Invalid API Key provided.'),
        { status: 401 },
      );
    default:
      return HttpResponse.error();
  }
}

/**
 * The fault plan made real: a front msw handler that counts calls per route, applies the plan's
 * fault to each, passes the rest to the simulated APIs, and logs every call with its times.
 * A dropped connection is `HttpResponse.error()`, which `serveHandlers` turns into a socket reset.
 *
 * @example
 * const layer = createFaultLayer({ inner: [...shopeeApiHandlers(…), ...pspApiHandlers(…)] });
 * await serveHandlers([layer.handler]);
 * layer.load([{ route: 'psp.payment_intents', call: 0, fault: { kind: 'lost-answer' } }]);
 */
export function createFaultLayer(options: {
  inner: readonly RequestHandler[];
  subjects?: Partial<Record<UpstreamRoute, SubjectOf>>;
}): FaultLayer {
  const subjects = { ...DEFAULT_SUBJECTS, ...options.subjects };
  let plan: UpstreamFaultPlan = [];
  const counts = new Map<UpstreamRoute, number>();
  const calls: UpstreamCallRecord[] = [];
  let active = 0;
  const waiters: (() => void)[] = [];
  const settle = () => {
    active -= 1;
    if (active === 0) for (const w of waiters.splice(0)) w();
  };

  const handler = http.all('*', async ({ request }) => {
    const url = new URL(request.url);
    const route = routeOf(request.method, url.pathname);
    if (route === undefined) return undefined; // not simulated here: let the other handlers answer
    active += 1;
    try {
      const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
      const form = new URLSearchParams(
        (request.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded') ? text : '',
      );
      const subject = subjects[route]({ query: url.searchParams, form });
      const index = counts.get(route) ?? 0;
      counts.set(route, index + 1);
      const fault = faultFor(plan, route, index);
      const key = request.headers.get('idempotency-key') ?? undefined;
      const record: UpstreamCallRecord = {
        seq: calls.length,
        route,
        method: request.method,
        path: url.pathname,
        subject,
        operation: `${route}:${subject}`,
        ...(key === undefined ? {} : { idempotencyKey: key }),
        startedAtMs: performance.now(),
        endedAtMs: Number.NaN,
        ...(fault === undefined ? {} : { fault: fault.kind }),
        outcome: 'answered',
        time: new Date().toISOString(),
      };
      calls.push(record);
      const gaveUp = () => {
        record.clientGaveUpAtMs ??= performance.now();
      };
      if (request.signal.aborted) gaveUp();
      else request.signal.addEventListener('abort', gaveUp, { once: true });

      const headers = new Headers(request.headers);
      headers.delete(PROCESSING_DELAY_HEADER);
      let response: Response;
      if (fault === undefined || fault.kind === 'lost-answer' || fault.kind === 'timeout') {
        if (fault?.kind === 'timeout') {
          if (route.startsWith('psp.')) headers.set(PROCESSING_DELAY_HEADER, String(fault.delayMs));
          else await sleep(fault.delayMs);
        }
        const forward = new Request(request.url, {
          method: request.method,
          headers,
          ...(text === '' ? {} : { body: text }),
        });
        response = (await getResponse([...options.inner], forward, { baseUrl: url.origin })) ??
          HttpResponse.json({ error: 'not_found', message: `no simulated endpoint for ${request.method} ${url.pathname}` }, { status: 404 });
        if (fault?.kind === 'lost-answer') response = HttpResponse.error();
      } else {
        response = faultResponse(route, fault);
      }
      record.endedAtMs = performance.now();
      request.signal.removeEventListener('abort', gaveUp);
      if (response.type === 'error') record.outcome = 'dropped';
      else record.status = response.status;
      if (fault?.kind === 'throttle') record.retryAfterMs = fault.retryAfterMs;
      return response;
    } finally {
      settle();
    }
  });

  return {
    handler,
    calls,
    load(next) {
      plan = next;
      counts.clear();
      calls.length = 0;
    },
    idle(maxMs = 10_000) {
      if (active === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
