import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * The database the target writes its ledger into, owned by the harness so it can reset it
 * between schedules and read it for the invariants. One interface, one folder per driver
 * (`pglite/`, `postgres/`, `testcontainers/`), all run through the same contract suite.
 */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  /**
   * A postgres:// URL a target in another process can connect to. For PGlite this is the
   * pglite-socket server (started on demand by `serve()`).
   */
  readonly url: string | undefined;
  /** The driver's own client, for an in-process target that wants to build Drizzle on it. */
  readonly native: { kind: 'pglite'; client: PGlite } | { kind: 'postgres'; pool: pg.Pool };
  /** Runs one statement with positional parameters ($1, $2, …) and returns its rows. */
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<T[]>;
  /** Runs a script of one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  /**
   * How many sessions other than the harness's own are running a statement or hold a transaction
   * open (PostgreSQL: `pg_stat_activity`; PGlite: its one connection inside a transaction). The
   * replayer waits for 0 before judging a schedule whose requests were aborted.
   */
  activity(): Promise<number>;
  /** Makes the database reachable by `url` (PGlite: starts the socket server). Idempotent. */
  serve(): Promise<string>;
  close(): Promise<void>;
}

/** How the harness brings the database back to a clean state between schedules. Swappable. */
export interface ResetStrategy {
  readonly name: string;
  reset(db: Database): Promise<void>;
}
