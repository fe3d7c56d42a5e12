import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../database.ts';
import { queryFailed, sqlState } from '../errors.ts';
import { createIsolatedDatabase, openPostgres, quoteIdent, withAdmin } from './postgres.ts';

/**
 * Migrating every session's and worker's database costs a migration each time. Instead the
 * migrated database is built once per schema key as a PostgreSQL template
 * (`idemgate_tpl_<hash of the key>`, kept on the server) and every later database is
 * `CREATE DATABASE … TEMPLATE` of it: a file copy, no migration.
 */

/** Templates kept on a server; the oldest beyond this are dropped when a new one is built. */
const MAX_TEMPLATES = 6;
/** The advisory-lock class idemgate's template builds take (the key's hash is the second half). */
const LOCK_CLASS = 0x1de6;

/** The template database for a schema key. */
export const templateName = (key: string): string => `idemgate_tpl_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;

export interface TemplateOptions {
  /** Changes whenever `build` would build another schema (see `schemaKey`). */
  key: string;
  /** Builds the schema in a new, empty database (the migration). Runs once per key and server. */
  build: (db: Database) => Promise<void>;
}

/**
 * Ensures the template for `key` exists, building it under an advisory lock (so concurrent
 * processes build it once), and says whether this call built it. A build that fails leaves no
 * template behind: the next call builds again.
 */
async function ensureTemplate(adminUrl: string, { key, build }: TemplateOptions): Promise<boolean> {
  const name = templateName(key);
  return withAdmin(adminUrl, async (admin) => {
    const run = async (sql: string, params: unknown[] = []) => {
      try {
        return await admin.query<Record<string, unknown>>(sql, params);
      } catch (e) {
        throw queryFailed(e, sql, params);
      }
    };
    const isReady = async () =>
      (await run('select datistemplate from pg_database where datname = $1', [name])).rows[0]?.datistemplate === true;
    const dropUnfinished = async () => {
      await run('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      await run(`drop database if exists ${quoteIdent(name)}`);
    };
    if (await isReady()) return false;
    await run('select pg_advisory_lock($1, hashtext($2))', [LOCK_CLASS, name]);
    try {
      if (await isReady()) return false;
      // A database by that name that is not marked a template is a build that died half-way.
      await dropUnfinished();
      await run(`create database ${quoteIdent(name)}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      try {
        const db = await openPostgres(url.toString());
        try {
          await build(db);
        } finally {
          await db.close();
        }
        // The migration may have run in a child process that left connections behind.
        await run('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
        await run(`alter database ${quoteIdent(name)} with is_template true`);
      } catch (e) {
        await dropUnfinished().catch(() => undefined);
        throw e;
      }
      await pruneTemplates(run, name);
      return true;
    } finally {
      await run('select pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, name]).catch(() => undefined);
    }
  });
}

/** Drops idemgate's oldest templates beyond MAX_TEMPLATES (schemas that have since changed). */
async function pruneTemplates(
  run: (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>,
  keep: string,
): Promise<void> {
  const { rows } = await run(
    "select datname from pg_database where datistemplate and datname like 'idemgate\\_tpl\\_%' and datname <> $1 order by oid desc",
    [keep],
  );
  for (const row of rows.slice(MAX_TEMPLATES - 1)) {
    const old = String(row.datname);
    await run(`alter database ${quoteIdent(old)} with is_template false`).catch(() => undefined);
    await run(`drop database if exists ${quoteIdent(old)}`).catch(() => undefined);
  }
}

/** SQLSTATEs of a clone that can succeed when tried again: the template is in use, or was pruned meanwhile. */
const RETRYABLE = new Set(['55006', '3D000']);

/**
 * A fresh database (dropped on close) cloned from the template for `options.key`, built first if
 * no earlier run on this server built it. `source` says which.
 *
 * @example
 * const { db } = await createFromTemplate(url, 'scenario', { key: schemaHash, build: migrate });
 */
export async function createFromTemplate(
  adminUrl: string,
  prefix: string,
  options: TemplateOptions,
): Promise<{ db: Database; source: 'template' | 'built-template' }> {
  let built = false;
  for (let attempt = 1; ; attempt++) {
    built = (await ensureTemplate(adminUrl, options)) || built;
    try {
      const db = await createIsolatedDatabase(adminUrl, prefix, { template: templateName(options.key) });
      return { db, source: built ? 'built-template' : 'template' };
    } catch (e) {
      if (attempt >= 5 || !RETRYABLE.has(sqlState(e) ?? '')) throw e;
      await sleep(50 * attempt);
    }
  }
}
