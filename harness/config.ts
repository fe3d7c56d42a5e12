import type { Database, ResetStrategy } from './db/database.ts';
import type { EntityMapping, LedgerMapping } from './invariants/ledger-mapping.ts';
import type { ProviderApi } from './providers/api.ts';
import type { Provider, ProviderSecrets } from './providers/provider.ts';
import type { TargetConfig, TargetStart } from './targets/types.ts';

export type { RunningTarget, TargetConfig, TargetContext, TargetStart } from './targets/types.ts';

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
  /**
   * Your own simulated provider APIs (`defineProviderApi`), next to the built-in Shopee, PSP and
   * FPX AE ones; one with a built-in API's name replaces it.
   */
  apis?: ProviderApi[];
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

/** Operators `idemgate mutate` knows; `marked` deletes `idemgate-guard` regions, the rest need no markers. */
export type MutationOperatorName =
  | 'marked'
  | 'on-conflict'
  | 'for-update'
  | 'unique'
  | 'transaction'
  | 'early-return'
  | 'status-condition';

export interface MutationConfig {
  /** The target's source root (relative to the config's folder); each mutant runs in a copy of it. */
  root: string;
  /**
   * Which files under `root` are mutated, as globs relative to it.
   * Default `['**\/*.ts', '**\/*.sql']`; `*.test.ts` and node_modules are never mutated.
   */
  sources?: string[];
  /** How to start one mutant from its copy (absolute path of the copied root). Usually `kind: 'command'`. */
  start: (copyDir: string) => TargetStart;
  /** Default operators when `--operators` is not given. Default: all. */
  operators?: MutationOperatorName[];
  /**
   * Run in the copy after a schema mutant (the `unique` operator) so the migration matches the
   * schema again, e.g. drizzle-kit generate. `{copyDir}` is substituted in args; cwd is the copy.
   */
  regenerate?: { command: string; args?: string[] };
  /**
   * Mutants not run, by id (a guard name for marked mutants), each with the reason no scenario
   * can reach it, e.g. a crash-recovery path. They are listed in the matrix as "ignored" with the
   * reason and count neither as killed nor as survived; an id that matches no mutant is an error,
   * so a stale entry cannot hide a guard. `--mutant ID` still runs an ignored mutant.
   */
  ignore?: Record<string, string>;
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
