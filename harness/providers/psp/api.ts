import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { defineProviderApi } from '../api.ts';
import {
  createIdempotencyStore,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  requestFingerprint,
  type IdempotencyStore,
} from './idempotency-store.ts';

/** The PSP's test secret key; the reference merchant is configured with it. */
export const PSP_TEST_SECRET_KEY = 'sk_test_idemgate';
export const PAYMENT_INTENTS_PATH = '/v1/payment_intents';
export const REFUNDS_API_PATH = '/v1/refunds';

/** A charge or refund the PSP really made: its own books, against which the target's are checked. */
export interface PspLedgerEntry {
  kind: 'charge' | 'refund';
  /** pi_… or re_… */
  id: string;
  amountMinor: number;
  currency: string;
  /** For a refund, the payment intent refunded. */
  paymentIntent?: string;
  metadata: Record<string, string>;
  /** The Idempotency-Key of the request that made it (absent: none was sent). */
  idempotencyKey?: string;
  /** performance.now() when it was made. */
  atMs: number;
}

interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: 'succeeded' | 'requires_confirmation';
  metadata: Record<string, string>;
  created: number;
  livemode: false;
}

/** Everything the simulated PSP remembers; `reset()` forgets it (once per schedule). */
export interface PspState {
  readonly ledger: PspLedgerEntry[];
  readonly paymentIntents: Map<string, PaymentIntent>;
  readonly refundedMinor: Map<string, number>;
  /** The Idempotency-Keys it has seen and the answers it stored for them. */
  readonly idempotency: IdempotencyStore;
  reset(): void;
}

export function createPspState(): PspState {
  const state: PspState = {
    ledger: [],
    paymentIntents: new Map(),
    refundedMinor: new Map(),
    idempotency: createIdempotencyStore(),
    reset() {
      state.ledger.length = 0;
      state.paymentIntents.clear();
      state.refundedMinor.clear();
      state.idempotency.reset();
    },
  };
  return state;
}

export interface PspApiOptions {
  /** Origin the handlers match; default: relative to whatever serves them. */
  baseUrl?: string;
  secretKey: string;
  state: PspState;
  /** Wall clock in ms for the 24 h key window. Default Date.now. */
  now?: () => number;
  /**
   * Makes the PSP itself fail a request with a 500 *after* taking the idempotency key, the case
   * Stripe documents as stored ("including 500 errors"). For tests of that semantics.
   */
  internalError?: (path: string, params: URLSearchParams) => boolean;
  /**
   * How long the PSP takes over a request once it has taken its idempotency key (a slow upstream:
   * a retry arriving meanwhile conflicts with the one in flight). Default 0.
   */
  processingDelayMs?: (request: Request) => number;
}

/** Stripe's error envelope. */
export const pspError = (type: string, message: string, extra: Record<string, unknown> = {}) => ({
  error: { type, message, ...extra },
});

class Refusal {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

const id = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;

function metadataOf(params: URLSearchParams): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [k, v] of params) {
    const m = /^metadata\[(.+)\]$/.exec(k);
    if (m) metadata[m[1]!] = v;
  }
  return metadata;
}

function positiveInteger(params: URLSearchParams, name: string, required: boolean): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') {
    if (required) throw new Refusal(400, pspError('invalid_request_error', `Missing required param: ${name}.`, { code: 'parameter_missing', param: name }));
    return undefined;
  }
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) <= 0) {
    throw new Refusal(400, pspError('invalid_request_error', `Invalid integer: ${raw}`, { code: 'parameter_invalid_integer', param: name }));
  }
  return Number(raw);
}

/** The secret key from `Authorization: Bearer sk_…` or Basic with the key as user name (both Stripe's). */
export function pspKeyFrom(authorization: string | null): string | undefined {
  if (authorization === null) return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)$/i.exec(authorization);
  if (basic) return Buffer.from(basic[1]!, 'base64').toString('utf8').split(':', 1)[0];
  return undefined;
}

/**
 * msw handlers for a Stripe-style PSP API: `POST /v1/payment_intents` and `POST /v1/refunds`,
 * form-encoded like Stripe's, authenticated by the secret key (401 otherwise), honouring the
 * `Idempotency-Key` header as Stripe documents it: the first response (status and body, 500s
 * included) is stored for 24 h and replayed for the same key and parameters (with
 * `Idempotent-Replayed: true`); the same key with other parameters is a 400 `idempotency_error`;
 * a request while one with that key is in flight is a 409 `idempotency_error`; requests that fail
 * validation are not stored. Every charge and refund it makes is appended to `state.ledger`.
 *
 * @example
 * const state = createPspState();
 * const served = await serveHandlers(pspApiHandlers({ secretKey: PSP_TEST_SECRET_KEY, state }));
 */
export function pspApiHandlers(options: PspApiOptions): HttpHandler[] {
  const now = options.now ?? Date.now;
  return [
    pspEndpoint(options, PAYMENT_INTENTS_PATH, createPaymentIntent(options.state, now)),
    pspEndpoint(options, REFUNDS_API_PATH, createRefund(options.state, now)),
  ];
}

/** What one PSP operation does with a request's form parameters; a `Refusal` is its 4xx. */
type PspOperation = (params: URLSearchParams, key: string | undefined) => unknown;

/** The answer an operation gives, its refusals as their 4xx. */
function answerOf(run: () => unknown): Response {
  try {
    return HttpResponse.json(run() as Record<string, unknown>);
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    return HttpResponse.json(e.body as Record<string, unknown>, { status: e.status });
  }
}

const unauthorized = (given: string | undefined): Response =>
  HttpResponse.json(
    given === undefined
      ? pspError('invalid_request_error', 'You did not provide an API key. Provide it in the Authorization header as Bearer sk_….')
      : pspError('invalid_request_error', `Invalid API Key provided: ${given.slice(0, 8)}${'*'.repeat(Math.max(0, given.length - 12))}${given.slice(-4)}`),
    { status: 401 },
  );

/**
 * One POST endpoint as Stripe's API serves it: the secret key checked, then the operation run
 * once per Idempotency-Key (see `keyedAnswer`), or every time without a key.
 */
function pspEndpoint(options: PspApiOptions, path: string, perform: PspOperation): HttpHandler {
  const prefix = (options.baseUrl ?? '').replace(/\/+$/, '');
  return http.post(`${prefix}${path}`, async ({ request }) => {
    const given = pspKeyFrom(request.headers.get('authorization'));
    if (given === undefined || given !== options.secretKey) return unauthorized(given);
    const params = new URLSearchParams(await request.text());
    const key = request.headers.get('idempotency-key') ?? undefined;
    if (key !== undefined && (key === '' || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
      return HttpResponse.json(pspError('invalid_request_error', `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long.`), {
        status: 400,
      });
    }
    const wait = options.processingDelayMs?.(request) ?? 0;
    if (key === undefined) {
      if (wait > 0) await sleep(wait);
      return answerOf(() => perform(params, undefined));
    }
    return keyedAnswer(options, { scope: `${given}\n${key}`, key, path, params, wait }, perform);
  });
}

/**
 * A keyed request: the first answer (500s included) is stored and replayed for the same key and
 * parameters; other parameters or a request while the first is in flight are an
 * `idempotency_error`; a validation refusal is not stored.
 */
async function keyedAnswer(
  options: PspApiOptions,
  request: { scope: string; key: string; path: string; params: URLSearchParams; wait: number },
  perform: PspOperation,
): Promise<Response> {
  const { state } = options;
  const now = options.now ?? Date.now;
  const { scope, key, path, params } = request;
  const print = requestFingerprint(path, params);
  const claim = state.idempotency.claim(scope, print, now());
  if (claim.kind === 'other-parameters') {
    return HttpResponse.json(
      pspError(
        'idempotency_error',
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      ),
      { status: 400 },
    );
  }
  if (claim.kind === 'replay') {
    return HttpResponse.json(claim.answer.body as Record<string, unknown>, {
      status: claim.answer.status,
      headers: { 'idempotent-replayed': 'true', 'idempotency-key': key },
    });
  }
  if (claim.kind === 'in-flight') {
    return HttpResponse.json(
      pspError('idempotency_error', `There is currently another in-progress request using this Idempotent Key: ${key}. Please try again later.`),
      { status: 409 },
    );
  }
  let stored = false;
  try {
    if (request.wait > 0) await sleep(request.wait);
    let status: number;
    let body: unknown;
    if (options.internalError?.(path, params)) {
      status = 500;
      body = pspError('api_error', 'An unknown error occurred on our side.');
    } else {
      try {
        body = perform(params, key);
        status = 200;
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        // Validation failures are not stored: the same key may be used again once fixed.
        return HttpResponse.json(e.body as Record<string, unknown>, { status: e.status });
      }
    }
    state.idempotency.store(scope, { fingerprint: print, status, body, createdAtMs: now() });
    stored = true;
    return HttpResponse.json(body as Record<string, unknown>, { status, headers: { 'idempotency-key': key } });
  } finally {
    if (!stored) state.idempotency.release(scope);
  }
}

/** `POST /v1/payment_intents`: a confirmed intent is a charge the PSP really made. */
const createPaymentIntent =
  (state: PspState, now: () => number): PspOperation =>
  (params, key) => {
    const amount = positiveInteger(params, 'amount', true)!;
    const currency = (params.get('currency') ?? '').toLowerCase();
    if (!/^[a-z]{3}$/.test(currency)) {
      throw new Refusal(400, pspError('invalid_request_error', 'Missing or invalid param: currency.', { code: 'parameter_missing', param: 'currency' }));
    }
    const confirm = params.get('confirm') === 'true';
    const pi: PaymentIntent = {
      id: id('pi'),
      object: 'payment_intent',
      amount,
      amount_received: confirm ? amount : 0,
      currency,
      status: confirm ? 'succeeded' : 'requires_confirmation',
      metadata: metadataOf(params),
      created: Math.floor(now() / 1000),
      livemode: false,
    };
    state.paymentIntents.set(pi.id, pi);
    if (confirm) {
      state.ledger.push({
        kind: 'charge',
        id: pi.id,
        amountMinor: amount,
        currency,
        metadata: pi.metadata,
        ...(key === undefined ? {} : { idempotencyKey: key }),
        atMs: performance.now(),
      });
    }
    return pi;
  };

/** `POST /v1/refunds`: at most what is left unrefunded on the intent. */
const createRefund =
  (state: PspState, now: () => number): PspOperation =>
  (params, key) => {
    const piId = params.get('payment_intent') ?? '';
    if (piId === '') {
      throw new Refusal(400, pspError('invalid_request_error', 'Missing required param: payment_intent.', { code: 'parameter_missing', param: 'payment_intent' }));
    }
    const pi = state.paymentIntents.get(piId);
    if (pi === undefined) {
      throw new Refusal(400, pspError('invalid_request_error', `No such payment_intent: '${piId}'`, { code: 'resource_missing', param: 'payment_intent' }));
    }
    const refunded = state.refundedMinor.get(piId) ?? 0;
    const left = pi.amount_received - refunded;
    const amount = positiveInteger(params, 'amount', false) ?? left;
    if (amount <= 0 || amount > left) {
      throw new Refusal(
        400,
        pspError('invalid_request_error', `Refund amount (${amount}) is greater than the unrefunded amount on the payment (${left}).`, {
          code: left === 0 ? 'charge_already_refunded' : 'amount_too_large',
        }),
      );
    }
    state.refundedMinor.set(piId, refunded + amount);
    const refund = {
      id: id('re'),
      object: 'refund',
      amount,
      currency: pi.currency,
      payment_intent: piId,
      status: 'succeeded',
      metadata: metadataOf(params),
      created: Math.floor(now() / 1000),
    };
    state.ledger.push({
      kind: 'refund',
      id: refund.id,
      amountMinor: amount,
      currency: pi.currency,
      paymentIntent: piId,
      metadata: refund.metadata,
      ...(key === undefined ? {} : { idempotencyKey: key }),
      atMs: performance.now(),
    });
    return refund;
  };

const canonical = (form: URLSearchParams): string => [...form].map(([k, v]) => `${k}=${v}`).sort().join('&');

/**
 * The simulated Stripe-style PSP as a provider API, served for runs with `merchant-client`
 * tapes (the merchant's own clients' charges and refunds) or Stripe webhooks. Its secret key is `secrets.psp.secretKey`, else
 * `secrets.stripe.secretKey`, else the test key. Its state holds the charges and refunds it
 * really made (`ledger`) and its Idempotency-Keys. Calls are about `metadata[order_ref]` /
 * `metadata[refund_ref]`.
 *
 * @example
 * const upstream = await createUpstream({ apis: [pspApi] });
 * upstream.state(pspApi).ledger; // [{ kind: 'charge', amountMinor: 15000, … }]
 */
export const pspApi = defineProviderApi({
  name: 'psp',
  baseUrlEnv: 'PSP_API_BASE',
  usedBy: ['merchant-client', 'stripe'],
  routes: [
    {
      name: 'psp.payment_intents',
      method: 'POST',
      path: PAYMENT_INTENTS_PATH,
      keyed: true,
      subject: ({ form }) => form.get('metadata[order_ref]') ?? form.get('metadata[order_id]') ?? canonical(form),
    },
    {
      name: 'psp.refunds',
      method: 'POST',
      path: REFUNDS_API_PATH,
      keyed: true,
      subject: ({ form }) => form.get('metadata[refund_ref]') ?? `${form.get('payment_intent') ?? ''}:${form.get('amount') ?? 'full'}`,
    },
  ],
  errors: {
    throttle: () => pspError('invalid_request_error', 'Too many requests hit the API too quickly.', { code: 'rate_limit' }),
    serverError: () => pspError('api_error', 'An unknown error occurred.'),
    unauthorized: () => pspError('invalid_request_error', 'Invalid API Key provided.'),
  },
  // A slow PSP is slow while it holds the key: a retry meanwhile meets a 409.
  holdsRequests: true,
  create: ({ secrets, heldMs }) => {
    const state = createPspState();
    return {
      handlers: pspApiHandlers({
        secretKey: secrets['psp']?.['secretKey'] ?? secrets['stripe']?.['secretKey'] ?? PSP_TEST_SECRET_KEY,
        state,
        processingDelayMs: heldMs,
      }),
      state,
      reset: () => state.reset(),
    };
  },
});
