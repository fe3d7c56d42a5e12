import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';
import { IdemgateError } from '../errors.ts';
import type { ProviderSecrets } from '../providers/provider.ts';
import type { Tape } from '../tape/schema.ts';
import type { UpstreamCallRecord } from './call-log.ts';
import { createFaultLayer, PROCESSING_DELAY_HEADER, type SubjectOf } from './fault-layer.ts';
import type { UpstreamFaultPlan, UpstreamRoute } from './fault-plan.ts';
import { fpxEnquiryAnswers } from '../providers/fpx/enquiry.ts';
import { loadFpxTestKeys } from '../providers/fpx/test-keys.ts';
import { fpxEnquiryHandlers, type FpxEnquiryCall } from './fpx-enquiry.ts';
import { createPspState, PSP_TEST_SECRET_KEY, pspApiHandlers, type PspState } from './psp-api.ts';
import {
  SHOPEE_TEST_SECRETS,
  shopeeApiHandlers,
  type ShopeeApiSecrets,
  type UpstreamCall,
} from './shopee-api.ts';

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

export interface RunningUpstream {
  /** What a target needs to reach the simulated APIs: `SHOPEE_API_BASE`, `PSP_API_BASE`, `FPX_AE_BASE`. */
  env: Record<string, string>;
  /** Every Shopee API call the target made, in arrival order (as the Shopee handlers saw it). */
  log: UpstreamCall[];
  /** Every call to any simulated route, with times, fault and outcome (what the retry invariants read). */
  calls: UpstreamCallRecord[];
  /** The simulated PSP's state; `psp.ledger` holds the charges and refunds it really made. */
  psp: PspState;
  /** Every FPX AE status enquiry the target made, in arrival order. */
  fpxEnquiries: FpxEnquiryCall[];
  /** Starts a schedule: replaces the fault plan, forgets calls, counters and the PSP's state. */
  load(plan: UpstreamFaultPlan): void;
  /** Same as `load([])`. */
  reset(): void;
  /** Resolves once no upstream call is being handled (held answers included), or after `maxMs`. */
  idle(maxMs?: number): Promise<void>;
  close(): Promise<void>;
}

function shopeeEscrow(tape: Tape): Record<string, unknown> {
  const shopee = tape.header.upstream?.['shopee'];
  if (shopee === undefined) return {};
  const escrow = (shopee as { escrow?: unknown } | null)?.escrow;
  if (escrow === undefined) return {};
  if (typeof escrow !== 'object' || escrow === null || Array.isArray(escrow)) {
    throw new IdemgateError(
      'TAPE_INVALID',
      `${tape.file ?? tape.header.name}:1: header.upstream.shopee.escrow must be an object keyed by ordersn`,
      { details: { file: tape.file, line: 1 } },
    );
  }
  return escrow as Record<string, unknown>;
}

/**
 * Starts the simulated provider APIs a tape needs, answering what was recorded in its header
 * (`header.upstream.shopee.escrow`). Pass `env` to the target.
 *
 * @example
 * const upstream = await createUpstream({ tape, secrets: config.providers });
 * const target = await startTarget({ env: upstream.env }); // SHOPEE_API_BASE=http://127.0.0.1:PORT
 * …
 * await upstream.close();
 */
export async function createUpstream({
  tape,
  secrets = {},
  now,
  subjects,
}: {
  /** The tape (or merged tapes) being replayed; without one, no order is known upstream. */
  tape?: Tape;
  /**
   * Secrets per provider name, as configured. `secrets.shopee` gives the shop-API credentials
   * the target signs with; keys it leaves out take the wire contract's test values.
   */
  secrets?: Readonly<Record<string, ProviderSecrets>>;
  /** Server clock for Shopee's timestamp window. */
  now?: () => Date;
  /** Per route: which business reference a call is about (see `DEFAULT_SUBJECTS`). */
  subjects?: Partial<Record<UpstreamRoute, SubjectOf>>;
}): Promise<RunningUpstream> {
  const log: UpstreamCall[] = [];
  const shopee: ShopeeApiSecrets = { ...SHOPEE_TEST_SECRETS, ...pickShopeeSecrets(secrets['shopee']) };
  const escrow = tape === undefined ? {} : shopeeEscrow(tape);
  const psp = createPspState();
  const pspSecretKey = secrets['psp']?.['secretKey'] ?? secrets['stripe']?.['secretKey'] ?? PSP_TEST_SECRET_KEY;
  const fpxEnquiries: FpxEnquiryCall[] = [];
  const inner = [
    ...shopeeApiHandlers({ secrets: shopee, data: { escrow }, log, now }),
    ...fpxEnquiryHandlers({
      // FPX signs its answers with its own key; the configured test key, else the repository's.
      privateKeyPem: secrets['fpx']?.['privateKeyPem'] ?? loadFpxTestKeys().privateKeyPem,
      answers: tape === undefined ? {} : fpxEnquiryAnswers(tape),
      log: fpxEnquiries,
    }),
    ...pspApiHandlers({
      secretKey: pspSecretKey,
      state: psp,
      processingDelayMs: (request) => Number(request.headers.get(PROCESSING_DELAY_HEADER) ?? 0),
    }),
  ];
  const layer = createFaultLayer({ inner, ...(subjects ? { subjects } : {}) });
  const served = await serveHandlers([layer.handler, ...inner]);
  const load = (plan: UpstreamFaultPlan): void => {
    layer.load(plan);
    psp.reset();
    log.length = 0;
    fpxEnquiries.length = 0;
  };
  return {
    env: { SHOPEE_API_BASE: served.baseUrl, PSP_API_BASE: served.baseUrl, FPX_AE_BASE: served.baseUrl },
    log,
    calls: layer.calls,
    psp,
    fpxEnquiries,
    load,
    reset: () => load([]),
    idle: (maxMs) => layer.idle(maxMs),
    close: served.close,
  };
}

function pickShopeeSecrets(given: ProviderSecrets | undefined): Partial<ShopeeApiSecrets> {
  const picked: Partial<ShopeeApiSecrets> = {};
  for (const key of ['partnerId', 'partnerKey', 'shopId', 'accessToken'] as const) {
    const value = given?.[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}
