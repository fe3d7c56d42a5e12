import type { SubjectOf } from '../providers/api.ts';
import type { UpstreamFaultKind, UpstreamRoute } from './faults.ts';

/**
 * One call a target made to a simulated upstream, as the retry invariants read it. Times are
 * `performance.now()` of the harness process (the upstream always runs there), in ms.
 */
export interface UpstreamCallRecord {
  /** Arrival order within the schedule, from 0. */
  seq: number;
  route: UpstreamRoute;
  method: string;
  path: string;
  /** The business reference the call is about (order_sn, metadata[order_ref], metadata[refund_ref]). */
  subject: string;
  /** `${route}:${subject}`: calls of one logical operation share it. */
  operation: string;
  idempotencyKey?: string;
  startedAtMs: number;
  /** When the answer was written or the connection dropped. */
  endedAtMs: number;
  /**
   * When the target closed the connection before the answer was written (its own timeout gave
   * up). The upstream may still have acted on the call (`status` says what it answered), but for
   * the target's retry logic the call has no answer: read it through `seenByTarget`.
   */
  clientGaveUpAtMs?: number;
  /** The injected fault, if any. */
  fault?: UpstreamFaultKind;
  /** `answered` with `status`, or the connection was dropped (`reset`, `lost-answer`). */
  outcome: 'answered' | 'dropped';
  status?: number;
  /** What the 429 asked for. */
  retryAfterMs?: number;
  /** ISO time of arrival, for reports. */
  time: string;
}

/**
 * The call as the target saw it: the status it read (none when the connection dropped or the
 * target gave up waiting first) and when it stopped waiting.
 *
 * @example
 * seenByTarget({ ...call, status: 200, endedAtMs: 600, clientGaveUpAtMs: 300 }); // { endedAtMs: 300 }
 */
export function seenByTarget(call: UpstreamCallRecord): { status?: number; endedAtMs: number } {
  if (call.clientGaveUpAtMs !== undefined && call.clientGaveUpAtMs < call.endedAtMs) return { endedAtMs: call.clientGaveUpAtMs };
  return call.status === undefined ? { endedAtMs: call.endedAtMs } : { status: call.status, endedAtMs: call.endedAtMs };
}

/**
 * Internal request header with the id of the call being handled: a handler installed in front of
 * the simulated APIs (`upstream.use`) finds the call's record with `upstream.callOf(request)`.
 */
export const CALL_HEADER = 'x-idemgate-call';

/** Every call to a simulated route, with its times and outcome; what the retry invariants read. */
export interface CallLog {
  readonly calls: UpstreamCallRecord[];
  /**
   * Logs one call of `route` while `respond` answers it. `respond` gets a copy of the request
   * (body read, `CALL_HEADER` set, `strip` headers removed); a `Response.error()` it returns is
   * logged as a dropped connection.
   */
  record(
    request: Request,
    route: { name: string; subject: SubjectOf },
    respond: (forward: Request) => Promise<Response>,
    strip?: readonly string[],
  ): Promise<Response>;
  /** The record of a call being handled, from its forwarded request. */
  callOf(request: Request): UpstreamCallRecord | undefined;
  /** Forgets the calls (once per schedule). */
  clear(): void;
  /** Resolves once no call is being handled (a held answer included), or after `maxMs`. */
  idle(maxMs?: number): Promise<void>;
  /** Calls being handled now (a held answer included). */
  inFlight(): number;
}

/**
 * @example
 * const log = createCallLog();
 * const response = await log.record(request, { name: 'psp.refunds', subject }, (forward) => answer(forward));
 * log.calls[0]; // { seq: 0, route: 'psp.refunds', subject: 'rf_1', status: 200, … }
 */
export function createCallLog(): CallLog {
  const calls: UpstreamCallRecord[] = [];
  const handling = new Map<string, UpstreamCallRecord>();
  let nextId = 0;
  let active = 0;
  const waiters: (() => void)[] = [];
  const settle = (id: string) => {
    handling.delete(id);
    active -= 1;
    if (active === 0) for (const w of waiters.splice(0)) w();
  };

  return {
    calls,
    async record(request, route, respond, strip = []) {
      const id = String(nextId++);
      const url = new URL(request.url);
      // Counted from arrival, so `idle` also waits for a call whose body is still coming.
      active += 1;
      try {
        const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
        const form = new URLSearchParams(
          (request.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded') ? text : '',
        );
        const subject = route.subject({ query: url.searchParams, form });
        const key = request.headers.get('idempotency-key') ?? undefined;
        const record: UpstreamCallRecord = {
          seq: calls.length,
          route: route.name,
          method: request.method,
          path: url.pathname,
          subject,
          operation: `${route.name}:${subject}`,
          ...(key === undefined ? {} : { idempotencyKey: key }),
          startedAtMs: performance.now(),
          endedAtMs: Number.NaN,
          outcome: 'answered',
          time: new Date().toISOString(),
        };
        calls.push(record);
        handling.set(id, record);
        const gaveUp = () => {
          record.clientGaveUpAtMs ??= performance.now();
        };
        if (request.signal.aborted) gaveUp();
        else request.signal.addEventListener('abort', gaveUp, { once: true });

        const headers = new Headers(request.headers);
        for (const name of [...strip, CALL_HEADER]) headers.delete(name);
        headers.set(CALL_HEADER, id);
        const response = await respond(
          new Request(request.url, { method: request.method, headers, ...(text === '' ? {} : { body: text }) }),
        );
        record.endedAtMs = performance.now();
        request.signal.removeEventListener('abort', gaveUp);
        if (response.type === 'error') record.outcome = 'dropped';
        else record.status = response.status;
        return response;
      } finally {
        settle(id);
      }
    },
    callOf(request) {
      const id = request.headers.get(CALL_HEADER);
      return id === null ? undefined : handling.get(id);
    },
    clear() {
      calls.length = 0;
    },
    inFlight: () => active,
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
