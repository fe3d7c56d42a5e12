import { z } from 'zod';

/**
 * Tape format, version 1: JSON Lines. Line 1 is the header; every following line is one
 * recorded inbound exchange (a delivery from a provider to the merchant and the merchant's
 * answer). Bodies are kept as the exact bytes received (utf8 text, or base64 for binary),
 * because provider signatures are computed over raw bytes.
 *
 * Timing is carried so that an incident can be replayed in its recorded order and pace:
 * `recordedAt` is the wall-clock time the exchange arrived, `durationMs` how long the
 * merchant took to answer.
 */
export const TAPE_FORMAT = 'idemgate-tape';
export const TAPE_VERSION = 1;

const headerValue = z.union([z.string(), z.array(z.string())]);

export const tapeHeaderSchema = z.object({
  format: z.literal(TAPE_FORMAT),
  version: z.literal(TAPE_VERSION),
  name: z.string().min(1),
  description: z.string().optional(),
  createdAt: z.iso.datetime({ offset: true }),
  /** How the tape was made: `generator` (fixtures script, with its seed), `proxy`, `har`, `import`. */
  source: z
    .object({ kind: z.string(), seed: z.number().int().optional(), detail: z.string().optional() })
    .optional(),
  /**
   * What the providers' APIs answered while the traffic was recorded, keyed by provider.
   * A simulated upstream serves these when the tape is replayed (e.g. Shopee escrow detail).
   */
  upstream: z.record(z.string(), z.unknown()).optional(),
});

export const recordedResponseSchema = z.object({
  status: z.number().int().min(100).max(599),
  headers: z.record(z.string(), headerValue).default({}),
  body: z.string().default(''),
});

/** Standard base64 with padding, as `Buffer.toString('base64')` writes it. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const exchangeSchema = z
  .object({
    /** 1-based position in the tape; unique and increasing. */
    seq: z.number().int().positive(),
    provider: z.string().min(1),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    /** Path (and query) on the merchant as recorded; replay maps it through the target config. */
    path: z.string().startsWith('/'),
    headers: z.record(z.string(), headerValue).default({}),
    body: z.string(),
    bodyEncoding: z.enum(['utf8', 'base64']).default('utf8'),
    recordedAt: z.iso.datetime({ offset: true }),
    durationMs: z.number().nonnegative().optional(),
    response: recordedResponseSchema.optional(),
  })
  // A body that is not base64 would be decoded silently into other bytes, and signatures over it fail far from here.
  .refine((e) => e.bodyEncoding !== 'base64' || BASE64.test(e.body), { path: ['body'], message: 'not valid base64' });

export type TapeHeader = z.infer<typeof tapeHeaderSchema>;
export type Exchange = z.infer<typeof exchangeSchema>;
export type RecordedResponse = z.infer<typeof recordedResponseSchema>;
/** Input shape for writers: defaults may be left out. */
export type ExchangeInput = z.input<typeof exchangeSchema>;

export interface Tape {
  header: TapeHeader;
  exchanges: Exchange[];
  /** Where the tape was read from, for error messages; absent for tapes built in memory. */
  file?: string;
}
