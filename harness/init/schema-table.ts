/**
 * The table model every schema reader produces (Drizzle, SQL migrations, Prisma, Knex, Kysely),
 * so ledger/entity inference does not care where a table was declared.
 */

export type SchemaSource = 'drizzle' | 'sql' | 'prisma' | 'knex' | 'kysely';

export interface SchemaColumn {
  /** The name in the declaring code (Drizzle/Prisma property); the SQL name for SQL, Knex and Kysely. */
  key: string;
  /** The SQL column name (`amount_minor`). */
  sqlName: string;
  /** The column type as declared, lower-cased where SQL (`bigint`, `text`, `numeric`…); ledger.ts prefers integer amounts. */
  type: string;
}

export interface SchemaTable {
  /** SQL table name (`schema.name` outside `public` for SQL migrations). */
  name: string;
  source: SchemaSource;
  /** The exported variable (`ledgerEntries`), if any (Drizzle). */
  variable?: string;
  /** `file:line` of the declaration (CREATE TABLE, model, createTable call). */
  where: string;
  /** The comments right above the declaration (they often say which way amounts are signed). */
  comment: string;
  columns: SchemaColumn[];
}

/** The SQL types ledger.ts treats as integer minor units. */
export const INTEGER_TYPES = new Set([
  'integer', 'bigint', 'smallint', 'serial', 'bigserial', 'smallserial', 'int', 'int2', 'int4', 'int8', 'serial4', 'serial8',
]);
