import { describe, expect, it } from 'vitest';
import { databaseContract } from '../database.contract.ts';
import { dockerAvailable, openContainerPostgres } from './testcontainers.ts';

const availability = await dockerAvailable();
if (!availability.ok) console.warn(`testcontainers: skipping the container database tests: ${availability.reason}`);

describe('dockerAvailable', () => {
  it('answers ok, or not ok with the runtime strategy error as the reason', () => {
    if (availability.ok) expect(availability).toEqual({ ok: true });
    else expect(availability.reason.length).toBeGreaterThan(0);
  });
});

describe.skipIf(!availability.ok)('testcontainers postgres:16-alpine', () => {
  databaseContract('testcontainers', openContainerPostgres);

  it('stops the container on close', async () => {
    const db = await openContainerPostgres();
    expect(db.kind).toBe('postgres');
    await db.close();
    await expect(db.query('select 1')).rejects.toThrow();
  });
});
