/**
 * The one masking function every output goes through: the console (the CLI's streams), every
 * report, every failure file. It masks the secrets of the loaded config (registered when a config
 * is loaded), any password in a URL (`postgres://user:***@host`), PEM private key blocks, and the
 * values of credential headers and fields (`authorization`, `stripe-signature`, `x-api-key`, …).
 */

export const MASK = '***';

/** Config keys whose string values are secrets (`partnerKey`, `endpointSecret`, `privateKeyPem`, `STRIPE_WEBHOOK_SECRET`…). */
const SECRET_KEY = /secret|key|token|passw|pem|salt|credential|signature/i;
/** Shorter values are not masked: masking `1` or `abc` would garble unrelated text. */
const MIN_SECRET_LENGTH = 6;

const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"'<>]*:)([^\s@/?#"'<>]+)@/gi;
const PEM_PRIVATE = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;
/** A credential in JSON (`"authorization":"…"`) or as a header line (`authorization: …`). */
const CREDENTIAL_NAME = '(?:proxy-)?authorization|cookie|set-cookie|[\\w-]*signature|x-api-key|api-key|x-auth-token';
const CREDENTIAL_JSON = new RegExp(`("(?:${CREDENTIAL_NAME})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
const CREDENTIAL_LINE = new RegExp(`(^|\\n)([ \\t]*(?:${CREDENTIAL_NAME}):[ \\t]*)[^\\n]+`, 'gi');

const secrets = new Set<string>();
let ordered: string[] = [];

/** Registers secret values to mask from now on, in this process (or worker thread). */
export function registerSecrets(values: Iterable<string>): void {
  for (const v of values) {
    if (v.length < MIN_SECRET_LENGTH) continue;
    secrets.add(v);
    // The same value inside JSON text (a PEM's newlines as \n).
    const escaped = JSON.stringify(v).slice(1, -1);
    if (escaped !== v) secrets.add(escaped);
  }
  // Longest first, so a secret containing another is masked whole.
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

/** Forgets every registered secret (tests). */
export function clearSecrets(): void {
  secrets.clear();
  ordered = [];
}

/**
 * Parts of a config that describe the target's books and the harness's own settings, never
 * credentials: their keys often contain `key` (`idempotencyKey` columns, a guard named
 * `idempotency-key-lock-expiry`), and masking their values would garble every report.
 */
const NOT_SECRET_SECTIONS = new Set(['ledger', 'entities', 'mutation', 'scenarios', 'reportsDir']);

/**
 * The string values under secret-looking keys in a value (a config): provider secrets, a command
 * target's env. The config's ledger, entity and mutation sections are skipped. Functions and
 * class instances are not walked.
 */
export function secretValuesOf(value: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown, secretKey: boolean): void => {
    if (typeof v === 'string') {
      if (secretKey) found.push(v);
      return;
    }
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      for (const item of v) walk(item, secretKey);
      return;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return;
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) walk(item, secretKey || SECRET_KEY.test(k));
  };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, item] of Object.entries(value as Record<string, unknown>)) if (!NOT_SECRET_SECTIONS.has(k)) walk(item, SECRET_KEY.test(k));
  } else walk(value, false);
  return found;
}

/** Masks every registered secret, URL password, private key and credential value in a text. */
export function maskSecrets(text: string): string {
  let out = text;
  for (const s of ordered) if (out.includes(s)) out = out.split(s).join(MASK);
  return out
    .replace(PEM_PRIVATE, (_m, kind: string) => `-----BEGIN ${kind}PRIVATE KEY-----${MASK}-----END ${kind}PRIVATE KEY-----`)
    .replace(URL_PASSWORD, `$1${MASK}@`)
    .replace(CREDENTIAL_JSON, `$1"${MASK}"`)
    .replace(CREDENTIAL_LINE, `$1$2${MASK}`);
}

/** A copy of a JSON-like value with every string masked (and every key naming a credential masked whole). */
export function maskDeep<T>(value: T): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key !== undefined && new RegExp(`^(?:${CREDENTIAL_NAME})$`, 'i').test(key) ? MASK : maskSecrets(v);
    // An array under a credential key (a repeated header) is masked item by item.
    if (Array.isArray(v)) return v.map((item) => walk(item, key));
    if (typeof v !== 'object' || v === null) return v;
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, item]) => [k, walk(item, k)]));
  };
  return walk(value) as T;
}
