import { IdemgateError } from '../../errors.ts';
import { exchangeOrigin } from '../../tape/read.ts';
import type { Exchange, Tape } from '../../tape/schema.ts';
import { badExchange, bodyText, replayHeaders } from '../_internals/exchange.ts';
import { DEFAULT_FORGED_HEADERS, defineProvider, type MismatchField, type Provider, type ProviderEvent, type RetryTiming } from '../provider.ts';
import { builtinProfiles, defineIdempotencyProfile, isFinal, type IdempotencyProfile } from './profile.ts';
import { templateProblems } from './template.ts';
import {
  amountMinorOf,
  headerValue,
  isSelector,
  matchPath,
  otherAmount,
  otherCurrency,
  parseBody,
  select,
  withBodyField,
  type ClientApiRoute,
  type RequestParts,
} from './routes.ts';

/**
 * The merchant's own API as its clients call it (a checkout, a mobile app, another service), from
 * the config alone: its routes, what each request should do to the books, the idempotency profile
 * its answers follow, and how its clients retry.
 *
 * @example
 * clientApis: {
 *   payments: {
 *     profile: 'ietf',
 *     routes: [
 *       { name: 'payment', path: '/v1/payments', effect: { reference: 'body.reference', amount: 'body.amount', currency: 'body.currency', direction: 'in' } },
 *       { name: 'refund', path: '/v1/payments/:payment/refunds', group: 'path.payment',
 *         effect: { reference: 'body.reference', amount: 'body.amount', currency: 'body.currency', direction: 'out' } },
 *     ],
 *     retry: { baseMs: 200, factor: 2, maxMs: 5000, jitter: 0.5, timeScale: 0.1 },
 *   },
 * }
 */
export interface ClientApiConfig {
  routes: ClientApiRoute[];
  /** `ietf` (default), `stripe`, or a profile of your own (`defineIdempotencyProfile`). */
  profile?: 'ietf' | 'stripe' | IdempotencyProfile;
  /** How the clients retry a request they saw no final answer to. Default: 3 retries, 100 ms doubling, jitter 0.5, scale 1. */
  retry?: RetryTiming;
  /**
   * Headers the service must only set itself or trust from its own proxy, which the
   * `forgedHeaders()` fault sends with a request's own key and payload (name → value). Replaces the
   * defaults (`DEFAULT_FORGED_HEADERS`: `Idempotent-Replayed`, `X-Idempotency-Replayed`,
   * `X-Forwarded-For`, `X-Real-IP`); `{}` forges nothing.
   */
  forgedHeaders?: Record<string, string>;
  /**
   * How long the service keeps an idempotency key, in real milliseconds as it runs under idemgate
   * (give the target the same lifetime through its env, scaled down from production's 24 h). The
   * `keyReuseAfterExpiry()` fault waits past it and sends a request again with its key. Absent: that
   * fault has nothing to draw.
   */
  keyTtlMs?: number;
}

/** The client retry timing when the config gives none: a browser checkout's, roughly. */
export const DEFAULT_CLIENT_RETRY: Required<RetryTiming> = Object.freeze({ attempts: 3, baseMs: 100, factor: 2, maxMs: 30_000, jitter: 0.5, timeScale: 1 });

/** A client-API provider, as the registry and the client-api feature see it: a provider and its profile. */
export interface ClientApiProvider extends Provider {
  readonly profile: IdempotencyProfile;
  readonly routes: readonly ClientApiRoute[];
  readonly retry: Required<RetryTiming>;
}

export const isClientApiProvider = (p: Provider): p is ClientApiProvider =>
  'profile' in p && 'routes' in p && typeof (p as { profile?: unknown }).profile === 'object';

const where = (exchange: Exchange, tape: Pick<Tape, 'file'> | undefined): string => {
  const origin = exchangeOrigin(exchange);
  return origin === undefined ? `${tape?.file ?? '<memory>'} seq ${exchange.seq}` : `${origin.file}:${origin.line} (seq ${exchange.seq})`;
};

function checkConfig(name: string, api: ClientApiConfig): { profile: IdempotencyProfile; retry: Required<RetryTiming> } {
  const at = `clientApis.${name}`;
  const problems: string[] = [];
  if (!Array.isArray(api.routes) || api.routes.length === 0) problems.push(`${at}.routes must list at least one route`);
  const names = new Set<string>();
  for (const [i, route] of (api.routes ?? []).entries()) {
    const r = `${at}.routes[${i}]`;
    if (typeof route.name !== 'string' || route.name === '') problems.push(`${r}.name must be a non-empty string`);
    else if (names.has(route.name)) problems.push(`${r}.name "${route.name}" is used twice`);
    else names.add(route.name);
    if (typeof route.path !== 'string' || !route.path.startsWith('/')) problems.push(`${r}.path must start with /`);
    if (route.effect?.direction !== 'in' && route.effect?.direction !== 'out') problems.push(`${r}.effect.direction must be 'in' or 'out'`);
    for (const field of ['reference', 'amount'] as const) {
      const selector = route.effect?.[field];
      if (typeof selector !== 'string' || !isSelector(selector)) problems.push(`${r}.effect.${field} must read the request (body.…, path.…, query.… or header.…)`);
    }
    const params = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
    for (const selector of [route.effect?.reference, route.effect?.amount, route.effect?.currency, route.group]) {
      if (selector?.startsWith('path.') && !params.includes(selector.slice(5))) problems.push(`${r}: ${selector} names no :${selector.slice(5)} in ${route.path}`);
    }
  }
  const profileName = api.profile ?? 'ietf';
  let profile: IdempotencyProfile | undefined;
  if (typeof profileName === 'string') {
    profile = builtinProfiles[profileName];
    if (profile === undefined) problems.push(`${at}.profile must be 'ietf', 'stripe' or a profile object, not "${profileName}"`);
  } else {
    try {
      profile = defineIdempotencyProfile(profileName, `${at}.profile`);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  const retry = { ...DEFAULT_CLIENT_RETRY, ...api.retry };
  if (!(retry.baseMs >= 0) || !(retry.factor >= 1) || !(retry.maxMs >= retry.baseMs) || !(retry.jitter >= 0 && retry.jitter <= 1) || !(retry.timeScale >= 0) || !Number.isInteger(retry.attempts) || retry.attempts < 0) {
    problems.push(`${at}.retry: baseMs ≥ 0, factor ≥ 1, maxMs ≥ baseMs, 0 ≤ jitter ≤ 1, timeScale ≥ 0 and an integer attempts ≥ 0`);
  }
  problems.push(...templateProblems(at, api.routes ?? []));
  if (api.keyTtlMs !== undefined && !(Number.isFinite(api.keyTtlMs) && api.keyTtlMs > 0)) problems.push(`${at}.keyTtlMs must be a positive number of milliseconds`);
  if (problems.length > 0) throw new IdemgateError('CONFIG_INVALID', problems.join('; '), { details: { path: at } });
  return { profile: profile!, retry };
}

/**
 * A provider for a client API described by the config (`clientApis.<name>`): every tape request is
 * matched to a route by method and path; its identity is route + idempotency key (a retry is the
 * same request), its effect is read through the route's selectors, and an answer is final (the
 * client stops retrying) when the profile says it is stored, a payload mismatch or a missing key.
 * A request that matches no route is PROVIDER_BAD_EXCHANGE naming the tape file and line and the
 * configured routes.
 *
 * @example
 * const provider = clientApiProvider('payments', { routes: [...], profile: 'stripe' });
 * provider.interpret(exchange, tape).effect; // { reference: 'pay_1', amountMinor: 2000, currency: 'MYR', direction: 'in' }
 */
export function clientApiProvider(name: string, api: ClientApiConfig): ClientApiProvider {
  const { profile, retry } = checkConfig(name, api);
  const routes = api.routes;
  const forgedHeaders: Readonly<Record<string, string>> = api.forgedHeaders === undefined ? DEFAULT_FORGED_HEADERS : Object.freeze({ ...api.forgedHeaders });
  const known = routes.map((r) => `${r.method ?? 'POST'} ${r.path}`).join(', ');

  const partsOf = (exchange: Exchange, tape: Pick<Tape, 'file'> | undefined): { route: ClientApiRoute; parts: RequestParts } => {
    const [path, query = ''] = exchange.path.split('?', 2) as [string, string?];
    for (const route of routes) {
      if ((route.method ?? 'POST').toUpperCase() !== exchange.method.toUpperCase()) continue;
      const params = matchPath(route.path, path);
      if (params === undefined) continue;
      const body = parseBody(bodyText(exchange), headerValue(exchange.headers, 'content-type'));
      if ('error' in body) throw badExchange(name, exchange, tape, `${where(exchange, tape)}: ${body.error}`);
      return { route, parts: { method: exchange.method, path, query: new URLSearchParams(query), headers: exchange.headers, body, params } };
    }
    throw new IdemgateError(
      'PROVIDER_BAD_EXCHANGE',
      `${where(exchange, tape)}: ${name}: ${exchange.method} ${path} matches no route in clientApis.${name}.routes (${known})`,
      { details: { file: tape?.file, seq: exchange.seq, provider: name } },
    );
  };

  const provider: ClientApiProvider = defineProvider({
    name,
    profile,
    routes,
    retry,
    interpret(exchange, tape): ProviderEvent {
      const { route, parts } = partsOf(exchange, tape);
      const fail = (message: string) => badExchange(name, exchange, tape, `${where(exchange, tape)}: route ${route.name}: ${message}`);
      const key = headerValue(exchange.headers, profile.keyHeader);
      if (key === undefined || key === '') throw fail(`request has no ${profile.keyHeader} header (a recorded client request carries its key)`);
      const { effect } = route;
      const reference = select(parts, effect.reference);
      if (typeof reference !== 'string' || reference === '') throw fail(`${effect.reference} (the effect's reference) is missing`);
      const currencyValue = effect.currency === undefined ? undefined : select(parts, effect.currency);
      const currency = String(currencyValue ?? effect.defaultCurrency ?? 'MYR').toUpperCase();
      const amountMinor = amountMinorOf(select(parts, effect.amount), effect.amountUnit ?? 'minor', currency);
      if (amountMinor === undefined) {
        throw fail(`${effect.amount} is not a positive ${effect.amountUnit === 'major' ? `${currency} amount` : 'integer (minor units)'}`);
      }
      const group = route.group === undefined ? reference : select(parts, route.group);
      const mismatchFields: MismatchField[] = [];
      if (effect.amount.startsWith('body.')) mismatchFields.push('amount');
      if (effect.currency?.startsWith('body.') === true && typeof currencyValue === 'string') mismatchFields.push('currency');
      return {
        provider: name,
        identity: `${route.name}:${key}`,
        effect: { reference, amountMinor, currency, direction: effect.direction },
        group: typeof group === 'string' && group !== '' ? group : reference,
        client: {
          key,
          route: route.name,
          mismatchFields,
          keyRequired: profile.missingKey !== undefined,
          forgedHeaders,
          ...(api.keyTtlMs === undefined ? {} : { keyTtlMs: api.keyTtlMs }),
        },
      };
    },
    sign(exchange) {
      // Clients do not sign; the key and the body go out as recorded on every attempt.
      return { headers: replayHeaders(exchange, []), body: Buffer.from(bodyText(exchange), 'utf8') };
    },
    vary(exchange, variant, signed) {
      // The same bytes: only the time it is sent at differs.
      if (variant.kind === 'after-key-expiry') return signed;
      if (variant.kind === 'missing-key') {
        const headers = Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k.toLowerCase() !== profile.keyHeader.toLowerCase()));
        return { ...signed, headers };
      }
      if (variant.kind === 'forged-headers') {
        const names = new Set(Object.keys(variant.headers).map((k) => k.toLowerCase()));
        const kept = Object.entries(signed.headers).filter(([k]) => !names.has(k.toLowerCase()));
        return { ...signed, headers: { ...Object.fromEntries(kept), ...variant.headers } };
      }
      const { route, parts } = partsOf(exchange, undefined);
      const { effect } = route;
      const currency = String((effect.currency === undefined ? undefined : select(parts, effect.currency)) ?? effect.defaultCurrency ?? 'MYR');
      const selector = variant.field === 'amount' ? effect.amount : effect.currency;
      const old = selector === undefined ? undefined : select(parts, selector);
      const value = variant.field === 'amount' ? otherAmount(old, effect.amountUnit ?? 'minor', currency.toUpperCase()) : otherCurrency(String(old));
      const text = selector === undefined ? undefined : withBodyField(parts.body, selector, value);
      if (text === undefined) throw badExchange(name, exchange, undefined, `cannot change ${variant.field} (${selector ?? 'no selector'}) in the body`);
      return { ...signed, body: Buffer.from(text, 'utf8') };
    },
    acknowledged: (answer) => isFinal(profile, answer),
  });
  return provider;
}
