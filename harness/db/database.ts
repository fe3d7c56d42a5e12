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
  /**
   * Holds the next write another session (the target, through `url`) makes to `table`: it waits,
   * inside its transaction, until `release`. The worker-crash fault kills a worker there, a point
   * after everything its job did before writing the ledger and before it commits.
   * PostgreSQL: a SHARE ROW EXCLUSIVE table lock in a transaction of the harness's own (reads go
   * on), `held` once a session waits on it in `pg_locks`. PGlite: the socket server keeps back a
   * client's message whose SQL text writes the table (`insert into` / `update` / `delete from`
   * `table`) until released; only a message that is dropped with its dead client never runs.
   */
  holdWrite?(table: string): Promise<WriteHold>;
  /** Makes the database reachable by `url` (PGlite: starts the socket server). Idempotent. */
  serve(): Promise<string>;
  close(): Promise<void>;
}

export interface WriteHold {
  /** Whether a write is being held now. */
  held(): boolean;
  /** Lets the held write (if its client is still alive) and every later one through. */
  release(): Promise<void>;
}

/** The statement texts that write `table` (insert into / update / delete from), for a hold to recognise. */
export const writesTable = (table: string): RegExp => {
  const name = table.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\b(?:insert\\s+into|update|delete\\s+from)\\s+"?${name}"?(?:[\\s(]|$)`, 'i');
};

/** How the harness brings the database back to a clean state between schedules. Swappable. */
export interface ResetStrategy {
  readonly name: string;
  reset(db: Database): Promise<void>;
}
