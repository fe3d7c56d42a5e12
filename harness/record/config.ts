import { z } from 'zod';
import type { Assert, Same } from '../_internals/same-type.ts';

/** The env variable the pseudonym key is read from when the config names none. */
export const DEFAULT_PSEUDONYM_ENV = 'IDEMGATE_PSEUDONYM_KEY';

/**
 * `record` in idemgate.config.ts: what `idemgate record` redacts beyond the providers' known
 * personal fields, where its pseudonym key comes from, and the real provider APIs its upstream
 * listener forwards to.
 *
 * @example
 * record: {
 *   redact: { jsonPaths: ['data.object.metadata.customer_ref'], formFields: ['buyer_ic'], headers: ['x-customer-id'] },
 *   pseudonymEnv: 'INCIDENT_PSEUDONYM_KEY',
 *   upstream: { shopee: 'https://partner.shopeemobile.com' },
 * }
 */
export interface RecordConfig {
  /** Extra fields replaced by a pseudonym, on top of the providers' known personal fields. */
  redact?: {
    /** Dot paths into JSON bodies (requests, answers, upstream answers); `*` is any one key or index. */
    jsonPaths?: string[];
    /** Form fields (bodies and query strings), by exact name. */
    formFields?: string[];
    /** Headers, by name (any case). */
    headers?: string[];
  };
  /**
   * The env variable holding the HMAC key pseudonyms are made with (default IDEMGATE_PSEUDONYM_KEY).
   * Unset: a random key for this recording only, written nowhere.
   */
  pseudonymEnv?: string;
  /** API name (`shopee`, `psp`, `fpx-ae` or one of `apis`) → its real base URL, for `--upstream-listen`. */
  upstream?: Record<string, string>;
}

/** The `record` section's runtime check (part of the config schema); `RecordConfig` is checked against it at compile time. */
export const recordConfigSchema = z.strictObject({
  redact: z
    .strictObject({
      jsonPaths: z.array(z.string().min(1)).optional(),
      formFields: z.array(z.string().min(1)).optional(),
      headers: z.array(z.string().min(1)).optional(),
    })
    .optional(),
  pseudonymEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' }).optional(),
  upstream: z.record(z.string().min(1), z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })).optional(),
});

type _RecordConfigMatchesSchema = Assert<Same<z.infer<typeof recordConfigSchema>, RecordConfig>>;
