import { setTimeout as sleep } from 'node:timers/promises';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { faultFor, type UpstreamFaultPlan } from './fault-plan.ts';
import { PROCESSING_DELAY_HEADER, type RunningUpstream } from '../simulator/serve.ts';

async function withHeader(request: Request, name: string, value: string): Promise<Request> {
  const headers = new Headers(request.headers);
  headers.set(name, value);
  const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
  return new Request(request.url, { method: request.method, headers, ...(body === '' ? {} : { body }) });
}

/**
 * One schedule's fault plan made real: an msw handler to install in front of the simulated APIs
 * with `upstream.use(...)`. It counts calls per route (from 0, for this layer's life), applies the
 * plan's fault to each, answers with the route's API's own error envelope, notes the fault on the
 * call's record, and lets the APIs answer the rest. A dropped connection is `HttpResponse.error()`,
 * which `serveHandlers` turns into a socket reset.
 *
 * @example
 * upstream.use(createFaultLayer({ upstream, plan: [{ route: 'psp.payment_intents', call: 0, fault: { kind: 'lost-answer' } }] }));
 * …
 * upstream.resetHandlers();
 */
export function createFaultLayer({
  upstream,
  plan,
  timeScale = 1,
}: {
  upstream: Pick<RunningUpstream, 'routeOf' | 'callOf' | 'answer'>;
  plan: UpstreamFaultPlan;
  /**
   * How much faster the target's clocks run (`target.timeScale`): a 429's Retry-After is said in
   * the target's time (the plan's test-time wait ÷ timeScale), so a target that waits what it is
   * told, scaled, waits at least the plan's time. The call log keeps test time.
   */
  timeScale?: number;
}): HttpHandler {
  const counts = new Map<string, number>();
  return http.all('*', async ({ request }) => {
    const entry = upstream.routeOf(request.method, new URL(request.url).pathname);
    if (entry === undefined) return undefined;
    const index = counts.get(entry.route.name) ?? 0;
    counts.set(entry.route.name, index + 1);
    const fault = faultFor(plan, entry.route.name, index);
    if (fault === undefined) return undefined; // not faulted: the API answers
    const call = upstream.callOf(request);
    if (call !== undefined) call.fault = fault.kind;
    const { api, errors } = entry;
    switch (fault.kind) {
      case 'throttle':
        if (call !== undefined) call.retryAfterMs = fault.retryAfterMs;
        const asked = Math.ceil(fault.retryAfterMs / timeScale);
        return HttpResponse.json(errors.throttle(asked), {
          status: 429,
          headers: {
            'retry-after': String(Math.max(1, Math.ceil(asked / 1000))),
            'retry-after-ms': String(asked),
          },
        });
      case 'server-error':
        return HttpResponse.json(errors.serverError(fault.status), { status: fault.status });
      case 'unauthorized':
        return HttpResponse.json(errors.unauthorized(), { status: 401 });
      case 'reset':
        return HttpResponse.error();
      case 'timeout':
        if (api.holdsRequests) return upstream.answer(await withHeader(request, PROCESSING_DELAY_HEADER, String(fault.delayMs)));
        await sleep(fault.delayMs);
        return upstream.answer(request);
      case 'lost-answer':
        await upstream.answer(request);
        return HttpResponse.error();
    }
  });
}
