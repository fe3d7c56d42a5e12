import type { Database } from './database.ts';
import { openPglite } from './pglite/pglite.ts';
import { createIsolatedDatabase, openPostgres } from './postgres/postgres.ts';
import type { DatabaseChoice } from './resolve.ts';

export interface OpenDatabaseOptions {
  /**
   * For PostgreSQL: create a fresh database beside the URL's (dropped on close) instead of using
   * the one it names. `true` (default) or a name prefix; `false` uses the URL's database as it is.
   */
  isolate?: boolean | string;
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
  if (choice.kind === 'pglite') return openPglite();
  const isolate = options.isolate ?? true;
  if (isolate === false) return openPostgres(choice.url);
  return createIsolatedDatabase(choice.url, typeof isolate === 'string' ? isolate : 'run');
}
