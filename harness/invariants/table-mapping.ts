import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { sqlState } from '../db/errors.ts';
import { IdemgateError } from '../errors.ts';
import { quoteIdent, quoteQualified } from './sql.ts';

/** Where a mapping reads from: a table (optionally schema-qualified) or a SELECT; exactly one. */
export interface TableSource {
  /** A table (optionally schema-qualified). One of `table` or `sql`. */
  table?: string;
  /** A SELECT returning the mapped columns. One of `table` or `sql`. */
  sql?: string;
}

/**
 * A table or a SELECT, and the column holding each key: the shape the ledger, entity and
 * reconciliation mappings share.
 *
 * @example
 * const matches: TableMapping<'reference' | 'settlementDate'> = { table: 'recon_matches', columns: { reference: 'fpx_txn_id', settlementDate: 'settled_on' } };
 */
export interface TableMapping<K extends string> extends TableSource {
  columns: Record<K, string>;
}

/** Any mapping, some of whose columns may be optional (the ledger's amount or debit/credit). */
export type AnyTableMapping = TableSource & { readonly columns: Readonly<Partial<Record<string, string>>> };

const given = (s: string | undefined): s is string => s !== undefined && s.trim() !== '';

/** A column name for `columns.<key>`: a non-empty string. */
export const columnSchema = (key: string) =>
  z.string({ error: `columns.${key} is missing` }).min(1, `columns.${key} is missing`);

/** `table` / `sql` and the given columns, with the check that exactly one source is named. */
export function tableMappingSchema<S extends z.ZodRawShape>(columns: S) {
  return z
    .object({ table: z.string().optional(), sql: z.string().optional(), columns: z.object(columns, { error: 'columns is missing' }) })
    .refine((m) => given(m.table) !== given(m.sql), { error: 'give exactly one of `table` or `sql`' });
}

/**
 * One line per issue: `path: message`, or the path joined to the message when the message
 * already starts with the end of the path (`ledger.` + `columns.txnId is missing`).
 */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String);
    for (let i = 0; i < path.length; i++) {
      if (issue.message.startsWith(`${path.slice(i).join('.')} `)) return [...path.slice(0, i), issue.message].join('.');
    }
    return path.length === 0 ? issue.message : `${path.join('.')}: ${issue.message}`;
  });
}

const describeMapping = (mapping: AnyTableMapping): string => JSON.stringify(mapping);

/** LEDGER_MAPPING_INVALID with the mapping in the message and the details. */
export function mappingInvalid(
  message: string,
  mapping: AnyTableMapping,
  options: { cause?: unknown; table?: string; column?: string } = {},
): IdemgateError<'LEDGER_MAPPING_INVALID'> {
  const { cause, ...where } = options;
  return new IdemgateError('LEDGER_MAPPING_INVALID', `${message} (mapping: ${describeMapping(mapping)})`, {
    cause,
    details: { mapping, ...where },
  });
}

/** Validates a mapping against its schema: LEDGER_MAPPING_INVALID naming every problem. */
export function parseMapping<T>(schema: z.ZodType<T>, mapping: AnyTableMapping): T {
  const parsed = schema.safeParse(mapping);
  if (!parsed.success) throw mappingInvalid(issueLines(parsed.error).join('; '), mapping);
  return parsed.data;
}

const causeMessage = (e: unknown): string => {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  return cause instanceof Error ? cause.message : String(cause);
};

/** The FROM item a mapping reads from, aliased `src`, and how messages name it. */
function sourceOf(mapping: AnyTableMapping): { from: string; label: string; table: string | undefined } {
  if (given(mapping.table) === given(mapping.sql)) throw mappingInvalid('give exactly one of `table` or `sql`', mapping);
  if (given(mapping.table)) {
    return { from: `${quoteQualified(mapping.table.trim())} as src`, label: `table ${mapping.table}`, table: mapping.table };
  }
  const sql = (mapping.sql ?? '').trim().replace(/;\s*$/, '');
  return { from: `(${sql}) as src`, label: 'the mapping sql', table: undefined };
}

/** `src."column"`: how a select expression names a mapped column. */
export type ColumnRef<K extends string> = (key: K) => string;

/** The columns a mapping names, by key (optional ones left out). */
function namedColumns(mapping: AnyTableMapping): [key: string, column: string][] {
  return Object.entries(mapping.columns).flatMap(([key, column]) => (column === undefined || column === '' ? [] : [[key, column]]));
}

/** Each key's column as text, named by the key: the default selection of a mapped view. */
const asText = (mapping: AnyTableMapping): Record<string, string> =>
  Object.fromEntries(namedColumns(mapping).map(([key, column]) => [key, `(src.${quoteIdent(column)})::text`]));

/**
 * The SQL of a mapped view, `(select <expr> as "<name>", … from <source> as src)`, with no
 * check against the database: `createMappedView` checks once, and later uses can rebuild the text.
 */
export function mappedViewSql<K extends string>(
  mapping: TableSource & { readonly columns: Readonly<Partial<Record<K, string>>> },
  select?: (col: ColumnRef<K>) => Record<string, string>,
): string {
  const { from } = sourceOf(mapping);
  const col: ColumnRef<K> = (key) => `src.${quoteIdent(mapping.columns[key] ?? '')}`;
  const fields = Object.entries(select === undefined ? asText(mapping) : select(col)).map(([name, expr]) => `${expr} as ${quoteIdent(name)}`);
  return `(select ${fields.join(',\n    ')}\n  from ${from})`;
}

/**
 * The one builder of a view over a mapping: checks that the table (or SQL) can be read and that
 * every column the mapping names is in it, then that the selection runs, failing with
 * LEDGER_MAPPING_INVALID naming the missing table or column (and the mapping key). Returns the
 * view's SQL, a parenthesised subquery to alias where it is used.
 *
 * @example
 * const view = await createMappedView(db, { table: 'recon_matches', columns: { reference: 'fpx_txn_id' } });
 * await db.query(`select reference from ${view} as m`);
 */
export async function createMappedView<K extends string>(
  db: Database,
  mapping: TableSource & { readonly columns: Readonly<Partial<Record<K, string>>> },
  select?: (col: ColumnRef<K>) => Record<string, string>,
): Promise<string> {
  const source = sourceOf(mapping);
  const where = source.table === undefined ? {} : { table: source.table };
  try {
    await db.query(`select * from ${source.from} limit 0`);
  } catch (e) {
    if (sqlState(e) === '42P01') throw mappingInvalid(`${source.label} does not exist`, mapping, { cause: e, ...where });
    throw mappingInvalid(`cannot read ${source.label}: ${causeMessage(e)}`, mapping, { cause: e, ...where });
  }
  for (const [key, column] of namedColumns(mapping)) {
    try {
      await db.query(`select src.${quoteIdent(column)} from ${source.from} limit 0`);
    } catch (e) {
      const options = { cause: e, ...where, column };
      if (sqlState(e) === '42703') throw mappingInvalid(`column "${column}" (columns.${key}) is not in ${source.label}`, mapping, options);
      throw mappingInvalid(`cannot read column "${column}" (columns.${key}) of ${source.label}: ${causeMessage(e)}`, mapping, options);
    }
  }
  const view = mappedViewSql(mapping, select);
  try {
    await db.query(`select * from ${view} as v limit 0`);
  } catch (e) {
    throw mappingInvalid(`the mapped columns cannot be read: ${causeMessage(e)}`, mapping, { cause: e, ...where });
  }
  return view;
}
