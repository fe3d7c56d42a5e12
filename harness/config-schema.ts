import { z } from 'zod';
import type { Assert, Same } from './_internals/same-type.ts';
import type { IdemgateConfig, RunningTarget, TargetConfig, TargetContext, TargetStart } from './config.ts';
import type { Database, ResetStrategy } from './db/database.ts';
import { IdemgateError } from './errors.ts';
import { entityMappingSchema, ledgerMappingSchema } from './invariants/ledger-mapping.ts';
import { issueLines } from './invariants/table-mapping.ts';
import { mutationConfigSchema } from './mutate/config.ts';
import { recordConfigSchema } from './record/config.ts';
import type { ProviderApi } from './providers/api.ts';
import type { QuiescenceContext, QuietAnswer } from './quiescence/types.ts';
import type { Provider } from './providers/provider.ts';
import type { IdempotencyProfile } from './providers/client-api/profile.ts';

/** A function value; zod cannot see its signature, so the type comes from the config types. */
const fn = <F>(shape: string) => z.custom<F>((v) => typeof v === 'function', { error: `must be a function ${shape}` });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

// --- target (the types live with the target; this is only their runtime check) ---

const inProcessStartSchema = z.object({
  kind: z.literal('in-process'),
  start: fn<(ctx: TargetContext) => Promise<RunningTarget>>('(ctx) => Promise<RunningTarget>'),
  healthPath: z.string().optional(),
});

const commandStartSchema = z.object({
  kind: z.literal('command'),
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  healthPath: z.string().optional(),
  ready: z.enum(['health', 'port']).optional(),
  port: z.number().int().positive().optional(),
  startTimeoutMs: z.number().positive().optional(),
}).refine((s) => s.ready === 'port' || s.healthPath !== undefined, {
  error: "healthPath is required unless ready is 'port'",
  path: ['healthPath'],
});

const urlStartSchema = z.object({
  kind: z.literal('url'),
  baseUrl: z.string().min(1),
  healthPath: z.string().optional(),
  startTimeoutMs: z.number().positive().optional(),
});

export const targetStartSchema = z.discriminatedUnion('kind', [inProcessStartSchema, commandStartSchema, urlStartSchema], {
  error: "kind must be 'in-process', 'command' or 'url'",
});

const redisStoreSchema = z.object({
  kind: z.literal('redis'),
  url: z.string().regex(/^rediss?:\/\//, { error: 'must be a redis:// (or rediss://) URL' }),
  prefix: z.string().min(1, { error: 'must not be empty: idemgate never deletes a whole Redis database' }).optional(),
  queues: z.array(z.string().min(1)).optional(),
  queuePrefix: z.string().min(1).optional(),
}).refine((s) => s.prefix !== undefined || (s.queues ?? []).length > 0, { error: 'a Redis store needs a key prefix, queues, or both (something to reset)' });

const httpStoreSchema = z.object({
  kind: z.literal('http'),
  url: z.string().min(1),
  method: z.string().min(1).optional(),
});

const storeSchema = z.discriminatedUnion('kind', [redisStoreSchema, httpStoreSchema], { error: "kind must be 'redis' or 'http'" });

const quiescenceProbeSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('queues'), queues: z.array(z.string().min(1)).optional() }),
    z.object({ kind: z.literal('sql'), query: z.string().min(1) }),
    z.object({ kind: z.literal('http'), url: z.string().min(1) }),
    z.object({
      kind: z.literal('function'),
      name: z.string().optional(),
      check: fn<(ctx: QuiescenceContext) => Promise<boolean | QuietAnswer>>('(ctx) => Promise<boolean | { quiet, detail }>'),
    }),
  ],
  { error: "kind must be 'queues', 'sql', 'http' or 'function'" },
);

const quiescenceSchema = z.object({
  probes: z.array(quiescenceProbeSchema).min(1, { error: 'needs at least one probe' }),
  timeoutMs: z.number().positive().optional(),
  pollMs: z.number().positive().optional(),
  quietPolls: z.number().int().positive().optional(),
});

const workersSchema = z.object({
  start: z.object({
    kind: z.literal('command'),
    command: z.string().min(1),
    args: z.array(z.string()).optional(),
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string()).optional(),
    readyPattern: z
      .string()
      .refine((p) => {
        try {
          new RegExp(p);
          return true;
        } catch {
          return false;
        }
      }, { error: 'must be a valid regular expression' })
      .optional(),
    startTimeoutMs: z.number().positive().optional(),
  }),
  count: z.number().int().min(1, { error: 'must be at least 1' }).optional(),
});

export const targetConfigSchema = z.object({
  start: targetStartSchema,
  endpoints: z.record(z.string(), z.string()).optional(),
  requestTimeoutMs: z.number().positive().optional(),
  settleMs: z.number().nonnegative().optional(),
  crashStart: commandStartSchema.optional(),
  workers: workersSchema.optional(),
  stores: z.array(storeSchema).optional(),
  quiescence: quiescenceSchema.optional(),
  timeScale: z.number().positive().max(1, { error: 'timeScale makes the target faster: a number in (0, 1]' }).optional(),
}).refine((t) => !(t.quiescence?.probes ?? []).some((p) => p.kind === 'queues') || (t.stores ?? []).some((s) => s.kind === 'redis' && (s.queues ?? []).length > 0), {
  error: "a 'queues' quiescence probe needs a Redis store in target.stores that lists queues",
  path: ['quiescence', 'probes'],
});

// --- the whole config ---

const providerSchema = z.custom<Provider>(
  (v) => isObject(v) && typeof v.name === 'string' && typeof v.interpret === 'function' && typeof v.sign === 'function' && typeof v.acknowledged === 'function',
  { error: 'must be a provider adapter (defineProvider({ name, interpret, sign, acknowledged }))' },
);

const providerApiSchema = z.custom<ProviderApi>(
  (v) => isObject(v) && typeof v.name === 'string' && typeof v.create === 'function' && Array.isArray(v.routes),
  { error: 'must be a provider API (defineProviderApi({ name, baseUrlEnv, routes, create, … }))' },
);

const resetStrategySchema = z.custom<ResetStrategy>((v) => isObject(v) && typeof v.name === 'string' && typeof v.reset === 'function', {
  error: 'must be a reset strategy (truncateAll(), sqlReset(…))',
});

const selector = z.string().min(1);

/** A sender's retry back-off in its own ms and the scale replay waits it at (`RetryTiming`). */
const retryTimingSchema = z.object({
  attempts: z.number().int().nonnegative().optional(),
  baseMs: z.number().nonnegative(),
  factor: z.number().min(1).optional(),
  maxMs: z.number().nonnegative().optional(),
  jitter: z.number().min(0).max(1).optional(),
  timeScale: z.number().nonnegative().optional(),
});

// Shapes only; the meaning (selectors that read the request, a valid profile) is checked by
// `clientApiProvider` when the run starts, naming `clientApis.<name>…`.
const clientApiSchema = z.object({
  routes: z
    .array(
      z.object({
        name: z.string().min(1),
        method: z.string().min(1).optional(),
        path: z.string().startsWith('/'),
        effect: z.object({
          reference: selector,
          amount: selector,
          currency: selector.optional(),
          defaultCurrency: z.string().min(1).optional(),
          direction: z.enum(['in', 'out']),
          amountUnit: z.enum(['minor', 'major']).optional(),
        }),
        group: selector.optional(),
        template: z
          .object({
            body: z.record(z.string(), z.unknown()),
            form: z.boolean().optional(),
            params: z.record(z.string(), z.string().min(1)).optional(),
            referencePrefix: z.string().optional(),
            amount: z.object({ min: z.number().int().positive(), max: z.number().int().positive() }).optional(),
            currency: z.string().min(1).optional(),
            headers: z.record(z.string(), z.string()).optional(),
          })
          .optional(),
      }),
    )
    .min(1),
  profile: z
    .union([
      z.literal('ietf'),
      z.literal('stripe'),
      z.custom<IdempotencyProfile>((v) => isObject(v) && typeof v.name === 'string', { error: "must be 'ietf', 'stripe' or a profile (defineIdempotencyProfile)" }),
    ])
    .optional(),
  forgedHeaders: z.record(z.string().min(1), z.string()).optional(),
  keyTtlMs: z.number().positive().optional(),
  retry: retryTimingSchema.optional(),
});

/**
 * `idemgate.config.ts`'s default export, checked once when the config is loaded. The TypeScript
 * types in config.ts are checked against it at compile time, so the two cannot drift.
 */
export const idemgateConfigSchema = z.object({
  target: targetConfigSchema,
  providers: z.record(z.string(), z.record(z.string(), z.string())),
  adapters: z.record(z.string(), providerSchema).optional(),
  providerSettings: z
    .record(
      z.string(),
      z.strictObject({
        strict: z.boolean().optional(),
        // The values are the provider's own; its `configure` checks them when the run starts.
        effects: z.record(z.string(), z.string()).optional(),
        retry: retryTimingSchema.optional(),
        // Checked by the registry when the run starts (statuses in range, body a regular expression).
        acknowledge: z.strictObject({ statuses: z.array(z.number()).optional(), body: z.string().optional() }).optional(),
      }),
    )
    .optional(),
  apis: z.array(providerApiSchema).optional(),
  clientApis: z.record(z.string(), clientApiSchema).optional(),
  database: z
    .object({
      url: z.string().optional(),
      migrate: fn<(db: Database) => Promise<void>>('(db) => Promise<void>').optional(),
      schemaFiles: z.array(z.string()).optional(),
      reset: resetStrategySchema.optional(),
    })
    .optional(),
  ledger: ledgerMappingSchema.optional(),
  entities: entityMappingSchema.optional(),
  scenarios: z.string().optional(),
  reportsDir: z.string().optional(),
  mutation: mutationConfigSchema.optional(),
  record: recordConfigSchema.optional(),
});

type _TargetStartMatchesSchema = Assert<Same<z.infer<typeof targetStartSchema>, TargetStart>>;
type _TargetConfigMatchesSchema = Assert<Same<z.infer<typeof targetConfigSchema>, TargetConfig>>;
// The parts are checked one by one (target above, ledger and entities in ledger-mapping.ts,
// mutation in mutate/config.ts); the whole config by its keys and by assignability both ways.
type _ConfigKeysMatchSchema = Assert<Same<keyof z.infer<typeof idemgateConfigSchema>, keyof IdemgateConfig>>;
type _ConfigAssignableToSchema = Assert<IdemgateConfig extends z.infer<typeof idemgateConfigSchema> ? true : false>;
type _SchemaAssignableToConfig = Assert<z.infer<typeof idemgateConfigSchema> extends IdemgateConfig ? true : false>;

/**
 * Checks a loaded config: CONFIG_INVALID naming the file and every field that is wrong
 * (`idemgate.config.ts: ledger.columns.txnId is missing`), with the first field's path in details.
 *
 * @example
 * const config = validateConfig((await import(file)).default, file);
 */
export function validateConfig(value: unknown, file: string): IdemgateConfig {
  if (!isObject(value)) {
    throw new IdemgateError('CONFIG_INVALID', `${file} must \`export default defineConfig({ target, providers, ledger, … })\``, { details: { file } });
  }
  const parsed = idemgateConfigSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const lines = issueLines(parsed.error);
  const path = parsed.error.issues[0]?.path.map(String).join('.') ?? '';
  throw new IdemgateError('CONFIG_INVALID', `${file}: ${lines.join('; ')}`, { details: { file, path } });
}
