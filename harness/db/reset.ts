import type { Database, ResetStrategy } from './database.ts';
import { sqlState } from './errors.ts';

/** Drizzle's migration bookkeeping (pg: `__drizzle_migrations`) survives a reset. */
export const DRIZZLE_MIGRATION_TABLES = ['__drizzle_migrations'] as const;

export interface TruncateAllOptions {
  /** Schemas whose base tables are emptied. Default `['public']`. */
  schemas?: readonly string[];
  /** Table names (bare or `schema.table`) to keep. Default: drizzle's migration tables. */
  exclude?: readonly string[];
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Empties every base table of the given schemas in one `TRUNCATE … RESTART IDENTITY CASCADE`.
 * The table list is read from information_schema once per database and cached; a table that
 * has since been dropped makes it read the list again.
 *
 * @example
 * const reset = truncateAll({ exclude: ['schema_version'] });
 * await reset.reset(db);
 */
export function truncateAll(options: TruncateAllOptions = {}): ResetStrategy {
  const schemas = [...(options.schemas ?? ['public'])];
  const exclude = new Set(options.exclude ?? DRIZZLE_MIGRATION_TABLES);
  const statements = new WeakMap<Database, string | null>();

  const listTables = async (db: Database): Promise<string | null> => {
    const rows = await db.query<{ table_schema: string; table_name: string }>(
      `select table_schema, table_name from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema = any($1::text[])
        order by table_schema, table_name`,
      [schemas],
    );
    const tables = rows
      .filter((r) => !exclude.has(r.table_name) && !exclude.has(`${r.table_schema}.${r.table_name}`))
      .map((r) => `${quoteIdent(r.table_schema)}.${quoteIdent(r.table_name)}`);
    return tables.length === 0 ? null : `truncate table ${tables.join(', ')} restart identity cascade`;
  };

  const statementFor = async (db: Database, refresh: boolean): Promise<string | null> => {
    if (!refresh && statements.has(db)) return statements.get(db) ?? null;
    const statement = await listTables(db);
    statements.set(db, statement);
    return statement;
  };

  return {
    name: `truncate-all(${schemas.join(',')})`,
    async reset(db: Database): Promise<void> {
      const statement = await statementFor(db, false);
      if (statement === null) {
        // Nothing to empty yet; look again next time (tables may be created after the first reset).
        statements.delete(db);
        return;
      }
      try {
        await db.exec(statement);
      } catch (e) {
        if (sqlState(e) !== '42P01') throw e; // undefined_table: the schema changed since the list was read
        const fresh = await statementFor(db, true);
        if (fresh !== null) await db.exec(fresh);
      }
    },
  };
}

/**
 * A reset that runs the given script (e.g. `delete from ledger_entries; delete from orders;`).
 *
 * @example
 * database: { reset: sqlReset('truncate ledger_entries, orders') }
 */
export function sqlReset(script: string, name = 'sql-reset'): ResetStrategy {
  return {
    name,
    reset: (db: Database) => db.exec(script),
  };
}
