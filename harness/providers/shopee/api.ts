import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { IdemgateError } from '../../errors.ts';
import type { Tape } from '../../tape/schema.ts';
import { defineProviderApi, type RecordedApiCall } from '../api.ts';
import type { ProviderSecrets } from '../provider.ts';
import { shopeeShopOf, type ShopeeShop } from './shop.ts';

/** Shopee shop-API credentials (the same keys as the `shopee` provider secrets). */
export interface ShopeeApiSecrets {
  partnerId: string;
  partnerKey: string;
  shopId: string;
  accessToken: string;
}

/** The test secrets of the wire contract; the reference merchant is configured with these. */
export const SHOPEE_TEST_SECRETS: Readonly<ShopeeApiSecrets> = {
  partnerId: '2001234',
  partnerKey: 'shpk_test_4f1c2a9e',
  shopId: '727720655',
  accessToken: 'test_access_token',
};

export type ShopeeApiError = 'error_sign' | 'error_auth' | 'error_param' | 'error_not_found';

/** One call the target made to the simulated Shopee API, as its handlers saw it. */
export interface ShopeeApiCall {
  method: string;
  /** Path without the query. */
  path: string;
  query: Record<string, string>;
  status: number;
  /** The Shopee error code answered, when the call was refused. */
  error?: string;
  /** When the call arrived (ISO 8601). */
  time: string;
}

export interface ShopeeApiData {
  /** The shop's region and currency, for get_order_detail. Default MY, MYR. */
  shop?: ShopeeShop;
  /** ordersn → the `response` object of get_escrow_detail, as recorded on the tape. */
  escrow: Readonly<Record<string, unknown>>;
  /**
   * ordersn → one `order_list` entry of get_order_detail. Orders missing here but present in
   * `escrow` are answered with a minimal COMPLETED entry (a tape records escrow only for
   * orders that completed).
   */
  orders?: Readonly<Record<string, Record<string, unknown>>>;
}

export interface ShopeeApiOptions {
  /**
   * Origin (and optional path prefix) the handlers match, e.g. `https://partner.shopeemobile.com`.
   * Leave it out to match relative to whatever origin serves them (see `serveHandlers`).
   */
  baseUrl?: string;
  secrets: ShopeeApiSecrets;
  data: ShopeeApiData;
  /** Every call is appended here. */
  log?: ShopeeApiCall[];
  /** Server clock for the 5-minute timestamp window. Default: the wall clock. */
  now?: () => Date;
}

export const ESCROW_DETAIL_PATH = '/api/v2/payment/get_escrow_detail';
export const ORDER_DETAIL_PATH = '/api/v2/order/get_order_detail';
/** Shopee accepts a request timestamp at most this far from its own clock. */
export const TIMESTAMP_WINDOW_S = 300;
const MAX_ORDER_SN_LIST = 50;

/**
 * HTTP status per Shopee error. Shopee documents the error codes but not the statuses; these
 * follow what integrators report: authentication and signature failures are 403, a bad or
 * missing parameter 400, an unknown order 404.
 */
export const SHOPEE_ERROR_STATUS: Readonly<Record<ShopeeApiError, number>> = {
  error_sign: 403,
  error_auth: 403,
  error_param: 400,
  error_not_found: 404,
};

/** Lowercase hex HMAC-SHA256(partnerKey, partnerId + apiPath + timestamp + accessToken + shopId). */
export function shopeeApiSign(
  secrets: ShopeeApiSecrets,
  apiPath: string,
  timestamp: number | string,
): string {
  return createHmac('sha256', secrets.partnerKey)
    .update(`${secrets.partnerId}${apiPath}${timestamp}${secrets.accessToken}${secrets.shopId}`)
    .digest('hex');
}

/**
 * The common query parameters of a signed shop-API call (what a merchant's client sends).
 *
 * @example
 * const q = new URLSearchParams({ order_sn: 'X', ...shopeeApiQuery(secrets, ESCROW_DETAIL_PATH, new Date()) });
 */
export function shopeeApiQuery(
  secrets: ShopeeApiSecrets,
  apiPath: string,
  now: Date,
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    partner_id: secrets.partnerId,
    timestamp: String(timestamp),
    access_token: secrets.accessToken,
    shop_id: secrets.shopId,
    sign: shopeeApiSign(secrets, apiPath, timestamp),
  };
}

class Refusal {
  constructor(
    readonly error: ShopeeApiError,
    readonly message: string,
  ) {}
}

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

function checkCommon(url: URL, apiPath: string, secrets: ShopeeApiSecrets, now: Date): void {
  const q = url.searchParams;
  if ((q.get('sign') ?? '') === '') throw new Refusal('error_sign', 'Missing sign.');
  for (const name of ['partner_id', 'timestamp', 'access_token', 'shop_id']) {
    if ((q.get(name) ?? '') === '') throw new Refusal('error_param', `Missing required parameter: ${name}.`);
  }
  if (q.get('partner_id') !== secrets.partnerId) throw new Refusal('error_auth', 'Invalid partner_id.');
  const timestamp = q.get('timestamp')!;
  if (!/^\d+$/.test(timestamp))
    throw new Refusal('error_param', 'Invalid timestamp: not a unix time in seconds.');
  if (Math.abs(Number(timestamp) - now.getTime() / 1000) > TIMESTAMP_WINDOW_S) {
    throw new Refusal(
      'error_auth',
      `Invalid timestamp: more than ${TIMESTAMP_WINDOW_S} s from the server time.`,
    );
  }
  // The sign covers the caller's access_token and shop_id, so a wrong token signed with the
  // right key is an auth error, and a wrong key or tampered parameter a sign error.
  const claimed = { ...secrets, accessToken: q.get('access_token')!, shopId: q.get('shop_id')! };
  if (!sameText(q.get('sign')!, shopeeApiSign(claimed, apiPath, timestamp))) {
    throw new Refusal('error_sign', 'Wrong sign.');
  }
  if (claimed.accessToken !== secrets.accessToken) throw new Refusal('error_auth', 'Invalid access_token.');
  if (claimed.shopId !== secrets.shopId) throw new Refusal('error_auth', 'Invalid shop_id.');
}

function orderEntry(data: ShopeeApiData, orderSn: string): Record<string, unknown> | undefined {
  const order = data.orders?.[orderSn];
  if (order !== undefined) return order;
  const escrow = data.escrow[orderSn] as
    { buyer_user_name?: unknown; order_income?: { buyer_total_amount?: unknown } } | undefined;
  if (escrow === undefined) return undefined;
  return {
    order_sn: orderSn,
    region: data.shop?.region ?? 'MY',
    currency: data.shop?.currency ?? 'MYR',
    order_status: 'COMPLETED',
    buyer_username: escrow.buyer_user_name,
    total_amount: escrow.order_income?.buyer_total_amount,
  };
}

/**
 * msw handlers for the Shopee shop APIs a merchant calls after a push: get_escrow_detail and
 * get_order_detail. Each call is checked like Shopee does (partner, timestamp window, sign,
 * token, shop) and answered in Shopee's envelope `{ request_id, error, message, response }`.
 *
 * @example
 * const log: ShopeeApiCall[] = [];
 * const server = await serveHandlers(shopeeApiHandlers({ secrets: SHOPEE_TEST_SECRETS, data: { escrow }, log }));
 */
export function shopeeApiHandlers(options: ShopeeApiOptions): HttpHandler[] {
  const prefix = (options.baseUrl ?? '').replace(/\/+$/, '');
  const clock = options.now ?? (() => new Date());

  const endpoint = (apiPath: string, answer: (url: URL) => { response: unknown; warning?: string }) =>
    http.get(`${prefix}${apiPath}`, ({ request }) => {
      const url = new URL(request.url);
      const requestId = randomBytes(16).toString('hex');
      let status = 200;
      let body: Record<string, unknown>;
      try {
        checkCommon(url, apiPath, options.secrets, clock());
        const { response, warning } = answer(url);
        body = {
          request_id: requestId,
          error: '',
          message: '',
          ...(warning === undefined ? {} : { warning }),
          response,
        };
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        status = SHOPEE_ERROR_STATUS[e.error];
        body = { request_id: requestId, error: e.error, message: e.message };
      }
      options.log?.push({
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status,
        ...(status === 200 ? {} : { error: String(body['error']) }),
        time: new Date().toISOString(),
      });
      return HttpResponse.json(body, { status });
    });

  return [
    endpoint(ESCROW_DETAIL_PATH, (url) => {
      const orderSn = url.searchParams.get('order_sn') ?? '';
      if (orderSn === '') throw new Refusal('error_param', 'Missing required parameter: order_sn.');
      const response = options.data.escrow[orderSn];
      if (response === undefined) throw new Refusal('error_not_found', `Order ${orderSn} not found.`);
      return { response };
    }),
    endpoint(ORDER_DETAIL_PATH, (url) => {
      const list = (url.searchParams.get('order_sn_list') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (list.length === 0) throw new Refusal('error_param', 'Missing required parameter: order_sn_list.');
      if (list.length > MAX_ORDER_SN_LIST) {
        throw new Refusal(
          'error_param',
          `order_sn_list has ${list.length} entries; at most ${MAX_ORDER_SN_LIST}.`,
        );
      }
      const found = list.flatMap((sn) => orderEntry(options.data, sn) ?? []);
      const missing = list.filter((sn) => orderEntry(options.data, sn) === undefined);
      if (found.length === 0) throw new Refusal('error_not_found', `Orders not found: ${missing.join(',')}.`);
      // [model] a partly known list is answered with the known orders and a warning.
      return {
        response: { order_list: found },
        ...(missing.length === 0 ? {} : { warning: `Orders not found: ${missing.join(',')}.` }),
      };
    }),
  ];
}

/** `header.upstream.shopee.escrow` of a tape: ordersn → the recorded get_escrow_detail `response`. */
export function shopeeEscrowOf(tape: Tape): Record<string, unknown> {
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

function pickShopeeSecrets(given: ProviderSecrets | undefined): Partial<ShopeeApiSecrets> {
  const picked: Partial<ShopeeApiSecrets> = {};
  for (const key of ['partnerId', 'partnerKey', 'shopId', 'accessToken'] as const) {
    const value = given?.[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/**
 * What a recording's calls to the real Shopee Open API give the tape header: each successful
 * get_escrow_detail's `response` by its order_sn (`upstream.shopee.escrow`), and the shop's
 * region and currency from get_order_detail, which `shopeeShopOf` reads. Refused calls are left out.
 *
 * @example
 * shopeeFromRecording([{ method: 'GET', path: ESCROW_DETAIL_PATH, query: { order_sn: 'X' }, status: 200, body: '{"error":"","response":{…}}', … }]);
 * // { shopee: { escrow: { X: { … } } } }
 */
export function shopeeFromRecording(calls: readonly RecordedApiCall[]): Record<string, unknown> {
  const escrow: Record<string, unknown> = {};
  const shop: { region?: string; currency?: string } = {};
  for (const call of calls) {
    if (call.status !== 200) continue;
    let answer: Record<string, unknown> | undefined;
    try {
      answer = asRecord(JSON.parse(call.body));
    } catch {
      continue;
    }
    if (answer === undefined || (answer['error'] ?? '') !== '') continue;
    const response = asRecord(answer['response']);
    if (response === undefined) continue;
    if (call.path.endsWith(ESCROW_DETAIL_PATH)) {
      const orderSn = typeof response['order_sn'] === 'string' ? response['order_sn'] : call.query['order_sn'];
      if (orderSn !== undefined && orderSn !== '') escrow[orderSn] = response;
    } else if (call.path.endsWith(ORDER_DETAIL_PATH) && Array.isArray(response['order_list'])) {
      for (const order of response['order_list'].map(asRecord)) {
        if (typeof order?.['region'] === 'string') shop.region ??= order['region'];
        if (typeof order?.['currency'] === 'string') shop.currency ??= order['currency'];
      }
    }
  }
  if (Object.keys(escrow).length === 0 && shop.region === undefined && shop.currency === undefined) return {};
  return { shopee: { ...shop, escrow } };
}

/** Shopee's error envelope. */
const shopeeError = (error: string, message: string) => ({
  request_id: randomBytes(16).toString('hex'),
  error,
  message,
});

/**
 * The simulated Shopee Open API as a provider API: get_escrow_detail answers what the tape
 * recorded (`header.upstream.shopee.escrow`), signed with `secrets.shopee` (keys left out take
 * the wire contract's test values). Its state is the log of calls its handlers saw.
 *
 * @example
 * const upstream = await createUpstream({ apis: [shopeeApi], tape });
 * upstream.state(shopeeApi).log; // [{ method: 'GET', path: '/api/v2/payment/get_escrow_detail', status: 200, … }]
 */
export const shopeeApi = defineProviderApi({
  name: 'shopee',
  baseUrlEnv: 'SHOPEE_API_BASE',
  usedBy: ['shopee'],
  routes: [
    { name: 'shopee.escrow_detail', method: 'GET', path: ESCROW_DETAIL_PATH, subject: ({ query }) => query.get('order_sn') ?? '' },
    { name: 'shopee.order_detail', method: 'GET', path: ORDER_DETAIL_PATH, subject: ({ query }) => query.get('order_sn_list') ?? '' },
  ],
  errors: {
    throttle: () => shopeeError('error_too_many_request', 'Too many requests, please try again later.'),
    serverError: () => shopeeError('error_server', 'Internal server error.'),
    unauthorized: () => shopeeError('error_auth', 'Invalid access_token.'),
  },
  fromRecording: shopeeFromRecording,
  create: ({ tape, secrets, now }) => {
    const log: ShopeeApiCall[] = [];
    const escrow = tape === undefined ? {} : shopeeEscrowOf(tape);
    return {
      handlers: shopeeApiHandlers({
        secrets: { ...SHOPEE_TEST_SECRETS, ...pickShopeeSecrets(secrets['shopee']) },
        data: { escrow, shop: shopeeShopOf(tape) },
        log,
        now,
      }),
      state: { log },
      reset: () => {
        log.length = 0;
      },
    };
  },
});
