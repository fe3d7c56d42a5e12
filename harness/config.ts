import type { Database, ResetStrategy } from './db/database.ts';
import type { EntityMapping, LedgerMapping } from './invariants/ledger-mapping.ts';
import type { MutationConfig } from './mutate/config.ts';
import type { Provider, ProviderSecrets } from './providers/provider.ts';

export type { MutationConfig, MutationOperatorName } from './mutate/config.ts';

/** What an in-process target is given when the harness starts it. */
export interface TargetContext {
  database: Database;
  /** Secrets per provider, as configured (the target verifies what the harness signs). */
  secrets: Readonly<Record<string, ProviderSecrets>>;
  /** Environment the harness would give a child-process target (upstream API bases etc.). */
  env: Readonly<Record<string, string>>;
}

export interface RunningTarget {
  /** Base URL the target listens on (loopback). */
  baseUrl: string;
  /** Number of requests still being handled, if the target can tell (used to wait for quiescence). */
  inFlight?: () => number;
  stop(): Promise<void>;
}

export type TargetStart =
  /** A Node app started in this process: return its base URL. */
  | { kind: 'in-process'; start: (ctx: TargetContext) => Promise<RunningTarget> }
  /**
   * Any service in any language, started as a child process. `{port}`, `{databaseUrl}` and
   * every env key of the context are substituted in args and env values.
   */
  | {
      kind: 'command';
      command: string;
      args?: string[];
      cwd?: string;
      env?: Record<string, string>;
      /** Path polled until it answers 2xx. */
      healthPath: string;
      /** Fixed port; default: a free loopback port passed as {port} / PORT. */
      port?: number;
      startTimeoutMs?: number;
    }
  /** Already running elsewhere on loopback; the harness only talks to it. */
  | { kind: 'url'; baseUrl: string; healthPath?: string };

export interface TargetConfig {
  start: TargetStart;
  /** Path on the target per provider name (`/webhooks/stripe`, …). Default: the tape's recorded path. */
  endpoints?: Record<string, string>;
  /** Per-request timeout for deliveries. Default 5000 ms. */
  requestTimeoutMs?: number;
  /** How long to wait after a schedule with aborted requests for a child-process target to finish them. Default 250 ms. */
  settleMs?: number;
}

export interface DatabaseConfig {
  /** postgres:// URL; default `process.env.DATABASE_URL`, else embedded PGlite. */
  url?: string;
  /** Prepares an empty database (create tables). Run once per database, before the first schedule. */
  migrate?: (db: Database) => Promise<void>;
  /** Default: truncate every table in `public` except migration bookkeeping. */
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
  database?: DatabaseConfig;
  ledger: LedgerMapping;
  entities?: EntityMapping;
  /** Where scenario files live. Default `scenarios`. */
  scenarios?: string;
  /** Where reports are written. Default `reports`. */
  reportsDir?: string;
  /** How `idemgate mutate` copies, mutates and starts the target. */
  mutation?: MutationConfig;
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
