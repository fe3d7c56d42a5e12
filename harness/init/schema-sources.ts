/**
 * Every table a project declares, from whichever schema sources it has: a Drizzle schema, Prisma
 * schemas, Knex or Kysely migrations, and SQL migrations. A table declared by an ORM and also in
 * SQL (drizzle-kit and `prisma migrate` generate SQL) is listed once, from the ORM declaration.
 */
import { findDrizzleTables } from './drizzle-schema.ts';
import { readPrismaSchemas } from './prisma-schema.ts';
import { readQueryBuilderMigrations } from './query-builder-schema.ts';
import type { SchemaSource, SchemaTable } from './schema-table.ts';
import { collectTextFiles, type SourceFile, type TextFile } from './source-files.ts';
import { readSqlMigrations } from './sql-schema.ts';

/** What `init` says it looked for when it found nothing. */
export const SCHEMA_SOURCES_LOOKED_FOR = 'Drizzle, SQL migrations, Prisma, Knex, Kysely';

export interface ProjectSchema {
  /** Files that declared a table, per source order. */
  files: string[];
  tables: SchemaTable[];
  /** The sources tables came from, in preference order. */
  sources: SchemaSource[];
}

/** Preference when two sources declare the same table: ORM declarations first, SQL last. */
const ORDER: SchemaSource[] = ['drizzle', 'prisma', 'knex', 'kysely', 'sql'];

/** The table name without a schema, lower-cased: the key tables are deduplicated by. */
const bareName = (name: string): string => name.replace(/^.*\./, '').toLowerCase();

export function mergeSchemaTables(found: { files: string[]; tables: SchemaTable[] }[]): ProjectSchema {
  const all = found.flatMap((f) => f.tables).sort((a, b) => ORDER.indexOf(a.source) - ORDER.indexOf(b.source));
  const seen = new Set<string>();
  const tables: SchemaTable[] = [];
  for (const t of all) {
    if (seen.has(bareName(t.name))) continue;
    seen.add(bareName(t.name));
    tables.push(t);
  }
  const files = [...new Set(found.flatMap((f) => f.files))];
  return { files, tables, sources: ORDER.filter((s) => tables.some((t) => t.source === s)) };
}

/** Reads every schema source of the project in `dir` (`sources` are its parsed JS/TS files). */
export function findSchemaTables(
  dir: string,
  sources: readonly SourceFile[],
  read: (dir: string, name: RegExp) => TextFile[] = collectTextFiles,
): ProjectSchema {
  const drizzle = findDrizzleTables(sources);
  const prisma = readPrismaSchemas(read(dir, /\.prisma$/));
  const builders = readQueryBuilderMigrations(sources);
  const sql = readSqlMigrations(read(dir, /\.sql$/));
  return mergeSchemaTables([drizzle, prisma, builders, sql]);
}
