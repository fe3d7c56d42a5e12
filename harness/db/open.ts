import type { Database } from './database.ts';
import { openPglite } from './pglite/pglite.ts';
import { createIsolatedDatabase, openPostgres } from './postgres/postgres.ts';

export interface OpenDatabaseOptions {
  /** postgres:// URL; default `process.env.DATABASE_URL`; neither → in-memory PGlite. */
  url?: string;
  /**
   * With a URL: create a fresh database beside it (dropped on close) instead of using the one it
   * names. `true` (default) or a name prefix; `false` uses the URL's database as it is.
   */
  isolate?: boolean | string;
}

/**
 * The database a run uses: an isolated PostgreSQL database when a URL is given or DATABASE_URL
 * is set, else PGlite.
 *
 * @example
 * const db = await openDatabase({ isolate: 'worker1' });
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const url = options.url ?? (process.env.DATABASE_URL || undefined);
  if (url === undefined) return openPglite();
  const isolate = options.isolate ?? true;
  if (isolate === false) return openPostgres(url);
  return createIsolatedDatabase(url, typeof isolate === 'string' ? isolate : 'run');
}
