import { describe, expect, it } from 'vitest';
import { databaseContract } from '../database.contract.ts';
import { openPglite } from './pglite.ts';

databaseContract('pglite', openPglite);

describe('openPglite', () => {
  it('is kind pglite, has no URL until served, and exposes its PGlite client', async () => {
    const db = await openPglite();
    try {
      expect(db.kind).toBe('pglite');
      expect(db.url).toBeUndefined();
      expect(db.native.kind).toBe('pglite');
      const url = await db.serve();
      expect(db.url).toBe(url);
      expect(url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    } finally {
      await db.close();
    }
  });
});
