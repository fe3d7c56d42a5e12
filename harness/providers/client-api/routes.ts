import { decimalToMinor, minorToDecimal } from '../currency.ts';
import { isRecord } from '../_internals/exchange.ts';

/**
 * Where a value of a request is read from: `body.amount`, `body.data.order.ref` (nested JSON, or a
 * form field by its full name), `path.payment` (the `:payment` segment of the route's path),
 * `query.ref`, `header.x-order-ref`. Anything else is a literal (`'MYR'`).
 */
export type FieldSelector = string;

/** One route of a client API and what a request to it should do to the books. */
export interface ClientApiRoute {
  /** Names the route in identities and messages: `charge`, `refund`. */
  name: string;
  /** Default `POST`. */
  method?: string;
  /** Path pattern the tape's requests are matched against: `/v1/payments` or `/v1/payments/:payment/refunds` (query ignored). */
  path: string;
  /** The money the request moves once: under which reference, how much, which currency, in or out. */
  effect: {
    reference: FieldSelector;
    amount: FieldSelector;
    /** A selector or a literal code. Default: the literal `defaultCurrency`. */
    currency?: FieldSelector;
    /** When `currency` reads nothing. Default `MYR`. */
    defaultCurrency?: string;
    direction: 'in' | 'out';
    /** `minor` (default: integer sen/cents, as a number or digits) or `major` (a decimal amount: `20.00`). */
    amountUnit?: 'minor' | 'major';
  };
  /** The entity the request is replayed together with (a refund with its payment). Default: the effect's reference. */
  group?: FieldSelector;
  /** How to make its requests from the config alone when no tape was recorded (`clientApiTape`). */
  template?: ClientRouteTemplate;
}

/**
 * How to make a route's requests from config alone, when no tape of the API was recorded: the
 * body (JSON, or form fields), with placeholders filled per request — `{reference}` (drawn: the
 * prefix and 10 hex digits), `{amount}` (minor units, drawn), `{amountMajor}` (the same as a
 * decimal: `"20.50"`), `{currency}` and `{key}` (the request's Idempotency-Key, drawn) — and the
 * path's `:params` filled with the reference the same entity got from another route.
 *
 * @example
 * { name: 'refund', path: '/v1/payments/:payment/refunds', group: 'path.payment', effect: { … },
 *   template: { form: true, params: { payment: 'payment' }, body: { refund_id: '{reference}', amount_cents: '{amount}', currency: '{currency}' },
 *               referencePrefix: 'rf_', amount: { min: 100, max: 5000 } } }
 */
export interface ClientRouteTemplate {
  /** Field → value; string values may hold placeholders (`'{amount}'` alone becomes a JSON number). */
  body: Record<string, unknown>;
  /** Send the fields as `application/x-www-form-urlencoded`. Default: JSON. */
  form?: boolean;
  /** Path param → the route whose reference (for the same entity) fills it: a refund's `:payment` ← route `payment`. */
  params?: Record<string, string>;
  /** Default `<route name>_`. */
  referencePrefix?: string;
  /** Minor units, inclusive. Default 100..20 000; a route with `params` draws at most its parent's amount. */
  amount?: { min: number; max: number };
  /** Default `MYR`. */
  currency?: string;
  /** Sent with every request besides the content type and the key. */
  headers?: Record<string, string>;
}


/** A request body, read as JSON or a form by its content type. */
export type ParsedBody = { kind: 'json'; value: Record<string, unknown> } | { kind: 'form'; value: URLSearchParams } | { kind: 'none' };

export interface RequestParts {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[]>;
  body: ParsedBody;
  params: Record<string, string>;
}

const SOURCES = ['body.', 'path.', 'query.', 'header.'] as const;

/** Whether a selector reads the request (else it is a literal). */
export const isSelector = (s: FieldSelector): boolean => SOURCES.some((p) => s.startsWith(p));

export function headerValue(headers: Record<string, string | string[]>, name: string): string | undefined {
  const lower = name.toLowerCase();
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === lower);
  const value = found?.[1];
  return Array.isArray(value) ? value[0] : value;
}

/** A JSON body as an object, a form body as its fields; `error` says why neither fits. */
export function parseBody(text: string, contentType: string | undefined): ParsedBody | { error: string } {
  if (text.trim() === '') return { kind: 'none' };
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) return { kind: 'form', value: new URLSearchParams(text) };
  try {
    const value: unknown = JSON.parse(text);
    if (!isRecord(value)) return { error: 'body is not a JSON object' };
    return { kind: 'json', value };
  } catch (e) {
    if (type.includes('json')) return { error: `body is not valid JSON (${(e as Error).message})` };
    return { kind: 'form', value: new URLSearchParams(text) };
  }
}

/** `:name` segments of a route pattern matched against a path, or undefined when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter((s) => s !== '');
  const got = path.split('?', 1)[0]!.split('/').filter((s) => s !== '');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    const actual = got[i]!;
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(actual);
    else if (segment !== actual) return undefined;
  }
  return params;
}

/** The value a selector reads (a string, number or nested value), or undefined. A literal is itself. */
export function select(parts: RequestParts, selector: FieldSelector): unknown {
  if (!isSelector(selector)) return selector;
  const dot = selector.indexOf('.');
  const source = selector.slice(0, dot);
  const name = selector.slice(dot + 1);
  switch (source) {
    case 'path':
      return parts.params[name];
    case 'query':
      return parts.query.get(name) ?? undefined;
    case 'header':
      return headerValue(parts.headers, name);
    default: {
      if (parts.body.kind === 'form') return parts.body.value.get(name) ?? undefined;
      if (parts.body.kind === 'none') return undefined;
      let cur: unknown = parts.body.value;
      for (const key of name.split('.')) cur = isRecord(cur) ? cur[key] : undefined;
      return cur;
    }
  }
}

/** An amount read from a request → integer minor units, or undefined when it is not one. */
export function amountMinorOf(value: unknown, unit: 'minor' | 'major', currency: string): number | undefined {
  if (unit === 'major') return decimalToMinor(value, currency);
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) value = Number(value);
  return Number.isSafeInteger(value) && (value as number) > 0 ? (value as number) : undefined;
}

/** Another value of the same shape: one minor unit more, kept as a number or text as it was. */
export function otherAmount(value: unknown, unit: 'minor' | 'major', currency: string): unknown {
  const minor = amountMinorOf(value, unit, currency);
  if (minor === undefined) return value;
  if (unit === 'minor') return typeof value === 'string' ? String(minor + 1) : minor + 1;
  const decimal = minorToDecimal(minor + 1, currency);
  return typeof value === 'string' ? decimal.toFixed(String(value).split('.')[1]?.length ?? 0) : decimal;
}

/** Another currency code, in the same letter case. */
export function otherCurrency(value: string): string {
  const other = value.toUpperCase() === 'USD' ? 'EUR' : 'USD';
  return value === value.toLowerCase() ? other.toLowerCase() : other;
}

/** The body text with one selected body field replaced (JSON keeps its other bytes' meaning; a form its field order). */
export function withBodyField(body: ParsedBody, selector: FieldSelector, value: unknown): string | undefined {
  if (!selector.startsWith('body.')) return undefined;
  const name = selector.slice('body.'.length);
  if (body.kind === 'form') {
    const form = new URLSearchParams(body.value);
    form.set(name, String(value));
    return form.toString();
  }
  if (body.kind === 'none') return undefined;
  const copy = structuredClone(body.value);
  const keys = name.split('.');
  let cur: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    const next = cur[key];
    if (!isRecord(next)) return undefined;
    cur = next;
  }
  cur[keys.at(-1)!] = value;
  return JSON.stringify(copy);
}
