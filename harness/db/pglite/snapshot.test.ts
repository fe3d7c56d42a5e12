import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaKey } from '../schema-key.ts';
import { bootPglite } from './snapshot.ts';
import { openPglite } from './pglite.ts';

let cache: string;
const before = process.env.IDEMGATE_CACHE_DIR;
beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), 'idemgate-snapshot-test-'));
  process.env.IDEMGATE_CACHE_DIR = cache;
});
afterAll(async () => {
  if (before === undefined) delete process.env.IDEMGATE_CACHE_DIR;
  else process.env.IDEMGATE_CACHE_DIR = before;
  await rm(cache, { recursive: true, force: true });
});

describe('bootPglite', () => {
  it('starts cold once, then from the base snapshot; a prepared key is migrated once, then loaded', async () => {
    const first = await bootPglite();
    await first.client.close();
    expect(first.source).toBe('cold');
    expect((await readdir(cache)).filter((f) => f.endsWith('-base.tar'))).toHaveLength(1);

    let prepared = 0;
    const prepare = async (client: PGlite): Promise<void> => {
      prepared++;
      await client.exec(`create table accounts (id serial primary key, code text); insert into accounts (code) values ('seeded');`);
    };
    const migrated = await bootPglite({ prepared: { key: 'schema-v1', prepare } });
    expect(migrated.source).toBe('base-snapshot');
    await migrated.client.close();
    expect(prepared).toBe(1);

    const loaded = await bootPglite({ prepared: { key: 'schema-v1', prepare } });
    try {
      expect(loaded.source).toBe('prepared-snapshot');
      expect(prepared).toBe(1);
      expect((await loaded.client.query('select code from accounts')).rows).toEqual([{ code: 'seeded' }]);
    } finally {
      await loaded.client.close();
    }

    // Another key is another schema: migrated again, never the old snapshot.
    const other = await bootPglite({ prepared: { key: 'schema-v2', prepare } });
    await other.client.close();
    expect(other.source).toBe('base-snapshot');
    expect(prepared).toBe(2);
  });

  it('a failing migration is the caller\'s error and leaves no prepared snapshot', async () => {
    const snapshots = async (): Promise<string[]> => (await readdir(cache)).filter((f) => f.endsWith('.tar')).sort();
    const known = await snapshots();
    const failing = bootPglite({ prepared: { key: 'broken', prepare: async (c) => void (await c.exec('create table nope (')) } });
    await expect(failing).rejects.toThrow(/syntax error/);
    expect(await snapshots()).toEqual(known);
  });

  it('a corrupt snapshot file costs only its time: the database is built again', async () => {
    const base = (await readdir(cache)).find((f) => f.endsWith('-base.tar'))!;
    await writeFile(join(cache, base), 'not a tar');
    const db = await openPglite();
    try {
      expect(await db.query('select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });
});

describe('schemaKey', () => {
  it('changes when a schema file changes, and only then', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idemgate-schema-key-'));
    try {
      await mkdir(join(dir, 'migrations'));
      await writeFile(join(dir, 'migrations', '0001.sql'), 'create table a (id int);');
      const one = await schemaKey(['migrations'], dir);
      expect(await schemaKey(['migrations'], dir)).toBe(one);
      expect(await schemaKey(['migrations'], dir, 'another migrate function')).not.toBe(one);
      await writeFile(join(dir, 'migrations', '0002.sql'), 'create table b (id int);');
      expect(await schemaKey(['migrations'], dir)).not.toBe(one);
      await expect(schemaKey(['no-such-dir'], dir)).rejects.toThrow(/database.schemaFiles: cannot read no-such-dir/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
