import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.ts';
import { openPglite } from './pglite/pglite.ts';
import { sqlReset, truncateAll } from './reset.ts';

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
    const watched: Database = {
      ...db,
      query: <T extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => {
        statements.push(sql);
        return db.query<T>(sql, params);
      },
      exec: (sql) => {
        statements.push(sql);
        return db.exec(sql);
      },
    };
    const reset = truncateAll();

    for (let i = 0; i < 3; i++) await reset.reset(watched);

    expect(statements.filter((s) => s.includes('information_schema'))).toHaveLength(1);
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
