import { createHmac } from 'node:crypto';
import { MASK } from '../_internals/mask.ts';

/**
 * What `idemgate record` writes instead of secrets and personal data.
 *
 * Secrets (signatures, credentials, tokens) are replaced by `***`: replay re-signs every delivery
 * with the configured test secrets, so nothing is lost. Personal data in the providers' known
 * fields, and in the fields the config lists (`record.redact`), is replaced by a pseudonym: an
 * HMAC-SHA256 of the value under the recording's key, so one value always gets the same pseudonym
 * (a repeated customer, a duplicate delivery still look the same) and the shape stays where it is
 * cheap (an email stays an address, a phone number or last4 keeps its digits' layout). Bodies stay
 * valid JSON or form data, so the provider adapters read them as before.
 */

/** Headers whose values are credentials: masked. (A name containing signature/secret/token is too.) */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-auth-token']);
const SECRET_HEADER_NAME = /signature|secret|token|checksum|api-key/i;
/** Headers that carry a person's address: pseudonymised. */
const PERSONAL_HEADERS = new Set(['x-forwarded-for', 'x-real-ip', 'forwarded', 'cf-connecting-ip', 'true-client-ip']);

/**
 * Field names (JSON keys, form fields, query parameters; `a[b]` form names by each part) whose
 * values are secrets. Not `fpx_msgToken`: it is FPX's message type (01 = B2C), not a token.
 */
const SECRET_FIELD = /^(?:fpx_checksum|checksum|x_signature|signature|sign|client_secret|secret|password|api_key|partner_key|access_token|refresh_token|id_token|auth_token)$/i;

/**
 * JSON keys and form fields whose values (and everything under them) are personal data, by provider.
 * Stripe: billing and shipping details, customer email/name/phone/address, card last4 and fingerprint.
 * Shopee: the buyer's user name and id, the recipient address. FPX: buyer name, id, maker name,
 * bank account (IBAN), email. Billplz: payer email, mobile, name. Any provider: email, phone, address.
 */
const PERSONAL_FIELDS = new Set([
  // Stripe
  'billing_details', 'shipping', 'shipping_details', 'customer_details', 'customer_email', 'receipt_email',
  'customer_name', 'customer_phone', 'customer_address', 'customer_shipping', 'last4', 'dynamic_last4',
  'fingerprint', 'cardholder_name', 'account_holder_name', 'ip_address',
  // Shopee
  'buyer_user_name', 'buyer_username', 'buyer_user_id', 'recipient_address', 'full_address',
  // FPX
  'fpx_buyername', 'fpx_buyerid', 'fpx_makername', 'fpx_buyeriban', 'fpx_buyeremail', 'fpx_buyeraccno',
  // Billplz, and any provider
  'email', 'mobile', 'phone', 'address', 'buyer_email', 'buyer_name',
]);
/** `name` is personal only inside a person's record (a Stripe customer object, a top-level Billplz form field). */
const PERSON_OBJECTS = new Set(['customer']);

export interface RedactionOptions {
  /** The HMAC key pseudonyms are made with. */
  key: Buffer;
  /** Dot paths into JSON bodies; `*` is any one key or index. Everything under them is pseudonymised. */
  jsonPaths?: readonly string[];
  /** Form fields and query parameters by exact name. */
  formFields?: readonly string[];
  /** Header names (any case). */
  headers?: readonly string[];
}

export type HeaderValues = Record<string, string | string[]>;

export interface Redactor {
  /** A value's pseudonym: stable for one key, shaped like the value where cheap. */
  pseudonym(value: string): string;
  headers(headers: HeaderValues): HeaderValues;
  /** A body as it may be written: JSON and form bodies redacted field by field, other bytes as they are. */
  body(bytes: Buffer, contentType: string | undefined): Buffer;
  /** A path with its query string's secret and personal parameters redacted. */
  path(path: string): string;
  query(query: Readonly<Record<string, string>>): Record<string, string>;
}

type Verdict = 'secret' | 'personal' | undefined;

/**
 * The redaction of one recording.
 *
 * @example
 * const redact = createRedactor({ key: randomBytes(32), jsonPaths: ['data.object.metadata.customer_ref'] });
 * redact.headers({ 'stripe-signature': 't=1,v1=…' }); // { 'stripe-signature': '***' }
 * redact.pseudonym('siti@example.my'); // '3f9c0a…@pseudonym.invalid', the same every time
 */
export function createRedactor(options: RedactionOptions): Redactor {
  const jsonPaths = (options.jsonPaths ?? []).map((p) => p.split('.'));
  const formFields = new Set(options.formFields ?? []);
  const personalHeaders = new Set([...PERSONAL_HEADERS, ...(options.headers ?? []).map((h) => h.toLowerCase())]);

  const digest = (value: string): Buffer => createHmac('sha256', options.key).update(value, 'utf8').digest();

  const pseudonym = (value: string): string => {
    if (value === '' || value === MASK) return value;
    const h = digest(value);
    const hex = h.toString('hex');
    if (/^[^@\s]+@[^@\s]+$/.test(value)) return `${hex.slice(0, 12)}@pseudonym.invalid`;
    const digits = value.replace(/\D/g, '').length;
    // A phone number, card last4, account number: other digits in the same layout.
    if (digits >= 3 && /^[+(]?[\d\s().-]+$/.test(value)) {
      let i = 0;
      return value.replace(/\d/g, () => String(h[i++ % h.length]! % 10));
    }
    return `anon-${hex.slice(0, 12)}`;
  };

  const pseudonymNumber = (n: number): number => {
    const text = String(Math.trunc(Math.abs(n)));
    const h = digest(String(n));
    const digits = text.split('').map((_, i) => (i === 0 ? 1 + (h[i]! % 9) : h[i % h.length]! % 10));
    return Number(digits.join('')) * Math.sign(n || 1);
  };

  /** Every string and number under a value replaced by its pseudonym. */
  const pseudonymise = (value: unknown): unknown => {
    if (typeof value === 'string') return pseudonym(value);
    if (typeof value === 'number') return pseudonymNumber(value);
    if (Array.isArray(value)) return value.map(pseudonymise);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pseudonymise(v)]));
    }
    return value;
  };

  const fieldVerdict = (name: string): Verdict => {
    if (SECRET_FIELD.test(name)) return 'secret';
    if (PERSONAL_FIELDS.has(name.toLowerCase())) return 'personal';
    return undefined;
  };

  const onConfiguredPath = (path: readonly string[]): boolean =>
    jsonPaths.some((pattern) => pattern.length === path.length && pattern.every((segment, i) => segment === '*' || segment === path[i]));

  /** The redacted copy of a JSON value, and whether anything changed. */
  const redactJson = (root: unknown): { value: unknown; changed: boolean } => {
    let changed = false;
    const replace = (old: unknown, now: unknown): unknown => {
      if (JSON.stringify(old) !== JSON.stringify(now)) changed = true;
      return now;
    };
    const walk = (value: unknown, path: string[], parent: Record<string, unknown> | undefined): unknown => {
      const key = path.at(-1);
      if (key !== undefined && onConfiguredPath(path)) return replace(value, pseudonymise(value));
      if (key !== undefined && Number.isNaN(Number(key))) {
        const verdict = fieldVerdict(key) ?? (key === 'name' && PERSON_OBJECTS.has(String(parent?.['object'])) ? 'personal' : undefined);
        if (verdict === 'secret' && (typeof value === 'string' || typeof value === 'number')) return replace(value, MASK);
        if (verdict === 'personal') return replace(value, pseudonymise(value));
      }
      if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, String(i)], undefined));
      if (typeof value === 'object' && value !== null) {
        const record = value as Record<string, unknown>;
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, walk(v, [...path, k], record)]));
      }
      return value;
    };
    const value = walk(root, [], undefined);
    return { value, changed };
  };

  /** `a[b][c]` → a, b, c: a Stripe-style form field is judged by each part of its name. */
  const formVerdict = (name: string, topLevel: boolean): Verdict => {
    if (formFields.has(name)) return 'personal';
    const parts = name.split(/[[\]]+/).filter((p) => p !== '');
    if (parts.some((p) => fieldVerdict(p) === 'secret')) return 'secret';
    if (parts.some((p) => fieldVerdict(p) === 'personal')) return 'personal';
    // A top-level `name` field is the payer's (a Billplz callback); a nested one may be anything.
    return topLevel && name === 'name' ? 'personal' : undefined;
  };

  /** A form (or query string), pair by pair; untouched pairs keep their bytes. */
  const redactForm = (text: string): string =>
    text
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) return pair;
        const rawName = pair.slice(0, eq);
        let name: string;
        let value: string;
        try {
          name = decodeURIComponent(rawName.replace(/\+/g, ' '));
          value = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
        } catch {
          return pair;
        }
        const verdict = formVerdict(name, true);
        if (verdict === undefined) return pair;
        return `${rawName}=${encodeURIComponent(verdict === 'secret' ? MASK : pseudonym(value))}`;
      })
      .join('&');

  const redactJsonText = (text: string): string | undefined => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
    const { value, changed } = redactJson(parsed);
    if (!changed) return text;
    // Keep the sender's layout (Stripe pretty-prints with two spaces).
    const indent = /^[[{]\r?\n([ \t]+)/.exec(text)?.[1];
    return JSON.stringify(value, null, indent) + (text.endsWith('\n') ? '\n' : '');
  };

  const looksLikeForm = (text: string): boolean => /^[^=&\s{}[\]"]+=[^\s]*$/.test(text);

  return {
    pseudonym,
    headers(headers) {
      const out: HeaderValues = {};
      for (const [name, value] of Object.entries(headers)) {
        const lower = name.toLowerCase();
        const each = (f: (v: string) => string): string | string[] => (Array.isArray(value) ? value.map(f) : f(value));
        if (SECRET_HEADERS.has(lower) || SECRET_HEADER_NAME.test(lower)) out[name] = each(() => MASK);
        else if (personalHeaders.has(lower)) out[name] = each(pseudonym);
        else out[name] = value;
      }
      return out;
    },
    body(bytes, contentType) {
      const text = bytes.toString('utf8');
      if (!Buffer.from(text, 'utf8').equals(bytes)) return bytes; // not UTF-8: written as base64, as received
      const type = (contentType ?? '').toLowerCase();
      const trimmed = text.trimStart();
      if (type.includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
        const redacted = redactJsonText(text);
        if (redacted !== undefined) return Buffer.from(redacted, 'utf8');
      }
      // Some providers answer form data as text/plain or text/html (an FPX AE answer): judged by its look.
      if (type.includes('x-www-form-urlencoded') || looksLikeForm(text.trim())) {
        return Buffer.from(redactForm(text), 'utf8');
      }
      return bytes;
    },
    path(path) {
      const q = path.indexOf('?');
      return q < 0 ? path : `${path.slice(0, q)}?${redactForm(path.slice(q + 1))}`;
    },
    query(query) {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(query)) {
        const verdict = formVerdict(name, true);
        out[name] = verdict === 'secret' ? MASK : verdict === 'personal' ? pseudonym(value) : value;
      }
      return out;
    },
  };
}
