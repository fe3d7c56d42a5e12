import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from './database.ts';
import { openPglite } from './pglite/pglite.ts';
import { deleteAll, fastestReset, sqlReset, truncateAll } from './reset.ts';

let db: Database;
beforeAll(async () => {
  db = await openPglite();
  await db.exec(`
    create schema drizzle;
    create table drizzle.__drizzle_migrations (id serial primary key, hash text);
    create table public.__drizzle_migrations (id serial primary key, hash text);
    create table "Orders" (id serial primary key, ref text);
    create table items (id serial primary key, order_id int references "Orders"(id), sku text);
    create table settings (k text primary key, v text);
    create schema audit;
    create table audit.log (id serial primary key, msg text);
    create view order_refs as select ref from "Orders";`);
});
afterAll(() => db.close());

async function seed(): Promise<void> {
  await db.exec(`
    insert into drizzle.__drizzle_migrations (hash) values ('a');
    insert into public.__drizzle_migrations (hash) values ('a');
    insert into "Orders" (ref) values ('o1'), ('o2');
    insert into items (order_id, sku) values (1, 's');
    insert into settings values ('mode', 'x') on conflict do nothing;
    insert into audit.log (msg) values ('m');`);
}

/** `db`, recording every statement it is given in `statements`. */
const watching = (db: Database, statements: string[]): Database => ({
  ...db,
  query: <T extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => {
    statements.push(sql);
    return db.query<T>(sql, params);
  },
  exec: (sql) => {
    statements.push(sql);
    return db.exec(sql);
  },
});

const count = async (table: string): Promise<number> =>
  Number((await db.query<{ n: string }>(`select count(*) as n from ${table}`))[0]!.n);

describe('truncateAll', () => {
  it('empties public base tables (quoted names, foreign keys) and keeps drizzle bookkeeping and other schemas', async () => {
    await seed();
    await truncateAll().reset(db);
    expect(await count('"Orders"')).toBe(0);
    expect(await count('items')).toBe(0);
    expect(await count('settings')).toBe(0);
    expect(await count('public.__drizzle_migrations')).toBe(1);
    expect(await count('drizzle.__drizzle_migrations')).toBe(1);
    expect(await count('audit.log')).toBe(1);
    const [row] = await db.query<{ id: number }>(`insert into "Orders" (ref) values ('again') returning id`);
    expect(row!.id).toBe(1);
  });

  it('honours schemas and exclude (bare or schema-qualified)', async () => {
    await seed();
    await truncateAll({ schemas: ['public', 'audit'], exclude: ['settings', 'public.__drizzle_migrations'] }).reset(db);
    expect(await count('audit.log')).toBe(0);
    expect(await count('settings')).toBe(1);
    expect(await count('items')).toBe(0);
    expect(await count('public.__drizzle_migrations')).toBe(2);
  });

  it('reads the table list again when a cached table was dropped', async () => {
    const reset = truncateAll();
    await db.exec('create table scratch (x int)');
    await reset.reset(db);
    await db.exec(`drop table scratch; insert into "Orders" (ref) values ('o3');`);
    await reset.reset(db);
    expect(await count('"Orders"')).toBe(0);
  });

  it('reads the table list once, then each reset is the one TRUNCATE statement', async () => {
    const statements: string[] = [];
    const watched = watching(db, statements);
    const reset = truncateAll();

    for (let i = 0; i < 3; i++) await reset.reset(watched);

    expect(statements.filter((s) => s.includes('pg_class'))).toHaveLength(1);
    const truncates = statements.filter((s) => s.startsWith('truncate'));
    expect(truncates).toHaveLength(3);
    expect(new Set(truncates).size).toBe(1);
    expect(statements).toHaveLength(4);
  });
});

describe('sqlReset', () => {
  it('runs its script', async () => {
    await seed();
    const reset = sqlReset('delete from items; delete from "Orders";');
    await reset.reset(db);
    expect(await count('"Orders"')).toBe(0);
    expect(await count('settings')).toBe(1);
    expect(reset.name).toBe('sql-reset');
  });
});

describe('deleteAll', () => {
  // Earlier tests leave rows and advanced sequences behind.
  beforeEach(() => truncateAll().reset(db));

  it('empties the same tables as truncateAll, children before parents, and restarts their sequences', async () => {
    await seed();
    await db.exec(`insert into "Orders" (ref) values ('o3'); insert into items (order_id, sku) values (3, 't');`);
    await deleteAll().reset(db);
    expect(await count('"Orders"')).toBe(0);
    expect(await count('items')).toBe(0);
    expect(await count('settings')).toBe(0);
    expect(await count('public.__drizzle_migrations')).toBeGreaterThan(0);
    expect(await count('audit.log')).toBeGreaterThan(0);
    const [order] = await db.query<{ id: number }>(`insert into "Orders" (ref) values ('again') returning id`);
    expect(order!.id).toBe(1);
    const [item] = await db.query<{ id: number }>(`insert into items (order_id, sku) values (1, 'x') returning id`);
    expect(item!.id).toBe(1);
  });

  it('is one statement script per reset, built from the catalog once', async () => {
    const statements: string[] = [];
    const watched = watching(db, statements);
    const reset = deleteAll();
    for (let i = 0; i < 3; i++) await reset.reset(watched);
    const scripts = statements.filter((s) => s.startsWith('delete from'));
    expect(scripts).toHaveLength(3);
    expect(scripts[0]!.indexOf('"public"."items"')).toBeLessThan(scripts[0]!.indexOf('"public"."Orders"'));
    expect(scripts[0]).toContain('setval(');
    expect(statements.length - scripts.length).toBeLessThanOrEqual(4);
  });

  it('refuses a schema where DELETE is not TRUNCATE … CASCADE, naming why', async () => {
    const other = await openPglite();
    try {
      await other.exec(`
        create table a (id int primary key, b_id int);
        create table b (id int primary key, a_id int references a(id));
        alter table a add foreign key (b_id) references b(id);`);
      await expect(deleteAll().reset(other)).rejects.toThrow(/cycle between a, b/);
      await other.exec(`
        drop table a, b cascade;
        create table parent (id int primary key);
        create table child (id int primary key, parent_id int references parent(id));
        create function note_delete() returns trigger language plpgsql as $$ begin return old; end $$;
        create trigger on_parent_delete before delete on parent for each row execute function note_delete();`);
      await expect(deleteAll().reset(other)).rejects.toThrow(/ON DELETE trigger \(on_parent_delete\)/);
      await other.exec('drop trigger on_parent_delete on parent');
      await expect(deleteAll({ exclude: ['child'] }).reset(other)).rejects.toThrow(/a kept table references parent/);
      await deleteAll().reset(other);
    } finally {
      await other.close();
    }
  });
});

describe('fastestReset', () => {
  it('times the candidates on the first reset, keeps the fastest, and skips the unsuitable with their reason', async () => {
    const calls: string[] = [];
    const slow = { name: 'slow', reset: async () => void calls.push('slow') };
    const fast = { name: 'fast', reset: async () => void calls.push('fast') };
    const unsuitable = { name: 'never', reset: async () => {
      const { IdemgateError } = await import('../errors.ts');
      throw new IdemgateError('CONFIG_INVALID', 'not for this schema');
    } };
    // `slow` is made slow by an injected delay, not by the wall clock of the work itself.
    const delayed = { ...slow, reset: async () => { calls.push('slow'); await new Promise((r) => setTimeout(r, 15)); } };
    const reset = fastestReset({ candidates: [unsuitable, delayed, fast], trials: 3 });
    expect(reset.name).toBe('fastest');
    await reset.reset(db);
    expect(reset.choice?.chosen).toBe('fast');
    expect(reset.choice?.unsuitable).toEqual({ never: 'not for this schema' });
    expect(reset.name).toBe('fastest: fast');
    calls.length = 0;
    await reset.reset(db);
    expect(calls).toEqual(['fast']);
  });

  it('picks delete-all or truncate-all on a real schema and leaves it empty', async () => {
    await seed();
    const reset = fastestReset();
    await reset.reset(db);
    expect(Object.keys(reset.choice!.medians).sort()).toEqual(['delete-all(public)', 'truncate-all(public)']);
    expect(await count('"Orders"')).toBe(0);
  });
});
