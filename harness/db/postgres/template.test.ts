import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../database.ts';
import { createFromTemplate, templateName } from './template.ts';

const adminUrl = process.env.DATABASE_URL;

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const isTemplate = (name: string): Promise<boolean | undefined> =>
  admin(async (c) => (await c.query<{ t: boolean }>('select datistemplate as t from pg_database where datname = $1', [name])).rows[0]?.t);

describe.skipIf(!adminUrl)('createFromTemplate (DATABASE_URL)', () => {
  /** A key no earlier run used, so the first call builds. */
  const freshKey = (): string => `test-${process.pid}-${randomBytes(6).toString('hex')}`;
  const used: string[] = [];
  afterAll(async () => {
    await admin(async (c) => {
      for (const key of used) {
        const name = templateName(key);
        await c.query(`alter database "${name}" with is_template false`).catch(() => undefined);
        await c.query(`drop database if exists "${name}"`);
      }
    });
  });

  const migration = (calls: string[]) => async (db: Database) => {
    calls.push(db.url!);
    await db.exec('create table orders (id serial primary key, status text not null); insert into orders (status) values (\'seed\')');
  };

  it('builds the template once per key and clones it for every database after', async () => {
    const key = freshKey();
    used.push(key);
    const calls: string[] = [];
    const first = await createFromTemplate(adminUrl!, 'tpl-a', { key, build: migration(calls) });
    const second = await createFromTemplate(adminUrl!, 'tpl-b', { key, build: migration(calls) });
    try {
      expect(calls).toHaveLength(1);
      expect(first.source).toBe('built-template');
      expect(second.source).toBe('template');
      for (const db of [first.db, second.db]) expect(await db.query('select status from orders')).toEqual([{ status: 'seed' }]);
      // Each clone is its own database: a write to one is not in the other.
      await first.db.exec("insert into orders (status) values ('paid')");
      expect(await second.db.query('select count(*)::int as n from orders')).toEqual([{ n: 1 }]);
      expect(await isTemplate(templateName(key))).toBe(true);
    } finally {
      await first.db.close();
      await second.db.close();
    }
    // Closing a clone drops it and keeps the template.
    expect(await isTemplate(templateName(key))).toBe(true);
  });

  it('builds once when several processes ask for a new key at the same time', async () => {
    const key = freshKey();
    used.push(key);
    const calls: string[] = [];
    const opened = await Promise.all([0, 1, 2].map((i) => createFromTemplate(adminUrl!, `tpl-c${i}`, { key, build: migration(calls) })));
    try {
      expect(calls).toHaveLength(1);
      expect(opened.map((o) => o.source).sort()).toEqual(['built-template', 'template', 'template']);
    } finally {
      for (const { db } of opened) await db.close();
    }
  });

  it('keeps no template when the build fails, and builds again next time', async () => {
    const key = freshKey();
    used.push(key);
    await expect(
      createFromTemplate(adminUrl!, 'tpl-d', {
        key,
        build: (db) => db.exec('create table broken (x int references missing(id))'),
      }),
    ).rejects.toThrow(/missing/);
    expect(await isTemplate(templateName(key))).toBeUndefined();
    const calls: string[] = [];
    const { db, source } = await createFromTemplate(adminUrl!, 'tpl-d', { key, build: migration(calls) });
    await db.close();
    expect(source).toBe('built-template');
    expect(calls).toHaveLength(1);
  });

  it('names templates by key: another schema, another template', () => {
    expect(templateName('a')).toMatch(/^idemgate_tpl_[0-9a-f]{16}$/);
    expect(templateName('a')).not.toBe(templateName('b'));
  });
});
