import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { Agent, Pool, type Dispatcher } from 'undici';
import { IdemgateError } from '../errors.ts';
import type { ProviderApi, RecordedApiCall } from '../providers/api.ts';
import { systemClock, type Clock } from '../replay/clock.ts';
import { TAPE_FORMAT, TAPE_VERSION, type ExchangeInput } from '../tape/schema.ts';
import { providerOf } from './recognise.ts';
import type { HeaderValues, Redactor } from './redact.ts';
import { createTapeFile } from './tape-file.ts';

export interface ListenAddress {
  host: string;
  /** 0: any free port. */
  port: number;
}

/** One real provider API the upstream listener forwards to. */
export interface UpstreamTarget {
  /** The API's name (`shopee`): the first path segment that selects it on the listener. */
  name: string;
  /** The real base URL (`https://partner.shopeemobile.com`). */
  baseUrl: string;
  /** The API's definition, when idemgate knows it: its `fromRecording` fills the tape header. */
  api?: ProviderApi;
}

export interface RecorderOptions {
  /** The service's base URL. */
  to: string;
  listen: ListenAddress;
  /** The tape file to write. */
  out: string;
  /** Replace an existing file. Default false: an existing tape is USAGE. */
  overwrite?: boolean;
  /** `target.endpoints`: provider → the path its deliveries arrive on. */
  endpoints: Readonly<Record<string, string>>;
  redactor: Redactor;
  /** The listener the service's provider API base URLs point at, and where each API really is. */
  upstream?: { listen: ListenAddress; targets: readonly UpstreamTarget[] };
  /** Tape header name. Default: the file's name without `.jsonl`. */
  name?: string;
  /** Wall clock for `recordedAt`. Default: now. */
  now?: () => Date;
  /** Monotonic clock for `durationMs`. Default: the system clock. */
  clock?: Clock;
  /** One line of news for the user (stderr in the CLI). */
  log?: (line: string) => void;
  /** How long the service may take to answer before the provider gets a 504. Default 30 000. */
  requestTimeoutMs?: number;
}

export interface RecordingSummary {
  /** The tape, or undefined when nothing was recorded (the file is removed). */
  file: string | undefined;
  exchanges: number;
  upstreamCalls: number;
  /** Requests forwarded but not recorded, by method and path. */
  unrecognised: Readonly<Record<string, number>>;
}

export interface Recorder {
  /** `http://host:port` the providers send to. */
  readonly url: string;
  /** `http://host:port` the service's API base URLs point at (`…/shopee`), when upstream recording is on. */
  readonly upstreamUrl: string | undefined;
  readonly exchanges: number;
  readonly upstreamCalls: number;
  /** Stops listening, lets requests in flight finish, writes the final header and closes the tape. */
  close(): Promise<RecordingSummary>;
}

/** `2026-03-16T11:02:57.778+08:00`: the machine's local time with its offset. */
export function isoWithOffset(date: Date): string {
  const offsetMin = -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offsetMin * 60_000).toISOString().slice(0, -1);
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Connection-level headers a proxy does not pass on (RFC 9110 §7.6.1), and lengths it recomputes.
 * `expect`: node's server has already answered 100-continue, and undici refuses the header.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length', 'expect']);
/** Not written to the tape: the proxy's own or the transport's, not the delivery's. */
const NOT_RECORDED = new Set([...HOP_BY_HOP, 'host', 'date']);
const RECORDABLE_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

function headersOf(raw: http.IncomingHttpHeaders | Record<string, string | string[] | undefined>, drop: ReadonlySet<string>): HeaderValues {
  const out: HeaderValues = {};
  for (const [name, value] of Object.entries(raw)) if (value !== undefined && !drop.has(name.toLowerCase())) out[name.toLowerCase()] = value;
  return out;
}

const headerText = (headers: HeaderValues, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * An answer as it is recorded: a compressed body (the provider asked for gzip) decoded, so that it
 * can be redacted and read; the bytes sent on are the ones received.
 */
function decoded(headers: HeaderValues, body: Buffer): { headers: HeaderValues; body: Buffer } {
  const encoding = headerText(headers, 'content-encoding')?.trim().toLowerCase();
  const decode = encoding === 'gzip' || encoding === 'x-gzip' ? gunzipSync : encoding === 'deflate' ? inflateSync : encoding === 'br' ? brotliDecompressSync : undefined;
  if (decode === undefined || body.length === 0) return { headers, body };
  try {
    const { 'content-encoding': _, ...rest } = headers;
    return { headers: rest, body: decode(body) };
  } catch {
    return { headers, body };
  }
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function listenOn(server: http.Server, { host, port }: ListenAddress, flag: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const failed = (e: NodeJS.ErrnoException): void => {
      const why = e.code === 'EADDRINUSE' ? 'the port is in use' : e.code === 'EADDRNOTAVAIL' ? 'no such local address' : e.message;
      reject(new IdemgateError('USAGE', `cannot listen on ${host}:${port} (${flag}): ${why}`, { cause: e }));
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      const address = server.address() as AddressInfo;
      resolve(`http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`);
    });
  });
}

/** Tracks handlers in flight so `close` can let them finish. */
function inFlight(): { run(p: Promise<void>): void; settled(): Promise<void> } {
  const running = new Set<Promise<void>>();
  return {
    run(p) {
      running.add(p);
      void p.finally(() => running.delete(p));
    },
    settled: async () => {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

const errorCode = (e: unknown): string => {
  const err = e as { code?: string; cause?: { code?: string }; message?: string };
  return err.code ?? err.cause?.code ?? err.message ?? String(e);
};

/** Merges each API's `fromRecording` fragment into the header's `upstream`, one level deep. */
function upstreamSection(
  targets: readonly UpstreamTarget[],
  calls: readonly (RecordedApiCall & { api: string })[],
  log: (line: string) => void,
): Record<string, unknown> | undefined {
  if (calls.length === 0) return undefined;
  const section: Record<string, unknown> = {};
  for (const target of targets) {
    const mine = calls.filter((c) => c.api === target.name);
    if (mine.length === 0 || target.api?.fromRecording === undefined) continue;
    let fragment: Record<string, unknown>;
    try {
      fragment = target.api.fromRecording(mine);
    } catch (e) {
      // The deliveries are on the tape already; a hook that fails costs only its own section.
      log(`idemgate record: the ${target.name} API's fromRecording failed (${(e as Error).message}): its calls are kept raw in upstream.recordedCalls only`);
      continue;
    }
    for (const [key, value] of Object.entries(fragment)) {
      const before = section[key];
      const bothObjects = [before, value].every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
      section[key] = bothObjects ? { ...(before as object), ...(value as object) } : value;
    }
  }
  // The raw calls too: what the service asked and was answered, for a reader of the tape.
  section['recordedCalls'] = calls;
  return section;
}

/**
 * A recording reverse proxy: providers (or a tunnel) deliver to `listen`, each request is
 * forwarded to the service at `to` and, when it is a delivery of a known provider, written to the
 * tape with the service's answer as soon as it is answered. With `upstream`, a second listener
 * forwards the service's own calls to the real provider APIs and records them for the header.
 *
 * @example
 * const recorder = await createRecorder({ to: 'http://127.0.0.1:3000', listen: { host: '127.0.0.1', port: 4000 },
 *   out: 'incident.jsonl', endpoints: config.target.endpoints, redactor });
 * // … providers deliver to recorder.url …
 * const { exchanges } = await recorder.close();
 */
export async function createRecorder(options: RecorderOptions): Promise<Recorder> {
  let target: URL;
  try {
    target = new URL(options.to);
  } catch (e) {
    throw new IdemgateError('USAGE', `--to ${options.to} is not a URL (e.g. http://127.0.0.1:3000)`, { cause: e });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new IdemgateError('USAGE', `--to ${options.to} must be an http:// or https:// URL`);
  }
  const targetBase = target.href.replace(/\/+$/, '');
  const basePath = target.pathname.replace(/\/+$/, '');
  const now = options.now ?? (() => new Date());
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => {});
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const { redactor } = options;
  const name = options.name ?? (options.out.split(/[\\/]/).at(-1) ?? 'recording').replace(/\.jsonl$/, '');

  const pool = new Pool(target.origin, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const agent = new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const servers: http.Server[] = [];
  const cleanup = async (): Promise<void> => {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    await Promise.all([pool.close(), agent.close()]);
  };

  const mainServer = http.createServer();
  servers.push(mainServer);
  let url: string;
  let upstreamUrl: string | undefined;
  const upstreamServer = options.upstream === undefined ? undefined : http.createServer();
  try {
    url = await listenOn(mainServer, options.listen, '--listen');
    if (upstreamServer !== undefined) {
      servers.push(upstreamServer);
      upstreamUrl = await listenOn(upstreamServer, options.upstream!.listen, '--upstream-listen');
    }
  } catch (e) {
    await cleanup();
    throw e;
  }
  let tape: ReturnType<typeof createTapeFile>;
  try {
    tape = createTapeFile(
      options.out,
      {
        format: TAPE_FORMAT,
        version: TAPE_VERSION,
        name,
        description: `Recorded by idemgate record in front of ${targetBase}.`,
        createdAt: isoWithOffset(now()),
        source: { kind: 'proxy', detail: `idemgate record --to ${targetBase}` },
      },
      { overwrite: options.overwrite === true },
    );
  } catch (e) {
    await cleanup();
    throw e;
  }

  let seq = 0;
  const unrecognised = new Map<string, number>();
  let targetDown = false;
  const deliveries = inFlight();

  async function forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const arrived = now();
    const t0 = clock.now();
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const requestHeaders = headersOf(req.headers, HOP_BY_HOP);
    let status: number;
    let responseHeaders: HeaderValues;
    let responseBody: Buffer;
    try {
      const answer = await pool.request({
        path: `${basePath}${path}`,
        method: method as Dispatcher.HttpMethod,
        // The Host the provider used stays: a service that verifies a signature over its own URL (Shopee) still can.
        headers: requestHeaders,
        body: body.length === 0 && (method === 'GET' || method === 'HEAD') ? null : body,
      });
      status = answer.statusCode;
      responseHeaders = headersOf(answer.headers, HOP_BY_HOP);
      responseBody = Buffer.from(await answer.body.arrayBuffer());
      if (targetDown) log(`idemgate record: ${targetBase} answers again`);
      targetDown = false;
    } catch (e) {
      const code = errorCode(e);
      const timedOut = /TIMEOUT/i.test(code);
      status = timedOut ? 504 : 502;
      const note = `idemgate record: the service at ${targetBase} did not answer ${method} ${path.split('?')[0]} (${code}); answered ${status} so the provider redelivers`;
      responseHeaders = { 'content-type': 'text/plain; charset=utf-8', 'x-idemgate-record': `target unreachable: ${code}` };
      responseBody = Buffer.from(note, 'utf8');
      if (!targetDown) log(note);
      targetDown = true;
    }
    const durationMs = Math.round((clock.now() - t0) * 10) / 10;
    // The line is written before the provider gets the answer: whatever a provider saw answered is on the tape.
    try {
      record(req, body, { status, ...decoded(responseHeaders, responseBody) }, arrived, durationMs);
    } catch (e) {
      // The service has acted on it: its answer still goes back to the provider.
      log(`idemgate record: ${method} ${path.split('?')[0]} answered ${status} but not recorded: ${(e as Error).message}`);
    }
    if (!res.destroyed) {
      res.writeHead(status, { ...responseHeaders, 'content-length': String(responseBody.length) });
      res.end(method === 'HEAD' ? undefined : responseBody);
    }
  }

  function record(
    req: http.IncomingMessage,
    body: Buffer,
    answer: { status: number; headers: HeaderValues; body: Buffer },
    arrived: Date,
    durationMs: number,
  ): void {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const requestHeaders = headersOf(req.headers, HOP_BY_HOP);
    const provider = RECORDABLE_METHODS.has(method) ? providerOf(path, req.headers, options.endpoints) : undefined;
    if (provider === undefined) {
      const key = `${method} ${path.split('?')[0]}`;
      const seen = unrecognised.get(key) ?? 0;
      unrecognised.set(key, seen + 1);
      if (seen === 0) log(`idemgate record: ${key} is on no configured endpoint (target.endpoints) and carries no provider's signature header: forwarded, not recorded`);
      return;
    }
    const recordedBody = redactor.body(body, headerText(requestHeaders, 'content-type'));
    const utf8 = recordedBody.toString('utf8');
    const isText = Buffer.from(utf8, 'utf8').equals(recordedBody);
    const exchange: ExchangeInput = {
      seq: ++seq,
      provider,
      method: method as ExchangeInput['method'],
      path: redactor.path(path),
      headers: redactor.headers(headersOf(req.headers, NOT_RECORDED)),
      body: isText ? utf8 : recordedBody.toString('base64'),
      bodyEncoding: isText ? 'utf8' : 'base64',
      recordedAt: isoWithOffset(arrived),
      durationMs,
      response: {
        status: answer.status,
        headers: redactor.headers(headersOf(answer.headers, NOT_RECORDED)),
        body: redactor.body(answer.body, headerText(answer.headers, 'content-type')).toString('utf8'),
      },
    };
    tape.append(exchange);
  }

  mainServer.on('request', (req, res) => {
    deliveries.run(
      forward(req, res).catch((e: unknown) => {
        log(`idemgate record: ${req.method} ${req.url}: ${(e as Error).message}`);
        if (!res.headersSent) res.writeHead(500).end();
      }),
    );
  });

  const calls: (RecordedApiCall & { api: string })[] = [];
  const targets = options.upstream?.targets ?? [];
  async function forwardUpstream(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const arrived = now();
    const t0 = clock.now();
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const incoming = new URL(req.url ?? '/', 'http://upstream.invalid');
    const [first = '', ...rest] = incoming.pathname.split('/').slice(1);
    // `/<api>/…` selects an API; with one API configured, the prefix may be left out.
    let chosen = targets.find((t) => t.name === first);
    const apiPath = chosen === undefined ? incoming.pathname : `/${rest.join('/')}`;
    if (chosen === undefined && targets.length === 1) chosen = targets[0];
    if (chosen === undefined) {
      const message = `idemgate record: no provider API for ${method} ${incoming.pathname}: call ${upstreamUrl}/<api>/… with one of ${targets.map((t) => t.name).join(', ')}`;
      log(message);
      res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end(message);
      return;
    }
    const realBase = chosen.baseUrl.replace(/\/+$/, '');
    const forwardTo = `${realBase}${apiPath}${incoming.search}`;
    let status: number;
    let responseHeaders: HeaderValues = {};
    let responseBody: Buffer;
    try {
      const answer = await agent.request({
        origin: new URL(realBase).origin,
        path: `${new URL(forwardTo).pathname}${incoming.search}`,
        method: method as Dispatcher.HttpMethod,
        headers: headersOf(req.headers, new Set([...HOP_BY_HOP, 'host'])),
        body: body.length === 0 && (method === 'GET' || method === 'HEAD') ? null : body,
      });
      status = answer.statusCode;
      responseHeaders = headersOf(answer.headers, HOP_BY_HOP);
      responseBody = Buffer.from(await answer.body.arrayBuffer());
    } catch (e) {
      status = 502;
      const message = `idemgate record: the ${chosen.name} API at ${realBase} did not answer ${method} ${apiPath} (${errorCode(e)})`;
      log(message);
      responseBody = Buffer.from(message, 'utf8');
    }
    if (!res.destroyed) {
      res.writeHead(status, { ...responseHeaders, 'content-length': String(responseBody.length) });
      res.end(responseBody);
    }
    const answer = decoded(responseHeaders, responseBody);
    const answerText = redactor.body(answer.body, headerText(answer.headers, 'content-type'));
    const answerUtf8 = answerText.toString('utf8');
    calls.push({
      api: chosen.name,
      method,
      path: apiPath,
      query: redactor.query(Object.fromEntries(incoming.searchParams)),
      requestBody: redactor.body(body, headerText(headersOf(req.headers, new Set()), 'content-type')).toString('utf8'),
      status,
      body: Buffer.from(answerUtf8, 'utf8').equals(answerText) ? answerUtf8 : `base64:${answerText.toString('base64')}`,
      recordedAt: isoWithOffset(arrived),
      durationMs: Math.round((clock.now() - t0) * 10) / 10,
    });
  }
  upstreamServer?.on('request', (req, res) => {
    deliveries.run(
      forwardUpstream(req, res).catch((e: unknown) => {
        log(`idemgate record: upstream ${req.method} ${req.url}: ${(e as Error).message}`);
        if (!res.headersSent) res.writeHead(500).end();
      }),
    );
  });

  let closing: Promise<RecordingSummary> | undefined;
  return {
    url,
    upstreamUrl,
    get exchanges() {
      return tape.count;
    },
    get upstreamCalls() {
      return calls.length;
    },
    close() {
      closing ??= (async () => {
        // No new connections; requests already received are answered and recorded.
        for (const server of servers) server.close();
        for (const server of servers) server.closeIdleConnections();
        await deliveries.settled();
        await cleanup();
        const upstream = upstreamSection(targets, calls, log);
        const written = tape.finish(upstream === undefined ? {} : { upstream });
        return {
          file: written ? options.out : undefined,
          exchanges: tape.count,
          upstreamCalls: calls.length,
          unrecognised: Object.fromEntries(unrecognised),
        };
      })();
      return closing;
    },
  };
}
