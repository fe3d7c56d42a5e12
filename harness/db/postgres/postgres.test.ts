import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { IdemgateError } from '../../errors.ts';
import { databaseContract } from '../database.contract.ts';
import { createIsolatedDatabase, isolatedDatabaseName, openPostgres, ownerPid } from './postgres.ts';

const adminUrl = process.env.DATABASE_URL;

describe.skipIf(!adminUrl)('postgres (DATABASE_URL)', () => {
  databaseContract('postgres', () => createIsolatedDatabase(adminUrl!, 'contract'));

  it('createIsolatedDatabase makes a fresh database and drops it on close, even with a client still connected', async () => {
    const db = await createIsolatedDatabase(adminUrl!, 'Iso Test');
    const name = new URL(db.url!).pathname.slice(1);
    expect(name).toMatch(new RegExp(`^idemgate_iso_test_${process.pid}_[0-9a-f]{8}$`));
    await db.exec('create table t (x int)');
    const straggler = new pg.Client({ connectionString: db.url });
    straggler.on('error', () => undefined);
    await straggler.connect();

    await db.close();

    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const rows = await admin.query('select 1 from pg_database where datname = $1', [name]);
      expect(rows.rowCount).toBe(0);
    } finally {
      await admin.end();
      await straggler.end().catch(() => undefined);
    }
  });
});

describe('openPostgres errors', () => {
  it('names the URL, without its password, when the server is down', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const address = s.address();
        s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const url = `postgres://app:s3cret@127.0.0.1:${port}/ledger`;

    const error = await openPostgres(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdemgateError);
    expect((error as IdemgateError).code).toBe('DB_UNREACHABLE');
    expect((error as IdemgateError).message).toContain(`127.0.0.1:${port}/ledger`);
    expect((error as IdemgateError).message).not.toContain('s3cret');

    const isolated = await createIsolatedDatabase(url, 'down').catch((e: unknown) => e);
    expect((isolated as IdemgateError).code).toBe('DB_UNREACHABLE');
    expect((isolated as IdemgateError).message).not.toContain('s3cret');
  });

  it('makes valid, distinct database names from any prefix', () => {
    const a = isolatedDatabaseName('Worker-1 / "x"');
    const b = isolatedDatabaseName('Worker-1 / "x"');
    expect(a).toMatch(/^idemgate_worker_1_x_\d+_[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(isolatedDatabaseName('x'.repeat(200)).length).toBeLessThanOrEqual(63);
  });
});

describe('ownerPid', () => {
  it('reads the owning PID from an isolated database name, and nothing from a template or another database', () => {
    expect(ownerPid(isolatedDatabaseName('run'))).toBe(process.pid);
    expect(ownerPid(isolatedDatabaseName('Worker 1'))).toBe(process.pid);
    expect(ownerPid('idemgate_run_4242_0a1b2c3d')).toBe(4242);
    expect(ownerPid('idemgate_tpl_8d3abdd35444175c')).toBeUndefined();
    expect(ownerPid('idemgate_run_0_0a1b2c3d')).toBeUndefined();
    expect(ownerPid('shop')).toBeUndefined();
  });
});
