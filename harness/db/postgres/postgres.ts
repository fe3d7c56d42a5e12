import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { IdemgateError } from '../../errors.ts';
import type { Database } from '../database.ts';
import { isConnectionError, queryFailed, redactUrl, unreachable } from '../errors.ts';

/** The harness's own connections say so, so `activity()` counts only the target's. */
const HARNESS_APPLICATION_NAME = 'idemgate-harness';

export interface PostgresOptions {
  /** Pool size. Default 10. */
  max?: number;
  /** Runs after the pool is closed (createIsolatedDatabase drops the database here). */
  onClose?: () => Promise<void>;
}

/**
 * A PostgreSQL database on a pg Pool. Fails fast with DB_UNREACHABLE (URL without password)
 * when the server cannot be reached.
 *
 * @example
 * const db = await openPostgres('postgres://postgres@127.0.0.1:5432/test');
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 10_000,
    application_name: HARNESS_APPLICATION_NAME,
  });
  // An idle client whose backend is terminated (e.g. by the drop in createIsolatedDatabase)
  // emits 'error' on the pool; without a listener that would crash the process.
  pool.on('error', () => undefined);
  try {
    await pool.query('select 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw isConnectionError(e) ? unreachable(url, e) : queryFailed(e, 'select 1');
  }

  let closed = false;
  const assertOpen = (): void => {
    if (closed) throw new IdemgateError('DB_QUERY_FAILED', `the database ${redactUrl(url)} is closed`);
  };

  return {
    kind: 'postgres',
    url,
    native: { kind: 'postgres', pool },
    async query<T extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
      assertOpen();
      try {
        const result = await pool.query<T>(sql, params === undefined ? [] : [...params]);
        return result.rows;
      } catch (e) {
        throw isConnectionError(e) ? unreachable(url, e) : queryFailed(e, sql, params);
      }
    },
    async exec(sql: string): Promise<void> {
      assertOpen();
      try {
        // The simple query protocol (no parameters) accepts several statements.
        await pool.query(sql);
      } catch (e) {
        throw isConnectionError(e) ? unreachable(url, e) : queryFailed(e, sql);
      }
    },
    async activity(): Promise<number> {
      assertOpen();
      const { rows: [row] } = await pool.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and application_name <> $1
            and backend_type = 'client backend' and (state = 'active' or state like 'idle in transaction%')`,
        [HARNESS_APPLICATION_NAME],
      );
      return row?.n ?? 0;
    },
    async holdWrite(table: string) {
      assertOpen();
      const client = await pool.connect();
      let released = false;
      try {
        await client.query('begin');
        await client.query(`lock table ${table.split('.').map(quoteIdent).join('.')} in share row exclusive mode`);
      } catch (e) {
        await client.query('rollback').catch(() => undefined);
        client.release();
        throw queryFailed(e, `lock table ${table}`);
      }
      const { rows: [rel] } = await pool.query<{ oid: string }>('select $1::regclass::oid::text as oid', [table]);
      let waiting = false;
      // A session waiting for the lock is the held write; polled in the background until released.
      const poll = async (): Promise<void> => {
        while (!released) {
          const { rows: [row] } = await pool.query<{ n: number }>('select count(*)::int as n from pg_locks where not granted and relation = $1::oid', [rel?.oid]);
          waiting = (row?.n ?? 0) > 0;
          await new Promise((r) => setTimeout(r, 2));
        }
      };
      const polling = poll().catch(() => undefined);
      return {
        held: () => waiting,
        release: async () => {
          if (released) return;
          released = true;
          await polling;
          await client.query('rollback').catch(() => undefined);
          client.release();
        },
      };
    },
    serve(): Promise<string> {
      return Promise.resolve(url);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
      await options.onClose?.();
    },
  };
}

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** `idemgate_<prefix>_<pid>_<random>`, lower-case, within PostgreSQL's 63-byte identifier limit. */
export function isolatedDatabaseName(prefix: string): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 24) || 'db';
  return `idemgate_${clean}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** The owning process's PID in an isolated database's name (`isolatedDatabaseName`), or undefined for another name. */
export function ownerPid(name: string): number | undefined {
  const m = /^idemgate_[a-z0-9_]+_(\d+)_[0-9a-f]{8}$/.exec(name);
  const pid = m === null ? NaN : Number(m[1]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a process with this PID runs on this machine (EPERM: it does, as another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Drops the isolated databases whose owning process is gone (its PID, in the name, runs no
 * process here): what a run killed before it could drop its own left behind. Another live
 * process's databases are never touched, templates have no PID and are kept, and a drop that
 * fails (someone else dropped it first, or still holds it) is left to the next start. Returns the
 * names dropped.
 */
export async function dropAbandonedDatabases(admin: pg.Client): Promise<string[]> {
  const { rows } = await admin.query<{ datname: string }>("select datname from pg_database where not datistemplate and datname like 'idemgate\\_%'");
  const dropped: string[] = [];
  for (const { datname } of rows) {
    const pid = ownerPid(datname);
    if (pid === undefined || pid === process.pid || processAlive(pid)) continue;
    try {
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [datname]);
      await admin.query(`drop database if exists ${quoteIdent(datname)}`);
      dropped.push(datname);
    } catch {
      // Dropped or in use by a concurrent cleaner: the next start tries again.
    }
  }
  return dropped;
}

/** Runs `fn` on a single admin connection to `adminUrl`, closed afterwards. */
export async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    throw unreachable(adminUrl, e);
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates a fresh database next to the one `adminUrl` names (a copy of `template` when given) and
 * returns a Database on it; its close() terminates remaining connections and drops it. Tests and
 * workers each take one.
 *
 * @example
 * const db = await createIsolatedDatabase(process.env.DATABASE_URL!, 'scenario');
 * try { … } finally { await db.close(); } // database dropped
 */
export async function createIsolatedDatabase(adminUrl: string, prefix: string, options: { template?: string } = {}): Promise<Database> {
  const name = isolatedDatabaseName(prefix);
  await withAdmin(adminUrl, async (admin) => {
    // What a killed run left behind goes first (best effort: the new database does not depend on it).
    await dropAbandonedDatabases(admin).catch(() => undefined);
    const sql = `create database ${quoteIdent(name)}${options.template === undefined ? '' : ` template ${quoteIdent(options.template)}`}`;
    try {
      await admin.query(sql);
    } catch (e) {
      throw queryFailed(e, sql);
    }
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = (): Promise<void> =>
    withAdmin(adminUrl, async (admin) => {
      // Terminate first: a target in another process may still hold connections.
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
      await admin.query(`drop database if exists ${quoteIdent(name)}`);
    });
  try {
    return await openPostgres(url.toString(), { onClose: drop });
  } catch (e) {
    await drop().catch(() => undefined);
    throw e;
  }
}
