import type { Database } from './database.ts';
import { openPglite } from './pglite/pglite.ts';
import { createIsolatedDatabase, openPostgres } from './postgres/postgres.ts';
import { createFromTemplate } from './postgres/template.ts';
import type { DatabaseChoice } from './resolve.ts';

export interface OpenDatabaseOptions {
  /**
   * For PostgreSQL: create a fresh database beside the URL's (dropped on close) instead of using
   * the one it names. `true` (default) or a name prefix; `false` uses the URL's database as it is.
   */
  isolate?: boolean | string;
  /**
   * Prepares the new database (runs the migration). With a `key` that changes whenever the
   * migration would build another schema, the migrated database is built once and later opens copy
   * it instead of migrating again: on PGlite a snapshot of its data directory, on PostgreSQL a
   * template database (`CREATE DATABASE … TEMPLATE`). The migration runs with the database served, so it
   * may connect by URL.
   */
  prepare?: { migrate: (db: Database) => Promise<void>; key?: string; serve?: boolean };
}

/**
 * Opens the database `resolveDatabase` chose: in-memory PGlite, or an isolated PostgreSQL
 * database beside the chosen URL. It reads no environment itself, so what was decided is what
 * opens.
 *
 * @example
 * const db = await openDatabase(resolveDatabase({ configUrl: config.database?.url }), { isolate: 'worker1' });
 */
export async function openDatabase(choice: DatabaseChoice, options: OpenDatabaseOptions = {}): Promise<Database> {
  const { prepare } = options;
  const migrate = async (db: Database): Promise<void> => {
    if (prepare === undefined) return;
    if (prepare.serve === true) await db.serve();
    await prepare.migrate(db);
  };
  if (choice.kind === 'pglite') {
    if (prepare?.key === undefined) return openPglite().then(afterOpen(migrate));
    return openPglite({ prepared: { key: prepare.key, prepare: migrate } });
  }
  const isolate = options.isolate ?? true;
  const prefix = typeof isolate === 'string' ? isolate : 'run';
  if (isolate !== false && prepare?.key !== undefined) {
    return (await createFromTemplate(choice.url, prefix, { key: prepare.key, build: migrate })).db;
  }
  const db = isolate === false ? await openPostgres(choice.url) : await createIsolatedDatabase(choice.url, prefix);
  return afterOpen(migrate)(db);
}

/** Runs `step` on a just-opened database, closing it if the step fails. */
const afterOpen =
  (step: (db: Database) => Promise<void>) =>
  async (db: Database): Promise<Database> => {
    try {
      await step(db);
      return db;
    } catch (e) {
      await db.close().catch(() => undefined);
      throw e;
    }
  };
