import { IdemgateError } from '../errors.ts';
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
const quoteLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** A reset statement built from the catalog, cached per database and rebuilt once the schema changed. */
function cachedStatement(build: (db: Database) => Promise<string | null>): (db: Database) => Promise<void> {
  const statements = new WeakMap<Database, string | null>();
  const statementFor = async (db: Database, refresh: boolean): Promise<string | null> => {
    if (!refresh && statements.has(db)) return statements.get(db) ?? null;
    const statement = await build(db);
    statements.set(db, statement);
    return statement;
  };
  return async (db) => {
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
  };
}

interface TableRow extends Record<string, unknown> {
  oid: number;
  schema: string;
  name: string;
}

async function emptiedTables(db: Database, options: TruncateAllOptions): Promise<TableRow[]> {
  const schemas = [...(options.schemas ?? ['public'])];
  const exclude = new Set(options.exclude ?? DRIZZLE_MIGRATION_TABLES);
  // Ordinary and partitioned tables, not their partitions (emptying the parent empties those).
  const rows = await db.query<TableRow>(
    `select c.oid::int as oid, n.nspname as schema, c.relname as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and not c.relispartition and n.nspname = any($1::text[])
      order by n.nspname, c.relname`,
    [schemas],
  );
  return rows.filter((r) => !exclude.has(r.name) && !exclude.has(`${r.schema}.${r.name}`));
}

const qualified = (t: TableRow): string => `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;

/**
 * Empties every base table of the given schemas in one `TRUNCATE … RESTART IDENTITY CASCADE`.
 * The table list is read from the catalog once per database and cached; a table that has since
 * been dropped makes it read the list again.
 *
 * @example
 * const reset = truncateAll({ exclude: ['schema_version'] });
 * await reset.reset(db);
 */
export function truncateAll(options: TruncateAllOptions = {}): ResetStrategy {
  const run = cachedStatement(async (db) => {
    const tables = await emptiedTables(db, options);
    return tables.length === 0 ? null : `truncate table ${tables.map(qualified).join(', ')} restart identity cascade`;
  });
  return { name: `truncate-all(${(options.schemas ?? ['public']).join(',')})`, reset: run };
}

interface DeletePlan {
  /** Emptied tables, each before every table it references. */
  order: TableRow[];
  /** Sequences owned by the emptied tables' columns (serial and identity), with their start values. */
  sequences: { name: string; start: string }[];
  /**
   * Why DELETE cannot stand in for `TRUNCATE … CASCADE` on this schema: a foreign-key cycle between
   * emptied tables, a kept table referencing an emptied one (TRUNCATE CASCADE would empty it, DELETE
   * would fail), or a row-level `ON DELETE` trigger (DELETE fires it, TRUNCATE does not).
   */
  unsuitable?: string;
}

async function deletePlan(db: Database, options: TruncateAllOptions): Promise<DeletePlan> {
  const tables = await emptiedTables(db, options);
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const oids = tables.map((t) => t.oid);
  const keys = await db.query<{ child: number; parent: number; name: string }>(
    `select conrelid::int as child, confrelid::int as parent, conname as name
       from pg_constraint where contype = 'f' and confrelid = any($1::int[])`,
    [oids],
  );
  const triggers = await db.query<{ table: number; name: string }>(
    `select tgrelid::int as "table", tgname as name from pg_trigger
      where not tgisinternal and (tgtype & 8) <> 0 and (tgtype & 1) <> 0 and tgrelid = any($1::int[])`,
    [oids],
  );
  const sequences = await db.query<{ name: string; start: string }>(
    `select s.oid::regclass::text as name, ps.seqstart::text as start
       from pg_depend d
       join pg_class s on s.oid = d.objid and s.relkind = 'S'
       join pg_sequence ps on ps.seqrelid = s.oid
      where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
        and d.deptype in ('a', 'i') and d.refobjid = any($1::int[])
      order by 1`,
    [oids],
  );
  const plan = (unsuitable?: string): DeletePlan => ({ order: [], sequences, ...(unsuitable ? { unsuitable } : {}) });
  const outside = keys.find((k) => !byOid.has(k.child));
  if (outside !== undefined) {
    return plan(`a kept table references ${byOid.get(outside.parent)!.name} (foreign key ${outside.name})`);
  }
  if (triggers.length > 0) {
    return plan(`${byOid.get(triggers[0]!.table)!.name} has an ON DELETE trigger (${triggers[0]!.name}) that TRUNCATE would not fire`);
  }
  // Children first: a table is deleted once every table that references it is.
  const referencedBy = new Map<number, Set<number>>(oids.map((o) => [o, new Set()]));
  for (const k of keys) if (k.child !== k.parent) referencedBy.get(k.parent)!.add(k.child);
  const order: TableRow[] = [];
  const done = new Set<number>();
  while (order.length < tables.length) {
    const ready = tables.filter((t) => !done.has(t.oid) && [...referencedBy.get(t.oid)!].every((c) => done.has(c)));
    if (ready.length === 0) {
      const cycle = tables.filter((t) => !done.has(t.oid)).map((t) => t.name);
      return plan(`foreign keys form a cycle between ${cycle.join(', ')}`);
    }
    for (const t of ready) {
      order.push(t);
      done.add(t.oid);
    }
  }
  return { order, sequences };
}

/**
 * Empties every base table of the given schemas with one `DELETE` per table, children before the
 * tables they reference, and restarts the tables' own sequences — one statement script, so one
 * implicit transaction. Leaves the same empty state as `truncateAll` and is several times faster
 * on small tables (no relation files are swapped), so it is what `fastestReset` usually picks.
 * Throws CONFIG_INVALID on a schema where DELETE is not equivalent to TRUNCATE … CASCADE
 * (a foreign-key cycle, a kept table referencing an emptied one, an ON DELETE trigger).
 *
 * @example
 * database: { reset: deleteAll({ exclude: ['schema_version'] }) }
 */
export function deleteAll(options: TruncateAllOptions = {}): ResetStrategy {
  const name = `delete-all(${(options.schemas ?? ['public']).join(',')})`;
  const run = cachedStatement(async (db) => {
    const plan = await deletePlan(db, options);
    if (plan.unsuitable !== undefined) {
      throw new IdemgateError('CONFIG_INVALID', `${name} cannot reset this database: ${plan.unsuitable}; use truncateAll()`, {
        details: { path: 'database.reset' },
      });
    }
    if (plan.order.length === 0) return null;
    const deletes = plan.order.map((t) => `delete from ${qualified(t)};`);
    const restarts = plan.sequences.map((s) => `setval(${quoteLiteral(s.name)}::regclass, ${s.start}, false)`);
    return [...deletes, ...(restarts.length > 0 ? [`select ${restarts.join(', ')};`] : [])].join('\n');
  });
  return { name, reset: run };
}

export interface FastestResetOptions extends TruncateAllOptions {
  /** Resets timed per candidate before choosing (alternating, on the empty database). Default 5. */
  trials?: number;
  /** The candidates, in order of preference on a tie. Default `[deleteAll(options), truncateAll(options)]`. */
  candidates?: readonly ResetStrategy[];
}

export interface MeasuredReset extends ResetStrategy {
  /** The chosen strategy's name and each candidate's median time (ms), once the first reset has run. */
  readonly choice: { chosen: string; medians: Record<string, number>; unsuitable: Record<string, string> } | undefined;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The default reset: on the first reset it times each candidate on this database (each leaves
 * the same empty state — the contract suite proves it) and uses the fastest from then on.
 * Candidates that do not suit the schema (see `deleteAll`) are left out with their reason.
 *
 * @example
 * const reset = fastestReset();
 * await reset.reset(db); // times delete-all and truncate-all, keeps the faster
 * reset.choice; // { chosen: 'delete-all(public)', medians: { … }, unsuitable: {} }
 */
export function fastestReset(options: FastestResetOptions = {}): MeasuredReset {
  const candidates = options.candidates ?? [deleteAll(options), truncateAll(options)];
  const trials = Math.max(1, options.trials ?? 5);
  const chosen = new WeakMap<Database, ResetStrategy>();
  let choice: MeasuredReset['choice'];

  const choose = async (db: Database): Promise<ResetStrategy> => {
    const times = new Map<ResetStrategy, number[]>();
    const unsuitable: Record<string, string> = {};
    for (let trial = 0; trial < trials; trial++) {
      for (const candidate of candidates) {
        if (unsuitable[candidate.name] !== undefined) continue;
        const started = performance.now();
        try {
          await candidate.reset(db);
        } catch (e) {
          if (!(e instanceof IdemgateError && e.code === 'CONFIG_INVALID')) throw e;
          unsuitable[candidate.name] = e.message;
          continue;
        }
        times.set(candidate, [...(times.get(candidate) ?? []), performance.now() - started]);
      }
    }
    if (times.size === 0) throw new IdemgateError('CONFIG_INVALID', `no reset strategy suits this database: ${Object.values(unsuitable).join('; ')}`);
    const medians = [...times].map(([c, t]) => ({ c, ms: median(t) }));
    const best = medians.reduce((a, b) => (b.ms < a.ms ? b : a));
    choice = { chosen: best.c.name, medians: Object.fromEntries(medians.map((m) => [m.c.name, Math.round(m.ms * 100) / 100])), unsuitable };
    return best.c;
  };

  return {
    get name() {
      return choice === undefined ? 'fastest' : `fastest: ${choice.chosen}`;
    },
    get choice() {
      return choice;
    },
    async reset(db: Database): Promise<void> {
      let strategy = chosen.get(db);
      if (strategy === undefined) {
        strategy = await choose(db);
        chosen.set(db, strategy);
      }
      await strategy.reset(db);
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
