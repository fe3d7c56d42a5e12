import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './open.ts';

const adminUrl = process.env.DATABASE_URL;

describe('openDatabase', () => {
  const saved = process.env.DATABASE_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });

  it('opens PGlite when chosen, even with DATABASE_URL set', async () => {
    process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:9/unreachable';
    const db = await openDatabase({ kind: 'pglite' });
    try {
      expect(db.kind).toBe('pglite');
    } finally {
      await db.close();
    }
  });

  it.skipIf(!adminUrl)('opens an isolated PostgreSQL database for a URL, named by the prefix', async () => {
    const db = await openDatabase({ kind: 'postgres', url: adminUrl! }, { isolate: 'open-test' });
    try {
      expect(db.kind).toBe('postgres');
      expect(new URL(db.url!).pathname).toMatch(/^\/idemgate_open_test_/);
      expect(await db.query('select current_database() as name')).toEqual([
        { name: new URL(db.url!).pathname.slice(1) },
      ]);
    } finally {
      await db.close();
    }
  });

  it.skipIf(!adminUrl)('uses the URL database itself with isolate: false', async () => {
    const db = await openDatabase({ kind: 'postgres', url: adminUrl! }, { isolate: false });
    try {
      expect(db.url).toBe(adminUrl);
    } finally {
      await db.close();
    }
  });
});
