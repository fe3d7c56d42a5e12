import type { Dispatcher } from 'undici';

/** Most of a target's answer idemgate keeps: enough for any acknowledgement body, bounded for reports. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Timeouts at least this long are left to undici's own (coarse) timers. */
const LEAN_MIN_TIMEOUT_MS = 2000;

/** Error codes that mean "nothing listens there", as opposed to a request that failed mid-way. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export interface HttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Abort client-side after this many ms: the answer is lost on purpose. */
  abortAfterMs?: number;
  timeoutMs: number;
  /** The whole replay is being cancelled. */
  cancel?: AbortSignal;
}

export type HttpResult =
  | { result: 'answered'; status: number; body: string }
  | { result: 'aborted' | 'timeout' | 'cancelled' }
  | { result: 'error'; error: string; connectFailed: boolean }
  /** The crash-restart fault killed the target during the request (`at`: when); its answer is not kept. */
  | { result: 'crashed'; at: string };

function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur !== undefined && cur !== null && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    // Dual-stack connects fail with an AggregateError whose members carry the code.
    const inner = (cur as { errors?: unknown[] }).errors?.[0];
    cur = inner ?? (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let kept = 0;
  // Read to the end even past the cap, so the keep-alive connection stays usable.
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (kept >= MAX_BODY_BYTES) continue;
    const part = chunk.subarray(0, MAX_BODY_BYTES - kept);
    chunks.push(part);
    kept += part.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Sends one request on `dispatcher` and classifies what became of it. Never throws for network
 * trouble: an abort, a timeout or a refused connection is an outcome, not an exception.
 */
export async function sendRequest(dispatcher: Dispatcher, req: HttpRequest): Promise<HttpResult> {
  // The common request (no lost answer, no cancellable replay, a timeout of seconds) needs no
  // controller or timer of its own: undici's timeouts stand for ours (they tick coarsely, by up to
  // a second late, hence only for long timeouts). That is most of the replay client's overhead.
  const lean = req.abortAfterMs === undefined && req.cancel === undefined && req.timeoutMs >= LEAN_MIN_TIMEOUT_MS;
  const controller = lean ? undefined : new AbortController();
  let reason: 'aborted' | 'timeout' | 'cancelled' | undefined;
  const stop = (why: 'aborted' | 'timeout' | 'cancelled') => {
    reason ??= why;
    controller?.abort();
  };
  const timers: NodeJS.Timeout[] = lean ? [] : [setTimeout(stop, req.timeoutMs, 'timeout')];
  if (req.abortAfterMs !== undefined) timers.push(setTimeout(stop, req.abortAfterMs, 'aborted'));
  const onCancel = () => stop('cancelled');
  if (req.cancel?.aborted) onCancel();
  req.cancel?.addEventListener('abort', onCancel, { once: true });
  try {
    const res = await dispatcher.request({
      origin: req.url.origin,
      path: req.url.pathname + req.url.search,
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: req.body.length > 0 || (req.method !== 'GET' && req.method !== 'HEAD') ? req.body : undefined,
      ...(controller === undefined ? {} : { signal: controller.signal }),
      // Lean: undici's timeouts are the request timeout. Otherwise our own timer decides, and
      // undici's are kept from firing first with a different error.
      headersTimeout: lean ? req.timeoutMs : req.timeoutMs + 1000,
      bodyTimeout: lean ? req.timeoutMs : req.timeoutMs + 1000,
    });
    // A body of known size within the cap is read in one go (the common case: a short acknowledgement).
    const length = Number(res.headers['content-length']);
    const body = Number.isInteger(length) && length <= MAX_BODY_BYTES ? await res.body.text() : await readCapped(res.body);
    return { result: 'answered', status: res.statusCode, body };
  } catch (e) {
    if (reason !== undefined) return { result: reason };
    const code = errorCode(e);
    if (lean && (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')) return { result: 'timeout' };
    const message = e instanceof Error && e.message !== '' ? e.message : String(e);
    return {
      result: 'error',
      error: `${req.method} ${req.url.href}: ${code === undefined ? '' : `${code} `}${message}`,
      connectFailed: code !== undefined && CONNECT_CODES.has(code),
    };
  } finally {
    for (const t of timers) clearTimeout(t);
    req.cancel?.removeEventListener('abort', onCancel);
  }
}
