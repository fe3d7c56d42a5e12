import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, http as mswHttp, HttpResponse, type RequestHandler } from 'msw';
import { IdemgateError } from '../errors.ts';
import type { ProviderApi, ProviderApiErrors, ProviderApiInstance, ProviderApiRoute, SubjectOf } from '../providers/api.ts';
import type { ProviderSecrets } from '../providers/provider.ts';
import type { Tape } from '../tape/schema.ts';
import { createCallLog, type UpstreamCallRecord } from './call-log.ts';

/** Internal header the fault layer uses to ask an API that `holdsRequests` to hold a request (a slow upstream). */
export const PROCESSING_DELAY_HEADER = 'x-idemgate-processing-delay-ms';

/** The time an API is asked to hold a request (`ProviderApiContext.heldMs`). */
export const processingDelayOf = (request: Request): number => Number(request.headers.get(PROCESSING_DELAY_HEADER) ?? 0);

export interface ServedHandlers {
  /** `http://127.0.0.1:PORT` */
  baseUrl: string;
  close(): Promise<void>;
}

function toFetchRequest(req: http.IncomingMessage, baseUrl: string, body: Buffer, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? 'GET';
  return new Request(new URL(req.url ?? '/', baseUrl), {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' || body.length === 0 ? undefined : body,
    signal,
  });
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

/**
 * Serves msw handlers on a real loopback port, for a target whose HTTP client msw cannot
 * intercept (undici's `request`, another process, another language). Relative handler paths
 * match against this server's own origin. Unmatched requests get a 404 JSON body.
 *
 * @example
 * const served = await serveHandlers([http.get('/ping', () => HttpResponse.text('pong'))]);
 * await fetch(`${served.baseUrl}/ping`); // 'pong'
 * await served.close();
 */
export async function serveHandlers(
  handlers: readonly RequestHandler[],
  { host = '127.0.0.1', port = 0 }: { host?: string; port?: number } = {},
): Promise<ServedHandlers> {
  let baseUrl = '';
  const server = http.createServer((req, res) => {
    // The request's signal aborts when the client closes the connection before the answer is
    // written (its timeout gave up): handlers and the call log can tell a held answer nobody read.
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    void (async () => {
      try {
        const request = toFetchRequest(req, baseUrl, await readBody(req), gone.signal);
        const response = await getResponse([...handlers], request, { baseUrl });
        if (response?.type === 'error') {
          // msw's HttpResponse.error(): a network error, i.e. the connection drops with no answer.
          res.destroy();
          return;
        }
        if (response === undefined) {
          sendJson(res, 404, {
            error: 'not_found',
            message: `no simulated endpoint for ${req.method} ${req.url}`,
          });
          return;
        }
        const headers: Record<string, string | string[]> = {};
        response.headers.forEach((value, name) => {
          const prev = headers[name];
          headers[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
        });
        res.writeHead(response.status, headers).end(Buffer.from(await response.arrayBuffer()));
      } catch (e) {
        if (res.headersSent) res.destroy();
        else
          sendJson(res, 500, { error: 'error_server', message: e instanceof Error ? e.message : String(e) });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(
        new IdemgateError('UPSTREAM_FAILED', `cannot serve the simulated upstream on ${host}:${port}`, {
          cause: e,
        }),
      ),
    );
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${host}:${address.port}`;
  return {
    baseUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e === undefined ? resolve() : reject(e)));
      }),
  };
}

/** One row of the composed route table: a route, the API that owns it and what the session uses of it. */
export interface UpstreamRouteEntry {
  api: ProviderApi;
  route: ProviderApiRoute;
  /** The route's API's error envelopes (a fault answers with these). */
  errors: ProviderApiErrors;
  /** The route's subject, or the `subjects` override given to `createUpstream`. */
  subject: SubjectOf;
}

export interface RunningUpstream {
  /** Each known API's base-URL variable (`SHOPEE_API_BASE`, …) → this upstream, served or not: give it to the target. */
  env: Record<string, string>;
  /** The APIs served, in the order given. */
  readonly apis: readonly ProviderApi[];
  /** Every call to a route of a served API, with times, fault and outcome (what the retry invariants read). */
  readonly calls: UpstreamCallRecord[];
  /** The route a request is for (method and exact path), among the served APIs' routes. */
  routeOf(method: string, path: string): UpstreamRouteEntry | undefined;
  serves(api: ProviderApi): boolean;
  /** A served API's state (the PSP's ledger, the calls Shopee's handlers saw); UPSTREAM_FAILED if it is not served. */
  state<S>(api: ProviderApi<S>): S;
  /**
   * Puts msw handlers in front of the APIs (first match wins, the latest `use` first), inside the
   * call log: what they answer is logged like the APIs' answers. A schedule's fault layer goes here.
   */
  use(...handlers: RequestHandler[]): void;
  /** Removes every handler added with `use`. */
  resetHandlers(): void;
  /** What the served APIs themselves answer a request, past the `use`d handlers (404 JSON when none matches). */
  answer(request: Request): Promise<Response>;
  /** The record of the call a request forwarded by the call log belongs to (for `use`d handlers). */
  callOf(request: Request): UpstreamCallRecord | undefined;
  /** Starts a schedule: removes the `use`d handlers, forgets the calls and every API's state. */
  reset(): void;
  /** Resolves once no upstream call is being handled (held answers included), or after `maxMs`. */
  idle(maxMs?: number): Promise<void>;
  /** Upstream calls being handled now (held answers included): the target is still waiting on them. */
  inFlight(): number;
  /**
   * Holds the next call to a served route before it is answered: `called` resolves when it
   * arrives; it is answered (as usual, to whoever still listens) after `release()`. The
   * crash-restart fault kills the target there. `release` before any call, or `reset`, lets it go.
   */
  holdNextCall(): UpstreamHold;
  close(): Promise<void>;
}

export interface UpstreamHold {
  readonly called: Promise<void>;
  release(): void;
}

function composeRoutes(
  apis: readonly ProviderApi[],
  subjects: Readonly<Record<string, SubjectOf>>,
): UpstreamRouteEntry[] {
  const invalid = (message: string) => new IdemgateError('CONFIG_INVALID', message);
  const entries: UpstreamRouteEntry[] = [];
  const names = new Set<string>();
  for (const api of apis) {
    if (names.has(api.name)) throw invalid(`two provider APIs are named "${api.name}"`);
    names.add(api.name);
    for (const route of api.routes) {
      if (api.errors === undefined) throw invalid(`provider API "${api.name}" has routes but no errors: give it its error envelopes`);
      const clash = entries.find(
        (e) => e.route.name === route.name || (e.route.method === route.method && e.route.path === route.path),
      );
      if (clash !== undefined) {
        throw invalid(
          `route "${route.name}" (${route.method} ${route.path}) of API "${api.name}" clashes with "${clash.route.name}" (${clash.route.method} ${clash.route.path}) of API "${clash.api.name}"`,
        );
      }
      entries.push({ api, route, errors: api.errors, subject: subjects[route.name] ?? route.subject });
    }
  }
  const unknown = Object.keys(subjects).filter((name) => !entries.some((e) => e.route.name === name));
  if (unknown.length > 0) {
    throw invalid(`subjects given for unknown routes ${unknown.join(', ')} (routes: ${entries.map((e) => e.route.name).join(', ')})`);
  }
  return entries;
}

/**
 * Serves the given provider APIs on one loopback port, answering what the tape recorded in its
 * header. Every call to one of their routes is logged (`calls`); handlers added with `use` (a
 * schedule's fault layer) answer in front of the APIs. `env` maps each API's base-URL variable,
 * and each of `unserved`'s, to the port: give it to the target. A call to an API that is not
 * served is answered 404, naming it.
 *
 * @example
 * const upstream = await createUpstream({ apis: [shopeeApi, pspApi], tape, secrets: config.providers });
 * const target = await startTarget({ env: upstream.env }); // SHOPEE_API_BASE=http://127.0.0.1:PORT, PSP_API_BASE=…
 * upstream.use(createFaultLayer({ upstream, plan }));
 * …
 * await upstream.close();
 */
export async function createUpstream({
  apis,
  unserved = [],
  tape,
  secrets = {},
  now,
  subjects = {},
}: {
  /** The provider APIs to serve (see `builtinApis`, `apisFor`). */
  apis: readonly ProviderApi[];
  /** APIs a target may be configured with but this run does not need: their variable is set, their calls get 404. */
  unserved?: readonly ProviderApi[];
  /** The tape (or merged tapes) being replayed; without one, nothing recorded is known upstream. */
  tape?: Tape;
  /** Secrets per provider name, as configured; each API picks its own. */
  secrets?: Readonly<Record<string, ProviderSecrets>>;
  /** Server clock for the APIs that check times (Shopee's timestamp window). */
  now?: () => Date;
  /** Per route name: which business reference a call is about, replacing the route's own `subject`. */
  subjects?: Readonly<Record<string, SubjectOf>>;
}): Promise<RunningUpstream> {
  const routes = composeRoutes(apis, subjects);
  const instances = new Map<ProviderApi, ProviderApiInstance<unknown>>();
  for (const api of apis) instances.set(api, api.create({ ...(tape === undefined ? {} : { tape }), secrets, ...(now ? { now } : {}), heldMs: processingDelayOf }));
  const apiHandlers = [...instances.values()].flatMap((instance) => instance.handlers);
  const log = createCallLog();
  let used: RequestHandler[] = [];
  let baseUrl = '';
  let armed: { arrived(): void; released: Promise<void>; release(): void } | undefined;

  const notFound = (request: Request) => {
    const path = new URL(request.url).pathname;
    const others = unserved.map((api) => `${api.name} (${api.baseUrlEnv})`);
    return HttpResponse.json(
      {
        error: 'not_found',
        message:
          `no simulated endpoint for ${request.method} ${path}; served APIs: ${apis.map((api) => api.name).join(', ') || 'none'}` +
          (others.length > 0 ? `; not served in this run (no provider on its tapes uses them): ${others.join(', ')}` : ''),
      },
      { status: 404 },
    );
  };
  const answer = async (request: Request): Promise<Response> =>
    (await getResponse(apiHandlers, request, { baseUrl })) ?? notFound(request);
  const routeOf = (method: string, path: string) => routes.find((e) => e.route.method === method && e.route.path === path);

  const front = mswHttp.all('*', async ({ request }) => {
    const respond = async (forward: Request) =>
      (await getResponse([...used, ...apiHandlers], forward, { baseUrl })) ?? notFound(forward);
    const entry = routeOf(request.method, new URL(request.url).pathname);
    if (entry === undefined) return respond(request);
    const hold = armed;
    armed = undefined;
    // A target cannot ask for a held answer: only the fault layer sets that header.
    return log.record(request, { name: entry.route.name, subject: entry.subject }, async (forward) => {
      if (hold !== undefined) {
        hold.arrived();
        await hold.released;
      }
      return respond(forward);
    }, [PROCESSING_DELAY_HEADER]);
  });
  const served = await serveHandlers([front]);
  baseUrl = served.baseUrl;

  const env: Record<string, string> = {};
  for (const api of [...apis, ...unserved]) env[api.baseUrlEnv] = served.baseUrl;
  return {
    env,
    apis,
    calls: log.calls,
    routeOf,
    serves: (api) => instances.has(api),
    state<S>(api: ProviderApi<S>): S {
      const instance = instances.get(api);
      if (instance === undefined) {
        throw new IdemgateError('UPSTREAM_FAILED', `the ${api.name} API is not served in this run (served: ${apis.map((a) => a.name).join(', ') || 'none'})`);
      }
      // The map is keyed by the API value itself, so its instance holds that API's state type.
      return instance.state as S;
    },
    use: (...handlers) => {
      used = [...handlers, ...used];
    },
    resetHandlers: () => {
      used = [];
    },
    answer,
    callOf: (request) => log.callOf(request),
    reset: () => {
      armed?.release();
      armed = undefined;
      used = [];
      log.clear();
      for (const instance of instances.values()) instance.reset();
    },
    idle: (maxMs) => log.idle(maxMs),
    inFlight: () => log.inFlight(),
    holdNextCall: () => {
      armed?.release();
      let arrived = (): void => {};
      let release = (): void => {};
      const called = new Promise<void>((r) => (arrived = r));
      const released = new Promise<void>((r) => (release = r));
      const hold = { arrived, released, release: () => {
        release();
        if (armed === hold) armed = undefined;
      } };
      armed = hold;
      return { called, release: hold.release };
    },
    close: served.close,
  };
}
