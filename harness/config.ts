import type { Database, ResetStrategy } from './db/database.ts';
import type { EntityMapping, LedgerMapping } from './invariants/ledger-mapping.ts';
import type { ProviderApi } from './providers/api.ts';
import type { ClientApiConfig } from './providers/client-api/provider.ts';
import type { MutationConfig } from './mutate/config.ts';
import type { RecordConfig } from './record/config.ts';
import type { Provider, ProviderSecrets, ProviderSettings } from './providers/provider.ts';
import type { TargetConfig } from './targets/types.ts';

export type { RunningTarget, TargetConfig, TargetContext, TargetHealth, TargetStart } from './targets/types.ts';
export type { MutationConfig, MutationOperatorName } from './mutate/config.ts';
export type { RecordConfig } from './record/config.ts';
export type { HttpStore, RedisStore, TargetStore } from './stores/types.ts';
export type { QuiescenceConfig, QuiescenceContext, QuiescenceProbe, QuietAnswer } from './quiescence/types.ts';

export interface DatabaseConfig {
  /** postgres:// URL; default `process.env.DATABASE_URL`, else embedded PGlite. */
  url?: string;
  /** Prepares an empty database (create tables). Run once per database, before the first schedule. */
  migrate?: (db: Database) => Promise<void>;
  /**
   * Files or folders (relative to the config) the schema `migrate` builds comes from, e.g. the
   * migrations folder. On PGlite the migrated database is then snapshotted once per version of
   * them and later sessions load it instead of migrating (a one-second start). Without it every
   * session migrates.
   */
  schemaFiles?: string[];
  /**
   * Default `fastestReset()`: empties every table in `public` except migration bookkeeping, by
   * `deleteAll` or `truncateAll`, whichever is faster on this database (timed on the first reset).
   */
  reset?: ResetStrategy;
}

export interface IdemgateConfig {
  target: TargetConfig;
  /** Secrets per provider name (`shopee: { partnerKey }`, `fpx: { privateKeyPem }`, `stripe: { endpointSecret }`). */
  providers: Record<string, ProviderSecrets>;
  /**
   * Your own provider adapters (a gateway idemgate does not ship), by the name tapes use. They
   * take precedence over the built-in ones of the same name.
   */
  adapters?: Record<string, Provider>;
  /**
   * How idemgate reads each provider's traffic, by provider name: `strict` (an event the adapter
   * does not model is an error instead of being listed as unmodelled) and the provider's effect
   * model, e.g. `stripe: { effects: { payments: 'charge', refunds: 'charge.refunded-delta' } }`.
   */
  providerSettings?: Record<string, ProviderSettings>;
  /**
   * Your own simulated provider APIs (`defineProviderApi`), next to the built-in Shopee, PSP and
   * FPX AE ones; one with a built-in API's name replaces it.
   */
  apis?: ProviderApi[];
  /**
   * The service's own API as its clients call it with an Idempotency-Key, by the provider name its
   * tapes use: routes (method, path pattern), what each request should book (selectors such as
   * `body.amount`, `path.payment`), the idempotency profile its answers follow (`ietf`, `stripe` or
   * your own) and how its clients retry (backoff with jitter, scaled). No code: see `ClientApiConfig`.
   */
  clientApis?: Record<string, ClientApiConfig>;
  database?: DatabaseConfig;
  /**
   * How to read the money ledger. Optional: a service with no money ledger leaves it out, and the
   * invariants that read the ledger are reported as not applicable (never as held).
   */
  ledger?: LedgerMapping;
  entities?: EntityMapping;
  /** Where scenario files live. Default `scenarios`. */
  scenarios?: string;
  /** Where reports are written. Default `reports`. */
  reportsDir?: string;
  /** How `idemgate mutate` copies, mutates and starts the target. */
  mutation?: MutationConfig;
  /** What `idemgate record` redacts, its pseudonym key's variable, and the real provider APIs it forwards to. */
  record?: RecordConfig;
}

/**
 * Typed identity for `idemgate.config.ts`.
 *
 * @example
 * export default defineConfig({
 *   target: { start: { kind: 'command', command: 'python', args: ['app.py'], healthPath: '/health' },
 *             endpoints: { stripe: '/hooks/stripe' } },
 *   providers: { stripe: { endpointSecret: process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_test' } },
 *   ledger: { table: 'entries', columns: { … }, cashAccounts: ['cash'] },
 * });
 */
export const defineConfig = (config: IdemgateConfig): IdemgateConfig => config;
